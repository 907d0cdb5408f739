//! Downloads: `POST /file/url`, the signed content route with Range, zip archive streams.
//!
//! Content URLs are signed (HMAC-SHA256 over the path and expiry with the server's secret) the
//! way Cloudreve signs `/api/v4/file/content/:entity/:speed/:name?sign=…`, so they work without
//! a token and expire.

mod archive;
mod range;

pub use range::{ByteRange, RangeError, etag_matches, parse_range};

use super::files::{self, Batch, FsErr, cap};
use super::http::{ApiErr, ApiResult, Body as JsonBody, Q, ok};
use super::ids::{self, Kind};
use super::store::{NO_ENTITY, Store, Time, ts};
use super::{AppState, Demo};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

/// Content URLs are valid one hour (`entity_url_default_ttl`, §6.1).
const URL_TTL_SECS: i64 = 3600;
/// A cached URL is handed out again until it has less than this left.
const URL_REUSE_MARGIN_SECS: i64 = 600;
/// Archive URLs are valid ten minutes (C2-347).
const ARCHIVE_TTL_SECS: i64 = 600;
/// `uris` per request (C2-520).
const MAX_BATCH: usize = 3000;

/// Cached content URL expiries and pending archive downloads.
#[derive(Debug, Default)]
pub struct DownloadStore {
    /// (entity, file name) → expiry of the URL handed out for it: repeated requests get the same
    /// URL until shortly before it expires (§6.1).
    url_expiry: HashMap<(u64, String), Time>,
    archives: HashMap<String, archive::ArchiveSession>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/file/url", post(file_url))
        .route("/file/content/{entity}/{speed}/{name}", get(serve_content))
        .route("/file/archive/{session_id}/archive.zip", get(serve_archive))
}

// ---- signing ---------------------------------------------------------------------------------

fn signature(state: &Demo, path: &str, expires: i64) -> String {
    use base64::Engine;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(path.as_bytes());
    mac.update(b":");
    mac.update(expires.to_string().as_bytes());
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{sig}:{expires}")
}

/// The signed path (`/api/v4/file/content/<entity>/0/<name>`) and its `sign` value.
pub fn signed_content_path(
    state: &Demo,
    entity_hash_id: &str,
    name: &str,
    expires: Time,
) -> String {
    let path = content_path(entity_hash_id, "0", name);
    sign_path(state, &path, expires)
}

/// `path?sign=…` for any server-signed path.
pub(crate) fn sign_path(state: &Demo, path: &str, expires: Time) -> String {
    let sign = signature(state, path, expires.timestamp());
    format!("{path}?sign={}", crate::api::uri::encode_component(&sign))
}

/// The canonical content path; signatures cover it, so a client may encode the name either way.
fn content_path(entity_hash_id: &str, speed: &str, name: &str) -> String {
    format!(
        "/api/v4/file/content/{}/{}/{}",
        crate::api::uri::encode_component(entity_hash_id),
        crate::api::uri::encode_component(speed),
        crate::api::uri::encode_component(name)
    )
}

fn archive_path(session_id: &str) -> String {
    format!(
        "/api/v4/file/archive/{}/archive.zip",
        crate::api::uri::encode_component(session_id)
    )
}

/// A full signed content URL on the public base; `attachment` adds `download=true`.
pub fn content_url(
    state: &Demo,
    entity_hash_id: &str,
    name: &str,
    attachment: bool,
    expires: Time,
) -> String {
    let mut url = state.url(&signed_content_path(state, entity_hash_id, name, expires));
    if attachment {
        url.push_str("&download=true");
    }
    url
}

/// Checks a `sign` query value for `path`: `Ok(())`, or the error code and message the real
/// server gives. Like Cloudreve's HMAC check, the expiry is looked at before the MAC, so any
/// old timestamp reads as 40005 (22_files_content "download_bad_signature": `bad:1`); an empty
/// expiry is 403 "expire timestamp is missing" (C2-336); a bad MAC 40071 (C2-335).
pub fn verify_signature(state: &Demo, path: &str, sign: &str) -> Result<(), (i64, &'static str)> {
    let exp = sign.rsplit(':').next().unwrap_or_default();
    if exp.is_empty() {
        return Err((403, "expire timestamp is missing"));
    }
    let Ok(expires) = exp.parse::<i64>() else {
        return Err((40071, "invalid sign"));
    };
    if expires != 0 && expires < Utc::now().timestamp() {
        return Err((40005, "signature expired"));
    }
    if signature(state, path, expires) != sign {
        return Err((40071, "invalid sign"));
    }
    Ok(())
}

// ---- POST /file/url --------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct UrlReq {
    uris: Option<Vec<String>>,
    #[serde(default)]
    download: bool,
    #[serde(default)]
    redirect: bool,
    entity: Option<String>,
    #[serde(default)]
    archive: bool,
    #[serde(default)]
    skip_error: bool,
    #[serde(default)]
    no_cache: bool,
    #[allow(dead_code)]
    #[serde(default)]
    use_primary_site_url: bool,
}

/// Resolves one URI of a download request to a node the viewer may read. Trash items cannot be
/// downloaded (C2-519); share URIs count one download on their share (§7.7, C2-413).
fn resolve_for_download(store: &mut Store, viewer: Option<u64>, raw: &str) -> Result<u64, FsErr> {
    let uri = files::parse_request_uri(raw)?;
    let located = store
        .locate(viewer, &uri, &[cap::DOWNLOAD])
        .map_err(|e| e.context("failed to get target file"))?;
    if let Some(target) = located.share {
        store
            .count_share_download(target.share)
            .map_err(|e| FsErr::from(e).context("failed to get target file"))?;
    }
    Ok(located.node)
}

/// The entity a download of `node` serves: the requested version (`entity`, C2-312) or the
/// current one; files without content use the "no blob" id (C2-345). Folders → 40077 (C2-342).
fn entity_for(store: &Store, node: u64, requested: Option<&str>) -> Result<u64, FsErr> {
    let n = store.files.get(&node).ok_or_else(FsErr::entity_not_exist)?;
    if n.is_folder {
        return Err(FsErr::entity_not_exist());
    }
    match requested.filter(|e| !e.is_empty()) {
        Some(hash) => ids::decode(Kind::Entity, hash)
            .filter(|e| n.versions.contains(e))
            .ok_or_else(FsErr::entity_not_exist),
        None => Ok(n.primary.unwrap_or(NO_ENTITY)),
    }
}

/// The expiry of the URL for (entity, name): a cached one while it is fresh enough, else a new
/// one an hour from now.
fn url_expiry(store: &mut Store, entity: u64, name: &str, no_cache: bool) -> Time {
    let now = Utc::now();
    let key = (entity, name.to_string());
    if !no_cache
        && let Some(exp) = store.downloads.url_expiry.get(&key)
        && (*exp - now).num_seconds() > URL_REUSE_MARGIN_SECS
    {
        return *exp;
    }
    let exp = now + chrono::Duration::seconds(URL_TTL_SECS);
    store.downloads.url_expiry.insert(key, exp);
    exp
}

async fn file_url(
    State(state): State<AppState>,
    viewer: super::auth::MaybeUser,
    JsonBody(req): JsonBody<UrlReq>,
) -> ApiResult {
    let Some(uris) = req.uris.clone() else {
        return Err(ApiErr::param("Uris cannot be empty"));
    };
    if uris.len() > MAX_BATCH {
        return Err(ApiErr::new(
            40074,
            format!("Maximum allowed batch size: {MAX_BATCH}"),
        ));
    }
    if req.archive {
        return archive_url(&state, viewer.0, &uris);
    }
    let mut urls = Vec::with_capacity(uris.len());
    let mut failures = Batch::default();
    let mut earliest: Option<Time> = None;
    {
        let mut store = state.lock();
        for raw in &uris {
            let resolved = resolve_for_download(&mut store, viewer.0, raw).and_then(|node| {
                entity_for(&store, node, req.entity.as_deref()).map(|e| (node, e))
            });
            match resolved {
                Ok((node, entity)) => {
                    let name = store
                        .files
                        .get(&node)
                        .map(|n| n.name.clone())
                        .unwrap_or_default();
                    let exp = url_expiry(&mut store, entity, &name, req.no_cache);
                    earliest = Some(earliest.map_or(exp, |e| e.min(exp)));
                    let hash = ids::encode(Kind::Entity, entity);
                    // Object storages hand out presigned URLs on the storage itself (§5.5.8);
                    // a placeholder's "no blob" stays on Cloudreve's route (C3-042).
                    // …and remote policies signed URLs on the node (§5.6.4).
                    let url = if state.cfg.policy.is_s3_like() && entity != NO_ENTITY {
                        super::storage::download_url(&state, &hash, &name, req.download, exp)
                    } else if state.cfg.policy == super::storage::PolicyKind::Remote
                        && entity != NO_ENTITY
                    {
                        super::storage::node_download_url(&state, &hash, &name, req.download, exp)
                    } else {
                        content_url(&state, &hash, &name, req.download, exp)
                    };
                    urls.push(url);
                }
                Err(e) => {
                    // With `skip_error` a failed item gets an empty URL (C2-343).
                    urls.push(String::new());
                    failures.add(raw.clone(), e);
                }
            }
        }
    }
    if !req.skip_error {
        failures.finish()?;
    }
    // With one URI, `redirect` answers 302 to it with an empty body (C2-339); with several it is
    // ignored (C2-340).
    if req.redirect && urls.len() == 1 && !urls[0].is_empty() {
        return Ok(redirect(&urls[0]));
    }
    let urls: Vec<Value> = urls.into_iter().map(|u| json!({"url": u})).collect();
    ok(json!({"urls": urls, "expires": earliest.map(|e| ts(&e))}))
}

fn redirect(location: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

/// `archive: true`: one signed URL that streams a zip of every URI. The default User group may
/// not download folders as zip (40007 with an empty message, C2-349).
fn archive_url(state: &Demo, viewer: Option<u64>, uris: &[String]) -> ApiResult {
    let mut store = state.lock();
    let allowed = viewer
        .and_then(|u| store.user(u))
        .is_some_and(|u| u.group.is_admin());
    if !allowed {
        return Err(ApiErr::new(40007, ""));
    }
    let mut nodes = Vec::with_capacity(uris.len());
    let mut failures = Batch::default();
    for raw in uris {
        match resolve_for_download(&mut store, viewer, raw) {
            Ok(node) => nodes.push(node),
            Err(e) => failures.add(raw.clone(), e),
        }
    }
    failures.finish()?;
    let now = Utc::now();
    store.downloads.archives.retain(|_, a| a.expires > now);
    let id = uuid::Uuid::new_v4().to_string();
    let expires = now + chrono::Duration::seconds(ARCHIVE_TTL_SECS);
    store
        .downloads
        .archives
        .insert(id.clone(), archive::ArchiveSession { nodes, expires });
    drop(store);
    let url = state.url(&sign_path(state, &archive_path(&id), expires));
    ok(json!({"urls": [{"url": url}], "expires": ts(&expires)}))
}

// ---- GET/HEAD /file/content/:entity/:speed/:name ---------------------------------------------

#[derive(Debug, Deserialize)]
struct SignQuery {
    sign: Option<String>,
    download: Option<String>,
}

/// Errors of the signed routes are envelopes with HTTP 200 (C2-335, C2-336, C2-528).
fn sign_error(code: i64, msg: &str) -> Response {
    ApiErr::new(code, msg).into_response()
}

/// `Content-Type` by extension, as Go's `mime.TypeByExtension` gives it on a typical Linux
/// host (text types carry `charset=utf-8`, C2-338); anything else is a byte stream (C2-351).
pub fn content_type_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "text" | "log" => "text/plain; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "htm" | "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "text/xml; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "avif" => "image/avif",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// `attachment; filename="…"`, with an RFC 5987 `filename*` for non-ASCII names whose plain
/// form replaces each non-ASCII character with `_` (32_upload_names "download_unicode_name").
pub fn content_disposition(name: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    if name.is_ascii() {
        format!("attachment; filename=\"{plain}\"")
    } else {
        format!(
            "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
            utf8_percent_encode(name, ATTR_CHAR)
        )
    }
}

/// What the content route serves.
pub(crate) struct Blob {
    pub(crate) etag: String,
    size: u64,
    /// `None` for the "no blob" entity of content-less files (C2-378).
    path: Option<std::path::PathBuf>,
}

/// The blob behind an entity id; `None` when it no longer exists (40077, C2-528).
pub(crate) fn find_blob(state: &Demo, entity_hash: &str) -> Option<Blob> {
    let entity = ids::decode(Kind::Entity, entity_hash)?;
    let etag = format!("\"{entity_hash}\"");
    if entity == NO_ENTITY {
        return Some(Blob {
            etag,
            size: 0,
            path: None,
        });
    }
    let store = state.lock();
    let e = store.entities.get(&entity)?;
    Some(Blob {
        etag,
        size: e.size,
        path: Some(state.blob_path(entity)),
    })
}

async fn serve_content(
    State(state): State<AppState>,
    Path((entity, speed, name)): Path<(String, String, String)>,
    Q(query): Q<SignQuery>,
    headers: HeaderMap,
) -> Response {
    let sign = query.sign.unwrap_or_default();
    if let Err((code, msg)) = verify_signature(&state, &content_path(&entity, &speed, &name), &sign)
    {
        return sign_error(code, msg);
    }
    let Some(blob) = find_blob(&state, &entity) else {
        return sign_error(40077, "Entity not exist");
    };
    let attachment = matches!(query.download.as_deref(), Some("true") | Some("1"));
    respond_with_blob(&blob, content_headers(&name, attachment), &name, &headers).await
}

/// The headers Cloudreve (and a slave node) put on file content besides ETag, length and type
/// (§6.2, C3-111).
pub(crate) fn content_headers(name: &str, attachment: bool) -> HeaderMap {
    let mut base = HeaderMap::new();
    base.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    if attachment && let Ok(v) = HeaderValue::from_str(&content_disposition(name)) {
        base.insert(header::CONTENT_DISPOSITION, v);
    }
    base.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    base
}

/// Serves a blob with `base` headers plus ETag, conditional requests and Range (§6.2); also
/// used by the emulated object storage for its presigned GET URLs.
pub(crate) async fn respond_with_blob(
    blob: &Blob,
    mut base: HeaderMap,
    name: &str,
    headers: &HeaderMap,
) -> Response {
    if let Ok(v) = HeaderValue::from_str(&blob.etag) {
        base.insert(header::ETAG, v);
    }
    let header_str = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    if let Some(inm) = header_str(header::IF_NONE_MATCH)
        && etag_matches(inm, &blob.etag, true)
    {
        return (StatusCode::NOT_MODIFIED, base).into_response();
    }
    let content_type = content_type_for(name);
    // `If-Range` with another tag means the client's copy is stale: send everything (C2-334).
    let range_header = header_str(header::RANGE).filter(|_| {
        header_str(header::IF_RANGE).is_none_or(|tag| etag_matches(tag, &blob.etag, false))
    });
    let ranges = match range_header.map(|r| parse_range(r, blob.size)) {
        None => Vec::new(),
        Some(Ok(r)) => r,
        Some(Err(e)) => return unsatisfiable(base, e, blob.size),
    };
    base.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    base.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let total: u64 = ranges.iter().map(|r| r.len).sum();
    // Go sends the whole body when the ranges add up to more than the content.
    let result = match ranges.as_slice() {
        [] => full_body(base, blob).await,
        _ if total > blob.size => full_body(base, blob).await,
        [one] => single_range(base, blob, *one).await,
        many => multi_range(base, blob, many, content_type).await,
    };
    result.unwrap_or_else(|_| sign_error(40077, "Entity not exist"))
}

fn unsatisfiable(mut headers: HeaderMap, err: RangeError, size: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
        headers.insert(header::CONTENT_RANGE, v);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    (StatusCode::RANGE_NOT_SATISFIABLE, headers, err.body()).into_response()
}

/// Opens the blob positioned at `start`, limited to `len` bytes, as a body stream.
async fn open_slice(blob: &Blob, start: u64, len: u64) -> std::io::Result<Body> {
    let Some(path) = &blob.path else {
        return Ok(Body::empty());
    };
    let mut file = tokio::fs::File::open(path).await?;
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start)).await?;
    }
    Ok(Body::from_stream(ReaderStream::new(file.take(len))))
}

fn with_length(mut headers: HeaderMap, len: u64) -> HeaderMap {
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers
}

async fn full_body(headers: HeaderMap, blob: &Blob) -> std::io::Result<Response> {
    let body = open_slice(blob, 0, blob.size).await?;
    Ok((StatusCode::OK, with_length(headers, blob.size), body).into_response())
}

async fn single_range(
    mut headers: HeaderMap,
    blob: &Blob,
    r: ByteRange,
) -> std::io::Result<Response> {
    if let Ok(v) = HeaderValue::from_str(&r.content_range(blob.size)) {
        headers.insert(header::CONTENT_RANGE, v);
    }
    let body = open_slice(blob, r.start, r.len).await?;
    Ok((
        StatusCode::PARTIAL_CONTENT,
        with_length(headers, r.len),
        body,
    )
        .into_response())
}

/// `multipart/byteranges` (C2-329), streamed part by part.
async fn multi_range(
    mut headers: HeaderMap,
    blob: &Blob,
    ranges: &[ByteRange],
    content_type: &str,
) -> std::io::Result<Response> {
    let boundary = super::store::hex(&rand::random::<[u8; 30]>());
    let framing = range::Multipart::new(boundary, ranges, blob.size, content_type);
    let len = framing.body_len(ranges);
    let mut parts = Vec::with_capacity(ranges.len() * 2 + 1);
    for (head, r) in framing.part_heads.iter().zip(ranges) {
        parts.push(Body::from(head.clone()).into_data_stream());
        parts.push(open_slice(blob, r.start, r.len).await?.into_data_stream());
    }
    parts.push(Body::from(framing.tail.clone()).into_data_stream());
    let stream = futures_util::stream::iter(parts).flatten();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "multipart/byteranges; boundary={}",
        framing.boundary
    )) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    Ok((
        StatusCode::PARTIAL_CONTENT,
        with_length(headers, len),
        Body::from_stream(stream),
    )
        .into_response())
}

// ---- GET /file/archive/:sessionId/archive.zip ------------------------------------------------

async fn serve_archive(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    Q(query): Q<SignQuery>,
) -> Response {
    let sign = query.sign.unwrap_or_default();
    if let Err((code, msg)) = verify_signature(&state, &archive_path(&session_id), &sign) {
        return sign_error(code, msg);
    }
    let entries = {
        let store = state.lock();
        match store.downloads.archives.get(&session_id) {
            Some(a) if a.expires > Utc::now() => archive::collect_entries(&state, &store, &a.nodes),
            _ => return sign_error(40016, "Path not exist"),
        }
    };
    // The zip crate needs a seekable sink: build the archive in an anonymous temporary file,
    // then stream that file (no whole archive in memory).
    let dir = state.data_dir.join("uploads");
    let built = tokio::task::spawn_blocking(move || {
        let file = tempfile::tempfile_in(dir)?;
        let mut file = archive::write_zip(&entries, file).map_err(std::io::Error::other)?;
        std::io::Seek::rewind(&mut file)?;
        Ok::<_, std::io::Error>(file)
    })
    .await;
    let file = match built {
        Ok(Ok(f)) => tokio::fs::File::from_std(f),
        _ => return sign_error(-1, ""),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment;"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    (
        StatusCode::OK,
        headers,
        Body::from_stream(ReaderStream::new(file)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition() {
        assert_eq!(
            content_disposition("hello.txt"),
            "attachment; filename=\"hello.txt\""
        );
        assert_eq!(
            content_disposition("日本語-éè.txt"),
            "attachment; filename=\"___-__.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E-%C3%A9%C3%A8.txt"
        );
        assert_eq!(
            content_disposition("a\"b"),
            "attachment; filename=\"a\\\"b\""
        );
    }

    #[tokio::test]
    async fn content_route_serves_ranges_and_refuses_bad_signatures() {
        let demo = super::super::start(Default::default()).await.unwrap();
        let (user, root) = {
            let mut store = demo.state.lock();
            let user = store.create_user("dl@example.test", "Passw0rd!", None);
            (user, store.user(user).unwrap().root)
        };
        let file = super::super::upload::write_new_file(
            &demo.state,
            user,
            root,
            "hello.txt",
            b"hello conformance",
        )
        .unwrap();
        let entity = demo.state.lock().files[&file].primary.unwrap();
        let hash = ids::encode(Kind::Entity, entity);
        let expires = Utc::now() + chrono::Duration::hours(1);
        let url = content_url(&demo.state, &hash, "hello.txt", true, expires);
        let http = reqwest::Client::new();

        let part = http
            .get(&url)
            .header("Range", "bytes=6-16")
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), 206);
        assert_eq!(part.headers()["content-range"], "bytes 6-16/17");
        assert_eq!(
            part.headers()["content-disposition"],
            "attachment; filename=\"hello.txt\""
        );
        assert_eq!(part.text().await.unwrap(), "conformance");

        let outside = http
            .get(&url)
            .header("Range", "bytes=99-")
            .send()
            .await
            .unwrap();
        assert_eq!(outside.status(), 416);
        assert_eq!(outside.headers()["content-range"], "bytes */17");

        let tampered = url.replace("sign=", "sign=x");
        let body: Value = http
            .get(&tampered)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["code"], 40071);
        let path = format!("{}/api/v4/file/content/{hash}/0/hello.txt", demo.base_url());
        let old: Value = http
            .get(&path)
            .query(&[("sign", "bad:1")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(old["code"], 40005);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("hello.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type_for("todo.md"), "text/markdown; charset=utf-8");
        assert_eq!(content_type_for("a.bin"), "application/octet-stream");
        assert_eq!(
            content_type_for("1_x_grad.png._thumb"),
            "application/octet-stream"
        );
        assert_eq!(content_type_for("Makefile"), "application/octet-stream");
    }
}
