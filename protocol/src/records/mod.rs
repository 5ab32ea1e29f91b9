//! The JSON shapes outside [`wire`](crate::wire), each defined once as a Rust type with
//! its encoder and decoder, so the program that writes a shape and the one that reads it
//! cannot drift apart.
//!
//! # Layout
//!
//! - [`mailbox`]: the bridge's mailbox HTTP API (`/api/messages`, `/api/sandbox`, the
//!   `/api/events` data, the `{"error": ...}` refusals). The bridge writes it; the e2e
//!   tests read it whole, the page reads the part it shows with [`mailbox::page`].
//! - [`line`]: the annotated line record, one per transcript line, written by
//!   `smtp-playground annotate --format json` (as NDJSON) and by the page's JSON export
//!   (as an array).
//! - [`summary`]: the session summary record that ends `annotate`'s NDJSON.
//! - [`session`]: the sandbox's recorded sessions (`/api/sessions`), whose lines are
//!   [`line`] records in both languages.
//! - [`check`]: the server check's report and the events that stream it.
//! - [`rules`]: the sandbox's failure rules (`/api/sandbox/rules`), read strictly.
//! - [`dns`]: the DNS facts of a mail domain (`/api/dns`, `smtp-playground dns`).
//!
//! Both sides go through [`crate::json`] rather than serde: the page must not link
//! `serde_json` (about 9 KB of the gzipped bundle, see `json.rs`), nor even `str::parse`
//! for floats (about 20 KB; a probability is read as parts per million instead), and one code path for both sides is
//! what the round-trip tests check. Decoding is lenient where a newer
//! writer may differ (unknown members are ignored, a missing member is its default) and
//! strict where a reader would otherwise misread (a member of the wrong type is an error).

pub mod check;
pub mod dns;
pub mod line;
pub mod mailbox;
pub mod rules;
pub mod session;
pub mod summary;

pub use line::LineRecord;
pub use summary::SummaryRecord;

use crate::json::{self, Json, JsonError};

/// Why a JSON text is not the shape expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// The text is not JSON.
    #[error("not JSON: {0}")]
    NotJson(#[from] JsonError),
    /// A value has the wrong type, or a string names nothing this version knows.
    #[error("`{name}` must be {expected}")]
    Member {
        /// The member, e.g. `messages` or `rules`.
        name: &'static str,
        /// What it must be, e.g. `a list`.
        expected: &'static str,
    },
    /// The API refused the request: its `{"error": ...}` answer, for a person.
    #[error("{0}")]
    Refused(String),
    /// The right types, but a value that breaks a rule (strict shapes such as
    /// [`rules`]): what is wrong, for a person.
    #[error("{0}")]
    Invalid(String),
}

/// A JSON shape with one definition for both sides.
pub trait Shape: Sized {
    /// The value as a JSON tree, its members in the documented order.
    fn to_json(&self) -> Json;

    /// Reads the value from a JSON tree.
    ///
    /// # Errors
    ///
    /// [`ShapeError`] when a member has the wrong type.
    fn from_json(value: Json) -> Result<Self, ShapeError>;

    /// The value as one line of JSON.
    fn encode(&self) -> String {
        self.to_json().to_compact()
    }

    /// Reads the value from a JSON text.
    ///
    /// # Errors
    ///
    /// [`ShapeError`] when the text is not JSON or not this shape.
    fn decode(text: &str) -> Result<Self, ShapeError> {
        Self::from_json(json::parse(text)?)
    }
}

/// Builds a JSON object member by member, in order.
#[derive(Debug, Default)]
pub(crate) struct Object(Vec<(String, Json)>);

impl Object {
    pub(crate) fn with(mut self, name: &str, value: Json) -> Self {
        self.0.push((name.to_owned(), value));
        self
    }

    pub(crate) fn build(self) -> Json {
        Json::Object(self.0)
    }
}

/// A string value.
pub(crate) fn string(s: &str) -> Json {
    Json::String(s.to_owned())
}

/// A string or `null`.
pub(crate) fn optional_string(s: Option<&str>) -> Json {
    s.map_or(Json::Null, string)
}

/// A number or `null`.
pub(crate) fn optional_number(n: Option<u64>) -> Json {
    n.map_or(Json::Null, Json::number)
}

/// A list of strings.
pub(crate) fn strings(list: &[String]) -> Json {
    Json::Array(list.iter().map(|s| string(s)).collect())
}

/// Reads an object's members by name, each at most once; a missing member reads as
/// `null`, so as its type's default. A member of the wrong type also reads as the default,
/// and the first such member is the error [`Members::done`] returns: the decoders read every
/// member without an early return, which keeps them small in the page's WebAssembly (each
/// `?` in a struct literal brings code that drops the members read so far).
#[derive(Debug)]
pub(crate) struct Members {
    value: Json,
    error: Option<ShapeError>,
}

fn wrong(name: &'static str, expected: &'static str) -> ShapeError {
    ShapeError::Member { name, expected }
}

impl Members {
    /// The members of `value`, which `what` names in the error when it is not an object.
    pub(crate) fn of(value: Json, what: &'static str) -> Result<Self, ShapeError> {
        match value {
            Json::Object(_) => Ok(Self { value, error: None }),
            _ => Err(wrong(what, "an object")),
        }
    }

    /// Notes that `name` is not `expected`, unless an earlier member was wrong already.
    pub(crate) fn fail(&mut self, name: &'static str, expected: &'static str) {
        self.error.get_or_insert(wrong(name, expected));
    }

    /// `value` when every member read had the right type, else the first that had not.
    pub(crate) fn done<T>(self, value: T) -> Result<T, ShapeError> {
        match self.error {
            None => Ok(value),
            Some(err) => Err(err),
        }
    }

    /// The member `name`, `null` when absent.
    pub(crate) fn take(&mut self, name: &str) -> Json {
        self.value.take(name).unwrap_or(Json::Null)
    }

    /// Whether the member `name` is absent (or `null`).
    pub(crate) fn lacks(&self, name: &str) -> bool {
        matches!(self.value[name], Json::Null)
    }

    pub(crate) fn optional_string(&mut self, name: &'static str) -> Option<String> {
        match self.take(name) {
            Json::Null => None,
            Json::String(s) => Some(s),
            _ => {
                self.fail(name, "a string");
                None
            }
        }
    }

    /// A string; `""` when absent.
    pub(crate) fn string(&mut self, name: &'static str) -> String {
        self.optional_string(name).unwrap_or_default()
    }

    pub(crate) fn optional_number(&mut self, name: &'static str) -> Option<u64> {
        match self.take(name) {
            Json::Null => None,
            value => {
                let number = value.as_u64();
                if number.is_none() {
                    self.fail(name, "a whole number");
                }
                number
            }
        }
    }

    /// A whole number; 0 when absent.
    pub(crate) fn number(&mut self, name: &'static str) -> u64 {
        self.optional_number(name).unwrap_or_default()
    }

    /// A number that fits 16 bits, such as a reply code.
    pub(crate) fn optional_u16(&mut self, name: &'static str) -> Option<u16> {
        let number = self.optional_number(name)?;
        let small = u16::try_from(number).ok();
        if small.is_none() {
            self.fail(name, "a number below 65536");
        }
        small
    }

    /// A number that fits a `usize` (a line number, a length); 0 when absent.
    pub(crate) fn size(&mut self, name: &'static str) -> usize {
        let number = self.number(name);
        usize::try_from(number).unwrap_or_else(|_| {
            self.fail(name, "a smaller number");
            0
        })
    }

    /// Reads the object `name` with `read`; `None` when absent, or (noted) when it is not
    /// an object.
    pub(crate) fn optional_object<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Members) -> T,
    ) -> Option<T> {
        match self.take(name) {
            Json::Null => None,
            value => self.nested(value, name, read),
        }
    }

    /// Reads the object `name` with `read`, an empty object when absent; the default
    /// (noted) when it is not an object.
    pub(crate) fn object<T: Default>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Members) -> T,
    ) -> T {
        let value = match self.take(name) {
            Json::Null => Json::Object(Vec::new()),
            value => value,
        };
        self.nested(value, name, read).unwrap_or_default()
    }

    /// `read` over the object `value` (a member or a list item called `name`), its errors
    /// noted here; `None` (noted) when `value` is not an object.
    fn nested<T>(
        &mut self,
        value: Json,
        name: &'static str,
        read: impl FnOnce(&mut Members) -> T,
    ) -> Option<T> {
        if !matches!(value, Json::Object(_)) {
            self.fail(name, "an object");
            return None;
        }
        let mut nested = Members { value, error: None };
        let read = read(&mut nested);
        if let Some(err) = nested.error {
            self.error.get_or_insert(err);
        }
        Some(read)
    }

    /// A boolean; `false` when absent.
    pub(crate) fn flag(&mut self, name: &'static str) -> bool {
        match self.take(name) {
            Json::Null => false,
            Json::Bool(b) => b,
            _ => {
                self.fail(name, "a boolean");
                false
            }
        }
    }

    /// The items of the list `name`; empty when absent, or (noted) when not a list.
    fn items(&mut self, name: &'static str) -> Vec<Json> {
        match self.take(name) {
            Json::Null => Vec::new(),
            Json::Array(items) => items,
            _ => {
                self.fail(name, "a list");
                Vec::new()
            }
        }
    }

    /// A list of objects, each read by `read`; empty when absent. An item that is not an
    /// object is left out, and noted.
    pub(crate) fn objects<T>(
        &mut self,
        name: &'static str,
        mut read: impl FnMut(&mut Members) -> T,
    ) -> Vec<T> {
        let items = self.items(name);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(value) = self.nested(item, name, &mut read) {
                out.push(value);
            }
        }
        out
    }

    /// A list of strings; empty when absent. Other items are left out, and noted.
    pub(crate) fn strings(&mut self, name: &'static str) -> Vec<String> {
        let items = self.items(name);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Json::String(s) => out.push(s),
                _ => self.fail(name, "a list of strings"),
            }
        }
        out
    }

    /// A string that must be one of `names`: its index there; `None` when absent or not
    /// one of them (noted).
    pub(crate) fn one_of(
        &mut self,
        name: &'static str,
        names: &[&str],
        expected: &'static str,
    ) -> Option<usize> {
        let s = self.optional_string(name)?;
        let index = names.iter().position(|n| *n == s);
        if index.is_none() {
            self.fail(name, expected);
        }
        index
    }
}

#[cfg(test)]
mod tests;
