//! The hosts of a target, checked: for a domain its MX hosts in preference order (at most
//! [`MAX_HOSTS`], a few at a time), for a host name or address just that host. Then the
//! report, the matrix, and the `done` event.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use protocol::check::{Matrix, ProbePlan, Verdict};
use protocol::records::check::{CheckEvent, CheckReport, HostRecord, MatrixRecord};
use protocol::wire::ErrorCode;
use tokio::time::Instant;

use super::dns::{DnsLookups, Lookups, MxAnswer};
use super::host::{self, HostJob};
use super::{Events, Target};
use crate::Hooks;
use crate::dns::Dns;
use crate::metrics::Metrics;
use crate::policy::PolicyConfig;
use crate::policy::limits::Gate;
use crate::relay::Context;
use crate::shutdown::Shutdown;

/// The most MX hosts one check probes; a domain with more is cut (and says so).
pub(crate) const MAX_HOSTS: usize = 10;

/// How the check runs.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The name said in EHLO.
    pub helo: String,
    /// The longest one host's check may take, from connect to close.
    pub host_timeout: Duration,
    /// The longest the server may take to answer one command.
    pub reply_timeout: Duration,
    /// How many hosts are checked at once (further bounded by the policy's sessions per
    /// client).
    pub parallel: usize,
    /// Judge the port as a submission port (RFC 6409) whatever its number.
    pub submission: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            helo: "smtp-playground.invalid".to_owned(),
            host_timeout: Duration::from_secs(60),
            reply_timeout: Duration::from_secs(30),
            parallel: 3,
            submission: false,
        }
    }
}

/// One host to check, before its job is made.
struct Planned {
    name: String,
    preference: Option<u16>,
}

/// Runs the check of `target` for `client` with the session rules of `context`.
pub(crate) async fn run(
    context: &Context,
    client: IpAddr,
    target: &Target,
    options: &CheckOptions,
    dns: &dyn Lookups,
    events: &Events,
) -> CheckReport {
    let mut report = CheckReport {
        target: target.label(),
        port: target.port,
        ..CheckReport::default()
    };
    let mut planned = vec![Planned {
        name: target.host.clone(),
        preference: None,
    }];
    if !target.port_given && !target.is_address() {
        match dns.mx(&target.host).await {
            MxAnswer::Hosts(hosts) => {
                report.domain = Some(target.host.clone());
                planned = hosts
                    .into_iter()
                    .take(MAX_HOSTS)
                    .map(|(preference, name)| Planned {
                        name: name.trim_end_matches('.').to_owned(),
                        preference: Some(preference),
                    })
                    .collect();
            }
            MxAnswer::Implicit => report.domain = Some(target.host.clone()),
            MxAnswer::Null => {
                report.domain = Some(target.host.clone());
                report.error = Some(format!(
                    "{} publishes a null MX (RFC 7505): it accepts no mail, so there is no \
                     server to check",
                    target.host
                ));
                planned.clear();
            }
            MxAnswer::Failed(why) => {
                report.error = Some(format!("the MX lookup of {} failed: {why}", target.host));
                planned.clear();
            }
            MxAnswer::NotLooked => {}
        }
    }
    let mut context = context.clone();
    // The check asks `insecure` to read every certificate's faults (host.rs).
    context.allow_insecure = true;
    context.reply_timeout = options.reply_timeout.min(context.reply_timeout);
    // One of the client's sessions is left for its page's own terminal.
    let per_client = context
        .policy
        .gate
        .per_ip
        .map_or(usize::MAX, |n| (n as usize).saturating_sub(1));
    let parallel = options.parallel.clamp(1, per_client.max(1));
    let domain = report.domain.clone();
    let jobs = planned.into_iter().enumerate().map(|(index, planned)| {
        let context = &context;
        let domain = domain.clone();
        async move {
            if events.gone() {
                return None;
            }
            let index = index as u64;
            events
                .send(CheckEvent::HostStarted {
                    host: index,
                    name: planned.name.clone(),
                    preference: planned.preference,
                    port: target.port,
                })
                .await;
            let job = HostJob {
                index,
                name: planned.name,
                preference: planned.preference,
                port: target.port,
                plan: ProbePlan {
                    helo: options.helo.clone(),
                    domain,
                    implicit_tls: false,
                },
                deadline: Instant::now() + options.host_timeout,
                submission: options.submission,
            };
            let preference = job.preference;
            let ran = host::check(context, client, job, events, dns).await;
            let record = HostRecord::new(&ran.check, preference);
            events
                .send(CheckEvent::HostFinished {
                    host: index,
                    report: Box::new(record.clone()),
                })
                .await;
            Some((ran, record))
        }
    });
    let done: Vec<_> = futures_util::stream::iter(jobs)
        .buffered(parallel)
        .collect()
        .await;
    let done: Vec<_> = done.into_iter().flatten().collect();
    let matrix = Matrix::new(
        done.iter()
            .map(|(ran, _)| (ran.check.facts.name.as_str(), &ran.check.scorecard)),
    );
    report.matrix = MatrixRecord::new(&matrix);
    report.verdict = matrix.worst();
    let refusals: Vec<(ErrorCode, String)> = done
        .iter()
        .filter_map(|(ran, record)| Some((policy_refusal(ran.refused?)?, record.error.clone()?)))
        .collect();
    report.hosts = done.into_iter().map(|(_, record)| record).collect();
    if !report.hosts.is_empty() && refusals.len() == report.hosts.len() {
        let (code, message) = refusals[0].clone();
        report.error = Some(message.clone());
        report.verdict = Verdict::Fail;
        events
            .send(CheckEvent::Error {
                code: code.as_str().to_owned(),
                message,
            })
            .await;
        return report;
    }
    if report.error.is_some() && report.hosts.is_empty() {
        report.verdict = Verdict::Fail;
    }
    events
        .send(CheckEvent::Done {
            report: Box::new(report.clone()),
        })
        .await;
    report
}

/// A refusal by the bridge's own rules (not the server's doing): the whole check is
/// refused when every host was.
fn policy_refusal(code: ErrorCode) -> Option<ErrorCode> {
    matches!(
        code,
        ErrorCode::TargetDenied
            | ErrorCode::RateLimited
            | ErrorCode::TooManySessions
            | ErrorCode::InvalidTarget
    )
    .then_some(code)
}

/// A check outside a server (the `check` command): the policy of `policy`, the client
/// loopback (this machine), no sandbox; names resolved and MX looked up with `hooks`
/// (`Hooks::for_dns_server`).
pub async fn check_standalone(
    policy: &PolicyConfig,
    target: &Target,
    options: &CheckOptions,
    hooks: Hooks,
    events: &Events,
) -> CheckReport {
    let dns = DnsLookups::new(Dns::new(Arc::clone(&hooks.dns)));
    let policy = policy.resolve();
    let context = Context {
        shutdown: Shutdown::never(),
        metrics: Arc::new(Metrics::default()),
        allow_insecure: true,
        reply_timeout: options.reply_timeout,
        gate: Gate::new(policy.gate.clone()),
        policy: Arc::new(policy),
        hooks,
        owners: Arc::default(),
        sandbox_places: None,
        sandbox_certificate: None,
    };
    run(
        &context,
        Ipv4Addr::LOCALHOST.into(),
        target,
        options,
        &dns,
        events,
    )
    .await
}
