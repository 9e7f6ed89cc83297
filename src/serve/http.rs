//! Answering HTTP requests from a site held in memory.
//!
//! Request paths are checked before anything is looked up: a path that is not plainly
//! `/segment/segment…` (dot segments, encoded slashes or backslashes, NUL bytes, empty
//! segments, invalid UTF-8, absolute URLs) is refused with 400. What remains is only
//! ever a key into the built site's list of files: nothing is read from disk, so no
//! request can reach a file outside the site, through `..` or through a symlink.

use super::live::{EVENTS_PATH, Hub};
use super::site::{SiteFile, Snapshot};
use percent_encoding::percent_decode_str;
use std::io::Cursor;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A path inside the site, relative to its base path (`""`, `"timeline/"`,
    /// `"assets/style.css"`).
    Site(String),
    /// A path that names a folder without its trailing slash, or the server's root
    /// when the site lives under a project path: redirect to this location.
    Redirect(String),
    /// A well-formed path outside the site.
    Outside,
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// Reads a request target (`/repo/timeline/?x=1`) against the site's `base_path`
/// (`/repo/`).
pub fn target(url: &str, base_path: &str) -> Result<Target, BadPath> {
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url, None),
    };
    let path = path.split('#').next().unwrap_or_default();
    if !path.starts_with('/') || path.contains('\\') || has_encoded_separator(path) {
        return Err(BadPath);
    }
    let decoded = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| BadPath)?;
    // base_url may be written with or without escapes (`/caf%C3%A9/`, `/café/`).
    let base_path = &*percent_decode_str(base_path).decode_utf8_lossy();
    if decoded.contains(['\0', '\\']) {
        return Err(BadPath);
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    let bad_segment =
        |(i, s): (usize, &&str)| *s == "." || *s == ".." || (s.is_empty() && i != last);
    if segments.iter().enumerate().any(bad_segment) {
        return Err(BadPath);
    }
    let with_query = |location: String| match query {
        Some(query) => format!("{location}?{query}"),
        None => location,
    };
    if let Some(inside) = decoded.strip_prefix(base_path) {
        return Ok(Target::Site(inside.to_string()));
    }
    if decoded == base_path.trim_end_matches('/') || decoded == "/" {
        return Ok(Target::Redirect(with_query(base_path.to_string())));
    }
    Ok(Target::Outside)
}

#[cfg(test)]
mod base_path_tests {
    use super::*;

    #[test]
    fn a_base_path_with_non_ascii_letters_matches_and_redirects() {
        assert_eq!(
            target("/caf%C3%A9/x", "/café/"),
            Ok(Target::Site("x".into()))
        );
        assert_eq!(
            target("/caf%C3%A9/x", "/caf%C3%A9/"),
            Ok(Target::Site("x".into()))
        );
        assert_eq!(target("/", "/café/"), Ok(Target::Redirect("/café/".into())));
        assert_eq!(header("Location", "/café/").value.as_str(), "/caf%C3%A9/");
    }
}

/// `%2f` (`/`) and `%5c` (`\`) would turn into separators once decoded.
fn has_encoded_separator(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("%2f") || lower.contains("%5c")
}

/// One response header. A value with characters HTTP headers cannot carry (a
/// `Location` under a base path like `/café/`) is sent percent-encoded.
fn header(name: &str, value: &str) -> Header {
    let value =
        percent_encoding::utf8_percent_encode(value, percent_encoding::CONTROLS).to_string();
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(name.as_bytes(), &b""[..]).expect("an empty value is valid")
    })
}

type Reply = Response<Cursor<Vec<u8>>>;

fn reply(status: u16, body: Vec<u8>, content_type: &str) -> Reply {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        // A known length rather than chunks: simpler for every client, and HEAD shows it.
        .with_chunked_threshold(usize::MAX)
}

fn plain(status: u16, text: &str) -> Reply {
    reply(
        status,
        text.as_bytes().to_vec(),
        "text/plain; charset=utf-8",
    )
}

/// Whether the request's `If-None-Match` names `etag`.
fn not_modified(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .flat_map(|h| h.value.as_str().split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// Answers one request (from a worker thread).
pub fn respond(request: Request, hub: &Hub) {
    if request.url().split('?').next() == Some(EVENTS_PATH) {
        hub.stream(request);
        return;
    }
    let response = answer(&request, hub);
    // A client that went away is no concern of the server's.
    let _ = request.respond(response);
}

fn answer(request: &Request, hub: &Hub) -> Reply {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return plain(405, "405 Method Not Allowed\n").with_header(header("Allow", "GET, HEAD"));
    }
    let snapshot = hub.current();
    let base_path = &snapshot.site.base_path;
    let path = match target(request.url(), base_path) {
        Err(BadPath) => return plain(400, "400 Bad Request\n"),
        Ok(Target::Redirect(location)) => return redirect(location),
        Ok(Target::Outside) => return not_found(&snapshot),
        Ok(Target::Site(path)) => path,
    };
    let file_path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(file) = snapshot.site.file(&file_path) {
        return serve_file(request, &snapshot, file, 200);
    }
    if snapshot.site.file(&format!("{path}/index.html")).is_some() {
        let raw_path = request.url().split('?').next().unwrap_or_default();
        let query = request.url().split_once('?').map(|(_, q)| format!("?{q}"));
        return redirect(format!("{raw_path}/{}", query.unwrap_or_default()));
    }
    not_found(&snapshot)
}

fn redirect(location: String) -> Reply {
    plain(301, "301 Moved Permanently\n").with_header(header("Location", &location))
}

fn serve_file(request: &Request, snapshot: &Snapshot, file: &SiteFile, status: u16) -> Reply {
    let etag = snapshot.etag(file);
    if status == 200 && not_modified(request, &etag) {
        return reply(304, Vec::new(), &file.content_type).with_header(header("ETag", &etag));
    }
    let body = snapshot.body(file);
    reply(status, body, &file.content_type).with_header(header("ETag", &etag))
}

/// The site's own `404.html` (with the live-reload script, so a page that does not
/// exist yet appears once it is written), or a plain page when the site has none.
fn not_found(snapshot: &Snapshot) -> Reply {
    match snapshot.site.file("404.html") {
        Some(file) => {
            let body = snapshot.body(file);
            reply(404, body, &file.content_type)
        }
        None => {
            let page = SiteFile::new(
                "404.html",
                b"<!DOCTYPE html>\n<title>Not found</title>\n<body><h1>Not found</h1></body>\n"
                    .to_vec(),
            );
            reply(404, snapshot.body(&page), &page.content_type)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> Result<Target, BadPath> {
        target(path, "/repo/")
    }

    #[test]
    fn paths_inside_the_base_path_are_site_paths() {
        assert_eq!(site("/repo/"), Ok(Target::Site(String::new())));
        assert_eq!(
            site("/repo/timeline/?utm=x"),
            Ok(Target::Site("timeline/".into()))
        );
        assert_eq!(
            site("/repo/sources/a%20b/"),
            Ok(Target::Site("sources/a b/".into()))
        );
        assert_eq!(site("/other/"), Ok(Target::Outside));
    }

    #[test]
    fn the_server_root_and_the_bare_base_path_redirect_into_the_site() {
        assert_eq!(site("/repo"), Ok(Target::Redirect("/repo/".into())));
        assert_eq!(site("/?a=1"), Ok(Target::Redirect("/repo/?a=1".into())));
        assert_eq!(target("/", "/"), Ok(Target::Site(String::new())));
    }

    #[test]
    fn traversal_and_smuggled_separators_are_bad_requests() {
        for path in [
            "/repo/../etc/passwd",
            "/repo/%2e%2e/%2e%2e/etc/passwd",
            "/repo/%2E%2E/x",
            "/repo/sources%2f..%2f..%2fetc",
            "/repo/..%5c..%5cwindows",
            "/repo/..\\..\\windows",
            "/repo/a%00.html",
            "/repo//etc/passwd",
            "//etc/passwd",
            "/repo/./index.html",
            "/repo/%ff",
            "http://example.org/repo/",
            "repo/index.html",
            "*",
        ] {
            assert_eq!(site(path), Err(BadPath), "{path}");
        }
    }
}
