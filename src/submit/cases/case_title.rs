//! Case and section titles from test names, within TestRail's limit: it rejects a longer
//! title with `Field :title is too long (250 characters at most).`

/// TestRail's longest title or section name, in characters.
pub const MAX_TITLE: usize = 250;

/// Marks a title that was cut.
const ELLIPSIS: char = '…';

/// A title for `name`: whitespace runs (newlines included) become one space; a name over
/// [`MAX_TITLE`] characters is cut at the last word boundary that fits and ends with `…`.
pub fn title(name: &str) -> String {
    let clean = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= MAX_TITLE {
        return clean;
    }
    let room: String = clean.chars().take(MAX_TITLE - 1).collect();
    // The room may already end a word (the next character is a space).
    let at_word_end = clean.chars().nth(MAX_TITLE - 1) == Some(' ');
    let cut = match at_word_end {
        true => room.len(),
        false => boundary(&room).unwrap_or(room.len()),
    };
    let mut out = room[..cut].trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// Where to cut `room`: before its last space, or failing that (identifiers like
/// `test_a_very_long_name[param]`) before its last `_ . - / , ( [ :`, as long as at least
/// half of the room is kept.
fn boundary(room: &str) -> Option<usize> {
    let half = room.len() / 2;
    let at = |pred: &dyn Fn(char) -> bool| {
        room.char_indices()
            .filter(|&(i, c)| i >= half && pred(c))
            .map(|(i, _)| i)
            .last()
    };
    at(&|c| c == ' ').or_else(|| at(&|c| "_.-/,([:".contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept_with_whitespace_collapsed() {
        assert_eq!(title("test login"), "test login");
        assert_eq!(title("  a\n  b\tc "), "a b c");
    }

    #[test]
    fn long_names_are_cut_at_a_word_boundary() {
        let name = "word ".repeat(100);
        let t = title(&name);
        assert!(t.chars().count() <= MAX_TITLE, "{}", t.chars().count());
        assert!(t.ends_with("word…"), "{t}");
        assert!(name.starts_with(t.trim_end_matches('…')));
    }

    #[test]
    fn long_identifiers_are_cut_at_punctuation_or_hard() {
        let ident = format!("test{}", "_segment".repeat(50));
        let t = title(&ident);
        assert!(t.chars().count() <= MAX_TITLE);
        assert!(t.ends_with("_segment…"), "{t}");

        let blob = "x".repeat(600);
        let t = title(&blob);
        assert_eq!(t.chars().count(), MAX_TITLE);

        let wide = "é".repeat(400);
        assert_eq!(title(&wide).chars().count(), MAX_TITLE);
    }
}
