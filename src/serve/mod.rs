//! `briefing serve`: the site built in memory, served over HTTP, rebuilt on every save.
//!
//! `serve` is [`crate::watch`] plus an HTTP server: the same build as `briefing build`
//! (through [`crate::build_in_memory_with`], with a [`crate::cache::BuildCache`] kept
//! between builds), held in memory and never written to `public/`. Each rebuild's site
//! replaces the last in one step ([`live::Hub::publish`]) before open pages are told to
//! reload; a failed rebuild keeps the last good site and lays its errors over it.
//!
//! - [`site`]: the built files as served (content types, hashes), and a [`site::Snapshot`].
//! - [`http`]: answering requests from a snapshot, with the path checks.
//! - [`live`]: the snapshot swap, the event stream, the injected script and the overlay.

pub mod http;
pub mod live;
pub mod site;

use crate::BuildOptions;
use crate::cache::BuildCache;
use crate::watch::{Changes, Outcome, WatchError, Watcher};
use live::{Event, Hub};
use site::Site;
use std::io::Write;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

/// How many threads answer requests. Requests are read by tiny_http's own connection
/// threads, and event streams get a thread each, so these only ever write answers
/// from memory: a few suffice for one slow client not to hold up the others.
const WORKERS: usize = 8;

/// What `briefing serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build.
    pub build: BuildOptions,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 for any free one.
    pub port: u16,
    /// Poll for changes instead of using the system's file events.
    pub poll: bool,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound (a port in use, an address not of this machine).
    #[error("cannot listen on {address}: {message}")]
    Bind {
        /// `ADDR:PORT`.
        address: String,
        /// The system's reason.
        message: String,
    },
    /// Watching the files failed.
    #[error(transparent)]
    Watch(#[from] WatchError),
}

/// Serves the briefing until Ctrl-C. `report` prints each build's outcome (the
/// diagnostics, for the command line to render); the address and one line per
/// rebuild are printed here.
pub fn run(options: &ServeOptions, mut report: impl FnMut(Outcome)) -> Result<(), ServeError> {
    let server = tiny_http::Server::http((options.bind, options.port)).map_err(|error| {
        ServeError::Bind {
            address: format!("{}:{}", options.bind, options.port),
            message: error.to_string(),
        }
    })?;
    let address = server
        .server_addr()
        .to_ip()
        .expect("an HTTP server on an IP address");
    // Watch before the first build, so an edit made during it is not lost.
    let watcher = Watcher::start(&options.build.root, None, options.poll)?;
    let mut cache = BuildCache::for_rebuilds();
    let started = Instant::now();
    let first = crate::build_in_memory_with(&options.build, &mut cache);
    report(first.as_ref().map(|b| &b.report).map_err(Vec::as_slice));
    let first_built = first.is_ok();
    let hub = Arc::new(match first {
        Ok(built) => Hub::new(Site::new(built.files, built.base_path), None),
        Err(diagnostics) => {
            let site = Site {
                base_path: planned_base_path(&options.build),
                ..Site::default()
            };
            Hub::new(site, Some(live::overlay(&diagnostics)))
        }
    });
    let base_path = hub.current().site.base_path.clone();
    println!("Serving http://{address}{base_path}");
    std::io::stdout().flush().ok();
    eprintln!(
        "{} in {} ms; {}; Ctrl-C to stop",
        if first_built {
            "Built"
        } else {
            "Build failed (the pages show why)"
        },
        started.elapsed().as_millis(),
        watcher.mode()
    );
    if !options.bind.is_loopback() {
        eprintln!("warning: listening on {address}: other machines can reach this preview");
    }
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, hub) = (Arc::clone(&server), Arc::clone(&hub));
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                http::respond(request, &hub);
            }
        });
    }
    watcher.run(|changes| rebuild(options, &mut cache, &hub, changes, &mut report))?;
    server.unblock();
    eprintln!("Stopped.");
    Ok(())
}

/// Where the site will be served once it builds: `base_url`'s path if site.toml can be
/// read, else `/`.
fn planned_base_path(options: &BuildOptions) -> String {
    let path = std::path::Path::new("content/site.toml");
    std::fs::read_to_string(options.root.join(path))
        .ok()
        .and_then(|text| crate::config::SiteConfig::parse(path, &text).ok())
        .map_or_else(|| "/".to_string(), |config| config.base_path())
}

/// Rebuilds after `changes`, publishes the outcome and prints one line about it.
fn rebuild(
    options: &ServeOptions,
    cache: &mut BuildCache,
    hub: &Hub,
    changes: &Changes,
    report: &mut impl FnMut(Outcome),
) {
    let started = Instant::now();
    changes.invalidate(cache);
    let built = crate::build_in_memory_with(&options.build, cache);
    report(built.as_ref().map(|b| &b.report).map_err(Vec::as_slice));
    let what = changes.describe();
    match built {
        Ok(built) => {
            let current = hub.current();
            let site = current.site.next(built.files, built.base_path);
            let changed = current.site.changed_paths(&site);
            let moved = (site.base_path != current.site.base_path)
                .then(|| format!("; the site is now at {}", site.base_path));
            let event = if !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css")) {
                Some(Event::Css(changed.clone()))
            } else if !changed.is_empty() || current.overlay.is_some() {
                Some(Event::Reload)
            } else {
                // A save that changed nothing the pages show (a file saved as it was,
                // a comment in a template): open pages need not reload.
                None
            };
            if let Some(event) = event {
                hub.publish(Some(site), None, event);
            }
            eprintln!(
                "{what} changed: rebuilt in {} ms ({}), {} changed{}",
                started.elapsed().as_millis(),
                crate::watch::rendered(&built.report),
                crate::cli::plural(changed.len(), "file"),
                moved.unwrap_or_default()
            );
        }
        Err(diagnostics) => {
            hub.publish(None, Some(live::overlay(&diagnostics)), Event::Broken);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{what} changed: build failed with {} in {} ms; still serving the last good site",
                crate::cli::plural(errors, "error"),
                started.elapsed().as_millis()
            );
        }
    }
}
