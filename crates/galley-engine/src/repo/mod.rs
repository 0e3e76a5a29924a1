//! Blueprints as files in a folder (a team's git repository): export writes one YAML file per
//! blueprint with its whole history (`galley_core::bpfile`) and the JSON Schema beside them;
//! import reads them back, adding what is new and refusing what diverged, and reads the
//! dataset files beside them (a new version when a file's cases changed).
//!
//! Layout of an exported folder:
//!
//! ```text
//! blueprints/<name>.galley.yaml      one blueprint, every version, its labels
//! datasets/<name>.csv                a dataset's latest version (with `datasets`; or .jsonl)
//! schemas/blueprint.schema.json      the file format's JSON Schema (editors check against it)
//! .github/workflows/galley-eval.yml  `galley eval` on pull requests (with `workflow`)
//! ```
//!
//! With `commit`, the written files (and only they) are committed with `git`.

mod datasets_in;
mod export;
mod formats;
mod git;
mod history;
mod import;
mod import_foreign;
mod model;
mod workflow;

pub use model::*;

/// Where blueprint files go, relative to the exported folder.
const BLUEPRINTS_DIR: &str = "blueprints";
/// Where the schema goes, relative to the exported folder.
const SCHEMA_FILE: &str = "schemas/blueprint.schema.json";
/// The schema as a blueprint file refers to it (relative to the file).
const SCHEMA_FROM_FILE: &str = "../schemas/blueprint.schema.json";
/// The ending of blueprint files.
const FILE_SUFFIX: &str = ".galley.yaml";
/// Where dataset files go, relative to the exported folder.
const DATASETS_DIR: &str = "datasets";

/// A file name for a blueprint: lower case, letters and digits kept, every other run of
/// characters one `-` (so "Support reply (EN)" is `support-reply-en`).
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "blueprint".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("Support reply (EN)"), "support-reply-en");
        assert_eq!(slug("  Résumé: v2!"), "résumé-v2");
        assert_eq!(slug("***"), "blueprint");
    }
}
