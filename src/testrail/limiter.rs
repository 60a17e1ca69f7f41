//! One gate every request passes before it is sent, shared by all clones of a client.
//!
//! A 429 pauses the gate for everyone: if each task slept on its own, a dozen concurrent
//! requests would all wake at the same moment and trip the limit again (a thundering herd).
//!
//! When a per-minute budget is known the gate spaces request starts evenly, so a big submit
//! stays under TestRail Cloud's limit (180 or 300 per minute) instead of bouncing off it. The
//! budget is `--max-requests-per-minute`, or learned from the first 429: the requests that got
//! through in the minute before it. Even spacing (rather than a burst up to the budget) is
//! what keeps a server with a shorter window, and the instance's other users, happy.
//!
//! A wait long enough to look like a hang prints one line (what, why, how long) even without
//! `--verbose`; one per episode, not one per waiting request.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::retry::random_unit;

/// The window a budget is spread over: TestRail's minute, and a second of margin so that
/// paced starts cannot arrive closer together than the server's own window allows.
pub const WINDOW: Duration = Duration::from_secs(61);

/// Fewer starts than this before a 429 teach nothing: the instance's other users spent the
/// budget, or a proxy refused, and the `Retry-After` pause is all there is to learn. (Cloud
/// budgets are 180 or 300 a minute, 60 in old times.)
const MIN_LEARNED: u32 = 30;

/// A 429 asking for a shorter wait teaches nothing either: a budget spent faster than the
/// server allows leaves most of its minute to wait out, while a short `Retry-After` is a
/// window about to free up (or a server that refuses now and then for other reasons).
const LEARN_MIN_WAIT: Duration = Duration::from_secs(10);

/// Waits at least this long are announced on stderr.
pub const LONG_WAIT: Duration = Duration::from_secs(2);

/// The shared gate.
#[derive(Debug)]
pub struct Limiter {
    state: Mutex<State>,
    /// Announce long waits (off for `--quiet` and under `--verbose`, which traces every wait).
    announce: bool,
}

#[derive(Debug)]
struct State {
    /// Requests per window at most, when known.
    budget: Option<u32>,
    /// Where the budget came from, for the announcement.
    source: &'static str,
    /// Gap between request starts under the budget.
    interval: Option<Duration>,
    /// The next free start slot under the budget.
    next_slot: Option<Instant>,
    /// Starts (past and booked) still inside the window, oldest first: what a 429 learns from.
    starts: VecDeque<Instant>,
    /// No request starts before this moment (set by 429s).
    paused_until: Option<Instant>,
    /// How widely wake-ups after the current pause are spread.
    spread: Duration,
    /// The end of the last announced wait: while it runs, no other wait is announced.
    announced: Option<Instant>,
}

/// The widest spread of wake-ups after a pause.
const MAX_SPREAD: Duration = Duration::from_secs(1);

/// A booked start, handed back when the request is refused with a 429.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(Instant);

impl Limiter {
    /// A gate with an optional requests-per-minute budget.
    pub fn new(per_minute: Option<u32>) -> Self {
        Limiter {
            state: Mutex::new(State {
                budget: per_minute.filter(|n| *n > 0),
                source: "--max-requests-per-minute",
                // A minute and a second: spaced at exactly the limit, one late start and one
                // on time put a 181st request into some server minute (measured: two 429s
                // in a 100,000-result submit).
                interval: per_minute.filter(|n| *n > 0).map(|n| WINDOW / n),
                next_slot: None,
                starts: VecDeque::new(),
                paused_until: None,
                spread: Duration::ZERO,
                announced: None,
            }),
            announce: false,
        }
    }

    /// Also announce long waits on stderr.
    pub fn announcing(mut self, on: bool) -> Self {
        self.announce = on;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The per-minute budget, when one is known.
    pub fn budget(&self) -> Option<u32> {
        self.lock().budget
    }

    /// Wait until this request may start; the ticket names its start.
    pub async fn acquire(&self) -> Ticket {
        // Waiters leave a pause spread over a fraction of its length, so a dozen parallel
        // requests do not all hit the server in the same millisecond when it ends.
        while let Some((end, spread)) = self.paused_after(Instant::now()) {
            tokio::time::sleep_until(end + spread.mul_f64(random_unit())).await;
        }
        let (slot, ticket) = self.book(Instant::now());
        if let Some(slot) = slot {
            tokio::time::sleep_until(slot).await;
        }
        ticket
    }

    /// The end of a pause still running at `now`, and how widely to spread the wake-ups.
    fn paused_after(&self, now: Instant) -> Option<(Instant, Duration)> {
        let state = self.lock();
        let end = state.paused_until.filter(|t| *t > now)?;
        Some((end, state.spread))
    }

    /// Book a start under the budget: the moment to wait for (`None`: go now) and the ticket.
    /// Starts are remembered without a budget too, so that a 429 can learn one from them.
    fn book(&self, now: Instant) -> (Option<Instant>, Ticket) {
        let mut state = self.lock();
        while state.starts.front().is_some_and(|t| now >= *t + WINDOW) {
            state.starts.pop_front();
        }
        let slot = match state.interval {
            Some(gap) => {
                let slot = state.next_slot.map_or(now, |s| s.max(now));
                state.next_slot = Some(slot + gap);
                slot
            }
            None => now,
        };
        state.starts.push_back(slot);
        let ticket = Ticket(slot);
        if slot <= now {
            return (None, ticket);
        }
        let wait = slot - now;
        if self.announce && wait >= LONG_WAIT && state.announced.is_none_or(|a| a <= now) {
            state.announced = Some(slot);
            eprintln!(
                "waiting {}: pacing requests to {} a minute ({})",
                whole_secs(wait),
                state.budget.unwrap_or(0),
                state.source
            );
        }
        (Some(slot), ticket)
    }

    /// Hold every request back for `delay` (never shortens an existing pause).
    pub fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.lock();
        if state.paused_until.is_none_or(|t| t < until) {
            state.paused_until = Some(until);
            state.spread = (delay / 5).min(MAX_SPREAD);
        }
    }

    /// A 429 answered the request of `ticket`: pause everyone for `delay`, and learn the
    /// budget from the starts that got through in the window before it.
    pub fn refused(&self, ticket: Ticket, delay: Duration, why: &str) {
        let now = Instant::now();
        self.pause(delay);
        let mut state = self.lock();
        // The server did not count it; forget it, or the window would over-count.
        if let Some(i) = state.starts.iter().rposition(|t| *t == ticket.0) {
            state.starts.remove(i);
        }
        let before = ticket.0;
        let through = state
            .starts
            .iter()
            .filter(|t| **t < before && before < **t + WINDOW)
            .count() as u32;
        let telling = through >= MIN_LEARNED && delay >= LEARN_MIN_WAIT;
        if telling && state.budget.is_none_or(|b| through < b) {
            state.budget = Some(through);
            state.interval = Some(WINDOW / through);
            state.source = "learned from TestRail's 429";
        }
        let until = now + delay;
        if self.announce && delay >= LONG_WAIT && state.announced.is_none_or(|a| a <= now) {
            state.announced = Some(until);
            eprintln!(
                "waiting {}: TestRail's rate limit ({why}); every request pauses",
                whole_secs(delay)
            );
        }
    }
}

/// `42 s`, rounded up: an announced wait never turns out longer than it said.
pub fn whole_secs(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{secs} s")
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
        // Five starts at 0, .51, 1.02, 1.53, 2.03 s: a sixty-first slower than the limit, as
        // margin (tokio's timer rounds each wait up to the millisecond).
        let took = Instant::now() - start;
        let spaced = WINDOW / 120 * 4;
        assert!(
            took >= spaced && took <= spaced + Duration::from_millis(4),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_teaches_the_budget_from_the_starts_that_got_through() {
        let limiter = Limiter::new(None);
        assert_eq!(limiter.budget(), None);
        for _ in 0..40 {
            limiter.acquire().await;
            tokio::time::advance(Duration::from_millis(100)).await;
        }
        let refused = limiter.acquire().await;
        // A request started later and refused too does not raise what was learned.
        let later = limiter.acquire().await;
        limiter.refused(refused, Duration::from_secs(30), "HTTP 429");
        limiter.refused(later, Duration::from_secs(30), "HTTP 429");
        assert_eq!(limiter.budget(), Some(40));
        // The pause holds, then starts are a fortieth of the window apart.
        let start = Instant::now();
        limiter.acquire().await;
        assert!(Instant::now() - start >= Duration::from_secs(30));
        let second = Instant::now();
        limiter.acquire().await;
        assert_eq!(Instant::now() - second, WINDOW / 40);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_after_a_few_requests_or_with_a_short_wait_teaches_no_budget() {
        let limiter = Limiter::new(None);
        for _ in 0..3 {
            limiter.acquire().await;
        }
        let refused = limiter.acquire().await;
        limiter.refused(refused, Duration::from_secs(30), "HTTP 429");
        assert_eq!(limiter.budget(), None);
        for _ in 0..50 {
            limiter.acquire().await;
        }
        let refused = limiter.acquire().await;
        limiter.refused(refused, Duration::from_secs(1), "HTTP 429");
        assert_eq!(limiter.budget(), None);
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

    #[test]
    fn announced_waits_round_up() {
        assert_eq!(whole_secs(Duration::from_millis(41_200)), "42 s");
        assert_eq!(whole_secs(Duration::from_secs(3)), "3 s");
    }
}
