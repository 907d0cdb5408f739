//! File routes: list, info, create, rename, move/copy, delete, trash, restore, metadata, pins, views, locks, thumbnails, direct links.

use super::AppState;
use axum::Router;

/// Direct links.
#[derive(Debug, Default)]
pub struct LinkStore {}

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Routes outside `/api/v4` (`/f/...` direct links).
pub fn public_routes() -> Router<AppState> {
    Router::new()
}
