//! Writing the files users ask for.

use std::path::{Path, PathBuf};

use crate::EngineError;

/// Writes `bytes` to `path` through a temporary file beside it, so a failure leaves no
/// half-written file; `path` must be absolute (a path from a file dialog or the CLI's resolved
/// argument). Returns the path as written.
pub(crate) fn write_atomic(path: &str, bytes: &[u8]) -> Result<PathBuf, EngineError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(EngineError::invalid(format!(
            "`{}` is not a full path",
            path.display()
        )));
    }
    let tmp = tmp_beside(&path);
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            EngineError::invalid(format!("cannot write {}: {e}", path.display()))
        })?;
    Ok(path)
}

fn tmp_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".galley-tmp");
    path.with_file_name(name)
}

/// Reads a file the user chose, refusing a folder or a file over `max_bytes` before reading it;
/// `expected` names what should have been chosen ("a CSV or JSONL file").
pub(crate) fn read_limited(
    path: &Path,
    expected: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, EngineError> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| EngineError::invalid(format!("cannot read {shown}: {e}")))?;
    if meta.is_dir() {
        return Err(EngineError::invalid(format!(
            "{shown} is a folder: choose {expected}"
        )));
    }
    if meta.len() > max_bytes {
        return Err(EngineError::invalid(format!(
            "{shown} is {} MB: {expected} may have at most {} MB",
            meta.len() / (1024 * 1024),
            max_bytes / (1024 * 1024)
        )));
    }
    std::fs::read(path).map_err(|e| EngineError::invalid(format!("cannot read {shown}: {e}")))
}
