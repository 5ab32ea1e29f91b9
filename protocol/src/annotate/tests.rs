use super::*;

/// The tutorial's session with 163.com, as in the seed document.
const TUTORIAL: &[(Direction, &str)] = &[
    (
        Direction::Server,
        "220 163.com Anti-spam GT for Coremail System (163com[20141201])",
    ),
    (Direction::Client, "helo fan2"),
    (Direction::Server, "250 OK"),
    (Direction::Client, "auth login"),
    (Direction::Server, "334 dXNlcm5hbWU6"),
    (Direction::Client, "cGh1bnhtQDE2My5jb20="),
    (Direction::Server, "334 UGFzc3dvcmQ6"),
    (Direction::Client, "c2VjcmV0LWNvZGU="),
    (Direction::Server, "235 Authentication successful"),
    (Direction::Client, "mail from:<phunxm@163.com>"),
    (Direction::Server, "250 Mail OK"),
    (Direction::Client, "rcpt to:<2306328146@qq.com>"),
    (Direction::Server, "250 Mail OK"),
    (Direction::Client, "data"),
    (Direction::Server, "354 End data with <CR><LF>.<CR><LF>"),
    (Direction::Client, "hello"),
    (Direction::Client, "world"),
    (Direction::Client, "."),
    (
        Direction::Server,
        "554 DT:SPM 163 smtp13,EcCowACn10fou+hW+JiyAg--.",
    ),
    (Direction::Client, "quit"),
    (Direction::Server, "221 Bye"),
];

fn run(lang: Lang, lines: &[(Direction, &str)]) -> Vec<AnnotatedLine> {
    let mut annotator = Annotator::new(lang);
    lines
        .iter()
        .map(|(direction, text)| match direction {
            Direction::Client => annotator.client_line(text),
            Direction::Server => annotator.server_line(text),
            Direction::Note => annotator.note(text),
        })
        .collect()
}

#[test]
fn the_tutorial_is_explained_step_by_step() {
    let out = run(Lang::En, TUTORIAL);
    let title = |i: usize| out[i].annotation.title.as_str();
    assert_eq!(title(0), "220 · Server ready");
    assert!(title(4).contains("username"), "{}", title(4));
    assert!(out[4].annotation.explanation.contains("base64"));
    assert_eq!(
        out[5].text, "cGh1bnhtQDE2My5jb20=",
        "a username stays visible"
    );
    assert!(out[5].annotation.explanation.contains("phunxm@163.com"));
    assert!(title(6).contains("password"));
    assert_eq!(out[7].text, "********", "the password is redacted");
    assert_eq!(title(8), "235 · Logged in");
    assert_eq!(title(10), "250 · Sender accepted");
    assert_eq!(title(12), "250 · Recipient accepted (1 so far)");
    assert_eq!(title(14), "354 · Go ahead: type the message");
    assert_eq!(out[17].annotation.title, "End of message");
    assert!(
        out[17]
            .annotation
            .findings
            .iter()
            .any(|n| n.id == "message-without-headers"),
        "the tutorial's missing headers are flagged before the 554"
    );
    assert_eq!(title(18), "554 · Message not accepted: rejected as spam");
    assert_eq!(out[18].annotation.severity, Severity::Error);
    assert_eq!(title(20), "221 · Goodbye");
    assert_eq!(out[0].code, Some(220));
    assert!(out.iter().all(|l| !l.annotation.title.is_empty()));
}

#[test]
fn the_same_code_says_different_things_in_different_places() {
    let out = run(
        Lang::En,
        &[
            (Direction::Server, "220 mx"),
            (Direction::Client, "EHLO me"),
            (Direction::Server, "250 mx"),
            (Direction::Client, "MAIL FROM:<a@b.example>"),
            (Direction::Server, "250 2.1.0 Ok"),
            (Direction::Client, "RCPT TO:<c@d.example>"),
            (Direction::Server, "250 2.1.5 Ok"),
            (Direction::Client, "DATA"),
            (Direction::Server, "354 go"),
            (Direction::Client, "Subject: x"),
            (Direction::Client, "From: <a@b.example>"),
            (Direction::Client, ""),
            (Direction::Client, "hi"),
            (Direction::Client, "."),
            (Direction::Server, "250 2.0.0 Ok: queued as 4Fq9yT1abcz"),
        ],
    );
    let titles: Vec<&str> = [4, 6, 14]
        .iter()
        .map(|&i| out[i].annotation.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "250 · Sender accepted",
            "250 · Recipient accepted (1 so far)",
            "250 · Message accepted for delivery"
        ]
    );
    assert!(out[14].annotation.explanation.contains("4Fq9yT1abcz"));
    assert!(out[4].annotation.explanation.contains("2.1.0"));
    assert!(out[13].annotation.findings.is_empty());
}

#[test]
fn bad_sequence_is_warned_before_and_explained_after() {
    let out = run(
        Lang::En,
        &[
            (Direction::Server, "220 postfix.test ESMTP Postfix"),
            (Direction::Client, "EHLO me"),
            (Direction::Server, "250-postfix.test"),
            (Direction::Server, "250-PIPELINING"),
            (Direction::Server, "250 8BITMIME"),
            (Direction::Client, "RCPT TO:<bob@postfix.test>"),
            (Direction::Server, "503 5.5.1 Error: need MAIL command"),
        ],
    );
    assert_eq!(out[2].annotation.title, "EHLO reply: the server's name");
    assert_eq!(out[3].annotation.title, "Extension PIPELINING");
    assert_eq!(out[3].annotation.reference, "RFC 2920");
    assert!(
        out[4]
            .annotation
            .title
            .starts_with("250 · Hello accepted; 2 extensions")
    );
    assert!(
        out[4]
            .annotation
            .explanation
            .contains("8BITMIME (RFC 6152)")
    );
    assert_eq!(out[5].annotation.severity, Severity::Error);
    assert_eq!(out[5].annotation.findings[0].id, "rcpt-before-mail");
    assert_eq!(out[6].annotation.title, "503 · Bad sequence of commands");
    assert!(
        out[6]
            .annotation
            .explanation
            .contains("RCPT TO came before MAIL FROM")
    );
    assert!(out[6].annotation.explanation.contains("5.5.1"));
}

#[test]
fn chinese_annotations_are_chinese() {
    let out = run(Lang::ZhCn, TUTORIAL);
    assert_eq!(out[0].annotation.title, "220 · 服务器就绪");
    assert!(out[4].annotation.title.contains("用户名"));
    assert!(out[18].annotation.title.contains("垃圾邮件"));
    for line in &out {
        let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(
            has_cjk(&line.annotation.title) || line.annotation.title.starts_with("2"),
            "{}",
            line.annotation.title
        );
        assert!(
            has_cjk(&line.annotation.explanation),
            "{}",
            line.annotation.explanation
        );
    }
}

#[test]
fn garbage_from_the_server_is_explained_not_fatal() {
    let out = run(
        Lang::En,
        &[
            (Direction::Server, "hello there"),
            (Direction::Server, "250-a"),
            (Direction::Server, "550 b"),
            (Direction::Server, "220 mx"),
        ],
    );
    assert_eq!(out[0].annotation.title, "Not a valid reply line");
    assert_eq!(out[0].code, None);
    // A new code starts a new reply: the unfinished one before it is noted, not the line.
    assert!(out[2].annotation.title.starts_with("550 · "));
    assert!(out[2].annotation.explanation.contains("never ended"));
    assert_eq!(out[3].annotation.title, "220 · Server ready");
}

#[test]
fn implicit_tls_makes_starttls_a_predicted_error() {
    let mut annotator = Annotator::new(Lang::En);
    annotator.implicit_tls();
    annotator.server_line("220 mx ESMTP");
    annotator.client_line("EHLO me");
    annotator.server_line("250-mx");
    annotator.server_line("250 AUTH PLAIN");
    let line = annotator.client_line("STARTTLS");
    assert_eq!(line.annotation.findings[0].id, "starttls-twice");
}

#[test]
fn replies_say_where_they_start_and_whether_they_accept_a_message() {
    let lines: &[(Direction, &str)] = &[
        (Direction::Server, "220 mx ESMTP"),
        (Direction::Client, "EHLO me"),
        (Direction::Server, "250-mx"),
        (Direction::Server, "250-PIPELINING"),
        (Direction::Server, "250 SIZE 1000"),
        (Direction::Client, "MAIL FROM:<a@b.example>"),
        (Direction::Server, "250 ok"),
        (Direction::Client, "RCPT TO:<c@d.example>"),
        (Direction::Server, "250 ok"),
        (Direction::Client, "DATA"),
        // A reply that never ends, then one with another code: the second starts anew.
        (Direction::Server, "250-unfinished"),
        (Direction::Server, "354 go ahead"),
        (Direction::Client, "Subject: hi"),
        (Direction::Client, "."),
        (Direction::Server, "250 2.0.0 queued"),
        (Direction::Client, "QUIT"),
        (Direction::Server, "221 bye"),
    ];
    let out = run(Lang::En, lines);
    let starts: Vec<bool> = out.iter().map(|l| l.starts_reply).collect();
    assert_eq!(
        starts,
        [
            true, false, true, false, false, false, true, false, true, false, true, true, false,
            false, true, false, true
        ]
    );
    let accepted: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].accepts_message())
        .collect();
    assert_eq!(accepted, [14], "only the 250 to the final dot");
    // The 250 to MAIL is a success, but accepts no message.
    assert!(!out[6].accepts_message());
    let refused = run(
        Lang::En,
        &[
            (Direction::Server, "220 mx"),
            (Direction::Client, "DATA"),
            (Direction::Server, "354 go"),
            (Direction::Client, "."),
            (Direction::Server, "554 5.7.1 spam"),
        ],
    );
    assert!(refused.iter().all(|l| !l.accepts_message()));
}

#[test]
fn line_kinds_read_back_from_their_names() {
    for kind in LineKind::ALL {
        assert_eq!(LineKind::from_name(kind.as_str()), Some(kind));
    }
    assert_eq!(LineKind::from_name("Command"), None);
}

/// RFC 2195's example: the challenge is shown decoded with why the password stays home,
/// and the answer (an HMAC an attacker could test guesses against) is hidden.
#[test]
fn a_cram_md5_exchange_is_explained_and_its_answer_hidden() {
    let session = |lang| {
        run(
            lang,
            &[
                (Direction::Server, "220 mx"),
                (Direction::Client, "EHLO me"),
                (Direction::Server, "250 AUTH CRAM-MD5"),
                (Direction::Client, "AUTH CRAM-MD5"),
                (
                    Direction::Server,
                    "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
                ),
                (
                    Direction::Client,
                    "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
                ),
                (Direction::Server, "235 2.7.0 Authentication successful"),
            ],
        )
    };
    let en = session(Lang::En);
    assert!(en[4].annotation.next_steps[0].contains("AUTH helper"));
    let challenge = &en[4].annotation;
    assert!(challenge.explanation.contains("HMAC-MD5"));
    assert!(
        challenge
            .explanation
            .contains("<1896.697170952@postoffice.reston.mci.net>")
    );
    assert!(challenge.explanation.contains("never crosses the wire"));
    assert_eq!(en[5].text, auth::REDACTED);
    assert!(en[5].annotation.title.contains("CRAM-MD5"));
    let zh = session(Lang::ZhCn);
    assert!(
        zh[4]
            .annotation
            .explanation
            .contains("密码从不在线路上传输")
    );
    assert!(zh[4].annotation.explanation.contains("HMAC-MD5"));
}

#[test]
fn a_pipelined_command_says_its_reply_comes_after_the_earlier_ones() {
    for (lang, words) in [
        (Lang::En, "2 earlier replies come first"),
        (Lang::ZhCn, "前面 2 个回复先到"),
    ] {
        let out = run(
            lang,
            &[
                (Direction::Server, "220 mx"),
                (Direction::Client, "EHLO me"),
                (Direction::Server, "250 PIPELINING"),
                (Direction::Client, "MAIL FROM:<a@b.example>"),
                (Direction::Client, "RCPT TO:<c@d.example>"),
                (Direction::Client, "DATA"),
                (Direction::Server, "250 2.1.0 Ok"),
                (Direction::Server, "250 2.1.5 Ok"),
                (Direction::Server, "354 go"),
            ],
        );
        assert!(!out[3].annotation.explanation.contains("Pipelined"));
        assert!(
            out[5].annotation.explanation.contains(words),
            "{}",
            out[5].annotation.explanation
        );
        assert_eq!(out[6].answers, Some("MAIL"));
        assert_eq!(out[7].answers, Some("RCPT"));
        assert_eq!(out[8].answers, Some("DATA"));
    }
}
