//! A block of a transcript: up to `BLOCK_LINES` consecutive lines in one `div.block`, the
//! one component the lines have. Every block but the newest is complete and never
//! changes, and its props compare by pointer, so a new line costs Yew one pointer
//! comparison per older block and the update of the newest block's few lines: the same at
//! any transcript length. Every line stays in the DOM (find in page, selection and copy
//! work over the whole session); the stylesheet's `content-visibility: auto` on `.block`
//! lets the browser skip the layout and paint of the blocks out of view.
//!
//! The lines themselves are plain functions (`transcript_line::line`); which of them are
//! open (their explanation's body built) is the block's own state.

use std::rc::Rc;

use protocol::lang::Lang;
use yew::prelude::*;

use crate::components::block_builder;
use crate::components::transcript_line::{Toggle, line};
use crate::transcript::{Block, Transcript};

/// The lines `transcript` shows (those since Ctrl+L), in blocks, as one list of their own
/// in which every child has a key. Yew diffs a list whose children are not all keyed
/// position by position from its end, so a block added beside another child (the
/// terminal's hint) would shift every block one place and build the whole transcript
/// anew; in a keyed list of its own, the complete blocks compare equal (the same `Rc`) and
/// are skipped.
pub fn blocks(transcript: &Transcript, lang: Lang) -> Html {
    list(transcript, lang, false)
}

/// [`blocks`], with the complete blocks far from the view built later (the terminal's
/// transcript, the only one that grows while shown: see `block_builder`).
pub fn lazy_blocks(transcript: &Transcript, lang: Lang) -> Html {
    list(transcript, lang, true)
}

fn list(transcript: &Transcript, lang: Lang, lazy: bool) -> Html {
    let from = transcript.shown_from();
    let newest = transcript.last_id();
    transcript
        .shown_blocks()
        .map(|block| {
            // The newest block is always built: it is where lines arrive and the view is.
            let eager = !lazy || block.entries().last().map(|e| e.id) == newest;
            html! { <TranscriptBlock key={block.first_id()} block={Rc::clone(block)} {from} {lang} {eager} /> }
        })
        .collect()
}

/// Props of [`TranscriptBlock`].
#[derive(Debug, Properties)]
pub struct TranscriptBlockProps {
    /// Its lines.
    pub block: Rc<Block>,
    /// The first entry id shown (Ctrl+L hides the lines before).
    pub from: u64,
    /// The language.
    pub lang: Lang,
    /// Built now, rather than when it nears the view or its background turn comes.
    pub eager: bool,
}

impl PartialEq for TranscriptBlockProps {
    /// By pointer: a block's content changes only through a new `Rc`.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.block, &other.block)
            && self.from == other.from
            && self.lang == other.lang
            && self.eager == other.eager
    }
}

/// See the module documentation.
#[component]
pub fn TranscriptBlock(props: &TranscriptBlockProps) -> Html {
    // The ids of the lines whose explanation is open.
    let opened = use_mut_ref(Vec::<u64>::new);
    let redraw = use_force_update();
    // Once built (eager once, near the view, or its background turn), built for good.
    let built = use_mut_ref(|| false);
    if props.eager {
        *built.borrow_mut() = true;
    }
    let is_built = *built.borrow();
    let placeholder = use_node_ref();
    {
        let id = props.block.first_id();
        let placeholder = placeholder.clone();
        let build = {
            let built = built.clone();
            let redraw = redraw.clone();
            Callback::from(move |()| {
                *built.borrow_mut() = true;
                redraw.force_update();
            })
        };
        use_effect_with((is_built, id), move |&(is_built, id)| {
            let element = placeholder.cast::<web_sys::Element>();
            if !is_built && let Some(element) = &element {
                block_builder::wait(id, element, build);
            }
            move || block_builder::forget(id, element.as_ref())
        });
    }
    if !is_built {
        let shown = props
            .block
            .entries()
            .iter()
            .filter(|entry| entry.id >= props.from)
            .count();
        let block = props.block.first_id().to_string();
        return html! {
            <div class="block pending" ref={placeholder} style={format!("--lines: {shown}")}
                data-block={block} aria-hidden="true"></div>
        };
    }
    let lang = props.lang;
    // A keyed list of its own: a line added to the newest block is one new line.
    let lines: Html = props
        .block
        .entries()
        .iter()
        .filter(|entry| entry.id >= props.from)
        .map(|entry| {
            let id = entry.id;
            let ontoggle = {
                let opened = opened.clone();
                let redraw = redraw.clone();
                Callback::from(move |e: Event| {
                    let Some(details) = e.target_dyn_into::<web_sys::Element>() else {
                        return;
                    };
                    let open = details.has_attribute("open");
                    let mut list = opened.borrow_mut();
                    if open != list.contains(&id) {
                        if open {
                            list.push(id);
                        } else {
                            list.retain(|&other| other != id);
                        }
                        drop(list);
                        redraw.force_update();
                    }
                })
            };
            let toggle = Toggle {
                open: opened.borrow().contains(&id),
                ontoggle,
            };
            line(entry, lang, &toggle)
        })
        .collect();
    html! { <div class="block">{ lines }</div> }
}
