//! State shared by all requests of one simulator: configuration, scripts, fault queues,
//! prompt-cache prefixes seen, and the request log.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::config::SimConfig;
use crate::fault::Fault;
use crate::log::{lock, RequestLog};
use crate::script::Script;

#[derive(Debug)]
pub(crate) struct Shared {
    pub config: SimConfig,
    scripts: Mutex<BTreeMap<String, Script>>,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    cache: Mutex<HashSet<String>>,
    pub log: RequestLog,
    request_counter: AtomicU64,
    model_calls: AtomicU64,
}

impl Shared {
    pub fn new(config: SimConfig) -> Shared {
        Shared {
            config,
            scripts: Mutex::default(),
            faults: Mutex::default(),
            cache: Mutex::default(),
            log: RequestLog::default(),
            model_calls: AtomicU64::new(0),
            request_counter: AtomicU64::new(0),
        }
    }

    pub fn set_script(&self, model_id: &str, script: Script) {
        lock(&self.scripts).insert(model_id.to_string(), script);
    }

    pub fn script(&self, model_id: &str) -> Option<Script> {
        lock(&self.scripts).get(model_id).cloned()
    }

    pub fn scripted_ids(&self) -> Vec<String> {
        lock(&self.scripts).keys().cloned().collect()
    }

    pub fn push_fault(&self, model_id: &str, fault: Fault) {
        lock(&self.faults)
            .entry(model_id.to_string())
            .or_default()
            .push_back(fault);
    }

    /// Takes the next fault for a request. A `Status` fault with `times > 1` stays queued with
    /// one fewer; mid-stream faults are only taken by streaming requests.
    pub fn take_fault(&self, model_id: &str, streaming: bool) -> Option<Fault> {
        let percent = u64::from(self.config.throttle_percent.min(100));
        if percent > 0 {
            // call n is throttled when the n-th step of `percent` per 100 crosses a whole number
            let n = self.model_calls.fetch_add(1, Ordering::Relaxed);
            if (n + 1) * percent / 100 > n * percent / 100 {
                return Some(Fault::throttle(1));
            }
        }
        let mut faults = lock(&self.faults);
        let queue = faults.get_mut(model_id)?;
        let front = queue.front_mut()?;
        if front.is_mid_stream() && !streaming {
            return None;
        }
        if let Fault::Status { times, .. } = front {
            if *times > 1 {
                *times -= 1;
                return Some(front.clone());
            }
        }
        queue.pop_front()
    }

    /// Whether this cache prefix was written before; records it either way.
    pub fn cache_seen(&self, key: &str) -> bool {
        !lock(&self.cache).insert(key.to_string())
    }

    /// A fresh request id, deterministic per simulator (a UUID-shaped counter).
    pub fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!("00000000-0000-4000-8000-{n:012x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_share_is_spread_over_the_calls() {
        let s = Shared::new(SimConfig {
            throttle_percent: 30,
            ..SimConfig::default()
        });
        let throttled: Vec<bool> = (0..20).map(|_| s.take_fault("m", true).is_some()).collect();
        assert_eq!(throttled.iter().filter(|t| **t).count(), 6);
        // never more than one in a row at 30%
        assert!(!throttled.windows(2).any(|w| w[0] && w[1]), "{throttled:?}");
    }

    #[test]
    fn status_faults_count_down_and_stream_faults_wait_for_streams() {
        let s = Shared::new(SimConfig::default());
        s.push_fault("m", Fault::throttle(2));
        s.push_fault("m", Fault::BadCrc { after_deltas: 1 });
        assert!(matches!(
            s.take_fault("m", false),
            Some(Fault::Status { status: 429, .. })
        ));
        assert!(matches!(
            s.take_fault("m", false),
            Some(Fault::Status { status: 429, .. })
        ));
        assert_eq!(s.take_fault("m", false), None);
        assert_eq!(
            s.take_fault("m", true),
            Some(Fault::BadCrc { after_deltas: 1 })
        );
        assert_eq!(s.take_fault("m", true), None);
    }
}
