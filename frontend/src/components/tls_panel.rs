//! The TLS facts the bridge reported: version, cipher, whether the certificate verified,
//! and the server certificate's subject, issuer, names, validity, key and signature.

use std::rc::Rc;

use protocol::lang::Lang;
use protocol::wire::TlsInfo;
use yew::prelude::*;

use crate::i18n;

/// Props of [`TlsPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct TlsPanelProps {
    /// What the bridge said.
    pub info: Rc<TlsInfo>,
    /// The language.
    pub lang: Lang,
}

/// See the module documentation.
#[component]
pub fn TlsPanel(props: &TlsPanelProps) -> Html {
    let ui = i18n::ui(props.lang);
    let info = &props.info;
    let f = ui.tls_fields;
    let verified = match (&info.verify_error, info.verified) {
        (_, true) if info.sandbox_certificate => i18n::sandbox_certificate(props.lang).to_owned(),
        (_, true) => ui.yes_no[0].to_owned(),
        // The reason is the bridge's (rustls') English: shown in English only.
        (Some(why), false) if props.lang == Lang::En => format!("{}: {why}", ui.yes_no[1]),
        (_, false) => ui.yes_no[1].to_owned(),
    };
    let cert = info.certificates.first();
    let row = |label: &str, value: String| {
        html! { <tr><th scope="row">{ label.to_owned() }</th><td>{ value }</td></tr> }
    };
    html! {
        <section id="tls-panel" class={classes!(
            "panel",
            "tls",
            (!info.verified).then_some("unverified"),
            info.sandbox_certificate.then_some("sandbox-certificate")
        )}>
            <h2>{ ui.tls_title }</h2>
            <table>
                { row(f[0], info.version.clone()) }
                { row(f[1], info.cipher.clone()) }
                { row(f[2], verified) }
                if let Some(cert) = cert {
                    { row(f[3], cert.subject.clone()) }
                    { row(f[4], cert.issuer.clone()) }
                    { row(f[5], cert.sans.join(", ")) }
                    { row(f[6], format!("{} – {}", cert.not_before, cert.not_after)) }
                    { row(f[7], cert.key.clone()) }
                    { row(f[8], cert.signature.clone()) }
                }
            </table>
        </section>
    }
}
