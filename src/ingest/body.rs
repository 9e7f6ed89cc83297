//! The body pass every reader shares: given an article's blocks in order (from a text
//! dump's lines, a page's elements or markdown's events), it sets aside boilerplate and
//! "Related articles" lists, turns disclosures into notes and bylines and datelines into
//! metadata, pairs FAQ questions with their answers, and finds every stated date.

use super::dates::{Found, find_dates, has_ascii_digit, sentence_around};
use super::lines::{
    FAQ_HEADING, Line, Meta, classify, is_author_bio, self_named_publisher, strip_bullet,
};
use super::scan::words;
use super::{Block, BlockKind, DateOrder, Extracted, FaqEntry, Finding, StatedDate};
use crate::diagnostic::Problem;
use std::borrow::Cow;
use std::ops::Range;

/// One block as a reader found it, before the shared rules: a slice of the article
/// when its words stand in the file as they are (a text dump's lines), else a copy.
#[derive(Debug, Clone)]
pub(super) struct Piece<'a> {
    /// What the markup (or the look of the line) says it is.
    pub kind: BlockKind,
    /// Its text.
    pub text: Cow<'a, str>,
    /// Where it is in the file, when the reader knows; when the range is as long as
    /// `text`, the text is a verbatim slice and positions within it are exact.
    pub origin: Option<Range<usize>>,
}

impl<'a> Piece<'a> {
    /// A piece of `kind` with `text` found at `origin`.
    pub fn new(
        kind: BlockKind,
        text: impl Into<Cow<'a, str>>,
        origin: Option<Range<usize>>,
    ) -> Self {
        Piece {
            kind,
            text: text.into(),
            origin,
        }
    }
}

/// Where `span` (bytes of a text of `len` bytes found at `origin`) is in the file, as
/// exactly as known.
fn locate(origin: &Option<Range<usize>>, len: usize, span: Range<usize>) -> Option<Range<usize>> {
    let origin = origin.clone()?;
    Some(if origin.len() == len {
        (origin.start + span.start)..(origin.start + span.end)
    } else {
        origin
    })
}

/// The article being cleaned: feed it pieces in order, then [`Body::finish`].
#[derive(Debug)]
pub(super) struct Body {
    /// What has been extracted so far; readers set metadata here directly.
    pub extracted: Extracted,
    order: Option<DateOrder>,
    /// Where each block of `extracted.blocks` is in the file, when known.
    origins: Vec<Option<Range<usize>>>,
    in_related: bool,
    in_faq: bool,
    previous: String,
}

impl Body {
    /// An empty body, reading numeric dates in `order`.
    pub fn new(order: Option<DateOrder>) -> Self {
        Body {
            extracted: Extracted::default(),
            order,
            origins: Vec::new(),
            in_related: false,
            in_faq: false,
            previous: String::new(),
        }
    }

    /// Makes room for `blocks` more blocks: a reader that knows how many pieces it has
    /// spares the vectors their regrowth.
    pub fn reserve(&mut self, blocks: usize) {
        self.extracted.blocks.reserve(blocks);
        self.origins.reserve(blocks);
    }

    /// Records `text` as dropped.
    pub fn remove(&mut self, text: &str) {
        self.extracted.removed.push(text.to_string());
    }

    /// Sets the publisher unless one is known.
    pub fn publisher(&mut self, name: &str) {
        self.extracted
            .meta
            .publisher
            .get_or_insert_with(|| name.to_string());
    }

    /// Reads one piece of the article.
    pub fn push(&mut self, piece: Piece) {
        let line = classify(piece.text.trim(), self.order);
        self.push_classified(&piece, line);
    }

    /// [`Body::push`] for a piece whose text, trimmed, the reader has already classified
    /// (as `line`, whose stamps point into that very text): a text dump classifies
    /// every line to find its header.
    pub fn push_classified(&mut self, piece: &Piece, line: Line) {
        let text = piece.text.trim();
        if text.is_empty() {
            return;
        }
        let related_item = self.in_related
            && (piece.kind == BlockKind::ListItem || (line == Line::Content && !is_sentence(text)));
        self.in_related = match line {
            Line::RelatedListStart => true,
            _ => related_item,
        };
        match line {
            _ if related_item => self.remove(text),
            Line::Boilerplate | Line::RelatedListStart => {
                if let Some(name) = self_named_publisher(text) {
                    self.publisher(name);
                }
                self.remove(text);
            }
            Line::Disclosure => {
                if let Some(name) = self_named_publisher(text) {
                    self.publisher(name);
                }
                let note = text.trim_start_matches(['✔', '✓', '☑', ' ']).to_string();
                self.extracted.meta.notes.push(note);
                self.remove(text);
            }
            Line::Paywall => {
                let note =
                    "Only the opening of the article is available: the rest is behind a paywall.";
                if !self.extracted.meta.notes.iter().any(|n| n == note) {
                    self.extracted.meta.notes.push(note.to_string());
                }
                self.remove(text);
            }
            Line::Meta(meta) => self.meta(meta, piece),
            _ if text == self.previous => self.remove(text),
            _ if self
                .extracted
                .meta
                .author
                .as_deref()
                .is_some_and(|author| is_author_bio(text, author)) =>
            {
                self.remove(text)
            }
            _ => self.content(piece),
        }
        self.previous.clear();
        self.previous.push_str(text);
    }

    /// A byline or dateline: metadata, and the dateline stays as words one may quote.
    fn meta(&mut self, meta: Meta, piece: &Piece) {
        let text = piece.text.trim();
        if let Some(author) = meta.author {
            self.extracted
                .meta
                .author
                .get_or_insert_with(|| author.to_string());
        }
        if meta.stamps.is_empty() {
            self.remove(text);
            return;
        }
        for stamp in meta.stamps {
            let offset = stamp.text.as_ptr() as usize - text.as_ptr() as usize;
            let at = locate(
                &piece.origin,
                piece.text.len(),
                offset..offset + stamp.text.len(),
            );
            let slot = match stamp.updated {
                true => &mut self.extracted.meta.updated,
                false => &mut self.extracted.meta.published,
            };
            match stamp.found {
                Found::Date(date) => {
                    slot.get_or_insert(date);
                }
                // Only worth saying when nothing else (a page's metadata) gave the date.
                Found::Relative if slot.is_none() => self.extracted.findings.push(Finding {
                    problem: Problem::RelativeDate {
                        text: stamp.text.to_string(),
                    },
                    at: at.clone(),
                }),
                Found::Relative | Found::Ambiguous => {} // ambiguous: reported with the body's dates
            }
            self.block(BlockKind::Dateline, stamp.text, at);
        }
    }

    fn content(&mut self, piece: &Piece) {
        let text = piece.text.trim();
        let question = self.in_faq && text.ends_with('?') && words(text) <= 30;
        if question {
            self.extracted.faq.push(FaqEntry {
                question: text.to_string(),
                answer: String::new(),
            });
            self.block(BlockKind::Heading, text, piece.origin.clone());
            return;
        }
        if piece.kind == BlockKind::Heading {
            self.in_faq = FAQ_HEADING.is_match(text);
        } else if let Some(entry) = self.extracted.faq.last_mut().filter(|_| self.in_faq) {
            if !entry.answer.is_empty() {
                entry.answer.push(' ');
            }
            entry.answer.push_str(text);
        }
        self.block(piece.kind, text, piece.origin.clone());
    }

    fn block(&mut self, kind: BlockKind, text: &str, origin: Option<Range<usize>>) {
        let text = match kind {
            BlockKind::ListItem => strip_bullet(text),
            _ => text,
        };
        self.extracted.blocks.push(Block {
            kind,
            text: text.to_string(),
        });
        self.origins.push(origin);
    }

    /// Ends the article: drops headings left with nothing under them and lists the
    /// dates the body states.
    pub fn finish(mut self) -> Extracted {
        while self
            .extracted
            .blocks
            .last()
            .is_some_and(|b| b.kind == BlockKind::Heading)
        {
            if let Some(block) = self.extracted.blocks.pop() {
                self.origins.pop();
                self.extracted.removed.push(block.text);
            }
        }
        self.stated_dates();
        self.extracted
    }

    fn stated_dates(&mut self) {
        for (block, origin) in self.extracted.blocks.iter().zip(&self.origins) {
            let text = &block.text;
            // Without a digit only a relative date ("3 hours ago") can be found, and
            // those are not stated dates: most paragraphs are passed over here.
            if !has_ascii_digit(text) {
                continue;
            }
            for (found, span) in find_dates(text, self.order) {
                match found {
                    Found::Date(date) => self.extracted.dates.push(StatedDate {
                        date,
                        text: sentence_around(text, span).to_string(),
                    }),
                    Found::Ambiguous => self.extracted.findings.push(Finding {
                        problem: Problem::AmbiguousDate {
                            text: text[span.clone()].to_string(),
                        },
                        at: locate(origin, text.len(), span),
                    }),
                    Found::Relative => {}
                }
            }
        }
    }
}

/// Whether `text` reads as running text rather than a link's title.
fn is_sentence(text: &str) -> bool {
    super::lines::is_paragraph(text)
}
