//! The "paste a transcript" view: a transcript someone already has (swaks, `C:`/`S:`,
//! smtplib, telnet) read and annotated by `protocol::transcript`, in both languages, as the
//! same entries the live terminal shows.

use protocol::annotate::{AnnotatedLine, Direction};
use protocol::lang::Lang;
use protocol::transcript::{self, Format, TranscriptLine};

use crate::transcript::{Bilingual, EntryKind, ReplyInfo, Tone, Transcript};
use crate::vocab::Notice;

/// A pasted transcript, annotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pasted {
    /// The dialect it was read as.
    pub format: Format,
    /// The lines with their explanations.
    pub transcript: Transcript,
}

/// The name of a transcript format, for "Format: swaks".
pub fn format_name(format: Format, lang: Lang) -> &'static str {
    match format {
        Format::Swaks => "swaks",
        Format::ClientServer => "C: / S:",
        Format::Smtplib => "Python smtplib",
        Format::SClient => "openssl s_client",
        Format::SmtpSource => "smtp-source",
        Format::ServerOnly => protocol::lang::Text {
            en: "server lines only",
            zh: "仅服务器的行",
        }
        .get(lang),
        Format::Raw => "telnet / raw",
    }
}

/// Reads and annotates `text`.
pub fn annotate(text: &str) -> Pasted {
    let (format, en) = transcript::annotate(text, Lang::En);
    let (_, zh) = transcript::annotate(text, Lang::ZhCn);
    let mut out = Transcript::default();
    for ((line, en), (_, zh)) in en.into_iter().zip(zh) {
        out.push(entry(&line, en, zh));
    }
    Pasted {
        format,
        transcript: out,
    }
}

fn entry(line: &TranscriptLine, en: AnnotatedLine, zh: AnnotatedLine) -> EntryKind {
    let reply = ReplyInfo::of(&en);
    let annotation = Bilingual {
        en: en.annotation,
        zh: zh.annotation,
    };
    match en.direction {
        Direction::Client => EntryKind::Client {
            text: en.text,
            line: None,
            kind: en.kind,
            at_ms: None,
            encrypted: line.tls,
            annotation,
        },
        Direction::Server => EntryKind::Server {
            text: en.text,
            reply,
            at_ms: None,
            latency_ms: None,
            encrypted: line.tls,
            annotation,
        },
        Direction::Note => {
            // A bare remark ("=== Trying ...") has nothing to explain; TLS notes do.
            let explained = !annotation.en.explanation.is_empty();
            let text = en.text.trim_start_matches("===").trim_start().to_owned();
            EntryKind::Note {
                tone: Tone::Info,
                notice: Notice::Remark { text },
                annotation: explained.then_some(annotation),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swaks_transcript_is_annotated_and_the_password_masked() {
        let pasted = annotate(
            "=== Trying 127.0.0.1:25...\n\
             <-  220 mx ESMTP\n\
             -> EHLO me\n\
             <-  250-mx\n\
             <-  250 AUTH LOGIN\n\
             -> AUTH LOGIN\n\
             <-  334 VXNlcm5hbWU6\n\
             -> YWxpY2U=\n\
             <-  334 UGFzc3dvcmQ6\n\
             -> czNjcmV0\n\
             <-  235 2.7.0 ok\n",
        );
        assert_eq!(pasted.format, Format::Swaks);
        let texts: Vec<String> = pasted
            .transcript
            .iter()
            .map(|e| match &e.kind {
                EntryKind::Client { text, .. } | EntryKind::Server { text, .. } => text.clone(),
                EntryKind::Note { notice, .. } => crate::i18n::notice(Lang::En, notice),
            })
            .collect();
        assert_eq!(texts.len(), 11);
        assert_eq!(texts[0], "Trying 127.0.0.1:25...");
        assert!(!texts.contains(&"czNjcmV0".to_owned()), "{texts:?}");
        let EntryKind::Server { annotation, .. } =
            &pasted.transcript.iter().nth(6).expect("334").kind
        else {
            panic!("a server line");
        };
        assert!(
            annotation.en.title.to_lowercase().contains("user"),
            "{:?}",
            annotation.en.title
        );
        assert_ne!(annotation.en.title, annotation.zh.title);
    }
}
