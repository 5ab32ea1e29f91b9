//! The browser/bridge JSON contract: whatever `ClientMsg::from_json` or
//! `ServerMsg::from_json` accepts encodes again and decodes to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::wire::{ClientMsg, ServerMsg};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(msg) = ClientMsg::from_json(text) {
        let json = msg.to_json();
        let again = ClientMsg::from_json(&json).expect("an encoded message decodes");
        assert_eq!(again, msg, "{json}");
    }
    if let Ok(msg) = ServerMsg::from_json(text) {
        let json = msg.to_json();
        let again = ServerMsg::from_json(&json).expect("an encoded message decodes");
        assert_eq!(again, msg, "{json}");
    }
});
