//! The two servers the benchmark talks to, both on loopback: the release bridge with its
//! sandbox (a child process, killed on drop) and a tiny HTTP server for the plain page.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the bridge may take to listen.
const BRIDGE_START: Duration = Duration::from_secs(20);

/// The plain page's HTML, with `@BRIDGE@`, `@HOST@` and `@PORT@` to fill in.
const PLAIN_PAGE: &str = include_str!("plain.html");

/// A running `smtp-playground serve`.
#[derive(Debug)]
pub(crate) struct Bridge {
    child: Child,
    /// Its HTTP address (the page, `/ws`, the API).
    pub(crate) http: SocketAddr,
    /// Its sandbox SMTP server.
    pub(crate) sandbox: SocketAddr,
}

impl Bridge {
    /// Starts `binary` on free loopback ports, accepting WebSocket sessions from pages
    /// served at `plain_origin` too, with the `extra` flags, logging to `log`; waits until
    /// it listens.
    ///
    /// # Errors
    ///
    /// When it cannot start, exits, or does not listen within 20 s.
    pub(crate) async fn start(
        binary: &Path,
        plain_origin: &str,
        extra: &[String],
        log: &Path,
    ) -> anyhow::Result<Self> {
        let http = free_port()?;
        let sandbox = free_port()?;
        let log_file =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(binary)
            .args(["serve", "--listen", &http.to_string()])
            .args(["--sandbox-listen", &sandbox.to_string()])
            .args(["--allow-origin", plain_origin])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut bridge = Self {
            child,
            http,
            sandbox,
        };
        let deadline = Instant::now() + BRIDGE_START;
        loop {
            let up = tokio::net::TcpStream::connect(http).await.is_ok()
                && tokio::net::TcpStream::connect(sandbox).await.is_ok();
            if up {
                return Ok(bridge);
            }
            if let Ok(Some(status)) = bridge.child.try_wait() {
                bail!("the bridge exited ({status}); see {}", log.display());
            }
            if Instant::now() >= deadline {
                bail!("the bridge did not listen within {BRIDGE_START:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves the plain page at `/` of `127.0.0.1:<port>` until dropped.
#[derive(Debug)]
pub(crate) struct PlainServer {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    page: std::sync::Arc<std::sync::OnceLock<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl PlainServer {
    /// Binds a free loopback port; the page is served once [`PlainServer::set_bridge`]
    /// said where the bridge is (a 503 before).
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub(crate) async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .context("binding the plain page's server")?;
        let addr = listener.local_addr()?;
        let page = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
        let shared = page.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let page = shared.get().cloned();
                tokio::spawn(async move {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(10), answer(stream, page)).await;
                });
            }
        });
        Ok(Self { addr, page, task })
    }

    /// The origin its pages have, for the bridge's `--allow-origin`.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Fills the page in with the bridge's addresses.
    pub(crate) fn set_bridge(&self, bridge: &Bridge) {
        let _ = self.page.set(plain_page(bridge.http, bridge.sandbox));
    }
}

impl Drop for PlainServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The plain page for a bridge at `http` and its sandbox at `sandbox`.
fn plain_page(http: SocketAddr, sandbox: SocketAddr) -> String {
    PLAIN_PAGE
        .replace("@BRIDGE@", &http.to_string())
        .replace("@HOST@", &sandbox.ip().to_string())
        .replace("@PORT@", &sandbox.port().to_string())
}

/// Answers one request with the page (whatever the path: there is only one), or a 503.
async fn answer(mut stream: tokio::net::TcpStream, page: Option<String>) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let (status, body) = match page {
        Some(page) => ("200 OK", page),
        None => ("503 Service Unavailable", "no bridge yet\n".to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A loopback address whose port was free a moment ago.
fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    listener.local_addr().context("reading the bound address")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_page_names_the_bridge_and_the_sandbox() {
        let page = plain_page(
            "127.0.0.1:8080".parse().expect("addr"),
            "127.0.0.1:2525".parse().expect("addr"),
        );
        assert!(page.contains("ws://127.0.0.1:8080/ws"), "{page}");
        assert!(page.contains("host: '127.0.0.1', port: 2525 }"), "{page}");
        assert!(!page.contains('@'), "every placeholder filled: {page}");
    }
}
