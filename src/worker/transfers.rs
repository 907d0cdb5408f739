//! Transfers on the worker side: each user action runs as one engine job on its own task with
//! its own `CancellationToken`; the engine's events travel to the app as `WorkerEvent`s
//! (already throttled by the engine), and its conflict questions as
//! `WorkerEvent::TransferConflict`, answered by `Command::AnswerConflict`.
//!
//! Every job gets its own `Engine` value over the one checkpoint store: an engine is a client
//! handle, a store path and a config, and a job of its own tags every event with the app's
//! job id without guessing which engine job an event belongs to.
//!
//! Pause = cancel the token (the checkpoints stay); resume and retry = `Engine::resume`;
//! cancel = stop, then `Engine::clear` (server sessions cancelled, part files removed). When
//! the app quits, every job is paused and given a moment to write its checkpoints.

use super::Events;
use crate::api::Client;
use crate::api::uri::CrUri;
use crate::app::command::Command;
use crate::app::msg::WorkerEvent;
use crate::app::transfers::{Interrupted, JobEnd, TransferId, TransferRequest};
use crate::transfer::checkpoint::StoreError;
use crate::transfer::{
    Answer, ChannelResolver, CheckpointStore, ConflictPolicy, Engine, EngineConfig, EngineError,
    Event, JobOptions, JobSummary, Outcome,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long quitting waits for running jobs to stop and save their checkpoints.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Where checkpoints go and how the engine is tuned.
#[derive(Debug, Clone, Default)]
pub struct TransferSetup {
    /// `None`: transfers are refused with a message (nowhere to keep checkpoints).
    pub store: Option<CheckpointStore>,
    pub config: EngineConfig,
}

/// Open conflict questions: id → (job, where the answer goes).
type Questions = Arc<Mutex<HashMap<u64, (TransferId, oneshot::Sender<Answer>)>>>;

struct Slot {
    stop: CancellationToken,
    task: JoinHandle<()>,
    /// The engine's id of the job, once known (for clearing after a cancel).
    engine_job: Arc<Mutex<Option<String>>>,
}

pub struct Transfers {
    setup: TransferSetup,
    jobs: HashMap<TransferId, Slot>,
    questions: Questions,
    next_question: Arc<AtomicU64>,
    /// Cancel and forget tasks (waited for when quitting).
    background: Vec<JoinHandle<()>>,
}

enum Kind {
    New(TransferRequest),
    Resume(String),
}

impl Transfers {
    pub fn new(setup: TransferSetup) -> Transfers {
        Transfers {
            setup,
            jobs: HashMap::new(),
            questions: Arc::default(),
            next_question: Arc::new(AtomicU64::new(1)),
            background: Vec::new(),
        }
    }

    /// Carries out a transfer command; other commands are ignored.
    pub fn handle(&mut self, command: Command, client: Option<Client>, events: &Events) {
        self.jobs.retain(|_, slot| !slot.task.is_finished());
        self.background.retain(|task| !task.is_finished());
        match command {
            Command::StartTransfer { job, request } => {
                self.start(job, Kind::New(request), client, events)
            }
            Command::ResumeTransfer { job, engine_job } => {
                self.start(job, Kind::Resume(engine_job), client, events)
            }
            Command::PauseTransfer { job } => {
                if let Some(slot) = self.jobs.get(&job) {
                    slot.stop.cancel();
                }
                self.drop_questions(job);
            }
            Command::CancelTransfer { job, engine_job } => {
                self.cancel(job, engine_job, client, events)
            }
            Command::AnswerConflict { question, answer } => {
                let reply = lock(&self.questions).remove(&question);
                if let Some((_, reply)) = reply {
                    let _ = reply.send(answer);
                }
            }
            Command::ListInterruptedTransfers => {
                let Some(store) = self.setup.store.clone() else {
                    return;
                };
                let events = events.clone();
                tokio::task::spawn_blocking(move || match store.list() {
                    Ok(jobs) => {
                        let jobs: Vec<Interrupted> = jobs
                            .iter()
                            .filter(|j| !j.running)
                            .map(interrupted)
                            .collect();
                        events.send(WorkerEvent::InterruptedTransfers { jobs });
                    }
                    Err(e) => tracing::warn!("cannot list interrupted transfers: {e}"),
                });
            }
            Command::ForgetTransfers { engine_jobs } => {
                let (Some(client), Some(store)) = (client, self.setup.store.clone()) else {
                    return;
                };
                let engine = Engine::new(client, store, self.setup.config.clone());
                self.background.push(tokio::spawn(async move {
                    for id in engine_jobs {
                        if let Err(e) = engine.clear(&id).await {
                            tracing::warn!("cannot forget transfer {id}: {e}");
                        }
                    }
                }));
            }
            _ => {}
        }
    }

    fn start(&mut self, job: TransferId, kind: Kind, client: Option<Client>, events: &Events) {
        let refuse = |why: &str| {
            events.send(WorkerEvent::TransferEnded {
                job,
                at: Instant::now(),
                end: JobEnd {
                    error: Some(why.to_string()),
                    engine_job: match &kind {
                        Kind::Resume(id) => Some(id.clone()),
                        Kind::New(_) => None,
                    },
                    ..JobEnd::default()
                },
            })
        };
        let Some(client) = client else {
            return refuse("Not signed in");
        };
        let Some(store) = self.setup.store.clone() else {
            return refuse("Transfers need a data directory for their checkpoints");
        };
        let engine = Engine::new(client, store, self.setup.config.clone());
        let stop = CancellationToken::new();
        let engine_job = Arc::new(Mutex::new(match &kind {
            Kind::Resume(id) => Some(id.clone()),
            Kind::New(_) => None,
        }));
        let run = JobRun {
            job,
            stop: stop.clone(),
            events: events.clone(),
            questions: self.questions.clone(),
            next_question: self.next_question.clone(),
            engine_job: engine_job.clone(),
        };
        let task = tokio::spawn(run.run(engine, kind));
        if let Some(old) = self.jobs.insert(
            job,
            Slot {
                stop,
                task,
                engine_job,
            },
        ) {
            old.stop.cancel();
        }
    }

    fn cancel(
        &mut self,
        job: TransferId,
        engine_job: Option<String>,
        client: Option<Client>,
        events: &Events,
    ) {
        let slot = self.jobs.remove(&job);
        self.drop_questions(job);
        let store = self.setup.store.clone();
        let config = self.setup.config.clone();
        let events = events.clone();
        self.background.push(tokio::spawn(async move {
            let mut id = engine_job;
            if let Some(slot) = slot {
                slot.stop.cancel();
                let _ = slot.task.await;
                if let Some(known) = lock(&slot.engine_job).clone() {
                    id = Some(known);
                }
            }
            let error = match (id, client, store) {
                // The job never got as far as a checkpoint.
                (None, _, _) => None,
                (Some(id), Some(client), Some(store)) => {
                    match Engine::new(client, store, config).clear(&id).await {
                        Ok(()) | Err(EngineError::Store(StoreError::NotFound(_))) => None,
                        Err(e) => Some(e.to_string()),
                    }
                }
                (Some(_), _, _) => Some("not signed in".to_string()),
            };
            events.send(WorkerEvent::TransferCleared { job, error });
        }));
    }

    /// A stopped job's open question gets no answer: the file fails as "exists" and is tried
    /// again on resume.
    fn drop_questions(&self, job: TransferId) {
        lock(&self.questions).retain(|_, (j, _)| *j != job);
    }

    /// Quitting: every job pauses (its checkpoints stay for the next start) and cancels in
    /// progress finish, each within a short grace period.
    pub async fn shutdown(self) {
        for slot in self.jobs.values() {
            slot.stop.cancel();
        }
        lock(&self.questions).clear();
        let tasks = self
            .jobs
            .into_values()
            .map(|s| s.task)
            .chain(self.background);
        let all = futures_util::future::join_all(tasks);
        if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
            tracing::warn!("transfers did not stop in time; their checkpoints may be older");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One job on its task.
struct JobRun {
    job: TransferId,
    stop: CancellationToken,
    events: Events,
    questions: Questions,
    next_question: Arc<AtomicU64>,
    engine_job: Arc<Mutex<Option<String>>>,
}

impl JobRun {
    async fn run(self, engine: Engine, kind: Kind) {
        let (tx, mut engine_events) = mpsc::unbounded_channel();
        let engine = engine.with_events(tx);
        let (resolver, mut asked) = ChannelResolver::new();
        let options = JobOptions {
            recursive: true,
            conflict: ConflictPolicy::Ask,
        };
        let stop = self.stop.clone();
        let work = async move {
            let resolver = Box::new(resolver);
            let result = match kind {
                Kind::New(TransferRequest::Upload { sources, dest }) => {
                    engine.put(&sources, &dest, options, resolver, stop).await
                }
                Kind::New(TransferRequest::Download { sources, dest }) => {
                    engine.get(&sources, &dest, options, resolver, stop).await
                }
                Kind::Resume(id) => engine.resume(&id, None, resolver, stop).await,
            };
            // Closes the event and question channels: the forwarding below ends.
            drop(engine);
            result
        };
        let forward = async {
            let (mut events_open, mut asks_open) = (true, true);
            while events_open || asks_open {
                tokio::select! {
                    event = engine_events.recv(), if events_open => match event {
                        Some(event) => self.forward(event),
                        None => events_open = false,
                    },
                    question = asked.recv(), if asks_open => match question {
                        Some(q) => self.ask(q),
                        None => asks_open = false,
                    },
                }
            }
        };
        let (result, ()) = tokio::join!(work, forward);
        let end = match result {
            Ok(report) => {
                *lock(&self.engine_job) = Some(report.job.clone());
                let count = |f: fn(&Outcome) -> bool| report.count(f);
                JobEnd {
                    engine_job: Some(report.job.clone()),
                    done: count(|o| matches!(o, Outcome::Done(_))),
                    skipped: count(|o| matches!(o, Outcome::Skipped(_))),
                    failed: count(|o| matches!(o, Outcome::Failed(_))),
                    paused: report.paused(),
                    problems: report
                        .problems
                        .iter()
                        .map(|p| format!("{}: {}", p.item, p.message))
                        .collect(),
                    resumable: report.resumable,
                    error: None,
                }
            }
            Err(e) => JobEnd {
                engine_job: lock(&self.engine_job).clone(),
                error: Some(e.to_string()),
                ..JobEnd::default()
            },
        };
        tracing::info!(
            "transfer job {} ({:?}) ended: {} done, {} skipped, {} failed, {} paused{}",
            self.job.0,
            end.engine_job,
            end.done,
            end.skipped,
            end.failed,
            end.paused,
            end.error
                .as_deref()
                .map(|e| format!(", {e}"))
                .unwrap_or_default()
        );
        self.events.send(WorkerEvent::TransferEnded {
            job: self.job,
            at: Instant::now(),
            end,
        });
    }

    fn forward(&self, event: Event) {
        if let Event::Planned { job, .. } = &event {
            *lock(&self.engine_job) = Some(job.clone());
        }
        self.events.send(WorkerEvent::Transfer {
            job: self.job,
            at: Instant::now(),
            event,
        });
    }

    fn ask(&self, question: crate::transfer::Question) {
        if self.stop.is_cancelled() {
            // Paused or cancelled: nobody is there to answer.
            return;
        }
        let id = self.next_question.fetch_add(1, Ordering::Relaxed);
        lock(&self.questions).insert(id, (self.job, question.reply));
        self.events.send(WorkerEvent::TransferConflict {
            job: self.job,
            question: id,
            conflict: question.conflict,
        });
    }
}

/// What the resume offer shows about a job of an earlier run.
fn interrupted(summary: &JobSummary) -> Interrupted {
    let record = &summary.record;
    let name = match record.sources.as_slice() {
        [one] => match record.direction {
            crate::transfer::Direction::Upload => Path::new(one)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| one.clone()),
            crate::transfer::Direction::Download => CrUri::parse(one)
                .ok()
                .and_then(|u| u.name().map(str::to_string))
                .unwrap_or_else(|| one.clone()),
        },
        many => format!("{} items", many.len()),
    };
    let files = summary.transfers.len();
    let left = summary
        .transfers
        .iter()
        .filter(|t| !t.state.is_finished())
        .count();
    let bytes = summary.transfers.iter().map(|t| t.size()).sum();
    let bytes_done = summary
        .transfers
        .iter()
        .map(|t| {
            if t.state.is_finished() {
                t.size()
            } else {
                t.bytes_done().min(t.size())
            }
        })
        .sum();
    Interrupted {
        engine_job: record.id.clone(),
        direction: record.direction,
        name,
        items: record.sources.len(),
        files,
        files_left: left,
        bytes,
        bytes_done,
    }
}
