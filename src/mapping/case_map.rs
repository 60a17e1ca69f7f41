//! `--case-map FILE`: a table from test identity (`classname.name` or `name`) to case IDs,
//! as CSV (`key,case_ids`) or JSON (`{"key": [1, "C2"]}` or `{"key": "C1,C2"}`).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::ids::parse_list;
use crate::error::Error;

/// Test identity → case IDs.
pub type CaseMap = HashMap<String, Vec<u64>>;

/// Read a mapping file; JSON when it is named `.json` or starts with `{`, CSV otherwise.
pub fn load(path: &Path) -> anyhow::Result<CaseMap> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Input(format!("cannot read the case map {}: {e}", path.display())))?;
    let text = text.trim_start_matches('\u{FEFF}');
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let parsed = if json {
        parse_json(text)
    } else {
        parse_csv(text)
    };
    parsed.map_err(|msg| Error::Input(format!("case map {}{msg}", path.display())).into())
}

/// Parse the JSON form; errors start with `:line:col:` or `: `.
pub fn parse_json(text: &str) -> Result<CaseMap, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!(":{}:{}: {e}", e.line(), e.column()))?;
    let Value::Object(entries) = value else {
        return Err(": expected a JSON object {\"classname.name\": [case IDs]}".into());
    };
    let mut map = CaseMap::with_capacity(entries.len());
    for (key, value) in entries {
        let ids = json_ids(&value)
            .ok_or_else(|| format!(": \"{key}\": {value} is not a list of case IDs"))?;
        map.insert(key, ids);
    }
    Ok(map)
}

fn json_ids(value: &Value) -> Option<Vec<u64>> {
    match value {
        Value::String(s) => parse_list(s),
        Value::Number(n) => n.as_u64().filter(|&n| n > 0).map(|n| vec![n]),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                for id in json_ids(item)? {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
            (!out.is_empty()).then_some(out)
        }
        _ => None,
    }
}

/// Parse the CSV form. The key may itself contain commas (`test[a,b]`), so the IDs are the
/// last field; a first line whose last field is not IDs is a header.
pub fn parse_csv(text: &str) -> Result<CaseMap, String> {
    let mut map = CaseMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, ids) = split_row(line)
            .ok_or_else(|| format!(":{}: expected `key,case_ids`, found \"{line}\"", index + 1))?;
        match parse_list(&ids) {
            Some(ids) => {
                map.insert(key, ids);
            }
            None if map.is_empty() && index == first_row(text) => {}
            None => {
                return Err(format!(
                    ":{}: \"{ids}\" is not a list of case IDs",
                    index + 1
                ));
            }
        }
    }
    Ok(map)
}

fn first_row(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .unwrap_or(0)
}

/// Split a row into key and IDs, honouring double quotes around either field.
fn split_row(line: &str) -> Option<(String, String)> {
    let (key, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let (key, rest) = unquote(quoted)?;
        (key, rest.trim_start().strip_prefix(',')?)
    } else {
        let comma = line.rfind(',')?;
        (line[..comma].trim().to_owned(), &line[comma + 1..])
    };
    let rest = rest.trim();
    let ids = match rest.strip_prefix('"') {
        Some(quoted) => unquote(quoted)?.0,
        None => rest.to_owned(),
    };
    Some((key, ids))
}

/// Read a quoted field (opening quote already removed); `""` is a literal quote.
fn unquote(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            if chars.peek().is_some_and(|&(_, n)| n == '"') {
                chars.next();
                out.push('"');
            } else {
                return Some((out, &s[i + 1..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_quotes_and_commas_in_keys() {
        let text = "key,case_ids\ncom.A.test_one,C1 C2\n\"test[a,b]\",\"1;2\"\ntest[x,y],C3\n";
        let map = parse_csv(text).unwrap();
        assert_eq!(map["com.A.test_one"], [1, 2]);
        assert_eq!(map["test[a,b]"], [1, 2]);
        assert_eq!(map["test[x,y]"], [3]);
    }

    #[test]
    fn csv_rows_with_bad_ids_name_the_line() {
        let err = parse_csv("a,C1\nb,Cx\n").unwrap_err();
        assert!(err.starts_with(":2:"), "{err}");
    }

    #[test]
    fn json_accepts_lists_strings_and_numbers() {
        let map = parse_json(r#"{"a.b": [1, "C2"], "c": "C3,C4", "d": 5}"#).unwrap();
        assert_eq!(map["a.b"], [1, 2]);
        assert_eq!(map["c"], [3, 4]);
        assert_eq!(map["d"], [5]);
    }

    #[test]
    fn json_errors_say_where() {
        assert!(
            parse_json("{\"a\": [\"x\"]}")
                .unwrap_err()
                .contains("\"a\"")
        );
        assert!(parse_json("{\n\"a\": }").unwrap_err().starts_with(":2:"));
        assert!(parse_json("[1]").is_err());
    }
}
