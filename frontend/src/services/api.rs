//! The bridge's HTTP API: the sandbox's address and the mailbox. Requests go to the
//! server that served the page; results arrive through a `Callback`, errors as text.

use gloo_net::http::Request;
use yew::Callback;
use yew::platform::spawn_local;

use crate::sandbox::{self, MessageSummary, SandboxInfo};

async fn get(path: &str) -> Result<String, String> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|err| err.to_string())?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    response.text().await.map_err(|err| err.to_string())
}

/// Fetches `/api/sandbox`; a bridge without a sandbox API yields nothing.
pub fn fetch_sandbox(on_done: Callback<SandboxInfo>) {
    spawn_local(async move {
        if let Ok(info) = get("/api/sandbox")
            .await
            .and_then(|text| sandbox::parse_info(&text).map_err(|err| err.to_string()))
        {
            on_done.emit(info);
        }
    });
}

/// Fetches `/api/messages`.
pub fn fetch_messages(on_done: Callback<Result<Vec<MessageSummary>, String>>) {
    spawn_local(async move {
        let result = get("/api/messages")
            .await
            .and_then(|text| sandbox::parse_messages(&text).map_err(|err| err.to_string()));
        on_done.emit(result);
    });
}
