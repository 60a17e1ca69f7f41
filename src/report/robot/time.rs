//! Robot Framework's two ways of saying how long something took: `starttime`/`endtime`
//! timestamps (`20230712 22:32:12.951`, up to RF 6) and an `elapsed` attribute in seconds
//! (RF 7).

/// Seconds between two RF 3–6 timestamps; `None` for `N/A` (not run) or a negative span.
pub fn between(start: &str, end: &str) -> Option<f64> {
    let span = stamp(end)? - stamp(start)?;
    (span >= 0.0).then_some(span)
}

/// RF 7's `elapsed="1.234"`.
pub fn elapsed(value: &str) -> Option<f64> {
    let s: f64 = value.trim().parse().ok()?;
    (s.is_finite() && s >= 0.0).then_some(s)
}

/// `YYYYMMDD HH:MM:SS.mmm` as seconds since 1970, for differences only.
fn stamp(s: &str) -> Option<f64> {
    let s = s.trim();
    let (date, clock) = s.split_once(' ')?;
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i64 = date[..4].parse().ok()?;
    let month: i64 = date[4..6].parse().ok()?;
    let day: i64 = date[6..].parse().ok()?;
    let mut parts = clock.splitn(3, ':');
    let hours: f64 = parts.next()?.parse().ok()?;
    let minutes: f64 = parts.next()?.parse().ok()?;
    let seconds: f64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !seconds.is_finite() {
        return None;
    }
    let days = crate::timestamp::days_from_civil(year, month, day) as f64;
    Some(days * 86_400.0 + hours * 3600.0 + minutes * 60.0 + seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cross_midnight_and_month_ends() {
        let s = between("20230712 22:32:12.951", "20230712 22:32:14.952").unwrap();
        assert!((s - 2.001).abs() < 1e-6, "{s}");
        let s = between("20240229 23:59:59.500", "20240301 00:00:00.250").unwrap();
        assert!((s - 0.75).abs() < 1e-6, "{s}");
    }

    #[test]
    fn not_run_and_garbage_are_unknown() {
        assert_eq!(between("N/A", "N/A"), None);
        assert_eq!(
            between("20230712 22:32:14.000", "20230712 22:32:12.000"),
            None
        );
        assert_eq!(between("2023-07-12 1:2:3", "x"), None);
        assert_eq!(elapsed("0.125"), Some(0.125));
        assert_eq!(elapsed("-1"), None);
        assert_eq!(elapsed("NaN"), None);
    }
}
