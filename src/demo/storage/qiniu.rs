//! Qiniu multipart upload v2 (§5.2): `PUT {upload_urls[0]}/{partNumber}` with
//! `Authorization: UpToken {credential}` → `{"etag","md5"}`; `POST upload_urls[0]` with
//! `{"parts":[{"etag","partNumber"}],"mimeType"}` completes, after which Qiniu calls Cloudreve
//! back and hands the callback's answer to the client.
//!
//! The upload token is Qiniu's shape `<access key>:<base64url HMAC>:<base64url put policy>`
//! (the put policy names `scope` = bucket:key and `deadline`), signed with the demo's storage
//! key. Error bodies are Qiniu's `{"error": "..."}` with its status codes (401 bad token, 612
//! no such upload, 579 callback failed).

use super::super::upload::{UploadSession, chunk_count, chunk_len};
use super::super::{AppState, Demo};
use super::{BUCKET, StoredPart};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value, json};

const ACCESS_KEY: &str = "reve-demo-ak";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE;

fn object_key(session_id: &str) -> String {
    format!("uploads/{session_id}")
}

/// The upload token for session `session_id`, valid until `deadline` (Unix seconds).
pub fn upload_token(host: &super::StorageHost, session_id: &str, deadline: i64) -> String {
    let policy = json!({
        "scope": format!("{BUCKET}:{}", object_key(session_id)),
        "deadline": deadline,
    });
    let encoded = B64.encode(policy.to_string());
    let sign = B64.encode(host.mac(&["qiniu", &encoded]));
    format!("{ACCESS_KEY}:{sign}:{encoded}")
}

/// Checks `Authorization: UpToken <token>` for the object of `session_id`.
pub fn check_token(
    host: &super::StorageHost,
    session_id: &str,
    authorization: Option<&str>,
    now: i64,
) -> Result<(), &'static str> {
    let token = authorization
        .and_then(|a| a.trim().strip_prefix("UpToken "))
        .ok_or("bad token")?;
    let mut fields = token.trim().split(':');
    let (Some(ak), Some(sign), Some(encoded), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err("bad token");
    };
    let expected = B64.encode(host.mac(&["qiniu", encoded]));
    if ak != ACCESS_KEY || !super::same_secret(&expected, sign) {
        return Err("bad token");
    }
    let policy: Value = B64
        .decode(encoded)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("bad token")?;
    if policy["scope"].as_str() != Some(&format!("{BUCKET}:{}", object_key(session_id))) {
        return Err("bad token");
    }
    if policy["deadline"].as_i64().is_none_or(|d| d <= now) {
        return Err("expired token");
    }
    Ok(())
}

pub fn session_fields(
    state: &Demo,
    session: &UploadSession,
    upload_id: &str,
) -> Map<String, Value> {
    let url = format!(
        "{}/buckets/{BUCKET}/objects/{}/uploads/{upload_id}",
        state.storage.base_url(),
        B64.encode(object_key(&session.id))
    );
    let token = upload_token(
        &state.storage,
        &session.id,
        super::expiry_secs(session.expires),
    );
    let mut m = Map::new();
    m.insert("upload_id".into(), json!(upload_id));
    m.insert("upload_urls".into(), json!([url]));
    m.insert("credential".into(), json!(token));
    m
}

fn qiniu_error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": message}).to_string(),
    )
        .into_response()
}

/// The session behind a request path, its token and its open multipart upload.
fn authorised(
    state: &Demo,
    key: &str,
    upload_id: &str,
    headers: &HeaderMap,
) -> Result<UploadSession, (u16, &'static str)> {
    let session_id = B64
        .decode(key)
        .ok()
        .and_then(|k| String::from_utf8(k).ok())
        .and_then(|k| k.strip_prefix("uploads/").map(str::to_string))
        .ok_or((400, "invalid encoded object key"))?;
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    check_token(
        &state.storage,
        &session_id,
        auth,
        chrono::Utc::now().timestamp(),
    )
    .map_err(|e| (401, e))?;
    let open =
        super::upload(state, &session_id).filter(|u| !u.completed && u.upload_id == upload_id);
    match (open, super::live_session(state, &session_id)) {
        (Some(_), Some(s)) => Ok(s),
        _ => Err((612, "no such uploadId")),
    }
}

/// `PUT …/uploads/<id>/<partNumber>`.
pub async fn put_part(
    State(state): State<AppState>,
    Path((key, upload_id, part)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let session = match authorised(&state, &key, &upload_id, &headers) {
        Ok(s) => s,
        Err((status, message)) => {
            super::super::upload::discard_body(body).await;
            return qiniu_error(status, message);
        }
    };
    let count = chunk_count(session.size, session.chunk_size);
    let number = match part.parse::<u32>() {
        Ok(n) if n >= 1 && u64::from(n) <= count => n,
        _ => {
            super::super::upload::discard_body(body).await;
            return qiniu_error(400, "invalid part number");
        }
    };
    let expected = chunk_len(session.size, session.chunk_size, u64::from(number) - 1).unwrap_or(0);
    if super::content_length(&headers) != Some(expected) {
        super::super::upload::discard_body(body).await;
        return qiniu_error(400, &format!("part size must be {expected} bytes"));
    }
    let dir = state.storage_dir(&session.id);
    let tmp = dir.join(format!(
        "part-{number}.tmp-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let (len, md5) = match super::stream_to_file(body, &tmp, expected).await {
        Ok((len, md5)) if len == expected => (len, md5),
        _ => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return qiniu_error(400, "incomplete body");
        }
    };
    if tokio::fs::rename(&tmp, dir.join(format!("part-{number}")))
        .await
        .is_err()
        || !super::record_part(
            &state,
            &session.id,
            number,
            StoredPart {
                md5: md5.clone(),
                len,
            },
        )
    {
        let _ = tokio::fs::remove_file(&tmp).await;
        return qiniu_error(612, "no such uploadId");
    }
    axum::Json(json!({"etag": md5, "md5": md5})).into_response()
}

#[derive(Debug, Deserialize)]
struct CompleteReq {
    parts: Vec<CompletePart>,
    #[serde(rename = "mimeType")]
    #[allow(dead_code)]
    mime_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CompletePart {
    etag: String,
    #[serde(rename = "partNumber")]
    part_number: u32,
}

/// `POST …/uploads/<id>`: completes, then Qiniu calls Cloudreve back.
pub async fn complete(
    State(state): State<AppState>,
    Path((key, upload_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let session = match authorised(&state, &key, &upload_id, &headers) {
        Ok(s) => s,
        Err((status, message)) => return qiniu_error(status, message),
    };
    let Ok(bytes) = axum::body::to_bytes(body, 2 << 20).await else {
        return qiniu_error(400, "invalid request body");
    };
    let Ok(req) = serde_json::from_slice::<CompleteReq>(&bytes) else {
        return qiniu_error(400, "invalid json");
    };
    let listed: Vec<(u32, String)> = req
        .parts
        .into_iter()
        .map(|p| (p.part_number, p.etag))
        .collect();
    let stored = super::upload(&state, &session.id)
        .map(|u| u.parts)
        .unwrap_or_default();
    if let Err(e) = super::s3like::check_parts(&listed, &stored) {
        return qiniu_error(400, &e.message);
    }
    let numbers: Vec<u32> = listed.iter().map(|(n, _)| *n).collect();
    if super::assemble(&state, &session.id, &numbers)
        .await
        .is_err()
    {
        return qiniu_error(612, "no such uploadId");
    }
    match super::call_back(&state, &session.id).await {
        Ok((status, answer)) if super::callback_succeeded(status, &answer) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            answer,
        )
            .into_response(),
        Ok((status, answer)) => qiniu_error(579, &format!("callback failed: {status} {answer}")),
        Err(e) => qiniu_error(579, &format!("callback failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn upload_tokens_are_checked() {
        let a = SocketAddr::from(([127, 0, 0, 1], 1));
        let host = super::super::StorageHost::new(Some(a), a);
        let now = chrono::Utc::now().timestamp();
        let token = upload_token(&host, "s1", now + 60);
        let auth = format!("UpToken {token}");
        assert!(check_token(&host, "s1", Some(&auth), now).is_ok());
        assert_eq!(check_token(&host, "s1", None, now), Err("bad token"));
        assert_eq!(
            check_token(&host, "s1", Some(&token), now),
            Err("bad token")
        );
        assert_eq!(check_token(&host, "s2", Some(&auth), now), Err("bad token"));
        assert_eq!(
            check_token(&host, "s1", Some(&format!("{auth}x")), now),
            Err("bad token")
        );
        assert_eq!(
            check_token(&host, "s1", Some(&auth), now + 61),
            Err("expired token")
        );
    }
}
