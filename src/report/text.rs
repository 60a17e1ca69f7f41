//! Turning raw report bytes into Rust strings: decoding (UTF-8 or Latin-1), XML escapes
//! (without any DTD: only the five predefined entities and character references), attribute
//! whitespace normalisation, and the per-field size cap.

use std::borrow::Cow;

use super::model::Text;
use super::notes::Notes;

/// The most text kept for one field (a failure body, system-out, a property value).
pub const TEXT_CAP: usize = 64 * 1024;

/// How the bytes between markup are encoded (UTF-16 input is transcoded before parsing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    /// UTF-8 (also ASCII and a UTF-16 declaration on bytes that are not UTF-16).
    Utf8,
    /// ISO-8859-1 / Windows-1252 / Latin-1: one byte per character.
    Latin1,
}

impl Enc {
    /// The encoding named by an XML declaration, or `None` when we cannot decode it.
    pub fn from_label(label: &str) -> Option<Enc> {
        let label = label.trim().to_ascii_lowercase();
        match label.as_str() {
            "utf-8" | "utf8" | "us-ascii" | "ascii" | "utf-16" | "utf-16le" | "utf-16be"
            | "unicode" => Some(Enc::Utf8),
            "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1"
            | "windows-1252" | "cp1252" | "iso-8859-15" | "latin9" => Some(Enc::Latin1),
            _ => None,
        }
    }

    /// Decode raw bytes; invalid UTF-8 becomes U+FFFD (the caller notes it once per file).
    pub fn decode<'a>(self, raw: &'a [u8], invalid: &mut bool) -> Cow<'a, str> {
        match self {
            Enc::Utf8 => match std::str::from_utf8(raw) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => {
                    *invalid = true;
                    String::from_utf8_lossy(raw)
                }
            },
            Enc::Latin1 if raw.is_ascii() => {
                Cow::Borrowed(std::str::from_utf8(raw).unwrap_or_default())
            }
            Enc::Latin1 => Cow::Owned(raw.iter().map(|&b| b as char).collect()),
        }
    }
}

/// Replace XML escapes. Unknown entities (a DTD is never read, so `&lol9;` or `&xxe;` cannot
/// be defined) are kept literally and flagged, so a hostile report neither expands nor leaks.
pub fn unescape<'a>(s: Cow<'a, str>, unknown: &mut bool) -> Cow<'a, str> {
    if !s.contains('&') {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 12);
        let replaced = end.and_then(|end| resolve(&rest[1..end]).map(|c| (c, end)));
        match replaced {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                *unknown = true;
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity or character reference (without `&` and `;`) stands for.
fn resolve(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            // `&#0;` and surrogates are not characters; keep the text readable instead.
            Some(
                char::from_u32(code)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{FFFD}'),
            )
        }
    }
}

/// XML attribute-value normalisation: a literal tab or line break becomes a space, while
/// `&#10;` (applied later by [`unescape`]) stays a line break.
pub fn normalize_attr(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        let replaced = s.replace("\r\n", " ");
        Cow::Owned(replaced.replace(['\t', '\n', '\r'], " "))
    } else {
        s
    }
}

/// How many bytes of `raw` to decode when at most about `room` can be kept: never cutting
/// a UTF-8 sequence or an entity reference in two (either would look like bad input).
pub fn keepable_prefix(raw: &[u8], room: usize, escaped: bool) -> usize {
    if raw.len() <= room {
        return raw.len();
    }
    let mut take = room;
    while take > 0 && (raw[take] & 0xC0) == 0x80 {
        take -= 1;
    }
    if escaped {
        let tail = &raw[take.saturating_sub(12)..take];
        if let Some(amp) = tail.iter().rposition(|&b| b == b'&') {
            if !tail[amp..].contains(&b';') {
                take = take.saturating_sub(12) + amp;
            }
        }
    }
    take
}

/// Text being collected for one field, never longer than [`TEXT_CAP`] bytes.
#[derive(Debug, Default)]
pub struct TextBuf {
    text: String,
    truncated: bool,
    /// Bytes of the report not kept (counted as read: before decoding and unescaping).
    cut: u64,
}

impl TextBuf {
    /// Room left before the cap.
    pub fn remaining(&self) -> usize {
        TEXT_CAP.saturating_sub(self.text.len())
    }

    /// Whether anything was dropped already (later text is skipped without decoding).
    pub fn is_full(&self) -> bool {
        self.truncated
    }

    /// Mark that `bytes` more of the original text were not kept.
    pub fn mark_cut(&mut self, bytes: u64) {
        self.truncated = true;
        self.cut += bytes;
    }

    /// Append the raw bytes of one text event, decoding only what can be kept (a 50 MB log
    /// costs no more than the cap); `dropped` bytes of it never reached the parser (see
    /// `report::bounded`).
    pub(crate) fn push_raw(
        &mut self,
        raw: &[u8],
        escaped: bool,
        dropped: u64,
        enc: Enc,
        notes: &mut Notes,
    ) {
        if self.is_full() {
            self.cut += raw.len() as u64 + dropped;
            return;
        }
        let take = keepable_prefix(raw, self.remaining() + 16, escaped);
        let mut decoded = enc.decode(&raw[..take], &mut notes.invalid_utf8);
        if escaped {
            decoded = unescape(decoded, &mut notes.unknown_entity);
        }
        self.push(decoded);
        let rest = (raw.len() - take) as u64 + dropped;
        if rest > 0 {
            self.mark_cut(rest);
        }
    }

    /// Append, cutting at a character boundary when the cap is reached. Owned text that
    /// starts the buffer is taken as it is: a failure body is usually one event, unescaped
    /// into a fresh string already.
    pub fn push<'a>(&mut self, s: impl Into<Cow<'a, str>>) {
        let s = s.into();
        let room = self.remaining();
        if s.len() <= room {
            match s {
                Cow::Owned(owned) if self.text.is_empty() => self.text = owned,
                s => self.text.push_str(&s),
            }
            return;
        }
        let mut cut = room;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&s[..cut]);
        self.mark_cut((s.len() - cut) as u64);
    }

    /// The collected text, trimmed in place when asked (bodies often are indented
    /// whitespace), and ending with [`cut_note`] when some was not kept.
    pub fn finish(self, trim: bool) -> Text {
        let mut text = self.text;
        if trim {
            text.truncate(text.trim_end().len());
            let start = text.len() - text.trim_start().len();
            text.drain(..start);
        }
        if self.cut > 0 {
            text.push('\n');
            text.push_str(&cut_note(self.cut));
        }
        Text {
            text,
            truncated: self.truncated,
        }
    }
}

/// The line that ends a text of which `bytes` were not kept.
pub fn cut_note(bytes: u64) -> String {
    format!("[… {bytes} bytes cut]")
}

/// `text` without its last line when that is a [`cut_note`], and that line.
pub fn split_cut_note(text: &str) -> (&str, Option<&str>) {
    let start = text.rfind('\n').map_or(0, |i| i + 1);
    let last = &text[start..];
    let is_note = last
        .strip_prefix("[… ")
        .and_then(|rest| rest.strip_suffix(" bytes cut]"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if is_note {
        (text[..start].trim_end_matches('\n'), Some(last))
    } else {
        (text, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn un(s: &str) -> (String, bool) {
        let mut unknown = false;
        let out = unescape(Cow::Borrowed(s), &mut unknown).into_owned();
        (out, unknown)
    }

    #[test]
    fn predefined_and_numeric_references_resolve() {
        assert_eq!(un("a &lt;b&gt; &amp; &quot;c&apos;").0, "a <b> & \"c'");
        assert_eq!(un("x&#10;y&#x41;&#13;").0, "x\nyA\r");
    }

    #[test]
    fn unknown_entities_stay_literal_and_are_flagged() {
        assert_eq!(un("&lol9;&xxe;"), ("&lol9;&xxe;".to_owned(), true));
        assert_eq!(un("a & b").0, "a & b");
        assert_eq!(un("&#0;").0, "\u{FFFD}");
    }

    #[test]
    fn attribute_line_breaks_become_spaces_but_references_survive() {
        let raw = normalize_attr(Cow::Borrowed("a\nb\tc&#10;d"));
        assert_eq!(un(&raw).0, "a b c\nd");
    }

    #[test]
    fn latin1_decodes_every_byte() {
        let mut bad = false;
        assert_eq!(Enc::Latin1.decode(b"caf\xe9", &mut bad), "café");
        assert!(!bad);
        assert_eq!(Enc::Utf8.decode(b"caf\xe9", &mut bad), "caf\u{FFFD}");
        assert!(bad);
    }

    #[test]
    fn text_is_cut_at_the_cap_on_a_char_boundary() {
        let mut buf = TextBuf::default();
        buf.push("a".repeat(TEXT_CAP - 1));
        buf.push("éé");
        let text = buf.finish(false);
        assert!(text.truncated);
        let (kept, note) = split_cut_note(&text.text);
        assert_eq!((kept.len(), note), (TEXT_CAP - 1, Some("[… 4 bytes cut]")));
    }

    #[test]
    fn pieces_join_and_trimming_keeps_inner_whitespace() {
        let mut buf = TextBuf::default();
        buf.push(Cow::Owned("\n  at a()\n".to_owned()));
        buf.push("  at b()\n\t");
        assert_eq!(buf.finish(true).text, "at a()\n  at b()");
        let mut buf = TextBuf::default();
        buf.push(" \u{e9} ");
        assert_eq!(buf.finish(false).text, " \u{e9} ");
    }

    #[test]
    fn raw_text_counts_what_the_parser_and_the_input_dropped() {
        let mut buf = TextBuf::default();
        let mut notes = Notes::default();
        buf.push_raw(
            &vec![b'a'; TEXT_CAP + 100],
            true,
            1000,
            Enc::Utf8,
            &mut notes,
        );
        buf.push_raw(b"more", true, 0, Enc::Utf8, &mut notes);
        let text = buf.finish(false);
        assert!(
            text.text.ends_with("\n[… 1104 bytes cut]"),
            "{}",
            &text.text[TEXT_CAP - 4..]
        );
        assert_eq!(split_cut_note(&text.text).0.len(), TEXT_CAP);
        assert_eq!(
            split_cut_note("a\n[… x bytes cut]"),
            ("a\n[… x bytes cut]", None)
        );
    }
}
