use super::*;
use crate::transcript;
use serde_json::{Value, json};

const ONE_OF_TWO: &str = "S: 220 mx\nC: EHLO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: RCPT TO:<e@f.example>\nS: 554 5.7.1 Relay access denied\nC: DATA\nS: 354 go\nC: hi\nC: .\nS: 250 2.0.0 Ok: queued as 1\nC: QUIT\nS: 421 4.4.2 timeout\n";

fn summary_of(text: &str) -> Summary {
    let (_, lines) = transcript::annotate(text, Lang::En);
    let annotated: Vec<_> = lines.into_iter().map(|(_, line)| line).collect();
    crate::annotate::summarize(&annotated)
}

/// The summary as `annotate` wrote it with `json!` before this record.
fn as_before(summary: &Summary, lang: Lang) -> Value {
    let ending_id = match summary.ending {
        Ending::Closed { id } => Some(id),
        Ending::Quit | Ending::Neither => None,
    };
    json!({
        "messages": {
            "sent": summary.messages_sent(),
            "accepted": summary.messages_accepted(),
            "refused": summary.messages_refused(),
            "unanswered": summary.messages_unanswered,
            "replies": summary.messages.iter().map(|m| json!({
                "accepted": m.accepted,
                "code": m.code,
                "id": m.id,
                "title": m.title,
            })).collect::<Vec<_>>(),
        },
        "recipients": {
            "accepted": summary.recipients_accepted,
            "refused": summary.recipients_refused,
        },
        "tls": summary.tls.as_str(),
        "auth": summary.auth.as_str(),
        "errors": {
            "total": summary.errors(),
            "temporary": summary.temporary_errors,
            "permanent": summary.permanent_errors,
            "ids": summary.error_ids,
        },
        "ending": summary.ending.as_str(),
        "ending_id": ending_id,
        "heading": Summary::heading(lang),
        "text": summary.describe(lang),
    })
}

#[test]
fn the_record_is_what_annotate_wrote_before_and_round_trips() {
    for text in [ONE_OF_TWO, "S: 220 mx\n", ""] {
        let summary = summary_of(text);
        for lang in [Lang::En, Lang::ZhCn] {
            let record = SummaryRecord::new(&summary, lang);
            let encoded = record.encode();
            let parsed: Value = serde_json::from_str(&encoded).expect("valid JSON");
            assert_eq!(parsed, as_before(&summary, lang), "{encoded}");
            assert_eq!(SummaryRecord::decode(&encoded), Ok(record));
        }
    }
    let record = SummaryRecord::new(&summary_of(ONE_OF_TWO), Lang::En);
    assert_eq!(record.replies.len(), 1);
    assert_eq!(record.recipients_refused, 1);
    assert_eq!(record.ending_id.as_deref(), Some("timeout"));
}

#[test]
fn wrong_members_are_errors() {
    for bad in [
        r#"{"messages":[]}"#,
        r#"{"messages":{"replies":[{"code":"250"}]}}"#,
        r#"{"errors":{"ids":[1]}}"#,
        r#"{"text":"one"}"#,
    ] {
        assert!(SummaryRecord::decode(bad).is_err(), "{bad}");
    }
    assert_eq!(SummaryRecord::decode("{}"), Ok(SummaryRecord::default()));
}
