//! Large pieces of finished HTML (the briefing's body, the appendix's entries, a
//! source's text) go into their page after the template is rendered: the template gets
//! a short placeholder in each one's place, and [`Splices::fill`] puts the pieces where
//! their placeholders came out. Tera would copy each piece into its context, then into
//! its output, growing the output as it goes; spliced, each piece is copied once, into a
//! page allocated at its final size.
//!
//! A placeholder is a number between two Unicode noncharacters, which HTML escaping
//! leaves as they are, with a random key drawn once per process: a source's text or
//! title that holds the same characters cannot stand for a piece. A template must
//! print a spliced value as it is (`{{ content | safe }}`): a filter that reads the text
//! (`truncate`, `wordcount`) would see the placeholder, not the HTML.

use bytes::Bytes;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// Opens a placeholder.
const OPEN: char = '\u{fdd0}';
/// Closes a placeholder.
const CLOSE: char = '\u{fdd1}';

/// The key every placeholder of this process carries, 16 hexadecimal digits.
fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    // The standard library's hasher keys are random: an empty hash of them is too.
    KEY.get_or_init(|| {
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        format!("{random:016x}")
    })
}

/// The pieces held for one page, in the order of their placeholders' numbers.
#[derive(Debug, Default)]
pub struct Splices {
    pieces: Vec<Bytes>,
}

impl Splices {
    /// Holds `html` for the page, returning the placeholder for its template.
    pub fn hold(&mut self, html: impl Into<Bytes>) -> String {
        let placeholder = format!("{OPEN}{}{}{CLOSE}", key(), self.pieces.len());
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
        let number = text[OPEN.len_utf8()..].strip_prefix(key())?;
        let digits = number.bytes().take_while(u8::is_ascii_digit).count();
        // Only the number as `hold` writes it: no leading zero.
        let canonical = digits == 1 || !number.starts_with('0');
        if !canonical || !number[digits..].starts_with(CLOSE) {
            return None;
        }
        let piece = self.pieces.get(number[..digits].parse::<usize>().ok()?)?;
        let length = OPEN.len_utf8() + key().len() + digits + CLOSE.len_utf8();
        Some((piece, length))
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
        let key = key();
        let lookalikes = format!(
            "{OPEN}{OPEN}{key}7{CLOSE} {OPEN}{key}x{CLOSE} {OPEN}{key}12 {OPEN}0{CLOSE} {OPEN}{key}00{CLOSE} {OPEN}"
        );
        let filled = String::from_utf8(splices.fill(&format!("{lookalikes}{held}"))).unwrap();
        assert_eq!(filled, format!("{lookalikes}piece"));
    }

    #[test]
    fn without_placeholders_the_page_is_the_rendered_text() {
        let splices = Splices::default();
        assert_eq!(splices.fill("<p>ünïcode</p>"), "<p>ünïcode</p>".as_bytes());
    }
}
