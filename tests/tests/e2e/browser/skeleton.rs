//! The walking skeleton: open the page, connect to Postfix with the form, greet it with
//! EHLO, quit; then a second session on the same page, ended by the Disconnect button.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, within};
use e2e::page::{Page, STEP};
use e2e::{postfix_addr, start_bridge};
use fantoccini::Locator;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ehlo_typed_in_the_browser_gets_postfix_capabilities() -> anyhow::Result<()> {
    within(BUDGET, ehlo_session()).await
}

async fn ehlo_session() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-ehlo", async |browser| {
        drive(browser.page(), &format!("http://{bridge}/"), postfix).await
    })
    .await
}

/// The user's steps: open the page, connect to Postfix, greet it with EHLO, quit.
async fn drive(page: Page<'_>, url: &str, postfix: std::net::SocketAddr) -> anyhow::Result<()> {
    let client = page.client();
    client
        .goto(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    client
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("#connect"))
        .await
        .context("the app did not mount: no #connect button (is dist/ built?)")?;
    let source = client.source().await.context("reading the page source")?;
    ensure!(
        !source.to_ascii_lowercase().contains("frontend not built"),
        "the bridge serves its 'frontend not built' page: run scripts/build-frontend.sh \
         before building the tests"
    );
    assert_eq!(client.title().await?, "SMTP Playground");

    page.target(postfix).await?;
    page.click("#connect").await?;

    let greetings = page
        .wait_count(
            r#".line.server[data-code="220"] .text"#,
            2,
            "Postfix's 220 greeting",
        )
        .await?;
    let greeting = greetings.last().cloned().unwrap_or_default();
    ensure!(
        greeting.starts_with("220 "),
        "the greeting line should read '220 …', got {greeting:?}"
    );
    let status = page.text_of("#status").await?;
    ensure!(
        status.starts_with("Connected to"),
        "the status should say connected, got {status:?}"
    );

    page.send_command("EHLO test", 250).await?;
    let sent = page.texts("#transcript .line.client .text").await?;
    assert_eq!(sent, ["EHLO test"], "the transcript shows what was typed");
    let ehlo = page
        .texts(r#"#transcript .line.server[data-code="250"] .text"#)
        .await?;
    ensure!(
        ehlo.len() >= 3,
        "Postfix announces several capabilities, got {ehlo:?}"
    );
    let (last, rest) = ehlo.split_last().context("at least one 250 line")?;
    ensure!(
        rest.iter().all(|line| line.starts_with("250-")),
        "every EHLO line but the last continues the reply with '250-': {ehlo:?}"
    );
    ensure!(
        last.starts_with("250 "),
        "the last EHLO line ends the reply: {ehlo:?}"
    );
    ensure!(
        ehlo.iter().any(|line| line.contains("PIPELINING")),
        "Postfix offers PIPELINING: {ehlo:?}"
    );
    assert_eq!(
        page.command_line().await?,
        "",
        "the command line is cleared after sending"
    );
    let focused = client.active_element().await?.attr("id").await?;
    assert_eq!(
        focused.as_deref(),
        Some("command"),
        "the command line keeps the focus"
    );

    page.send_command("QUIT", 221).await?;
    page.wait_until_disconnected("the app to notice the closed connection")
        .await?;
    let notes = page.texts("#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|note| note.starts_with("Connection closed")),
        "the transcript says the connection closed: {notes:?}"
    );

    // A second session on the same page, ended by the Disconnect button.
    page.click("#connect").await?;
    page.wait_count(
        r#".line.server[data-code="220"]"#,
        3,
        "a second 220 greeting from Postfix",
    )
    .await?;
    page.click("#disconnect").await?;
    page.wait_until_disconnected("the Disconnect button to end the session")
        .await?;
    let notes = page.texts("#transcript .line.note .text").await?;
    assert_eq!(notes.last().map(String::as_str), Some("Disconnected."));
    assert_eq!(page.text_of("#status").await?, "Not connected");
    Ok(())
}
