//! Moving and copying (files-and-transfers.md §3.5) and restoring trash items (§3.7), which
//! Cloudreve implements as a move back to the original folder.

use super::super::auth::{MaybeUser, SignedIn};
use super::super::events::{ChangeKind, FileChange};
use super::super::http::{ApiResult, ClientId, ok_empty};
use super::super::store::{Entity, Store};
use super::super::{AppState, Demo};
use super::fsys::{FsErr, Located, cap, check_capabilities, parse_request_uri};
use super::ops::{Applied, META_COLLECT_TIME, META_RESTORE_URI, parse_all, publish};
use super::req::{JsonBody, required, required_list};
use crate::api::uri::{CrUri, FileSystem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use std::collections::HashSet;

/// Which moves and copies exist (`canMoveOrCopyTo`): copy within `my`; move within `my`,
/// `my` → trash and trash → `my`.
fn can_move_or_copy(src: &FileSystem, dst: &FileSystem, copy: bool) -> bool {
    match (src, dst) {
        (FileSystem::My, FileSystem::My) => true,
        (FileSystem::My, FileSystem::Trash) | (FileSystem::Trash, FileSystem::My) => !copy,
        _ => false,
    }
}

impl Store {
    /// Moves or copies `sources` into the folder `dst` (§3.5). Top-level failures (the
    /// destination, locks, name clashes) change nothing; per-item failures are collected.
    pub fn move_or_copy(
        &mut self,
        state: &Demo,
        viewer: Option<u64>,
        sources: &[(String, CrUri)],
        dst: &CrUri,
        copy: bool,
    ) -> Result<Applied, FsErr> {
        let dst_at = self
            .locate(viewer, dst, &[cap::LOCK])
            .map_err(|e| e.context("faield to get destination folder"))?;
        if Some(dst_at.owner) != viewer {
            return Err(FsErr::owner_only());
        }
        if !self.files.get(&dst_at.node).is_some_and(|n| n.is_folder) {
            return Err(FsErr::not_supported("destination must be a valid folder"));
        }
        let mut applied = Applied::default();
        let mut targets: Vec<u64> = Vec::new();
        for (raw, src) in sources {
            match self.movable(viewer, src, dst, &dst_at, copy) {
                Ok(node) if !targets.contains(&node) => targets.push(node),
                Ok(_) => {}
                Err(e) => applied.failures.add(raw.clone(), e),
            }
        }
        if targets.is_empty() {
            return Ok(applied);
        }
        // Trash items go back under their original names.
        let names: Vec<String> = targets
            .iter()
            .map(|t| {
                if copy {
                    self.plain_name(*t)
                } else {
                    self.display_name(*t)
                }
            })
            .collect();
        let occupied: Vec<u64> = names
            .iter()
            .filter_map(|n| self.child(dst_at.node, n))
            .collect();
        let mut lock_check = occupied.clone();
        if !copy {
            lock_check.extend(&targets);
        }
        self.lock_conflict(&lock_check)?;
        let mut seen = HashSet::new();
        for (t, name) in targets.iter().zip(&names) {
            let clash = self.child(dst_at.node, name).is_some_and(|c| c != *t);
            if clash || !seen.insert(name.clone()) {
                return Err(FsErr::object_existed());
            }
        }
        for (t, name) in targets.iter().zip(names) {
            if copy {
                let new = self.copy_tree(state, *t, dst_at.node, &name, dst_at.owner);
                applied
                    .changes
                    .extend(self.change_at(new, ChangeKind::Create));
            } else {
                applied
                    .changes
                    .extend(self.move_node(*t, dst_at.node, &name));
            }
        }
        Ok(applied)
    }

    /// The checks one source of a move or copy must pass.
    fn movable(
        &self,
        viewer: Option<u64>,
        src: &CrUri,
        dst: &CrUri,
        dst_at: &Located,
        copy: bool,
    ) -> Result<u64, FsErr> {
        check_capabilities(&src.fs, &[cap::LOCK])?;
        if !can_move_or_copy(&src.fs, &dst.fs, copy) {
            return Err(FsErr::not_supported(&format!(
                "cannot move or copy file form {src} to {dst}"
            )));
        }
        let at = self
            .locate(viewer, src, &[])
            .map_err(|e| e.context("failed to get file"))?;
        if Some(at.owner) != viewer {
            return Err(FsErr::owner_only());
        }
        if at.is_root {
            return Err(FsErr::not_supported("cannot move root folder"));
        }
        let is_folder = self.files.get(&at.node).is_some_and(|n| n.is_folder);
        if is_folder && self.is_within(dst_at.node, at.node) {
            return Err(FsErr::not_supported(
                "cannot move or copy folder to itself or its descendant",
            ));
        }
        Ok(at.node)
    }

    fn plain_name(&self, id: u64) -> String {
        self.files
            .get(&id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    }

    /// A trash item's original name; any other node's name.
    fn display_name(&self, id: u64) -> String {
        self.files
            .get(&id)
            .and_then(|n| n.metadata.get(META_RESTORE_URI))
            .and_then(|u| CrUri::parse(u).ok())
            .and_then(|u| u.name().map(str::to_string))
            .unwrap_or_else(|| self.plain_name(id))
    }

    /// Moves a node under `dst`; trash items lose their trash marks. Returns the event.
    fn move_node(&mut self, id: u64, dst: u64, name: &str) -> Option<FileChange> {
        let was_in_my = self.fs_of(id) == Some(FileSystem::My);
        let from = self.node_segments(id);
        self.relink_node(id, dst, name);
        if let Some(node) = self.files.get_mut(&id) {
            node.metadata.remove(META_RESTORE_URI);
            node.metadata.remove(META_COLLECT_TIME);
        }
        if was_in_my {
            self.change_at(id, ChangeKind::Rename).map(|mut c| {
                c.to = Some(std::mem::replace(&mut c.from, from));
                c
            })
        } else {
            self.change_at(id, ChangeKind::Create)
        }
    }

    /// Copies a node and everything below it; every blob is duplicated under a new entity
    /// (a hard link where the file system allows), so copies never share entities.
    fn copy_tree(&mut self, state: &Demo, src: u64, dst: u64, name: &str, owner: u64) -> u64 {
        let mut stack = vec![(src, dst, name.to_string())];
        let mut top = None;
        while let Some((from, parent, name)) = stack.pop() {
            let Some(orig) = self.files.get(&from).cloned() else {
                continue;
            };
            let id = self.insert_node(owner, Some(parent), &name, orig.is_folder, orig.created_at);
            let copy_entity = |store: &mut Store, e: u64| store.duplicate_entity(state, e, owner);
            let versions: Vec<(u64, u64)> = orig
                .versions
                .iter()
                .map(|e| (*e, copy_entity(self, *e)))
                .collect();
            let thumbnail = orig.thumbnail.map(|e| copy_entity(self, e));
            if let Some(node) = self.files.get_mut(&id) {
                node.updated_at = orig.updated_at;
                node.metadata = orig.metadata.clone();
                node.view = orig.view.clone();
                node.versions = versions.iter().map(|(_, new)| *new).collect();
                node.primary = orig
                    .primary
                    .and_then(|p| versions.iter().find(|(old, _)| *old == p).map(|(_, n)| *n));
                node.thumbnail = thumbnail;
            }
            top.get_or_insert(id);
            for child in self.children_of(from) {
                if let Some(c) = self.files.get(&child) {
                    stack.push((child, id, c.name.clone()));
                }
            }
        }
        top.unwrap_or(dst)
    }

    /// A new entity with the same content as `entity`, owned by `owner`.
    fn duplicate_entity(&mut self, state: &Demo, entity: u64, owner: u64) -> u64 {
        let id = self.new_id();
        if let Some(e) = self.entities.get(&entity).cloned() {
            let (from, to) = (state.blob_path(entity), state.blob_path(id));
            if std::fs::hard_link(&from, &to).is_err() {
                let _ = std::fs::copy(&from, &to);
            }
            self.entities.insert(
                id,
                Entity {
                    id,
                    created_by: owner,
                    ..e
                },
            );
        }
        id
    }

    /// Puts trash items back where they came from (§3.7).
    pub fn restore_uris(
        &mut self,
        state: &Demo,
        viewer: Option<u64>,
        uris: &[(String, CrUri)],
    ) -> Applied {
        let mut applied = Applied::default();
        for (raw, uri) in uris {
            let found = check_capabilities(&uri.fs, &[cap::RESTORE]).and_then(|()| {
                self.locate(viewer, uri, &[])
                    .map_err(|e| e.context("failed to get file"))
            });
            let at = match found {
                Ok(at) => at,
                Err(e) => {
                    applied.failures.add(raw.clone(), e);
                    continue;
                }
            };
            let Some(dir) = self.restore_dir(at.node) else {
                applied.failures.add(
                    raw.clone(),
                    FsErr::not_supported("cannot restore file without required metadata mark"),
                );
                continue;
            };
            match self.move_or_copy(state, viewer, &[(raw.clone(), uri.clone())], &dir, false) {
                Ok(done) => {
                    applied.changes.extend(done.changes);
                    for (item, err) in done.failures.into_items() {
                        applied.failures.add(item, err);
                    }
                }
                Err(e) => applied.failures.add(raw.clone(), e),
            }
        }
        applied
    }

    /// The folder a trash item came from.
    fn restore_dir(&self, id: u64) -> Option<CrUri> {
        let raw = self.files.get(&id)?.metadata.get(META_RESTORE_URI)?;
        let uri = parse_request_uri(raw).ok()?;
        Some(uri.parent().unwrap_or(uri))
    }
}

// ---- handlers ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct MoveReq {
    uris: Option<Vec<String>>,
    dst: Option<String>,
    copy: Option<bool>,
}

/// `POST /file/move` (§3.5).
pub async fn move_or_copy(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    ClientId(origin): ClientId,
    JsonBody(req): JsonBody<MoveReq>,
) -> ApiResult {
    let raw_uris = required_list(&req.uris, "Uris")?;
    let raw_dst = required(&req.dst, "Dst")?;
    let sources = parse_all(raw_uris)?;
    let dst = parse_request_uri(raw_dst)?;
    if dst.fs == FileSystem::Trash {
        // The real server crashes on this (HTTP 500, empty body, C2-510).
        return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let applied = {
        let mut store = state.lock();
        store.move_or_copy(&state, viewer, &sources, &dst, req.copy.unwrap_or(false))?
    };
    publish(&state, applied.changes, &origin);
    applied.failures.finish()?;
    ok_empty()
}

#[derive(Deserialize)]
pub struct RestoreReq {
    uris: Option<Vec<String>>,
}

/// `POST /file/restore` (§3.7).
pub async fn restore(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ClientId(origin): ClientId,
    JsonBody(req): JsonBody<RestoreReq>,
) -> ApiResult {
    let uris = parse_all(required_list(&req.uris, "Uris")?)?;
    let applied = {
        let mut store = state.lock();
        store.restore_uris(&state, Some(user), &uris)
    };
    publish(&state, applied.changes, &origin);
    applied.failures.finish()?;
    ok_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_and_copy_rules() {
        use FileSystem::*;
        assert!(can_move_or_copy(&My, &My, true));
        assert!(can_move_or_copy(&Trash, &My, false));
        assert!(!can_move_or_copy(&Trash, &My, true));
        assert!(!can_move_or_copy(&Share, &My, false));
    }
}
