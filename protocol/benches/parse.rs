//! Parsing throughput, ours against Stalwart's smtp-proto on the same bytes.
//!
//! The corpus is every captured session under `tests/data/{postfix,aiosmtpd}` (commands
//! and server lines), repeated to about 1 MB, plus a synthetic stream of EHLO replies,
//! the longest replies a client reads. smtp-proto is a fast, allocation-light parser that
//! only answers "valid or not"; ours also keeps spans and explains mistakes with findings,
//! and the goal is to do that at no less throughput. Results and the command to reproduce
//! them are in `bench/README.md`.
//!
//! ```sh
//! cargo bench -p protocol --bench parse -- --warm-up-time 1 --measurement-time 3
//! ```

use std::fs;
use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use protocol::annotate::Direction;
use protocol::command::Command;
use protocol::limits;
use protocol::line::{LineFramer, TextFramer};
use protocol::reply::ReplyAssembler;
use protocol::transcript;
use smtp_proto::Request;
use smtp_proto::response::parser::ResponseReceiver;

/// About how many bytes each corpus is repeated to.
const CORPUS_BYTES: usize = 1 << 20;

/// Bytes handed to the parsers per call, like one socket read.
const READ_SIZE: usize = 16 * 1024;

/// The command lines and server lines of every capture, in capture order. Message text
/// (after 354, up to the dot) is not a command and is left out.
fn captured_lines() -> (Vec<String>, Vec<String>) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut commands = Vec::new();
    let mut server = Vec::new();
    for dir in ["postfix", "aiosmtpd"] {
        let dir = data.join(dir);
        let mut paths: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .filter(|p| !p.ends_with("expect.txt"))
            .collect();
        paths.sort();
        for path in paths {
            let text = fs::read_to_string(&path).expect("capture is UTF-8");
            let mut in_body = false;
            for line in transcript::read(&text).1 {
                match line.direction {
                    Direction::Server => {
                        if line.text.starts_with("354 ") {
                            in_body = true;
                        }
                        server.push(line.text);
                    }
                    Direction::Client if in_body => in_body = line.text != ".",
                    Direction::Client => commands.push(line.text),
                    Direction::Note => {}
                }
            }
        }
    }
    assert!(
        commands.len() >= 50 && server.len() >= 100,
        "too few captured lines under {}: {} commands, {} server lines",
        data.display(),
        commands.len(),
        server.len()
    );
    (commands, server)
}

/// `lines`, each followed by CRLF, repeated until the stream holds about `CORPUS_BYTES`.
fn stream(lines: &[String]) -> Vec<u8> {
    let mut one: Vec<u8> = Vec::new();
    for line in lines {
        one.extend_from_slice(line.as_bytes());
        one.extend_from_slice(b"\r\n");
    }
    let mut out = Vec::with_capacity(CORPUS_BYTES + one.len());
    while out.len() < CORPUS_BYTES {
        out.extend_from_slice(&one);
    }
    out
}

/// A stream of EHLO replies as large servers send them: 15 capability lines each.
fn ehlo_stream() -> Vec<u8> {
    let reply = concat!(
        "250-mx.example.com Hello client.example [192.0.2.1], pleased to meet you\r\n",
        "250-PIPELINING\r\n",
        "250-SIZE 52428800\r\n",
        "250-ETRN\r\n",
        "250-STARTTLS\r\n",
        "250-AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256\r\n",
        "250-AUTH=PLAIN LOGIN\r\n",
        "250-ENHANCEDSTATUSCODES\r\n",
        "250-8BITMIME\r\n",
        "250-DSN\r\n",
        "250-SMTPUTF8\r\n",
        "250-CHUNKING\r\n",
        "250-BINARYMIME\r\n",
        "250-REQUIRETLS\r\n",
        "250-LIMITS RCPTMAX=100 MAILMAX=10\r\n",
        "250 HELP\r\n",
    );
    stream(&[reply.trim_end().to_owned()])
}

/// Counts the replies a [`ReplyAssembler`] makes of the lines it is given; the count is what
/// each reading returns so the work cannot be optimised away.
#[derive(Default)]
struct ReplyCounter {
    assembler: ReplyAssembler,
    count: usize,
}

impl ReplyCounter {
    fn push(&mut self, text: &str) {
        if let Ok(Some(reply)) = self.assembler.push(text) {
            black_box(&reply);
            self.count += 1;
        }
    }
}

/// Hands the text of each line of `stream` to `each`, framed by [`TextFramer`] in reads of
/// [`READ_SIZE`] as the bridge reads a socket; a line over the limit is skipped.
fn for_each_text_line(stream: &[u8], mut each: impl FnMut(&str)) {
    let mut framer = TextFramer::new(limits::SERVER_LINE_MAX);
    for chunk in stream.chunks(READ_SIZE) {
        framer.push(chunk);
        while let Some(line) = framer.next_line() {
            let Ok(line) = line else { continue };
            each(line.text);
        }
    }
}

/// Our reading of a server byte stream, the bridge's: [`TextFramer`] frames the text of each
/// line, [`ReplyAssembler`] joins lines into replies. Returns the number of replies.
fn replies_ours(stream: &[u8]) -> usize {
    let mut replies = ReplyCounter::default();
    for_each_text_line(stream, |text| replies.push(text));
    replies.count
}

/// The same plus the copy the bridge makes of every line for the browser's `line` message
/// (`ServerMsg::Line` owns its text): one allocation per line that smtp-proto, which only
/// returns whole replies, does not make.
fn replies_ours_owned(stream: &[u8]) -> usize {
    let mut replies = ReplyCounter::default();
    for_each_text_line(stream, |text| {
        let text = text.to_owned();
        replies.push(&text);
        black_box(text);
    });
    replies.count
}

/// The byte framer instead: [`LineFramer::next_line_ref`] and [`LineRef::text`], which
/// checks the UTF-8 of each line on its own: `ours` before `TextFramer` existed.
///
/// [`LineRef::text`]: protocol::line::LineRef::text
fn replies_ours_bytes(stream: &[u8]) -> usize {
    let mut framer = LineFramer::new(limits::SERVER_LINE_MAX);
    let mut replies = ReplyCounter::default();
    for chunk in stream.chunks(READ_SIZE) {
        framer.push(chunk);
        while let Some(line) = framer.next_line_ref() {
            let Ok(line) = line else { continue };
            replies.push(&line.text());
        }
    }
    replies.count
}

/// smtp-proto's reading of the same stream.
fn replies_smtp_proto(stream: &[u8]) -> usize {
    let mut receiver = ResponseReceiver::default();
    let mut count = 0;
    for chunk in stream.chunks(READ_SIZE) {
        let mut bytes = chunk.iter();
        loop {
            match receiver.parse(&mut bytes) {
                Ok(response) => {
                    black_box(&response);
                    receiver.reset();
                    count += 1;
                }
                Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                Err(err) => {
                    black_box(err);
                    receiver.reset();
                }
            }
        }
    }
    count
}

fn commands(c: &mut Criterion) {
    let (commands, _) = captured_lines();
    let corpus = stream(&commands);
    // One slice per line, CRLF included: smtp-proto needs it, ours is given the line without.
    let lines: Vec<&[u8]> = corpus.split_inclusive(|&b| b == b'\n').collect();
    let texts: Vec<&str> = lines
        .iter()
        .map(|l| std::str::from_utf8(&l[..l.len() - 2]).expect("captured commands are UTF-8"))
        .collect();
    let mut group = c.benchmark_group("commands");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(Command::parse(black_box(text)));
            }
        });
    });
    group.bench_function("smtp-proto", |b| {
        b.iter(|| {
            for line in &lines {
                let _ = black_box(Request::parse(&mut black_box(*line).iter()));
            }
        });
    });
    group.finish();
}

fn replies(c: &mut Criterion) {
    let (_, server) = captured_lines();
    let inputs = [("captures", stream(&server)), ("ehlo", ehlo_stream())];
    let mut group = c.benchmark_group("replies");
    for (name, input) in &inputs {
        assert_eq!(replies_ours(input), replies_ours_owned(input));
        assert_eq!(replies_ours(input), replies_ours_bytes(input));
        assert_eq!(
            replies_ours(input),
            replies_smtp_proto(input),
            "both parsers must see the same replies in {name}"
        );
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("ours", name), input, |b, input| {
            b.iter(|| replies_ours(input));
        });
        group.bench_with_input(BenchmarkId::new("ours-owned", name), input, |b, input| {
            b.iter(|| replies_ours_owned(input));
        });
        group.bench_with_input(BenchmarkId::new("ours-bytes", name), input, |b, input| {
            b.iter(|| replies_ours_bytes(input));
        });
        group.bench_with_input(BenchmarkId::new("smtp-proto", name), input, |b, input| {
            b.iter(|| replies_smtp_proto(input));
        });
    }
    group.finish();
}

criterion_group!(benches, commands, replies);
criterion_main!(benches);
