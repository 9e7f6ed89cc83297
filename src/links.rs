//! Links between the pages of the built site.
//!
//! Every internal link is relative, so the same output works at the root of a domain,
//! under a GitHub project path, or copied anywhere else. A portable build also names
//! `index.html` explicitly, so the folder works opened straight from disk.

/// How links to directory pages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkStyle {
    /// Append `index.html` to links to directory pages.
    pub portable: bool,
}

impl LinkStyle {
    /// A link from the page at `from` to `to`, both site paths without a leading slash:
    /// `""` is the home page, `"timeline/"` a directory page, `"assets/style.css"` a file.
    pub fn link(&self, from: &str, to: &str) -> String {
        let mut link = up_to_root(from);
        link.push_str(to);
        if self.portable && (to.is_empty() || to.ends_with('/')) {
            link.push_str("index.html");
        }
        if link.is_empty() {
            "./".to_string()
        } else {
            link
        }
    }

    /// [`LinkStyle::link`] to a site path that may end in `?query` or `#fragment`, as an
    /// editor writes one (`sources/#source-a`).
    pub fn link_to_target(&self, from: &str, target: &str) -> String {
        let end = target.find(['?', '#']).unwrap_or(target.len());
        let (path, rest) = target.split_at(end);
        let link = self.link(from, path);
        if rest.starts_with('#') && path.is_empty() && from.is_empty() {
            rest.to_string()
        } else {
            link + rest
        }
    }

    /// [`LinkStyle::link`] with a `#fragment`; a link within the same page is just the fragment.
    pub fn link_to_anchor(&self, from: &str, to: &str, anchor: &str) -> String {
        if from == to {
            format!("#{anchor}")
        } else {
            format!("{}#{anchor}", self.link(from, to))
        }
    }
}

/// `../` once for each directory level of `from`.
pub fn up_to_root(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVED: LinkStyle = LinkStyle { portable: false };
    const PORTABLE: LinkStyle = LinkStyle { portable: true };

    #[test]
    fn links_are_relative_to_the_page() {
        assert_eq!(SERVED.link("", "timeline/"), "timeline/");
        assert_eq!(SERVED.link("timeline/", ""), "../");
        assert_eq!(SERVED.link("", ""), "./");
        assert_eq!(
            SERVED.link("sources/vela/", "assets/style.css"),
            "../../assets/style.css"
        );
    }

    #[test]
    fn portable_links_name_index_html_but_not_files() {
        assert_eq!(PORTABLE.link("", ""), "index.html");
        assert_eq!(PORTABLE.link("faq/", "sources/"), "../sources/index.html");
        assert_eq!(
            PORTABLE.link("faq/", "assets/style.css"),
            "../assets/style.css"
        );
    }

    #[test]
    fn targets_keep_their_query_and_fragment_after_the_path() {
        assert_eq!(
            SERVED.link_to_target("faq/", "sources/#s1"),
            "../sources/#s1"
        );
        assert_eq!(
            PORTABLE.link_to_target("faq/", "sources/#s1"),
            "../sources/index.html#s1"
        );
        assert_eq!(SERVED.link_to_target("", "#updates"), "#updates");
        assert_eq!(SERVED.link_to_target("faq/", "#updates"), "../#updates");
    }

    #[test]
    fn anchors_on_the_same_page_need_no_path() {
        assert_eq!(SERVED.link_to_anchor("faq/", "faq/", "q"), "#q");
        assert_eq!(
            SERVED.link_to_anchor("faq/", "sources/", "s1"),
            "../sources/#s1"
        );
    }
}
