//! The later lessons of the library against the bridge's sandbox, each completed end to end
//! by clicking its examples as a learner does: AUTH PLAIN vs LOGIN and CRAM-MD5 (the AUTH
//! helper answers the challenge), pipelining (the replies in order, a refusal in the
//! middle), BDAT chunks and SMTPUTF8 with a Chinese address and body. In English at desktop
//! size and in Chinese at phone size, one browser each, the lessons one after the other.

use std::time::Duration;

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;

/// Four lessons, one after the other, in one browser.
const LATER_BUDGET: Duration = Duration::from_secs(300);

/// The later lessons, in the picker's order.
const LESSONS: [&str; 4] = ["auth-mechanisms", "pipelining", "bdat-chunking", "smtputf8"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_later_lessons_complete_in_english_at_desktop_size() -> anyhow::Result<()> {
    within(LATER_BUDGET, later("en", (1280, 800))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_later_lessons_complete_in_chinese_at_phone_size() -> anyhow::Result<()> {
    within(LATER_BUDGET, later("zh-CN", (390, 844))).await
}

async fn later(lang: &'static str, (width, height): (u32, u32)) -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run(
        &format!("browser-later-lessons-{lang}-{width}"),
        async |browser| {
            browser.client().set_window_size(width, height).await?;
            let page = browser.page();
            page.open_on_the_sandbox(&url).await?;
            page.select("#lang", lang).await?;
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
                browser
                    .screenshot(&format!("lesson-{id}-done-{width}-{lang}"))
                    .await?;
            }
            Ok(())
        },
    )
    .await?;
    // What the sandbox stored: the chunks joined, the Chinese address and subject whole.
    let raws = e2e::sandbox::wait_for_raw_texts(sandbox.http, 3).await;
    ensure!(
        raws.iter()
            .any(|r| r.contains("To: friend@example.org\r\n\r\nHello, 你好.\r\n")),
        "the two BDAT chunks joined: {raws:?}"
    );
    ensure!(
        raws.iter().any(|r| r.contains("Subject: 你好，世界\r\n")),
        "the UTF-8 subject as typed: {raws:?}"
    );
    Ok(())
}

/// The codes of the server's replies so far, in order.
async fn codes(page: &Page<'_>) -> anyhow::Result<Vec<String>> {
    page.attrs("#transcript .line.server[data-code]", "data-code")
        .await
}

async fn follow(page: &Page<'_>, id: &str) -> anyhow::Result<()> {
    match id {
        "auth-mechanisms" => {
            page.click_until_done(0, 1).await?;
            // PLAIN with the wrong password, on purpose: 535.
            page.click_until_done(1, 1).await?;
            ensure!(codes(page).await?.last().map(String::as_str) == Some("535"));
            // LOGIN through the AUTH helper.
            let prompts = page.count(r#".line.server[data-code="334"]"#).await?;
            page.click_example(0).await?;
            page.wait_count(r#".line.server[data-code="334"]"#, prompts + 1, "Username:")
                .await?;
            page.fill("#auth-user", "demo").await?;
            page.click("#auth-send").await?;
            page.wait_count(r#".line.server[data-code="334"]"#, prompts + 2, "Password:")
                .await?;
            page.fill("#auth-pass", "demo").await?;
            page.click("#auth-send").await?;
            page.wait_step(2).await?;
            page.click_until_done(3, 1).await?;
            page.wait_until_disconnected("QUIT to end the session")
                .await?;
            // A new session: EHLO, AUTH CRAM-MD5, the helper's answer.
            let greetings = page.count(r#".line.server[data-code="220"]"#).await?;
            page.press("#connect").await?;
            page.wait_count(
                r#".line.server[data-code="220"]"#,
                greetings + 1,
                "a greeting",
            )
            .await?;
            page.click_example(0).await?;
            poll_until("AUTH CRAM-MD5 offered", STEP, || async {
                let offered = page.lesson_examples().await?;
                Ok((offered == ["AUTH CRAM-MD5"]).then_some(()))
            })
            .await?;
            page.click_example(0).await?;
            page.wait_text("#cram-challenge", "@").await?;
            page.fill("#cram-user", "demo").await?;
            page.fill("#cram-pass", "demo").await?;
            page.wait_text("#cram-line", "=").await?;
            page.click("#cram-send").await?;
            page.wait_step(4).await?;
        }
        "pipelining" => {
            page.click_until_done(0, 1).await?;
            page.click_until_done(1, 1).await?;
            let codes = codes(page).await?;
            ensure!(
                codes.ends_with(&["250", "250", "550", "354"].map(String::from)),
                "the group's replies in order, the refusal in the middle: {codes:?}"
            );
            for step in 2..=4 {
                page.click_until_done(step, 1).await?;
            }
        }
        "bdat-chunking" => {
            for step in 0..=4 {
                page.click_until_done(step, 1).await?;
            }
        }
        "smtputf8" => {
            for step in 0..=4 {
                page.click_until_done(step, 1).await?;
            }
            page.click_until_done(5, 5).await?;
            page.click_until_done(6, 1).await?;
        }
        other => anyhow::bail!("no way to follow lesson {other}"),
    }
    Ok(())
}
