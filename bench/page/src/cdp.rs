//! Chrome DevTools Protocol commands through chromedriver (its `goog/cdp/execute`
//! endpoint), for what WebDriver cannot do: run the probe before the page's own scripts,
//! and empty the HTTP cache before a cold navigation.

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
