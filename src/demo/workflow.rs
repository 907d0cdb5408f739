//! Workflow tasks: archive, extract, remote download, list, progress.

use super::AppState;
use axum::Router;

/// Background tasks.
#[derive(Debug, Default)]
pub struct TaskStore {}

pub fn routes() -> Router<AppState> {
    Router::new()
}

