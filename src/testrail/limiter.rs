//! One gate every request passes before it is sent, shared by all clones of a client.
//!
//! A 429 pauses the gate for everyone: if each task slept on its own, a dozen concurrent
//! requests would all wake at the same moment and trip the limit again (a thundering herd).
//! With `--max-requests-per-minute` the gate also spaces requests evenly, so a big submit
//! stays under TestRail Cloud's limit (180 or 300 per minute) instead of bouncing off it.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::retry::random_unit;

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
    /// How widely wake-ups after the current pause are spread.
    spread: Duration,
}

/// The widest spread of wake-ups after a pause.
const MAX_SPREAD: Duration = Duration::from_secs(1);

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
                spread: Duration::ZERO,
            }),
        }
    }

    /// Wait until this request may start.
    pub async fn acquire(&self) {
        // Waiters leave a pause spread over a fraction of its length, so a dozen parallel
        // requests do not all hit the server in the same millisecond when it ends.
        while let Some((end, spread)) = self.paused_after(Instant::now()) {
            tokio::time::sleep_until(end + spread.mul_f64(random_unit())).await;
        }
        if let Some(slot) = self.reserve_slot(Instant::now()) {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// The end of a pause still running at `now`, and how widely to spread the wake-ups.
    fn paused_after(&self, now: Instant) -> Option<(Instant, Duration)> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let end = state.paused_until.filter(|t| *t > now)?;
        Some((end, state.spread))
    }

    /// Book a start under the per-minute limit: `None` to go now, or when to go.
    fn reserve_slot(&self, now: Instant) -> Option<Instant> {
        let gap = self.interval?;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let slot = state.next_slot.map_or(now, |s| s.max(now));
        state.next_slot = Some(slot + gap);
        (slot > now).then_some(slot)
    }

    /// Hold every request back for `delay` (never shortens an existing pause).
    pub fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.paused_until.is_none_or(|t| t < until) {
            state.paused_until = Some(until);
            state.spread = (delay / 5).min(MAX_SPREAD);
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
            let waited = t.await.unwrap() - start;
            // The pause, plus at most a fifth of it to spread the wake-ups.
            assert!(
                waited >= Duration::from_secs(2) && waited <= Duration::from_millis(2400),
                "{waited:?}"
            );
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
        let (end, spread) = limiter.paused_after(Instant::now()).unwrap();
        assert!(end - Instant::now() > Duration::from_secs(9));
        assert_eq!(spread, MAX_SPREAD);
    }
}
