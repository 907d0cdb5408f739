//! The transfer engine: chunked uploads for each storage policy, ranged downloads, resume from
//! checkpoints, retries, conflicts, and a queue that runs several files at once. The CLI
//! (`reve put/get/transfers`) and the TUI's transfer panel both drive it through [`Engine`].
//!
//! ```text
//!  Engine::put / get / resume ──► plan (walk, mkdir, one checkpoint per file)
//!                                   │
//!                                   ▼
//!                         queue (N files at once) ──► upload::run ──► policy flow (local, remote, s3)
//!                                   │              └► download::run
//!                                   ▼
//!                Event (Started, Progress(Delta), Notice, Finished) ──► CLI bar / JSON / TUI
//! ```
//!
//! Protocol: files-and-transfers.md §4 (local policy), §5 (other policies), §6 (downloads).
//!
//! Using it from a UI: build one [`Engine`] with [`Engine::with_events`]; start each user
//! action (a copy of the selection) as a job with [`Engine::put`] / [`Engine::get`] and its own
//! `CancellationToken` (cancelling it pauses the job: checkpoints stay); [`Engine::resume`]
//! continues or retries it, [`Engine::clear`] forgets it (server sessions cancelled, part
//! files deleted), [`Engine::list`] finds jobs interrupted by an earlier run. Fold each
//! `Event::Progress` delta into a [`Progress`] per transfer id. Conflicts are asked through a
//! [`ChannelResolver`] (or decided by a fixed [`ConflictPolicy`]).

pub mod checkpoint;
pub mod conflict;
pub mod download;
pub mod engine;
pub mod paths;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod queue;
pub mod retry;
pub mod source;
pub mod upload;

pub use checkpoint::{CheckpointStore, JobSummary, RecordState, TransferRecord};
pub use conflict::{Answer, ChannelResolver, Choice, Conflict, ConflictPolicy, Question};
pub use engine::{Engine, EngineError, JobOptions, JobReport};
pub use progress::{Delta, Phase, Progress};
pub use retry::RetryPolicy;

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Which way the bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Upload,
    Download,
}

impl Direction {
    pub(crate) fn index(self) -> usize {
        match self {
            Direction::Upload => 0,
            Direction::Download => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Upload => "upload",
            Direction::Download => "download",
        }
    }
}

/// Tuning of the engine. The defaults suit real servers; tests shorten the times.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Files transferred at once (default 3).
    pub files_at_once: usize,
    /// Chunks of one upload in flight at once. `None`: the policy's `chunk_concurrency`, else 1
    /// (files-and-transfers.md §4.3: sequential unless the policy says otherwise). A value
    /// never exceeds the policy's.
    pub chunk_concurrency: Option<usize>,
    pub retry: RetryPolicy,
    /// Longest silence tolerated on a chunk request or a download before it counts as a
    /// transport failure.
    pub stall_timeout: Duration,
    /// A download fsyncs and records its progress every this many bytes.
    pub sync_every: u64,
    /// Bytes at the start of an upload's source file that are hashed to identify it (the
    /// first chunk of most policies; 4 MiB by default).
    pub head_hash_limit: u64,
    /// Progress events per transfer are at most this frequent.
    pub progress_interval: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            files_at_once: 3,
            chunk_concurrency: None,
            retry: RetryPolicy::default(),
            stall_timeout: Duration::from_secs(60),
            sync_every: 16 << 20,
            head_hash_limit: 4 << 20,
            progress_interval: progress::DEFAULT_INTERVAL,
        }
    }
}

/// How one file ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// Finished; the detail is where the file went (URI or local path).
    Done(String),
    Skipped(String),
    Failed(String),
    /// Stopped by the user or by a shutdown; the checkpoint allows resuming.
    Paused,
}

/// What the engine reports. One stream for every job; the TUI folds `Progress` deltas into
/// [`Progress`] values keyed by transfer id.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// A job's files are known.
    Planned {
        job: String,
        direction: Direction,
        files: usize,
        bytes: u64,
    },
    Started {
        id: String,
        direction: Direction,
        name: String,
        size: u64,
    },
    Progress {
        id: String,
        #[serde(serialize_with = "delta_json")]
        delta: Delta,
    },
    /// Something worth telling: a retry, a restart, a rename.
    Notice { id: String, message: String },
    Finished {
        id: String,
        #[serde(flatten)]
        outcome: Outcome,
    },
}

fn delta_json<S: serde::Serializer>(delta: &Delta, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(1))?;
    match delta {
        Delta::Planned(n) => map.serialize_entry("planned", n)?,
        Delta::Resumed(n) => map.serialize_entry("resumed", n)?,
        Delta::Advanced(n) => map.serialize_entry("advanced", n)?,
        Delta::Rewound(n) => map.serialize_entry("rewound", n)?,
        Delta::Done => map.serialize_entry("done", &true)?,
        Delta::Failed(e) => map.serialize_entry("failed", e)?,
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_as_one_flat_object() {
        let e = Event::Progress {
            id: "ab.1".into(),
            delta: Delta::Advanced(42),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"progress","id":"ab.1","delta":{"advanced":42}}"#
        );
        let f = Event::Finished {
            id: "ab.1".into(),
            outcome: Outcome::Done("cloudreve://my/a".into()),
        };
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"event":"finished","id":"ab.1","outcome":"done","detail":"cloudreve://my/a"}"#
        );
        let p = Event::Finished {
            id: "x".into(),
            outcome: Outcome::Paused,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"event":"finished","id":"x","outcome":"paused"}"#
        );
    }
}
