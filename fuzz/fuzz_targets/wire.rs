//! The browser/bridge JSON contract: whatever `ClientMsg::from_json` or
//! `ServerMsg::from_json` accepts encodes again and decodes to the same message, the
//! hand-written `ClientMsg` decoder accepts exactly what serde's derive accepts, its
//! hand-written encoder writes what the derive writes, and the page's JSON reader
//! (`protocol::json`) reads every text `serde_json` reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::wire::{ClientMsg, ServerMsg};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let derived: Option<ClientMsg> = serde_json::from_str(text).ok();
    let ours = ClientMsg::from_json(text).ok();
    // The derive also reads a message from a JSON array (the tag, then the fields in
    // order); the wire format is objects only, and the hand-written decoder says no.
    if text.trim_start().starts_with('[') {
        assert_eq!(ours, None, "{text}");
    } else {
        assert_eq!(ours, derived, "{text}");
    }
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        assert!(protocol::json::parse(text).is_ok(), "{text}");
    }
    if let Ok(msg) = ClientMsg::from_json(text) {
        let json = msg.to_json();
        assert_eq!(Some(&json), serde_json::to_string(&msg).ok().as_ref());
        let again = ClientMsg::from_json(&json).expect("an encoded message decodes");
        assert_eq!(again, msg, "{json}");
    }
    if let Ok(msg) = ServerMsg::from_json(text) {
        let json = msg.to_json();
        let again = ServerMsg::from_json(&json).expect("an encoded message decodes");
        assert_eq!(again, msg, "{json}");
    }
});
