//! How fast results go out: how many batches are in flight and how many results each holds.
//!
//! No two TestRail servers are alike. One answers slowly but works on many requests at once;
//! one spends time on every result with a few workers; TestRail Cloud allows 180 or 300
//! requests a minute. So concurrency is found, not configured: it starts moderate and, like
//! TCP's congestion window, grows while latency stays flat and nothing is refused, and shrinks
//! when latency climbs (requests queue on the server) or the server pushes back (429, 409,
//! 5xx, timeouts). `--parallel-batches N` fixes it at N instead, lowered only by push-back.
//!
//! Batch sizes come from the budget: big batches cost the fewest requests, which is what a
//! per-minute budget counts; a small submit is cut into a few more batches so it spreads over
//! the server's workers, as long as that fits the budget.

use std::time::Duration;

/// Batches in flight at the start: enough to spread over a few server workers, few enough
/// not to swamp a small server.
pub const START: usize = 8;

/// Most batches in flight, unless `--parallel-batches` says otherwise.
pub const CEILING: usize = 32;

/// A small submit is cut into about this many batches, to spread over the server's workers.
const SPREAD: usize = START;

/// Smallest batch the spreading makes: below it, per-request overhead outweighs the spread.
const MIN_BATCH: usize = 100;

/// Requests a submit makes besides the batches (open, close, look-ups), kept out of the budget.
const RESERVE: usize = 5;

/// Latency counts as flat up to this factor of the best seen...
const FLAT: f64 = 1.5;

/// ...plus this, for jitter. Small on purpose: a fast server on a busy machine answers a
/// batch in a few milliseconds, and more in flight there only queues for the same cores.
const SLACK: Duration = Duration::from_millis(5);

/// Results per request for a submit of `results`: at most `max_batch`; fewer, to spread over
/// a server's workers, while the requests still fit a known per-minute `budget`.
pub fn batch_size(results: usize, max_batch: usize, budget: Option<u32>) -> usize {
    let max_batch = max_batch.max(1);
    let spread = results.div_ceil(SPREAD).max(MIN_BATCH);
    let size = match budget {
        // The whole submit in the budget's requests, if it can be done at all.
        Some(b) => spread.max(results.div_ceil((b as usize).saturating_sub(RESERVE).max(1))),
        None => spread,
    };
    size.min(max_batch)
}

/// One finished batch, as the controller sees it.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From sending to the answer, retries included.
    pub latency: Duration,
    /// The server pushed back while it was out (a retry anywhere, or the batch failed).
    pub congested: bool,
    /// The controller's epoch when the batch was sent: a decrease reacts to batches sent at
    /// the old level only once.
    pub epoch: u64,
    /// A full batch (the last, smaller one says little about latency).
    pub full: bool,
    /// Every slot was in use, so the level was really tried.
    pub saturated: bool,
}

/// The number of batches in flight.
#[derive(Debug, Clone)]
pub struct Concurrency {
    level: f64,
    ceiling: usize,
    /// Fixed by `--parallel-batches`: push-back lowers it, latency does not.
    fixed: bool,
    /// Doubling per round trip until the first decrease.
    slow_start: bool,
    /// The best latency of a full batch so far.
    best: Option<Duration>,
    epoch: u64,
    peak: usize,
}

impl Concurrency {
    /// Adaptive (`None`), or fixed at `--parallel-batches N`.
    pub fn new(fixed: Option<usize>) -> Self {
        let (start, ceiling) = match fixed {
            Some(n) => (n.max(1), n.max(1)),
            None => (START, CEILING),
        };
        Concurrency {
            level: start as f64,
            ceiling,
            fixed: fixed.is_some(),
            slow_start: fixed.is_none(),
            best: None,
            epoch: 0,
            peak: start,
        }
    }

    /// Batches that may be in flight now.
    pub fn limit(&self) -> usize {
        (self.level as usize).clamp(1, self.ceiling)
    }

    /// The highest limit reached.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// The current epoch, to stamp on a batch being sent.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Learn from a finished batch.
    pub fn observe(&mut self, s: Sample) {
        let queued = s.full
            && !self.fixed
            && self
                .best
                .is_some_and(|best| s.latency > best.mul_f64(FLAT) + SLACK);
        if s.full {
            self.best = Some(self.best.map_or(s.latency, |b| b.min(s.latency)));
        }
        if s.congested || queued {
            // Once per round trip: batches sent before the decrease report the old level.
            if s.epoch == self.epoch {
                let factor = if s.congested { 0.5 } else { 0.75 };
                self.level = (self.level * factor).max(1.0);
                self.slow_start = false;
                self.epoch += 1;
            }
            return;
        }
        if !s.saturated || !s.full {
            return;
        }
        // One more per finished batch doubles per round trip; one per round trip after.
        self.level += if self.slow_start {
            1.0
        } else {
            1.0 / self.level
        };
        self.level = self.level.min(self.ceiling as f64);
        self.peak = self.peak.max(self.limit());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn sample(c: &Concurrency, latency: u64) -> Sample {
        Sample {
            latency: ms(latency),
            congested: false,
            epoch: c.epoch(),
            full: true,
            saturated: true,
        }
    }

    #[test]
    fn batches_are_big_unless_a_small_submit_can_spread() {
        assert_eq!(batch_size(10_000, 250, None), 250);
        assert_eq!(batch_size(1000, 250, None), 125);
        assert_eq!(batch_size(300, 250, None), 100);
        assert_eq!(batch_size(1000, 2, None), 2);
        // A budget of 10 a minute: 5 requests for the batches at most.
        assert_eq!(batch_size(1000, 250, Some(10)), 200);
        // A budget too small for any plan: the biggest batches, and pacing does the rest.
        assert_eq!(batch_size(100_000, 250, Some(180)), 250);
    }

    #[test]
    fn flat_latency_doubles_the_level_each_round_trip_up_to_the_ceiling() {
        let mut c = Concurrency::new(None);
        assert_eq!(c.limit(), START);
        for _ in 0..START {
            c.observe(sample(&c, 300));
        }
        assert_eq!(c.limit(), START * 2);
        for _ in 0..100 {
            c.observe(sample(&c, 310));
        }
        assert_eq!(c.limit(), CEILING);
        assert_eq!(c.peak(), CEILING);
    }

    #[test]
    fn queueing_lowers_the_level_once_per_round_trip() {
        let mut c = Concurrency::new(None);
        for _ in 0..START {
            c.observe(sample(&c, 600));
        }
        assert_eq!(c.limit(), 16);
        let old = sample(&c, 1200);
        c.observe(old);
        assert_eq!(c.limit(), 12);
        // The other batches sent at 16 say the same thing; it is heard once.
        c.observe(old);
        c.observe(old);
        assert_eq!(c.limit(), 12);
        // Then growth is additive: a round trip of flat answers adds one.
        for _ in 0..12 {
            c.observe(sample(&c, 600));
        }
        assert_eq!(c.limit(), 12);
        c.observe(sample(&c, 600));
        assert_eq!(c.limit(), 13);
    }

    #[test]
    fn push_back_halves_and_an_idle_level_does_not_grow() {
        let mut c = Concurrency::new(None);
        let refused = Sample {
            congested: true,
            ..sample(&c, 300)
        };
        c.observe(refused);
        assert_eq!(c.limit(), START / 2);
        let idle = Sample {
            saturated: false,
            ..sample(&c, 300)
        };
        for _ in 0..10 {
            c.observe(idle);
        }
        assert_eq!(c.limit(), START / 2);
    }

    #[test]
    fn a_fixed_level_ignores_latency_but_not_push_back() {
        let mut c = Concurrency::new(Some(3));
        for _ in 0..10 {
            c.observe(sample(&c, 100));
        }
        c.observe(sample(&c, 5000));
        assert_eq!(c.limit(), 3);
        c.observe(Sample {
            congested: true,
            ..sample(&c, 100)
        });
        assert_eq!(c.limit(), 1);
        for _ in 0..20 {
            c.observe(sample(&c, 100));
        }
        assert_eq!(c.limit(), 3);
    }
}
