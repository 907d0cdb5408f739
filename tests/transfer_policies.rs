//! The S3 and remote-node upload flows end to end, against a small fake master and storage
//! written from files-and-transfers.md §5.5 and §5.6 (the demo server offers only the local
//! policy so far). The fake is strict where the real storage is: presigned part URLs must be
//! used verbatim with the exact signed length, the completion must list every part in
//! ascending order with its ETag, the callback checks the object's size, and the node refuses
//! chunks without the session's credential or out of order (no pre-allocation, C3-121).
//! COS and OBS share the S3 bucket (COS must forbid overwriting and calls back like S3; OBS
//! finalises the file itself during the completion); the OneDrive session takes ranges only in
//! order and tells where it stands on `GET`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use md5::{Digest as _, Md5};
use reve::api::models::Tokens;
use reve::api::{Client, ClientConfig};
use reve::transfer::conflict::Refuse;
use reve::transfer::{
    CheckpointStore, ConflictPolicy, Engine, EngineConfig, JobOptions, Outcome, RetryPolicy,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const CHUNK: u64 = 8192;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    S3,
    Cos,
    Obs,
    OneDrive,
    Remote,
    /// A policy type the engine has no chunk flow for.
    Unknown,
}

struct Session {
    uri: String,
    size: u64,
    credential: String,
    /// S3 parts by number: bytes and ETag.
    parts: BTreeMap<u64, (Vec<u8>, String)>,
    /// The assembled S3 object, once completed.
    object: Option<Vec<u8>>,
    /// Remote node: bytes written so far (in order).
    written: Vec<u8>,
    received: u64,
}

#[derive(Default)]
struct Fake {
    base: String,
    kind: Option<Kind>,
    sessions: HashMap<String, Session>,
    /// Final files: URI → content.
    files: HashMap<String, Vec<u8>>,
    /// Calls by name, for the assertions.
    calls: BTreeMap<String, u32>,
    /// The next completion answers 500 (a storage hiccup the client must retry).
    fail_next_complete: bool,
    /// The next completion answers `200` with an `<Error>` body (S3 failing late).
    fail_next_complete_late: bool,
    /// The next callback answers -1 (object not visible yet, §5.5.4).
    fail_next_callback: bool,
    /// The bucket forgets this part number right after storing it (a completion must then
    /// be refused with `InvalidPart`).
    lose_part: Option<u64>,
    /// OneDrive: the storage keeps this range (by chunk index) but its answer is a 500, as
    /// when the answer is lost on the way back.
    od_answer_lost: Option<u64>,
    /// With `od_answer_lost`: the storage kept only the first half of that range.
    od_keep_half: bool,
    /// Requests for this part number (S3-like) or chunk index (OneDrive) never get an
    /// answer, so the engine can be killed while one is in flight; the bytes are kept first
    /// when `keep_held` is set (the answer is what gets lost).
    hold: Option<u64>,
    keep_held: bool,
    /// Requests per part number (S3-like) or chunk index (OneDrive).
    sent: BTreeMap<u64, u32>,
    /// OBS: how many `GET /file/info` still see the placeholder after the completion (the
    /// storage's call to Cloudreve arrives late), and the file waiting for it.
    late_confirm: u32,
    pending: Option<(String, Vec<u8>)>,
}

type Shared = Arc<Mutex<Fake>>;

fn count(fake: &Shared, name: &str) {
    *fake.lock().unwrap().calls.entry(name.into()).or_default() += 1;
}

fn envelope(code: i64, data: Option<Value>, msg: &str) -> Response {
    let mut body = json!({"code": code, "msg": msg});
    if let Some(d) = data {
        body["data"] = d;
    }
    (
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn s3_error(status: StatusCode, code: &str) -> Response {
    (
        status,
        [("content-type", "application/xml")],
        format!("<?xml version=\"1.0\"?><Error><Code>{code}</Code></Error>"),
    )
        .into_response()
}

fn part_len(size: u64, number: u64) -> u64 {
    let start = (number - 1) * CHUNK;
    size.saturating_sub(start).min(CHUNK)
}

fn chunk_count(size: u64) -> u64 {
    size.div_ceil(CHUNK).max(1)
}

fn file_json(uri: &str, size: u64) -> Value {
    let name = uri.rsplit('/').next().unwrap_or("");
    json!({
        "type": 0, "id": "f1", "name": name, "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z", "size": size, "metadata": {}, "path": uri,
        "primary_entity": format!("e{size}"), "owned": true
    })
}

async fn create_session(State(fake): State<Shared>, body: Bytes) -> Response {
    count(&fake, "create");
    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
    let uri = req["uri"].as_str().unwrap_or_default().to_string();
    let size = req["size"].as_u64().unwrap_or(0);
    let mut f = fake.lock().unwrap();
    if f.files.contains_key(&uri) || f.sessions.values().any(|s| s.uri == uri) {
        return envelope(40004, None, "Object existed");
    }
    let id = uuid::Uuid::new_v4().to_string();
    let expires = chrono::Utc::now().timestamp() + 3600;
    let base = f.base.clone();
    let kind = f.kind.unwrap_or(Kind::S3);
    let credential = format!("Bearer Cr mac-{id}:{expires}");
    let mut data = json!({
        "session_id": id, "chunk_size": CHUNK, "expires": expires, "uri": uri,
        "callback_secret": format!("secret-{id}"),
    });
    let type_name = match kind {
        Kind::S3 => "s3",
        Kind::Cos => "cos",
        Kind::Obs => "obs",
        Kind::OneDrive => "onedrive",
        Kind::Remote => "remote",
        Kind::Unknown => "dropbox",
    };
    match kind {
        Kind::S3 | Kind::Cos | Kind::Obs => {
            let urls: Vec<String> = (1..=chunk_count(size))
                .map(|n| {
                    format!("{base}/bucket/key-{id}?partNumber={n}&uploadId=up-{id}&X-Amz-Signature=sig{n}")
                })
                .collect();
            data["upload_id"] = json!(format!("up-{id}"));
            data["upload_urls"] = json!(urls);
            data["completeURL"] = json!(format!(
                "{base}/bucket/key-{id}?uploadId=up-{id}&X-Amz-Signature=done"
            ));
            data["storage_policy"] =
                json!({"id": "p", "name": "S3", "type": type_name, "max_size": 0});
        }
        Kind::OneDrive => {
            data["upload_urls"] = json!([format!("{base}/onedrive/{id}?token=t-{id}")]);
            data["storage_policy"] =
                json!({"id": "p", "name": "OD", "type": type_name, "max_size": 0});
        }
        Kind::Unknown => {
            data["upload_urls"] = json!([format!("{base}/elsewhere/{id}")]);
            data["storage_policy"] =
                json!({"id": "p", "name": "Other", "type": "dropbox", "max_size": 0});
        }
        Kind::Remote => {
            data["upload_id"] = json!("");
            data["upload_urls"] = json!([format!("{base}/api/v4/slave/upload/{id}")]);
            data["credential"] = json!(credential);
            data["storage_policy"] =
                json!({"id": "p", "name": "Node", "type": "remote", "max_size": 0});
        }
    }
    f.sessions.insert(
        id,
        Session {
            uri,
            size,
            credential,
            parts: BTreeMap::new(),
            object: None,
            written: Vec::new(),
            received: 0,
        },
    );
    envelope(0, Some(data), "")
}

async fn cancel_session(State(fake): State<Shared>, body: Bytes) -> Response {
    count(&fake, "cancel");
    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = req["id"].as_str().unwrap_or_default();
    match fake.lock().unwrap().sessions.remove(id) {
        Some(_) => envelope(0, None, ""),
        None => envelope(40016, None, "Path not exist"),
    }
}

async fn file_info(
    State(fake): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    count(&fake, "info");
    let uri = q.get("uri").cloned().unwrap_or_default();
    let mut f = fake.lock().unwrap();
    if f.pending.as_ref().is_some_and(|(p, _)| *p == uri) {
        if f.late_confirm > 0 {
            f.late_confirm -= 1;
            let mut placeholder = file_json(&uri, 0);
            placeholder["metadata"] = json!({"sys:upload_session_id": "s"});
            return envelope(0, Some(placeholder), "");
        }
        if let Some((uri, object)) = f.pending.take() {
            f.files.insert(uri, object);
        }
    }
    match f.files.get(&uri) {
        Some(content) => envelope(0, Some(file_json(&uri, content.len() as u64)), ""),
        None => envelope(40016, None, "Path not exist"),
    }
}

/// `PUT` part / `POST` completion on the fake bucket.
async fn bucket_put(
    State(fake): State<Shared>,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (answer, held) = bucket_put_now(&fake, &key, &q, &headers, &body);
    if held {
        std::future::pending::<()>().await;
    }
    answer
}

/// The answer to a part `PUT`, and whether it is to be held back.
fn bucket_put_now(
    fake: &Shared,
    key: &str,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Response, bool) {
    let refuse = |r: Response| (r, false);
    count(fake, "part");
    let id = key.trim_start_matches("key-").to_string();
    let number: u64 = q
        .get("partNumber")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // The URL must be used verbatim: its signature names its part number.
    if q.get("X-Amz-Signature") != Some(&format!("sig{number}"))
        || q.get("uploadId") != Some(&format!("up-{id}"))
        || headers.contains_key("authorization")
    {
        return refuse(s3_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch"));
    }
    let mut f = fake.lock().unwrap();
    let Some(session) = f.sessions.get_mut(&id) else {
        return refuse(s3_error(StatusCode::NOT_FOUND, "NoSuchUpload"));
    };
    // The signed length (content-length;host, C3-013).
    if body.len() as u64 != part_len(session.size, number) {
        return refuse(s3_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch"));
    }
    let etag = format!(
        "\"{}\"",
        Md5::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    *f.sent.entry(number).or_default() += 1;
    let held = f.hold == Some(number);
    if f.lose_part != Some(number) && (!held || f.keep_held) {
        let session = f.sessions.get_mut(&id).expect("checked above");
        session.parts.insert(number, (body.to_vec(), etag.clone()));
    }
    (([("etag", etag)], "").into_response(), held)
}

async fn bucket_complete(
    State(fake): State<Shared>,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    count(&fake, "complete");
    let id = key.trim_start_matches("key-").to_string();
    if q.get("X-Amz-Signature").map(String::as_str) != Some("done") {
        return s3_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");
    }
    let mut f = fake.lock().unwrap();
    let kind = f.kind;
    // COS: Cloudreve's web client forbids replacing an object of the same key.
    let forbids = headers
        .get("x-cos-forbid-overwrite")
        .is_some_and(|v| v == "true");
    if (kind == Some(Kind::Cos)) != forbids {
        return s3_error(StatusCode::BAD_REQUEST, "InvalidArgument");
    }
    if std::mem::take(&mut f.fail_next_complete) {
        return s3_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError");
    }
    if std::mem::take(&mut f.fail_next_complete_late) {
        return s3_error(StatusCode::OK, "InternalError");
    }
    let Some(session) = f.sessions.get_mut(&id) else {
        return s3_error(StatusCode::NOT_FOUND, "NoSuchUpload");
    };
    let xml = String::from_utf8_lossy(&body).to_string();
    let mut listed = Vec::new();
    for part in xml.split("<Part>").skip(1) {
        let num =
            between(part, "<PartNumber>", "</PartNumber>").and_then(|n| n.parse::<u64>().ok());
        let etag = between(part, "<ETag>", "</ETag>");
        match (num, etag) {
            (Some(n), Some(e)) => listed.push((n, e.to_string())),
            _ => return s3_error(StatusCode::BAD_REQUEST, "MalformedXML"),
        }
    }
    if listed.is_empty() {
        return s3_error(StatusCode::BAD_REQUEST, "MalformedXML");
    }
    if listed.windows(2).any(|w| w[0].0 >= w[1].0) {
        return s3_error(StatusCode::BAD_REQUEST, "InvalidPartOrder");
    }
    let mut object = Vec::new();
    for (n, etag) in &listed {
        match session.parts.get(n) {
            Some((bytes, stored)) if stored == etag => object.extend_from_slice(bytes),
            _ => return s3_error(StatusCode::BAD_REQUEST, "InvalidPart"),
        }
    }
    if kind == Some(Kind::Obs) {
        // OBS calls Cloudreve itself before it answers the completion.
        let uri = session.uri.clone();
        f.sessions.remove(&id);
        if f.late_confirm > 0 {
            f.pending = Some((uri, object));
        } else {
            f.files.insert(uri, object);
        }
    } else {
        session.object = Some(object);
    }
    (
        [("content-type", "application/xml")],
        "<CompleteMultipartUploadResult><ETag>\"x-3\"</ETag></CompleteMultipartUploadResult>",
    )
        .into_response()
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

async fn s3_callback(
    State(fake): State<Shared>,
    Path((id, secret)): Path<(String, String)>,
) -> Response {
    count(&fake, "callback");
    let mut f = fake.lock().unwrap();
    let unauthorized =
        |code, msg| (StatusCode::UNAUTHORIZED, envelope(code, None, msg)).into_response();
    if !f.sessions.contains_key(&id) {
        return unauthorized(40011, "Upload session does not exist or expired");
    }
    if secret != format!("secret-{id}") {
        return unauthorized(40020, "Invalid callback secret");
    }
    if std::mem::take(&mut f.fail_next_callback) {
        return (StatusCode::BAD_REQUEST, envelope(-1, None, "")).into_response();
    }
    let Some(session) = f.sessions.get(&id) else {
        return unauthorized(40011, "");
    };
    let Some(object) = session.object.clone() else {
        return (StatusCode::BAD_REQUEST, envelope(-1, None, "")).into_response();
    };
    if object.len() as u64 != session.size {
        let msg = format!(
            "File size not match, expected: {}, actual: {}",
            session.size,
            object.len()
        );
        return (StatusCode::BAD_REQUEST, envelope(40055, None, &msg)).into_response();
    }
    let uri = session.uri.clone();
    f.sessions.remove(&id);
    f.files.insert(uri, object);
    envelope(0, None, "")
}

fn od_error(status: StatusCode, code: &str, inner: Option<&str>) -> Response {
    let mut error = json!({"code": code, "message": code});
    if let Some(inner) = inner {
        error["innererror"] = json!({"code": inner});
    }
    (
        status,
        [("content-type", "application/json")],
        json!({"error": error}).to_string(),
    )
        .into_response()
}

fn od_session<'a>(
    f: &'a mut Fake,
    id: &str,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<&'a mut Session, Box<Response>> {
    // The upload URL authorises itself: a bearer token would be a leak.
    if headers.contains_key("authorization") || q.get("token") != Some(&format!("t-{id}")) {
        return Err(Box::new(od_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            None,
        )));
    }
    f.sessions
        .get_mut(id)
        .ok_or_else(|| Box::new(od_error(StatusCode::NOT_FOUND, "itemNotFound", None)))
}

/// OneDrive: `PUT` a range, in order (`Content-Range: bytes a-b/total`).
async fn od_put(
    State(fake): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = od_put_now(&fake, &id, &q, &headers, &body);
    match answer {
        Some(answer) => answer,
        None => std::future::pending().await,
    }
}

/// The answer to a range `PUT`; `None` when it is to be held back.
fn od_put_now(
    fake: &Shared,
    id: &str,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<Response> {
    count(fake, "od_put");
    let mut f = fake.lock().unwrap();
    let (lost, hold, keep_held) = (f.od_answer_lost, f.hold, f.keep_held);
    let half = f.od_keep_half;
    let session = match od_session(&mut f, id, q, headers) {
        Ok(s) => s,
        Err(r) => return Some(*r),
    };
    let range = headers
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| {
            let (span, total) = v.split_once('/')?;
            let (a, b) = span.split_once('-')?;
            Some((
                a.parse::<u64>().ok()?,
                b.parse::<u64>().ok()?,
                total.parse::<u64>().ok()?,
            ))
        });
    let Some((start, end, total)) = range else {
        return Some(od_error(StatusCode::BAD_REQUEST, "invalidRequest", None));
    };
    if total != session.size || end < start || end - start + 1 != body.len() as u64 {
        return Some(od_error(StatusCode::BAD_REQUEST, "invalidRange", None));
    }
    if start != session.written.len() as u64 {
        return Some(od_error(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "invalidRange",
            Some("fragmentOverlap"),
        ));
    }
    let index = start / CHUNK;
    let held = hold == Some(index);
    if lost == Some(index) && half {
        session.written.extend_from_slice(&body[..body.len() / 2]);
    } else if !held || keep_held {
        session.written.extend_from_slice(body);
    }
    let done = session.written.len() as u64 == session.size;
    if done {
        // The object exists now; Cloudreve learns of it from the client's callback.
        session.object = Some(session.written.clone());
    }
    let written = session.written.len();
    *f.sent.entry(index).or_default() += 1;
    if held {
        return None;
    }
    if lost == Some(index) {
        f.od_answer_lost = None;
        return Some(od_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            None,
        ));
    }
    Some(if done {
        (StatusCode::CREATED, json!({"id": "item"}).to_string()).into_response()
    } else {
        (
            StatusCode::ACCEPTED,
            json!({"nextExpectedRanges": [format!("{written}-")]}).to_string(),
        )
            .into_response()
    })
}

/// OneDrive: `GET` the upload URL tells where the session stands.
async fn od_status(
    State(fake): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    count(&fake, "od_status");
    let mut f = fake.lock().unwrap();
    let session = match od_session(&mut f, &id, &q, &headers) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if session.object.is_some() {
        return od_error(StatusCode::NOT_FOUND, "itemNotFound", None);
    }
    let next = format!("{}-", session.written.len());
    json!({"nextExpectedRanges": [next]})
        .to_string()
        .into_response()
}

/// The remote node: `POST /api/v4/slave/upload/:id?chunk=i` (§5.6.2).
async fn node_chunk(
    State(fake): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    count(&fake, "node_chunk");
    let mut f = fake.lock().unwrap();
    let Some(session) = f.sessions.get_mut(&id) else {
        return envelope(40011, None, "");
    };
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        None => return envelope(403, None, "authorization header is missing"),
        Some(v) if v != session.credential => return envelope(40071, None, "invalid sign"),
        Some(_) => {}
    }
    let index: u64 = q.get("chunk").and_then(|c| c.parse().ok()).unwrap_or(0);
    let expected = part_len(session.size, index + 1);
    if body.len() as u64 != expected {
        return envelope(
            40013,
            None,
            &format!("Invalid Content-Length (expected: {expected})"),
        );
    }
    let start = index * CHUNK;
    // No pre-allocation: a chunk past the written end fails (C3-121).
    if start > session.written.len() as u64 {
        return envelope(50004, None, "Failed to upload file");
    }
    session.written.truncate(start as usize);
    session.written.extend_from_slice(&body);
    session.received = session.received.max(index + 1);
    if session.written.len() as u64 == session.size && index + 1 == chunk_count(session.size) {
        // The node finalises (calls the master) before answering the last chunk (§5.6.3).
        let (uri, content) = (session.uri.clone(), session.written.clone());
        f.sessions.remove(&id);
        f.files.insert(uri, content);
    }
    envelope(0, None, "")
}

/// Chunks sent to Cloudreve itself for these sessions are refused (`40006`, C3-052).
async fn local_chunk(State(fake): State<Shared>) -> Response {
    count(&fake, "local_chunk");
    envelope(40006, None, "")
}

/// `PUT /file/content`: the server writes the file itself (§4.9).
async fn put_content(
    State(fake): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    count(&fake, "content");
    let uri = q.get("uri").cloned().unwrap_or_default();
    let declared: Option<usize> = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if declared != Some(body.len()) {
        return envelope(40001, None, "Content-Length required");
    }
    let mut f = fake.lock().unwrap();
    f.files.insert(uri.clone(), body.to_vec());
    envelope(0, Some(file_json(&uri, body.len() as u64)), "")
}

async fn mkdir(body: Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
    let uri = req["uri"].as_str().unwrap_or_default();
    let mut folder = file_json(uri, 0);
    folder["type"] = json!(1);
    envelope(0, Some(folder), "")
}

async fn start(kind: Kind) -> (Shared, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake: Shared = Arc::new(Mutex::new(Fake {
        base: base.clone(),
        kind: Some(kind),
        ..Fake::default()
    }));
    let app = Router::new()
        .route(
            "/api/v4/file/upload",
            put(create_session).delete(cancel_session),
        )
        .route("/api/v4/file/upload/{id}/{index}", post(local_chunk))
        .route("/api/v4/file/info", get(file_info))
        .route("/api/v4/file/content", put(put_content))
        .route("/api/v4/file/create", post(mkdir))
        .route("/api/v4/callback/s3/{id}/{secret}", get(s3_callback))
        .route("/api/v4/callback/cos/{id}/{secret}", get(s3_callback))
        .route("/api/v4/callback/onedrive/{id}/{secret}", post(s3_callback))
        .route("/onedrive/{id}", put(od_put).get(od_status))
        .route("/api/v4/slave/upload/{id}", post(node_chunk))
        .route("/bucket/{key}", put(bucket_put).post(bucket_complete))
        .with_state(fake.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (fake, base)
}

fn engine(base: &str, dir: &std::path::Path, chunks: Option<usize>) -> Engine {
    let now = chrono::Utc::now().fixed_offset();
    let tokens = Tokens {
        access_token: "access".into(),
        refresh_token: "refresh".into(),
        access_expires: now + chrono::Duration::hours(1),
        refresh_expires: now + chrono::Duration::days(1),
    };
    let client = Client::with_tokens(ClientConfig::new(base), tokens).unwrap();
    let config = EngineConfig {
        chunk_concurrency: chunks,
        retry: RetryPolicy {
            base: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..EngineConfig::default()
    };
    Engine::new(client, CheckpointStore::new(dir.join("cp")), config)
}

async fn upload(engine: &Engine, dir: &std::path::Path, name: &str, data: &[u8]) -> Outcome {
    let src = dir.join(name);
    std::fs::write(&src, data).unwrap();
    let report = engine
        .put(
            &[src],
            &reve::api::uri::CrUri::from_user_input("/p").unwrap(),
            JobOptions {
                recursive: false,
                conflict: ConflictPolicy::Fail,
            },
            Box::new(Refuse),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    report.files[0].outcome.clone()
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_parts_completion_and_callback() {
    let (fake, base) = start(Kind::S3).await;
    let dir = tempfile::tempdir().unwrap();
    // Parts go in parallel (S3 takes any order, C3-172…181).
    let engine = engine(&base, dir.path(), Some(3));
    for (name, len) in [
        ("small", 100),
        ("multi", CHUNK as usize * 4 + 17),
        ("empty", 0),
    ] {
        let content = data(len);
        let outcome = upload(&engine, dir.path(), name, &content).await;
        assert_eq!(outcome, Outcome::Done(format!("cloudreve://my/p/{name}")));
        assert_eq!(
            fake.lock().unwrap().files[&format!("cloudreve://my/p/{name}")],
            content
        );
    }
    let calls = fake.lock().unwrap().calls.clone();
    assert_eq!(calls["part"], 1 + 5 + 1);
    assert_eq!(calls["complete"], 3);
    assert_eq!(calls["callback"], 3);
    assert!(
        !calls.contains_key("local_chunk"),
        "no chunk went to Cloudreve"
    );
    assert!(!calls.contains_key("cancel"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_retries_a_failed_completion_and_an_early_callback() {
    let (fake, base) = start(Kind::S3).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), None);
    {
        let mut f = fake.lock().unwrap();
        f.fail_next_complete = true;
        f.fail_next_callback = true;
    }
    let content = data(CHUNK as usize * 2 + 5);
    let outcome = upload(&engine, dir.path(), "retry", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/retry".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/retry"], content);
    assert_eq!(f.calls["complete"], 2);
    assert_eq!(f.calls["callback"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_repeats_a_completion_that_failed_after_its_200() {
    let (fake, base) = start(Kind::S3).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), None);
    fake.lock().unwrap().fail_next_complete_late = true;
    let content = data(CHUNK as usize + 3);
    let outcome = upload(&engine, dir.path(), "late", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/late".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/late"], content);
    assert_eq!(f.calls["complete"], 2);
    assert_eq!(f.calls["callback"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_node_chunks_with_the_session_credential() {
    let (fake, base) = start(Kind::Remote).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), None);
    for (name, len) in [
        ("small", 10),
        ("multi", CHUNK as usize * 3 + 1),
        ("empty", 0),
    ] {
        let content = data(len);
        let outcome = upload(&engine, dir.path(), name, &content).await;
        assert_eq!(outcome, Outcome::Done(format!("cloudreve://my/p/{name}")));
        assert_eq!(
            fake.lock().unwrap().files[&format!("cloudreve://my/p/{name}")],
            content
        );
    }
    let calls = fake.lock().unwrap().calls.clone();
    assert_eq!(calls["node_chunk"], 1 + 4 + 1);
    assert!(!calls.contains_key("local_chunk"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_node_without_preallocation_makes_parallel_chunks_sequential() {
    let (fake, base) = start(Kind::Remote).await;
    let dir = tempfile::tempdir().unwrap();
    // Four chunks at once: the node refuses those past its written end with 50004; the
    // engine falls back to one chunk at a time (files-and-transfers.md §4.3).
    let engine = engine(&base, dir.path(), Some(4));
    let content = data(CHUNK as usize * 8);
    let outcome = upload(&engine, dir.path(), "par", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/par".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/par"], content);
    assert!(
        f.calls["node_chunk"] > 8,
        "some parallel chunks were refused first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_policies_fall_back_to_one_request() {
    let (fake, base) = start(Kind::Unknown).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), None);
    let content = data(CHUNK as usize * 2 + 3);
    let outcome = upload(&engine, dir.path(), "od", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/od"], content);
    // The session was cancelled (no placeholder stays), then one `PUT /file/content`.
    assert_eq!(f.calls["cancel"], 1);
    assert_eq!(f.calls["content"], 1);
    assert!(f.sessions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cos_forbids_overwrite_and_a_lost_part_is_refused() {
    let (fake, base) = start(Kind::Cos).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), Some(2));
    let content = data(CHUNK as usize * 3 + 9);
    let outcome = upload(&engine, dir.path(), "cos", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/cos".into()));
    assert_eq!(fake.lock().unwrap().files["cloudreve://my/p/cos"], content);
    assert_eq!(fake.lock().unwrap().calls["callback"], 1);

    // The bucket loses part 2: the completion is refused (400 InvalidPart, final, not
    // retried), the upload fails and its session is cancelled so no placeholder stays.
    fake.lock().unwrap().lose_part = Some(2);
    let outcome = upload(&engine, dir.path(), "lost", &content).await;
    let Outcome::Failed(e) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(e.contains("InvalidPart"), "{e}");
    let f = fake.lock().unwrap();
    assert_eq!(
        f.calls["complete"], 2,
        "a refused completion is not repeated"
    );
    assert_eq!(f.calls["callback"], 1, "no callback without an object");
    assert_eq!(f.calls["cancel"], 1);
    assert!(f.sessions.is_empty());
    assert!(!f.files.contains_key("cloudreve://my/p/lost"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obs_finishes_at_the_storage_without_a_client_callback() {
    let (fake, base) = start(Kind::Obs).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), Some(3));
    fake.lock().unwrap().fail_next_complete = true;
    let content = data(CHUNK as usize * 2 + 1);
    let outcome = upload(&engine, dir.path(), "obs", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/obs".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/obs"], content);
    assert_eq!(f.calls["complete"], 2, "the 500 completion was retried");
    assert!(!f.calls.contains_key("callback"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_storage_confirmation_is_awaited() {
    let (fake, base) = start(Kind::Obs).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&base, dir.path(), None);
    fake.lock().unwrap().late_confirm = 3;
    let content = data(CHUNK as usize + 1);
    let outcome = upload(&engine, dir.path(), "late", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/late".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/late"], content);
    // Three looks at the placeholder, the one that finds the file, and the final check.
    assert_eq!(f.calls["info"], 5);
    assert_eq!(f.calls["complete"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onedrive_ranges_in_order_and_a_lost_answer_is_not_resent() {
    let (fake, base) = start(Kind::OneDrive).await;
    let dir = tempfile::tempdir().unwrap();
    // Four chunks allowed at once: OneDrive still gets its ranges one by one, in order.
    let engine = engine(&base, dir.path(), Some(4));
    let content = data(CHUNK as usize * 4 + 100);
    let outcome = upload(&engine, dir.path(), "od", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od".into()));
    {
        let f = fake.lock().unwrap();
        assert_eq!(f.files["cloudreve://my/p/od"], content);
        assert_eq!(f.calls["od_put"], 5, "no range was refused");
        assert!(!f.calls.contains_key("od_status"));
        assert_eq!(f.calls["callback"], 1);
    }

    // The storage keeps range 2 but the answer is lost (a 500): reve asks the session where it
    // stands instead of sending the range again, and goes on with range 3.
    fake.lock().unwrap().od_answer_lost = Some(2);
    let outcome = upload(&engine, dir.path(), "od2", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od2".into()));
    {
        let f = fake.lock().unwrap();
        assert_eq!(f.files["cloudreve://my/p/od2"], content);
        assert_eq!(f.calls["od_put"], 5 + 5, "range 2 went once");
        assert_eq!(f.calls["od_status"], 1);
    }

    // Now the storage keeps only half of range 1 before the 500: the retry sends just the
    // missing second half (the session says where it starts).
    {
        let mut f = fake.lock().unwrap();
        f.od_answer_lost = Some(1);
        f.od_keep_half = true;
    }
    let outcome = upload(&engine, dir.path(), "od3", &content).await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od3".into()));
    {
        let f = fake.lock().unwrap();
        assert_eq!(f.files["cloudreve://my/p/od3"], content);
        assert_eq!(
            f.calls["od_put"],
            10 + 6,
            "range 1 went twice, its tail the second time"
        );
        assert_eq!(f.calls["od_status"], 2);
    }

    // An empty file cannot be a OneDrive range: one `PUT /file/content`, session cancelled.
    let outcome = upload(&engine, dir.path(), "od-empty", b"").await;
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od-empty".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/od-empty"], b"");
    assert_eq!(f.calls["content"], 1);
    assert_eq!(f.calls["cancel"], 1);
    assert_eq!(f.calls["od_put"], 16);
}

/// Runs `put` of `data` on an engine in its own runtime until the held request reached the
/// fake, then drops that runtime (every future gone, as in a crash), and finishes the job
/// from its checkpoint with a fresh engine. Returns the second run's outcome.
fn upload_killed_then_resumed(
    fake: &Shared,
    base: &str,
    dir: &std::path::Path,
    name: &str,
    data: &[u8],
    held: u64,
) -> Outcome {
    let rt = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    };
    let src = dir.join(name);
    std::fs::write(&src, data).unwrap();
    let engine_a = rt();
    {
        let (base, dir) = (base.to_string(), dir.to_path_buf());
        engine_a.spawn(async move {
            let engine = engine(&base, &dir, Some(1));
            let _ = engine
                .put(
                    &[src],
                    &reve::api::uri::CrUri::from_user_input("/p").unwrap(),
                    JobOptions {
                        recursive: false,
                        conflict: ConflictPolicy::Fail,
                    },
                    Box::new(Refuse),
                    CancellationToken::new(),
                )
                .await;
        });
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !fake.lock().unwrap().sent.contains_key(&held) {
        assert!(
            std::time::Instant::now() < deadline,
            "the held request never came"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(engine_a);
    fake.lock().unwrap().hold = None;
    let jobs = CheckpointStore::new(dir.join("cp")).list().unwrap();
    assert_eq!(jobs.len(), 1);
    let id = jobs[0].record.id.clone();
    rt().block_on(async {
        let engine = engine(base, dir, Some(1));
        let report = engine
            .resume(&id, None, Box::new(Refuse), CancellationToken::new())
            .await
            .unwrap();
        report.files[0].outcome.clone()
    })
}

#[test]
fn cos_restart_sends_only_the_unacknowledged_parts() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let (fake, base) = server.block_on(start(Kind::Cos));
    let dir = tempfile::tempdir().unwrap();
    fake.lock().unwrap().hold = Some(3);
    let content = data(CHUNK as usize * 5 + 7);
    let outcome = upload_killed_then_resumed(&fake, &base, dir.path(), "cos", &content, 3);
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/cos".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/cos"], content);
    // Parts 1–2 were acknowledged and checkpointed; part 3 never answered, so it went again.
    let sent: Vec<(u64, u32)> = f.sent.clone().into_iter().collect();
    assert_eq!(sent, vec![(1, 1), (2, 1), (3, 2), (4, 1), (5, 1), (6, 1)]);
    assert_eq!(f.calls["complete"], 1);
    assert_eq!(f.calls["callback"], 1);
}

#[test]
fn onedrive_restart_asks_the_session_and_skips_a_range_it_already_has() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let (fake, base) = server.block_on(start(Kind::OneDrive));
    let dir = tempfile::tempdir().unwrap();
    {
        // Range 2 reaches the storage, but reve dies before the answer.
        let mut f = fake.lock().unwrap();
        f.hold = Some(2);
        f.keep_held = true;
    }
    let content = data(CHUNK as usize * 4 + 50);
    let outcome = upload_killed_then_resumed(&fake, &base, dir.path(), "od", &content, 2);
    assert_eq!(outcome, Outcome::Done("cloudreve://my/p/od".into()));
    let f = fake.lock().unwrap();
    assert_eq!(f.files["cloudreve://my/p/od"], content);
    let sent: Vec<(u64, u32)> = f.sent.clone().into_iter().collect();
    assert_eq!(sent, vec![(0, 1), (1, 1), (2, 1), (3, 1), (4, 1)]);
    assert_eq!(
        f.calls["od_status"], 1,
        "asked once where the session stands"
    );
}
