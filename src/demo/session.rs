//! Session routes: sign-in (password, 2FA, passkey), refresh, sign-out, prepare.

use super::AppState;
use axum::Router;

/// 2FA sign-in sessions and other short-lived session state.
#[derive(Debug, Default)]
pub struct SessionStore {}

pub fn routes() -> Router<AppState> {
    Router::new()
}

