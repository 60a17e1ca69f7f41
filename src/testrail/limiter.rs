//! One gate every request passes before it is sent, shared by all clones of a client.
//!
//! A 429 pauses the gate for everyone: if each task slept on its own, a dozen concurrent
//! requests would all wake at the same moment and trip the limit again (a thundering herd).
//! With `--max-requests-per-minute` the gate also spaces requests evenly, so a big submit
//! stays under TestRail Cloud's limit (180 or 300 per minute) instead of bouncing off it.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The shared gate.
#[derive(Debug)]
pub struct Limiter {
    /// Gap between request starts when a per-minute limit is set.
    interval: Option<Duration>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// No request starts before this moment (set by 429s).
    paused_until: Option<Instant>,
    /// The next free start slot under the per-minute limit.
    next_slot: Option<Instant>,
}

impl Limiter {
    /// A gate with an optional requests-per-minute limit.
    pub fn new(per_minute: Option<u32>) -> Self {
        Limiter {
            interval: per_minute
                .filter(|n| *n > 0)
                .map(|n| Duration::from_secs(60) / n),
            state: Mutex::new(State {
                paused_until: None,
                next_slot: None,
            }),
        }
    }

    /// Wait until this request may start.
    pub async fn acquire(&self) {
        if let Some(at) = self.reserve(Instant::now()) {
            tokio::time::sleep_until(at).await;
        }
        // Another request may have hit a 429 while we slept.
        while let Some(at) = self.paused_after(Instant::now()) {
            tokio::time::sleep_until(at).await;
        }
    }

    /// The end of a pause still running at `now`.
    fn paused_after(&self, now: Instant) -> Option<Instant> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.paused_until.filter(|t| *t > now)
    }

    /// Book a start: `None` to go now, or when to wake up.
    fn reserve(&self, now: Instant) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let earliest = state.paused_until.filter(|t| *t > now).unwrap_or(now);
        let start = match self.interval {
            Some(gap) => {
                let slot = state.next_slot.map_or(earliest, |s| s.max(earliest));
                state.next_slot = Some(slot + gap);
                slot
            }
            None => earliest,
        };
        (start > now).then_some(start)
    }

    /// Hold every request back for `delay` (never shortens an existing pause).
    pub fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.paused_until.is_none_or(|t| t < until) {
            state.paused_until = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_every_waiter() {
        let limiter = std::sync::Arc::new(Limiter::new(None));
        limiter.pause(Duration::from_secs(2));
        let start = Instant::now();
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move {
                    l.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap() - start >= Duration::from_secs(2));
        }
        // Once the pause is over, requests go straight through.
        let before = Instant::now();
        limiter.acquire().await;
        assert_eq!(Instant::now(), before);
    }

    #[tokio::test(start_paused = true)]
    async fn a_per_minute_limit_spaces_requests_evenly() {
        let limiter = Limiter::new(Some(120));
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        // Five starts at 0, .5, 1, 1.5, 2 s.
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[test]
    fn a_shorter_pause_never_cuts_a_longer_one() {
        let limiter = Limiter::new(None);
        limiter.pause(Duration::from_secs(10));
        limiter.pause(Duration::from_secs(1));
        let wake = limiter.reserve(Instant::now()).unwrap();
        assert!(wake - Instant::now() > Duration::from_secs(9));
    }
}
