//! The attributes of a start tag, read in one pass per value. quick-xml's iterator finds the
//! closing quote and leaves `<` checks, the escape test and UTF-8 validation to three more
//! passes; with three attributes on every testcase this is the reader's hottest loop.
//!
//! Syntax is accepted and rejected exactly as quick-xml's XML mode does without duplicate
//! checks, and errors are its own [`AttrError`]s, so messages do not change.

use quick_xml::events::BytesStart;
use quick_xml::events::attributes::AttrError;

/// One attribute with its value still raw (undecoded, escapes in place).
#[derive(Debug, Clone, Copy)]
pub struct RawAttr<'a> {
    /// The attribute name as written (with any prefix).
    pub key: &'a [u8],
    /// The bytes between the quotes.
    pub value: &'a [u8],
    /// The value as text when it is its own text: printable ASCII without `&`, with nothing
    /// to decode, normalise or unescape.
    pub plain: Option<&'a str>,
}

/// Why an attribute cannot be read.
#[derive(Debug)]
pub enum BadAttr<'a> {
    /// Not `key="value"` or `key='value'` (positions count from the tag's `<` + 1).
    Syntax(AttrError),
    /// A `<` in a value, which XML forbids; lenient parsers accept `time="<<computed>>"`,
    /// which hides a broken report writer. Holds the whole value.
    LessThan(&'a [u8]),
}

/// Iterator over the attributes of one start tag; stops after the first error.
pub struct Attrs<'a> {
    tag: &'a [u8],
    /// The whole tag as text, when it is UTF-8: validating it once costs less than validating
    /// each short value on its own.
    text: Option<&'a str>,
    pos: usize,
}

impl<'a> Attrs<'a> {
    /// The attributes of `e`, in document order.
    pub fn new(e: &'a BytesStart<'a>) -> Attrs<'a> {
        let tag: &[u8] = e;
        Attrs {
            tag,
            text: std::str::from_utf8(tag).ok(),
            pos: e.name().as_ref().len(),
        }
    }

    fn skip_space(&self, mut i: usize) -> usize {
        while i < self.tag.len() && is_space(self.tag[i]) {
            i += 1;
        }
        i
    }

    fn fail(&mut self, err: AttrError) -> Option<Result<RawAttr<'a>, BadAttr<'a>>> {
        self.pos = self.tag.len();
        Some(Err(BadAttr::Syntax(err)))
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<RawAttr<'a>, BadAttr<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let tag = self.tag;
        let len = tag.len();
        let start = self.skip_space(self.pos);
        if start == len {
            self.pos = len;
            return None;
        }
        // Like quick-xml, the first byte of a key is taken whatever it is (even `=`).
        let mut i = start + 1;
        while i < len && tag[i] != b'=' && !is_space(tag[i]) {
            i += 1;
        }
        let key = &tag[start..i];
        if i < len && tag[i] != b'=' {
            i = self.skip_space(i);
            if i < len && tag[i] != b'=' {
                return self.fail(AttrError::ExpectedEq(i));
            }
        }
        if i == len {
            return self.fail(AttrError::ExpectedEq(len));
        }
        i = self.skip_space(i + 1);
        let quote = match tag.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return self.fail(AttrError::UnquotedValue(i)),
            None => return self.fail(AttrError::ExpectedValue(len)),
        };
        let rest = &tag[i + 1..];
        let Some(end) = memchr::memchr(quote, rest) else {
            return self.fail(AttrError::ExpectedQuote(len, quote));
        };
        let value = &rest[..end];
        let span = i + 1..i + 1 + end;
        self.pos = span.end + 1;
        // No early exit, so this compiles to a vector loop; `<` is looked for only when the
        // value is not plain.
        let special = value.iter().fold(false, |special, &b| {
            special | !(b' '..=b'~').contains(&b) | (b == b'&') | (b == b'<')
        });
        if special && value.contains(&b'<') {
            self.pos = len;
            return Some(Err(BadAttr::LessThan(value)));
        }
        let plain = if special {
            None
        } else {
            // An ASCII value in a tag that is not UTF-8 (Latin-1, say) is still valid UTF-8.
            match self.text {
                Some(text) => text.get(span),
                None => std::str::from_utf8(value).ok(),
            }
        };
        Some(Ok(RawAttr { key, value, plain }))
    }
}

/// XML whitespace, as quick-xml defines it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our reading of a tag body next to quick-xml's, as comparable strings.
    fn both(body: &str) -> (Vec<String>, Vec<String>) {
        let text = format!("tag{body}");
        let e = BytesStart::from_content(text.as_str(), 3);
        let ours = Attrs::new(&e)
            .map(|a| match a {
                Ok(a) => format!("{}={}", show(a.key), show(a.value)),
                Err(BadAttr::Syntax(err)) => format!("error {err}"),
                Err(BadAttr::LessThan(v)) => format!("lt {}", show(v)),
            })
            .collect();
        let mut theirs = Vec::new();
        for a in e.attributes().with_checks(false) {
            match a {
                Ok(a) => theirs.push(format!("{}={}", show(a.key.as_ref()), show(&a.value))),
                Err(err) => {
                    theirs.push(format!("error {err}"));
                    break;
                }
            }
        }
        (ours, theirs)
    }

    fn show(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    #[test]
    fn syntax_is_read_as_quick_xml_reads_it() {
        let cases = [
            "",
            "   ",
            r#" a="1" b='2'"#,
            r#" a = "1"	b
=
'two words'  "#,
            r#" a="1"b="2""#,
            r#" a="it's" b='say "hi"'"#,
            r#" a="""#,
            " a",
            " a ",
            " a b=\"1\"",
            " a=",
            " a = ",
            " a=1",
            " a= 1 b=\"2\"",
            " a=\"open",
            " a='open\"",
            " =\"x\"",
            " ==\"x\"",
            " a==\"x\"",
            r#" ns:key="v" xmlns="urn:x""#,
            r#" a="x" a="y""#,
        ];
        for body in cases {
            let (ours, theirs) = both(body);
            assert_eq!(ours, theirs, "tag body {body:?}");
        }
    }

    #[test]
    fn less_than_in_a_value_is_an_error_with_the_whole_value() {
        let (ours, _) = both(r#" ok="1" time="<<computed>>" after="2""#);
        assert_eq!(ours, ["ok=1", "lt <<computed>>"]);
    }

    #[test]
    fn plain_means_printable_ascii_without_references() {
        let plain = |body: &str| {
            let text = format!("t{body}");
            let e = BytesStart::from_content(text.as_str(), 1);
            Attrs::new(&e).next().unwrap().unwrap().plain.is_some()
        };
        assert!(plain(r#" a="com.example.Test_1 (x) [y] ~!""#));
        assert!(plain(r#" a="""#));
        assert!(!plain(r#" a="a &amp; b""#));
        assert!(!plain(" a=\"tab\there\""));
        assert!(!plain(" a=\"line\nbreak\""));
        assert!(!plain(" a=\"caf\u{e9}\""));
        assert!(!plain(" a=\"del\u{7f}\""));
    }

    #[test]
    fn plain_values_are_text_even_in_a_tag_that_is_not_utf8() {
        let mut reader = quick_xml::Reader::from_reader(&b"<t a=\"caf\xe9\" b=\"ok\"/>"[..]);
        let Ok(quick_xml::events::Event::Empty(e)) = reader.read_event() else {
            panic!("expected an empty element");
        };
        let attrs: Vec<_> = Attrs::new(&e).map(Result::unwrap).collect();
        assert_eq!(attrs[0].plain, None);
        assert_eq!(attrs[0].value, b"caf\xe9");
        assert_eq!(attrs[1].plain, Some("ok"));
    }
}
