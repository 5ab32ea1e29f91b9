//! The lesson library against the bridge's sandbox: every lesson completed end to end in
//! English at desktop size and in Chinese at phone size (one browser each, the lessons one
//! after the other), the picker, progress through a reload, Restart, resuming after a
//! reconnect, a `#lesson=` link, the steps that adapt (the headers still missing, no
//! AUTH LOGIN while the server waits), and one lesson in the offline simulator.

use std::time::Duration;

use anyhow::{Context, ensure};
use e2e::browser::{Browser, StaticServer, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;

/// A whole library run: five lessons, one after the other, in one browser.
const LIBRARY_BUDGET: Duration = Duration::from_secs(360);

/// The lessons this file follows to their end (the others have theirs elsewhere), in the
/// picker's order.
const LESSONS: [&str; 5] = [
    "first-mail",
    "starttls",
    "envelope-bcc",
    "errors-retries",
    "dot-stuffing",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lesson_completes_in_english_at_desktop_size() -> anyhow::Result<()> {
    within(LIBRARY_BUDGET, library("en", (1280, 800))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lesson_completes_in_chinese_at_phone_size() -> anyhow::Result<()> {
    within(LIBRARY_BUDGET, library("zh-CN", (390, 844))).await
}

async fn library(lang: &'static str, (width, height): (u32, u32)) -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    let shot = format!("browser-lessons-{lang}-{width}");
    Browser::run(&shot, async |browser| {
        browser.client().set_window_size(width, height).await?;
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        page.select("#lang", lang).await?;
        let ids = page.wait_for_picker().await?;
        let index = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/index.txt"),
        )?;
        let listed: Vec<&str> = index
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split('|').next().map(str::trim))
            .collect();
        assert_eq!(ids, listed, "the picker lists the library in order");
        let phone = width < 600;
        for (i, id) in LESSONS.into_iter().enumerate() {
            if i > 0 {
                page.reconnect().await?;
            }
            page.pick_lesson(id).await?;
            follow(&page, id)
                .await
                .with_context(|| format!("lesson {id}"))?;
            ensure!(
                page.exists("#lesson .lesson-done").await?,
                "{id}: the lesson says it is complete"
            );
            if id == "starttls" {
                let theme = if phone { "light" } else { "dark" };
                page.set_theme(theme).await?;
                page.scroll_to("#lesson").await?;
                browser
                    .screenshot(&format!("lesson-done-{theme}-{width}-{lang}"))
                    .await?;
            }
        }
        if lang == "zh-CN" {
            let words = page.text_of("#lesson").await?;
            ensure!(
                words.contains("课程") && words.contains("点填充"),
                "the lesson panel speaks Chinese: {words:?}"
            );
        }
        Ok(())
    })
    .await
}

/// Follows lesson `id` to its end by clicking its examples, as a learner does, with what
/// each lesson needs besides (the AUTH helper, the mailbox, waiting out greylisting).
async fn follow(page: &Page<'_>, id: &str) -> anyhow::Result<()> {
    match id {
        "first-mail" => {
            page.wait_step(0).await?;
            page.click_until_done(1, 1).await?;
            page.click("#auth-login").await?;
            log_in_with_the_helper(page).await?;
            for step in 3..=5 {
                page.click_until_done(step, 1).await?;
            }
            page.click_until_done(6, 4).await?;
            page.send_line("Hello from the lesson library").await?;
            page.click_until_done(7, 1).await?;
            page.click_until_done(8, 1).await?;
        }
        "starttls" => {
            page.click_until_done(0, 1).await?;
            page.click_until_done(1, 1).await?;
            // The simulator's STARTTLS has no handshake, so no TLS facts to show.
            if !page.text_of("#status").await?.contains("SIMULATED") {
                page.wait_text("#tls-panel", "TLS").await?;
            }
            // MAIL FROM before the new EHLO: the page warns, the server refuses.
            page.click_until_done(2, 1).await?;
            let replies = page.texts("#transcript .line.server .text").await?;
            ensure!(
                replies.iter().any(|r| r.starts_with("503")),
                "the server forgot the EHLO: {replies:?}"
            );
            for step in 3..=5 {
                page.click_until_done(step, 1).await?;
            }
        }
        "envelope-bcc" => {
            for step in 0..=4 {
                page.click_until_done(step, 1).await?;
            }
            let offered = page.lesson_examples().await?;
            assert_eq!(
                offered.len(),
                3,
                "From, To and Subject are offered: {offered:?}"
            );
            page.click_until_done(5, 4).await?;
            page.click_until_done(6, 1).await?;
            open_delivered(page, "Lunch on Friday", "See you at noon.").await?;
            let recipients = page.envelope_recipients().await?;
            ensure!(
                recipients
                    .iter()
                    .any(|(status, addr)| status == "blind" && addr == "carol@example.org"),
                "Carol is a blind copy in the message view: {recipients:?}"
            );
            page.click_until_done(7, 1).await?;
        }
        "errors-retries" => {
            page.click_until_done(0, 2).await?;
            for step in 1..=3 {
                page.click_until_done(step, 1).await?;
            }
            // greylist+5@: retried until the delay is over (too early: 451 again).
            for _ in 0..12 {
                if page.step_done(4).await? {
                    break;
                }
                page.click_example(0).await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            page.wait_step(4).await?;
            page.click_until_done(5, 1).await?;
            let replies = page.texts("#transcript .line.server .text").await?;
            ensure!(
                replies.iter().any(|r| r.starts_with("421")),
                "the server gave up with 421: {replies:?}"
            );
            page.wait_until_disconnected("the 421 to end the session")
                .await?;
            page.press("#connect").await?;
            page.wait_step(6).await?;
        }
        "dot-stuffing" => {
            page.click_until_done(0, 2).await?;
            page.click_until_done(1, 2).await?;
            page.click_until_done(2, 1).await?;
            page.click_until_done(3, 1).await?;
            open_delivered(page, "Lines that start with a dot", ".signature follows").await?;
            let body = page.text_of("#message-body").await?;
            ensure!(
                !body.contains("..signature"),
                "the server took one dot away: {body:?}"
            );
            page.click_until_done(4, 1).await?;
        }
        other => anyhow::bail!("no way to follow lesson {other}"),
    }
    Ok(())
}

/// Answers the AUTH LOGIN prompts with the AUTH helper (the demo account) once the
/// username is asked for, up to the AUTH step checked off.
async fn log_in_with_the_helper(page: &Page<'_>) -> anyhow::Result<()> {
    page.wait_for_line(r#".line.server[data-code="334"]"#, "the username prompt")
        .await?;
    page.fill("#auth-user", "demo").await?;
    page.click("#auth-send").await?;
    page.wait_count(r#".line.server[data-code="334"]"#, 2, "the password prompt")
        .await?;
    page.fill("#auth-pass", "demo").await?;
    page.click("#auth-send").await?;
    page.wait_step(2).await
}

/// Waits for the message `subject` in the mailbox panel and opens it; its body shows
/// `body`.
async fn open_delivered(page: &Page<'_>, subject: &str, body: &str) -> anyhow::Result<()> {
    poll_until(&format!("{subject:?} in the mailbox"), STEP, || async {
        let subjects = page.texts("#mailbox-list .subject").await?;
        Ok(subjects.iter().any(|s| s == subject).then_some(()))
    })
    .await?;
    page.open_message(subject, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picker_links_progress_restart_and_steps_that_adapt() -> anyhow::Result<()> {
    within(LIBRARY_BUDGET, picker()).await
}

async fn picker() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-lesson-picker", async |browser| {
        let page = browser.page();
        let client = browser.client();
        client.set_window_size(1280, 800).await?;
        // A teacher's link opens that lesson.
        page.open_on_the_sandbox(&format!("{url}#lesson=envelope-bcc"))
            .await?;
        page.wait_lesson("envelope-bcc").await?;
        let link = page.attrs("#lesson-link", "href").await?;
        ensure!(
            link.first()
                .is_some_and(|l| l.ends_with("#lesson=envelope-bcc")),
            "the lesson's own link: {link:?}"
        );
        page.click_until_done(0, 1).await?;
        page.click_until_done(1, 1).await?;
        assert_eq!(page.lesson_current().await?, Some(2));

        // Reconnecting goes on where the lesson was, and offers to repeat what the new
        // session has forgotten.
        page.reconnect().await?;
        page.wait_step(1).await?;
        assert_eq!(
            page.lesson_current().await?,
            Some(2),
            "not reset by reconnecting"
        );
        let catch_up = page.texts("#lesson .lesson-catch-up .example").await?;
        assert_eq!(catch_up, ["EHLO me", "MAIL FROM:<alice@example.org>"]);

        // A reload keeps the progress, and says it resumed.
        client.refresh().await?;
        page.wait_for_line(
            r#".line.server[data-code="220"]"#,
            "the greeting after the reload",
        )
        .await?;
        page.select("#lang", "en").await?;
        page.wait_lesson("envelope-bcc").await?;
        page.wait_step(1).await?;
        assert_eq!(page.lesson_current().await?, Some(2));
        let resumed = page.text_of("#lesson .lesson-resumed").await?;
        ensure!(resumed.contains("2 of 8"), "the resumed note: {resumed:?}");
        browser.screenshot("lesson-resumed-dark-desktop-en").await?;
        // Repeating the steps the new session forgot, then on with the lesson.
        page.click_catch_up(0).await?;
        page.click_catch_up(1).await?;
        page.click_until_done(2, 1).await?;
        ensure!(
            !page.exists("#lesson .lesson-catch-up").await?,
            "caught up: the offer is gone"
        );

        // Restart starts over, on purpose.
        page.click("#lesson-restart").await?;
        poll_until("the restart", STEP, || async {
            Ok((page.lesson_current().await? == Some(0)).then_some(()))
        })
        .await?;
        ensure!(!page.step_done(1).await?, "the steps are undone");

        // A lesson link changed in the open tab switches lessons, as opening it would.
        client
            .execute("location.hash = '#lesson=dot-stuffing'", vec![])
            .await?;
        page.wait_lesson("dot-stuffing").await?;

        // The lesson picked last opens when the link names none.
        page.pick_lesson("first-mail").await?;
        page.open_on_the_sandbox(&url).await?;
        page.wait_lesson("first-mail").await?;

        // The steps adapt: no AUTH LOGIN while the server waits for the username.
        page.wait_step(0).await?;
        page.click_until_done(1, 1).await?;
        assert_eq!(page.lesson_examples().await?, ["AUTH LOGIN"]);
        page.click_example(0).await?;
        page.wait_for_line(r#".line.server[data-code="334"]"#, "the username prompt")
            .await?;
        ensure!(
            page.lesson_examples().await?.is_empty(),
            "the AUTH LOGIN example is gone while the server waits"
        );
        ensure!(
            !page.exists("#auth-login").await?,
            "so is the helper's AUTH LOGIN button"
        );
        log_in_with_the_helper(&page).await?;
        for step in 3..=5 {
            page.click_until_done(step, 1).await?;
        }
        // The headers step suggests what is missing, never a second Subject:.
        let offered = page.lesson_examples().await?;
        ensure!(
            offered.len() == 3 && offered[0].starts_with("Subject:"),
            "Subject:, From: and To: are suggested: {offered:?}"
        );
        page.send_line("Subject: typed by hand").await?;
        let offered = poll_until("the suggestions to follow", STEP, || async {
            let offered = page.lesson_examples().await?;
            Ok((offered.len() == 2).then_some(offered))
        })
        .await?;
        ensure!(
            offered.iter().all(|o| !o.starts_with("Subject:")),
            "no second Subject: {offered:?}"
        );
        page.click_example(0).await?;
        page.click_example(0).await?;
        let offered = poll_until("the empty line to be suggested", STEP, || async {
            let offered = page.lesson_examples().await?;
            Ok((offered.len() == 1).then_some(offered))
        })
        .await?;
        assert_eq!(
            offered,
            ["(empty line: then press Enter)"],
            "then the empty line"
        );
        page.set_theme("light").await?;
        browser
            .screenshot("lesson-headers-light-desktop-en")
            .await?;
        page.select("#lang", "zh-CN").await?;
        page.wait_text("#lesson", "空行").await?;
        browser
            .screenshot("lesson-headers-light-desktop-zh")
            .await?;
        client.set_window_size(390, 844).await?;
        page.scroll_to("#lesson").await?;
        browser.screenshot("lesson-headers-light-phone-zh").await?;
        page.set_theme("dark").await?;
        page.scroll_to("#lesson").await?;
        browser.screenshot("lesson-headers-dark-phone-zh").await?;
        page.click_example(0).await?;
        page.wait_step(6).await?;
        let sent = page.texts("#transcript .line.client .text").await?;
        assert_eq!(
            sent.iter().filter(|l| l.starts_with("Subject:")).count(),
            1,
            "one Subject: went out: {sent:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_completes_in_the_offline_simulator() -> anyhow::Result<()> {
    within(LIBRARY_BUDGET, simulated()).await
}

async fn simulated() -> anyhow::Result<()> {
    let files = StaticServer::dist().await?;
    let url = format!("http://{}/#lesson=starttls", files.addr);
    Browser::run("browser-lesson-simulator", async |browser| {
        let page = browser.page();
        page.open(&url).await?;
        page.select("#lang", "en").await?;
        page.wait_for_line(
            r#".line.server[data-code="220"]"#,
            "the simulator's greeting",
        )
        .await?;
        let status = page.text_of("#status").await?;
        ensure!(
            status.contains("SIMULATED"),
            "the simulator runs: {status:?}"
        );
        page.wait_lesson("starttls").await?;
        follow(&page, "starttls").await?;
        ensure!(page.exists("#lesson .lesson-done").await?);
        Ok(())
    })
    .await
}
