//! The bridge's HTTP API: the sandbox's address and the mailbox. Requests go to the
//! server that served the page; results arrive through a `Callback`, errors as text.
//! Whether `/api/sandbox` answers is also how the page finds out if a bridge is there at
//! all: a static file server answers 404 (or its index page), which is not the API.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;
use yew::platform::spawn_local;

use protocol::records::rules::page::{self, PageRules};

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

/// Fetches `path` and reads its text with `read`.
fn fetch<T: 'static>(
    path: String,
    read: fn(&str) -> Result<T, sandbox::ApiError>,
    on_done: Callback<Result<T, String>>,
) {
    fetch_text(
        path,
        Callback::from(move |text: Result<String, String>| {
            on_done.emit(text.and_then(|text| read(&text).map_err(|err| err.to_string())));
        }),
    );
}

/// Fetches `path` and hands over its text: the one `async` task of every API request
/// (written inside the generic [`fetch`], its state machine came into the page's
/// WebAssembly once per answer type).
fn fetch_text(path: String, on_text: Callback<Result<String, String>>) {
    spawn_local(async move { on_text.emit(get(&path).await) });
}

/// Fetches `/api/sandbox`: the sandbox, or why there is no bridge API here.
pub fn fetch_sandbox(on_done: Callback<Result<SandboxInfo, String>>) {
    fetch("/api/sandbox".to_owned(), sandbox::parse_info, on_done);
}

/// Fetches `/api/messages`.
pub fn fetch_messages(on_done: Callback<Result<Vec<MessageSummary>, String>>) {
    fetch("/api/messages".to_owned(), sandbox::parse_messages, on_done);
}

/// Fetches `/api/messages/{id}`.
pub fn fetch_message(id: u64, on_done: Callback<Result<MessageDetail, String>>) {
    fetch(
        format!("/api/messages/{id}"),
        sandbox::parse_detail,
        on_done,
    );
}

/// Fetches `/api/sandbox/rules`: the failure rules this page may edit.
pub fn fetch_rules(on_done: Callback<Result<PageRules, String>>) {
    fetch(
        "/api/sandbox/rules".to_owned(),
        |text| page::read(text).map_err(Into::into),
        on_done,
    );
}

/// `PUT /api/sandbox/rules` with `body` (`page::put_body`): the rules as the bridge now
/// has them, or its reason for refusing them.
pub fn put_rules(body: String, on_done: Callback<Result<PageRules, String>>) {
    spawn_local(async move {
        let answer = put("/api/sandbox/rules", &body).await;
        // A refusal is JSON too (`{"error": ...}`), which `page::read` returns as the error.
        on_done.emit(answer.and_then(|text| page::read(&text).map_err(|err| err.to_string())));
    });
}

/// `fetch(path, {method: "PUT", body})`: the answer's text, whatever its status.
async fn put(path: &str, body: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| "the page has no window".to_owned())?;
    let init = web_sys::RequestInit::new();
    init.set_method("PUT");
    init.set_body(&JsValue::from_str(body));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(describe)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(text.as_string().unwrap_or_default())
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
