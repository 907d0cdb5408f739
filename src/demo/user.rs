//! User routes: sign-up, me, info, capacity, search, settings, 2FA, avatar, password reset.

use super::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

