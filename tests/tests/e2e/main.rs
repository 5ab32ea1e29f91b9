//! The end-to-end tests, one binary (see matklad, "Delete Cargo Integration Tests"): each
//! module drives real processes and servers through the helpers in the `e2e` library.
//!
//! Run them with `scripts/test.sh`, which starts the servers they need.

mod bridge_postfix;
mod browser;
mod check;
mod cram_md5;
mod dns_facts;
mod dnssec;
mod mx;
mod sandbox;
mod sandbox_rules;
mod sandbox_scenarios;
mod sandbox_sessions;
mod security;
mod static_files;
mod tls;
mod verb_differential;
mod visitors;
