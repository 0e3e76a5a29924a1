//! The AWS profile names a user can pick in Settings. Only section headers are read: no value of
//! any key (secrets included) is ever looked at or returned.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::error::{ProviderError, ProviderErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile name]`; other sections are not profiles.
    Config,
    /// `~/.aws/credentials`: `[name]`.
    Credentials,
}

/// The profile named by one section header line, if it is one.
fn profile_of_header(line: &str, kind: FileKind) -> Option<String> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    let rest = inner[end + 1..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
        return None;
    }
    let name = inner[..end].trim();
    let name = match kind {
        FileKind::Credentials => name,
        FileKind::Config if name == "default" => name,
        FileKind::Config => {
            let (word, profile) = name.split_once(char::is_whitespace)?;
            if word != "profile" {
                // sso-session, services and anything newer
                return None;
            }
            profile.trim()
        }
    };
    let valid = !name.is_empty() && !name.chars().any(char::is_whitespace);
    valid.then(|| name.to_string())
}

fn read_profiles(
    path: &Path,
    kind: FileKind,
    names: &mut BTreeSet<String>,
) -> Result<(), ProviderError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(ProviderError::new(
                ProviderErrorCode::Other,
                format!("cannot read the AWS file `{}`: {e}", path.display()),
            ))
        }
    };
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| {
            ProviderError::new(
                ProviderErrorCode::Other,
                format!("cannot read the AWS file `{}`: {e}", path.display()),
            )
        })?;
        // Only lines that open a section are looked at.
        if line.trim_start().starts_with('[') {
            if let Some(name) = profile_of_header(&line, kind) {
                names.insert(name);
            }
        }
    }
    Ok(())
}

/// Profile names in these files (a missing file has none), sorted, without duplicates.
pub fn list_profiles_in(
    config_file: Option<&Path>,
    credentials_file: Option<&Path>,
) -> Result<Vec<String>, ProviderError> {
    let mut names = BTreeSet::new();
    if let Some(path) = config_file {
        read_profiles(path, FileKind::Config, &mut names)?;
    }
    if let Some(path) = credentials_file {
        read_profiles(path, FileKind::Credentials, &mut names)?;
    }
    Ok(names.into_iter().collect())
}

fn file_from_env(var: &str, default: &str) -> Option<PathBuf> {
    let home = dirs::home_dir();
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(value) => {
            let value = PathBuf::from(value);
            match (value.strip_prefix("~"), &home) {
                (Ok(rest), Some(home)) => Some(home.join(rest)),
                _ => Some(value),
            }
        }
        None => home.map(|h| h.join(".aws").join(default)),
    }
}

/// The AWS config and credentials files aws-config reads: `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`.
pub fn aws_files() -> (Option<PathBuf>, Option<PathBuf>) {
    (
        file_from_env("AWS_CONFIG_FILE", "config"),
        file_from_env("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// The user's AWS profile names (see [`aws_files`]).
pub fn list_profiles() -> Result<Vec<String>, ProviderError> {
    let (config, credentials) = aws_files();
    list_profiles_in(config.as_deref(), credentials.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        path
    }

    #[test]
    fn names_from_config_and_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let config = write(
            dir.path(),
            "config",
            "[default]\nregion = us-east-1\n\n[profile dev]\nsso_session = corp\n\
             [profile  spaced ] # comment\n\n[sso-session corp]\nsso_start_url = https://x\n\
             [services local]\nbedrock-runtime =\n  endpoint_url = http://127.0.0.1\n\
             [orphan]\n# [profile commented]\n  [profile indented]\n[profile two words]\n",
        );
        let credentials = write(
            dir.path(),
            "credentials",
            "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n\
             [ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret-value\n",
        );
        let names = list_profiles_in(Some(&config), Some(&credentials)).unwrap();
        assert_eq!(names, ["ci", "default", "dev", "indented", "spaced"]);
        let all = names.join(" ");
        for secret in ["wJalrXUtnFEMI", "ci-secret-value", "AKIDCI", "AKIDEXAMPLE"] {
            assert!(!all.contains(secret));
        }
    }

    #[test]
    fn missing_files_have_no_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let names = list_profiles_in(
            Some(&dir.path().join("nope")),
            Some(&dir.path().join("nope2")),
        )
        .unwrap();
        assert!(names.is_empty());
        assert!(list_profiles_in(None, None).unwrap().is_empty());
    }

    #[test]
    fn a_directory_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = list_profiles_in(Some(dir.path()), None).unwrap_err();
        assert!(
            err.message.contains(&dir.path().display().to_string()),
            "{}",
            err.message
        );
    }

    #[test]
    fn headers() {
        use FileKind::*;
        assert_eq!(
            profile_of_header("[default]", Config).as_deref(),
            Some("default")
        );
        assert_eq!(
            profile_of_header("[profile x]", Config).as_deref(),
            Some("x")
        );
        assert_eq!(profile_of_header("[x]", Config), None);
        assert_eq!(profile_of_header("[sso-session x]", Config), None);
        assert_eq!(profile_of_header("[x]", Credentials).as_deref(), Some("x"));
        assert_eq!(
            profile_of_header("[x] ; note", Credentials).as_deref(),
            Some("x")
        );
        assert_eq!(profile_of_header("[x] junk", Credentials), None);
        assert_eq!(profile_of_header("[]", Credentials), None);
        assert_eq!(profile_of_header("[profile ]", Config), None);
    }
}
