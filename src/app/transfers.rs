//! The transfers the TUI runs, as pure data folded from the engine's events.
//!
//! One [`TransferJob`] per user action (a copy or move of a selection). A job keeps an
//! aggregate [`Progress`] (what the status bar and the job's row show) and one [`FileRow`] per
//! file the engine started, but the panel only draws the files that are running or went wrong:
//! a job of 1,000 small files costs one row plus the few files in flight.

use super::source::Source;
use crate::api::uri::CrUri;
use crate::transfer::{Conflict, Delta, Direction, Event, Outcome, Phase, Progress};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

/// The TUI's id of a job (from the state's counter; the engine's own id comes later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(pub u64);

/// What the worker is asked to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferRequest {
    Upload { sources: Vec<PathBuf>, dest: CrUri },
    Download { sources: Vec<CrUri>, dest: PathBuf },
}

impl TransferRequest {
    pub fn direction(&self) -> Direction {
        match self {
            TransferRequest::Upload { .. } => Direction::Upload,
            TransferRequest::Download { .. } => Direction::Download,
        }
    }
}

/// A job the user confirmed (kept in the confirmation until "yes").
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub request: TransferRequest,
    /// The item's name or `3 items` (raw; sanitized when drawn).
    pub title: String,
    /// How many items were selected.
    pub items: usize,
    /// The folder the files land in (reloaded when they do).
    pub dest: Source,
    /// A move: these go (local: deleted, drive: to the trash) once every file arrived.
    pub move_sources: Option<Vec<Source>>,
    /// Where the sources are (reloaded after a move).
    pub src_folder: Option<Source>,
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Sent to the worker; the files are being listed.
    Queued,
    Running,
    /// Paused by the user; waiting for the engine to stop.
    Pausing,
    /// Stopped with its checkpoints kept (also: interrupted by an earlier run).
    Paused,
    /// Cancel asked; waiting for the engine to clean up.
    Cancelling,
    Cancelled,
    /// Every file arrived (or was skipped by choice).
    Done,
    /// Some files failed (the reason of the first); `r` tries them again.
    Failed(String),
}

impl JobState {
    /// The engine works on it (or is about to).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            JobState::Queued | JobState::Running | JobState::Pausing | JobState::Cancelling
        )
    }

    /// Nothing more will happen to it: `C` clears it from the list.
    pub fn is_finished(&self) -> bool {
        matches!(self, JobState::Done | JobState::Cancelled)
    }
}

/// Where one file stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Running,
    Done,
    Skipped(String),
    Failed(String),
    Paused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub id: String,
    /// Raw name (sanitized when drawn).
    pub name: String,
    pub size: u64,
    pub progress: Progress,
    pub state: FileState,
}

/// How a job run ended, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobEnd {
    /// The engine's job id (for resume and clear), once the job was created.
    pub engine_job: Option<String>,
    pub done: usize,
    pub skipped: usize,
    pub failed: usize,
    pub paused: usize,
    /// Sources that could not be planned: `item: message`.
    pub problems: Vec<String>,
    /// Checkpoints stay (something is left to do).
    pub resumable: bool,
    /// The job could not run at all (a planning or checkpoint error).
    pub error: Option<String>,
}

/// A job from an earlier run, found in the checkpoints at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub engine_job: String,
    pub direction: Direction,
    /// Raw display name of the job: the item's name or `3 items`.
    pub name: String,
    /// Items the job was started with.
    pub items: usize,
    pub files: usize,
    pub files_left: usize,
    pub bytes: u64,
    pub bytes_done: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TransferJob {
    pub id: TransferId,
    pub engine_job: Option<String>,
    pub direction: Direction,
    /// The item's name or `3 items` (raw).
    pub title: String,
    /// Items the user selected (the title is a name when 1).
    pub items: usize,
    pub dest: Option<Source>,
    pub move_sources: Option<Vec<Source>>,
    pub src_folder: Option<Source>,
    pub state: JobState,
    /// Files and bytes of the whole job (earlier runs included).
    pub files_total: usize,
    pub bytes_total: u64,
    /// Files done (or skipped) in earlier runs, not in `files`.
    earlier_files: usize,
    pub progress: Progress,
    pub files: Vec<FileRow>,
    index: HashMap<String, usize>,
}

impl TransferJob {
    pub fn new(id: TransferId, direction: Direction, title: String) -> TransferJob {
        TransferJob {
            id,
            engine_job: None,
            direction,
            title,
            items: 1,
            dest: None,
            move_sources: None,
            src_folder: None,
            state: JobState::Queued,
            files_total: 0,
            bytes_total: 0,
            earlier_files: 0,
            progress: Progress::default(),
            files: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// A job interrupted by an earlier run (before it is resumed).
    pub fn interrupted(id: TransferId, found: &Interrupted) -> TransferJob {
        let mut job = TransferJob::new(id, found.direction, found.name.clone());
        job.engine_job = Some(found.engine_job.clone());
        job.items = found.items;
        job.state = JobState::Paused;
        job.files_total = found.files;
        job.bytes_total = found.bytes;
        job.earlier_files = found.files - found.files_left.min(found.files);
        job.progress.total = Some(found.bytes);
        job.progress.done = found.bytes_done;
        job
    }

    /// Files finished for good (done or skipped), earlier runs included.
    pub fn files_finished(&self) -> usize {
        self.earlier_files
            + self
                .files
                .iter()
                .filter(|f| matches!(f.state, FileState::Done | FileState::Skipped(_)))
                .count()
    }

    pub fn files_failed(&self) -> impl Iterator<Item = &FileRow> {
        self.files
            .iter()
            .filter(|f| matches!(f.state, FileState::Failed(_)))
    }

    pub fn files_running(&self) -> impl Iterator<Item = &FileRow> {
        self.files.iter().filter(|f| f.state == FileState::Running)
    }

    /// Folds one engine event observed at `now`.
    pub fn apply(&mut self, event: &Event, now: Instant) {
        match event {
            Event::Planned {
                job, files, bytes, ..
            } => {
                self.engine_job = Some(job.clone());
                // A resumed run plans only what is left: what earlier runs finished is the
                // difference to the totals known from before.
                let done_files = self.files_total.saturating_sub(*files);
                let done_bytes = self.bytes_total.saturating_sub(*bytes);
                let rows_finished = self
                    .files
                    .iter()
                    .filter(|f| matches!(f.state, FileState::Done | FileState::Skipped(_)))
                    .count();
                self.earlier_files = done_files.saturating_sub(rows_finished);
                self.files_total = done_files + files;
                self.bytes_total = done_bytes + bytes;
                self.progress = Progress::default()
                    .apply(&Delta::Planned(self.bytes_total), now)
                    .apply(&Delta::Resumed(done_bytes), now);
                if self.state == JobState::Queued {
                    self.state = JobState::Running;
                }
            }
            Event::Started { id, name, size, .. } => {
                let row = FileRow {
                    id: id.clone(),
                    name: name.clone(),
                    size: *size,
                    progress: Progress::default().apply(&Delta::Planned(*size), now),
                    state: FileState::Running,
                };
                match self.index.get(id) {
                    Some(&i) => self.files[i] = row,
                    None => {
                        self.index.insert(id.clone(), self.files.len());
                        self.files.push(row);
                    }
                }
                if self.state == JobState::Queued {
                    self.state = JobState::Running;
                }
            }
            Event::Progress { id, delta } => {
                if let Some(&i) = self.index.get(id) {
                    let file = &mut self.files[i];
                    file.progress = file.progress.apply(delta, now);
                }
                // Only byte counts go into the job's sum; its end comes with the job's report.
                if matches!(
                    delta,
                    Delta::Advanced(_) | Delta::Resumed(_) | Delta::Rewound(_)
                ) {
                    self.progress = self.progress.apply(delta, now);
                }
            }
            Event::Notice { .. } => {}
            Event::Finished { id, outcome } => {
                let Some(&i) = self.index.get(id) else {
                    return;
                };
                let file = &mut self.files[i];
                file.state = match outcome {
                    Outcome::Done(_) => FileState::Done,
                    Outcome::Skipped(why) => FileState::Skipped(why.clone()),
                    Outcome::Failed(why) => FileState::Failed(why.clone()),
                    Outcome::Paused => FileState::Paused,
                };
                if let Outcome::Skipped(_) = outcome {
                    // A skipped file moves no bytes, but it is no longer outstanding.
                    let left = file.size.saturating_sub(file.progress.done);
                    self.progress = self.progress.apply(&Delta::Advanced(left), now);
                }
                let delta = match outcome {
                    Outcome::Done(_) | Outcome::Skipped(_) => Delta::Done,
                    Outcome::Failed(why) => Delta::Failed(why.clone()),
                    Outcome::Paused => return,
                };
                file.progress = file.progress.apply(&delta, now);
            }
        }
    }

    /// The run ended; returns true when a move may now delete its sources.
    pub fn end(&mut self, end: &JobEnd, now: Instant) -> bool {
        if end.engine_job.is_some() {
            self.engine_job = end.engine_job.clone();
        }
        for f in &mut self.files {
            if f.state == FileState::Running {
                f.state = FileState::Paused;
            }
        }
        if self.state == JobState::Cancelling {
            // The worker clears the checkpoints next and reports it.
            return false;
        }
        let first_failure = end.error.clone().or_else(|| {
            self.files_failed()
                .find_map(|f| match &f.state {
                    FileState::Failed(why) => Some(why.clone()),
                    _ => None,
                })
                .or_else(|| end.problems.first().cloned())
        });
        self.state = if end.error.is_some() || end.failed > 0 || !end.problems.is_empty() {
            self.progress = self.progress.apply(&Delta::Failed(String::new()), now);
            JobState::Failed(first_failure.unwrap_or_else(|| "failed".into()))
        } else if end.paused > 0 || (end.resumable && self.state == JobState::Pausing) {
            JobState::Paused
        } else {
            self.progress = self.progress.apply(&Delta::Done, now);
            JobState::Done
        };
        self.state == JobState::Done
            && end.skipped == 0
            && end.paused == 0
            && !end.resumable
            && self.move_sources.is_some()
    }

    /// 0–100 over the whole job.
    pub fn percent(&self) -> Option<f64> {
        self.progress.percent()
    }

    pub fn phase(&self) -> Phase {
        self.progress.phase
    }
}

/// A conflict waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingQuestion {
    pub job: TransferId,
    pub question: u64,
    pub conflict: Conflict,
}

/// Every transfer of this session and the cursor of the transfers tab.
#[derive(Debug, Clone, Default)]
pub struct Transfers {
    pub jobs: Vec<TransferJob>,
    /// Index into `jobs` of the job under the cursor.
    pub cursor: usize,
    /// Conflicts not yet shown (one dialog at a time).
    pub questions: VecDeque<PendingQuestion>,
    /// Jobs of an earlier run, waiting to be offered once no other popup is open.
    pub offer: Option<Vec<Interrupted>>,
    /// The latest time seen (events and ticks): speeds and ETAs are computed against it.
    pub now: Option<Instant>,
}

impl Transfers {
    pub fn get_mut(&mut self, id: TransferId) -> Option<&mut TransferJob> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    pub fn get(&self, id: TransferId) -> Option<&TransferJob> {
        self.jobs.iter().find(|j| j.id == id)
    }

    pub fn selected(&self) -> Option<&TransferJob> {
        self.jobs.get(self.cursor)
    }

    /// The engine works on something: the loop ticks so speeds and ETAs move.
    pub fn is_active(&self) -> bool {
        self.jobs.iter().any(|j| j.state.is_active())
    }

    /// Jobs that would be interrupted by quitting.
    pub fn running(&self) -> usize {
        self.jobs
            .iter()
            .filter(|j| matches!(j.state, JobState::Queued | JobState::Running))
            .count()
    }

    pub fn clamp_cursor(&mut self) {
        self.cursor = self.cursor.min(self.jobs.len().saturating_sub(1));
    }

    /// The status bar's figures over the running jobs.
    pub fn summary(&self) -> Option<Summary> {
        let running: Vec<&TransferJob> = self
            .jobs
            .iter()
            .filter(|j| matches!(j.state, JobState::Queued | JobState::Running))
            .collect();
        if running.is_empty() {
            return None;
        }
        let count = |d: Direction| running.iter().filter(|j| j.direction == d).count();
        let total: u64 = running.iter().map(|j| j.bytes_total).sum();
        let done: u64 = running
            .iter()
            .map(|j| j.progress.done.min(j.bytes_total))
            .sum();
        let speed = match self.now {
            Some(now) => running.iter().map(|j| j.progress.speed(now)).sum(),
            None => 0.0,
        };
        Some(Summary {
            uploads: count(Direction::Upload),
            downloads: count(Direction::Download),
            percent: (total > 0).then(|| (done as f64 * 100.0 / total as f64).min(100.0)),
            speed,
        })
    }
}

/// What the status bar shows while transfers run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub uploads: usize,
    pub downloads: usize,
    pub percent: Option<f64>,
    /// Bytes per second over every running job.
    pub speed: f64,
}

/// The popups of transfers: each has its own key table.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferPrompt {
    /// A name conflict; `apply_to_all` is toggled with `a` before answering.
    Conflict {
        pending: PendingQuestion,
        apply_to_all: bool,
    },
    /// Quitting while `running` jobs move bytes.
    Quit { running: usize },
    /// Jobs an earlier run left unfinished.
    ResumeOffer { jobs: Vec<Interrupted> },
}

impl TransferPrompt {
    pub fn context(&self) -> super::action::Context {
        use super::action::Context;
        match self {
            TransferPrompt::Conflict { .. } => Context::Conflict,
            TransferPrompt::Quit { .. } => Context::QuitPrompt,
            TransferPrompt::ResumeOffer { .. } => Context::ResumeOffer,
        }
    }
}
