//! Which CI system we run under, read from the variables each one sets, and the defaults that
//! follow from it: the run name TestRail shows, and the link back to the job.
//!
//! Everything is computed from a variable-lookup function so tests can describe a CI system as
//! a map instead of mutating the process environment.

use std::path::PathBuf;
use std::time::SystemTime;

use super::utc::format_utc;

/// The CI system a command runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiKind {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHub,
    /// GitLab CI (`GITLAB_CI=true`).
    GitLab,
    /// Jenkins (`JENKINS_URL` or `JENKINS_HOME` set).
    Jenkins,
    /// Another CI system that sets the conventional `CI` variable.
    Generic,
    /// Not in CI: a developer's machine.
    Local,
}

/// What the CI environment tells us, resolved once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiContext {
    /// The CI system.
    pub kind: CiKind,
    /// The run name to use when `--run-name` is not given.
    pub default_run_name: String,
    /// The page of the CI job (or workflow run) that produced the results.
    pub job_url: Option<String>,
    /// The commit under test, when the CI system says.
    pub commit: Option<String>,
    /// The build's tag, else its short commit (`--result-version auto`).
    pub build_version: Option<String>,
    /// GitHub Actions: the file step outputs are appended to (`GITHUB_OUTPUT`).
    pub github_output: Option<PathBuf>,
    /// GitHub Actions: the file the Markdown job summary is appended to (`GITHUB_STEP_SUMMARY`).
    pub github_step_summary: Option<PathBuf>,
}

/// How a run is named outside CI, followed by the time: a name no later attempt repeats.
pub const FALLBACK_RUN_NAME: &str = "Automated test run";

impl CiContext {
    /// Read the CI context from the process environment.
    pub fn detect() -> CiContext {
        CiContext::from_vars(|name| std::env::var(name).ok())
    }

    /// Read the CI context through `get` (empty values count as unset).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> CiContext {
        CiContext::from_vars_at(get, SystemTime::now())
    }

    /// Like [`CiContext::from_vars`], with "now" given, for run names built from the date.
    pub fn from_vars_at(get: impl Fn(&str) -> Option<String>, now: SystemTime) -> CiContext {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let kind = detect_kind(&var);
        let fallback_name = || format!("{FALLBACK_RUN_NAME} {}", format_utc(now));
        let (name, job_url, commit) = match kind {
            CiKind::GitHub => github(&var),
            CiKind::GitLab => gitlab(&var),
            CiKind::Jenkins => jenkins(&var),
            CiKind::Generic | CiKind::Local => (None, None, None),
        };
        let github_file = |name: &str| match kind {
            CiKind::GitHub => var(name).map(PathBuf::from),
            _ => None,
        };
        CiContext {
            kind,
            default_run_name: name.unwrap_or_else(fallback_name),
            job_url,
            commit,
            build_version: super::version::build_version(kind, &var),
            github_output: github_file("GITHUB_OUTPUT"),
            github_step_summary: github_file("GITHUB_STEP_SUMMARY"),
        }
    }

    /// The run description to use when `--run-description` is not given: where the results
    /// came from, as a link TestRail renders (its descriptions are Markdown).
    pub fn default_description(&self) -> Option<String> {
        let url = self.job_url.as_ref()?;
        let system = match self.kind {
            CiKind::GitHub => "GitHub Actions",
            CiKind::GitLab => "GitLab CI",
            CiKind::Jenkins => "Jenkins",
            CiKind::Generic | CiKind::Local => "CI",
        };
        let mut text = format!("Results reported by testrail-report from [{system}]({url}).");
        if let Some(commit) = &self.commit {
            text.push_str(&format!("\n\nCommit: {commit}"));
        }
        Some(text)
    }
}

/// Which system set the variables; the specific markers win over the generic `CI`.
fn detect_kind(var: &impl Fn(&str) -> Option<String>) -> CiKind {
    let is_true = |name: &str| var(name).is_some_and(|v| truthy(&v));
    if is_true("GITHUB_ACTIONS") {
        CiKind::GitHub
    } else if is_true("GITLAB_CI") {
        CiKind::GitLab
    } else if var("JENKINS_URL").is_some() || var("JENKINS_HOME").is_some() {
        CiKind::Jenkins
    } else if is_true("CI") {
        CiKind::Generic
    } else {
        CiKind::Local
    }
}

/// `CI=true`, `CI=1`, `CI=yes` (any case) count as set; `false`/`0`/`no` do not.
fn truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "off"
    )
}

/// Name, job URL and commit parts of the context.
type Parts = (Option<String>, Option<String>, Option<String>);

fn github(var: &impl Fn(&str) -> Option<String>) -> Parts {
    // A pull request's GITHUB_REF_NAME is `123/merge`; its head branch is the useful name.
    let branch = var("GITHUB_HEAD_REF").or_else(|| var("GITHUB_REF_NAME"));
    let name = match (var("GITHUB_WORKFLOW"), var("GITHUB_RUN_NUMBER")) {
        (Some(workflow), Some(number)) => {
            Some(with_branch(format!("{workflow} #{number}"), branch))
        }
        _ => None,
    };
    let server = var("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
    let job_url = match (var("GITHUB_REPOSITORY"), var("GITHUB_RUN_ID")) {
        (Some(repo), Some(id)) => Some(format!(
            "{}/{repo}/actions/runs/{id}",
            server.trim_end_matches('/')
        )),
        _ => None,
    };
    (name, job_url, var("GITHUB_SHA"))
}

fn gitlab(var: &impl Fn(&str) -> Option<String>) -> Parts {
    // CI_PIPELINE_IID counts per project (what the UI shows as #N); CI_PIPELINE_ID is global.
    let pipeline = var("CI_PIPELINE_IID").or_else(|| var("CI_PIPELINE_ID"));
    let name = match (var("CI_PROJECT_NAME"), pipeline) {
        (Some(project), Some(id)) => Some(with_branch(
            format!("{project} pipeline #{id}"),
            var("CI_COMMIT_REF_NAME"),
        )),
        _ => None,
    };
    (name, var("CI_JOB_URL"), var("CI_COMMIT_SHA"))
}

fn jenkins(var: &impl Fn(&str) -> Option<String>) -> Parts {
    let name = match (var("JOB_NAME"), var("BUILD_NUMBER")) {
        (Some(job), Some(number)) => Some(format!("{job} #{number}")),
        _ => None,
    };
    (name, var("BUILD_URL"), var("GIT_COMMIT"))
}

fn with_branch(name: String, branch: Option<String>) -> String {
    match branch {
        Some(branch) => format!("{name} ({branch})"),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::{Duration, UNIX_EPOCH};

    fn ctx(vars: &[(&str, &str)]) -> CiContext {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // 2024-02-29 23:59:59 UTC.
        let now = UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        CiContext::from_vars_at(|k| map.get(k).cloned(), now)
    }

    const GITHUB: &[(&str, &str)] = &[
        ("CI", "true"),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_WORKFLOW", "Tests"),
        ("GITHUB_RUN_NUMBER", "42"),
        ("GITHUB_RUN_ID", "987654"),
        ("GITHUB_REF_NAME", "main"),
        ("GITHUB_REPOSITORY", "acme/shop"),
        ("GITHUB_SERVER_URL", "https://github.example.com/"),
        ("GITHUB_SHA", "abc123"),
        ("GITHUB_OUTPUT", "/tmp/out"),
        ("GITHUB_STEP_SUMMARY", "/tmp/summary"),
    ];

    #[test]
    fn github_push() {
        let c = ctx(GITHUB);
        assert_eq!(c.kind, CiKind::GitHub);
        assert_eq!(c.default_run_name, "Tests #42 (main)");
        assert_eq!(
            c.job_url.as_deref(),
            Some("https://github.example.com/acme/shop/actions/runs/987654")
        );
        assert_eq!(c.github_output, Some(PathBuf::from("/tmp/out")));
        assert_eq!(c.github_step_summary, Some(PathBuf::from("/tmp/summary")));
        assert_eq!(
            c.default_description().unwrap(),
            "Results reported by testrail-report from \
             [GitHub Actions](https://github.example.com/acme/shop/actions/runs/987654).\
             \n\nCommit: abc123"
        );
    }

    #[test]
    fn github_pull_request_uses_the_head_branch() {
        let mut vars = GITHUB.to_vec();
        vars.push(("GITHUB_HEAD_REF", "feature/login"));
        vars.push(("GITHUB_REF_NAME", "17/merge"));
        assert_eq!(ctx(&vars).default_run_name, "Tests #42 (feature/login)");
    }

    #[test]
    fn github_empty_head_ref_counts_as_unset() {
        // Push events set GITHUB_HEAD_REF to the empty string.
        let mut vars = GITHUB.to_vec();
        vars.push(("GITHUB_HEAD_REF", ""));
        assert_eq!(ctx(&vars).default_run_name, "Tests #42 (main)");
    }

    #[test]
    fn github_default_server() {
        let vars: Vec<_> = GITHUB
            .iter()
            .copied()
            .filter(|(k, _)| *k != "GITHUB_SERVER_URL")
            .collect();
        assert_eq!(
            ctx(&vars).job_url.as_deref(),
            Some("https://github.com/acme/shop/actions/runs/987654")
        );
    }

    #[test]
    fn github_without_workflow_falls_back_to_the_date() {
        let c = ctx(&[("GITHUB_ACTIONS", "true")]);
        assert_eq!(c.kind, CiKind::GitHub);
        assert_eq!(
            c.default_run_name,
            "Automated test run 2024-02-29 23:59:59 UTC"
        );
        assert_eq!(c.job_url, None);
        assert_eq!(c.default_description(), None);
    }

    #[test]
    fn gitlab_prefers_the_project_pipeline_number() {
        let c = ctx(&[
            ("CI", "true"),
            ("GITLAB_CI", "true"),
            ("CI_PROJECT_NAME", "shop"),
            ("CI_PIPELINE_IID", "7"),
            ("CI_PIPELINE_ID", "123456"),
            ("CI_COMMIT_REF_NAME", "develop"),
            (
                "CI_JOB_URL",
                "https://gitlab.example.com/acme/shop/-/jobs/55",
            ),
            // GitHub files are ignored outside GitHub.
            ("GITHUB_OUTPUT", "/tmp/out"),
        ]);
        assert_eq!(c.kind, CiKind::GitLab);
        assert_eq!(c.default_run_name, "shop pipeline #7 (develop)");
        assert_eq!(
            c.job_url.as_deref(),
            Some("https://gitlab.example.com/acme/shop/-/jobs/55")
        );
        assert_eq!(c.github_output, None);
        assert!(c.default_description().unwrap().contains("[GitLab CI]("));
    }

    #[test]
    fn gitlab_falls_back_to_the_global_pipeline_id() {
        let c = ctx(&[
            ("GITLAB_CI", "true"),
            ("CI_PROJECT_NAME", "shop"),
            ("CI_PIPELINE_ID", "123456"),
            ("CI_COMMIT_REF_NAME", "v1.2"),
        ]);
        assert_eq!(c.default_run_name, "shop pipeline #123456 (v1.2)");
    }

    #[test]
    fn jenkins() {
        let c = ctx(&[
            ("JENKINS_URL", "https://ci.example.com/"),
            ("JOB_NAME", "shop/main"),
            ("BUILD_NUMBER", "311"),
            ("BUILD_URL", "https://ci.example.com/job/shop/job/main/311/"),
        ]);
        assert_eq!(c.kind, CiKind::Jenkins);
        assert_eq!(c.default_run_name, "shop/main #311");
        assert_eq!(
            c.job_url.as_deref(),
            Some("https://ci.example.com/job/shop/job/main/311/")
        );
    }

    #[test]
    fn generic_ci_and_local_use_the_date() {
        let generic = ctx(&[("CI", "1")]);
        assert_eq!(generic.kind, CiKind::Generic);
        assert_eq!(
            generic.default_run_name,
            "Automated test run 2024-02-29 23:59:59 UTC"
        );
        assert_eq!(generic.job_url, None);
        assert_eq!(ctx(&[]).kind, CiKind::Local);
        assert_eq!(ctx(&[("CI", "false")]).kind, CiKind::Local);
        assert_eq!(ctx(&[("GITHUB_ACTIONS", "false")]).kind, CiKind::Local);
    }
}
