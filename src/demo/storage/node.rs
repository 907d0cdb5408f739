//! The slave node of a remote policy (§5.6): `POST /api/v4/slave/upload/<session>?chunk=<i>`
//! with `Authorization: Bearer Cr <mac>:<expires>`. The emulated node pre-allocates, applies
//! the local chunk rules and, like the real node, has the master finalise the file while it
//! handles the last chunk (here in-process instead of the signed `/callback/remote/…`).

use super::super::http::{ApiErr, ClientId, ok_empty};
use super::super::upload::{self, ChunkRoute, UploadSession};
use super::super::{AppState, Demo};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

fn upload_path(session_id: &str) -> String {
    format!("/api/v4/slave/upload/{session_id}")
}

/// `Bearer Cr <base64url MAC of the path>:<expiry>` (C3-103): bound to one session's URL
/// and expiring with it.
pub fn credential(host: &super::StorageHost, session_id: &str, expires: i64) -> String {
    let path = upload_path(session_id);
    let mac = host.mac_b64(&["node", &path, &expires.to_string()]);
    format!("Bearer Cr {mac}:{expires}")
}

/// Checks an `Authorization` value for `session_id` (with or without `Bearer Cr `, C3-122).
pub fn check_credential(
    host: &super::StorageHost,
    session_id: &str,
    given: Option<&str>,
    now: i64,
) -> Result<(), ApiErr> {
    let Some(given) = given else {
        return Err(ApiErr::new(403, "authorization header is missing"));
    };
    let bare = given.trim().trim_start_matches("Bearer Cr ").trim();
    let invalid = || ApiErr::new(40071, "invalid sign");
    let (_, expires) = bare.rsplit_once(':').ok_or_else(invalid)?;
    let expires: i64 = expires.parse().map_err(|_| invalid())?;
    let expected = credential(host, session_id, expires);
    let expected = expected.trim_start_matches("Bearer Cr ");
    if !super::same_secret(expected, bare) {
        return Err(invalid());
    }
    if expires <= now {
        return Err(ApiErr::new(40071, "signature expired"));
    }
    Ok(())
}

/// `upload_urls` (one node URL) and `credential` (§5.6.1).
pub fn session_fields(state: &Demo, session: &UploadSession) -> Map<String, Value> {
    let url = format!("{}{}", state.storage.base_url(), upload_path(&session.id));
    let mut m = Map::new();
    m.insert("upload_urls".into(), json!([url]));
    m.insert(
        "credential".into(),
        json!(credential(
            &state.storage,
            &session.id,
            super::expiry_secs(session.expires)
        )),
    );
    m
}

/// `POST …?chunk=<i>`: every answer is an HTTP 200 envelope (§5.6.2).
pub async fn chunk(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let checked = check_credential(&state.storage, &session_id, auth, Utc::now().timestamp())
        .and_then(|()| chunk_index(query.as_deref()));
    let index = match checked {
        Ok(i) => i,
        Err(e) => {
            // The node answers from the headers; read the body so the client sees it.
            upload::discard_body(body).await;
            return e.into_response();
        }
    };
    let received = upload::receive_chunk(
        &state,
        ChunkRoute::Node,
        &session_id,
        index,
        &headers,
        body,
        ClientId(None),
    )
    .await;
    match received {
        Ok(()) => ok_empty().into_response(),
        Err(e) => e.into_response(),
    }
}

/// The `chunk` query parameter; missing means 0 (C3-122).
fn chunk_index(query: Option<&str>) -> Result<u64, ApiErr> {
    let raw = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "chunk")
        .map(|(_, v)| v.into_owned());
    match raw {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| ApiErr::param("Parameter error")),
    }
}

// ---- downloads (§5.6.4) ---------------------------------------------------------------------

/// The node's content path for a blob (the real node names the storage path in base64url;
/// the demo's blobs are named by entity).
fn content_path(entity_hash: &str, name: &str) -> String {
    use crate::api::uri::encode_component;
    format!(
        "/api/v4/slave/file/content/0/{}/0/{}",
        encode_component(entity_hash),
        encode_component(name)
    )
}

/// A signed URL on the node, like the master's content route (§5.6.4, C3-110).
pub fn download_url(
    state: &Demo,
    entity_hash: &str,
    name: &str,
    download: bool,
    expires: super::super::store::Time,
) -> String {
    let signed =
        super::super::download::sign_path(state, &content_path(entity_hash, name), expires);
    let mut url = format!("{}{signed}", state.storage.base_url());
    if download {
        url.push_str("&download=true");
    }
    url
}

/// `GET|HEAD` on the node: the master's header set (`Etag` = entity id, Range, §6.2).
pub async fn content(
    State(state): State<AppState>,
    Path((entity_hash, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let sign = params.get("sign").map(String::as_str).unwrap_or_default();
    let path = content_path(&entity_hash, &name);
    if let Err((code, msg)) = super::super::download::verify_signature(&state, &path, sign) {
        return ApiErr::new(code, msg).into_response();
    }
    let Some(blob) = super::super::download::find_blob(&state, &entity_hash) else {
        return ApiErr::new(40077, "Entity not exist").into_response();
    };
    let attachment = matches!(
        params.get("download").map(String::as_str),
        Some("true" | "1")
    );
    let base = super::super::download::content_headers(&name, attachment);
    super::super::download::respond_with_blob(&blob, base, &name, &headers).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn credentials_are_bound_to_session_and_time() {
        let a = SocketAddr::from(([127, 0, 0, 1], 1));
        let host = super::super::StorageHost::new(Some(a), a);
        let now = Utc::now().timestamp();
        let cred = credential(&host, "s1", now + 60);
        assert!(check_credential(&host, "s1", Some(&cred), now).is_ok());
        // Without the prefix it is accepted too (C3-122).
        let bare = cred.trim_start_matches("Bearer Cr ");
        assert!(check_credential(&host, "s1", Some(bare), now).is_ok());
        let code = |r: Result<(), ApiErr>| r.unwrap_err().code;
        assert_eq!(code(check_credential(&host, "s1", None, now)), 403);
        assert_eq!(code(check_credential(&host, "s2", Some(&cred), now)), 40071);
        assert_eq!(
            code(check_credential(
                &host,
                "s1",
                Some(&format!("{cred}x")),
                now
            )),
            40071
        );
        assert_eq!(
            code(check_credential(&host, "s1", Some(&cred), now + 61)),
            40071
        );
    }

    #[test]
    fn chunk_parameter() {
        assert_eq!(chunk_index(None).unwrap(), 0);
        assert_eq!(chunk_index(Some("chunk=3")).unwrap(), 3);
        assert_eq!(chunk_index(Some("chunk=x")).unwrap_err().code, 40001);
    }
}
