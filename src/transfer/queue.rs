//! Runs the files of a job, several at once, and reports what happens.
//!
//! Each file runs as one future; stopping a job drops them all at once (cancel is immediate).
//! That is safe because a checkpoint is only ever written whole and only ever records what the
//! server acknowledged or what is durably on disk.

use super::checkpoint::{JobHandle, RecordState, Spec, TransferRecord};
use super::conflict::Decider;
use super::progress::Throttle;
use super::retry::Budget;
use super::{Direction, EngineConfig, Event, Outcome, download, upload};
use crate::api::Client;
use futures_util::StreamExt as _;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What every file of a running job shares.
pub(crate) struct RunCtx {
    pub client: Client,
    pub config: EngineConfig,
    pub decider: Decider,
    pub events: Option<mpsc::UnboundedSender<Event>>,
    pub job: JobHandle,
    /// (device, inode) of every local file this run wrote → its name: a second remote name
    /// that lands on the same file (case-insensitive file systems) is reported, not merged.
    pub produced: Mutex<HashMap<(u64, u64), String>>,
    pub stop: CancellationToken,
}

impl RunCtx {
    pub fn emit(&self, event: Event) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }

    /// Writes a record's checkpoint. A checkpoint that cannot be written makes the transfer
    /// fail: going on would break the promise that a restart can resume.
    pub fn save(&self, record: &TransferRecord) -> Result<(), String> {
        self.job
            .save(record)
            .map_err(|e| format!("cannot write the checkpoint: {e}"))
    }

    /// [`RunCtx::save`], fsynced: for records that name server-side state (sessions).
    pub fn save_durable(&self, record: &TransferRecord) -> Result<(), String> {
        self.job
            .save_durable(record)
            .map_err(|e| format!("cannot write the checkpoint: {e}"))
    }

    pub fn reporter(&self, id: &str) -> Arc<Reporter> {
        Arc::new(Reporter {
            id: id.to_string(),
            events: self.events.clone(),
            throttle: Mutex::new(Throttle::new(self.config.progress_interval)),
            done: AtomicU64::new(0),
        })
    }

    pub fn budget(&self) -> Budget {
        Budget::new(self.config.retry)
    }
}

/// How a transfer function ends when it does not finish the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    Skipped(String),
    Failed(String),
}

impl Stop {
    pub fn message(self) -> String {
        match self {
            Stop::Skipped(m) | Stop::Failed(m) => m,
        }
    }
}

pub(crate) fn fail(message: impl Into<String>) -> Stop {
    Stop::Failed(message.into())
}

/// Progress of one transfer, throttled at the source (about ten events a second).
pub(crate) struct Reporter {
    id: String,
    events: Option<mpsc::UnboundedSender<Event>>,
    throttle: Mutex<Throttle>,
    /// Bytes reported as done so far (to rewind everything on a restart).
    done: AtomicU64,
}

impl Reporter {
    fn send(&self, delta: super::Delta) {
        if let Some(tx) = &self.events {
            let _ = tx.send(Event::Progress {
                id: self.id.clone(),
                delta,
            });
        }
    }

    fn flush(&self) {
        let pending = self
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .flush();
        if let Some(n) = pending {
            self.send(super::Delta::Advanced(n));
        }
    }

    pub fn planned(&self, total: u64) {
        self.send(super::Delta::Planned(total));
    }

    pub fn resumed(&self, bytes: u64) {
        if bytes > 0 {
            self.done.fetch_add(bytes, Ordering::Relaxed);
            self.send(super::Delta::Resumed(bytes));
        }
    }

    pub fn advanced(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        let due = self
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .advance(bytes, Instant::now());
        if let Some(n) = due {
            self.send(super::Delta::Advanced(n));
        }
    }

    pub fn rewound(&self, bytes: u64) {
        if bytes == 0 {
            return;
        }
        self.flush();
        let _ = self
            .done
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |d| {
                Some(d.saturating_sub(bytes))
            });
        self.send(super::Delta::Rewound(bytes));
    }

    /// Everything reported so far has to be moved again.
    pub fn restart(&self) {
        let done = self.done.load(Ordering::Relaxed);
        self.rewound(done);
    }

    pub fn notice(&self, message: impl Into<String>) {
        if let Some(tx) = &self.events {
            let _ = tx.send(Event::Notice {
                id: self.id.clone(),
                message: message.into(),
            });
        }
    }

    pub fn done(&self) {
        self.flush();
        self.send(super::Delta::Done);
    }

    pub fn failed(&self, message: &str) {
        self.flush();
        self.send(super::Delta::Failed(message.to_string()));
    }
}

/// One file's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub id: String,
    pub name: String,
    pub direction: Direction,
    pub outcome: Outcome,
}

/// Runs `records` (the unfinished files of a job) with `files_at_once` in flight.
pub(crate) async fn run(ctx: Arc<RunCtx>, records: Vec<TransferRecord>) -> Vec<FileResult> {
    let at_once = ctx.config.files_at_once.max(1);
    futures_util::stream::iter(records)
        .map(|record| run_one(ctx.clone(), record))
        .buffer_unordered(at_once)
        .collect()
        .await
}

async fn run_one(ctx: Arc<RunCtx>, record: TransferRecord) -> FileResult {
    let id = record.id.clone();
    let name = record.name();
    let direction = record.direction();
    if ctx.stop.is_cancelled() {
        return FileResult {
            id,
            name,
            direction,
            outcome: Outcome::Paused,
        };
    }
    ctx.emit(Event::Started {
        id: id.clone(),
        direction,
        name: name.clone(),
        size: record.size(),
    });
    let work = async {
        match record.spec {
            Spec::Upload(_) => upload::run(&ctx, record).await,
            Spec::Download(_) => download::run(&ctx, record).await,
        }
    };
    let outcome = tokio::select! {
        outcome = work => outcome,
        _ = ctx.stop.cancelled() => Outcome::Paused,
    };
    ctx.emit(Event::Finished {
        id: id.clone(),
        outcome: outcome.clone(),
    });
    FileResult {
        id,
        name,
        direction,
        outcome,
    }
}

/// Stores a finished record's state and turns the run result into an [`Outcome`].
pub(crate) fn settle(
    ctx: &RunCtx,
    record: &mut TransferRecord,
    reporter: &Reporter,
    result: Result<String, Stop>,
) -> Outcome {
    let (state, outcome) = match result {
        Ok(target) => {
            reporter.done();
            (RecordState::Done, Outcome::Done(target))
        }
        Err(Stop::Skipped(why)) => {
            reporter.done();
            (RecordState::Skipped(why.clone()), Outcome::Skipped(why))
        }
        Err(Stop::Failed(why)) => {
            reporter.failed(&why);
            (RecordState::Failed(why.clone()), Outcome::Failed(why))
        }
    };
    record.state = state;
    match ctx.save(record) {
        Ok(()) => outcome,
        Err(e) => Outcome::Failed(e),
    }
}
