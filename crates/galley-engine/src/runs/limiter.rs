//! Concurrency per provider that slows down on throttling: a throttled call takes one slot away
//! (down to one), and a run of successes as long as the current limit gives one back (up to the
//! configured limit). Additive increase, multiplicative-ish decrease, without a timer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug)]
pub(crate) struct Limiter {
    slots: Arc<Semaphore>,
    max: usize,
    /// The limit now (slots handed out plus free ones).
    current: AtomicUsize,
    /// Successes since the last change.
    streak: AtomicUsize,
    /// Slots taken away but not yet removed from the semaphore (they were all in use).
    owed: AtomicUsize,
}

impl Limiter {
    pub(crate) fn new(max: usize) -> Limiter {
        let max = max.max(1);
        Limiter {
            slots: Arc::new(Semaphore::new(max)),
            max,
            current: AtomicUsize::new(max),
            streak: AtomicUsize::new(0),
            owed: AtomicUsize::new(0),
        }
    }

    /// Waits for a slot.
    pub(crate) async fn acquire(&self) -> OwnedSemaphorePermit {
        self.slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed")
    }

    /// Gives a slot back after a call; a slot owed by an earlier slow-down is kept instead.
    pub(crate) fn release(&self, permit: OwnedSemaphorePermit) {
        let owed = self.owed.load(Ordering::Acquire);
        if owed > 0
            && self
                .owed
                .compare_exchange(owed, owed - 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            permit.forget();
        } else {
            drop(permit);
        }
    }

    /// A call was throttled: one slot fewer, never below one.
    pub(crate) fn throttled(&self) {
        self.streak.store(0, Ordering::Release);
        let current = self.current.load(Ordering::Acquire);
        if current <= 1
            || self
                .current
                .compare_exchange(current, current - 1, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        if self.slots.forget_permits(1) == 0 {
            self.owed.fetch_add(1, Ordering::AcqRel);
        }
        tracing::debug!(limit = current - 1, "throttled: fewer calls at once");
    }

    /// A call succeeded: after `current` successes in a row, one slot more, up to the maximum.
    pub(crate) fn succeeded(&self) {
        let current = self.current.load(Ordering::Acquire);
        if current >= self.max {
            return;
        }
        if self.streak.fetch_add(1, Ordering::AcqRel) + 1 >= current
            && self
                .current
                .compare_exchange(current, current + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.streak.store(0, Ordering::Release);
            let owed = self.owed.load(Ordering::Acquire);
            if owed > 0
                && self
                    .owed
                    .compare_exchange(owed, owed - 1, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return;
            }
            self.slots.add_permits(1);
        }
    }

    #[cfg(test)]
    pub(crate) fn limit(&self) -> usize {
        self.current.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn throttling_lowers_the_limit_and_successes_raise_it_back() {
        let l = Limiter::new(4);
        let held: Vec<_> = futures_join(&l, 4).await;
        assert_eq!(l.slots.available_permits(), 0);
        // all four slots are in use: the two taken away are owed
        l.throttled();
        l.throttled();
        assert_eq!(l.limit(), 2);
        for p in held {
            l.release(p);
        }
        assert_eq!(l.slots.available_permits(), 2);
        for _ in 0..2 {
            l.succeeded();
        }
        assert_eq!(l.limit(), 3);
        assert_eq!(l.slots.available_permits(), 3);
        for _ in 0..10 {
            l.succeeded();
        }
        assert_eq!(l.limit(), 4);
        assert_eq!(l.slots.available_permits(), 4);
        for _ in 0..10 {
            l.throttled();
        }
        assert_eq!(l.limit(), 1);
        assert_eq!(l.slots.available_permits(), 1);
    }

    async fn futures_join(l: &Limiter, n: usize) -> Vec<OwnedSemaphorePermit> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(l.acquire().await);
        }
        out
    }
}
