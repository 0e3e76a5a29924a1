//! Finding local models: the default model, GGUF files in Galley's models folder, files the user
//! picked, and the models of a local Ollama store, whose manifests point at GGUF blobs.
//!
//! Each model gets an id that a blueprint records as its `modelId`:
//! - the default model: [`DEFAULT_MODEL_ID`];
//! - a file: its name without `.gguf` (so the same file in a colleague's models folder matches);
//! - an Ollama model: `ollama/<name>:<tag>` (`ollama/llama3.2:latest`).
//!
//! When two models share an id, the first source wins, in the order above.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::paths::{default_model_path, DEFAULT_MODEL_FILE};

/// The model id new blueprints use: the default model, wherever it is installed.
pub const DEFAULT_MODEL_ID: &str = "SmolLM2-135M-Instruct";
/// The prefix of Ollama model ids.
pub const OLLAMA_PREFIX: &str = "ollama/";
const OLLAMA_MODEL_LAYER: &str = "application/vnd.ollama.image.model";
const OLLAMA_REGISTRY: &str = "registry.ollama.ai";

/// Where a local model was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    Default,
    Folder,
    Picked,
    Ollama,
}

impl ModelSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelSource::Default => "default",
            ModelSource::Folder => "folder",
            ModelSource::Picked => "picked",
            ModelSource::Ollama => "ollama",
        }
    }
}

/// A model Galley can run locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalModel {
    pub id: String,
    pub path: PathBuf,
    pub source: ModelSource,
    /// `None` when the file is missing (the default model before `make model`, or a picked file
    /// that was moved).
    pub size_bytes: Option<u64>,
}

/// Where to look.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub models_dir: PathBuf,
    pub picked: Vec<PathBuf>,
    /// Ollama's models folder (`$OLLAMA_MODELS`, else `~/.ollama/models`), when there is one.
    pub ollama_dir: Option<PathBuf>,
}

impl Places {
    /// The usual places, with the files the user picked.
    pub fn standard(picked: Vec<PathBuf>) -> Places {
        Places {
            models_dir: crate::models_dir(),
            picked,
            ollama_dir: ollama_models_dir(),
        }
    }
}

/// Ollama's models folder: `$OLLAMA_MODELS`, else `~/.ollama/models`.
pub fn ollama_models_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OLLAMA_MODELS").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::home_dir().map(|home| home.join(".ollama").join("models"))
}

/// Every local model in `places`; the default model is always first, present or not.
pub fn discover(places: &Places) -> Vec<LocalModel> {
    let mut found = Vec::new();
    let default = places.models_dir.join(DEFAULT_MODEL_FILE);
    // the default model is where `make model` puts it; `models_dir` is normally the same folder
    let default = if default.is_file() {
        default
    } else {
        default_model_path()
    };
    found.push(model(
        DEFAULT_MODEL_ID.to_string(),
        default,
        ModelSource::Default,
    ));

    let mut files = gguf_files(&places.models_dir);
    files.retain(|p| p.file_name().is_none_or(|n| n != DEFAULT_MODEL_FILE));
    for path in files {
        found.push(model(file_id(&path), path, ModelSource::Folder));
    }
    for path in &places.picked {
        found.push(model(file_id(path), path.clone(), ModelSource::Picked));
    }
    if let Some(dir) = &places.ollama_dir {
        for (name, blob) in ollama_models(dir) {
            found.push(model(
                format!("{OLLAMA_PREFIX}{name}"),
                blob,
                ModelSource::Ollama,
            ));
        }
    }
    let mut seen = HashSet::new();
    found.retain(|m| seen.insert(m.id.clone()));
    found
}

/// The model with this id, if there is one.
pub fn resolve(places: &Places, id: &str) -> Option<LocalModel> {
    discover(places).into_iter().find(|m| m.id == id)
}

/// A file's model id: its name without the `.gguf` extension.
pub fn file_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match name.len().checked_sub(5) {
        Some(cut) if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".gguf") => {
            name[..cut].to_string()
        }
        _ => name,
    }
}

fn model(id: String, path: PathBuf, source: ModelSource) -> LocalModel {
    let size_bytes = std::fs::metadata(&path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    LocalModel {
        id,
        path,
        source,
        size_bytes,
    }
}

/// `*.gguf` files directly in `dir`, sorted by name.
fn gguf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("gguf"))
        })
        .collect();
    files.sort();
    files
}

/// `(name, GGUF blob)` for every Ollama manifest with a model layer whose blob exists, sorted.
fn ollama_models(models_dir: &Path) -> Vec<(String, PathBuf)> {
    let manifests = models_dir.join("manifests");
    let mut found = Vec::new();
    let mut stack = vec![manifests.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(found_one) = ollama_model(models_dir, &manifests, &path) {
                found.push(found_one);
            }
        }
    }
    found.sort();
    found
}

/// Reads one manifest `manifests/<registry>/<namespace>/<model>/<tag>`.
fn ollama_model(models_dir: &Path, manifests: &Path, manifest: &Path) -> Option<(String, PathBuf)> {
    let parts: Vec<String> = manifest
        .strip_prefix(manifests)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let [registry, namespace, name, tag] = parts.as_slice() else {
        return None;
    };
    let text = std::fs::read_to_string(manifest).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let digest = json
        .get("layers")?
        .as_array()?
        .iter()
        .find(|l| l.get("mediaType").and_then(|m| m.as_str()) == Some(OLLAMA_MODEL_LAYER))?
        .get("digest")?
        .as_str()?;
    let hex = digest.strip_prefix("sha256:")?;
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let blobs = models_dir.join("blobs");
    let blob = [format!("sha256-{hex}"), format!("sha256:{hex}")]
        .into_iter()
        .map(|f| blobs.join(f))
        .find(|p| p.is_file())?;
    let display = if registry == OLLAMA_REGISTRY && namespace == "library" {
        format!("{name}:{tag}")
    } else if registry == OLLAMA_REGISTRY {
        format!("{namespace}/{name}:{tag}")
    } else {
        format!("{registry}/{namespace}/{name}:{tag}")
    };
    Some((display, blob))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn manifest(digest: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:00"}},
               "layers":[{{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:11"}},
                         {{"mediaType":"application/vnd.ollama.image.model","digest":"{digest}","size":4}}]}}"#
        )
    }

    #[test]
    fn file_ids_drop_the_extension_only() {
        assert_eq!(
            file_id(Path::new("/m/Qwen2.5-0.5B-Q4_K_M.gguf")),
            "Qwen2.5-0.5B-Q4_K_M"
        );
        assert_eq!(file_id(Path::new("/m/phi.GGUF")), "phi");
        assert_eq!(file_id(Path::new("/m/weights.bin")), "weights.bin");
        assert_eq!(file_id(Path::new("/m/é.gguf")), "é");
    }

    #[test]
    fn finds_the_default_folder_picked_and_ollama_models_in_order() {
        let root = tempfile::tempdir().unwrap();
        let models = root.path().join("models");
        write(&models.join(DEFAULT_MODEL_FILE), "GGUF");
        write(&models.join("b-model.gguf"), "GGUF");
        write(&models.join("a-model.GGUF"), "GGUF");
        write(&models.join("notes.txt"), "not a model");
        let picked = root.path().join("elsewhere").join("picked.gguf");
        write(&picked, "GGUF");
        // the same id as a folder model: the folder wins
        let shadowed = root.path().join("other").join("b-model.gguf");
        write(&shadowed, "GGUF");
        let moved = root.path().join("gone.gguf");

        let ollama = root.path().join("ollama");
        let hex = "ab".repeat(32);
        write(&ollama.join("blobs").join(format!("sha256-{hex}")), "GGUF");
        let lib = ollama.join("manifests").join("registry.ollama.ai");
        write(
            &lib.join("library/llama3.2/latest"),
            &manifest(&format!("sha256:{hex}")),
        );
        write(
            &lib.join("someone/tiny/q4"),
            &manifest(&format!("sha256:{hex}")),
        );
        write(
            &ollama.join("manifests/hf.co/org/repo/Q8"),
            &manifest(&format!("sha256:{hex}")),
        );
        // a manifest whose blob is missing, and one that is not JSON: skipped
        write(
            &lib.join("library/absent/latest"),
            &manifest(&format!("sha256:{}", "cd".repeat(32))),
        );
        write(&lib.join("library/broken/latest"), "{not json");

        let places = Places {
            models_dir: models.clone(),
            picked: vec![picked.clone(), shadowed, moved.clone()],
            ollama_dir: Some(ollama.clone()),
        };
        let found = discover(&places);
        let summary: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|m| (m.id.as_str(), m.source.as_str(), m.size_bytes.is_some()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("SmolLM2-135M-Instruct", "default", true),
                ("a-model", "folder", true),
                ("b-model", "folder", true),
                ("picked", "picked", true),
                ("gone", "picked", false),
                ("ollama/hf.co/org/repo:Q8", "ollama", true),
                ("ollama/llama3.2:latest", "ollama", true),
                ("ollama/someone/tiny:q4", "ollama", true),
            ]
        );
        assert_eq!(found[0].path, models.join(DEFAULT_MODEL_FILE));
        assert_eq!(found[1].size_bytes, Some(4));
        let llama = resolve(&places, "ollama/llama3.2:latest").unwrap();
        assert_eq!(
            llama.path,
            ollama.join("blobs").join(format!("sha256-{hex}"))
        );
        assert_eq!(resolve(&places, "picked").unwrap().path, picked);
        assert!(resolve(&places, "nothing").is_none());
    }

    #[test]
    fn missing_places_find_only_the_default_model() {
        let root = tempfile::tempdir().unwrap();
        let places = Places {
            models_dir: root.path().join("nope"),
            picked: vec![],
            ollama_dir: Some(root.path().join("no-ollama")),
        };
        let found = discover(&places);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, DEFAULT_MODEL_ID);
        assert_eq!(found[0].source, ModelSource::Default);
    }
}
