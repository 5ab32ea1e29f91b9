//! Connecting by domain in the page: the MX list of a domain served by the test DNS
//! server (dnsmasq, `scripts/dns.sh`) appears in the connect form while connecting, the
//! dead first MX is passed over and the live one is connected (and marked), another
//! listed host can be picked, and a null MX says the domain accepts no mail; both
//! languages.
//!
//! The bridge asks the test DNS server (`--dns-server`, from `SMTP_PLAYGROUND_DNS`) and
//! its sandbox listens on 127.0.0.2, the address of the zones' live MX hosts; the dead
//! MX, 127.0.0.31, has nothing listening.

use std::net::SocketAddr;

use anyhow::ensure;
use bridge::Config;
use bridge::sandbox::SandboxConfig;
use e2e::browser::{Browser, within};
use e2e::page::Page;
use e2e::{dns_addr, start_bridge_with};

use super::{BUDGET, themed_screenshots};

/// A bridge asking the test DNS server, its sandbox on 127.0.0.2; the page's URL and the
/// sandbox's port. The check of a domain (`server_check`) uses it too.
pub(super) async fn bridge() -> (String, u16, e2e::BridgeHandle) {
    let dns = dns_addr();
    let config = Config {
        dns_server: Some(dns),
        sandbox: Box::new(SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 2], 0)),
            ..SandboxConfig::default()
        }),
        ..Config::default()
    };
    let (http, handle) = start_bridge_with(config).await;
    let sandbox = e2e::sandbox::sandbox_address(http).await;
    (format!("http://{http}/"), sandbox.port(), handle)
}

/// Leaves the sandbox and connects to `domain` by MX at `port`.
async fn connect_by_mx(page: &Page<'_>, domain: &str, port: u16) -> anyhow::Result<()> {
    page.leave_the_sandbox().await?;
    page.fill("#host", domain).await?;
    page.click("#by-mx").await?;
    let port_now = page
        .client()
        .execute("return document.getElementById('port').value;", vec![])
        .await?;
    ensure!(
        port_now == "25",
        "the MX mode starts at port 25: {port_now}"
    );
    page.fill("#port", &port.to_string()).await?;
    page.click("#connect").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mx_list_shows_and_the_live_mx_is_connected() -> anyhow::Result<()> {
    within(BUDGET, two_mx()).await
}

async fn two_mx() -> anyhow::Result<()> {
    let (url, port, _handle) = bridge().await;
    Browser::run("browser-mx", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        connect_by_mx(&page, "two-mx.playground.test", port).await?;

        let hosts = page
            .wait_count("#mx-list li.mx-host", 2, "the two MX hosts")
            .await?;
        ensure!(
            hosts[0].contains("dead.two-mx"),
            "preference 10 first: {hosts:?}"
        );
        ensure!(hosts[1].contains("live.two-mx"), "{hosts:?}");
        let prefs = page.texts("#mx-list .mx-pref").await?;
        ensure!(prefs == ["10", "20"], "{prefs:?}");
        let addrs = page.texts("#mx-list .mx-addr code").await?;
        ensure!(
            addrs == ["127.0.0.31", "127.0.0.2"],
            "each host's address: {addrs:?}"
        );

        // The first answers nothing; the bridge goes on to the second, as a mail server would.
        page.wait_for_line(r#".line.server[data-code="220"]"#, "the live MX's greeting")
            .await?;
        let connected = page
            .wait_text(
                r#"#mx-list li.mx-host[data-connected="true"]"#,
                "live.two-mx",
            )
            .await?;
        ensure!(connected.contains("live.two-mx"), "{connected}");
        page.send_command("EHLO browser.example", 250).await?;

        page.select("#lang", "zh-CN").await?;
        page.wait_text("#mx-list h2", "邮件服务器").await?;
        page.wait_text(r#"#mx-list li.mx-host[data-connected="true"]"#, "已连接")
            .await?;
        themed_screenshots(
            browser,
            "browser-mx",
            &[
                ("en", "#mx-list h2", "Mail servers of"),
                ("zh-CN", "#mx-list h2", "的邮件服务器"),
            ],
        )
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_listed_host_can_be_picked_and_a_null_mx_is_explained() -> anyhow::Result<()> {
    within(BUDGET, pick_and_null()).await
}

async fn pick_and_null() -> anyhow::Result<()> {
    let (url, port, _handle) = bridge().await;
    Browser::run("browser-mx-pick", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        connect_by_mx(&page, "equal-mx.playground.test", port).await?;
        page.wait_count("#mx-list li.mx-host", 2, "the two equal MX hosts")
            .await?;
        page.wait_for_line(r#".line.server[data-code="220"]"#, "a greeting")
            .await?;
        let first = page
            .wait_text(r#"#mx-list li.mx-host[data-connected="true"]"#, "equal-mx")
            .await?;
        // Pick the other one: the page connects to it instead, by its name.
        page.click(r#"#mx-list li.mx-host[data-connected="false"] .mx-pick"#)
            .await?;
        let other = page
            .wait_text(r#"#mx-list li.mx-host[data-connected="true"]"#, "equal-mx")
            .await?;
        let name = |text: &str| {
            text.split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned()
        };
        ensure!(name(&first) != name(&other), "{first} then {other}");

        page.click("#disconnect").await?;
        page.wait_until_disconnected("the form to unlock").await?;
        page.fill("#host", "null-mx.playground.test").await?;
        page.click("#connect").await?;
        let null = page.wait_text("#mx-null", "accepts no mail").await?;
        ensure!(null.contains("RFC 7505"), "{null}");
        page.select("#lang", "zh-CN").await?;
        page.wait_text("#mx-null", "不接收任何邮件").await?;
        page.select("#lang", "en").await?;
        Ok(())
    })
    .await
}
