//! Transfer progress as a small `Copy` value folded from deltas, with pure figures
//! (architecture.md: "Progress is a small Copy struct folded from deltas").
//!
//! The engine emits [`Delta`]s; whoever shows progress (the CLI bar, the TUI's transfer panel)
//! folds them with [`Progress::apply`] and asks for [`Progress::percent`], [`Progress::speed`]
//! and [`Progress::eta`] at render time. [`Throttle`] keeps the source at about ten updates a
//! second per transfer.

use std::time::{Duration, Instant};

/// One change of a transfer's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// The total size is known.
    Planned(u64),
    /// Bytes that were already there when the transfer (re)started: a resumed download's part
    /// file, acknowledged chunks of a resumed upload. Not counted in the speed.
    Resumed(u64),
    /// Bytes moved.
    Advanced(u64),
    /// Bytes that have to be moved again (a chunk failed mid-way, a server ignored `Range`).
    Rewound(u64),
    Done,
    Failed(String),
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Queued,
    Running,
    Done,
    Failed,
}

/// How far the speed looks back: long enough to smooth chunk bursts, short enough to follow a
/// changing link.
const WINDOW: Duration = Duration::from_secs(5);

/// The progress of one transfer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    /// Total bytes, once planned.
    pub total: Option<u64>,
    /// Bytes done (resumed ones included).
    pub done: u64,
    pub phase: Phase,
    /// Start of the current speed window and the bytes done then; the previous window is kept
    /// so the speed does not drop to nothing when a window starts.
    window: Option<(Instant, u64)>,
    previous: Option<(Instant, u64)>,
    /// When the transfer ended (for the final average speed).
    ended: Option<Instant>,
}

impl Progress {
    /// Folds one delta observed at `now`.
    pub fn apply(mut self, delta: &Delta, now: Instant) -> Progress {
        match delta {
            Delta::Planned(total) => {
                self.total = Some(*total);
                // The clock starts when the work is known, not at the first report.
                self.window.get_or_insert((now, self.done));
            }
            Delta::Resumed(n) => {
                self.done = self.done.saturating_add(*n);
                // Bytes that were already there do not count as speed.
                self.window = Some((now, self.done));
                self.previous = None;
            }
            Delta::Advanced(n) => {
                self.phase = Phase::Running;
                if self.window.is_none() {
                    self.window = Some((now, self.done));
                }
                self.done = self.done.saturating_add(*n);
                self.roll_window(now);
            }
            Delta::Rewound(n) => self.done = self.done.saturating_sub(*n),
            Delta::Done => {
                self.phase = Phase::Done;
                if let Some(total) = self.total {
                    self.done = total;
                }
                self.ended = Some(now);
            }
            Delta::Failed(_) => {
                self.phase = Phase::Failed;
                self.ended = Some(now);
            }
        }
        self
    }

    fn roll_window(&mut self, now: Instant) {
        if let Some((start, _)) = self.window
            && now.duration_since(start) >= WINDOW
        {
            self.previous = self.window;
            self.window = Some((now, self.done));
        }
    }

    /// 0–100, when the total is known (a 0-byte transfer is 100 % once done).
    pub fn percent(&self) -> Option<f64> {
        let total = self.total?;
        if total == 0 {
            return Some(if self.phase == Phase::Done {
                100.0
            } else {
                0.0
            });
        }
        Some((self.done.min(total) as f64 * 100.0) / total as f64)
    }

    /// Bytes per second over the last few seconds.
    pub fn speed(&self, now: Instant) -> f64 {
        let now = self.ended.unwrap_or(now);
        let Some((start, bytes)) = self.previous.or(self.window) else {
            return 0.0;
        };
        let elapsed = now.saturating_duration_since(start).as_secs_f64();
        if elapsed < 0.05 {
            return 0.0;
        }
        self.done.saturating_sub(bytes) as f64 / elapsed
    }

    /// Time left at the current speed, when both are known.
    pub fn eta(&self, now: Instant) -> Option<Duration> {
        let total = self.total?;
        if self.phase == Phase::Done {
            return Some(Duration::ZERO);
        }
        let speed = self.speed(now);
        if speed <= 0.0 {
            return None;
        }
        let left = total.saturating_sub(self.done) as f64;
        Some(Duration::from_secs_f64(left / speed))
    }
}

/// Limits `Advanced` deltas to one every `interval`; the bytes in between are summed.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    interval: Duration,
    last: Option<Instant>,
    pending: u64,
}

/// About ten updates a second.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(100);

impl Throttle {
    pub fn new(interval: Duration) -> Throttle {
        Throttle {
            interval,
            last: None,
            pending: 0,
        }
    }

    /// Adds `n` moved bytes; returns the sum to report when it is time to.
    pub fn advance(&mut self, n: u64, now: Instant) -> Option<u64> {
        self.pending += n;
        let due = self
            .last
            .is_none_or(|last| now.duration_since(last) >= self.interval);
        if due && self.pending > 0 {
            self.last = Some(now);
            Some(std::mem::take(&mut self.pending))
        } else {
            None
        }
    }

    /// Whatever is still unreported (before `Done`, `Failed` or `Rewound`).
    pub fn flush(&mut self) -> Option<u64> {
        (self.pending > 0).then(|| std::mem::take(&mut self.pending))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(deltas: &[(Delta, u64)]) -> (Progress, Instant) {
        let t0 = Instant::now();
        let mut p = Progress::default();
        for (d, ms) in deltas {
            p = p.apply(d, t0 + Duration::from_millis(*ms));
        }
        (p, t0)
    }

    #[test]
    fn percent_speed_eta() {
        let (p, t0) = fold(&[
            (Delta::Planned(1000), 0),
            (Delta::Advanced(100), 0),
            (Delta::Advanced(100), 1000),
        ]);
        assert_eq!(p.percent(), Some(20.0));
        let now = t0 + Duration::from_millis(1000);
        // 200 bytes in the second since the transfer was planned; 800 left.
        assert!((p.speed(now) - 200.0).abs() < 1.0, "{}", p.speed(now));
        let eta = p.eta(now).unwrap().as_secs_f64();
        assert!((eta - 4.0).abs() < 0.1, "{eta}");
    }

    #[test]
    fn resumed_bytes_are_not_speed() {
        let (p, t0) = fold(&[
            (Delta::Planned(1000), 0),
            (Delta::Resumed(900), 0),
            (Delta::Advanced(50), 500),
        ]);
        assert_eq!(p.done, 950);
        let speed = p.speed(t0 + Duration::from_millis(500));
        assert!((speed - 100.0).abs() < 1.0, "{speed}");
    }

    #[test]
    fn rewind_done_failed() {
        let (p, _) = fold(&[
            (Delta::Planned(10), 0),
            (Delta::Advanced(8), 10),
            (Delta::Rewound(5), 20),
        ]);
        assert_eq!(p.done, 3);
        let done = p.apply(&Delta::Done, Instant::now());
        assert_eq!((done.phase, done.percent()), (Phase::Done, Some(100.0)));
        let failed = p.apply(&Delta::Failed("x".into()), Instant::now());
        assert_eq!(failed.phase, Phase::Failed);
        let empty = Progress::default().apply(&Delta::Planned(0), Instant::now());
        assert_eq!(empty.percent(), Some(0.0));
        assert_eq!(empty.eta(Instant::now()), None);
    }

    #[test]
    fn throttle_sums_between_ticks() {
        let t0 = Instant::now();
        let mut t = Throttle::new(DEFAULT_INTERVAL);
        assert_eq!(t.advance(5, t0), Some(5));
        assert_eq!(t.advance(5, t0 + Duration::from_millis(10)), None);
        assert_eq!(t.advance(5, t0 + Duration::from_millis(50)), None);
        assert_eq!(t.advance(1, t0 + Duration::from_millis(120)), Some(11));
        assert_eq!(t.advance(2, t0 + Duration::from_millis(130)), None);
        assert_eq!(t.flush(), Some(2));
        assert_eq!(t.flush(), None);
    }
}
