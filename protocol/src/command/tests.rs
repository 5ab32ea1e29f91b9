use super::*;

#[test]
fn verbs_are_case_insensitive_and_text_is_kept() {
    let cmd = CommandLine::parse("mail FROM:<a@example.com> SIZE=10");
    assert_eq!(cmd.verb, Some(Verb::Mail));
    assert_eq!(cmd.verb_text(), "mail");
    assert_eq!(cmd.args(), "FROM:<a@example.com> SIZE=10");
    assert_eq!(CommandLine::parse("StartTLS").verb, Some(Verb::StartTls));
}

#[test]
fn bare_verb_and_empty_line() {
    let cmd = CommandLine::parse("DATA");
    assert_eq!((cmd.verb, cmd.args()), (Some(Verb::Data), ""));
    let cmd = CommandLine::parse("");
    assert_eq!((cmd.verb, cmd.verb_text(), cmd.args()), (None, "", ""));
}

#[test]
fn unknown_verbs_keep_their_spans() {
    let cmd = CommandLine::parse("FOO bar");
    assert_eq!(cmd.verb, None);
    assert_eq!(cmd.verb_span, 0..3);
    assert_eq!(cmd.args(), "bar");
}

#[test]
fn every_verb_round_trips_through_its_name() {
    for verb in Verb::ALL {
        assert_eq!(Verb::from_word(verb.as_str()), Some(verb));
        assert_eq!(
            Verb::from_word(&verb.as_str().to_ascii_lowercase()),
            Some(verb)
        );
    }
}

fn ids(line: &str) -> Vec<&'static str> {
    Command::parse(line).findings.iter().map(|f| f.id).collect()
}

#[test]
fn well_formed_commands_have_no_findings() {
    for line in [
        "EHLO client.example",
        "helo fan2",
        "MAIL FROM:<phunxm@163.com>",
        "mail from:<>",
        "MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME SMTPUTF8",
        "RCPT TO:<2306328146@qq.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@y",
        "DATA",
        "QUIT",
        "AUTH LOGIN",
        "AUTH PLAIN AGFsaWNlAHMzY3JldA==",
        "AUTH PLAIN =",
        "BDAT 100 LAST",
        "VRFY alice",
        "NOOP",
        "STARTTLS",
    ] {
        assert_eq!(ids(line), Vec::<&str>::new(), "{line}");
    }
}

#[test]
fn common_mistakes_are_explained() {
    let cases: &[(&str, &[&str])] = &[
        (
            "MAIL FROM: user@x.example",
            &["space-after-colon", "missing-angle-brackets"],
        ),
        ("MAIL FROM <a@b.example>", &["missing-colon"]),
        ("MAIL <a@b.example>", &["missing-keyword"]),
        ("MAIL FROM:", &["missing-argument"]),
        ("RCPT TO:<>", &["null-recipient"]),
        ("RCPT TO:<a@b.example> SIZE=10", &["unknown-parameter"]),
        (
            "MAIL FROM:<a@b.example> SIZE=big",
            &["invalid-parameter-value"],
        ),
        (
            "MAIL FROM:<a@b.example> BODY=9BIT",
            &["invalid-parameter-value"],
        ),
        ("EHLO", &["missing-domain"]),
        ("DATA now", &["unexpected-argument"]),
        ("AUTH", &["missing-mechanism"]),
        ("AUTH PLAIN !!!", &["initial-response-not-base64"]),
        ("BDAT x", &["bdat-size"]),
        ("BDAT 100 MORE", &["bdat-argument"]),
        ("", &["empty-line"]),
        ("   ", &["empty-line"]),
        ("MAIL FROM:<bad@>", &["empty-domain"]),
        ("MAIL FROM:<\"john doe\"@example.com>", &[]),
        ("MAIL FROM:<\"a>b\"@example.com>", &[]),
        ("VRFY", &["missing-argument"]),
        ("HELLO there", &["unknown-verb"]),
        (
            "x\n.\nMAIL FROM:<evil@x>",
            &["unknown-verb", "control-character"],
        ),
    ];
    for (line, expected) in cases {
        assert_eq!(ids(line), *expected, "{line}");
    }
    let long = format!("MAIL FROM:<{}@x.example>", "a".repeat(600));
    assert!(ids(&long).contains(&"line-too-long"));
}

#[test]
fn envelope_arguments_are_parsed() {
    let cmd = Command::parse("mail FROM:<Alice@Example.com> size=42 BODY=8BITMIME");
    let Args::Envelope { path, params } = cmd.args else {
        panic!("envelope expected");
    };
    let path = path.expect("path");
    assert_eq!(path.address, "Alice@Example.com");
    assert_eq!(&cmd.line.text[path.span.clone()], "<Alice@Example.com>");
    assert_eq!(params.len(), 2);
    assert_eq!(
        (params[0].keyword.as_str(), params[0].value.as_deref()),
        ("size", Some("42"))
    );
    assert_eq!(&cmd.line.text[params[1].span.clone()], "BODY=8BITMIME");
}

#[test]
fn auth_and_bdat_arguments() {
    assert_eq!(
        Command::parse("AUTH PLAIN AGFsaWNlAHMzY3JldA==").args,
        Args::Auth {
            mechanism: "PLAIN".into(),
            initial_response: Some("AGFsaWNlAHMzY3JldA==".into())
        }
    );
    assert_eq!(
        Command::parse("BDAT 5 last").args,
        Args::Bdat {
            size: Some(5),
            last: true
        }
    );
}

#[test]
fn verb_lookup_equals_case_insensitive_comparison() {
    let naive = |word: &str| {
        Verb::ALL
            .into_iter()
            .find(|verb| verb.as_str().eq_ignore_ascii_case(word))
    };
    for verb in Verb::ALL {
        let name = verb.as_str();
        for position in 0..name.len() {
            for byte in 0..=127u8 {
                let mut word = name.as_bytes().to_vec();
                word[position] = byte;
                let word = String::from_utf8(word).expect("ASCII");
                assert_eq!(Verb::from_word(&word), naive(&word), "{word:?}");
            }
            let shorter = &name[..position];
            assert_eq!(Verb::from_word(shorter), naive(shorter), "{shorter:?}");
        }
        let accented = format!("{}é", &name[1..]);
        assert_eq!(Verb::from_word(&accented), None);
    }
}

#[test]
fn params_are_the_words_of_str_split() {
    let head = "MAIL FROM:<a@b.example>";
    for rest in [
        "",
        " ",
        "  ",
        " SIZE=1",
        "  SIZE=1",
        " SIZE=1 ",
        " A  B",
        " A=é B=",
        " =x",
        " é=ü  x",
        " a b c",
        " x=y=z",
    ] {
        let line = format!("{head}{rest}");
        let mut findings = Vec::new();
        let ours: Vec<_> = parse_params(&line, head.len(), true, &mut findings)
            .into_iter()
            .map(|p| (p.keyword, p.value, p.span))
            .collect();
        let mut expected = Vec::new();
        let mut offset = head.len();
        for word in line[head.len()..].split(' ') {
            let span = offset..offset + word.len();
            offset += word.len() + 1;
            if !word.is_empty() {
                let (k, v) = match word.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (word.to_owned(), None),
                };
                expected.push((k, v, span));
            }
        }
        assert_eq!(ours, expected, "{line:?}");
    }
}

#[test]
fn fast_trim_equals_str_trim() {
    for text in [
        "",
        " ",
        "a",
        " a",
        "a ",
        "\ta\t",
        "\u{3000}a",
        "a\u{a0}",
        "é",
        " é ",
        "\u{1f600}",
        "a b",
        "\x0ba\x0c",
        "\u{85}x",
        "x\u{2028}",
    ] {
        assert_eq!(trim(text), text.trim(), "{text:?}");
    }
}

#[test]
fn line_break_search_equals_byte_search() {
    for len in 0..40 {
        for position in 0..=len {
            for byte in [b'\r', b'\n', 0, 13 + 1, 9, 0x80, 0xFF] {
                let mut line = vec![b'a'; len];
                if position < len {
                    line[position] = byte;
                }
                let naive = line.iter().position(|b| matches!(b, b'\r' | b'\n' | 0));
                assert_eq!(find_line_break_or_nul(&line), naive, "{line:?}");
            }
        }
    }
}

#[test]
fn multibyte_input_does_not_panic() {
    for line in [
        "MAIL 发件人",
        "RCPT T€:<x>",
        "MAIL FRÖM:<a>",
        "MAIL F",
        "AUTH 登录 密码",
    ] {
        let _ = Command::parse(line);
    }
    let cmd = CommandLine::parse("邮件 发送");
    assert_eq!(cmd.verb, None);
    assert_eq!(cmd.verb_text(), "邮件");
    assert_eq!(cmd.args(), "发送");
}
