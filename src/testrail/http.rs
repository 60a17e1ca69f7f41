//! Building the HTTP client: TLS trust, proxy, timeouts, user agent, no redirects, and the
//! Basic credentials. Also the warnings for set-ups that expose the API key.

use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use reqwest::header::HeaderValue;

use super::url::BaseUrl;
use crate::config::ConnectionConfig;
use crate::error::usage;
use crate::secret::Secret;

/// The one HTTP client (connection pool) a `Client` and its clones share.
///
/// Redirects are never followed: an http→https redirect turns a POST into a GET, and the
/// write would be silently lost (see `ApiError::Redirect`).
pub fn client(cfg: &ConnectionConfig, base: &BaseUrl) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("testrail-report/", env!("CARGO_PKG_VERSION")))
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout.min(Duration::from_secs(30)))
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(cfg.insecure);
    if base.is_plain_http() && cfg.proxy.is_none() {
        // Nothing will speak TLS (redirects are refused), so skip parsing the system's whole
        // trust store: a few milliseconds of every run against a local or in-cluster server.
        builder = builder.tls_built_in_root_certs(false);
    }
    if let Some(path) = &cfg.ca_cert {
        for cert in read_certificates(path)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    if let Some(proxy) = &cfg.proxy {
        // reqwest's own error would quote the proxy URL, credentials and all.
        let proxy = reqwest::Proxy::all(proxy.expose()).map_err(|_| {
            usage("--proxy / TESTRAIL_PROXY is not a valid proxy URL (e.g. http://proxy:3128)")
        })?;
        builder = builder.proxy(proxy);
    }
    builder.build().context("cannot set up the HTTP client")
}

/// The `Authorization` header, marked sensitive so no debug output shows it.
pub fn basic_auth(user: &str, key: &Secret) -> anyhow::Result<HeaderValue> {
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", key.expose()));
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| usage("TESTRAIL_USER contains characters that cannot be sent"))?;
    value.set_sensitive(true);
    Ok(value)
}

fn read_certificates(path: &std::path::Path) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path).map_err(|e| {
        usage(format!(
            "cannot read --ca-cert / TESTRAIL_CA_CERT file {}: {e}",
            path.display()
        ))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
        usage(format!(
            "--ca-cert / TESTRAIL_CA_CERT file {} is not a PEM certificate bundle",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(usage(format!(
            "--ca-cert / TESTRAIL_CA_CERT file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// Warn on stderr about settings that expose the API key.
pub fn warn_about_security(base: &BaseUrl, cfg: &ConnectionConfig) {
    if cfg.insecure {
        eprintln!(
            "warning: --insecure / TESTRAIL_INSECURE is set: TLS certificates are NOT verified, so anyone \
             on the network path can read your API key and results. Use --ca-cert FILE instead."
        );
    }
    if base.is_plain_http() && !base.is_loopback() {
        eprintln!(
            "warning: --url / TESTRAIL_URL uses plain http:// to {}: your API key travels unencrypted. \
             Use the https:// address.",
            base.host()
        );
    }
}
