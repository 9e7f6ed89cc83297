//! Editor markdown to HTML, with citations held as placeholders until they are numbered.
//!
//! Citations are read from the raw text (outside code), replaced by a private-use
//! placeholder, and the text is rendered by pulldown-cmark. The numbers and links are
//! filled in at render time (see [`cut_at_citations`]), once [`crate::resolve`] has numbered
//! every source.
//!
//! Links the editor writes as site paths (`[appendix](/sources/)`) are held the same
//! way and made relative to the page they end up on by [`fill_site_links`], so they
//! work under any base path (`/repo/`) and from disk.

use crate::citation::{CitationGroup, CitationSyntaxError, parse_citations};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

const PLACEHOLDER_OPEN: char = '\u{e000}';
const PLACEHOLDER_CLOSE: char = '\u{e001}';
/// Stands for the site's root in a link destination. pulldown-cmark percent-encodes it
/// in `href`/`src`, where [`fill_site_links`] finds it as [`SITE_ROOT_ENCODED`].
const SITE_ROOT: char = '\u{e002}';
const SITE_ROOT_ENCODED: &str = "%EE%80%82";

/// A rendered fragment of editor markdown.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    /// The HTML, with a placeholder where each citation group stands.
    pub html: String,
    /// The citation groups, in order; spans are byte offsets in the whole file.
    pub citations: Vec<CitationGroup>,
    /// The headings, with the ids given to them.
    pub headings: Vec<Heading>,
    /// The links and images, in order.
    pub links: Vec<Link>,
    /// The visible text, without markup or citations (for search-engine metadata).
    pub text: String,
}

/// A link or image in editor markdown, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written, e.g. `/sources/#source-a` or `https://…`.
    pub dest: String,
    /// Byte range of the whole link (`[text](dest)`) in the file.
    pub span: Range<usize>,
}

impl Link {
    /// The site path a destination written as one (`/sources/`) stands for
    /// (`sources/`); `None` for relative links, fragments and other sites (`//host/`).
    pub fn site_path(dest: &str) -> Option<&str> {
        dest.strip_prefix('/').filter(|rest| !rest.starts_with('/'))
    }
}

/// A heading of a rendered fragment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute, unique within the fragment.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
    /// Where the heading is in the file (its line, or lines), as the markdown parser
    /// spans it.
    #[serde(skip)]
    pub span: Range<usize>,
}

/// A `##` section of a file: its heading line and the markdown below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's text, without the `##` marks.
    pub heading: String,
    /// Byte range of the heading text in the file.
    pub heading_span: Range<usize>,
    /// Byte range of the markdown below the heading, up to the next `##` heading.
    pub body: Range<usize>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
}

/// Renders `range` of `text`. Citation syntax errors come back beside the result, so one
/// bad citation does not hide the others.
pub fn render(text: &str, range: Range<usize>) -> (Markdown, Vec<CitationSyntaxError>) {
    let fragment = &text[range.clone()];
    let code = code_ranges(fragment);
    let in_code = |at: usize| code.iter().any(|c| c.contains(&at));
    let (groups, errors) = parse_citations(fragment);
    let groups: Vec<CitationGroup> = groups
        .into_iter()
        .filter(|g| !in_code(g.span.start))
        .collect();
    let errors: Vec<CitationSyntaxError> = errors
        .into_iter()
        .filter(|e| !in_code(e.span.start))
        .map(|e| CitationSyntaxError {
            span: shift(&e.span, range.start),
            ..e
        })
        .collect();

    let mut substituted = String::with_capacity(fragment.len());
    // (offset in `substituted`, offset in `fragment`) after each placeholder.
    let mut offsets = vec![(0, 0)];
    let mut copied = 0;
    for (index, group) in groups.iter().enumerate() {
        substituted.push_str(&fragment[copied..group.span.start]);
        substituted.push(PLACEHOLDER_OPEN);
        substituted.push_str(&index.to_string());
        substituted.push(PLACEHOLDER_CLOSE);
        copied = group.span.end;
        offsets.push((substituted.len(), copied));
    }
    substituted.push_str(&fragment[copied..]);
    let in_file = |offset: usize| {
        // The last placeholder at or before `offset` (the first entry is (0, 0)).
        let after = offsets.partition_point(|(from, _)| *from <= offset);
        let (from, to) = offsets[after.max(1) - 1];
        range.start + to + (offset - from)
    };

    let rendered = to_html(&substituted);
    let links = rendered
        .links
        .into_iter()
        .map(|(dest, span)| Link {
            dest,
            span: in_file(span.start)..in_file(span.end),
        })
        .collect();
    let citations = groups
        .into_iter()
        .map(|group| CitationGroup {
            span: shift(&group.span, range.start),
            items: group
                .items
                .into_iter()
                .map(|item| crate::citation::Citation {
                    span: shift(&item.span, range.start),
                    ..item
                })
                .collect(),
        })
        .collect();
    (
        Markdown {
            html: rendered.html,
            citations,
            headings: rendered
                .headings
                .into_iter()
                .map(|heading| Heading {
                    span: in_file(heading.span.start)..in_file(heading.span.end),
                    ..heading
                })
                .collect(),
            links,
            text: rendered.text,
        },
        errors,
    )
}

fn shift(span: &Range<usize>, by: usize) -> Range<usize> {
    (span.start + by)..(span.end + by)
}

/// Byte ranges of inline code and code blocks, where `[@` is not a citation.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    // Parsing a long briefing costs tens of milliseconds: not when it can hold no code.
    if !may_hold_code(text) {
        return Vec::new();
    }
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_)
            | Event::Start(Tag::CodeBlock(_))
            | Event::Html(_)
            | Event::InlineHtml(_) => Some(range),
            _ => None,
        })
        .collect()
}

/// Whether `text` may hold inline code, a code block or HTML: it has a backtick, a
/// tilde, a `<`, or a line indented by a tab or four spaces (an indented code block,
/// or perhaps only a list item's continuation).
fn may_hold_code(text: &str) -> bool {
    let indented = |line: &str| {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        indent >= 4 || line[..indent].contains('\t')
    };
    memchr::memchr3(b'`', b'~', b'<', text.as_bytes()).is_some() || text.lines().any(indented)
}

/// What [`to_html`] makes of a text.
struct Rendered {
    html: String,
    headings: Vec<Heading>,
    /// Destinations and byte ranges of links and images.
    links: Vec<(String, Range<usize>)>,
    text: String,
}

/// Renders markdown, giving every heading without an explicit id a unique slug id and
/// holding site-path links as placeholders.
fn to_html(text: &str) -> Rendered {
    let (mut events, spans): (Vec<Event>, Vec<Range<usize>>) =
        Parser::new_ext(text, options()).into_offset_iter().unzip();
    let mut links = Vec::new();
    for (event, span) in events.iter_mut().zip(&spans) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            links.push((dest_url.to_string(), span.clone()));
            if let Some(path) = Link::site_path(dest_url) {
                *dest_url = CowStr::from(format!("{SITE_ROOT}{path}"));
            }
        }
    }
    let mut headings = Vec::new();
    let mut taken = HashSet::new();
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[index] {
            let level = *level as u8;
            let end = (index..events.len())
                .find(|&i| matches!(events[i], Event::End(TagEnd::Heading(_))))
                .unwrap_or(events.len());
            let heading_text = plain_text(&events[index + 1..end]);
            let id = match id {
                Some(id) => id.to_string(),
                None => unique_slug(&heading_text, &mut taken),
            };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[index] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(Heading {
                level,
                id,
                text: heading_text,
                span: spans[index].clone(),
            });
            index = end;
        }
        index += 1;
    }
    let plain = visible_text(&events);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html,
        headings,
        links,
        text: plain,
    }
}

fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// The text a reader sees, blocks separated by a space, whitespace collapsed, without
/// citations (nor the space before one: "claim [@a]." reads "claim."). One pass, as a
/// long briefing is megabytes of text.
fn visible_text(events: &[Event]) -> String {
    let mut text = VisibleText::default();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => t.chars().for_each(|c| text.push(c)),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(end) if !is_inline(end) => text.push(' '),
            _ => {}
        }
    }
    text.out
}

/// [`visible_text`] as it is written, a character at a time.
#[derive(Default)]
struct VisibleText {
    out: String,
    /// Inside a citation placeholder.
    inside: bool,
    /// The whitespace seen since the last character written: how many characters, and
    /// whether the last was a plain space.
    space: (usize, bool),
}

impl VisibleText {
    fn push(&mut self, c: char) {
        match c {
            _ if self.inside => self.inside = c != PLACEHOLDER_CLOSE,
            PLACEHOLDER_OPEN => {
                self.inside = true;
                // The space before a citation goes with it.
                if self.space == (1, true) {
                    self.space = (0, false);
                }
            }
            c if c.is_whitespace() => self.space = (self.space.0 + 1, c == ' '),
            c => {
                if self.space.0 > 0 && !self.out.is_empty() {
                    self.out.push(' ');
                }
                self.space = (0, false);
                self.out.push(c);
            }
        }
    }
}

/// The visible text of some events, without citation placeholders.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    strip_placeholders(&text).trim().to_string()
}

/// `text` without citation placeholders.
pub fn strip_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            PLACEHOLDER_OPEN => inside = true,
            PLACEHOLDER_CLOSE => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// `html` cut at its citation placeholders: each piece of HTML with the index (in
/// [`Markdown::citations`]) of the citation group whose placeholder follows it; the
/// last piece has none. Joined with each group's HTML, they are the page's HTML.
pub fn cut_at_citations(html: &str) -> Vec<(&str, Option<usize>)> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
        let after = &rest[open + PLACEHOLDER_OPEN.len_utf8()..];
        let close = after.find(PLACEHOLDER_CLOSE).unwrap_or(after.len());
        pieces.push((&rest[..open], after[..close].parse().ok()));
        rest = &after[(close + PLACEHOLDER_CLOSE.len_utf8()).min(after.len())..];
    }
    pieces.push((rest, None));
    pieces
}

/// Replaces each site-path link placeholder in the `href` or `src` attributes of `html`
/// by `link(path)`, where `path` is the site path the editor wrote (without the leading
/// `/`, percent-encoded as in the HTML), e.g. `sources/#source-a`.
pub fn fill_site_links(html: &str, mut link: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(SITE_ROOT_ENCODED) {
        out.push_str(&rest[..at]);
        let after = &rest[at + SITE_ROOT_ENCODED.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&link(&after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// A URL fragment made from a heading or title: lowercase words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug.to_string()
    }
}

/// [`slug`], suffixed `-2`, `-3`… when already in `taken`.
pub fn unique_slug(text: &str, taken: &mut HashSet<String>) -> String {
    let base = slug(text);
    let mut candidate = base.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    candidate
}

/// Splits `range` of `text` at its `##` headings. Returns the text before the first
/// heading and the sections. Headings inside code blocks are not section breaks.
pub fn split_sections(text: &str, range: Range<usize>) -> (Range<usize>, Vec<Section>) {
    let body = &text[range.clone()];
    let headings: Vec<Range<usize>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, span)| match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => Some(shift(&span, range.start)),
            _ => None,
        })
        .collect();
    sections_at(text, range, &headings)
}

/// `range` of `text` split at `##` headings found already (their spans in `text`, in
/// order, as the markdown parser gives them): the text before the first, and the
/// sections.
pub fn sections_at(
    text: &str,
    range: Range<usize>,
    headings: &[Range<usize>],
) -> (Range<usize>, Vec<Section>) {
    let intro = range.start..headings.first().map_or(range.end, |h| h.start);
    let sections = headings
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            let line = &text[heading.clone()];
            let line = line.trim_end();
            let hashes = line.len() - line.trim_start_matches('#').len();
            let inner = line[hashes..].trim_end_matches('#');
            let leading = inner.len() - inner.trim_start().len();
            let start = heading.start + hashes + leading;
            let heading_text = inner.trim().to_string();
            Section {
                heading_span: start..start + heading_text.len(),
                heading: heading_text,
                body: heading.end..headings.get(i + 1).map_or(range.end, |next| next.start),
            }
        })
        .collect();
    (intro, sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_citations_by_placeholders_and_fills_them() {
        let text = "Intro.\n\nA claim [@a \"words\"] and [@b].\n";
        let (markdown, errors) = render(text, 0..text.len());
        assert!(errors.is_empty());
        assert_eq!(markdown.citations.len(), 2);
        assert_eq!(&text[markdown.citations[0].span.clone()], "[@a \"words\"]");
        let marks: Vec<String> = (0..markdown.citations.len())
            .map(|i| format!("<sup>{}</sup>", i + 1))
            .collect();
        let html: String = cut_at_citations(&markdown.html)
            .into_iter()
            .flat_map(|(text, group)| [text, group.map_or("", |i| marks[i].as_str())])
            .collect();
        assert_eq!(
            html,
            "<p>Intro.</p>\n<p>A claim <sup>1</sup> and <sup>2</sup>.</p>\n"
        );
    }

    #[test]
    fn citations_in_code_are_left_alone() {
        let text = "Write `[@id]` like so:\n\n```\n[@id \"words\"]\n```\n";
        let (markdown, errors) = render(text, 0..text.len());
        assert!(markdown.citations.is_empty() && errors.is_empty());
        assert!(markdown.html.contains("[@id]"));
    }

    #[test]
    fn citations_in_indented_code_and_html_are_left_alone_and_plain_text_is_not_parsed_twice() {
        for text in [
            "Intro.\n\n    [@id] in an indented block\n",
            "Intro.\n\n \t[@id] in a block indented by a tab\n",
            "<div>[@id]</div>\n",
        ] {
            assert!(may_hold_code(text), "{text:?}");
            assert!(
                render(text, 0..text.len()).0.citations.is_empty(),
                "{text:?}"
            );
        }
        let plain = "Intro.\n\n- A claim [@a].\n  More of it [@b \"words\"].\n";
        assert!(!may_hold_code(plain));
        assert_eq!(render(plain, 0..plain.len()).0.citations.len(), 2);
    }

    #[test]
    fn the_rendered_headings_split_the_sections_as_parsing_them_again_does() {
        let text = "+++\nx = 1\n+++\nIntro [@a].\n\n## One [@b]\n\nText [@c \"w\"].\n\n\
                    ### Sub\n\nMore.\n\nTwo\n---\n\nLast [@d].\n\n## Three ##\n";
        let body = 14..text.len();
        let (markdown, _) = render(text, body.clone());
        let spans: Vec<Range<usize>> = markdown
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .map(|h| h.span.clone())
            .collect();
        let split = split_sections(text, body.clone());
        assert_eq!(split.1.len(), 3);
        assert_eq!(sections_at(text, body, &spans), split);
    }

    #[test]
    fn spans_are_offsets_in_the_whole_file() {
        let text = "## Q\n\nAnswer [@x].\n";
        let (markdown, _) = render(text, 5..text.len());
        assert_eq!(&text[markdown.citations[0].span.clone()], "[@x]");
    }

    #[test]
    fn headings_get_unique_ids_without_citations_in_them() {
        let text = "## What happened [@a]\n\n## What happened\n";
        let (markdown, _) = render(text, 0..text.len());
        let ids: Vec<&str> = markdown.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["what-happened", "what-happened-2"]);
        assert!(markdown.html.contains("<h2 id=\"what-happened\">"));
    }

    #[test]
    fn splits_sections_at_level_two_headings_only() {
        let text = "Intro\n\n## 2026-04-27 — First ##\n\nBody one\n### Sub\n\n```\n## not a heading\n```\n## Second\nBody two";
        let (intro, sections) = split_sections(text, 0..text.len());
        assert_eq!(&text[intro], "Intro\n\n");
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].heading, "2026-04-27 — First");
        assert_eq!(
            &text[sections[0].heading_span.clone()],
            "2026-04-27 — First"
        );
        assert!(text[sections[0].body.clone()].contains("## not a heading"));
        assert_eq!(&text[sections[1].body.clone()], "Body two");
    }

    #[test]
    fn link_spans_are_offsets_in_the_whole_file_after_citations() {
        let text = "+++\n+++\nSee [@a \"long quoted words\"] and [the appendix](/sources/#x).\n";
        let start = text.find("See").unwrap();
        let (markdown, _) = render(text, start..text.len());
        assert_eq!(markdown.links.len(), 1);
        let link = &markdown.links[0];
        assert_eq!(link.dest, "/sources/#x");
        assert_eq!(&text[link.span.clone()], "[the appendix](/sources/#x)");
    }

    #[test]
    fn site_path_links_become_relative_to_their_page() {
        let text = "[a](/sources/#x) [b](https://example.org/) [c](../faq/) ![i](/assets/i.png)";
        let (markdown, _) = render(text, 0..text.len());
        let html = fill_site_links(&markdown.html, |path| format!("../{path}"));
        assert!(html.contains(r#"href="../sources/#x""#), "{html}");
        assert!(html.contains(r#"href="https://example.org/""#), "{html}");
        assert!(html.contains(r#"href="../faq/""#), "{html}");
        assert!(html.contains(r#"src="../assets/i.png""#), "{html}");
        assert_eq!(Link::site_path("//cdn.example/x"), None);
    }

    #[test]
    fn the_visible_text_drops_citations_with_the_space_before_them_and_collapses_spaces() {
        // As replacing " {open}" by "{open}", stripping placeholders and collapsing
        // whitespace would.
        let reference = |text: &str| {
            let joined = text.replace(
                &format!(" {PLACEHOLDER_OPEN}"),
                &PLACEHOLDER_OPEN.to_string(),
            );
            let stripped = strip_placeholders(&joined);
            stripped.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let (open, close) = (PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE);
        for text in [
            format!("claim {open}0{close}. next"),
            format!("claim  {open}0{close} {open}1{close}."),
            format!("claim\t{open}0{close}."),
            format!(" {open}0{close} lead \u{a0}and\n trail  "),
            format!("a {open}12{close}{open}3{close} b"),
            String::new(),
        ] {
            let mut visible = VisibleText::default();
            text.chars().for_each(|c| visible.push(c));
            assert_eq!(visible.out, reference(&text), "{text:?}");
        }
    }

    #[test]
    fn the_visible_text_has_no_markup_or_citations() {
        let text = "A *claim* [@a].\n\n- one\n- `two`\n";
        let (markdown, _) = render(text, 0..text.len());
        assert_eq!(markdown.text, "A claim. one two");
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slug("Why did they do it?"), "why-did-they-do-it");
        assert_eq!(slug("2026-04-27 — Deal"), "2026-04-27-deal");
        assert_eq!(slug("???"), "section");
    }
}
