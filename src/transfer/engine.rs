//! The engine's public face: start, resume, list and clear jobs.

use super::checkpoint::{
    CheckpointStore, FORMAT, JobHandle, JobRecord, JobSummary, RecordState, Spec, StoreError,
    TransferRecord, new_job_id,
};
use super::conflict::{ConflictPolicy, ConflictResolver, Decider};
use super::plan::{Planner, Problem};
use super::queue::{self, FileResult, RunCtx};
use super::{Direction, EngineConfig, Event, Outcome};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, codes};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Options of a new job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobOptions {
    /// Transfer folders with their content.
    pub recursive: bool,
    pub conflict: ConflictPolicy,
}

/// The result of running a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub job: String,
    pub direction: Direction,
    /// Every file of the job, in plan order (also those finished in an earlier run).
    pub files: Vec<FileResult>,
    /// Sources that were not planned.
    pub problems: Vec<Problem>,
    /// The checkpoint stays (something is left to resume); otherwise it was deleted.
    pub resumable: bool,
}

impl JobReport {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.files.iter().filter(|r| f(&r.outcome)).count()
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_))) + self.problems.len()
    }

    pub fn paused(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Paused))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Plan(String),
}

/// Runs transfers for one signed-in client; checkpoints live in `store`.
pub struct Engine {
    client: Client,
    store: CheckpointStore,
    config: EngineConfig,
    events: Option<mpsc::UnboundedSender<Event>>,
}

impl Engine {
    pub fn new(client: Client, store: CheckpointStore, config: EngineConfig) -> Engine {
        Engine {
            client,
            store,
            config,
            events: None,
        }
    }

    /// Sends every [`Event`] of the jobs this engine runs to `tx`.
    pub fn with_events(mut self, tx: mpsc::UnboundedSender<Event>) -> Engine {
        self.events = Some(tx);
        self
    }

    pub fn store(&self) -> &CheckpointStore {
        &self.store
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Uploads local files/folders into the remote folder `dest`.
    pub async fn put(
        &self,
        sources: &[PathBuf],
        dest: &CrUri,
        options: JobOptions,
        resolver: Box<dyn ConflictResolver>,
        stop: CancellationToken,
    ) -> Result<JobReport, EngineError> {
        let sources: Vec<PathBuf> = sources.iter().map(|p| absolute(p)).collect();
        let job = self.store.create_job(JobRecord {
            format: FORMAT,
            id: new_job_id(),
            direction: Direction::Upload,
            created_at: chrono::Utc::now().timestamp(),
            sources: sources.iter().map(|p| p.display().to_string()).collect(),
            destination: dest.to_string(),
            recursive: options.recursive,
            conflict: options.conflict,
            planned: false,
        })?;
        self.plan_and_run(job, Vec::new(), resolver, stop).await
    }

    /// Downloads remote files/folders into the local folder `dest`.
    pub async fn get(
        &self,
        sources: &[CrUri],
        dest: &Path,
        options: JobOptions,
        resolver: Box<dyn ConflictResolver>,
        stop: CancellationToken,
    ) -> Result<JobReport, EngineError> {
        let job = self.store.create_job(JobRecord {
            format: FORMAT,
            id: new_job_id(),
            direction: Direction::Download,
            created_at: chrono::Utc::now().timestamp(),
            sources: sources.iter().map(|u| u.to_string()).collect(),
            destination: absolute(dest).display().to_string(),
            recursive: options.recursive,
            conflict: options.conflict,
            planned: false,
        })?;
        self.plan_and_run(job, Vec::new(), resolver, stop).await
    }

    /// Finishes an interrupted (or partly failed) job from its checkpoints. `conflict`
    /// replaces the choice recorded with the job.
    pub async fn resume(
        &self,
        id: &str,
        conflict: Option<ConflictPolicy>,
        resolver: Box<dyn ConflictResolver>,
        stop: CancellationToken,
    ) -> Result<JobReport, EngineError> {
        let id = self.store.resolve_id(id)?;
        let mut job = self.store.open_job(&id)?;
        if let Some(policy) = conflict {
            job.record.conflict = policy;
            job.save_job()?;
        }
        let mut records = job.records()?;
        for record in &mut records {
            // Failed files get another chance; finished ones stay finished.
            if matches!(record.state, RecordState::Failed(_)) {
                record.state = RecordState::Pending;
            }
        }
        self.plan_and_run(job, records, resolver, stop).await
    }

    /// Every job of this profile (running elsewhere, interrupted or failed).
    pub fn list(&self) -> Result<Vec<JobSummary>, EngineError> {
        Ok(self.store.list()?)
    }

    /// Forgets a job: cancels its upload sessions on the server (so no placeholder stays),
    /// deletes its part files and its checkpoints.
    pub async fn clear(&self, id: &str) -> Result<(), EngineError> {
        let id = self.store.resolve_id(id)?;
        let job = self.store.open_job(&id)?;
        for record in job.records()? {
            if record.state.is_finished() {
                continue;
            }
            match &record.spec {
                Spec::Upload(u) => {
                    if let Some(session) = &u.session {
                        let uri = if session.uri.is_empty() {
                            u.target_uri()
                        } else {
                            &session.uri
                        };
                        cancel_session(&self.client, &session.session_id, uri).await;
                    }
                }
                Spec::Download(d) => {
                    if let Some(part) = &d.part {
                        let _ = std::fs::remove_file(part);
                    }
                }
            }
        }
        job.remove()?;
        Ok(())
    }

    async fn plan_and_run(
        &self,
        mut job: JobHandle,
        mut records: Vec<TransferRecord>,
        resolver: Box<dyn ConflictResolver>,
        stop: CancellationToken,
    ) -> Result<JobReport, EngineError> {
        let direction = job.record.direction;
        let mut problems = Vec::new();
        if !job.record.planned {
            let (new, found) = tokio::select! {
                planned = self.plan(&job, &records) => planned?,
                _ = stop.cancelled() => {
                    // Planning is redone on resume; what was recorded stays.
                    return Ok(JobReport {
                        job: job.id().to_string(),
                        direction,
                        files: Vec::new(),
                        problems,
                        resumable: true,
                    });
                }
            };
            records.extend(new);
            problems = found;
            job.record.planned = true;
            job.save_job()?;
        }
        let (done, todo): (Vec<TransferRecord>, Vec<TransferRecord>) =
            records.into_iter().partition(|r| r.state.is_finished());
        // What is left to move (a resumed job's finished files are not planned again).
        self.emit(Event::Planned {
            job: job.id().to_string(),
            direction,
            files: todo.len(),
            bytes: todo.iter().map(TransferRecord::size).sum(),
        });
        let order: Vec<String> = done.iter().chain(&todo).map(|r| r.id.clone()).collect();
        let earlier: Vec<FileResult> = done.iter().map(finished_result).collect();

        let ctx = Arc::new(RunCtx {
            client: self.client.clone(),
            config: self.config.clone(),
            decider: Decider::new(job.record.conflict, resolver),
            events: self.events.clone(),
            job,
            produced: Mutex::new(HashMap::new()),
            stop,
        });
        let ran = queue::run(ctx.clone(), todo).await;
        let ctx = Arc::try_unwrap(ctx)
            .map_err(|_| EngineError::Plan("a transfer outlived its job".into()))?;

        let mut by_id: HashMap<String, FileResult> = earlier
            .into_iter()
            .chain(ran)
            .map(|r| (r.id.clone(), r))
            .collect();
        let files: Vec<FileResult> = order.iter().filter_map(|id| by_id.remove(id)).collect();
        let resumable = files
            .iter()
            .any(|f| matches!(f.outcome, Outcome::Failed(_) | Outcome::Paused));
        let job_id = ctx.job.id().to_string();
        if !resumable {
            ctx.job.remove()?;
        }
        Ok(JobReport {
            job: job_id,
            direction,
            files,
            problems,
            resumable,
        })
    }

    async fn plan(
        &self,
        job: &JobHandle,
        existing: &[TransferRecord],
    ) -> Result<(Vec<TransferRecord>, Vec<Problem>), EngineError> {
        let mut planner = Planner::new(&self.client, job, self.config.retry, existing);
        let r = &job.record;
        match r.direction {
            Direction::Upload => {
                let dest = CrUri::from_user_input(&r.destination)
                    .map_err(|e| EngineError::Plan(e.to_string()))?;
                let sources: Vec<PathBuf> = r.sources.iter().map(PathBuf::from).collect();
                planner
                    .uploads(&sources, &dest, r.recursive)
                    .await
                    .map_err(EngineError::Plan)?;
            }
            Direction::Download => {
                let sources = r
                    .sources
                    .iter()
                    .map(|s| CrUri::parse(s))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| EngineError::Plan(e.to_string()))?;
                planner
                    .downloads(&sources, Path::new(&r.destination), r.recursive)
                    .await
                    .map_err(EngineError::Plan)?;
            }
        }
        Ok((planner.records, planner.problems))
    }

    fn emit(&self, event: Event) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }
}

fn finished_result(record: &TransferRecord) -> FileResult {
    let outcome = match &record.state {
        RecordState::Skipped(why) => Outcome::Skipped(why.clone()),
        _ => Outcome::Done(match &record.spec {
            Spec::Upload(u) => u.target_uri().to_string(),
            Spec::Download(d) => d.final_path().display().to_string(),
        }),
    };
    FileResult {
        id: record.id.clone(),
        name: record.name(),
        direction: record.direction(),
        outcome,
    }
}

/// `DELETE /file/upload`, ignoring "already gone" (`40016`, `40011`) and, after a few tries,
/// everything else: clearing must not get stuck on a server that is down.
async fn cancel_session(client: &Client, session_id: &str, uri: &str) {
    for _ in 0..3 {
        match client.cancel_upload(session_id, uri).await {
            Ok(()) => return,
            Err(e)
                if e.is_code(codes::PATH_NOT_EXIST)
                    || e.is_code(codes::UPLOAD_SESSION_EXPIRED)
                    || !matches!(e, ApiError::Transport { .. }) =>
            {
                return;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
