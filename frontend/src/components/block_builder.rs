//! When the terminal's complete transcript blocks get their lines built.
//!
//! Building a line's DOM costs Yew about a quarter of a millisecond, far more than
//! recording it, so a 10,000-line paste that built every line as it arrived spent seconds
//! in long tasks. A complete block that is not near the view is therefore first a light
//! placeholder (one element as tall as its lines are estimated to be, so the scrollbar is
//! right), and is built, once and for good:
//! - when it comes within one transcript height of the visible area (one
//!   `IntersectionObserver` for the list, rooted at the scrolling transcript);
//! - otherwise in the background, one block per idle slice (`requestIdleCallback`, or a
//!   task of its own where the browser has none; after 100 ms at the latest), the newest first (nearest the view, which
//!   follows the bottom), paused while a paste is going out, so that the whole transcript
//!   ends up in the DOM (find in page, selection, copy) without a long task.
//!
//! The blocks register here by their first entry id (unique in the one lazy list, the
//! terminal's) with what builds them; a block that is built or dropped unregisters.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{
    Element, IdleRequestOptions, IntersectionObserver, IntersectionObserverEntry,
    IntersectionObserverInit,
};
use yew::Callback;

use crate::services::browser::after_yield;

/// The longest a background slice waits for the page to be idle: a page kept busy (or a
/// loaded machine) still gets its whole transcript built, one block per task.
const IDLE_TIMEOUT_MS: u32 = 100;

/// The attribute of a placeholder that names its block (its first entry id).
pub const BLOCK_ATTRIBUTE: &str = "data-block";

thread_local! {
    static BUILDER: RefCell<Builder> = RefCell::new(Builder::default());
}

/// The observer of one transcript, with the closure it calls (kept alive with it).
struct Observer {
    root: Element,
    observer: IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

#[derive(Default)]
struct Builder {
    /// The placeholders waiting, by their block's first entry id, each with what builds it
    /// (a few hundred at most: a plain list is smaller in the bundle than a map).
    waiting: Vec<(u64, Callback<()>)>,
    observer: Option<Observer>,
    /// A background slice is scheduled.
    scheduled: bool,
    /// A paste is going out: the background waits for it.
    held: bool,
}

/// Registers the placeholder `element` of the block starting at entry `id`: `build` runs
/// when it nears the view or its background turn comes.
pub fn wait(id: u64, element: &Element, build: Callback<()>) {
    let root = element.closest(".transcript").ok().flatten();
    BUILDER.with(|builder| {
        let mut builder = builder.borrow_mut();
        builder.waiting.retain(|(other, _)| *other != id);
        builder.waiting.push((id, build));
        if let Some(root) = root {
            let same = builder
                .observer
                .as_ref()
                .is_some_and(|o| o.root.is_same_node(Some(&root)));
            if !same {
                if let Some(old) = builder.observer.take() {
                    old.observer.disconnect();
                }
                builder.observer = observer(root);
            }
            if let Some(o) = &builder.observer {
                o.observer.observe(element);
            }
        }
    });
    schedule();
}

/// Unregisters the block starting at entry `id` (built, or dropped from the page).
pub fn forget(id: u64, element: Option<&Element>) {
    BUILDER.with(|builder| {
        let mut builder = builder.borrow_mut();
        builder.waiting.retain(|(other, _)| *other != id);
        if let (Some(o), Some(element)) = (&builder.observer, element) {
            o.observer.unobserve(element);
        }
    });
}

/// Holds the background building while a paste goes out (`true`), resumes it after.
pub fn hold(held: bool) {
    BUILDER.with(|builder| builder.borrow_mut().held = held);
    if !held {
        schedule();
    }
}

/// An observer rooted at the transcript that builds a block as it comes within one
/// transcript height of the view.
fn observer(root: Element) -> Option<Observer> {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
        let near: Vec<u64> = entries
            .iter()
            .map(JsCast::unchecked_into::<IntersectionObserverEntry>)
            .filter(IntersectionObserverEntry::is_intersecting)
            .filter_map(|entry| entry.target().get_attribute(BLOCK_ATTRIBUTE)?.parse().ok())
            .collect();
        near.into_iter().for_each(build);
    });
    let options = IntersectionObserverInit::new();
    options.set_root(Some(&root));
    options.set_root_margin("100% 0px");
    let observer =
        IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok()?;
    Some(Observer {
        root,
        observer,
        _callback: callback,
    })
}

/// Builds the block starting at entry `id` if it still waits. The callback runs outside
/// the registry's borrow: the block's render unregisters it.
fn build(id: u64) {
    let build = BUILDER.with(|builder| {
        let mut builder = builder.borrow_mut();
        let at = builder.waiting.iter().position(|(other, _)| *other == id)?;
        Some(builder.waiting.swap_remove(at).1)
    });
    if let Some(build) = build {
        build.emit(());
    }
}

/// Schedules one background slice, unless one is scheduled, the background is held or
/// nothing waits.
fn schedule() {
    let go = BUILDER.with(|builder| {
        let mut builder = builder.borrow_mut();
        let go = !builder.scheduled && !builder.held && !builder.waiting.is_empty();
        builder.scheduled |= go;
        go
    });
    if !go {
        return;
    }
    let idle = web_sys::window().and_then(|window| {
        let slice = Closure::once_into_js(slice);
        let options = IdleRequestOptions::new();
        options.set_timeout(IDLE_TIMEOUT_MS);
        window
            .request_idle_callback_with_options(slice.unchecked_ref(), &options)
            .ok()
    });
    if idle.is_none() {
        after_yield(slice);
    }
}

/// One background slice: the newest waiting block is built, and the next slice scheduled.
fn slice() {
    let next = BUILDER.with(|builder| {
        let mut builder = builder.borrow_mut();
        builder.scheduled = false;
        if builder.held {
            return None;
        }
        builder.waiting.iter().map(|(id, _)| *id).max()
    });
    if let Some(id) = next {
        build(id);
    }
    schedule();
}
