//! The rules editor: a rule added in the page (checked there by `protocol`, its mistakes
//! explained) and applied makes the next session's RCPT fail with exactly its reply, and
//! is used up after that one session. Screenshots of the panel in both themes, both
//! languages, at desktop and phone width.

use anyhow::ensure;
use bridge::sandbox::SandboxConfig;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_editor_makes_the_next_rcpt_fail() -> anyhow::Result<()> {
    within(BUDGET * 2, rules_editor()).await
}

async fn rules_editor() -> anyhow::Result<()> {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-rules", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        page.wait_text("#rules", "Failure rules").await?;
        page.wait_text("#rules-none", "No rules").await?;

        // A mistake is explained by protocol's reason, and nothing is added.
        page.fill("#rule-value", "250 2.1.5 Ok").await?;
        page.click("#rule-add").await?;
        let why = page
            .wait_text("#rule-error", "250 is not a failure")
            .await?;
        ensure!(why.contains("4xx"), "{why}");
        ensure!(page.count("#rules-list li").await? == 0, "nothing added");

        // The rule: the next session's RCPT to nobody@ fails.
        page.fill("#rule-match", "nobody@example.org").await?;
        page.fill(
            "#rule-value",
            "550 5.1.1 <nobody@example.org>: User unknown",
        )
        .await?;
        page.click("#rule-add").await?;
        let shown = page
            .wait_text("#rules-list li .rule-text", "rcpt to=nobody@example.org")
            .await?;
        ensure!(
            shown
                == "rcpt to=nobody@example.org: reply 550 5.1.1 <nobody@example.org>: User \
                    unknown, next 1",
            "{shown}"
        );
        page.wait_text("#rules-status", "Not applied yet").await?;
        page.click("#rules-apply").await?;
        page.wait_text("#rules-status", "Applied").await?;
        screenshots(browser, &page).await?;

        // The session open since the page loaded keeps the rules it started with; a new
        // one gets the rule.
        page.open_on_the_sandbox(&url).await?;
        page.send_command("EHLO browser.example", 250).await?;
        page.send_command("MAIL FROM:<me@example.org>", 250).await?;
        let refused = page
            .send_command("RCPT TO:<nobody@example.org>", 550)
            .await?;
        ensure!(
            refused.contains("550 5.1.1 <nobody@example.org>: User unknown"),
            "{refused}"
        );
        page.send_command("RCPT TO:<somebody@example.org>", 250)
            .await?;
        // "next 1": the rule was used up by that session.
        page.click("#rules-reload").await?;
        page.wait_text("#rules-none", "No rules").await?;
        Ok(())
    })
    .await
}

/// The panel in view, in dark and light, English and Chinese, desktop and phone width.
async fn screenshots(browser: &Browser, page: &Page<'_>) -> anyhow::Result<()> {
    let client = browser.client();
    for theme in ["dark", "light"] {
        page.set_theme(theme).await?;
        // Tall enough on the desktop for the whole panel beside the terminal.
        for (width, height, size) in [(1280, 1000, "desktop"), (390, 844, "phone")] {
            client.set_window_size(width, height).await?;
            for (lang, needle) in [("en", "Failure rules"), ("zh-CN", "故障规则")] {
                page.select("#lang", lang).await?;
                page.wait_text("#rules h2", needle).await?;
                poll_until("the rules panel in view", STEP, || async {
                    client
                        .execute(
                            "const panel = document.getElementById('rules');
                             panel.scrollIntoView({block: 'start'});
                             return true;",
                            vec![],
                        )
                        .await?;
                    Ok(Some(()))
                })
                .await?;
                browser
                    .screenshot(&format!("browser-rules-{theme}-{size}-{lang}"))
                    .await?;
            }
        }
    }
    client.set_window_size(1200, 800).await?;
    page.select("#lang", "en").await?;
    Ok(())
}
