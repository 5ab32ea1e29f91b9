//! The sandbox's scenario addresses and its rate limiter, met by real clients (swaks,
//! Python's smtplib, lettre) on a real port: the exact reply lines each client sees, what
//! lands in the mailbox, the greylisting retry, the `421` past the limit, and the RFC 3464
//! report `bounce@` delivers, read with mail-parser.

use std::time::Duration;

use bridge::sandbox::SandboxConfig;
use e2e::sandbox::{
    RawSmtp, SWAKS_DEMO_LOGIN, SandboxBridge, get_shape, http_with, messages, new_visitor,
    page_session, python, raw_message, run_client, run_client_any, scratch_dir,
    start_public_sandbox, start_sandbox, swaks_args, wait_for_messages,
};
use e2e::{WAIT, lines};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use protocol::records::mailbox::{self, MessageList, SandboxInfo};
use protocol::server::scenarios::{SCENARIOS, ScenarioStage, Verdict};
use tokio::time::timeout;

/// How long one client program may run (greylisting waits a second or two inside).
const CLIENT_LIMIT: Duration = Duration::from_secs(30);

/// Runs a client that may fail (swaks exits non-zero when a recipient is refused); returns
/// its exit code and combined output.
async fn run_any(program: &str, args: &[String]) -> (Option<i32>, String) {
    run_client_any(program, args, CLIENT_LIMIT).await
}

/// swaks's arguments for one message from sender@ to `to`, then `extra`.
fn swaks(sandbox: &SandboxBridge, to: &str, extra: &[&str]) -> Vec<String> {
    swaks_args(sandbox.smtp, "sender@example.org", to, extra)
}

/// Runs smtplib code with `host` and `port` defined; returns what it printed.
async fn smtplib(sandbox: &SandboxBridge, body: &str) -> String {
    let script = format!(
        "import smtplib, sys, time\nhost, port = sys.argv[1], int(sys.argv[2])\n\
         MSG = b'Subject: smtplib scenario\\r\\nFrom: <sender@example.org>\\r\\n\\r\\nHello\\r\\n'\n{body}"
    );
    let args = vec![
        "-c".to_owned(),
        script,
        sandbox.smtp.ip().to_string(),
        sandbox.smtp.port().to_string(),
    ];
    run_client(&python(), &args, CLIENT_LIMIT).await
}

#[tokio::test]
async fn api_sandbox_lists_every_scenario_from_the_table_unless_turned_off() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let info: SandboxInfo = get_shape(sandbox.http, "/api/sandbox").await;
    assert_eq!(info.scenarios.len(), SCENARIOS.len());
    assert_eq!(info.max_messages_per_minute, None);
    for (record, entry) in info.scenarios.iter().zip(SCENARIOS) {
        assert_eq!(record.local_part, entry.local_part);
        assert_eq!(record.stage, entry.stage);
        assert_eq!(record.verdict, entry.verdict);
        assert_eq!(record.advice.en, entry.advice.en);
        assert_eq!(record.shows.zh, entry.shows.zh);
    }
    let busy = &info.scenarios[0];
    assert_eq!(
        (busy.address.as_str(), busy.stage, busy.verdict),
        ("busy@", ScenarioStage::Rcpt, Verdict::RetryLater)
    );
    assert_eq!(
        busy.reply.as_deref(),
        Some(
            "450 4.2.1 <busy@example.com>: Recipient address rejected: Mailbox busy, try again later"
        )
    );
    sandbox.handle.stop().await;

    let sandbox = start_sandbox(SandboxConfig {
        no_scenarios: true,
        max_messages_per_minute: Some(7),
        ..SandboxConfig::default()
    })
    .await;
    let info: SandboxInfo = get_shape(sandbox.http, "/api/sandbox").await;
    assert!(info.scenarios.is_empty());
    assert_eq!(info.max_messages_per_minute, Some(7));
    // Turned off, busy@ is an ordinary recipient.
    let (code, out) = run_any("swaks", &swaks(&sandbox, "busy@example.net", &[])).await;
    assert_eq!(code, Some(0), "{out}");
    let list = wait_for_messages(sandbox.http, 1).await;
    assert_eq!(list[0].to, ["busy@example.net"]);
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn swaks_sees_each_rcpt_refusal_word_for_word_and_the_rest_is_delivered() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let to = "busy@example.net,missing@example.net,FULL@Example.Net,full+permanent@example.net,\
              relay@elsewhere.example,greylist@example.net,alice@example.net";
    let subject = ["--header", "Subject: scenario test"];
    let (code, out) = run_any("swaks", &swaks(&sandbox, to, &subject)).await;
    for line in [
        "<** 450 4.2.1 <busy@example.net>: Recipient address rejected: Mailbox busy, try again later",
        "<** 550 5.1.1 <missing@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
        "<** 452 4.2.2 <FULL@Example.Net>: Recipient address rejected: Quota exceeded (mailbox for user is full)",
        "<** 552 5.2.2 <full+permanent@example.net>: Recipient address rejected: Quota exceeded (mailbox for user is full)",
        "<** 554 5.7.1 <relay@elsewhere.example>: Relay access denied",
        "<** 451 4.7.1 <greylist@example.net>: Recipient address rejected: Greylisted for 60 seconds, try again later",
        "<-  250 2.1.5 Ok",
        "<-  250 2.0.0 Ok: queued as ",
    ] {
        assert!(
            out.contains(line),
            "{line:?} missing in (exit {code:?}):\n{out}"
        );
    }
    let list = wait_for_messages(sandbox.http, 1).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].to, ["alice@example.net"]);
    assert_eq!(list[0].subject.as_deref(), Some("scenario test"));

    // A relay recipient is accepted from a client that logged in, as a real server relays
    // for its users.
    let (code, out) = run_any(
        "swaks",
        &swaks(&sandbox, "relay@elsewhere.example", &SWAKS_DEMO_LOGIN),
    )
    .await;
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        wait_for_messages(sandbox.http, 2).await[0].to,
        ["relay@elsewhere.example"]
    );
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn swaks_spam_is_refused_after_the_dot_and_nothing_is_stored() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let (code, out) = run_any(
        "swaks",
        &swaks(&sandbox, "spam@example.net,alice@example.net", &[]),
    )
    .await;
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains("<-  354 End data with <CR><LF>.<CR><LF>"),
        "{out}"
    );
    assert!(out.contains("<** 554 5.7.1 Spam message rejected"), "{out}");
    // The next message on a new connection is stored: the refusal was for that message.
    let (code, out) = run_any("swaks", &swaks(&sandbox, "alice@example.net", &[])).await;
    assert_eq!(code, Some(0), "{out}");
    let list = wait_for_messages(sandbox.http, 1).await;
    assert_eq!(list.len(), 1, "{list:?}");
    sandbox.handle.stop().await;
}

/// smtplib: the refusals as `sendmail` reports them, `spam@` and `drop@` as exceptions,
/// and greylisting passed by retrying after the delay.
const SMTPLIB_SCENARIOS: &str = r#"
def show(what, value):
    print(what, repr(value), flush=True)

with smtplib.SMTP(host, port, timeout=20) as s:
    refused = s.sendmail("sender@example.org",
        ["alice@example.net", "busy@example.net", "missing@example.net", "full@example.net"],
        MSG)
    show("refused", sorted((k, v[0], v[1].decode()) for k, v in refused.items()))
    try:
        s.sendmail("sender@example.org", ["spam@example.net"], MSG)
    except smtplib.SMTPDataError as e:
        show("spam", (e.smtp_code, e.smtp_error.decode()))
try:
    with smtplib.SMTP(host, port, timeout=20) as s:
        s.sendmail("sender@example.org", ["drop@example.net"], MSG)
        show("drop", "delivered")
except smtplib.SMTPServerDisconnected as e:
    show("drop", "disconnected")
# Greylisting: refused, then accepted on a new connection once the second has passed.
for attempt in range(5):
    try:
        with smtplib.SMTP(host, port, timeout=20) as s:
            s.sendmail("sender@example.org", ["greylist+1@example.net"], MSG)
        show("greylist passed on attempt", attempt + 1)
        break
    except smtplib.SMTPRecipientsRefused as e:
        code, text = e.recipients["greylist+1@example.net"]
        show("greylist refused", (code, text.decode()))
        time.sleep(1.1)
"#;

#[tokio::test]
async fn smtplib_meets_refusals_spam_drop_and_passes_greylisting_on_retry() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let out = smtplib(&sandbox, SMTPLIB_SCENARIOS).await;
    for line in [
        "refused [('busy@example.net', 450, '4.2.1 <busy@example.net>: Recipient address rejected: Mailbox busy, try again later'), \
         ('full@example.net', 452, '4.2.2 <full@example.net>: Recipient address rejected: Quota exceeded (mailbox for user is full)'), \
         ('missing@example.net', 550, '5.1.1 <missing@example.net>: Recipient address rejected: User unknown in virtual mailbox table')]",
        "spam (554, '5.7.1 Spam message rejected')",
        "drop 'disconnected'",
        "greylist refused (451, '4.7.1 <greylist+1@example.net>: Recipient address rejected: Greylisted for 1 second, try again later')",
        "greylist passed on attempt 2",
    ] {
        assert!(out.contains(line), "{line:?} missing in:\n{out}");
    }
    // Stored: the first message (for alice only) and the greylisted one once it passed;
    // nothing of spam@ or drop@.
    let list = wait_for_messages(sandbox.http, 2).await;
    let recipients: Vec<Vec<String>> = list.iter().map(|m| m.to.clone()).collect();
    assert_eq!(
        recipients,
        [vec!["greylist+1@example.net"], vec!["alice@example.net"]]
    );
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn drop_hangs_up_mid_data_without_a_reply() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let (mut client, greeting) = RawSmtp::connect(sandbox.smtp).await;
    assert_eq!(greeting, 220);
    for (line, code) in [
        ("EHLO client.example", 250),
        ("MAIL FROM:<sender@example.org>", 250),
        ("RCPT TO:<drop@example.net>", 250),
        ("DATA", 354),
    ] {
        assert_eq!(client.command(line).await.0, code, "{line}");
    }
    client
        .send(b"Subject: half a message\r\nFrom: <sender@example.org>\r\n")
        .await;
    // The connection ends with no reply at all.
    let (code, text) = client.reply().await;
    assert_eq!((code, text.as_str()), (0, ""));
    assert!(messages(sandbox.http).await.is_empty());
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn lettre_tells_temporary_from_permanent_and_waits_out_a_slow_server() {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let transport =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(sandbox.smtp.ip().to_string())
            .port(sandbox.smtp.port())
            .timeout(Some(WAIT))
            .build();
    let message = |to: &str| {
        Message::builder()
            .from("Sender <sender@example.org>".parse().expect("from"))
            .to(to.parse().expect("to"))
            .subject("lettre scenario")
            .body("Hello".to_owned())
            .expect("a message")
    };
    for (to, transient, words) in [
        ("greylist@example.net", true, "Greylisted for 60 seconds"),
        ("busy@example.net", true, "Mailbox busy"),
        ("full@example.net", true, "Quota exceeded"),
        ("missing@example.net", false, "User unknown"),
        ("full+permanent@example.net", false, "Quota exceeded"),
        ("relay@elsewhere.example", false, "Relay access denied"),
    ] {
        let err = timeout(WAIT, transport.send(message(to)))
            .await
            .expect("lettre finishes within the wait")
            .expect_err(to);
        assert_eq!(err.is_transient(), transient, "{to}: {err}");
        assert_eq!(err.is_permanent(), !transient, "{to}: {err}");
        assert!(err.to_string().contains(words), "{to}: {err}");
    }
    let err = timeout(WAIT, transport.send(message("spam@example.net")))
        .await
        .expect("lettre finishes within the wait")
        .expect_err("spam");
    assert!(err.is_permanent(), "{err}");
    assert!(err.to_string().contains("Spam message rejected"), "{err}");
    assert!(messages(sandbox.http).await.is_empty());
    // slow+200: every reply after the RCPT waits 200 ms; the message still arrives.
    let response = timeout(WAIT, transport.send(message("slow+200@example.net")))
        .await
        .expect("lettre finishes within the wait")
        .expect("accepted");
    assert_eq!(response.code().to_string(), "250");
    assert_eq!(
        wait_for_messages(sandbox.http, 1).await[0].to,
        ["slow+200@example.net"]
    );
    sandbox.handle.stop().await;
}

/// smtplib sending messages on one connection until the limit answers.
const SMTPLIB_RATE: &str = r#"
with smtplib.SMTP(host, port, timeout=20) as s:
    for n in range(1, 4):
        try:
            s.sendmail("sender@example.org", ["alice@example.net"], MSG)
            print("sent", n, flush=True)
        except smtplib.SMTPSenderRefused as e:
            print("refused", n, e.smtp_code, e.smtp_error.decode(), flush=True)
            break
"#;

#[tokio::test]
async fn the_rate_limiter_answers_421_past_n_messages_a_minute_and_hangs_up() {
    let sandbox = start_sandbox(SandboxConfig {
        max_messages_per_minute: Some(2),
        ..SandboxConfig::default()
    })
    .await;
    let out = smtplib(&sandbox, SMTPLIB_RATE).await;
    assert!(out.contains("sent 1\nsent 2\n"), "{out}");
    assert!(
        out.contains(
            "refused 3 421 4.7.0 sandbox.smtp-playground.test Error: too many messages; try again later"
        ),
        "{out}"
    );
    assert_eq!(wait_for_messages(sandbox.http, 2).await.len(), 2);
    // A new connection within the minute is refused at its first MAIL, and closed.
    let (mut client, _) = RawSmtp::connect(sandbox.smtp).await;
    assert_eq!(client.command("EHLO client.example").await.0, 250);
    let (code, text) = client.command("MAIL FROM:<sender@example.org>").await;
    assert_eq!(
        (code, text.as_str()),
        (
            421,
            "421 4.7.0 sandbox.smtp-playground.test Error: too many messages; try again later\r\n"
        )
    );
    assert!(client.closed().await);
    // swaks sees the same.
    let (code, out) = run_any("swaks", &swaks(&sandbox, "alice@example.net", &[])).await;
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains("<** 421 4.7.0 sandbox.smtp-playground.test Error: too many messages"),
        "{out}"
    );
    assert_eq!(messages(sandbox.http).await.len(), 2);
    sandbox.handle.stop().await;
}

/// The fields of one block of a `message/delivery-status` body, read as a header block.
fn fields(block: &str) -> Vec<(String, String)> {
    let text = format!("{block}\r\n\r\n");
    let parsed = MessageParser::default()
        .parse_headers(text.as_bytes())
        .expect("a block of fields");
    parsed
        .headers_raw()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn bounce_delivers_an_rfc_3464_report_to_the_sender() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let dir = scratch_dir("bounce");
    let file = dir.join("message.eml");
    let original = "From: Sender <sender@example.org>\r\nTo: bounce@example.net\r\n\
                    Subject: will bounce\r\nMessage-ID: <original.1@example.org>\r\n\r\nBody text\r\n";
    std::fs::write(&file, original).expect("write the message");
    let data = format!("@{}", file.display());
    let (code, out) = run_any(
        "swaks",
        &swaks(
            &sandbox,
            "bounce@example.net,alice@example.net",
            &["--data", &data],
        ),
    )
    .await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("<-  250 2.0.0 Ok: queued as "), "{out}");
    let list = wait_for_messages(sandbox.http, 2).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let report = list.iter().find(|m| m.from.is_empty()).expect("a report");
    let delivered = list
        .iter()
        .find(|m| !m.from.is_empty())
        .expect("the message");
    assert_eq!(delivered.to, ["alice@example.net"]);
    // Null reverse path, addressed to the original MAIL FROM.
    assert_eq!(report.to, ["sender@example.org"]);
    assert_eq!(
        report.subject.as_deref(),
        Some("Undelivered Mail Returned to Sender")
    );

    let raw = raw_message(sandbox.http, report.id).await;
    let message = MessageParser::default().parse(&raw).expect("a message");
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address());
    assert_eq!(from, Some("MAILER-DAEMON@sandbox.smtp-playground.test"));
    assert!(message.date().is_some(), "a Date header");
    let content_type = message.content_type().expect("a Content-Type");
    assert_eq!(
        (content_type.ctype(), content_type.subtype()),
        ("multipart", Some("report"))
    );
    assert_eq!(
        content_type.attribute("report-type"),
        Some("delivery-status")
    );
    let PartType::Multipart(children) = &message.parts[0].body else {
        panic!("the root is not multipart: {:?}", message.parts[0].body);
    };
    assert_eq!(children.len(), 3, "a human part, the status, the headers");
    let part = |i: usize| &message.parts[children[i] as usize];
    let kind = |i: usize| {
        let ct = part(i).content_type().expect("a part Content-Type");
        format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
    };
    assert_eq!(kind(0), "text/plain");
    assert_eq!(kind(1), "message/delivery-status");
    assert_eq!(kind(2), "text/rfc822-headers");
    let human = part(0).text_contents().expect("text");
    assert!(human.contains("<bounce@example.net>: 550 5.1.1"), "{human}");

    let status = String::from_utf8_lossy(part(1).contents()).into_owned();
    let blocks: Vec<&str> = status
        .split("\r\n\r\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    assert_eq!(blocks.len(), 2, "per-message and one recipient: {status}");
    let per_message = fields(blocks[0]);
    assert_eq!(
        field(&per_message, "reporting-mta"),
        Some("dns; sandbox.smtp-playground.test")
    );
    assert!(field(&per_message, "arrival-date").is_some(), "{status}");
    let recipient = fields(blocks[1]);
    assert_eq!(
        field(&recipient, "final-recipient"),
        Some("rfc822; bounce@example.net")
    );
    assert_eq!(field(&recipient, "action"), Some("failed"));
    assert_eq!(field(&recipient, "status"), Some("5.1.1"));
    assert!(
        field(&recipient, "diagnostic-code").is_some_and(|d| d.starts_with("smtp; 550 5.1.1")),
        "{status}"
    );

    let headers = part(2).text_contents().expect("the original headers");
    assert!(headers.contains("Subject: will bounce"), "{headers}");
    assert!(
        headers.contains("Message-ID: <original.1@example.org>"),
        "{headers}"
    );
    assert!(!headers.contains("Body text"), "{headers}");
    let _ = std::fs::remove_dir_all(dir);
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn a_bounce_to_the_null_sender_is_never_sent() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let (code, out) = run_any(
        "swaks",
        &swaks(
            &sandbox,
            "bounce@example.net,alice@example.net",
            &["--from", "<>"],
        ),
    )
    .await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("MAIL FROM:<>"), "{out}");
    let list = wait_for_messages(sandbox.http, 1).await;
    // Only the message for alice: no report goes to <>.
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].to, ["alice@example.net"]);
    sandbox.handle.stop().await;
}

/// The envelope (from, to) of each message a visitor sees, newest first.
async fn visible(bridge: std::net::SocketAddr, cookie: &str) -> Vec<(String, Vec<String>)> {
    let (status, head, body) =
        http_with(bridge, "GET", "/api/messages", &[("Cookie", cookie)]).await;
    assert_eq!(status, 200, "{head}");
    let list: MessageList = mailbox::read(&String::from_utf8_lossy(&body)).expect("a message list");
    list.messages.into_iter().map(|m| (m.from, m.to)).collect()
}

#[tokio::test]
async fn in_the_public_profile_a_bounce_belongs_to_the_visitor_who_sent_the_mail() {
    let SandboxBridge { http, smtp, handle } = start_public_sandbox().await;
    let (a, b) = (new_visitor(http).await, new_visitor(http).await);
    let mut s = page_session(http, smtp, &a, "visitor").await;
    assert_eq!(
        s.command("MAIL FROM:<me@example.org>").await,
        ["250 2.1.0 Ok"]
    );
    assert_eq!(
        s.command("RCPT TO:<bounce@example.org>").await,
        ["250 2.1.5 Ok"]
    );
    assert!(s.command("DATA").await[0].starts_with("354 "));
    s.send(&lines(&["Subject: bounce me", "", "Hello."])).await;
    assert!(s.command(".").await[0].starts_with("250 2.0.0 Ok: queued as "));
    assert!(s.command("QUIT").await[0].starts_with("221 "));
    let _ = s.recv_closed().await;
    // The report is A's mail, as the message it reports on would have been; B sees nothing.
    assert_eq!(
        visible(http, &a).await,
        [(String::new(), vec!["me@example.org".to_owned()])]
    );
    assert!(visible(http, &b).await.is_empty());
    handle.stop().await;
}

#[tokio::test]
async fn in_the_public_profile_the_rate_limit_counts_each_visitor_apart() {
    let (http, handle) = e2e::security::start_bridge_at(
        |addr| bridge::Config {
            allowed_origins: vec![format!("http://{addr}")],
            policy: Box::new(e2e::security::roomy_public_policy()),
            sandbox: Box::new(SandboxConfig {
                listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
                max_messages_per_minute: Some(1),
                ..SandboxConfig::default()
            }),
            ..bridge::Config::default()
        },
        bridge::Hooks::default(),
    )
    .await;
    let about: SandboxInfo = get_shape(http, "/api/sandbox").await;
    let smtp = about
        .listen
        .as_deref()
        .and_then(|a| a.parse().ok())
        .expect("the sandbox listens");
    let (a, b) = (new_visitor(http).await, new_visitor(http).await);
    let mut s = page_session(http, smtp, &a, "visitor").await;
    assert_eq!(
        s.command("MAIL FROM:<me@example.org>").await,
        ["250 2.1.0 Ok"]
    );
    assert_eq!(s.command("RSET").await, ["250 2.0.0 Ok"]);
    assert_eq!(
        s.command("MAIL FROM:<me@example.org>").await,
        ["421 4.7.0 sandbox.smtp-playground.test Error: too many messages; try again later"]
    );
    let _ = s.recv_closed().await;
    // Both come from the bridge's own address, yet B has a budget of its own.
    let mut s = page_session(http, smtp, &b, "visitor").await;
    assert_eq!(
        s.command("MAIL FROM:<me@example.org>").await,
        ["250 2.1.0 Ok"]
    );
    handle.stop().await;
}

#[tokio::test]
async fn missing_and_relay_answer_in_postfix_s_own_words() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    // The test Postfix knows alice@ and bob@ at postfix.test and relays for nobody.
    let mut replies = Vec::new();
    for server in [sandbox.smtp, e2e::postfix_addr()] {
        let (mut client, greeting) = RawSmtp::connect(server).await;
        assert_eq!(greeting, 220);
        assert_eq!(client.command("EHLO client.example").await.0, 250);
        assert_eq!(
            client.command("MAIL FROM:<sender@example.org>").await.0,
            250
        );
        let mut answers = Vec::new();
        for rcpt in ["missing@postfix.test", "relay@elsewhere.example"] {
            answers.push(client.command(&format!("RCPT TO:<{rcpt}>")).await.1);
        }
        assert_eq!(client.command("QUIT").await.0, 221);
        replies.push(answers);
    }
    assert_eq!(replies[0], replies[1], "the sandbox, then Postfix");
    assert_eq!(
        replies[0],
        [
            "550 5.1.1 <missing@postfix.test>: Recipient address rejected: User unknown in virtual mailbox table\r\n",
            "554 5.7.1 <relay@elsewhere.example>: Relay access denied\r\n",
        ]
    );
    sandbox.handle.stop().await;
}
