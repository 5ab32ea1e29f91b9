//! The upstream of every measurement: a tiny SMTP-like server, so the numbers are the
//! relays' cost and not a real server's.
//!
//! It greets with `220`, answers `NOOP` (and `EHLO`, `HELO`, `MAIL`, `RCPT`, `RSET`) with
//! `250`, `DATA` with `354`, then swallows the body up to the lone `.` line and answers
//! `250`; `QUIT` gets `221` and the connection is closed. Lines may end in CRLF or in a bare
//! LF (websocat's line mode writes LF). Idle connections hold a small read buffer; it grows
//! only during DATA, so the server's own memory per session stays close to the kernel's
//! floor (it is the "direct TCP" column of the memory rows).

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Read buffer of an idle or command-mode connection.
const SMALL_READ: usize = 1024;

/// Read buffer during DATA, where throughput matters.
const LARGE_READ: usize = 64 * 1024;

/// A command line longer than this is answered with 500 and dropped.
const LINE_MAX: usize = 4096;

/// Serves until `lifetime` is over (the parent normally kills it long before).
pub(crate) async fn serve(listener: TcpListener, lifetime: Duration) -> io::Result<()> {
    let accepting = async {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(async move {
                        // A client that vanishes is normal in a benchmark.
                        let _ = session(stream).await;
                    });
                }
                // Out of descriptors, usually: wait for some to close.
                Err(cause) => {
                    eprintln!("echo: accept failed: {cause}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    };
    // The loop above never returns; the timeout bounds it.
    let _ = tokio::time::timeout(lifetime, accepting).await;
    Ok(())
}

async fn session(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.write_all(b"220 echo ESMTP ready\r\n").await?;
    let mut buf = vec![0u8; SMALL_READ];
    let mut conn = Conn::default();
    let mut out = Vec::new();
    loop {
        let read = stream.read(&mut buf).await?;
        if read == 0 {
            return Ok(());
        }
        let was_data = conn.in_data();
        let quit = conn.feed(&buf[..read], &mut out);
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if quit {
            return stream.shutdown().await;
        }
        match (was_data, conn.in_data()) {
            (false, true) => buf.resize(LARGE_READ, 0),
            (true, false) => {
                buf = vec![0u8; SMALL_READ];
                out = Vec::new();
            }
            _ => {}
        }
    }
}

/// Where the body scanner is within the current body line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    LineStart,
    /// A `.` at the start of a line.
    Dot,
    /// `.` then CR at the start of a line.
    DotCr,
    Middle,
}

/// One connection's protocol state: sans-IO, so the tests feed it bytes in pieces.
#[derive(Debug, Default)]
struct Conn {
    /// `Some` while reading a message body.
    body: Option<Body>,
    /// A command line not yet complete.
    line: Vec<u8>,
    /// The current command line overflowed [`LINE_MAX`].
    overflow: bool,
}

impl Conn {
    fn in_data(&self) -> bool {
        self.body.is_some()
    }

    /// Consumes `input`, appends the replies to `out`; true when the client said QUIT.
    fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> bool {
        while !input.is_empty() {
            if let Some(state) = self.body {
                let (used, end) = scan_body(state, input);
                input = &input[used..];
                match end {
                    Ok(()) => {
                        self.body = None;
                        out.extend_from_slice(b"250 2.0.0 Ok: queued\r\n");
                    }
                    Err(state) => self.body = Some(state),
                }
                continue;
            }
            let Some(newline) = input.iter().position(|&b| b == b'\n') else {
                self.push_line(input);
                return false;
            };
            self.push_line(&input[..newline]);
            input = &input[newline + 1..];
            let line = std::mem::take(&mut self.line);
            if std::mem::take(&mut self.overflow) {
                out.extend_from_slice(b"500 5.5.6 Line too long\r\n");
                continue;
            }
            if self.command(&line, out) {
                return true;
            }
        }
        false
    }

    fn push_line(&mut self, bytes: &[u8]) {
        if self.line.len() + bytes.len() > LINE_MAX {
            self.overflow = true;
            self.line.clear();
        } else {
            self.line.extend_from_slice(bytes);
        }
    }

    /// Answers one command line (without LF); true for QUIT.
    fn command(&mut self, line: &[u8], out: &mut Vec<u8>) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let verb = line.get(..4).unwrap_or(line).to_ascii_uppercase();
        match verb.as_slice() {
            b"NOOP" | b"EHLO" | b"HELO" | b"MAIL" | b"RCPT" | b"RSET" => {
                out.extend_from_slice(b"250 2.0.0 Ok\r\n");
            }
            b"DATA" => {
                out.extend_from_slice(b"354 End data with <CR><LF>.<CR><LF>\r\n");
                self.body = Some(Body::LineStart);
            }
            b"QUIT" => {
                out.extend_from_slice(b"221 2.0.0 Bye\r\n");
                return true;
            }
            _ => out.extend_from_slice(b"502 5.5.2 Command not recognized\r\n"),
        }
        false
    }
}

/// Scans body bytes for the lone-dot line. Returns how many bytes were used, and `Ok`
/// when the body ended (the rest of `input` is commands again) or the state to go on with.
fn scan_body(mut state: Body, input: &[u8]) -> (usize, Result<(), Body>) {
    for (i, &byte) in input.iter().enumerate() {
        state = match (state, byte) {
            (Body::Dot | Body::DotCr, b'\n') => return (i + 1, Ok(())),
            (_, b'\n') => Body::LineStart,
            (Body::LineStart, b'.') => Body::Dot,
            (Body::Dot, b'\r') => Body::DotCr,
            _ => Body::Middle,
        };
    }
    (input.len(), Err(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in pieces of `piece` bytes; returns the replies and whether QUIT came.
    fn run(input: &[u8], piece: usize) -> (String, bool) {
        let mut conn = Conn::default();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            if conn.feed(chunk, &mut out) {
                return (String::from_utf8_lossy(&out).into_owned(), true);
            }
        }
        (String::from_utf8_lossy(&out).into_owned(), false)
    }

    #[test]
    fn answers_commands_and_a_body_in_any_pieces() {
        let session = b"NOOP\r\nDATA\r\nline one\r\n..stuffed\r\n.x\r\n.\r\nnoop\nQUIT\r\nNOOP\r\n";
        for piece in [1, 2, 3, 7, session.len()] {
            let (out, quit) = run(session, piece);
            assert!(quit, "piece {piece}");
            assert_eq!(
                out,
                "250 2.0.0 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n\
                 250 2.0.0 Ok: queued\r\n250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n",
                "piece {piece}"
            );
        }
    }

    #[test]
    fn bare_lf_bodies_end_too_and_an_empty_body_is_fine() {
        let (out, quit) = run(b"DATA\n.\nDATA\na\n.\n", 1);
        assert!(!quit);
        assert_eq!(out.matches("250 2.0.0 Ok: queued").count(), 2, "{out}");
    }

    #[test]
    fn long_and_unknown_lines_are_refused() {
        let mut long = vec![b'A'; LINE_MAX + 10];
        long.extend_from_slice(b"\r\nVRFY x\r\n");
        let (out, _) = run(&long, 100);
        assert_eq!(
            out,
            "500 5.5.6 Line too long\r\n502 5.5.2 Command not recognized\r\n"
        );
    }
}
