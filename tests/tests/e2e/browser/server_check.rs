//! "Check this server" in the page: the check of a real Postfix on loopback runs through
//! the bridge, every line of it shows in the terminal's annotated transcript lines, and
//! the scorecard has at least one passing and one failing item, each with its RFC or
//! BCP; switching to Chinese re-words the scorecard without running the check again.
//! In the simulator the check says why it cannot run. Screenshots of the panel in both
//! themes, both languages, desktop and phone.

use anyhow::ensure;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::Page;
use e2e::{postfix_addr, start_bridge};

use super::{BUDGET, themed_screenshots};

/// The check of one host takes a few seconds on loopback; the wait for its end is
/// bounded by this.
const CHECK: std::time::Duration = std::time::Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_of_postfix_shows_its_lines_and_a_scorecard() -> anyhow::Result<()> {
    within(BUDGET * 2, check_postfix()).await
}

async fn check_postfix() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-check", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&format!("http://{bridge}/"))
            .await?;
        page.target(postfix).await?;
        page.click("#check").await?;
        wait_done(&page).await?;

        // Every line of the conversation, as the terminal shows lines.
        let lines = page.count("#check-transcript .line").await?;
        ensure!(lines >= 4, "the check's lines are shown: {lines}");
        let greeting = page
            .texts(r#"#check-transcript .line.server[data-code="220"] .text"#)
            .await?;
        ensure!(!greeting.is_empty(), "Postfix's greeting is among them");

        // The scorecard: passes and fails, each with its reference and explanation.
        let passes = page
            .count(r#"#check-panel .item[data-verdict="pass"]"#)
            .await?;
        let fails = page
            .count(r#"#check-panel .item[data-verdict="fail"]"#)
            .await?;
        ensure!(passes >= 1 && fails >= 1, "pass {passes}, fail {fails}");
        let refs = page.texts("#check-panel .item .ref").await?;
        ensure!(
            refs.iter().any(|r| r.starts_with("RFC ")),
            "items name their RFC: {refs:?}"
        );
        let banner = page
            .text_of(r#"#check-panel .item[data-item="banner"] strong"#)
            .await?;

        // Chinese re-words the scorecard; the check does not run again.
        page.select("#lang", "zh-CN").await?;
        let zh = page.wait_text("#check-panel h2", "服务器检查").await?;
        ensure!(zh.contains(&postfix.port().to_string()), "{zh}");
        let banner_zh = page
            .text_of(r#"#check-panel .item[data-item="banner"] strong"#)
            .await?;
        ensure!(banner_zh != banner, "{banner_zh} is not {banner}");
        ensure!(
            page.count("#check-transcript .line").await? == lines,
            "the same lines: nothing ran again"
        );
        themed_screenshots(
            browser,
            "browser-check",
            &[
                ("en", "#check-panel h2", "Server check"),
                ("zh-CN", "#check-panel h2", "服务器检查"),
            ],
        )
        .await?;

        // Closing the panel brings the terminal back.
        page.click("#check-close").await?;
        page.wait_none("#check-panel", "the check panel to close")
            .await?;
        ensure!(page.exists("#command").await?, "the terminal is back");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_says_why_the_simulator_cannot_run_it() -> anyhow::Result<()> {
    within(BUDGET, simulator()).await
}

async fn simulator() -> anyhow::Result<()> {
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-check-simulator", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&format!("http://{bridge}/"))
            .await?;
        page.leave_the_sandbox().await?;
        page.click("#simulate").await?;
        page.click("#check").await?;
        let why = page.wait_text("#check-unavailable", "simulator").await?;
        ensure!(why.contains("bridge"), "{why}");
        page.select("#lang", "zh-CN").await?;
        page.wait_text("#check-unavailable", "模拟").await?;
        ensure!(
            page.count("#check-panel .item").await? == 0,
            "no scorecard in the simulator"
        );
        Ok(())
    })
    .await
}

/// Waits until the check is over and checks it did not fail as a whole.
async fn wait_done(page: &Page<'_>) -> anyhow::Result<()> {
    let state = poll_until("the check to finish", CHECK, || async {
        let state = page
            .client()
            .execute(
                "const c = document.getElementById('check-panel');
                 return c ? c.dataset.state : null;",
                vec![],
            )
            .await?;
        Ok(state
            .as_str()
            .filter(|s| *s != "running")
            .map(str::to_owned))
    })
    .await?;
    if state != "done" {
        let error = page.texts("#check-panel .error-text").await?;
        anyhow::bail!("the check ended {state}: {error:?}");
    }
    Ok(())
}
