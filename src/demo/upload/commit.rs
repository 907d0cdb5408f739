//! Turning written bytes into file content: staging bodies on disk, attaching a blob as a file's
//! new current version, version retention, and creating the target's missing parent folders.

use super::super::Demo;
use super::super::http::ApiErr;
use super::super::store::{Entity, Store, Time, User};
use super::rules;
use crate::api::uri::CrUri;
use axum::body::{Body, BodyDataStream};
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

/// Versions a user keeps by default (new accounts: `version_retention_max` 10).
pub const DEFAULT_VERSION_RETENTION: i64 = 10;

fn io_failure(_: std::io::Error) -> ApiErr {
    ApiErr::new(50004, "Failed to upload file")
}

/// Streams exactly `len` bytes of `body` into `file` at `offset`. A body that ends early is the
/// real server's 50004 "Failed to upload file" (C2-526); bytes beyond `len` are ignored, like
/// Go's `LimitReader` behind `X-Expected-Entity-Length`.
pub async fn write_body_at(
    file: &mut tokio::fs::File,
    offset: u64,
    body: Body,
    len: u64,
) -> Result<(), ApiErr> {
    let mut stream = body.into_data_stream();
    let written = write_stream_at(file, offset, &mut stream, len).await;
    // Whatever the declared length left unread (a chunked body stored as empty, C2-321).
    drain(stream).await;
    written
}

async fn write_stream_at(
    file: &mut tokio::fs::File,
    offset: u64,
    stream: &mut BodyDataStream,
    len: u64,
) -> Result<(), ApiErr> {
    file.seek(std::io::SeekFrom::Start(offset))
        .await
        .map_err(io_failure)?;
    let mut left = len;
    while left > 0 {
        let Some(frame) = stream.next().await else {
            return Err(ApiErr::new(50004, "Failed to upload file"));
        };
        let bytes = frame.map_err(|_| ApiErr::new(50004, "Failed to upload file"))?;
        let take = bytes.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        file.write_all(&bytes[..take]).await.map_err(io_failure)?;
        left -= take as u64;
    }
    file.flush().await.map_err(io_failure)?;
    Ok(())
}

/// Most bytes of a refused request body that are read and thrown away.
const DRAIN_LIMIT: u64 = 256 << 20;

/// Reads and discards the rest of a request body before an error answer, so a client that is
/// still sending (a 25 MiB chunk refused with 40011) gets the answer instead of a reset
/// connection, as with the real server (31_uploads_large "sequential_chunk_1_again").
pub async fn drain(mut stream: BodyDataStream) {
    let mut seen = 0u64;
    while let Some(Ok(bytes)) = stream.next().await {
        seen += bytes.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

/// Discards a whole request body (see [`drain`]).
pub async fn discard_body(body: Body) {
    drain(body.into_data_stream()).await;
}

/// Writes a request body of `len` bytes to a fresh staging file and returns its path.
pub async fn stage_body(state: &Demo, body: Body, len: u64) -> Result<PathBuf, ApiErr> {
    let path = state.upload_path(&format!("content-{}", uuid::Uuid::new_v4()));
    let mut file = tokio::fs::File::create(&path).await.map_err(io_failure)?;
    if let Err(e) = write_body_at(&mut file, 0, body, len).await {
        drop(file);
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    Ok(path)
}

/// How many versions of `name` a user keeps: `None` = unlimited (`version_retention_max` 0),
/// `Some(1)` when retention is off or the extension is not in the user's list.
pub fn retention_limit(user: &User, name: &str) -> Option<usize> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let applies = user.version_retention_enabled
        && (user.version_retention_ext.is_empty()
            || user
                .version_retention_ext
                .iter()
                .any(|e| e.trim_start_matches('.').eq_ignore_ascii_case(&ext)));
    if !applies {
        return Some(1);
    }
    match user.version_retention_max {
        n if n <= 0 => None,
        n => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    }
}

/// The versions (oldest first in `versions`) to delete so at most `keep` remain; the current
/// one is never dropped (C2-317: 12 uploads left 10 entities).
pub fn versions_to_drop(versions: &[u64], current: u64, keep: Option<usize>) -> Vec<u64> {
    let Some(keep) = keep else {
        return Vec::new();
    };
    let keep = keep.max(1);
    let excess = versions.len().saturating_sub(keep);
    versions
        .iter()
        .copied()
        .filter(|v| *v != current)
        .take(excess)
        .collect()
}

/// Removes entity records no file references any more; returns their blob paths so the caller
/// can delete them after releasing the store lock.
pub fn forget_entities(state: &Demo, store: &mut Store, entities: &[u64]) -> Vec<PathBuf> {
    let mut blobs = Vec::new();
    for &e in entities {
        let still_used = store
            .files
            .values()
            .any(|n| n.versions.contains(&e) || n.thumbnail == Some(e));
        if !still_used && store.entities.remove(&e).is_some() {
            blobs.push(state.blob_path(e));
        }
    }
    blobs
}

/// Deletes blob files (outside the store lock).
pub fn remove_blob_files(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// The outcome of `commit_version`.
#[derive(Debug)]
pub struct Committed {
    pub entity: u64,
    /// Blob files no longer needed (versions beyond retention, the stale thumbnail): delete
    /// them with `remove_blob_files` after unlocking.
    pub pruned: Vec<PathBuf>,
}

/// Moves a staged blob into the blob store and makes it the current version of file `node`,
/// then applies the owner's version retention.
pub fn commit_version(
    state: &Demo,
    store: &mut Store,
    node: u64,
    staged: &Path,
    size: u64,
    actor: u64,
    now: Time,
) -> Result<Committed, ApiErr> {
    if !store.files.contains_key(&node) {
        return Err(ApiErr::path_not_exist());
    }
    let entity = store.new_id();
    std::fs::rename(staged, state.blob_path(entity)).map_err(io_failure)?;
    store.entities.insert(
        entity,
        Entity {
            id: entity,
            size,
            kind: 0,
            created_at: now,
            created_by: actor,
        },
    );
    // The thumbnail showed the old content; the next `GET /file/thumb` makes a new one.
    let (owner, name, old_thumbnail) = match store.files.get_mut(&node) {
        Some(n) => {
            n.versions.push(entity);
            n.primary = Some(entity);
            (n.owner, n.name.clone(), n.thumbnail.take())
        }
        None => return Err(ApiErr::path_not_exist()),
    };
    let keep = store
        .user(owner)
        .map(|u| retention_limit(u, &name))
        .unwrap_or(Some(DEFAULT_VERSION_RETENTION as usize));
    let versions = store
        .files
        .get(&node)
        .map(|n| n.versions.clone())
        .unwrap_or_default();
    let mut dropped = versions_to_drop(&versions, entity, keep);
    if let Some(n) = store.files.get_mut(&node) {
        n.versions.retain(|v| !dropped.contains(v));
    }
    dropped.extend(old_thumbnail);
    let pruned = forget_entities(state, store, &dropped);
    Ok(Committed { entity, pruned })
}

/// Where a write to a URI lands.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The node at the URI, if there is one.
    pub existing: Option<u64>,
    /// The deepest existing folder on the way.
    pub deepest: u64,
    /// Folders to create below `deepest` before the target can be created.
    pub missing: Vec<String>,
    /// The target's own name (empty for the root).
    pub name: String,
}

/// Walks a writable `my` URI of `user` without changing anything. A file in the middle of the
/// path is 403 "Not supported action" (30_uploads "session_parent_is_a_file"); invalid names
/// anywhere on the path are 40052.
pub fn find_slot(store: &Store, user: u64, uri: &CrUri) -> Result<Slot, ApiErr> {
    rules::check_writable_fs(store, user, uri)?;
    let root = store.user(user).ok_or_else(ApiErr::login_required)?.root;
    for seg in &uri.segments {
        rules::check_name(seg)?;
    }
    let Some((name, parents)) = uri.segments.split_last() else {
        return Ok(Slot {
            existing: Some(root),
            deepest: root,
            missing: Vec::new(),
            name: String::new(),
        });
    };
    let mut cur = root;
    for (i, seg) in parents.iter().enumerate() {
        match store.child(cur, seg) {
            Some(next) if store.files.get(&next).is_some_and(|n| n.is_folder) => cur = next,
            Some(_) => return Err(ApiErr::not_supported()),
            None => {
                return Ok(Slot {
                    existing: None,
                    deepest: cur,
                    missing: parents[i..].to_vec(),
                    name: name.clone(),
                });
            }
        }
    }
    Ok(Slot {
        existing: store.child(cur, name),
        deepest: cur,
        missing: Vec::new(),
        name: name.clone(),
    })
}

/// Creates the slot's missing folders and returns the folder the target goes into.
pub fn create_parents(store: &mut Store, owner: u64, slot: &Slot, now: Time) -> u64 {
    let mut cur = slot.deepest;
    for seg in &slot.missing {
        cur = match store.child(cur, seg) {
            Some(existing) => existing,
            None => store.insert_node(owner, Some(cur), seg, true, now),
        };
    }
    cur
}

/// Creates file `name` in folder `parent` of `owner` with `bytes` as its content and returns
/// the new node id. For seed data and other in-process writers (no HTTP request involved);
/// an existing name is 40004, an invalid one 40052.
pub fn write_new_file(
    state: &Demo,
    owner: u64,
    parent: u64,
    name: &str,
    bytes: &[u8],
) -> Result<u64, ApiErr> {
    rules::check_name(name)?;
    let staged = stage_bytes(state, bytes)?;
    let mut store = state.lock();
    let result = (|| {
        if !store.files.get(&parent).is_some_and(|n| n.is_folder) {
            return Err(ApiErr::path_not_exist());
        }
        if store.child(parent, name).is_some() {
            return Err(ApiErr::new(40004, "Object existed"));
        }
        let now = chrono::Utc::now();
        let node = store.insert_node(owner, Some(parent), name, false, now);
        let committed = commit_version(
            state,
            &mut store,
            node,
            &staged,
            bytes.len() as u64,
            owner,
            now,
        )?;
        remove_blob_files(&committed.pruned);
        Ok(node)
    })();
    drop(store);
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

/// Adds `bytes` as a new current version of file `node` (written by `actor`) and returns the
/// new entity id. For in-process writers such as WebDAV `PUT` on an existing file.
pub fn write_version(state: &Demo, node: u64, actor: u64, bytes: &[u8]) -> Result<u64, ApiErr> {
    let staged = stage_bytes(state, bytes)?;
    let mut store = state.lock();
    let result = match store.files.get(&node) {
        Some(n) if !n.is_folder => {
            let now = chrono::Utc::now();
            commit_version(
                state,
                &mut store,
                node,
                &staged,
                bytes.len() as u64,
                actor,
                now,
            )
            .map(|c| {
                if let Some(n) = store.files.get_mut(&node) {
                    n.updated_at = now;
                }
                remove_blob_files(&c.pruned);
                c.entity
            })
        }
        Some(_) => Err(ApiErr::new(40004, "Object existed")),
        None => Err(ApiErr::path_not_exist()),
    };
    drop(store);
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

fn stage_bytes(state: &Demo, bytes: &[u8]) -> Result<PathBuf, ApiErr> {
    let path = state.upload_path(&format!("content-{}", uuid::Uuid::new_v4()));
    std::fs::write(&path, bytes).map_err(io_failure)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_drops_oldest_but_never_current() {
        let versions: Vec<u64> = (1..=12).collect();
        assert_eq!(versions_to_drop(&versions, 12, Some(10)), vec![1, 2]);
        assert!(versions_to_drop(&versions, 12, None).is_empty());
        assert!(versions_to_drop(&[1, 2], 2, Some(10)).is_empty());
        // The current version may be an old one (set with `POST /file/version/current`).
        assert_eq!(versions_to_drop(&[1, 2, 3], 1, Some(1)), vec![2, 3]);
        // Retention off keeps only the current version.
        assert_eq!(versions_to_drop(&[4, 5], 5, Some(1)), vec![4]);
    }
}
