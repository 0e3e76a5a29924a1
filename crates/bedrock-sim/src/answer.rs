//! Composing the answer to a prompt: the echo or the script, guardrail intervention, stop
//! sequences, `maxTokens`, token usage and the guardrail trace.

use serde_json::{json, Value};

use crate::prompt::{count_tokens, GuardrailRef, Prompt};
use crate::script::Script;

/// The word that makes a guardrail intervene.
pub(crate) const BLOCK_WORD: &str = "BLOCKME";
/// What the model says when the guardrail intervenes.
pub(crate) const BLOCKED_MESSAGE: &str = "Sorry, the model cannot answer this question.";

/// Token counts of one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    pub input: u32,
    pub output: u32,
    pub cache_read: u32,
    pub cache_write: u32,
}

impl Usage {
    pub fn total(&self) -> u32 {
        self.input + self.output + self.cache_read + self.cache_write
    }

    /// Bedrock's `usage` object.
    pub fn to_json(self) -> Value {
        json!({
            "inputTokens": self.input,
            "outputTokens": self.output,
            "totalTokens": self.total(),
            "cacheReadInputTokens": self.cache_read,
            "cacheWriteInputTokens": self.cache_write,
        })
    }
}

/// A complete answer, before it is sent as JSON, event-stream frames or SSE chunks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub text: String,
    pub stop_reason: String,
    pub usage: Usage,
    /// `trace` of the response, when a guardrail was attached with tracing on.
    pub trace: Option<Value>,
}

impl Answer {
    /// The stream deltas: one per token, each with the whitespace before it.
    pub fn deltas(&self) -> Vec<&str> {
        pieces(&self.text)
    }
}

/// Splits a text into tokens that keep their leading whitespace; trailing whitespace stays with
/// the last piece, so the pieces concatenate back to the text.
pub(crate) fn pieces(text: &str) -> Vec<&str> {
    if text.split_whitespace().next().is_none() {
        return Vec::new();
    }
    // A piece ends where a word ends, except the last, which runs to the end of the text.
    let mut cuts = vec![0];
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if ws && in_word {
            cuts.push(i);
        }
        in_word = !ws;
    }
    if !in_word {
        cuts.pop();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

/// Composes the answer. `cache_seen(key)` tells whether that cache prefix was written before
/// (and records it).
pub(crate) fn compose(
    model_id: &str,
    prompt: &Prompt,
    script: Option<&Script>,
    cache_seen: impl FnOnce(&str) -> bool,
) -> Answer {
    let blocked =
        prompt.guardrail.is_some() && prompt.user_texts.iter().any(|t| t.contains(BLOCK_WORD));
    let (mut text, mut stop_reason) = if blocked {
        (
            BLOCKED_MESSAGE.to_string(),
            "guardrail_intervened".to_string(),
        )
    } else if let Some(s) = script {
        (s.text.clone(), s.stop_reason.clone())
    } else {
        (
            format!("echo: {}", prompt.last_user_text),
            "end_turn".to_string(),
        )
    };

    if !blocked {
        let first_stop = prompt
            .stop_sequences
            .iter()
            .filter_map(|s| text.find(s.as_str()))
            .min();
        if let Some(at) = first_stop {
            text.truncate(at);
            stop_reason = "stop_sequence".to_string();
        }
        if let Some(max) = prompt.max_tokens {
            let p = pieces(&text);
            if count_tokens(&text) > max {
                text = p[..max as usize].concat();
                stop_reason = "max_tokens".to_string();
            }
        }
    }

    let (mut cache_read, mut cache_write) = (0, 0);
    let mut input = prompt.input_tokens;
    if let Some((key, tokens)) = &prompt.cache_prefix {
        if cache_seen(&format!("{model_id}\n{key}")) {
            cache_read = *tokens;
        } else {
            cache_write = *tokens;
        }
        input = input.saturating_sub(*tokens);
    }
    if let Some(s) = script {
        if let Some(n) = s.input_tokens {
            input = n;
        }
        if s.cache_read_tokens > 0 || s.cache_write_tokens > 0 {
            cache_read = s.cache_read_tokens;
            cache_write = s.cache_write_tokens;
        }
    }

    let trace = prompt
        .guardrail
        .as_ref()
        .filter(|g| g.trace)
        .map(|g| guardrail_trace(g, prompt, blocked));
    Answer {
        usage: Usage {
            input,
            output: count_tokens(&text),
            cache_read,
            cache_write,
        },
        text,
        stop_reason,
        trace,
    }
}

/// A small guardrail assessment of the user text, in Bedrock's shape.
pub(crate) fn assessment(texts: &[String], blocked: bool) -> Value {
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let units = chars.div_ceil(1000).max(1);
    let mut a = json!({
        "invocationMetrics": {
            "guardrailProcessingLatency": 1,
            "usage": {
                "topicPolicyUnits": 0,
                "contentPolicyUnits": units,
                "wordPolicyUnits": units,
                "sensitiveInformationPolicyUnits": 0,
                "sensitiveInformationPolicyFreeUnits": 0,
                "contextualGroundingPolicyUnits": 0
            },
            "guardrailCoverage": {"textCharacters": {"guarded": chars, "total": chars}}
        }
    });
    if blocked {
        a["wordPolicy"] = json!({
            "customWords": [{"match": BLOCK_WORD, "action": "BLOCKED", "detected": true}],
            "managedWordLists": []
        });
    }
    a
}

fn guardrail_trace(guardrail: &GuardrailRef, prompt: &Prompt, blocked: bool) -> Value {
    let mut g = json!({
        "inputAssessment": { guardrail.identifier.clone(): assessment(&prompt.user_texts, blocked) }
    });
    if blocked {
        g["actionReason"] = json!("Guardrail blocked.");
    }
    json!({ "guardrail": g })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(text: &str) -> Prompt {
        Prompt::from_converse(&json!({
            "messages": [{"role": "user", "content": [{"text": text}]}]
        }))
    }

    #[test]
    fn pieces_keep_leading_whitespace_and_concatenate_back() {
        assert_eq!(pieces("echo: hi  there"), vec!["echo:", " hi", "  there"]);
        assert_eq!(pieces("a b\n"), vec!["a", " b\n"]);
        assert_eq!(pieces("  lead"), vec!["  lead"]);
        assert_eq!(pieces(""), Vec::<&str>::new());
        let text = "Paris is\tthe capital  of France.\n";
        assert_eq!(pieces(text).concat(), text);
        assert_eq!(pieces(text).len(), 6);
    }

    #[test]
    fn echo_counts_whitespace_tokens() {
        let a = compose("m", &prompt("What is the capital of France?"), None, |_| {
            false
        });
        assert_eq!(a.text, "echo: What is the capital of France?");
        assert_eq!(a.stop_reason, "end_turn");
        assert_eq!(
            a.usage,
            Usage {
                input: 6,
                output: 7,
                cache_read: 0,
                cache_write: 0
            }
        );
        assert_eq!(a.usage.total(), 13);
    }

    #[test]
    fn max_tokens_and_stop_sequences_cut_the_script() {
        let script = Script::text("Paris is the capital of France.");
        let mut p = prompt("capital?");
        p.max_tokens = Some(3);
        let a = compose("m", &p, Some(&script), |_| false);
        assert_eq!(
            (a.text.as_str(), a.stop_reason.as_str()),
            ("Paris is the", "max_tokens")
        );
        assert_eq!(a.usage.output, 3);

        let mut p = prompt("capital?");
        p.stop_sequences = vec![" capital".into()];
        let a = compose("m", &p, Some(&script), |_| false);
        assert_eq!(
            (a.text.as_str(), a.stop_reason.as_str()),
            ("Paris is the", "stop_sequence")
        );
    }

    #[test]
    fn guardrail_blocks_and_traces() {
        let mut p = prompt("please BLOCKME now");
        p.guardrail = Some(GuardrailRef {
            identifier: "gr-1".into(),
            trace: true,
        });
        let a = compose("m", &p, Some(&Script::text("ignored")), |_| false);
        assert_eq!(a.text, BLOCKED_MESSAGE);
        assert_eq!(a.stop_reason, "guardrail_intervened");
        let trace = a.trace.unwrap();
        assert_eq!(
            trace.pointer("/guardrail/inputAssessment/gr-1/wordPolicy/customWords/0/action"),
            Some(&json!("BLOCKED"))
        );
    }

    #[test]
    fn cache_point_writes_then_reads_the_prefix() {
        let p = Prompt::from_converse(&json!({
            "system": [{"text": "a b c d"}, {"cachePoint": {"type": "default"}}],
            "messages": [{"role": "user", "content": [{"text": "e f"}]}]
        }));
        let first = compose("m", &p, None, |_| false);
        assert_eq!(
            (
                first.usage.input,
                first.usage.cache_write,
                first.usage.cache_read
            ),
            (2, 4, 0)
        );
        let again = compose("m", &p, None, |_| true);
        assert_eq!(
            (
                again.usage.input,
                again.usage.cache_write,
                again.usage.cache_read
            ),
            (2, 0, 4)
        );
    }
}
