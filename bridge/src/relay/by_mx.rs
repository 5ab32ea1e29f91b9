//! Connect by MX: the domain's MX hosts are looked up and resolved (`mx.rs`), told to the
//! browser in an `mx_list` before anything is connected, then tried in order, each
//! through the same checks as a typed host (`open_resolved`, with the addresses of its one
//! resolution), until one answers; or only the host the browser picked. Hosts whose
//! addresses the target rules refuse are listed with the reason and never tried.

use std::fmt::Display;
use std::net::IpAddr;

use axum::extract::ws::Message;
use futures_util::Sink;
use protocol::wire::{ConnectRequest, ErrorCode, ServerMsg};

use super::open::{Opened, open_resolved};
use super::to_browser::send;
use super::{Context, error};
use crate::dns::{Dns, DnsError};
use crate::visitor::VisitorId;

/// No new MX host is tried once this much time has passed since the first: with at most
/// `mx::MAX_HOSTS` hosts, each within the connect timeout, a by-MX connect ends in time.
const TOTAL: std::time::Duration = std::time::Duration::from_secs(60);

/// A connection made by MX: the connection, the request as made to the host (its name in
/// `host`, so TLS checks the certificate against the MX name), and the host's name.
pub(super) struct ByMx {
    pub(super) opened: Opened,
    pub(super) request: ConnectRequest,
    pub(super) mx_host: String,
}

/// Looks the MX hosts up, sends `mx_list`, and connects to the first that answers.
/// The error is the message for the browser (after the list, when there is one).
pub(super) async fn open_by_mx<W>(
    request: &ConnectRequest,
    context: &Context,
    mailbox: Option<VisitorId>,
    client: IpAddr,
    to_browser: &mut W,
) -> Result<ByMx, ServerMsg>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let domain = match crate::policy::host::parse_host(&request.host) {
        Ok(crate::policy::host::Host::Name(name)) => name,
        Ok(crate::policy::host::Host::Ip(ip)) => {
            return Err(error(
                ErrorCode::InvalidTarget,
                format!("{ip} is an address, not a mail domain; connect by MX needs a domain name"),
            ));
        }
        Err(err) => return Err(error(ErrorCode::InvalidTarget, err.to_string())),
    };
    let dns = Dns::new(context.hooks.dns.clone());
    let resolution = crate::mx::resolve(
        &dns,
        context.hooks.resolver.as_ref(),
        &context.policy.targets,
        &domain,
        request.port,
        crate::mx::os_seed(),
    )
    .await
    .map_err(|err| match err {
        DnsError::NxDomain { .. } => error(
            ErrorCode::NoMailHost,
            format!("{domain} does not exist in DNS (NXDOMAIN), so no server receives mail for it"),
        ),
        other => error(
            ErrorCode::MxLookupFailed,
            format!("could not look up the MX records of {domain}: {other}"),
        ),
    })?;
    let list = resolution.to_wire();
    send(to_browser, ServerMsg::MxList(list), &context.metrics)
        .await
        .map_err(|_| error(ErrorCode::UpstreamIo, "the browser is gone"))?;
    if list_is_null(&resolution) {
        return Err(error(
            ErrorCode::NullMx,
            format!(
                "{domain} publishes a null MX (\".\", RFC 7505): it accepts no mail, so nothing \
                 was connected"
            ),
        ));
    }
    let picked = request
        .mx_host
        .as_deref()
        .map(|name| name.trim_end_matches('.').to_ascii_lowercase());
    let mut candidates: Vec<_> = resolution.targets.iter().collect();
    if let Some(name) = &picked {
        candidates.retain(|target| &target.host.name == name);
        if candidates.is_empty() {
            let listed: Vec<&str> = resolution
                .targets
                .iter()
                .map(|t| t.host.name.as_str())
                .collect();
            return Err(error(
                ErrorCode::InvalidTarget,
                format!(
                    "{name} is not one of the MX hosts of {domain} ({})",
                    listed.join(", ")
                ),
            ));
        }
    }
    let usable: Vec<_> = candidates.iter().filter(|t| t.usable()).collect();
    if usable.is_empty() {
        // Say why, from the first host that has a reason.
        if let Some(refused) = candidates.iter().find_map(|t| t.refused.clone()) {
            return Err(error(ErrorCode::TargetDenied, refused));
        }
        return Err(error(
            ErrorCode::NoMailHost,
            format!(
                "no MX host of {domain} has an address this bridge can use, so nothing was \
                 connected"
            ),
        ));
    }
    let mut last = None;
    let deadline = tokio::time::Instant::now() + TOTAL;
    for target in usable {
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        let attempt = ConnectRequest {
            host: target.host.name.clone(),
            by_mx: false,
            mx_host: None,
            ..request.clone()
        };
        match open_resolved(&attempt, context, mailbox, client, Some(&target.addresses)).await {
            Ok(opened) => {
                return Ok(ByMx {
                    opened,
                    request: attempt,
                    mx_host: target.host.name.clone(),
                });
            }
            Err(failure) => {
                tracing::info!(mx = %target.host.name, "MX host did not answer; trying the next");
                last = Some(failure);
            }
        }
    }
    Err(match last {
        Some(ServerMsg::Error { code, message }) => error(
            code,
            format!("no MX host of {domain} accepted the connection; the last: {message}"),
        ),
        Some(other) => other,
        None => error(
            ErrorCode::NoMailHost,
            format!("no MX host of {domain} to try"),
        ),
    })
}

fn list_is_null(resolution: &crate::mx::MxResolution) -> bool {
    resolution.plan.kind == protocol::dns::mx::PlanKind::NullMx
}
