//! The Upyun form API (§5.2): one `POST upload_urls[0]` (`/<bucket>`) as
//! `multipart/form-data` with `policy` (= the session's `upload_policy`), `authorization`
//! (= `credential`) and the file part last. The storage checks both, stores the file and
//! calls Cloudreve back before it answers.
//!
//! `upload_policy` is Upyun's base64 JSON policy (`bucket`, `save-key`, `expiration`,
//! `content-length-range`); `credential` is `UPYUN <operator>:<base64 HMAC-SHA1>` over
//! `POST&/<bucket>&<policy>` keyed with the MD5 of the operator's password, as Upyun documents
//! (the password is the demo's storage key). Error bodies are Upyun's `{"code","message"}`;
//! the exact numeric codes are approximations.

use super::super::upload::UploadSession;
use super::super::{AppState, Demo};
use super::BUCKET;
use axum::extract::State;
use axum::extract::multipart::{Field, Multipart, MultipartError, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};

const OPERATOR: &str = "reve-demo-operator";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn signature(host: &super::StorageHost, policy: &str) -> String {
    use md5::Digest;
    let password_md5 = super::hex(&md5::Md5::digest(host.mac(&["upyun-password"])));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(password_md5.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(format!("POST&/{BUCKET}&{policy}").as_bytes());
    format!(
        "UPYUN {OPERATOR}:{}",
        B64.encode(mac.finalize().into_bytes())
    )
}

/// The policy and its authorization for a session.
pub fn policy_for(host: &super::StorageHost, session: &UploadSession) -> (String, String) {
    let policy = json!({
        "bucket": BUCKET,
        "save-key": format!("/uploads/{}", session.id),
        "expiration": super::expiry_secs(session.expires),
        "content-length-range": format!("{},{}", session.size, session.size),
    });
    let encoded = B64.encode(policy.to_string());
    let auth = signature(host, &encoded);
    (encoded, auth)
}

pub fn session_fields(state: &Demo, session: &UploadSession) -> Map<String, Value> {
    let (policy, auth) = policy_for(&state.storage, session);
    let mut m = Map::new();
    m.insert(
        "upload_urls".into(),
        json!([format!("{}/{BUCKET}", state.storage.base_url())]),
    );
    m.insert("credential".into(), json!(auth));
    m.insert("upload_policy".into(), json!(policy));
    m.insert(
        "mime_type".into(),
        json!(
            session
                .mime_type
                .as_deref()
                .unwrap_or("application/octet-stream")
        ),
    );
    m
}

fn upyun_error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"code": code, "message": message}).to_string(),
    )
        .into_response()
}

/// What a checked policy allows: the session it belongs to and the exact file size.
#[derive(Debug, PartialEq, Eq)]
pub struct Allowed {
    pub session_id: String,
    pub size: u64,
}

/// Checks `policy` and `authorization` (signature, bucket, expiry).
pub fn check_policy(
    host: &super::StorageHost,
    policy: &str,
    authorization: &str,
    now: i64,
) -> Result<Allowed, (StatusCode, i64, &'static str)> {
    if !super::same_secret(&signature(host, policy), authorization.trim()) {
        return Err((StatusCode::UNAUTHORIZED, 401000005, "signature error"));
    }
    let parsed: Value = B64
        .decode(policy)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or((StatusCode::BAD_REQUEST, 400000001, "policy is not valid"))?;
    if parsed["bucket"].as_str() != Some(BUCKET) {
        return Err((StatusCode::FORBIDDEN, 403000002, "bucket not match"));
    }
    if parsed["expiration"].as_i64().is_none_or(|e| e <= now) {
        return Err((StatusCode::FORBIDDEN, 403000011, "policy expired"));
    }
    let session_id = parsed["save-key"]
        .as_str()
        .and_then(|k| k.strip_prefix("/uploads/"))
        .ok_or((StatusCode::BAD_REQUEST, 400000001, "policy is not valid"))?
        .to_string();
    let size = parsed["content-length-range"]
        .as_str()
        .and_then(|r| r.split(',').next())
        .and_then(|s| s.trim().parse().ok())
        .ok_or((StatusCode::BAD_REQUEST, 400000001, "policy is not valid"))?;
    Ok(Allowed { session_id, size })
}

/// `POST /<bucket>`. The form is parsed by `multer` (through axum's `Multipart`); the route
/// has no body limit, so only the policy's `content-length-range` bounds the file.
pub async fn form_upload(
    State(state): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(mut form) = form else {
        return upyun_error(
            StatusCode::BAD_REQUEST,
            400000001,
            "need multipart/form-data",
        );
    };
    match receive(&state, &mut form).await {
        Ok(r) => r,
        Err((status, code, message)) => {
            // Read what is left so the client gets the answer instead of a reset (multer
            // skips the rest of each field on its way to the next).
            while let Ok(Some(_)) = form.next_field().await {}
            upyun_error(status, code, &message)
        }
    }
}

type Failure = (StatusCode, i64, String);

fn malformed(e: MultipartError) -> Failure {
    (StatusCode::BAD_REQUEST, 400000001, e.body_text())
}

/// A text field's value, refused past `limit` bytes so no field can fill the memory.
async fn text(mut field: Field<'_>, limit: usize) -> Result<String, Failure> {
    let mut out = Vec::new();
    while let Some(piece) = field.chunk().await.map_err(malformed)? {
        out.extend_from_slice(&piece);
        if out.len() > limit {
            return Err((
                StatusCode::BAD_REQUEST,
                400000001,
                "form field too long".into(),
            ));
        }
    }
    String::from_utf8(out).map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            400000001,
            "form field is not UTF-8".into(),
        )
    })
}

async fn receive(state: &Demo, form: &mut Multipart) -> Result<Response, Failure> {
    let mut policy = None;
    let mut authorization = None;
    // Only fields before the file count: the file is streamed as it arrives, so the policy
    // that allows it must already be known.
    let file = loop {
        let field = form
            .next_field()
            .await
            .map_err(malformed)?
            .ok_or_else(|| (StatusCode::BAD_REQUEST, 400000001, "need file".to_string()))?;
        match field.name().unwrap_or_default() {
            "policy" => policy = Some(text(field, 64 << 10).await?),
            "authorization" => authorization = Some(text(field, 4 << 10).await?),
            "file" => break field,
            _ => {}
        }
    };
    let (Some(policy), Some(authorization)) = (policy, authorization) else {
        return Err((
            StatusCode::UNAUTHORIZED,
            401000011,
            "need policy and authorization".into(),
        ));
    };
    let now = chrono::Utc::now().timestamp();
    let allowed = check_policy(&state.storage, &policy, &authorization, now)
        .map_err(|(s, c, m)| (s, c, m.to_string()))?;
    let session_id = allowed.session_id;
    let open = super::upload(state, &session_id).is_some_and(|u| !u.completed)
        && super::live_session(state, &session_id).is_some();
    if !open {
        return Err((StatusCode::FORBIDDEN, 403000011, "policy expired".into()));
    }
    // Upyun stores under the policy's `save-key`; the part's file name is informative only.
    let size = store_file(state, &session_id, file, allowed.size).await?;
    if size != allowed.size {
        return Err((
            StatusCode::BAD_REQUEST,
            400000007,
            "file size not in content-length-range".into(),
        ));
    }
    if !super::mark_completed(state, &session_id) {
        return Err((StatusCode::FORBIDDEN, 403000011, "policy expired".into()));
    }
    match super::call_back(state, &session_id).await {
        Ok((status, answer)) if super::callback_succeeded(status, &answer) => {
            Ok(axum::Json(json!({
                "code": 200,
                "message": "ok",
                "url": format!("/uploads/{session_id}"),
                "time": now,
                "file_size": size,
            }))
            .into_response())
        }
        Ok((status, answer)) => Err((
            StatusCode::BAD_GATEWAY,
            502000001,
            format!("notify failed: {status} {answer}"),
        )),
        Err(e) => Err((
            StatusCode::BAD_GATEWAY,
            502000001,
            format!("notify failed: {e}"),
        )),
    }
}

/// Streams the file field into the object (via a temporary file) chunk by chunk, as the
/// network delivers it; returns its size.
async fn store_file(
    state: &Demo,
    session_id: &str,
    mut field: Field<'_>,
    limit: u64,
) -> Result<u64, Failure> {
    use tokio::io::AsyncWriteExt;
    let io = |e: std::io::Error| (StatusCode::INTERNAL_SERVER_ERROR, 500000000, e.to_string());
    let dir = state.storage_dir(session_id);
    let tmp = dir.join(format!("object.tmp-{}", uuid::Uuid::new_v4().simple()));
    let mut file = tokio::fs::File::create(&tmp).await.map_err(io)?;
    let mut size = 0u64;
    let written: Result<(), Failure> = async {
        while let Some(piece) = field.chunk().await.map_err(malformed)? {
            size += piece.len() as u64;
            if size > limit {
                return Err((
                    StatusCode::BAD_REQUEST,
                    400000007,
                    "file size not in content-length-range".into(),
                ));
            }
            file.write_all(&piece).await.map_err(io)?;
        }
        file.flush().await.map_err(io)
    }
    .await;
    drop(file);
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e);
    }
    tokio::fs::rename(&tmp, state.storage_object(session_id))
        .await
        .map_err(io)?;
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn policies_and_signatures_are_checked() {
        let a = SocketAddr::from(([127, 0, 0, 1], 1));
        let host = super::super::StorageHost::new(Some(a), a);
        let now = chrono::Utc::now().timestamp();
        let policy = B64.encode(
            json!({"bucket": BUCKET, "save-key": "/uploads/s1", "expiration": now + 60,
                   "content-length-range": "5,5"})
            .to_string(),
        );
        let auth = signature(&host, &policy);
        assert!(auth.starts_with("UPYUN reve-demo-operator:"));
        assert_eq!(
            check_policy(&host, &policy, &auth, now),
            Ok(Allowed {
                session_id: "s1".into(),
                size: 5
            })
        );
        let status = |r: Result<Allowed, (StatusCode, i64, &str)>| r.unwrap_err().0;
        assert_eq!(
            status(check_policy(&host, &policy, "UPYUN x:y", now)),
            StatusCode::UNAUTHORIZED
        );
        let other = B64.encode(json!({"bucket": BUCKET, "save-key": "/uploads/s2"}).to_string());
        assert_eq!(
            status(check_policy(&host, &other, &auth, now)),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(check_policy(&host, &policy, &auth, now + 61)),
            StatusCode::FORBIDDEN
        );
    }
}
