//! Deleting (files-and-transfers.md §3.6): into the owner's trash under a UUID, or for good
//! with the blobs no other file uses; and emptying the trash (§3.8).

use super::super::AppState;
use super::super::auth::{MaybeUser, SignedIn};
use super::super::events::{ChangeKind, FileChange};
use super::super::http::{ApiErr, ApiResult, ClientId, ok_empty};
use super::super::store::{FileNode, Store, Time};
use super::fsys::{FsErr, cap, check_capabilities};
use super::ops::{
    Applied, META_COLLECT_TIME, META_RESTORE_URI, TRASH_RETENTION_SECS, delete_blobs, parse_all,
    publish,
};
use super::req::{JsonBody, required_list};
use super::view::MAX_PAGE_SIZE;
use crate::api::uri::CrUri;
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;
use std::collections::HashSet;

impl Store {
    /// Removes nodes and everything below them for good, with their direct links and the
    /// entities no remaining file uses; returns those entities (delete their blobs after
    /// unlocking the store).
    pub fn purge_trees(&mut self, roots: &[u64]) -> Vec<u64> {
        let mut removed: Vec<FileNode> = Vec::new();
        for r in roots {
            removed.extend(self.remove_tree(*r));
        }
        let removed_ids: HashSet<u64> = removed.iter().map(|n| n.id).collect();
        self.links.forget_files(&removed_ids);
        let still_used: HashSet<u64> = self
            .files
            .values()
            .flat_map(|n| {
                n.versions
                    .iter()
                    .copied()
                    .chain(n.thumbnail)
                    .chain(n.primary)
            })
            .collect();
        let mut dropped = Vec::new();
        for e in removed.iter().flat_map(|n| {
            n.versions
                .iter()
                .copied()
                .chain(n.thumbnail)
                .chain(n.primary)
        }) {
            if !still_used.contains(&e) && self.entities.remove(&e).is_some() {
                dropped.push(e);
            }
        }
        dropped
    }

    /// Deletes `uris`: into the trash, or for good with `permanent` (§3.6).
    pub fn delete_uris(
        &mut self,
        viewer: Option<u64>,
        uris: &[(String, CrUri)],
        permanent: bool,
        now: Time,
    ) -> Result<Applied, FsErr> {
        let required: &[u8] = if permanent {
            &[cap::DELETE, cap::LOCK]
        } else {
            &[cap::SOFT_DELETE]
        };
        let mut applied = Applied::default();
        let mut targets = Vec::new();
        for (raw, uri) in uris {
            match self.deletable(viewer, uri, required, permanent) {
                Ok(node) if !targets.contains(&node) => targets.push(node),
                Ok(_) => {}
                Err(e) => applied.failures.add(raw.clone(), e),
            }
        }
        if targets.is_empty() {
            return Ok(applied);
        }
        self.lock_conflict(&targets)?;
        if permanent {
            applied.changes = targets
                .iter()
                .filter_map(|t| self.change_at(*t, ChangeKind::Delete))
                .collect();
            applied.dropped_entities = self.purge_trees(&targets);
        } else {
            for t in targets {
                applied.changes.extend(self.soft_delete(t, now));
            }
        }
        Ok(applied)
    }

    /// The checks one item of a delete must pass.
    fn deletable(
        &self,
        viewer: Option<u64>,
        uri: &CrUri,
        required: &[u8],
        permanent: bool,
    ) -> Result<u64, FsErr> {
        check_capabilities(&uri.fs, required)?;
        let at = self
            .locate(viewer, uri, &[])
            .map_err(|e| e.context("failed to get target file"))?;
        if Some(at.owner) != viewer {
            return Err(if permanent {
                FsErr::owner_only()
            } else {
                FsErr::caused(
                    40082,
                    "Only owner or administrator can perform this action",
                    "only file owner can delete file without trash bin",
                )
            });
        }
        if at.is_root {
            return Err(FsErr::not_supported("cannot delete root folder"));
        }
        Ok(at.node)
    }

    /// Moves a node into its owner's trash under a UUID, remembering where it came from
    /// and when it will be collected (C2-257).
    fn soft_delete(&mut self, id: u64, now: Time) -> Option<FileChange> {
        let event = self.change_at(id, ChangeKind::Delete);
        let owner = self.files.get(&id)?.owner;
        let trash = self.user(owner)?.trash_root;
        let restore_uri = self.node_uri(id).to_string();
        self.relink_node(id, trash, &uuid::Uuid::new_v4().to_string());
        let node = self.files.get_mut(&id)?;
        node.updated_at = now;
        node.metadata.insert(META_RESTORE_URI.into(), restore_uri);
        node.metadata.insert(
            META_COLLECT_TIME.into(),
            (now.timestamp() + TRASH_RETENTION_SECS).to_string(),
        );
        event
    }

    /// Deletes everything in a user's trash for good (§3.8). Like Cloudreve, it first lists
    /// the trash with the largest page size, which the shared trash view remembers.
    pub fn empty_trash(&mut self, user: u64) -> Result<Vec<u64>, FsErr> {
        let mut view = self.file_views.trash_view(user);
        view.apply_query(Some(MAX_PAGE_SIZE), None, None);
        self.file_views.remember_trash_listing(user, &view);
        let trash = self
            .user(user)
            .ok_or_else(FsErr::login_required)?
            .trash_root;
        let items = self.children_of(trash);
        self.lock_conflict(&items)?;
        Ok(self.purge_trees(&items))
    }
}

// ---- handlers ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct DeleteReq {
    uris: Option<Vec<String>>,
    unlink: Option<bool>,
    skip_soft_delete: Option<bool>,
}

/// `DELETE /file` (§3.6).
pub async fn delete(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    ClientId(origin): ClientId,
    JsonBody(req): JsonBody<DeleteReq>,
) -> ApiResult {
    let raw_uris = required_list(&req.uris, "Uris")?;
    let unlink = req.unlink.unwrap_or(false);
    let permanent = req.skip_soft_delete.unwrap_or(false);
    let uris = parse_all(raw_uris)?;
    let applied = {
        let mut store = state.lock();
        if unlink && !store.can_unlink(viewer) {
            return Err(ApiErr::new(403, "advance delete permission is required"));
        }
        store.delete_uris(viewer, &uris, permanent, Utc::now())?
    };
    // `unlink` removes the records but keeps the stored blobs.
    if !(unlink && permanent) {
        delete_blobs(&state, &applied.dropped_entities);
    }
    publish(&state, applied.changes, &origin);
    applied.failures.finish()?;
    ok_empty()
}

impl Store {
    /// Advanced delete (group permission 12) belongs to administrators here (C2-268).
    fn can_unlink(&self, viewer: Option<u64>) -> bool {
        viewer
            .and_then(|v| self.user(v))
            .is_some_and(|u| u.group.is_admin())
    }
}

/// `DELETE /file/trash` (§3.8).
pub async fn empty_trash(State(state): State<AppState>, SignedIn(user): SignedIn) -> ApiResult {
    let dropped = {
        let mut store = state.lock();
        store.empty_trash(user)?
    };
    delete_blobs(&state, &dropped);
    ok_empty()
}
