//! What the user chose to see: the colour scheme, the main view, the export box.

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Light text on dark.
    #[default]
    Dark,
    /// Dark text on light.
    Light,
}

impl Theme {
    /// `dark` or `light`, as stored and as the `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    /// The theme named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            _ => None,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        }
    }
}

/// Which main view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The live terminal.
    #[default]
    Terminal,
    /// Annotating a pasted transcript.
    Paste,
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// swaks-style arrows.
    Text,
    /// One JSON object per line.
    Json,
    /// A link with the transcript in its fragment.
    Link,
    /// A swaks command line that replays the session.
    Swaks,
}
