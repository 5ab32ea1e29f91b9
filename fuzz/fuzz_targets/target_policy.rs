//! The bridge's target policy: the strict host parser, the address classifier and the
//! public profile's port rule, on arbitrary input, plus a `connect` message decoded from
//! JSON and checked like the bridge checks it. Nothing may panic, and:
//!
//! - an accepted host prints in a form that parses back to the same host;
//! - an accepted name is never a numeric IPv4 spelling a resolver would turn into an address;
//! - an IPv4 address and its IPv4-mapped IPv6 form are classified alike;
//! - whatever the public table allows, the local one allows too;
//! - the public profile accepts only its SMTP ports for a target not on the allow list.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bridge::policy::host::{Host, parse_host};
use bridge::policy::target::{DEFAULT_PORTS, TargetRules, classify_local, classify_public};
use libfuzzer_sys::fuzz_target;
use protocol::wire::ClientMsg;

fuzz_target!(|data: &[u8]| {
    if data.len() < 18 {
        return;
    }
    let port = u16::from_be_bytes([data[0], data[1]]);
    let mut octets = [0u8; 16];
    octets.copy_from_slice(&data[2..18]);
    let v6 = Ipv6Addr::from(octets);
    let v4 = Ipv4Addr::new(octets[0], octets[1], octets[2], octets[3]);

    // IPv4 and IPv4-mapped agree; local is never stricter than public.
    let mapped = IpAddr::V6(v4.to_ipv6_mapped());
    assert_eq!(classify_public(IpAddr::V4(v4)), classify_public(mapped));
    assert_eq!(classify_local(IpAddr::V4(v4)), classify_local(mapped));
    for ip in [IpAddr::V4(v4), IpAddr::V6(v6)] {
        if classify_public(ip).is_none() {
            assert!(classify_local(ip).is_none(), "{ip}");
        }
    }

    let Ok(text) = std::str::from_utf8(&data[18..]) else {
        return;
    };
    check_host(text);

    let public = TargetRules {
        public: true,
        ports: DEFAULT_PORTS.to_vec(),
        ..TargetRules::default()
    };
    if public.parse(text, port).is_ok() {
        assert!(DEFAULT_PORTS.contains(&port), "port {port} accepted");
    }
    if let Ok(ClientMsg::Connect(request)) = ClientMsg::from_json(text) {
        check_host(&request.host);
        if public.parse(&request.host, request.port).is_ok() {
            assert!(DEFAULT_PORTS.contains(&request.port));
        }
    }
});

fn check_host(text: &str) {
    let Ok(host) = parse_host(text) else {
        return;
    };
    let shown = host.to_string();
    assert_eq!(
        parse_host(&shown).as_ref(),
        Ok(&host),
        "{text:?} -> {shown:?}"
    );
    if let Host::Name(name) = &host {
        assert!(name.parse::<Ipv4Addr>().is_err(), "{name}");
        assert!(
            !name.split('.').all(|label| {
                let label = label.to_ascii_lowercase();
                match label.strip_prefix("0x") {
                    Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
                    None => label.bytes().all(|b| b.is_ascii_digit()),
                }
            }),
            "{name} is a numeric spelling"
        );
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "{name}"
        );
    }
}
