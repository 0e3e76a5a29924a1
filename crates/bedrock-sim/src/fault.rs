//! Faults a test queues for a model id, and how they travel as JSON on `/_sim/fault`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Something going wrong on purpose. Faults are queued per model id and consumed in order.
///
/// `Status` and `Delay` apply to Converse, ConverseStream and the OpenAI-compatible chat route;
/// the mid-stream faults wait in the queue for the next streaming request of that model.
///
/// JSON form (for `POST /_sim/fault`), tagged by `kind`, durations in milliseconds:
/// `{"kind":"status","status":429,"errorType":"ThrottlingException","message":"…","times":2}`,
/// `{"kind":"throttleMidStream","afterDeltas":3}`, `{"kind":"modelStreamError","afterDeltas":3}`,
/// `{"kind":"truncatedFrame","afterDeltas":3}`, `{"kind":"badCrc","afterDeltas":3}`,
/// `{"kind":"stall","afterDeltas":3,"durationMs":25000}`, `{"kind":"delay","durationMs":500}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "FaultWire", from = "FaultWire")]
pub enum Fault {
    /// Answer `times` requests with this status, `X-Amzn-ErrorType: error_type` and the message.
    Status {
        status: u16,
        error_type: String,
        message: String,
        times: u32,
    },
    /// ConverseStream: some deltas, then a `throttlingException` frame.
    ThrottleMidStream { after_deltas: u32 },
    /// ConverseStream: some deltas, then a `modelStreamErrorException` frame.
    ModelStreamError { after_deltas: u32 },
    /// ConverseStream: some deltas, then the body ends inside a frame.
    /// OpenAI streaming: some chunks, then the connection drops.
    TruncatedFrame { after_deltas: u32 },
    /// ConverseStream: some deltas, then a frame whose message CRC is wrong.
    BadCrc { after_deltas: u32 },
    /// Some deltas, then nothing for `duration`, then the rest.
    Stall {
        after_deltas: u32,
        duration: Duration,
    },
    /// Wait this long before answering at all.
    Delay(Duration),
}

impl Fault {
    /// `times` answers of 429 ThrottlingException with Bedrock's message.
    pub fn throttle(times: u32) -> Fault {
        Fault::Status {
            status: 429,
            error_type: "ThrottlingException".to_string(),
            message: default_message("ThrottlingException"),
            times,
        }
    }

    /// Whether the fault plays out inside a response stream rather than before the answer.
    pub(crate) fn is_mid_stream(&self) -> bool {
        !matches!(self, Fault::Status { .. } | Fault::Delay(_))
    }
}

/// Bedrock's message for a few common error types, used when a fault names none.
pub(crate) fn default_message(error_type: &str) -> String {
    match error_type {
        "ThrottlingException" => "Too many requests, please wait before trying again.",
        "ServiceUnavailableException" => "Bedrock is unable to process your request.",
        "ModelNotReadyException" => {
            "Model is not ready for inference. Wait and try your request again."
        }
        "ModelTimeoutException" => {
            "Model has timed out in processing the request. Try your request again."
        }
        "InternalServerException" => {
            "The server encountered an internal error while processing the request."
        }
        "ServiceQuotaExceededException" => {
            "Your request exceeds the service quota for your account."
        }
        _ => "The simulator was told to fail this request.",
    }
    .to_string()
}

#[derive(Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum FaultWire {
    Status {
        status: u16,
        error_type: String,
        #[serde(default)]
        message: Option<String>,
        #[serde(default = "one")]
        times: u32,
    },
    ThrottleMidStream {
        after_deltas: u32,
    },
    ModelStreamError {
        after_deltas: u32,
    },
    TruncatedFrame {
        after_deltas: u32,
    },
    BadCrc {
        after_deltas: u32,
    },
    Stall {
        after_deltas: u32,
        duration_ms: u64,
    },
    Delay {
        duration_ms: u64,
    },
}

fn one() -> u32 {
    1
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl From<Fault> for FaultWire {
    fn from(fault: Fault) -> FaultWire {
        match fault {
            Fault::Status {
                status,
                error_type,
                message,
                times,
            } => FaultWire::Status {
                status,
                error_type,
                message: Some(message),
                times,
            },
            Fault::ThrottleMidStream { after_deltas } => {
                FaultWire::ThrottleMidStream { after_deltas }
            }
            Fault::ModelStreamError { after_deltas } => {
                FaultWire::ModelStreamError { after_deltas }
            }
            Fault::TruncatedFrame { after_deltas } => FaultWire::TruncatedFrame { after_deltas },
            Fault::BadCrc { after_deltas } => FaultWire::BadCrc { after_deltas },
            Fault::Stall {
                after_deltas,
                duration,
            } => FaultWire::Stall {
                after_deltas,
                duration_ms: millis(duration),
            },
            Fault::Delay(duration) => FaultWire::Delay {
                duration_ms: millis(duration),
            },
        }
    }
}

impl From<FaultWire> for Fault {
    fn from(wire: FaultWire) -> Fault {
        match wire {
            FaultWire::Status {
                status,
                error_type,
                message,
                times,
            } => Fault::Status {
                status,
                message: message.unwrap_or_else(|| default_message(&error_type)),
                error_type,
                times,
            },
            FaultWire::ThrottleMidStream { after_deltas } => {
                Fault::ThrottleMidStream { after_deltas }
            }
            FaultWire::ModelStreamError { after_deltas } => {
                Fault::ModelStreamError { after_deltas }
            }
            FaultWire::TruncatedFrame { after_deltas } => Fault::TruncatedFrame { after_deltas },
            FaultWire::BadCrc { after_deltas } => Fault::BadCrc { after_deltas },
            FaultWire::Stall {
                after_deltas,
                duration_ms,
            } => Fault::Stall {
                after_deltas,
                duration: Duration::from_millis(duration_ms),
            },
            FaultWire::Delay { duration_ms } => Fault::Delay(Duration::from_millis(duration_ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fault_reads_its_json_form_with_defaults() {
        let fault: Fault = serde_json::from_str(
            r#"{"kind":"status","status":429,"errorType":"ThrottlingException","times":2}"#,
        )
        .unwrap();
        assert_eq!(fault, Fault::throttle(2));
    }

    #[test]
    fn stall_and_delay_round_trip_in_milliseconds() {
        let stall = Fault::Stall {
            after_deltas: 2,
            duration: Duration::from_millis(1500),
        };
        let json = serde_json::to_value(&stall).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind":"stall","afterDeltas":2,"durationMs":1500})
        );
        assert_eq!(serde_json::from_value::<Fault>(json).unwrap(), stall);
        let delay: Fault = serde_json::from_str(r#"{"kind":"delay","durationMs":250}"#).unwrap();
        assert_eq!(delay, Fault::Delay(Duration::from_millis(250)));
    }
}
