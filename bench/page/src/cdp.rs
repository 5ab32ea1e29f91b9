//! Chrome DevTools Protocol commands through chromedriver (its `goog/cdp/execute`
//! endpoint), for what WebDriver cannot do: run the probe before the page's own scripts,
//! empty the HTTP cache before a cold navigation, and read the renderer's main-thread
//! counters (`Performance.getMetrics`).

use anyhow::Context;
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

/// One CDP method call with its parameters.
#[derive(Debug)]
struct Execute {
    body: Value,
}

impl WebDriverCompatibleCommand for Execute {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Calls the CDP method `cmd` with `params` and returns its result.
///
/// # Errors
///
/// When chromedriver or Chromium refuses the call.
pub(crate) async fn call(client: &Client, cmd: &str, params: Value) -> anyhow::Result<Value> {
    client
        .issue_cmd(Execute {
            body: json!({ "cmd": cmd, "params": params }),
        })
        .await
        .with_context(|| format!("CDP {cmd}"))
}

/// Runs `source` in every document this tab opens from now on, before its own scripts.
///
/// # Errors
///
/// As [`call`].
pub(crate) async fn on_every_document(client: &Client, source: &str) -> anyhow::Result<()> {
    call(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await
    .map(drop)
}

/// Empties the browser's HTTP cache (and so the compiled wasm cached beside it): the next
/// navigation is cold.
///
/// # Errors
///
/// As [`call`].
pub(crate) async fn clear_cache(client: &Client) -> anyhow::Result<()> {
    call(client, "Network.clearBrowserCache", json!({}))
        .await
        .map(drop)
}

/// Starts the renderer's counters (`Performance.enable`) in the current tab.
///
/// # Errors
///
/// As [`call`].
pub(crate) async fn enable_metrics(client: &Client) -> anyhow::Result<()> {
    call(client, "Performance.enable", json!({}))
        .await
        .map(drop)
}

/// The renderer's main-thread counters now, in milliseconds: time in tasks, in script, in
/// layout and in style recalculation, since the tab opened (`Performance.getMetrics`,
/// which counts in seconds). Differences between two readings are CPU time of the main
/// thread: unlike a wall-clock time, they do not grow while the thread waits for a core.
///
/// # Errors
///
/// As [`call`], or when a counter is missing.
pub(crate) async fn main_thread(client: &Client) -> anyhow::Result<MainThread> {
    let value = call(client, "Performance.getMetrics", json!({})).await?;
    let metrics = value["metrics"]
        .as_array()
        .context("Performance.getMetrics without metrics")?;
    let get = |name: &str| -> anyhow::Result<f64> {
        metrics
            .iter()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .map(|seconds| seconds * 1000.0)
            .with_context(|| format!("no {name} in Performance.getMetrics"))
    };
    Ok(MainThread {
        task: get("TaskDuration")?,
        script: get("ScriptDuration")?,
        layout: get("LayoutDuration")?,
        style: get("RecalcStyleDuration")?,
    })
}

/// The renderer's main-thread counters, ms (see [`main_thread`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MainThread {
    /// All tasks.
    pub(crate) task: f64,
    /// JavaScript and wasm.
    pub(crate) script: f64,
    /// Layout.
    pub(crate) layout: f64,
    /// Style recalculation.
    pub(crate) style: f64,
}

impl std::ops::Sub for MainThread {
    type Output = Self;

    fn sub(self, before: Self) -> Self {
        Self {
            task: self.task - before.task,
            script: self.script - before.script,
            layout: self.layout - before.layout,
            style: self.style - before.style,
        }
    }
}
