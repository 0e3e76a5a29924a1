//! How each side's llama.cpp was built, read from what the builds left behind: the lock file for
//! the crate versions, and the CMake cache of each llama.cpp build (llama-cpp-sys-2's under
//! `target/release/build`, llama-cpp-python's in the venv, where the Makefile keeps it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The options that decide the CPU code llama.cpp runs, in the order they are printed.
pub const KEYS: &[&str] = &[
    "CMAKE_BUILD_TYPE",
    "BUILD_SHARED_LIBS",
    "GGML_NATIVE",
    "GGML_SSE42",
    "GGML_AVX",
    "GGML_AVX2",
    "GGML_AVX_VNNI",
    "GGML_AVX512",
    "GGML_FMA",
    "GGML_F16C",
    "GGML_BMI2",
    "GGML_OPENMP",
    "GGML_LLAMAFILE",
    "GGML_CPU_REPACK",
    "GGML_BLAS",
];

/// The version of `package` in the workspace's lock file, as this binary was built.
pub fn lock_version(package: &str) -> Option<String> {
    let lock = include_str!("../../Cargo.lock");
    let needle = format!("name = \"{package}\"\nversion = \"");
    let at = lock.find(&needle)? + needle.len();
    lock[at..].split('"').next().map(str::to_string)
}

/// A llama.cpp build: its CMake options and ggml's version.
#[derive(Debug, Clone)]
pub struct LlamaBuild {
    pub dir: PathBuf,
    pub options: BTreeMap<String, String>,
    pub ggml_version: Option<String>,
}

impl LlamaBuild {
    /// Reads the build in `dir` (the folder of its `CMakeCache.txt`).
    pub fn read(dir: &Path) -> Option<LlamaBuild> {
        let cache = std::fs::read_to_string(dir.join("CMakeCache.txt")).ok()?;
        let options = cache
            .lines()
            .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
            .filter_map(|l| {
                let (key, value) = l.split_once('=')?;
                let (name, _type) = key.split_once(':')?;
                Some((name.to_string(), value.to_string()))
            })
            .collect();
        let ggml_version = ["ggml", "vendor/llama.cpp/ggml"]
            .iter()
            .find_map(|sub| {
                std::fs::read_to_string(dir.join(sub).join("ggml-config-version.cmake")).ok()
            })
            .and_then(|text| {
                let at = text.find("set(PACKAGE_VERSION \"")? + "set(PACKAGE_VERSION \"".len();
                text[at..].split('"').next().map(str::to_string)
            });
        Some(LlamaBuild {
            dir: dir.to_path_buf(),
            options,
            ggml_version,
        })
    }

    /// Galley's: the newest llama-cpp-sys-2 build next to this executable (`target/release`).
    pub fn galley() -> Option<LlamaBuild> {
        let exe = std::env::current_exe().ok()?;
        let builds = exe.parent()?.join("build");
        let newest = std::fs::read_dir(builds)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("llama-cpp-sys-2-")
            })
            .map(|e| e.path().join("out").join("build"))
            .filter_map(|dir| {
                let modified = dir
                    .join("CMakeCache.txt")
                    .metadata()
                    .ok()?
                    .modified()
                    .ok()?;
                Some((modified, dir))
            })
            .max_by_key(|(modified, _)| *modified)?;
        LlamaBuild::read(&newest.1)
    }

    /// Whether llama.cpp was built as shared libraries (llama-cpp-python sets `BUILD_SHARED_LIBS`
    /// as a plain variable, not in the cache: its `libllama.so` tells).
    pub fn shared(&self) -> bool {
        is_on(self.get("BUILD_SHARED_LIBS")) || self.dir.join("bin").join("libllama.so").exists()
    }

    /// An option's value, `?` when the cache does not have it.
    pub fn get(&self, key: &str) -> &str {
        self.options.get(key).map_or("?", String::as_str)
    }

    /// The options of [`KEYS`] in one line: the build type, static or shared, then the switches.
    pub fn summary(&self) -> String {
        let linkage = if self.shared() { "shared" } else { "static" };
        let mut on = Vec::new();
        let mut off = Vec::new();
        for key in &KEYS[2..] {
            let name = key.trim_start_matches("GGML_");
            if is_on(self.get(key)) {
                on.push(name);
            } else {
                off.push(name);
            }
        }
        format!(
            "{}, {linkage}, on: {}; off: {}",
            self.get("CMAKE_BUILD_TYPE"),
            on.join(" "),
            off.join(" ")
        )
    }

    /// The options of [`KEYS`] (linkage aside: Python needs shared libraries) that differ.
    pub fn differences(&self, other: &LlamaBuild) -> Vec<String> {
        KEYS.iter()
            .copied()
            .filter(|&k| k != "BUILD_SHARED_LIBS")
            .filter(|&k| {
                let (a, b) = (self.get(k), other.get(k));
                if k == "CMAKE_BUILD_TYPE" {
                    a != b
                } else {
                    is_on(a) != is_on(b)
                }
            })
            .map(|k| format!("{k} {} vs {}", self.get(k), other.get(k)))
            .collect()
    }
}

fn is_on(value: &str) -> bool {
    matches!(
        value.to_ascii_uppercase().as_str(),
        "ON" | "1" | "TRUE" | "YES" | "Y"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_names_the_llama_cpp_crates() {
        assert!(lock_version("llama-cpp-2").is_some_and(|v| v.starts_with("0.1.")));
        assert!(lock_version("llama-cpp-sys-2").is_some());
        assert_eq!(lock_version("no-such-crate"), None);
    }

    #[test]
    fn a_cmake_cache_is_read_and_compared() {
        let dir = std::env::temp_dir().join(format!("galley-bench-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("ggml")).unwrap();
        std::fs::write(
            dir.join("CMakeCache.txt"),
            "// comment\nCMAKE_BUILD_TYPE:STRING=Release\nGGML_AVX2:BOOL=ON\nGGML_OPENMP:BOOL=OFF\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("ggml/ggml-config-version.cmake"),
            "set(PACKAGE_VERSION \"0.26.0\")\n",
        )
        .unwrap();
        let a = LlamaBuild::read(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(a.get("GGML_AVX2"), "ON");
        assert_eq!(a.get("GGML_FMA"), "?");
        assert_eq!(a.ggml_version.as_deref(), Some("0.26.0"));
        assert!(a
            .summary()
            .starts_with("Release, static, on: AVX2; off: NATIVE SSE42"));
        let mut b = a.clone();
        b.options.insert("GGML_OPENMP".into(), "ON".into());
        b.options.insert("BUILD_SHARED_LIBS".into(), "ON".into());
        assert_eq!(a.differences(&b), vec!["GGML_OPENMP OFF vs ON".to_string()]);
    }
}
