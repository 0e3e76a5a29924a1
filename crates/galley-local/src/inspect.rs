//! Checks a file before llama.cpp reads it: that it is a GGUF file of a version llama.cpp reads,
//! and that it fits in the memory available now. llama.cpp's own loader would reject most bad
//! files too, but with a log line rather than a reason a user can act on.

use std::io::Read;
use std::path::Path;

use galley_providers::{ProviderError, ProviderErrorCode};

use crate::paths::missing_model;

/// The first four bytes of every GGUF file.
const MAGIC: &[u8; 4] = b"GGUF";
/// GGUF versions llama.cpp reads (1 is long gone).
const VERSIONS: std::ops::RangeInclusive<u32> = 2..=3;
/// Memory a loaded model needs beyond its file: context, buffers and the app itself.
const HEADROOM_BYTES: u64 = 256 * 1024 * 1024;

/// What the header of a GGUF file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GgufInfo {
    pub version: u32,
    pub tensors: u64,
    pub size_bytes: u64,
}

/// Reads the header of the GGUF file at `path`, or says why it is not one.
pub fn inspect(path: &Path) -> Result<GgufInfo, ProviderError> {
    let not_gguf = |why: String| {
        ProviderError::new(
            ProviderErrorCode::InvalidRequest,
            format!(
                "`{}` is not a usable GGUF model ({why}): pick a `.gguf` file of a chat model",
                path.display()
            ),
        )
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing_model(path)),
        Err(e) => return Err(not_gguf(format!("it cannot be read: {e}"))),
    };
    if !meta.is_file() {
        return Err(not_gguf("it is a folder, not a file".into()));
    }
    let mut header = [0u8; 24];
    let mut file =
        std::fs::File::open(path).map_err(|e| not_gguf(format!("it cannot be read: {e}")))?;
    let read = read_up_to(&mut file, &mut header)
        .map_err(|e| not_gguf(format!("it cannot be read: {e}")))?;
    if read < header.len() {
        return Err(not_gguf(format!("it is only {read} bytes long")));
    }
    if &header[..4] != MAGIC {
        return Err(not_gguf("it does not start with the GGUF signature".into()));
    }
    let version = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if !VERSIONS.contains(&version) {
        return Err(not_gguf(format!(
            "GGUF version {version}; this Galley reads versions 2 and 3"
        )));
    }
    let tensors = u64::from_le_bytes(header[8..16].try_into().expect("8 bytes"));
    if tensors == 0 {
        return Err(not_gguf("it holds no tensors".into()));
    }
    Ok(GgufInfo {
        version,
        tensors,
        size_bytes: meta.len(),
    })
}

/// Refuses a model that cannot fit in `available` bytes of memory (with some headroom), rather
/// than letting the system swap or kill the app.
pub fn check_fits(
    path: &Path,
    info: &GgufInfo,
    available: Option<u64>,
) -> Result<(), ProviderError> {
    let Some(available) = available else {
        return Ok(());
    };
    let needed = info.size_bytes.saturating_add(HEADROOM_BYTES);
    if needed > available {
        return Err(ProviderError::new(
            ProviderErrorCode::InvalidRequest,
            format!(
                "`{}` needs about {} of memory but only {} is available: close other programs \
                 or pick a smaller (more quantised) model",
                path.display(),
                human_bytes(needed),
                human_bytes(available)
            ),
        ));
    }
    Ok(())
}

/// The memory available to new allocations now (Linux `MemAvailable`); `None` where unknown.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&text)
}

fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line
        .trim_start_matches("MemAvailable:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// `1.5 GB`, `98 MB`, `512 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.gguf");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn header(version: u32, tensors: u64) -> Vec<u8> {
        let mut h = b"GGUF".to_vec();
        h.extend_from_slice(&version.to_le_bytes());
        h.extend_from_slice(&tensors.to_le_bytes());
        h.extend_from_slice(&7u64.to_le_bytes());
        h
    }

    #[test]
    fn a_gguf_header_is_read() {
        let (_d, path) = file_with(&header(3, 272));
        let info = inspect(&path).unwrap();
        assert_eq!(
            info,
            GgufInfo {
                version: 3,
                tensors: 272,
                size_bytes: 24
            }
        );
    }

    #[test]
    fn bad_files_are_named_with_the_reason() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                b"<html><body>Not found</body></html>".to_vec(),
                "GGUF signature",
            ),
            (b"GGUF".to_vec(), "only 4 bytes long"),
            (header(1, 5), "GGUF version 1"),
            (header(3, 0), "no tensors"),
        ];
        for (bytes, why) in cases {
            let (_d, path) = file_with(&bytes);
            let err = inspect(&path).unwrap_err();
            assert_eq!(err.code, ProviderErrorCode::InvalidRequest);
            assert!(err.message.contains(why), "{why}: {}", err.message);
            assert!(
                err.message.contains(&path.display().to_string()),
                "{}",
                err.message
            );
        }
        let dir = tempfile::tempdir().unwrap();
        assert!(inspect(dir.path()).unwrap_err().message.contains("folder"));
        let err = inspect(&dir.path().join("absent.gguf")).unwrap_err();
        assert_eq!(err.code, ProviderErrorCode::ModelNotFound);
    }

    #[test]
    fn a_model_larger_than_memory_is_refused_before_loading() {
        let path = Path::new("/models/huge.gguf");
        let info = GgufInfo {
            version: 3,
            tensors: 1,
            size_bytes: 40_000_000_000,
        };
        let err = check_fits(path, &info, Some(8_000_000_000)).unwrap_err();
        assert_eq!(
            err.message,
            "`/models/huge.gguf` needs about 40 GB of memory but only 8.0 GB is available: close \
             other programs or pick a smaller (more quantised) model"
        );
        assert!(check_fits(path, &info, Some(64_000_000_000)).is_ok());
        assert!(check_fits(path, &info, None).is_ok());
    }

    #[test]
    fn meminfo_and_sizes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
        assert_eq!(parse_meminfo(text), Some(20_480_000_000));
        assert_eq!(parse_meminfo("MemTotal: 5 kB"), None);
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(98_362_432), "98 MB");
        assert_eq!(human_bytes(1_500_000_000), "1.5 GB");
    }
}
