//! The sandbox's failure rules through its real port, with real clients: each stage's rule
//! set through `PUT /api/sandbox/rules`, then swaks, Python's smtplib or lettre meets it,
//! and the exact reply and what lands in the mailbox are checked. Then "next N" and a
//! seeded probability across sessions, the API's refusals, and in the `public` profile
//! that one visitor's rules touch only that visitor's sessions.

use std::net::SocketAddr;
use std::time::Duration;

use bridge::sandbox::SandboxConfig;
use e2e::sandbox::{
    RawSmtp, SWAKS_DEMO_LOGIN, SandboxBridge, http_request, http_with, messages, page_session,
    python, run_client_any, scratch_dir, start_public_sandbox, start_sandbox, swaks_args,
    visitor_cookie, wait_for_messages,
};
use e2e::{WAIT, lines};
use protocol::records::Shape;
use protocol::records::mailbox::ApiError;
use protocol::records::rules::{RulesDocument, RulesScope};
use protocol::server::{Rule, RuleSet};
use tokio::time::timeout;

/// How long one client program may run.
const CLIENT_LIMIT: Duration = Duration::from_secs(30);

/// One request to `/api/sandbox/rules` with a JSON body (as `cookie`'s visitor, if any);
/// the status, the head and the body.
async fn request(
    bridge: SocketAddr,
    method: &str,
    cookie: Option<&str>,
    body: &str,
) -> (u16, String, String) {
    let mut headers = vec![("Content-Type", "application/json")];
    headers.extend(cookie.map(|c| ("Cookie", c)));
    let path = "/api/sandbox/rules";
    let (status, head, body) = http_request(bridge, method, path, &headers, body.as_bytes()).await;
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// Replaces the rules (as `cookie`'s visitor, if any); panics unless the bridge takes
/// them, and returns what it answered.
async fn put_rules(bridge: SocketAddr, cookie: Option<&str>, rules: &[&str]) -> RulesDocument {
    let document = RulesDocument {
        rules: rules
            .iter()
            .map(|t| Rule::parse(t).unwrap_or_else(|e| panic!("{t}: {e}")))
            .collect(),
        ..RulesDocument::default()
    };
    let (status, head, body) = request(bridge, "PUT", cookie, &document.encode()).await;
    assert_eq!(status, 200, "{head}\n{body}");
    RulesDocument::decode(&body).expect("the rules document")
}

async fn get_rules(bridge: SocketAddr) -> RulesDocument {
    let (status, _, body) = request(bridge, "GET", None, "").await;
    assert_eq!(status, 200, "{body}");
    RulesDocument::decode(&body).expect("the rules document")
}

/// Runs a client program and returns its output, whatever its exit status (a refused
/// client exits with an error).
async fn run(program: &str, args: &[String]) -> String {
    run_client_any(program, args, CLIENT_LIMIT).await.1
}

async fn swaks(smtp: SocketAddr, extra: &[&str]) -> String {
    let extra: Vec<&str> = ["--header", "Subject: swaks rules"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    let args = swaks_args(smtp, "alice@example.org", "bob@sandbox.test", &extra);
    run("swaks", &args).await
}

/// smtplib sends one message as `helo_name` from `sender` to `recipients`; prints what
/// `sendmail` returned (the refused recipients) or the exception.
const SMTPLIB: &str = r#"
import smtplib, sys
host, port, helo, sender = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
recipients = sys.argv[5:]
try:
    s = smtplib.SMTP(host, port, local_hostname=helo, timeout=20)
    refused = s.sendmail(sender, recipients, b"Subject: smtplib rules\r\n\r\nHi\r\n")
    print("refused", refused)
    s.quit()
except Exception as e:
    print(type(e).__name__, e)
"#;

async fn smtplib(smtp: SocketAddr, helo: &str, sender: &str, recipients: &[&str]) -> String {
    let script = scratch_dir("rules-smtplib").join("send.py");
    std::fs::write(&script, SMTPLIB).expect("write the script");
    let mut args = vec![
        script.display().to_string(),
        smtp.ip().to_string(),
        smtp.port().to_string(),
        helo.to_owned(),
        sender.to_owned(),
    ];
    args.extend(recipients.iter().map(|r| (*r).to_owned()));
    run(&python(), &args).await
}

/// lettre sends one message from `sender`; the reply code and text, error or not.
async fn lettre(smtp: SocketAddr, sender: &str) -> (String, String) {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let message = Message::builder()
        .from(sender.parse().expect("from"))
        .to("bob@sandbox.test".parse().expect("to"))
        .subject("lettre rules")
        .body("Hi".to_owned())
        .expect("a message");
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.ip().to_string())
        .port(smtp.port())
        .timeout(Some(WAIT))
        .build();
    match timeout(WAIT, transport.send(message))
        .await
        .expect("lettre finishes within the wait")
    {
        Ok(response) => (
            response.code().to_string(),
            response.message().collect::<Vec<_>>().join(" "),
        ),
        Err(err) => (
            err.status().map(|c| c.to_string()).unwrap_or_default(),
            err.to_string(),
        ),
    }
}

#[tokio::test]
async fn each_stage_answers_real_clients_as_its_rule_says() {
    let SandboxBridge { http, smtp, handle } = start_sandbox(SandboxConfig::default()).await;
    let count = async || messages(http).await.len();

    // connect: the greeting is the 554, and swaks gives up.
    put_rules(
        http,
        None,
        &["connect: reply 554 5.3.2 No SMTP service here, next 1"],
    )
    .await;
    let out = swaks(smtp, &[]).await;
    assert!(out.contains("554 5.3.2 No SMTP service here"), "{out}");
    assert!(!out.contains("250 2.0.0 Ok: queued"), "{out}");
    assert_eq!(count().await, 0);

    // greeting: 421, smtplib's connect fails with it.
    put_rules(
        http,
        None,
        &["greeting: reply 421 4.3.2 Try again later, next 1"],
    )
    .await;
    let out = smtplib(smtp, "py.example", "a@example.org", &["bob@sandbox.test"]).await;
    assert!(
        out.contains("SMTPConnectError (421, b'4.3.2 Try again later')"),
        "{out}"
    );

    // ehlo, matching the name: smtplib falls back to HELO, which is refused too.
    put_rules(
        http,
        None,
        &["ehlo name=bad.client.example: reply 550 5.7.1 Go away"],
    )
    .await;
    let out = smtplib(
        smtp,
        "bad.client.example",
        "a@example.org",
        &["b@sandbox.test"],
    )
    .await;
    assert!(
        out.contains("SMTPHeloError (550, b'5.7.1 Go away')"),
        "{out}"
    );
    let out = smtplib(
        smtp,
        "good.client.example",
        "a@example.org",
        &["b@sandbox.test"],
    )
    .await;
    assert!(out.contains("refused {}"), "another name is served: {out}");
    assert_eq!(count().await, 1);

    // auth: the right password still gets 535.
    put_rules(
        http,
        None,
        &["auth: reply 535 5.7.8 Error: authentication failed, next 1"],
    )
    .await;
    let out = swaks(smtp, &SWAKS_DEMO_LOGIN).await;
    assert!(
        out.contains("535 5.7.8 Error: authentication failed"),
        "{out}"
    );
    assert_eq!(count().await, 1);

    // mail, matching a domain: lettre gets the 553, another sender gets through.
    put_rules(
        http,
        None,
        &["mail from=@spam.example: reply 553 5.7.1 Sender rejected"],
    )
    .await;
    let (code, text) = lettre(smtp, "x@SPAM.example").await;
    assert_eq!(code, "553", "{text}");
    assert!(text.contains("5.7.1 Sender rejected"), "{text}");
    let (code, text) = lettre(smtp, "x@ham.example").await;
    assert_eq!(code, "250", "{text}");
    assert_eq!(count().await, 2);

    // rcpt, matching one address: smtplib is told which recipient was refused, and the
    // message goes to the other one only.
    put_rules(
        http,
        None,
        &["rcpt to=nobody@sandbox.test: reply 550 5.1.1 <nobody@sandbox.test>: User unknown"],
    )
    .await;
    let out = smtplib(
        smtp,
        "py.example",
        "a@example.org",
        &["NOBODY@sandbox.test", "ok@sandbox.test"],
    )
    .await;
    assert!(
        out.contains(
            "refused {'NOBODY@sandbox.test': (550, b'5.1.1 <nobody@sandbox.test>: User unknown')}"
        ),
        "{out}"
    );
    let newest = wait_for_messages(http, 3).await.remove(0);
    assert_eq!(newest.to, ["ok@sandbox.test"]);

    // data: 451 instead of 354.
    put_rules(
        http,
        None,
        &["data: reply 451 4.3.0 Try again later, next 1"],
    )
    .await;
    let out = swaks(smtp, &[]).await;
    assert!(out.contains("451 4.3.0 Try again later"), "{out}");
    assert!(!out.contains("354 "), "{out}");
    assert_eq!(count().await, 3);

    // end_of_data: 554 instead of 250, and nothing is kept.
    put_rules(
        http,
        None,
        &["end_of_data: reply 554 5.7.1 Rejected as spam, next 1"],
    )
    .await;
    let (code, text) = lettre(smtp, "x@ham.example").await;
    assert_eq!(code, "554", "{text}");
    assert!(text.contains("5.7.1 Rejected as spam"), "{text}");
    assert_eq!(count().await, 3);

    // end_of_data: a disconnect instead of any answer.
    put_rules(http, None, &["end_of_data: disconnect, next 1"]).await;
    let out = smtplib(smtp, "py.example", "a@example.org", &["b@sandbox.test"]).await;
    assert!(out.contains("SMTPServerDisconnected"), "{out}");
    assert_eq!(count().await, 3);

    // any: the first command gets the 421 and the connection closes.
    put_rules(http, None, &["any: reply 421 4.7.0 Too busy, next 1"]).await;
    let out = swaks(smtp, &[]).await;
    assert!(out.contains("421 4.7.0 Too busy"), "{out}");
    assert_eq!(count().await, 3);

    // A throttled greeting and a delayed RCPT still make a whole session.
    put_rules(
        http,
        None,
        &[
            "greeting: throttle 400B/s, next 1",
            "rcpt: delay 200ms, next 1",
        ],
    )
    .await;
    let out = swaks(smtp, &[]).await;
    assert!(
        out.contains("220 sandbox.smtp-playground.test ESMTP"),
        "{out}"
    );
    assert!(out.contains("250 2.1.5 Ok"), "{out}");
    assert_eq!(wait_for_messages(http, 4).await.len(), 4);

    // Every "next 1" rule was used up; the matching ones stay.
    let left: Vec<String> = get_rules(http)
        .await
        .rules
        .iter()
        .map(Rule::to_string)
        .collect();
    assert!(left.is_empty(), "{left:?}");
    handle.stop().await;
}

/// The code a raw session gets for RCPT TO `to`.
async fn rcpt_code(smtp: SocketAddr, to: &str) -> u16 {
    let (mut client, greeting) = RawSmtp::connect(smtp).await;
    assert_eq!(greeting, 220);
    assert_eq!(client.command("EHLO raw.example").await.0, 250);
    assert_eq!(client.command("MAIL FROM:<a@example.org>").await.0, 250);
    let code = client.command(&format!("RCPT TO:<{to}>")).await.0;
    assert_eq!(client.command("QUIT").await.0, 221);
    code
}

#[tokio::test]
async fn next_n_counts_sessions_and_a_seeded_probability_is_repeatable() {
    let SandboxBridge { http, smtp, handle } = start_sandbox(SandboxConfig::default()).await;
    let answered = put_rules(http, None, &["rcpt: reply 450 4.2.1 Mailbox busy, next 2"]).await;
    assert_eq!(answered.scope, Some(RulesScope::All));
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(rcpt_code(smtp, "c@sandbox.test").await);
    }
    assert_eq!(codes, [450, 450, 250]);

    // A seed makes the draws the ones `protocol` makes with it.
    let rule = Rule::parse("rcpt: reply 451 4.7.1 Greylisted, p=0.5").expect("valid");
    let document = RulesDocument {
        rules: vec![rule.clone()],
        seed: Some(2026),
        ..RulesDocument::default()
    };
    let (status, _, body) = request(http, "PUT", None, &document.encode()).await;
    assert_eq!(status, 200, "{body}");
    let mut expected_set = RuleSet::new(vec![rule], 2026).expect("one rule");
    let expected: Vec<u16> = (0..12)
        .map(|_| {
            if expected_set.start_session().is_empty() {
                250
            } else {
                451
            }
        })
        .collect();
    assert!(
        expected.contains(&250) && expected.contains(&451),
        "{expected:?}"
    );
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(rcpt_code(smtp, "c@sandbox.test").await);
    }
    assert_eq!(codes, expected);
    handle.stop().await;
}

#[tokio::test]
async fn the_rules_api_refuses_bad_rules_with_the_reason() {
    let SandboxBridge { http, smtp, handle } = start_sandbox(SandboxConfig {
        rules: vec![
            Rule::parse("mail from=@flag.example: reply 553 5.7.1 Flagged").expect("valid"),
        ],
        ..SandboxConfig::default()
    })
    .await;
    let document = get_rules(http).await;
    assert!(document.rules.is_empty());
    assert_eq!(
        document
            .flag_rules
            .iter()
            .map(Rule::to_string)
            .collect::<Vec<_>>(),
        ["mail from=@flag.example: reply 553 5.7.1 Flagged"]
    );
    assert_eq!(document.max_rules, Some(32));

    for (body, status, needle) in [
        ("not json", 400, "not JSON"),
        (
            r#"{"rules":[{"stage":"teleport","action":"disconnect"}]}"#,
            400,
            "\"teleport\" is not a stage",
        ),
        (
            r#"{"rules":[{"text":"rcpt: disconnect"},{"text":"rcpt: reply 250 2.1.5 Ok"}]}"#,
            400,
            "rules[1] (rule 2): 250 is not a failure",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"reply","reply":"550 User unknown"}]}"#,
            400,
            "needs an enhanced code",
        ),
        (
            r#"{"rules":[],"rulez":[]}"#,
            400,
            "unknown member \"rulez\"",
        ),
        (r#"{"max_messages_per_minute":0}"#, 400, "from 1 to 100000"),
    ] {
        let (code, head, answer) = request(http, "PUT", None, body).await;
        assert_eq!(code, status, "{body}: {head}");
        let error = ApiError::decode(&answer).expect("an error body").error;
        assert!(error.contains(needle), "{body}: {error}");
    }
    let many = format!(
        r#"{{"rules":[{}]}}"#,
        vec![r#"{"text":"any: delay 1ms"}"#; 33].join(",")
    );
    let (code, _, answer) = request(http, "PUT", None, &many).await;
    assert_eq!(code, 400);
    assert!(answer.contains("more than 32 rules"), "{answer}");
    let huge = format!(r#"{{"rules":[],"pad":"{}"}}"#, "x".repeat(70_000));
    let (code, _, answer) = request(http, "PUT", None, &huge).await;
    assert_eq!(code, 413, "{answer}");
    // Nothing refused was kept; the flag rule still acts.
    assert!(get_rules(http).await.rules.is_empty());
    let (mut client, _) = RawSmtp::connect(smtp).await;
    assert_eq!(client.command("EHLO x").await.0, 250);
    let (code, text) = client.command("MAIL FROM:<a@flag.example>").await;
    assert_eq!((code, text.trim_end()), (553, "553 5.7.1 Flagged"));

    // A good PUT answers with the new state, and a rule may come as text alone.
    let (code, _, answer) = request(
        http,
        "PUT",
        None,
        r#"{"rules":[{"text":"rcpt to=x@y.example: reply 550 5.1.1 No, next 3"}],"max_messages_per_minute":30}"#,
    )
    .await;
    assert_eq!(code, 200, "{answer}");
    let document = RulesDocument::decode(&answer).expect("a document");
    assert_eq!(
        document.rules[0].to_string(),
        "rcpt to=x@y.example: reply 550 5.1.1 No, next 3"
    );
    assert_eq!(document.max_messages_per_minute, Some(30));
    assert_eq!(get_rules(http).await, document);
    handle.stop().await;
}

/// A visitor of a public bridge: the cookie its first request got.
async fn visitor(bridge: SocketAddr) -> String {
    let (status, head, _) = http_with(bridge, "GET", "/api/sandbox/rules", &[]).await;
    assert_eq!(status, 200, "{head}");
    visitor_cookie(&head)
}

/// RCPT TO through a bridge session as `cookie`'s page does it; the reply line.
async fn rcpt_from_page(bridge: SocketAddr, smtp: SocketAddr, cookie: &str) -> String {
    let mut s = page_session(bridge, smtp, cookie, "visitor").await;
    assert_eq!(
        s.command("MAIL FROM:<me@example.org>").await,
        ["250 2.1.0 Ok"]
    );
    let reply = s.command("RCPT TO:<you@sandbox.test>").await.join("\n");
    s.send(&lines(&["QUIT"])).await;
    reply
}

#[tokio::test]
async fn a_public_visitors_rules_touch_only_that_visitors_sessions() {
    let SandboxBridge { http, smtp, handle } = start_public_sandbox().await;
    let (a, b) = (visitor(http).await, visitor(http).await);
    let answered = put_rules(
        http,
        Some(&a),
        &["rcpt: reply 550 5.1.1 Refused for visitor A"],
    )
    .await;
    assert_eq!(answered.scope, Some(RulesScope::Visitor));
    assert_eq!(answered.rules.len(), 1);

    assert_eq!(
        rcpt_from_page(http, smtp, &a).await,
        "550 5.1.1 Refused for visitor A"
    );
    assert_eq!(rcpt_from_page(http, smtp, &b).await, "250 2.1.5 Ok");
    // An outside client is nobody's visitor: swaks gets through and its mail lands.
    let out = swaks(smtp, &[]).await;
    assert!(out.contains("250 2.1.5 Ok"), "{out}");
    assert!(out.contains("250 2.0.0 Ok: queued"), "{out}");

    // B sees no rules, A sees its own; A's page is refused again, B's is not.
    let (_, _, body) = request(http, "GET", Some(&b), "").await;
    assert!(RulesDocument::decode(&body).expect("doc").rules.is_empty());
    let (_, _, body) = request(http, "GET", Some(&a), "").await;
    assert_eq!(RulesDocument::decode(&body).expect("doc").rules.len(), 1);
    assert!(rcpt_from_page(http, smtp, &a).await.starts_with("550 "));
    // Clearing A's rules frees A's sessions.
    put_rules(http, Some(&a), &[]).await;
    assert_eq!(rcpt_from_page(http, smtp, &a).await, "250 2.1.5 Ok");
    handle.stop().await;
}
