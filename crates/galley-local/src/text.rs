//! Turning token bytes into text: UTF-8 split across tokens, and stop sequences that may arrive
//! split across tokens too.

/// Decodes a byte stream into text, keeping an incomplete multi-byte sequence until the bytes that
/// complete it arrive. Invalid bytes become U+FFFD.
#[derive(Debug, Default)]
pub(crate) struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// The text completed by `bytes`.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        let mut start = 0;
        loop {
            match std::str::from_utf8(&self.pending[start..]) {
                Ok(valid) => {
                    out.push_str(valid);
                    start = self.pending.len();
                    break;
                }
                Err(err) => {
                    let valid_end = start + err.valid_up_to();
                    out.push_str(
                        std::str::from_utf8(&self.pending[start..valid_end])
                            .expect("checked by valid_up_to"),
                    );
                    match err.error_len() {
                        // an incomplete sequence at the end: wait for more bytes
                        None => {
                            start = valid_end;
                            break;
                        }
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            start = valid_end + bad;
                        }
                    }
                }
            }
        }
        self.pending.drain(..start);
        out
    }

    /// What is left when the stream ends (an incomplete sequence becomes U+FFFD).
    pub(crate) fn finish(&mut self) -> String {
        let rest = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        rest
    }
}

/// Watches the answer for stop sequences. Text that could be the start of a stop sequence is held
/// back until it is clear that it is not.
#[derive(Debug)]
pub(crate) struct StopWatch {
    stops: Vec<String>,
    text: String,
    emitted: usize,
}

/// What the watcher releases after more text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Released {
    /// Text safe to show now.
    pub(crate) text: String,
    /// A stop sequence was found: the answer ends before it.
    pub(crate) stopped: bool,
}

impl StopWatch {
    pub(crate) fn new(stops: &[String]) -> StopWatch {
        StopWatch {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            text: String::new(),
            emitted: 0,
        }
    }

    /// Adds text; returns what can be shown and whether a stop sequence ended the answer.
    pub(crate) fn push(&mut self, more: &str) -> Released {
        let search_from = self.emitted;
        self.text.push_str(more);
        let found = self
            .stops
            .iter()
            .filter_map(|stop| self.text[search_from..].find(stop.as_str()))
            .min();
        if let Some(at) = found {
            self.text.truncate(search_from + at);
            return Released {
                text: self.release(self.text.len()),
                stopped: true,
            };
        }
        let held = self
            .stops
            .iter()
            .map(|stop| self.held_back(stop))
            .max()
            .unwrap_or(0);
        Released {
            text: self.release(self.text.len() - held),
            stopped: false,
        }
    }

    /// Everything not yet shown (when the answer ends for another reason).
    pub(crate) fn flush(&mut self) -> String {
        self.release(self.text.len())
    }

    /// The whole answer so far, shown or held back.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// How many bytes at the end of the unshown text are a proper prefix of `stop`.
    fn held_back(&self, stop: &str) -> usize {
        let unshown = &self.text[self.emitted..];
        (1..stop.len().min(unshown.len() + 1))
            .rev()
            .find(|&k| stop.is_char_boundary(k) && unshown.ends_with(&stop[..k]))
            .unwrap_or(0)
    }

    fn release(&mut self, up_to: usize) -> String {
        let out = self.text[self.emitted..up_to].to_string();
        self.emitted = up_to;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_tokens_is_buffered() {
        let bytes = "é€😀".as_bytes();
        let mut stream = Utf8Stream::default();
        let mut out = String::new();
        for byte in bytes {
            out.push_str(&stream.push(std::slice::from_ref(byte)));
        }
        out.push_str(&stream.finish());
        assert_eq!(out, "é€😀");

        let mut stream = Utf8Stream::default();
        assert_eq!(stream.push(&[b'a', 0xF0, 0x9F]), "a");
        assert_eq!(stream.push(&[0x98, 0x80, b'b']), "😀b");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut stream = Utf8Stream::default();
        assert_eq!(stream.push(&[b'a', 0xFF, b'b']), "a\u{FFFD}b");
        assert_eq!(stream.push(&[0xE2, 0x82]), "");
        assert_eq!(stream.finish(), "\u{FFFD}");
    }

    #[test]
    fn stop_sequences_split_across_tokens_are_held_back_and_cut() {
        let mut watch = StopWatch::new(&["END".to_string()]);
        let r = watch.push("Hello E");
        assert_eq!(r.text, "Hello ");
        assert!(!r.stopped);
        let r = watch.push("N");
        assert_eq!(r.text, "");
        let r = watch.push("D and more");
        assert_eq!(r.text, "");
        assert!(r.stopped);
        assert_eq!(watch.text(), "Hello ");
    }

    #[test]
    fn a_false_start_is_released() {
        let mut watch = StopWatch::new(&["END".to_string(), "\n\n".to_string()]);
        assert_eq!(watch.push("a E").text, "a ");
        assert_eq!(watch.push("Nx").text, "ENx");
        assert_eq!(watch.push("\n").text, "");
        assert_eq!(watch.flush(), "\n");
        assert_eq!(watch.text(), "a ENx\n");
    }

    #[test]
    fn the_earliest_stop_sequence_wins() {
        let mut watch = StopWatch::new(&["world".to_string(), "lo".to_string()]);
        let r = watch.push("hello world");
        assert_eq!(r.text, "hel");
        assert!(r.stopped);
    }
}
