//! The bridge's HTTP API: the sandbox's address and the mailbox. Requests go to the
//! server that served the page; results arrive through a `Callback`, errors as text.
//! Whether `/api/sandbox` answers is also how the page finds out if a bridge is there at
//! all: a static file server answers 404 (or its index page), which is not the API.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;
use yew::platform::spawn_local;

use crate::sandbox::{self, MessageDetail, MessageSummary, SandboxInfo};

/// `fetch(path)` and the answer's text. The browser's `fetch` directly: gloo-net's request
/// builder and error types came to about 2 KB of the bundle for these plain GETs.
async fn get(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| "the page has no window".to_owned())?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(text.as_string().unwrap_or_default())
}

/// Why a request failed, as the browser says it (`TypeError: Failed to fetch`).
fn describe(err: JsValue) -> String {
    err.dyn_ref::<js_sys::Error>().map_or_else(
        || "the request failed".to_owned(),
        |err| String::from(err.to_string()),
    )
}

/// Fetches `/api/sandbox`: the sandbox, or why there is no bridge API here.
pub fn fetch_sandbox(on_done: Callback<Result<SandboxInfo, String>>) {
    spawn_local(async move {
        let result = get("/api/sandbox")
            .await
            .and_then(|text| sandbox::parse_info(&text).map_err(|err| err.to_string()));
        on_done.emit(result);
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

/// Fetches `/api/messages/{id}`.
pub fn fetch_message(id: u64, on_done: Callback<Result<MessageDetail, String>>) {
    spawn_local(async move {
        let result = get(&format!("/api/messages/{id}"))
            .await
            .and_then(|text| sandbox::parse_detail(&text).map_err(|err| err.to_string()));
        on_done.emit(result);
    });
}

/// The mailbox's live updates (`GET /api/events`, Server-Sent Events) while it is alive:
/// every `message`, `cleared` and `resync` event calls `on_change`. Dropping it closes
/// the stream and frees the listener.
#[derive(Debug)]
pub struct MailboxEvents {
    source: web_sys::EventSource,
    _listener: Closure<dyn FnMut(web_sys::Event)>,
}

/// Opens `/api/events`; `None` when the browser cannot (no `EventSource`).
pub fn watch_mailbox(on_change: Callback<()>) -> Option<MailboxEvents> {
    let source = web_sys::EventSource::new("/api/events").ok()?;
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_change.emit(()));
    for name in ["message", "cleared", "resync"] {
        source
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .ok()?;
    }
    Some(MailboxEvents {
        source,
        _listener: listener,
    })
}

impl Drop for MailboxEvents {
    fn drop(&mut self) {
        self.source.close();
    }
}
