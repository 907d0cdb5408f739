//! File events (`GET /file/events`, server-sent events) for folders whose content changes.
//!
//! File operations call `EventHub::publish` with what changed (paths as decoded segments of
//! the owner's `my` file system); subscribers receive it relative to their folder.

use super::AppState;
use axum::Router;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Modify,
    Rename,
    Delete,
}

/// One change in someone's `my` file system.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub owner: u64,
    pub kind: ChangeKind,
    /// The file's node id.
    pub file: u64,
    /// Decoded path segments from the `my` root (the old path for renames and moves).
    pub from: Vec<String>,
    /// The new path for renames and moves.
    pub to: Option<Vec<String>>,
    /// `X-Cr-Client-Id` of the request that made the change: not echoed back to it.
    pub origin: Option<String>,
}

/// Fan-out of file change events to subscribers.
#[derive(Debug, Default)]
pub struct EventHub {}

impl EventHub {
    /// Records a change for every subscriber whose folder covers it.
    pub fn publish(&self, _change: FileChange) {}
}

pub fn routes() -> Router<AppState> {
    Router::new()
}
