//! A learner who works through a lesson against the sandbox's own server session: the
//! page's loop (annotator, watch, progress) without the page.

use crate::annotate::{Annotator, LineKind};
use crate::lang::Lang;
use crate::lesson::{Event, Lesson, Progress, Watch};
use crate::server::{Account, Memory, ServerConfig, ServerOutput, ServerSession, written_lines};

/// What the learner does next.
#[derive(Debug, Clone, Copy)]
pub(super) enum Act {
    /// Clicks the first example the current step offers now and sends it.
    Click,
    /// Types a line and sends it.
    Type(&'static str),
    /// Waits this many seconds (greylisting).
    Wait(u64),
    /// Connects again (the lesson goes on).
    Reconnect,
    /// Sends these lines at once, without waiting for replies (pipelining).
    Batch(&'static [&'static str]),
    /// Answers the CRAM-MD5 challenge waiting now as this user with this password, as the
    /// page's AUTH helper computes it.
    Cram(&'static str, &'static str),
}

pub(super) struct Learner<'a> {
    pub(super) lesson: &'a Lesson,
    pub(super) progress: Progress,
    server: ServerSession,
    memory: Memory,
    annotator: Annotator,
    watch: Watch,
    now_ms: u64,
    /// Every line sent, in order.
    pub(super) sent: Vec<String>,
    /// Every message the server accepted, as stored.
    pub(super) delivered: Vec<String>,
}

/// The sandbox's configuration: the demo account, STARTTLS offered, scenarios on.
fn sandbox() -> ServerConfig {
    ServerConfig {
        accounts: vec![Account {
            user: "demo".into(),
            password: "demo".into(),
        }],
        starttls: true,
        ..ServerConfig::default()
    }
}

impl<'a> Learner<'a> {
    pub(super) fn new(lesson: &'a Lesson) -> Self {
        let mut learner = Self {
            lesson,
            progress: Progress::new(lesson.steps.len()),
            server: ServerSession::new(sandbox(), 1),
            memory: Memory::default(),
            annotator: Annotator::new(Lang::En),
            watch: Watch::new(),
            now_ms: 1_700_000_000_000,
            sent: Vec::new(),
            delivered: Vec::new(),
        };
        learner.connect();
        learner
    }

    fn connect(&mut self) {
        self.server = ServerSession::new(sandbox(), 1);
        self.server.set_client("127.0.0.1");
        self.server.set_now(self.now_ms);
        self.annotator = Annotator::new(Lang::En);
        self.watch = Watch::new();
        self.drain();
    }

    /// The examples the current step offers now, as the page shows them.
    pub(super) fn offered(&self) -> Vec<Vec<String>> {
        let Some(current) = self.progress.current() else {
            return Vec::new();
        };
        let moment = self.watch.now(self.annotator.session());
        self.lesson.steps[current]
            .examples
            .iter()
            .filter(|e| e.when.as_ref().is_none_or(|c| c.holds(&moment)))
            .map(|e| e.lines.clone())
            .collect()
    }

    pub(super) fn act(&mut self, act: Act) {
        match act {
            Act::Click => {
                let offered = self.offered();
                let first = offered.first().unwrap_or_else(|| {
                    panic!(
                        "{}: step {:?} offers no example; sent so far: {:#?}",
                        self.lesson.id,
                        self.progress.current(),
                        self.sent
                    )
                });
                for line in first.clone() {
                    self.send(&line);
                }
            }
            Act::Type(line) => self.send(line),
            Act::Wait(seconds) => {
                self.now_ms += seconds * 1000;
                self.server.set_now(self.now_ms);
            }
            Act::Reconnect => self.connect(),
            Act::Cram(user, password) => {
                let session = self.annotator.session();
                let challenge = crate::auth::decode(session.auth_challenge().unwrap_or_default())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_else(|| panic!("{}: no CRAM-MD5 challenge waits", self.lesson.id));
                let answer = crate::auth::cram_md5_response(user, password, &challenge);
                self.send(&crate::auth::encode(&answer));
            }
            Act::Batch(lines) => {
                let bytes: Vec<Vec<u8>> = lines.iter().map(|l| self.record(l)).collect();
                self.server
                    .handle_input_with(&bytes.concat(), &mut self.memory);
                self.drain();
            }
        }
    }

    pub(super) fn send(&mut self, line: &str) {
        let bytes = self.record(line);
        self.server.handle_input_with(&bytes, &mut self.memory);
        self.drain();
    }

    /// Records a line the learner sends, as the page does when it goes out, and returns
    /// its bytes for the server.
    fn record(&mut self, line: &str) -> Vec<u8> {
        self.sent.push(line.to_owned());
        let annotated = self.annotator.client_line(line);
        let moment = self.watch.observe(
            Event::Sent {
                line,
                kind: annotated.kind,
            },
            self.annotator.session(),
        );
        self.progress.update(self.lesson, &moment);
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        bytes
    }

    fn drain(&mut self) {
        while let Some(output) = self.server.poll_output() {
            match output {
                ServerOutput::Write(bytes) => {
                    for line in written_lines(&bytes) {
                        let annotated = self.annotator.server_line(&line);
                        if annotated.kind != LineKind::Reply || annotated.code.is_none() {
                            continue;
                        }
                        let Some((code, received)) = self.annotator.last_reply() else {
                            continue;
                        };
                        let received = received.clone();
                        let moment = self.watch.observe(
                            Event::Reply {
                                code,
                                received: &received,
                            },
                            self.annotator.session(),
                        );
                        self.progress.update(self.lesson, &moment);
                    }
                }
                ServerOutput::StartTls => {
                    self.server.handle_tls_established();
                    self.annotator.tls_established("");
                    let moment = self
                        .watch
                        .observe(Event::TlsStarted, self.annotator.session());
                    self.progress.update(self.lesson, &moment);
                }
                ServerOutput::Close => {
                    self.annotator.closed("closed");
                    let moment = self.watch.observe(Event::Closed, self.annotator.session());
                    self.progress.update(self.lesson, &moment);
                }
                ServerOutput::Delivered(message) => self
                    .delivered
                    .push(String::from_utf8_lossy(&message.data).into_owned()),
                ServerOutput::Pause(_) | ServerOutput::Throttle(_) => {}
            }
        }
    }

    /// Plays `script`, then checks that every step is done.
    pub(super) fn play(lesson: &'a Lesson, script: &[Act]) -> Self {
        let mut learner = Self::new(lesson);
        for act in script {
            learner.act(*act);
        }
        assert_eq!(
            learner.progress.current(),
            None,
            "{}: steps done {}; sent: {:#?}",
            lesson.id,
            learner.progress.encode(),
            learner.sent
        );
        assert_eq!(
            learner.progress.count(),
            lesson.steps.len(),
            "{}",
            lesson.id
        );
        learner
    }
}
