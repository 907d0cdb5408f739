//! Direct links (files-and-transfers.md §3.14): `PUT /file/source` hands out one stable
//! `/f/<id>/<name>` link per file, `DELETE /file/source/:id` removes it, and following a link
//! redirects (302) to a signed content URL, `/f/d/…` as an attachment.

use super::super::auth::SignedIn;
use super::super::download;
use super::super::http::{ApiErr, ApiResult, ok, ok_empty, plain_404};
use super::super::ids::{self, Kind};
use super::super::store::{NO_ENTITY, Time, ts};
use super::super::{AppState, Demo};
use super::fsys::{Batch, FsErr, cap, check_capabilities, parse_request_uri};
use super::req::{JsonBody, check_batch_size, required_list};
use crate::api::uri::encode_component;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// One direct link.
#[derive(Debug, Clone)]
pub struct DirectLink {
    pub id: u64,
    pub file: u64,
    /// The file's name when the link was made (the link's last path segment).
    pub name: String,
    /// GETs of the link (C2-364).
    pub downloaded: u64,
    pub created_at: Time,
}

/// Direct links by id.
#[derive(Debug, Default)]
pub struct LinkStore {
    links: BTreeMap<u64, DirectLink>,
}

impl LinkStore {
    fn url(site_url: &str, link: &DirectLink) -> String {
        format!(
            "{site_url}/f/{}/{}",
            ids::encode(Kind::DirectLink, link.id),
            encode_component(&link.name)
        )
    }

    /// `extended_info.direct_links` of a file.
    pub fn json_for_file(&self, file: u64, site_url: &str) -> Vec<Value> {
        self.links
            .values()
            .filter(|l| l.file == file)
            .map(|l| {
                json!({
                    "id": ids::encode(Kind::DirectLink, l.id),
                    "url": LinkStore::url(site_url, l),
                    "downloaded": l.downloaded,
                    "created_at": ts(&l.created_at),
                })
            })
            .collect()
    }

    /// Drops the links of deleted files.
    pub fn forget_files(&mut self, files: &HashSet<u64>) {
        self.links.retain(|_, l| !files.contains(&l.file));
    }

    fn existing_for(&self, file: u64) -> Option<&DirectLink> {
        self.links.values().find(|l| l.file == file)
    }
}

#[derive(Deserialize)]
pub struct SourceReq {
    uris: Option<Vec<String>>,
}

/// `PUT /file/source` (C2-357, C2-361…363).
pub async fn create_links(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(req): JsonBody<SourceReq>,
) -> ApiResult {
    let raw_uris = required_list(&req.uris, "Uris")?;
    check_batch_size(raw_uris.len())?;
    let uris = raw_uris
        .iter()
        .map(|r| parse_request_uri(r).map(|u| (r.clone(), u)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut store = state.lock();
    let batch_limit = store
        .user(user)
        .and_then(|u| u.group.json()["direct_link_batch_size"].as_u64())
        .unwrap_or(10) as usize;
    if uris.len() > batch_limit {
        return Err(ApiErr::new(40014, "Exceed batch size limit"));
    }
    let mut failures = Batch::default();
    let mut data = Vec::new();
    for (raw, uri) in &uris {
        let found = check_capabilities(&uri.fs, &[cap::DOWNLOAD]).and_then(|()| {
            store
                .locate(Some(user), uri, &[])
                .map_err(|e| e.context("failed to get target file"))
        });
        let at = match found {
            Ok(at) if at.owner != user => {
                failures.add(raw.clone(), FsErr::owner_only());
                continue;
            }
            Ok(at) => at,
            Err(e) => {
                failures.add(raw.clone(), e);
                continue;
            }
        };
        let Some(node) = store.files.get(&at.node) else {
            continue;
        };
        if node.is_folder {
            failures.add(raw.clone(), FsErr::entity_not_exist());
            continue;
        }
        let name = node.name.clone();
        let link = match store.links.existing_for(at.node) {
            Some(l) => l.clone(),
            None => {
                let link = DirectLink {
                    id: store.new_id(),
                    file: at.node,
                    name,
                    downloaded: 0,
                    created_at: Utc::now(),
                };
                store.links.links.insert(link.id, link.clone());
                link
            }
        };
        data.push(json!({
            "link": LinkStore::url(&state.site_url, &link),
            "file_url": at.uri.to_string(),
        }));
    }
    let data = failures.finish_with(data)?;
    ok(data)
}

/// `DELETE /file/source/:id`: unknown or someone else's → 404 (C2-365, C2-367).
pub async fn delete_link(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let not_found = || ApiErr::new(404, "Direct link not found");
    let id = ids::decode(Kind::DirectLink, &id).ok_or_else(not_found)?;
    let mut store = state.lock();
    let owner = store
        .links
        .links
        .get(&id)
        .and_then(|l| store.files.get(&l.file))
        .map(|n| n.owner);
    if owner != Some(user) {
        return Err(not_found());
    }
    store.links.links.remove(&id);
    ok_empty()
}

/// Go's `http.Redirect` answer: 302 with a small HTML body (23_files_extras).
fn found(url: &str) -> Response {
    let body = format!(
        "<a href=\"{}\">Found</a>.\n\n",
        url.replace('&', "&amp;").replace('"', "&#34;")
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, url.to_string()),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A removed link: HTTP 404 with the envelope (C2-368).
fn link_not_found() -> Response {
    ApiErr::new(404, "direct link not found")
        .with_status(StatusCode::NOT_FOUND)
        .into_response()
}

/// Where a link leads: a signed content URL of the file's current content.
fn follow(state: &Demo, id: &str, attachment: bool) -> Response {
    let Some(id) = ids::decode(Kind::DirectLink, id) else {
        return link_not_found();
    };
    let mut store = state.lock();
    let Some(link) = store.links.links.get_mut(&id) else {
        return link_not_found();
    };
    link.downloaded += 1;
    let file = link.file;
    let Some(node) = store.files.get(&file) else {
        return link_not_found();
    };
    let entity = ids::encode(Kind::Entity, node.primary.unwrap_or(NO_ENTITY));
    let expires = Utc::now() + chrono::Duration::hours(1);
    found(&download::content_url(
        state, &entity, &node.name, attachment, expires,
    ))
}

async fn follow_inline(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    follow(&state, &id, false)
}

async fn follow_attachment(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    follow(&state, &id, true)
}

/// `/f/:id/:name` and `/f/d/:id/:name`; `HEAD` is a plain 404 like the real router (C2-380).
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/f/{id}/{name}", get(follow_inline).head(plain_404))
        .route("/f/d/{id}/{name}", get(follow_attachment).head(plain_404))
}
