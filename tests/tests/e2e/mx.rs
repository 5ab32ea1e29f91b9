//! Connect by domain (MX) against the real test zones (`scripts/dns/zones.conf`, served by
//! dnsmasq) and real servers on loopback addresses the MX records name: aiosmtpd at
//! 127.0.0.2, nothing at 127.0.0.31. MX records carry no port, so every server of a test
//! listens on the one port the test connects "by MX" with.

use std::net::SocketAddr;

use bridge::Config;
use bridge::policy::PolicyConfig;
use bridge::sandbox::SandboxConfig;
use e2e::raw_smtp::Aiosmtpd;
use e2e::security::roomy_public_policy;
use e2e::{
    BridgeHandle, Session, dns_addr, fetch_metrics, metric, open_session, start_bridge_with,
};
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode, MxList, ServerMsg};

const CONNECTS: &str = "smtp_playground_upstream_connects_total";

fn config(policy: PolicyConfig, origin: Option<String>) -> Config {
    Config {
        dns_server: Some(dns_addr()),
        sandbox: Box::new(SandboxConfig {
            disabled: true,
            ..SandboxConfig::default()
        }),
        policy: Box::new(policy),
        allowed_origins: origin.into_iter().collect(),
        ..Config::default()
    }
}

/// A local bridge asking the test zones' DNS server.
async fn local_bridge() -> (SocketAddr, BridgeHandle, Session) {
    let (addr, handle) = start_bridge_with(config(PolicyConfig::default(), None)).await;
    let session = open_session(addr, &format!("http://{addr}"))
        .await
        .expect("a session");
    (addr, handle, session)
}

/// aiosmtpd at 127.0.0.2 on a free port: the live MX hosts of the zones.
async fn live_server() -> Aiosmtpd {
    Aiosmtpd::start_at("127.0.0.2:0".parse().expect("an address")).await
}

fn by_mx(domain: &str, port: u16, mx_host: Option<&str>) -> ClientMsg {
    ClientMsg::Connect(ConnectRequest {
        host: domain.to_owned(),
        port,
        by_mx: true,
        mx_host: mx_host.map(str::to_owned),
        ..ConnectRequest::default()
    })
}

async fn recv_list(session: &mut Session) -> MxList {
    match session.recv().await {
        ServerMsg::MxList(list) => list,
        other => panic!("expected mx_list first, got {other:?}"),
    }
}

async fn connects(bridge: SocketAddr) -> f64 {
    metric(&fetch_metrics(bridge).await, CONNECTS).expect("the connect counter")
}

#[tokio::test]
async fn the_first_mx_down_the_second_answers_and_connected_says_which() {
    let server = live_server().await;
    let port = server.addr.port();
    let (bridge, handle, mut session) = local_bridge().await;
    session
        .send(&by_mx("two-mx.playground.test", port, None))
        .await;
    let list = recv_list(&mut session).await;
    assert_eq!(list.domain, "two-mx.playground.test");
    assert!(!list.null_mx && !list.implicit);
    let names: Vec<(u16, &str)> = list
        .hosts
        .iter()
        .map(|h| (h.preference, h.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (10, "dead.two-mx.playground.test"),
            (20, "live.two-mx.playground.test")
        ]
    );
    assert_eq!(list.hosts[0].addresses[0].address, "127.0.0.31");
    assert!(
        list.hosts[0].addresses[0].allowed,
        "the local profile allows loopback"
    );
    match session.recv().await {
        ServerMsg::Connected {
            host,
            peer,
            mx_host,
            port: p,
            ..
        } => {
            assert_eq!(host, "two-mx.playground.test");
            assert_eq!(mx_host.as_deref(), Some("live.two-mx.playground.test"));
            assert_eq!(peer, format!("127.0.0.2:{port}"));
            assert_eq!(p, port);
        }
        other => panic!("expected connected, got {other:?}"),
    }
    assert!(
        session.recv_line().await.starts_with("220"),
        "aiosmtpd greets"
    );
    assert_eq!(
        connects(bridge).await,
        2.0,
        "the dead host, then the live one"
    );
    handle.stop().await;
}

#[tokio::test]
async fn no_mx_falls_back_to_the_domains_own_address() {
    let server = live_server().await;
    let (_, handle, mut session) = local_bridge().await;
    session
        .send(&by_mx("a-only.playground.test", server.addr.port(), None))
        .await;
    let list = recv_list(&mut session).await;
    assert!(list.implicit);
    assert_eq!(list.hosts.len(), 1);
    assert_eq!(
        (list.hosts[0].preference, list.hosts[0].name.as_str()),
        (0, "a-only.playground.test")
    );
    assert!(matches!(
        session.recv().await,
        ServerMsg::Connected { mx_host: Some(name), .. } if name == "a-only.playground.test"
    ));
    assert!(session.recv_line().await.starts_with("220"));
    handle.stop().await;
}

#[tokio::test]
async fn a_null_mx_is_refused_with_its_code_and_nothing_is_connected() {
    let (bridge, handle, mut session) = local_bridge().await;
    session
        .send(&by_mx("null-mx.playground.test", 25, None))
        .await;
    let list = recv_list(&mut session).await;
    assert!(list.null_mx);
    assert!(list.hosts.is_empty());
    let (code, message) = session.recv_error().await;
    assert_eq!(code, ErrorCode::NullMx);
    assert!(message.contains("RFC 7505"), "{message}");
    session.recv_closed().await;
    assert_eq!(connects(bridge).await, 0.0, "no connection was attempted");
    handle.stop().await;
}

#[tokio::test]
async fn a_domain_that_does_not_exist_has_no_mail_host() {
    let (_, handle, mut session) = local_bridge().await;
    session
        .send(&by_mx("nothing.playground.test", 25, None))
        .await;
    let (code, message) = session.recv_error().await;
    assert_eq!(code, ErrorCode::NoMailHost, "{message}");
    assert!(message.contains("NXDOMAIN"), "{message}");
    handle.stop().await;
}

#[tokio::test]
async fn private_and_loopback_mx_addresses_are_denied_in_public_with_the_reason_listed() {
    let (addr, handle) = e2e::security::start_bridge_at(
        |addr| config(roomy_public_policy(), Some(format!("http://{addr}"))),
        bridge::Hooks::for_dns_server(Some(dns_addr())),
    )
    .await;
    let origin = format!("http://{addr}");
    let mut session = open_session(addr, &origin).await.expect("a session");
    session
        .send(&by_mx("private-mx.playground.test", 25, None))
        .await;
    let list = recv_list(&mut session).await;
    assert_eq!(list.hosts.len(), 2);
    for host in &list.hosts {
        let address = &host.addresses[0];
        assert!(!address.allowed, "{host:?}");
        let reason = address.reason.as_deref().unwrap_or_default();
        assert!(reason.contains(&address.address), "{reason}");
    }
    assert_eq!(list.hosts[0].addresses[0].address, "10.20.30.40");
    assert!(
        list.hosts[0].addresses[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("private")),
        "{:?}",
        list.hosts[0]
    );
    let (code, _) = session.recv_error().await;
    assert_eq!(code, ErrorCode::TargetDenied);
    assert_eq!(
        connects(addr).await,
        0.0,
        "denied addresses are never tried"
    );
    handle.stop().await;
}

#[tokio::test]
async fn a_picked_host_is_the_only_one_tried_and_an_unlisted_one_is_refused() {
    let server = live_server().await;
    let port = server.addr.port();
    let (bridge, handle, mut session) = local_bridge().await;
    session
        .send(&by_mx(
            "two-mx.playground.test",
            port,
            Some("LIVE.two-mx.playground.test."),
        ))
        .await;
    assert_eq!(
        recv_list(&mut session).await.hosts.len(),
        2,
        "the whole list is shown"
    );
    assert!(matches!(
        session.recv().await,
        ServerMsg::Connected { mx_host: Some(name), .. } if name == "live.two-mx.playground.test"
    ));
    assert_eq!(connects(bridge).await, 1.0, "the dead host was not tried");
    let mut other = open_session(bridge, &format!("http://{bridge}"))
        .await
        .expect("a second session");
    other
        .send(&by_mx(
            "two-mx.playground.test",
            port,
            Some("mx.elsewhere.test"),
        ))
        .await;
    recv_list(&mut other).await;
    let (code, message) = other.recv_error().await;
    assert_eq!(code, ErrorCode::InvalidTarget);
    assert!(message.contains("dead.two-mx.playground.test"), "{message}");
    handle.stop().await;
}

/// With the DNS and the resolver injected: each MX host is resolved exactly once, and the
/// connections go to the addresses of that one resolution, in MX order.
#[tokio::test]
async fn each_mx_host_is_resolved_once_and_connected_by_its_checked_addresses() {
    use bridge::dns::{Answer, Mx, Rdata, RecordKind, StaticDns};
    use e2e::security::{RecordingConnector, ScriptedResolver};
    use std::sync::Arc;
    use tokio::io::AsyncWriteExt;

    let server = tokio::net::TcpListener::bind("127.0.0.2:0")
        .await
        .expect("a loopback port");
    let port = server.local_addr().expect("its address").port();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = server.accept().await {
            let _ = stream.write_all(b"220 mx2 ESMTP\r\n").await;
            let _ = tokio::time::sleep(e2e::WAIT).await;
        }
    });
    let mx = |preference, exchange: &str| {
        Rdata::Mx(Mx {
            preference,
            exchange: exchange.to_owned(),
        })
    };
    let dns = StaticDns::new().with(
        "lab.test",
        RecordKind::Mx,
        Ok(Answer {
            records: vec![mx(20, "mx2.lab.test"), mx(10, "mx1.lab.test")],
            ..Answer::default()
        }),
    );
    let resolver = ScriptedResolver::new(vec![
        vec!["127.0.0.31".parse().expect("ip")],
        vec!["127.0.0.2".parse().expect("ip")],
    ]);
    let connector = RecordingConnector::new(None);
    let hooks = bridge::Hooks {
        dns: Arc::new(dns),
        ..e2e::security::hooks(Arc::clone(&resolver), Arc::clone(&connector))
    };
    let (addr, handle) =
        e2e::security::start_bridge_at(|_| config(PolicyConfig::default(), None), hooks).await;
    let mut session = open_session(addr, &format!("http://{addr}"))
        .await
        .expect("a session");
    session.send(&by_mx("lab.test", port, None)).await;
    let list = recv_list(&mut session).await;
    assert_eq!(list.hosts[0].name, "mx1.lab.test");
    assert!(matches!(
        session.recv().await,
        ServerMsg::Connected { mx_host: Some(name), .. } if name == "mx2.lab.test"
    ));
    assert_eq!(
        resolver.calls(),
        2,
        "one resolution per MX host, none again to connect"
    );
    assert_eq!(
        connector.attempts(),
        [
            SocketAddr::new("127.0.0.31".parse().expect("ip"), port),
            SocketAddr::new("127.0.0.2".parse().expect("ip"), port),
        ]
    );
    assert!(session.recv_line().await.starts_with("220"));
    handle.stop().await;
}
