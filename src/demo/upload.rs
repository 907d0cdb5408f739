//! Upload sessions (local policy), chunks, cancel, `PUT /file/content`, versions, storage callbacks.
//!
//! The protocol of files-and-transfers.md §4: `PUT /file/upload` creates a session together with a
//! locked placeholder file; chunks go to `POST /file/upload/:id/:index` in any order (the policy
//! pre-allocates the file, so every chunk is written at its own offset of
//! `Demo::upload_path(session)`); the request that delivers the last missing index turns the
//! placeholder into the final file. `DELETE /file/upload` cancels.
//!
//! Other areas create content through [`write_new_file`] and [`write_version`].

mod commit;
mod content;
mod rules;

pub use commit::{
    Committed, Slot, commit_version, create_parents, find_slot, forget_entities, remove_blob_files,
    retention_limit, stage_body, versions_to_drop, write_new_file, write_version,
};
pub(crate) use commit::{discard_body, write_body_at};
pub use rules::{check_metadata, check_name, check_unlocked, parse_target_uri};

use super::events::{ChangeKind, FileChange};
use super::files::DEFAULT_POLICY;
use super::http::{ApiErr, ApiResult, Body as JsonBody, ClientId, ok, ok_empty};
use super::ids::{self, Kind};
use super::storage;
use super::store::{self, Lock, NO_ENTITY, Store, Time};
use super::{AppState, Demo};
use crate::api::uri::CrUri;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Metadata key that marks an unfinished upload's placeholder (§1.7).
pub const SESSION_META_KEY: &str = "sys:upload_session_id";

/// What a session writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A new file: the session created the placeholder node.
    NewFile,
    /// A new version of an existing file (`entity_type: "version"`).
    Version,
}

/// One pending upload.
#[derive(Debug, Clone)]
pub struct UploadSession {
    pub id: String,
    pub owner: u64,
    /// The placeholder (new file) or the existing file (version).
    pub node: u64,
    /// The normalised target URI; chunks check the node is still there (C2-372).
    pub uri: CrUri,
    pub size: u64,
    pub chunk_size: u64,
    pub expires: Time,
    pub received: BTreeSet<u64>,
    /// The client's `last_modified`, which becomes `updated_at` on completion.
    pub last_modified: Option<Time>,
    pub kind: SessionKind,
    pub lock_token: String,
    pub callback_secret: String,
    /// Client metadata applied to the file on completion (for versions).
    pub metadata: BTreeMap<String, String>,
    /// The client's `mime_type`, which object storages store with the object.
    pub mime_type: Option<String>,
}

impl UploadSession {
    pub fn chunk_count(&self) -> u64 {
        chunk_count(self.size, self.chunk_size)
    }

    fn is_complete(&self) -> bool {
        self.received.len() as u64 >= self.chunk_count()
    }
}

/// Pending upload sessions.
#[derive(Debug, Default)]
pub struct UploadStore {
    sessions: HashMap<String, UploadSession>,
}

impl UploadStore {
    pub fn get(&self, id: &str) -> Option<&UploadSession> {
        self.sessions.get(id)
    }

    /// The pending session that targets `node`, if any.
    pub fn session_for_node(&self, node: u64) -> Option<&UploadSession> {
        self.sessions.values().find(|s| s.node == node)
    }
}

/// Number of chunks of an upload: `max(1, ceil(size / chunk_size))` (§4.1); a chunk size of 0
/// means "everything in one request".
pub fn chunk_count(size: u64, chunk_size: u64) -> u64 {
    if chunk_size == 0 {
        return 1;
    }
    size.div_ceil(chunk_size).max(1)
}

/// Exact length of chunk `index`, or `None` when the index lies beyond the file (40012).
pub fn chunk_len(size: u64, chunk_size: u64, index: u64) -> Option<u64> {
    if index >= chunk_count(size, chunk_size) {
        return None;
    }
    if chunk_size == 0 {
        return Some(size);
    }
    let start = index * chunk_size;
    Some((size - start).min(chunk_size))
}

impl Store {
    /// Drops upload sessions whose time is up and releases their locks; the placeholders stay
    /// (C2-479). Returns the ids of the dropped sessions (their part files can be deleted).
    pub fn purge_expired_uploads(&mut self, now: Time) -> Vec<String> {
        let expired: Vec<String> = self
            .uploads
            .sessions
            .values()
            .filter(|s| s.expires <= now)
            .map(|s| s.id.clone())
            .collect();
        for id in &expired {
            if let Some(s) = self.uploads.sessions.remove(id) {
                self.locks.remove(&s.lock_token);
            }
        }
        expired
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/file/upload", put(create_session).delete(cancel_session))
        .route("/file/upload/{session_id}/{index}", post(upload_chunk))
        .merge(content::routes())
        .merge(callback_routes())
}

/// Deletes part files of sessions that no longer exist (outside the store lock), and their
/// storage side (aborting an emulated multipart upload).
fn remove_part_files(state: &Demo, ids: &[String]) {
    for id in ids {
        let _ = std::fs::remove_file(state.upload_path(id));
    }
    storage::forget(state, ids);
}

/// Purges expired sessions and deletes their part files.
pub(crate) fn expire_sessions(state: &Demo) {
    let expired = state.lock().purge_expired_uploads(Utc::now());
    remove_part_files(state, &expired);
}

fn publish(
    state: &Demo,
    owner: u64,
    file: u64,
    path: Vec<String>,
    kind: ChangeKind,
    origin: ClientId,
) {
    state.events.publish(FileChange {
        owner,
        kind,
        file,
        from: path,
        to: None,
        origin: origin.0,
    });
}

// ---- PUT /file/upload -----------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CreateSessionReq {
    uri: Option<String>,
    size: Option<i64>,
    last_modified: Option<i64>,
    mime_type: Option<String>,
    policy_id: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    entity_type: Option<String>,
    previous: Option<String>,
    #[allow(dead_code)]
    encryption_supported: Option<Vec<String>>,
}

/// A validated session request.
struct SessionPlan {
    uri: CrUri,
    size: u64,
    kind: SessionKind,
    last_modified: Option<Time>,
    metadata: BTreeMap<String, String>,
    previous: Option<String>,
    mime_type: Option<String>,
}

/// Checks what binding and the service check before touching the tree (§4.2 error table).
fn plan_session(req: CreateSessionReq) -> Result<SessionPlan, ApiErr> {
    let raw_uri = req.uri.unwrap_or_default();
    if raw_uri.is_empty() {
        return Err(ApiErr::param("Uri cannot be empty"));
    }
    // Omitting `size` means 0 (C2-298); negative sizes fail validation (C2-299).
    let size = req.size.unwrap_or(0);
    let size = u64::try_from(size).map_err(|_| ApiErr::param("Size too short"))?;
    let kind = match req.entity_type.as_deref().unwrap_or("") {
        "" => SessionKind::NewFile,
        "version" => SessionKind::Version,
        // Live-photo clips need an image to attach to; the demo policy has none of that.
        "live_photo" => return Err(ApiErr::not_supported()),
        _ => return Err(ApiErr::param("Invalid parameters.")),
    };
    let uri = parse_target_uri(Some(&raw_uri))?;
    if let Some(policy) = req.policy_id.as_deref().filter(|p| !p.is_empty())
        && ids::decode(Kind::Policy, policy) != Some(DEFAULT_POLICY)
    {
        return Err(ApiErr::new(40001, "unknown policy id"));
    }
    let metadata = req.metadata.unwrap_or_default();
    check_metadata(&metadata)?;
    let last_modified = req
        .last_modified
        .and_then(chrono::DateTime::<Utc>::from_timestamp_millis);
    Ok(SessionPlan {
        uri,
        size,
        kind,
        last_modified,
        metadata,
        previous: req.previous.filter(|p| !p.is_empty()),
        mime_type: req.mime_type.filter(|m| !m.is_empty()),
    })
}

async fn create_session(
    State(state): State<AppState>,
    user: super::auth::MaybeUser,
    JsonBody(req): JsonBody<CreateSessionReq>,
) -> ApiResult {
    let plan = plan_session(req)?;
    let user = user.0.ok_or_else(ApiErr::login_required)?;
    expire_sessions(&state);
    let session = {
        let mut store = state.lock();
        open_session(&state, &mut store, user, plan)?
    };
    if state.cfg.policy.preallocates()
        && let Err(e) = preallocate(&state, &session).await
    {
        abort_session(&state, &session.id);
        return Err(e);
    }
    let mut answer = json!({
        "session_id": session.id,
        "upload_id": "",
        "chunk_size": session.chunk_size,
        "expires": session.expires.timestamp(),
        "storage_policy": state.cfg.policy.policy_json(),
        "uri": session.uri.to_string(),
        "callback_secret": session.callback_secret,
    });
    // Other policies add their storage's URLs and credentials (§5.2).
    if let Some(m) = answer.as_object_mut() {
        m.extend(storage::open(&state, &session));
    }
    ok(answer)
}

/// Creates the part file at its full size so chunks can land at any offset (pre-allocation,
/// which the default policy does: out-of-order and parallel chunks work, C2-274…278).
async fn preallocate(state: &Demo, session: &UploadSession) -> Result<(), ApiErr> {
    let fail = |_| ApiErr::new(50004, "Failed to upload file");
    let file = tokio::fs::File::create(state.upload_path(&session.id))
        .await
        .map_err(fail)?;
    file.set_len(session.size).await.map_err(fail)
}

/// Checks the tree and creates the session, its placeholder and its lock.
fn open_session(
    state: &Demo,
    store: &mut Store,
    user: u64,
    plan: SessionPlan,
) -> Result<UploadSession, ApiErr> {
    let slot = find_slot(store, user, &plan.uri)?;
    let mut replaces_placeholder = false;
    if let Some(existing) = slot.existing {
        let node = store
            .files
            .get(&existing)
            .ok_or_else(ApiErr::path_not_exist)?;
        // A file (or a stale placeholder) is only replaced as a new version (C2-292, C2-480);
        // a folder never (C2-295).
        if node.is_folder || plan.kind == SessionKind::NewFile {
            return Err(ApiErr::new(40004, "Object existed"));
        }
        store.check_locks(&[existing])?;
        if let Some(previous) = &plan.previous {
            let current = ids::encode(Kind::Entity, node.primary.unwrap_or(NO_ENTITY));
            if *previous != current {
                return Err(ApiErr::new(40076, "File is updated during your edit"));
            }
        }
        replaces_placeholder =
            node.primary.is_none() && node.metadata.contains_key(SESSION_META_KEY);
    }
    rules::check_quota(store, user, plan.size)?;
    rules::check_blob_name(user, &slot.name)?;

    let now = Utc::now();
    let id = uuid::Uuid::new_v4().to_string();
    let (node, kind, metadata) = match slot.existing {
        Some(existing) => (existing, SessionKind::Version, plan.metadata),
        None => {
            let parent = create_parents(store, user, &slot, now);
            let node = store.insert_node(user, Some(parent), &slot.name, false, now);
            if let Some(n) = store.files.get_mut(&node) {
                n.metadata = plan.metadata;
            }
            (node, SessionKind::NewFile, BTreeMap::new())
        }
    };
    // Placeholders show which session fills them (C2-275); a version session over a stale
    // placeholder takes it over (C2-481).
    if (kind == SessionKind::NewFile || replaces_placeholder)
        && let Some(n) = store.files.get_mut(&node)
    {
        n.metadata.insert(SESSION_META_KEY.to_string(), id.clone());
    }
    let lock_token = uuid::Uuid::new_v4().to_string();
    store.locks.insert(
        lock_token.clone(),
        Lock {
            token: lock_token.clone(),
            file: node,
            app: "upload".into(),
        },
    );
    let mut uri = plan.uri;
    uri.fs_id = None;
    let session = UploadSession {
        id: id.clone(),
        owner: user,
        node,
        uri,
        size: plan.size,
        chunk_size: state.cfg.chunk_size,
        expires: now + state.cfg.upload_session_ttl,
        received: BTreeSet::new(),
        last_modified: plan.last_modified,
        kind,
        lock_token,
        callback_secret: store::random_token(32),
        metadata,
        mime_type: plan.mime_type,
    };
    store.uploads.sessions.insert(id, session.clone());
    Ok(session)
}

/// Undoes a session whose part file could not be created.
fn abort_session(state: &Demo, id: &str) {
    let mut store = state.lock();
    if let Some(s) = store.uploads.sessions.remove(id) {
        store.locks.remove(&s.lock_token);
        if s.kind == SessionKind::NewFile {
            store.remove_tree(s.node);
        }
    }
    drop(store);
    remove_part_files(state, &[id.to_string()]);
}

// ---- POST /file/upload/:id/:index -----------------------------------------------------------

/// The body length a chunk request declares, as Go's `SniffContentLength` reads it:
/// `Content-Length`, else `X-Expected-Entity-Length` for a chunked body (C2-282), else -1.
fn declared_length(headers: &HeaderMap) -> i64 {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    header("content-length")
        .or_else(|| header("x-expected-entity-length"))
        .unwrap_or(-1)
}

/// 40001 "Parameter error" for a non-numeric index (C2-284), "Index too short" for a
/// negative one (C2-283).
fn parse_index(raw: &str) -> Result<u64, ApiErr> {
    let index: i64 = raw.parse().map_err(|_| ApiErr::param("Parameter error"))?;
    u64::try_from(index).map_err(|_| ApiErr::param("Index too short"))
}

/// Where a checked chunk goes.
struct ChunkTarget {
    offset: u64,
    len: u64,
}

/// Who delivers a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChunkRoute {
    /// `POST /file/upload/:id/:index` by this signed-in user (or anonymous).
    Cloudreve(Option<u64>),
    /// The emulated slave node, which checked the session's credential itself.
    Node,
}

/// The checks of a chunk request, in the real server's order.
fn check_chunk(
    store: &Store,
    policy: storage::PolicyKind,
    route: ChunkRoute,
    session_id: &str,
    index: u64,
    declared: i64,
) -> Result<ChunkTarget, ApiErr> {
    // Unknown, finished, cancelled, expired or someone else's: 40011 with an empty message.
    let session = store
        .uploads
        .get(session_id)
        .filter(|s| match route {
            ChunkRoute::Cloudreve(user) => Some(s.owner) == user,
            ChunkRoute::Node => true,
        })
        .filter(|s| s.expires > Utc::now())
        .ok_or_else(|| ApiErr::new(40011, ""))?;
    // A session whose bytes go to a storage takes no chunks here (C3-052, C3-120).
    let route_fits = match route {
        ChunkRoute::Cloudreve(_) => policy.through_cloudreve(),
        ChunkRoute::Node => policy == storage::PolicyKind::Remote,
    };
    if !route_fits {
        return Err(ApiErr::new(40006, ""));
    }
    let len = chunk_len(session.size, session.chunk_size, index)
        .ok_or_else(|| ApiErr::new(40012, "Chunk offset cannot be greater than file size"))?;
    if declared != len as i64 {
        return Err(ApiErr::new(
            40013,
            format!("Invalid Content-Length (expected: {len})"),
        ));
    }
    // A placeholder renamed after a forced unlock cannot be finished (C2-372).
    if store.resolve_own(session.owner, &session.uri).ok() != Some(session.node) {
        return Err(ApiErr::path_not_exist());
    }
    if !store.locks.contains_key(&session.lock_token) {
        return Err(ApiErr::new(40073, "Lock expired"));
    }
    Ok(ChunkTarget {
        offset: index * session.chunk_size,
        len,
    })
}

async fn upload_chunk(
    State(state): State<AppState>,
    user: super::auth::MaybeUser,
    origin: ClientId,
    Path((session_id, index)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let index = match parse_index(&index) {
        Ok(i) => i,
        Err(e) => {
            commit::discard_body(body).await;
            return Err(e);
        }
    };
    let route = ChunkRoute::Cloudreve(user.0);
    receive_chunk(&state, route, &session_id, index, &headers, body, origin).await?;
    ok_empty()
}

/// Checks a chunk, writes it at its offset of the part file and finishes the upload when it
/// was the last missing one (local and relay policies, and the emulated node).
pub(crate) async fn receive_chunk(
    state: &Demo,
    route: ChunkRoute,
    session_id: &str,
    index: u64,
    headers: &HeaderMap,
    body: Body,
    origin: ClientId,
) -> Result<(), ApiErr> {
    expire_sessions(state);
    let checked = check_chunk(
        &state.lock(),
        state.cfg.policy,
        route,
        session_id,
        index,
        declared_length(headers),
    );
    let target = match checked {
        Ok(c) => c,
        Err(e) => {
            commit::discard_body(body).await;
            return Err(e);
        }
    };
    let path = state.upload_path(session_id);
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .await;
    let Ok(mut file) = file else {
        commit::discard_body(body).await;
        return Err(ApiErr::new(50004, "Failed to upload file"));
    };
    commit::write_body_at(&mut file, target.offset, body, target.len).await?;
    drop(file);
    record_chunk(state, session_id, index, origin)
}

/// Marks a chunk as received and finishes the upload when it was the last missing one.
fn record_chunk(
    state: &Demo,
    session_id: &str,
    index: u64,
    origin: ClientId,
) -> Result<(), ApiErr> {
    let mut store = state.lock();
    let Some(session) = store.uploads.sessions.get_mut(session_id) else {
        // Cancelled or finished by a parallel request meanwhile: this write may have recreated
        // a part file nobody will read.
        drop(store);
        remove_part_files(state, &[session_id.to_string()]);
        return Err(ApiErr::new(40011, ""));
    };
    session.received.insert(index);
    let complete = session.is_complete();
    if !complete {
        return Ok(());
    }
    let Some(session) = store.uploads.sessions.remove(session_id) else {
        return Err(ApiErr::new(40011, ""));
    };
    let staged = state.upload_path(session_id);
    finish_removed(state, store, session, &staged, origin)
}

/// Finishes session `session_id` with the complete object at `staged` (a storage callback).
pub(crate) fn finish_from(
    state: &Demo,
    session_id: &str,
    staged: &std::path::Path,
    origin: ClientId,
) -> Result<(), ApiErr> {
    let mut store = state.lock();
    let Some(session) = store.uploads.sessions.remove(session_id) else {
        return Err(ApiErr::new(40011, ""));
    };
    finish_removed(state, store, session, staged, origin)
}

/// Commits a session already taken out of the store and tells the event listeners.
fn finish_removed(
    state: &Demo,
    mut store: std::sync::MutexGuard<'_, Store>,
    session: UploadSession,
    staged: &std::path::Path,
    origin: ClientId,
) -> Result<(), ApiErr> {
    let finished = finish_upload(state, &mut store, &session, staged);
    drop(store);
    match finished {
        Ok(done) => {
            remove_blob_files(&done.pruned);
            let kind = match session.kind {
                SessionKind::NewFile => ChangeKind::Create,
                SessionKind::Version => ChangeKind::Modify,
            };
            publish(state, session.owner, session.node, done.path, kind, origin);
            Ok(())
        }
        Err(e) => {
            remove_part_files(state, std::slice::from_ref(&session.id));
            Err(e)
        }
    }
}

struct Finished {
    pruned: Vec<std::path::PathBuf>,
    path: Vec<String>,
}

/// Completion (§4.4): the part file becomes the file's current version, `updated_at` the
/// client's `last_modified`, the session marker and the lock disappear.
fn finish_upload(
    state: &Demo,
    store: &mut Store,
    session: &UploadSession,
    staged: &std::path::Path,
) -> Result<Finished, ApiErr> {
    store.locks.remove(&session.lock_token);
    let now = Utc::now();
    let committed = commit_version(
        state,
        store,
        session.node,
        staged,
        session.size,
        session.owner,
        now,
    )?;
    if let Some(n) = store.files.get_mut(&session.node) {
        n.updated_at = session.last_modified.unwrap_or(now);
        n.metadata.remove(SESSION_META_KEY);
        n.metadata.extend(session.metadata.clone());
    }
    Ok(Finished {
        pruned: committed.pruned,
        path: store.node_uri(session.node).segments,
    })
}

// ---- DELETE /file/upload ---------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CancelReq {
    id: Option<String>,
    uri: Option<String>,
}

async fn cancel_session(
    State(state): State<AppState>,
    user: super::auth::MaybeUser,
    JsonBody(req): JsonBody<CancelReq>,
) -> ApiResult {
    let id = req.id.unwrap_or_default();
    if id.is_empty() {
        return Err(ApiErr::param("ID cannot be empty"));
    }
    let uri = req.uri.unwrap_or_default();
    if uri.is_empty() {
        return Err(ApiErr::param("Uri cannot be empty"));
    }
    let user = user.0.ok_or_else(ApiErr::login_required)?;
    let uri = parse_target_uri(Some(&uri))?;
    expire_sessions(&state);
    // After the client completed the object the real abort fails at the storage: the
    // placeholder still goes, but the answer is -1 (§5.5.6, C3-044).
    let object_completed = state.cfg.policy.is_s3_like() && storage::is_completed(&state, &id);
    let secret = state
        .lock()
        .uploads
        .get(&id)
        .map(|s| s.callback_secret.clone());
    let cancelled = cancel(&mut state.lock(), user, &id, &uri)?;
    remove_part_files(&state, &cancelled);
    if object_completed && cancelled.contains(&id) {
        storage::remember_cancelled_complete(&state, &id, &secret.unwrap_or_default());
        return Err(ApiErr::new(-1, ""));
    }
    ok_empty()
}

/// Cancel semantics of §4.7: the URI must name the caller's file (else 40016, C2-305, C2-306,
/// C2-308); other locks on it block (C2-482); the session ends and a placeholder is removed,
/// also when its session already expired (C2-486). Returns session ids whose part files can go.
fn cancel(store: &mut Store, user: u64, id: &str, uri: &CrUri) -> Result<Vec<String>, ApiErr> {
    let file = store.resolve_own(user, uri)?;
    let session_lock = store
        .uploads
        .get(id)
        .filter(|s| s.owner == user && s.node == file)
        .map(|s| s.lock_token.clone());
    check_unlocked(store, file, session_lock.as_deref())?;
    let mut ended = Vec::new();
    if let Some(token) = session_lock {
        store.uploads.sessions.remove(id);
        store.locks.remove(&token);
        ended.push(id.to_string());
    }
    let is_placeholder = store.files.get(&file).is_some_and(|n| {
        !n.is_folder && n.primary.is_none() && n.metadata.contains_key(SESSION_META_KEY)
    });
    if is_placeholder {
        store.remove_tree(file);
        // Sessions still aiming at the removed placeholder can never finish.
        let orphans: Vec<String> = store
            .uploads
            .sessions
            .values()
            .filter(|s| s.node == file)
            .map(|s| s.id.clone())
            .collect();
        for orphan in orphans {
            if let Some(s) = store.uploads.sessions.remove(&orphan) {
                store.locks.remove(&s.lock_token);
                ended.push(orphan);
            }
        }
    }
    Ok(ended)
}

// ---- storage callbacks -----------------------------------------------------------------------

/// `/callback/<policy>/:session_id/:key` (§5.3): only sessions of the demo's storage policy
/// (`storage::callback`) can succeed; a session on another type's route is 40006 (C3-050), an
/// unknown one 40011 (C2-161…164); refusals are HTTP 401.
fn callback_routes() -> Router<AppState> {
    const CLIENT_CALLED_GET: &[&str] = &["cos", "s3", "ks3", "googledrive"];
    const STORAGE_CALLED_POST: &[&str] = &["onedrive", "oss", "upyun", "qiniu", "obs"];
    let mut router =
        Router::new().route("/callback/remote/{session_id}/{key}", post(remote_callback));
    for policy in CLIENT_CALLED_GET {
        router = router.route(
            &format!("/callback/{policy}/{{session_id}}/{{key}}"),
            get(storage_callback),
        );
    }
    for policy in STORAGE_CALLED_POST {
        router = router.route(
            &format!("/callback/{policy}/{{session_id}}/{{key}}"),
            post(storage_callback),
        );
    }
    router
}

async fn storage_callback(
    State(state): State<AppState>,
    Path((session_id, key)): Path<(String, String)>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> axum::response::Response {
    // `/api/v4/callback/<type>/…`: the policy type of the route.
    let route = uri
        .path()
        .split('/')
        .skip_while(|s| *s != "callback")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    storage::callback::handle(state, &route, &session_id, &key, &headers).await
}

/// Slave nodes sign their callbacks (see `storage::callback::remote`).
async fn remote_callback(
    State(state): State<AppState>,
    Path((session_id, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> axum::response::Response {
    storage::callback::remote(&state, &session_id, &key, &headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn chunk_math() {
        let cs = 25 * MIB;
        assert_eq!(chunk_count(0, cs), 1);
        assert_eq!(chunk_count(100, cs), 1);
        assert_eq!(chunk_count(30 * MIB, cs), 2);
        assert_eq!(chunk_count(50 * MIB, cs), 2);
        assert_eq!(chunk_len(0, cs, 0), Some(0));
        assert_eq!(chunk_len(0, cs, 1), None);
        assert_eq!(chunk_len(100, cs, 0), Some(100));
        assert_eq!(chunk_len(100, cs, 5), None);
        assert_eq!(chunk_len(30 * MIB, cs, 0), Some(cs));
        assert_eq!(chunk_len(30 * MIB, cs, 1), Some(5 * MIB));
        assert_eq!(chunk_len(30 * MIB, cs, 2), None);
        assert_eq!(chunk_len(7, 0, 0), Some(7));
    }

    #[test]
    fn chunk_index_rules() {
        assert_eq!(parse_index("3").ok(), Some(3));
        assert_eq!(parse_index("-1").unwrap_err().msg, "Index too short");
        assert_eq!(parse_index("abc").unwrap_err().msg, "Parameter error");
    }

    /// A signed-in client of a fresh demo server whose upload sessions live one second.
    async fn short_lived_sessions() -> (super::super::DemoHandle, reqwest::Client, String, String) {
        let cfg = super::super::DemoConfig {
            upload_session_ttl: chrono::Duration::seconds(1),
            ..Default::default()
        };
        let demo = super::super::start(cfg).await.unwrap();
        let base = format!("{}/api/v4", demo.base_url());
        let http = reqwest::Client::new();
        let account = json!({"email": "exp@example.test", "password": "Passw0rd!"});
        http.post(format!("{base}/user"))
            .json(&account)
            .send()
            .await
            .unwrap();
        let signed_in: serde_json::Value = http
            .post(format!("{base}/session/token"))
            .json(&account)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = signed_in["data"]["token"]["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        (demo, http, base, token)
    }

    async fn call(req: reqwest::RequestBuilder, token: &str) -> serde_json::Value {
        req.bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn expired_sessions_leave_their_placeholder_behind() {
        let (_demo, http, base, token) = short_lived_sessions().await;
        let target = json!({"uri": "cloudreve://my/exp/e.bin", "size": 10});
        let created = call(
            http.put(format!("{base}/file/upload")).json(&target),
            &token,
        )
        .await;
        let old_id = created["data"]["session_id"].as_str().unwrap().to_string();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        // C2-478: chunks of an expired session are refused.
        let chunk = http
            .post(format!("{base}/file/upload/{old_id}/0"))
            .body(vec![0u8; 10]);
        assert_eq!(call(chunk, &token).await["code"], 40011);
        // C2-480: the placeholder still occupies the name for a plain session…
        let again = call(
            http.put(format!("{base}/file/upload")).json(&target),
            &token,
        )
        .await;
        assert_eq!(again["code"], 40004);
        // C2-481: … but a version session may take it over, and then holds its lock (C2-482).
        let version =
            json!({"uri": "cloudreve://my/exp/e.bin", "size": 10, "entity_type": "version"});
        let over = call(
            http.put(format!("{base}/file/upload")).json(&version),
            &token,
        )
        .await;
        assert_eq!(over["code"], 0);
        let cancel_old = json!({"id": old_id, "uri": "cloudreve://my/exp/e.bin"});
        let blocked = call(
            http.delete(format!("{base}/file/upload")).json(&cancel_old),
            &token,
        )
        .await;
        assert_eq!(blocked["code"], 40073);
        // Cancelling the live session removes the placeholder.
        let new_id = over["data"]["session_id"].as_str().unwrap();
        let cancel_new = json!({"id": new_id, "uri": "cloudreve://my/exp/e.bin"});
        let cancelled = call(
            http.delete(format!("{base}/file/upload")).json(&cancel_new),
            &token,
        )
        .await;
        assert_eq!(cancelled["code"], 0);
        let info = http
            .get(format!("{base}/file/info"))
            .query(&[("uri", "cloudreve://my/exp/e.bin")]);
        assert_eq!(call(info, &token).await["code"], 40016);
    }

    #[test]
    fn declared_length_prefers_content_length() {
        let mut h = HeaderMap::new();
        assert_eq!(declared_length(&h), -1);
        h.insert("x-expected-entity-length", "100".parse().unwrap());
        assert_eq!(declared_length(&h), 100);
        h.insert("content-length", "50".parse().unwrap());
        assert_eq!(declared_length(&h), 50);
    }
}
