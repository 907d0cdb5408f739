//! Explorer views (files-and-transfers.md §1.6, §3.15): the per-folder page size, order and
//! layout a listing reports and obeys, and `PATCH /file/view`.

use super::super::AppState;
use super::super::auth::SignedIn;
use super::super::http::{ApiErr, ApiResult, ok_empty};
use super::fsys::{FsErr, cap, parse_request_uri};
use super::req::{JsonBody, required};
use crate::api::uri::FileSystem;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The largest page a listing returns (`props.max_page_size`).
pub const MAX_PAGE_SIZE: i64 = 2000;
/// The page size when neither the request nor a saved view gives one.
pub const DEFAULT_PAGE_SIZE: i64 = 100;

/// An ExplorerView; empty members are omitted in answers like Go's `omitempty`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ExplorerView {
    #[serde(default)]
    pub page_size: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub order: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub order_direction: String,
    #[serde(default)]
    pub view: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub thumbnail: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gallery_width: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl ExplorerView {
    /// The view of a folder in `my` without a saved one.
    pub fn default_my() -> ExplorerView {
        ExplorerView {
            page_size: DEFAULT_PAGE_SIZE,
            view: "grid".into(),
            thumbnail: true,
            ..ExplorerView::default()
        }
    }

    /// The trash's list view with four columns (C2-213).
    pub fn default_trash() -> ExplorerView {
        ExplorerView {
            view: "list".into(),
            columns: [0, 2, 8, 7].iter().map(|t| json!({"type": t})).collect(),
            ..ExplorerView::default()
        }
    }

    pub fn from_value(v: &Value) -> Option<ExplorerView> {
        serde_json::from_value(v.clone()).ok()
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The validator's checks, in the Go struct's field order (C2-252, C2-254, C2-272).
    pub fn validate(&self) -> Result<(), ApiErr> {
        if self.page_size < 50 {
            return Err(ApiErr::param("PageSize too short"));
        }
        if self.page_size > MAX_PAGE_SIZE {
            return Err(ApiErr::param("PageSize too long"));
        }
        if !matches!(self.order_direction.as_str(), "asc" | "desc") {
            return Err(ApiErr::param("Invalid parameters."));
        }
        if !matches!(self.view.as_str(), "list" | "grid" | "gallery") {
            return Err(ApiErr::param("Invalid parameters."));
        }
        if self.gallery_width < 50 {
            return Err(ApiErr::param("GalleryWidth too short"));
        }
        if self.gallery_width > 500 {
            return Err(ApiErr::param("GalleryWidth too long"));
        }
        Ok(())
    }

    /// Applies a listing's query to the view and returns the page size to use: the query
    /// wins, then the saved size, then 100; capped at 2000 (README §7, C2-195…197). The
    /// answer's `view` echoes the result, including unknown orders (21_files_paging).
    pub fn apply_query(
        &mut self,
        page_size: Option<i64>,
        order_by: Option<&str>,
        order_direction: Option<&str>,
    ) -> i64 {
        let size = page_size
            .filter(|n| *n > 0)
            .or(Some(self.page_size).filter(|n| *n > 0))
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .min(MAX_PAGE_SIZE);
        self.page_size = size;
        if let Some(o) = order_by.filter(|o| !o.is_empty()) {
            self.order = o.to_string();
        }
        if let Some(d) = order_direction.filter(|d| !d.is_empty()) {
            self.order_direction = d.to_string();
        }
        size
    }
}

/// Views that are not stored on a folder.
#[derive(Debug)]
pub struct ViewStore {
    /// The default trash view. Cloudreve hands every trash listing the same default view
    /// object and writes each listing's page size and order into it, so they stick for the
    /// whole server: after the first "empty trash" (which lists the trash with 2000 items per
    /// page) every trash listing reports `page_size` 2000 (20_files_basic, 23_files_extras,
    /// 26_multi_user were recorded in one run).
    trash_default: ExplorerView,
    /// Saved views of file-system roots that have no folder of their own, per user.
    root_views: HashMap<(u64, &'static str), ExplorerView>,
}

impl Default for ViewStore {
    fn default() -> Self {
        ViewStore {
            trash_default: ExplorerView::default_trash(),
            root_views: HashMap::new(),
        }
    }
}

impl ViewStore {
    /// The view a trash listing starts from for `user`.
    pub fn trash_view(&self, user: u64) -> ExplorerView {
        self.root_views
            .get(&(user, "trash"))
            .cloned()
            .unwrap_or_else(|| self.trash_default.clone())
    }

    /// Records what a trash listing did to the view it started from (see `trash_default`).
    pub fn remember_trash_listing(&mut self, user: u64, used: &ExplorerView) {
        if !self.root_views.contains_key(&(user, "trash")) {
            self.trash_default = used.clone();
        }
    }

    fn set_root_view(&mut self, user: u64, fs: &'static str, view: Option<ExplorerView>) {
        match view {
            Some(v) => {
                self.root_views.insert((user, fs), v);
            }
            None => {
                self.root_views.remove(&(user, fs));
            }
        }
    }
}

#[derive(Deserialize)]
pub struct ViewReq {
    uri: Option<String>,
    view: Option<ExplorerView>,
}

/// `PATCH /file/view`: saves (or, without `view`, resets) a folder's view (C2-270, C2-255).
pub async fn patch_view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(req): JsonBody<ViewReq>,
) -> ApiResult {
    let raw = required(&req.uri, "Uri")?;
    if let Some(v) = &req.view {
        v.validate()?;
    }
    let uri = parse_request_uri(raw)?;
    let mut store = state.lock();
    if uri.fs == FileSystem::Trash && uri.is_root() {
        store.file_views.set_root_view(user, "trash", req.view);
        return ok_empty();
    }
    let target = store.locate(Some(user), &uri, &[cap::MODIFY_PROPS])?;
    if target.owner != user {
        return Err(FsErr::owner_only().into());
    }
    if let Some(node) = store.files.get_mut(&target.node) {
        node.view = req.view.map(|v| v.to_value());
    }
    ok_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_win_over_saved_ones() {
        let mut v = ExplorerView::default_my();
        assert_eq!(v.apply_query(None, None, None), 100);
        assert_eq!(v.apply_query(Some(-3), None, None), 100);
        assert_eq!(v.apply_query(Some(5000), None, None), 2000);
        let mut saved = ExplorerView {
            page_size: 50,
            order: "name".into(),
            order_direction: "desc".into(),
            ..ExplorerView::default_my()
        };
        assert_eq!(saved.apply_query(None, Some("size"), None), 50);
        assert_eq!(saved.order, "size");
        assert_eq!(saved.order_direction, "desc");
        let mut trash = ExplorerView::default_trash();
        assert_eq!(trash.apply_query(None, None, None), 100);
    }

    #[test]
    fn views_serialise_without_empty_members() {
        assert_eq!(
            ExplorerView::default_my().to_value(),
            json!({"page_size": 100, "view": "grid", "thumbnail": true})
        );
        let t = ExplorerView::default_trash().to_value();
        assert_eq!(t["columns"].as_array().map(Vec::len), Some(4));
        assert!(t.get("thumbnail").is_none());
    }

    #[test]
    fn validation_follows_the_field_order() {
        let mut v = ExplorerView {
            page_size: 10,
            ..ExplorerView::default()
        };
        assert_eq!(v.validate().unwrap_err().msg, "PageSize too short");
        v.page_size = 60;
        assert_eq!(v.validate().unwrap_err().msg, "Invalid parameters.");
        v.order_direction = "desc".into();
        v.view = "list".into();
        assert_eq!(v.validate().unwrap_err().msg, "GalleryWidth too short");
        v.gallery_width = 200;
        assert!(v.validate().is_ok());
    }
}
