//! Share links: create, edit, info, list, delete, a user's public links, the `/s/…` short
//! links, and browsing through `cloudreve://<id>[:<password>]@share/…` URIs.
//!
//! Behaviour follows files-and-transfers.md §7 and captures C2-382…440; the Share object's
//! optional fields depend on who looks and whether the share is unlocked (§7.1).

use super::AppState;
use super::auth::{MaybeUser, SignedIn};
use super::http::{ApiErr, ApiResult, Body, Q, lenient, ok, ok_empty};
use super::ids::{self, Kind};
use super::store::{Store, Time, random_lower, ts};
use crate::api::uri::{CrUri, FileSystem};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::Engine as _;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One share link.
#[derive(Debug, Clone)]
pub struct Share {
    pub id: u64,
    pub owner: u64,
    /// The shared file or folder.
    pub node: u64,
    /// Set for password-protected ("private") shares.
    pub password: Option<String>,
    pub expires: Option<Time>,
    /// Downloads left when a limit is set; the share expires when it reaches 0.
    pub remain_downloads: Option<i64>,
    pub downloaded: u64,
    pub views: u64,
    pub share_view: bool,
    pub show_readme: bool,
    pub created_at: Time,
}

/// Share links.
#[derive(Debug, Default)]
pub struct ShareStore {
    shares: BTreeMap<u64, Share>,
}

/// What a share URI points at.
#[derive(Debug, Clone, Copy)]
pub struct ShareTarget {
    /// The share's number (decoded id).
    pub share: u64,
    /// The node the URI names inside the share.
    pub node: u64,
    /// The node the share's root URI (`cloudreve://<id>@share`) stands for: the shared folder,
    /// or the parent folder of a single shared file (C2-412 lists that parent, nameless).
    pub root: u64,
    /// For single-file shares: the shared file (the only thing visible in the root).
    pub single_file: Option<u64>,
    /// The share's owner.
    pub owner: u64,
}

impl ShareStore {
    /// Whether a file has at least one share link (the File object's `shared` flag).
    pub fn has_share_for(&self, file: u64) -> bool {
        self.shares.values().any(|s| s.node == file)
    }

    pub fn get(&self, id: u64) -> Option<&Share> {
        self.shares.get(&id)
    }

    /// The shares of one file or folder, oldest first.
    pub fn of_node(&self, node: u64) -> Vec<&Share> {
        self.shares.values().filter(|s| s.node == node).collect()
    }
}

/// How a Share object is rendered (who looks, what they unlocked).
#[derive(Debug, Clone, Copy, Default)]
pub struct ShareView {
    pub viewer: Option<u64>,
    /// Password given (or none needed): limits, counts and the password become visible.
    pub unlocked: bool,
    /// Report the file's size (info and the owner's list do; profile lists and
    /// `extended_info` report 0, C2-433 and 26_multi_user).
    pub with_size: bool,
    /// The owner carries its group `{id, name}` (file info's `extended_info.shares`).
    pub owner_group: bool,
    /// Add `source_uri` (the owner's `owner_extended=true`, C2-394).
    pub source_uri: bool,
}

/// The public short link of a share, with the password appended when `with_password`.
pub fn share_url(site_url: &str, share: &Share, with_password: bool) -> String {
    let mut url = format!("{site_url}/s/{}", ids::encode(Kind::Share, share.id));
    if with_password && let Some(p) = &share.password {
        url.push('/');
        url.push_str(p);
    }
    url
}

fn share_not_found() -> ApiErr {
    ApiErr::new(404, "Share not found")
}

fn shared_file_missing() -> ApiErr {
    ApiErr::new(404, "Shared file does not exist")
}

fn bad_object_id() -> ApiErr {
    ApiErr::new(40001, "Failed to parse object ID")
}

fn decode_share_id(id: &str) -> Result<u64, ApiErr> {
    ids::decode(Kind::Share, id).ok_or_else(bad_object_id)
}

impl Store {
    /// Expired: past its expiry, out of downloads, or its source is in the trash (C2-414,
    /// C2-417, C2-440).
    pub fn share_expired(&self, share: &Share, now: Time) -> bool {
        share.expires.is_some_and(|e| e <= now)
            || share.remain_downloads.is_some_and(|r| r <= 0)
            || self.fs_of(share.node) == Some(FileSystem::Trash)
    }

    /// The share's name: the source's name, or its original name while it is in the trash.
    fn share_name(&self, share: &Share) -> String {
        let Some(node) = self.files.get(&share.node) else {
            return String::new();
        };
        node.metadata
            .get("sys:restore_uri")
            .and_then(|u| CrUri::parse(u).ok())
            .and_then(|u| u.name().map(str::to_string))
            .unwrap_or_else(|| node.name.clone())
    }

    /// The Share object (§7.1) as `view` describes the caller.
    pub fn share_json(&self, share: &Share, site_url: &str, view: ShareView) -> Value {
        let now = Utc::now();
        let is_folder = self.files.get(&share.node).is_some_and(|n| n.is_folder);
        let mut m = Map::new();
        m.insert("id".into(), json!(ids::encode(Kind::Share, share.id)));
        m.insert("name".into(), json!(self.share_name(share)));
        if view.unlocked
            && let Some(r) = share.remain_downloads
        {
            m.insert("remain_downloads".into(), json!(r.max(0)));
        }
        m.insert("visited".into(), json!(share.views));
        if view.unlocked && share.downloaded > 0 {
            m.insert("downloaded".into(), json!(share.downloaded));
        }
        if view.unlocked
            && let Some(e) = &share.expires
        {
            m.insert("expires".into(), json!(ts(e)));
        }
        m.insert("unlocked".into(), json!(view.unlocked));
        if share.password.is_some() {
            m.insert("password_protected".into(), json!(true));
        }
        m.insert("source_type".into(), json!(if is_folder { 1 } else { 0 }));
        m.insert("owner".into(), self.share_owner_json(share.owner, view));
        m.insert("created_at".into(), json!(ts(&share.created_at)));
        m.insert("expired".into(), json!(self.share_expired(share, now)));
        m.insert(
            "url".into(),
            json!(share_url(site_url, share, view.unlocked)),
        );
        if view.unlocked && share.show_readme {
            m.insert("show_readme".into(), json!(true));
        }
        let size = if view.unlocked && view.with_size && !is_folder {
            self.node_size(share.node)
        } else {
            0
        };
        m.insert("size".into(), json!(size));
        if view.unlocked && share.share_view {
            m.insert("share_view".into(), json!(true));
        }
        if view.viewer == Some(share.owner) && share.password.is_some() {
            m.insert("is_private".into(), json!(true));
        }
        if view.unlocked
            && let Some(p) = &share.password
        {
            m.insert("password".into(), json!(p));
        }
        if view.source_uri {
            m.insert("source_uri".into(), json!(self.share_source_uri(share)));
        }
        Value::Object(m)
    }

    fn share_owner_json(&self, owner: u64, view: ShareView) -> Value {
        let Some(user) = self.user(owner) else {
            return Value::Null;
        };
        let mut v = user.owner_json(view.viewer.is_some());
        if view.owner_group
            && let Some(m) = v.as_object_mut()
        {
            m.insert(
                "group".into(),
                json!({"id": ids::encode(Kind::Group, user.group.number()), "name": user.group.name()}),
            );
        }
        v
    }

    /// The folder holding the shared item, addressed with the owner's id
    /// (`cloudreve://<uid>@my` for an item in the root, C2-394).
    fn share_source_uri(&self, share: &Share) -> String {
        let mut uri = self
            .files
            .get(&share.node)
            .and_then(|n| n.parent)
            .map(|p| self.node_uri(p))
            .unwrap_or_else(CrUri::my_root);
        uri.fs_id = self.user(share.owner).map(|u| u.hash_id());
        uri.to_string()
    }

    /// The `extended_info.shares` of a file's info, as its owner sees them.
    pub fn shares_json_for_node(&self, node: u64, viewer: u64, site_url: &str) -> Vec<Value> {
        let view = ShareView {
            viewer: Some(viewer),
            unlocked: true,
            owner_group: true,
            ..ShareView::default()
        };
        self.shares
            .of_node(node)
            .into_iter()
            .filter(|s| s.owner == viewer)
            .map(|s| self.share_json(s, site_url, view))
            .collect()
    }

    /// Resolves `cloudreve://<id>[:<password>]@share/<path>` for `viewer` (anonymous allowed),
    /// with the errors of files-and-transfers.md §7.7: unknown, deleted or expired share →
    /// 404 "Shared file does not exist" (C2-404, C2-416, C2-418); missing or wrong password →
    /// 40069 (C2-399, C2-400; unprotected shares accept any, C2-409); missing path → 40016.
    pub fn resolve_share_uri(
        &self,
        uri: &CrUri,
        _viewer: Option<u64>,
    ) -> Result<ShareTarget, ApiErr> {
        let id = uri
            .fs_id
            .as_deref()
            .and_then(|s| ids::decode(Kind::Share, s))
            .ok_or_else(shared_file_missing)?;
        let share = self.shares.get(id).ok_or_else(shared_file_missing)?;
        let source = self
            .files
            .get(&share.node)
            .ok_or_else(shared_file_missing)?;
        if self.share_expired(share, Utc::now()) {
            return Err(shared_file_missing());
        }
        if let Some(pw) = &share.password
            && uri.password.as_deref() != Some(pw.as_str())
        {
            return Err(ApiErr::new(40069, "Incorrect share password"));
        }
        let (root, single_file) = if source.is_folder {
            (share.node, None)
        } else {
            (source.parent.unwrap_or(share.node), Some(share.node))
        };
        let node = match single_file {
            None => self.walk(root, &uri.segments),
            Some(file) => match uri.segments.as_slice() {
                [] => Some(root),
                [name] if *name == source.name => Some(file),
                _ => None,
            },
        }
        .ok_or_else(ApiErr::path_not_exist)?;
        Ok(ShareTarget {
            share: id,
            node,
            root,
            single_file,
            owner: share.owner,
        })
    }

    /// The share URI of `node` inside the share `target` resolved from `base`, keeping the
    /// `id[:password]@share` prefix the request used (C2-402, C2-409).
    pub fn share_uri_for(&self, base: &CrUri, target: &ShareTarget, node: u64) -> CrUri {
        let mut uri = base.without_query();
        uri.segments.clear();
        let chain = self.ancestry(node);
        if let Some(pos) = chain.iter().position(|n| *n == target.root) {
            for n in &chain[pos + 1..] {
                if let Some(f) = self.files.get(n) {
                    uri.segments.push(f.name.clone());
                }
            }
        }
        uri
    }

    /// Counts one download through a share (each URL request, C2-413): fails with 404
    /// "Shared file does not exist" once the share is gone, expired or out of downloads
    /// (C2-415).
    pub fn count_share_download(&mut self, share: u64) -> Result<(), ApiErr> {
        let expired = match self.shares.get(share) {
            Some(s) => !self.files.contains_key(&s.node) || self.share_expired(s, Utc::now()),
            None => true,
        };
        if expired {
            return Err(shared_file_missing());
        }
        if let Some(s) = self.shares.shares.get_mut(&share) {
            s.downloaded += 1;
            if let Some(r) = &mut s.remain_downloads {
                *r -= 1;
            }
        }
        Ok(())
    }

    /// The own file or folder a share is created for or edited with (C2-387, C2-389, C1-62).
    fn share_source(&self, user: u64, uri: &str) -> Result<u64, ApiErr> {
        let forbidden = || ApiErr::new(403, "src file not found");
        let uri = CrUri::parse(uri).map_err(|_| ApiErr::new(40016, "src file not found"))?;
        if uri.fs != FileSystem::My {
            return Err(forbidden());
        }
        let root = self.user(user).map(|u| u.root);
        match self.resolve_own(user, &uri) {
            Ok(node) if Some(node) == root => Err(forbidden()),
            Ok(node) => Ok(node),
            Err(e) if e.code == 40016 => Err(ApiErr::new(40016, "src file not found")),
            Err(_) => Err(forbidden()),
        }
    }

    fn insert_share(&mut self, owner: u64, node: u64, body: &ShareBody) -> u64 {
        let id = self.new_id();
        let now = Utc::now();
        let password = body.is_private.unwrap_or(false).then(|| {
            body.password
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| random_lower(8))
        });
        let mut share = Share {
            id,
            owner,
            node,
            password,
            expires: None,
            remain_downloads: None,
            downloaded: 0,
            views: 0,
            share_view: false,
            show_readme: false,
            created_at: now,
        };
        apply_limits(&mut share, body, now);
        self.shares.shares.insert(id, share);
        id
    }
}

/// Applies the editable settings: limits (absent → none, C2-421), view options.
fn apply_limits(share: &mut Share, body: &ShareBody, now: Time) {
    share.remain_downloads = body.downloads.filter(|d| *d > 0);
    share.expires = body
        .expire
        .filter(|e| *e > 0)
        .map(|e| now + chrono::Duration::seconds(e));
    share.share_view = body.share_view.unwrap_or(false);
    share.show_readme = body.show_readme.unwrap_or(false);
}

/// Body of `PUT /share` and `POST /share/:id`.
#[derive(Debug, Deserialize)]
struct ShareBody {
    uri: Option<String>,
    is_private: Option<bool>,
    password: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    downloads: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    expire: Option<i64>,
    share_view: Option<bool>,
    show_readme: Option<bool>,
}

impl ShareBody {
    /// Binding rules: `uri` required; `password` at most 32 letters/digits, checked even when
    /// it is then ignored (C2-385, C2-386).
    fn validate(&self) -> Result<&str, ApiErr> {
        if let Some(p) = &self.password {
            if p.chars().count() > 32 {
                return Err(ApiErr::param("Password too long"));
            }
            if !p.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(ApiErr::param("Invalid parameters."));
            }
        }
        match self.uri.as_deref() {
            Some(u) if !u.is_empty() => Ok(u),
            _ => Err(ApiErr::param("Uri cannot be empty")),
        }
    }
}

async fn create_share(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<ShareBody>,
) -> ApiResult {
    let uri = body.validate()?;
    let mut store = state.lock();
    let node = store.share_source(user, uri)?;
    let id = store.insert_share(user, node, &body);
    let share = store.shares.get(id).ok_or_else(share_not_found)?;
    ok(share_url(&state.site_url, share, true))
}

async fn edit_share(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<ShareBody>,
) -> ApiResult {
    let uri = body.validate()?;
    let id = decode_share_id(&id)?;
    let mut store = state.lock();
    let node = store.share_source(user, uri)?;
    let now = Utc::now();
    let share = store
        .shares
        .shares
        .get_mut(&id)
        .filter(|s| s.owner == user && s.node == node)
        .ok_or_else(|| ApiErr::new(404, "share link not found"))?;
    // Password and privacy stay as they were (C2-419, C2-420).
    apply_limits(share, &body, now);
    ok(share_url(&state.site_url, share, true))
}

#[derive(Debug, Deserialize)]
struct InfoQuery {
    password: Option<String>,
    count_views: Option<String>,
    owner_extended: Option<String>,
}

/// Go's `strconv.ParseBool` truths.
fn truthy(v: &Option<String>) -> bool {
    matches!(
        v.as_deref(),
        Some("true" | "1" | "t" | "T" | "TRUE" | "True")
    )
}

async fn share_info(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<String>,
    Q(q): Q<InfoQuery>,
) -> ApiResult {
    let id = decode_share_id(&id)?;
    let mut store = state.lock();
    let share = store
        .shares
        .get(id)
        .filter(|s| store.files.contains_key(&s.node))
        .ok_or_else(share_not_found)?;
    if store.share_expired(share, Utc::now()) {
        return Err(ApiErr::new(404, "Share link expired"));
    }
    let unlocked = match &share.password {
        None => true,
        Some(p) => q.password.as_deref() == Some(p.as_str()),
    };
    let source_uri = truthy(&q.owner_extended) && viewer == Some(share.owner);
    if source_uri && !unlocked {
        // The owner's extended view reads the source through the share (40069, 40_shares).
        return Err(ApiErr::new(40069, "File not found"));
    }
    let view = ShareView {
        viewer,
        unlocked,
        with_size: true,
        owner_group: false,
        source_uri,
    };
    let data = store.share_json(share, &state.site_url, view);
    // Views are counted after the answer is built (C2-395).
    if truthy(&q.count_views)
        && unlocked
        && let Some(s) = store.shares.shares.get_mut(&id)
    {
        s.views += 1;
    }
    ok(data)
}

/// Query of the share lists (`GET /share`, `GET /user/shares/:id`).
#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
    next_page_token: Option<String>,
    order_by: Option<String>,
    order_direction: Option<String>,
}

/// The required `page_size` of most lists: 10–100 (README §7, C2-432, C2-469).
pub(super) fn required_page_size(raw: Option<i64>) -> Result<usize, ApiErr> {
    match raw {
        None | Some(0) => Err(ApiErr::param("PageSize cannot be empty")),
        Some(n) if n < 10 => Err(ApiErr::param("PageSize too short")),
        Some(n) if n > 100 => Err(ApiErr::param("PageSize too long")),
        Some(n) => Ok(n as usize),
    }
}

/// `next_token` of a cursor page: base64 of `{"id":"<hash id of the last item>"}` (C2-429).
pub(super) fn cursor_token(last_id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(json!({"id": last_id}).to_string())
}

fn cursor_id(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// One cursor page of `items` (already sorted): the items after the token's id, and the
/// token of the next page when more remain. A token naming no item is `-1` like the
/// file list's bad cursor (C2-201).
pub(super) fn cursor_page<T>(
    items: Vec<T>,
    hash_id: impl Fn(&T) -> String,
    page_size: usize,
    token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), ApiErr> {
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => {
            let id = cursor_id(t).ok_or_else(|| ApiErr::new(-1, ""))?;
            items
                .iter()
                .position(|i| hash_id(i) == id)
                .map(|p| p + 1)
                .ok_or_else(|| ApiErr::new(-1, ""))?
        }
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let more = rest.len() > page_size;
    let page: Vec<T> = rest.into_iter().take(page_size).collect();
    let next = if more {
        page.last().map(|l| cursor_token(&hash_id(l)))
    } else {
        None
    };
    Ok((page, next))
}

/// `{"page":0,"page_size":N,"next_token"?,"is_cursor":true}`.
pub(super) fn cursor_pagination(page_size: usize, next: Option<String>) -> Value {
    let mut m = Map::new();
    m.insert("page".into(), json!(0));
    m.insert("page_size".into(), json!(page_size));
    if let Some(n) = next {
        m.insert("next_token".into(), json!(n));
    }
    m.insert("is_cursor".into(), json!(true));
    Value::Object(m)
}

/// Sorts shares: by id unless `order_by` names views, downloads or remaining downloads; ties
/// keep id order in the same direction (C2-431); ascending unless `desc` (40_shares).
fn sort_shares(shares: &mut [&Share], order_by: Option<&str>, direction: Option<&str>) {
    let key = |s: &Share| -> (i64, u64) {
        let primary = match order_by {
            Some("views") => s.views as i64,
            Some("downloads") => s.downloaded as i64,
            Some("remain_downloads") => s.remain_downloads.unwrap_or(-1),
            _ => 0,
        };
        (primary, s.id)
    };
    shares.sort_by_key(|s| key(s));
    if direction == Some("desc") {
        shares.reverse();
    }
}

/// A page of shares as `{shares, pagination}`; `shares` is `null` when empty (C2-38).
fn share_page(
    store: &Store,
    mut shares: Vec<&Share>,
    q: &ListQuery,
    page_size: usize,
    site_url: &str,
    view: ShareView,
) -> Result<Value, ApiErr> {
    sort_shares(
        &mut shares,
        q.order_by.as_deref(),
        q.order_direction.as_deref(),
    );
    let (page, next) = cursor_page(
        shares,
        |s| ids::encode(Kind::Share, s.id),
        page_size,
        q.next_page_token.as_deref(),
    )?;
    let list: Vec<Value> = page
        .into_iter()
        .map(|s| store.share_json(s, site_url, view))
        .collect();
    Ok(json!({
        "shares": if list.is_empty() { Value::Null } else { Value::Array(list) },
        "pagination": cursor_pagination(page_size, next),
    }))
}

async fn list_my_shares(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Q(q): Q<ListQuery>,
) -> ApiResult {
    let page_size = required_page_size(q.page_size)?;
    let store = state.lock();
    let shares: Vec<&Share> = store
        .shares
        .shares
        .values()
        .filter(|s| s.owner == user && store.files.contains_key(&s.node))
        .collect();
    let view = ShareView {
        viewer: Some(user),
        unlocked: true,
        with_size: true,
        ..ShareView::default()
    };
    ok(share_page(
        &store,
        shares,
        &q,
        page_size,
        &state.site_url,
        view,
    )?)
}

/// `GET /user/shares/:id`: the links a user shows on their profile, by their
/// `share_links_in_profile` (session-and-user.md §4.5, C2-38, C2-175, C2-433, C2-523).
async fn list_user_shares(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<String>,
    Q(q): Q<ListQuery>,
) -> ApiResult {
    let page_size = required_page_size(q.page_size)?;
    let uid = ids::decode(Kind::User, &id).ok_or_else(bad_object_id)?;
    let store = state.lock();
    let user = store
        .user(uid)
        .ok_or_else(|| ApiErr::new(50001, "Failed to get user"))?;
    let include_protected = match user.share_links_in_profile.as_str() {
        "hide_share" => {
            return Err(ApiErr::new(
                40001,
                "User has disabled share links in profile",
            ));
        }
        "all_share" => true,
        _ => false,
    };
    let shares: Vec<&Share> = store
        .shares
        .shares
        .values()
        .filter(|s| s.owner == uid && store.files.contains_key(&s.node))
        .filter(|s| include_protected || s.password.is_none())
        .collect();
    let view = ShareView {
        viewer,
        ..ShareView::default()
    };
    ok(share_page(
        &store,
        shares,
        &q,
        page_size,
        &state.site_url,
        view,
    )?)
}

async fn delete_share(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let id = decode_share_id(&id)?;
    let mut store = state.lock();
    match store.shares.shares.get(&id) {
        Some(s) if s.owner == user => {
            store.shares.shares.remove(&id);
            ok_empty()
        }
        _ => Err(ApiErr::new(404, "share not found")),
    }
}

#[derive(Debug, Deserialize)]
struct BatchDeleteBody {
    #[serde(default)]
    ids: Vec<String>,
}

/// `DELETE /share {ids}`. An undecodable id makes the real server write its error envelope and
/// then the success envelope into the same body (C2-437, README §2.1); nothing is deleted then.
async fn delete_shares(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Body(body): Body<BatchDeleteBody>,
) -> Result<Response, ApiErr> {
    let decoded: Option<Vec<u64>> = body
        .ids
        .iter()
        .map(|i| ids::decode(Kind::Share, i))
        .collect();
    let Some(decoded) = decoded else {
        let text = format!(
            "{}{}",
            ApiErr::new(-1, "").body(),
            json!({"code": 0, "msg": ""})
        );
        return Ok(json_text(text));
    };
    let mut store = state.lock();
    for id in decoded {
        if store.shares.get(id).is_some_and(|s| s.owner == user) {
            store.shares.shares.remove(&id);
        }
    }
    ok_empty()
}

fn json_text(text: String) -> Response {
    let mut resp = (StatusCode::OK, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/share",
            put(create_share).get(list_my_shares).delete(delete_shares),
        )
        .route("/share/{id}", post(edit_share).delete(delete_share))
        .route("/share/info/{id}", get(share_info))
        .route("/user/shares/{id}", get(list_user_shares))
}

/// Where a short link sends the browser: the web UI's explorer at the share's URI
/// (`/home?path=cloudreve%3A%2F%2Fr0sM%40share`, C2-424, C2-425).
fn short_link_location(id: &str, password: Option<&str>) -> String {
    let uri = match password {
        Some(p) => format!("cloudreve://{id}:{p}@share"),
        None => format!("cloudreve://{id}@share"),
    };
    let query: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    format!("/home?path={query}")
}

/// A 302 exactly as Go's `http.Redirect` writes it.
fn redirect_found(location: &str) -> Response {
    let escaped = location
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;");
    let body = format!("<a href=\"{escaped}\">Found</a>.\n\n");
    let mut resp = (StatusCode::FOUND, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    resp
}

async fn short_link(Path(id): Path<String>) -> Response {
    redirect_found(&short_link_location(&id, None))
}

async fn short_link_with_password(Path((id, password)): Path<(String, String)>) -> Response {
    redirect_found(&short_link_location(&id, Some(&password)))
}

/// Routes outside `/api/v4` (`/s/...` short links).
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/s/{id}", get(short_link))
        .route("/s/{id}/{password}", get(short_link_with_password))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: u64, views: u64) -> Share {
        Share {
            id,
            owner: 1,
            node: 2,
            password: None,
            expires: None,
            remain_downloads: None,
            downloaded: 0,
            views,
            share_view: false,
            show_readme: false,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn short_link_locations_match_the_captures() {
        assert_eq!(
            short_link_location("r0sM", None),
            "/home?path=cloudreve%3A%2F%2Fr0sM%40share"
        );
        assert_eq!(
            short_link_location("Mju7", Some("3nik55xn")),
            "/home?path=cloudreve%3A%2F%2FMju7%3A3nik55xn%40share"
        );
        // C2-424: 64 bytes of body.
        let resp = redirect_found(&short_link_location("r0sM", None));
        assert_eq!(resp.status(), StatusCode::FOUND);
    }

    #[test]
    fn page_size_rules() {
        assert_eq!(
            required_page_size(None).unwrap_err().msg,
            "PageSize cannot be empty"
        );
        assert_eq!(
            required_page_size(Some(5)).unwrap_err().msg,
            "PageSize too short"
        );
        assert_eq!(
            required_page_size(Some(101)).unwrap_err().msg,
            "PageSize too long"
        );
        assert_eq!(required_page_size(Some(10)).unwrap(), 10);
    }

    #[test]
    fn cursor_pages_cover_everything_once() {
        let items: Vec<u64> = (1..=16).collect();
        let name = |i: &u64| format!("s{i}");
        let (p1, t1) = cursor_page(items.clone(), name, 10, None).unwrap();
        assert_eq!(p1.len(), 10);
        let t1 = t1.expect("a second page");
        assert_eq!(cursor_id(&t1).as_deref(), Some("s10"));
        let (p2, t2) = cursor_page(items.clone(), name, 10, Some(&t1)).unwrap();
        assert_eq!(p2, (11..=16).collect::<Vec<_>>());
        assert!(t2.is_none());
        assert_eq!(
            cursor_page(items, name, 10, Some("garbage"))
                .unwrap_err()
                .code,
            -1
        );
    }

    #[test]
    fn sorting_by_views_keeps_id_order_for_ties() {
        let (a, b, c) = (sample(1, 0), sample(2, 5), sample(3, 0));
        let mut list = vec![&a, &b, &c];
        sort_shares(&mut list, Some("views"), Some("desc"));
        assert_eq!(list.iter().map(|s| s.id).collect::<Vec<_>>(), vec![2, 3, 1]);
        sort_shares(&mut list, None, None);
        assert_eq!(list.iter().map(|s| s.id).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn password_rules() {
        let body = |p: &str| ShareBody {
            uri: Some("cloudreve://my/a".into()),
            is_private: Some(true),
            password: Some(p.into()),
            downloads: None,
            expire: None,
            share_view: None,
            show_readme: None,
        };
        assert!(body("abc123").validate().is_ok());
        assert_eq!(
            body("ab c!").validate().unwrap_err().msg,
            "Invalid parameters."
        );
        assert_eq!(
            body(&"a".repeat(33)).validate().unwrap_err().msg,
            "Password too long"
        );
    }

    #[test]
    fn limits_are_replaced_on_edit() {
        let now = Utc::now();
        let mut s = sample(1, 0);
        let mut body = ShareBody {
            uri: None,
            is_private: None,
            password: None,
            downloads: Some(2),
            expire: Some(3600),
            share_view: None,
            show_readme: None,
        };
        apply_limits(&mut s, &body, now);
        assert_eq!(s.remain_downloads, Some(2));
        assert_eq!(s.expires, Some(now + chrono::Duration::seconds(3600)));
        body.downloads = None;
        body.expire = None;
        apply_limits(&mut s, &body, now);
        assert_eq!((s.remain_downloads, s.expires), (None, None));
    }
}
