//! Live reload: the state every request reads, swapped in one step, and the
//! Server-Sent Events that tell open pages about it.
//!
//! Served HTML (never `build` output) gets a small script, and the overlay when the last
//! build failed. The script listens on [`EVENTS_PATH`]: `reload` (keeping the scroll
//! position), `css` (swap the changed stylesheets, no reload), `broken` (show the
//! overlay). On connecting it is told the current version and reloads if its page is
//! older, so a rebuild between loading a page and connecting is not missed.

use super::site::{Site, Snapshot};
use crate::diagnostic::Diagnostic;
use pulldown_cmark_escape::escape_html;
use serde_json::json;
use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path of the event stream. Outside any base path but `/`, and named so that no
/// page of a site takes it.
pub const EVENTS_PATH: &str = "/__briefing/events";

/// How often an idle event stream sends a comment, so dead connections are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What open pages are told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The site changed: reload.
    Reload,
    /// Only these stylesheets (paths with the base path) changed: swap them.
    Css(Vec<String>),
    /// The build failed: show the overlay.
    Broken,
}

/// The live state of the server: what requests see, and the open event streams.
pub struct Hub {
    instance: String,
    state: RwLock<Arc<Snapshot>>,
    /// The number of the current state, and the streams to tell about the next. The
    /// lock also orders publishing against subscribing.
    clients: Mutex<(u64, Vec<Sender<String>>)>,
}

impl Hub {
    /// A hub serving `site`, with `overlay` if its build failed.
    pub fn new(site: Site, overlay: Option<String>) -> Hub {
        // A new server process gets new versions, so pages left open reload on reconnect.
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let instance = format!("{started:x}");
        let snapshot = Snapshot {
            site: Arc::new(site),
            version: format!("{instance}.0"),
            overlay: overlay.map(Into::into),
        };
        Hub {
            instance,
            state: RwLock::new(Arc::new(snapshot)),
            clients: Mutex::new((0, Vec::new())),
        }
    }

    /// The state to answer a request from.
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the state in one step (a new `site`, or the current one with an
    /// `overlay`), then sends `event` to every open page.
    pub fn publish(&self, site: Option<Site>, overlay: Option<String>, event: Event) {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients.0 += 1;
        let version = format!("{}.{}", self.instance, clients.0);
        let site = site.map_or_else(|| Arc::clone(&self.current().site), Arc::new);
        let snapshot = Arc::new(Snapshot {
            site,
            version: version.clone(),
            overlay: overlay.map(Into::into),
        });
        let message = match &event {
            Event::Reload => message("reload", json!({ "version": version })),
            Event::Css(paths) => message("css", json!({ "version": version, "paths": paths })),
            Event::Broken => message(
                "broken",
                json!({ "version": version, "overlay": snapshot.overlay.as_deref() }),
            ),
        };
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let old = std::mem::replace(&mut *state, snapshot);
        drop(state);
        clients
            .1
            .retain(|client| client.send(message.clone()).is_ok());
        // Freeing the old site (thousands of pages) can wait until the pages are told.
        drop(clients);
        drop(old);
    }

    /// Answers a request for the event stream: from a thread of its own, as a stream
    /// stays open as long as its page.
    pub fn stream(&self, request: tiny_http::Request) {
        let (sender, receiver) = mpsc::channel();
        let hello = {
            let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
            // Each stream holds a thread: past the cap, forget streams whose page has
            // gone, and refuse new ones if there are still too many (a preview bound to
            // a public address must not be made to spawn threads without end).
            if clients.1.len() >= MAX_STREAMS {
                clients
                    .1
                    .retain(|client| client.send(String::new()).is_ok());
            }
            if clients.1.len() >= MAX_STREAMS {
                drop(clients);
                let busy = tiny_http::Response::from_string("too many live-reload connections")
                    .with_status_code(503);
                let _ = request.respond(busy);
                return;
            }
            clients.1.push(sender);
            message("hello", json!({ "version": self.current().version }))
        };
        std::thread::spawn(move || {
            let mut writer = request.into_writer();
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                Cache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 500\n\n";
            let mut send = |text: &str| {
                writer
                    .write_all(text.as_bytes())
                    .and_then(|_| writer.flush())
                    .is_ok()
            };
            if !send(head) || !send(&hello) {
                return;
            }
            loop {
                let sent = match receiver.recv_timeout(KEEP_ALIVE) {
                    Ok(message) => send(&message),
                    Err(RecvTimeoutError::Timeout) => send(": keep-alive\n\n"),
                    Err(RecvTimeoutError::Disconnected) => false,
                };
                if !sent {
                    return;
                }
            }
        });
    }
}

/// The most event streams open at once.
const MAX_STREAMS: usize = 128;

/// One Server-Sent Event.
fn message(event: &str, data: serde_json::Value) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

/// The script served pages get; `VERSION` is replaced by the page's version.
const SCRIPT: &str = r#"<script>
(() => {
  let version = VERSION;
  const scrollKey = "briefing-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const restore = () => scrollTo(0, Number(saved));
    document.readyState === "complete" ? restore() : addEventListener("load", restore);
  }
  const reload = () => {
    sessionStorage.setItem(scrollKey, String(scrollY));
    location.reload();
  };
  const overlay = (html) => {
    document.getElementById("briefing-overlay")?.remove();
    if (html) document.body.insertAdjacentHTML("beforeend", html);
  };
  const events = new EventSource("EVENTS_PATH");
  const on = (name, handle) => events.addEventListener(name, (event) => {
    const data = JSON.parse(event.data);
    handle(data);
    version = data.version;
  });
  on("hello", (data) => { if (data.version !== version) reload(); });
  on("reload", reload);
  on("broken", (data) => overlay(data.overlay));
  on("css", (data) => {
    overlay(null);
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (!data.paths.includes(url.pathname)) continue;
      url.searchParams.set("v", data.version);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      link.after(fresh);
    }
  });
})();
</script>
"#;

/// `html` with the overlay (if any) and the live-reload script added before `</body>`
/// (or at the end, for a page without one).
pub fn inject(html: &[u8], version: &str, overlay: Option<&str>) -> Vec<u8> {
    let script = SCRIPT
        .replace("VERSION", &json!(version).to_string())
        .replace("EVENTS_PATH", EVENTS_PATH);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len() + overlay.map_or(0, str::len));
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(overlay.unwrap_or_default().as_bytes());
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The overlay a page shows while the briefing does not build: each error as the
/// terminal shows it, with `file:line:column`.
pub fn overlay(diagnostics: &[Diagnostic]) -> String {
    let mut html = String::from(
        "<div id=\"briefing-overlay\" role=\"alert\" style=\"position:fixed;left:0;right:0;\
         bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;\
         padding:1rem 1.5rem;background:#1e1e1e;color:#eee;border-top:4px solid #e5484d;\
         font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">\
         <button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"float:right;\
         font:inherit;color:inherit;background:none;border:1px solid #888;border-radius:4px;\
         padding:0 .5rem;cursor:pointer\">Dismiss</button>\
         <p style=\"margin:0 0 .75rem;font-weight:bold;color:#ff9b9b\">The briefing does not \
         build. This is the last version that did; it comes back when the error is fixed.</p>",
    );
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        html.push_str("<pre style=\"white-space:pre-wrap;margin:0 0 1rem;font:inherit\">");
        escape_html(&mut html, &diagnostic.render(false)).ok();
        html.push_str("</pre>");
    }
    html.push_str("</div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let html = inject(b"<html><body><p>x</p></BODY></html>", "v1", None);
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<html><body><p>x</p><script>"), "{html}");
        assert!(html.ends_with("</script>\n</BODY></html>"), "{html}");
        assert!(html.contains("let version = \"v1\";"));
        assert!(!html.contains("id=\"briefing-overlay\""));
    }

    #[test]
    fn the_overlay_names_file_line_and_column_escaped() {
        let text = "see [@a<b>] here\n";
        let diagnostic = Diagnostic::error(
            "content/briefing.md",
            crate::diagnostic::Problem::UnknownSource {
                id: "a<b>".into(),
                known: vec![],
            },
        )
        .at(text, 4..11);
        let html = overlay(&[diagnostic]);
        assert!(html.contains("content/briefing.md:1:5"), "{html}");
        assert!(
            html.contains("a&lt;b&gt;") && !html.contains("a<b>"),
            "{html}"
        );
    }
}
