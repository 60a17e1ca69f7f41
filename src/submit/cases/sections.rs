//! Where `--create-missing-cases` puts new cases: a suite's existing section tree, indexed by
//! (parent, name), and the sections still to create, planned parents first.
//!
//! Report testsuites become sections by name (nested testsuites → nested sections), found in
//! the tree downloaded once with `get_sections`, so a re-run finds every section it created.

use std::collections::HashMap;

use crate::testrail::Section;

use super::case_title::title;

/// Where a case or section goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// The top of the suite (only a section can go here).
    Root,
    /// A section that exists in TestRail.
    Existing(u64),
    /// The n-th section of the plan, created before the cases.
    New(usize),
}

/// A section to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    /// Its name.
    pub name: String,
    /// Its parent.
    pub parent: Place,
    /// Its path, for messages (`Parent > Child`).
    pub path: String,
}

/// A suite's sections as downloaded.
#[derive(Debug, Default)]
pub struct SectionTree {
    by_name: HashMap<(Option<u64>, String), u64>,
    sections: HashMap<u64, (Option<u64>, String)>,
}

impl SectionTree {
    /// Index the suite's sections; when two siblings share a name, the lowest ID is used.
    pub fn new(sections: &[Section]) -> SectionTree {
        let mut tree = SectionTree::default();
        for s in sections {
            let key = (s.parent_id, s.name.trim().to_string());
            let id = tree.by_name.entry(key).or_insert(s.id);
            *id = (*id).min(s.id);
            tree.sections
                .insert(s.id, (s.parent_id, s.name.trim().to_string()));
        }
        tree
    }

    /// Whether the suite has this section.
    pub fn contains(&self, id: u64) -> bool {
        self.sections.contains_key(&id)
    }

    /// A section's path from the top of the suite (`A > B`).
    pub fn path_of(&self, id: u64) -> String {
        let mut names = Vec::new();
        let mut next = Some(id);
        // Depth-bounded so a malformed tree (a parent cycle) cannot loop forever.
        while let Some(id) = next.filter(|_| names.len() < 64) {
            match self.sections.get(&id) {
                Some((parent, name)) => {
                    names.push(name.as_str());
                    next = *parent;
                }
                None => break,
            }
        }
        names.reverse();
        names.join(" > ")
    }
}

/// The sections new cases need: existing ones found by name, the rest planned.
#[derive(Debug)]
pub struct SectionPlan<'a> {
    tree: &'a SectionTree,
    root: Place,
    planned: HashMap<(Place, String), usize>,
    /// Sections to create, parents before children.
    pub new: Vec<NewSection>,
}

impl<'a> SectionPlan<'a> {
    /// Plan below `root` (`--section-id`, or the top of the suite).
    pub fn new(tree: &'a SectionTree, root: Option<u64>) -> SectionPlan<'a> {
        SectionPlan {
            tree,
            root: root.map_or(Place::Root, Place::Existing),
            planned: HashMap::new(),
            new: Vec::new(),
        }
    }

    /// The place for a path of section names below the root (empty: the root itself).
    pub fn place(&mut self, path: &[String]) -> Place {
        let mut at = self.root;
        for raw in path {
            at = self.child(at, &title(raw));
        }
        at
    }

    fn child(&mut self, parent: Place, name: &str) -> Place {
        let existing = match parent {
            Place::Root => self.tree.by_name.get(&(None, name.to_string())),
            Place::Existing(id) => self.tree.by_name.get(&(Some(id), name.to_string())),
            Place::New(_) => None,
        };
        if let Some(&id) = existing {
            return Place::Existing(id);
        }
        let key = (parent, name.to_string());
        if let Some(&n) = self.planned.get(&key) {
            return Place::New(n);
        }
        let path = match self.describe(parent) {
            p if p.is_empty() => name.to_string(),
            p => format!("{p} > {name}"),
        };
        self.new.push(NewSection {
            name: name.to_string(),
            parent,
            path,
        });
        self.planned.insert(key, self.new.len() - 1);
        Place::New(self.new.len() - 1)
    }

    /// A place's path, for messages.
    pub fn describe(&self, place: Place) -> String {
        match place {
            Place::Root => String::new(),
            Place::Existing(id) => self.tree.path_of(id),
            Place::New(n) => self.new[n].path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: u64, name: &str, parent_id: Option<u64>) -> Section {
        Section {
            id,
            name: name.into(),
            parent_id,
            ..Section::default()
        }
    }

    fn path(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_existing_sections_by_parent_and_name() {
        let tree = SectionTree::new(&[
            section(1, "api", None),
            section(2, "auth", Some(1)),
            section(3, "auth", None),
        ]);
        let mut plan = SectionPlan::new(&tree, None);
        assert_eq!(plan.place(&path(&["api", "auth"])), Place::Existing(2));
        assert_eq!(plan.place(&path(&["auth"])), Place::Existing(3));
        assert!(plan.new.is_empty());
        assert_eq!(tree.path_of(2), "api > auth");
    }

    #[test]
    fn plans_missing_sections_once_parents_first() {
        let tree = SectionTree::new(&[section(7, "Imported", None)]);
        let mut plan = SectionPlan::new(&tree, Some(7));
        assert_eq!(plan.place(&path(&["a", "b"])), Place::New(1));
        assert_eq!(plan.place(&path(&["a", "b"])), Place::New(1));
        assert_eq!(plan.place(&path(&["a"])), Place::New(0));
        assert_eq!(plan.place(&[]), Place::Existing(7));
        assert_eq!(plan.new[0].parent, Place::Existing(7));
        assert_eq!(plan.new[1].parent, Place::New(0));
        assert_eq!(plan.new[1].path, "Imported > a > b");
    }
}
