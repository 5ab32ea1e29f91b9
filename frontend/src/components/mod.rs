//! View components. Each takes plain data and `Callback`s as props and holds no app state
//! of its own (the Yew `function_todomvc` style), so [`crate::app`] is the only place
//! that wires state, services and views together. (The AUTH helper and the paste view keep
//! what is typed into them locally, on purpose: see their docs.)

pub mod auth_helper;
pub mod bdat_helper;
pub mod capabilities;
pub mod check_panel;
pub mod connect_form;
pub mod cram_helper;
pub mod dns_facts;
pub mod envelope;
pub mod export_box;
pub mod lesson;
pub mod mailbox;
pub mod mx_list;
pub mod paste_view;
pub mod rules_editor;
pub mod scenarios;
pub mod sequence;
pub mod sessions;
pub mod state_diagram;
pub mod status;
pub mod terminal;
pub mod tls_panel;
pub mod transcript_block;
pub mod transcript_line;
