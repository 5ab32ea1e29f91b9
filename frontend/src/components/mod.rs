//! View components. Each takes plain data and `Callback`s as props and holds no app state
//! of its own (the Yew `function_todomvc` style), so [`crate::app`] is the only place
//! that wires state, services and views together.

pub mod connect_form;
pub mod status;
pub mod terminal;
pub mod transcript_line;
