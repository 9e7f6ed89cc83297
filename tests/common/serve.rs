//! `briefing serve` on a test site, and a plain HTTP client for it (loopback only).
//!
//! The client is written on `TcpStream` on purpose: the tests send request paths that
//! HTTP libraries refuse to send (`..`, backslashes, NUL bytes).

use super::TestSite;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long anything may take before a test gives up (a bound against hanging, not a
/// speed requirement).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `briefing serve`, killed when dropped.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// The site's path on the server, from the first line (`/briefing/`).
    pub base: String,
    /// Everything the server printed to stderr so far.
    stderr: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The pages rendered and the pages in all, of each build or rebuild line of `stderr`
/// (`... (3 of 12 pages rendered) ...`).
pub fn pages_rendered(stderr: &str) -> Vec<(usize, usize)> {
    let pattern = regex::Regex::new(r"\((\d+) of (\d+) pages? rendered\)").unwrap();
    pattern
        .captures_iter(stderr)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect()
}

/// Spawns the binary with `args`, reading stderr into a buffer in the background.
pub fn spawn(args: &[&str]) -> (Child, Arc<Mutex<String>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the briefing binary runs");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let sink = Arc::clone(&stderr);
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut buffer) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    (child, stderr)
}

/// Waits until `stderr` satisfies `done`, panicking with what it holds after
/// [`PATIENCE`].
pub fn wait_for_stderr(stderr: &Mutex<String>, what: &str, done: impl Fn(&str) -> bool) {
    let started = Instant::now();
    while !done(&stderr.lock().unwrap()) {
        assert!(
            started.elapsed() < PATIENCE,
            "waited for {what}; stderr:\n{}",
            stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl TestSite {
    /// Starts `briefing serve --port 0 ARGS --root ROOT` and reads the address from its
    /// first line.
    pub fn serve(&self, args: &[&str]) -> Served {
        let root = self.root().to_string_lossy().into_owned();
        let mut all = vec!["serve", "--port", "0", "--root", &root];
        all.extend_from_slice(args);
        let (mut child, stderr) = spawn(&all);
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let Some(url) = first.trim_end().strip_prefix("Serving http://") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("first line {first:?}, stderr:\n{}", stderr.lock().unwrap());
        };
        let slash = url.find('/').expect("a path after the address");
        Served {
            child,
            address: url[..slash].to_string(),
            base: url[slash..].to_string(),
            stderr,
        }
    }
}

impl Served {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to end by itself and returns its exit code.
    pub fn wait_for_exit(&mut self) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(started.elapsed() < PATIENCE, "the server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the server printed to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr satisfies `done`.
    pub fn wait_for_stderr(&self, what: &str, done: impl Fn(&str) -> bool) {
        wait_for_stderr(&self.stderr, what, done);
    }

    /// `GET` of a path under the site's base path (`"timeline/"`).
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", &format!("{}{path}", self.base), &[])
    }

    /// Sends one request with a raw request target and reads the whole reply.
    pub fn request(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
        let mut stream = self.connect();
        let mut request = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse_reply(&raw, method == "HEAD")
    }

    /// A TCP connection to the server.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Opens the live-reload event stream and reads its greeting.
    pub fn events(&self) -> EventStream {
        let mut stream = self.connect();
        write!(
            stream,
            "GET /__briefing/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut events = EventStream { reader };
        loop {
            line.clear();
            events.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Type: ") {
                assert_eq!(value.trim(), "text/event-stream");
            }
        }
        let (name, _) = events.next();
        assert_eq!(name, "hello");
        events
    }
}

fn parse_reply(raw: &[u8], head: bool) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head_text = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head_text.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let reply = Reply {
        status,
        headers,
        body,
    };
    if !head && let Some(length) = reply.header("Content-Length") {
        assert_eq!(reply.body.len(), length.parse::<usize>().unwrap());
    }
    reply
}

/// The server's event stream, read one event at a time.
pub struct EventStream {
    reader: BufReader<TcpStream>,
}

impl EventStream {
    /// The next event's name and data, skipping comments.
    pub fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < PATIENCE, "no event in time");
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).expect("an event in time");
            assert!(read > 0, "the event stream closed");
            let line = line.trim_end_matches('\n');
            if line.is_empty() {
                if !name.is_empty() {
                    return (name, data);
                }
                continue;
            }
            if let Some(value) = line.strip_prefix("event: ") {
                name = value.to_string();
            } else if let Some(value) = line.strip_prefix("data: ") {
                data = value.to_string();
            }
        }
    }

    /// Reads events until one named `name` comes, and returns its data.
    pub fn next_named(&mut self, name: &str) -> String {
        loop {
            let (event, data) = self.next();
            if event == name {
                return data;
            }
        }
    }
}

/// `html` without the live-reload script the server adds.
/// `text` with fingerprinted asset names (`style.0123456789abcdef.css`) put back to the
/// plain names `serve` publishes them under (`style.css`).
pub fn unfingerprinted(text: &str) -> String {
    let pattern = regex::Regex::new(r"\.[0-9a-f]{16}\.(css|js)").unwrap();
    pattern.replace_all(text, ".$1").into_owned()
}

pub fn without_live_script(html: &str) -> String {
    let start = html
        .find("<script>\n(() => {\n  let version")
        .expect("the live script");
    let end = start + html[start..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &html[..start], &html[end..])
}
