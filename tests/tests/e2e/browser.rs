//! The whole product in a real browser: the bridge (in this process) serves the built
//! frontend from `dist/`, headless Chromium loads it, and the user's keystrokes travel
//! through the WebSocket and the bridge to a real Postfix and back.
//!
//! Needs `dist/` built by `scripts/build-frontend.sh` before the bridge is compiled,
//! chromedriver and Chromium (see `e2e::browser`), and `SMTP_PLAYGROUND_POSTFIX`. Each is
//! checked with a message that says what is missing.

use std::time::Duration;

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, texts};
use e2e::{postfix_addr, start_bridge};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// The longest the app may take to mount, or a reply to appear in the transcript.
const STEP: Duration = Duration::from_secs(15);

/// The whole test, browser start included, so a hang anywhere fails instead of blocking.
const BUDGET: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ehlo_typed_in_the_browser_gets_postfix_capabilities() -> anyhow::Result<()> {
    tokio::time::timeout(BUDGET, ehlo_session())
        .await
        .with_context(|| {
            format!(
                "the browser test did not finish within {} s",
                BUDGET.as_secs()
            )
        })?
}

async fn ehlo_session() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let (bridge, _bridge_handle) = start_bridge().await;
    let browser = Browser::start().await?;
    let result = drive(browser.client(), &format!("http://{bridge}/"), postfix).await;
    // A screenshot either way: after a failure it shows what the page looked like.
    let shot = browser.screenshot("browser-ehlo").await;
    let result = match (result, shot) {
        (Ok(()), _) => Ok(()),
        (Err(err), Ok(path)) => Err(err.context(format!("screenshot: {}", path.display()))),
        (Err(err), Err(_)) => Err(err),
    };
    let quit = browser.quit().await;
    result?;
    quit
}

/// The user's steps: open the page, connect to Postfix, greet it with EHLO, quit.
async fn drive(client: &Client, page: &str, postfix: std::net::SocketAddr) -> anyhow::Result<()> {
    client
        .goto(page)
        .await
        .with_context(|| format!("opening {page}"))?;
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

    fill(client, "#host", &postfix.ip().to_string()).await?;
    fill(client, "#port", &postfix.port().to_string()).await?;
    click(client, "#connect").await?;

    let greeting = wait_for_line(
        client,
        r#".line.server[data-code="220"]"#,
        "the 220 greeting",
    )
    .await?;
    ensure!(
        greeting.starts_with("220 "),
        "the greeting line should read '220 …', got {greeting:?}"
    );
    let status = client.find(Locator::Css("#status")).await?.text().await?;
    ensure!(
        status.starts_with("Connected to"),
        "the status should say connected, got {status:?}"
    );

    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("EHLO test{}", char::from(Key::Enter)))
        .await
        .context("typing EHLO")?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the last line of the EHLO reply",
    )
    .await?;

    let sent = texts(client, "#transcript .line.client .text").await?;
    assert_eq!(sent, ["EHLO test"], "the transcript shows what was typed");
    let ehlo = texts(client, r#"#transcript .line.server[data-code="250"] .text"#).await?;
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
        command.prop("value").await?.as_deref(),
        Some(""),
        "the command line is cleared after sending"
    );
    let focused = client.active_element().await?.attr("id").await?;
    assert_eq!(
        focused.as_deref(),
        Some("command"),
        "the command line keeps the focus"
    );

    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await
        .context("typing QUIT")?;
    wait_for_line(
        client,
        r#".line.server[data-code="221"]"#,
        "the 221 goodbye",
    )
    .await?;
    poll_until("the app to notice the closed connection", STEP, || async {
        let connect = client.find(Locator::Css("#connect")).await?;
        Ok(connect.is_enabled().await?.then_some(()))
    })
    .await?;
    let notes = texts(client, "#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|note| note.starts_with("Connection closed")),
        "the transcript says the connection closed: {notes:?}"
    );

    // A second session on the same page, ended by the Disconnect button.
    click(client, "#connect").await?;
    poll_until("a second 220 greeting", STEP, || async {
        let greetings = texts(client, r#".line.server[data-code="220"]"#).await?;
        Ok((greetings.len() == 2).then_some(()))
    })
    .await?;
    click(client, "#disconnect").await?;
    poll_until("the Disconnect button to end the session", STEP, || async {
        let connect = client.find(Locator::Css("#connect")).await?;
        Ok(connect.is_enabled().await?.then_some(()))
    })
    .await?;
    let notes = texts(client, "#transcript .line.note .text").await?;
    assert_eq!(notes.last().map(String::as_str), Some("Disconnected."));
    let status = client.find(Locator::Css("#status")).await?.text().await?;
    assert_eq!(status, "Not connected");
    Ok(())
}

/// Replaces the text of an input field, as a user selecting it and typing would.
async fn fill(client: &Client, css: &str, text: &str) -> anyhow::Result<()> {
    let field = client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?;
    field
        .clear()
        .await
        .with_context(|| format!("clearing {css}"))?;
    field
        .send_keys(text)
        .await
        .with_context(|| format!("typing into {css}"))?;
    let value = field.prop("value").await?;
    ensure!(
        value.as_deref() == Some(text),
        "{css} should read {text:?} after typing, reads {value:?}"
    );
    Ok(())
}

async fn click(client: &Client, css: &str) -> anyhow::Result<()> {
    client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))
}

/// Waits for a transcript line matching `css` and returns its text. An error notice in the
/// transcript (refused connection, bridge error) fails at once with that notice; on a
/// timeout the error carries the whole transcript, which usually says why.
async fn wait_for_line(client: &Client, css: &str, what: &str) -> anyhow::Result<String> {
    let found = poll_until(what, STEP, || async {
        let errors = texts(client, "#transcript .line.note.error .text").await?;
        ensure!(errors.is_empty(), "the app reported an error: {errors:?}");
        Ok(match client.find_all(Locator::Css(css)).await?.first() {
            Some(line) => Some(line.find(Locator::Css(".text")).await?.text().await?),
            None => None,
        })
    })
    .await;
    match found {
        Ok(text) => Ok(text),
        Err(err) => {
            let transcript = texts(client, "#transcript .line .text")
                .await
                .unwrap_or_default();
            Err(err.context(format!("transcript so far: {transcript:#?}")))
        }
    }
}
