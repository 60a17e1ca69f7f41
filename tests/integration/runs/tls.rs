//! TLS end to end: a private CA trusted with --ca-cert, an untrusted certificate failing at
//! once with a hint, and --insecure with its warning. The server is a few lines of
//! tokio-rustls answering every request with one run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");

/// An HTTPS server on 127.0.0.1 that answers `{"id": 1, "name": "over tls"}`.
struct TlsServer {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl TlsServer {
    fn start() -> TlsServer {
        let certs = CertificateDer::pem_file_iter(format!("{FIXTURES}/server.pem"))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).unwrap();
        let provider = tokio_rustls::rustls::crypto::ring::default_provider();
        let config = ServerConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("https://{}/", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else { continue };
                    counter.fetch_add(1, Ordering::SeqCst);
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                        let mut buf = vec![0u8; 8192];
                        let _ = tls.read(&mut buf).await;
                        let body = r#"{"id": 1, "name": "over tls"}"#;
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = tls.write_all(answer.as_bytes()).await;
                        let _ = tls.shutdown().await;
                    });
                }
            });
        });
        TlsServer { url, connections }
    }
}

fn https_cmd(server: &TlsServer) -> assert_cmd::Command {
    let mut c = bare_cmd();
    c.env("TESTRAIL_URL", &server.url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k3y-over-tls");
    c
}

#[test]
fn a_private_ca_is_trusted_with_ca_cert() {
    let server = TlsServer::start();
    let run = json_of(
        https_cmd(&server)
            .env("TESTRAIL_CA_CERT", format!("{FIXTURES}/ca.pem"))
            .args(["run", "get", "1"]),
    );
    assert_eq!(run["name"], "over tls");
}

#[test]
fn an_untrusted_certificate_fails_at_once_and_points_at_ca_cert() {
    let server = TlsServer::start();
    let out = https_cmd(&server)
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr_of(&out);
    assert!(
        err.contains("TLS certificate is not trusted") && err.contains("--ca-cert"),
        "{err}"
    );
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "no retries: they cannot help"
    );
}

#[test]
fn insecure_skips_verification_and_says_so() {
    let server = TlsServer::start();
    let out = https_cmd(&server)
        .args(["--insecure", "--output", "json", "run", "get", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("over tls"));
    assert!(stderr_of(&out).contains("NOT verified"));
}
