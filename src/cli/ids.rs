//! IDs as TestRail prints them: `R12` for runs, `C34` for cases, `P5` for plans. The tool
//! prints them that way too, so whatever it printed can be pasted back; a bare number works.

/// A run ID: `12` or `R12`.
pub fn run_id(text: &str) -> Result<u64, String> {
    prefixed(text, 'R', "run")
}

/// A case ID: `34` or `C34`.
pub fn case_id(text: &str) -> Result<u64, String> {
    prefixed(text, 'C', "case")
}

/// A plan ID: `5` or `P5`.
pub fn plan_id(text: &str) -> Result<u64, String> {
    prefixed(text, 'P', "plan")
}

fn prefixed(text: &str, prefix: char, what: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .strip_prefix([prefix, prefix.to_ascii_lowercase()])
        .unwrap_or(t);
    match digits.parse::<u64>() {
        Ok(id) if id > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(id),
        _ => Err(format!(
            "{t:?} is not a {what} ID (expected a number like 123 or {prefix}123)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_take_their_prefix_or_none() {
        assert_eq!(run_id("R12"), Ok(12));
        assert_eq!(run_id(" r7 "), Ok(7));
        assert_eq!(run_id("12"), Ok(12));
        assert_eq!(case_id("C34"), Ok(34));
        assert_eq!(plan_id("P5"), Ok(5));
        for bad in ["C12", "R0", "R", "", "+3", "R-1", "12a"] {
            let err = run_id(bad).unwrap_err();
            assert!(
                err.contains("not a run ID") && err.contains("R123"),
                "{bad}: {err}"
            );
        }
        assert!(case_id("R3").unwrap_err().contains("C123"));
    }
}
