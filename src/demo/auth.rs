//! Who is calling: bearer access tokens as the real server treats them. An expired or
//! unknown token makes the request anonymous (protected routes then answer 401); a refresh
//! token used as bearer is refused with 40020; a banned user's token fails everything with 50001.

use super::AppState;
use super::http::ApiErr;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;

/// The caller's user id, if a valid access token came with the request.
#[derive(Debug, Clone, Copy)]
pub struct MaybeUser(pub Option<u64>);

/// A signed-in caller (401 "Login required" otherwise).
#[derive(Debug, Clone, Copy)]
pub struct SignedIn(pub u64);

pub fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    // The real server only trims a "Bearer " prefix, so a bare token works as well
    // (conformance 70_bad_input/token_without_bearer_prefix).
    let token = match v.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        Some(_) => return None,
        None => v,
    };
    (!token.is_empty()).then(|| token.to_string())
}

/// Decides who a token belongs to.
pub fn authenticate(state: &AppState, token: Option<&str>) -> Result<Option<u64>, ApiErr> {
    let Some(token) = token else {
        return Ok(None);
    };
    let store = state.store.lock().expect("store lock");
    if let Some(t) = store.access_tokens.get(token) {
        if t.expires <= Utc::now() {
            return Ok(None);
        }
        return match store.user(t.user) {
            Some(u) if u.status == "active" => Ok(Some(u.id)),
            _ => Err(ApiErr::new(50001, "failed to get login user")),
        };
    }
    if store.refresh_tokens.contains_key(token) {
        return Err(ApiErr::new(40020, "Invalid token type"));
    }
    Ok(None)
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiErr> {
        let token = bearer(parts);
        authenticate(state, token.as_deref()).map(MaybeUser)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiErr> {
        match MaybeUser::from_request_parts(parts, state).await? {
            MaybeUser(Some(id)) => Ok(SignedIn(id)),
            MaybeUser(None) => Err(ApiErr::login_required()),
        }
    }
}
