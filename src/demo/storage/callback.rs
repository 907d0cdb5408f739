//! `/api/v4/callback/<type>/<session>/<secret>` for sessions of the demo's policy (§5.3).
//!
//! The client calls `GET s3|ks3|cos` and `POST onedrive` after it finished at the storage; the
//! emulated storage calls `POST oss|obs|qiniu|upyun` itself, signed with the storage key. A
//! successful callback turns the placeholder into the file exactly like the last local chunk.

use super::super::http::{ApiErr, ClientId, ok_empty};
use super::super::{AppState, Demo, upload};
use super::{PolicyKind, same_secret};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why a callback is refused before the object is looked at.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 40011: unknown, expired, finished or cancelled.
    NoSession,
    /// HTTP 400 40016: cancelled after the object was completed at the storage (C3-045).
    PlaceholderGone,
    /// 40020.
    WrongSecret,
    /// 40006: the route of another policy type, or a session that never used the storage.
    OtherType,
    /// 40071: a storage-called route without the storage's signature (assumed code: the
    /// real server verifies each vendor's own callback signature, §5.3 has no capture).
    BadSignature,
}

impl Refusal {
    pub fn api_err(&self) -> ApiErr {
        let (code, msg) = match self {
            Refusal::NoSession => (40011, "Upload session does not exist or expired"),
            Refusal::PlaceholderGone => {
                return ApiErr::path_not_exist().with_status(StatusCode::BAD_REQUEST);
            }
            Refusal::WrongSecret => (40020, "Invalid callback secret"),
            Refusal::OtherType => (40006, ""),
            Refusal::BadSignature => (40071, "invalid sign"),
        };
        ApiErr::new(code, msg).with_status(StatusCode::UNAUTHORIZED)
    }
}

/// The checks in the real server's order: session, secret, type, then the storage signature.
pub fn check(
    state: &Demo,
    route: &str,
    session_id: &str,
    key: &str,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    let policy = state.cfg.policy;
    let secret = state
        .lock()
        .uploads
        .get(session_id)
        .map(|s| s.callback_secret.clone());
    let Some(secret) = secret else {
        let cancelled = super::cancelled_complete_secret(state, session_id);
        return Err(match cancelled {
            Some(s) if same_secret(&s, key) && policy.wire_type() == route => {
                Refusal::PlaceholderGone
            }
            _ => Refusal::NoSession,
        });
    };
    if !same_secret(&secret, key) {
        return Err(Refusal::WrongSecret);
    }
    // A relay session is an S3 one: its `s3` callback finds no object (-1), like the real one.
    if policy == PolicyKind::Local || policy.wire_type() != route {
        return Err(Refusal::OtherType);
    }
    if policy.storage_calls_back() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !same_secret(given, &state.storage.callback_auth(policy, session_id)) {
            return Err(Refusal::BadSignature);
        }
    }
    Ok(())
}

/// `POST /callback/remote/…`: only a node's signature is accepted, and the demo's node
/// finishes uploads in-process, so after the session checks (C3-051: an S3 session → 40006)
/// nothing passes (C3-130: unsigned, C3-131: signed with another key).
pub fn remote(state: &Demo, session_id: &str, key: &str, headers: &HeaderMap) -> Response {
    upload::expire_sessions(state);
    if let Err(refusal) = check(state, "remote", session_id, key, headers) {
        return refusal.api_err().into_response();
    }
    let err = if headers.contains_key(header::AUTHORIZATION) {
        ApiErr::new(40071, "invalid sign")
    } else {
        ApiErr::new(403, "authorization header is missing")
    };
    err.with_status(StatusCode::UNAUTHORIZED).into_response()
}

/// Handles a callback on the route of policy type `route`.
pub async fn handle(
    state: AppState,
    route: &str,
    session_id: &str,
    key: &str,
    headers: &HeaderMap,
) -> Response {
    upload::expire_sessions(&state);
    if let Err(refusal) = check(&state, route, session_id, key, headers) {
        return refusal.api_err().into_response();
    }
    let expected = state
        .lock()
        .uploads
        .get(session_id)
        .map(|s| s.size)
        .unwrap_or(0);
    // The real server asks the storage for the object (a HEAD for S3, §5.5.4).
    let object = state.storage_object(session_id);
    let actual = match tokio::fs::metadata(&object).await {
        Ok(m) if super::is_completed(&state, session_id) => m.len(),
        _ => {
            return ApiErr::new(-1, "")
                .with_status(StatusCode::BAD_REQUEST)
                .into_response();
        }
    };
    if actual != expected {
        return ApiErr::new(
            40055,
            format!("File size not match, expected: {expected}, actual: {actual}"),
        )
        .with_status(StatusCode::BAD_REQUEST)
        .into_response();
    }
    match upload::finish_from(&state, session_id, &object, ClientId(None)) {
        Ok(()) => {
            super::forget(&state, &[session_id.to_string()]);
            ok_empty().into_response()
        }
        Err(e) => e.with_status(StatusCode::BAD_REQUEST).into_response(),
    }
}
