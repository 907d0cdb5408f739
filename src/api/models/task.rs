//! Workflow tasks: archive, extract, remote download, import (files-and-transfers.md §8).

use super::common::{BoolSet, Pagination, Timestamp, null_default};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Queued,
    Processing,
    /// A normal waiting state between phases and before retries.
    Suspending,
    Completed,
    Error,
    Canceled,
    #[serde(other)]
    Unknown,
}

impl TaskStatus {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Error | TaskStatus::Canceled
        )
    }
}

/// A task (§8.1).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Task {
    pub id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub status: TaskStatus,
    /// `create_archive`, `extract_archive`, `remote_download`, `import`, `relocate` (Pro).
    #[serde(rename = "type")]
    pub kind: String,
    /// Absent while queued.
    #[serde(default)]
    pub node: Option<Node>,
    #[serde(default)]
    pub summary: Option<TaskSummary>,
    /// The final error (status `error`).
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub error_history: Vec<String>,
    #[serde(default)]
    pub retry_count: u32,
    /// Milliseconds spent processing.
    #[serde(default)]
    pub duration: u64,
    /// Unix seconds when a suspended task continues.
    #[serde(default)]
    pub resume_time: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Node {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `master` or `slave`.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub capabilities: Option<BoolSet>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct TaskSummary {
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub props: TaskProps,
}

/// Archive `{src_multiple, dst, failed}`, extract `{src, dst}`, remote download
/// `{src_str, src, dst, failed, download}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct TaskProps {
    #[serde(default, deserialize_with = "null_default")]
    pub src_multiple: Vec<String>,
    #[serde(default)]
    pub src: Option<String>,
    #[serde(default)]
    pub src_str: Option<String>,
    #[serde(default)]
    pub dst: Option<String>,
    #[serde(default)]
    pub failed: u64,
    /// `null` until the downloader reports.
    #[serde(default)]
    pub download: Option<DownloadStatus>,
}

/// Progress reported by the remote downloader (source-only field list, all optional).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct DownloadStatus {
    pub name: String,
    /// `downloading`, `seeding`, `completed`, `error`, `unknown`.
    pub state: String,
    pub total: u64,
    pub downloaded: u64,
    pub download_speed: u64,
    pub upload_speed: u64,
    pub uploaded: u64,
    pub hash: String,
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<DownloadFile>,
    pub pieces: Option<String>,
    pub num_pieces: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct DownloadFile {
    pub index: i64,
    pub name: String,
    pub size: u64,
    pub progress: f64,
    pub selected: bool,
}

/// `GET /workflow`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct TaskPage {
    #[serde(deserialize_with = "null_default")]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub pagination: Pagination,
}

/// One entry of `GET /workflow/progress/:id`; `total` is 0 when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskProgress {
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub current: i64,
    #[serde(default)]
    pub identifier: String,
}

/// Identifier (`archive_size`, `upload`, `extract_count`, …) → progress. Empty whenever the
/// task is not running in the server process.
pub type TaskProgressMap = BTreeMap<String, TaskProgress>;

/// `category` of `GET /workflow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskCategory {
    /// Archive, extract, import, relocate tasks of every status.
    General,
    /// Remote downloads that are queued, processing or suspending (returned all at once).
    Downloading,
    /// Remote downloads that completed, failed or were cancelled.
    Downloaded,
}

impl TaskCategory {
    pub fn as_param(self) -> &'static str {
        match self {
            TaskCategory::General => "general",
            TaskCategory::Downloading => "downloading",
            TaskCategory::Downloaded => "downloaded",
        }
    }
}

/// Body of `POST /workflow/extract`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExtractRequest {
    /// Only the first is used.
    pub src: Vec<String>,
    /// Must already exist.
    pub dst: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Paths inside the archive to extract; empty = all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub file_mask: Vec<String>,
}

/// Body of `POST /workflow/download`: `src` URLs or a torrent file URI in `src_file`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoteDownloadRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub src: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_file: Option<String>,
    pub dst: String,
    /// Pro only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_node_id: Option<String>,
}

/// One choice of `PATCH /workflow/download/:id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FileSelection {
    pub index: i64,
    pub download: bool,
}

/// Body of `POST /workflow/import` (admin only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportRequest {
    /// A path on the server's storage.
    pub src: String,
    pub dst: String,
    pub user_id: String,
    pub policy_id: i64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub recursive: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub extract_media_meta: bool,
}
