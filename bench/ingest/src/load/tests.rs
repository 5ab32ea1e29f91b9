//! The load against small scripted servers on loopback: every message a good server
//! takes is counted, and every other reply is a failure that names its stage.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;

#[test]
fn percentiles_by_nearest_rank() {
    let values: Vec<u32> = (1..=100).collect();
    assert_eq!(percentile(&values, 50.0), Some(50));
    assert_eq!(percentile(&values, 99.0), Some(99));
    assert_eq!(percentile(&values, 100.0), Some(100));
    assert_eq!(percentile(&values, 0.1), Some(1));
    assert_eq!(percentile(&[7], 99.0), Some(7));
    assert_eq!(percentile(&[1, 2, 3], 50.0), Some(2));
    assert_eq!(percentile(&[], 50.0), None);
}

#[test]
fn rate_counts_accepted_messages_only() {
    let outcome = Outcome {
        accepted: 500,
        failed: 20,
        elapsed: Duration::from_millis(250),
        ..Outcome::default()
    };
    assert!((outcome.rate() - 2000.0).abs() < 1e-9);
    assert_eq!(outcome.errors(), 20);
    assert!(outcome.latency_ms(50.0).is_nan());
}

/// How the scripted server answers.
#[derive(Debug, Clone, Copy)]
enum Script {
    /// Like a real server, with a multi-line EHLO reply.
    Good,
    /// Every `nth` RCPT (counted over all connections) gets `450`.
    RefuseRcpt { nth: usize },
    /// Replies end in a bare LF.
    BareLf,
    /// Hangs up instead of answering DATA.
    HangUpAtData,
}

/// Serves `script` on a loopback port until the test ends; counts the messages whose
/// final dot it accepted.
async fn server(script: Script) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let delivered = Arc::new(AtomicUsize::new(0));
    let rcpts = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&delivered);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (count, rcpts) = (Arc::clone(&count), Arc::clone(&rcpts));
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let eol = if matches!(script, Script::BareLf) {
                    "\n"
                } else {
                    "\r\n"
                };
                let say = |text: &str| text.replace("\r\n", eol);
                let _ = write.write_all(say("220 fake ESMTP\r\n").as_bytes()).await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        count.fetch_add(1, Ordering::SeqCst);
                        "250 2.0.0 queued\r\n"
                    } else if line.starts_with("EHLO") {
                        "250-fake\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n"
                    } else if line.starts_with("RCPT") {
                        let n = rcpts.fetch_add(1, Ordering::SeqCst) + 1;
                        match script {
                            Script::RefuseRcpt { nth } if n % nth == 0 => {
                                "450 4.2.1 mailbox busy, try later\r\n"
                            }
                            _ => "250 2.1.5 ok\r\n",
                        }
                    } else if line == "DATA" {
                        if matches!(script, Script::HangUpAtData) {
                            return;
                        }
                        in_data = true;
                        "354 go ahead\r\n"
                    } else if line == "QUIT" {
                        let _ = write.write_all(say("221 2.0.0 bye\r\n").as_bytes()).await;
                        return;
                    } else {
                        "250 2.0.0 ok\r\n"
                    };
                    if write.write_all(say(reply).as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, delivered)
}

fn plan(messages: usize, connections: usize, per_session: usize) -> Load {
    Load {
        connections,
        messages,
        per_session,
        size: 2048,
        time_limit: Duration::from_secs(60),
        max_failures: 100,
    }
}

#[tokio::test]
async fn a_good_server_takes_every_message() {
    let (addr, delivered) = server(Script::Good).await;
    let outcome = run(addr, &plan(50, 4, 0)).await;
    assert_eq!(outcome.accepted, 50, "{}", outcome.summary());
    assert_eq!(outcome.errors(), 0, "{}", outcome.summary());
    assert_eq!(outcome.sessions, 4);
    assert_eq!(outcome.latencies_us.len(), 50);
    assert_eq!(delivered.load(Ordering::SeqCst), 50);
    assert!(!outcome.cut_short && !outcome.gave_up);
}

#[tokio::test]
async fn one_message_per_session_opens_a_session_each() {
    let (addr, delivered) = server(Script::Good).await;
    let outcome = run(addr, &plan(12, 3, 1)).await;
    assert_eq!(
        (outcome.accepted, outcome.sessions),
        (12, 12),
        "{}",
        outcome.summary()
    );
    assert_eq!(outcome.errors(), 0);
    assert_eq!(delivered.load(Ordering::SeqCst), 12);
}

#[tokio::test]
async fn a_refused_recipient_is_counted_and_named() {
    let (addr, delivered) = server(Script::RefuseRcpt { nth: 5 }).await;
    let outcome = run(addr, &plan(20, 1, 0)).await;
    assert_eq!(
        (outcome.accepted, outcome.failed),
        (16, 4),
        "{}",
        outcome.summary()
    );
    let refused = &outcome.failures["RCPT: 450"];
    assert_eq!(refused.count, 4);
    assert!(
        refused.example.contains("mailbox busy"),
        "{}",
        refused.example
    );
    // After each failure the next message opens a new session; the 20th was the last.
    assert_eq!(outcome.sessions, 4);
    assert_eq!(delivered.load(Ordering::SeqCst), 16);
}

#[tokio::test]
async fn bare_lf_replies_are_malformed() {
    let (addr, _) = server(Script::BareLf).await;
    let outcome = run(addr, &plan(3, 1, 0)).await;
    assert_eq!((outcome.accepted, outcome.failed), (0, 3));
    assert_eq!(outcome.failures["greeting: malformed reply"].count, 3);
}

#[tokio::test]
async fn a_hang_up_is_a_failure_and_too_many_stop_the_run() {
    let (addr, _) = server(Script::HangUpAtData).await;
    let mut plan = plan(1000, 2, 0);
    plan.max_failures = 10;
    let outcome = run(addr, &plan).await;
    assert_eq!(outcome.accepted, 0);
    assert!(outcome.gave_up, "{}", outcome.summary());
    // Both connections may be mid-message when the limit is reached.
    assert!((10..=11).contains(&outcome.failed), "{}", outcome.summary());
    assert_eq!(
        outcome.failures["DATA: connection closed"].count,
        outcome.failed
    );
}

#[tokio::test]
async fn a_closed_port_fails_at_connect() {
    let port = bench_common::free_port().expect("port");
    let mut plan = plan(5, 1, 0);
    plan.max_failures = 5;
    let outcome = run(port, &plan).await;
    assert_eq!((outcome.accepted, outcome.failed), (0, 5));
    assert_eq!(outcome.failures["connect: ConnectionRefused"].count, 5);
}
