//! What each test runner takes to run exactly some tests again, built from the classname and
//! name the report gave (and `submit` kept in each result's first comment line).
//!
//! Output is shell words, quoted where needed, on one line, for `eval "pytest $ARGS"`:
//! pytest node IDs (the module path follows from the dotted classname, up to the first
//! `Test…` component, which starts the classes), Maven Surefire's `-Dtest=Class#a+b`, Gradle's
//! `--tests Class.method`, Jest's `-t` regex over full names, `go test -run` over top-level test
//! names (a failed subtest re-runs its parent), `dotnet test --filter` by fully qualified name.
//! Parameters (`name[1]`, `name(String)`) are dropped where the runner selects by method.

use serde::Serialize;

use crate::cli::rerun::RerunFormat;

/// A test to run again, as the report named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RerunTest {
    /// The case it reported against.
    pub case_id: u64,
    /// The TestRail test (the case in this run).
    pub test_id: u64,
    /// Its status in the run.
    pub status_id: Option<u64>,
    /// The report's classname.
    pub classname: String,
    /// The report's test name.
    pub name: String,
}

/// The selector for `format` (JSON and names: the list itself), ending with a newline;
/// empty when there is nothing to run.
pub fn render(format: RerunFormat, tests: &[RerunTest]) -> String {
    if tests.is_empty() && format != RerunFormat::Json {
        return String::new();
    }
    let words: Vec<String> = match format {
        RerunFormat::Json => {
            let text = serde_json::to_string_pretty(tests).unwrap_or_else(|_| "[]".into());
            return format!("{text}\n");
        }
        RerunFormat::Names => {
            return tests
                .iter()
                .map(|t| format!("{}\n", full_name(t)))
                .collect();
        }
        RerunFormat::Pytest => unique(tests.iter().map(pytest_node)),
        RerunFormat::Maven => vec![format!("-Dtest={}", maven(tests))],
        RerunFormat::Gradle => unique(tests.iter().map(|t| {
            let method = method_of(&t.name);
            if t.classname.is_empty() {
                method.to_string()
            } else {
                format!("{}.{method}", t.classname)
            }
        }))
        .into_iter()
        .flat_map(|sel| ["--tests".to_string(), sel])
        .collect(),
        RerunFormat::Jest => vec!["-t".into(), any_of(tests.iter().map(|t| t.name.clone()))],
        RerunFormat::Go => vec![
            "-run".into(),
            any_of(
                tests
                    .iter()
                    .map(|t| t.name.split('/').next().unwrap_or("").to_string()),
            ),
        ],
        RerunFormat::Dotnet => vec![
            "--filter".into(),
            unique(
                tests
                    .iter()
                    .map(|t| format!("FullyQualifiedName={}", dotnet_escape(&full_method(t)))),
            )
            .join("|"),
        ],
    };
    let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
    format!("{}\n", quoted.join(" "))
}

fn full_name(t: &RerunTest) -> String {
    if t.classname.is_empty() {
        t.name.clone()
    } else {
        format!("{}.{}", t.classname, t.name)
    }
}

fn full_method(t: &RerunTest) -> String {
    let method = method_of(&t.name);
    if t.classname.is_empty() {
        method.to_string()
    } else {
        format!("{}.{method}", t.classname)
    }
}

/// `tests.test_auth.TestLogin` + `test_ok[a]` → `tests/test_auth.py::TestLogin::test_ok[a]`.
fn pytest_node(t: &RerunTest) -> String {
    let parts: Vec<&str> = t.classname.split('.').filter(|p| !p.is_empty()).collect();
    let first_class = parts
        .iter()
        .position(|p| p.starts_with("Test"))
        .unwrap_or(parts.len());
    let (module, classes) = parts.split_at(first_class);
    let mut node = if module.is_empty() {
        String::new()
    } else {
        format!("{}.py", module.join("/"))
    };
    for part in classes.iter().chain(std::iter::once(&t.name.as_str())) {
        if !node.is_empty() {
            node.push_str("::");
        }
        node.push_str(part);
    }
    node
}

/// `pkg.ATest#a+b,pkg.BTest#c`, classes in first-seen order.
fn maven(tests: &[RerunTest]) -> String {
    let mut classes: Vec<(&str, Vec<&str>)> = Vec::new();
    for t in tests {
        let method = method_of(&t.name);
        match classes.iter_mut().find(|(c, _)| *c == t.classname) {
            Some((_, methods)) if !methods.contains(&method) => methods.push(method),
            Some(_) => {}
            None => classes.push((&t.classname, vec![method])),
        }
    }
    classes
        .iter()
        .map(|(class, methods)| format!("{class}#{}", methods.join("+")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The method a parameterised name stands for: `test(String)[1]` → `test`.
fn method_of(name: &str) -> &str {
    let end = name.find(['(', '[']).unwrap_or(name.len());
    name[..end].trim()
}

/// `^(?:a|b)$` with each alternative escaped.
fn any_of(names: impl Iterator<Item = String>) -> String {
    let alternatives: Vec<String> = unique(names).iter().map(|n| regex_escape(n)).collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `dotnet test --filter` gives `\(),|&=!~` a meaning; a backslash takes it away.
fn dotnet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\(),|&=!~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// A word the shell passes on unchanged: bare when it is safe, else in single quotes.
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=,+@%#".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(classname: &str, name: &str) -> RerunTest {
        RerunTest {
            case_id: 1,
            test_id: 1,
            status_id: Some(5),
            classname: classname.into(),
            name: name.into(),
        }
    }

    #[test]
    fn each_runner_gets_its_own_selector() {
        let py = [
            t("tests.test_auth.TestLogin", "test_ok[user 1]"),
            t("tests.test_cart", "test_add"),
        ];
        assert_eq!(
            render(RerunFormat::Pytest, &py),
            "'tests/test_auth.py::TestLogin::test_ok[user 1]' tests/test_cart.py::test_add\n"
        );
        let java = [
            t("com.acme.LoginTest", "ok()"),
            t("com.acme.LoginTest", "bad(String)[2]"),
            t("com.acme.CartTest", "add"),
            t("com.acme.LoginTest", "bad(String)[3]"),
        ];
        assert_eq!(
            render(RerunFormat::Maven, &java),
            "-Dtest=com.acme.LoginTest#ok+bad,com.acme.CartTest#add\n"
        );
        assert_eq!(
            render(RerunFormat::Gradle, &java),
            "--tests com.acme.LoginTest.ok --tests com.acme.LoginTest.bad --tests com.acme.CartTest.add\n"
        );
        let js = [t("cart", "cart adds (twice)"), t("cart", "it's empty")];
        assert_eq!(
            render(RerunFormat::Jest, &js),
            "-t '^(?:cart adds \\(twice\\)|it'\\''s empty)$'\n"
        );
        let go = [
            t("example.com/shop", "TestAdd/two"),
            t("example.com/shop", "TestAdd/one"),
            t("example.com/shop", "TestPay"),
        ];
        assert_eq!(
            render(RerunFormat::Go, &go),
            "-run '^(?:TestAdd|TestPay)$'\n"
        );
        let net = [
            t("Shop.Tests.CartTests", "Adds(2)"),
            t("Shop.Tests.PayTests", "Pays"),
        ];
        assert_eq!(
            render(RerunFormat::Dotnet, &net),
            "--filter 'FullyQualifiedName=Shop.Tests.CartTests.Adds|FullyQualifiedName=Shop.Tests.PayTests.Pays'\n"
        );
        assert_eq!(
            render(RerunFormat::Names, &net),
            "Shop.Tests.CartTests.Adds(2)\nShop.Tests.PayTests.Pays\n"
        );
    }

    #[test]
    fn nothing_to_rerun_prints_nothing_but_json_prints_an_empty_list() {
        assert_eq!(render(RerunFormat::Pytest, &[]), "");
        assert_eq!(render(RerunFormat::Json, &[]), "[]\n");
    }
}
