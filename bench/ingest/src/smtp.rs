//! One careful SMTP client session, no pipelining: every command waits for its reply, and
//! every reply is checked against the code that stage needs. Anything else is a
//! [`Failure`] that names the stage and what the server said.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use protocol::reply::{Reply, ReplyAssembler};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;

/// How long the client waits for a connection or a reply before it calls it a failure.
pub(crate) const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest reply line read (RFC 5321 4.5.3.1.5 allows 512 with CRLF); longer is
/// malformed rather than a reason to buffer without end.
const MAX_LINE: u64 = 4096;

/// The EHLO name this client gives (`.test` is reserved, RFC 2606).
pub(crate) const CLIENT_NAME: &str = "ingest-bench.client.test";

/// Where in the conversation something happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Connect,
    Greeting,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    /// The reply to the final dot.
    EndOfData,
    Quit,
}

impl Stage {
    /// Whether `code` is the reply this stage needs to go on.
    pub(crate) fn accepts(self, code: u16) -> bool {
        match self {
            Self::Connect | Self::Greeting => code == 220,
            Self::Ehlo | Self::Mail | Self::EndOfData => code == 250,
            // 251: "User not local; will forward" is a success too (RFC 5321 4.2.2).
            Self::Rcpt => code == 250 || code == 251,
            Self::Data => code == 354,
            Self::Quit => code == 221,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Greeting => "greeting",
            Self::Ehlo => "EHLO",
            Self::Mail => "MAIL",
            Self::Rcpt => "RCPT",
            Self::Data => "DATA",
            Self::EndOfData => "end of data",
            Self::Quit => "QUIT",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a message (or the closing QUIT) did not go through.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Reading or writing failed (reset, refused, broken pipe).
    Io { stage: Stage, cause: io::Error },
    /// The server closed the connection while a reply was owed.
    Closed { stage: Stage },
    /// No reply (or no connection) within [`REPLY_TIMEOUT`].
    Timeout { stage: Stage },
    /// A reply line that is not SMTP: no code, a code that changes mid-reply, no CRLF,
    /// too long.
    Malformed { stage: Stage, why: String },
    /// A well-formed reply with the wrong code for this stage.
    Refused { stage: Stage, reply: String },
}

impl Failure {
    /// A short key that groups failures of one kind, e.g. `RCPT: 450`.
    pub(crate) fn kind(&self) -> String {
        match self {
            Self::Io { stage, cause } => format!("{stage}: {:?}", cause.kind()),
            Self::Closed { stage } => format!("{stage}: connection closed"),
            Self::Timeout { stage } => format!("{stage}: timeout"),
            Self::Malformed { stage, .. } => format!("{stage}: malformed reply"),
            Self::Refused { stage, reply } => format!("{stage}: {}", &reply[..3.min(reply.len())]),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { stage, cause } => write!(f, "{stage}: {cause}"),
            Self::Closed { stage } => write!(f, "{stage}: the server closed the connection"),
            Self::Timeout { stage } => {
                write!(f, "{stage}: nothing within {} s", REPLY_TIMEOUT.as_secs())
            }
            Self::Malformed { stage, why } => write!(f, "{stage}: malformed reply: {why}"),
            Self::Refused { stage, reply } => write!(f, "{stage}: unexpected reply {reply:?}"),
        }
    }
}

/// Reads whole replies from a byte stream and checks them.
#[derive(Debug)]
struct ReplyReader<R> {
    reader: BufReader<R>,
    line: Vec<u8>,
}

impl<R: tokio::io::AsyncRead + Unpin> ReplyReader<R> {
    fn new(inner: R) -> Self {
        Self {
            reader: BufReader::with_capacity(4096, inner),
            line: Vec::with_capacity(512),
        }
    }

    /// Reads one reply and checks its code for `stage`.
    async fn expect(&mut self, stage: Stage) -> Result<Reply, Failure> {
        let reply = match timeout(REPLY_TIMEOUT, self.read_reply(stage)).await {
            Ok(reply) => reply?,
            Err(_) => return Err(Failure::Timeout { stage }),
        };
        check(stage, reply)
    }

    async fn read_reply(&mut self, stage: Stage) -> Result<Reply, Failure> {
        let mut assembler = ReplyAssembler::default();
        loop {
            self.line.clear();
            let n = (&mut self.reader)
                .take(MAX_LINE)
                .read_until(b'\n', &mut self.line)
                .await
                .map_err(|cause| Failure::Io { stage, cause })?;
            if n == 0 {
                return Err(Failure::Closed { stage });
            }
            let text = reply_line(&self.line).map_err(|why| Failure::Malformed { stage, why })?;
            match assembler.push(text) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(err) => {
                    return Err(Failure::Malformed {
                        stage,
                        why: format!("{err}: {text:?}"),
                    });
                }
            }
        }
    }
}

/// The text of one reply line read up to and including its LF: it must end in CRLF, be
/// UTF-8, and fit in [`MAX_LINE`].
fn reply_line(raw: &[u8]) -> Result<&str, String> {
    let Some(body) = raw.strip_suffix(b"\n") else {
        return Err(if raw.len() as u64 >= MAX_LINE {
            format!("a line longer than {MAX_LINE} bytes")
        } else {
            format!(
                "the connection ended inside a line: {:?}",
                String::from_utf8_lossy(raw)
            )
        });
    };
    let Some(body) = body.strip_suffix(b"\r") else {
        return Err(format!(
            "a line ends in a bare LF: {:?}",
            String::from_utf8_lossy(body)
        ));
    };
    std::str::from_utf8(body)
        .map_err(|_| format!("a line is not UTF-8: {:?}", String::from_utf8_lossy(body)))
}

/// `reply` if its code is the one `stage` needs, else a [`Failure::Refused`].
fn check(stage: Stage, reply: Reply) -> Result<Reply, Failure> {
    if stage.accepts(reply.code.get()) {
        Ok(reply)
    } else {
        Err(Failure::Refused {
            stage,
            reply: format!("{} {}", reply.code, reply.last_line()),
        })
    }
}

/// An open session that has been greeted and has said EHLO.
#[derive(Debug)]
pub(crate) struct Session {
    replies: ReplyReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Session {
    /// Connects, reads the greeting and says EHLO.
    pub(crate) async fn open(addr: SocketAddr) -> Result<Self, Failure> {
        let stage = Stage::Connect;
        let stream = match timeout(REPLY_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(cause)) => return Err(Failure::Io { stage, cause }),
            Err(_) => return Err(Failure::Timeout { stage }),
        };
        // Each command is one write that waits for its reply; Nagle would only add delay.
        stream
            .set_nodelay(true)
            .map_err(|cause| Failure::Io { stage, cause })?;
        let (read, writer) = stream.into_split();
        let mut session = Self {
            replies: ReplyReader::new(read),
            writer,
        };
        session.replies.expect(Stage::Greeting).await?;
        session
            .command(Stage::Ehlo, format!("EHLO {CLIENT_NAME}\r\n").as_bytes())
            .await?;
        Ok(session)
    }

    /// Sends one command (or the message text) and checks its reply.
    async fn command(&mut self, stage: Stage, bytes: &[u8]) -> Result<Reply, Failure> {
        match timeout(REPLY_TIMEOUT, self.writer.write_all(bytes)).await {
            Ok(Ok(())) => {}
            Ok(Err(cause)) => return Err(Failure::Io { stage, cause }),
            Err(_) => return Err(Failure::Timeout { stage }),
        }
        self.replies.expect(stage).await
    }

    /// One transaction: MAIL, RCPT, DATA, then `text` (already dot-stuffed, ending in
    /// `CRLF.CRLF`), each reply checked.
    pub(crate) async fn send(&mut self, from: &str, to: &str, text: &[u8]) -> Result<(), Failure> {
        self.command(Stage::Mail, format!("MAIL FROM:<{from}>\r\n").as_bytes())
            .await?;
        self.command(Stage::Rcpt, format!("RCPT TO:<{to}>\r\n").as_bytes())
            .await?;
        self.command(Stage::Data, b"DATA\r\n").await?;
        self.command(Stage::EndOfData, text).await?;
        Ok(())
    }

    /// Says QUIT and waits for the 221.
    pub(crate) async fn quit(mut self) -> Result<(), Failure> {
        self.command(Stage::Quit, b"QUIT\r\n").await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_accept_only_their_codes() {
        assert!(Stage::Greeting.accepts(220));
        assert!(!Stage::Greeting.accepts(421));
        assert!(Stage::Rcpt.accepts(250) && Stage::Rcpt.accepts(251));
        assert!(!Stage::Rcpt.accepts(252) && !Stage::Rcpt.accepts(450));
        assert!(Stage::Data.accepts(354) && !Stage::Data.accepts(250));
        assert!(Stage::EndOfData.accepts(250) && !Stage::EndOfData.accepts(354));
        assert!(Stage::Quit.accepts(221) && !Stage::Quit.accepts(250));
    }

    #[test]
    fn reply_lines_need_crlf_and_utf8() {
        assert_eq!(reply_line(b"250 OK\r\n"), Ok("250 OK"));
        assert!(
            reply_line(b"250 OK\n")
                .expect_err("bare LF")
                .contains("bare LF")
        );
        assert!(
            reply_line(b"250 O")
                .expect_err("cut")
                .contains("inside a line")
        );
        assert!(
            reply_line(b"250 \xff\r\n")
                .expect_err("bytes")
                .contains("UTF-8")
        );
    }
}
