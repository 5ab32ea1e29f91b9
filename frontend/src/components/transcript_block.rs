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

use crate::components::transcript_line::{Toggle, line};
use crate::transcript::{Block, Transcript};

/// The lines `transcript` shows (those since Ctrl+L), in blocks, as one list of their own
/// in which every child has a key. Yew diffs a list whose children are not all keyed
/// position by position from its end, so a block added beside another child (the
/// terminal's hint) would shift every block one place and build the whole transcript
/// anew; in a keyed list of its own, the complete blocks compare equal (the same `Rc`) and
/// are skipped.
pub fn blocks(transcript: &Transcript, lang: Lang) -> Html {
    let from = transcript.shown_from();
    transcript
        .shown_blocks()
        .map(|block| html! { <TranscriptBlock key={block.first_id()} block={Rc::clone(block)} {from} {lang} /> })
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
}

impl PartialEq for TranscriptBlockProps {
    /// By pointer: a block's content changes only through a new `Rc`.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.block, &other.block) && self.from == other.from && self.lang == other.lang
    }
}

/// See the module documentation.
#[component]
pub fn TranscriptBlock(props: &TranscriptBlockProps) -> Html {
    // The ids of the lines whose explanation is open.
    let opened = use_mut_ref(Vec::<u64>::new);
    let redraw = use_force_update();
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
