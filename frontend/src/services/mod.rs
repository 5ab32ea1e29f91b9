//! Code that talks to the outside world, kept out of the components (the Yew
//! `async_clock` example's `services.rs`): components call these functions and receive
//! plain events through `Callback`s.

pub mod api;
pub mod bridge;
pub mod browser;
