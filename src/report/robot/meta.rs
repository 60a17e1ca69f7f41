//! What a Robot test says about TestRail outside its result: tags and trcli's documentation
//! lines, turned into the properties the JUnit reader would give for the same intent.
//!
//! - a tag `C123` → `testrail_case_id = C123`
//! - a tag `testrail_case_id:C123` (any `testrail_*` name) → that property
//! - a documentation line `- testrail_result_field: custom_env:qa` (any `testrail_*` name,
//!   as trcli reads them) → that property

use crate::report::model::Property;

/// The property a tag stands for, if any.
pub fn tag_property(tag: &str) -> Option<Property> {
    let tag = tag.trim();
    if is_case_token(tag) {
        return Some(Property {
            name: "testrail_case_id".into(),
            value: tag.to_owned(),
        });
    }
    named(tag)
}

/// The properties in a test's documentation, in order.
pub fn doc_properties(doc: &str) -> impl Iterator<Item = Property> + '_ {
    doc.lines()
        .filter_map(|line| line.trim().strip_prefix('-'))
        .filter_map(named)
}

/// `testrail_name: value` (or `=`), the name a single word.
fn named(text: &str) -> Option<Property> {
    let text = text.trim();
    if !text.starts_with("testrail_") {
        return None;
    }
    let cut = text.find([':', '='])?;
    let name = text[..cut].trim();
    if name.contains(char::is_whitespace) {
        return None;
    }
    Some(Property {
        name: name.to_owned(),
        value: text[cut + 1..].trim().to_owned(),
    })
}

/// `C123` (or `c123`) and nothing else.
fn is_case_token(tag: &str) -> bool {
    let digits = tag.strip_prefix(['C', 'c']).unwrap_or("");
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(p: Property) -> (String, String) {
        (p.name, p.value)
    }

    #[test]
    fn case_tags_and_named_tags_become_properties() {
        let case = pair(tag_property("C123").unwrap());
        assert_eq!(case, ("testrail_case_id".into(), "C123".into()));
        let named = pair(tag_property("testrail_case_id:C7").unwrap());
        assert_eq!(named, ("testrail_case_id".into(), "C7".into()));
        assert!(tag_property("smoke").is_none());
        assert!(tag_property("C12x").is_none());
    }

    #[test]
    fn doc_lines_are_read_the_way_trcli_reads_them() {
        let doc = "Some words\n  - testrail_case_id: c2\n - testrail_case_field: refs:TR-1\n\
                   - testrail_result_comment: Notes: all fine\n- not_ours: x\n- testrail_ bad x: y";
        let got: Vec<_> = doc_properties(doc).map(pair).collect();
        let want = [
            ("testrail_case_id", "c2"),
            ("testrail_case_field", "refs:TR-1"),
            ("testrail_result_comment", "Notes: all fine"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
