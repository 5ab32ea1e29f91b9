//! The whole product in a real browser: the bridge (in this process) serves the built
//! frontend from `dist/`, headless Chromium loads it, and the user's keystrokes travel
//! through the WebSocket and the bridge to a real Postfix and back.
//!
//! Needs `dist/` built by `scripts/build-frontend.sh` before the bridge is compiled,
//! chromedriver and Chromium (see `e2e::browser`), and `SMTP_PLAYGROUND_POSTFIX`. Each is
//! checked with a message that says what is missing.
//!
//! The tests: the walking skeleton's EHLO round trip; the teaching terminal (warnings
//! before sending, annotations in two languages, completion, history, multi-line paste,
//! export, the paste view), which also takes the screenshots (desktop and phone width,
//! dark and light) and prints the time from navigation to an interactive terminal; the
//! lesson against the sandbox the page connects to by itself, ending in the mailbox and
//! its message view; STARTTLS; with the bridge stopped and the page served by a plain
//! static file server, the offline simulator completing the same session; and the page's
//! trust cases: correct lines that get no warning (HELO then AUTH LOGIN, the postmaster,
//! a dot-stuffed line), a pipelined paste, QUIT typed inside the message (caught before it
//! is sent), and the tutorial's `554 DT:SPM` after the final dot from a real aiosmtpd
//! (`e2e::aiosmtpd`), with screenshots of the last two in English and Chinese at desktop
//! and phone width.
//!
//! The bridge these tests start runs its sandbox, so the page opens connected to it; the
//! tests that use Postfix disconnect first ([`leave_the_sandbox`]).

use std::time::Duration;

use anyhow::{Context, ensure};
use e2e::aiosmtpd::{Aiosmtpd, DT_SPM};
use e2e::browser::{Browser, StaticServer, poll_until, texts, within};
use e2e::sandbox::{get_json, start_public_sandbox, start_sandbox};
use e2e::{postfix_addr, start_bridge, start_bridge_with};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use protocol::annotate::Direction;
use protocol::records::{LineRecord, Shape};

/// The longest the app may take to mount, or a reply to appear in the transcript.
const STEP: Duration = Duration::from_secs(15);

/// The whole test, browser start included, so a hang anywhere fails instead of blocking.
const BUDGET: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ehlo_typed_in_the_browser_gets_postfix_capabilities() -> anyhow::Result<()> {
    within(BUDGET, ehlo_session()).await
}

async fn ehlo_session() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-ehlo", async |browser| {
        drive(browser.client(), &format!("http://{bridge}/"), postfix).await
    })
    .await
}

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
async fn teach(browser: &Browser, page: &str, postfix: std::net::SocketAddr) -> anyhow::Result<()> {
    let client = browser.client();
    open_app(client, page).await?;
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
    connect_in_english(client, postfix).await?;
    assert_eq!(
        text_of(client, "#prompt").await?,
        "HELO>",
        "the prompt shows the phase"
    );

    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("EHLO test{}", char::from(Key::Enter)))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the last line of the EHLO reply",
    )
    .await?;
    assert_eq!(text_of(client, "#prompt").await?, "SMTP>");
    let current = client
        .find(Locator::Css("#state-diagram .node.current"))
        .await
        .context("the state diagram highlights the current phase")?
        .attr("data-phase")
        .await?;
    assert_eq!(current.as_deref(), Some("SMTP"));
    let keywords = texts(client, "#capabilities td.kw").await?;
    ensure!(
        keywords.iter().any(|k| k == "PIPELINING"),
        "the capabilities table lists PIPELINING: {keywords:?}"
    );
    let titles = texts(client, "#transcript .line.server .title").await?;
    ensure!(
        titles.iter().any(|t| t.contains("PIPELINING")),
        "each EHLO line is annotated with its extension: {titles:?}"
    );

    // RCPT before MAIL: the first Enter warns and sends nothing.
    command
        .send_keys(&format!(
            "RCPT TO:<bob@example.org>{}",
            char::from(Key::Enter)
        ))
        .await?;
    let warning = poll_until("the warning for RCPT before MAIL", STEP, || async {
        Ok(
            match client.find_all(Locator::Css("#warning")).await?.first() {
                Some(w) => Some(w.text().await?),
                None => None,
            },
        )
    })
    .await?;
    ensure!(
        warning.contains("MAIL FROM") && warning.contains("503"),
        "the warning says why and what to type instead: {warning:?}"
    );
    ensure!(
        !client
            .find_all(Locator::Css(
                r#"#warning [data-finding="rcpt-before-mail"]"#
            ))
            .await?
            .is_empty(),
        "the warning names the finding"
    );
    assert_eq!(
        texts(client, "#transcript .line.client .text").await?,
        ["EHLO test"],
        "nothing is sent on the first Enter"
    );
    // The second Enter sends it anyway, and the real 503 arrives, annotated.
    command
        .send_keys(&char::from(Key::Enter).to_string())
        .await?;
    wait_for_line(client, r#".line.server[data-code="503"]"#, "Postfix's 503").await?;
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
    let warnings_left = client.find_all(Locator::Css("#warning")).await?;
    ensure!(warnings_left.is_empty(), "the warning goes away once sent");

    // The language switch rewrites the annotation and the page in Chinese.
    select(client, "#lang", "zh-CN").await?;
    let title_zh = line_503.find(Locator::Css(".title")).await?.text().await?;
    ensure!(
        title_zh != title_en
            && title_zh
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the 503's title is in Chinese after the switch: {title_zh:?} (was {title_en:?})"
    );
    assert_eq!(text_of(client, "#connect").await?, "连接");
    browser.screenshot("browser-desktop-zh").await?;
    select(client, "#lang", "en").await?;
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
        command.prop("value").await?.as_deref(),
        Some("MAIL FROM:<"),
        "Tab completes MAIL FROM:<"
    );
    command
        .send_keys(&format!("alice@example.org>{}", char::from(Key::Enter)))
        .await?;
    poll_until("the 250 to MAIL FROM", STEP, || async {
        Ok((text_of(client, "#prompt").await? == "MAIL>").then_some(()))
    })
    .await?;
    // Up brings the last line back, Down returns to the empty line.
    command.send_keys(&char::from(Key::Up).to_string()).await?;
    assert_eq!(
        command.prop("value").await?.as_deref(),
        Some("MAIL FROM:<alice@example.org>")
    );
    command
        .send_keys(&char::from(Key::Down).to_string())
        .await?;
    assert_eq!(command.prop("value").await?.as_deref(), Some(""));

    // A multi-line paste goes out line by line, each after the reply to the one before.
    paste(client, "RCPT TO:<bob@example.org>\nRSET\nNOOP\n")
        .await
        .context("pasting three lines")?;
    poll_until("the pasted lines to be answered", STEP, || async {
        let sent = texts(client, "#transcript .line.client .text").await?;
        let replies = texts(client, "#transcript .line.server .text").await?;
        Ok((sent.ends_with(&[
            "RCPT TO:<bob@example.org>".to_owned(),
            "RSET".to_owned(),
            "NOOP".to_owned(),
        ]) && replies.len() >= 3
            && replies.last().is_some_and(|r| r.starts_with("250")))
        .then_some(()))
    })
    .await?;
    assert_eq!(
        text_of(client, "#prompt").await?,
        "SMTP>",
        "RSET ended the transaction"
    );

    // Both themes, desktop and phone width.
    set_theme(client, "dark").await?;
    browser.screenshot("browser-desktop-dark").await?;
    set_theme(client, "light").await?;
    browser.screenshot("browser-desktop-light").await?;
    client.set_window_size(390, 844).await?;
    browser.screenshot("browser-phone-light").await?;
    set_theme(client, "dark").await?;
    browser.screenshot("browser-phone-dark").await?;
    client.set_window_size(1200, 800).await?;

    // Export as text and JSON.
    click(client, "#export-text").await?;
    let exported = export_value(client).await?;
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
    click(client, "#export-json").await?;
    // The export is an array of the records `smtp-playground annotate` writes.
    let json = export_value(client).await?;
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
    click(client, "#export-swaks").await?;
    let swaks = export_value(client).await?;
    ensure!(
        swaks.starts_with(&format!(
            "swaks --server {postfix} --ehlo test --from alice@example.org --to bob@example.org"
        )) && !swaks.contains("bob@example.org,"),
        "the swaks command replays the session: {swaks:?}"
    );

    // The share link holds the transcript; opened, it shows it annotated and read-only.
    click(client, "#share").await?;
    let link = export_value(client).await?;
    ensure!(
        link.starts_with(page) && link.contains("#transcript="),
        "the link points at this page with the transcript in its fragment: {link:?}"
    );
    click(client, "#export-close").await?;

    // Ctrl+L clears the screen; the session goes on.
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!(
            "{}l{}",
            char::from(Key::Control),
            char::from(Key::Null)
        ))
        .await?;
    poll_until("Ctrl+L to clear the transcript", STEP, || async {
        Ok(texts(client, "#transcript .line")
            .await?
            .is_empty()
            .then_some(()))
    })
    .await?;
    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="221"]"#,
        "the 221 goodbye",
    )
    .await?;

    // The paste view annotates a transcript, AUTH LOGIN included: Postfix here offers no
    // AUTH, so the 334 decoding is checked on a pasted swaks transcript.
    click(client, "#tab-paste").await?;
    let area = client.find(Locator::Css("#paste-input")).await?;
    area.send_keys(SWAKS_AUTH).await?;
    click(client, "#paste-annotate").await?;
    let format = poll_until("the pasted transcript", STEP, || async {
        Ok(
            match client
                .find_all(Locator::Css("#paste-format"))
                .await?
                .first()
            {
                Some(f) => Some(f.text().await?),
                None => None,
            },
        )
    })
    .await?;
    ensure!(
        format.contains("swaks"),
        "the format is detected: {format:?}"
    );
    let sent = texts(client, "#paste-transcript .line.client .text").await?;
    ensure!(
        sent.iter().any(|t| t == "AUTH LOGIN") && !sent.iter().any(|t| t == "czNjcmV0"),
        "the password is masked in the pasted transcript: {sent:?}"
    );
    let challenge = client
        .find(Locator::Css(
            r#"#paste-transcript .line.server[data-code="334"] .title"#,
        ))
        .await?
        .text()
        .await?;
    ensure!(
        challenge.to_lowercase().contains("username"),
        "the first 334 is decoded as the username prompt: {challenge:?}"
    );
    browser.screenshot("browser-paste-view").await?;

    client.goto("about:blank").await?;
    client.goto(&link).await.context("opening the share link")?;
    wait_text(client, "#shared-title", "").await?;
    let shared = texts(client, "#paste-transcript .line.client .text").await?;
    ensure!(
        shared.first().map(String::as_str) == Some("EHLO test"),
        "the shared view shows the session: {shared:?}"
    );
    let shared_503 = texts(
        client,
        r#"#paste-transcript .line.server[data-code="503"] .title"#,
    )
    .await?;
    assert_eq!(
        shared_503,
        [title_en],
        "the shared 503 is annotated as it was live"
    );
    ensure!(
        client
            .find_all(Locator::Css("#paste-input"))
            .await?
            .is_empty(),
        "the shared view is read-only"
    );
    browser.screenshot("browser-shared-link").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lesson_completes_against_the_sandbox_with_the_auth_helper() -> anyhow::Result<()> {
    within(BUDGET, sandbox_lesson()).await
}

async fn sandbox_lesson() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-sandbox-lesson", async |browser| {
        lesson(browser, &format!("http://{}/", sandbox.http), sandbox.smtp).await
    })
    .await
}

/// The tutorial as a lesson against the bridge's own sandbox: the form points at it by
/// itself, the AUTH helper logs in, a pasted message goes out line by line, every step is
/// checked off, and the message shows up in the mailbox panel.
async fn lesson(browser: &Browser, page: &str, smtp: std::net::SocketAddr) -> anyhow::Result<()> {
    let client = browser.client();
    // The page opens connected to the bridge's sandbox, and says so.
    open_on_the_sandbox(client, page).await?;
    let notes = texts(client, "#transcript .line.note .text").await?;
    let target = smtp.to_string();
    ensure!(
        notes
            .iter()
            .any(|n| n.contains(&target) && n.contains("connected to it automatically")),
        "a notice says the page connected to the sandbox at {target} by itself: {notes:?}"
    );
    let status = text_of(client, "#status").await?;
    ensure!(
        status.starts_with("Connected to") && !status.contains("SIMULATED"),
        "the status shows the real sandbox: {status:?}"
    );
    assert_eq!(
        client
            .find(Locator::Css("#port"))
            .await?
            .prop("value")
            .await?
            .as_deref(),
        Some(smtp.port().to_string().as_str()),
        "the form shows where the sandbox listens"
    );
    wait_step(client, 0).await?;

    // The lesson's example goes to the command line; Enter sends it.
    click(client, "#lesson .step.current .example").await?;
    let command = client.find(Locator::Css("#command")).await?;
    assert_eq!(command.prop("value").await?.as_deref(), Some("EHLO me"));
    command
        .send_keys(&char::from(Key::Enter).to_string())
        .await?;
    wait_step(client, 1).await?;

    // AUTH LOGIN through the helper: decoded prompts, typed in clear, sent in base64.
    click(client, "#auth-login").await?;
    let decoded = wait_text(client, "#auth-decoded", "Username").await?;
    ensure!(
        decoded.contains("334 "),
        "the helper shows the challenge: {decoded:?}"
    );
    fill(client, "#auth-user", "demo").await?;
    click(client, "#auth-send").await?;
    wait_text(client, "#auth-decoded", "Password").await?;
    let password_type = client
        .find(Locator::Css("#auth-pass"))
        .await?
        .attr("type")
        .await?;
    assert_eq!(
        password_type.as_deref(),
        Some("password"),
        "the password is typed masked"
    );
    fill(client, "#auth-pass", "demo").await?;
    click(client, "#auth-send").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="235"]"#,
        "235 after AUTH LOGIN",
    )
    .await?;
    wait_step(client, 2).await?;
    let sent = texts(client, "#transcript .line.client .text").await?;
    assert_eq!(
        sent,
        ["EHLO me", "AUTH LOGIN", "ZGVtbw==", "********"],
        "the username goes out in base64, the password is masked"
    );

    // The message, pasted: each command waits for its reply, the body lines flow.
    paste(
        client,
        "MAIL FROM:<demo@example.org>\nRCPT TO:<friend@example.org>\nDATA\n\
                 Subject: Hello from the browser test\nFrom: demo@example.org\n\
                 To: friend@example.org\n\nHi!\n.\n",
    )
    .await
    .context("pasting the message")?;
    wait_step(client, 7).await?;
    for step in 3..=7 {
        wait_step(client, step).await?;
    }
    let subject = poll_until("the message in the mailbox panel", STEP, || async {
        let subjects = texts(client, "#mailbox-list .subject").await?;
        Ok(subjects
            .into_iter()
            .find(|s| s == "Hello from the browser test"))
    })
    .await?;
    ensure!(!subject.is_empty());
    open_message(client, "Hello from the browser test", "Hi!").await?;

    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await?;
    wait_step(client, 8).await?;
    ensure!(
        !client
            .find_all(Locator::Css("#lesson .lesson-done"))
            .await?
            .is_empty(),
        "the lesson says it is complete"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_bridge_shows_each_browser_only_its_own_mail() -> anyhow::Result<()> {
    within(BUDGET * 2, public_mailboxes()).await
}

/// Two browsers on one public bridge, each sending a message from the terminal to the
/// sandbox: each mailbox panel says it is private and lists only its own browser's mail,
/// and A's still does after B's message arrived and A reloaded the page.
async fn public_mailboxes() -> anyhow::Result<()> {
    let sandbox = start_public_sandbox().await;
    let page = format!("http://{}/", sandbox.http);
    Browser::run("browser-public-mailbox-a", async |a| {
        let a = a.client();
        mail_from_the_terminal(a, &page, "Mail from browser A").await?;
        Browser::run("browser-public-mailbox-b", async |b| {
            let b = b.client();
            open_app(b, &page).await?;
            select(b, "#lang", "en").await?;
            wait_text(b, "#mailbox", "No mail yet").await?;
            mail_from_the_terminal(b, &page, "Mail from browser B").await
        })
        .await?;
        // A reload fetches the list afresh: the cookie keeps A's mailbox, and only A's.
        open_app(a, &page).await?;
        let subjects = poll_until("browser A's mailbox after a reload", STEP, || async {
            let subjects = texts(a, "#mailbox-list .subject").await?;
            Ok((!subjects.is_empty()).then_some(subjects))
        })
        .await?;
        ensure!(
            subjects == ["Mail from browser A"],
            "browser A lists only its own mail: {subjects:?}"
        );
        Ok(())
    })
    .await
}

/// Opens the page (which connects to the sandbox by itself), sends a message typed as a
/// paste of the whole session, and waits until the mailbox panel lists it as the only
/// message, under the note that the mailbox is this browser's own.
async fn mail_from_the_terminal(client: &Client, page: &str, subject: &str) -> anyhow::Result<()> {
    if client.current_url().await?.as_str() == page {
        wait_for_line(
            client,
            r#".line.server[data-code="220"]"#,
            "the sandbox's greeting",
        )
        .await?;
    } else {
        open_on_the_sandbox(client, page).await?;
    }
    paste(
        client,
        &format!(
            "EHLO browser\nMAIL FROM:<me@example.org>\nRCPT TO:<you@example.org>\nDATA\n\
             Subject: {subject}\nFrom: me@example.org\nTo: you@example.org\n\nHello.\n.\n"
        ),
    )
    .await
    .context("pasting the session")?;
    let note = wait_text(client, "#mailbox-scope", "Only mail sent from this browser").await?;
    ensure!(note.contains("other visitors cannot see it"), "{note:?}");
    poll_until(
        "the message as the only one in the mailbox",
        STEP,
        || async {
            let subjects = texts(client, "#mailbox-list .subject").await?;
            Ok((subjects == [subject]).then_some(()))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lesson_completes_against_a_real_postfix() -> anyhow::Result<()> {
    within(BUDGET, postfix_lesson()).await
}

async fn postfix_lesson() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let maildirs = e2e::postfix_maildirs();
    let (bridge, _bridge_handle) = start_bridge().await;
    let subject = Browser::run("browser-postfix-lesson", async |browser| {
        postfix_lesson_steps(browser, &format!("http://{bridge}/"), postfix).await
    })
    .await?;
    // The lesson ends like the tutorial: the mail is in the recipient's real mailbox.
    let inbox = maildirs.join("alice/new");
    poll_until("the lesson's message in alice's Maildir", STEP, || async {
        let Ok(entries) = std::fs::read_dir(&inbox) else {
            return Ok(None);
        };
        Ok(entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .find(|text| text.contains(&subject)))
    })
    .await
    .with_context(|| format!("looking in {}", inbox.display()))?;
    Ok(())
}

/// The tutorial's steps against Postfix's plain port, which offers no AUTH: the lesson lets
/// the learner skip that step, and every other step is checked off by the real replies.
/// Returns the message's unique subject.
async fn postfix_lesson_steps(
    browser: &Browser,
    page: &str,
    postfix: std::net::SocketAddr,
) -> anyhow::Result<String> {
    let client = browser.client();
    open_app(client, page).await?;
    connect_in_english(client, postfix).await?;
    wait_step(client, 0).await?;
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("EHLO learner.test{}", char::from(Key::Enter)))
        .await?;
    wait_step(client, 1).await?;

    let subject = format!(
        "Lesson against Postfix {}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    paste(
        client,
        &format!(
            "MAIL FROM:<learner@example.org>\nRCPT TO:<alice@postfix.test>\nDATA\n\
                 Subject: {subject}\nFrom: learner@example.org\nTo: alice@postfix.test\n\n\
                 Sent by the lesson.\n.\n"
        ),
    )
    .await
    .context("pasting the message")?;
    for step in 3..=7 {
        wait_step(client, step).await?;
    }
    let replies = texts(client, "#transcript .line.server .text").await?;
    ensure!(
        replies
            .iter()
            .any(|r| r.starts_with("250 2.0.0 Ok: queued as")),
        "Postfix queued the message: {replies:?}"
    );
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await?;
    wait_step(client, 8).await?;
    ensure!(
        !client
            .find_all(Locator::Css("#lesson .lesson-done"))
            .await?
            .is_empty(),
        "the lesson says it is complete, AUTH skipped"
    );
    Ok(subject)
}

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
async fn starttls(browser: &Browser, page: &str, smtp: std::net::SocketAddr) -> anyhow::Result<()> {
    let client = browser.client();
    open_app(client, page).await?;
    select(client, "#lang", "en").await?;
    leave_the_sandbox(client).await?;
    fill(client, "#host", &smtp.ip().to_string()).await?;
    fill(client, "#port", &smtp.port().to_string()).await?;
    select(client, "#tls", "starttls").await?;
    click(client, "#insecure").await?;
    click(client, "#connect").await?;
    wait_count(
        client,
        r#".line.server[data-code="220"]"#,
        2,
        "the greeting of the STARTTLS session",
    )
    .await?;
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("EHLO me{}", char::from(Key::Enter)))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the EHLO reply",
    )
    .await?;
    command
        .send_keys(&format!("STARTTLS{}", char::from(Key::Enter)))
        .await?;
    let version = wait_text(client, "#tls-panel", "TLSv1.").await?;
    ensure!(
        version.contains("demo") || version.contains("TLSv1."),
        "the TLS panel shows the facts: {version:?}"
    );
    poll_until("the prompt to ask for EHLO again", STEP, || async {
        Ok((text_of(client, "#prompt").await? == "HELO>").then_some(()))
    })
    .await?;
    let plain = texts(client, "#transcript .line.encrypted .text").await?;
    ensure!(
        plain.is_empty(),
        "nothing before the handshake is encrypted: {plain:?}"
    );
    command
        .send_keys(&format!("EHLO me{}", char::from(Key::Enter)))
        .await?;
    poll_until("the encrypted EHLO reply", STEP, || async {
        let encrypted = texts(client, "#transcript .line.server.encrypted .text").await?;
        Ok(encrypted.last().filter(|l| l.starts_with("250 ")).cloned())
    })
    .await?;
    let sent = texts(client, "#transcript .line.client.encrypted .text").await?;
    assert_eq!(sent, ["EHLO me"], "the second EHLO went inside TLS");
    let notes = texts(client, "#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.starts_with("TLS established: TLSv1.")),
        "the transcript notes the handshake: {notes:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_simulator_completes_the_session_without_a_bridge() -> anyhow::Result<()> {
    within(BUDGET, offline_session()).await
}

async fn offline_session() -> anyhow::Result<()> {
    // A bridge ran, and is stopped: nothing of it answers any more.
    let (bridge_addr, bridge) = start_bridge().await;
    bridge.stop().await;
    ensure!(
        tokio::net::TcpStream::connect(bridge_addr).await.is_err(),
        "the stopped bridge still accepts connections at {bridge_addr}"
    );
    let files = StaticServer::dist().await?;
    Browser::run("browser-offline-simulator", async |browser| {
        simulate(browser, &format!("http://{}/", files.addr)).await
    })
    .await
}

/// The page from static hosting: it finds no bridge, runs the simulator (marked as such),
/// and the whole session works: EHLO, AUTH with the demo account, a pasted message into
/// the page's own mailbox, STARTTLS (simulated), QUIT; the sequence diagram downloads.
async fn simulate(browser: &Browser, page: &str) -> anyhow::Result<()> {
    let client = browser.client();
    open_app(client, page).await?;
    select(client, "#lang", "en").await?;
    let greeting = wait_for_line(
        client,
        r#".line.server[data-code="220"]"#,
        "the simulator's greeting",
    )
    .await?;
    ensure!(
        greeting.contains("simulator.smtp-playground.test"),
        "the greeting comes from the simulator: {greeting:?}"
    );
    let status = text_of(client, "#status").await?;
    ensure!(
        status.contains("SIMULATED"),
        "the status bar says the session is simulated: {status:?}"
    );
    let notes = texts(client, "#transcript .line.note .text").await?;
    ensure!(
        notes.iter().any(|n| n.starts_with("No bridge answered"))
            && notes.iter().any(|n| n.starts_with("SIMULATED")),
        "the transcript says why and that it is simulated: {notes:?}"
    );
    ensure!(
        client
            .find(Locator::Css("#simulate"))
            .await?
            .prop("checked")
            .await?
            .as_deref()
            == Some("true"),
        "the Simulate checkbox is ticked by itself"
    );

    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("EHLO me{}", char::from(Key::Enter)))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the simulated EHLO reply",
    )
    .await?;
    // AUTH PLAIN with the demo account: "\0demo\0demo" in base64.
    command
        .send_keys(&format!(
            "AUTH PLAIN AGRlbW8AZGVtbw=={}",
            char::from(Key::Enter)
        ))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="235"]"#,
        "235 for the demo account",
    )
    .await?;
    paste(
        client,
        "MAIL FROM:<demo@example.org>\nRCPT TO:<friend@example.org>\nDATA\n\
                 Subject: Hello from the simulator\nFrom: demo@example.org\n\
                 To: friend@example.org\n\nHi from the simulator!\n.\n",
    )
    .await
    .context("pasting the message")?;
    poll_until("the message in the page's own mailbox", STEP, || async {
        let subjects = texts(client, "#mailbox-list .subject").await?;
        Ok(subjects
            .into_iter()
            .find(|s| s == "Hello from the simulator"))
    })
    .await?;
    let title = text_of(client, "#mailbox h2").await?;
    ensure!(
        title.contains("Simulator"),
        "the mailbox is marked as the simulator's: {title:?}"
    );
    open_message(client, "Hello from the simulator", "Hi from the simulator!").await?;

    // STARTTLS: answered by the protocol, the handshake is simulated.
    command
        .send_keys(&format!("STARTTLS{}", char::from(Key::Enter)))
        .await?;
    poll_until("the prompt to ask for EHLO again", STEP, || async {
        Ok((text_of(client, "#prompt").await? == "HELO>").then_some(()))
    })
    .await?;
    let notes = texts(client, "#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.starts_with("TLS established: simulated")),
        "the handshake is marked simulated: {notes:?}"
    );
    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="221"]"#,
        "the simulator's 221",
    )
    .await?;

    // The sequence diagram of the whole session, as a downloadable SVG.
    let href = client
        .find(Locator::Css("#sequence-download"))
        .await?
        .attr("href")
        .await?
        .context("the download link has an href")?;
    let svg = client
        .execute(
            "return decodeURIComponent(arguments[0].split(',').slice(1).join(','));",
            vec![serde_json::json!(href)],
        )
        .await?;
    let svg = svg.as_str().context("the SVG decodes to text")?;
    ensure!(
        svg.starts_with("<svg") && svg.contains("354 End data") && svg.contains("AUTH PLAIN"),
        "the diagram has the session's commands and replies: {svg:.300}"
    );
    ensure!(
        !svg.contains("AGRlbW8AZGVtbw=="),
        "the AUTH secret is masked in the diagram too"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_does_not_cry_wolf_on_correct_lines() -> anyhow::Result<()> {
    within(BUDGET, correct_lines()).await
}

async fn correct_lines() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-correct-lines", async |browser| {
        correct_lines_steps(browser.client(), &format!("http://{}/", sandbox.http)).await
    })
    .await?;
    // The dot-stuffed line was stored with its extra dot removed.
    let list = e2e::sandbox::wait_for_messages(sandbox.http, 1).await;
    let id = list[0].id;
    let raw = String::from_utf8(e2e::sandbox::raw_message(sandbox.http, id).await)?;
    ensure!(
        raw.contains("\r\n.x\r\n") && !raw.contains("..x"),
        "the sandbox stored `..x` as `.x`: {raw:?}"
    );
    Ok(())
}

/// The tutorial's correct lines, typed against the sandbox: each goes out on the first
/// Enter (no warning to confirm) and keeps an explanation without a warning: HELO then
/// AUTH LOGIN (answered 334), `RCPT TO:<postmaster>`, and a dot-stuffed body line.
async fn correct_lines_steps(client: &Client, page: &str) -> anyhow::Result<()> {
    open_on_the_sandbox(client, page).await?;

    // HELO, then AUTH LOGIN as the 163.com tutorial does: not predicted to fail.
    send_typed(client, "HELO me").await?;
    wait_count(
        client,
        r#".line.server[data-code="250"]"#,
        1,
        "the 250 to HELO",
    )
    .await?;
    send_typed(client, "AUTH LOGIN").await?;
    let prompt = wait_for_line(client, r#".line.server[data-code="334"]"#, "the 334").await?;
    ensure!(prompt.starts_with("334 "), "{prompt:?}");
    let auth = last_line(client, ".line.client").await?;
    ensure!(
        auth.text == "AUTH LOGIN" && auth.severity == "info",
        "AUTH LOGIN after HELO carries no warning: {auth:?}"
    );
    ensure!(
        auth.findings
            .iter()
            .all(|(id, severity)| severity == "info" || id != "auth-after-helo"),
        "that EHLO would have been stricter is information only: {auth:?}"
    );
    // demo / demo, in base64.
    send_typed(client, "ZGVtbw==").await?;
    wait_count(
        client,
        r#".line.server[data-code="334"]"#,
        2,
        "the password prompt",
    )
    .await?;
    send_typed(client, "ZGVtbw==").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="235"]"#,
        "235 after AUTH LOGIN",
    )
    .await?;

    // The postmaster needs no domain (RFC 5321 4.5.1): no warning, and the server agrees.
    send_typed(client, "MAIL FROM:<demo@example.org>").await?;
    wait_count(
        client,
        r#".line.server[data-code="250"]"#,
        2,
        "the 250 to MAIL",
    )
    .await?;
    send_typed(client, "RCPT TO:<postmaster>").await?;
    wait_count(
        client,
        r#".line.server[data-code="250"]"#,
        3,
        "the 250 to RCPT",
    )
    .await?;
    let rcpt = last_line(client, ".line.client").await?;
    ensure!(
        rcpt.text == "RCPT TO:<postmaster>" && rcpt.severity == "info",
        "RCPT TO:<postmaster> carries no warning: {rcpt:?}"
    );
    let reply = last_line(client, ".line.server").await?;
    ensure!(
        reply.text.starts_with("250") && reply.severity == "success",
        "the sandbox accepted the postmaster: {reply:?}"
    );

    // A line starting with a dot, correctly stuffed: explained as such, not warned about.
    send_typed(client, "DATA").await?;
    wait_for_line(client, r#".line.server[data-code="354"]"#, "the 354").await?;
    for line in ["Subject: dots", "From: demo@example.org", "", "..x"] {
        send_typed(client, line).await?;
    }
    let stuffed = last_line(client, ".line.client").await?;
    ensure!(
        stuffed.text == "..x"
            && stuffed.severity == "info"
            && stuffed.title.contains("Dot-stuffed")
            && stuffed.explain.contains("stored as")
            && !stuffed.explain.to_lowercase().contains("two dots"),
        "`..x` is explained as a dot-stuffed line, with no 'type two dots' warning: {stuffed:?}"
    );
    send_typed(client, ".").await?;
    wait_count(
        client,
        r#".line.server[data-code="250"]"#,
        4,
        "the 250 to the final dot",
    )
    .await?;
    let accepted = last_line(client, ".line.server").await?;
    ensure!(
        accepted.title.contains("Message accepted"),
        "the reply to the final dot says the message was accepted: {accepted:?}"
    );
    let warned = texts(
        client,
        r#"#transcript .line.client[data-severity="warning"] .text, #transcript .line.client[data-severity="error"] .text"#,
    )
    .await?;
    ensure!(
        warned.is_empty(),
        "no client line carries a warning: {warned:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipelined_paste_passes_and_a_command_inside_the_message_is_caught() -> anyhow::Result<()>
{
    within(BUDGET, message_mode()).await
}

async fn message_mode() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-message-mode", async |browser| {
        message_mode_steps(browser, &format!("http://{}/", sandbox.http)).await
    })
    .await
}

/// MAIL, RCPT and DATA pasted at once to the sandbox (which offers PIPELINING) go out
/// without a warning; then QUIT typed inside the message is held back with a warning
/// (sending it anyway makes it message text, marked so), and the final dot still ends the
/// message.
async fn message_mode_steps(browser: &Browser, page: &str) -> anyhow::Result<()> {
    let client = browser.client();
    open_on_the_sandbox(client, page).await?;
    send_typed(client, "EHLO me").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the last line of the EHLO reply",
    )
    .await?;
    let keywords = texts(client, "#capabilities td.kw").await?;
    ensure!(
        keywords.iter().any(|k| k == "PIPELINING"),
        "the sandbox offers PIPELINING: {keywords:?}"
    );

    paste(
        client,
        "MAIL FROM:<me@example.org>\nRCPT TO:<you@example.org>\nDATA\n",
    )
    .await?;
    wait_for_line(
        client,
        r#".line.server[data-code="354"]"#,
        "the 354 to the pasted DATA",
    )
    .await?;
    let sent = texts(client, "#transcript .line.client .text").await?;
    ensure!(
        sent == [
            "EHLO me",
            "MAIL FROM:<me@example.org>",
            "RCPT TO:<you@example.org>",
            "DATA"
        ],
        "the pasted lines all went out, none held back by a warning: {sent:?}"
    );
    for finding in ["rcpt-before-mail", "data-before-rcpt", "wait-for-reply"] {
        let found = client
            .find_all(Locator::Css(&format!(r#"[data-finding="{finding}"]"#)))
            .await?;
        ensure!(
            found.is_empty(),
            "no {finding} finding on a correct pipelined batch"
        );
    }
    let warned = texts(
        client,
        r#"#transcript .line.client[data-severity="warning"] .text, #transcript .line.client[data-severity="error"] .text"#,
    )
    .await?;
    ensure!(
        warned.is_empty(),
        "no pasted line carries a warning: {warned:?}"
    );

    // QUIT inside the message: the first Enter warns and sends nothing.
    send_typed(client, "Subject: caught").await?;
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("QUIT{}", char::from(Key::Enter)))
        .await?;
    let warning = wait_text(client, "#warning", "still inside the message").await?;
    ensure!(
        !client
            .find_all(Locator::Css(
                r#"#warning [data-finding="command-in-message"]"#
            ))
            .await?
            .is_empty(),
        "the warning names the finding: {warning:?}"
    );
    ensure!(
        warning.contains("would become message text")
            && warning.contains("Enter again")
            && warning.contains("single dot"),
        "the warning says what QUIT would become, how to end the message and how to send \
         it anyway: {warning:?}"
    );
    assert_eq!(
        texts(client, "#transcript .line.client .text")
            .await?
            .last()
            .map(String::as_str),
        Some("Subject: caught"),
        "QUIT was not sent on the first Enter"
    );
    assert_eq!(text_of(client, "#prompt").await?, "DATA>");
    screenshots(
        browser,
        "browser-command-in-message",
        "#warning",
        "仍在邮件内容中",
        false,
    )
    .await?;

    // Sent anyway, it is message text, and marked as such; the server does not answer it.
    let command = client.find(Locator::Css("#command")).await?;
    assert_eq!(command.prop("value").await?.as_deref(), Some("QUIT"));
    command
        .send_keys(&char::from(Key::Enter).to_string())
        .await?;
    poll_until("QUIT to go out on the second Enter", STEP, || async {
        let sent = texts(client, "#transcript .line.client .text").await?;
        Ok((sent.last().map(String::as_str) == Some("QUIT")).then_some(()))
    })
    .await?;
    let quit = last_line(client, ".line.client").await?;
    ensure!(
        quit.severity == "warning"
            && quit.title.contains("Message text")
            && quit
                .findings
                .iter()
                .any(|(id, _)| id == "command-in-message"),
        "QUIT sent inside the message is message text, with the warning kept: {quit:?}"
    );
    send_typed(client, ".").await?;
    wait_count(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        4,
        "the 250 to the final dot",
    )
    .await?;
    let accepted = last_line(client, ".line.server").await?;
    ensure!(
        accepted.title.contains("Message accepted"),
        "the final dot ended the message: {accepted:?}"
    );
    ensure!(
        client
            .find_all(Locator::Css(r#".line.server[data-code="221"]"#))
            .await?
            .is_empty(),
        "the QUIT inside the message did not end the session"
    );
    send_typed(client, "QUIT").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="221"]"#,
        "the 221 to the real QUIT",
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tutorials_554_spam_refusal_is_explained() -> anyhow::Result<()> {
    within(BUDGET, spam_refusal()).await
}

async fn spam_refusal() -> anyhow::Result<()> {
    // A real aiosmtpd answering the tutorial's 554 DT:SPM, slow to answer MAIL.
    let server = Aiosmtpd::start(DT_SPM, MAIL_DELAY)?;
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-spam-refusal", async |browser| {
        spam_refusal_steps(browser, &format!("http://{bridge}/"), server.addr).await
    })
    .await
}

/// How long the aiosmtpd of [`spam_refusal`] waits before answering MAIL: long enough for
/// RCPT and DATA to be typed while MAIL is still in flight.
const MAIL_DELAY: Duration = Duration::from_secs(3);

/// The tutorial's message without headers, sent to a server that refuses it as 163.com
/// did: the 554 is explained as a spam verdict, and says the message was not accepted, in
/// both languages. On the way, MAIL, RCPT and DATA typed without waiting for the replies
/// (the server offers PIPELINING) are sent without a warning.
async fn spam_refusal_steps(
    browser: &Browser,
    page: &str,
    smtp: std::net::SocketAddr,
) -> anyhow::Result<()> {
    let client = browser.client();
    open_app(client, page).await?;
    connect_in_english(client, smtp).await?;
    send_typed(client, "EHLO fan2").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="250"][data-last="true"]"#,
        "the last line of the EHLO reply",
    )
    .await?;

    // Pipelined by hand: RCPT and DATA go out before MAIL is answered, without warnings.
    for line in [
        "MAIL FROM:<phunxm@163.com>",
        "RCPT TO:<2306328146@qq.com>",
        "DATA",
    ] {
        send_typed(client, line).await?;
    }
    wait_for_line(client, r#".line.server[data-code="354"]"#, "the 354").await?;
    let lines = texts(client, "#transcript .line .text").await?;
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(6)
        .rev()
        .map(String::as_str)
        .collect();
    ensure!(
        tail[..3]
            == [
                "MAIL FROM:<phunxm@163.com>",
                "RCPT TO:<2306328146@qq.com>",
                "DATA"
            ]
            && tail[3..]
                .iter()
                .all(|t| t.starts_with("250 ") || t.starts_with("354 ")),
        "the three commands went out before the first reply came (the test needs them \
         pipelined): {tail:?}"
    );

    // The tutorial's body, with no headers, then the final dot.
    paste(client, "hello\nworld\n.\n").await?;
    wait_for_line(client, r#".line.server[data-code="554"]"#, "the 554 DT:SPM").await?;
    let refusal = last_line(client, ".line.server").await?;
    ensure!(
        refusal.text == DT_SPM && refusal.severity == "error",
        "the refusal is shown as an error: {refusal:?}"
    );
    ensure!(
        refusal.title.contains("Message not accepted") && refusal.title.contains("spam"),
        "the title says the message was not accepted, as spam: {refusal:?}"
    );
    ensure!(
        refusal.explain.contains("DT:SPM") && refusal.explain.contains("Subject:"),
        "the explanation names the verdict and its classic cause: {refusal:?}"
    );
    let dot = last_line(client, ".line.client").await?;
    ensure!(
        dot.text == ".",
        "the final dot is the last line sent: {dot:?}"
    );
    // Expanded, for the screenshots (scrolled to: a click does not scroll the log).
    client
        .find(Locator::Css(
            r#"#transcript .line.server[data-code="554"] summary"#,
        ))
        .await?
        .click()
        .await?;
    screenshots(
        browser,
        "browser-spam-refusal",
        r#"#transcript .line.server[data-code="554"] .title"#,
        "邮件未被接受",
        true,
    )
    .await?;
    let zh = {
        select(client, "#lang", "zh-CN").await?;
        let zh = last_line(client, ".line.server").await?;
        select(client, "#lang", "en").await?;
        zh
    };
    ensure!(
        zh.title.contains("垃圾邮件") && zh.explain.contains("DT:SPM"),
        "the Chinese explanation says spam too: {zh:?}"
    );
    send_typed(client, "QUIT").await?;
    wait_for_line(client, r#".line.server[data-code="221"]"#, "the 221").await?;
    Ok(())
}

/// Screenshots `name-{desktop,phone}-{en,zh}` of the page as it is (with the log
/// scrolled to its end first when `to_end`), and checks that `css` reads `zh_needle` in
/// Chinese; returns to English at desktop size.
async fn screenshots(
    browser: &Browser,
    name: &str,
    css: &str,
    zh_needle: &str,
    to_end: bool,
) -> anyhow::Result<()> {
    let client = browser.client();
    let shot = async |suffix: &str| {
        if to_end {
            client
                .execute(
                    "const log = document.getElementById('transcript');
                     log.scrollTop = log.scrollHeight;",
                    vec![],
                )
                .await?;
        }
        browser.screenshot(&format!("{name}-{suffix}")).await
    };
    shot("desktop-en").await?;
    select(client, "#lang", "zh-CN").await?;
    wait_text(client, css, zh_needle).await?;
    shot("desktop-zh").await?;
    client.set_window_size(390, 844).await?;
    shot("phone-zh").await?;
    select(client, "#lang", "en").await?;
    shot("phone-en").await?;
    client.set_window_size(1200, 800).await?;
    Ok(())
}

/// Types `line` and Enter in the command line and waits until it went out on that first
/// Enter: one more client line in the transcript, the command line empty again. A warning
/// panel (the page asking to confirm) fails at once.
async fn send_typed(client: &Client, line: &str) -> anyhow::Result<()> {
    let before = texts(client, "#transcript .line.client").await?.len();
    let command = client.find(Locator::Css("#command")).await?;
    command
        .send_keys(&format!("{line}{}", char::from(Key::Enter)))
        .await
        .with_context(|| format!("typing {line:?}"))?;
    poll_until(
        &format!("{line:?} to go out on the first Enter"),
        STEP,
        || async {
            let warning = texts(client, "#warning").await?;
            ensure!(
                warning.is_empty(),
                "the page held {line:?} back with a warning: {warning:?}"
            );
            let sent = texts(client, "#transcript .line.client").await?.len();
            let value = command.prop("value").await?;
            Ok((sent > before && value.as_deref() == Some("")).then_some(()))
        },
    )
    .await
}

/// A transcript line as the page shows it.
#[derive(Debug)]
struct Shown {
    text: String,
    /// `data-severity`: info, success, warning, error.
    severity: String,
    title: String,
    /// The findings: (id, severity).
    findings: Vec<(String, String)>,
    /// The details (shown on expand), as text.
    explain: String,
}

/// The last transcript line matching `css` (inside `#transcript`).
async fn last_line(client: &Client, css: &str) -> anyhow::Result<Shown> {
    let value = client
        .execute(
            "const all = document.querySelectorAll('#transcript ' + arguments[0]);
             const line = all[all.length - 1];
             if (!line) return null;
             const text = (css) => { const e = line.querySelector(css); return e ? e.textContent.trim() : ''; };
             return {
                 text: text('.text'),
                 severity: line.dataset.severity || '',
                 title: text('.title'),
                 findings: Array.from(line.querySelectorAll('.findings li'),
                     li => [li.dataset.finding, li.className]),
                 explain: text('.explain'),
             };",
            vec![serde_json::json!(css)],
        )
        .await
        .with_context(|| format!("reading the last {css}"))?;
    ensure!(!value.is_null(), "no transcript line matches {css}");
    let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
    let findings = value["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    (
                        f[0].as_str().unwrap_or_default().to_owned(),
                        f[1].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Shown {
        text: field("text"),
        severity: field("severity"),
        title: field("title"),
        findings,
        explain: field("explain"),
    })
}

/// Clicks the mailbox message whose subject is `subject` and checks the message view:
/// the subject, the Subject header, the body and the raw text.
async fn open_message(client: &Client, subject: &str, body: &str) -> anyhow::Result<()> {
    let clicked = client
        .execute(
            "const item = Array.from(document.querySelectorAll('#mailbox-list li'))
                 .find(li => li.querySelector('.subject').innerText.trim() === arguments[0]);
             if (!item) return false;
             item.querySelector('button').click();
             return true;",
            vec![serde_json::json!(subject)],
        )
        .await?;
    ensure!(
        clicked == serde_json::Value::Bool(true),
        "no mailbox entry with the subject {subject:?}"
    );
    wait_text(client, "#message-subject", subject).await?;
    let headers = texts(client, "#message-headers tr").await?;
    ensure!(
        headers
            .iter()
            .any(|h| h.starts_with("Subject") && h.contains(subject)),
        "the headers show the Subject: {headers:?}"
    );
    let text = text_of(client, "#message-body").await?;
    ensure!(text.contains(body), "the body shows {body:?}: {text:?}");
    Ok(())
}

/// The page opens connected to the bridge's sandbox: waits for its greeting and the
/// notice, then disconnects, so the test can connect elsewhere with the form.
/// Pastes `text` into the command line, as Ctrl+V would: the page sends it line by line.
async fn paste(client: &Client, text: &str) -> anyhow::Result<()> {
    client
        .execute(
            "const data = new DataTransfer();
             data.setData('text/plain', arguments[0]);
             document.getElementById('command').dispatchEvent(
                 new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));",
            vec![serde_json::json!(text)],
        )
        .await?;
    Ok(())
}

/// Opens the page and waits until the app has mounted (its command line exists).
async fn open_app(client: &Client, page: &str) -> anyhow::Result<()> {
    client
        .goto(page)
        .await
        .with_context(|| format!("opening {page}"))?;
    client
        .wait()
        .at_most(STEP)
        .for_element(Locator::Css("#command"))
        .await
        .with_context(|| format!("the app did not mount at {page} (is dist/ built?)"))?;
    Ok(())
}

/// Opens the page in English and waits for the greeting of the sandbox it connects to by
/// itself, without anyone pressing Connect.
async fn open_on_the_sandbox(client: &Client, page: &str) -> anyhow::Result<()> {
    open_app(client, page).await?;
    select(client, "#lang", "en").await?;
    wait_for_line(
        client,
        r#".line.server[data-code="220"]"#,
        "the sandbox's greeting without pressing Connect",
    )
    .await?;
    Ok(())
}

/// Switches the page to English, leaves the sandbox it opened connected to, and connects to
/// `smtp` (a Postfix) through the form, up to its 220 greeting.
async fn connect_in_english(client: &Client, smtp: std::net::SocketAddr) -> anyhow::Result<()> {
    select(client, "#lang", "en").await?;
    leave_the_sandbox(client).await?;
    fill(client, "#host", &smtp.ip().to_string()).await?;
    fill(client, "#port", &smtp.port().to_string()).await?;
    click(client, "#connect").await?;
    wait_count(
        client,
        r#".line.server[data-code="220"]"#,
        2,
        "Postfix's 220 greeting",
    )
    .await?;
    Ok(())
}

async fn leave_the_sandbox(client: &Client) -> anyhow::Result<()> {
    wait_for_line(
        client,
        r#".line.server[data-code="220"]"#,
        "the sandbox's greeting (the page connects to it by itself)",
    )
    .await?;
    let notes = texts(client, "#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.contains("connected to it automatically")),
        "a notice says the page connected by itself: {notes:?}"
    );
    click(client, "#disconnect").await?;
    poll_until("the form to unlock after Disconnect", STEP, || async {
        let connect = client.find(Locator::Css("#connect")).await?;
        Ok(connect.is_enabled().await?.then_some(()))
    })
    .await
}

/// Waits until at least `n` elements match `css` (an error notice fails at once);
/// returns their texts.
async fn wait_count(
    client: &Client,
    css: &str,
    n: usize,
    what: &str,
) -> anyhow::Result<Vec<String>> {
    let found = poll_until(what, STEP, || async {
        let errors = texts(client, "#transcript .line.note.error .text").await?;
        ensure!(errors.is_empty(), "the app reported an error: {errors:?}");
        let all = texts(client, css).await?;
        Ok((all.len() >= n).then_some(all))
    })
    .await;
    match found {
        Ok(all) => Ok(all),
        Err(err) => {
            let transcript = texts(client, "#transcript .line .text")
                .await
                .unwrap_or_default();
            Err(err.context(format!("transcript so far: {transcript:#?}")))
        }
    }
}

/// Waits until lesson step `index` is checked off.
async fn wait_step(client: &Client, index: usize) -> anyhow::Result<()> {
    let css = format!(r#"#lesson .step[data-step="{index}"][data-done="true"]"#);
    let found = poll_until(
        &format!("lesson step {index} to be checked off"),
        STEP,
        || async { Ok((!client.find_all(Locator::Css(&css)).await?.is_empty()).then_some(())) },
    )
    .await;
    if let Err(err) = found {
        let transcript = texts(client, "#transcript .line .text")
            .await
            .unwrap_or_default();
        return Err(err.context(format!("transcript so far: {transcript:#?}")));
    }
    Ok(())
}

/// Waits until the element `css` exists and its text contains `needle`; returns the text.
async fn wait_text(client: &Client, css: &str, needle: &str) -> anyhow::Result<String> {
    poll_until(&format!("{css} to say {needle:?}"), STEP, || async {
        Ok(match client.find_all(Locator::Css(css)).await?.first() {
            Some(e) => Some(e.text().await?).filter(|t| t.contains(needle)),
            None => None,
        })
    })
    .await
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

async fn text_of(client: &Client, css: &str) -> anyhow::Result<String> {
    client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .text()
        .await
        .with_context(|| format!("reading {css}"))
}

async fn select(client: &Client, css: &str, value: &str) -> anyhow::Result<()> {
    client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .select_by_value(value)
        .await
        .with_context(|| format!("selecting {value} in {css}"))
}

/// Switches to `theme` with the theme button (the first theme follows the system's).
async fn set_theme(client: &Client, theme: &str) -> anyhow::Result<()> {
    let current = || async {
        client
            .execute("return document.documentElement.dataset.theme", vec![])
            .await
            .context("reading data-theme")
    };
    if current().await? != theme {
        click(client, "#theme").await?;
    }
    poll_until(&format!("the {theme} theme"), STEP, || async {
        Ok((current().await? == theme).then_some(()))
    })
    .await
}

async fn export_value(client: &Client) -> anyhow::Result<String> {
    poll_until("the export box", STEP, || async {
        Ok(
            match client
                .find_all(Locator::Css("#export-output"))
                .await?
                .first()
            {
                Some(area) => area.prop("value").await?.filter(|v| !v.is_empty()),
                None => None,
            },
        )
    })
    .await
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

    leave_the_sandbox(client).await?;
    fill(client, "#host", &postfix.ip().to_string()).await?;
    fill(client, "#port", &postfix.port().to_string()).await?;
    click(client, "#connect").await?;

    let greetings = wait_count(
        client,
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
    wait_count(
        client,
        r#".line.server[data-code="220"]"#,
        3,
        "a second 220 greeting from Postfix",
    )
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
