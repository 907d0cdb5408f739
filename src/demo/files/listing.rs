//! `GET /file`: a folder's children, one cursor page at a time, or a search below it
//! (files-and-transfers.md §1.2, §3.1; README §7).
//!
//! The children are sorted once per request and only the page's items are rendered; each
//! item's URI is its parent's URI plus its name, so a folder of 10 000 entries costs one sort.

use super::super::AppState;
use super::super::auth::MaybeUser;
use super::super::http::{ApiErr, ApiResult, Q, lenient, ok};
use super::super::ids::{self, Kind};
use super::super::store::{
    CAP_MY, CAP_SHARE, CAP_SHARED_WITH_ME, CAP_TRASH, FileJsonOpts, Store, ZERO_TIME,
};
use super::cursor::{Cursor, OrderKey, paginate};
use super::fsys::{FsErr, Located, cap, check_capabilities, parse_request_uri};
use super::req::required;
use super::search::SearchParams;
use super::storage_policy_json;
use super::view::{ExplorerView, MAX_PAGE_SIZE};
use crate::api::uri::{CrUri, FileSystem};
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The metadata key that makes a file a saved share shortcut (§7.9).
const META_SHARED_REDIRECT: &str = "sys:shared_redirect";

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    uri: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
    order_by: Option<String>,
    order_direction: Option<String>,
    next_page_token: Option<String>,
    /// Offset mode only; ignored in cursor mode (C2-200).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[allow(dead_code)]
    page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Q(query): Q<ListQuery>,
) -> ApiResult {
    let raw = required(&query.uri, "Uri")?;
    let uri = parse_request_uri(raw)?;
    let mut store = state.lock();
    let data = store.list_uri(viewer, &uri, &query)?;
    ok(data)
}

/// The `capability` of a file system.
fn capability_of(fs: &FileSystem) -> &'static str {
    match fs {
        FileSystem::Share => CAP_SHARE,
        FileSystem::Trash => CAP_TRASH,
        FileSystem::SharedWithMe => CAP_SHARED_WITH_ME,
        _ => CAP_MY,
    }
}

/// The listing's `props`: searches drop the order options, except in the trash, which
/// can still order search results by creation (C2-214, C2-507).
fn props(fs: &FileSystem, searching: bool) -> Value {
    let full_order = json!(["name", "size", "updated_at", "created_at"]);
    let directions = json!(["asc", "desc"]);
    let (order_by, order_direction) = match (fs, searching) {
        (_, false) => (full_order, directions),
        (FileSystem::Trash, true) => (json!(["created_at"]), directions),
        (_, true) => (Value::Null, Value::Null),
    };
    json!({
        "capability": capability_of(fs),
        "max_page_size": MAX_PAGE_SIZE,
        "order_by_options": order_by,
        "order_direction_options": order_direction,
    })
}

/// The "parent" of a listing of the trash root: a zero File without path (C2-213).
fn zero_parent() -> Value {
    json!({
        "type": 0,
        "id": "",
        "name": "",
        "created_at": ZERO_TIME,
        "updated_at": ZERO_TIME,
        "size": 0,
        "metadata": null,
    })
}

fn cursor_pagination(page_size: i64, next: Option<String>) -> Value {
    let mut p = Map::new();
    p.insert("page".into(), json!(0));
    p.insert("page_size".into(), json!(page_size));
    if let Some(t) = next {
        p.insert("next_token".into(), json!(t));
    }
    p.insert("is_cursor".into(), json!(true));
    Value::Object(p)
}

/// What one listing found, before it is rendered.
struct Listed {
    files: Vec<Value>,
    parent: Value,
    pagination: Value,
    mixed_type: bool,
    single_file_view: bool,
    recursion_limit_reached: bool,
}

impl Store {
    /// The whole `GET /file` answer for `uri`.
    pub fn list_uri(
        &mut self,
        viewer: Option<u64>,
        uri: &CrUri,
        query: &ListQuery,
    ) -> Result<Value, ApiErr> {
        if uri.fs == FileSystem::SharedWithMe {
            return self.list_shared_with_me(viewer, uri, query);
        }
        let at = self.locate(viewer, uri, &[cap::LIST])?;
        let search = SearchParams::from_query(&uri.query)?;
        let is_trash_root = uri.fs == FileSystem::Trash && at.is_root;
        if uri.fs == FileSystem::Trash && !at.is_root {
            // The trash is one flat level: its folders cannot be entered (C2-259).
            return Err(ApiErr::path_not_exist());
        }
        let mut view = self.starting_view(&at, uri);
        let page_size = view.apply_query(
            query.page_size,
            query.order_by.as_deref(),
            query.order_direction.as_deref(),
        );
        if is_trash_root {
            self.file_views.remember_trash_listing(at.owner, &view);
        }
        let listed = match (&search, is_trash_root) {
            (Some(params), true) => {
                self.list_trash_search(viewer, &at, params, &view, page_size, query)?
            }
            (Some(params), false) => self.list_search(viewer, &at, params, page_size, query)?,
            (None, _) => self.list_children(viewer, &at, is_trash_root, &view, page_size, query)?,
        };
        let mut m = Map::new();
        m.insert("files".into(), Value::Array(listed.files));
        m.insert("parent".into(), listed.parent);
        m.insert("pagination".into(), listed.pagination);
        m.insert("props".into(), props(&uri.fs, search.is_some()));
        m.insert(
            "context_hint".into(),
            json!(uuid::Uuid::new_v4().to_string()),
        );
        m.insert("mixed_type".into(), json!(listed.mixed_type));
        if listed.single_file_view {
            m.insert("single_file_view".into(), json!(true));
        }
        if listed.recursion_limit_reached {
            m.insert("recursion_limit_reached".into(), json!(true));
        }
        if !is_trash_root {
            m.insert("storage_policy".into(), storage_policy_json(self.policy));
        }
        // Share listings carry no view (40_shares "browse_public_share").
        if uri.fs != FileSystem::Share {
            m.insert("view".into(), view.to_value());
        }
        Ok(Value::Object(m))
    }

    /// The view a listing starts from: the folder's saved one, the user's trash view, or
    /// the file system's default.
    fn starting_view(&self, at: &Located, uri: &CrUri) -> ExplorerView {
        match uri.fs {
            FileSystem::Trash => self.file_views.trash_view(at.owner),
            _ => self
                .files
                .get(&at.node)
                .and_then(|n| n.view.as_ref())
                .and_then(ExplorerView::from_value)
                .unwrap_or_else(ExplorerView::default_my),
        }
    }

    /// A File object addressed by `uri`.
    pub fn file_at(&self, id: u64, viewer: Option<u64>, uri: CrUri, metadata_null: bool) -> Value {
        self.file_json(
            id,
            viewer,
            FileJsonOpts {
                uri: Some(uri),
                metadata_null,
                no_capability: false,
            },
        )
    }

    fn list_children(
        &self,
        viewer: Option<u64>,
        at: &Located,
        is_trash_root: bool,
        view: &ExplorerView,
        page_size: i64,
        query: &ListQuery,
    ) -> Result<Listed, ApiErr> {
        if let Some(target) = &at.share
            && let Some(file) = target.single_file
            && at.is_root
        {
            return Ok(self.list_single_file_share(viewer, at, file));
        }
        if !self.files.get(&at.node).is_some_and(|n| n.is_folder) {
            return Err(ApiErr::path_not_exist());
        }
        let cursor = match query.next_page_token.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => Some(Cursor::decode(t).ok_or_else(|| ApiErr::new(-1, ""))?),
            None => None,
        };
        let entries = self
            .children_of(at.node)
            .into_iter()
            .filter_map(|c| self.entry_of(c))
            .collect();
        let page = paginate(
            entries,
            OrderKey::parse(&view.order),
            view.order_direction == "desc",
            page_size as usize,
            cursor.as_ref(),
            false,
        );
        let files = page
            .items
            .iter()
            .map(|e| self.file_at(e.id, viewer, at.child_uri(&e.name), false))
            .collect();
        let parent = if is_trash_root {
            zero_parent()
        } else {
            self.file_at(at.node, viewer, at.uri.clone(), true)
        };
        Ok(Listed {
            files,
            parent,
            pagination: cursor_pagination(page_size, page.next.map(|c| c.encode())),
            mixed_type: false,
            single_file_view: false,
            recursion_limit_reached: false,
        })
    }

    /// The root of a share of one file: that file alone, below its (nameless) folder
    /// (C2-412, 26_multi_user "bob_browses_alice_share").
    fn list_single_file_share(&self, viewer: Option<u64>, at: &Located, file: u64) -> Listed {
        let name = self
            .files
            .get(&file)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        Listed {
            files: vec![self.file_at(file, viewer, at.child_uri(&name), false)],
            parent: self.file_at(at.node, viewer, at.uri.clone(), true),
            pagination: json!({"page": 0, "page_size": 0}),
            mixed_type: false,
            single_file_view: true,
            recursion_limit_reached: false,
        }
    }

    fn list_search(
        &self,
        viewer: Option<u64>,
        at: &Located,
        params: &SearchParams,
        page_size: i64,
        query: &ListQuery,
    ) -> Result<Listed, ApiErr> {
        if !self.files.get(&at.node).is_some_and(|n| n.is_folder) {
            return Err(ApiErr::path_not_exist());
        }
        if let Some(target) = &at.share
            && let Some(file) = target.single_file
            && at.is_root
        {
            // The root of a single-file share holds that file only, not its folder's others.
            return Ok(self.search_single_file_share(viewer, at, file, params));
        }
        let page = self.search_tree(
            at.node,
            &at.uri,
            params,
            page_size as usize,
            query.next_page_token.as_deref(),
        )?;
        let files = page
            .items
            .into_iter()
            .map(|(id, uri)| self.file_at(id, viewer, uri, false))
            .collect();
        let pagination = if page.exhausted {
            Value::Null
        } else {
            // Searches report a page size of 0 (C2-214).
            cursor_pagination(0, page.next_token)
        };
        Ok(Listed {
            files,
            parent: self.file_at(at.node, viewer, at.uri.clone(), true),
            pagination,
            mixed_type: true,
            single_file_view: false,
            recursion_limit_reached: page.recursion_limit_reached,
        })
    }

    fn search_single_file_share(
        &self,
        viewer: Option<u64>,
        at: &Located,
        file: u64,
        params: &SearchParams,
    ) -> Listed {
        let mut listed = self.list_single_file_share(viewer, at, file);
        if !self.candidate_matches(file, params) {
            listed.files.clear();
        }
        listed.single_file_view = false;
        listed.mixed_type = true;
        listed.pagination = cursor_pagination(0, None);
        listed
    }

    fn list_trash_search(
        &self,
        viewer: Option<u64>,
        at: &Located,
        params: &SearchParams,
        view: &ExplorerView,
        page_size: i64,
        query: &ListQuery,
    ) -> Result<Listed, ApiErr> {
        let (ids, next) = self.search_trash(
            at.node,
            params,
            page_size as usize,
            view.order_direction == "desc",
            query.next_page_token.as_deref(),
        )?;
        let files = ids
            .into_iter()
            .filter_map(|id| {
                let name = self.files.get(&id)?.name.clone();
                Some(self.file_at(id, viewer, at.child_uri(&name), false))
            })
            .collect();
        Ok(Listed {
            files,
            parent: zero_parent(),
            pagination: cursor_pagination(page_size, next),
            mixed_type: true,
            single_file_view: false,
            recursion_limit_reached: false,
        })
    }

    /// `cloudreve://shared_with_me`: a flat list of the viewer's saved share shortcuts —
    /// their files in `my` that carry `sys:shared_redirect` (§7.9, C2-427), each addressed by
    /// its id. The listing's parent is the viewer's root folder (C2-212); below the root
    /// there is nothing to enter, as in Cloudreve's flat navigator.
    fn list_shared_with_me(
        &self,
        viewer: Option<u64>,
        uri: &CrUri,
        query: &ListQuery,
    ) -> Result<Value, ApiErr> {
        check_capabilities(&FileSystem::SharedWithMe, &[cap::LIST])?;
        let viewer = viewer.ok_or_else(FsErr::login_required)?;
        let root = self
            .user(viewer)
            .map(|u| u.root)
            .ok_or_else(FsErr::login_required)?;
        if !uri.segments.is_empty() {
            return Err(ApiErr::path_not_exist());
        }
        let mut view = ExplorerView::default_my();
        let page_size = view.apply_query(
            query.page_size,
            query.order_by.as_deref(),
            query.order_direction.as_deref(),
        );
        let cursor = match query.next_page_token.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => Some(Cursor::decode(t).ok_or_else(|| ApiErr::new(-1, ""))?),
            None => None,
        };
        let entries = self
            .shortcuts_of(viewer)
            .into_iter()
            .filter_map(|id| self.entry_of(id))
            .collect();
        let page = paginate(
            entries,
            OrderKey::parse(&view.order),
            view.order_direction == "desc",
            page_size as usize,
            cursor.as_ref(),
            false,
        );
        let files: Vec<Value> = page
            .items
            .iter()
            .map(|e| {
                let mut at = CrUri::root(FileSystem::SharedWithMe);
                at.segments.push(ids::encode(Kind::File, e.id));
                self.file_at(e.id, Some(viewer), at, false)
            })
            .collect();
        let mut parent = self.file_at(
            root,
            Some(viewer),
            CrUri::root(FileSystem::SharedWithMe),
            true,
        );
        // This root is written without the trailing slash of `cloudreve://my/` (C2-212).
        if let Some(p) = parent.get_mut("path") {
            *p = json!(CrUri::root(FileSystem::SharedWithMe).to_string());
        }
        Ok(json!({
            "files": files,
            "parent": parent,
            "pagination": cursor_pagination(page_size, page.next.map(|c| c.encode())),
            "props": props(&FileSystem::SharedWithMe, false),
            "context_hint": uuid::Uuid::new_v4().to_string(),
            "mixed_type": false,
            "storage_policy": storage_policy_json(self.policy),
            "view": view.to_value(),
        }))
    }

    /// The viewer's share shortcuts: files of their `my` (not the trash) with a
    /// `sys:shared_redirect`, wherever they were created.
    fn shortcuts_of(&self, viewer: u64) -> Vec<u64> {
        self.files
            .iter()
            .filter(|(_, n)| n.owner == viewer && n.metadata.contains_key(META_SHARED_REDIRECT))
            .map(|(id, _)| *id)
            .filter(|id| self.fs_of(*id) == Some(FileSystem::My))
            .collect()
    }
}
