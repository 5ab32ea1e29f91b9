//! A long session stays cheap in the page: after a few hundred lines each transcript line
//! is a handful of DOM nodes (an explanation's body is built only when its line is opened,
//! and goes away when it is closed), and a pasted body of 10,000 lines goes out in batches
//! and ends with its 250, the view at the newest line, an early block a placeholder until
//! it is scrolled to, a line of it explained when opened, every line in the page once the
//! background building is done (in blocks of 64) and in the export, in order, and the
//! message stored whole. Behaviour only: how fast is the page benchmark's
//! business.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;
use serde_json::json;

use super::{BUDGET, themed_screenshots_of};

/// The most DOM nodes (elements and text) a closed transcript line may take.
const NODES_PER_LINE: u64 = 15;

/// Lines per transcript block (`frontend::transcript::BLOCK_LINES`).
const BLOCK_LINES: u64 = 64;

/// The body lines of the big paste.
const BIG_BODY: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_session_keeps_each_line_small_and_explains_it_when_opened() -> anyhow::Result<()> {
    within(BUDGET, long_session()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_body_of_ten_thousand_lines_ends_with_its_250() -> anyhow::Result<()> {
    within(BUDGET, big_paste()).await
}

async fn long_session() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-long-transcript", async |browser| {
        let page = browser.page();
        browser.client().set_window_size(1280, 800).await?;
        page.open_on_the_sandbox(&format!("http://{}/", sandbox.http))
            .await?;
        start_message(page).await?;
        let body: String = (0..300)
            .map(|i| format!("line {i} of a long body\n"))
            .collect();
        let accepted = page.count(r#".line.server[data-code="250"]"#).await?;
        page.paste(&format!("Subject: long\n\n{body}.\n")).await?;
        page.wait_count(
            r#"#transcript .line.server[data-code="250"]"#,
            accepted + 1,
            "the 250 to the body's final dot",
        )
        .await?;
        for _ in 0..5 {
            page.send_command("NOOP", 250).await?;
        }

        // Every line is small, and no explanation is in the page before it is opened.
        let sizes = page
            .client()
            .execute(
                "const lines = Array.from(document.querySelectorAll('#transcript .line'));
                 const nodes = (line) => { const w = document.createTreeWalker(line);
                     let n = 1; while (w.nextNode()) n++; return n; };
                 const all = lines.map(nodes);
                 return { lines: lines.length, total: all.reduce((a, b) => a + b, 0),
                          max: Math.max(...all),
                          explained: document.querySelectorAll('#transcript .explain').length };",
                vec![],
            )
            .await?;
        let lines = sizes["lines"].as_u64().context("the line count")?;
        let total = sizes["total"].as_u64().context("the node count")?;
        let max = sizes["max"].as_u64().context("the largest line")?;
        ensure!(lines > 300, "the session is a few hundred lines: {sizes}");
        ensure!(
            max <= NODES_PER_LINE && total <= NODES_PER_LINE * lines,
            "at most {NODES_PER_LINE} DOM nodes per line: {sizes}"
        );
        ensure!(
            sizes["explained"] == json!(0),
            "no explanation is built before its line is opened: {sizes}"
        );

        // Opened, the 354's explanation shows, with its RFC as a link; closed, it goes.
        let dot = r#"#transcript .line.server[data-code="354"]"#;
        page.open_explanations(dot, true).await?;
        let opened = explanation(page, dot).await?;
        ensure!(
            opened["text"]
                .as_str()
                .is_some_and(|t| t.contains("A line with only a dot ends the message"))
                && opened["rfc"]
                    .as_str()
                    .is_some_and(|href| href.starts_with("https://www.rfc-editor.org/rfc/rfc5321")),
            "the opened 354 explains itself and links its RFC: {opened}"
        );
        page.select("#lang", "zh-CN").await?;
        poll_until("the opened explanation in Chinese", STEP, || async {
            let zh = explanation(page, dot).await?;
            Ok(zh["text"]
                .as_str()
                .is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
                .then_some(()))
        })
        .await?;
        page.select("#lang", "en").await?;
        // The opened line in view, among closed ones, in both themes, sizes and languages.
        themed_screenshots_of(
            browser,
            "browser-long-transcript",
            &[
                ("en", "#tab-terminal", "Terminal"),
                ("zh-CN", "#tab-terminal", "终端"),
            ],
            Some(dot),
        )
        .await?;
        page.client()
            .execute(
                "const all = document.querySelectorAll(arguments[0]);
                 all[all.length - 1].querySelector('details').open = false;",
                vec![json!(dot)],
            )
            .await?;
        poll_until("the closed explanation gone", STEP, || async {
            let closed = explanation(page, dot).await?;
            Ok(closed["text"].is_null().then_some(()))
        })
        .await
    })
    .await
}

/// EHLO, MAIL, RCPT and DATA, each answered.
async fn start_message(page: Page<'_>) -> anyhow::Result<()> {
    page.send_command("EHLO me", 250).await?;
    page.send_command("MAIL FROM:<long@example.org>", 250)
        .await?;
    page.send_command("RCPT TO:<reader@example.net>", 250)
        .await?;
    page.send_command("DATA", 354).await?;
    Ok(())
}

/// The text of the last line matching `css`'s explanation (null when not built) and the
/// address of its RFC link.
async fn explanation(page: Page<'_>, css: &str) -> anyhow::Result<serde_json::Value> {
    Ok(page
        .client()
        .execute(
            "const all = document.querySelectorAll(arguments[0]);
             const body = all[all.length - 1].querySelector('.explain');
             const link = body && body.querySelector('a[href]');
             return { text: body ? body.textContent : null, rfc: link ? link.href : null };",
            vec![json!(css)],
        )
        .await?)
}

/// Every `body line NNNNN` of the big paste is among `texts`, once, in order.
fn ensure_every_body_line(texts: &[String], place: &str) -> anyhow::Result<()> {
    let numbers: Vec<usize> = texts
        .iter()
        .filter_map(|t| t.strip_prefix("body line ")?.parse().ok())
        .collect();
    ensure!(
        numbers.len() == BIG_BODY && numbers.iter().enumerate().all(|(i, &n)| i == n),
        "every body line {place}, in order: {} lines, first {:?}, last {:?}",
        numbers.len(),
        numbers.first(),
        numbers.last()
    );
    Ok(())
}

async fn big_paste() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-big-paste", async |browser| {
        let page = browser.page();
        browser.client().set_window_size(1280, 800).await?;
        page.open_on_the_sandbox(&format!("http://{}/", sandbox.http))
            .await?;
        start_message(page).await?;
        let body: String = (0..BIG_BODY)
            .map(|i| format!("body line {i:05}\n"))
            .collect();
        page.paste(&format!("Subject: big\n\n{body}.\n")).await?;
        // The whole body goes out, then the 250 comes: a minute at most, bounded.
        poll_until(
            "the 250 to the final dot of 10,000 lines",
            std::time::Duration::from_secs(60),
            || async {
                let last = page
                    .client()
                    .execute(
                        "const all = document.querySelectorAll('#transcript .line');
                         const line = all[all.length - 1];
                         return line ? line.dataset.code || '' : '';",
                        vec![],
                    )
                    .await?;
                Ok((last == json!("250")).then_some(()))
            },
        )
        .await?;
        ensure!(
            !page.exists(".queued").await?,
            "nothing is left in the queue"
        );
        // The view follows the newest line.
        poll_until("the transcript scrolled to its end", STEP, || async {
            let gap = page
                .client()
                .execute(
                    "const t = document.getElementById('transcript');
                     return t.scrollHeight - t.scrollTop - t.clientHeight;",
                    vec![],
                )
                .await?;
            Ok((gap.as_f64().is_some_and(|gap| gap < 4.0)).then_some(()))
        })
        .await?;
        // Right after the paste, an early block, far from the view, is still a light
        // placeholder (its lines are built when it nears the view, or in the background,
        // newest first); scrolled to, it becomes its lines.
        let early = page
            .client()
            .execute(
                "const t = document.getElementById('transcript');
                 const pending = t.querySelectorAll('.block.pending');
                 const line = Array.from(t.querySelectorAll('.line.client .text'))
                     .some((e) => e.textContent === 'body line 00100');
                 const second = t.querySelectorAll('.block')[1];
                 if (second) { second.id = 'early-block'; }
                 return { pending: pending.length, line,
                          placeholder: !!second && second.classList.contains('pending'),
                          height: second ? second.getBoundingClientRect().height : 0 };",
                vec![],
            )
            .await?;
        ensure!(
            early["placeholder"] == json!(true)
                && early["line"] == json!(false)
                && early["height"].as_f64().is_some_and(|h| h > 100.0),
            "an early block is a placeholder of some height right after the paste: {early}"
        );
        page.client()
            .execute(
                "document.getElementById('early-block')
                     .scrollIntoView({ block: 'start', behavior: 'instant' });",
                vec![],
            )
            .await?;
        poll_until("the early block built once scrolled to", STEP, || async {
            let built = page
                .client()
                .execute(
                    "const b = document.getElementById('early-block');
                     return !!b && !b.classList.contains('pending') && b.querySelectorAll('.line').length;",
                    vec![],
                )
                .await?;
            Ok((built.as_u64().is_some_and(|n| n > 0)).then_some(()))
        })
        .await?;
        // A line of that early block opens with its explanation.
        page.client()
            .execute(
                "const line = Array.from(document.querySelectorAll('#transcript .line.client'))
                     .find((l) => l.querySelector('.text').textContent === 'body line 00100');
                 line.id = 'early-line';
                 line.scrollIntoView({ block: 'center', behavior: 'instant' });",
                vec![],
            )
            .await?;
        page.open_explanations("#early-line", true).await?;
        let opened = explanation(page, "#early-line").await?;
        ensure!(
            opened["text"]
                .as_str()
                .is_some_and(|t| t.contains("A line holding a single dot ends it"))
                && opened["rfc"]
                    .as_str()
                    .is_some_and(|href| href.starts_with("https://www.rfc-editor.org/rfc/rfc5322")),
            "the early body line explains itself and links its RFC: {opened}"
        );
        // Looked at: a long transcript scrolled to the middle (the early line opened) while
        // the background still builds, then at its end, in both themes, sizes and languages.
        themed_screenshots_of(
            browser,
            "browser-big-paste-middle",
            &[
                ("en", "#tab-terminal", "Terminal"),
                ("zh-CN", "#tab-terminal", "终端"),
            ],
            Some("#early-line"),
        )
        .await?;
        // In the background, every block gets built: a minute at most, bounded.
        poll_until(
            "every block built in the background",
            std::time::Duration::from_secs(60),
            || async {
                let pending = page
                    .client()
                    .execute(
                        "return document.querySelectorAll('#transcript .block.pending').length;",
                        vec![],
                    )
                    .await?;
                Ok((pending == json!(0)).then_some(()))
            },
        )
        .await?;
        // Every body line is in the page, in order and without a gap, up to the dot; in
        // blocks of at most 64 lines, each line a handful of nodes.
        let shown = page
            .client()
            .execute(
                "const t = document.getElementById('transcript');
                 const sent = Array.from(t.querySelectorAll('.line.client .text'), (e) => e.textContent);
                 const blocks = Array.from(t.querySelectorAll('.block'), (b) => b.querySelectorAll('.line').length);
                 const w = document.createTreeWalker(t); let nodes = 0; while (w.nextNode()) nodes++;
                 return { sent, blocks, nodes, lines: t.querySelectorAll('.line').length };",
                vec![],
            )
            .await?;
        let sent: Vec<String> = serde_json::from_value(shown["sent"].clone())?;
        let blocks: Vec<u64> = serde_json::from_value(shown["blocks"].clone())?;
        let lines = shown["lines"].as_u64().context("the line count")?;
        let nodes = shown["nodes"].as_u64().context("the node count")?;
        ensure!(
            sent.last().map(String::as_str) == Some("."),
            "the final dot is the last line sent"
        );
        ensure_every_body_line(&sent, "in the page")?;
        // The tests' text reader sees the lines scrolled out of view too: the browser skips
        // their rendering (`content-visibility: auto`), which empties their `innerText`.
        let read = page.texts("#transcript .line.client .text").await?;
        let differ = read.iter().zip(&sent).filter(|(r, s)| r != s).count();
        ensure!(
            read.len() == sent.len() && differ == 0,
            "the text reader agrees with the page's text: {differ} of {} lines differ",
            sent.len()
        );
        ensure!(
            blocks.iter().sum::<u64>() == lines
                && blocks.iter().all(|&n| n <= BLOCK_LINES)
                && blocks.len() as u64 >= lines / BLOCK_LINES,
            "every line is in a block of at most {BLOCK_LINES}: {} blocks for {lines} lines",
            blocks.len()
        );
        ensure!(
            nodes <= NODES_PER_LINE * lines,
            "at most {NODES_PER_LINE} DOM nodes per line: {nodes} for {lines} lines"
        );
        page.send_command("NOOP", 250).await?;
        themed_screenshots_of(
            browser,
            "browser-big-paste-end",
            &[
                ("en", "#tab-terminal", "Terminal"),
                ("zh-CN", "#tab-terminal", "终端"),
            ],
            None,
        )
        .await?;
        // The text export holds every line too, in order.
        page.click("#export-text").await?;
        let export = poll_until("the text export shown", STEP, || async {
            let export = page
                .client()
                .execute(
                    "const out = document.getElementById('export-output');
                     return out && out.value ? out.value : null;",
                    vec![],
                )
                .await?;
            Ok(export.as_str().map(str::to_owned))
        })
        .await?;
        let exported: Vec<String> = export
            .lines()
            .filter_map(|l| Some(l[l.find("body line ")?..].trim_end().to_owned()))
            .collect();
        ensure_every_body_line(&exported, "in the text export")?;
        anyhow::Ok(())
    })
    .await?;
    // The sandbox stored the message whole.
    let list = e2e::sandbox::wait_for_messages(sandbox.http, 1).await;
    let raw = String::from_utf8(e2e::sandbox::raw_message(sandbox.http, list[0].id).await)?;
    let stored = raw
        .split("\r\n")
        .filter(|l| l.starts_with("body line "))
        .count();
    ensure!(
        stored == BIG_BODY && raw.contains("body line 09999\r\n"),
        "the sandbox stored all {BIG_BODY} body lines: {stored}"
    );
    Ok(())
}
