//! Large pieces of finished HTML (the briefing's body, the appendix's entries, a
//! source's text) go into their page after the template is rendered: the template gets
//! a short placeholder in each one's place, and [`Splices::fill`] puts the pieces where
//! their placeholders came out. Tera would copy each piece into its context, then into
//! its output, growing the output as it goes; spliced, each piece is copied once, into a
//! page allocated at its final size.
//!
//! A placeholder is a number between two Unicode noncharacters, which text meant for
//! interchange never holds, and which HTML escaping leaves as they are. A template must
//! print a spliced value as it is (`{{ content | safe }}`): a filter that reads the text
//! (`truncate`, `wordcount`) would see the placeholder, not the HTML.

use bytes::Bytes;

/// Opens a placeholder.
const OPEN: char = '\u{fdd0}';
/// Closes a placeholder.
const CLOSE: char = '\u{fdd1}';

/// The pieces held for one page, in the order of their placeholders' numbers.
#[derive(Debug, Default)]
pub struct Splices {
    pieces: Vec<Bytes>,
}

impl Splices {
    /// Holds `html` for the page, returning the placeholder for its template.
    pub fn hold(&mut self, html: impl Into<Bytes>) -> String {
        let placeholder = format!("{OPEN}{}{CLOSE}", self.pieces.len());
        self.pieces.push(html.into());
        placeholder
    }

    /// `rendered` with each placeholder replaced by its piece.
    pub fn fill(&self, rendered: &str) -> Vec<u8> {
        let held: usize = self.pieces.iter().map(Bytes::len).sum();
        let mut page = Vec::with_capacity(rendered.len() + held);
        let mut rest = rendered;
        while let Some(start) = rest.find(OPEN) {
            let (before, from_open) = rest.split_at(start);
            page.extend_from_slice(before.as_bytes());
            match self.piece_at(from_open) {
                Some((piece, length)) => {
                    page.extend_from_slice(piece);
                    rest = &from_open[length..];
                }
                None => {
                    page.extend_from_slice(OPEN.encode_utf8(&mut [0; 4]).as_bytes());
                    rest = &from_open[OPEN.len_utf8()..];
                }
            }
        }
        page.extend_from_slice(rest.as_bytes());
        page
    }

    /// The piece whose placeholder `text` starts with, and the placeholder's length.
    fn piece_at(&self, text: &str) -> Option<(&Bytes, usize)> {
        let number = &text[OPEN.len_utf8()..];
        let digits = number.bytes().take_while(u8::is_ascii_digit).count();
        if !number[digits..].starts_with(CLOSE) {
            return None;
        }
        let piece = self.pieces.get(number[..digits].parse::<usize>().ok()?)?;
        Some((piece, OPEN.len_utf8() + digits + CLOSE.len_utf8()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_replaced_by_its_piece_once_or_more() {
        let mut splices = Splices::default();
        let body = splices.hold("<p>body</p>".to_string());
        let entry = splices.hold(Bytes::from_static(b"<li>entry</li>"));
        let rendered = format!("<main>{body}</main><ul>{entry}{entry}</ul>{body}");
        assert_eq!(
            String::from_utf8(splices.fill(&rendered)).unwrap(),
            "<main><p>body</p></main><ul><li>entry</li><li>entry</li></ul><p>body</p>"
        );
    }

    #[test]
    fn text_that_only_looks_like_a_placeholder_stays_as_it_is() {
        let mut splices = Splices::default();
        let held = splices.hold("piece".to_string());
        let text = format!("{OPEN}{OPEN}7{CLOSE} {OPEN}x{CLOSE} {OPEN}12 {held}{OPEN}");
        let filled = String::from_utf8(splices.fill(&text)).unwrap();
        assert_eq!(
            filled,
            format!("{OPEN}{OPEN}7{CLOSE} {OPEN}x{CLOSE} {OPEN}12 piece{OPEN}")
        );
    }

    #[test]
    fn without_placeholders_the_page_is_the_rendered_text() {
        let splices = Splices::default();
        assert_eq!(splices.fill("<p>ünïcode</p>"), "<p>ünïcode</p>".as_bytes());
    }
}
