//! The base address and every URL built from it.
//!
//! TestRail's API lives in the *query string* of its front controller:
//! `<root>/index.php?/api/v2/<method>/<ids>&filter=value`. Users paste the address in many
//! forms (`https://host`, `https://host/sub/`, `…/index.php?/api/v2/`), so we reduce every form
//! to the root and build URLs as plain strings: an HTTP library's query encoder would turn the
//! `/` of the API path into `%2F`, and TestRail would answer 404.

use std::fmt::Write as _;

use crate::error::usage;

/// The normalised installation root, e.g. `https://example.testrail.io` or `http://host/testrail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    root: String,
}

impl BaseUrl {
    /// Normalise any accepted form of the address; the error names `--url` / `TESTRAIL_URL`.
    pub fn parse(input: &str) -> anyhow::Result<BaseUrl> {
        let trimmed = input.trim();
        let lower = trimmed.to_ascii_lowercase();
        let scheme_len = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(usage(format!(
                "--url / TESTRAIL_URL must start with https:// (got {:?}), e.g. https://example.testrail.io",
                trimmed
            )));
        };
        let mut root = trimmed.split('#').next().unwrap_or_default().to_string();
        // Everything from the front controller on is ours to add again.
        let after_scheme = &lower[scheme_len..];
        if let Some(pos) = after_scheme.find("/index.php") {
            root.truncate(scheme_len + pos);
        } else if let Some(pos) = after_scheme.find('?') {
            root.truncate(scheme_len + pos);
        }
        while root.len() > scheme_len && root.ends_with('/') {
            root.pop();
        }
        let authority = root[scheme_len..].split('/').next().unwrap_or_default();
        if authority.contains('@') {
            // Never echo the address here: the part before '@' is a credential.
            return Err(usage(
                "--url / TESTRAIL_URL contains credentials (user:password@host); remove them and \
                 use TESTRAIL_USER and TESTRAIL_API_KEY instead",
            ));
        }
        if authority.is_empty() {
            return Err(usage(format!(
                "--url / TESTRAIL_URL has no host name (got {trimmed:?})"
            )));
        }
        Ok(BaseUrl { root })
    }

    /// The root without a trailing slash.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The host part (without port), for the plain-http warning.
    pub fn host(&self) -> &str {
        let rest = self.root.split_once("://").map_or("", |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or_default();
        if let Some(v6) = authority.strip_prefix('[') {
            return v6.split(']').next().unwrap_or_default();
        }
        authority.split(':').next().unwrap_or_default()
    }

    /// Whether requests travel unencrypted.
    pub fn is_plain_http(&self) -> bool {
        self.root.to_ascii_lowercase().starts_with("http://")
    }

    /// Whether the host is this machine (plain http is fine there).
    pub fn is_loopback(&self) -> bool {
        let host = self.host().to_ascii_lowercase();
        host == "localhost"
            || host == "::1"
            || host.ends_with(".localhost")
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// `<root>/index.php?/api/v2/<endpoint><filters>`; `endpoint` is e.g. `get_run/5`.
    pub fn api(&self, endpoint: &str, filters: &Filters) -> String {
        format!(
            "{}/index.php?/api/v2/{endpoint}{}",
            self.root,
            filters.as_str()
        )
    }

    /// The absolute URL for a `_links.next` value such as `/api/v2/get_runs/1&offset=250`.
    ///
    /// TestRail makes these links relative to the API root *without* `index.php?`. An
    /// absolute link is followed only on our own scheme, host and port: every request carries
    /// the API key, so a link to anywhere else would hand it over. The error names the host.
    pub fn link(&self, next: &str) -> Result<String, String> {
        let next = next.trim();
        let lower = next.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || next.starts_with("//") {
            let theirs = origin(next);
            if theirs != origin(&self.root) {
                return Err(format!(
                    "the next page's link points at {} ({}), not at --url's {}; not followed, \
                     so the API key is not sent there",
                    theirs.1,
                    theirs.0,
                    self.host()
                ));
            }
            return Ok(next.to_string());
        }
        let path = next
            .trim_start_matches("index.php?")
            .trim_start_matches('/');
        Ok(format!("{}/index.php?/{path}", self.root))
    }

    /// The web page of a run, as TestRail prints it in `url` fields.
    pub fn run_url(&self, run_id: u64) -> String {
        format!("{}/index.php?/runs/view/{run_id}", self.root)
    }
}

/// The scheme and `host:port` of an absolute URL, lower-cased, the port made explicit.
fn origin(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("//").unwrap_or(("", url));
    let scheme = scheme.trim_end_matches(':').to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Whatever precedes '@' is userinfo, not the host a request goes to.
    let host_port = authority
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has_port = match host_port.rfind(']') {
        Some(end) => host_port[end..].contains(':'),
        None => host_port.contains(':'),
    };
    if has_port {
        return (scheme, host_port);
    }
    let port = if scheme == "http" { 80 } else { 443 };
    (scheme, format!("{host_port}:{port}"))
}

/// Filters appended to an API URL as `&key=value`, encoded once, here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters(String);

impl Filters {
    /// No filters.
    pub fn new() -> Self {
        Filters(String::new())
    }

    /// Add `&key=value`, percent-encoding the value.
    pub fn add(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        let _ = write!(self.0, "&{key}={}", encode(&value.to_string()));
        self
    }

    /// Add the filter when a value is present.
    pub fn opt(self, key: &str, value: Option<impl std::fmt::Display>) -> Self {
        match value {
            Some(v) => self.add(key, v),
            None => self,
        }
    }

    /// Add a comma-separated list when it is not empty (TestRail's list syntax: `4,5`).
    pub fn list(self, key: &str, values: &[u64]) -> Self {
        if values.is_empty() {
            return self;
        }
        let joined: Vec<String> = values.iter().map(u64::to_string).collect();
        self.add(key, joined.join(","))
    }

    /// Add a boolean as TestRail's `1`/`0`.
    pub fn flag(self, key: &str, value: Option<bool>) -> Self {
        self.opt(key, value.map(u8::from))
    }

    /// The encoded `&k=v…` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters and the list comma.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~,".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_form_normalises_to_the_same_api_url() {
        let forms = [
            "https://host",
            "https://host/",
            "https://host/index.php",
            "https://host/index.php?",
            "https://host/index.php?/api/v2",
            "https://host/index.php?/api/v2/",
            "  https://host//  ",
        ];
        for form in forms {
            let base = BaseUrl::parse(form).unwrap();
            assert_eq!(
                base.api("get_run/5", &Filters::new()),
                "https://host/index.php?/api/v2/get_run/5",
                "form {form:?}"
            );
        }
    }

    #[test]
    fn sub_path_installs_keep_their_path() {
        for form in [
            "https://host/sub",
            "https://host/sub/",
            "https://host/sub/index.php?/api/v2/",
            "https://host/sub/INDEX.PHP",
        ] {
            let base = BaseUrl::parse(form).unwrap();
            assert_eq!(base.root(), "https://host/sub", "form {form:?}");
        }
    }

    #[test]
    fn rejects_other_schemes_and_credentials_without_echoing_them() {
        let err = BaseUrl::parse("host.example").unwrap_err().to_string();
        assert!(err.contains("TESTRAIL_URL"), "{err}");
        let err = BaseUrl::parse("https://me:s3cr3t@host/")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("TESTRAIL_API_KEY") && !err.contains("s3cr3t"),
            "{err}"
        );
        assert!(BaseUrl::parse("https:///index.php").is_err());
    }

    #[test]
    fn filters_use_ampersands_and_encode_values_once() {
        let f = Filters::new()
            .list("suite_id", &[1, 2])
            .flag("is_completed", Some(false))
            .opt("refs_filter", Some("JIRA-1 & b/c"))
            .opt("limit", None::<u32>);
        let url = BaseUrl::parse("https://h").unwrap().api("get_runs/3", &f);
        assert_eq!(
            url,
            "https://h/index.php?/api/v2/get_runs/3&suite_id=1,2&is_completed=0&refs_filter=JIRA-1%20%26%20b%2Fc"
        );
        assert_eq!(url.matches('?').count(), 1);
    }

    #[test]
    fn next_links_are_re_prefixed_with_the_front_controller() {
        let base = BaseUrl::parse("https://h/sub/").unwrap();
        assert_eq!(
            base.link("/api/v2/get_runs/1&limit=250&offset=250")
                .unwrap(),
            "https://h/sub/index.php?/api/v2/get_runs/1&limit=250&offset=250"
        );
    }

    #[test]
    fn absolute_next_links_must_keep_scheme_host_and_port() {
        let base = BaseUrl::parse("https://h.example/sub").unwrap();
        let same = "https://H.example:443/sub/index.php?/api/v2/get_runs/1&offset=250";
        assert_eq!(base.link(same).unwrap(), same);
        for (link, host) in [
            (
                "https://evil.example/index.php?/api/v2/x",
                "evil.example:443",
            ),
            ("http://h.example/sub/index.php?/api/v2/x", "h.example:80"),
            (
                "https://h.example:8443/sub/index.php?/api/v2/x",
                "h.example:8443",
            ),
            ("https://h.example@evil.example/x", "evil.example:443"),
            ("//evil.example/x", "evil.example:443"),
        ] {
            let err = base.link(link).unwrap_err();
            assert!(
                err.contains(host) && err.contains("h.example"),
                "{link}: {err}"
            );
        }
    }

    #[test]
    fn loopback_detection_for_the_plain_http_warning() {
        for (url, lo) in [
            ("http://127.0.0.1:8080/", true),
            ("http://localhost/", true),
            ("http://[::1]:9/", true),
            ("http://testrail.corp/", false),
        ] {
            let base = BaseUrl::parse(url).unwrap();
            assert!(base.is_plain_http());
            assert_eq!(base.is_loopback(), lo, "{url}");
        }
        assert_eq!(
            BaseUrl::parse("https://h").unwrap().run_url(7),
            "https://h/index.php?/runs/view/7"
        );
    }
}
