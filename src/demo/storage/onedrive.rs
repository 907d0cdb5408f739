//! A OneDrive (Microsoft Graph) upload session (§5.2): `PUT upload_urls[0]` with
//! `Content-Range: bytes a-b/total` in order → 202 `{nextExpectedRanges}` until the last range,
//! then 201 with the drive item; the client then calls `POST /callback/onedrive/…`.
//!
//! Like Graph, the URL itself authorises (a `token` bound to the session); a range that does
//! not start where the session expects (a gap or an overlap) is 416 `invalidRange`, a length
//! that does not match the range or a wrong total is 400 `invalidRequest`. Not enforced here:
//! Graph's 320 KiB fragment multiple and 60 MiB fragment limit (the demo's chunk size rules).

use super::super::upload::{UploadSession, write_body_at};
use super::super::{AppState, Demo};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

fn token(host: &super::StorageHost, session_id: &str) -> String {
    host.mac_b64(&["onedrive", session_id])
}

pub fn session_fields(state: &Demo, session: &UploadSession) -> Map<String, Value> {
    let url = format!(
        "{}/onedrive/upload/{}?token={}",
        state.storage.base_url(),
        session.id,
        token(&state.storage, &session.id)
    );
    let mut m = Map::new();
    m.insert("upload_urls".into(), json!([url]));
    m
}

fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": {"code": code, "message": message}}).to_string(),
    )
        .into_response()
}

/// A parsed `Content-Range: bytes a-b/total`.
#[derive(Debug, PartialEq, Eq)]
pub struct ContentRange {
    pub first: u64,
    pub last: u64,
    pub total: u64,
}

pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let r = ContentRange {
        first: first.trim().parse().ok()?,
        last: last.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
    };
    (r.first <= r.last && r.last < r.total).then_some(r)
}

/// What a range request may write, or the Graph error for it.
pub fn check_range(
    range: Option<&str>,
    declared: Option<u64>,
    size: u64,
    next: u64,
) -> Result<(u64, u64), (StatusCode, &'static str, &'static str)> {
    let bad = |m| (StatusCode::BAD_REQUEST, "invalidRequest", m);
    // An empty file is one empty PUT without a range (Graph has no range for 0 bytes).
    if size == 0 {
        let empty_range = range.is_none_or(|r| r.trim() == "bytes */0");
        return match declared {
            Some(0) if empty_range => Ok((0, 0)),
            _ => Err(bad("The uploaded fragment does not match the file size")),
        };
    }
    let range = range.ok_or(bad("Content-Range header is required"))?;
    let r = parse_content_range(range).ok_or(bad("Invalid Content-Range header"))?;
    if r.total != size {
        return Err(bad("Declared total size does not match the upload session"));
    }
    if declared != Some(r.last - r.first + 1) {
        return Err(bad("Content-Length does not match the Content-Range"));
    }
    if r.first != next {
        return Err((
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            "The fragment does not start at the next expected byte",
        ));
    }
    Ok((r.first, r.last - r.first + 1))
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The session behind an upload URL, if its token fits and it is still open.
/// A Graph error: status, code, message.
type GraphError = (StatusCode, &'static str, &'static str);

fn authorised(state: &Demo, session_id: &str, q: &TokenQuery) -> Result<UploadSession, GraphError> {
    let expected = token(&state.storage, session_id);
    if !q
        .token
        .as_deref()
        .is_some_and(|t| super::same_secret(&expected, t))
    {
        return Err((
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "The upload URL is not valid",
        ));
    }
    let session = super::live_session(state, session_id);
    match (session, super::upload(state, session_id)) {
        (Some(s), Some(u)) if !u.completed => Ok(s),
        _ => Err((
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The upload session was not found",
        )),
    }
}

fn next_ranges(next: u64) -> Value {
    json!([format!("{next}-")])
}

/// `GET upload_urls[0]`: the session's status (Graph's way to resume).
pub async fn status(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let session = match authorised(&state, &session_id, &q) {
        Ok(s) => s,
        Err((status, code, message)) => return graph_error(status, code, message),
    };
    let next = super::upload(&state, &session_id).map_or(0, |u| u.next_offset);
    Json(json!({
        "expirationDateTime": session.expires.to_rfc3339(),
        "nextExpectedRanges": next_ranges(next),
    }))
    .into_response()
}

use axum::Json;

/// `PUT upload_urls[0]` with one range.
pub async fn put_range(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let session = match authorised(&state, &session_id, &q) {
        Ok(s) => s,
        Err((status, code, message)) => return graph_error(status, code, message),
    };
    let range = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok());
    let declared = super::content_length(&headers);
    // Claim the range under the lock so two requests cannot write the same bytes.
    let claimed = {
        let mut uploads = state.storage.uploads();
        match uploads.get_mut(&session_id) {
            Some(u) if !u.busy => {
                let checked = check_range(range, declared, session.size, u.next_offset);
                if checked.is_ok() {
                    u.busy = true;
                }
                checked
            }
            _ => Err((
                StatusCode::CONFLICT,
                "resourceModified",
                "Another fragment is being uploaded",
            )),
        }
    };
    let (offset, len) = match claimed {
        Ok(c) => c,
        Err((status, code, message)) => {
            super::super::upload::discard_body(body).await;
            return graph_error(status, code, message);
        }
    };
    let claim = Claim {
        state: &state,
        session_id: &session_id,
    };
    let written = write_range(&state, &session_id, offset, len, body).await;
    drop(claim);
    let mut uploads = state.storage.uploads();
    let Some(u) = uploads.get_mut(&session_id) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            "The upload session was cancelled",
        );
    };
    if written.is_err() {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "The fragment ended before Content-Length bytes",
        );
    }
    u.next_offset = offset + len;
    if u.next_offset < session.size {
        let next = u.next_offset;
        drop(uploads);
        return (
            StatusCode::ACCEPTED,
            Json(json!({
                "expirationDateTime": session.expires.to_rfc3339(),
                "nextExpectedRanges": next_ranges(next),
            })),
        )
            .into_response();
    }
    u.completed = true;
    drop(uploads);
    let name = session.uri.segments.last().cloned().unwrap_or_default();
    (
        StatusCode::CREATED,
        Json(json!({
            "id": format!("DEMO!{}", session.id),
            "name": name,
            "size": session.size,
            "file": {"mimeType": session.mime_type.as_deref().unwrap_or("application/octet-stream")},
            "createdDateTime": chrono::Utc::now().to_rfc3339(),
            "lastModifiedDateTime": chrono::Utc::now().to_rfc3339(),
        })),
    )
        .into_response()
}

/// Releases a claimed range also when the request is dropped mid-way (the client went away),
/// so the session stays usable for a resume.
struct Claim<'a> {
    state: &'a Demo,
    session_id: &'a str,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Some(u) = self.state.storage.uploads().get_mut(self.session_id) {
            u.busy = false;
        }
    }
}

async fn write_range(
    state: &Demo,
    session_id: &str,
    offset: u64,
    len: u64,
    body: Body,
) -> Result<(), ()> {
    let path = state.storage_object(session_id);
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .await;
    let Ok(mut file) = file else {
        super::super::upload::discard_body(body).await;
        return Err(());
    };
    if write_body_at(&mut file, offset, body, len).await.is_err() {
        // Graph discards an incomplete fragment: the session still expects `offset`.
        let _ = file.set_len(offset).await;
        return Err(());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_graph_rules() {
        assert_eq!(
            parse_content_range("bytes 0-9/20"),
            Some(ContentRange {
                first: 0,
                last: 9,
                total: 20
            })
        );
        assert_eq!(parse_content_range("bytes 9-0/20"), None);
        assert_eq!(parse_content_range("bytes 0-20/20"), None);
        assert_eq!(
            check_range(Some("bytes 0-9/20"), Some(10), 20, 0),
            Ok((0, 10))
        );
        assert_eq!(
            check_range(Some("bytes 10-19/20"), Some(10), 20, 10),
            Ok((10, 10))
        );
        let status = |r: Result<(u64, u64), (StatusCode, &str, &str)>| r.unwrap_err().0;
        // A gap and an overlap.
        assert_eq!(
            status(check_range(Some("bytes 10-19/20"), Some(10), 20, 0)),
            StatusCode::RANGE_NOT_SATISFIABLE
        );
        assert_eq!(
            status(check_range(Some("bytes 0-9/20"), Some(10), 20, 10)),
            StatusCode::RANGE_NOT_SATISFIABLE
        );
        // Wrong length, wrong total, no range.
        assert_eq!(
            status(check_range(Some("bytes 0-9/20"), Some(9), 20, 0)),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(check_range(Some("bytes 0-9/21"), Some(10), 20, 0)),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(check_range(None, Some(10), 20, 0)),
            StatusCode::BAD_REQUEST
        );
        // Empty files: one empty PUT.
        assert_eq!(check_range(None, Some(0), 0, 0), Ok((0, 0)));
        assert_eq!(
            status(check_range(None, Some(1), 0, 0)),
            StatusCode::BAD_REQUEST
        );
    }
}
