//! File events (`GET /file/events`, server-sent events) for folders whose content changes.

use super::AppState;
use axum::Router;

/// Fan-out of file change events to subscribers.
#[derive(Debug, Default)]
pub struct EventHub {}

pub fn routes() -> Router<AppState> {
    Router::new()
}
