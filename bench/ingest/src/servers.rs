//! The four servers the benchmark compares, and the command line that starts each on
//! loopback ports.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use bench_common::{Launch, free_port};

/// One server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Server {
    /// smtp-playground's sandbox (`smtp-playground serve`).
    Sandbox,
    /// Postfix's `smtp-sink`: the C baseline; discards everything.
    SmtpSink,
    /// aiosmtpd (Python) with a handler that keeps the newest messages in memory.
    Aiosmtpd,
    /// MailDev (Node.js), headless use of its SMTP side.
    MailDev,
}

impl Server {
    pub(crate) const ALL: [Self; 4] =
        [Self::Sandbox, Self::SmtpSink, Self::Aiosmtpd, Self::MailDev];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::SmtpSink => "smtp-sink",
            Self::Aiosmtpd => "aiosmtpd",
            Self::MailDev => "maildev",
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Server {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|server| server.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown server {s:?}; one of {}",
                    Self::ALL.map(Self::name).join(", ")
                )
            })
    }
}

/// Where the programs are; a server whose program is missing cannot be run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Programs {
    /// `smtp-playground` (release build).
    pub(crate) bridge: Option<PathBuf>,
    /// Postfix's `smtp-sink`.
    pub(crate) smtp_sink: Option<PathBuf>,
    /// A Python with aiosmtpd installed.
    pub(crate) python: Option<PathBuf>,
    /// The folder holding `ingest_keep.py` (the aiosmtpd handler).
    pub(crate) handler_dir: Option<PathBuf>,
    /// MailDev's `bin/maildev.js` (run with `node`) or its `.bin/maildev` link.
    pub(crate) maildev: Option<PathBuf>,
    /// More arguments for `smtp-playground serve` (the session recorder's caps, say).
    pub(crate) bridge_args: Vec<String>,
}

/// A server's command line, with the ports it listens on.
#[derive(Debug, Clone)]
pub(crate) struct Started {
    pub(crate) launch: Launch,
    /// The bridge's HTTP port (the sandbox's API), for the sandbox only.
    pub(crate) http: Option<SocketAddr>,
}

impl Programs {
    /// The command line that starts `server` on fresh loopback ports. `extra` goes to the
    /// sandbox (its caps); `scratch` is a folder the server may write into (MailDev's mail).
    pub(crate) fn launch(
        &self,
        server: Server,
        extra: &[String],
        scratch: &std::path::Path,
    ) -> io::Result<Started> {
        let missing = |what: &str| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{server}: no {what} given"),
            )
        };
        let smtp = free_port()?;
        let port = smtp.port().to_string();
        let mut http = None;
        let (program, mut args, mut env) = match server {
            Server::Sandbox => {
                let bridge = self.bridge.clone().ok_or_else(|| missing("--bridge"))?;
                let web = free_port()?;
                http = Some(web);
                let args = vec![
                    "serve".to_owned(),
                    "--listen".to_owned(),
                    web.to_string(),
                    "--sandbox-listen".to_owned(),
                    smtp.to_string(),
                ];
                (bridge, args, vec![])
            }
            Server::SmtpSink => {
                let sink = self
                    .smtp_sink
                    .clone()
                    .ok_or_else(|| missing("--smtp-sink"))?;
                let mut args = Vec::new();
                // As root it must drop privileges after binding.
                if running_as_root() {
                    args.extend(["-u".to_owned(), "nobody".to_owned()]);
                }
                args.extend([format!("127.0.0.1:{port}"), "1000".to_owned()]);
                (sink, args, vec![])
            }
            Server::Aiosmtpd => {
                let python = self.python.clone().ok_or_else(|| missing("--python"))?;
                let dir = self
                    .handler_dir
                    .clone()
                    .ok_or_else(|| missing("--handler-dir"))?;
                let args = ["-m", "aiosmtpd", "-n", "-l"]
                    .map(str::to_owned)
                    .into_iter()
                    .chain([
                        format!("127.0.0.1:{port}"),
                        "-c".to_owned(),
                        "ingest_keep.Keep".to_owned(),
                    ])
                    .collect();
                let env = vec![
                    ("PYTHONPATH".to_owned(), dir.display().to_string()),
                    ("PYTHONDONTWRITEBYTECODE".to_owned(), "1".to_owned()),
                ];
                (python, args, env)
            }
            Server::MailDev => {
                let maildev = self.maildev.clone().ok_or_else(|| missing("--maildev"))?;
                let web = free_port()?;
                let mail = scratch.join("maildev-mail");
                let _ = std::fs::remove_dir_all(&mail);
                std::fs::create_dir_all(&mail)?;
                let args = vec![
                    "--ip".to_owned(),
                    "127.0.0.1".to_owned(),
                    "--smtp".to_owned(),
                    port.clone(),
                    "--web-ip".to_owned(),
                    "127.0.0.1".to_owned(),
                    "--web".to_owned(),
                    web.port().to_string(),
                    "--mail-directory".to_owned(),
                    mail.display().to_string(),
                    "--silent".to_owned(),
                ];
                (maildev, args, vec![])
            }
        };
        if server == Server::Sandbox {
            args.extend(self.bridge_args.iter().cloned());
            args.extend(extra.iter().cloned());
        }
        env.push(("NO_COLOR".to_owned(), "1".to_owned()));
        Ok(Started {
            launch: Launch {
                program,
                args,
                env,
                addr: smtp,
            },
            http,
        })
    }
}

/// Whether this process runs as root (uid 0), from `/proc/self/status`.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for server in Server::ALL {
            assert_eq!(server.name().parse::<Server>(), Ok(server));
        }
        assert_eq!("MailDev".parse::<Server>(), Ok(Server::MailDev));
        let err = "mailpit".parse::<Server>().expect_err("not one of ours");
        assert!(
            err.contains("sandbox, smtp-sink, aiosmtpd, maildev"),
            "{err}"
        );
    }

    #[test]
    fn the_sandbox_gets_its_ports_and_caps() {
        let programs = Programs {
            bridge: Some(PathBuf::from("/bin/smtp-playground")),
            bridge_args: vec!["--sandbox-hostname".to_owned(), "b.test".to_owned()],
            ..Programs::default()
        };
        let extra = ["--sandbox-max-messages".to_owned(), "7".to_owned()];
        let started = programs
            .launch(Server::Sandbox, &extra, std::path::Path::new("."))
            .expect("launch");
        let args = started.launch.args.join(" ");
        let http = started.http.expect("an API port");
        assert!(args.starts_with(&format!(
            "serve --listen {http} --sandbox-listen {}",
            started.launch.addr
        )));
        assert!(
            args.ends_with("--sandbox-hostname b.test --sandbox-max-messages 7"),
            "{args}"
        );
        assert!(started.launch.addr.ip().is_loopback());
    }

    #[test]
    fn a_missing_program_is_named() {
        let err = Programs::default()
            .launch(Server::Aiosmtpd, &[], std::path::Path::new("."))
            .expect_err("no python");
        assert!(err.to_string().contains("--python"), "{err}");
    }
}
