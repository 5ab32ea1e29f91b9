//! The sandbox seen from the page while an outside client uses it: swaks sends a message
//! with a blind copy, the Sessions panel shows its session live and annotated, the message
//! view shows the envelope against the header fields, and one leads to the other.
//! Screenshots at desktop and phone size, dark and light, English and Chinese
//! (`sessions-*.png` and `envelope-*.png` among the e2e artifacts).

use std::time::Duration;

use anyhow::ensure;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::{RawSmtp, run_client, start_sandbox};

use super::BUDGET;

const SUBJECT: &str = "envelope and headers";
const BODY: &str = "Bob and Carol are named; hidden gets a blind copy.";

/// swaks against the sandbox: RCPT TO bob and hidden, `To:` bob and carol.
async fn swaks(smtp: std::net::SocketAddr) -> String {
    let args: Vec<String> = [
        "--server",
        &smtp.ip().to_string(),
        "--port",
        &smtp.port().to_string(),
        "--ehlo",
        "swaks.test",
        "--from",
        "alice@example.org",
        "--to",
        "bob@example.net,hidden@example.net",
        "--header",
        "To: Bob <bob@example.net>, \"Carol, the other\" <carol@example.org>",
        "--header",
        &format!("Subject: {SUBJECT}"),
        "--body",
        BODY,
    ]
    .map(str::to_owned)
    .to_vec();
    run_client("swaks", &args, Duration::from_secs(30)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_view_marks_a_blind_copy_and_a_name_not_delivered() -> anyhow::Result<()> {
    within(BUDGET, envelope_session()).await
}

async fn envelope_session() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-envelope", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        swaks(sandbox.smtp).await;
        wait_for_subject(&page).await?;
        page.open_message(SUBJECT, BODY).await?;
        let mut rows = page.envelope_recipients().await?;
        rows.sort();
        let row = |status: &str, address: &str| (status.to_owned(), address.to_owned());
        assert_eq!(
            rows,
            [
                row("blind", "hidden@example.net"),
                row("named", "bob@example.net"),
                row("not-delivered", "carol@example.org"),
            ],
            "envelope against headers"
        );
        let view = page.text_of("#message-envelope").await?;
        ensure!(
            view.contains("MAIL FROM") && view.contains("alice@example.org"),
            "MAIL FROM is shown: {view:?}"
        );
        ensure!(
            view.contains("Blind copy: RCPT TO gave this address to the server"),
            "the blind copy is explained: {view:?}"
        );
        ensure!(
            view.contains("named in the headers but not delivered here"),
            "the undelivered name is marked: {view:?}"
        );
        ensure!(
            page.exists(r#"#message-envelope [data-field="From"][data-match="true"]"#)
                .await?,
            "From: is the MAIL FROM address"
        );
        shots(browser, "envelope", "#message-envelope", "密送").await?;
        // The scenario addresses, from protocol's table: a click fills the command line.
        page.click("#scenarios summary").await?;
        page.click(r#"#scenarios li[data-local-part="busy"] button"#)
            .await?;
        let line = page.command_line().await?;
        ensure!(
            line == "RCPT TO:<busy@example.com>",
            "the address goes to the command line: {line:?}"
        );
        let busy = page
            .text_of(r#"#scenarios li[data-local-part="busy"]"#)
            .await?;
        ensure!(
            busy.contains("450 4.2.1") && busy.contains("retry later"),
            "busy@ says what it answers and what to do: {busy:?}"
        );
        shots(browser, "scenarios", "#scenarios", "故意出错").await
    })
    .await
}

async fn wait_for_subject(page: &Page<'_>) -> anyhow::Result<()> {
    poll_until("the message in the mailbox panel", STEP, || async {
        let subjects = page.texts("#mailbox-list .subject").await?;
        Ok(subjects.iter().any(|s| s == SUBJECT).then_some(()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessions_panel_shows_an_outside_swaks_session_live_and_annotated() -> anyhow::Result<()>
{
    within(BUDGET, sessions_session()).await
}

async fn sessions_session() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-sessions", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        // The page's own session is recorded too, and shown live, still open.
        page.send_command("EHLO page.test", 250).await?;
        let own = page.wait_for_session_row("page.test").await?;
        page.wait_text(&format!("#sessions-list li[data-id=\"{own}\"]"), "live")
            .await?;
        let transcript = swaks(sandbox.smtp).await;
        ensure!(
            transcript.contains("250"),
            "swaks was answered: {transcript}"
        );
        // No reload, no click: the event stream brings the outside session in.
        let id = page.wait_for_session_row("swaks.test").await?;
        let rows = page.session_rows().await?;
        ensure!(
            rows.first().map(|&(first, _)| first) == Some(id) && rows.len() == 2,
            "the newest session comes first: {rows:?}"
        );
        let row = page
            .wait_text(
                &format!("#sessions-list li[data-id=\"{id}\"]"),
                "swaks.test",
            )
            .await?;
        ensure!(
            row.contains("1 message"),
            "the row counts the message: {row:?}"
        );
        page.open_session(id).await?;
        let sent = page.texts("#session-transcript .line.client .text").await?;
        ensure!(
            sent.first().map(String::as_str) == Some("EHLO swaks.test")
                && sent.iter().any(|l| l == "RCPT TO:<hidden@example.net>"),
            "swaks's lines, in order: {sent:?}"
        );
        let accepted = page
            .wait_text(
                "#session-transcript .line.server[data-code=\"250\"] .title",
                "",
            )
            .await?;
        ensure!(!accepted.is_empty(), "the replies are explained");
        let titles_en = page.texts("#session-transcript .line .title").await?;
        page.select("#lang", "zh-CN").await?;
        page.wait_text("#sessions", "会话记录").await?;
        let titles_zh = page.texts("#session-transcript .line .title").await?;
        ensure!(
            titles_en.len() == titles_zh.len() && titles_en != titles_zh,
            "switching language explains the same lines in Chinese: {titles_zh:?}"
        );
        page.select("#lang", "en").await?;
        page.wait_text("#sessions", "Sessions").await?;
        // From the message to the conversation that delivered it.
        page.click("#session-close").await?;
        wait_for_subject(&page).await?;
        page.open_message(SUBJECT, BODY).await?;
        page.click("#message-session").await?;
        page.wait_for_session(id).await?;
        shots(browser, "sessions", "#session-view", "的会话").await
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_mail_updates_the_panels_row_by_row() -> anyhow::Result<()> {
    within(BUDGET, streaming_session()).await
}

/// How many sessions (one message each) stream in while the page watches.
const BURST: usize = 20;

/// Sends `n` messages, one session each, as fast as the sandbox answers.
async fn burst(smtp: std::net::SocketAddr, n: usize) {
    for i in 0..n {
        let (mut client, greeting) = RawSmtp::connect(smtp).await;
        assert_eq!(greeting, 220);
        for (line, code) in [
            ("EHLO burst.test", 250),
            ("MAIL FROM:<burst@example.org>", 250),
            ("RCPT TO:<bob@example.net>", 250),
            ("DATA", 354),
        ] {
            assert_eq!(client.command(line).await.0, code, "{line}");
        }
        client
            .send(format!("Subject: burst {i}\r\n\r\nmessage {i}\r\n").as_bytes())
            .await;
        assert_eq!(client.command(".").await.0, 250);
        assert_eq!(client.command("QUIT").await.0, 221);
    }
}

/// Mail streaming in changes the Sessions panel and the mailbox row by row: rows already
/// shown stay the same DOM elements, and the session list is not fetched again per event
/// (each `session` event carries its row).
async fn streaming_session() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-sessions-streaming", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        burst(sandbox.smtp, 1).await;
        let first = page.wait_for_session_row("burst.test").await?;
        wait_for_subject_like(&page, "burst 0", 1).await?;
        // Mark the rows on screen, then let the burst come.
        let client = browser.client();
        client
            .execute(
                "document.querySelector('#sessions-list li').dataset.marked = 'yes';
                 document.querySelector('#mailbox-list li').dataset.marked = 'yes';",
                vec![],
            )
            .await?;
        burst(sandbox.smtp, BURST).await;
        poll_until("every session in the panel", STEP, || async {
            let rows = page.session_rows().await?;
            Ok((rows.len() > BURST).then_some(()))
        })
        .await?;
        wait_for_subject_like(&page, "burst ", BURST + 1).await?;
        let rows = page.session_rows().await?;
        ensure!(
            rows.last().map(|&(id, _)| id) == Some(first),
            "the first session is now the oldest row: {rows:?}"
        );
        ensure!(
            page.exists(&format!(
                r#"#sessions-list li[data-id="{first}"][data-marked="yes"]"#
            ))
            .await?,
            "the first session's row is still the same element, not made again"
        );
        ensure!(
            page.exists(r#"#mailbox-list li[data-marked="yes"]"#)
                .await?,
            "the first message's row is still the same element"
        );
        let lists: u64 = serde_json::from_value(
            client
                .execute(
                    "return performance.getEntriesByType('resource')
                         .filter(e => new URL(e.name).pathname === '/api/sessions').length;",
                    vec![],
                )
                .await?,
        )?;
        ensure!(
            (1..=2).contains(&lists),
            "the session list was fetched {lists} times for {} sessions: once at the \
             start (and once when the event stream opened), never per session",
            BURST + 1
        );
        Ok(())
    })
    .await
}

async fn wait_for_subject_like(page: &Page<'_>, prefix: &str, n: usize) -> anyhow::Result<()> {
    poll_until(
        &format!("{n} messages {prefix:?}... in the mailbox"),
        STEP,
        || async {
            let subjects = page.texts("#mailbox-list .subject").await?;
            Ok((subjects.iter().filter(|s| s.starts_with(prefix)).count() >= n).then_some(()))
        },
    )
    .await
}

/// Screenshots `name-{desktop,phone}-{dark,light}-{en,zh}` with `css` scrolled to the top,
/// checking that `css` reads `zh_needle` in Chinese; returns to English, dark, desktop.
async fn shots(browser: &Browser, name: &str, css: &str, zh_needle: &str) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    for (width, height, size) in [(1200, 800, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await?;
        for theme in ["dark", "light"] {
            page.set_theme(theme).await?;
            for (lang, tag, needle) in [("en", "en", ""), ("zh", "zh-CN", zh_needle)] {
                page.select("#lang", tag).await?;
                page.wait_text(css, needle).await?;
                // Twice: the first scroll may come before the resized layout settles.
                for _ in 0..2 {
                    page.scroll_to(css).await?;
                    page.wait_text(css, needle).await?;
                }
                browser
                    .screenshot(&format!("{name}-{size}-{theme}-{lang}"))
                    .await?;
            }
        }
    }
    page.select("#lang", "en").await?;
    page.set_theme("dark").await?;
    client.set_window_size(1200, 800).await?;
    Ok(())
}
