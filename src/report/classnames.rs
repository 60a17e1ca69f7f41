//! One shared string per distinct classname: a report names few classes for many tests, and
//! every test is kept until the submit ends.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::FxHasher;

/// How many distinct classnames are remembered; past this the file is not the usual
/// few-classes-many-tests report, and the table would only cost.
const KEPT: usize = 4096;

/// The classnames of one file read so far.
pub struct Classnames {
    /// The last one: consecutive tests usually share it.
    last: Arc<str>,
    /// Every one so far (up to [`KEPT`]), for reports that interleave classes. Fx rather
    /// than SipHash: hashing every testcase's classname showed in profiles, and the table
    /// is small and capped, so collision attacks cannot make it slow.
    seen: HashSet<Arc<str>, BuildHasherDefault<FxHasher>>,
    /// The empty name, shared like the others.
    empty: Arc<str>,
}

impl Default for Classnames {
    fn default() -> Self {
        let empty: Arc<str> = Arc::from("");
        Classnames {
            last: empty.clone(),
            seen: HashSet::default(),
            empty,
        }
    }
}

impl Classnames {
    /// The empty classname, for a testcase before its attributes are read: a fresh
    /// `Arc::from("")` would be an allocation per testcase.
    pub fn empty(&self) -> Arc<str> {
        self.empty.clone()
    }

    /// The shared copy of `value`, made on first sight.
    pub fn get(&mut self, value: &str) -> Arc<str> {
        if *self.last != *value {
            self.last = match self.seen.get(value) {
                Some(seen) => seen.clone(),
                None => {
                    let new: Arc<str> = Arc::from(value);
                    if self.seen.len() < KEPT {
                        self.seen.insert(new.clone());
                    }
                    new
                }
            };
        }
        self.last.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_allocation_even_when_interleaved() {
        let mut names = Classnames::default();
        let a = names.get("com.example.A");
        let b = names.get("com.example.B");
        assert!(Arc::ptr_eq(&a, &names.get("com.example.A")));
        assert!(Arc::ptr_eq(&b, &names.get("com.example.B")));
        assert_eq!(&*names.get(""), "");
        assert!(Arc::ptr_eq(&names.empty(), &names.empty()));
    }

    #[test]
    fn past_the_cap_names_are_still_right_but_not_remembered() {
        let mut names = Classnames::default();
        for i in 0..KEPT + 10 {
            assert_eq!(&*names.get(&format!("C{i}")), format!("C{i}"));
        }
        assert_eq!(names.seen.len(), KEPT);
        let late = names.get(&format!("C{}", KEPT + 5));
        assert!(!Arc::ptr_eq(&late, &names.get("C0")));
        assert_eq!(&*late, format!("C{}", KEPT + 5));
    }
}
