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
    if let Some(value) = plain_decimal(s.as_bytes())
        && value <= MAX_SECONDS
    {
        return Some(Parsed::Seconds(value));
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

/// The usual `0.123` without the general float parser, which showed in profiles: with at
/// most 15 digits both the digits as an integer and the power of ten are exact doubles, so
/// one division gives the correctly rounded value, exactly what `str::parse` gives.
fn plain_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if s.len() > 15 {
        return None;
    }
    let (mut digits, mut decimals, mut seen_digit) = (0u64, None, false);
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                digits = digits * 10 + u64::from(b - b'0');
                seen_digit = true;
            }
            b'.' if decimals.is_none() => decimals = Some(s.len() - i - 1),
            _ => return None,
        }
    }
    seen_digit.then(|| digits as f64 / POW10[decimals.unwrap_or(0)])
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
    fn the_plain_decimal_shortcut_agrees_with_the_float_parser() {
        let mut forms = vec![
            "0".to_owned(),
            "0.".to_owned(),
            ".5".to_owned(),
            "007.250".to_owned(),
            "99999.999999999".to_owned(),
            "123456789012345".to_owned(),
        ];
        // A deterministic spread of digit counts and decimal positions.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 10u64.pow(1 + (x >> 60) as u32 % 14)).to_string();
            let point = (x >> 40) as usize % (digits.len() + 1);
            forms.push(format!("{}.{}", &digits[..point], &digits[point..]));
        }
        for form in forms {
            let expected: f64 = form.parse().unwrap();
            let shortcut = plain_decimal(form.as_bytes()).expect(&form);
            assert_eq!(shortcut.to_bits(), expected.to_bits(), "{form}");
        }
        for other in [
            ".",
            "",
            "1.2.3",
            "1e5",
            "-1",
            "+1",
            "1,5",
            "1234567890123456",
        ] {
            assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
        }
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
