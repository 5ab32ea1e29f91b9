//! "Check this server" in the page: the check of a real Postfix on loopback runs through
//! the bridge, every line of it shows in the terminal's annotated transcript lines, and
//! the scorecard has at least one passing and one failing item, each with its RFC or
//! BCP; switching to Chinese re-words the scorecard without running the check again.
//! In the simulator the check says why it cannot run. The check of a domain by MX (the
//! test DNS server's two-mx zone) shows one card per MX host in preference order, the
//! dead one not reachable, and the MX x item matrix, in both languages. Screenshots of
//! the panel and of the matrix in both themes, both languages, desktop and phone.

use anyhow::ensure;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::Page;
use e2e::{postfix_addr, start_bridge};

use super::connect_by_mx::bridge as mx_bridge;
use super::{BUDGET, themed_screenshots, themed_screenshots_of};

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
        // The certificate's key and signature items are there, not tested without TLS.
        for id in ["cert-key", "cert-signature"] {
            let css = format!(r#"#check-panel .item[data-item="{id}"][data-verdict="not-tested"]"#);
            ensure!(page.exists(&css).await?, "{css} is shown");
        }

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_of_a_domain_shows_each_mx_and_the_matrix() -> anyhow::Result<()> {
    within(BUDGET * 2, check_domain()).await
}

/// The dead and the live MX of two-mx.playground.test, in preference order.
const TWO_MX: [&str; 2] = ["dead.two-mx.playground.test", "live.two-mx.playground.test"];

/// The host cards as the page shows them: (`data-host`, heading, [(item, verdict)]).
type Cards = Vec<(String, String, Vec<(String, String)>)>;

/// The matrix as the page shows it: its caption, the hosts' column heads, and each row's
/// (`data-item`, label, [cell class]).
type Shown = (String, Vec<String>, Vec<(String, String, Vec<String>)>);

async fn check_domain() -> anyhow::Result<()> {
    // The live MX, 127.0.0.2, is the bridge's own sandbox; nothing listens on the dead
    // one's 127.0.0.31.
    let (url, port, _handle) = mx_bridge().await;
    Browser::run("browser-check-mx", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        page.leave_the_sandbox().await?;
        page.fill("#host", "two-mx.playground.test").await?;
        page.click("#by-mx").await?;
        page.fill("#port", &port.to_string()).await?;
        page.click("#check").await?;
        wait_done(&page).await?;

        // One card per MX host, in preference order; the first does not answer.
        let cards: Cards = serde_json::from_value(
            page.client()
                .execute(
                    "return Array.from(document.querySelectorAll('#check-panel .host-card'),
                         c => [c.dataset.host, c.querySelector('h3').innerText,
                               Array.from(c.querySelectorAll('li.item'),
                                   i => [i.dataset.item, i.dataset.verdict])]);",
                    vec![],
                )
                .await?,
        )?;
        let names: Vec<&str> = cards.iter().map(|c| c.0.as_str()).collect();
        ensure!(names == TWO_MX, "one card per MX, by preference: {names:?}");
        let verdict = |card: usize, item: &str| {
            cards[card]
                .2
                .iter()
                .find(|(id, _)| id == item)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (dead, live) = (&cards[0], &cards[1]);
        ensure!(
            dead.1.contains("MX 10") && live.1.contains("MX 20") && live.1.contains("127.0.0.2"),
            "each card names its preference and address: {:?} {:?}",
            dead.1,
            live.1
        );
        ensure!(verdict(0, "connect") == "fail", "dead: {:?}", dead.2);
        let why = page
            .texts(&format!(
                r#".host-card[data-host="{}"] .error-text"#,
                TWO_MX[0]
            ))
            .await?;
        ensure!(
            why.len() == 1 && why[0].starts_with("Not checked"),
            "the dead MX says why it was not checked: {why:?}"
        );
        ensure!(
            !page
                .exists(&format!(
                    r#".host-card[data-host="{}"] .error-text"#,
                    TWO_MX[1]
                ))
                .await?,
            "the live MX was checked"
        );
        ensure!(verdict(0, "banner") == "not-tested", "dead: {:?}", dead.2);
        for item in ["connect", "banner", "ehlo"] {
            ensure!(verdict(1, item) == "pass", "live {item}: {:?}", live.2);
        }
        ensure!(
            live.2.iter().filter(|(_, v)| v != "not-tested").count() >= 10,
            "the live MX is checked through: {:?}",
            live.2
        );
        let lines = page.count("#check-transcript .line").await?;
        // The lines sit in a closed <details> once the check is over: read, not seen.
        let greetings: Vec<String> = serde_json::from_value(
            page.client()
                .execute(
                    r#"return Array.from(document.querySelectorAll(
                         '#check-transcript .line.server[data-code="220"] .text'),
                         t => t.textContent);"#,
                    vec![],
                )
                .await?,
        )?;
        ensure!(
            greetings.iter().any(|g| g.contains("sandbox")),
            "the live MX's greeting is among the lines: {greetings:?}"
        );

        // The matrix: one column per host, one row per item, a verdict in every cell.
        let (caption, hosts, rows) = matrix(&page).await?;
        ensure!(caption == "Every mail server of the domain", "{caption}");
        ensure!(hosts == TWO_MX, "one column per host: {hosts:?}");
        ensure!(rows.len() >= 10, "a row per item: {rows:?}");
        for (id, label, cells) in &rows {
            ensure!(!label.is_empty(), "row {id} has a label");
            ensure!(
                cells.len() == 2
                    && cells.iter().all(|c| {
                        ["pass", "warn", "fail", "info", "not-tested"].contains(&c.as_str())
                    }),
                "row {id}: a verdict per host: {cells:?}"
            );
        }
        let row = |id: &str| rows.iter().find(|r| r.0 == id).map(|r| r.2.clone());
        ensure!(
            row("connect") == Some(vec!["fail".into(), "pass".into()]),
            "the connection row: {:?}",
            row("connect")
        );
        ensure!(
            row("banner") == Some(vec!["not-tested".into(), "pass".into()]),
            "the banner row: {:?}",
            row("banner")
        );

        // Chinese re-labels the matrix; the check does not run again.
        page.select("#lang", "zh-CN").await?;
        page.wait_text("#check-matrix caption", "该域名的每台邮件服务器")
            .await?;
        page.wait_text(
            &format!(r#".host-card[data-host="{}"] .error-text"#, TWO_MX[0]),
            "未能检查这台服务器",
        )
        .await?;
        let (_, hosts_zh, rows_zh) = matrix(&page).await?;
        ensure!(hosts_zh == hosts, "{hosts_zh:?}");
        let label_zh = |id: &str| {
            rows_zh
                .iter()
                .find(|r| r.0 == id)
                .map(|r| r.1.clone())
                .unwrap_or_default()
        };
        ensure!(label_zh("connect") == "连接", "{rows_zh:?}");
        ensure!(label_zh("open-relay") == "开放中继", "{rows_zh:?}");
        ensure!(
            rows_zh.iter().map(|r| &r.2).eq(rows.iter().map(|r| &r.2)),
            "the same verdicts in Chinese"
        );
        ensure!(
            page.count("#check-transcript .line").await? == lines,
            "the same lines: nothing ran again"
        );

        themed_screenshots_of(
            browser,
            "browser-check-matrix",
            &[
                ("en", "#check-matrix caption", "Every mail server"),
                ("zh-CN", "#check-matrix caption", "邮件服务器"),
            ],
            Some("#check-matrix"),
        )
        .await?;
        Ok(())
    })
    .await
}

/// The matrix as the page shows it ([`Shown`]).
async fn matrix(page: &Page<'_>) -> anyhow::Result<Shown> {
    let value = page
        .client()
        .execute(
            "const m = document.getElementById('check-matrix');
             if (!m) return null;
             const heads = Array.from(m.querySelectorAll('tr:first-of-type th code'), c => c.innerText);
             const rows = Array.from(m.querySelectorAll('tr[data-item]'),
                 r => [r.dataset.item, r.querySelector('th').innerText.trim(),
                       Array.from(r.querySelectorAll('td'), td => td.className)]);
             return [m.querySelector('caption').innerText.trim(), heads, rows];",
            vec![],
        )
        .await?;
    ensure!(!value.is_null(), "no #check-matrix in the panel");
    Ok(serde_json::from_value(value)?)
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
