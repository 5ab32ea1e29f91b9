//! The probe's sequence as a state machine: asked for the next line ([`Probe::poll`]),
//! told each server line, TLS fact and ending. One command at a time, each waiting for
//! its reply, so the sequence is polite to any server and bounded in steps: at most
//! [`MAX_COMMANDS`] commands, and never DATA or BDAT.
//!
//! ```text
//! banner ─► EHLO ─► [STARTTLS ─► (TLS) ─► EHLO] ─► MAIL FROM:<> ─► RCPT TO:<postmaster>
//!        ─► RSET ─► VRFY postmaster ─► EXPN postmaster
//!        ─► MAIL FROM:<outside> ─► RCPT TO:<outside> ─► RSET ─► QUIT
//! ```

use super::observed::{Observations, Seen, Timing};
use super::{Facts, HostCheck, RELAY_TEST_RECIPIENT, RELAY_TEST_SENDER, scorecard};
use crate::annotate::{AnnotatedLine, Annotator};
use crate::lang::{Bilingual, Lang};
use crate::reply::{Reply, ReplyAssembler};
use crate::wire::TlsInfo;

/// The most commands one probe writes (the longest path through the sequence).
pub const MAX_COMMANDS: usize = 13;

/// What the probe is told before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbePlan {
    /// The name said in EHLO.
    pub helo: String,
    /// The domain whose postmaster is asked for (`RCPT TO:<postmaster@domain>`); `None`
    /// asks for the bare `<postmaster>`, which every server must accept (RFC 5321 4.5.1).
    pub domain: Option<String>,
    /// The connection is TLS from its first byte (port 465).
    pub implicit_tls: bool,
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Write this line (without CRLF).
    Send(String),
    /// Wait for the server (a reply, or TLS after STARTTLS's 220).
    Wait,
    /// The probe is over: close the connection and call [`Probe::finish`].
    Done,
}

/// One line of the conversation, annotated in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLine {
    /// The line explained in each language.
    pub annotated: Bilingual<AnnotatedLine>,
    /// Milliseconds since the connection was made (server lines and notes).
    pub at_ms: Option<u64>,
    /// For a reply's line: milliseconds since its command was written.
    pub latency_ms: Option<u64>,
    /// The line travelled inside TLS.
    pub tls: bool,
}

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Banner,
    Ehlo,
    Helo,
    StartTls,
    AwaitTls,
    EhloTls,
    PostmasterMail,
    PostmasterRcpt,
    PostmasterRset,
    Vrfy,
    Expn,
    RelayMail,
    RelayRcpt,
    RelayRset,
    Quit,
    Done,
}

/// The probe of one server; see the module documentation.
#[derive(Debug, Clone)]
pub struct Probe {
    plan: ProbePlan,
    step: Step,
    /// The current step's command was written and its reply is awaited.
    sent: bool,
    commands: usize,
    replies: ReplyAssembler,
    /// The latency of the reply being assembled (its first line's).
    reply_latency: Option<u64>,
    /// The `at_ms` of the last server line (the start of a STARTTLS handshake).
    last_at_ms: u64,
    tls: bool,
    en: Annotator,
    zh: Annotator,
    observed: Observations,
    lines: Vec<ProbeLine>,
    /// How many of `lines` [`Probe::take_new_lines`] handed out.
    taken: usize,
}

impl Probe {
    /// A probe waiting for the server's banner.
    pub fn new(plan: ProbePlan) -> Self {
        let mut en = Annotator::new(Lang::En);
        let mut zh = Annotator::new(Lang::ZhCn);
        if plan.implicit_tls {
            en.implicit_tls();
            zh.implicit_tls();
        }
        let observed = Observations {
            implicit_tls: plan.implicit_tls,
            ..Observations::default()
        };
        Self {
            tls: plan.implicit_tls,
            plan,
            step: Step::Banner,
            sent: false,
            commands: 0,
            replies: ReplyAssembler::default(),
            reply_latency: None,
            last_at_ms: 0,
            en,
            zh,
            observed,
            lines: Vec::new(),
            taken: 0,
        }
    }

    /// The next thing to do. A [`Poll::Send`] is recorded as written: call it once per
    /// line the shell writes.
    pub fn poll(&mut self) -> Poll {
        if self.step == Step::Done {
            return Poll::Done;
        }
        if self.sent || matches!(self.step, Step::Banner | Step::AwaitTls) {
            return Poll::Wait;
        }
        if self.commands >= MAX_COMMANDS {
            self.step = Step::Done;
            return Poll::Done;
        }
        let line = self.command();
        self.sent = true;
        self.commands += 1;
        let annotated = Bilingual {
            en: self.en.client_line(&line),
            zh: self.zh.client_line(&line),
        };
        self.lines.push(ProbeLine {
            annotated,
            at_ms: None,
            latency_ms: None,
            tls: self.tls,
        });
        Poll::Send(line)
    }

    /// The command of the current step.
    fn command(&self) -> String {
        let helo = &self.plan.helo;
        match self.step {
            Step::Ehlo | Step::EhloTls => format!("EHLO {helo}"),
            Step::Helo => format!("HELO {helo}"),
            Step::StartTls => "STARTTLS".to_owned(),
            Step::PostmasterMail => "MAIL FROM:<>".to_owned(),
            Step::PostmasterRcpt => match &self.plan.domain {
                Some(domain) => format!("RCPT TO:<postmaster@{domain}>"),
                None => "RCPT TO:<postmaster>".to_owned(),
            },
            Step::PostmasterRset | Step::RelayRset => "RSET".to_owned(),
            Step::Vrfy => "VRFY postmaster".to_owned(),
            Step::Expn => "EXPN postmaster".to_owned(),
            Step::RelayMail => format!("MAIL FROM:<{RELAY_TEST_SENDER}>"),
            Step::RelayRcpt => format!("RCPT TO:<{RELAY_TEST_RECIPIENT}>"),
            Step::Quit | Step::Banner | Step::AwaitTls | Step::Done => "QUIT".to_owned(),
        }
    }

    /// A line the server sent, with the relay's `at_ms` and `latency_ms`.
    pub fn handle_line(&mut self, text: &str, at_ms: u64, latency_ms: Option<u64>) {
        let annotated = Bilingual {
            en: self.en.server_line(text),
            zh: self.zh.server_line(text),
        };
        let id = annotated.en.annotation.id;
        self.last_at_ms = at_ms;
        self.lines.push(ProbeLine {
            annotated,
            at_ms: Some(at_ms),
            latency_ms,
            tls: self.tls,
        });
        if !self.replies.in_progress() {
            self.reply_latency = latency_ms.or(Some(at_ms).filter(|_| self.step == Step::Banner));
        }
        match self.replies.push(text) {
            Ok(Some(reply)) => {
                let latency = self.reply_latency.take();
                self.handle_reply(&reply, id, latency);
            }
            Ok(None) => {}
            Err(_) => {
                // A malformed line: the annotator explained it; the reply is dropped.
                self.replies = ReplyAssembler::default();
            }
        }
    }

    /// TLS is up after STARTTLS (or, for implicit TLS, before the banner: then only the
    /// facts are kept).
    pub fn handle_tls(&mut self, info: TlsInfo) {
        let detail = format!("TLS {} {}", info.version, info.cipher);
        if !self.plan.implicit_tls {
            let annotated = Bilingual {
                en: self.en.tls_established(&detail),
                zh: self.zh.tls_established(&detail),
            };
            self.tls = true;
            self.lines.push(ProbeLine {
                annotated,
                at_ms: Some(info.at_ms),
                latency_ms: None,
                tls: true,
            });
        }
        // The handshake's time: since the 220 to STARTTLS, or since the TCP connection.
        let began = if self.plan.implicit_tls {
            0
        } else {
            self.last_at_ms
        };
        self.observed.timings.push(Timing {
            stage: "TLS".to_owned(),
            ms: info.at_ms.saturating_sub(began),
        });
        self.observed.tls = Some(info);
        if self.step == Step::AwaitTls {
            self.step = Step::EhloTls;
        }
    }

    /// Something went wrong that the shell reports (TLS failed, a timeout, a refusal);
    /// the probe ends. `tls` says it was the TLS handshake or the certificate.
    pub fn handle_error(&mut self, message: &str, tls: bool) {
        let annotated = Bilingual {
            en: self.en.note(message),
            zh: self.zh.note(message),
        };
        self.lines.push(ProbeLine {
            annotated,
            at_ms: None,
            latency_ms: None,
            tls: self.tls,
        });
        if tls || self.step == Step::AwaitTls {
            self.observed.tls_error = Some(message.to_owned());
        }
        self.end_early(message);
    }

    /// The connection closed (`reason` for a person).
    pub fn handle_closed(&mut self, reason: &str) {
        if self.step == Step::Done {
            return;
        }
        let annotated = Bilingual {
            en: self.en.closed(reason),
            zh: self.zh.closed(reason),
        };
        self.lines.push(ProbeLine {
            annotated,
            at_ms: None,
            latency_ms: None,
            tls: self.tls,
        });
        if self.step != Step::Quit {
            self.end_early(reason);
        }
        self.step = Step::Done;
    }

    fn end_early(&mut self, why: &str) {
        if self.step != Step::Done && self.step != Step::Quit {
            self.observed
                .ended_early
                .get_or_insert_with(|| why.to_owned());
        }
        self.step = Step::Done;
    }

    /// The lines annotated since the last call (to stream them).
    pub fn take_new_lines(&mut self) -> &[ProbeLine] {
        let new = &self.lines[self.taken..];
        self.taken = self.lines.len();
        new
    }

    /// What the probe saw so far.
    pub fn observations(&self) -> &Observations {
        &self.observed
    }

    /// The check of this host: the lines, the observations with the connect time
    /// added, and the scorecard.
    pub fn finish(self, facts: Facts) -> HostCheck {
        let mut observations = self.observed;
        if let Some(ms) = facts.connect_ms {
            observations.timings.insert(
                0,
                Timing {
                    stage: "connect".to_owned(),
                    ms,
                },
            );
        }
        let scorecard = scorecard(&observations, &facts);
        HostCheck {
            facts,
            observations,
            lines: self.lines,
            scorecard,
        }
    }

    fn handle_reply(&mut self, reply: &Reply, id: &'static str, latency: Option<u64>) {
        let seen = Seen::new(reply, id, latency);
        let code = seen.code;
        let ok = seen.ok();
        if self.step != Step::Banner && !self.sent {
            // A reply nothing asked for: explained, not scored.
            return;
        }
        let stage = match self.step {
            Step::Banner => "banner".to_owned(),
            _ => self
                .command()
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        if let Some(ms) = latency {
            self.observed.timings.push(Timing { stage, ms });
        }
        self.sent = false;
        let o = &mut self.observed;
        let next = match self.step {
            Step::Banner => {
                o.banner = Some(seen);
                if code == 220 { Step::Ehlo } else { Step::Quit }
            }
            Step::Ehlo => {
                let starttls = ok && !self.tls && seen.offers("STARTTLS");
                o.ehlo = Some(seen);
                match (ok, starttls) {
                    (true, true) => Step::StartTls,
                    (true, false) => Step::PostmasterMail,
                    (false, _) => Step::Helo,
                }
            }
            Step::Helo => {
                o.helo = Some(seen);
                if ok { Step::PostmasterMail } else { Step::Quit }
            }
            Step::StartTls => {
                o.starttls = Some(seen);
                if code == 220 {
                    Step::AwaitTls
                } else {
                    Step::PostmasterMail
                }
            }
            Step::EhloTls => {
                o.ehlo_tls = Some(seen);
                if ok { Step::PostmasterMail } else { Step::Quit }
            }
            Step::PostmasterMail => {
                o.postmaster_mail = Some(seen);
                if ok {
                    Step::PostmasterRcpt
                } else {
                    Step::PostmasterRset
                }
            }
            Step::PostmasterRcpt => {
                o.postmaster = Some(seen);
                Step::PostmasterRset
            }
            Step::PostmasterRset => Step::Vrfy,
            Step::Vrfy => {
                o.vrfy = Some(seen);
                Step::Expn
            }
            Step::Expn => {
                o.expn = Some(seen);
                Step::RelayMail
            }
            Step::RelayMail => {
                o.relay_mail = Some(seen);
                if ok { Step::RelayRcpt } else { Step::RelayRset }
            }
            Step::RelayRcpt => {
                o.relay_rcpt = Some(seen);
                Step::RelayRset
            }
            Step::RelayRset => Step::Quit,
            Step::Quit | Step::AwaitTls | Step::Done => Step::Done,
        };
        // 421: the server is closing the connection (RFC 5321 3.8); nothing more to ask.
        self.step = if code == 421 && self.step != Step::Quit {
            self.observed
                .ended_early
                .get_or_insert_with(|| format!("421 {}", reply.first_line()));
            Step::Done
        } else {
            next
        };
    }
}
