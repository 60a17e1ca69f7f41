//! Where a request goes. TestRail's API lives in the *query string* of its front controller:
//! `/index.php?/api/v2/<method>/<id>/<id>&key=value`. The query is parsed raw: a key=value
//! parser would turn `/api/v2/get_cases/1` into a key. A sandbox started with a path prefix
//! (`--path-prefix /testrail`, like a sub-path install) serves `/testrail/index.php` only;
//! any other path is a web server's 404, so a client with a wrong base URL finds out.

/// What a request addresses.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// An API call under `index.php?/api/v2/`.
    Api(ApiCall),
    /// The sandbox's own control endpoint, `/__sandbox/<rest>`.
    Control(String),
    /// A page of the web interface, `index.php?/<page>` (or the site root): read-only HTML.
    Page(String),
    /// A path outside the installation: the web server's 404.
    NotFound,
}

/// A parsed API call: method, slash-separated arguments and `&`-separated filters.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    pub method: String,
    pub args: Vec<String>,
    pub filters: Vec<(String, String)>,
}

impl ApiCall {
    /// The decoded value of a filter, if present.
    pub fn filter(&self, key: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The API path as `_links.next` writes it: `/api/v2/<method>/<args>`.
    pub fn api_path(&self) -> String {
        let mut path = format!("/api/v2/{}", self.method);
        for arg in &self.args {
            path.push('/');
            path.push_str(arg);
        }
        path
    }
}

/// Classify a request by its URI path and raw query string, for an installation under
/// `prefix` (`""` for the site root, else `/testrail` without a trailing slash).
pub fn classify(prefix: &str, path: &str, query: Option<&str>) -> Target {
    if let Some(rest) = path.strip_prefix("/__sandbox/") {
        return Target::Control(rest.trim_end_matches('/').to_owned());
    }
    let Some(local) = path.strip_prefix(prefix) else {
        return Target::NotFound;
    };
    match local {
        "" | "/" => Target::Page(String::new()),
        "/index.php" => match query.and_then(|q| q.strip_prefix("/api/v2/")) {
            Some(api) => Target::Api(parse_api(api)),
            None => Target::Page(query.unwrap_or_default().trim_start_matches('/').to_owned()),
        },
        _ => Target::NotFound,
    }
}

/// Parse `<method>/<args>&k=v&k=v` (the part after `/api/v2/`).
fn parse_api(api: &str) -> ApiCall {
    let (head, tail) = api.split_once('&').unwrap_or((api, ""));
    let mut parts = head.split('/').filter(|p| !p.is_empty());
    let method = parts.next().unwrap_or_default().to_owned();
    let args = parts.map(percent_decode).collect();
    let filters = tail
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    ApiCall {
        method,
        args,
        filters,
    }
}

/// Decode `%XX` escapes and `+` (form-style space); invalid escapes are kept literally.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(path: &str, query: &str) -> ApiCall {
        match classify("", path, Some(query)) {
            Target::Api(call) => call,
            other => panic!("not an API call: {other:?}"),
        }
    }

    #[test]
    fn method_args_and_filters_come_from_the_raw_query() {
        let call = api(
            "/index.php",
            "/api/v2/get_cases/1&suite_id=2&filter=a%20b+c",
        );
        assert_eq!(call.method, "get_cases");
        assert_eq!(call.args, vec!["1"]);
        assert_eq!(call.filter("suite_id"), Some("2"));
        assert_eq!(call.filter("filter"), Some("a b c"));
        assert_eq!(call.api_path(), "/api/v2/get_cases/1");
    }

    #[test]
    fn two_path_arguments_and_no_filters() {
        let call = api("/index.php", "/api/v2/get_results_for_case/4/7");
        assert_eq!(call.args, vec!["4", "7"]);
        assert!(call.filters.is_empty());
    }

    #[test]
    fn a_subpath_install_serves_only_its_own_prefix() {
        let query = Some("/api/v2/get_projects");
        match classify("/testrail", "/testrail/index.php", query) {
            Target::Api(call) => assert_eq!(call.method, "get_projects"),
            other => panic!("not an API call: {other:?}"),
        }
        assert_eq!(classify("/testrail", "/index.php", query), Target::NotFound);
        assert_eq!(classify("", "/testrail/index.php", query), Target::NotFound);
        assert_eq!(
            classify("/testrail", "/testrailx/index.php", query),
            Target::NotFound
        );
    }

    #[test]
    fn other_paths_are_pages_control_or_not_found() {
        assert_eq!(classify("", "/", None), Target::Page(String::new()));
        assert_eq!(classify("", "/api/v2/get_run/1", None), Target::NotFound);
        assert_eq!(
            classify("", "/index.php", Some("/runs/view/1")),
            Target::Page("runs/view/1".into())
        );
        assert_eq!(
            classify("", "/__sandbox/faults", None),
            Target::Control("faults".into())
        );
    }

    #[test]
    fn bad_escapes_survive_decoding() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
