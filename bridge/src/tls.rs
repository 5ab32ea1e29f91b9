//! TLS to the SMTP server: implicit TLS (port 465, RFC 8314) and STARTTLS upgrades (RFC 3207),
//! with rustls and the `ring` provider.
//!
//! Teaching needs more than a working handshake: the person should see what was agreed and
//! what the certificate says, and a failed verification should explain itself. So the
//! verifier here wraps rustls's WebPKI verifier and records its verdict and the chain; in
//! an `insecure` session (allowed only by the operator) it records the failure and lets the
//! handshake go on, and the browser is told.
//!
//! Trust anchors come from the operating system (`/etc/ssl/certs` on Debian), loaded once.
//! One exception, [`Trust::Pinned`]: a session to the bridge's own sandbox trusts exactly
//! the certificate that sandbox serves, byte for byte, and nothing else (SECURITY.md, "TLS
//! to the sandbox").

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use protocol::wire::{CertificateSummary, ErrorCode, TlsInfo, TlsMode};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tracing::{debug, warn};

/// How long a TLS handshake may take (SECURITY.md, limits).
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Why no TLS session was established.
#[derive(Debug, Error)]
pub(crate) enum TlsError {
    /// The certificate failed verification and the session did not ask (or may not ask)
    /// for `insecure`.
    #[error(
        "the server's certificate was rejected: {reason}{}; the connection was closed \
         without sending anything",
        describe_leaf(certificates)
    )]
    CertificateRejected {
        /// What verification said, for a person.
        reason: String,
        /// The chain the server presented.
        certificates: Vec<CertificateSummary>,
    },
    /// The host cannot be used as a TLS server name.
    #[error("{0} cannot be checked against a certificate (not a DNS name or IP address)")]
    BadName(String),
    /// The handshake failed for another reason (protocol mismatch, reset, no TLS there).
    #[error("the TLS handshake failed: {0}")]
    Handshake(String),
    /// The handshake did not finish in time.
    #[error("the TLS handshake took longer than {} s", HANDSHAKE_TIMEOUT.as_secs())]
    Timeout,
    /// The server's first bytes were not TLS (rustls' `InvalidContentType`): a plain SMTP
    /// greeting where implicit TLS was expected.
    #[error(
        "the server answered in plain text: this port does not speak implicit TLS; try \
         STARTTLS, or port 465"
    )]
    NotTls,
}

impl TlsError {
    /// The wire contract's name for this failure.
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            Self::CertificateRejected { .. } => ErrorCode::CertificateRejected,
            Self::BadName(_) | Self::Handshake(_) | Self::Timeout => ErrorCode::TlsHandshakeFailed,
            Self::NotTls => ErrorCode::NotTls,
        }
    }
}

/// Whether a failed handshake met a server speaking plain text: rustls read a record
/// whose content type is no TLS content type (a `2` of `220 ...`, say).
fn is_plain_text(cause: &std::io::Error) -> bool {
    cause
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|err| {
            matches!(
                err,
                rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
            )
        })
}

fn describe_leaf(certificates: &[CertificateSummary]) -> String {
    certificates.first().map_or_else(String::new, |leaf| {
        format!(
            " (it names {}, issued by {}, valid {} to {})",
            leaf.subject, leaf.issuer, leaf.not_before, leaf.not_after
        )
    })
}

/// Which certificates a handshake accepts.
#[derive(Debug, Clone, Default)]
pub(crate) enum Trust {
    /// A chain to the system's certificate authorities, valid for the host (WebPKI).
    #[default]
    WebPki,
    /// Exactly this end-entity certificate (DER), whatever its issuer and names: the one
    /// the bridge's own sandbox serves. Any other certificate is refused, CA-signed or not.
    Pinned(Arc<CertificateDer<'static>>),
}

/// Runs a client handshake over `io` for `host` and returns the TLS stream and what the
/// browser should know about it. `started` is when the TCP connection was made.
///
/// # Errors
///
/// [`TlsError`] when the certificate is rejected, the handshake fails, or it is too slow.
pub(crate) async fn handshake<IO>(
    io: IO,
    host: &str,
    trust: &Trust,
    insecure: bool,
    mode: TlsMode,
    started: Instant,
) -> Result<(TlsStream<IO>, TlsInfo), TlsError>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let name = ServerName::try_from(bare.to_owned()).map_err(|_| TlsError::BadName(bare.into()))?;
    let anchors = anchors();
    let record = Arc::new(Mutex::new(Verdict::default()));
    let verifier = RecordingVerifier {
        inner: anchors.verifier.clone(),
        pinned: match trust {
            Trust::WebPki => None,
            Trust::Pinned(der) => Some(Arc::clone(der)),
        },
        provider: Arc::clone(&anchors.provider),
        insecure,
        record: Arc::clone(&record),
    };
    let config = ClientConfig::builder_with_provider(Arc::clone(&anchors.provider))
        .with_safe_default_protocol_versions()
        .map_err(|err| TlsError::Handshake(err.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let result = timeout(HANDSHAKE_TIMEOUT, connector.connect(name, io)).await;
    let verdict = std::mem::take(&mut *record.lock().unwrap_or_else(PoisonError::into_inner));
    let stream = match result {
        Err(_) => return Err(TlsError::Timeout),
        Ok(Err(cause)) => {
            return Err(match verdict.failure {
                Some(reason) if !insecure => TlsError::CertificateRejected {
                    reason,
                    certificates: verdict.certificates,
                },
                _ if is_plain_text(&cause) => TlsError::NotTls,
                _ => TlsError::Handshake(cause.to_string()),
            });
        }
        Ok(Ok(stream)) => stream,
    };
    let (_, conn) = stream.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_owned(),
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map_or_else(|| "unknown".to_owned(), |s| format!("{:?}", s.suite()));
    let alpn = conn
        .alpn_protocol()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let info = TlsInfo {
        mode,
        version,
        cipher,
        alpn,
        server_name: bare.to_owned(),
        verified: verdict.failure.is_none(),
        sandbox_certificate: matches!(trust, Trust::Pinned(_)) && verdict.failure.is_none(),
        insecure: insecure && verdict.failure.is_some(),
        verify_error: verdict.failure,
        certificates: verdict.certificates,
        at_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    Ok((stream, info))
}

/// The verifier and provider shared by every session.
#[derive(Debug)]
struct Anchors {
    /// `None` when the system has no usable trust anchors: every certificate then fails
    /// verification with an explanation.
    verifier: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

fn anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let loaded = rustls_native_certs::load_native_certs();
        for err in &loaded.errors {
            warn!(cause = %err, "could not read some system trust anchors");
        }
        let mut roots = RootCertStore::empty();
        let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
        debug!(added, ignored, "loaded system trust anchors");
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                .build()
                .map_err(|err| warn!(cause = %err, "no certificate can be verified"))
                .ok();
        Anchors { verifier, provider }
    })
}

/// What the verifier saw during one handshake.
#[derive(Debug, Default)]
struct Verdict {
    /// Why verification failed; `None` when it passed (or never ran).
    failure: Option<String>,
    certificates: Vec<CertificateSummary>,
}

/// WebPKI verification (or the comparison with a pinned certificate) that records its
/// verdict, and in `insecure` mode does not stop the handshake on a failure.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    /// When set, the only certificate accepted, instead of `inner`'s verdict.
    pinned: Option<Arc<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
    insecure: bool,
    record: Arc<Mutex<Verdict>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let certificates = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|der| summarize(der.as_ref()))
            .collect();
        let result = match (&self.pinned, &self.inner) {
            (Some(pinned), _) => {
                if end_entity.as_ref() == pinned.as_ref().as_ref() {
                    Ok(())
                } else {
                    Err(rustls::Error::InvalidCertificate(
                        CertificateError::ApplicationVerificationFailure,
                    ))
                }
            }
            (None, Some(inner)) => inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ()),
            (None, None) => Err(rustls::Error::General(
                "the bridge found no trusted certificate authorities on this system".into(),
            )),
        };
        let mut verdict = self.record.lock().unwrap_or_else(PoisonError::into_inner);
        verdict.certificates = certificates;
        match result {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(err) => {
                verdict.failure = Some(if self.pinned.is_some() {
                    NOT_THE_SANDBOX.to_owned()
                } else {
                    explain(&err, server_name)
                });
                if self.insecure {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(err)
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Why a certificate at the sandbox's address was refused.
const NOT_THE_SANDBOX: &str = "this is the address of the bridge's own sandbox, but the \
     certificate is not the one the sandbox serves (another program may be listening there)";

/// A verification failure in words a sysadmin acts on.
fn explain(err: &rustls::Error, name: &ServerName<'_>) -> String {
    let name = name.to_str();
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "it was not issued by a certificate authority \
                 the bridge trusts (self-signed, or signed by a private CA)"
                .to_owned(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("it is not valid for the name {name}")
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "it has expired".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "it is not valid yet (check the server's clock)".to_owned()
            }
            CertificateError::Revoked => "it has been revoked".to_owned(),
            CertificateError::Other(other)
                if format!("{other:?}").contains("CaUsedAsEndEntity") =>
            {
                "it is a certificate authority's certificate used as a server certificate \
                 (what `openssl req -x509` makes by default), and it is not trusted"
                    .to_owned()
            }
            other => format!("it is invalid ({other:?})"),
        },
        other => other.to_string(),
    }
}

/// The facts of one DER certificate; unparseable certificates say so in `subject`.
fn summarize(der: &[u8]) -> CertificateSummary {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return CertificateSummary {
            subject: "(a certificate the bridge could not parse)".to_owned(),
            ..CertificateSummary::default()
        };
    };
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            use x509_parser::extensions::GeneralName;
            match name {
                GeneralName::DNSName(dns) => sans.push((*dns).to_owned()),
                GeneralName::RFC822Name(mail) => sans.push(format!("email:{mail}")),
                GeneralName::IPAddress(bytes) => sans.push(ip_text(bytes)),
                _ => {}
            }
        }
    }
    let validity = cert.validity();
    CertificateSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_before: rfc3339(&validity.not_before),
        not_after: rfc3339(&validity.not_after),
        serial: hex(cert.raw_serial()),
        key: crate::cert_crypto::key(&cert),
        signature: crate::cert_crypto::signature(&cert),
    }
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => {
            <[u8; 4]>::try_from(bytes).map_or_else(|_| hex(bytes), |b| IpAddr::from(b).to_string())
        }
        16 => {
            <[u8; 16]>::try_from(bytes).map_or_else(|_| hex(bytes), |b| IpAddr::from(b).to_string())
        }
        _ => hex(bytes),
    }
}

fn rfc3339(time: &x509_parser::time::ASN1Time) -> String {
    time.to_datetime()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time.to_string())
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparseable_certificates_are_summarized_not_fatal() {
        let summary = summarize(b"not a certificate");
        assert!(summary.subject.contains("could not parse"));
    }

    #[test]
    fn ip_sans_are_written_as_addresses() {
        assert_eq!(ip_text(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_text(&v6), "::1");
        assert_eq!(ip_text(&[1, 2, 3]), "010203");
    }

    /// A TLS server on one end of a pipe with a fresh self-signed certificate for
    /// `127.0.0.1`; returns the client's end and the certificate.
    fn self_signed_server() -> (tokio::io::DuplexStream, Arc<CertificateDer<'static>>) {
        let certified =
            rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("generate");
        let der = certified.cert.der().clone();
        let key =
            rustls::pki_types::PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![der.clone()], key.into())
        .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let (client, server) = tokio::io::duplex(16 * 1024);
        tokio::spawn(async move {
            let _ = acceptor.accept(server).await;
        });
        (client, Arc::new(der))
    }

    #[tokio::test]
    async fn the_pinned_certificate_is_trusted_and_says_so() {
        let (client, der) = self_signed_server();
        let trust = Trust::Pinned(der);
        let (_, info) = handshake(
            client,
            "127.0.0.1",
            &trust,
            false,
            TlsMode::Starttls,
            Instant::now(),
        )
        .await
        .expect("the pinned certificate is trusted");
        assert!(
            info.verified && info.sandbox_certificate && !info.insecure,
            "{info:?}"
        );
        assert_eq!(info.verify_error, None);
        assert_eq!(info.certificates.len(), 1, "{info:?}");
    }

    #[tokio::test]
    async fn another_certificate_where_one_is_pinned_is_refused() {
        // Another key at the sandbox's address: not trusted, though it is self-signed for
        // the same name just as the sandbox's is.
        let (_, pinned) = self_signed_server();
        let (client, _) = self_signed_server();
        let trust = Trust::Pinned(pinned);
        let err = handshake(
            client,
            "127.0.0.1",
            &trust,
            false,
            TlsMode::Starttls,
            Instant::now(),
        )
        .await
        .expect_err("a different certificate");
        assert_eq!(err.code(), ErrorCode::CertificateRejected);
        assert!(
            err.to_string().contains("not the one the sandbox serves"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_self_signed_certificate_is_refused_without_a_pin() {
        let (client, _) = self_signed_server();
        let err = handshake(
            client,
            "127.0.0.1",
            &Trust::WebPki,
            false,
            TlsMode::Starttls,
            Instant::now(),
        )
        .await
        .expect_err("self-signed");
        assert_eq!(err.code(), ErrorCode::CertificateRejected);
        assert!(
            err.to_string()
                .contains("not issued by a certificate authority"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_peer_that_is_not_tls_fails_the_handshake_with_an_explanation() {
        let (client, mut server) = tokio::io::duplex(4096);
        let talker = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buf = [0u8; 512];
            let _ = server.read(&mut buf).await;
            let _ = server.write_all(b"220 this is not TLS\r\n").await;
        });
        let err = handshake(
            client,
            "mx.example.org",
            &Trust::WebPki,
            false,
            TlsMode::Implicit,
            Instant::now(),
        )
        .await
        .expect_err("not TLS");
        assert_eq!(err.code(), ErrorCode::NotTls);
        assert!(err.to_string().contains("plain text"), "{err}");
        let _ = talker.await;
    }
}
