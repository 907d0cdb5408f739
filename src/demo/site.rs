//! Site routes: ping, captcha, site config sections.

use super::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

