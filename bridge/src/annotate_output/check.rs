//! The text of `smtp-playground check`: for each host, its conversation laid out as
//! `annotate` lays out a transcript, then its scorecard; with several hosts, the matrix;
//! then the overall verdict.

use std::fmt::Write as _;

use protocol::check::Verdict;
use protocol::finding::Severity;
use protocol::lang::Lang;
use protocol::records::LineRecord;
use protocol::records::check::{CheckReport, HostRecord, MatrixRecord};
use protocol::{tr, tx};

use super::{Style, push_wrapped, render_records};

/// How a verdict looks: the marker and colour of the severity it is closest to.
fn severity(verdict: Verdict) -> Severity {
    match verdict {
        Verdict::Pass => Severity::Success,
        Verdict::Warn => Severity::Warning,
        Verdict::Fail => Severity::Error,
        Verdict::Info | Verdict::NotTested => Severity::Info,
    }
}

fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✓",
        Verdict::Warn => "!",
        Verdict::Fail => "✗",
        Verdict::Info => "·",
        Verdict::NotTested => "-",
    }
}

/// Renders a whole check report for a terminal.
pub fn render_check(report: &CheckReport, lang: Lang, style: Style) -> String {
    let mut out = String::new();
    let target = &report.target;
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            "1",
            &tr!(lang, "Server check of {target}", "服务器检查：{target}")
        )
    );
    if let Some(error) = &report.error {
        let text = tr!(lang, "✗ {error}", "✗ {error}");
        let _ = writeln!(out, "{}", style.severity(Severity::Error, &text));
    }
    for host in &report.hosts {
        out.push('\n');
        host_text(&mut out, host, lang, style);
    }
    if report.hosts.len() > 1 {
        out.push('\n');
        matrix_text(&mut out, &report.matrix, lang, style);
    }
    let verdict = report.verdict.label(lang);
    let summary = tr!(lang, "Overall: {verdict}", "总体结果：{verdict}");
    let _ = writeln!(
        out,
        "\n{}",
        style.severity(severity(report.verdict), &summary)
    );
    out
}

fn host_text(out: &mut String, host: &HostRecord, lang: Lang, style: Style) {
    let name = &host.name;
    let port = host.port;
    let address = host.address.as_deref().unwrap_or("-");
    let title = match host.preference {
        Some(p) => tr!(
            lang,
            "== {name} (MX {p}) {address} port {port} ==",
            "== {name}（MX {p}）{address} 端口 {port} =="
        ),
        None => tr!(
            lang,
            "== {name} {address} port {port} ==",
            "== {name} {address} 端口 {port} =="
        ),
    };
    let _ = writeln!(out, "{}", style.paint("1", &title));
    let records: Vec<LineRecord> = host
        .lines
        .iter()
        .filter_map(|l| l.record(lang).cloned())
        .collect();
    out.push_str(&render_records(&records, lang, style));
    let heading = tx!(lang, "Scorecard", "评分卡");
    let _ = writeln!(out, "\n{}", style.paint("1", &heading));
    for item in &host.items {
        let words = match lang {
            Lang::En => &item.en,
            Lang::ZhCn => &item.zh,
        };
        let line = format!(
            "{} {:<10} {}",
            mark(item.verdict),
            item.verdict.label(lang),
            words.title
        );
        let reference = style.paint("2", &format!("  [{}]", item.reference));
        let _ = writeln!(
            out,
            "  {}{reference}",
            style.severity(severity(item.verdict), &line)
        );
        if !item.value.is_empty() {
            push_wrapped(out, &format!("= {}", item.value), style.width, |l| {
                style.paint("2", l)
            });
        }
        if matches!(item.verdict, Verdict::Warn | Verdict::Fail) {
            push_wrapped(out, &words.explanation, style.width, str::to_owned);
        }
    }
}

fn matrix_text(out: &mut String, matrix: &MatrixRecord, lang: Lang, style: Style) {
    let heading = tx!(lang, "Hosts side by side", "各主机对比");
    let _ = writeln!(out, "{}", style.paint("1", &heading));
    let width = matrix
        .rows
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut header = format!("  {:<width$}", "");
    for (i, host) in matrix.hosts.iter().enumerate() {
        let _ = write!(header, " {:>3}", i + 1);
        let _ = host;
    }
    let _ = writeln!(out, "{header}");
    for row in &matrix.rows {
        let mut line = format!("  {:<width$}", row.id);
        for verdict in &row.verdicts {
            let _ = write!(
                line,
                " {:>3}",
                style.severity(severity(*verdict), mark(*verdict))
            );
        }
        let _ = writeln!(out, "{line}");
    }
    for (i, host) in matrix.hosts.iter().enumerate() {
        let _ = writeln!(out, "  {} = {host}", i + 1);
    }
}
