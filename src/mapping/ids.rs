//! Spotting TestRail case IDs in text: `C123` tokens in names, and ID lists in property
//! values and mapping files (`C1, C2`, `1;2`, `c3 C4`).

/// The largest case ID TestRail can hold: its IDs are 32-bit signed database integers.
pub const MAX_CASE_ID: u64 = i32::MAX as u64;

/// Append every `C<digits>` token of `text` to `out` (skipping ones already there), and each
/// token that looks like a case ID but is outside 1..=[`MAX_CASE_ID`] (`C0`, `C-5`,
/// `C18446744073709551615`) to `rejected`, so it is named in a warning and never sent.
///
/// A token starts at the beginning or after a character that is not a letter or digit, and
/// ends at the end or before one: `[C1, C2] x`, `C1_C2_x`, `test_C123()`, `(C16)` and `c12`
/// all count; `ABC12` and `C12abc` do not. A hand scanner, because this runs for every test
/// of every report and a regex is several times slower here.
pub fn scan_tokens(text: &str, out: &mut Vec<u64>, rejected: &mut Vec<String>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'C' | b'c') && boundary_before(text, i) {
            let negative = bytes.get(i + 1) == Some(&b'-');
            let start = i + 1 + usize::from(negative);
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            if end > start && boundary_after(text, end) {
                if negative || !push_id(&text[start..end], out) {
                    let token = text[i..end].to_string();
                    if !rejected.contains(&token) {
                        rejected.push(token);
                    }
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

fn boundary_before(text: &str, i: usize) -> bool {
    match text[..i].chars().next_back() {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}

fn boundary_after(text: &str, i: usize) -> bool {
    match text[i..].chars().next() {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}

/// Parse a list of IDs written by a person: `C123`, `c123`, `123`, `C1, C2`, `1;2`, `C1 C2`.
/// Returns `None` if any item is not an ID, so a typo is not half-read.
pub fn parse_list(value: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for item in value
        .split([',', ';', ' ', '\t', '\n', '\r', '|'])
        .filter(|s| !s.is_empty())
    {
        let digits = item.strip_prefix(['C', 'c']).unwrap_or(item);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !push_id(digits, &mut out) {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Add one ID given as digits; `false` if it is zero or too large to be a case ID.
pub fn push_id(digits: &str, out: &mut Vec<u64>) -> bool {
    match digits.parse::<u64>() {
        Ok(id) if (1..=MAX_CASE_ID).contains(&id) => {
            if !out.contains(&id) {
                out.push(id);
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        scan_tokens(text, &mut out, &mut Vec::new());
        out
    }

    #[test]
    fn ids_outside_testrails_range_are_named_not_kept() {
        let (mut out, mut rejected) = (Vec::new(), Vec::new());
        let text =
            "C18446744073709551615 C0 C-5 C2147483648 C2147483647 C3 C99999999999999999999999";
        scan_tokens(text, &mut out, &mut rejected);
        assert_eq!(out, [2_147_483_647, 3]);
        assert_eq!(
            rejected,
            [
                "C18446744073709551615",
                "C0",
                "C-5",
                "C2147483648",
                "C99999999999999999999999"
            ]
        );
        assert_eq!(parse_list("2147483648"), None);
    }

    #[test]
    fn tokens_from_the_issue_examples() {
        assert_eq!(scan("[C1, C2] x"), [1, 2]);
        assert_eq!(scan("C1_C2_x"), [1, 2]);
        assert_eq!(scan("test_C123()"), [123]);
        assert_eq!(scan("C14-hyphen"), [14]);
        assert_eq!(scan("C19: colon"), [19]);
        assert_eq!(scan("(C16)"), [16]);
        assert_eq!(scan("lower c12 case"), [12]);
    }

    #[test]
    fn tokens_need_boundaries_on_both_sides() {
        assert!(scan("ABC12 C12abc testC5 C").is_empty());
        assert!(scan("éC12").is_empty());
        assert_eq!(scan("—C12—"), [12]);
        assert_eq!(scan("C0 C7 C7"), [7]);
        assert!(scan("AC-5 C-x C-").is_empty());
    }

    #[test]
    fn lists_accept_every_spelling() {
        assert_eq!(parse_list("C123"), Some(vec![123]));
        assert_eq!(parse_list("c123"), Some(vec![123]));
        assert_eq!(parse_list(" 123 "), Some(vec![123]));
        assert_eq!(parse_list("C1, C2"), Some(vec![1, 2]));
        assert_eq!(parse_list("1;2"), Some(vec![1, 2]));
        assert_eq!(parse_list("C1 C2 C1"), Some(vec![1, 2]));
    }

    #[test]
    fn lists_with_a_bad_item_are_rejected() {
        assert_eq!(parse_list("C1, Cx"), None);
        assert_eq!(parse_list(""), None);
        assert_eq!(parse_list("C0"), None);
        assert_eq!(parse_list("99999999999999999999999"), None);
    }
}
