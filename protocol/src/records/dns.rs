//! The DNS facts of a mail domain: `GET /api/dns?domain=NAME` on the bridge and
//! `smtp-playground dns DOMAIN --format json` write it; the page and the e2e tests read it.
//!
//! # Layout
//!
//! ```text
//! domain       the domain asked about, lower case
//! mx           {"status","null_mx","implicit","authenticated","error",
//!               "hosts":[{"preference","name","skipped","note":{"en","zh"}|null,"error",
//!                         "addresses":[{"address","allowed","reason"}]}],
//!               "findings":[...]}
//!              hosts in the order a sender tries them; each address with the bridge's
//!              target-policy verdict (allowed, or the reason it is denied)
//! facts        [{"kind","name","status","authenticated","records","lookups","error",
//!                "findings":[{"id","severity","en","zh"}],
//!                "meaning":{"en","zh"},"when_missing":{"en","zh"},"rfc"}]
//!              kind: spf, dmarc, mta_sts, tls_rpt, tlsa (one per MX host);
//!              status: found, missing, broken, unknown (the lookup failed: see error);
//!              authenticated: the AD bit of the answer (DNSSEC-validated by the resolver)
//! queries      DNS queries this report took
//! ```

use super::{
    Members, Object, Shape, ShapeError, optional_number, optional_string, string, strings,
};
use crate::dns::{DnsFinding, Fact, FactKind, FactStatus, Severity};
use crate::json::Json;
use crate::lang::Bilingual;

/// One finding, in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingRecord {
    /// Stable id, such as `spf-too-many-lookups`.
    pub id: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

impl From<&DnsFinding> for FindingRecord {
    fn from(finding: &DnsFinding) -> Self {
        Self {
            id: finding.id.to_owned(),
            severity: finding.severity.as_str().to_owned(),
            en: finding.text.en.clone(),
            zh: finding.text.zh.clone(),
        }
    }
}

impl FindingRecord {
    /// The severity, read.
    pub fn severity(&self) -> Severity {
        Severity::from_name(&self.severity)
    }

    fn to_json(&self) -> Json {
        Object::default()
            .with("id", string(&self.id))
            .with("severity", string(&self.severity))
            .with("en", string(&self.en))
            .with("zh", string(&self.zh))
            .build()
    }

    fn read(m: &mut Members) -> Self {
        Self {
            id: m.string("id"),
            severity: m.string("severity"),
            en: m.string("en"),
            zh: m.string("zh"),
        }
    }
}

fn bilingual(text: &Bilingual<String>) -> Json {
    Object::default()
        .with("en", string(&text.en))
        .with("zh", string(&text.zh))
        .build()
}

fn read_bilingual(m: &mut Members) -> Bilingual<String> {
    Bilingual {
        en: m.string("en"),
        zh: m.string("zh"),
    }
}

/// One address of an MX host and the target policy's verdict on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressRecord {
    /// The IP address.
    pub address: String,
    /// Whether the bridge would connect to it.
    pub allowed: bool,
    /// Why not, when it would not.
    pub reason: Option<String>,
}

/// One MX host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MxHostRecord {
    /// Its preference.
    pub preference: u16,
    /// Its name.
    pub name: String,
    /// A sender would not try it (an IP literal, a misplaced ".").
    pub skipped: bool,
    /// What is odd about it.
    pub note: Option<Bilingual<String>>,
    /// Why its addresses are unknown (NXDOMAIN, timeout ...).
    pub error: Option<String>,
    /// Its addresses.
    pub addresses: Vec<AddressRecord>,
}

/// The MX part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MxSection {
    /// `found`, `missing` (implicit MX), `broken` or `unknown`.
    pub status: String,
    /// A null MX (RFC 7505): the domain accepts no mail.
    pub null_mx: bool,
    /// No MX records: the domain itself is the host.
    pub implicit: bool,
    /// The AD bit of the MX answer.
    pub authenticated: bool,
    /// Why the MX lookup failed.
    pub error: Option<String>,
    /// The hosts in the order a sender tries them.
    pub hosts: Vec<MxHostRecord>,
    /// Findings about the records as a whole.
    pub findings: Vec<FindingRecord>,
}

/// One fact other than MX.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactRecord {
    /// `spf`, `dmarc`, `mta_sts`, `tls_rpt` or `tlsa`.
    pub kind: String,
    /// The name queried.
    pub name: String,
    /// `found`, `missing`, `broken` or `unknown`.
    pub status: String,
    /// The AD bit of the answer.
    pub authenticated: bool,
    /// The records as received.
    pub records: Vec<String>,
    /// SPF: the DNS lookups counted.
    pub lookups: Option<u64>,
    /// Why the lookup failed (status `unknown`).
    pub error: Option<String>,
    /// What was found.
    pub findings: Vec<FindingRecord>,
    /// What the record is for.
    pub meaning: Bilingual<String>,
    /// Why it matters when missing.
    pub when_missing: Bilingual<String>,
    /// The defining RFCs.
    pub rfc: String,
}

impl FactRecord {
    /// The record of `fact`, with the AD bit of its answer.
    pub fn new(fact: &Fact, authenticated: bool) -> Self {
        let meaning = fact.kind.meaning();
        let when_missing = fact.kind.when_missing();
        Self {
            kind: fact.kind.as_str().to_owned(),
            name: fact.name.clone(),
            status: fact.status.as_str().to_owned(),
            authenticated,
            records: fact.records.clone(),
            lookups: fact.lookups.map(|n| n as u64),
            error: None,
            findings: fact.findings.iter().map(FindingRecord::from).collect(),
            meaning: Bilingual {
                en: meaning.en.to_owned(),
                zh: meaning.zh.to_owned(),
            },
            when_missing: Bilingual {
                en: when_missing.en.to_owned(),
                zh: when_missing.zh.to_owned(),
            },
            rfc: fact.kind.rfc().to_owned(),
        }
    }

    /// The record of a fact whose lookup failed with `error`.
    pub fn failed(kind: FactKind, name: &str, error: &str) -> Self {
        let mut record = Self::new(
            &Fact {
                kind,
                name: name.to_owned(),
                status: FactStatus::Unknown,
                ..Fact::default()
            },
            false,
        );
        record.error = Some(error.to_owned());
        record
    }

    /// The kind, read; `None` for a kind this version does not know.
    pub fn kind(&self) -> Option<FactKind> {
        FactKind::from_name(&self.kind)
    }

    /// The status, read.
    pub fn status(&self) -> FactStatus {
        FactStatus::from_name(&self.status)
    }

    /// Whether a finding with `id` is present.
    pub fn has(&self, id: &str) -> bool {
        self.findings.iter().any(|f| f.id == id)
    }
}

/// The DNS facts of a domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsFactsRecord {
    /// The domain.
    pub domain: String,
    /// Its MX records.
    pub mx: MxSection,
    /// SPF, DMARC, MTA-STS, TLS-RPT and one TLSA fact per MX host.
    pub facts: Vec<FactRecord>,
    /// DNS queries made.
    pub queries: u64,
}

impl DnsFactsRecord {
    /// The first fact of `kind`.
    pub fn fact(&self, kind: FactKind) -> Option<&FactRecord> {
        self.facts.iter().find(|f| f.kind() == Some(kind))
    }
}

fn findings(list: &[FindingRecord]) -> Json {
    Json::Array(list.iter().map(FindingRecord::to_json).collect())
}

impl Shape for DnsFactsRecord {
    fn to_json(&self) -> Json {
        let hosts = self
            .mx
            .hosts
            .iter()
            .map(|host| {
                let addresses = host
                    .addresses
                    .iter()
                    .map(|a| {
                        Object::default()
                            .with("address", string(&a.address))
                            .with("allowed", Json::Bool(a.allowed))
                            .with("reason", optional_string(a.reason.as_deref()))
                            .build()
                    })
                    .collect();
                Object::default()
                    .with("preference", Json::number(u64::from(host.preference)))
                    .with("name", string(&host.name))
                    .with("skipped", Json::Bool(host.skipped))
                    .with("note", host.note.as_ref().map_or(Json::Null, bilingual))
                    .with("error", optional_string(host.error.as_deref()))
                    .with("addresses", Json::Array(addresses))
                    .build()
            })
            .collect();
        let mx = Object::default()
            .with("status", string(&self.mx.status))
            .with("null_mx", Json::Bool(self.mx.null_mx))
            .with("implicit", Json::Bool(self.mx.implicit))
            .with("authenticated", Json::Bool(self.mx.authenticated))
            .with("error", optional_string(self.mx.error.as_deref()))
            .with("hosts", Json::Array(hosts))
            .with("findings", findings(&self.mx.findings))
            .build();
        let facts = self
            .facts
            .iter()
            .map(|f| {
                Object::default()
                    .with("kind", string(&f.kind))
                    .with("name", string(&f.name))
                    .with("status", string(&f.status))
                    .with("authenticated", Json::Bool(f.authenticated))
                    .with("records", strings(&f.records))
                    .with("lookups", optional_number(f.lookups))
                    .with("error", optional_string(f.error.as_deref()))
                    .with("findings", findings(&f.findings))
                    .with("meaning", bilingual(&f.meaning))
                    .with("when_missing", bilingual(&f.when_missing))
                    .with("rfc", string(&f.rfc))
                    .build()
            })
            .collect();
        Object::default()
            .with("domain", string(&self.domain))
            .with("mx", mx)
            .with("facts", Json::Array(facts))
            .with("queries", Json::number(self.queries))
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the DNS facts")?;
        let domain = m.string("domain");
        let mx = m.object("mx", |m| MxSection {
            status: m.string("status"),
            null_mx: m.flag("null_mx"),
            implicit: m.flag("implicit"),
            authenticated: m.flag("authenticated"),
            error: m.optional_string("error"),
            hosts: m.objects("hosts", |h| MxHostRecord {
                preference: h.optional_u16("preference").unwrap_or_default(),
                name: h.string("name"),
                skipped: h.flag("skipped"),
                note: h.optional_object("note", read_bilingual),
                error: h.optional_string("error"),
                addresses: h.objects("addresses", |a| AddressRecord {
                    address: a.string("address"),
                    allowed: a.flag("allowed"),
                    reason: a.optional_string("reason"),
                }),
            }),
            findings: m.objects("findings", FindingRecord::read),
        });
        let facts = m.objects("facts", |f| FactRecord {
            kind: f.string("kind"),
            name: f.string("name"),
            status: f.string("status"),
            authenticated: f.flag("authenticated"),
            records: f.strings("records"),
            lookups: f.optional_number("lookups"),
            error: f.optional_string("error"),
            findings: f.objects("findings", FindingRecord::read),
            meaning: f.object("meaning", read_bilingual),
            when_missing: f.object("when_missing", read_bilingual),
            rfc: f.string("rfc"),
        });
        let queries = m.number("queries");
        m.done(Self {
            domain,
            mx,
            facts,
            queries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::policy::dmarc;

    #[test]
    fn round_trips() {
        let fact = dmarc("_dmarc.x.test", &["p=none; v=DMARC1".to_owned()]);
        let record = DnsFactsRecord {
            domain: "x.test".to_owned(),
            mx: MxSection {
                status: "found".to_owned(),
                authenticated: true,
                hosts: vec![MxHostRecord {
                    preference: 10,
                    name: "mx.x.test".to_owned(),
                    note: Some(Bilingual {
                        en: "alias".to_owned(),
                        zh: "别名".to_owned(),
                    }),
                    addresses: vec![AddressRecord {
                        address: "10.0.0.1".to_owned(),
                        allowed: false,
                        reason: Some("private".to_owned()),
                    }],
                    ..MxHostRecord::default()
                }],
                ..MxSection::default()
            },
            facts: vec![
                FactRecord::new(&fact, false),
                FactRecord::failed(FactKind::Spf, "x.test", "timeout"),
            ],
            queries: 7,
        };
        let text = record.encode();
        assert_eq!(DnsFactsRecord::decode(&text).expect("decodes"), record);
        let pretty = DnsFactsRecord::from_json(record.to_json()).expect("tree");
        assert_eq!(
            pretty.fact(FactKind::Dmarc).map(FactRecord::status),
            Some(FactStatus::Broken)
        );
        assert!(DnsFactsRecord::decode("{\"mx\":[]}").is_err());
        assert_eq!(DnsFactsRecord::decode("{}").expect("empty").queries, 0);
    }
}
