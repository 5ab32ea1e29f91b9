//! The bridge's HTTP API: the sandbox's address, the mailbox, the recorded sessions and
//! the live events. Requests go to the server that served the page; results arrive
//! through a `Callback`, errors as text.
//! Whether `/api/sandbox` answers is also how the page finds out if a bridge is there at
//! all: a static file server answers 404 (or its index page), which is not the API.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;
use yew::platform::spawn_local;

use protocol::lesson::{IndexEntry, parse_index};
use protocol::records::rules::page::{self, PageRules};
use protocol::records::session::{SessionDetail, SessionList, SessionSummary};

use crate::sandbox::{self, MessageDetail, MessageSummary, SandboxInfo};
use crate::sessions;
use crate::vocab::Failure;

/// `fetch(path)` (or the request `asked` for it before) and the answer's text, an error
/// status as an error. The browser's
/// `fetch` directly: gloo-net's request builder and error types came to about 2 KB of the
/// bundle for these plain GETs.
async fn get(path: &str, asked: Option<js_sys::Promise>) -> Result<String, String> {
    match answer_of(path, asked).await? {
        (200..=299, text) => Ok(text),
        (status, _) => Err(format!("{path}: HTTP {status}")),
    }
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

/// Fetches the lessons' index (`lessons/index.txt` beside the page; a static server
/// serves it too, so the simulator gets lessons).
pub fn fetch_lesson_index(on_done: Callback<Result<Vec<IndexEntry>, ()>>) {
    fetch_text(
        "lessons/index.txt".to_owned(),
        Callback::from(move |text: Result<String, String>| {
            on_done.emit(text.ok().and_then(|t| parse_index(&t).ok()).ok_or(()));
        }),
    );
}

/// Fetches lesson `id`'s file, read by the state.
pub fn fetch_lesson(id: &str, on_done: Callback<Result<String, ()>>) {
    fetch_text(
        format!("lessons/{id}.lesson"),
        Callback::from(move |text: Result<String, String>| {
            // A server that answers every path with the page (the bridge's single-page
            // fallback) has no such lesson.
            on_done.emit(
                text.ok()
                    .filter(|t| !t.trim_start().starts_with('<'))
                    .ok_or(()),
            );
        }),
    );
}

/// Fetches `path` and hands over its text: the one `async` task of every API request
/// (written inside the generic [`fetch`], its state machine came into the page's
/// WebAssembly once per answer type).
fn fetch_text(path: String, on_text: Callback<Result<String, String>>) {
    spawn_local(async move { on_text.emit(get(&path, None).await) });
}

/// `fetch(path)`: the answer's status and text whatever the status, or the browser's
/// words when there was no answer.
async fn answer(path: &str) -> Result<(u16, String), String> {
    answer_of(path, None).await
}

/// [`answer`], of the request `asked` when one was started before.
async fn answer_of(path: &str, asked: Option<js_sys::Promise>) -> Result<(u16, String), String> {
    let asked = match asked {
        Some(asked) => asked,
        None => web_sys::window()
            .ok_or_else(|| "the page has no window".to_owned())?
            .fetch_with_str(path),
    };
    let response: web_sys::Response = JsFuture::from(asked)
        .await
        .map_err(describe)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// What a panel makes of an answer: its value read by `read`, or a [`Failure`] that
/// keeps the bridge's code and words apart from the page's sentence.
pub fn panel_result<T>(
    answer: Result<(u16, String), String>,
    read: fn(&str) -> Result<T, protocol::records::ShapeError>,
) -> Result<T, Failure> {
    let (status, text) = answer.map_err(Failure::Network)?;
    if (200..300).contains(&status) {
        return read(&text).map_err(|err| Failure::Shape(err.to_string()));
    }
    // The API's refusals are `{"error": "...", "code": "..."}`; anything else is kept
    // out of the sentence (an HTML error page says nothing to a person here).
    let json = protocol::json::parse(&text).ok();
    let member = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name).as_str())
            .map(str::to_owned)
    };
    Err(Failure::Status {
        status,
        code: member("code"),
        message: member("error").unwrap_or_default(),
    })
}

/// Fetches `path` for a panel; see [`panel_result`].
pub fn fetch_panel<T: 'static>(
    path: String,
    read: fn(&str) -> Result<T, protocol::records::ShapeError>,
    on_done: Callback<Result<T, Failure>>,
) {
    spawn_local(async move { on_done.emit(panel_result(answer(&path).await, read)) });
}

/// `domain` made safe for a query string.
pub fn query_value(domain: &str) -> String {
    String::from(js_sys::encode_uri_component(domain))
}

thread_local! {
    /// The `/api/sandbox` request [`ask_sandbox`] started, until [`fetch_sandbox`] takes it.
    static SANDBOX_ASKED: std::cell::RefCell<Option<js_sys::Promise>> = const { std::cell::RefCell::new(None) };
}

/// The sandbox's address is what the page's first session waits for, so `main` asks for
/// it before the app's first render (which takes tens of milliseconds on a cold start)
/// and [`fetch_sandbox`] takes the answer from there.
pub fn ask_sandbox() {
    if let Some(window) = web_sys::window() {
        let asked = window.fetch_with_str(SANDBOX);
        SANDBOX_ASKED.with(|slot| *slot.borrow_mut() = Some(asked));
    }
}

/// Where the bridge says whether it runs a sandbox, and where.
const SANDBOX: &str = "/api/sandbox";

/// Fetches `/api/sandbox` (or takes the request [`ask_sandbox`] started): the sandbox, or
/// why there is no bridge API here.
pub fn fetch_sandbox(on_done: Callback<Result<SandboxInfo, String>>) {
    let asked = SANDBOX_ASKED.with(|slot| slot.borrow_mut().take());
    spawn_local(async move {
        let text = get(SANDBOX, asked).await;
        on_done
            .emit(text.and_then(|text| sandbox::parse_info(&text).map_err(|err| err.to_string())));
    });
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

/// Fetches `/api/sessions`.
pub fn fetch_sessions(on_done: Callback<Result<SessionList, String>>) {
    fetch("/api/sessions".to_owned(), sessions::parse_list, on_done);
}

/// Fetches `/api/sessions/{id}`.
pub fn fetch_session(id: u64, on_done: Callback<Result<SessionDetail, String>>) {
    fetch(
        format!("/api/sessions/{id}"),
        sessions::parse_detail,
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

/// What the page does with each event of `/api/events`.
#[derive(Debug)]
pub struct EventHandlers {
    /// `message`: the mailbox changed.
    pub mailbox: Callback<()>,
    /// `session`: a session started or changed; its list entry.
    pub session: Callback<SessionSummary>,
    /// The stream opened (again), lost events (`resync`) or the mailbox was emptied
    /// (`cleared`): everything shown may be out of date.
    pub resync: Callback<()>,
}

/// The live updates (`GET /api/events`, Server-Sent Events) while it is alive; dropping
/// it closes the stream and frees the listener.
#[derive(Debug)]
pub struct Events {
    source: web_sys::EventSource,
    _listeners: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

/// Opens `/api/events`; `None` when the browser cannot (no `EventSource`).
pub fn watch_events(handlers: EventHandlers) -> Option<Events> {
    let source = web_sys::EventSource::new("/api/events").ok()?;
    let EventHandlers {
        mailbox,
        session,
        resync,
    } = handlers;
    let on_mailbox = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| mailbox.emit(()));
    let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| resync.emit(()));
    let on_session = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let data = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|e| e.data().as_string());
        // An event this page cannot read is left out; the next `open` or `resync`
        // fetches the list whole.
        if let Some(summary) = data.and_then(|d| sessions::parse_event(&d).ok()) {
            session.emit(summary);
        }
    });
    let listen = |name: &str, listener: &Closure<dyn FnMut(web_sys::Event)>| {
        source
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .ok()
    };
    listen("message", &on_mailbox)?;
    listen("session", &on_session)?;
    for name in ["open", "resync", "cleared", "sessions-cleared"] {
        listen(name, &on_resync)?;
    }
    Some(Events {
        source,
        _listeners: [on_mailbox, on_session, on_resync],
    })
}

impl Drop for Events {
    fn drop(&mut self) {
        self.source.close();
    }
}
