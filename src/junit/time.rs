//! Lenient parsing of `time=` values. Producers write seconds as `1.5`, `0.`, `1.7e-05`,
//! `2,503.1`, integers of nanoseconds (container-structure-test), negatives and garbage; a
//! bad value makes the time unknown, never the report unreadable.

/// What a `time` attribute turned out to hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parsed {
    /// Seconds, finite and not negative.
    Seconds(f64),
    /// A value we could not use (negative, garbage, absurdly large): time is unknown.
    Unusable,
}

/// Longest plausible test duration in seconds (about 11.6 days). A larger plain integer is
/// read as nanoseconds, which is what container-structure-test writes; anything else that
/// large is treated as unknown.
const MAX_SECONDS: f64 = 1e6;

/// Parse a time value. `None` means the value was absent or empty (not a problem).
pub fn parse(raw: &str) -> Option<Parsed> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let cleaned = strip_thousands(s);
    let value: f64 = match cleaned.parse() {
        Ok(v) => v,
        Err(_) => return Some(Parsed::Unusable),
    };
    if !value.is_finite() || value < 0.0 {
        return Some(Parsed::Unusable);
    }
    if value <= MAX_SECONDS {
        return Some(Parsed::Seconds(value));
    }
    let integer = cleaned.bytes().all(|b| b.is_ascii_digit());
    let nanos = value / 1e9;
    if integer && nanos <= MAX_SECONDS {
        Some(Parsed::Seconds(nanos))
    } else {
        Some(Parsed::Unusable)
    }
}

/// `2,503.1` → `2503.1`; a lone decimal comma (`1,5`) → `1.5`. Anything else is kept as is
/// and fails to parse.
fn strip_thousands(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(',') {
        return s.into();
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let thousands =
        groups[0].len() <= 3 && !groups[0].is_empty() && groups[1..].iter().all(|g| g.len() == 3);
    if thousands {
        let mut out = groups.concat();
        if s.contains('.') {
            out.push('.');
            out.push_str(frac);
        }
        out.into()
    } else if groups.len() == 2 && !s.contains('.') {
        s.replacen(',', ".", 1).into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(raw: &str) -> Option<f64> {
        match parse(raw) {
            Some(Parsed::Seconds(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn ordinary_forms() {
        assert_eq!(secs("1.5"), Some(1.5));
        assert_eq!(secs("0."), Some(0.0));
        assert_eq!(secs("48"), Some(48.0));
        assert_eq!(secs(" 1.7e-05 "), Some(1.7e-5));
        assert_eq!(secs("0.0000001"), Some(1e-7));
    }

    #[test]
    fn thousands_separators_and_decimal_comma() {
        assert_eq!(secs("1,234.5"), Some(1234.5));
        assert_eq!(secs("2,503.1"), Some(2503.1));
        assert_eq!(secs("1,5"), Some(1.5));
    }

    #[test]
    fn missing_and_empty_are_absent() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("   "), None);
    }

    #[test]
    fn negative_garbage_and_absurd_values_are_unusable() {
        for raw in [
            "-345345",
            "-4416.24",
            "o99,999.881",
            "<<computed>>",
            "NaN",
            "inf",
            "1e300",
        ] {
            assert_eq!(parse(raw), Some(Parsed::Unusable), "{raw}");
        }
        assert_eq!(parse("99999999.5"), Some(Parsed::Unusable));
    }

    #[test]
    fn large_integers_are_nanoseconds() {
        assert_eq!(secs("1967986371"), Some(1.967986371));
    }
}
