//! Share links: create, edit, info, list, delete, browsing through share URIs.

use super::AppState;
use axum::Router;

/// Share links.
#[derive(Debug, Default)]
pub struct ShareStore {}

/// What a share URI points at.
#[derive(Debug, Clone, Copy)]
pub struct ShareTarget {
    /// The share's number (decoded id).
    pub share: u64,
    /// The node the URI names inside the share.
    pub node: u64,
}

impl super::store::Store {
    /// Resolves `cloudreve://<id>[:<password>]@share/<path>` for `viewer` (anonymous allowed),
    /// with the errors of files-and-transfers.md §7.7 (unknown share, wrong password, expired...).
    pub fn resolve_share_uri(
        &self,
        _uri: &crate::api::uri::CrUri,
        _viewer: Option<u64>,
    ) -> Result<ShareTarget, super::http::ApiErr> {
        Err(super::http::ApiErr::new(404, "Share not found"))
    }
}

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
