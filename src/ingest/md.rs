//! Reading a markdown article: front matter (TOML between `+++` lines, as in Zola and
//! Hugo, or YAML between `---` lines, as in Jekyll) for the metadata, and the blocks of
//! the markdown body, read with pulldown-cmark, for the text.
//!
//! Article front matter comes from anywhere, so unknown keys are ignored rather than
//! refused (unlike the briefing's own files); a front matter that does not parse is an
//! error at its line.

use super::body::{Body, Piece};
use super::fields::{fill, meta_of};
use super::{BlockKind, DateOrder, Extracted, Finding};
use crate::diagnostic::Problem;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};
use std::ops::Range;

/// Reads a markdown article; `order` reads numeric dates such as 08.05.2026.
pub fn extract(text: &str, order: Option<DateOrder>) -> Result<Extracted, Finding> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (front, body_start) = front_matter(text, start)?;
    let mut body = Body::new(order);
    if let Some(object) = &front {
        fill(&mut body.extracted.meta, meta_of(object));
    }
    let pieces = blocks(text, body_start, &mut body);
    body.reserve(pieces.len());
    let first_h1 = pieces.iter().position(|(_, h1)| *h1);
    if body.extracted.meta.title.is_none() {
        body.extracted.meta.title = first_h1.map(|i| pieces[i].0.text.to_string());
    }
    for (piece, is_h1) in pieces {
        if !(is_h1 && body.extracted.meta.title.as_deref() == Some(&*piece.text)) {
            body.push(piece);
        }
    }
    Ok(body.finish())
}

/// The front matter as an object, and where the markdown body starts.
fn front_matter(text: &str, start: usize) -> Result<(Option<Map<String, Value>>, usize), Finding> {
    use crate::toml_file::{Fenced, fenced};
    let found = ["+++", "---"]
        .into_iter()
        .map(|fence| (fence, fenced(text, start, fence)))
        .find(|(_, found)| *found != Fenced::None);
    let (fence, range, body_start) = match found {
        None => return Ok((None, start)),
        Some((fence, Fenced::Block { inner, body_start })) => (fence, inner, body_start),
        // `---` with no closing line is a thematic break, not front matter.
        Some(("---", _)) => return Ok((None, start)),
        Some(_) => {
            return Err(Finding {
                problem: Problem::UnclosedFrontMatter,
                at: Some(start..start + 3),
            });
        }
    };
    let object = match fence {
        "+++" => toml_object(text, range)?,
        _ => yaml_object(text, range)?,
    };
    Ok((Some(object), body_start))
}

fn toml_object(text: &str, range: Range<usize>) -> Result<Map<String, Value>, Finding> {
    let table: toml::Table = toml::from_str(&text[range.clone()]).map_err(|error| Finding {
        problem: Problem::Toml {
            message: error.message().trim().to_string(),
        },
        at: error
            .span()
            .map(|s| (s.start + range.start)..(s.end + range.start)),
    })?;
    Ok(table
        .into_iter()
        .map(|(key, value)| (key, toml_to_json(value)))
        .collect())
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

fn yaml_object(text: &str, range: Range<usize>) -> Result<Map<String, Value>, Finding> {
    use saphyr::{LoadableYamlNode, Yaml};
    let yaml = &text[range.clone()];
    let documents = Yaml::load_from_str(yaml).map_err(|error| {
        // saphyr counts characters; diagnostics count bytes.
        let at = yaml
            .char_indices()
            .nth(error.marker().index())
            .map_or(yaml.len(), |(i, _)| i)
            + range.start;
        Finding {
            problem: Problem::Yaml {
                message: error.info().to_string(),
            },
            at: Some(at..at + 1),
        }
    })?;
    match documents.first().map(yaml_to_json) {
        Some(Value::Object(object)) => Ok(object),
        None | Some(Value::Null) => Ok(Map::new()),
        Some(_) => Err(Finding {
            problem: Problem::Yaml {
                message: "front matter must be a mapping of keys to values".to_string(),
            },
            at: Some(range.start..range.start + 1),
        }),
    }
}

fn yaml_to_json(yaml: &saphyr::Yaml) -> Value {
    use saphyr::{Scalar, Yaml};
    match yaml {
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Null) | Yaml::Alias(_) | Yaml::BadValue => Value::Null,
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Tagged(_, inner) => yaml_to_json(inner),
        Yaml::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Mapping(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| Some((scalar_key(k)?, yaml_to_json(v))))
                .collect(),
        ),
    }
}

fn scalar_key(key: &saphyr::Yaml) -> Option<String> {
    match yaml_to_json(key) {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The markdown body's blocks in order, each with whether it is a level-one heading.
/// Image descriptions are recorded as removed; raw HTML is skipped.
fn blocks(text: &str, start: usize, body: &mut Body) -> Vec<(Piece<'static>, bool)> {
    // No smart punctuation: the text must stay the article's own, for quoting.
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut pieces = Vec::new();
    let mut open: Vec<(BlockKind, bool, usize)> = Vec::new();
    let mut inline = String::new();
    let mut image = 0usize;
    let mut alt = String::new();
    let flush = |inline: &mut String,
                 open: &[(BlockKind, bool, usize)],
                 end: usize,
                 pieces: &mut Vec<(Piece<'static>, bool)>| {
        let text = inline.trim().to_string();
        inline.clear();
        if let (false, Some(&(kind, h1, from))) = (text.is_empty(), open.last()) {
            pieces.push((Piece::new(kind, text, Some(from..end)), h1));
        }
    };
    for (event, span) in Parser::new_ext(&text[start..], options).into_offset_iter() {
        let span = (span.start + start)..(span.end + start);
        match event {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => {
                image -= 1;
                if image == 0 && !alt.trim().is_empty() {
                    body.remove(alt.trim());
                }
                alt.clear();
            }
            Event::Text(t) | Event::Code(t) if image > 0 => alt.push_str(&t),
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { level, .. } => Some((
                        BlockKind::Heading,
                        level == pulldown_cmark::HeadingLevel::H1,
                    )),
                    Tag::Item => Some((BlockKind::ListItem, false)),
                    Tag::Paragraph if open.last().is_some_and(|o| o.0 == BlockKind::ListItem) => {
                        None
                    }
                    Tag::Paragraph
                    | Tag::CodeBlock(_)
                    | Tag::TableRow
                    | Tag::TableHead
                    | Tag::FootnoteDefinition(_) => Some((BlockKind::Paragraph, false)),
                    _ => None,
                };
                if let Some((kind, h1)) = kind {
                    flush(&mut inline, &open, span.start, &mut pieces);
                    open.push((kind, h1, span.start));
                }
            }
            Event::End(end) => {
                let closes = match end {
                    TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::CodeBlock
                    | TagEnd::TableRow
                    | TagEnd::TableHead
                    | TagEnd::FootnoteDefinition => true,
                    TagEnd::Paragraph => open.last().is_some_and(|o| o.0 == BlockKind::Paragraph),
                    TagEnd::TableCell => {
                        inline.push(' ');
                        false
                    }
                    _ => false,
                };
                if closes {
                    flush(&mut inline, &open, span.end, &mut pieces);
                    open.pop();
                }
            }
            Event::Text(t) | Event::Code(t) => inline.push_str(&t),
            Event::SoftBreak | Event::HardBreak => inline.push(' '),
            _ => {}
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_front_matter_and_the_body_blocks() {
        let text = "---\ntitle: \"Deal Done\"\nauthor:\n  - Jane Doe\ndate: 2026-05-08\n---\n# Deal Done\n\nThe two *companies* signed on [Friday](https://x.org).\n\n![A data centre at night](dc.jpg)\n\n## What comes next\n\n- First step\n- Second step\n";
        let extracted = extract(text, None).unwrap();
        assert_eq!(extracted.meta.title.as_deref(), Some("Deal Done"));
        assert_eq!(extracted.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(extracted.meta.published.unwrap().to_string(), "2026-05-08");
        let blocks: Vec<(BlockKind, &str)> = extracted
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Paragraph, "The two companies signed on Friday."),
                (BlockKind::Heading, "What comes next"),
                (BlockKind::ListItem, "First step"),
                (BlockKind::ListItem, "Second step"),
            ]
        );
        assert_eq!(extracted.removed, ["A data centre at night"]);
    }

    #[test]
    fn a_broken_front_matter_is_an_error_at_its_line() {
        let text = "---\ntitle: [unclosed\n---\nBody.\n";
        let finding = extract(text, None).unwrap_err();
        assert!(matches!(finding.problem, Problem::Yaml { .. }));
        let at = finding.at.unwrap().start;
        assert!((4..=text.find("---\nBody").unwrap()).contains(&at), "{at}");
        let text = "+++\ntitle = \n+++\nBody.\n";
        let finding = extract(text, None).unwrap_err();
        assert!(matches!(finding.problem, Problem::Toml { .. }));
    }

    #[test]
    fn toml_front_matter_dates_and_lists_are_read() {
        let text = "+++\ntitle = \"T\"\nauthors = [\"A\", \"B\"]\ndate = 2026-05-08T09:30:00Z\nupdated = 2026-05-09\n+++\nText of the article.\n";
        let meta = extract(text, None).unwrap().meta;
        assert_eq!(meta.author.as_deref(), Some("A and B"));
        assert_eq!(meta.published.unwrap().to_string(), "2026-05-08");
        assert_eq!(meta.updated.unwrap().to_string(), "2026-05-09");
    }
}
