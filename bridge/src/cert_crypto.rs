//! A certificate's cryptography in words: its public key (`RSA 2048`, `EC P-256`,
//! `Ed25519`) and the algorithm its issuer signed it with. The check grades both
//! (protocol's scorecard); this only reads them from the DER.

use x509_parser::certificate::X509Certificate;
use x509_parser::public_key::PublicKey;

/// The named elliptic curves, by OID (RFC 5480 2.1.1.1).
const CURVES: [(&str, &str); 4] = [
    ("1.2.840.10045.3.1.7", "P-256"),
    ("1.3.132.0.34", "P-384"),
    ("1.3.132.0.35", "P-521"),
    ("1.3.132.0.10", "secp256k1"),
];

/// Signature algorithms the OID registry does not name (RFC 3279 2.2.3).
const SIGNATURES: [(&str, &str); 1] = [("1.2.840.10045.4.1", "ecdsa-with-SHA1")];

/// The public key's algorithm and size; empty when the bridge cannot tell.
pub(crate) fn key(cert: &X509Certificate<'_>) -> String {
    let spki = cert.public_key();
    let algorithm = spki.algorithm.algorithm.to_id_string();
    match algorithm.as_str() {
        "1.3.101.112" => return "Ed25519".to_owned(),
        "1.3.101.113" => return "Ed448".to_owned(),
        _ => {}
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", bits(rsa.modulus)),
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string())
                .unwrap_or_default();
            let name = CURVES
                .iter()
                .find(|(oid, _)| *oid == curve)
                .map_or(curve.as_str(), |(_, name)| name);
            format!("EC {name}")
        }
        Ok(PublicKey::DSA(y)) => format!("DSA {}", bits(y)),
        _ => String::new(),
    }
}

/// The signature algorithm's short name (`sha256WithRSAEncryption`), or its OID when
/// the bridge does not know the name.
pub(crate) fn signature(cert: &X509Certificate<'_>) -> String {
    let oid = &cert.signature_algorithm.algorithm;
    if let Ok(name) = x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry()) {
        return name.to_owned();
    }
    let oid = oid.to_id_string();
    SIGNATURES
        .iter()
        .find(|(known, _)| *known == oid)
        .map_or(oid, |(_, name)| (*name).to_owned())
}

/// The size in bits of a big-endian unsigned integer (leading zero bytes and bits do
/// not count).
fn bits(integer: &[u8]) -> usize {
    let significant: &[u8] = match integer.iter().position(|b| *b != 0) {
        Some(first) => &integer[first..],
        None => return 0,
    };
    significant.len() * 8 - significant[0].leading_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(der: &[u8]) -> X509Certificate<'_> {
        x509_parser::parse_x509_certificate(der).expect("parses").1
    }

    #[test]
    fn a_generated_p256_certificate_is_described() {
        let certified =
            rcgen::generate_simple_self_signed(vec!["mx.example".to_owned()]).expect("generate");
        let cert = parse(certified.cert.der());
        assert_eq!(key(&cert), "EC P-256");
        assert_eq!(signature(&cert), "ecdsa-with-SHA256");
    }

    #[test]
    fn an_rsa_1024_sha1_certificate_is_described() {
        // Made by `openssl req -x509 -newkey rsa:1024 -sha1`: what the check must fail.
        let pem = include_bytes!("../testdata/rsa1024-sha1.pem");
        let (_, pem) = x509_parser::pem::parse_x509_pem(pem).expect("pem");
        let cert = parse(&pem.contents);
        assert_eq!(key(&cert), "RSA 1024");
        assert_eq!(signature(&cert), "sha1WithRSAEncryption");
    }

    #[test]
    fn bits_ignore_leading_zeros() {
        assert_eq!(bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bits(&[0x01, 0xff]), 9);
        assert_eq!(bits(&[0, 0]), 0);
        assert_eq!(bits(&[]), 0);
    }
}
