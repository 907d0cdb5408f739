//! Storage policies of the demo server and the emulated storage behind them.
//!
//! `DemoConfig::policy` picks the one policy every upload uses. For `local` and `relay` the
//! bytes go to Cloudreve's own chunk route (files-and-transfers.md §4); for every other type
//! the session answer points at a second listener, the "storage host", which plays just the
//! storage side of that policy's flow (§5.1, §5.2): an S3-style multipart upload with
//! presigned part URLs (s3, ks3, cos, oss, obs), a slave node (remote), a OneDrive upload
//! session, Qiniu multipart v2 and the Upyun form API. Where the real storage calls Cloudreve
//! back, the emulator does so over HTTP on the demo's own `/api/v4/callback/...` routes.
//!
//! Storage-side bytes live in `<data dir>/storage/<session id>/` (`part-<n>`, `object`).

pub mod callback;
#[cfg(test)]
mod http_tests;
mod node;
mod onedrive;
mod qiniu;
mod s3like;
mod upyun;

use super::store::Time;
use super::upload::UploadSession;
use super::{AppState, Demo};
use axum::Router;
use axum::routing::{post, put};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;

/// The storage policy the demo offers to uploads (`reve serve-demo --policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PolicyKind {
    /// The built-in local policy (the default; conformance answers are the real server's).
    #[default]
    Local,
    /// An S3 policy with "relay" on: chunks go through Cloudreve like local ones.
    Relay,
    /// A slave node.
    Remote,
    S3,
    Ks3,
    Cos,
    Oss,
    Obs,
    #[value(name = "onedrive")]
    OneDrive,
    Qiniu,
    Upyun,
}

impl PolicyKind {
    /// `storage_policy.type` on the wire.
    pub fn wire_type(self) -> &'static str {
        match self {
            PolicyKind::Local => "local",
            PolicyKind::Relay | PolicyKind::S3 => "s3",
            PolicyKind::Remote => "remote",
            PolicyKind::Ks3 => "ks3",
            PolicyKind::Cos => "cos",
            PolicyKind::Oss => "oss",
            PolicyKind::Obs => "obs",
            PolicyKind::OneDrive => "onedrive",
            PolicyKind::Qiniu => "qiniu",
            PolicyKind::Upyun => "upyun",
        }
    }

    /// Chunks go to Cloudreve's `POST /file/upload/:id/:index`.
    pub fn through_cloudreve(self) -> bool {
        matches!(self, PolicyKind::Local | PolicyKind::Relay)
    }

    /// An S3-compatible multipart upload with presigned part URLs.
    pub fn is_s3_like(self) -> bool {
        matches!(
            self,
            PolicyKind::S3 | PolicyKind::Ks3 | PolicyKind::Cos | PolicyKind::Oss | PolicyKind::Obs
        )
    }

    /// The storage (not the client) calls `POST /callback/<type>/…` when the object is complete.
    pub fn storage_calls_back(self) -> bool {
        matches!(
            self,
            PolicyKind::Oss | PolicyKind::Obs | PolicyKind::Qiniu | PolicyKind::Upyun
        )
    }

    /// The policy's chunk target writes into a pre-allocated part file (local, relay, and the
    /// emulated node, which pre-allocates so chunks may come in any order).
    pub fn preallocates(self) -> bool {
        self.through_cloudreve() || self == PolicyKind::Remote
    }

    /// The public view of the policy (§1.4). The local one is exactly the real default
    /// policy's; the others add what their flow needs.
    pub fn policy_json(self) -> Value {
        let mut v = json!({
            "id": super::ids::encode(super::ids::Kind::Policy, super::files::DEFAULT_POLICY),
            "name": self.display_name(),
            "type": self.wire_type(),
            "max_size": 0,
        });
        if self == PolicyKind::Local {
            return v;
        }
        // The captured s3 and remote policies show just these four fields (C3-012, C3-102):
        // `relay` and `chunk_concurrency` are left out unless set.
        if let Some(m) = v.as_object_mut() {
            if self == PolicyKind::Relay {
                m.insert("relay".into(), json!(true));
            }
            // OneDrive takes the ranges of a session strictly in order.
            if self == PolicyKind::OneDrive {
                m.insert("chunk_concurrency".into(), json!(1));
            }
        }
        v
    }

    fn display_name(self) -> &'static str {
        match self {
            PolicyKind::Local => "Default storage policy",
            PolicyKind::Relay => "S3 relay demo policy",
            PolicyKind::Remote => "Remote node demo policy",
            PolicyKind::S3 => "S3 demo policy",
            PolicyKind::Ks3 => "KS3 demo policy",
            PolicyKind::Cos => "COS demo policy",
            PolicyKind::Oss => "OSS demo policy",
            PolicyKind::Obs => "OBS demo policy",
            PolicyKind::OneDrive => "OneDrive demo policy",
            PolicyKind::Qiniu => "Qiniu demo policy",
            PolicyKind::Upyun => "Upyun demo policy",
        }
    }
}

pub use node::download_url as node_download_url;
pub use s3like::download_url;

/// The bucket every emulated object storage uses.
pub const BUCKET: &str = "reve-demo";

/// One part the storage holds.
#[derive(Debug, Clone)]
pub struct StoredPart {
    /// Hex MD5 of the part's bytes (without quotes).
    pub md5: String,
    pub len: u64,
}

/// The storage side of one upload session.
#[derive(Debug, Clone, Default)]
pub struct StorageUpload {
    /// The multipart upload id (S3-like, Qiniu).
    pub upload_id: String,
    pub parts: BTreeMap<u32, StoredPart>,
    /// The object exists in full (`<dir>/object`): completion or the last range arrived.
    pub completed: bool,
    /// OneDrive: the next byte the session expects.
    pub next_offset: u64,
    /// OneDrive: a range is being written.
    pub busy: bool,
}

/// The emulated storage host: its address, its signing key and the uploads it knows.
pub struct StorageHost {
    /// Where the storage listener accepts connections (`None` for local and relay).
    pub addr: Option<SocketAddr>,
    /// Where the demo's own API listens, for the callbacks the storage makes.
    pub api_addr: SocketAddr,
    /// Host name for storage URLs (the site URL's host when one is configured, so clients
    /// that reach the demo under that name reach its storage too).
    public_host: Option<String>,
    /// Signs presigned URLs, node credentials, upload tokens and storage callbacks; it never
    /// leaves the demo.
    key: String,
    uploads: Mutex<HashMap<String, StorageUpload>>,
    /// Sessions cancelled after their object was completed (session id → callback secret):
    /// their callback answers 40016 instead of 40011 (C3-045).
    cancelled_complete: Mutex<HashMap<String, String>>,
    http: reqwest::Client,
}

impl StorageHost {
    pub fn new(addr: Option<SocketAddr>, api_addr: SocketAddr) -> StorageHost {
        StorageHost {
            addr,
            public_host: None,
            api_addr: loopback_if_unspecified(api_addr),
            key: super::store::random_token(32),
            uploads: Mutex::new(HashMap::new()),
            cancelled_complete: Mutex::new(HashMap::new()),
            http: reqwest::Client::new(),
        }
    }

    /// Storage URLs name `host` (with the storage listener's port).
    pub fn with_public_host(mut self, host: Option<String>) -> StorageHost {
        self.public_host = host;
        self
    }

    /// Base URL of the storage listener, without a trailing slash.
    pub fn base_url(&self) -> String {
        match (self.addr, &self.public_host) {
            (Some(a), Some(host)) => format!("http://{host}:{}", a.port()),
            (Some(a), None) => format!("http://{}", loopback_if_unspecified(a)),
            (None, _) => String::new(),
        }
    }

    fn uploads(&self) -> std::sync::MutexGuard<'_, HashMap<String, StorageUpload>> {
        self.uploads.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// HMAC-SHA256 over the fields (newline-separated) with the storage key.
    pub fn mac(&self, fields: &[&str]) -> Vec<u8> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.key.as_bytes()).expect("HMAC takes any key length");
        mac.update(fields.join("\n").as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn mac_b64(&self, fields: &[&str]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.mac(fields))
    }

    pub fn mac_hex(&self, fields: &[&str]) -> String {
        hex(&self.mac(fields))
    }

    /// The value of the `Authorization` header the storage puts on its callbacks.
    pub fn callback_auth(&self, kind: PolicyKind, session_id: &str) -> String {
        format!(
            "ReveStorage {}",
            self.mac_b64(&["callback", kind.wire_type(), session_id])
        )
    }
}

fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets without an early exit.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Demo {
    /// Where the storage keeps the bytes of session `id`.
    pub fn storage_dir(&self, session_id: &str) -> PathBuf {
        self.data_dir.join("storage").join(session_id)
    }

    pub fn storage_object(&self, session_id: &str) -> PathBuf {
        self.storage_dir(session_id).join("object")
    }
}

/// The storage routes (served on the storage listener).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v4/slave/upload/{session_id}", post(node::chunk))
        .route(
            "/api/v4/slave/file/content/0/{entity}/0/{name}",
            axum::routing::get(node::content),
        )
        .route(
            &format!("/{BUCKET}/uploads/{{session_id}}"),
            put(s3like::put_part).post(s3like::complete),
        )
        .route(
            &format!("/{BUCKET}/blobs/{{entity}}/{{name}}"),
            axum::routing::get(s3like::get_object),
        )
        .route(
            "/onedrive/upload/{session_id}",
            put(onedrive::put_range).get(onedrive::status),
        )
        .route(
            &format!("/buckets/{BUCKET}/objects/{{key}}/uploads/{{upload_id}}"),
            post(qiniu::complete),
        )
        .route(
            &format!("/buckets/{BUCKET}/objects/{{key}}/uploads/{{upload_id}}/{{part}}"),
            put(qiniu::put_part),
        )
        .route(
            &format!("/{BUCKET}"),
            // The whole file arrives in this one form: no body limit (the policy bounds it).
            post(upyun::form_upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .with_state(state)
}

/// Registers the storage side of a new session and returns the fields its session answer
/// adds (`upload_id`, `upload_urls`, `credential`, `completeURL`, …).
pub fn open(state: &Demo, session: &UploadSession) -> Map<String, Value> {
    let policy = state.cfg.policy;
    let mut upload = StorageUpload::default();
    let fields = match policy {
        PolicyKind::Local | PolicyKind::Relay => return Map::new(),
        PolicyKind::Remote => node::session_fields(state, session),
        PolicyKind::OneDrive => onedrive::session_fields(state, session),
        PolicyKind::Qiniu => {
            upload.upload_id = uuid::Uuid::new_v4().simple().to_string();
            qiniu::session_fields(state, session, &upload.upload_id)
        }
        PolicyKind::Upyun => upyun::session_fields(state, session),
        _ => {
            upload.upload_id = super::store::random_token(48);
            s3like::session_fields(state, session, &upload.upload_id)
        }
    };
    let _ = std::fs::create_dir_all(state.storage_dir(&session.id));
    state.storage.uploads().insert(session.id.clone(), upload);
    fields
}

/// Ends the storage side of sessions (cancel, expiry, completion): later storage requests for
/// them fail like an aborted upload; their bytes are deleted.
pub fn forget(state: &Demo, session_ids: &[String]) {
    let mut uploads = state.storage.uploads();
    for id in session_ids {
        uploads.remove(id);
    }
    drop(uploads);
    for id in session_ids {
        let _ = std::fs::remove_dir_all(state.storage_dir(id));
    }
}

/// Remembers a session cancelled after the client completed its object (§5.5.6).
pub fn remember_cancelled_complete(state: &Demo, session_id: &str, secret: &str) {
    state
        .storage
        .cancelled_complete
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(session_id.to_string(), secret.to_string());
}

/// The callback secret of a session cancelled after completion, if it is one.
pub fn cancelled_complete_secret(state: &Demo, session_id: &str) -> Option<String> {
    state
        .storage
        .cancelled_complete
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(session_id)
        .cloned()
}

/// The object of session `id` was completed at the storage (before its callback).
pub fn is_completed(state: &Demo, session_id: &str) -> bool {
    state
        .storage
        .uploads()
        .get(session_id)
        .is_some_and(|u| u.completed)
}

/// The storage calls Cloudreve back (OSS, OBS, Qiniu, Upyun): `POST
/// /api/v4/callback/<type>/<session>/<secret>`, signed with the storage key. Returns the HTTP
/// status and body of Cloudreve's answer; the storage passes a failure on to its client.
pub async fn call_back(state: &Demo, session_id: &str) -> Result<(u16, String), String> {
    let policy = state.cfg.policy;
    let secret = state
        .lock()
        .uploads
        .get(session_id)
        .map(|s| s.callback_secret.clone())
        .ok_or_else(|| "upload session is gone".to_string())?;
    let url = format!(
        "http://{}/api/v4/callback/{}/{}/{}",
        state.storage.api_addr,
        policy.wire_type(),
        session_id,
        secret
    );
    let resp = state
        .storage
        .http
        .post(url)
        .header(
            reqwest::header::AUTHORIZATION,
            state.storage.callback_auth(policy, session_id),
        )
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp.text().await.map_err(|e| e.to_string())?;
    Ok((status, body))
}

/// A Cloudreve envelope with code 0.
pub fn callback_succeeded(status: u16, body: &str) -> bool {
    status == 200
        && serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.get("code").and_then(Value::as_i64))
            == Some(0)
}

/// The expiry of a session as a signing timestamp.
pub fn expiry_secs(expires: Time) -> i64 {
    expires.timestamp()
}

/// Streams a request body into a new file, returning (bytes written, hex MD5). Fails when the
/// connection ends early or the disk refuses.
pub async fn stream_to_file(
    body: axum::body::Body,
    path: &std::path::Path,
    limit: u64,
) -> Result<(u64, String), String> {
    use futures_util::StreamExt;
    use md5::Digest;
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| e.to_string())?;
    let mut stream = body.into_data_stream();
    let mut hasher = md5::Md5::new();
    let mut written = 0u64;
    while let Some(frame) = stream.next().await {
        let bytes = frame.map_err(|e| e.to_string())?;
        written += bytes.len() as u64;
        if written > limit {
            return Err("body larger than declared".into());
        }
        hasher.update(&bytes);
        file.write_all(&bytes).await.map_err(|e| e.to_string())?;
    }
    file.flush().await.map_err(|e| e.to_string())?;
    Ok((written, hex(&hasher.finalize())))
}

/// The `Content-Length` a request declares.
pub fn content_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Concatenates the listed parts into `<dir>/object` (via a temporary file) and marks the
/// object complete, on a blocking thread (`std::io::copy` lets the kernel copy file to file).
/// The job runs to its end even when the client disconnects, so the upload is either still
/// open with its parts or completed. Fails when the upload was aborted meanwhile.
pub async fn assemble(state: &AppState, session_id: &str, parts: &[u32]) -> std::io::Result<u64> {
    let state = state.clone();
    let session_id = session_id.to_string();
    let parts = parts.to_vec();
    tokio::task::spawn_blocking(move || assemble_blocking(&state, &session_id, &parts))
        .await
        .map_err(std::io::Error::other)?
}

fn assemble_blocking(state: &Demo, session_id: &str, parts: &[u32]) -> std::io::Result<u64> {
    let dir = state.storage_dir(session_id);
    let tmp = dir.join(format!("object.tmp-{}", uuid::Uuid::new_v4().simple()));
    let copied = (|| {
        let mut out = std::fs::File::create(&tmp)?;
        let mut total = 0u64;
        for n in parts {
            let mut part = std::fs::File::open(dir.join(format!("part-{n}")))?;
            total += std::io::copy(&mut part, &mut out)?;
        }
        Ok::<u64, std::io::Error>(total)
    })();
    let total = match copied {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, state.storage_object(session_id))?;
    if !mark_completed(state, session_id) {
        return Err(std::io::Error::other("the multipart upload was aborted"));
    }
    for n in parts {
        let _ = std::fs::remove_file(dir.join(format!("part-{n}")));
    }
    Ok(total)
}

/// Marks the object of `session_id` complete; `false` when the upload was aborted meanwhile.
pub fn mark_completed(state: &Demo, session_id: &str) -> bool {
    match state.storage.uploads().get_mut(session_id) {
        Some(u) => {
            u.completed = true;
            true
        }
        None => false,
    }
}

/// Looks up the storage side of a session.
pub fn upload(state: &Demo, session_id: &str) -> Option<StorageUpload> {
    state.storage.uploads().get(session_id).cloned()
}

/// Records a received part; `false` when the upload is gone (aborted or completed).
pub fn record_part(state: &Demo, session_id: &str, number: u32, part: StoredPart) -> bool {
    match state.storage.uploads().get_mut(session_id) {
        Some(u) if !u.completed => {
            u.parts.insert(number, part);
            true
        }
        _ => false,
    }
}

/// The Cloudreve session behind a storage request, if it is still open.
pub fn live_session(state: &Demo, session_id: &str) -> Option<UploadSession> {
    state
        .lock()
        .uploads
        .get(session_id)
        .filter(|s| s.expires > chrono::Utc::now())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_policy_json_is_the_real_default() {
        let v = PolicyKind::Local.policy_json();
        assert_eq!(
            v,
            json!({"id": v["id"], "name": "Default storage policy", "type": "local", "max_size": 0})
        );
        let relay = PolicyKind::Relay.policy_json();
        assert_eq!(
            (relay["type"].as_str(), relay["relay"].as_bool()),
            (Some("s3"), Some(true))
        );
        assert_eq!(PolicyKind::OneDrive.policy_json()["chunk_concurrency"], 1);
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
