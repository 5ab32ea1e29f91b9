//! Queries with hickory-net's client rather than hickory-resolver's `Resolver`, because
//! the resolver neither asks for nor keeps the AD bit: each query here sets AD=1 in the
//! request (RFC 6840 5.7: "tell me whether you validated this", without the DO bit and
//! its signatures) and reads it from the response header. UDP first, TCP when the answer
//! was truncated; a bounded number of attempts, each bounded in time. No cache: each
//! request asks afresh, so a person who just fixed a record sees the fix.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::future::BoxFuture;
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::tcp::TcpClientStream;
use hickory_resolver::net::udp::UdpClientStream;
use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use super::{
    Answer, DnsError, DnsLookup, Mx, QUERY_ATTEMPTS, QUERY_TIMEOUT, Rdata, RecordKind, Tlsa,
    system_servers,
};

/// A stub client of one or more recursive resolvers, tried in turn.
#[derive(Debug, Clone)]
pub struct HickoryDns {
    servers: Vec<SocketAddr>,
    timeout: Duration,
    attempts: usize,
    /// Why there is no server, when `servers` is empty.
    unavailable: String,
}

impl HickoryDns {
    /// Asks `servers` in turn (at least one), with the default timeout and attempts.
    pub fn new(servers: Vec<SocketAddr>) -> Self {
        Self {
            servers,
            timeout: QUERY_TIMEOUT,
            attempts: QUERY_ATTEMPTS,
            unavailable: "no DNS server was given".to_owned(),
        }
    }

    /// Asks the servers of the system's resolver configuration; when it cannot be read,
    /// every query fails with [`DnsError::NoServer`] saying why.
    pub fn system() -> Self {
        match system_servers() {
            Ok(servers) => Self::new(servers),
            Err(err) => {
                tracing::warn!(%err, "DNS queries will fail until --dns-server is given");
                Self {
                    unavailable: err.to_string(),
                    ..Self::new(Vec::new())
                }
            }
        }
    }

    /// Another time allowed per attempt (at least 1 ms).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The servers asked, in order.
    pub fn servers(&self) -> &[SocketAddr] {
        &self.servers
    }

    async fn ask(&self, name: &str, kind: RecordKind) -> Result<Answer, DnsError> {
        let shown = name.trim_end_matches('.').to_owned();
        let fqdn = format!("{shown}.");
        let parsed = Name::from_ascii(&fqdn).map_err(|err| DnsError::InvalidName {
            name: name.to_owned(),
            reason: err.to_string(),
        })?;
        if self.servers.is_empty() {
            return Err(DnsError::NoServer(self.unavailable.clone()));
        }
        let mut last = None;
        for server in self.servers.iter().cycle().take(self.attempts.max(1)) {
            match self.once(*server, &parsed, kind).await {
                Ok(message) => return read_response(&message, &shown, kind),
                Err(err) => {
                    tracing::debug!(%server, name = %shown, %kind, err = ?err, "DNS attempt failed");
                    last = Some(err);
                }
            }
        }
        Err(match last {
            Some(Failure::Timeout) | None => DnsError::Timeout {
                name: shown,
                kind,
                seconds: self.timeout.as_secs().max(1),
            },
            Some(Failure::Net(cause)) => DnsError::Network {
                name: shown,
                kind,
                cause,
            },
        })
    }

    /// One attempt at one server: UDP, then TCP if the UDP answer was truncated.
    async fn once(
        &self,
        server: SocketAddr,
        name: &Name,
        kind: RecordKind,
    ) -> Result<Message, Failure> {
        let provider = TokioRuntimeProvider::default();
        let udp = UdpClientStream::builder(server, provider.clone())
            .with_timeout(Some(self.timeout))
            .exchange();
        let message = self.exchange(&udp, name, kind).await?;
        if !message.metadata.truncation {
            return Ok(message);
        }
        let tcp = tokio::time::timeout(
            self.timeout,
            TcpClientStream::exchange(server, None, self.timeout, Some(4), provider),
        )
        .await
        .map_err(|_| Failure::Timeout)?
        .map_err(Failure::from)?;
        self.exchange(&tcp, name, kind).await
    }

    async fn exchange<H: hickory_resolver::net::DnsHandle>(
        &self,
        handle: &H,
        name: &Name,
        kind: RecordKind,
    ) -> Result<Message, Failure> {
        let mut options = DnsRequestOptions::default();
        options.recursion_desired = true;
        options.use_edns = true;
        options.edns_payload_len = 1232;
        options.edns_set_dnssec_ok = false;
        options.case_randomization = false;
        let request =
            DnsRequest::from_query(Query::query(name.clone(), record_type(kind)), options);
        let (mut message, options) = request.into_parts();
        message.metadata.authentic_data = true;
        let request = DnsRequest::new(message, options);
        let mut responses = handle.send(request);
        match tokio::time::timeout(self.timeout, responses.next()).await {
            Err(_) => Err(Failure::Timeout),
            // hickory's UDP stream ends without an item when its own timer runs out.
            Ok(None) => Err(Failure::Timeout),
            Ok(Some(Err(err))) => Err(Failure::from(err)),
            Ok(Some(Ok(response))) => Ok(response.into_message()),
        }
    }
}

impl DnsLookup for HickoryDns {
    fn query<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Answer, DnsError>> {
        Box::pin(self.ask(name, kind))
    }
}

/// Why one attempt failed, before it becomes a [`DnsError`].
#[derive(Debug)]
enum Failure {
    Timeout,
    Net(String),
}

impl From<NetError> for Failure {
    fn from(err: NetError) -> Self {
        match err {
            NetError::Timeout => Self::Timeout,
            other => Self::Net(other.to_string()),
        }
    }
}

fn record_type(kind: RecordKind) -> RecordType {
    match kind {
        RecordKind::A => RecordType::A,
        RecordKind::Aaaa => RecordType::AAAA,
        RecordKind::Mx => RecordType::MX,
        RecordKind::Txt => RecordType::TXT,
        RecordKind::Tlsa => RecordType::TLSA,
        RecordKind::Ptr => RecordType::PTR,
    }
}

/// A name as the rest of the bridge writes it: lower case, no final dot; the root is "".
fn plain_name(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

/// The response code and records of one response, as an [`Answer`] or a [`DnsError`].
fn read_response(message: &Message, name: &str, kind: RecordKind) -> Result<Answer, DnsError> {
    let rcode = message.metadata.response_code;
    match rcode {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => {
            return Err(DnsError::NxDomain {
                name: name.to_owned(),
            });
        }
        other => {
            // The mnemonic, as dig prints it, so the failure reads the same in both tools.
            let rcode = if other == ResponseCode::ServFail {
                "SERVFAIL".to_owned()
            } else {
                other.to_string()
            };
            return Err(DnsError::ServerFailure {
                name: name.to_owned(),
                kind,
                rcode,
            });
        }
    }
    let wanted = record_type(kind);
    let mut records = Vec::new();
    let mut canonical = None;
    for record in &message.answers {
        if record.record_type() != wanted {
            continue;
        }
        let owner = plain_name(&record.name);
        if !owner.eq_ignore_ascii_case(name) && canonical.is_none() {
            canonical = Some(owner);
        }
        let data = match &record.data {
            RData::A(a) => Rdata::A(a.0),
            RData::AAAA(aaaa) => Rdata::Aaaa(aaaa.0),
            RData::MX(mx) => Rdata::Mx(Mx {
                preference: mx.preference,
                exchange: plain_name(&mx.exchange),
            }),
            RData::TXT(txt) => {
                let mut joined = Vec::new();
                for part in &*txt.txt_data {
                    joined.extend_from_slice(part);
                }
                Rdata::Txt(String::from_utf8_lossy(&joined).into_owned())
            }
            RData::TLSA(tlsa) => Rdata::Tlsa(Tlsa {
                usage: u8::from(tlsa.cert_usage),
                selector: u8::from(tlsa.selector),
                matching: u8::from(tlsa.matching),
                data: tlsa.cert_data.clone(),
            }),
            RData::PTR(ptr) => Rdata::Ptr(plain_name(&ptr.0)),
            _ => continue,
        };
        records.push(data);
    }
    if records.is_empty() {
        return Err(DnsError::NoRecords {
            name: name.to_owned(),
            kind,
        });
    }
    Ok(Answer {
        records,
        authenticated: message.metadata.authentic_data,
        canonical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::op::OpCode;
    use hickory_resolver::proto::rr::Record;
    use hickory_resolver::proto::rr::rdata::{A, MX, TXT};
    use tokio::net::UdpSocket;

    /// A one-shot DNS server on loopback: answers each query with `answer(query)`, or
    /// never, when it returns `None`. Returns its address and the AD bits the queries had.
    async fn server(
        answer: impl Fn(&Message) -> Option<Message> + Send + 'static,
    ) -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<bool>) {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
        let addr = socket.local_addr().expect("addr");
        let (seen, ads) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            for _ in 0..8 {
                let Ok((len, from)) = socket.recv_from(&mut buffer).await else {
                    return;
                };
                let query = Message::from_vec(&buffer[..len]).expect("a query");
                let _ = seen.send(query.metadata.authentic_data);
                if let Some(mut response) = answer(&query) {
                    response.metadata.id = query.metadata.id;
                    let bytes = response.to_vec().expect("encode");
                    let _ = socket.send_to(&bytes, from).await;
                }
            }
        });
        (addr, ads)
    }

    fn response(query: &Message, code: ResponseCode, ad: bool, answers: Vec<Record>) -> Message {
        let mut message = Message::response(query.metadata.id, OpCode::Query);
        message.add_query(query.queries[0].clone());
        message.metadata.response_code = code;
        message.metadata.authentic_data = ad;
        message.metadata.recursion_available = true;
        for record in answers {
            message.add_answer(record);
        }
        message
    }

    fn name(text: &str) -> Name {
        Name::from_ascii(text).expect("name")
    }

    #[tokio::test]
    async fn reads_records_and_the_ad_bit_and_asks_for_it() {
        let (addr, mut ads) = server(|query| {
            let asked = query.queries[0].name().clone();
            let records = match query.queries[0].query_type() {
                RecordType::MX => vec![
                    Record::from_rdata(
                        asked.clone(),
                        60,
                        RData::MX(MX::new(20, name("mx2.example.test."))),
                    ),
                    Record::from_rdata(
                        asked,
                        60,
                        RData::MX(MX::new(10, name("MX1.example.test."))),
                    ),
                ],
                RecordType::TXT => vec![Record::from_rdata(
                    asked,
                    60,
                    RData::TXT(TXT::new(vec!["v=spf1 ".to_owned(), "-all".to_owned()])),
                )],
                _ => vec![Record::from_rdata(
                    name("alias-target.example.test."),
                    60,
                    RData::A(A::new(192, 0, 2, 7)),
                )],
            };
            Some(response(query, ResponseCode::NoError, true, records))
        })
        .await;
        let dns = HickoryDns::new(vec![addr]);
        let mx = dns.query("example.test", RecordKind::Mx).await.expect("MX");
        assert!(mx.authenticated);
        assert_eq!(
            mx.records,
            vec![
                Rdata::Mx(Mx {
                    preference: 20,
                    exchange: "mx2.example.test".to_owned()
                }),
                Rdata::Mx(Mx {
                    preference: 10,
                    exchange: "mx1.example.test".to_owned()
                }),
            ]
        );
        assert_eq!(
            ads.recv().await,
            Some(true),
            "the query asks for the AD bit"
        );
        let txt = dns
            .query("example.test.", RecordKind::Txt)
            .await
            .expect("TXT");
        assert_eq!(txt.records, vec![Rdata::Txt("v=spf1 -all".to_owned())]);
        let a = dns
            .query("alias.example.test", RecordKind::A)
            .await
            .expect("A");
        assert_eq!(a.canonical.as_deref(), Some("alias-target.example.test"));
    }

    #[tokio::test]
    async fn tells_nxdomain_no_records_failure_and_timeout_apart() {
        let (addr, _) = server(|query| {
            let text = query.queries[0].name().to_ascii();
            if text.starts_with("silent") {
                return None;
            }
            let code = if text.starts_with("missing") {
                ResponseCode::NXDomain
            } else if text.starts_with("broken") {
                ResponseCode::ServFail
            } else {
                ResponseCode::NoError
            };
            Some(response(query, code, false, Vec::new()))
        })
        .await;
        let dns = HickoryDns::new(vec![addr]).with_timeout(Duration::from_millis(300));
        assert!(matches!(
            dns.query("missing.test", RecordKind::Mx).await,
            Err(DnsError::NxDomain { name }) if name == "missing.test"
        ));
        assert!(matches!(
            dns.query("empty.test", RecordKind::Tlsa).await,
            Err(DnsError::NoRecords {
                kind: RecordKind::Tlsa,
                ..
            })
        ));
        assert!(matches!(
            dns.query("broken.test", RecordKind::Txt).await,
            Err(DnsError::ServerFailure { rcode, .. }) if rcode == "SERVFAIL"
        ));
        let silent = dns.query("silent.test", RecordKind::A).await;
        assert!(
            matches!(silent, Err(DnsError::Timeout { .. })),
            "{silent:?}"
        );
        assert!(matches!(
            dns.query("bad..name", RecordKind::A).await,
            Err(DnsError::InvalidName { .. })
        ));
        assert!(matches!(
            HickoryDns::new(Vec::new())
                .query("a.test", RecordKind::A)
                .await,
            Err(DnsError::NoServer(_))
        ));
    }
}
