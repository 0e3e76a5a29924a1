//! How a blueprint file's history meets Galley's, and what importing it writes: a pure value
//! computed before anything is written (the plan of [`super::import`]).
//!
//! Histories are compared version by version on their content hashes. The file either continues
//! Galley's history (its versions after Galley's latest are appended with their own numbers),
//! is behind it (nothing to add), or the two diverge at some version. A diverged file is then
//! what the user decides: keep Galley's history (nothing imported), import the file as a copy
//! (a new blueprint with the file's whole history) or take the file's (its versions after the
//! common part appended on top of Galley's as new versions).
//!
//! A hand edit of the file's latest version is one more version after it: its content with the
//! message "Edited in FILE", and the labels on the edited version follow it.

use std::collections::BTreeMap;

use galley_core::bpfile::BlueprintFile;
use galley_core::name::MAX_NAME_CHARS;
use galley_core::{BlueprintContent, Label};
use galley_store::{LabelState, Version, VersionMeta};

use super::{ConflictSide, ImportChoice, ImportConflict, ImportOutcome};

/// The facts a plan is made from.
pub(super) struct Meeting<'a> {
    /// The file's name (for messages and copy names).
    pub file_name: &'a str,
    pub file: &'a BlueprintFile,
    /// The number of the file's latest version when it was edited by hand.
    pub edited: Option<u32>,
    /// Galley's versions, oldest first (empty when Galley has no such blueprint).
    pub ours: &'a [VersionMeta],
    /// Galley's labels of that blueprint.
    pub labels: &'a [LabelState],
    /// Galley has a blueprint of that name.
    pub exists: bool,
    /// Who makes the edit's version (Galley's user) and when.
    pub author: &'a str,
    pub now: &'a str,
}

/// What importing one file does.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub outcome: ImportOutcome,
    pub conflict: Option<ImportConflict>,
    /// The choice applied to a conflict.
    pub resolution: Option<ImportChoice>,
    /// Create a blueprint with this name (a new one, or the copy).
    pub create: Option<String>,
    /// Versions to append, with their final numbers, in order.
    pub versions: Vec<Version>,
    /// Labels to point, at final numbers; only those that move.
    pub labels: Vec<(Label, u32)>,
    pub message: String,
}

impl Plan {
    pub fn writes_nothing(&self) -> bool {
        self.create.is_none() && self.versions.is_empty() && self.labels.is_empty()
    }

    pub fn labels_moved(&self) -> Vec<String> {
        self.labels
            .iter()
            .map(|(l, v)| format!("{l} → v{v}"))
            .collect()
    }
}

/// One version the file brings: one of its own, or the hand edit of its latest.
struct Incoming<'a> {
    /// The file's number for it (the edited version's number for an edit).
    number: u32,
    meta: VersionMeta,
    content: &'a BlueprintContent,
    edit: bool,
}

impl Meeting<'_> {
    /// The plan for this file with the user's choice for a conflict (none: undecided, which
    /// imports nothing from a diverged file, like `keep`).
    pub fn plan(&self, choice: Option<ImportChoice>, copy_name: Option<&str>) -> Plan {
        let incoming = self.incoming();
        let ours = self.ours;
        // Versions both sides have, compared on the hashes the file states (a hand-edited
        // version still states the hash of the version it was edited from).
        let common = ours
            .iter()
            .zip(&self.file.versions)
            .take_while(|(o, t)| o.content_hash == t.content_hash)
            .count();
        // The file's versions after the common part: its own ones not yet in Galley, then the
        // edit (an edit of a common version comes right after it).
        let tail: Vec<&Incoming<'_>> = incoming
            .iter()
            .filter(|i| i.edit || i.number as usize > common)
            .collect();

        if common == ours.len() {
            return self.fast_forward(&tail);
        }
        if tail.is_empty() {
            return Plan {
                outcome: ImportOutcome::Unchanged,
                conflict: None,
                resolution: None,
                create: None,
                versions: vec![],
                labels: vec![],
                message: format!("Galley is ahead (up to v{}): nothing to add", ours.len()),
            };
        }
        let conflict = self.conflict(common, &tail);
        match choice {
            None | Some(ImportChoice::Keep) => {
                let message = match choice {
                    None => unresolved_message(&conflict, tail[0].edit, ours.len()),
                    _ => format!(
                        "kept Galley's history (the file differs from version {} on): nothing \
                         imported",
                        conflict.version
                    ),
                };
                Plan {
                    outcome: ImportOutcome::Conflict,
                    conflict: Some(conflict),
                    resolution: choice,
                    create: None,
                    versions: vec![],
                    labels: vec![],
                    message,
                }
            }
            Some(ImportChoice::Copy) => {
                let name = copy_name.unwrap_or(&self.file.name).to_string();
                let all: Vec<&Incoming<'_>> = incoming.iter().collect();
                let (versions, numbers) = renumber(&all, 0, None, |i| i.meta.message.clone());
                let labels = self.file_labels(&numbers, &[], false);
                let n = versions.len();
                Plan {
                    outcome: ImportOutcome::Conflict,
                    conflict: Some(conflict),
                    resolution: Some(ImportChoice::Copy),
                    message: format!("as a new blueprint “{name}” with {}", count(n)),
                    create: Some(name),
                    versions,
                    labels,
                }
            }
            Some(ImportChoice::Theirs) => {
                let last = ours.last();
                let file_name = self.file_name;
                let (versions, numbers) = renumber(
                    &tail,
                    ours.len() as u32,
                    last.map(|l| l.content_hash.as_str()),
                    |i| match i.edit {
                        true => format!("{} (an edit of its v{})", i.meta.message, i.number),
                        false => format!("{} (v{} in {file_name})", i.meta.message, i.number),
                    },
                );
                let labels = self.file_labels(&numbers, self.labels, false);
                let message = match (versions.first(), versions.last()) {
                    (Some(a), Some(_)) if tail.len() == 1 && tail[0].edit => format!(
                        "the file's edit of its v{}: added after Galley's v{} as v{}",
                        tail[0].number,
                        ours.len(),
                        a.meta.number
                    ),
                    (Some(a), Some(b)) => format!(
                        "the file's {} from v{} on: added after Galley's v{} as {}",
                        count(versions.len()),
                        conflict.version,
                        ours.len(),
                        span(a.meta.number, b.meta.number)
                    ),
                    _ => "the file's versions are already Galley's latest: nothing to add".into(),
                };
                Plan {
                    outcome: ImportOutcome::Conflict,
                    conflict: Some(conflict),
                    resolution: Some(ImportChoice::Theirs),
                    create: None,
                    versions,
                    labels,
                    message,
                }
            }
        }
    }

    /// The file continues Galley's history (or Galley has none): its new versions keep their
    /// numbers, and its labels are Galley's from now on.
    fn fast_forward(&self, tail: &[&Incoming<'_>]) -> Plan {
        let base = self.ours.len() as u32;
        let (versions, numbers) = renumber(tail, base, None, |i| i.meta.message.clone());
        let labels = self.file_labels(&numbers, self.labels, true);
        let outcome = match (self.exists, versions.is_empty() && labels.is_empty()) {
            (false, _) => ImportOutcome::New,
            (true, true) => ImportOutcome::Unchanged,
            (true, false) => ImportOutcome::Updated,
        };
        let mut message = match outcome {
            ImportOutcome::New => format!("new blueprint with {}", count(versions.len())),
            ImportOutcome::Unchanged => "already up to date".to_string(),
            _ if versions.is_empty() => "labels moved".to_string(),
            _ => format!("{} added", count(versions.len())),
        };
        if let Some(e) = self.edited {
            message.push_str(&format!(
                "; version {e} was edited in the file and is saved as a new version"
            ));
        }
        Plan {
            outcome,
            conflict: None,
            resolution: None,
            create: (!self.exists).then(|| self.file.name.clone()),
            versions,
            labels,
            message,
        }
    }

    /// The file's versions as Galley would store them: all but a hand-edited latest as they
    /// are, then the edit as a version of its own.
    fn incoming(&self) -> Vec<Incoming<'_>> {
        let mut out = Vec::with_capacity(self.file.versions.len() + 1);
        for v in &self.file.versions {
            let meta = VersionMeta {
                number: v.number,
                parent: v.parent,
                message: v.message.clone(),
                author: v.author.clone(),
                created_at: v.created_at.clone(),
                content_hash: v.content_hash.clone(),
            };
            if self.edited == Some(v.number) {
                out.push(Incoming {
                    number: v.number,
                    meta: VersionMeta {
                        message: format!("Edited in {}", self.file_name),
                        author: self.author.to_string(),
                        created_at: self.now.to_string(),
                        content_hash: v.content.content_hash(),
                        ..meta
                    },
                    content: &v.content,
                    edit: true,
                });
            } else {
                out.push(Incoming {
                    number: v.number,
                    meta,
                    content: &v.content,
                    edit: false,
                });
            }
        }
        out
    }

    fn conflict(&self, common: usize, tail: &[&Incoming<'_>]) -> ImportConflict {
        let o = &self.ours[common];
        let t = tail[0];
        let theirs = if t.edit {
            let original = &self.file.versions[t.number as usize - 1];
            ConflictSide {
                number: t.number,
                message: format!("{} (edited by hand in the file)", original.message),
                author: original.author.clone(),
                created_at: original.created_at.clone(),
            }
        } else {
            ConflictSide {
                number: t.number,
                message: t.meta.message.clone(),
                author: t.meta.author.clone(),
                created_at: t.meta.created_at.clone(),
            }
        };
        ImportConflict {
            version: common as u32 + 1,
            ours: ConflictSide {
                number: o.number,
                message: o.message.clone(),
                author: o.author.clone(),
                created_at: o.created_at.clone(),
            },
            theirs,
            ours_count: (self.ours.len() - common) as u32,
            theirs_count: tail.len() as u32,
        }
    }

    /// The file's labels that point at written versions (at their new numbers; the edit takes
    /// the labels of the version it was made on) and, with `common`, at versions Galley already
    /// has; without those that already point there.
    fn file_labels(
        &self,
        numbers: &BTreeMap<u32, u32>,
        current: &[LabelState],
        common: bool,
    ) -> Vec<(Label, u32)> {
        self.file
            .labels
            .iter()
            .filter_map(|(label, v)| {
                let target = match numbers.get(v) {
                    Some(n) => *n,
                    None if common && (*v as usize) <= self.ours.len() => *v,
                    None => return None,
                };
                let already = current
                    .iter()
                    .any(|c| c.label == *label && c.version == target);
                (!already).then_some((*label, target))
            })
            .collect()
    }
}

/// Gives `tail` the numbers after `base`, each version's parent the one before it. A version
/// whose content equals the one before it is not written again (its labels go to that one).
/// Returns the versions and the map from the file's numbers (the edited version's number for
/// an edit) to the numbers written.
fn renumber(
    tail: &[&Incoming<'_>],
    base: u32,
    base_hash: Option<&str>,
    message: impl Fn(&Incoming<'_>) -> String,
) -> (Vec<Version>, BTreeMap<u32, u32>) {
    let mut versions: Vec<Version> = Vec::new();
    let mut numbers = BTreeMap::new();
    let mut last_hash = base_hash.map(str::to_string);
    let mut last = base;
    for i in tail {
        if last_hash.as_deref() == Some(i.meta.content_hash.as_str()) {
            if last > 0 {
                numbers.insert(i.number, last);
            }
            continue;
        }
        let number = last + 1;
        let meta = VersionMeta {
            number,
            parent: (last > 0).then_some(last),
            message: message(i),
            ..i.meta.clone()
        };
        last_hash = Some(meta.content_hash.clone());
        last = number;
        numbers.insert(i.number, number);
        versions.push(Version {
            meta,
            content: i.content.clone(),
        });
    }
    (versions, numbers)
}

fn unresolved_message(c: &ImportConflict, edit: bool, ours: usize) -> String {
    if edit && c.theirs.number < c.version {
        return format!(
            "version {} was edited in the file, but Galley already has later versions (up to \
             v{ours}): nothing imported; keep Galley's, import the file as a copy, or take the \
             file's edit as a new version",
            c.theirs.number
        );
    }
    format!(
        "version {} differs from Galley's (“{}” here, “{}” in the file): the histories diverged, \
         nothing imported; keep Galley's, import the file as a copy, or take the file's versions",
        c.version, c.ours.message, c.theirs.message
    )
}

/// The name of the copy of `name` made from `file`: `NAME (from FILE)`, then `NAME (from FILE,
/// 2)`, ... until one is free (compared case-insensitively, as the store does).
pub(super) fn copy_name(name: &str, file: &str, taken: &[String]) -> String {
    let taken: Vec<String> = taken.iter().map(|t| t.to_lowercase()).collect();
    (1..)
        .map(|i| {
            let suffix = if i == 1 {
                format!(" (from {file})")
            } else {
                format!(" (from {file}, {i})")
            };
            let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count()).max(1);
            let stem: String = name.chars().take(room).collect();
            format!("{}{suffix}", stem.trim_end())
        })
        .find(|c| !taken.contains(&c.to_lowercase()))
        .expect("an unbounded range always has a free name")
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 version".to_string()
    } else {
        format!("{n} versions")
    }
}

fn span(a: u32, b: u32) -> String {
    if a == b {
        format!("v{a}")
    } else {
        format!("v{a}–v{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use galley_core::bpfile::FileVersion;

    fn content(system: &str) -> BlueprintContent {
        BlueprintContent::chat(system, "{{ question }}")
    }

    fn meta(number: u32, system: &str) -> VersionMeta {
        VersionMeta {
            number,
            parent: number.checked_sub(1).filter(|n| *n > 0),
            message: format!("ours {number}"),
            author: "ben".into(),
            created_at: "2025-01-01T00:00:00Z".into(),
            content_hash: content(system).content_hash(),
        }
    }

    #[test]
    fn an_edit_made_behind_galley_is_taken_as_one_new_version_with_its_labels() {
        let ours = [meta(1, "one"), meta(2, "two"), meta(3, "three")];
        // The file has v1 and v2, and v2 was edited by hand (it still states v2's hash).
        let file = BlueprintFile {
            name: "Reply".into(),
            tags: vec![],
            labels: [(Label::Prod, 2)].into_iter().collect(),
            versions: vec![
                FileVersion {
                    number: 1,
                    message: "ours 1".into(),
                    author: "ben".into(),
                    created_at: "2025-01-01T00:00:00Z".into(),
                    parent: None,
                    content_hash: content("one").content_hash(),
                    content: content("one"),
                },
                FileVersion {
                    number: 2,
                    message: "ours 2".into(),
                    author: "ben".into(),
                    created_at: "2025-01-01T00:00:00Z".into(),
                    parent: Some(1),
                    content_hash: content("two").content_hash(),
                    content: content("two, edited"),
                },
            ],
        };
        let m = Meeting {
            file_name: "reply.galley.yaml",
            file: &file,
            edited: Some(2),
            ours: &ours,
            labels: &[],
            exists: true,
            author: "ana",
            now: "2025-02-02T00:00:00Z",
        };
        let open = m.plan(None, None);
        let c = open.conflict.clone().unwrap();
        assert_eq!((c.version, c.ours_count, c.theirs_count), (3, 1, 1));
        assert_eq!(c.theirs.message, "ours 2 (edited by hand in the file)");
        assert!(open.message.starts_with("version 2 was edited in the file"));
        assert!(open.writes_nothing());

        let theirs = m.plan(Some(ImportChoice::Theirs), None);
        assert_eq!(theirs.versions.len(), 1);
        let v = &theirs.versions[0];
        assert_eq!(
            (
                v.meta.number,
                v.meta.parent,
                v.meta.message.as_str(),
                v.meta.author.as_str()
            ),
            (
                4,
                Some(3),
                "Edited in reply.galley.yaml (an edit of its v2)",
                "ana"
            )
        );
        assert_eq!(v.meta.content_hash, content("two, edited").content_hash());
        assert_eq!(theirs.labels, [(Label::Prod, 4)]);

        let copy = m.plan(
            Some(ImportChoice::Copy),
            Some("Reply (from reply.galley.yaml)"),
        );
        assert_eq!(
            copy.create.as_deref(),
            Some("Reply (from reply.galley.yaml)")
        );
        let numbers: Vec<_> = copy.versions.iter().map(|v| v.meta.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(copy.versions[1].meta.message, "Edited in reply.galley.yaml");
        assert_eq!(copy.labels, [(Label::Prod, 2)]);
    }

    #[test]
    fn copy_names_are_free_and_short_enough() {
        let taken = vec!["Reply (from r.galley.yaml)".to_string()];
        assert_eq!(
            copy_name("Reply", "r.galley.yaml", &[]),
            "Reply (from r.galley.yaml)"
        );
        assert_eq!(
            copy_name("reply", "r.galley.yaml", &taken),
            "reply (from r.galley.yaml, 2)"
        );
        let long = copy_name(&"n".repeat(200), "r.galley.yaml", &[]);
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
    }
}
