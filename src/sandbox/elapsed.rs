//! TestRail's time spans (`elapsed`, `estimate`): `"30s"`, `"1m 45s"`, `"2h 5m"`, `"0.123s"`.
//!
//! TestRail refuses `"0s"` (the minimum is 1 ms on servers with millisecond support, 1 s on
//! older ones), so a client that rounds a fast test down to zero gets its whole batch
//! rejected. The sandbox is as strict: zero and anything unparsable are refused.

/// Why a time span was refused.
#[derive(Debug, PartialEq)]
pub enum SpanError {
    /// Not a time span at all (or zero): `... is not in a valid time span format.`
    Format,
    /// Positive but under a millisecond: `... is less than a millisecond.`
    BelowMillisecond,
}

/// Parse a time span into seconds.
pub fn parse(text: &str) -> Result<f64, SpanError> {
    let mut total = 0.0;
    let mut pending: Option<f64> = None;
    let mut parts = 0;
    for token in tokens(text) {
        match (token.parse::<f64>(), pending) {
            (Ok(n), None) if n.is_finite() && n >= 0.0 => pending = Some(n),
            (Err(_), Some(n)) => {
                total += n * unit_seconds(&token).ok_or(SpanError::Format)?;
                pending = None;
                parts += 1;
            }
            (Err(_), None) if token.eq_ignore_ascii_case("and") => {}
            _ => return Err(SpanError::Format),
        }
    }
    if pending.is_some() || parts == 0 || total == 0.0 {
        return Err(SpanError::Format);
    }
    if total < 0.001 {
        return Err(SpanError::BelowMillisecond);
    }
    Ok(total)
}

/// Split `1m30s` / `1 m 30 s` / `1m, 30s` into number and unit tokens.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut numeric = false;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == ',' {
            flush(&mut out, &mut current);
            continue;
        }
        let is_num = ch.is_ascii_digit() || ch == '.';
        if !current.is_empty() && is_num != numeric {
            flush(&mut out, &mut current);
        }
        numeric = is_num;
        current.push(ch);
    }
    flush(&mut out, &mut current);
    out
}

fn flush(out: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        out.push(std::mem::take(current));
    }
}

/// Seconds per unit, short and long forms.
fn unit_seconds(unit: &str) -> Option<f64> {
    let seconds = match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        _ => return None,
    };
    Some(seconds)
}

/// Format seconds the way TestRail echoes a span back: `"1m 30s"`, `"0.123s"`.
pub fn format(seconds: f64) -> String {
    let millis = (seconds * 1000.0).round() as u64;
    let (whole, ms) = (millis / 1000, millis % 1000);
    let mut parts = Vec::new();
    let units = [(604_800, "w"), (86_400, "d"), (3600, "h"), (60, "m")];
    let mut rest = whole;
    for (size, name) in units {
        if rest >= size {
            parts.push(format!("{}{name}", rest / size));
            rest %= size;
        }
    }
    if ms > 0 {
        let secs = format!("{rest}.{ms:03}");
        parts.push(format!("{}s", secs.trim_end_matches('0')));
    } else if rest > 0 {
        parts.push(format!("{rest}s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse("30s"), Ok(30.0));
        assert_eq!(parse("1m 45s"), Ok(105.0));
        assert_eq!(parse("2h5m"), Ok(7500.0));
        assert_eq!(parse("1 minute and 5 seconds"), Ok(65.0));
        assert_eq!(parse("0.123s"), Ok(0.123));
    }

    #[test]
    fn refuses_zero_and_garbage() {
        for bad in ["0s", "", "30", "s", "abc", "1x", "-1s", "1s 2"] {
            assert_eq!(parse(bad), Err(SpanError::Format), "{bad:?}");
        }
        assert_eq!(parse("0.0001s"), Err(SpanError::BelowMillisecond));
    }

    #[test]
    fn formats_like_testrail() {
        assert_eq!(format(90.0), "1m 30s");
        assert_eq!(format(0.12), "0.12s");
        assert_eq!(format(3600.0), "1h");
        assert_eq!(format(3661.5), "1h 1m 1.5s");
    }
}
