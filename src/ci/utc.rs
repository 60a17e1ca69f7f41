//! UTC date-time formatting for default run names, without a date crate: the tool only ever
//! needs "now" printed once, so the civil-calendar arithmetic is a few lines.

use std::time::{SystemTime, UNIX_EPOCH};

/// `time` as `YYYY-MM-DD HH:MM:SS UTC` (times before 1970 print as the epoch).
pub fn format_utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} UTC")
}

/// Year, month, day of the proleptic Gregorian calendar for a count of days since 1970-01-01.
///
/// Howard Hinnant's `civil_from_days`: shift to a calendar whose year starts on 1 March, so the
/// leap day is the last day of the year and every 400-year era has the same length.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        format_utc(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn formats_the_epoch() {
        assert_eq!(at(0), "1970-01-01 00:00:00 UTC");
    }

    #[test]
    fn formats_known_instants() {
        // `date -u -d @951782400` → 2000-02-29 00:00:00 (a leap day in a century leap year).
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00 UTC");
        // `date -u -d @1709251199` → 2024-02-29 23:59:59.
        assert_eq!(at(1_709_251_199), "2024-02-29 23:59:59 UTC");
        // `date -u -d @4102444800` → 2100-01-01 00:00:00 (2100 is not a leap year).
        assert_eq!(at(4_102_444_800), "2100-01-01 00:00:00 UTC");
        assert_eq!(at(4_107_542_399), "2100-02-28 23:59:59 UTC");
        assert_eq!(at(4_107_542_400), "2100-03-01 00:00:00 UTC");
    }

    #[test]
    fn before_the_epoch_prints_the_epoch() {
        assert_eq!(
            format_utc(UNIX_EPOCH - Duration::from_secs(10)),
            "1970-01-01 00:00:00 UTC"
        );
    }
}
