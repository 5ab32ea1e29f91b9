//! The page greets first: it asks for the sandbox's address before its first render and
//! leaves the side panels, the lessons, the mailbox, the sessions and the rules until the
//! greeting is painted (`smtp-playground-settled`). Checked by what the page asked for and
//! when, by its own marks (the order is the app's, not a race), and by everything it put
//! off still arriving: the lesson a `#lesson=` link names, the mailbox, the sessions and
//! the rules editor.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::STEP;
use e2e::sandbox::start_sandbox;
use serde_json::Value;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_greeting_comes_first_and_the_rest_after_it() -> anyhow::Result<()> {
    within(BUDGET, greeting_first()).await
}

/// The requests put off until the greeting.
const LATER: [&str; 5] = [
    "/lessons/index.txt",
    "/lessons/pipelining.lesson",
    "/api/sandbox/rules",
    "/api/messages",
    "/api/sessions",
];

async fn greeting_first() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/#lesson=pipelining", sandbox.http);
    Browser::run("browser-greeting-first", async |browser| {
        let page = browser.page();
        browser.client().set_window_size(390, 844).await?;
        page.open_on_the_sandbox(&url).await?;
        // What the page put off arrives once the greeting is there: the linked lesson,
        // the mailbox, the sessions (this one among them) and the rules editor.
        page.wait_text("#lesson", "Pipelining").await?;
        page.wait_text("#mailbox", "No mail yet").await?;
        for panel in ["#sessions", "#rules"] {
            poll_until(panel, STEP, || async {
                Ok(page.exists(panel).await?.then_some(()))
            })
            .await?;
        }

        let timing = browser
            .client()
            .execute(
                "const at = (name) => performance.getEntriesByName(name).map(e => e.startTime);
                 const requests = {};
                 for (const r of performance.getEntriesByType('resource')) {
                   const path = new URL(r.name).pathname;
                   (requests[path] = requests[path] || []).push(r.startTime);
                 }
                 return { interactive: at('smtp-playground-interactive'),
                          settled: at('smtp-playground-settled'), requests };",
                vec![],
            )
            .await
            .context("reading the Performance API")?;
        let times = |value: &Value| -> Vec<f64> {
            value
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default()
        };
        let interactive = times(&timing["interactive"]);
        let settled = times(&timing["settled"]);
        ensure!(
            interactive.len() == 1 && settled.len() == 1,
            "one mark of each: {timing}"
        );
        ensure!(
            settled[0] >= interactive[0],
            "settled after the first render: {timing}"
        );
        let requests = &timing["requests"];
        let sandbox_asked = times(&requests["/api/sandbox"]);
        ensure!(
            sandbox_asked.len() == 1 && sandbox_asked[0] <= interactive[0],
            "/api/sandbox asked once, before the first render ended: {timing}"
        );
        for path in LATER {
            let asked = times(&requests[path]);
            ensure!(!asked.is_empty(), "{path} was asked for: {timing}");
            ensure!(
                asked.iter().all(|&t| t >= settled[0]),
                "{path} only after the greeting was painted: {timing}"
            );
        }
        Ok(())
    })
    .await
}
