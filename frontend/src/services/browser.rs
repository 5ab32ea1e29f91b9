//! The browser around the page: remembered preferences (localStorage), the browser's
//! language and colour scheme, the clipboard, the document's `lang` and theme attributes,
//! and a clock. Every function degrades to a default when the API is missing (old
//! browsers, storage disabled), because none of them is essential.

use protocol::lang::Lang;
use wasm_bindgen::JsCast;

use crate::vocab::Theme;

const LANG_KEY: &str = "smtp-playground.lang";
const THEME_KEY: &str = "smtp-playground.theme";
/// The lesson picked last; each lesson's progress is under this key, `.` and its id.
const LESSON_KEY: &str = "smtp-playground.lesson";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language remembered, else the browser's (`navigator.language`), else English.
pub fn initial_lang() -> Lang {
    if let Some(tag) = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()) {
        return Lang::from_tag(&tag);
    }
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |tag| Lang::from_tag(&tag))
}

/// The theme remembered, else the system's preference, else dark.
pub fn initial_theme() -> Theme {
    if let Some(theme) = storage()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .and_then(|name| Theme::from_name(&name))
    {
        return theme;
    }
    let light = web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-color-scheme: light)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches());
    if light { Theme::Light } else { Theme::Dark }
}

/// Remembers the language, sets `<html lang>` (so screen readers pronounce it right) and
/// the window title in it.
pub fn apply_lang(lang: Lang) {
    if let Some(storage) = storage() {
        // Storage can be full or disabled; the choice then lasts for this page only.
        let _ = storage.set_item(LANG_KEY, lang.tag());
    }
    if let Some(root) = document_element() {
        let _ = root.set_attribute("lang", lang.tag());
    }
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(crate::i18n::ui(lang).title);
    }
}

/// Remembers the theme and sets `<html data-theme>`, which the stylesheet follows.
pub fn apply_theme(theme: Theme) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(THEME_KEY, theme.as_str());
    }
    if let Some(root) = document_element() {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

fn document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Copies `text` to the clipboard; returns whether the browser offered to (the copy itself
/// finishes asynchronously, and pages served over plain HTTP from elsewhere than
/// localhost have no clipboard).
pub fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // The promise is dropped: a failed copy leaves the text selectable in the export box.
    let _ = window.navigator().clipboard().write_text(text);
    true
}

/// Milliseconds since the page started (`performance.now()`), for line times.
pub fn now_ms() -> Option<f64> {
    Some(web_sys::window()?.performance()?.now())
}

/// Runs `then` in a task of its own (`setTimeout` 0), so work split in parts lets the
/// browser take input and paint between them. Not `requestAnimationFrame`: a hidden tab
/// runs no frames, and a paste would stop there until the learner came back (timers only
/// slow down). Runs it now when there is no window (never in a page).
pub fn after_yield(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return then();
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(then);
    // Setting a timer cannot fail in a page; the id is not needed (a stale callback
    // checks whether it is still wanted).
    let _ = window.set_timeout_with_callback(callback.unchecked_ref());
}

/// Runs `then` once the next frame is painted and the one after it has begun
/// (`requestAnimationFrame` twice, then a task of its own), so work that can wait neither
/// holds back what is on its way to the screen nor runs before whatever else waited for
/// that frame. A hidden tab paints no frames: `then` runs when it is shown. Runs it now
/// when there is no window (never in a page).
pub fn after_paint(then: impl FnOnce() + 'static) {
    on_frame(move || on_frame(move || after_yield(then)));
}

/// Runs `then` in the next `requestAnimationFrame` callback, or now without a window.
fn on_frame(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return then();
    };
    let frame = wasm_bindgen::closure::Closure::once_into_js(then);
    // Asking for a frame cannot fail in a page; the id is not needed.
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// The current time as RFC 3339 in UTC (`Date.toISOString()`), for the simulator's
/// mailbox.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Marks a moment of the page's start for the Performance API
/// (`performance.getEntriesByName(name)`): `smtp-playground-interactive` when the terminal
/// is mounted, `smtp-playground-settled` when the rest of the page may start (after the
/// greeting is painted).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Puts the keyboard focus on the command line (after choosing a lesson example).
pub fn focus_command() {
    use wasm_bindgen::JsCast;
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("command"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = input.focus();
    }
}

/// Scrolls the element `id` into view (an opened session, below its list).
pub fn scroll_to(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        element.scroll_into_view();
    }
}

/// The lesson the page opens with: the link's `#lesson=<id>`, else the one picked last.
pub fn initial_lesson() -> Option<String> {
    hash()
        .as_deref()
        .and_then(crate::lesson::from_fragment)
        .or_else(|| storage()?.get_item(LESSON_KEY).ok().flatten())
}

/// Remembers the lesson picked, for the next visit.
pub fn remember_lesson(id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(LESSON_KEY, id);
    }
}

/// The progress kept for lesson `id` ([`Progress::encode`](protocol::lesson::Progress::encode)).
pub fn stored_progress(id: &str) -> Option<String> {
    storage()?
        .get_item(&format!("{LESSON_KEY}.{id}"))
        .ok()
        .flatten()
}

/// Keeps the progress of lesson `id`.
pub fn store_progress(id: &str, progress: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&format!("{LESSON_KEY}.{id}"), progress);
    }
}

/// Brings the element `id` into view inside the side column, when that column scrolls on
/// its own (a wide screen): only the column moves, never the terminal. Returns whether
/// the element's top is now in the window; `false` on a phone, where the whole page
/// scrolls and jumping away from the terminal is the reader's choice, not the page's.
pub fn reveal_in_side(id: &str) -> bool {
    let Some((window, element)) = web_sys::window().and_then(|w| {
        let element = w.document()?.get_element_by_id(id)?;
        Some((w, element))
    }) else {
        return false;
    };
    let Some(side) = element.closest(".side").ok().flatten() else {
        return false;
    };
    if side.scroll_height() > side.client_height() {
        let offset =
            element.get_bounding_client_rect().top() - side.get_bounding_client_rect().top();
        if offset < 0.0 || offset > f64::from(side.client_height()) / 2.0 {
            // Its top a little below the column's top: the panel above it still peeks in.
            side.set_scroll_top(side.scroll_top() + offset.round() as i32 - 8);
        }
    }
    let top = element.get_bounding_client_rect().top();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or_default();
    top >= 0.0 && top < height - 40.0
}

/// The page's `location.hash`, e.g. `#transcript=...`.
pub fn hash() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

/// Calls `on_change` with the new `location.hash` each time it changes in this tab (a
/// teacher's `#lesson=` link pasted into an open page, the back button) while it is
/// alive; dropping it removes the listener.
#[derive(Debug)]
pub struct HashWatch {
    window: web_sys::Window,
    listener: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

/// Starts a [`HashWatch`]; `None` without a window.
pub fn watch_hash(on_change: yew::Callback<String>) -> Option<HashWatch> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Some(hash) = hash() {
            on_change.emit(hash);
        }
    });
    window
        .add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref())
        .ok()?;
    Some(HashWatch { window, listener })
}

impl Drop for HashWatch {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        let _ = self.window.remove_event_listener_with_callback(
            "hashchange",
            self.listener.as_ref().unchecked_ref(),
        );
    }
}

/// This page's address (without its fragment) with `fragment` appended after `#`.
pub fn link_with_fragment(fragment: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default();
    format!("{base}#{fragment}")
}
