//! One file upload, from session to verified file (files-and-transfers.md §4.10, §5).
//!
//! 1. Resume the recorded session when the source is unchanged and the session still lives;
//!    otherwise create one (`PUT /file/upload`), resolving a taken name (`40004`).
//! 2. Send the chunks the server has not acknowledged, through the policy's flow, up to the
//!    allowed number at once; record each chunk only after the server's OK.
//! 3. Complete at the storage and call Cloudreve back where the policy needs it.
//! 4. Check the result with `GET /file/info`.
//!
//! A session that disappears (`40011`) is first checked for a finished file (the answer to the
//! last chunk may have been lost), then cancelled and recreated once. A source file that
//! changes restarts the upload. Giving up cancels the session so no placeholder remains.

use super::checkpoint::{FileIdentity, RecordState, Spec, TransferRecord, UploadRecord};
use super::conflict::{Choice, Conflict, Decision};
use super::paths::numbered_name;
use super::policy::{ChunkAt, UploadFlow, flow_for};
use super::queue::{Reporter, RunCtx, Stop, fail, settle};
use super::retry::{Budget, ErrorClass, classify};
use super::source::{self, Activity, Stat};
use super::{Direction, Outcome};
use crate::api::models::{EntityType, File, UploadRequest, UploadSession};
use crate::api::uri::CrUri;
use crate::api::{ApiError, ChunkBody, InfoOptions, codes};
use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `PUT /file/content` takes at most this much (§4.9): the fallback for unsupported policies.
const CONTENT_LIMIT: u64 = 50 << 20;
/// A recorded session is not resumed when it expires sooner than this.
const EXPIRY_MARGIN_SECS: i64 = 120;
/// Candidates tried for "rename" before giving up.
const MAX_RENAMES: u32 = 1000;
/// Placeholders or locks of our own lost requests removed per session creation.
const MAX_OWN_CLEANUPS: u32 = 10;
/// Restarts because the source file changed while it was being sent.
const MAX_SOURCE_RESTARTS: u32 = 3;
/// A placeholder created this recently may be the answer of our own request whose reply was
/// lost (allows for clock skew between client and server).
const OWN_PLACEHOLDER_WINDOW: Duration = Duration::from_secs(300);

pub(crate) async fn run(ctx: &RunCtx, record: TransferRecord) -> Outcome {
    let TransferRecord { id, job, spec, .. } = record;
    let Spec::Upload(up) = spec else {
        return Outcome::Failed("not an upload".into());
    };
    let uploader = Uploader {
        ctx,
        id: id.clone(),
        job: job.clone(),
        local: up.local.clone(),
        up: Mutex::new(*up),
        reporter: ctx.reporter(&id),
        budget: Mutex::new(ctx.budget()),
    };
    let result = uploader.run().await;
    let up = uploader.snapshot();
    let mut record = TransferRecord {
        id,
        job,
        state: RecordState::Active,
        spec: Spec::Upload(Box::new(up)),
    };
    settle(ctx, &mut record, &uploader.reporter, result)
}

/// Why the chunk phase stopped.
enum ChunkStop {
    SessionGone,
    SourceChanged,
    /// `50004` while chunks were in flight in parallel: go sequential (§4.3, C2-526, C3-121).
    OutOfOrder,
    Failed(String),
}

/// Why the finishing phase stopped.
enum FinishStop {
    SessionGone,
    /// The storage holds an object of the wrong size (`40055`): start over.
    WrongSize(String),
    Failed(String),
}

struct Uploader<'a> {
    ctx: &'a RunCtx,
    id: String,
    job: String,
    local: PathBuf,
    up: Mutex<UploadRecord>,
    reporter: Arc<Reporter>,
    budget: Mutex<Budget>,
}

impl Uploader<'_> {
    fn snapshot(&self) -> UploadRecord {
        self.up.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update<R>(&self, f: impl FnOnce(&mut UploadRecord) -> R) -> R {
        f(&mut self.up.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes the record and writes the checkpoint, under one lock so concurrent chunks
    /// never write an older state over a newer one.
    fn commit(&self, f: impl FnOnce(&mut UploadRecord)) -> Result<(), Stop> {
        self.write(f, false)
    }

    /// [`Uploader::commit`] for what names server state (a session being created, the
    /// session): fsynced, so not even a power loss orphans a placeholder.
    fn commit_durable(&self, f: impl FnOnce(&mut UploadRecord)) -> Result<(), Stop> {
        self.write(f, true)
    }

    fn write(&self, f: impl FnOnce(&mut UploadRecord), durable: bool) -> Result<(), Stop> {
        let mut up = self.up.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut up);
        let record = TransferRecord {
            id: self.id.clone(),
            job: self.job.clone(),
            state: RecordState::Active,
            spec: Spec::Upload(Box::new(up.clone())),
        };
        let saved = if durable {
            self.ctx.save_durable(&record)
        } else {
            self.ctx.save(&record)
        };
        saved.map_err(Stop::Failed)
    }

    fn target(&self) -> Result<CrUri, Stop> {
        let raw = self.update(|u| u.target_uri().to_string());
        CrUri::parse(&raw).map_err(|e| fail(format!("bad target {raw:?}: {e}")))
    }

    /// Waits before a retry; `false` when the budget is spent.
    async fn backoff(&self, what: &str, e: &ApiError) -> bool {
        self.wait_to_retry(&format!("{what}: {e}")).await
    }

    /// Waits before trying again after `why`; `false` when the budget is spent.
    async fn wait_to_retry(&self, why: &str) -> bool {
        let delay = self
            .budget
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .spend();
        match delay {
            Some(d) => {
                self.reporter
                    .notice(format!("{why}; retrying in {:.1} s", d.as_secs_f64()));
                tokio::time::sleep(d).await;
                true
            }
            None => false,
        }
    }

    fn progressed(&self) {
        self.budget
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .progressed();
    }

    /// Runs an idempotent API call, retrying transient failures.
    async fn retrying<T, F, Fut>(&self, what: &str, mut call: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        loop {
            match call().await {
                Ok(v) => return Ok(v),
                Err(e) if is_retryable(&e) => {
                    if !self.backoff(what, &e).await {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn run(&self) -> Result<String, Stop> {
        let stat = source::stat(&self.local)
            .await
            .map_err(|e| fail(format!("cannot read {}: {e}", self.local.display())))?;
        // A file that changed since it was planned no longer matches the recorded identity:
        // `ensure_session` then cancels the old session and starts over.
        if self.update(|u| u.size != stat.size) {
            self.commit(|u| u.size = stat.size)?;
        }
        self.reporter.planned(stat.size);
        let mut source_restarts = 0;
        let mut parallel_ok = true;
        loop {
            let session = self.ensure_session().await?;
            let flow = match flow_for(&session) {
                Ok(flow) => flow,
                Err(kind) => return self.unsupported(&kind, &session).await,
            };
            if stat.size == 0 && !flow.takes_empty_files() {
                self.reporter.notice(format!(
                    "storage policy {} cannot take an empty file in chunks; writing it in one request",
                    flow.kind()
                ));
                return self.in_one_request(&session).await;
            }
            // A one-request flow sends the file as chunk 0 whatever `chunk_size` says; the
            // record says so too, so progress and resume count the same single chunk.
            let session = if flow.whole_file() && session.chunk_size != 0 {
                let whole = UploadSession {
                    chunk_size: 0,
                    ..session
                };
                self.commit(|u| u.session = Some(whole.clone()))?;
                whole
            } else {
                session
            };
            let resumed = self.update(|u| u.acknowledged_bytes());
            self.reporter.resumed(resumed);
            let sent = self.send_chunks(&*flow, &session, parallel_ok).await;
            let finished = match sent {
                Ok(()) => self.finish(&*flow, &session).await,
                Err(ChunkStop::OutOfOrder) => {
                    self.reporter
                        .notice("the storage wants chunks in order; sending one at a time");
                    parallel_ok = false;
                    self.reporter.restart();
                    continue;
                }
                Err(ChunkStop::SessionGone) => Err(FinishStop::SessionGone),
                Err(ChunkStop::SourceChanged) => {
                    source_restarts += 1;
                    if source_restarts > MAX_SOURCE_RESTARTS {
                        self.give_up(&session).await;
                        return Err(fail("the source file keeps changing during the upload"));
                    }
                    self.reporter
                        .notice("the source file changed; restarting the upload");
                    self.restart_session(&session).await?;
                    continue;
                }
                Err(ChunkStop::Failed(e)) => Err(FinishStop::Failed(e)),
            };
            match finished {
                Ok(()) => return self.verify().await,
                Err(FinishStop::SessionGone) => {
                    if self.completed_remotely().await? {
                        return self.verify().await;
                    }
                    self.recreate_once(&session, "the upload session expired")
                        .await?;
                }
                Err(FinishStop::WrongSize(e)) => {
                    self.recreate_once(&session, &e).await?;
                }
                Err(FinishStop::Failed(e)) => {
                    self.give_up(&session).await;
                    return Err(fail(e));
                }
            }
        }
    }

    // ---- session ------------------------------------------------------------------------

    /// The recorded session when it can be resumed, else a new one.
    async fn ensure_session(&self) -> Result<UploadSession, Stop> {
        let (session, identity) = self.update(|u| (u.session.clone(), u.identity.clone()));
        if let Some(session) = session {
            let now = chrono::Utc::now().timestamp();
            let Some(identity) = identity else {
                // A crash between the session and the source's identity: nothing was sent
                // in this session yet; start it over cleanly.
                self.restart_session(&session).await?;
                return Box::pin(self.ensure_session()).await;
            };
            if session.expires <= now + EXPIRY_MARGIN_SECS {
                self.reporter
                    .notice("the upload session has expired; starting a new one");
                self.restart_session(&session).await?;
            } else if !source::unchanged(&self.local, &identity).await {
                self.reporter
                    .notice("the source file changed since the upload started; starting over");
                self.restart_session(&session).await?;
            } else {
                return Ok(session);
            }
        }
        // The source's identity is taken before the session exists, so both are recorded in
        // one write: "the first chunk" is hashed up to `head_hash_limit`.
        let stat = source::stat(&self.local)
            .await
            .map_err(|e| fail(format!("cannot read {}: {e}", self.local.display())))?;
        let identity = source::identify(&self.local, self.ctx.config.head_hash_limit)
            .await
            .ok()
            .filter(|id| stat.matches(id))
            .ok_or_else(|| {
                fail(format!(
                    "{} changed while the upload was being prepared",
                    self.local.display()
                ))
            })?;
        self.create_session(stat, identity).await
    }

    /// Cancels `session` and forgets it; progress starts over.
    async fn restart_session(&self, session: &UploadSession) -> Result<(), Stop> {
        self.cancel_quietly(session).await;
        self.reporter.restart();
        self.commit(UploadRecord::reset_session)
    }

    /// After `40011` or `40055`: one new session per transfer (§4.10 step 6).
    async fn recreate_once(&self, session: &UploadSession, why: &str) -> Result<(), Stop> {
        if self.update(|u| u.recreated) {
            self.give_up(session).await;
            return Err(fail(format!("{why} (again after a new session)")));
        }
        self.reporter
            .notice(format!("{why}; starting over with a new session"));
        self.restart_session(session).await?;
        self.commit(|u| u.recreated = true)
    }

    /// `PUT /file/upload`, resolving a taken name.
    async fn create_session(
        &self,
        stat: Stat,
        identity: FileIdentity,
    ) -> Result<UploadSession, Stop> {
        let mut ambiguous = false;
        let result = self
            .try_create_session(stat, identity, &mut ambiguous)
            .await;
        if result.is_err() && !ambiguous {
            // No session can exist: forget the marker (a failed file may be retried later).
            let _ = self.commit(|u| u.creating_since = None);
        }
        result
    }

    async fn try_create_session(
        &self,
        stat: Stat,
        identity: FileIdentity,
        ambiguous: &mut bool,
    ) -> Result<UploadSession, Stop> {
        let (planned, renamed, pending) =
            self.update(|u| (u.remote.clone(), u.target.is_some(), u.creating_since));
        let original = CrUri::parse(&planned).map_err(|e| fail(format!("bad target: {e}")))?;
        let name = original.name().unwrap_or_default().to_string();
        // A rename decided before a restart goes on with the next numbers.
        let mut renames = u32::from(renamed);
        // The last request's outcome is unknown (transport error, or a crash before its
        // answer was recorded): a `40004`/`40073` may be our own placeholder or lock.
        *ambiguous = pending.is_some();
        let mut cleanups = 0u32;
        let now_ms = chrono::Utc::now().timestamp_millis();
        let since_ms = pending.unwrap_or(now_ms);
        self.commit_durable(|u| u.creating_since = Some(since_ms))?;
        let started =
            std::time::UNIX_EPOCH + Duration::from_millis(u64::try_from(since_ms).unwrap_or(0));
        loop {
            let (target, as_version) = self.update(|u| (u.target_uri().to_string(), u.as_version));
            let request = UploadRequest {
                uri: target.clone(),
                size: stat.size,
                last_modified: Some(stat.mtime_ns / 1_000_000),
                entity_type: if as_version {
                    EntityType::Version
                } else {
                    EntityType::NewFile
                },
                ..Default::default()
            };
            let e = match self.ctx.client.create_upload_session(&request).await {
                Ok(session) => {
                    // Recorded at once: from here on a crash leaves a session to resume or
                    // cancel, never an unknown placeholder.
                    self.commit_durable(|u| {
                        u.session = Some(session.clone());
                        u.identity = Some(identity.clone());
                        u.acked.clear();
                        u.storage_completed = false;
                        u.creating_since = None;
                    })?;
                    return Ok(session);
                }
                Err(e) => e,
            };
            let class = classify(&e);
            if matches!(class, ErrorClass::Transient | ErrorClass::Reauthenticated) {
                *ambiguous = true;
                if !self.backoff("creating the upload session", &e).await {
                    return Err(fail(e.to_string()));
                }
                continue;
            }
            // After a lost answer, the name may be taken (or locked) by our own new session.
            if *ambiguous && cleanups < MAX_OWN_CLEANUPS {
                cleanups += 1;
                *ambiguous = false;
                let cleaned = match class {
                    ErrorClass::Exists => self.remove_own_placeholder(&target, started).await,
                    _ if e.is_code(codes::LOCK_CONFLICT) => self.release_own_upload_lock(&e).await,
                    _ => false,
                };
                if cleaned {
                    continue;
                }
            }
            if class != ErrorClass::Exists {
                return Err(fail(e.to_string()));
            }
            // The name is taken.
            if as_version {
                return Err(fail(format!(
                    "{target} exists and cannot be overwritten (is it a folder?)"
                )));
            }
            if renames > 0 {
                renames += 1;
                if renames > MAX_RENAMES {
                    return Err(fail("no free name found"));
                }
                self.rename_to(&original, &name, renames)?;
                continue;
            }
            match self.decide_conflict(&target).await? {
                Choice::Skip => return Err(Stop::Skipped("exists on the server".into())),
                Choice::Overwrite => {
                    let existing = self
                        .retrying("reading the existing file", || {
                            self.ctx.client.file_info(&original, InfoOptions::default())
                        })
                        .await
                        .map_err(|e| fail(e.to_string()))?;
                    if existing.is_folder() {
                        return Err(fail(format!("a folder named {name} exists there")));
                    }
                    self.commit(|u| {
                        u.as_version = true;
                        u.replaced_entity = Some(existing.primary_entity.clone());
                    })?;
                }
                Choice::Rename => {
                    renames = 1;
                    self.rename_to(&original, &name, renames)?;
                }
            }
        }
    }

    fn rename_to(&self, original: &CrUri, name: &str, n: u32) -> Result<(), Stop> {
        let parent = original.parent().unwrap_or_else(CrUri::my_root);
        let candidate = parent.join(&numbered_name(name, n));
        self.commit(|u| u.target = Some(candidate.to_string()))
    }

    async fn decide_conflict(&self, target: &str) -> Result<Choice, Stop> {
        let conflict = Conflict {
            direction: Direction::Upload,
            name: self.update(|u| {
                CrUri::parse(u.target_uri())
                    .ok()
                    .and_then(|uri| uri.name().map(str::to_string))
                    .unwrap_or_default()
            }),
            target: target.to_string(),
            local_path: Some(self.local.clone()),
        };
        match self.ctx.decider.decide(&conflict).await {
            Decision::Take(choice) => Ok(choice),
            Decision::Fail => Err(fail("exists on the server")),
        }
    }

    /// A placeholder at `target` made moments ago is most likely the session our lost request
    /// created: cancel it (its `sys:upload_session_id` names it) and try again.
    async fn remove_own_placeholder(&self, target: &str, since: std::time::SystemTime) -> bool {
        let Ok(uri) = CrUri::parse(target) else {
            return false;
        };
        let info = self
            .retrying("checking the placeholder", || {
                self.ctx.client.file_info(&uri, InfoOptions::default())
            })
            .await;
        let Ok(file) = info else {
            return false;
        };
        if !is_fresh_placeholder(&file, since) {
            return false;
        }
        let Some(session_id) = file.upload_session_id().map(str::to_string) else {
            return false;
        };
        self.reporter
            .notice("removing the placeholder of a request whose answer was lost");
        let cancelled = self
            .retrying("cancelling the lost session", || {
                self.ctx.client.cancel_upload(&session_id, target)
            })
            .await;
        // "Path not exist": a retried cancel whose first attempt worked.
        match cancelled {
            Ok(()) => true,
            Err(e) => e.is_code(codes::PATH_NOT_EXIST),
        }
    }

    /// `40073` after a lost answer to a version session: the lock is our own pending upload's.
    async fn release_own_upload_lock(&self, e: &ApiError) -> bool {
        let ApiError::Api { locks, .. } = e else {
            return false;
        };
        if locks.is_empty() || locks.iter().any(|l| l.owner.application.kind != "upload") {
            return false;
        }
        let tokens: Vec<String> = locks.iter().map(|l| l.token.clone()).collect();
        self.retrying("releasing the lost session's lock", || {
            self.ctx.client.force_unlock(&tokens)
        })
        .await
        .is_ok()
    }

    /// `DELETE /file/upload`, retried a little; "already gone" answers are fine.
    async fn cancel_quietly(&self, session: &UploadSession) {
        let uri = if session.uri.is_empty() {
            self.update(|u| u.target_uri().to_string())
        } else {
            session.uri.clone()
        };
        let _ = self
            .retrying("cancelling the upload session", || {
                self.ctx.client.cancel_upload(&session.session_id, &uri)
            })
            .await;
    }

    /// Giving up: no placeholder may stay behind (§4.10 step 7).
    async fn give_up(&self, session: &UploadSession) {
        self.cancel_quietly(session).await;
        let _ = self.commit(UploadRecord::reset_session);
    }

    // ---- chunks ---------------------------------------------------------------------------

    fn parallelism(&self, flow: &dyn UploadFlow, session: &UploadSession, allowed: bool) -> usize {
        let policy = flow.parallel_limit(session);
        let wanted = match (self.ctx.config.chunk_concurrency, policy) {
            (Some(user), Some(policy)) => user.min(policy),
            (Some(user), None) => user,
            (None, Some(policy)) => policy,
            (None, None) => 1,
        };
        if allowed { wanted.max(1) } else { 1 }
    }

    async fn send_chunks(
        &self,
        flow: &dyn UploadFlow,
        session: &UploadSession,
        parallel_ok: bool,
    ) -> Result<(), ChunkStop> {
        let (size, acked) = self.update(|u| (u.size, u.acked.clone()));
        let mut queue: VecDeque<u64> = (0..session.chunk_count(size))
            .filter(|i| !acked.contains_key(i))
            .collect();
        let parallel = self.parallelism(flow, session, parallel_ok);
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < parallel
                && let Some(index) = queue.pop_front()
            {
                in_flight.push(async move {
                    (
                        index,
                        self.send_chunk(flow, session, index, parallel > 1).await,
                    )
                });
            }
            let Some((index, result)) = in_flight.next().await else {
                return Ok(());
            };
            let receipt = result?;
            self.commit(|u| {
                u.acked.insert(index, receipt);
            })
            .map_err(|stop| ChunkStop::Failed(stop.message()))?;
            self.progressed();
        }
    }

    /// One chunk, retried until acknowledged or hopeless.
    async fn send_chunk(
        &self,
        flow: &dyn UploadFlow,
        session: &UploadSession,
        index: u64,
        parallel: bool,
    ) -> Result<String, ChunkStop> {
        let (size, identity) = self.update(|u| (u.size, u.identity.clone()));
        let Some(range) = session.chunk_range(index, size) else {
            return Err(ChunkStop::Failed(format!("chunk {index} is out of range")));
        };
        let at = ChunkAt {
            index,
            start: range.start,
            file_size: size,
        };
        loop {
            // A file that changed would make a chunk of another version (§4.10 step 6).
            let current = source::stat(&self.local).await;
            if identity
                .as_ref()
                .is_none_or(|id| !current.is_ok_and(|s| s.matches(id)))
            {
                return Err(ChunkStop::SourceChanged);
            }
            let activity = Activity::new();
            let reporter = self.reporter.clone();
            let body = source::chunk_body(
                self.local.clone(),
                range.start,
                range.end - range.start,
                activity.clone(),
                Arc::new(move |n| reporter.advanced(n)),
            );
            let result = self
                .with_watchdog(
                    &activity,
                    index,
                    flow.send_chunk(&self.ctx.client, session, at, body),
                )
                .await;
            let e = match result {
                Ok(receipt) => return Ok(receipt),
                Err(e) => e,
            };
            self.reporter.rewound(activity.bytes());
            match classify(&e) {
                _ if parallel && e.is_code(codes::IO_FAILED) => return Err(ChunkStop::OutOfOrder),
                ErrorClass::SessionGone | ErrorClass::UrlExpired => {
                    return Err(ChunkStop::SessionGone);
                }
                ErrorClass::Transient | ErrorClass::Reauthenticated => {
                    if !self.backoff(&format!("chunk {index}"), &e).await {
                        return Err(ChunkStop::Failed(e.to_string()));
                    }
                }
                ErrorClass::Exists | ErrorClass::Fatal => {
                    return Err(ChunkStop::Failed(e.to_string()));
                }
            }
        }
    }

    /// Fails a request with `Stalled` when its body stops moving and no answer comes for the
    /// stall timeout (chunk requests have no overall timeout: they may be large and slow).
    async fn with_watchdog<T>(
        &self,
        activity: &Activity,
        index: u64,
        request: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let stall = self.ctx.config.stall_timeout;
        let watchdog = async {
            let tick = (stall / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
            loop {
                tokio::time::sleep(tick).await;
                if activity.idle() >= stall {
                    return;
                }
            }
        };
        tokio::select! {
            result = request => result,
            () = watchdog => Err(ApiError::Stalled {
                endpoint: format!("chunk {index}"),
                seconds: stall.as_secs(),
            }),
        }
    }

    // ---- finishing ------------------------------------------------------------------------

    async fn finish(
        &self,
        flow: &dyn UploadFlow,
        session: &UploadSession,
    ) -> Result<(), FinishStop> {
        if flow.completes_at_storage() && !self.update(|u| u.storage_completed) {
            self.complete_storage(flow, session).await?;
        }
        self.confirm(flow, session).await?;
        if flow.storage_calls_back() {
            self.await_storage_callback().await?;
        }
        Ok(())
    }

    /// OSS, OBS, Qiniu and Upyun tell Cloudreve themselves (a real Upyun notification may
    /// arrive after its answer to us): wait, within the retry budget, until the file is final.
    async fn await_storage_callback(&self) -> Result<(), FinishStop> {
        loop {
            match self.completed_remotely().await {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(stop) => return Err(FinishStop::Failed(stop.message())),
            }
            let waiting = "the storage has not confirmed the upload to the server yet";
            if !self.wait_to_retry(waiting).await {
                return Err(FinishStop::Failed(
                    "the storage never confirmed the upload to the server".into(),
                ));
            }
        }
    }

    async fn complete_storage(
        &self,
        flow: &dyn UploadFlow,
        session: &UploadSession,
    ) -> Result<(), FinishStop> {
        let receipts: BTreeMap<u64, String> = self.update(|u| u.acked.clone());
        let mut ambiguous = false;
        loop {
            match flow
                .complete_storage(&self.ctx.client, session, &receipts)
                .await
            {
                Ok(()) => break,
                Err(e) => match classify(&e) {
                    ErrorClass::Transient => {
                        ambiguous = true;
                        if !self.backoff("completing the upload", &e).await {
                            return Err(FinishStop::Failed(e.to_string()));
                        }
                    }
                    // A lost answer to a completion that worked: the upload id is gone now.
                    // The callback tells whether the object is there.
                    _ if ambiguous => break,
                    ErrorClass::SessionGone | ErrorClass::UrlExpired => {
                        return Err(FinishStop::SessionGone);
                    }
                    _ => return Err(FinishStop::Failed(e.to_string())),
                },
            }
        }
        self.commit(|u| u.storage_completed = true)
            .map_err(|stop| FinishStop::Failed(stop.message()))
    }

    async fn confirm(
        &self,
        flow: &dyn UploadFlow,
        session: &UploadSession,
    ) -> Result<(), FinishStop> {
        loop {
            let e = match flow.confirm(&self.ctx.client, session).await {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if e.is_code(40055) {
                return Err(FinishStop::WrongSize(e.to_string()));
            }
            match classify(&e) {
                // `-1` right after the completion: the object is not visible yet (§5.5.4).
                ErrorClass::Transient | ErrorClass::Reauthenticated => {
                    if !self.backoff("confirming the upload", &e).await {
                        return Err(FinishStop::Failed(e.to_string()));
                    }
                }
                ErrorClass::SessionGone => return Err(FinishStop::SessionGone),
                _ => return Err(FinishStop::Failed(e.to_string())),
            }
        }
    }

    /// After `40011`: whether our upload finished after all (the last chunk's or the
    /// callback's answer was lost).
    async fn completed_remotely(&self) -> Result<bool, Stop> {
        let target = self.target()?;
        let info = self
            .retrying("checking the uploaded file", || {
                self.ctx.client.file_info(&target, InfoOptions::default())
            })
            .await;
        match info {
            Ok(file) => Ok(self.is_our_file(&file)),
            Err(e) if e.is_code(codes::PATH_NOT_EXIST) => Ok(false),
            Err(e) => Err(fail(e.to_string())),
        }
    }

    fn is_our_file(&self, file: &File) -> bool {
        let (size, replaced) = self.update(|u| (u.size, u.replaced_entity.clone()));
        !file.is_folder()
            && file.upload_session_id().is_none()
            && file.size == size
            && replaced.is_none_or(|old| old != file.primary_entity)
    }

    /// `GET /file/info` on the result (§4.10 step 5).
    async fn verify(&self) -> Result<String, Stop> {
        let target = self.target()?;
        let file = self
            .retrying("checking the uploaded file", || {
                self.ctx.client.file_info(&target, InfoOptions::default())
            })
            .await
            .map_err(|e| {
                fail(format!(
                    "the upload finished but the file cannot be read: {e}"
                ))
            })?;
        if !self.is_our_file(&file) {
            return Err(fail(format!(
                "the server reports {} bytes{} after the upload",
                file.size,
                if file.upload_session_id().is_some() {
                    " and an unfinished placeholder"
                } else {
                    ""
                }
            )));
        }
        Ok(target.to_string())
    }

    // ---- policies without a chunk flow ------------------------------------------------------

    /// §5.4: cancel the session; small files still go through `PUT /file/content`.
    async fn unsupported(&self, kind: &str, session: &UploadSession) -> Result<String, Stop> {
        let size = self.update(|u| u.size);
        if size > CONTENT_LIMIT {
            self.give_up(session).await;
            return Err(fail(format!(
                "storage policy {kind} is not supported for chunked upload"
            )));
        }
        self.reporter.notice(format!(
            "storage policy {kind} has no chunked upload here; sending the file in one request"
        ));
        self.in_one_request(session).await
    }

    /// Cancels the session and writes the file with `PUT /file/content` (≤ 50 MiB), where the
    /// server writes to the storage itself.
    async fn in_one_request(&self, session: &UploadSession) -> Result<String, Stop> {
        self.give_up(session).await;
        let size = self.update(|u| u.size);
        let target = self.target()?;
        loop {
            let activity = Activity::new();
            let reporter = self.reporter.clone();
            let body: ChunkBody = source::chunk_body(
                self.local.clone(),
                0,
                size,
                activity.clone(),
                Arc::new(move |n| reporter.advanced(n)),
            );
            let result = self
                .with_watchdog(
                    &activity,
                    0,
                    self.ctx.client.update_content(&target, None, body),
                )
                .await;
            match result {
                Ok(_) => return self.verify().await,
                Err(e) => {
                    self.reporter.rewound(activity.bytes());
                    if !is_retryable(&e) || !self.backoff("uploading", &e).await {
                        return Err(fail(e.to_string()));
                    }
                }
            }
        }
    }
}

fn is_retryable(e: &ApiError) -> bool {
    matches!(
        classify(e),
        ErrorClass::Transient | ErrorClass::Reauthenticated
    )
}

/// A size-0 placeholder of a pending upload created at or after `since` (minus the skew window).
fn is_fresh_placeholder(file: &File, since: std::time::SystemTime) -> bool {
    let since = chrono::DateTime::<chrono::Utc>::from(since - OWN_PLACEHOLDER_WINDOW);
    file.upload_session_id().is_some() && file.size == 0 && file.created_at >= since
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(meta: Option<&str>, created: &str, size: u64) -> File {
        let mut metadata = serde_json::Map::new();
        if let Some(id) = meta {
            metadata.insert("sys:upload_session_id".into(), id.into());
        }
        serde_json::from_value(serde_json::json!({
            "type": 0, "id": "x", "name": "a", "created_at": created, "updated_at": created,
            "size": size, "metadata": metadata, "path": "cloudreve://my/a"
        }))
        .unwrap()
    }

    #[test]
    fn only_fresh_placeholders_count_as_ours() {
        let now = std::time::SystemTime::now();
        let recent = chrono::Utc::now().to_rfc3339();
        assert!(is_fresh_placeholder(&file(Some("s"), &recent, 0), now));
        assert!(!is_fresh_placeholder(&file(None, &recent, 0), now));
        assert!(!is_fresh_placeholder(&file(Some("s"), &recent, 5), now));
        let old = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
        assert!(!is_fresh_placeholder(&file(Some("s"), &old, 0), now));
    }
}
