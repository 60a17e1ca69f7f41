//! A successful answer's body, decoded straight into the type the caller asks for.
//!
//! Decoding through a `serde_json::Value` first cost more CPU than building the upload:
//! every `add_results_for_cases` echoes each result it stored, comments included, and turning
//! that echo into a tree of maps only to read one ID per result dominated a 10,000-result
//! submit. Callers that want the tree ask for `Value`.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::error::{ApiError, excerpt};
use super::retry::Verb;

/// Some old servers put this line before the JSON.
const LEGACY_PREFIX: &str = "USER AUTHENTICATION SUCCESSFUL!";

/// The body of a 2xx answer, not yet decoded.
#[derive(Debug)]
pub struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    /// Keep a 2xx body, without the legacy prefix some servers add.
    pub fn new(status: u16, mut body: Vec<u8>) -> Answer {
        if body.starts_with(LEGACY_PREFIX.as_bytes()) {
            body.drain(..LEGACY_PREFIX.len());
        }
        Answer { status, body }
    }

    /// Decode into `T`. An empty body (`delete_run` answers one) decodes as JSON `null`; a
    /// body that is not JSON at all is `NotJson` (usually a login page: wrong base URL);
    /// JSON of the wrong shape is `Shape`.
    pub fn decode<'a, T: Deserialize<'a>>(
        &'a self,
        verb: Verb,
        endpoint: &str,
    ) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return T::deserialize(Value::Null)
                .map_err(|e| shape_error(verb, endpoint, e.to_string()));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            // Only on failure: is it JSON of another shape, or not JSON at all?
            if serde_json::from_slice::<IgnoredAny>(&self.body).is_ok() {
                shape_error(verb, endpoint, e.to_string())
            } else {
                ApiError::NotJson {
                    verb: verb.as_str(),
                    endpoint: endpoint.into(),
                    status: self.status,
                    excerpt: excerpt(&self.body),
                }
            }
        })
    }
}

/// An answer that is JSON but not the shape the method promises.
pub fn shape_error(verb: Verb, endpoint: &str, detail: String) -> ApiError {
    ApiError::Shape {
        verb: verb.as_str(),
        endpoint: endpoint.into(),
        detail: super::error::clean(&detail, super::error::MAX_ERROR_TEXT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Id {
        id: u64,
    }

    fn answer(body: &[u8]) -> Answer {
        Answer::new(200, body.to_vec())
    }

    #[test]
    fn empty_and_legacy_bodies_decode() {
        let empty: Value = answer(b"").decode(Verb::Post, "delete_run/1").unwrap();
        assert_eq!(empty, Value::Null);
        let legacy: Id = answer(b"USER AUTHENTICATION SUCCESSFUL!\n{\"id\":1}")
            .decode(Verb::Get, "get_run/1")
            .unwrap();
        assert_eq!(legacy, Id { id: 1 });
    }

    #[test]
    fn a_login_page_is_not_json_and_a_wrong_object_is_a_shape_error() {
        let err = answer(b"<!DOCTYPE html><title>Login</title>")
            .decode::<Id>(Verb::Get, "get_run/1")
            .unwrap_err();
        assert!(
            matches!(err, ApiError::NotJson { status: 200, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("base URL is probably wrong"),
            "{err}"
        );
        let err = answer(b"{\"name\":\"x\"}")
            .decode::<Id>(Verb::Get, "get_run/1")
            .unwrap_err();
        assert!(matches!(err, ApiError::Shape { .. }), "{err:?}");
        let err = answer(b"")
            .decode::<Id>(Verb::Get, "get_run/1")
            .unwrap_err();
        assert!(matches!(err, ApiError::Shape { .. }), "{err:?}");
    }
}
