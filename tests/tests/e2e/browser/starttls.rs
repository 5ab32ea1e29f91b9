//! STARTTLS typed by hand against the sandbox, whose self-signed certificate this bridge
//! lets the page accept.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, within};
use e2e::sandbox::get_json;
use e2e::start_bridge_with;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_in_the_browser_marks_lines_encrypted() -> anyhow::Result<()> {
    within(BUDGET, starttls_session()).await
}

async fn starttls_session() -> anyhow::Result<()> {
    // The sandbox's certificate is self-signed: this bridge lets the page accept it.
    let config = bridge::Config {
        unsafe_allow_insecure_tls: true,
        sandbox: Box::new(bridge::sandbox::SandboxConfig::default()),
        ..bridge::Config::default()
    };
    let (http, _handle) = start_bridge_with(config).await;
    let about = get_json(http, "/api/sandbox").await;
    let smtp: std::net::SocketAddr = about["listen"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("/api/sandbox names no address: {about}"))?;
    Browser::run("browser-starttls", async |browser| {
        starttls(browser, &format!("http://{http}/"), smtp).await
    })
    .await
}

/// STARTTLS typed by hand: the TLS facts appear, the session asks for EHLO again, and the
/// lines after the handshake are marked encrypted (those before are not).
async fn starttls(browser: &Browser, url: &str, smtp: std::net::SocketAddr) -> anyhow::Result<()> {
    let page = browser.page();
    page.open(url).await?;
    page.select("#lang", "en").await?;
    page.target(smtp).await?;
    page.select("#tls", "starttls").await?;
    page.click("#insecure").await?;
    page.click("#connect").await?;
    page.wait_count(
        r#".line.server[data-code="220"]"#,
        2,
        "the greeting of the STARTTLS session",
    )
    .await?;
    page.send_command("EHLO me", 250).await?;
    page.send_command("STARTTLS", 220).await?;
    let version = page.wait_text("#tls-panel", "TLSv1.").await?;
    ensure!(
        version.contains("demo") || version.contains("TLSv1."),
        "the TLS panel shows the facts: {version:?}"
    );
    page.wait_prompt("HELO>").await?;
    let plain = page.texts("#transcript .line.encrypted .text").await?;
    ensure!(
        plain.is_empty(),
        "nothing before the handshake is encrypted: {plain:?}"
    );
    page.send_command("EHLO me", 250).await?;
    let encrypted = page
        .texts("#transcript .line.server.encrypted .text")
        .await?;
    ensure!(
        encrypted.last().is_some_and(|l| l.starts_with("250 ")),
        "the reply to the second EHLO is encrypted: {encrypted:?}"
    );
    let sent = page
        .texts("#transcript .line.client.encrypted .text")
        .await?;
    assert_eq!(sent, ["EHLO me"], "the second EHLO went inside TLS");
    let notes = page.texts("#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.starts_with("TLS established: TLSv1.")),
        "the transcript notes the handshake: {notes:?}"
    );
    Ok(())
}
