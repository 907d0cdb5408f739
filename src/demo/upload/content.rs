//! `PUT /file/content` (create or overwrite in one request, §4.9) and the version routes
//! `POST /file/version/current`, `DELETE /file/version` (§3.12).

use super::super::events::{ChangeKind, FileChange};
use super::super::http::{ApiErr, ApiResult, Body as JsonBody, ClientId, Q, ok, ok_empty};
use super::super::ids::{self, Kind};
use super::super::store::{FileJsonOpts, NO_ENTITY, Store};
use super::super::{AppState, Demo};
use super::commit::{self, Slot};
use super::{declared_length, rules};
use crate::api::uri::CrUri;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{delete, post, put};
use chrono::Utc;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/file/content", put(put_content))
        .route("/file/version/current", post(set_current_version))
        .route("/file/version", delete(delete_version))
}

#[derive(Debug, Deserialize)]
struct ContentQuery {
    uri: Option<String>,
    previous: Option<String>,
}

/// Validates a content write against the current tree: the slot it lands in.
fn plan_content_write(
    store: &Store,
    user: u64,
    uri: &CrUri,
    previous: Option<&str>,
    size: u64,
) -> Result<Slot, ApiErr> {
    let slot = commit::find_slot(store, user, uri)?;
    if let Some(existing) = slot.existing {
        let node = store
            .files
            .get(&existing)
            .ok_or_else(ApiErr::path_not_exist)?;
        if node.is_folder {
            return Err(ApiErr::new(40004, "Object existed"));
        }
        store.check_locks(&[existing])?;
        if let Some(previous) = previous {
            let current = ids::encode(Kind::Entity, node.primary.unwrap_or(NO_ENTITY));
            if previous != current {
                return Err(ApiErr::new(40076, "File is updated during your edit"));
            }
        }
    }
    rules::check_quota(store, user, size)?;
    rules::check_blob_name(user, &slot.name)?;
    Ok(slot)
}

/// The checks of `PUT /file/content` before the body is read: the caller and the target URI.
fn check_content_request(
    state: &Demo,
    user: Option<u64>,
    raw_uri: Option<&str>,
    previous: Option<&str>,
    size: u64,
) -> Result<(u64, CrUri), ApiErr> {
    if raw_uri.unwrap_or_default().is_empty() {
        return Err(ApiErr::param("Uri cannot be empty"));
    }
    let user = user.ok_or_else(ApiErr::login_required)?;
    let uri = rules::parse_target_uri(raw_uri)?;
    plan_content_write(&state.lock(), user, &uri, previous, size)?;
    Ok((user, uri))
}

async fn put_content(
    State(state): State<AppState>,
    user: super::super::auth::MaybeUser,
    origin: ClientId,
    Q(query): Q<ContentQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let previous = query.previous.as_deref().filter(|p| !p.is_empty());
    // A streamed body without a declared length is stored as an empty version (C2-321).
    let size = u64::try_from(declared_length(&headers)).unwrap_or(0);
    let checked = check_content_request(&state, user.0, query.uri.as_deref(), previous, size);
    let (user, uri) = match checked {
        Ok(c) => c,
        Err(e) => {
            commit::discard_body(body).await;
            return Err(e);
        }
    };
    let staged = commit::stage_body(&state, body, size).await?;
    let written = attach_content(&state, user, &uri, previous, &staged, size);
    let (node, kind, pruned) = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = tokio::fs::remove_file(&staged).await;
            return Err(e);
        }
    };
    commit::remove_blob_files(&pruned);
    let store = state.lock();
    state.events.publish(FileChange {
        owner: user,
        kind,
        file: node,
        from: store.node_uri(node).segments,
        to: None,
        origin: origin.0,
    });
    // The answer sends `metadata: null` like create and rename do (C2-318).
    let file = store.file_json(
        node,
        Some(user),
        FileJsonOpts {
            metadata_null: true,
            ..Default::default()
        },
    );
    drop(store);
    ok(file)
}

/// Re-checks the tree (it may have changed while the body arrived) and attaches the staged
/// blob: a new file, or a new version with `updated_at` = now (C2-319).
fn attach_content(
    state: &Demo,
    user: u64,
    uri: &CrUri,
    previous: Option<&str>,
    staged: &std::path::Path,
    size: u64,
) -> Result<(u64, ChangeKind, Vec<std::path::PathBuf>), ApiErr> {
    let mut store = state.lock();
    let slot = plan_content_write(&store, user, uri, previous, size)?;
    let now = Utc::now();
    let (node, kind) = match slot.existing {
        Some(existing) => (existing, ChangeKind::Modify),
        None => {
            let parent = commit::create_parents(&mut store, user, &slot, now);
            let node = store.insert_node(user, Some(parent), &slot.name, false, now);
            (node, ChangeKind::Create)
        }
    };
    let committed = commit::commit_version(state, &mut store, node, staged, size, user, now)?;
    if let Some(n) = store.files.get_mut(&node) {
        n.updated_at = now;
    }
    Ok((node, kind, committed.pruned))
}

// ---- versions --------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct VersionReq {
    uri: Option<String>,
    version: Option<String>,
}

/// The file and the version entity a version request names. Unknown versions are 40077
/// "Entity not exist" (C2-316).
fn resolve_version(store: &Store, user: u64, req: &VersionReq) -> Result<(u64, u64), ApiErr> {
    let uri = rules::parse_target_uri(req.uri.as_deref())?;
    let file = store.resolve_own(user, &uri)?;
    let node = store.files.get(&file).ok_or_else(ApiErr::path_not_exist)?;
    let version = req
        .version
        .as_deref()
        .and_then(|v| ids::decode(Kind::Entity, v))
        .filter(|v| node.versions.contains(v))
        .ok_or_else(|| ApiErr::new(40077, "Entity not exist"))?;
    Ok((file, version))
}

fn check_version_req(req: &VersionReq) -> Result<(), ApiErr> {
    if req.uri.as_deref().unwrap_or_default().is_empty() {
        return Err(ApiErr::param("Uri cannot be empty"));
    }
    if req.version.as_deref().unwrap_or_default().is_empty() {
        return Err(ApiErr::param("Version cannot be empty"));
    }
    Ok(())
}

/// Makes an older version current again (C2-313).
async fn set_current_version(
    State(state): State<AppState>,
    user: super::super::auth::MaybeUser,
    origin: ClientId,
    JsonBody(req): JsonBody<VersionReq>,
) -> ApiResult {
    check_version_req(&req)?;
    let user = user.0.ok_or_else(ApiErr::login_required)?;
    let mut store = state.lock();
    let (file, version) = resolve_version(&store, user, &req)?;
    store.check_locks(&[file])?;
    let old_thumbnail = store.files.get_mut(&file).and_then(|n| {
        n.primary = Some(version);
        n.updated_at = Utc::now();
        n.thumbnail.take()
    });
    let stale = commit::forget_entities(&state, &mut store, &Vec::from_iter(old_thumbnail));
    let path = store.node_uri(file).segments;
    drop(store);
    commit::remove_blob_files(&stale);
    state.events.publish(FileChange {
        owner: user,
        kind: ChangeKind::Modify,
        file,
        from: path,
        to: None,
        origin: origin.0,
    });
    ok_empty()
}

/// Deletes a version that is not the current one (C2-315; the current one → 403, C2-314).
async fn delete_version(
    State(state): State<AppState>,
    user: super::super::auth::MaybeUser,
    JsonBody(req): JsonBody<VersionReq>,
) -> ApiResult {
    check_version_req(&req)?;
    let user = user.0.ok_or_else(ApiErr::login_required)?;
    let mut store = state.lock();
    let (file, version) = resolve_version(&store, user, &req)?;
    if store.files.get(&file).and_then(|n| n.primary) == Some(version) {
        return Err(ApiErr::not_supported());
    }
    store.check_locks(&[file])?;
    if let Some(n) = store.files.get_mut(&file) {
        n.versions.retain(|v| *v != version);
    }
    let blobs = commit::forget_entities(&state, &mut store, &[version]);
    drop(store);
    commit::remove_blob_files(&blobs);
    ok_empty()
}
