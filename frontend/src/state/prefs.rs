//! What the user chose to see: the language, the colour scheme, the main view, the export
//! box, and a transcript opened from a shared link.

use std::rc::Rc;

use protocol::lang::Lang;

use crate::vocab::{ExportKind, Theme, View};

/// The preferences part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Preferences {
    /// The language of the page and the annotations.
    pub lang: Lang,
    /// The colour scheme.
    pub theme: Theme,
    /// The main view.
    pub view: View,
    /// The export box, when open.
    pub export: Option<ExportKind>,
    /// A transcript opened from a shared link, shown read-only in the paste view.
    pub shared: Option<Rc<str>>,
    /// The transcript last annotated in the paste view, as pasted.
    pub pasted: Option<Rc<str>>,
}

impl Preferences {
    /// Shows `view`. Leaving the shared view returns to the ordinary paste box.
    pub fn show(&mut self, view: View) {
        self.view = view;
        self.shared = None;
    }

    /// What Export and Share take on the paste view: the shared transcript shown, or the
    /// one pasted and annotated; `None` on the terminal (which exports its session).
    pub fn paste_source(&self) -> Option<Rc<str>> {
        if self.view != View::Paste {
            return None;
        }
        self.shared.clone().or_else(|| self.pasted.clone())
    }

    /// Shows the shared transcript `text` in the paste view.
    pub fn open_shared(&mut self, text: String) {
        self.shared = Some(text.into());
        self.view = View::Paste;
    }
}
