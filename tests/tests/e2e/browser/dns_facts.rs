//! The DNS facts panel in the page, for the test zones served by dnsmasq
//! (`scripts/dns.sh`): the good domain's MX, SPF, DMARC, MTA-STS, TLS-RPT and TLSA are
//! found and explained, the broken domain's SPF over 10 lookups and its malformed DMARC
//! are flagged, in both languages; screenshots of the panel.

use anyhow::ensure;
use bridge::Config;
use e2e::browser::{Browser, within};
use e2e::page::Page;
use e2e::{dns_addr, start_bridge_with};

use super::{BUDGET, themed_screenshots};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dns_facts_of_the_good_and_the_broken_domain() -> anyhow::Result<()> {
    within(BUDGET * 2, facts()).await
}

/// Opens the DNS facts of `domain` from the connect form and waits for them.
async fn open_facts(page: &Page<'_>, domain: &str) -> anyhow::Result<()> {
    page.fill("#host", domain).await?;
    page.click("#dns").await?;
    page.wait_text(
        &format!(r#"#dns-facts[data-domain="{domain}"][data-state="loaded"] h2"#),
        domain,
    )
    .await?;
    Ok(())
}

/// `kind`'s status in the panel (`found`, `missing`, `broken`, `unknown`).
async fn status(page: &Page<'_>, kind: &str) -> anyhow::Result<Vec<String>> {
    let value = page
        .client()
        .execute(
            "return [...document.querySelectorAll(`#dns-facts li.fact[data-kind='${arguments[0]}']`)]
                 .map(li => li.dataset.status);",
            vec![serde_json::json!(kind)],
        )
        .await?;
    Ok(serde_json::from_value(value)?)
}

async fn facts() -> anyhow::Result<()> {
    let config = Config {
        dns_server: Some(dns_addr()),
        ..Config::default()
    };
    let (http, _handle) = start_bridge_with(config).await;
    Browser::run("browser-dns", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&format!("http://{http}/")).await?;
        page.leave_the_sandbox().await?;

        open_facts(&page, "good.playground.test").await?;
        for kind in ["mx", "spf", "dmarc", "mta_sts", "tls_rpt", "tlsa"] {
            let found = status(&page, kind).await?;
            ensure!(found == ["found"], "{kind}: {found:?}");
        }
        let values = page.texts("#dns-facts .values code").await?;
        ensure!(
            values.iter().any(|v| v.contains("mx.good.playground.test")),
            "the MX host: {values:?}"
        );
        ensure!(
            values.iter().any(|v| v.starts_with("v=DMARC1; p=reject")),
            "the DMARC record: {values:?}"
        );
        let spf = page
            .texts(r#"#dns-facts li.fact[data-kind="spf"] .finding"#)
            .await?;
        ensure!(
            spf.iter().any(|f| f.contains("10")),
            "the lookup count against 10: {spf:?}"
        );
        let about = page.texts("#dns-facts .about").await?;
        ensure!(
            about.len() == 6 && about.iter().all(|a| a.contains("RFC")),
            "{about:?}"
        );

        page.select("#lang", "zh-CN").await?;
        page.wait_text("#dns-facts h2", "的 DNS 信息").await?;
        let zh = page.texts("#dns-facts .about").await?;
        ensure!(
            zh.iter().all(|a| !a.is_ascii()),
            "explained in Chinese: {zh:?}"
        );
        themed_screenshots(
            browser,
            "browser-dns",
            &[
                ("en", "#dns-facts h2", "DNS facts of"),
                ("zh-CN", "#dns-facts h2", "的 DNS 信息"),
            ],
        )
        .await?;

        // The broken domain: too many SPF lookups and a malformed DMARC record.
        page.click("#dns-close").await?;
        open_facts(&page, "broken.playground.test").await?;
        ensure!(status(&page, "spf").await? == ["broken"], "SPF is broken");
        ensure!(
            status(&page, "dmarc").await? == ["broken"],
            "DMARC is broken"
        );
        let findings = page.texts("#dns-facts .finding.error").await?;
        ensure!(!findings.is_empty(), "the errors are explained");
        ensure!(
            findings.iter().any(|f| f.contains("10")),
            "the lookup limit is named: {findings:?}"
        );

        // A domain that does not exist has no MX and no mail records.
        page.click("#dns-close").await?;
        open_facts(&page, "nothing.playground.test").await?;
        let mx = status(&page, "mx").await?;
        ensure!(mx.len() == 1 && mx[0] != "found", "no MX: {mx:?}");
        ensure!(status(&page, "spf").await? != ["found"], "no SPF");
        Ok(())
    })
    .await
}
