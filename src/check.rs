//! The link check of `briefing check`: every internal `href` and `src` of the rendered
//! pages leads to a file of the site, and every `#fragment` to an element with that id,
//! as the site will be served under its base URL.
//!
//! A broken link that the editor wrote in markdown is reported at its place in the
//! content file; one that a template makes is reported on the page it is on.

use crate::diagnostic::{Diagnostic, Location, Problem};
use crate::links::LinkStyle;
use crate::markdown::Link;
use crate::parse::Site;
use crate::render::OutputFile;
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// A link the editor wrote, with the `href` it becomes on its page.
#[derive(Debug, Clone)]
pub struct EditorLink {
    /// The page it is on, as a site path (`""`, `"faq/"`).
    pub page: String,
    /// The `href` or `src` on that page, percent-decoded.
    pub href: String,
    /// The content file it is written in.
    pub file: PathBuf,
    /// Where in that file.
    pub location: Location,
}

/// Every link and image of the editor's markdown, as it is rendered.
pub fn editor_links(site: &Site, style: LinkStyle) -> Vec<EditorLink> {
    let mut links = Vec::new();
    for (page, fragment) in site.fragments() {
        let file = &site.files[fragment.file];
        for link in &fragment.markdown.links {
            let href = match Link::site_path(&link.dest) {
                Some(path) => style.link_to_target(&page, path),
                None => link.dest.clone(),
            };
            links.push(EditorLink {
                page: page.clone(),
                href: decode(&href),
                file: file.path.clone(),
                location: Location::of_span(&file.text, link.span.clone()),
            });
        }
    }
    links
}

/// What one HTML page holds: the ids it defines and the links it makes.
struct PageLinks {
    ids: HashSet<String>,
    links: Vec<String>,
}

fn read_page(html: &str) -> PageLinks {
    let document = scraper::Html::parse_document(html);
    let mut ids = HashSet::new();
    let mut links = Vec::new();
    for element in document
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let element = element.value();
        ids.extend(element.id().map(str::to_string));
        if element.name() == "a" {
            ids.extend(element.attr("name").map(str::to_string));
        }
        links.extend(
            ["href", "src"]
                .iter()
                .filter_map(|a| element.attr(a))
                .map(str::to_string),
        );
    }
    PageLinks { ids, links }
}

/// Checks every internal link of the site's HTML pages, the site being served at
/// `base_url`. Returns an error for each broken link or fragment.
pub fn check_links(files: &[OutputFile], base_url: &str, editor: &[EditorLink]) -> Vec<Diagnostic> {
    let pages: HashMap<&str, PageLinks> = files
        .par_iter()
        .filter(|file| file.path.ends_with(".html"))
        .map(|file| {
            (
                file.path.as_str(),
                read_page(&String::from_utf8_lossy(&file.bytes)),
            )
        })
        .collect();
    let exists: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let site = Resolver {
        base_url,
        exists: &exists,
    };
    let mut paths: Vec<&&str> = pages.keys().collect();
    paths.sort();
    let mut diagnostics = Vec::new();
    let mut reported = HashSet::new();
    for path in paths {
        for href in &pages[*path].links {
            let Some(problem) = broken(&site, &pages, path, href) else {
                continue;
            };
            let written = editor.iter().enumerate().find(|(index, link)| {
                format!("{}index.html", link.page) == **path
                    && link.href == decode(href)
                    && !reported.contains(index)
            });
            diagnostics.push(match written {
                Some((index, link)) => {
                    reported.insert(index);
                    Diagnostic {
                        location: Some(Box::new(link.location.clone())),
                        ..Diagnostic::error(&link.file, problem)
                    }
                }
                None => Diagnostic::error(path, problem),
            });
        }
    }
    diagnostics
}

/// What is wrong with `href` on the page at `path`, if anything.
fn broken(
    site: &Resolver,
    pages: &HashMap<&str, PageLinks>,
    path: &str,
    href: &str,
) -> Option<Problem> {
    match site.resolve(path, href) {
        Target::Outside => None,
        Target::Missing => Some(Problem::BrokenLink {
            href: href.to_string(),
            page: path.to_string(),
        }),
        Target::File(target, Some(fragment))
            if pages
                .get(target.as_str())
                .is_some_and(|p| !p.ids.contains(&fragment)) =>
        {
            Some(Problem::BrokenFragment {
                href: href.to_string(),
                page: path.to_string(),
                fragment,
            })
        }
        Target::File(..) => None,
    }
}

/// Where a link leads.
enum Target {
    /// Another site, or something that is not a page (`mailto:`, `data:`).
    Outside,
    /// A file of the site, and the fragment asked for.
    File(String, Option<String>),
    /// Nothing the site has.
    Missing,
}

struct Resolver<'a> {
    base_url: &'a str,
    exists: &'a HashSet<&'a str>,
}

impl Resolver<'_> {
    /// Resolves `href` found on the page at `page` (a site path: `faq/index.html`).
    fn resolve(&self, page: &str, href: &str) -> Target {
        let href = href.trim();
        if href.is_empty() || href.starts_with(['#', '?']) {
            // `#top`, `?q#top`: this very page, whatever its name (`404.html`).
            let fragment = href.split_once('#').map(|(_, f)| decode(f));
            return Target::File(page.to_string(), fragment.filter(|f| !f.is_empty()));
        }
        let page_dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
        let base_path = crate::config::url_path(self.base_url);
        let (from, relative) = if let Some(rest) = href.strip_prefix(self.base_url) {
            ("", rest)
        } else if has_scheme(href) || href.starts_with("//") {
            return Target::Outside;
        } else if href.starts_with('/') {
            match href.strip_prefix(base_path) {
                Some(inside) => ("", inside),
                None if format!("{href}/") == base_path => ("", ""),
                None => return Target::Missing,
            }
        } else {
            (page_dir, href)
        };
        let (path, fragment) = match relative.split_once('#') {
            Some((path, fragment)) => (path, Some(decode(fragment))),
            None => (relative, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let fragment = fragment.filter(|f| !f.is_empty());
        let Some(joined) = join(from, &decode(path)) else {
            return Target::Missing;
        };
        let candidates = if joined.is_empty() || joined.ends_with('/') {
            vec![format!("{joined}index.html")]
        } else {
            vec![joined.clone(), format!("{joined}/index.html")]
        };
        match candidates
            .into_iter()
            .find(|c| self.exists.contains(c.as_str()))
        {
            Some(file) => Target::File(file, fragment),
            None => Target::Missing,
        }
    }
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`).
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `path` taken relative to the folder `from`, with `.` and `..` worked out; `None`
/// when it climbs above the site's root.
fn join(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    for piece in path.split('/') {
        match piece {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            piece => parts.push(piece),
        }
    }
    let mut joined = parts.join("/");
    let last = path.rsplit('/').next().unwrap_or("");
    if matches!(last, "" | "." | "..") && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[&str]) -> HashSet<&'static str> {
        files
            .iter()
            .map(|f| &*Box::leak(f.to_string().into_boxed_str()))
            .collect()
    }

    fn target(base_url: &str, page: &str, href: &str) -> Option<(String, Option<String>)> {
        let exists = site(&[
            "index.html",
            "faq/index.html",
            "assets/style.css",
            "404.html",
        ]);
        let resolver = Resolver {
            base_url,
            exists: &exists,
        };
        match resolver.resolve(page, href) {
            Target::File(file, fragment) => Some((file, fragment)),
            Target::Outside => Some(("outside".into(), None)),
            Target::Missing => None,
        }
    }

    /// The file `href` on `page` leads to (`outside` for other sites); panics if none.
    fn file(base_url: &str, page: &str, href: &str) -> String {
        target(base_url, page, href).expect("a file of the site").0
    }

    #[test]
    fn relative_links_resolve_against_the_page_folder() {
        let base = "https://o.github.io/repo/";
        assert_eq!(file(base, "faq/index.html", "../"), "index.html");
        assert_eq!(
            target(base, "faq/index.html", "#q").unwrap(),
            ("faq/index.html".into(), Some("q".into()))
        );
        assert_eq!(
            target(base, "index.html", "faq/#a%20b")
                .unwrap()
                .1
                .as_deref(),
            Some("a b")
        );
        assert_eq!(
            file(base, "faq/index.html", "../assets/style.css"),
            "assets/style.css"
        );
        assert_eq!(file(base, "index.html", "faq"), "faq/index.html");
        assert!(target(base, "index.html", "../outside/").is_none());
        assert!(target(base, "index.html", "timeline/").is_none());
        assert_eq!(
            target(base, "404.html", "#main").unwrap(),
            ("404.html".into(), Some("main".into())),
            "a fragment alone is on the page itself"
        );
        assert_eq!(file(base, "404.html", "./"), "index.html");
    }

    #[test]
    fn absolute_paths_must_stay_under_the_base_path() {
        let base = "https://o.github.io/repo/";
        assert_eq!(file(base, "index.html", "/repo/faq/"), "faq/index.html");
        assert_eq!(file(base, "index.html", "/repo"), "index.html");
        assert!(
            target(base, "index.html", "/faq/").is_none(),
            "outside /repo/"
        );
        assert_eq!(
            file("https://example.org/", "index.html", "/faq/"),
            "faq/index.html"
        );
    }

    #[test]
    fn urls_of_the_site_itself_are_checked_and_others_are_not() {
        let base = "https://o.github.io/repo/";
        assert_eq!(
            file(base, "index.html", "https://o.github.io/repo/faq/"),
            "faq/index.html"
        );
        assert!(target(base, "index.html", "https://o.github.io/repo/nope/").is_none());
        assert_eq!(
            file(base, "index.html", "https://example.org/nope/"),
            "outside"
        );
        assert_eq!(file(base, "index.html", "mailto:a@b.c"), "outside");
        assert_eq!(file(base, "index.html", "//cdn.example/x.js"), "outside");
    }
}
