//! The `elapsed` of a result: the total time of the tests behind it.
//!
//! TestRail rejects `"0s"` ("the minimum value supported is 1s") and older servers misread
//! fractions (`"0.035s"` became 35 s on a 2020 Cloud), so by default we send whole seconds with
//! a floor of one second; `--elapsed-ms` sends milliseconds for servers that accept them.

use crate::junit::TestCase;

/// The elapsed timespan for these tests, or `None` when no test says how long it took.
pub fn elapsed(tests: &[&TestCase], millis: bool) -> Option<String> {
    let known: Vec<f64> = tests.iter().filter_map(|t| t.time).collect();
    if known.is_empty() {
        return None;
    }
    let total: f64 = known.iter().sum();
    Some(if millis {
        // Servers with millisecond support reject anything below one millisecond.
        format!("{:.3}s", total.max(0.001))
    } else {
        format!("{}s", (total.round() as u64).max(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::junit::Outcome;
    use crate::submit::aggregate::tests::test;

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
        elapsed(&refs, millis)
    }

    #[test]
    fn whole_seconds_rounded_with_a_one_second_floor() {
        assert_eq!(run(&[Some(0.0)], false).as_deref(), Some("1s"));
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
    fn millisecond_mode() {
        assert_eq!(run(&[Some(0.0351)], true).as_deref(), Some("0.035s"));
        assert_eq!(run(&[Some(0.0)], true).as_deref(), Some("0.001s"));
        assert_eq!(
            run(&[Some(1.0), Some(0.25)], true).as_deref(),
            Some("1.250s")
        );
    }
}
