//! Upload sessions (local policy), chunks, cancel, `PUT /file/content`, storage callbacks.

use super::AppState;
use axum::Router;

/// Pending upload sessions.
#[derive(Debug, Default)]
pub struct UploadStore {}

pub fn routes() -> Router<AppState> {
    Router::new()
}

