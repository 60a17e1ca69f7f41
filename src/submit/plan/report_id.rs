//! A report's identity: 16 hex characters that stand for what a submit posts (each case's
//! status, comment, elapsed time, defects and fields), written into every result's first
//! comment line. A retried submit finds its own earlier results by it and posts only what is
//! missing (`deliver/already.rs`), while another report — a re-run of the failures, a later
//! build — has another identity and is posted in full.
//!
//! It is computed over the planned results in case order, so neither the order of the files
//! nor their layout changes it, and without the CI job link, which differs between a GitLab
//! job and its retry. Attachments count by nothing: their paths belong to a workspace.
//!
//! The hash is FNV-1a 64: it identifies, it does not protect (anyone who can post results can
//! write any comment), so a cryptographic hash would buy nothing over twenty lines.

use super::results::PlannedResult;
use super::test_names;

/// The report identity of these results (`None` when there are none), stamped into the
/// placeholder every comment's first line carries.
pub fn stamp(results: &mut [PlannedResult], job_url: Option<&str>) -> Option<String> {
    let id = digest(results, job_url)?;
    for r in results.iter_mut() {
        if let Some(comment) = r.entry.comment.take() {
            let mut text = comment.into_string();
            test_names::fill_report_id(&mut text, &id);
            r.entry.comment = Some(text.into_boxed_str());
        }
    }
    Some(id)
}

/// The identity alone, for results whose comments still carry the placeholder.
pub fn digest(results: &[PlannedResult], job_url: Option<&str>) -> Option<String> {
    if results.is_empty() {
        return None;
    }
    let mut order: Vec<&PlannedResult> = results.iter().collect();
    order.sort_by_key(|r| r.entry.case_id);
    let job_line = job_url.map(|url| format!("CI job: {url}"));
    let mut h = Fnv::default();
    for r in order {
        let e = &r.entry;
        h.field(e.case_id.to_string().as_bytes());
        h.field(e.status_id.to_string().as_bytes());
        let comment = e
            .comment
            .as_deref()
            .map(|c| without_job_link(c, job_line.as_deref()));
        h.opt(comment.map(str::as_bytes));
        h.opt(
            e.elapsed
                .map(|t| t.to_string())
                .as_deref()
                .map(str::as_bytes),
        );
        h.opt(e.defects.as_deref().map(str::as_bytes));
        // A BTreeMap of JSON values: keys in order, object members too (no preserve_order).
        let fields = serde_json::to_string(&e.fields).unwrap_or_default();
        h.field(fields.as_bytes());
    }
    Some(format!("{:016x}", h.0))
}

/// The comment without the `CI job: …` line (`job_line`) the comment ends with.
fn without_job_link<'a>(comment: &'a str, job_line: Option<&str>) -> &'a str {
    let Some(line) = job_line else { return comment };
    match comment.strip_suffix(line) {
        Some(rest) => rest.strip_suffix('\n').unwrap_or(rest),
        None => comment,
    }
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A value with its length first, so `ab`+`c` and `a`+`bc` differ.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    /// An optional value: absent differs from empty.
    fn opt(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            Some(b) => {
                self.bytes(&[1]);
                self.field(b);
            }
            None => self.bytes(&[0]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::submit::plan::results::ResultEntry;

    fn result(case_id: u64, status_id: u64, comment: &str) -> PlannedResult {
        PlannedResult {
            entry: ResultEntry {
                case_id,
                status_id,
                comment: Some(comment.into()),
                elapsed: None,
                defects: None,
                fields: Default::default(),
            },
            outcome: Outcome::Passed,
            attachments: Box::new([]),
        }
    }

    #[test]
    fn fnv_1a_matches_its_published_vectors() {
        let mut h = Fnv::default();
        h.bytes(b"");
        assert_eq!(h.0, 0xcbf2_9ce4_8422_2325);
        let mut h = Fnv::default();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        let mut h = Fnv::default();
        h.bytes(b"foobar");
        assert_eq!(h.0, 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_order_of_results_does_not_count_but_their_content_does() {
        let a = [result(1, 1, "x"), result(2, 5, "y")];
        let b = [result(2, 5, "y"), result(1, 1, "x")];
        let id = digest(&a, None).unwrap();
        assert_eq!(id.len(), 16);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(digest(&b, None).unwrap(), id);
        assert_ne!(
            digest(&[result(1, 1, "x"), result(2, 1, "y")], None).unwrap(),
            id
        );
        assert_ne!(
            digest(&[result(1, 1, "x"), result(2, 5, "y ")], None).unwrap(),
            id
        );
        assert_eq!(digest(&[], None), None);
    }

    #[test]
    fn the_ci_job_link_does_not_count() {
        let first = [result(1, 5, "boom\nCI job: https://ci/jobs/1")];
        let retry = [result(1, 5, "boom\nCI job: https://ci/jobs/2")];
        assert_eq!(
            digest(&first, Some("https://ci/jobs/1")),
            digest(&retry, Some("https://ci/jobs/2"))
        );
        let elsewhere = [result(1, 5, "bang\nCI job: https://ci/jobs/2")];
        assert_ne!(
            digest(&first, Some("https://ci/jobs/1")),
            digest(&elsewhere, Some("https://ci/jobs/2"))
        );
    }
}
