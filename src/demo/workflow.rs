//! Workflow tasks: archive, extract, remote download, import, list, progress.
//!
//! Tasks run in tokio tasks and move through the statuses the real server reports
//! (files-and-transfers.md §8; captures C2-441…471, C2-484/485, C2-529…537):
//! `queued` → `processing` (→ `suspending` before each retry) → `completed` | `error`.
//! Archives are real zip files, extraction really unpacks zip files into the drive. Remote
//! downloads fail in the background because no downloader (aria2/qBittorrent) is configured,
//! as on a fresh real server (C2-485) — unless the simulated downloader is on
//! (`DemoConfig::simulate_downloads`, see [`downloader`]).
//!
//! Import reads server-side files. Unlike the real server (any path of the storage policy),
//! the demo only imports from `<data dir>/import/`, because on a fresh demo server whoever
//! signs up first becomes the administrator.

use super::auth::SignedIn;
use super::events::{ChangeKind, FileChange};
use super::http::{ApiErr, ApiResult, Body, Q, lenient, ok, ok_empty};
use super::ids::{self, Kind};
use super::share::{cursor_page, cursor_pagination, required_page_size};
use super::store::{Store, Time, ts};
use super::upload::{check_name, commit_version, remove_blob_files};
use super::{AppState, Demo};
use crate::api::uri::{CrUri, FileSystem};
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

pub mod downloader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskType {
    CreateArchive,
    ExtractArchive,
    RemoteDownload,
    Import,
}

impl TaskType {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::CreateArchive => "create_archive",
            TaskType::ExtractArchive => "extract_archive",
            TaskType::RemoteDownload => "remote_download",
            TaskType::Import => "import",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Queued,
    Processing,
    Suspending,
    Completed,
    Error,
    Canceled,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Processing => "processing",
            TaskStatus::Suspending => "suspending",
            TaskStatus::Completed => "completed",
            TaskStatus::Error => "error",
            TaskStatus::Canceled => "canceled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Error | TaskStatus::Canceled
        )
    }
}

/// One progress counter (`{"total","current","identifier"}`, §8.3).
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub total: u64,
    pub current: u64,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: u64,
    pub owner: u64,
    pub kind: TaskType,
    pub status: TaskStatus,
    pub created_at: Time,
    pub updated_at: Time,
    pub phase: Option<&'static str>,
    /// `summary.props`.
    pub props: Value,
    pub error: Option<String>,
    pub error_history: Vec<String>,
    pub retry_count: u32,
    pub duration_ms: i64,
    /// Unix seconds when a suspended task continues.
    pub resume_time: Option<i64>,
    /// Picked up by the (only, master) node: the Task object then names it.
    pub on_node: bool,
    /// Live counters; only reported while the task is processing.
    pub progress: BTreeMap<&'static str, Progress>,
}

/// How fast tasks move (the real server takes seconds; tests may shorten these).
#[derive(Debug, Clone, Copy)]
pub struct TaskTiming {
    /// Time a new task stays `queued`.
    pub queued: Duration,
    /// Time a failed attempt stays `suspending` before the retry.
    pub retry_backoff: Duration,
    /// Failed attempts before the task ends in `error` (5 on the real server, C2-484).
    pub max_attempts: u32,
    /// Time until a remote download notices there is no downloader.
    pub download_failure: Duration,
    /// One step of the simulated downloader (a download takes about 20 of them).
    pub download_step: Duration,
}

impl Default for TaskTiming {
    fn default() -> Self {
        TaskTiming {
            queued: Duration::from_millis(500),
            retry_backoff: Duration::from_secs(1),
            max_attempts: 5,
            download_failure: Duration::from_secs(2),
            download_step: Duration::from_millis(200),
        }
    }
}

/// Background tasks.
#[derive(Debug, Default)]
pub struct TaskStore {
    tasks: BTreeMap<u64, Task>,
    pub timing: TaskTiming,
    /// Remote downloads run in the simulated downloader instead of failing.
    pub simulate_downloads: bool,
}

impl TaskStore {
    pub fn get(&self, id: u64) -> Option<&Task> {
        self.tasks.get(&id)
    }
}

/// The master node as tasks name it (C2-445): capabilities archive, extract, remote download.
fn master_node_json() -> Value {
    json!({
        "id": ids::encode(Kind::Node, 1),
        "name": "Master",
        "type": "master",
        "capabilities": "Dg==",
    })
}

impl Task {
    /// The Task object (§8.1): empty and zero fields are omitted like Go's `omitempty`.
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("created_at".into(), json!(ts(&self.created_at)));
        m.insert("updated_at".into(), json!(ts(&self.updated_at)));
        m.insert("id".into(), json!(ids::encode(Kind::Task, self.id)));
        m.insert("status".into(), json!(self.status.as_str()));
        m.insert("type".into(), json!(self.kind.as_str()));
        if self.on_node {
            m.insert("node".into(), master_node_json());
        }
        let mut summary = Map::new();
        if let Some(p) = self.phase {
            summary.insert("phase".into(), json!(p));
        }
        summary.insert("props".into(), self.props.clone());
        m.insert("summary".into(), Value::Object(summary));
        if let Some(e) = &self.error {
            m.insert("error".into(), json!(e));
        }
        if !self.error_history.is_empty() {
            m.insert("error_history".into(), json!(self.error_history));
        }
        if self.duration_ms > 0 {
            m.insert("duration".into(), json!(self.duration_ms));
        }
        if let Some(r) = self.resume_time {
            m.insert("resume_time".into(), json!(r));
        }
        if self.retry_count > 0 {
            m.insert("retry_count".into(), json!(self.retry_count));
        }
        Value::Object(m)
    }

    fn progress_json(&self) -> Value {
        let mut m = Map::new();
        if self.status == TaskStatus::Processing {
            for (name, p) in &self.progress {
                m.insert(
                    (*name).into(),
                    json!({"total": p.total, "current": p.current, "identifier": ""}),
                );
            }
        }
        Value::Object(m)
    }
}

/// A field the task routes need, refused with the server's `"<Field> cannot be empty"`.
fn required(value: Option<String>, field: &str) -> Result<String, ApiErr> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiErr::param(format!("{field} cannot be empty")))
}

fn bad_object_id() -> ApiErr {
    ApiErr::new(40001, "Failed to parse object ID")
}

fn task_not_found() -> ApiErr {
    ApiErr::new(404, "Task not found")
}

impl Store {
    fn new_task(&mut self, owner: u64, kind: TaskType, props: Value) -> u64 {
        let id = self.new_id();
        let now = Utc::now();
        self.tasks.tasks.insert(
            id,
            Task {
                id,
                owner,
                kind,
                status: TaskStatus::Queued,
                created_at: now,
                updated_at: now,
                phase: None,
                props,
                error: None,
                error_history: Vec::new(),
                retry_count: 0,
                duration_ms: 0,
                resume_time: None,
                on_node: false,
                progress: BTreeMap::new(),
            },
        );
        id
    }

    /// Applies `f` to a task and stamps `updated_at`.
    fn update_task(&mut self, id: u64, f: impl FnOnce(&mut Task)) {
        if let Some(t) = self.tasks.tasks.get_mut(&id) {
            f(t);
            t.updated_at = Utc::now();
        }
    }

    fn set_progress(&mut self, id: u64, name: &'static str, p: Progress) {
        if let Some(t) = self.tasks.tasks.get_mut(&id) {
            t.progress.insert(name, p);
        }
    }

    fn is_admin(&self, user: u64) -> bool {
        self.user(user).is_some_and(|u| u.group.is_admin())
    }

    /// An own folder that exists (`40016 "Invalid destination"` otherwise, C2-452, C2-453).
    fn destination_folder(&self, user: u64, dst: &str) -> Result<u64, ApiErr> {
        let invalid = || ApiErr::new(40016, "Invalid destination");
        let uri = CrUri::parse(dst).map_err(|_| invalid())?;
        if uri.fs != FileSystem::My {
            return Err(invalid());
        }
        let node = self.resolve_own(user, &uri).map_err(|_| invalid())?;
        if self.files.get(&node).is_some_and(|n| n.is_folder) {
            Ok(node)
        } else {
            Err(invalid())
        }
    }

    /// Walks an own URI for a task, failing with the real server's wording (C2-471).
    fn task_source(&self, owner: u64, uri: &str) -> Result<u64, String> {
        let parsed = CrUri::parse(uri).map_err(|e| format!("invalid uri {uri}: {e}"))?;
        let root = self
            .user(owner)
            .map(|u| u.root)
            .ok_or_else(|| "failed to get user".to_string())?;
        if parsed.fs != FileSystem::My {
            return Err(format!("failed to get file {uri}: unsupported file system"));
        }
        let mut cur = root;
        for seg in &parsed.segments {
            cur = self.child(cur, seg).ok_or_else(|| {
                format!(
                    "failed to get file {uri}: failed to get target file: failed to walk into \
                     \"{seg}\": Path not exist"
                )
            })?;
        }
        Ok(cur)
    }

    /// The folder at `segments` below `root`, creating missing ones (and telling subscribers).
    fn ensure_folders(
        &mut self,
        state: &Demo,
        owner: u64,
        root: u64,
        segments: &[String],
    ) -> Result<u64, String> {
        let mut cur = root;
        for seg in segments {
            cur = match self.child(cur, seg) {
                Some(c) if self.files.get(&c).is_some_and(|n| n.is_folder) => c,
                Some(_) => return Err(format!("failed to create folder {seg}: Object existed")),
                None => {
                    check_name(seg)
                        .map_err(|e| format!("failed to create folder {seg}: {}", e.msg))?;
                    let id = self.insert_node(owner, Some(cur), seg, true, Utc::now());
                    self.publish_task_change(state, owner, id, ChangeKind::Create);
                    id
                }
            };
        }
        Ok(cur)
    }

    fn publish_task_change(&self, state: &Demo, owner: u64, node: u64, kind: ChangeKind) {
        if self.fs_of(node) == Some(FileSystem::My) {
            state.events.publish(FileChange {
                owner,
                kind,
                file: node,
                from: self.node_uri(node).segments,
                to: None,
                origin: None,
            });
        }
    }

    /// Makes the finished temp file `temp` (`size` bytes) the content of `name` in `parent`:
    /// a new file, or a new version of an existing one (with the owner's version retention).
    fn commit_task_file(
        &mut self,
        state: &Demo,
        owner: u64,
        parent: u64,
        name: &str,
        temp: &std::path::Path,
        size: u64,
    ) -> Result<u64, String> {
        check_name(name).map_err(|e| format!("failed to create file {name}: {}", e.msg))?;
        let existing = self.child(parent, name);
        if existing.is_some_and(|e| self.files.get(&e).is_some_and(|n| n.is_folder)) {
            return Err(format!("failed to create file {name}: Object existed"));
        }
        let now = Utc::now();
        let (node, kind) = match existing {
            Some(node) => (node, ChangeKind::Modify),
            None => (
                self.insert_node(owner, Some(parent), name, false, now),
                ChangeKind::Create,
            ),
        };
        match commit_version(state, self, node, temp, size, owner, now) {
            Ok(committed) => remove_blob_files(&committed.pruned),
            Err(e) => {
                if kind == ChangeKind::Create {
                    self.remove_tree(node);
                }
                return Err(format!("failed to create file {name}: {}", e.msg));
            }
        }
        if let Some(n) = self.files.get_mut(&node) {
            n.updated_at = now;
        }
        self.publish_task_change(state, owner, node, kind);
        Ok(node)
    }
}

// ---- running tasks ------------------------------------------------------------------------

/// Drives a task through its attempts; `work` does one attempt.
async fn run_task<F, Fut>(state: AppState, id: u64, work: F)
where
    F: Fn(AppState, u64) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let timing = state.lock().tasks.timing;
    tokio::time::sleep(timing.queued).await;
    loop {
        let started = std::time::Instant::now();
        state.lock().update_task(id, |t| {
            t.status = TaskStatus::Processing;
            t.on_node = true;
        });
        let result = work(state.clone(), id).await;
        let elapsed = started.elapsed().as_millis().max(1) as i64;
        let retry = {
            let mut store = state.lock();
            let mut retry = false;
            store.update_task(id, |t| {
                t.duration_ms += elapsed;
                t.progress.clear();
                match result {
                    Ok(()) => t.status = TaskStatus::Completed,
                    Err(e) => {
                        t.retry_count += 1;
                        t.error_history.push(e.clone());
                        if t.retry_count >= timing.max_attempts {
                            t.status = TaskStatus::Error;
                            t.error = Some(e);
                        } else {
                            t.status = TaskStatus::Suspending;
                            let resume = Utc::now()
                                + chrono::Duration::from_std(timing.retry_backoff)
                                    .unwrap_or_default();
                            t.resume_time = Some(resume.timestamp());
                            retry = true;
                        }
                    }
                }
            });
            retry
        };
        if !retry {
            return;
        }
        tokio::time::sleep(timing.retry_backoff).await;
    }
}

/// A temp file in the data dir (same file system as the blobs, so it can be renamed in).
fn temp_path(state: &Demo) -> PathBuf {
    state.upload_path(&format!("task-{}", uuid::Uuid::new_v4()))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("panic error: {e}"))?
}

/// One entry of an archive being built.
struct ZipItem {
    /// Path inside the archive, relative to the sources' parent (`mv/b.txt`).
    name: String,
    /// The content blob; `None` for folders and empty files.
    blob: Option<PathBuf>,
    is_dir: bool,
    modified: Time,
}

fn zip_time(t: &Time) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

impl Store {
    /// Lists what an archive of `sources` contains, folders recursively.
    fn zip_items(
        &self,
        state: &Demo,
        owner: u64,
        sources: &[String],
    ) -> Result<Vec<ZipItem>, String> {
        let mut items = Vec::new();
        for src in sources {
            let node = self
                .task_source(owner, src)
                .map_err(|e| format!("failed to compress files: {e}"))?;
            let mut stack = vec![(node, String::new())];
            while let Some((n, prefix)) = stack.pop() {
                let Some(f) = self.files.get(&n) else {
                    continue;
                };
                let name = format!("{prefix}{}", f.name);
                items.push(ZipItem {
                    name: if f.is_folder {
                        format!("{name}/")
                    } else {
                        name.clone()
                    },
                    blob: f.primary.map(|e| state.blob_path(e)),
                    is_dir: f.is_folder,
                    modified: f.updated_at,
                });
                if f.is_folder {
                    for c in self.children_of(n).into_iter().rev() {
                        stack.push((c, format!("{name}/")));
                    }
                }
            }
        }
        Ok(items)
    }
}

/// Writes the archive to `out`, counting entries and bytes in the task's progress.
fn write_zip(
    state: &Demo,
    id: u64,
    items: &[ZipItem],
    out: &std::path::Path,
) -> Result<u64, String> {
    let fail = |e: &dyn std::fmt::Display| format!("failed to compress files: {e}");
    let file = std::fs::File::create(out).map_err(|e| fail(&e))?;
    let mut zip = zip::ZipWriter::new(file);
    let (mut count, mut bytes) = (0u64, 0u64);
    for item in items {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip_time(&item.modified))
            .large_file(true);
        if item.is_dir {
            zip.add_directory(item.name.as_str(), opts)
                .map_err(|e| fail(&e))?;
            continue;
        }
        zip.start_file(item.name.as_str(), opts)
            .map_err(|e| fail(&e))?;
        if let Some(blob) = &item.blob {
            let mut src = std::fs::File::open(blob).map_err(|e| fail(&e))?;
            bytes += std::io::copy(&mut src, &mut zip).map_err(|e| fail(&e))?;
        }
        count += 1;
        let mut store = state.lock();
        store.set_progress(
            id,
            "archive_count",
            Progress {
                total: 0,
                current: count,
            },
        );
        store.set_progress(
            id,
            "archive_size",
            Progress {
                total: 0,
                current: bytes,
            },
        );
    }
    let file = zip.finish().map_err(|e| fail(&e))?;
    file.sync_all().map_err(|e| fail(&e))?;
    file.metadata().map(|m| m.len()).map_err(|e| fail(&e))
}

/// One attempt of `create_archive`: compress, then store the archive at `dst`.
async fn archive_attempt(
    state: AppState,
    id: u64,
    sources: Vec<String>,
    dst: String,
) -> Result<(), String> {
    let (owner, items) = {
        let mut store = state.lock();
        let owner = store
            .tasks
            .get(id)
            .map(|t| t.owner)
            .ok_or("task vanished")?;
        store.update_task(id, |t| t.phase = Some("compress_files"));
        (owner, store.zip_items(&state, owner, &sources)?)
    };
    let out = temp_path(&state);
    let size = {
        let (state, out) = (state.clone(), out.clone());
        blocking(move || write_zip(&state, id, &items, &out)).await
    };
    let size = match size {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&out);
            return Err(e);
        }
    };
    let mut store = state.lock();
    store.update_task(id, |t| t.phase = Some("upload_archive"));
    store.set_progress(
        id,
        "upload",
        Progress {
            total: size,
            current: size,
        },
    );
    let result = store.store_archive(&state, owner, &dst, &out, size);
    if result.is_err() {
        let _ = std::fs::remove_file(&out);
    }
    result
}

impl Store {
    fn store_archive(
        &mut self,
        state: &Demo,
        owner: u64,
        dst: &str,
        temp: &std::path::Path,
        size: u64,
    ) -> Result<(), String> {
        let fail = |e: String| format!("failed to upload archive: {e}");
        let uri = CrUri::parse(dst).map_err(|e| fail(e.to_string()))?;
        let name = uri
            .name()
            .ok_or_else(|| fail("invalid destination".into()))?;
        let root = self
            .user(owner)
            .map(|u| u.root)
            .ok_or_else(|| fail("no user".into()))?;
        let parent_segments = &uri.segments[..uri.segments.len() - 1];
        let parent = self
            .ensure_folders(state, owner, root, parent_segments)
            .map_err(fail)?;
        if self.child(parent, name).is_some() {
            return Err(fail("Object existed".into()));
        }
        self.commit_task_file(state, owner, parent, name, temp, size)
            .map(|_| ())
            .map_err(fail)
    }
}

/// Whether an archive entry is selected by `file_mask` (empty: everything; a folder selects
/// what is inside it).
fn mask_selects(mask: &[String], path: &str) -> bool {
    let path = path.trim_end_matches('/');
    mask.is_empty()
        || mask.iter().any(|m| {
            let m = m.trim_matches('/');
            path == m
                || path
                    .strip_prefix(m)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// Safe path segments of an archive entry (no `..`, no absolute paths).
fn entry_segments(entry: &zip::read::ZipFile<'_, std::fs::File>) -> Option<Vec<String>> {
    let path = entry.enclosed_name()?;
    let segs: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => s.to_str().map(str::to_string),
            _ => None,
        })
        .collect();
    (!segs.is_empty()).then_some(segs)
}

struct ExtractJob {
    owner: u64,
    archive: PathBuf,
    dst: u64,
    mask: Vec<String>,
    password: Option<String>,
}

/// Unpacks the archive into the destination folder, entry by entry.
fn extract_zip(state: &Demo, id: u64, job: &ExtractJob) -> Result<(), String> {
    let not_archive = || "failed to identify archive format: no formats matched".to_string();
    let file = std::fs::File::open(&job.archive).map_err(|_| not_archive())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| not_archive())?;
    let (mut count, mut bytes) = (0u64, 0u64);
    for i in 0..zip.len() {
        let mut entry = match (&job.password, zip.by_index_raw(i).map(|e| e.encrypted())) {
            (Some(pw), Ok(true)) => zip.by_index_decrypt(i, pw.as_bytes()),
            _ => zip.by_index(i),
        }
        .map_err(|e| format!("failed to read archive entry: {e}"))?;
        let Some(segs) = entry_segments(&entry) else {
            continue;
        };
        if !mask_selects(&job.mask, &segs.join("/")) {
            continue;
        }
        if entry.is_dir() {
            state
                .lock()
                .ensure_folders(state, job.owner, job.dst, &segs)?;
            continue;
        }
        let temp = temp_path(state);
        let written = (|| {
            let mut out = std::fs::File::create(&temp)?;
            let n = std::io::copy(&mut entry, &mut out)?;
            out.flush()?;
            Ok::<u64, std::io::Error>(n)
        })();
        let size = match written {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(format!("failed to extract {}: {e}", segs.join("/")));
            }
        };
        let (dirs, name) = segs.split_at(segs.len() - 1);
        let mut store = state.lock();
        let committed = store
            .ensure_folders(state, job.owner, job.dst, dirs)
            .and_then(|parent| {
                store.commit_task_file(state, job.owner, parent, &name[0], &temp, size)
            });
        if committed.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        committed?;
        count += 1;
        bytes += size;
        store.set_progress(
            id,
            "extract_count",
            Progress {
                total: 0,
                current: count,
            },
        );
        store.set_progress(
            id,
            "extract_size",
            Progress {
                total: 0,
                current: bytes,
            },
        );
    }
    Ok(())
}

/// One attempt of `extract_archive`.
async fn extract_attempt(
    state: AppState,
    id: u64,
    src: String,
    dst: String,
    mask: Vec<String>,
    password: Option<String>,
) -> Result<(), String> {
    let job = {
        let store = state.lock();
        let owner = store
            .tasks
            .get(id)
            .map(|t| t.owner)
            .ok_or("task vanished")?;
        let node = store
            .task_source(owner, &src)
            .map_err(|e| format!("failed to get archive file: {e}"))?;
        let archive = store
            .files
            .get(&node)
            .filter(|n| !n.is_folder)
            .and_then(|n| n.primary)
            .map(|e| state.blob_path(e))
            .ok_or_else(|| "failed to identify archive format: no formats matched".to_string())?;
        let dst = store
            .destination_folder(owner, &dst)
            .map_err(|e| format!("failed to get destination: {}", e.msg))?;
        ExtractJob {
            owner,
            archive,
            dst,
            mask,
            password,
        }
    };
    let state2 = state.clone();
    blocking(move || extract_zip(&state2, id, &job)).await
}

/// A remote download without a downloader: it waits, then fails (C2-485). A cancel ends it
/// earlier; either way it ends in `error`.
async fn run_remote_download(state: AppState, id: u64) {
    let delay = state.lock().tasks.timing.download_failure;
    tokio::time::sleep(delay).await;
    state.lock().update_task(id, |t| {
        if !t.status.is_finished() {
            t.status = TaskStatus::Error;
            t.error = Some("no downloader is configured on this server".into());
        }
    });
}

// ---- import -------------------------------------------------------------------------------

/// The directory below `<data dir>/import` that `src` names; `None` for paths that try to
/// leave it.
fn import_root(state: &Demo, src: &str) -> Option<PathBuf> {
    import_path(&state.data_dir.join("import"), src)
}

fn import_path(base: &std::path::Path, src: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for c in std::path::Path::new(src).components() {
        match c {
            std::path::Component::Normal(s) => path.push(s),
            std::path::Component::RootDir | std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    Some(path)
}

struct ImportJob {
    user: u64,
    source: PathBuf,
    dst: Vec<String>,
    recursive: bool,
}

fn import_files(state: &Demo, id: u64, job: &ImportJob) -> Result<(), String> {
    let root = state
        .lock()
        .user(job.user)
        .map(|u| u.root)
        .ok_or("failed to get user")?;
    let mut stack = vec![(job.source.clone(), job.dst.clone())];
    let mut imported = 0u64;
    while let Some((dir, segs)) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| format!("failed to list {}: {e}", dir.display()))?;
        let folder = state.lock().ensure_folders(state, job.user, root, &segs)?;
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if job.recursive {
                    let mut sub = segs.clone();
                    sub.push(name);
                    stack.push((entry.path(), sub));
                }
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let temp = temp_path(state);
            let size = std::fs::copy(entry.path(), &temp)
                .map_err(|e| format!("failed to import {name}: {e}"))?;
            let mut store = state.lock();
            if let Err(e) = store.commit_task_file(state, job.user, folder, &name, &temp, size) {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
            imported += 1;
            store.set_progress(
                id,
                "imported",
                Progress {
                    total: 0,
                    current: imported,
                },
            );
        }
    }
    Ok(())
}

// ---- routes -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
    category: Option<String>,
    next_page_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    General,
    Downloading,
    Downloaded,
}

impl Category {
    fn parse(s: Option<&str>) -> Result<Category, ApiErr> {
        match s {
            None | Some("") => Err(ApiErr::param("Category cannot be empty")),
            Some("general") => Ok(Category::General),
            Some("downloading") => Ok(Category::Downloading),
            Some("downloaded") => Ok(Category::Downloaded),
            Some(_) => Err(ApiErr::param("Invalid parameters.")),
        }
    }

    fn includes(self, t: &Task) -> bool {
        let download = t.kind == TaskType::RemoteDownload;
        match self {
            Category::General => !download,
            Category::Downloading => download && !t.status.is_finished(),
            Category::Downloaded => download && t.status.is_finished(),
        }
    }
}

/// `GET /workflow` (§8.2): newest first; `downloading` returns everything and reports
/// `page_size` 32765 (C1-38).
async fn list_tasks(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Q(q): Q<ListQuery>,
) -> ApiResult {
    let page_size = required_page_size(q.page_size)?;
    let category = Category::parse(q.category.as_deref())?;
    let store = state.lock();
    let tasks: Vec<&Task> = store
        .tasks
        .tasks
        .values()
        .rev()
        .filter(|t| t.owner == user && category.includes(t))
        .collect();
    let (page, pagination) = if category == Category::Downloading {
        (tasks, cursor_pagination(32765, None))
    } else {
        let (page, next) = cursor_page(
            tasks,
            |t| ids::encode(Kind::Task, t.id),
            page_size,
            q.next_page_token.as_deref(),
        )?;
        (page, cursor_pagination(page_size, next))
    };
    let list: Vec<Value> = page.iter().map(|t| t.json()).collect();
    ok(json!({"tasks": list, "pagination": pagination}))
}

fn decode_task_id(id: &str) -> Result<u64, ApiErr> {
    ids::decode(Kind::Task, id).ok_or_else(bad_object_id)
}

/// `GET /workflow/progress/:id`: `{}` unless the caller's task is processing (C2-442…448).
async fn task_progress(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let id = decode_task_id(&id)?;
    let store = state.lock();
    let data = store
        .tasks
        .get(id)
        .filter(|t| t.owner == user)
        .map(Task::progress_json)
        .unwrap_or_else(|| json!({}));
    ok(data)
}

#[derive(Debug, Deserialize)]
struct ArchiveBody {
    #[serde(default)]
    src: Vec<String>,
    dst: Option<String>,
}

/// `POST /workflow/archive` (§8.4; C2-441, C2-449…451). Sources are checked by the task.
async fn create_archive(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<ArchiveBody>,
) -> ApiResult {
    if body.src.is_empty() {
        return Err(ApiErr::param("Src cannot be empty"));
    }
    let dst = required(body.dst, "Dst")?;
    let mut store = state.lock();
    if !store.is_admin(user) {
        return Err(ApiErr::new(40007, "Group not allowed to compress files"));
    }
    let dst_uri = CrUri::parse(&dst).map_err(|_| ApiErr::new(40016, "Invalid destination"))?;
    if dst_uri.fs != FileSystem::My || dst_uri.is_root() {
        return Err(ApiErr::new(40016, "Invalid destination"));
    }
    if store.resolve_own(user, &dst_uri).is_ok() {
        return Err(ApiErr::new(40004, "Object existed"));
    }
    let props = json!({"dst": dst, "failed": 0, "src_multiple": body.src});
    let id = store.new_task(user, TaskType::CreateArchive, props);
    let data = store.tasks.get(id).map(Task::json);
    drop(store);
    let (sources, dst) = (body.src, dst);
    tokio::spawn(run_task(state, id, move |state, id| {
        archive_attempt(state, id, sources.clone(), dst.clone())
    }));
    ok(data)
}

#[derive(Debug, Deserialize)]
struct ExtractBody {
    #[serde(default)]
    src: Vec<String>,
    dst: Option<String>,
    // `encoding` is accepted and ignored: zip entries say themselves whether their names
    // are UTF-8 (else CP437).
    password: Option<String>,
    #[serde(default)]
    file_mask: Vec<String>,
}

/// `POST /workflow/extract` (§8.4; C2-452…461): only the first source is used.
async fn create_extract(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<ExtractBody>,
) -> ApiResult {
    let src = body
        .src
        .first()
        .cloned()
        .ok_or_else(|| ApiErr::param("Src cannot be empty"))?;
    let dst = required(body.dst, "Dst")?;
    let mut store = state.lock();
    if !store.is_admin(user) {
        return Err(ApiErr::new(40007, "Group not allowed to compress files"));
    }
    store.destination_folder(user, &dst)?;
    let props = json!({"dst": dst, "src": src});
    let id = store.new_task(user, TaskType::ExtractArchive, props);
    let data = store.tasks.get(id).map(Task::json);
    drop(store);
    let (mask, password) = (body.file_mask, body.password.filter(|p| !p.is_empty()));
    tokio::spawn(run_task(state, id, move |state, id| {
        extract_attempt(
            state,
            id,
            src.clone(),
            dst.clone(),
            mask.clone(),
            password.clone(),
        )
    }));
    ok(data)
}

#[derive(Debug, Deserialize)]
struct DownloadBody {
    #[serde(default)]
    src: Vec<String>,
    src_file: Option<String>,
    dst: Option<String>,
}

/// `POST /workflow/download` (§8.5; C2-462, C2-465): one task per source, all of which fail
/// in the background without a downloader.
async fn create_downloads(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<DownloadBody>,
) -> ApiResult {
    let dst = required(body.dst, "Dst")?;
    let mut store = state.lock();
    if !store.is_admin(user) {
        return Err(ApiErr::new(40007, "Group not allowed to download files"));
    }
    store.destination_folder(user, &dst)?;
    let src_file = body.src_file.filter(|s| !s.is_empty());
    if body.src.is_empty() && src_file.is_none() {
        return Err(ApiErr::new(40001, "No source files"));
    }
    let sources: Vec<(String, String)> = match src_file {
        Some(torrent) => vec![(String::new(), torrent)],
        None => body.src.into_iter().map(|u| (u, String::new())).collect(),
    };
    let mut created = Vec::new();
    let mut created_sources = Vec::new();
    for (url, torrent) in sources {
        let props = json!({
            "download": null,
            "dst": dst,
            "failed": 0,
            "src": torrent,
            "src_str": url,
        });
        let id = store.new_task(user, TaskType::RemoteDownload, props);
        created.push(id);
        created_sources.push((id, url, torrent));
    }
    let data: Vec<Value> = created
        .iter()
        .filter_map(|id| store.tasks.get(*id).map(Task::json))
        .collect();
    let simulate = store.tasks.simulate_downloads;
    drop(store);
    for (id, url, torrent) in created_sources {
        if simulate {
            let name = CrUri::parse(&torrent)
                .ok()
                .and_then(|u| u.segments.last().cloned());
            tokio::spawn(downloader::run(state.clone(), id, url, name));
        } else {
            tokio::spawn(run_remote_download(state.clone(), id));
        }
    }
    ok(data)
}

impl Store {
    /// The caller's remote download that has not finished (`404 "Task not found"` otherwise).
    fn active_download(&mut self, user: u64, id: &str) -> Result<&mut Task, ApiErr> {
        let id = decode_task_id(id)?;
        self.tasks
            .tasks
            .get_mut(&id)
            .filter(|t| {
                t.owner == user && t.kind == TaskType::RemoteDownload && !t.status.is_finished()
            })
            .ok_or_else(task_not_found)
    }
}

/// `DELETE /workflow/download/:id`: answers 0; the task ends in `error` (C2-468, C2-485).
async fn cancel_download(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let mut store = state.lock();
    let task = store.active_download(user, &id)?;
    task.status = TaskStatus::Error;
    task.error = Some("canceled by user".into());
    task.updated_at = Utc::now();
    ok_empty()
}

#[derive(Debug, Deserialize)]
struct FileChoice {
    index: u64,
    download: bool,
}

#[derive(Debug, Deserialize)]
struct SelectBody {
    #[serde(default)]
    files: Vec<FileChoice>,
}

/// `PATCH /workflow/download/:id`: only while a download is processing in phase `monitor`,
/// which never happens without a downloader (C2-467); the simulated one takes the choice.
async fn select_download_files(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<SelectBody>,
) -> ApiResult {
    let mut store = state.lock();
    let task = store.active_download(user, &id)?;
    if task.status != TaskStatus::Processing || task.phase != Some("monitor") {
        return Err(ApiErr::new(404, "Task not in processing state"));
    }
    let choices: Vec<(u64, bool)> = body.files.iter().map(|f| (f.index, f.download)).collect();
    downloader::apply_selection(&mut task.props, &choices).map_err(ApiErr::param)?;
    task.updated_at = Utc::now();
    ok_empty()
}

#[derive(Debug, Deserialize)]
struct ImportBody {
    src: Option<String>,
    dst: Option<String>,
    user_id: Option<String>,
    #[serde(default)]
    recursive: bool,
}

/// `POST /workflow/import` — administrators only (`403` with an empty message, C2-470).
async fn create_import(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<ImportBody>,
) -> ApiResult {
    if !state.lock().is_admin(user) {
        return Err(ApiErr::new(403, ""));
    }
    let src = required(body.src, "Src")?;
    let dst = required(body.dst, "Dst")?;
    let target = body
        .user_id
        .as_deref()
        .and_then(|u| ids::decode(Kind::User, u))
        .ok_or_else(bad_object_id)?;
    let dst_uri = CrUri::parse(&dst)
        .ok()
        .filter(|u| u.fs == FileSystem::My)
        .ok_or_else(|| ApiErr::new(40016, "Invalid destination"))?;
    let source = import_root(&state, &src).ok_or_else(|| ApiErr::param("Invalid parameters."))?;
    let mut store = state.lock();
    if store.user(target).is_none() {
        return Err(ApiErr::new(50001, "Failed to get user"));
    }
    let props = json!({"src_str": src, "dst": dst});
    let id = store.new_task(user, TaskType::Import, props);
    let data = store.tasks.get(id).map(Task::json);
    drop(store);
    let job = std::sync::Arc::new(ImportJob {
        user: target,
        source,
        dst: dst_uri.segments,
        recursive: body.recursive,
    });
    tokio::spawn(run_task(state, id, move |state, id| {
        let job = job.clone();
        async move { blocking(move || import_files(&state, id, &job)).await }
    }));
    ok(data)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workflow", get(list_tasks))
        .route("/workflow/progress/{id}", get(task_progress))
        .route("/workflow/archive", post(create_archive))
        .route("/workflow/extract", post(create_extract))
        .route("/workflow/download", post(create_downloads))
        .route(
            "/workflow/download/{id}",
            delete(cancel_download).patch(select_download_files),
        )
        .route("/workflow/import", post(create_import))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_mask_selects_entries_and_folders() {
        let mask = vec!["docs/a.txt".to_string(), "img/".to_string()];
        assert!(mask_selects(&mask, "docs/a.txt"));
        assert!(!mask_selects(&mask, "docs/b.txt"));
        assert!(mask_selects(&mask, "img/x.png"));
        assert!(!mask_selects(&mask, "images/x.png"));
        assert!(mask_selects(&[], "anything"));
    }

    #[test]
    fn categories_split_tasks() {
        let mut t = Task {
            id: 1,
            owner: 1,
            kind: TaskType::RemoteDownload,
            status: TaskStatus::Queued,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            phase: None,
            props: json!({}),
            error: None,
            error_history: Vec::new(),
            retry_count: 0,
            duration_ms: 0,
            resume_time: None,
            on_node: false,
            progress: BTreeMap::new(),
        };
        assert!(Category::Downloading.includes(&t));
        assert!(!Category::General.includes(&t));
        t.status = TaskStatus::Error;
        assert!(Category::Downloaded.includes(&t));
        t.kind = TaskType::CreateArchive;
        assert!(Category::General.includes(&t));
        assert_eq!(
            Category::parse(Some("x")).unwrap_err().msg,
            "Invalid parameters."
        );
        assert_eq!(
            Category::parse(None).unwrap_err().msg,
            "Category cannot be empty"
        );
    }

    #[test]
    fn task_json_omits_empty_fields() {
        let t = Task {
            id: 1,
            owner: 1,
            kind: TaskType::RemoteDownload,
            status: TaskStatus::Queued,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            phase: None,
            props: json!({"download": null}),
            error: None,
            error_history: Vec::new(),
            retry_count: 0,
            duration_ms: 0,
            resume_time: None,
            on_node: false,
            progress: BTreeMap::new(),
        };
        let v = t.json();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 6, "{keys:?}");
        assert_eq!(v["summary"], json!({"props": {"download": null}}));
        assert_eq!(t.progress_json(), json!({}));
    }

    #[test]
    fn import_paths_stay_inside_the_import_dir() {
        let base = std::path::Path::new("/data/import");
        let join = |src: &str| import_path(base, src);
        assert_eq!(join("/photos/2024"), Some(base.join("photos/2024")));
        assert_eq!(join("../etc"), None);
    }

    /// A demo server with one administrator whose tasks move quickly.
    async fn demo_with_admin() -> (crate::demo::DemoHandle, String, u64) {
        let demo = crate::demo::start(crate::demo::DemoConfig::default())
            .await
            .expect("demo server starts");
        let mut store = demo.state.lock();
        let uid = store.create_user("wf@test.local", "Passw0rd!", None);
        store.tasks.timing = TaskTiming {
            queued: Duration::ZERO,
            retry_backoff: Duration::from_millis(20),
            max_attempts: 2,
            download_failure: Duration::from_millis(50),
            download_step: Duration::from_millis(5),
        };
        let tokens = store.issue_tokens(
            uid,
            None,
            chrono::Duration::hours(1),
            chrono::Duration::hours(1),
        );
        drop(store);
        let token = tokens["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (demo, token, uid)
    }

    fn put_file(state: &Demo, owner: u64, path: &[&str], bytes: &[u8]) -> u64 {
        let temp = temp_path(state);
        std::fs::write(&temp, bytes).expect("temp file");
        let mut store = state.lock();
        let root = store.user(owner).map(|u| u.root).expect("user");
        let dirs: Vec<String> = path[..path.len() - 1]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let parent = store
            .ensure_folders(state, owner, root, &dirs)
            .expect("folders");
        store
            .commit_task_file(
                state,
                owner,
                parent,
                path[path.len() - 1],
                &temp,
                bytes.len() as u64,
            )
            .expect("file")
    }

    fn content(state: &Demo, owner: u64, path: &[&str]) -> Option<Vec<u8>> {
        let store = state.lock();
        let root = store.user(owner)?.root;
        let segs: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let node = store.walk(root, &segs)?;
        let entity = store.files.get(&node)?.primary?;
        std::fs::read(state.blob_path(entity)).ok()
    }

    async fn api(
        demo: &crate::demo::DemoHandle,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let client = reqwest::Client::new();
        let mut req = client
            .request(method, format!("{}/api/v4{path}", demo.base_url()))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
    }

    /// Polls the general task list until the task is finished.
    async fn wait_finished(demo: &crate::demo::DemoHandle, token: &str, id: &str) -> Value {
        for _ in 0..200 {
            let list = api(
                demo,
                token,
                reqwest::Method::GET,
                "/workflow?category=general&page_size=10",
                None,
            )
            .await;
            let task = list["data"]["tasks"]
                .as_array()
                .and_then(|ts| ts.iter().find(|t| t["id"] == id).cloned());
            if let Some(t) = task
                && ["completed", "error"].contains(&t["status"].as_str().unwrap_or_default())
            {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("task {id} did not finish");
    }

    #[tokio::test]
    async fn archive_and_extract_round_trip() {
        let (demo, token, uid) = demo_with_admin().await;
        let state = demo.state.clone();
        put_file(&state, uid, &["wf", "a.txt"], b"alpha");
        put_file(&state, uid, &["wf", "mv", "b.txt"], b"bravo");
        let created = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/archive",
            Some(json!({
                "src": ["cloudreve://my/wf/a.txt", "cloudreve://my/wf/mv"],
                "dst": "cloudreve://my/out/all.zip",
            })),
        )
        .await;
        assert_eq!(created["data"]["status"], "queued", "{created}");
        let id = created["data"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let done = wait_finished(&demo, &token, &id).await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!(done["summary"]["phase"], "upload_archive");
        assert_eq!(done["node"]["name"], "Master");

        let zip_bytes = content(&state, uid, &["out", "all.zip"]).expect("archive stored");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a zip");
        let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
        names.sort();
        assert_eq!(names, vec!["a.txt", "mv/", "mv/b.txt"]);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("mv/b.txt").expect("entry"), &mut text)
            .expect("read");
        assert_eq!(text, "bravo");

        // The destination now exists: a second archive to it is refused.
        let again = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/archive",
            Some(json!({"src": ["cloudreve://my/wf/a.txt"], "dst": "cloudreve://my/out/all.zip"})),
        )
        .await;
        assert_eq!(again["code"], 40004);

        // Extraction needs an existing folder, honours file_mask.
        let missing = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/extract",
            Some(json!({"src": ["cloudreve://my/out/all.zip"], "dst": "cloudreve://my/unz"})),
        )
        .await;
        assert_eq!(missing["code"], 40016);
        {
            let mut store = state.lock();
            let root = store.user(uid).map(|u| u.root).unwrap_or_default();
            store.insert_node(uid, Some(root), "unz", true, Utc::now());
        }
        let extract = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/extract",
            Some(json!({
                "src": ["cloudreve://my/out/all.zip"],
                "dst": "cloudreve://my/unz",
                "file_mask": ["mv/b.txt"],
            })),
        )
        .await;
        let id = extract["data"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let done = wait_finished(&demo, &token, &id).await;
        assert_eq!(done["status"], "completed", "{done}");
        assert_eq!(
            content(&state, uid, &["unz", "mv", "b.txt"]).as_deref(),
            Some(&b"bravo"[..])
        );
        assert_eq!(content(&state, uid, &["unz", "a.txt"]), None);
        demo.stop().await;
    }

    #[tokio::test]
    async fn failing_tasks_retry_then_error() {
        let (demo, token, uid) = demo_with_admin().await;
        put_file(&demo.state, uid, &["wf", "plain.txt"], b"not a zip");
        {
            let mut store = demo.state.lock();
            let root = store.user(uid).map(|u| u.root).unwrap_or_default();
            store.insert_node(uid, Some(root), "unz2", true, Utc::now());
        }
        let extract = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/extract",
            Some(json!({"src": ["cloudreve://my/wf/plain.txt"], "dst": "cloudreve://my/unz2"})),
        )
        .await;
        let id = extract["data"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let done = wait_finished(&demo, &token, &id).await;
        assert_eq!(done["status"], "error");
        assert_eq!(
            done["error"],
            "failed to identify archive format: no formats matched"
        );
        assert_eq!(done["retry_count"], 2);
        assert_eq!(done["error_history"].as_array().map(Vec::len), Some(2));
        demo.stop().await;
    }

    #[tokio::test]
    async fn remote_downloads_fail_and_cancel_ends_in_error() {
        let (demo, token, _uid) = demo_with_admin().await;
        let created = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/download",
            Some(json!({"src": ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"], "dst": "cloudreve://my"})),
        )
        .await;
        let tasks = created["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(tasks.len(), 2, "{created}");
        let first = tasks[0]["id"].as_str().unwrap_or_default().to_string();
        let cancel = api(
            &demo,
            &token,
            reqwest::Method::DELETE,
            &format!("/workflow/download/{first}"),
            None,
        )
        .await;
        assert_eq!(cancel["code"], 0);
        let again = api(
            &demo,
            &token,
            reqwest::Method::DELETE,
            &format!("/workflow/download/{first}"),
            None,
        )
        .await;
        assert_eq!(again["code"], 404);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let list = api(
            &demo,
            &token,
            reqwest::Method::GET,
            "/workflow?category=downloaded&page_size=10",
            None,
        )
        .await;
        let statuses: Vec<&str> = list["data"]["tasks"]
            .as_array()
            .map(|ts| ts.iter().filter_map(|t| t["status"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(statuses, vec!["error", "error"]);
        let downloading = api(
            &demo,
            &token,
            reqwest::Method::GET,
            "/workflow?category=downloading&page_size=10",
            None,
        )
        .await;
        assert_eq!(downloading["data"]["pagination"]["page_size"], 32765);
        assert_eq!(downloading["data"]["tasks"], json!([]));
        demo.stop().await;
    }

    /// Polls the `downloaded` list until the download task `id` is there (finished).
    async fn wait_download(demo: &crate::demo::DemoHandle, token: &str, id: &str) -> Value {
        for _ in 0..400 {
            let list = api(
                demo,
                token,
                reqwest::Method::GET,
                "/workflow?category=downloaded&page_size=10",
                None,
            )
            .await;
            if let Some(t) = list["data"]["tasks"]
                .as_array()
                .and_then(|ts| ts.iter().find(|t| t["id"] == id).cloned())
            {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("download {id} did not finish");
    }

    #[tokio::test]
    async fn simulated_downloads_write_the_chosen_files() {
        let (demo, token, uid) = demo_with_admin().await;
        {
            let mut store = demo.state.lock();
            store.tasks.simulate_downloads = true;
            // Slow enough to choose files while the downloader monitors.
            store.tasks.timing.download_step = Duration::from_millis(40);
        }
        let url = "https://example.com/pub/notes.txt";
        let magnet = "magnet:?xt=urn:btih:00112233445566778899aabbccddeeff00112233&dn=Album";
        let created = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/download",
            Some(json!({"src": [url, magnet], "dst": "cloudreve://my"})),
        )
        .await;
        let ids: Vec<String> = created["data"]
            .as_array()
            .map(|ts| {
                ts.iter()
                    .filter_map(|t| t["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(ids.len(), 2, "{created}");
        // While monitoring, the torrent's second file is deselected.
        let mut chosen = false;
        for _ in 0..200 {
            let answer = api(
                &demo,
                &token,
                reqwest::Method::PATCH,
                &format!("/workflow/download/{}", ids[1]),
                Some(json!({"files": [{"index": 1, "download": false}]})),
            )
            .await;
            if answer["code"] == 0 {
                chosen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(chosen, "the selection is taken while monitoring");
        let progress = api(
            &demo,
            &token,
            reqwest::Method::GET,
            &format!("/workflow/progress/{}", ids[1]),
            None,
        )
        .await;
        assert!(
            progress["data"]["download"]["total"].as_u64().unwrap_or(0) > 0,
            "{progress}"
        );
        let single = wait_download(&demo, &token, &ids[0]).await;
        assert_eq!(single["status"], "completed", "{single}");
        let expected = downloader::resolve(url, None);
        assert_eq!(
            content(&demo.state, uid, &["notes.txt"]),
            Some(downloader::content(url, 0, expected.files[0].size))
        );
        let torrent = wait_download(&demo, &token, &ids[1]).await;
        assert_eq!(torrent["status"], "completed", "{torrent}");
        assert_eq!(
            torrent["summary"]["props"]["download"]["files"][1]["selected"],
            false
        );
        let album = downloader::resolve(magnet, None);
        assert_eq!(
            content(&demo.state, uid, &["Album", "README.txt"]),
            Some(downloader::content(magnet, 0, album.files[0].size))
        );
        assert_eq!(content(&demo.state, uid, &["Album", "part 1.bin"]), None);
        assert!(content(&demo.state, uid, &["Album", "part 2.bin"]).is_some());
        demo.stop().await;
    }

    #[tokio::test]
    async fn a_cancelled_simulated_download_writes_nothing() {
        let (demo, token, uid) = demo_with_admin().await;
        {
            let mut store = demo.state.lock();
            store.tasks.simulate_downloads = true;
            store.tasks.timing.download_step = Duration::from_millis(50);
        }
        let created = api(
            &demo,
            &token,
            reqwest::Method::POST,
            "/workflow/download",
            Some(json!({"src": ["https://example.com/big.iso"], "dst": "cloudreve://my"})),
        )
        .await;
        let id = created["data"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let cancel = api(
            &demo,
            &token,
            reqwest::Method::DELETE,
            &format!("/workflow/download/{id}"),
            None,
        )
        .await;
        assert_eq!(cancel["code"], 0);
        let done = wait_download(&demo, &token, &id).await;
        assert_eq!(done["status"], "error");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(content(&demo.state, uid, &["big.iso"]), None);
        demo.stop().await;
    }
}
