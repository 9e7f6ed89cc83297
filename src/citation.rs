//! The citation syntax: `[@id]`, `[@id "exact words"]` and groups like `[@a; @b "…"]`.
//!
//! This module only reads the syntax; whether an id exists or a quote is really in the
//! source is decided later, in [`crate::resolve`].

use std::ops::Range;

/// One cited source inside a citation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The source id, e.g. `vela-2026-04-28`.
    pub id: String,
    /// The pinpoint quote, as the editor typed it (without its quote marks).
    pub quote: Option<String>,
    /// Byte range of this item (from `@` to the end of the quote) in the parsed text.
    pub span: Range<usize>,
}

/// A bracketed citation group as it stands in the text: `[@a; @b "words"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationGroup {
    /// Byte range of the whole group, brackets included.
    pub span: Range<usize>,
    /// The cited sources, in the order written.
    pub items: Vec<Citation>,
}

/// A group that starts like a citation (`[@`) but cannot be read as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationSyntaxError {
    /// Where the group starts, to the point where reading failed.
    pub span: Range<usize>,
    /// What was expected.
    pub reason: String,
}

/// Finds every citation group in `text`. `[@` preceded by a backslash is not a citation.
pub fn parse_citations(text: &str) -> (Vec<CitationGroup>, Vec<CitationSyntaxError>) {
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("[@") {
        let start = from + found;
        if start > 0 && text.as_bytes()[start - 1] == b'\\' {
            from = start + 2;
            continue;
        }
        match parse_group(text, start) {
            Ok(group) => {
                from = group.span.end;
                groups.push(group);
            }
            Err(error) => {
                from = error.span.end.max(start + 2);
                errors.push(error);
            }
        }
    }
    (groups, errors)
}

/// Reads one group starting at the `[` at `start`.
fn parse_group(text: &str, start: usize) -> Result<CitationGroup, CitationSyntaxError> {
    let mut cursor = Cursor {
        text,
        at: start + 1,
        start,
    };
    let mut items = Vec::new();
    loop {
        cursor.skip_whitespace();
        let item_start = cursor.at;
        if !cursor.eat('@') {
            return Err(cursor.error("expected `@` and a source id"));
        }
        let id = cursor
            .take_while(is_id_char)
            .trim_end_matches(['.', ':', '/']);
        if id.is_empty() {
            return Err(cursor.error("expected a source id after `@`"));
        }
        let id = id.to_string();
        cursor.at = item_start + 1 + id.len();
        cursor.skip_whitespace();
        let quote = match cursor.peek() {
            Some(open @ ('"' | '“')) => Some(cursor.quoted(open)?),
            _ => None,
        };
        items.push(Citation {
            id,
            quote,
            span: item_start..cursor.at,
        });
        cursor.skip_whitespace();
        match cursor.peek() {
            Some(';') => cursor.at += 1,
            Some(']') => {
                cursor.at += 1;
                return Ok(CitationGroup {
                    span: start..cursor.at,
                    items,
                });
            }
            _ => return Err(cursor.error("expected `;` or `]` after the citation")),
        }
    }
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/')
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
    start: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, expected: char) -> bool {
        let matched = self.peek() == Some(expected);
        if matched {
            self.at += expected.len_utf8();
        }
        matched
    }

    fn skip_whitespace(&mut self) {
        self.take_while(char::is_whitespace);
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &str {
        let rest = &self.text[self.at..];
        let len = rest.find(|c| !keep(c)).unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    /// Reads a quote opened by `open` (`"` or `“`), up to its closing mark.
    fn quoted(&mut self, open: char) -> Result<String, CitationSyntaxError> {
        self.at += open.len_utf8();
        // Curly marks pair only with each other, so a quote holding straight quotes
        // can be written “like "this"”.
        let close = if open == '"' { '"' } else { '”' };
        let rest = &self.text[self.at..];
        let Some(len) = rest.find(close) else {
            self.at = self
                .text
                .len()
                .min(self.at + rest.find(']').unwrap_or(rest.len()));
            return Err(self.error("the quote is never closed"));
        };
        let quote = rest[..len].trim();
        if quote.is_empty() {
            return Err(self.error("the quote is empty"));
        }
        self.at += len + rest[len..].chars().next().map_or(0, char::len_utf8);
        Ok(quote.to_string())
    }

    fn error(&self, reason: &str) -> CitationSyntaxError {
        CitationSyntaxError {
            span: self.start..self.at.max(self.start + 2),
            reason: reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<CitationGroup> {
        let (groups, errors) = parse_citations(text);
        assert!(errors.is_empty(), "{errors:?}");
        groups
    }

    #[test]
    fn reads_a_plain_citation_with_its_span() {
        let text = "Deal done [@vela-2026-04-28].";
        let groups = parse(text);
        assert_eq!(groups.len(), 1);
        assert_eq!(&text[groups[0].span.clone()], "[@vela-2026-04-28]");
        assert_eq!(groups[0].items[0].id, "vela-2026-04-28");
        assert_eq!(groups[0].items[0].quote, None);
    }

    #[test]
    fn reads_a_quote_in_straight_or_curly_marks() {
        for text in [r#"[@a "20% through 2030"]"#, "[@a “20% through 2030”]"] {
            let group = &parse(text)[0];
            assert_eq!(group.items[0].quote.as_deref(), Some("20% through 2030"));
            assert_eq!(group.span, 0..text.len());
        }
    }

    #[test]
    fn curly_marks_may_hold_straight_quotes() {
        let group = &parse("[@a “the \"land grab\" phase”]")[0];
        assert_eq!(
            group.items[0].quote.as_deref(),
            Some("the \"land grab\" phase")
        );
    }

    #[test]
    fn reads_groups_of_several_sources() {
        let groups = parse(r#"x [@a "one; two"; @b.c;@d] y"#);
        let ids: Vec<&str> = groups[0].items.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b.c", "d"]);
        assert_eq!(groups[0].items[0].quote.as_deref(), Some("one; two"));
    }

    #[test]
    fn a_quote_may_wrap_across_lines() {
        let groups = parse("[@a \"over the\n  line\"]");
        assert_eq!(
            groups[0].items[0].quote.as_deref(),
            Some("over the\n  line")
        );
    }

    #[test]
    fn ignores_escaped_brackets_and_ordinary_links() {
        assert!(parse(r"an \[@handle] and a [link](x) and [@ok]").len() == 1);
    }

    #[test]
    fn reports_malformed_groups_with_their_start() {
        for text in [
            "text [@] more",
            "text [@a \"unclosed] more",
            "text [@a b] more",
            "text [@a",
        ] {
            let (groups, errors) = parse_citations(text);
            assert!(groups.is_empty(), "{text}");
            assert_eq!(errors.len(), 1, "{text}");
            assert_eq!(errors[0].span.start, 5, "{text}");
        }
    }
}
