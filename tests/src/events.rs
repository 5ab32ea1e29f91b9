//! A client of the bridge's Server-Sent Events stream, `GET /api/events`, as a page
//! (one visitor, by its cookie) or as anyone (no cookie).

use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::WAIT;

/// How many lines [`Events::next_where`] reads at most before it gives up.
const MAX_LINES: usize = 2000;

/// An open `/api/events` stream.
#[derive(Debug)]
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream (as `cookie`'s visitor, if any) and reads its response head, which
    /// must say 200, so that every later event reaches it.
    ///
    /// # Panics
    ///
    /// If the bridge cannot be reached, answers another status or is silent past [`WAIT`].
    pub async fn open(bridge: SocketAddr, cookie: Option<&str>) -> Self {
        let mut tcp = timeout(WAIT, TcpStream::connect(bridge))
            .await
            .expect("connect within the wait")
            .expect("the bridge accepts HTTP");
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        // HTTP/1.0: the body is the raw event stream, without chunked framing.
        let request = format!("GET /api/events HTTP/1.0\r\nHost: {bridge}\r\n{cookie}\r\n");
        tcp.write_all(request.as_bytes()).await.expect("request");
        let mut events = Self {
            reader: BufReader::new(tcp),
        };
        let status = events.line().await;
        assert!(status.contains(" 200 "), "{status}");
        for _ in 0..50 {
            if events.line().await.trim().is_empty() {
                return events;
            }
        }
        panic!("no end of the response head");
    }

    /// One line of the stream.
    async fn line(&mut self) -> String {
        let mut line = String::new();
        let n = timeout(WAIT, self.reader.read_line(&mut line))
            .await
            .expect("a line within the wait")
            .expect("read");
        assert!(n > 0, "the event stream ended");
        line
    }

    /// The next event whose name `keep` accepts: its name and data. Keep-alive comments
    /// and other events are skipped.
    ///
    /// # Panics
    ///
    /// If none comes within [`MAX_LINES`] lines, each within [`WAIT`].
    pub async fn next_where(&mut self, keep: impl Fn(&str) -> bool) -> (String, String) {
        let (mut event, mut data) = (String::new(), String::new());
        for _ in 0..MAX_LINES {
            let line = self.line().await;
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_owned();
            } else if let Some(value) = line.strip_prefix("data:") {
                data = value.trim().to_owned();
            } else if line.is_empty() {
                if !event.is_empty() && keep(&event) {
                    return (event, data);
                }
                event.clear();
                data.clear();
            }
        }
        panic!("no wanted event within {MAX_LINES} lines");
    }
}
