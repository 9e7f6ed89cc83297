//! Publishing: absolute URLs under a base path or a custom domain, the sitemap and the
//! feed against their specifications, sharing metadata, reproducible output, and
//! `briefing check`'s link check.

mod common;

use common::{TestSite, git, line_and_column};
use regex::Regex;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, HashSet};
use url::Url;

fn select<'a>(document: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    document
        .select(&Selector::parse(selector).unwrap())
        .collect()
}

fn html(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    Html::parse_document(std::str::from_utf8(&files[path]).unwrap())
}

/// The file a URL of the site is served from, if it is under `base`.
fn served_file(url: &Url, base: &Url) -> Option<String> {
    if url.origin() != base.origin() {
        return None;
    }
    let path = url.path().strip_prefix(base.path())?;
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned();
    Some(if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    })
}

/// Follows every `href` and `src` of every page as a browser would, the site being
/// served at `base`, and asserts that each one of the site leads to a file and element.
/// Returns how many links were followed.
fn assert_every_link_resolves(files: &BTreeMap<String, Vec<u8>>, base: &str) -> usize {
    let base = Url::parse(base).unwrap();
    let ids = |path: &str| -> HashSet<String> {
        select(&html(files, path), "[id]")
            .iter()
            .map(|e| e.value().attr("id").unwrap().to_string())
            .collect()
    };
    let mut followed = 0;
    for path in files.keys().filter(|p| p.ends_with(".html")) {
        // A host serves 404.html at any missing address, however deep.
        let page_url = match path.as_str() {
            "404.html" => base.join("no/such/page").unwrap(),
            _ => base.join(path.trim_end_matches("index.html")).unwrap(),
        };
        let document = html(files, path);
        for element in select(&document, "[href], [src]") {
            let value = element.value();
            let link = value.attr("href").or(value.attr("src")).unwrap();
            let url = page_url.join(link).unwrap();
            if url.origin() != base.origin() {
                continue;
            }
            let file = match link.starts_with('#') {
                true => path.clone(),
                false => served_file(&url, &base)
                    .unwrap_or_else(|| panic!("{path}: {link} leaves the base path {base}")),
            };
            assert!(files.contains_key(&file), "{path}: {link} → missing {file}");
            if let Some(fragment) = url.fragment().filter(|f| !f.is_empty()) {
                assert!(
                    ids(&file).contains(fragment),
                    "{path}: {link} → no #{fragment}"
                );
            }
            followed += 1;
        }
        if path != "404.html" {
            let canonical = select(&document, "link[rel=canonical]")[0]
                .value()
                .attr("href");
            assert_eq!(canonical, Some(page_url.as_str()), "{path}");
        }
    }
    followed
}

fn assert_absolute_urls_are_under(files: &BTreeMap<String, Vec<u8>>, base: &str) {
    let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    let base_url = Url::parse(base).unwrap();
    let sitemap = text("sitemap.xml");
    let document = roxmltree::Document::parse(&sitemap).unwrap();
    for loc in document.descendants().filter(|n| n.has_tag_name("loc")) {
        let url = Url::parse(loc.text().unwrap()).unwrap();
        let file = served_file(&url, &base_url).expect("a sitemap URL is under base_url");
        assert!(files.contains_key(&file), "sitemap: {url} → missing {file}");
    }
    assert!(text("robots.txt").contains(&format!("Sitemap: {base}sitemap.xml")));
    let feed = text("feed.xml");
    let document = roxmltree::Document::parse(&feed).unwrap();
    for link in document.descendants().filter(|n| n.has_tag_name("link")) {
        let url = Url::parse(link.attribute("href").unwrap()).unwrap();
        let file = served_file(&url, &base_url).expect("a feed link is under base_url");
        assert!(files.contains_key(&file), "feed: {url} → missing {file}");
    }
}

#[test]
fn under_a_project_path_every_link_asset_and_absolute_url_resolves() {
    let site = TestSite::from_repo_content();
    let base = "https://owner.github.io/brief/";
    site.build_ok(&["--base-url", "https://owner.github.io/brief"]);
    let files = site.files("public");
    let followed = assert_every_link_resolves(&files, base);
    assert!(followed > 500, "only {followed} links followed");
    assert_absolute_urls_are_under(&files, base);
    assert!(!files.contains_key("CNAME"));
}

#[test]
fn on_a_custom_domain_every_link_asset_and_absolute_url_resolves() {
    let site = TestSite::from_repo_content();
    site.edit("content/site.toml", |t| {
        t.replace(
            "base_url = \"https://briefing.github.io/briefing/\"",
            "base_url = \"https://briefing.example.org\"\ncname = \"briefing.example.org\"",
        )
    });
    site.build_ok(&[]);
    let files = site.files("public");
    assert_every_link_resolves(&files, "https://briefing.example.org/");
    assert_absolute_urls_are_under(&files, "https://briefing.example.org/");
    assert_eq!(site.read("public/CNAME"), "briefing.example.org\n");
}

#[test]
fn the_sitemap_follows_the_sitemaps_org_protocol() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let files = site.files("public");
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let document = roxmltree::Document::parse(&sitemap).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let w3c_date =
        Regex::new(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?$").unwrap();
    let mut locs = Vec::new();
    for url in root.children().filter(|n| n.is_element()) {
        assert_eq!(url.tag_name().name(), "url");
        let children: Vec<&str> = url
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert!(
            children
                .iter()
                .all(|c| ["loc", "lastmod", "changefreq", "priority"].contains(c)),
            "{children:?}"
        );
        let loc: Vec<_> = url.children().filter(|n| n.has_tag_name("loc")).collect();
        assert_eq!(loc.len(), 1, "each <url> has one <loc>");
        let loc = loc[0].text().unwrap();
        assert!(loc.len() < 2048, "{loc}");
        assert!(Url::parse(loc).is_ok(), "{loc} is an absolute URL");
        assert!(
            loc.starts_with("https://briefing.github.io/briefing/"),
            "{loc}"
        );
        for lastmod in url.children().filter(|n| n.has_tag_name("lastmod")) {
            assert!(w3c_date.is_match(lastmod.text().unwrap()), "{loc}");
        }
        locs.push(loc.to_string());
    }
    assert!(locs.len() <= 50_000);
    let unique: HashSet<&String> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "no URL twice");
    let pages: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_suffix("index.html"))
        .map(|p| format!("https://briefing.github.io/briefing/{p}"))
        .collect();
    let listed: HashSet<&String> = locs.iter().collect();
    assert_eq!(
        listed,
        pages.iter().collect(),
        "every page, and no 404 page"
    );
}

#[test]
fn the_feed_is_atom_with_one_entry_per_update_newest_first() {
    let site = TestSite::from_repo_content();
    site.edit("content/briefing.md", |t| {
        t.replacen(
            "[[updates]]",
            "[[updates]]\ndate = 2026-12-01\nnote = \"Added the <regulators'> view & more.\"\n\n[[updates]]\ndate = 2026-11-20\nnote = \"Draft.\"\n\n[[updates]]",
            1,
        )
    });
    site.build_ok(&[]);
    let feed = site.read("public/feed.xml");
    let document = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let root = document.root_element();
    assert_eq!(
        (root.tag_name().name(), root.tag_name().namespace()),
        ("feed", Some(atom))
    );
    let rfc3339 =
        Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$").unwrap();
    let child = |node: roxmltree::Node<'_, '_>, name: &str| -> Vec<String> {
        node.children()
            .filter(|n| n.has_tag_name((atom, name)))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect()
    };
    // atom:feed has exactly one id, title and updated, and an author (none per entry).
    for name in ["id", "title", "updated"] {
        assert_eq!(child(root, name).len(), 1, "feed/{name}");
    }
    assert!(rfc3339.is_match(&child(root, "updated")[0]));
    assert!(
        Url::parse(&child(root, "id")[0]).is_ok(),
        "the id is an IRI"
    );
    assert_eq!(child(root, "author").len(), 1);
    let self_link = root
        .children()
        .filter(|n| n.has_tag_name((atom, "link")))
        .find(|n| n.attribute("rel") == Some("self"))
        .expect("a rel=self link");
    assert_eq!(
        self_link.attribute("href"),
        Some("https://briefing.github.io/briefing/feed.xml")
    );
    let entries: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 3, "one entry per [[updates]] item");
    let mut ids = HashSet::new();
    let mut dates = Vec::new();
    for entry in &entries {
        for name in ["id", "title", "updated"] {
            assert_eq!(child(*entry, name).len(), 1, "entry/{name}");
        }
        let updated = child(*entry, "updated").remove(0);
        assert!(rfc3339.is_match(&updated), "{updated}");
        assert!(
            ids.insert(child(*entry, "id").remove(0)),
            "entry ids are unique"
        );
        let alternate = entry.children().any(|n| {
            n.has_tag_name((atom, "link"))
                && n.attribute("rel").unwrap_or("alternate") == "alternate"
        });
        assert!(alternate || !child(*entry, "content").is_empty());
        dates.push(updated);
    }
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first);
    assert!(dates[0].starts_with("2026-12-01"));
    assert_eq!(
        child(root, "updated")[0],
        dates[0],
        "the feed is as new as its newest entry"
    );
    assert!(child(entries[0], "summary")[0].contains("<regulators'> view & more"));
}

fn json_ld(document: &Html) -> Vec<serde_json::Value> {
    select(document, "script[type='application/ld+json']")
        .iter()
        .map(|s| serde_json::from_str(&s.inner_html()).unwrap())
        .collect()
}

#[test]
fn every_page_carries_title_description_canonical_open_graph_and_twitter_tags() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let files = site.files("public");
    for path in files.keys().filter(|p| p.ends_with("index.html")) {
        let document = html(&files, path);
        let meta = |selector: &str| -> String {
            let found = select(&document, selector);
            assert_eq!(found.len(), 1, "{path}: {selector}");
            found[0].value().attr("content").unwrap().to_string()
        };
        let html_lang = select(&document, "html")[0].value().attr("lang");
        assert_eq!(html_lang, Some("en"), "{path}");
        let title = select(&document, "title")[0].inner_html();
        assert!(!title.is_empty());
        let description = meta("meta[name=description]");
        assert!(description.len() > 20, "{path}");
        let canonical = select(&document, "link[rel=canonical]")[0]
            .value()
            .attr("href")
            .unwrap();
        assert_eq!(meta("meta[property='og:url']"), canonical, "{path}");
        assert_eq!(meta("meta[property='og:description']"), description);
        assert!(!meta("meta[property='og:title']").is_empty());
        assert_eq!(
            meta("meta[property='og:site_name']"),
            "Microsoft and OpenAI end cloud exclusivity"
        );
        let og_type = meta("meta[property='og:type']");
        assert_eq!(
            og_type,
            if path == "index.html" {
                "article"
            } else {
                "website"
            }
        );
        assert_eq!(meta("meta[name='twitter:card']"), "summary");
        assert_eq!(
            meta("meta[name='twitter:title']"),
            meta("meta[property='og:title']")
        );
    }
}

#[test]
fn the_briefing_faq_and_timeline_describe_themselves_in_json_ld() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let files = site.files("public");
    let base = "https://briefing.github.io/briefing/";

    let article = json_ld(&html(&files, "index.html")).remove(0);
    assert_eq!(article["@context"], "https://schema.org");
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(
        article["headline"],
        "Microsoft and OpenAI end cloud exclusivity"
    );
    assert_eq!(article["datePublished"], "2026-11-23");
    assert_eq!(article["dateModified"], "2026-11-23");
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert!(
        article["publisher"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(article["mainEntityOfPage"], base);
    assert_eq!(article["citation"].as_array().unwrap().len(), 4);

    let faq_page = html(&files, "faq/index.html");
    let faq = json_ld(&faq_page).remove(0);
    assert_eq!(faq["@type"], "FAQPage");
    let questions = faq["mainEntity"].as_array().unwrap();
    assert_eq!(questions.len(), select(&faq_page, "section.question").len());
    for question in questions {
        assert_eq!(question["@type"], "Question");
        assert_eq!(question["acceptedAnswer"]["@type"], "Answer");
        let answer = question["acceptedAnswer"]["text"].as_str().unwrap();
        assert!(
            answer.len() > 20 && !answer.contains('<') && !answer.contains("[@"),
            "{answer}"
        );
    }

    let timeline_page = html(&files, "timeline/index.html");
    let list = json_ld(&timeline_page).remove(0);
    assert_eq!(list["@type"], "ItemList");
    let items = list["itemListElement"].as_array().unwrap();
    let shown: Vec<String> = select(&timeline_page, ".event > time")
        .iter()
        .map(|t| t.value().attr("datetime").unwrap().to_string())
        .collect();
    assert_eq!(items.len(), shown.len());
    for (index, (item, date)) in items.iter().zip(&shown).enumerate() {
        assert_eq!(item["@type"], "ListItem");
        assert_eq!(item["position"], index + 1);
        assert_eq!(item["item"]["@type"], "Event");
        assert_eq!(item["item"]["startDate"], date.as_str());
        let url = item["item"]["url"].as_str().unwrap();
        assert!(url.starts_with(&format!("{base}timeline/#")), "{url}");
    }
}

#[test]
fn stylesheets_are_named_by_their_content_and_renamed_when_it_changes() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let stylesheet = |site: &TestSite| -> String {
        let document = Html::parse_document(&site.read("public/index.html"));
        let href = select(&document, "link[rel=stylesheet]")[0]
            .value()
            .attr("href");
        href.unwrap().trim_start_matches("./").to_string()
    };
    let before = stylesheet(&site);
    assert!(
        Regex::new(r"^assets/style\.[0-9a-f]{16}\.css$")
            .unwrap()
            .is_match(&before),
        "{before}"
    );
    site.write("themes/default/static/style.css", "body { color: #123; }\n");
    site.build_ok(&[]);
    let after = stylesheet(&site);
    assert_ne!(before, after);
    assert_eq!(
        site.read(&format!("public/{after}")),
        "body { color: #123; }\n"
    );
    assert!(
        !site.root().join("public").join(&before).exists(),
        "the old name is gone"
    );
}

#[test]
fn without_content_dates_the_feed_takes_its_date_from_source_date_epoch() {
    let site = TestSite::from_repo_content();
    site.edit("content/briefing.md", |t| {
        let end = t[3..].find("+++").unwrap() + 3;
        format!("+++\ntitle = \"Undated\"\n{}", &t[end..])
    });
    let build = |epoch: Option<&str>| {
        let mut command = common::briefing();
        command.args(["build", "--root"]).arg(site.root());
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        let run = common::run(&mut command);
        assert_eq!(run.status, 0, "{}", run.stderr);
        site.read("public/feed.xml")
    };
    assert!(build(None).contains("<updated>1970-01-01T00:00:00Z</updated>"));
    assert!(build(Some("1777032000")).contains("<updated>2026-04-24T00:00:00Z</updated>"));
    assert!(
        site.read("public/sitemap.xml")
            .contains("<lastmod>2026-04-24</lastmod>")
    );
}

#[test]
fn check_reports_a_broken_link_and_a_broken_fragment_where_the_editor_wrote_them() {
    let site = TestSite::from_repo_content();
    site.edit("content/faq.md", |t| {
        t + "\nSee [the sources](/sources/), [a lost page](/no-such-page/)\nand [an event](/timeline/#no-such-event).\n\nOnce [again](/no-such-page/).\n"
    });
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let faq = site.read("content/faq.md");
    for (kind, needle) in [
        ("broken_link", "[a lost page]"),
        ("broken_fragment", "[an event]"),
        ("broken_link", "[again]"),
    ] {
        let (line, column) = line_and_column(&faq, needle);
        let at = (Some(line as u64), Some(column as u64));
        let error = errors
            .iter()
            .find(|e| e["kind"] == kind && (e["line"].as_u64(), e["column"].as_u64()) == at)
            .unwrap_or_else(|| panic!("no {kind} at {needle}: {errors:#?}"));
        assert_eq!(error["file"], "content/faq.md");
        assert!(
            error["message"].as_str().unwrap().contains("no-such"),
            "{error}"
        );
    }
    assert!(report["warnings"].as_array().unwrap().is_empty());
    assert!(!site.root().join("public").exists(), "check writes nothing");

    let text = site.run(&["check"]);
    assert_eq!(text.status, 1);
    let (line, column) = line_and_column(&faq, "[a lost page]");
    assert!(
        text.stderr
            .contains(&format!("content/faq.md:{line}:{column}")),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains("[a lost page](/no-such-page/)"),
        "the offending line is shown"
    );
}

#[test]
fn check_finds_broken_links_that_a_template_makes_and_names_the_page() {
    let site = TestSite::from_repo_content();
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<a href=\"{{ page.root }}missing/\">x</a>{% endblock main %}",
    );
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.status, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let error = &report["errors"][0];
    assert_eq!(error["kind"], "broken_link");
    assert_eq!(error["file"], "methodology/index.html");
    assert_eq!(error["line"], serde_json::Value::Null);
}

#[test]
fn check_resolves_links_against_the_base_path_it_is_given() {
    let site = TestSite::from_repo_content();
    site.edit("content/faq.md", |t| {
        t + "\n<a href=\"/briefing/sources/\">sources</a>\n"
    });
    assert_eq!(
        site.run(&["check"]).status,
        0,
        "under /briefing/ the link resolves"
    );
    let run = site.run(&["check", "--base-url", "https://example.org/other/"]);
    assert_eq!(run.status, 1, "under /other/ it does not");
    assert!(run.stderr.contains("/briefing/sources/"), "{}", run.stderr);
}

#[test]
fn warnings_fail_check_only_with_deny_warnings() {
    let site = TestSite::from_repo_content();
    assert_eq!(
        site.run(&["check", "--deny-warnings"]).status,
        0,
        "the real briefing is clean"
    );
    site.edit("content/sources/bytevyte-2026.toml", |t| {
        t.lines()
            .filter(|l| !l.starts_with("undated"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let lenient = site.run(&["check", "--format", "json"]);
    assert_eq!(lenient.status, 0);
    let report: serde_json::Value = serde_json::from_str(&lenient.stdout).unwrap();
    let warning = &report["warnings"][0];
    assert_eq!(warning["file"], "content/sources/bytevyte-2026.txt");
    assert!(warning["help"].as_str().unwrap().contains("undated = true"));
    assert_eq!(site.run(&["check", "--deny-warnings"]).status, 1);
}

fn lastmod(sitemap: &str, page: &str) -> String {
    let document = roxmltree::Document::parse(sitemap).unwrap();
    let url = document
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .find(|u| {
            u.descendants()
                .any(|n| n.has_tag_name("loc") && n.text().unwrap().ends_with(page))
        })
        .unwrap();
    url.descendants()
        .find(|n| n.has_tag_name("lastmod"))
        .unwrap()
        .text()
        .unwrap()
        .to_string()
}

fn build_into_files(root: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let run = common::run(common::briefing().args(["build", "--root"]).arg(root));
    assert_eq!(run.status, 0, "{}", run.stderr);
    common::files_under(&root.join("public"))
}

#[test]
fn two_checkouts_of_one_commit_build_byte_identical_sites_dated_by_git() {
    let origin = TestSite::from_repo_content();
    git(origin.root(), &["init", "-q"], "2026-05-01T10:00:00Z");
    git(origin.root(), &["add", "content"], "2026-05-01T10:00:00Z");
    git(
        origin.root(),
        &["commit", "-q", "-m", "First version"],
        "2026-05-01T10:00:00Z",
    );
    origin.edit("content/faq.md", |t| {
        t + "\n## One more question?\n\nYes [@vela-2026-04-28].\n"
    });
    git(
        origin.root(),
        &["commit", "-q", "-am", "One more question"],
        "2026-06-15T23:30:00-02:00",
    );

    let places = tempfile::tempdir().unwrap();
    let first = places.path().join("a");
    let second = places.path().join("somewhere/much/deeper/checkout");
    std::fs::create_dir_all(second.parent().unwrap()).unwrap();
    let source = origin.root().to_str().unwrap();
    git(
        places.path(),
        &["clone", "-q", source, first.to_str().unwrap()],
        "2030-01-01T00:00:00Z",
    );
    git(
        places.path(),
        &["clone", "-q", source, second.to_str().unwrap()],
        "2031-01-01T00:00:00Z",
    );

    let one = build_into_files(&first);
    let two = build_into_files(&second);
    assert!(one == two, "two checkouts of one commit differ");
    let sitemap = String::from_utf8(one["sitemap.xml"].clone()).unwrap();
    assert_eq!(lastmod(&sitemap, "/timeline/"), "2026-05-01");
    assert_eq!(
        lastmod(&sitemap, "/faq/"),
        "2026-06-16",
        "the UTC day of the commit"
    );

    // A shallow clone knows too little history: its dates come from the content, as for
    // a tarball of the same commit.
    let shallow = places.path().join("shallow");
    let url = format!("file://{source}");
    git(
        places.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
        "2030-01-01T00:00:00Z",
    );
    let shallow_files = build_into_files(&shallow);
    let tarball = places.path().join("tarball");
    common::copy_tree(&shallow.join("content"), &tarball.join("content"));
    assert!(
        shallow_files == build_into_files(&tarball),
        "a shallow clone builds like a tarball"
    );
    let sitemap = String::from_utf8(shallow_files["sitemap.xml"].clone()).unwrap();
    assert_eq!(
        lastmod(&sitemap, "/faq/"),
        "2026-11-23",
        "briefing.md's updated date"
    );
}

#[test]
fn briefing_json_has_the_documented_shape_and_every_url_in_it_resolves() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let files = site.files("public");
    let data: serde_json::Value = serde_json::from_slice(&files["briefing.json"]).unwrap();
    let keys = |value: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&data),
        [
            "coverage",
            "disagreements",
            "faq",
            "has_primary_source",
            "published",
            "sources",
            "summary",
            "timeline",
            "title",
            "updated",
            "updates",
            "url"
        ]
    );
    let source_keys = [
        "appendix_url",
        "archive_url",
        "author",
        "citations",
        "disclosures",
        "id",
        "kind",
        "notes",
        "number",
        "published",
        "publisher",
        "quotes",
        "title",
        "undated",
        "updated",
        "url",
    ];
    let sources = data["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 4);
    for (index, source) in sources.iter().enumerate() {
        assert_eq!(keys(source), source_keys);
        assert_eq!(source["number"], index + 1);
    }
    for event in data["timeline"].as_array().unwrap() {
        assert!(event["text"].as_str().is_some_and(|t| !t.contains("[@")));
    }
    for entry in data["faq"].as_array().unwrap() {
        assert!(entry["answer"].as_str().is_some_and(|a| a.len() > 20));
    }
    // Every URL in the data leads to a file and element of the site.
    let base = Url::parse("https://briefing.github.io/briefing/").unwrap();
    let mut urls = Vec::new();
    collect_urls(&data, &mut urls);
    assert!(urls.len() > 150, "{}", urls.len());
    for url in urls.iter().filter(|u| u.starts_with(base.as_str())) {
        let url = Url::parse(url).unwrap();
        let file = served_file(&url, &base).unwrap();
        assert!(files.contains_key(&file), "{url}");
        if let Some(fragment) = url.fragment() {
            let page = html(&files, &file);
            let ids = select(&page, &format!("[id='{fragment}']"));
            assert_eq!(ids.len(), 1, "{url}");
        }
    }
}

fn collect_urls(value: &serde_json::Value, urls: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.starts_with("https://") => urls.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_urls(v, urls)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_urls(v, urls)),
        _ => {}
    }
}
