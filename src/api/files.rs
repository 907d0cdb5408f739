//! File operations: listing, info, create, rename, move/copy, delete, trash, metadata, versions,
//! pins, views, locks, direct links, thumbnails, archives, search, download URLs
//! (files-and-transfers.md §3, §6.1).

use super::client::{CONTEXT_HINT_HEADER, Client, Request, seg};
use super::error::ApiError;
use super::models::{
    ArchiveListing, DirectLink, DownloadUrlRequest, DownloadUrls, ExplorerView, File, FileKind,
    FullTextResults, ListResponse, MetadataPatch, ThumbUrl, ViewerSessionResponse,
};
use super::uri::CrUri;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// Query of `GET /file`. All optional: the folder's saved view fills what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// 1–2000; absent → the view's size or 100.
    pub page_size: Option<u32>,
    /// `name`, `size`, `updated_at`, `created_at`.
    pub order_by: Option<String>,
    /// `asc` or `desc`.
    pub order_direction: Option<String>,
    /// `pagination.next_token` of the previous page.
    pub next_token: Option<String>,
    /// Offset mode only (servers with cursor pagination turned off).
    pub page: Option<u32>,
}

/// Options of `GET /file/info`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InfoOptions {
    /// Add `extended_info` (versions, shares, direct links, storage used).
    pub extended: bool,
    /// Add `folder_summary` (recursive totals; owner only).
    pub folder_summary: bool,
}

/// Options of `DELETE /file`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Delete permanently; required for items already in the trash.
    pub skip_soft_delete: bool,
    /// Remove the records but keep the blobs (needs the advanced-delete permission).
    pub unlink: bool,
}

/// A guard against a server whose cursor never ends.
const MAX_PAGES: usize = 100_000;

impl Client {
    /// `GET /file`: one page of a folder (or of a search, when the URI has a query).
    pub async fn list_page(
        &self,
        uri: &CrUri,
        page_size: Option<u32>,
        next_token: Option<&str>,
    ) -> Result<ListResponse, ApiError> {
        self.list(
            uri,
            &ListQuery {
                page_size,
                next_token: next_token.map(str::to_string),
                ..Default::default()
            },
        )
        .await
    }

    /// `GET /file` with every query option.
    pub async fn list(&self, uri: &CrUri, q: &ListQuery) -> Result<ListResponse, ApiError> {
        let req = Request::get("/file")
            .query("uri", uri)
            .query_opt("page_size", q.page_size)
            .query_opt("order_by", q.order_by.as_deref())
            .query_opt("order_direction", q.order_direction.as_deref())
            .query_opt("next_page_token", q.next_token.as_deref())
            .query_opt("page", q.page);
        self.call(req).await
    }

    /// Every entry of a folder: follows the cursor (or, on servers in offset mode, the pages)
    /// to the end. The answer is the first page's with all `files` appended.
    pub async fn list_all(&self, uri: &CrUri, q: &ListQuery) -> Result<ListResponse, ApiError> {
        let mut query = q.clone();
        let mut all = self.list(uri, &query).await?;
        let mut seen_tokens = HashSet::new();
        let mut last = all.pagination.clone();
        let mut last_len = all.files.len();
        for _ in 0..MAX_PAGES {
            match next_page(&last, all.files.len() as u64, last_len) {
                NextPage::Cursor(token) => {
                    if !seen_tokens.insert(token.clone()) {
                        return Err(ApiError::decode(
                            "GET /file",
                            200,
                            "the page cursor repeats",
                        ));
                    }
                    query.next_token = Some(token);
                }
                NextPage::Offset(page) => query.page = Some(page),
                NextPage::Done => return Ok(all),
            }
            let page = self.list(uri, &query).await?;
            last = page.pagination;
            last_len = page.files.len();
            all.files.extend(page.files);
        }
        Err(ApiError::decode("GET /file", 200, "too many pages"))
    }

    /// `GET /file/info` by URI.
    pub async fn file_info(&self, uri: &CrUri, opts: InfoOptions) -> Result<File, ApiError> {
        let req = Request::get("/file/info")
            .query("uri", uri)
            .flag("extended", opts.extended)
            .flag("folder_summary", opts.folder_summary);
        self.call(req).await
    }

    /// `GET /file/info` by hash id (owner or admin only); the answer carries the real URI.
    pub async fn file_info_by_id(&self, id: &str, opts: InfoOptions) -> Result<File, ApiError> {
        let req = Request::get("/file/info")
            .query("id", id)
            .flag("extended", opts.extended)
            .flag("folder_summary", opts.folder_summary);
        self.call(req).await
    }

    /// `POST /file/create`. Missing parents are created. An existing object of the same kind is
    /// returned as is unless `err_on_conflict` (then `40004`).
    pub async fn create(
        &self,
        uri: &CrUri,
        kind: FileKind,
        metadata: &BTreeMap<String, String>,
        err_on_conflict: bool,
    ) -> Result<File, ApiError> {
        let mut body = json!({ "uri": uri, "type": kind.as_create_type() });
        if !metadata.is_empty() {
            body["metadata"] = json!(metadata);
        }
        if err_on_conflict {
            body["err_on_conflict"] = json!(true);
        }
        self.call(Request::post("/file/create").json(&body)).await
    }

    /// Creates a folder (and its parents); an existing folder is fine.
    pub async fn mkdir(&self, uri: &CrUri) -> Result<File, ApiError> {
        self.create(uri, FileKind::Folder, &BTreeMap::new(), false)
            .await
    }

    /// `POST /file/rename`.
    pub async fn rename(&self, uri: &CrUri, new_name: &str) -> Result<File, ApiError> {
        let body = json!({ "uri": uri, "new_name": new_name });
        self.call(Request::post("/file/rename").json(&body)).await
    }

    /// `POST /file/move`. No overwrite: a clash is `40004`; per-item failures are `40081` and
    /// the other items are moved.
    pub async fn move_files(&self, uris: &[CrUri], dst: &CrUri) -> Result<(), ApiError> {
        let body = json!({ "uris": uris, "dst": dst });
        self.call(Request::post("/file/move").json(&body)).await
    }

    /// `POST /file/move` with `copy: true` (folders are copied recursively).
    pub async fn copy_files(&self, uris: &[CrUri], dst: &CrUri) -> Result<(), ApiError> {
        let body = json!({ "uris": uris, "dst": dst, "copy": true });
        self.call(Request::post("/file/move").json(&body)).await
    }

    /// `DELETE /file`: to the trash, or permanently with `skip_soft_delete`.
    pub async fn delete(&self, uris: &[CrUri], opts: DeleteOptions) -> Result<(), ApiError> {
        let mut body = json!({ "uris": uris });
        if opts.skip_soft_delete {
            body["skip_soft_delete"] = json!(true);
        }
        if opts.unlink {
            body["unlink"] = json!(true);
        }
        self.call(Request::delete("/file").json(&body)).await
    }

    /// `POST /file/restore`: trash items go back to their `sys:restore_uri`.
    pub async fn restore(&self, uris: &[CrUri]) -> Result<(), ApiError> {
        self.call(Request::post("/file/restore").json(&json!({ "uris": uris })))
            .await
    }

    /// `DELETE /file/trash`: empties the trash permanently.
    pub async fn empty_trash(&self) -> Result<(), ApiError> {
        self.call(Request::delete("/file/trash")).await
    }

    /// `PATCH /file/metadata`.
    pub async fn patch_metadata(
        &self,
        uris: &[CrUri],
        patches: &[MetadataPatch],
    ) -> Result<(), ApiError> {
        let body = json!({ "uris": uris, "patches": patches });
        self.call(Request::patch("/file/metadata").json(&body))
            .await
    }

    /// `POST /file/version/current`: makes an older version (entity id) current.
    pub async fn set_current_version(&self, uri: &CrUri, version: &str) -> Result<(), ApiError> {
        let body = json!({ "uri": uri, "version": version });
        self.call(Request::post("/file/version/current").json(&body))
            .await
    }

    /// `DELETE /file/version`: deletes a version that is not current.
    pub async fn delete_version(&self, uri: &CrUri, version: &str) -> Result<(), ApiError> {
        let body = json!({ "uri": uri, "version": version });
        self.call(Request::delete("/file/version").json(&body))
            .await
    }

    /// `PUT /file/pin`: adds a sidebar pin (read them from `User::pined`).
    pub async fn pin(&self, uri: &CrUri, name: Option<&str>) -> Result<(), ApiError> {
        let mut body = json!({ "uri": uri });
        if let Some(n) = name {
            body["name"] = json!(n);
        }
        self.call(Request::put("/file/pin").json(&body)).await
    }

    /// `DELETE /file/pin` (also fine when it was not pinned).
    pub async fn unpin(&self, uri: &CrUri) -> Result<(), ApiError> {
        self.call(Request::delete("/file/pin").json(&json!({ "uri": uri })))
            .await
    }

    /// `PUT /file/source`: permanent direct links. On partial failure the `40081` error keeps
    /// the links that were made in its `data`.
    pub async fn create_direct_links(&self, uris: &[CrUri]) -> Result<Vec<DirectLink>, ApiError> {
        self.call(Request::put("/file/source").json(&json!({ "uris": uris })))
            .await
    }

    /// `DELETE /file/source/:id`.
    pub async fn delete_direct_link(&self, id: &str) -> Result<(), ApiError> {
        self.call(Request::delete(format!("/file/source/{}", seg(id))))
            .await
    }

    /// `GET /file/thumb`: a signed thumbnail URL. Ask only for extensions in the `thumb`
    /// config's `thumb_exts` and never for files marked `thumb:disabled`.
    pub async fn thumbnail_url(
        &self,
        uri: &CrUri,
        context_hint: Option<&str>,
    ) -> Result<ThumbUrl, ApiError> {
        let mut req = Request::get("/file/thumb").query("uri", uri);
        if let Some(hint) = context_hint {
            req = req.header(CONTEXT_HINT_HEADER, hint);
        }
        self.call(req).await
    }

    /// `PATCH /file/view`: saves a folder's view; `None` resets it to the default.
    pub async fn update_view(
        &self,
        uri: &CrUri,
        view: Option<&ExplorerView>,
    ) -> Result<(), ApiError> {
        let mut body = json!({ "uri": uri });
        if let Some(v) = view {
            body["view"] = json!(v);
        }
        self.call(Request::patch("/file/view").json(&body)).await
    }

    /// `DELETE /file/lock`: force-unlocks with tokens from a `40073` answer.
    pub async fn force_unlock(&self, tokens: &[String]) -> Result<(), ApiError> {
        self.call(Request::delete("/file/lock").json(&json!({ "tokens": tokens })))
            .await
    }

    /// `PUT /file/viewerSession` (browser/WOPI viewers; rarely useful in a terminal).
    pub async fn viewer_session(
        &self,
        uri: &CrUri,
        viewer_id: &str,
        edit: bool,
        version: Option<&str>,
    ) -> Result<ViewerSessionResponse, ApiError> {
        let mut body = json!({
            "uri": uri, "viewer_id": viewer_id,
            "preferred_action": if edit { "edit" } else { "view" },
        });
        if let Some(v) = version {
            body["version"] = json!(v);
        }
        self.call(Request::put("/file/viewerSession").json(&body))
            .await
    }

    /// `GET /file/archive`: the entries of an archive file.
    pub async fn archive_entries(
        &self,
        uri: &CrUri,
        entity: Option<&str>,
        text_encoding: Option<&str>,
    ) -> Result<ArchiveListing, ApiError> {
        let req = Request::get("/file/archive")
            .query("uri", uri)
            .query_opt("entity", entity)
            .query_opt("text_encoding", text_encoding);
        self.call(req).await
    }

    /// `GET /file/search`: full-text search (`40019` while the admin has it off).
    pub async fn full_text_search(
        &self,
        query: &str,
        offset: u64,
    ) -> Result<FullTextResults, ApiError> {
        let req = Request::get("/file/search")
            .query("query", query)
            .query("offset", offset);
        self.call(req).await
    }

    /// `POST /file/url`: signed download URLs (`urls[i]` belongs to `uris[i]`).
    pub async fn download_urls(
        &self,
        request: &DownloadUrlRequest,
    ) -> Result<DownloadUrls, ApiError> {
        self.call(Request::post("/file/url").json(request)).await
    }

    /// The download URL of one file (`entity` picks a version).
    pub async fn download_url(
        &self,
        uri: &CrUri,
        entity: Option<&str>,
    ) -> Result<String, ApiError> {
        let answer = self
            .download_urls(&DownloadUrlRequest {
                uris: vec![uri.to_string()],
                download: true,
                entity: entity.map(str::to_string),
                ..Default::default()
            })
            .await?;
        answer
            .urls
            .into_iter()
            .next()
            .map(|u| u.url)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ApiError::decode("POST /file/url", 200, "no URL in the answer"))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum NextPage {
    Cursor(String),
    Offset(u32),
    Done,
}

/// What to ask for after a page with pagination `p`, `collected` entries so far and `got` on
/// the last page. Cursor lists stop when `next_token` is absent; offset lists stop at
/// `total_items` or at an empty page (C2-202…204).
fn next_page(p: &super::models::Pagination, collected: u64, got: usize) -> NextPage {
    if let Some(token) = p.next() {
        return NextPage::Cursor(token.to_string());
    }
    match p.total_items {
        Some(total) if !p.is_cursor && collected < total && got > 0 => NextPage::Offset(p.page + 1),
        _ => NextPage::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::Pagination;

    #[test]
    fn paging_rules() {
        let cursor = Pagination {
            page_size: 10,
            next_token: Some("abc".into()),
            is_cursor: true,
            ..Default::default()
        };
        assert_eq!(next_page(&cursor, 10, 10), NextPage::Cursor("abc".into()));
        let last = Pagination {
            next_token: None,
            ..cursor.clone()
        };
        assert_eq!(next_page(&last, 28, 8), NextPage::Done);
        let offset = Pagination {
            page: 1,
            page_size: 10,
            total_items: Some(28),
            ..Default::default()
        };
        assert_eq!(next_page(&offset, 20, 10), NextPage::Offset(2));
        assert_eq!(next_page(&offset, 28, 8), NextPage::Done);
        assert_eq!(next_page(&offset, 20, 0), NextPage::Done);
        // A single-file share: {page:0, page_size:0} without is_cursor (C2-412).
        assert_eq!(next_page(&Pagination::default(), 1, 1), NextPage::Done);
    }
}
