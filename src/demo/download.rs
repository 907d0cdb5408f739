//! Downloads: `POST /file/url`, the signed content route with Range, zip archive streams.

use super::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

