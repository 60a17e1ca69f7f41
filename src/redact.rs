//! The one function that blanks credentials out of text we print or write.
//!
//! `Secret` keeps the key out of our own formatting, but text from elsewhere can carry it
//! back in: a proxy or debug page whose error body echoes the request's headers holds the
//! `Basic` token (and, decoded, `user:key`). So every form of each credential is registered
//! once, where the credentials are known (`Transport::new`), and [`text`] is applied at the
//! edges: error rendering, the `--verbose` trace, stdout summaries and every file we write.

use std::sync::RwLock;

use base64::Engine as _;

/// Every credential form registered so far.
static FORMS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// What a credential is replaced with.
pub const MASK: &str = "[redacted]";

/// Shorter values are not blanked: they would mangle ordinary words and hide nothing.
const MIN_LEN: usize = 4;

/// Register the API key in every form a server could echo: raw, `user:key`, and the Basic
/// token (base64 of `user:key`, with and without padding).
pub fn register_login(user: &str, key: &str) {
    if key.len() < MIN_LEN {
        return;
    }
    let pair = format!("{user}:{key}");
    let token = base64::engine::general_purpose::STANDARD.encode(&pair);
    let unpadded = token.trim_end_matches('=').to_string();
    register(&[key.to_string(), pair, token, unpadded]);
}

/// Register other secret values (e.g. a proxy URL with a password).
pub fn register(values: &[String]) {
    let Ok(mut forms) = FORMS.write() else {
        return;
    };
    for value in values.iter().filter(|v| v.len() >= MIN_LEN) {
        if !forms.contains(value) {
            forms.push(value.clone());
        }
    }
    // Longest first, so `user:key` is blanked whole rather than leaving `user:` behind.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
}

/// `text` with every registered credential form replaced by [`MASK`].
pub fn text(text: &str) -> String {
    let Ok(forms) = FORMS.read() else {
        return text.to_string();
    };
    forms
        .iter()
        .fold(text.to_string(), |t, form| t.replace(form.as_str(), MASK))
}

/// At most `max` bytes of `text` (on a character boundary), marking the cut: a server's
/// error body is evidence, not a payload, and a 50 MB one must not become a 50 MB message.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} more bytes not shown)",
        &text[..end],
        text.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_login_is_blanked() {
        register_login("who@example.com", "Q7-redact-unit-key");
        let token =
            base64::engine::general_purpose::STANDARD.encode("who@example.com:Q7-redact-unit-key");
        let leaky = format!(
            "Authorization: Basic {token}\nraw Q7-redact-unit-key\npair who@example.com:Q7-redact-unit-key"
        );
        let clean = text(&leaky);
        assert!(!clean.contains("Q7-redact-unit-key"), "{clean}");
        assert!(!clean.contains(token.trim_end_matches('=')), "{clean}");
        assert!(clean.contains("Basic [redacted]"), "{clean}");
        assert_eq!(text("nothing secret"), "nothing secret");
    }

    #[test]
    fn cap_cuts_on_a_character_boundary_and_says_so() {
        assert_eq!(cap("short", 10), "short");
        let long = "é".repeat(100);
        let cut = cap(&long, 11);
        assert!(cut.starts_with(&"é".repeat(5)), "{cut}");
        assert!(cut.ends_with("(190 more bytes not shown)"), "{cut}");
    }
}
