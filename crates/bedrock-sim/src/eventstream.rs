//! AWS event-stream frames for ConverseStream, written with the SDK's own frame writer.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use serde_json::{json, Value};

use crate::answer::Answer;

fn string_header(name: &'static str, value: &str) -> Header {
    Header::new(name, HeaderValue::String(value.to_string().into()))
}

fn encode(message: &Message) -> Bytes {
    let mut buf = Vec::new();
    // Writing only fails for headers or payloads beyond the format's limits, which the
    // simulator never produces (header values are short names, payloads are small JSON).
    write_message_to(message, &mut buf).expect("event-stream frame within format limits");
    Bytes::from(buf)
}

fn json_bytes(payload: &Value) -> Vec<u8> {
    serde_json::to_vec(payload).unwrap_or_default()
}

/// A frame with a JSON payload and, in this order, the headers `<type_header> <name>`,
/// `:content-type application/json` and `:message-type <message_type>`.
fn json_frame(type_header: &'static str, name: &str, message_type: &str, payload: &Value) -> Bytes {
    let message = Message::new(json_bytes(payload))
        .add_header(string_header(type_header, name))
        .add_header(string_header(":content-type", "application/json"))
        .add_header(string_header(":message-type", message_type));
    encode(&message)
}

/// An event frame: `:message-type event`, `:event-type <name>`, the bare event JSON as payload.
pub fn event_frame(event_type: &str, payload: &Value) -> Bytes {
    json_frame(":event-type", event_type, "event", payload)
}

/// A modeled in-stream exception: `:message-type exception`, `:exception-type <lowerCamel>`.
pub fn exception_frame(exception_type: &str, payload: &Value) -> Bytes {
    json_frame(":exception-type", exception_type, "exception", payload)
}

/// The same frame with its trailing message CRC changed.
pub fn with_bad_crc(frame: &[u8]) -> Bytes {
    let mut bytes = frame.to_vec();
    if let Some(last) = bytes.last_mut() {
        *last ^= 0xFF;
    }
    Bytes::from(bytes)
}

/// The first half of a frame: a body that ends inside it.
pub fn truncated(frame: &[u8]) -> Bytes {
    Bytes::copy_from_slice(&frame[..frame.len() / 2])
}

pub fn message_start() -> Bytes {
    event_frame("messageStart", &json!({ "role": "assistant" }))
}

pub fn text_delta(text: &str) -> Bytes {
    event_frame(
        "contentBlockDelta",
        &json!({ "contentBlockIndex": 0, "delta": { "text": text } }),
    )
}

pub fn content_block_stop() -> Bytes {
    event_frame("contentBlockStop", &json!({ "contentBlockIndex": 0 }))
}

pub fn message_stop(answer: &Answer) -> Bytes {
    event_frame("messageStop", &json!({ "stopReason": answer.stop_reason }))
}

pub fn metadata(answer: &Answer, latency_ms: u64) -> Bytes {
    let mut payload = json!({
        "usage": answer.usage.to_json(),
        "metrics": { "latencyMs": latency_ms },
    });
    if let Some(trace) = &answer.trace {
        payload["trace"] = trace.clone();
    }
    event_frame("metadata", &payload)
}

pub fn throttling_exception() -> Bytes {
    exception_frame(
        "throttlingException",
        &json!({ "message": "Too many requests, please wait before trying again." }),
    )
}

pub fn model_stream_error_exception() -> Bytes {
    exception_frame(
        "modelStreamErrorException",
        &json!({
            "message": "The model stream was interrupted by a model error.",
            "originalStatusCode": 500,
            "originalMessage": "simulated model failure"
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::{read_message_from, DecodedFrame, MessageFrameDecoder};

    fn header(m: &Message, name: &str) -> String {
        m.headers()
            .iter()
            .find(|h| h.name().as_str() == name)
            .and_then(|h| h.value().as_string().ok())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default()
    }

    /// The frame layout written out by hand from the format description, CRCs by `crc32fast`.
    fn golden(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
        let mut h = Vec::new();
        for (name, value) in headers {
            h.push(name.len() as u8);
            h.extend_from_slice(name.as_bytes());
            h.push(7);
            h.extend_from_slice(&(value.len() as u16).to_be_bytes());
            h.extend_from_slice(value.as_bytes());
        }
        let total = 12 + h.len() + payload.len() + 4;
        let mut f = Vec::new();
        f.extend_from_slice(&(total as u32).to_be_bytes());
        f.extend_from_slice(&(h.len() as u32).to_be_bytes());
        let prelude_crc = crc32fast::hash(&f);
        f.extend_from_slice(&prelude_crc.to_be_bytes());
        f.extend_from_slice(&h);
        f.extend_from_slice(payload);
        let message_crc = crc32fast::hash(&f);
        f.extend_from_slice(&message_crc.to_be_bytes());
        f
    }

    #[test]
    fn message_start_matches_the_hand_built_golden_frame() {
        let expected = golden(
            &[
                (":event-type", "messageStart"),
                (":content-type", "application/json"),
                (":message-type", "event"),
            ],
            br#"{"role":"assistant"}"#,
        );
        assert_eq!(message_start().to_vec(), expected);
        // prelude 12 + headers (27 + 33 + 22) + payload 20 + message CRC 4
        assert_eq!(expected.len(), 118);
    }

    #[test]
    fn delta_frame_decodes_with_the_sdk_reader() {
        let frame = text_delta(" Paris");
        let m = read_message_from(&mut frame.clone()).unwrap();
        assert_eq!(header(&m, ":message-type"), "event");
        assert_eq!(header(&m, ":event-type"), "contentBlockDelta");
        assert_eq!(header(&m, ":content-type"), "application/json");
        let payload: Value = serde_json::from_slice(m.payload()).unwrap();
        assert_eq!(
            payload,
            json!({"contentBlockIndex": 0, "delta": {"text": " Paris"}})
        );
        // total length is in the prelude and matches the frame
        let total = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
        assert_eq!(total, frame.len());
    }

    #[test]
    fn exception_frame_names_the_lower_camel_member() {
        let m = read_message_from(&mut throttling_exception()).unwrap();
        assert_eq!(header(&m, ":message-type"), "exception");
        assert_eq!(header(&m, ":exception-type"), "throttlingException");
        let payload: Value = serde_json::from_slice(m.payload()).unwrap();
        assert_eq!(
            payload["message"],
            "Too many requests, please wait before trying again."
        );
    }

    #[test]
    fn streaming_decoder_reassembles_frames_fed_byte_by_byte() {
        let mut all = message_start().to_vec();
        all.extend_from_slice(&content_block_stop());
        let mut decoder = MessageFrameDecoder::new();
        let mut buf = bytes::BytesMut::new();
        let mut decoded = Vec::new();
        for b in all {
            buf.extend_from_slice(&[b]);
            if let DecodedFrame::Complete(m) = decoder.decode_frame(&mut buf).unwrap() {
                decoded.push(header(&m, ":event-type"));
            }
        }
        assert_eq!(decoded, vec!["messageStart", "contentBlockStop"]);
    }

    #[test]
    fn a_wrong_message_crc_is_rejected_by_the_sdk_decoder() {
        let bad = with_bad_crc(&text_delta("x"));
        let err = read_message_from(&mut bad.clone()).unwrap_err();
        assert!(err.to_string().to_lowercase().contains("checksum"), "{err}");
        let mut decoder = MessageFrameDecoder::new();
        assert!(decoder.decode_frame(&mut bad.clone()).is_err());
    }

    #[test]
    fn a_truncated_frame_stays_incomplete() {
        let cut = truncated(&text_delta("hello"));
        let mut decoder = MessageFrameDecoder::new();
        assert!(matches!(
            decoder.decode_frame(&mut cut.clone()).unwrap(),
            DecodedFrame::Incomplete
        ));
    }
}
