//! Blueprint names and tags: what is allowed, and the name of a duplicate.

pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

/// A trimmed, valid blueprint name, or why not.
pub fn validate_name(raw: &str) -> Result<String, String> {
    validate_name_of("a blueprint", raw)
}

/// A trimmed, valid name of `what` (`a blueprint`, `a dataset`), or why not: the same rules for
/// every named thing.
pub fn validate_name_of(what: &str, raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(format!("{what} needs a name"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("name is longer than {MAX_NAME_CHARS} characters"));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "name contains a control character (U+{:04X})",
            c as u32
        ));
    }
    Ok(name.to_string())
}

/// Lower-cased, de-duplicated, validated tags, in the order given.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let tag = t.trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(format!(
                "tag `{tag}` is longer than {MAX_TAG_CHARS} characters"
            ));
        }
        if let Some(c) = tag
            .chars()
            .find(|c| !(c.is_alphanumeric() || "-_./".contains(*c)))
        {
            return Err(format!(
                "tag `{tag}` contains `{c}`: use letters, digits, - _ . /"
            ));
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(format!("at most {MAX_TAGS} tags"));
    }
    Ok(out)
}

/// The first free name of the form `NAME (copy)`, `NAME (copy 2)`, ... given the names taken
/// (compared case-insensitively, as the store does).
pub fn copy_name(name: &str, taken: &[String]) -> String {
    let taken: Vec<String> = taken.iter().map(|t| t.to_lowercase()).collect();
    (1..)
        .map(|i| {
            if i == 1 {
                format!("{name} (copy)")
            } else {
                format!("{name} (copy {i})")
            }
        })
        .find(|c| !taken.contains(&c.to_lowercase()))
        .expect("an unbounded range always has a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(validate_name("  Support reply ").unwrap(), "Support reply");
        assert_eq!(validate_name("  ").unwrap_err(), "a blueprint needs a name");
        assert!(validate_name(&"n".repeat(121)).is_err());
        assert_eq!(
            validate_name("a\u{0}b").unwrap_err(),
            "name contains a control character (U+0000)"
        );
    }

    #[test]
    fn tags_are_normalised() {
        let tags = vec![
            " Support ".to_string(),
            "support".into(),
            "".into(),
            "v2/beta".into(),
        ];
        assert_eq!(normalize_tags(&tags).unwrap(), vec!["support", "v2/beta"]);
        assert!(normalize_tags(&["bad tag".into()])
            .unwrap_err()
            .contains("` `"));
    }

    #[test]
    fn copies_get_free_names() {
        let taken = vec!["Greeter".to_string(), "greeter (copy)".into()];
        assert_eq!(copy_name("Greeter", &taken), "Greeter (copy 2)");
        assert_eq!(copy_name("Other", &taken), "Other (copy)");
    }
}
