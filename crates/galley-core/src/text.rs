//! Positions in text as editors count them.
//!
//! The UI's editor counts columns in UTF-16 code units (JavaScript string indices), minijinja in
//! bytes. These helpers convert a byte offset into a 1-based line and a 1-based UTF-16 column.

/// 1-based line and UTF-16 column of `byte` in `src`. Offsets past the end clamp to the end;
/// offsets inside a character snap back to its start.
pub fn line_col(src: &str, byte: usize) -> (u32, u32) {
    let mut byte = byte.min(src.len());
    while !src.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &src[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = src[line_start..byte].encode_utf16().count() + 1;
    (line as u32, col as u32)
}

/// Length in UTF-16 code units of `src[from..to]`, with the same clamping as [`line_col`].
pub fn utf16_len(src: &str, from: usize, to: usize) -> u32 {
    let to = to.min(src.len());
    let from = from.min(to);
    src.get(from..to)
        .map_or(0, |s| s.encode_utf16().count() as u32)
}

/// Byte offset where 1-based `line` starts, or `None` when the text has fewer lines.
pub fn line_start(src: &str, line: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    if line == 1 {
        return Some(0);
    }
    src.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

/// A human size: `1.2 MB`, `900 KB`, `12 bytes`.
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else if bytes >= 1_000 {
        format!("{} KB", bytes / 1_000)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let src = "ab\né😀x";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        // 'é' is 2 bytes, 1 unit; '😀' is 4 bytes, 2 units.
        assert_eq!(line_col(src, 5), (2, 2));
        assert_eq!(line_col(src, 9), (2, 4));
        // inside the emoji snaps back to its start
        assert_eq!(line_col(src, 7), (2, 2));
        assert_eq!(utf16_len(src, 5, 9), 2);
    }

    #[test]
    fn line_starts() {
        let src = "a\nbb\nccc";
        assert_eq!(line_start(src, 1), Some(0));
        assert_eq!(line_start(src, 3), Some(5));
        assert_eq!(line_start(src, 4), None);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(2_500), "2 KB");
        assert_eq!(human_size(1_200_000), "1.2 MB");
    }
}
