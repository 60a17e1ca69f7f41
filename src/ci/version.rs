//! The version a CI build is for, for TestRail's `version` result field
//! (`--result-version auto`): the tag when the build is for a tag, else the short commit.

use super::CiKind;

/// How many hex digits a short commit has (what `git log --oneline` shows by default).
const SHORT: usize = 7;

/// The tag or short commit of this build, from the variables each CI system sets; `None`
/// outside GitHub Actions, GitLab CI and Jenkins, or when they do not say.
pub fn build_version(kind: CiKind, var: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let (tag, commit) = match kind {
        // GITHUB_REF_NAME is the tag's name exactly when GITHUB_REF_TYPE is `tag`.
        CiKind::GitHub => (
            var("GITHUB_REF_TYPE")
                .filter(|t| t == "tag")
                .and_then(|_| var("GITHUB_REF_NAME")),
            var("GITHUB_SHA"),
        ),
        CiKind::GitLab => (
            var("CI_COMMIT_TAG"),
            var("CI_COMMIT_SHORT_SHA").or_else(|| var("CI_COMMIT_SHA")),
        ),
        // TAG_NAME is set by multibranch pipelines building a tag; GIT_COMMIT by the Git plugin.
        CiKind::Jenkins => (var("TAG_NAME"), var("GIT_COMMIT")),
        CiKind::Generic | CiKind::Local => (None, None),
    };
    tag.or_else(|| commit.map(|c| c.chars().take(SHORT).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(kind: CiKind, vars: &[(&str, &str)]) -> Option<String> {
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        build_version(kind, &get)
    }

    #[test]
    fn a_tag_build_gives_the_tag_else_the_short_commit() {
        let sha = ("GITHUB_SHA", "0123456789abcdef");
        let gh = |extra: &[(&'static str, &'static str)]| {
            let vars: Vec<_> = [sha].into_iter().chain(extra.iter().copied()).collect();
            version(CiKind::GitHub, &vars)
        };
        assert_eq!(gh(&[]).as_deref(), Some("0123456"));
        let branch = [("GITHUB_REF_TYPE", "branch"), ("GITHUB_REF_NAME", "main")];
        assert_eq!(gh(&branch).as_deref(), Some("0123456"));
        let tag = [("GITHUB_REF_TYPE", "tag"), ("GITHUB_REF_NAME", "v1.4.2")];
        assert_eq!(gh(&tag).as_deref(), Some("v1.4.2"));

        let gl = [
            ("CI_COMMIT_SHORT_SHA", "89abcdef"),
            ("CI_COMMIT_SHA", "89abcdef0123"),
        ];
        assert_eq!(version(CiKind::GitLab, &gl).as_deref(), Some("89abcde"));
        let gl_tag = [
            ("CI_COMMIT_TAG", "2.0.0"),
            ("CI_COMMIT_SHA", "89abcdef0123"),
        ];
        assert_eq!(version(CiKind::GitLab, &gl_tag).as_deref(), Some("2.0.0"));

        let jk = [("GIT_COMMIT", "fedcba9876543210")];
        assert_eq!(version(CiKind::Jenkins, &jk).as_deref(), Some("fedcba9"));
        let jk_tag = [("TAG_NAME", "release-3"), ("GIT_COMMIT", "fedcba98")];
        assert_eq!(
            version(CiKind::Jenkins, &jk_tag).as_deref(),
            Some("release-3")
        );

        assert_eq!(version(CiKind::Local, &[sha]), None);
        assert_eq!(version(CiKind::Jenkins, &[]), None);
    }
}
