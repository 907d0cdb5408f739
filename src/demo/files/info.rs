//! `GET /file/info` (files-and-transfers.md §3.2): one File by URI or id, optionally with
//! `extended_info` (policy, storage, entities, shares, direct links) and `folder_summary`.

use super::super::AppState;
use super::super::auth::MaybeUser;
use super::super::http::{ApiErr, ApiResult, Q, ok};
use super::super::ids::{self, Kind};
use super::super::store::{FileJsonOpts, Store, ts};
use super::fsys::{FsErr, Located, cap, parse_request_uri};
use super::storage_policy_json;
use crate::api::uri::FileSystem;
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Deserialize)]
pub struct InfoQuery {
    uri: Option<String>,
    id: Option<String>,
    extended: Option<String>,
    folder_summary: Option<String>,
}

/// A query flag as Go's `strconv.ParseBool` reads it.
fn flag(v: &Option<String>) -> Result<bool, ApiErr> {
    match v.as_deref() {
        None | Some("") => Ok(false),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
        Some(_) => Err(ApiErr::param("Parameter error")),
    }
}

pub async fn info(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Q(q): Q<InfoQuery>,
) -> ApiResult {
    let extended = flag(&q.extended)?;
    let summary = flag(&q.folder_summary)?;
    let store = state.lock();
    let uri = match (
        q.uri.as_deref().filter(|u| !u.is_empty()),
        q.id.as_deref().filter(|i| !i.is_empty()),
    ) {
        (Some(raw), _) => parse_request_uri(raw)?,
        (None, Some(id)) => store.uri_of_id(viewer, id)?,
        (None, None) => return Err(ApiErr::new(40001, "uri is required")),
    };
    let at = store.locate(viewer, &uri, &[cap::INFO])?;
    // Roots have no File of their own: use the listing's `parent` (C2-223).
    if at.is_root && matches!(uri.fs, FileSystem::My | FileSystem::Trash) {
        return Err(FsErr::not_supported("cannot get root file").into());
    }
    let mut file = store.file_json(
        at.node,
        viewer,
        FileJsonOpts {
            uri: Some(at.uri.clone()),
            metadata_null: false,
            // Trash items come without capability (C2-258).
            no_capability: uri.fs == FileSystem::Trash,
        },
    );
    let Some(m) = file.as_object_mut() else {
        return Err(ApiErr::path_not_exist());
    };
    if extended {
        m.insert(
            "extended_info".into(),
            store.extended_info(&at, viewer, &state.site_url),
        );
    }
    if summary && store.files.get(&at.node).is_some_and(|n| n.is_folder) {
        if Some(at.owner) != viewer {
            return Err(FsErr::owner_only().into());
        }
        m.insert("folder_summary".into(), store.folder_summary(at.node));
    }
    ok(file)
}

impl Store {
    /// The real URI of a file given by id: owner or administrator only (C2-226).
    fn uri_of_id(&self, viewer: Option<u64>, id: &str) -> Result<crate::api::uri::CrUri, ApiErr> {
        let node = ids::decode(Kind::File, id)
            .ok_or_else(|| ApiErr::new(40001, "Failed to parse object ID"))?;
        let viewer = viewer.ok_or_else(ApiErr::login_required)?;
        let file = self.files.get(&node).ok_or_else(ApiErr::path_not_exist)?;
        let admin = self.user(viewer).is_some_and(|u| u.group.is_admin());
        if file.owner != viewer && !admin {
            return Err(FsErr::owner_only().into());
        }
        let mut uri = self.node_uri(node);
        if file.owner != viewer {
            uri.fs_id = self.user(file.owner).map(|u| u.hash_id());
        }
        Ok(uri)
    }

    /// An Entity object (§1.5): newest first in `extended_info`.
    fn entity_json(&self, id: u64) -> Option<Value> {
        let e = self.entities.get(&id)?;
        let creator = self.user(e.created_by);
        let mut by = Map::new();
        by.insert(
            "id".into(),
            json!(creator.map(|u| u.hash_id()).unwrap_or_default()),
        );
        by.insert(
            "nickname".into(),
            json!(creator.map(|u| u.nickname.clone()).unwrap_or_default()),
        );
        by.insert(
            "created_at".into(),
            json!(creator.map(|u| ts(&u.created_at)).unwrap_or_default()),
        );
        Some(json!({
            "id": ids::encode(Kind::Entity, id),
            "size": e.size,
            "type": e.kind,
            "created_at": ts(&e.created_at),
            "storage_policy": storage_policy_json(self.policy),
            "created_by": Value::Object(by),
        }))
    }

    /// `extended_info` (C2-222, C2-311, C2-356, C2-364, 26_multi_user).
    fn extended_info(&self, at: &Located, viewer: Option<u64>, site_url: &str) -> Value {
        let mut m = Map::new();
        let Some(node) = self.files.get(&at.node) else {
            return Value::Object(m);
        };
        let mut entities: Vec<u64> = node
            .versions
            .iter()
            .copied()
            .chain(node.thumbnail)
            .collect();
        entities.sort_unstable_by(|a, b| b.cmp(a));
        entities.dedup();
        if !node.is_folder {
            m.insert("storage_policy".into(), storage_policy_json(self.policy));
        }
        let used: u64 = entities
            .iter()
            .filter_map(|e| self.entities.get(e))
            .map(|e| e.size)
            .sum();
        m.insert("storage_used".into(), json!(used));
        if let Some(v) = viewer.filter(|v| *v == node.owner) {
            let shares = self.shares_json_for_node(at.node, v, site_url);
            if !shares.is_empty() {
                m.insert("shares".into(), Value::Array(shares));
            }
        }
        let entities: Vec<Value> = entities
            .iter()
            .filter_map(|e| self.entity_json(*e))
            .collect();
        if !entities.is_empty() {
            m.insert("entities".into(), Value::Array(entities));
        }
        if viewer == Some(node.owner) {
            let links = self.links.json_for_file(at.node, site_url);
            if !links.is_empty() {
                m.insert("direct_links".into(), Value::Array(links));
            }
        }
        if let Some(view) = &node.view {
            m.insert("view".into(), view.clone());
        }
        Value::Object(m)
    }

    /// Recursive totals of a folder (C2-221): sizes of all blobs, files, folders.
    fn folder_summary(&self, folder: u64) -> Value {
        let (mut size, mut files, mut folders) = (0u64, 0u64, 0u64);
        for id in self.descendants(folder) {
            let Some(n) = self.files.get(&id) else {
                continue;
            };
            if n.is_folder {
                folders += 1;
            } else {
                files += 1;
            }
            size += n
                .versions
                .iter()
                .chain(n.thumbnail.iter())
                .filter_map(|e| self.entities.get(e))
                .map(|e| e.size)
                .sum::<u64>();
        }
        json!({
            "size": size,
            "files": files,
            "folders": folders,
            "completed": true,
            "calculated_at": ts(&Utc::now()),
        })
    }
}
