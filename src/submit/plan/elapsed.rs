//! The `elapsed` of a result: the total time of the tests behind it.
//!
//! TestRail rejects `"0s"` ("the minimum value supported is 1s") and older servers misread
//! fractions (`"0.035s"` became 35 s on a 2020 Cloud), so by default we send whole seconds with
//! a floor of one second; `--elapsed-ms` sends milliseconds for servers that accept them.
//! A test that took no measurable time (`time="0"`) gets no elapsed at all, as trcli posts
//! it: one second would be made up.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::report::TestCase;

/// A timespan in one of the two forms we send: whole seconds (`"12s"`) or milliseconds
/// (`"0.035s"`). A number rather than a string because a submit holds one per result until
/// it is posted, and a string would be a heap allocation each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timespan {
    /// Whole seconds.
    Seconds(u64),
    /// Milliseconds, written as seconds with three decimals.
    Millis(u64),
}

impl fmt::Display for Timespan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Timespan::Seconds(s) => write!(f, "{s}s"),
            Timespan::Millis(ms) => write!(f, "{}.{:03}s", ms / 1000, ms % 1000),
        }
    }
}

impl std::str::FromStr for Timespan {
    type Err = String;

    /// The forms [`Display`](fmt::Display) writes, as a resume file holds them.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("\"{s}\" is not a timespan like \"12s\" or \"0.035s\"");
        let number = s.strip_suffix('s').ok_or_else(bad)?;
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        match number.split_once('.') {
            None if digits(number) => number.parse().map(Timespan::Seconds).map_err(|_| bad()),
            Some((whole, frac)) if digits(whole) && digits(frac) && frac.len() <= 3 => {
                let whole: u64 = whole.parse().map_err(|_| bad())?;
                let frac: u64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
                whole
                    .checked_mul(1000)
                    .and_then(|ms| ms.checked_add(frac))
                    .map(Timespan::Millis)
                    .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}

impl Serialize for Timespan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timespan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// The elapsed timespan for these tests, or `None` when no test says how long it took.
pub fn elapsed(tests: &[&TestCase], millis: bool) -> Option<Timespan> {
    let mut known = tests.iter().filter_map(|t| t.time).peekable();
    known.peek()?;
    let total: f64 = known.sum();
    if total <= 0.0 {
        return None;
    }
    Some(if millis {
        // Servers with millisecond support reject anything below one millisecond.
        Timespan::Millis(((total * 1000.0).round() as u64).max(1))
    } else {
        Timespan::Seconds((total.round() as u64).max(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::submit::plan::aggregate::tests::test;

    fn timed(times: &[Option<f64>]) -> Vec<TestCase> {
        times
            .iter()
            .map(|t| TestCase {
                time: *t,
                ..test("t", Outcome::Passed)
            })
            .collect()
    }

    fn run(times: &[Option<f64>], millis: bool) -> Option<String> {
        let tests = timed(times);
        let refs: Vec<&TestCase> = tests.iter().collect();
        elapsed(&refs, millis).map(|t| t.to_string())
    }

    #[test]
    fn whole_seconds_rounded_with_a_one_second_floor() {
        assert_eq!(run(&[Some(0.001)], false).as_deref(), Some("1s"));
        assert_eq!(run(&[Some(0.2)], false).as_deref(), Some("1s"));
        assert_eq!(run(&[Some(1.4)], false).as_deref(), Some("1s"));
        assert_eq!(run(&[Some(1.5)], false).as_deref(), Some("2s"));
        assert_eq!(
            run(&[Some(59.6), Some(30.0)], false).as_deref(),
            Some("90s")
        );
    }

    #[test]
    fn unknown_times_are_omitted_and_skipped_in_sums() {
        assert_eq!(run(&[None], false), None);
        assert_eq!(run(&[], false), None);
        assert_eq!(run(&[None, Some(2.2)], false).as_deref(), Some("2s"));
    }

    #[test]
    fn no_measurable_time_means_no_elapsed() {
        assert_eq!(run(&[Some(0.0)], false), None);
        assert_eq!(run(&[Some(0.0), Some(0.0)], true), None);
        assert_eq!(run(&[Some(0.0), None], false), None);
    }

    #[test]
    fn millisecond_mode() {
        assert_eq!(run(&[Some(0.0351)], true).as_deref(), Some("0.035s"));
        assert_eq!(run(&[Some(0.0004)], true).as_deref(), Some("0.001s"));
        assert_eq!(
            run(&[Some(1.0), Some(0.25)], true).as_deref(),
            Some("1.250s")
        );
    }

    #[test]
    fn timespans_read_back_what_they_write() {
        for t in [
            Timespan::Seconds(1),
            Timespan::Seconds(90),
            Timespan::Millis(1),
            Timespan::Millis(35),
            Timespan::Millis(1250),
            Timespan::Millis(3_600_000),
        ] {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(
                serde_json::from_str::<Timespan>(&json).unwrap(),
                t,
                "{json}"
            );
        }
        assert_eq!("0.5s".parse(), Ok(Timespan::Millis(500)));
        for bad in [
            "",
            "s",
            "12",
            "1m 5s",
            "1.2345s",
            "-1s",
            ".5s",
            "1.s",
            "99999999999999999999s",
        ] {
            let err = bad.parse::<Timespan>().unwrap_err();
            assert!(err.contains("is not a timespan"), "{bad}: {err}");
        }
    }
}
