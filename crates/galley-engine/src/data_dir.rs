//! Where Galley keeps its data: `GALLEY_DATA_DIR` when set (tests, portable installs), else the
//! platform's application-data folder (`~/.local/share/galley` on Linux). The app and the CLI
//! resolve it the same way, so they share one history.

use std::path::PathBuf;

pub const DATA_DIR_ENV: &str = "GALLEY_DATA_DIR";

pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("galley")
}
