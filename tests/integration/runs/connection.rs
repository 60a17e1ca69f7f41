//! Connection settings end to end: base URL forms, credentials, empty variables, proxies, TLS settings, redirects, HTML answers.

use super::*;

// ---- the base URL, end to end ----

#[test]
fn every_form_of_the_base_url_reaches_the_api() {
    let sb = sandbox();
    let base = sb.base_url(); // http://127.0.0.1:PORT/
    let root = base.trim_end_matches('/');
    let forms = [
        root.to_string(),
        base.clone(),
        format!("{root}/index.php"),
        format!("{root}/index.php?"),
        format!("{root}/index.php?/api/v2"),
        format!("{root}/index.php?/api/v2/"),
    ];
    for form in &forms {
        let user =
            json_of(
                cmd(&sb)
                    .env("TESTRAIL_URL", form)
                    .args(["run", "list", "--project-id", "1"]),
            );
        assert!(user.is_array(), "{form}");
    }
    for path in paths(&sb, "get_runs") {
        assert_eq!(path, "/index.php?/api/v2/get_runs/1");
    }
}

#[test]
fn a_sub_path_install_keeps_its_prefix() {
    let sb = sandbox_with(SandboxOptions {
        path_prefix: "/testrail".into(),
        ..SandboxOptions::default()
    });
    let base = sb.base_url();
    assert!(base.ends_with("/testrail/"), "{base}");
    for form in [base.clone(), format!("{base}index.php?/api/v2/")] {
        let out = cmd(&sb)
            .env("TESTRAIL_URL", &form)
            .args(["run", "list", "--project-id", "1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{form}: {}", stderr_of(&out));
    }
    assert!(
        paths(&sb, "get_runs")
            .iter()
            .all(|p| p.starts_with("/testrail/index.php?/api/v2/"))
    );
}

#[test]
fn a_wrong_path_in_the_base_url_gets_the_web_servers_404_and_the_hint() {
    let sb = sandbox();
    let root = sb.base_url().trim_end_matches('/').to_string();
    let out = cmd(&sb)
        .env("TESTRAIL_URL", format!("{root}/testrail/"))
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("404"), "{err}");
    assert!(err.contains("--url"), "{err}");
    assert_eq!(calls(&sb, "get_runs"), 0, "no API call reached the sandbox");
}

#[test]
fn an_html_page_instead_of_json_says_the_base_url_is_wrong() {
    let page = "<!DOCTYPE html><html><title>Login</title></html>";
    let server = FakeServer::start(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    ));
    let out = bare_cmd()
        .env("TESTRAIL_URL", &server.url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains("base URL is probably wrong") && err.contains("TESTRAIL_URL"),
        "{err}"
    );
}

#[test]
fn a_redirected_post_is_refused_not_followed() {
    let server = FakeServer::start(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://testrail.example/index.php?/api/v2/add_run/1\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
            .to_string(),
    );
    let out = bare_cmd()
        .env("TESTRAIL_URL", &server.url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k")
        .args(["run", "create", "--project-id", "1", "--case-ids", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("redirected POST add_run/1") && err.contains("https://"),
        "{err}"
    );
    assert!(err.contains("TESTRAIL_URL"), "{err}");
    assert_eq!(server.hits(), 1, "the redirect must not be followed");
    assert!(server.first_request().starts_with("POST "));
}

// ---- credentials and settings ----

#[test]
fn wrong_credentials_name_the_variables_to_check() {
    let sb = sandbox();
    let out = cmd(&sb)
        .env("TESTRAIL_API_KEY", "wrong")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("(HTTP 401): Authentication failed"), "{err}");
    assert!(
        err.contains("TESTRAIL_USER") && err.contains("TESTRAIL_API_KEY"),
        "{err}"
    );
}

#[test]
fn empty_environment_variables_count_as_unset() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1"]));
    for var in [
        "TESTRAIL_TIMEOUT",
        "TESTRAIL_SUITE_ID",
        "TESTRAIL_RETRIES",
        "TESTRAIL_RPM",
        "TESTRAIL_PROXY",
        "TESTRAIL_INSECURE",
        "TESTRAIL_DEADLINE",
    ] {
        let got = json_of(
            cmd(&sb)
                .env(var, "")
                .args(["run", "get", &id_of(&run).to_string()]),
        );
        assert_eq!(got["id"], run["id"], "{var}");
    }
    let out = cmd(&sb)
        .env("TESTRAIL_API_KEY", "")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("TESTRAIL_API_KEY"));
}

// ---- connection settings that need no TestRail ----

/// A fake server answering every request with one JSON document.
fn json_server(status: &str, body: &str) -> FakeServer {
    FakeServer::start(format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
}

fn fake_cmd(url: &str) -> assert_cmd::Command {
    let mut c = bare_cmd();
    c.env("TESTRAIL_URL", url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k3y-for-fakes");
    c
}

#[test]
fn an_unknown_api_method_points_at_the_url() {
    let server = json_server("404 Not Found", r#"{"error":"Unknown method 'get_run'"}"#);
    let out = fake_cmd(&server.url)
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains("(HTTP 404): Unknown method 'get_run'") && err.contains("unknown API method"),
        "{err}"
    );
    assert!(err.contains("TESTRAIL_URL"), "{err}");
}

#[test]
fn an_explicit_proxy_carries_the_requests() {
    let proxy = json_server("200 OK", r#"{"id": 7, "name": "via proxy"}"#);
    let run = json_of(
        fake_cmd("http://testrail.invalid/")
            .env("TESTRAIL_PROXY", proxy.url.trim_end_matches('/'))
            .args(["run", "get", "7"]),
    );
    assert_eq!(run["name"], "via proxy");
    let request = proxy.first_request();
    assert!(
        request.starts_with("GET http://testrail.invalid/index.php?/api/v2/get_run/7 "),
        "{request}"
    );
    assert!(
        request.contains("user-agent: testrail-report/")
            || request.contains("User-Agent: testrail-report/"),
        "{request}"
    );
}

#[test]
fn insecure_and_plain_http_settings_warn_loudly() {
    let sb = sandbox();
    let out = cmd(&sb)
        .env("TESTRAIL_INSECURE", "true")
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr_of(&out).contains("TLS certificates are NOT verified"),
        "{}",
        stderr_of(&out)
    );
    // The sandbox is on loopback: no plain-http warning there.
    assert!(!stderr_of(&out).contains("unencrypted"));

    // A non-loopback plain-http address warns before anything is sent.
    let out = fake_cmd("http://testrail.invalid/")
        .args(["--retries", "0", "run", "get", "1"])
        .output()
        .unwrap();
    assert!(
        stderr_of(&out).contains("plain http:// to testrail.invalid"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
}

#[test]
fn unusable_connection_files_are_usage_errors_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, "not a certificate").unwrap();
    for (var, value) in [
        ("TESTRAIL_CA_CERT", pem.display().to_string()),
        ("TESTRAIL_CA_CERT", "/no/such/ca.pem".into()),
    ] {
        let out = fake_cmd("https://testrail.invalid/")
            .env(var, &value)
            .args(["run", "get", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr_of(&out).contains("--ca-cert / TESTRAIL_CA_CERT"),
            "{}",
            stderr_of(&out)
        );
    }
    let out = fake_cmd("ftp://testrail.invalid/")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("TESTRAIL_URL"));
}

#[test]
fn verbose_traces_method_url_status_and_timing() {
    let sb = sandbox();
    let out = cmd(&sb)
        .args(["--verbose", "run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    let line = err
        .lines()
        .find(|l| l.contains("get_runs"))
        .expect("a trace line");
    assert!(
        line.starts_with(&format!(
            "testrail: GET {}index.php?/api/v2/get_runs/1 -> 200 (",
            sb.base_url()
        )),
        "{line}"
    );
    assert!(line.ends_with(" ms)"), "{line}");
    assert!(!err.to_ascii_lowercase().contains("authorization"), "{err}");
}
