//! HTTP Basic authentication, checked on every API call like TestRail does: the username is
//! the login e-mail, the password the API key. Failures get TestRail's exact 401 text.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// TestRail's answer to a missing or wrong `Authorization` header.
pub const AUTH_FAILED: &str =
    "Authentication failed: invalid or missing user/password or session cookie.";

/// Whether the request carries Basic credentials for `user` / `api_key`.
pub fn is_authorized(headers: &HeaderMap, user: &str, api_key: &str) -> bool {
    credentials(headers).is_some_and(|(u, k)| u == user && k == api_key)
}

/// The user and password of a Basic `Authorization` header.
fn credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, key) = text.split_once(':')?;
    Some((user.to_owned(), key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn accepts_only_the_configured_pair() {
        let good = format!("Basic {}", STANDARD.encode("u@x.com:key"));
        assert!(is_authorized(&headers(&good), "u@x.com", "key"));
        assert!(!is_authorized(&headers(&good), "u@x.com", "other"));
        assert!(!is_authorized(&headers("Bearer abc"), "u@x.com", "key"));
        assert!(!is_authorized(&HeaderMap::new(), "u@x.com", "key"));
    }
}
