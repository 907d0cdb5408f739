//! S3-compatible multipart uploads (s3, ks3, cos, oss, obs; §5.2, §5.5, §5.7).
//!
//! Part URLs are presigned in the AWS query style (`X-Amz-*`, `partNumber`, `uploadId`); the
//! signature is an HMAC with a key only the demo knows over the method, the path, the sorted
//! query and — for part URLs — the exact part length, so a tampered URL or a wrong
//! `Content-Length` gets S3's 403 `SignatureDoesNotMatch`. Every vendor uses this URL shape
//! here (the client uses URLs verbatim); what differs is the completion: COS wants
//! `x-cos-forbid-overwrite: true`, OSS an empty body with `x-oss-complete-all: yes`, and OSS/OBS
//! call Cloudreve back themselves before answering the completion.

use super::super::store::Time;
use super::super::upload::{UploadSession, chunk_count, chunk_len};
use super::super::{AppState, Demo};
use super::{BUCKET, PolicyKind, StoredPart};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";
/// Largest completion body read (10 000 parts fit easily).
const MAX_COMPLETE_BODY: usize = 2 << 20;

/// An S3 XML error answer.
#[derive(Debug, PartialEq, Eq)]
pub struct S3Error {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl S3Error {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> S3Error {
        S3Error {
            status,
            code,
            message: message.into(),
        }
    }

    fn signature() -> S3Error {
        S3Error::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    }

    fn no_such_upload() -> S3Error {
        S3Error::new(
            StatusCode::NOT_FOUND,
            "NoSuchUpload",
            "The specified multipart upload does not exist.",
        )
    }
}

impl IntoResponse for S3Error {
    fn into_response(self) -> Response {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId></Error>",
            self.code,
            self.message,
            uuid::Uuid::new_v4().simple()
        );
        (
            self.status,
            [(header::CONTENT_TYPE, "application/xml")],
            body,
        )
            .into_response()
    }
}

/// The object path of a session on the storage host.
fn object_path(session_id: &str) -> String {
    format!("/{BUCKET}/uploads/{session_id}")
}

/// The string the signature covers.
fn string_to_sign(
    method: &str,
    path: &str,
    params: &BTreeMap<String, String>,
    length: &str,
) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "X-Amz-Signature")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{method}\n{path}\n{}\n{length}", query.join("&"))
}

/// A presigned URL (path + query) for `method` on `path`, valid until `expires`;
/// `length` is signed when given (part URLs of non-empty parts).
pub fn presign(
    host: &super::StorageHost,
    method: &str,
    path: &str,
    extra: &[(&str, String)],
    length: Option<u64>,
    expires: Time,
) -> String {
    let now = Utc::now();
    let mut params = BTreeMap::new();
    params.insert(
        "X-Amz-Algorithm".to_string(),
        "AWS4-HMAC-SHA256".to_string(),
    );
    params.insert(
        "X-Amz-Credential".to_string(),
        format!(
            "reve-demo/{}/us-east-1/s3/aws4_request",
            now.format("%Y%m%d")
        ),
    );
    params.insert(
        "X-Amz-Date".to_string(),
        now.format(DATE_FORMAT).to_string(),
    );
    let ttl = (expires - now).num_seconds().max(1);
    params.insert("X-Amz-Expires".to_string(), ttl.to_string());
    let signed_headers = if length.is_some() {
        "content-length;host"
    } else {
        "host"
    };
    params.insert(
        "X-Amz-SignedHeaders".to_string(),
        signed_headers.to_string(),
    );
    for (k, v) in extra {
        params.insert((*k).to_string(), v.clone());
    }
    let length = length.map(|l| l.to_string()).unwrap_or_default();
    let signature = host.mac_hex(&[&string_to_sign(method, path, &params, &length)]);
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &params {
        query.append_pair(k, v);
    }
    query.append_pair("X-Amz-Signature", &signature);
    format!("{path}?{}", query.finish())
}

/// Checks a presigned request; returns its query parameters.
pub fn verify(
    host: &super::StorageHost,
    method: &str,
    path: &str,
    raw_query: &str,
    content_length: Option<u64>,
    now: Time,
) -> Result<BTreeMap<String, String>, S3Error> {
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let Some(given) = params.get("X-Amz-Signature") else {
        return Err(S3Error::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Access Denied",
        ));
    };
    let signs_length = params
        .get("X-Amz-SignedHeaders")
        .is_some_and(|h| h.split(';').any(|h| h == "content-length"));
    let length = if signs_length {
        content_length.map(|l| l.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    let expected = host.mac_hex(&[&string_to_sign(method, path, &params, &length)]);
    if !super::same_secret(&expected, given) {
        return Err(S3Error::signature());
    }
    let date = params
        .get("X-Amz-Date")
        .and_then(|d| chrono::NaiveDateTime::parse_from_str(d, DATE_FORMAT).ok())
        .map(|d| d.and_utc());
    let ttl = params
        .get("X-Amz-Expires")
        .and_then(|e| e.parse::<i64>().ok());
    match (date, ttl) {
        (Some(d), Some(t)) if d + chrono::Duration::seconds(t) > now => Ok(params),
        _ => Err(S3Error::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired",
        )),
    }
}

/// `upload_id`, one presigned URL per part, `completeURL` (§5.5.1).
pub fn session_fields(
    state: &Demo,
    session: &UploadSession,
    upload_id: &str,
) -> Map<String, Value> {
    let base = state.storage.base_url();
    let path = object_path(&session.id);
    let parts = chunk_count(session.size, session.chunk_size);
    let urls: Vec<String> = (0..parts)
        .map(|i| {
            let len = chunk_len(session.size, session.chunk_size, i).unwrap_or(0);
            // A 0-byte file's single URL signs only `host` (C3-071).
            let signed_len = (session.size > 0).then_some(len);
            let extra = [
                ("partNumber", (i + 1).to_string()),
                ("uploadId", upload_id.to_string()),
            ];
            let url = presign(
                &state.storage,
                "PUT",
                &path,
                &extra,
                signed_len,
                session.expires,
            );
            format!("{base}{url}")
        })
        .collect();
    let complete = presign(
        &state.storage,
        "POST",
        &path,
        &[("uploadId", upload_id.to_string())],
        None,
        session.expires,
    );
    let mut m = Map::new();
    m.insert("upload_id".into(), json!(upload_id));
    m.insert("upload_urls".into(), json!(urls));
    m.insert("completeURL".into(), json!(format!("{base}{complete}")));
    m
}

/// Checks the signature and that the multipart upload is open; returns the query.
fn open_upload(
    state: &Demo,
    method: &str,
    session_id: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<BTreeMap<String, String>, S3Error> {
    let params = verify(
        &state.storage,
        method,
        &object_path(session_id),
        query,
        super::content_length(headers),
        Utc::now(),
    )?;
    let upload = super::upload(state, session_id).ok_or_else(S3Error::no_such_upload)?;
    if upload.completed || params.get("uploadId") != Some(&upload.upload_id) {
        return Err(S3Error::no_such_upload());
    }
    Ok(params)
}

/// The part number and exact length of a part `PUT`, or the S3 error for it.
fn check_part_request(
    state: &Demo,
    session_id: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<(u32, u64), S3Error> {
    let params = open_upload(state, "PUT", session_id, query, headers)?;
    let number = params
        .get("partNumber")
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or_else(|| {
            S3Error::new(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "Part number must be an integer",
            )
        })?;
    let declared = super::content_length(headers).ok_or_else(|| {
        S3Error::new(
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLength",
            "You must provide the Content-Length HTTP header.",
        )
    })?;
    Ok((number, declared))
}

/// `PUT <part URL>` → 200, `ETag: "<md5>"` (§5.5.2).
pub async fn put_part(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let query = query.unwrap_or_default();
    let (number, declared) = match check_part_request(&state, &session_id, &query, &headers) {
        Ok(p) => p,
        Err(e) => {
            // Read the refused body so the client gets the answer, not a reset connection.
            super::super::upload::discard_body(body).await;
            return e.into_response();
        }
    };
    let dir = state.storage_dir(&session_id);
    let tmp = dir.join(format!(
        "part-{number}.tmp-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let written = super::stream_to_file(body, &tmp, declared).await;
    let (len, md5) = match written {
        Ok((len, md5)) if len == declared => (len, md5),
        // Aborted meanwhile: its folder is gone.
        _ if super::upload(&state, &session_id).is_none() => {
            return S3Error::no_such_upload().into_response();
        }
        _ => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return S3Error::new(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP header.",
            )
            .into_response();
        }
    };
    // A repeated part replaces the earlier one (last wins).
    if tokio::fs::rename(&tmp, dir.join(format!("part-{number}")))
        .await
        .is_err()
        || !super::record_part(
            &state,
            &session_id,
            number,
            StoredPart {
                md5: md5.clone(),
                len,
            },
        )
    {
        let _ = tokio::fs::remove_file(&tmp).await;
        return S3Error::no_such_upload().into_response();
    }
    (StatusCode::OK, [(header::ETAG, format!("\"{md5}\""))]).into_response()
}

/// The `(PartNumber, ETag)` pairs of a `CompleteMultipartUpload` body; `None` when it is not
/// one. Tolerant like S3: no declaration or namespace needed, ETags with or without quotes.
pub fn parse_complete_body(body: &str) -> Option<Vec<(u32, String)>> {
    let root = between(
        body,
        "<CompleteMultipartUpload",
        "</CompleteMultipartUpload>",
    )?;
    let mut parts = Vec::new();
    let mut rest = root;
    while let Some(start) = rest.find("<Part>") {
        let after = &rest[start + "<Part>".len()..];
        let end = after.find("</Part>")?;
        let part = &after[..end];
        let number = between(part, "<PartNumber>", "</PartNumber>")?
            .trim()
            .parse()
            .ok()?;
        let etag = between(part, "<ETag>", "</ETag>")?
            .trim()
            .replace("&quot;", "\"")
            .trim_matches('"')
            .to_string();
        parts.push((number, etag));
        rest = &after[end + "</Part>".len()..];
    }
    Some(parts)
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let s = &s[start..];
    // `<CompleteMultipartUpload xmlns="…">`: skip to the end of the opening tag.
    let s = if open.ends_with('>') {
        s
    } else {
        &s[s.find('>')? + 1..]
    };
    let end = s.find(close)?;
    Some(&s[..end])
}

/// Checks a part list against the stored parts (§5.7): ascending, known, matching ETags.
pub fn check_parts(
    listed: &[(u32, String)],
    stored: &BTreeMap<u32, StoredPart>,
) -> Result<(), S3Error> {
    if listed.is_empty() {
        return Err(S3Error::new(
            StatusCode::BAD_REQUEST,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema.",
        ));
    }
    if listed.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(S3Error::new(
            StatusCode::BAD_REQUEST,
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
        ));
    }
    for (number, etag) in listed {
        if stored
            .get(number)
            .is_none_or(|p| !p.md5.eq_ignore_ascii_case(etag))
        {
            return Err(S3Error::new(
                StatusCode::BAD_REQUEST,
                "InvalidPart",
                "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            ));
        }
    }
    Ok(())
}

/// The vendor's completion headers (§5.2).
fn check_vendor_headers(policy: PolicyKind, headers: &HeaderMap) -> Result<(), S3Error> {
    let has = |name: &str, value: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    let missing = |name: &str| {
        S3Error::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            format!("{name} is required"),
        )
    };
    match policy {
        PolicyKind::Cos if !has("x-cos-forbid-overwrite", "true") => {
            Err(missing("x-cos-forbid-overwrite"))
        }
        PolicyKind::Oss if !has("x-oss-forbid-overwrite", "true") => {
            Err(missing("x-oss-forbid-overwrite"))
        }
        _ => Ok(()),
    }
}

/// `POST completeURL` (§5.5.3; OSS: `x-oss-complete-all: yes` with an empty body).
pub async fn complete(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let policy = state.cfg.policy;
    let query = query.unwrap_or_default();
    if let Err(e) = open_upload(&state, "POST", &session_id, &query, &headers)
        .and_then(|_| check_vendor_headers(policy, &headers))
    {
        return e.into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_COMPLETE_BODY).await else {
        return S3Error::new(
            StatusCode::BAD_REQUEST,
            "MalformedXML",
            "The XML you provided was not well-formed.",
        )
        .into_response();
    };
    let Some(upload) = super::upload(&state, &session_id) else {
        return S3Error::no_such_upload().into_response();
    };
    let complete_all = policy == PolicyKind::Oss
        && headers
            .get("x-oss-complete-all")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("yes"));
    let listed = if complete_all {
        if !bytes.is_empty() {
            return S3Error::new(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "Should not specify both complete all header and http body.",
            )
            .into_response();
        }
        upload
            .parts
            .iter()
            .map(|(n, p)| (*n, p.md5.clone()))
            .collect()
    } else {
        parse_complete_body(&String::from_utf8_lossy(&bytes)).unwrap_or_default()
    };
    if let Err(e) = check_parts(&listed, &upload.parts) {
        return e.into_response();
    }
    let numbers: Vec<u32> = listed.iter().map(|(n, _)| *n).collect();
    if super::assemble(&state, &session_id, &numbers)
        .await
        .is_err()
    {
        return S3Error::no_such_upload().into_response();
    }
    let etag = multipart_etag(&listed);
    if policy.storage_calls_back() {
        return match super::call_back(&state, &session_id).await {
            // OSS hands the callback's answer to the client (§5.2: "OSS calls the server").
            Ok((status, answer)) if super::callback_succeeded(status, &answer) => {
                if policy == PolicyKind::Oss {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        answer,
                    )
                        .into_response()
                } else {
                    complete_result(&session_id, &etag)
                }
            }
            Ok((status, answer)) => S3Error::new(
                StatusCode::from_u16(203).unwrap_or(StatusCode::BAD_GATEWAY),
                "CallbackFailed",
                format!("Response body is not valid json format. ({status}: {answer})"),
            )
            .into_response(),
            Err(e) => S3Error::new(
                StatusCode::from_u16(203).unwrap_or(StatusCode::BAD_GATEWAY),
                "CallbackFailed",
                format!("Error status : -1. {e}"),
            )
            .into_response(),
        };
    }
    complete_result(&session_id, &etag)
}

/// `"<md5 of the part MD5s>-<n>"`, S3's multipart ETag.
fn multipart_etag(parts: &[(u32, String)]) -> String {
    use md5::Digest;
    let mut hasher = md5::Md5::new();
    for (_, etag) in parts {
        let raw: Vec<u8> = (0..etag.len() / 2)
            .filter_map(|i| u8::from_str_radix(etag.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect();
        hasher.update(raw);
    }
    format!("{}-{}", super::hex(&hasher.finalize()), parts.len())
}

fn complete_result(session_id: &str, etag: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>{path}</Location><Bucket>{BUCKET}</Bucket><Key>uploads/{session_id}</Key><ETag>&quot;{etag}&quot;</ETag></CompleteMultipartUploadResult>",
        path = object_path(session_id),
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

// ---- downloads (§5.5.8) ---------------------------------------------------------------------

/// The object path of a stored blob (percent-encoded name, so the signed path is canonical).
fn blob_path(entity_hash: &str, name: &str) -> String {
    // RFC 3986 unreserved characters stay as they are, like S3 keys in URLs.
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let name = percent_encoding::utf8_percent_encode(name, SEGMENT);
    format!("/{BUCKET}/blobs/{entity_hash}/{name}")
}

/// A presigned GET URL for a file's blob, signed for `host` only; `download` adds
/// `response-content-disposition` like the real server (C3-024).
pub fn download_url(
    state: &Demo,
    entity_hash: &str,
    name: &str,
    download: bool,
    expires: Time,
) -> String {
    let mut extra = Vec::new();
    if download {
        extra.push((
            "response-content-disposition",
            super::super::download::content_disposition(name),
        ));
    }
    let path = blob_path(entity_hash, name);
    let signed = presign(&state.storage, "GET", &path, &extra, None, expires);
    format!("{}{signed}", state.storage.base_url())
}

/// `GET|HEAD` a presigned blob URL: the storage's headers (its own ETag), Range support.
pub async fn get_object(
    State(state): State<AppState>,
    Path((entity_hash, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    // axum answers HEAD through this GET route (without the body).
    let path = blob_path(&entity_hash, &name);
    let params = match verify(&state.storage, "GET", &path, &query, None, Utc::now()) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(mut blob) = super::super::download::find_blob(&state, &entity_hash) else {
        return S3Error::new(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        )
        .into_response();
    };
    // An opaque tag of the storage's own, not Cloudreve's entity id (C3-025).
    blob.etag = format!(
        "\"{}\"",
        &state.storage.mac_hex(&["etag", &entity_hash])[..32]
    );
    let mut base = HeaderMap::new();
    if let Some(v) = params
        .get("response-content-disposition")
        .and_then(|d| axum::http::HeaderValue::from_str(d).ok())
    {
        base.insert(header::CONTENT_DISPOSITION, v);
    }
    super::super::download::respond_with_blob(&blob, base, &name, &headers).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn host() -> super::super::StorageHost {
        let a = SocketAddr::from(([127, 0, 0, 1], 1));
        super::super::StorageHost::new(Some(a), a)
    }

    fn split(url: &str) -> (&str, &str) {
        url.split_once('?').unwrap()
    }

    #[test]
    fn presigned_part_urls_bind_method_path_part_and_length() {
        let h = host();
        let exp = Utc::now() + chrono::Duration::hours(1);
        let url = presign(
            &h,
            "PUT",
            "/b/k",
            &[("partNumber", "1".into()), ("uploadId", "U".into())],
            Some(10),
            exp,
        );
        let (path, q) = split(&url);
        let now = Utc::now();
        let ok = verify(&h, "PUT", path, q, Some(10), now).unwrap();
        assert_eq!(ok["partNumber"], "1");
        // Wrong length, method, path, a changed part number or signature: 403.
        assert_eq!(
            verify(&h, "PUT", path, q, Some(9), now).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            verify(&h, "PUT", path, q, None, now).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            verify(&h, "POST", path, q, Some(10), now).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            verify(&h, "PUT", "/b/other", q, Some(10), now)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        let tampered = q.replace("partNumber=1", "partNumber=2");
        assert_eq!(
            verify(&h, "PUT", path, &tampered, Some(10), now)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        let sig_at = q.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
        let mut flipped = q.to_string();
        let c = if &q[sig_at..sig_at + 1] == "0" {
            "1"
        } else {
            "0"
        };
        flipped.replace_range(sig_at..sig_at + 1, c);
        assert_eq!(
            verify(&h, "PUT", path, &flipped, Some(10), now)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        // Another demo's key does not verify.
        assert_eq!(
            verify(&host(), "PUT", path, q, Some(10), now)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        // After expiry: AccessDenied.
        let later = now + chrono::Duration::hours(2);
        assert_eq!(
            verify(&h, "PUT", path, q, Some(10), later)
                .unwrap_err()
                .code,
            "AccessDenied"
        );
    }

    #[test]
    fn host_only_urls_take_any_length() {
        let h = host();
        let exp = Utc::now() + chrono::Duration::hours(1);
        let url = presign(&h, "POST", "/b/k", &[("uploadId", "U".into())], None, exp);
        let (path, q) = split(&url);
        assert!(verify(&h, "POST", path, q, Some(1234), Utc::now()).is_ok());
        assert!(verify(&h, "POST", path, q, None, Utc::now()).is_ok());
    }

    #[test]
    fn completion_bodies_parse_with_or_without_quotes() {
        let body = r#"<CompleteMultipartUpload xmlns="x"><Part><PartNumber>1</PartNumber><ETag>"aa"</ETag></Part><Part><ETag>bb</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>"#;
        assert_eq!(
            parse_complete_body(body).unwrap(),
            vec![(1, "aa".to_string()), (2, "bb".to_string())]
        );
        assert_eq!(parse_complete_body("nonsense"), None);
        assert_eq!(
            parse_complete_body("<CompleteMultipartUpload></CompleteMultipartUpload>"),
            Some(vec![])
        );
    }

    #[test]
    fn part_lists_are_checked_like_s3() {
        let stored = BTreeMap::from([
            (
                1,
                StoredPart {
                    md5: "aa".into(),
                    len: 1,
                },
            ),
            (
                2,
                StoredPart {
                    md5: "bb".into(),
                    len: 1,
                },
            ),
        ]);
        let p = |v: &[(u32, &str)]| {
            v.iter()
                .map(|(n, e)| (*n, e.to_string()))
                .collect::<Vec<_>>()
        };
        assert!(check_parts(&p(&[(1, "aa"), (2, "BB")]), &stored).is_ok());
        assert_eq!(
            check_parts(&p(&[]), &stored).unwrap_err().code,
            "MalformedXML"
        );
        assert_eq!(
            check_parts(&p(&[(2, "bb"), (1, "aa")]), &stored)
                .unwrap_err()
                .code,
            "InvalidPartOrder"
        );
        assert_eq!(
            check_parts(&p(&[(1, "aa"), (3, "cc")]), &stored)
                .unwrap_err()
                .code,
            "InvalidPart"
        );
        assert_eq!(
            check_parts(&p(&[(1, "ab")]), &stored).unwrap_err().code,
            "InvalidPart"
        );
        // A gap in the middle is S3's business: allowed (the callback catches the size).
        assert!(check_parts(&p(&[(2, "bb")]), &stored).is_ok());
    }

    #[test]
    fn vendor_headers() {
        let mut h = HeaderMap::new();
        assert!(check_vendor_headers(PolicyKind::S3, &h).is_ok());
        assert!(check_vendor_headers(PolicyKind::Cos, &h).is_err());
        assert!(check_vendor_headers(PolicyKind::Oss, &h).is_err());
        h.insert("x-cos-forbid-overwrite", "true".parse().unwrap());
        assert!(check_vendor_headers(PolicyKind::Cos, &h).is_ok());
    }
}
