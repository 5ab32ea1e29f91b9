//! STARTTLS typed by hand against the sandbox: once with `insecure` (its certificate is
//! self-signed), once without, where the bridge trusts its own sandbox's certificate.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::STEP;
use e2e::sandbox::{get_json, messages, start_sandbox};
use e2e::start_bridge_with;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_in_the_browser_marks_lines_encrypted() -> anyhow::Result<()> {
    within(BUDGET, starttls_session()).await
}

async fn starttls_session() -> anyhow::Result<()> {
    // With `insecure` asked for and allowed: the page's checkbox still works at the
    // sandbox, whose certificate the bridge verifies anyway (`sandbox_certificate`).
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_to_the_sandbox_shows_its_own_certificate_and_mail_arrives() -> anyhow::Result<()>
{
    within(BUDGET, sandbox_starttls_session()).await
}

async fn sandbox_starttls_session() -> anyhow::Result<()> {
    // No `--unsafe-allow-insecure-tls`: the bridge trusts its sandbox's certificate itself.
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-starttls-sandbox", async |browser| {
        sandbox_starttls(browser, &url).await
    })
    .await?;
    let stored = messages(sandbox.http).await;
    ensure!(
        stored
            .iter()
            .any(|m| m.subject.as_deref() == Some(SANDBOX_SUBJECT)),
        "the message is in the sandbox's mailbox: {stored:?}"
    );
    Ok(())
}

const SANDBOX_SUBJECT: &str = "over STARTTLS to the sandbox";

/// The page on the sandbox preset: EHLO, STARTTLS, the TLS facts marked as the sandbox's
/// own certificate, EHLO again and a message that lands in the mailbox.
async fn sandbox_starttls(browser: &Browser, url: &str) -> anyhow::Result<()> {
    let page = browser.page();
    page.open_on_the_sandbox(url).await?;
    page.send_command("EHLO me", 250).await?;
    page.send_command("STARTTLS", 220).await?;
    let panel = page
        .wait_text("#tls-panel", "the sandbox's own certificate")
        .await?;
    ensure!(panel.contains("TLSv1."), "the TLS facts: {panel:?}");
    ensure!(
        panel.contains("127.0.0.1") && panel.contains("localhost"),
        "the certificate's names: {panel:?}"
    );
    ensure!(
        page.exists("#tls-panel.sandbox-certificate").await?
            && !page.exists("#tls-panel.unverified").await?,
        "the panel is marked verified, as the sandbox's certificate"
    );
    let status = page.text_of("#status").await?;
    ensure!(
        status.ends_with("(encrypted with TLS after STARTTLS; the sandbox's own certificate)"),
        "the status says whose certificate it is: {status:?}"
    );
    let notes = page.texts("#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.starts_with("TLS established: TLSv1.")
                && n.ends_with("verified: the sandbox's own certificate")),
        "the transcript notes whose certificate it is: {notes:?}"
    );
    page.wait_prompt("HELO>").await?;
    page.send_command("EHLO me", 250).await?;
    page.send_command("MAIL FROM:<alice@example.org>", 250)
        .await?;
    page.send_command("RCPT TO:<bob@example.net>", 250).await?;
    page.send_command("DATA", 354).await?;
    page.send_line(&format!("Subject: {SANDBOX_SUBJECT}"))
        .await?;
    page.send_line("").await?;
    page.send_line("sent inside TLS").await?;
    page.send_command(".", 250).await?;
    let sent = page
        .texts("#transcript .line.client.encrypted .text")
        .await?;
    ensure!(
        sent.first().map(String::as_str) == Some("EHLO me") && sent.len() >= 6,
        "everything after the handshake went inside TLS: {sent:?}"
    );
    poll_until("the message in the mailbox panel", STEP, || async {
        let subjects = page.texts("#mailbox-list .subject").await?;
        Ok(subjects.iter().any(|s| s == SANDBOX_SUBJECT).then_some(()))
    })
    .await?;
    tls_panel_screenshots(browser).await
}

/// The TLS panel after STARTTLS to the sandbox, at desktop and phone width, in English
/// and Chinese, and the top of the page with the status (`starttls-sandbox-*.png` among
/// the e2e artifacts).
async fn tls_panel_screenshots(browser: &Browser) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    for (width, height, size) in [(1200, 800, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await?;
        for (lang, needle, label) in [
            ("en", "sandbox's own", "Signature"),
            ("zh-CN", "沙盒自己的证书", "签名算法"),
        ] {
            page.select("#lang", lang).await?;
            page.wait_text("#tls-panel", needle).await?;
            // The sandbox's generated certificate: its key and signature algorithm.
            let panel = page.wait_text("#tls-panel", "EC P-256").await?;
            ensure!(
                panel.contains("ecdsa-with-SHA256") && panel.contains(label),
                "the TLS panel names the key and signature in {lang}: {panel:?}"
            );
            // Twice: the first scroll may come before the resized layout settles.
            for _ in 0..2 {
                client
                    .execute(
                        "document.getElementById('tls-panel')
                            .scrollIntoView({block: 'start', behavior: 'instant'});",
                        vec![],
                    )
                    .await?;
                page.wait_text("#tls-panel", needle).await?;
            }
            browser
                .screenshot(&format!("starttls-sandbox-{size}-{lang}"))
                .await?;
            client
                .execute("window.scrollTo({top: 0, behavior: 'instant'});", vec![])
                .await?;
            browser
                .screenshot(&format!("starttls-sandbox-{size}-{lang}-status"))
                .await?;
        }
    }
    page.select("#lang", "en").await?;
    client.set_window_size(1200, 800).await?;
    Ok(())
}
