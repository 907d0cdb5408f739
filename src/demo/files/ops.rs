//! Changing the tree: create and rename (files-and-transfers.md §3.3, §3.4), and what all
//! changes share (name rules, batch parsing, file events). Moves live in `relocate`,
//! deletions in `remove`.
//!
//! Every operation checks in Cloudreve's order: the request's binding rules, the URIs, the
//! file system's capabilities, the path, ownership, the root, names, locks, and finally name
//! clashes. Batch operations report per-item failures as 40081 and still apply the others.

use super::super::auth::MaybeUser;
use super::super::events::{ChangeKind, FileChange};
use super::super::http::{ApiErr, ApiResult, ClientId, ok};
use super::super::store::{Store, Time};
use super::super::{AppState, Demo};
use super::fsys::{Batch, FsErr, cap, check_capabilities, parse_request_uri};
use super::meta::validate_metadata;
use super::req::{JsonBody, check_batch_size, required};
use crate::api::uri::{CrUri, FileSystem};
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How long trashed items stay (the groups' `trash_retention`).
pub const TRASH_RETENTION_SECS: i64 = 604_800;

pub const META_RESTORE_URI: &str = "sys:restore_uri";
pub const META_COLLECT_TIME: &str = "sys:expected_collect_time";
const META_THUMB_DISABLED: &str = "thumb:disabled";

/// The name rules of every file and folder (README §6, C2-182, C2-229).
pub fn validate_name(name: &str) -> Result<(), FsErr> {
    if name.is_empty() || name.len() >= 256 {
        return Err(FsErr::illegal_name(
            "length of name must be between 1 and 255",
        ));
    }
    if name.contains(['\\', '/', ':', '*', '?', '"', '<', '>', '|']) {
        return Err(FsErr::illegal_name("name contains illegal characters"));
    }
    if name == "." || name == ".." {
        return Err(FsErr::illegal_name("name cannot be only dot"));
    }
    Ok(())
}

/// Parses every URI of a batch; one bad URI fails the whole request.
pub(super) fn parse_all(raw: &[String]) -> Result<Vec<(String, CrUri)>, ApiErr> {
    check_batch_size(raw.len())?;
    raw.iter()
        .map(|r| parse_request_uri(r).map(|u| (r.clone(), u)))
        .collect()
}

/// Deletes blob files after the store lock is released.
pub fn delete_blobs(state: &Demo, entities: &[u64]) {
    for e in entities {
        let _ = std::fs::remove_file(state.blob_path(*e));
    }
}

pub(super) fn publish(state: &Demo, changes: Vec<FileChange>, origin: &Option<String>) {
    for mut c in changes {
        c.origin = origin.clone();
        state.events.publish(c);
    }
}

fn change(
    owner: u64,
    kind: ChangeKind,
    file: u64,
    from: Vec<String>,
    to: Option<Vec<String>>,
) -> FileChange {
    FileChange {
        owner,
        kind,
        file,
        from,
        to,
        origin: None,
    }
}

/// What a successful create answers with.
pub struct Created {
    pub node: u64,
    pub uri: CrUri,
    /// The nodes that did not exist before, outermost first.
    pub new_nodes: Vec<u64>,
}

/// The outcome of a batch operation that got past its top-level checks.
#[derive(Default)]
pub struct Applied {
    pub failures: Batch,
    pub changes: Vec<FileChange>,
    /// Entities whose blobs should be deleted once the store is unlocked.
    pub dropped_entities: Vec<u64>,
}

impl Store {
    /// The event for a node that is (now) in someone's `my`, if it is.
    pub(super) fn change_at(&self, node: u64, kind: ChangeKind) -> Option<FileChange> {
        let owner = self.files.get(&node)?.owner;
        (self.fs_of(node) == Some(FileSystem::My))
            .then(|| change(owner, kind, node, self.node_segments(node), None))
    }

    /// Creates `uri` and its missing parent folders; an existing object of the same type is
    /// returned unless `err_on_conflict` (C2-176…180).
    pub fn create_path(
        &mut self,
        viewer: Option<u64>,
        uri: &CrUri,
        is_folder: bool,
        metadata: &BTreeMap<String, String>,
        err_on_conflict: bool,
        now: Time,
    ) -> Result<Created, FsErr> {
        check_capabilities(&uri.fs, &[cap::CREATE, cap::LOCK])?;
        let mut root_uri = uri.without_query();
        root_uri.segments.clear();
        let root = self.locate(viewer, &root_uri, &[])?;
        let segments = &uri.segments;
        let mut cur = root.node;
        let mut depth = 0;
        while depth < segments.len()
            && let Some(c) = self.child(cur, &segments[depth])
        {
            cur = c;
            depth += 1;
        }
        let mut target_uri = root_uri;
        target_uri.segments = segments.clone();
        if depth == segments.len() {
            let existing = self.files.get(&cur).map(|n| n.is_folder).unwrap_or(true);
            return match (existing == is_folder, err_on_conflict) {
                (true, false) => Ok(Created {
                    node: cur,
                    uri: target_uri,
                    new_nodes: Vec::new(),
                }),
                (true, true) => Err(FsErr::new(40004, "Object existed")),
                (false, _) => Err(FsErr::caused(
                    40004,
                    "Object existed",
                    "object with the same name but different type already exist",
                )),
            };
        }
        let mut new_nodes = Vec::new();
        for (i, name) in segments.iter().enumerate().skip(depth) {
            if !self.files.get(&cur).is_some_and(|n| n.is_folder) {
                return Err(FsErr::not_supported("parent must be a valid folder"));
            }
            validate_name(name)?;
            let last = i + 1 == segments.len();
            let id = self.insert_node(root.owner, Some(cur), name, !last || is_folder, now);
            if last && let Some(node) = self.files.get_mut(&id) {
                node.metadata.extend(metadata.clone());
            }
            new_nodes.push(id);
            cur = id;
        }
        Ok(Created {
            node: cur,
            uri: target_uri,
            new_nodes,
        })
    }

    /// Renames one node (§3.4).
    pub fn rename_node(
        &mut self,
        viewer: Option<u64>,
        uri: &CrUri,
        new_name: &str,
        now: Time,
    ) -> Result<(u64, CrUri, Option<FileChange>), FsErr> {
        let at = self
            .locate(viewer, uri, &[cap::RENAME, cap::LOCK])
            .map_err(|e| e.context("failed to get target file"))?;
        if Some(at.owner) != viewer {
            return Err(FsErr::owner_only());
        }
        if at.is_root {
            return Err(FsErr::not_supported("cannot modify root folder"));
        }
        validate_name(new_name)?;
        self.lock_conflict(&[at.node])?;
        let Some(node) = self.files.get(&at.node) else {
            return Err(FsErr::new(40016, "Path not exist"));
        };
        let (parent, old_name, is_folder) =
            (node.parent.unwrap_or(0), node.name.clone(), node.is_folder);
        if self.child(parent, new_name).is_some_and(|c| c != at.node) {
            return Err(FsErr::object_existed());
        }
        let from = self.node_segments(at.node);
        self.relink_node(at.node, parent, new_name);
        if let Some(node) = self.files.get_mut(&at.node) {
            node.updated_at = now;
            // A new extension may make a thumbnail possible again.
            if !is_folder && !extension(&old_name).eq_ignore_ascii_case(extension(new_name)) {
                node.metadata.remove(META_THUMB_DISABLED);
            }
        }
        let event = self.change_at(at.node, ChangeKind::Rename).map(|mut c| {
            c.to = Some(std::mem::replace(&mut c.from, from));
            c
        });
        let new_uri = at
            .uri
            .parent()
            .unwrap_or_else(|| at.uri.clone())
            .join(new_name);
        Ok((at.node, new_uri, event))
    }
}

fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[i..],
        _ => "",
    }
}

// ---- handlers ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct CreateReq {
    uri: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
    err_on_conflict: Option<bool>,
}

/// `POST /file/create` (§3.3): answers the File with `metadata: null` (C2-186).
pub async fn create(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    ClientId(origin): ClientId,
    JsonBody(req): JsonBody<CreateReq>,
) -> ApiResult {
    let raw = required(&req.uri, "Uri")?;
    let is_folder = match required(&req.kind, "Type")? {
        "file" => false,
        "folder" => true,
        _ => return Err(ApiErr::param("Invalid parameters.")),
    };
    let uri = parse_request_uri(raw)?;
    let metadata = req.metadata.unwrap_or_default();
    validate_metadata(
        metadata
            .iter()
            .map(|(k, v)| (k.as_str(), Some(v.as_str()), false)),
    )?;
    let (data, changes) = {
        let mut store = state.lock();
        let created = store.create_path(
            viewer,
            &uri,
            is_folder,
            &metadata,
            req.err_on_conflict.unwrap_or(false),
            Utc::now(),
        )?;
        let changes: Vec<FileChange> = created
            .new_nodes
            .iter()
            .filter_map(|n| store.change_at(*n, ChangeKind::Create))
            .collect();
        (
            store.file_at(created.node, viewer, created.uri, true),
            changes,
        )
    };
    publish(&state, changes, &origin);
    ok(data)
}

#[derive(Deserialize)]
pub struct RenameReq {
    uri: Option<String>,
    new_name: Option<String>,
}

/// `POST /file/rename` (§3.4).
pub async fn rename(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    ClientId(origin): ClientId,
    JsonBody(req): JsonBody<RenameReq>,
) -> ApiResult {
    let raw = required(&req.uri, "Uri")?;
    let new_name = required(&req.new_name, "NewName")?;
    if new_name.chars().count() > 255 {
        return Err(ApiErr::param("NewName too long"));
    }
    let uri = parse_request_uri(raw)?;
    let (data, event) = {
        let mut store = state.lock();
        let (node, new_uri, event) = store.rename_node(viewer, &uri, new_name, Utc::now())?;
        (store.file_at(node, viewer, new_uri, true), event)
    };
    publish(&state, event.into_iter().collect(), &origin);
    ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_server_rules() {
        assert!(validate_name("report 2024.pdf").is_ok());
        assert!(validate_name("日本語 ✓").is_ok());
        assert!(validate_name("...").is_ok());
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "bad:name.txt",
            "q?",
            "x|y",
            "a\\b",
            "\"q\"",
        ] {
            let e = validate_name(bad).unwrap_err();
            assert_eq!(
                (e.code, e.msg.as_str()),
                (40052, "Invalid object name"),
                "{bad:?}"
            );
        }
        assert!(validate_name(&"x".repeat(255)).is_ok());
        assert!(validate_name(&"x".repeat(256)).is_err());
        assert_eq!(extension("a.TXT"), ".TXT");
        assert_eq!(extension(".bashrc"), "");
    }
}
