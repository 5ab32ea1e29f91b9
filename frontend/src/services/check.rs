//! The server check through the bridge: `GET /api/check?target=…[&port=…]` as Server-Sent Events,
//! one event per `protocol::records::check` event (named by its `type`), turned into
//! [`CheckStep`]s while the returned [`CheckStream`] is alive.
//!
//! The stream is closed as soon as the check says `done` or `error`: an `EventSource`
//! left open would connect again when the bridge ends the response, and run the check
//! a second time.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::Callback;

use crate::check::{self, CheckStep};
use crate::services::api::query_value;
use crate::state::CheckTarget;
use crate::vocab::Failure;

/// The events of the check's stream, by name.
const EVENTS: [&str; 5] = ["host-started", "line", "host-finished", "done", "error"];

/// A running check's event stream; dropping it closes the stream (and the bridge stops
/// the check when its client goes away).
#[derive(Debug)]
pub struct CheckStream {
    source: web_sys::EventSource,
    _listener: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for CheckStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The path that starts a check of `target`.
pub fn path(target: &CheckTarget) -> String {
    format!("/api/check?{}", target.query(query_value))
}

/// Starts the check of `target`; its events arrive through `on_step`. `None` when the
/// browser cannot open the stream (it says so through `on_step`).
pub fn start(target: &CheckTarget, on_step: Callback<CheckStep>) -> Option<CheckStream> {
    let Ok(source) = web_sys::EventSource::new(&path(target)) else {
        on_step.emit(CheckStep::Failed(Failure::Network(
            "the browser could not open the event stream".into(),
        )));
        return None;
    };
    let closer = source.clone();
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let data = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|e| e.data().as_string());
        let step = match data {
            // The stream itself failed (no bridge, a refusal before the stream began, or
            // the connection dropped): the browser says nothing more than that.
            None => CheckStep::Failed(Failure::Network("the check's event stream closed".into())),
            Some(data) => match check::read_event(&data) {
                Ok(event) => match check::step(event) {
                    Some(step) => step,
                    None => return,
                },
                Err(err) => CheckStep::Failed(Failure::Shape(err.to_string())),
            },
        };
        if matches!(step, CheckStep::Done(_) | CheckStep::Failed(_)) {
            closer.close();
        }
        on_step.emit(step);
    });
    for name in EVENTS {
        source
            .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
            .ok()?;
    }
    Some(CheckStream {
        source,
        _listener: listener,
    })
}
