//! The teaching terminal against Postfix: mistakes warned about and made anyway,
//! explanations read in two languages, the comforts of the command line, themes and
//! screenshots, export, the share link, and a pasted transcript.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::STEP;
use e2e::{postfix_addr, start_bridge};
use fantoccini::Locator;
use fantoccini::key::Key;
use protocol::annotate::Direction;
use protocol::records::{LineRecord, Shape};

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teaching_terminal_warns_explains_and_exports() -> anyhow::Result<()> {
    within(BUDGET, teaching_session()).await
}

async fn teaching_session() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-teaching-last", async |browser| {
        teach(browser, &format!("http://{bridge}/"), postfix).await
    })
    .await
}

/// A learner's session: mistakes warned about and made anyway, explanations read in two
/// languages, the comforts of the command line, export, and a pasted transcript.
async fn teach(browser: &Browser, url: &str, postfix: std::net::SocketAddr) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    page.open(url).await?;
    // Measured, not asserted: printed for the report.
    let timing = client
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             const mark = performance.getEntriesByName('smtp-playground-interactive')[0];
             return [mark ? mark.startTime : null, nav ? nav.domContentLoadedEventEnd : null];",
            vec![],
        )
        .await
        .context("reading the Performance API")?;
    println!(
        "time from navigation to an interactive terminal (ms) [app mounted, DOMContentLoaded]: {timing}"
    );
    ensure!(
        timing.get(0).is_some_and(serde_json::Value::is_number),
        "the app marks 'smtp-playground-interactive' when it mounts: {timing}"
    );

    // In English whatever the browser's language (the choice is remembered), on Postfix.
    page.connect_in_english(postfix).await?;
    assert_eq!(page.phase().await?, "HELO>", "the prompt shows the phase");

    page.send_command("EHLO test", 250).await?;
    assert_eq!(page.phase().await?, "SMTP>");
    let current = client
        .find(Locator::Css("#state-diagram .node.current"))
        .await
        .context("the state diagram highlights the current phase")?
        .attr("data-phase")
        .await?;
    assert_eq!(current.as_deref(), Some("SMTP"));
    let keywords = page.texts("#capabilities td.kw").await?;
    ensure!(
        keywords.iter().any(|k| k == "PIPELINING"),
        "the capabilities table lists PIPELINING: {keywords:?}"
    );
    let titles = page.texts("#transcript .line.server .title").await?;
    ensure!(
        titles.iter().any(|t| t.contains("PIPELINING")),
        "each EHLO line is annotated with its extension: {titles:?}"
    );

    // RCPT before MAIL: the first Enter warns and sends nothing.
    page.type_line("RCPT TO:<bob@example.org>").await?;
    let warning = page.wait_text("#warning", "").await?;
    ensure!(
        warning.contains("MAIL FROM") && warning.contains("503"),
        "the warning says why and what to type instead: {warning:?}"
    );
    ensure!(
        page.exists(r#"#warning [data-finding="rcpt-before-mail"]"#)
            .await?,
        "the warning names the finding"
    );
    assert_eq!(
        page.texts("#transcript .line.client .text").await?,
        ["EHLO test"],
        "nothing is sent on the first Enter"
    );
    // The second Enter sends it anyway, and the real 503 arrives, annotated.
    page.press_enter().await?;
    page.wait_for_line(r#".line.server[data-code="503"]"#, "Postfix's 503")
        .await?;
    let line_503 = client
        .find(Locator::Css(r#"#transcript .line.server[data-code="503"]"#))
        .await?;
    assert_eq!(
        line_503.attr("data-severity").await?.as_deref(),
        Some("error")
    );
    let title_en = line_503.find(Locator::Css(".title")).await?.text().await?;
    ensure!(!title_en.is_empty(), "the 503 has a title");
    line_503
        .find(Locator::Css("summary"))
        .await?
        .click()
        .await?;
    // The body is built once the line is opened (the click did; this waits for it).
    page.open_explanations(r#"#transcript .line.server[data-code="503"]"#, true)
        .await?;
    let explain = line_503
        .find(Locator::Css(".explain"))
        .await?
        .text()
        .await?;
    ensure!(
        explain.contains("RFC"),
        "the expanded annotation has a reference: {explain:?}"
    );
    let latency = line_503.find_all(Locator::Css(".latency")).await?;
    ensure!(!latency.is_empty(), "the reply shows its latency");
    ensure!(
        !page.exists("#warning").await?,
        "the warning goes away once sent"
    );

    // The language switch rewrites the annotation and the page in Chinese.
    page.select("#lang", "zh-CN").await?;
    let title_zh = line_503.find(Locator::Css(".title")).await?.text().await?;
    ensure!(
        title_zh != title_en
            && title_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the 503's title is in Chinese after the switch: {title_zh:?} (was {title_en:?})"
    );
    assert_eq!(page.text_of("#connect").await?, "连接");
    browser.screenshot("browser-desktop-zh").await?;
    page.select("#lang", "en").await?;
    assert_eq!(
        line_503.find(Locator::Css(".title")).await?.text().await?,
        title_en
    );

    // Tab completes the verb and its argument template; the address is all there is to type.
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("m{}", char::from(Key::Tab)))
        .await?;
    assert_eq!(
        page.command_line().await?,
        "MAIL FROM:<",
        "Tab completes MAIL FROM:<"
    );
    page.send_command("alice@example.org>", 250).await?;
    page.wait_prompt("MAIL>").await?;
    // Up brings the last line back, Down returns to the empty line.
    command.send_keys(&char::from(Key::Up).to_string()).await?;
    assert_eq!(page.command_line().await?, "MAIL FROM:<alice@example.org>");
    command
        .send_keys(&char::from(Key::Down).to_string())
        .await?;
    assert_eq!(page.command_line().await?, "");

    // A multi-line paste to a server that offers PIPELINING (Postfix does) goes out as
    // RFC 2920 groups: RCPT, RSET and NOOP in one write, NOOP ending the group.
    page.paste("RCPT TO:<bob@example.org>\nRSET\nNOOP\n")
        .await
        .context("pasting three lines")?;
    poll_until("the pasted lines to be answered", STEP, || async {
        let sent = page.texts("#transcript .line.client .text").await?;
        let replies = page.texts("#transcript .line.server .text").await?;
        Ok((sent.ends_with(&[
            "RCPT TO:<bob@example.org>".to_owned(),
            "RSET".to_owned(),
            "NOOP".to_owned(),
        ]) && replies.len() >= 3
            && replies.last().is_some_and(|r| r.starts_with("250")))
        .then_some(()))
    })
    .await?;
    assert_eq!(page.phase().await?, "SMTP>", "RSET ended the transaction");

    // Both themes, desktop and phone width.
    page.set_theme("dark").await?;
    browser.screenshot("browser-desktop-dark").await?;
    page.set_theme("light").await?;
    browser.screenshot("browser-desktop-light").await?;
    client.set_window_size(390, 844).await?;
    browser.screenshot("browser-phone-light").await?;
    page.set_theme("dark").await?;
    browser.screenshot("browser-phone-dark").await?;
    client.set_window_size(1200, 800).await?;

    // Export as text and JSON.
    page.click("#export-text").await?;
    let exported = page.export_value().await?;
    for expected in [
        "-> EHLO test",
        "-> RCPT TO:<bob@example.org>",
        "<- 503",
        "-> MAIL FROM:<alice@example.org>",
    ] {
        ensure!(
            exported.contains(expected),
            "the text export has {expected:?}:\n{exported}"
        );
    }
    page.click("#export-json").await?;
    // The export is an array of the records `smtp-playground annotate` writes.
    let json = page.export_value().await?;
    let lines: Vec<LineRecord> = match protocol::json::parse(&json) {
        Ok(protocol::json::Json::Array(items)) => items
            .into_iter()
            .map(LineRecord::from_json)
            .collect::<Result<_, _>>()
            .with_context(|| format!("the JSON export is line records: {json}"))?,
        other => anyhow::bail!("the JSON export is not an array: {other:?}"),
    };
    ensure!(
        lines.iter().any(|l| l.direction == Direction::Server
            && l.code == Some(503)
            && l.title == title_en),
        "the JSON export has the annotated 503: {json}"
    );
    page.click("#export-swaks").await?;
    let swaks = page.export_value().await?;
    ensure!(
        swaks.starts_with(&format!(
            "swaks --server {postfix} --ehlo test --from alice@example.org --to bob@example.org"
        )) && !swaks.contains("bob@example.org,"),
        "the swaks command replays the session: {swaks:?}"
    );

    // The share link holds the transcript; opened, it shows it annotated and read-only.
    page.click("#share").await?;
    let link = page.export_value().await?;
    ensure!(
        link.starts_with(url) && link.contains("#transcript="),
        "the link points at this page with the transcript in its fragment: {link:?}"
    );
    page.click("#export-close").await?;

    // Ctrl+L clears the screen; the session goes on.
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!(
            "{}l{}",
            char::from(Key::Control),
            char::from(Key::Null)
        ))
        .await?;
    page.wait_none("#transcript .line", "Ctrl+L to clear the transcript")
        .await?;
    page.send_command("QUIT", 221).await?;

    // The paste view annotates a transcript, AUTH LOGIN included: Postfix here offers no
    // AUTH, so the 334 decoding is checked on a pasted swaks transcript.
    page.click("#tab-paste").await?;
    let area = client.find(Locator::Css("#paste-input")).await?;
    area.send_keys(SWAKS_AUTH).await?;
    page.click("#paste-annotate").await?;
    let format = page.wait_text("#paste-format", "").await?;
    ensure!(
        format.contains("swaks"),
        "the format is detected: {format:?}"
    );
    let sent = page.texts("#paste-transcript .line.client .text").await?;
    ensure!(
        sent.iter().any(|t| t == "AUTH LOGIN") && !sent.iter().any(|t| t == "czNjcmV0"),
        "the password is masked in the pasted transcript: {sent:?}"
    );
    let challenge = page
        .text_of(r#"#paste-transcript .line.server[data-code="334"] .title"#)
        .await?;
    ensure!(
        challenge.to_lowercase().contains("username"),
        "the first 334 is decoded as the username prompt: {challenge:?}"
    );
    browser.screenshot("browser-paste-view").await?;

    client.goto("about:blank").await?;
    client.goto(&link).await.context("opening the share link")?;
    page.wait_text("#shared-title", "").await?;
    let shared = page.texts("#paste-transcript .line.client .text").await?;
    ensure!(
        shared.first().map(String::as_str) == Some("EHLO test"),
        "the shared view shows the session: {shared:?}"
    );
    let shared_503 = page
        .texts(r#"#paste-transcript .line.server[data-code="503"] .title"#)
        .await?;
    assert_eq!(
        shared_503,
        [title_en],
        "the shared 503 is annotated as it was live"
    );
    ensure!(
        !page.exists("#paste-input").await?,
        "the shared view is read-only"
    );
    browser.screenshot("browser-shared-link").await?;
    Ok(())
}

/// A swaks transcript of an AUTH LOGIN session, for the paste view.
const SWAKS_AUTH: &str = "=== Trying mx.example.org:587...
<-  220 mx.example.org ESMTP
 -> EHLO me
<-  250-mx.example.org
<-  250 AUTH LOGIN PLAIN
 -> AUTH LOGIN
<-  334 VXNlcm5hbWU6
 -> YWxpY2U=
<-  334 UGFzc3dvcmQ6
 -> czNjcmV0
<-  235 2.7.0 Authentication successful
 -> QUIT
<-  221 2.0.0 Bye
";
