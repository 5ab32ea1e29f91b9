use super::wrap::width;
use super::*;
use protocol::transcript;
use serde_json::json;

const TELNET: &str = "Trying 127.0.0.1...\n220 mx ESMTP\nhelo fan2\n250 OK\nrcpt to:<a@b.example>\n503 5.5.1 Error: need MAIL command\nbogus line from nowhere\n";

/// One recipient accepted, one refused (Postfix's words), a message delivered.
const ONE_OF_TWO: &str = "S: 220 postfix.test ESMTP Postfix\nC: EHLO client.example\nS: 250-postfix.test\nS: 250-PIPELINING\nS: 250 8BITMIME\nC: MAIL FROM:<bob@example.com>\nS: 250 2.1.0 Ok\nC: RCPT TO:<alice@postfix.test>\nS: 250 2.1.5 Ok\nC: RCPT TO:<someone@example.com>\nS: 554 5.7.1 <someone@example.com>: Relay access denied\nC: DATA\nS: 354 End data with <CR><LF>.<CR><LF>\nC: Subject: hi\nC: \nC: first line\nC: second line\nC: third line\nC: .\nS: 250 2.0.0 Ok: queued as 0DA855122EF\nC: QUIT\nS: 221 2.0.0 Bye\n";

fn capture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../protocol/tests/data/postfix")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ndjson(text: &str, lang: Lang) -> Vec<serde_json::Value> {
    let (_, lines) = transcript::annotate(text, lang);
    render_json(&lines, lang)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The member names of a line record, as it writes them.
fn record_members() -> Vec<String> {
    let record = LineRecord::note("", Severity::Info).encode();
    let value: serde_json::Value = serde_json::from_str(&record).expect("a record is JSON");
    members_but_type(&value)
}

/// The member names of a JSON object, `type` left out.
fn members_but_type(object: &serde_json::Value) -> Vec<String> {
    let object = object.as_object().expect("an object");
    object.keys().filter(|k| *k != "type").cloned().collect()
}

#[test]
fn json_is_one_object_per_line_then_a_summary() {
    let items = ndjson(TELNET, Lang::En);
    assert_eq!(items.len(), 7 + 1);
    assert!(
        items.iter().all(|i| i["type"].is_string()),
        "every object has a type"
    );
    let (_, annotated) = transcript::annotate(TELNET, Lang::En);
    for line in render_json(&annotated, Lang::En).lines() {
        assert!(
            line.starts_with(r#"{"type":"line","#) || line.starts_with(r#"{"type":"summary","#),
            "the type comes first: {line}"
        );
    }
    assert_eq!(typed("x", "{}"), r#"{"type":"x"}"#);
    assert_eq!(typed("x", r#"{"a":1}"#), r#"{"type":"x","a":1}"#);
    // Each line is the one record the page's export writes too, read back whole.
    for ((source, line), text) in annotated
        .iter()
        .zip(render_json(&annotated, Lang::En).lines())
    {
        assert_eq!(LineRecord::decode(text), Ok(record(source, line)), "{text}");
    }
    let (summary, lines) = items.split_last().expect("objects");
    assert!(lines.iter().all(|i| i["type"] == "line"));
    assert_eq!(summary["type"], "summary");
    assert_eq!(lines[0]["direction"], "note");
    assert_eq!(lines[0]["kind"], "note");
    assert_eq!(lines[1]["direction"], "server");
    assert_eq!(lines[1]["kind"], "reply");
    assert_eq!(lines[1]["code"], 220);
    assert_eq!(lines[1]["answers"], "greeting");
    assert_eq!(lines[1]["id"], "greeting");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["direction"], "client");
    assert_eq!(lines[2]["kind"], "command");
    assert!(lines[2]["code"].is_null());
    assert!(lines[2]["answers"].is_null());
    assert_eq!(lines[4]["severity"], "error");
    assert_eq!(lines[4]["findings"][0]["id"], "rcpt-before-mail");
    assert_eq!(lines[5]["title"], "503 · Bad sequence of commands");
    assert_eq!(lines[5]["answers"], "RCPT");
    assert_eq!(lines[5]["id"], "bad-sequence");
    // Every line has all of the record's members and no others (the record's own tests name
    // them, in their documented order).
    let members = record_members();
    for item in lines {
        assert_eq!(members_but_type(item), members, "{item}");
    }
    assert_eq!(summary["errors"]["permanent"], 1);
    assert_eq!(summary["errors"]["ids"], json!(["bad-sequence"]));
    assert_eq!(summary["recipients"]["refused"], 1);
    assert_eq!(summary["ending"], "none");
}

#[test]
fn json_keeps_multi_line_explanations_on_one_line() {
    let (_, lines) = transcript::annotate(&capture("deliver.swaks.txt"), Lang::ZhCn);
    let out = render_json(&lines, Lang::ZhCn);
    assert_eq!(out.lines().count(), lines.len() + 1);
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.annotation.explanation.contains('\n')),
        "some explanation has several paragraphs"
    );
    for line in out.lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(matches!(value["type"].as_str(), Some("line" | "summary")));
    }
}

#[test]
fn summary_of_one_accepted_and_one_refused_recipient() {
    let items = ndjson(ONE_OF_TWO, Lang::En);
    let summary = items.last().expect("summary");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["recipients"], json!({"accepted": 1, "refused": 1}));
    assert_eq!(summary["messages"]["sent"], 1);
    assert_eq!(summary["messages"]["accepted"], 1);
    assert_eq!(summary["messages"]["refused"], 0);
    assert_eq!(summary["messages"]["replies"][0]["id"], "message-accepted");
    assert_eq!(summary["tls"], "not-used");
    assert_eq!(summary["auth"], "none");
    assert_eq!(summary["errors"]["total"], 1);
    assert_eq!(summary["errors"]["ids"], json!(["relay-denied"]));
    assert_eq!(summary["ending"], "quit");
    assert!(summary["ending_id"].is_null());
    assert_eq!(summary["text"][1], "Recipients: 1 accepted, 1 refused");

    let (_, lines) = transcript::annotate(ONE_OF_TWO, Lang::ZhCn);
    let text = render_text(&lines, Lang::ZhCn, Style::new(false));
    let block = text
        .split("── 会话摘要 ──\n")
        .nth(1)
        .expect("the summary block");
    assert_eq!(
        block,
        "  邮件：发送 1 封，接受 1 封，拒绝 0 封\n  收件人：接受 1 个，拒绝 1 个\n  TLS：未使用（没有 STARTTLS）\n  认证（AUTH）：未使用\n  错误：1 个（临时 4xx 0 个，永久 5xx 1 个）：relay-denied\n  结束：客户端发送 QUIT，服务器回复 221\n"
    );
    let zh = ndjson(ONE_OF_TWO, Lang::ZhCn);
    assert_eq!(zh.last().expect("summary")["heading"], "会话摘要");
}

#[test]
fn implicit_tls_shows_in_the_summary() {
    let swaks = "=== Connected to 127.0.0.1.\n<~  220 mx ESMTP\n ~> EHLO me\n<~  250 mx\n ~> QUIT\n<~  221 Bye\n";
    let items = ndjson(swaks, Lang::En);
    let summary = items.last().expect("summary");
    assert_eq!(summary["tls"], "implicit");
    assert_eq!(
        summary["text"][2],
        "TLS: on from the first byte (implicit TLS)"
    );
    let starttls = "S: 220 mx\nC: EHLO me\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 go ahead\nC: EHLO me\nS: 250 mx\n";
    assert_eq!(
        ndjson(starttls, Lang::En).last().expect("summary")["tls"],
        "starttls"
    );
}

#[test]
fn text_output_is_plain_without_a_terminal_and_chinese_on_request() {
    let (_, lines) = transcript::annotate(TELNET, Lang::ZhCn);
    let text = render_text(&lines, Lang::ZhCn, Style::new(false));
    assert!(!text.contains('\x1b'));
    assert!(text.contains("S ← 220 mx ESMTP"));
    assert!(text.contains("服务器就绪"));
    assert!(text.contains("✗ 503 · 命令顺序错误"));
    assert!(text.contains("── 会话摘要 ──"));
    let colored = render_text(&lines, Lang::ZhCn, Style::new(true));
    assert!(colored.contains("\x1b[31m"));
}

/// The lines of text output that are explanation (not a transcript line, not a title).
fn explanation_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| l.starts_with("        "))
}

#[test]
fn explanations_wrap_to_the_width_and_transcript_lines_never() {
    let long = "S: 220 mx.example.org ESMTP a greeting that goes on and on, far longer than any terminal is wide, to see that it stays whole\nC: EHLO me\nS: 250 mx\n";
    for lang in [Lang::En, Lang::ZhCn] {
        for columns in [40, 60, 72, 100] {
            for text in [
                long.to_owned(),
                capture("deliver.swaks.txt"),
                capture("recipients.raw.txt"),
            ] {
                let (_, lines) = transcript::annotate(&text, lang);
                let out = render_text(&lines, lang, Style::new(false).with_width(columns));
                let mut wrapped = 0;
                for line in explanation_lines(&out) {
                    assert!(
                        width(line) <= columns,
                        "{lang} at {columns}: {line:?} is {} wide",
                        width(line)
                    );
                    if line.starts_with("          ") && !line.trim_start().starts_with('→') {
                        wrapped += 1;
                    }
                }
                assert!(
                    wrapped > 0 || columns == 100,
                    "{lang} at {columns}: something wrapped"
                );
                for (source, _) in &lines {
                    assert!(
                        out.lines()
                            .any(|l| l.ends_with(&source.text) && l.contains(" ")),
                        "the transcript line {:?} is whole",
                        source.text
                    );
                }
            }
        }
    }
}

#[test]
fn chinese_explanations_wrap_by_display_columns() {
    let (_, lines) = transcript::annotate(&capture("recipients.raw.txt"), Lang::ZhCn);
    let out = render_text(&lines, Lang::ZhCn, Style::new(false).with_width(50));
    let chinese: Vec<&str> = explanation_lines(&out)
        .filter(|l| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .collect();
    assert!(chinese.len() > 10);
    // Counting characters instead of columns would let these lines run to twice the width.
    assert!(chinese.iter().all(|l| width(l) <= 50));
    assert!(
        chinese.iter().any(|l| width(l) >= 44),
        "lines are filled: {chinese:#?}"
    );
    assert!(
        chinese
            .iter()
            .all(|l| !l.trim_start().starts_with(|c| "，。；：）".contains(c))),
        "no line starts with closing punctuation"
    );
}

#[test]
fn repeated_explanations_are_folded() {
    let (_, lines) = transcript::annotate(ONE_OF_TWO, Lang::En);
    let out = render_text(&lines, Lang::En, Style::new(false));
    let body = lines
        .iter()
        .map(|(_, l)| l)
        .filter(|l| l.kind == protocol::annotate::LineKind::Body)
        .collect::<Vec<_>>();
    assert!(body.len() >= 4);
    let first_paragraph = body[2]
        .annotation
        .explanation
        .lines()
        .next()
        .expect("an explanation");
    for later in &body[3..] {
        assert_eq!(later.annotation.explanation, body[2].annotation.explanation);
        let folded = format!("· (as above: {})", later.annotation.title);
        assert!(out.contains(&folded), "{folded}:\n{out}");
    }
    // "first line", "second line" and "third line" share one explanation, printed once.
    let start = first_paragraph
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let printed = out
        .lines()
        .filter(|l| l.trim_start().starts_with(&start))
        .count();
    assert_eq!(printed, 1, "{start:?} printed once:\n{out}");

    // A second EHLO (after STARTTLS) lists the same extensions: each is explained once.
    let twice = "S: 220 mx\nC: EHLO me\nS: 250-mx\nS: 250-PIPELINING\nS: 250-STARTTLS\nS: 250 8BITMIME\nC: STARTTLS\nS: 220 go ahead\nC: EHLO me\nS: 250-mx\nS: 250-PIPELINING\nS: 250 8BITMIME\n";
    let (_, lines) = transcript::annotate(twice, Lang::ZhCn);
    let out = render_text(&lines, Lang::ZhCn, Style::new(false));
    assert!(out.contains("（同上：扩展 PIPELINING）"), "{out}");
    assert_eq!(out.matches("扩展 PIPELINING").count(), 2, "{out}");
}

#[test]
fn width_comes_from_the_flag_then_columns_then_the_default() {
    assert_eq!(terminal_width(Some(60), Some("120")), 60);
    assert_eq!(terminal_width(None, Some("120")), 120);
    assert_eq!(terminal_width(None, Some(" 90\n")), 90);
    assert_eq!(terminal_width(None, Some("wide")), DEFAULT_WIDTH);
    assert_eq!(terminal_width(None, Some("0")), DEFAULT_WIDTH);
    assert_eq!(terminal_width(None, None), DEFAULT_WIDTH);
}
