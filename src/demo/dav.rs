//! WebDAV accounts (`/devices/dav`) and the `/dav` protocol endpoint.

use super::AppState;
use axum::Router;

/// WebDAV accounts.
#[derive(Debug, Default)]
pub struct DavStore {}

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Routes outside `/api/v4` (`/dav`).
pub fn public_routes() -> Router<AppState> {
    Router::new()
}
