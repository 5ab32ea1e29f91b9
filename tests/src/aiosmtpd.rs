//! A real aiosmtpd server that refuses every message the way 163.com refused the tutorial's
//! (`554 DT:SPM ...` after the final dot), for the page's tests of that reply.
//!
//! It runs from the project's venv (`$SMTP_PLAYGROUND_VENV`, made by `scripts/setup.sh`
//! with aiosmtpd in it) on an ephemeral loopback port. It advertises PIPELINING (aiosmtpd
//! reads pipelined commands in order but does not say so by itself) and answers MAIL only
//! after a delay, so lines typed meanwhile are certainly sent while MAIL is in flight.
//! Dropping the [`Aiosmtpd`] kills it; it also exits when its stdin closes, so a test
//! process that dies leaves nothing running.
//!
//! For the server check, [`Aiosmtpd::start_starttls`] runs one offering STARTTLS with a
//! certificate [`certificate_for`] (or [`sha1_certificate_for`]) makes for another name.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail, ensure};

/// The reply 163.com gave to the tutorial's message without headers: spam, refused.
pub const DT_SPM: &str = "554 DT:SPM 163 smtp13,EcCowACn10fou+hW+JiyAg--.";

/// How long aiosmtpd may take to start and print its port.
const START: Duration = Duration::from_secs(15);

/// The server: argv[1] is the reply to the final dot, argv[2] the delay before answering
/// MAIL, in seconds. Prints its port once listening.
const SERVER: &str = r#"
import asyncio, os, sys, threading
from aiosmtpd.smtp import SMTP

REPLY = sys.argv[1]
MAIL_DELAY = float(sys.argv[2])

class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING", responses[-1]]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await asyncio.sleep(MAIL_DELAY)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 Mail OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 Mail OK"

    async def handle_DATA(self, server, session, envelope):
        return REPLY

def watch_stdin():
    sys.stdin.read()
    os._exit(0)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname="163.com", ident="Anti-spam GT for Coremail System"),
        "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

threading.Thread(target=watch_stdin, daemon=True).start()
asyncio.run(main())
"#;

/// A running aiosmtpd; see the module documentation.
#[derive(Debug)]
pub struct Aiosmtpd {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
}

impl Aiosmtpd {
    /// Starts aiosmtpd answering `reply` to every message and MAIL after `mail_delay`.
    ///
    /// # Errors
    ///
    /// When the venv or aiosmtpd is missing, or the server does not print its port within
    /// 15 s.
    pub fn start(reply: &str, mail_delay: Duration) -> anyhow::Result<Self> {
        let python = venv_python()?;
        let child = Command::new(&python)
            .args(["-c", SERVER, reply, &mail_delay.as_secs_f64().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", python.display()))?;
        Self::listening(child)
    }
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The venv's Python, which has aiosmtpd.
fn venv_python() -> anyhow::Result<PathBuf> {
    let venv = std::env::var_os("SMTP_PLAYGROUND_VENV").context(
        "SMTP_PLAYGROUND_VENV is not set: run the tests with scripts/test.sh, or set it to \
         the venv scripts/setup.sh made (.tmp/venv)",
    )?;
    let python = PathBuf::from(venv).join("bin/python");
    ensure!(
        python.is_file(),
        "{} not found: run scripts/setup.sh (it makes the venv with aiosmtpd)",
        python.display()
    );
    Ok(python)
}

/// A STARTTLS server for the server check: aiosmtpd greeting as `other.example`, offering
/// STARTTLS with the certificate and key at argv[1] and argv[2], refusing relaying (every
/// recipient outside `other.example` gets 550). Prints its port once listening.
const STARTTLS_SERVER: &str = r#"
import asyncio, os, ssl, sys, threading
from aiosmtpd.smtp import SMTP

CONTEXT = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
# Security level 0, so OpenSSL loads the deliberately weak (SHA-1) certificate the check
# must flag; the client decides what is negotiated.
CONTEXT.set_ciphers("DEFAULT:@SECLEVEL=0")
CONTEXT.load_cert_chain(sys.argv[1], sys.argv[2])

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@other.example") or address.lower() == "postmaster":
            envelope.rcpt_tos.append(address)
            return "250 OK"
        return "550 5.7.1 Relaying denied"

def watch_stdin():
    sys.stdin.read()
    os._exit(0)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname="other.example", tls_context=CONTEXT,
                     require_starttls=False),
        "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

threading.Thread(target=watch_stdin, daemon=True).start()
asyncio.run(main())
"#;

impl Aiosmtpd {
    /// Starts aiosmtpd offering STARTTLS with the PEM certificate `cert` and key `key`.
    ///
    /// # Errors
    ///
    /// As [`Aiosmtpd::start`].
    pub fn start_starttls(cert: &std::path::Path, key: &std::path::Path) -> anyhow::Result<Self> {
        let python = venv_python()?;
        let child = Command::new(&python)
            .arg("-c")
            .arg(STARTTLS_SERVER)
            .arg(cert)
            .arg(key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", python.display()))?;
        Self::listening(child)
    }

    /// Waits (bounded) for the child to print its port.
    fn listening(mut child: Child) -> anyhow::Result<Self> {
        let stdout = child.stdout.take().context("aiosmtpd's stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let port = match rx.recv_timeout(START) {
            Ok(line) => line.trim().parse::<u16>().ok(),
            Err(_) => None,
        };
        let Some(port) = port else {
            let _ = child.kill();
            let status = child.wait();
            bail!(
                "aiosmtpd did not start within {} s ({status:?}); is aiosmtpd installed in \
                 the venv? run scripts/setup.sh",
                START.as_secs()
            );
        };
        Ok(Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            child,
        })
    }
}

/// A self-signed certificate for `name` only, made with openssl in `dir`: its
/// certificate and key paths.
///
/// # Errors
///
/// When openssl is missing or fails.
pub fn certificate_for(name: &str, dir: &std::path::Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    certificate_signed_with(name, "-sha256", dir)
}

/// As [`certificate_for`], signed with SHA-1: what the server check must fail.
///
/// # Errors
///
/// When openssl is missing or fails.
pub fn sha1_certificate_for(
    name: &str,
    dir: &std::path::Path,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    certificate_signed_with(name, "-sha1", dir)
}

/// A self-signed EC P-256 certificate for `name`, signed with the digest `digest`
/// (an openssl flag).
fn certificate_signed_with(
    name: &str,
    digest: &str,
    dir: &std::path::Path,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args([digest, "-nodes", "-days", "30", "-subj"])
        .arg(format!("/CN={name}"))
        .arg("-addext")
        .arg(format!("subjectAltName=DNS:{name}"))
        .args(["-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("run openssl (scripts/setup.sh installs it)")?;
    ensure!(
        status.success(),
        "openssl could not make a certificate for {name}"
    );
    Ok((cert, key))
}
