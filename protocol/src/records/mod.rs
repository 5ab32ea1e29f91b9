//! The JSON shapes outside [`wire`](crate::wire), each defined once as a Rust type with
//! its encoder and decoder, so the program that writes a shape and the one that reads it
//! cannot drift apart.
//!
//! # Layout
//!
//! - [`mailbox`]: the bridge's mailbox HTTP API (`/api/messages`, `/api/sandbox`, the
//!   `/api/events` data, the `{"error": ...}` refusals). The bridge writes it; the page and
//!   the e2e tests read it.
//! - [`line`]: the annotated line record, one per transcript line, written by
//!   `smtp-playground annotate --format json` (as NDJSON) and by the page's JSON export
//!   (as an array).
//! - [`summary`]: the session summary record that ends `annotate`'s NDJSON.
//!
//! Both sides go through [`crate::json`] rather than serde: the page must not link
//! `serde_json` (about 9 KB of the gzipped bundle, see `json.rs`), and one code path for
//! both sides is what the round-trip tests check. Decoding is lenient where a newer
//! writer may differ (unknown members are ignored, a missing member is its default) and
//! strict where a reader would otherwise misread (a member of the wrong type is an error).

pub mod line;
pub mod mailbox;
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
        name: String,
        /// What it must be, e.g. `a list`.
        expected: &'static str,
    },
    /// The API refused the request: its `{"error": ...}` answer, for a person.
    #[error("{0}")]
    Refused(String),
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
/// `null`, so as its type's default.
#[derive(Debug)]
pub(crate) struct Members(Json);

fn wrong(name: &str, expected: &'static str) -> ShapeError {
    ShapeError::Member {
        name: name.to_owned(),
        expected,
    }
}

impl Members {
    /// The members of `value`, which `what` names in the error when it is not an object.
    pub(crate) fn of(value: Json, what: &str) -> Result<Self, ShapeError> {
        match value {
            Json::Object(_) => Ok(Self(value)),
            _ => Err(wrong(what, "an object")),
        }
    }

    /// The member `name`, `null` when absent.
    pub(crate) fn take(&mut self, name: &str) -> Json {
        self.0.take(name).unwrap_or(Json::Null)
    }

    pub(crate) fn optional_string(&mut self, name: &str) -> Result<Option<String>, ShapeError> {
        match self.take(name) {
            Json::Null => Ok(None),
            Json::String(s) => Ok(Some(s)),
            _ => Err(wrong(name, "a string")),
        }
    }

    /// A string; `""` when absent.
    pub(crate) fn string(&mut self, name: &str) -> Result<String, ShapeError> {
        Ok(self.optional_string(name)?.unwrap_or_default())
    }

    pub(crate) fn optional_number(&mut self, name: &str) -> Result<Option<u64>, ShapeError> {
        match self.take(name) {
            Json::Null => Ok(None),
            value => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| wrong(name, "a whole number")),
        }
    }

    /// A whole number; 0 when absent.
    pub(crate) fn number(&mut self, name: &str) -> Result<u64, ShapeError> {
        Ok(self.optional_number(name)?.unwrap_or_default())
    }

    /// A number that fits 16 bits, such as a reply code.
    pub(crate) fn optional_u16(&mut self, name: &str) -> Result<Option<u16>, ShapeError> {
        self.optional_number(name)?
            .map(|n| u16::try_from(n).map_err(|_| wrong(name, "a number below 65536")))
            .transpose()
    }

    /// The members of the object `name`; none when absent.
    pub(crate) fn object(&mut self, name: &str) -> Result<Members, ShapeError> {
        match self.take(name) {
            Json::Null => Ok(Members(Json::Object(Vec::new()))),
            value => Members::of(value, name),
        }
    }

    /// A boolean; `false` when absent.
    pub(crate) fn flag(&mut self, name: &str) -> Result<bool, ShapeError> {
        match self.take(name) {
            Json::Null => Ok(false),
            Json::Bool(b) => Ok(b),
            _ => Err(wrong(name, "a boolean")),
        }
    }

    /// A list read item by item; empty when absent.
    pub(crate) fn list<T>(
        &mut self,
        name: &str,
        mut item: impl FnMut(Json) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, ShapeError> {
        match self.take(name) {
            Json::Null => Ok(Vec::new()),
            Json::Array(items) => items.into_iter().map(&mut item).collect(),
            _ => Err(wrong(name, "a list")),
        }
    }

    /// A list of strings; empty when absent.
    pub(crate) fn strings(&mut self, name: &str) -> Result<Vec<String>, ShapeError> {
        self.list(name, |item| match item {
            Json::String(s) => Ok(s),
            _ => Err(wrong(name, "a list of strings")),
        })
    }

    /// A string that must be one of `names`: its index there; `None` when absent.
    pub(crate) fn one_of(
        &mut self,
        name: &str,
        names: &[&str],
        expected: &'static str,
    ) -> Result<Option<usize>, ShapeError> {
        match self.optional_string(name)? {
            None => Ok(None),
            Some(s) => names
                .iter()
                .position(|n| *n == s)
                .map(Some)
                .ok_or_else(|| wrong(name, expected)),
        }
    }
}

/// A whole number that must fit a `usize` (a line number, a length).
pub(crate) fn to_usize(n: u64, name: &str) -> Result<usize, ShapeError> {
    usize::try_from(n).map_err(|_| wrong(name, "a smaller number"))
}

#[cfg(test)]
mod tests;
