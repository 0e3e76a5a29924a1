//! Paced response bodies: a list of steps (send a chunk, pause, drop the connection) played
//! out as a streaming HTTP body, one chunk per frame.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;

use crate::config::SimConfig;
use crate::fault::Fault;

/// The pause before a drop, so the chunks before it reach the client first.
const FLUSH_BEFORE_ABORT: Duration = Duration::from_millis(20);

/// One step of a streamed body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Send(Bytes),
    Pause(Duration),
    /// End the body with an error: the server drops the connection mid-body.
    Abort,
}

/// A streaming body that plays the steps in order. Nothing after `Abort` is sent.
pub(crate) fn body(steps: Vec<Step>) -> Body {
    let stream = futures::stream::unfold(Some(steps.into_iter()), |state| async move {
        let mut steps = state?;
        loop {
            match steps.next()? {
                Step::Pause(d) => tokio::time::sleep(d).await,
                Step::Send(bytes) => return Some((Ok(bytes), Some(steps))),
                Step::Abort => {
                    // Let the server flush what was sent so far, then fail the body.
                    tokio::time::sleep(FLUSH_BEFORE_ABORT).await;
                    let err = std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "bedrock-sim dropped the connection on purpose",
                    );
                    return Some((Err(err), None));
                }
            }
        }
    });
    Body::from_stream(stream)
}

/// How a stream of deltas is laid out: pacing and where a mid-stream fault strikes.
pub(crate) struct DeltaPlan<'a> {
    pub config: &'a SimConfig,
    pub fault: Option<&'a Fault>,
}

/// What to do when the fault strikes, given the frame that would have come next.
pub(crate) enum Strike {
    /// Pause, then carry on.
    Resume(Duration),
    /// These steps end the stream.
    End(Vec<Step>),
}

impl DeltaPlan<'_> {
    /// Steps for `start`, the paced `deltas`, then `tail`, with the fault struck after
    /// `after_deltas` deltas (or after the last one).
    pub fn steps(
        &self,
        start: Vec<Bytes>,
        deltas: Vec<Bytes>,
        tail: Vec<Bytes>,
        strike: impl Fn(&Fault, &Bytes) -> Strike,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        if !self.config.ttft.is_zero() {
            steps.push(Step::Pause(self.config.ttft));
        }
        steps.extend(start.into_iter().map(Step::Send));
        let strike_at = self
            .fault
            .and_then(after_deltas)
            .map(|n| n.min(deltas.len()));
        let n = deltas.len();
        for i in 0..=n {
            if strike_at == Some(i) {
                if let Some(fault) = self.fault {
                    let next = deltas
                        .get(i)
                        .or_else(|| tail.first())
                        .cloned()
                        .unwrap_or_default();
                    match strike(fault, &next) {
                        Strike::Resume(d) => steps.push(Step::Pause(d)),
                        Strike::End(end) => {
                            steps.extend(end);
                            return steps;
                        }
                    }
                }
            }
            let Some(delta) = deltas.get(i) else { break };
            if i > 0 {
                if let Some(gap) = self.config.token_gap() {
                    steps.push(Step::Pause(gap));
                }
            }
            steps.push(Step::Send(delta.clone()));
        }
        steps.extend(tail.into_iter().map(Step::Send));
        steps
    }
}

fn after_deltas(fault: &Fault) -> Option<usize> {
    match fault {
        Fault::ThrottleMidStream { after_deltas }
        | Fault::ModelStreamError { after_deltas }
        | Fault::TruncatedFrame { after_deltas }
        | Fault::BadCrc { after_deltas }
        | Fault::Stall { after_deltas, .. } => Some(*after_deltas as usize),
        Fault::Status { .. } | Fault::Delay(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    fn plan_with(fault: Option<&Fault>) -> Vec<Step> {
        let config = SimConfig::default();
        DeltaPlan {
            config: &config,
            fault,
        }
        .steps(
            vec![b("start")],
            vec![b("d1"), b("d2"), b("d3")],
            vec![b("stop")],
            |f, next| match f {
                Fault::Stall { duration, .. } => Strike::Resume(*duration),
                _ => Strike::End(vec![Step::Send(next.clone()), Step::Abort]),
            },
        )
    }

    #[test]
    fn without_a_fault_everything_is_sent_in_order() {
        let sent: Vec<Step> = ["start", "d1", "d2", "d3", "stop"]
            .into_iter()
            .map(|s| Step::Send(b(s)))
            .collect();
        assert_eq!(plan_with(None), sent);
    }

    #[test]
    fn a_fault_strikes_after_the_given_deltas() {
        let f = Fault::TruncatedFrame { after_deltas: 2 };
        assert_eq!(
            plan_with(Some(&f)),
            vec![
                Step::Send(b("start")),
                Step::Send(b("d1")),
                Step::Send(b("d2")),
                Step::Send(b("d3")),
                Step::Abort
            ]
        );
        let late = Fault::TruncatedFrame { after_deltas: 9 };
        assert_eq!(
            plan_with(Some(&late))[4..],
            [Step::Send(b("stop")), Step::Abort]
        );
        let stall = Fault::Stall {
            after_deltas: 1,
            duration: Duration::from_millis(5),
        };
        assert_eq!(
            plan_with(Some(&stall))[2],
            Step::Pause(Duration::from_millis(5))
        );
        assert_eq!(plan_with(Some(&stall)).len(), 6);
    }
}
