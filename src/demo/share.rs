//! Share links: create, edit, info, list, delete, browsing through share URIs.

use super::AppState;
use axum::Router;

/// Share links.
#[derive(Debug, Default)]
pub struct ShareStore {}

impl ShareStore {
    /// Whether a file has at least one share link (the File object's `shared` flag).
    pub fn has_share_for(&self, _file: u64) -> bool {
        false
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Routes outside `/api/v4` (`/s/...` short links).
pub fn public_routes() -> Router<AppState> {
    Router::new()
}
