//! Reading a YAML config file into flat `key → value` strings: trcli's files (and ours) are
//! one mapping of scalars and lists, possibly split over several `---` documents, which later
//! documents extend (as trcli's `safe_load_all` does).

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use crate::error::usage;

/// One setting from the file, its value as clap reads it from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key as written.
    pub key: String,
    /// The value; list items are separated by newlines.
    pub value: String,
}

/// Read `path`; a syntax error names the file, line and column.
pub fn read(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "cannot read the config file {} (--config / TESTRAIL_CONFIG): {e}",
            path.display()
        ))
    })?;
    parse(&text).map_err(|e| usage(format!("{}:{e}", path.display())))
}

/// The entries of a YAML text, in order (a key repeated in a later document replaces the earlier).
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| {
        let m = e.marker();
        format!("{}:{}: {}", m.line(), m.col() + 1, e.info())
    })?;
    let mut out: Vec<Entry> = Vec::new();
    for doc in docs {
        let map = match doc {
            Yaml::Hash(map) => map,
            Yaml::Null => continue,
            _ => return Err(" the config file must be a mapping of `key: value` lines".into()),
        };
        for (k, v) in map {
            let key = scalar(&k).ok_or_else(|| format!(" a key is not a name: {k:?}"))?;
            let Some(value) = render(&v) else {
                return Err(format!(
                    " `{key}` must be a value or a list of values, not a nested mapping"
                ));
            };
            if matches!(v, Yaml::Null) {
                continue;
            }
            out.retain(|e| e.key != key);
            out.push(Entry { key, value });
        }
    }
    Ok(out)
}

fn scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        Yaml::Null => Some(String::new()),
        _ => None,
    }
}

/// A value as text: scalars as written, lists one item per line, and a mapping of scalars
/// (trcli's `result_fields: {custom_env: 3}`) as `name:value` lines.
fn render(v: &Yaml) -> Option<String> {
    match v {
        Yaml::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("\n")),
        Yaml::Hash(map) => map
            .iter()
            .map(|(k, v)| Some(format!("{}:{}", scalar(k)?, scalar(v)?)))
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("\n")),
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    #[test]
    fn scalars_lists_and_later_documents() {
        let got = entries(
            "host: https://x.testrail.io\nsuite_id: 3\nclose_run: true\ntimeout: 30.5\n\
             result_fields:\n  - custom_env:3\n  - version:1.2\nempty:\n---\nsuite_id: 4\n",
        );
        assert_eq!(
            got,
            [
                ("host".into(), "https://x.testrail.io".into()),
                ("close_run".into(), "true".into()),
                ("timeout".into(), "30.5".into()),
                ("result_fields".into(), "custom_env:3\nversion:1.2".into()),
                ("suite_id".into(), "4".into()),
            ]
        );
        assert_eq!(
            entries("result_fields:\n  custom_env: 3\n"),
            [("result_fields".into(), "custom_env:3".into())]
        );
    }

    #[test]
    fn bad_files_say_where_and_why() {
        let err = parse("host: x\n  bad: [\n").unwrap_err();
        assert!(err.starts_with("2:"), "{err}");
        assert!(parse("- a\n- b\n").unwrap_err().contains("mapping"));
        assert!(
            parse("a:\n  b:\n    c: 1\n")
                .unwrap_err()
                .contains("nested")
        );
    }
}
