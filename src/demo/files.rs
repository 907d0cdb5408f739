//! File routes (files-and-transfers.md §1–§3): listing and search, info, create, rename,
//! move/copy, delete, trash and restore, metadata, pins, views, locks, thumbnails, archive
//! listings, viewer sessions and direct links.
//!
//! `fsys` turns URIs into nodes the way Cloudreve's navigators do; the other submodules are
//! the routes. Other areas can use `Store::locate`, `Store::check_locks`,
//! `Store::create_path`, `Store::purge_trees`, `validate_name` and `validate_metadata`.

mod cursor;
mod extras;
mod fsys;
mod info;
mod links;
mod listing;
mod locks;
mod meta;
mod ops;
mod relocate;
mod remove;
mod req;
mod search;
mod view;

pub use extras::make_thumbnail;
pub use fsys::{Batch, FsErr, Located, cap, clean_segments, parse_request_uri};
pub use links::LinkStore;
pub use meta::validate_metadata;
pub use ops::{Created, delete_blobs, validate_name};
pub use view::{ExplorerView, ViewStore};

use super::AppState;
use axum::Router;
use axum::routing::{delete, get, patch, post, put};
use serde_json::Value;

/// Number behind the hash id of the one storage policy.
pub const DEFAULT_POLICY: u64 = 1;

/// The demo's storage policy as listings and infos show it (§1.4, §5.1).
pub fn storage_policy_json(policy: super::storage::PolicyKind) -> Value {
    policy.policy_json()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/file", get(listing::list).delete(remove::delete))
        .route("/file/info", get(info::info))
        .route("/file/create", post(ops::create))
        .route("/file/rename", post(ops::rename))
        .route("/file/move", post(relocate::move_or_copy))
        .route("/file/restore", post(relocate::restore))
        .route("/file/trash", delete(remove::empty_trash))
        .route("/file/metadata", patch(meta::patch_metadata))
        .route("/file/pin", put(meta::pin).delete(meta::unpin))
        .route("/file/view", patch(view::patch_view))
        .route("/file/lock", delete(locks::force_unlock))
        .route("/file/source", put(links::create_links))
        .route("/file/source/{id}", delete(links::delete_link))
        .route("/file/thumb", get(extras::thumbnail))
        .route("/file/archive", get(extras::archive_entries))
        .route("/file/viewerSession", put(extras::viewer_session))
        .route("/file/search", get(extras::full_text_search))
}

/// Routes outside `/api/v4` (`/f/...` direct links).
pub fn public_routes() -> Router<AppState> {
    links::public_routes()
}
