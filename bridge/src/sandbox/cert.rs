//! The sandbox's TLS side for STARTTLS: the certificate given with `--sandbox-cert` and
//! `--sandbox-key`, or one generated at start.
//!
//! A generated certificate is self-signed for the sandbox's host name, `localhost` and the
//! loopback addresses, so clients must be told not to verify it (`swaks --tls-verify` off,
//! which is its default; `lettre`'s `dangerous_accept_invalid_certs`). That is fine for a
//! sandbox: it teaches the handshake, and nothing secret travels through it. The bridge's
//! own relay needs no such exception: it pins the [`SandboxTls::certificate`] returned
//! here (`tls::Trust::Pinned`).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use thiserror::Error;
use tokio_rustls::TlsAcceptor;

/// Why no TLS configuration could be built.
#[derive(Debug, Error)]
pub(crate) enum CertError {
    /// The certificate file could not be read or holds no certificate.
    #[error("could not read the certificate chain from {path}: {cause}")]
    Cert {
        /// The file.
        path: String,
        /// What went wrong.
        cause: String,
    },
    /// The key file could not be read or holds no private key.
    #[error("could not read the private key from {path}: {cause}")]
    Key {
        /// The file.
        path: String,
        /// What went wrong.
        cause: String,
    },
    /// Generating a certificate failed.
    #[error("could not generate a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the certificate and key (e.g. they do not match).
    #[error("the certificate and key cannot be used: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The sandbox's TLS server side and the certificate it presents.
pub(crate) struct SandboxTls {
    /// Accepts STARTTLS upgrades.
    pub(crate) acceptor: TlsAcceptor,
    /// The end-entity certificate (DER) every handshake presents: what the bridge's relay
    /// trusts, and nothing else, when it connects to this sandbox.
    pub(crate) certificate: Arc<CertificateDer<'static>>,
}

/// The acceptor for the files given, or for a freshly generated self-signed certificate.
///
/// # Errors
///
/// A [`CertError`] naming the file or step that failed.
pub(crate) fn acceptor(
    files: Option<(&Path, &Path)>,
    hostname: &str,
) -> Result<SandboxTls, CertError> {
    let (chain, key) = match files {
        Some((cert, key)) => load(cert, key)?,
        None => generate(hostname)?,
    };
    // `load` and `generate` return at least one certificate.
    let certificate = Arc::new(chain[0].clone());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok(SandboxTls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        certificate,
    })
}

fn load(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), CertError> {
    let cert_error = |cause: String| CertError::Cert {
        path: cert.display().to_string(),
        cause,
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| cert_error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(e.to_string()))?;
    if chain.is_empty() {
        return Err(cert_error("no CERTIFICATE block in it".to_owned()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| CertError::Key {
        path: key.display().to_string(),
        cause: e.to_string(),
    })?;
    Ok((chain, key))
}

fn generate(
    hostname: &str,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), CertError> {
    let names = vec![
        hostname.to_owned(),
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let certified = rcgen::generate_simple_self_signed(names)?;
    let key = PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
    Ok((vec![certified.cert.der().clone()], key.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_and_loaded_certificates_make_acceptors() {
        let generated = acceptor(None, "sandbox.test").expect("a generated certificate");
        let again = acceptor(None, "sandbox.test").expect("another generated certificate");
        assert!(
            generated.certificate != again.certificate,
            "every start generates its own key and certificate"
        );

        let dir = std::env::temp_dir().join(format!("sandbox-cert-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let certified =
            rcgen::generate_simple_self_signed(vec!["x.test".to_owned()]).expect("generate");
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, certified.cert.pem()).expect("write");
        std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write");
        let loaded = acceptor(Some((&cert, &key)), "ignored").expect("loaded from PEM");
        assert!(
            *loaded.certificate == *certified.cert.der(),
            "the pinned certificate is the one in the file"
        );

        let Err(err) = acceptor(Some((&key, &cert)), "x") else {
            panic!("swapped files must be refused");
        };
        assert!(err.to_string().contains("key.pem"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
