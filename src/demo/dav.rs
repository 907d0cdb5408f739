//! WebDAV accounts (`/devices/dav`, session-and-user.md §8) and a small `/dav` protocol
//! endpoint: Basic auth, PROPFIND (depth 0/1), GET/HEAD, PUT, MKCOL and OPTIONS on the
//! account's root folder.

use super::auth::SignedIn;
use super::events::{ChangeKind, FileChange};
use super::http::{ApiErr, ApiResult, Body, Q, lenient, ok, ok_empty};
use super::ids::{self, Kind};
use super::store::{self, Entity, Group, Store, Time};
use super::user::{RangeAnswer, parse_range, validate};
use super::{AppState, Demo};
use crate::api::uri::{CrUri, FileSystem, encode_component};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

// ---- boolean sets ----------------------------------------------------------------------

/// Encodes flags as Cloudreve's boolset: flag n is bit `n % 8` of byte `n / 8`, base64
/// (standard, padded); no flags is `""` (README §4).
pub fn boolset_encode(flags: &[usize]) -> String {
    use base64::Engine;
    let Some(max) = flags.iter().max() else {
        return String::new();
    };
    let mut bytes = vec![0u8; max / 8 + 1];
    for &f in flags {
        bytes[f / 8] |= 1 << (f % 8);
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Whether `flag` is set in a boolset string; undecodable or short sets mean "not set".
pub fn boolset_has(set: &str, flag: usize) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(set)
        .ok()
        .and_then(|bytes| bytes.get(flag / 8).copied())
        .is_some_and(|b| b & (1 << (flag % 8)) != 0)
}

/// Group permission flags used here (README §4).
const GROUP_WEBDAV: usize = 3;
const GROUP_WEBDAV_PROXY: usize = 6;

/// Account option flags.
const OPT_READONLY: usize = 0;
const OPT_PROXY: usize = 1;
const OPT_DISABLE_SYS_FILES: usize = 2;

fn group_allows(group: Group, flag: usize) -> bool {
    boolset_has(group.permission(), flag)
}

// ---- accounts --------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct DavAccount {
    pub id: u64,
    pub owner: u64,
    pub name: String,
    /// The root exposed over WebDAV, kept exactly as given (`cloudreve://my`, C2-120).
    pub uri: String,
    /// 32 random lowercase letters and digits; the WebDAV password.
    pub password: String,
    pub readonly: bool,
    pub proxy: bool,
    pub disable_sys_files: bool,
    pub created_at: Time,
}

impl DavAccount {
    pub fn options(&self) -> String {
        let flags: Vec<usize> = [
            (self.readonly, OPT_READONLY),
            (self.proxy, OPT_PROXY),
            (self.disable_sys_files, OPT_DISABLE_SYS_FILES),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect();
        boolset_encode(&flags)
    }

    pub fn json(&self) -> Value {
        json!({
            "id": ids::encode(Kind::Dav, self.id),
            "created_at": store::ts(&self.created_at),
            "name": self.name,
            "uri": self.uri,
            "password": self.password,
            "options": self.options(),
        })
    }
}

/// WebDAV accounts.
#[derive(Debug, Default)]
pub struct DavStore {
    accounts: BTreeMap<u64, DavAccount>,
}

impl DavStore {
    /// The owner's accounts, newest first.
    pub fn of_owner(&self, owner: u64) -> impl Iterator<Item = &DavAccount> {
        self.accounts
            .values()
            .rev()
            .filter(move |a| a.owner == owner)
    }

    fn owned_mut(&mut self, id: u64, owner: u64) -> Option<&mut DavAccount> {
        self.accounts.get_mut(&id).filter(|a| a.owner == owner)
    }

    /// The account a `/dav` login names: owner and password must both match.
    pub fn login(&self, owner: u64, password: &str) -> Option<&DavAccount> {
        self.of_owner(owner).find(|a| a.password == password)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/devices/dav", get(list_accounts).put(create_account))
        .route(
            "/devices/dav/{id}",
            axum::routing::patch(update_account).delete(delete_account),
        )
        .route_layer(axum::middleware::from_fn(super::site::reject_head))
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
    next_page_token: Option<String>,
}

/// Cursor tokens are base64 of `{"id":"<hash id>"}`: the last account of the previous page
/// (C2-138, C2-139).
fn encode_cursor(id: u64) -> String {
    use base64::Engine;
    let body = json!({"id": ids::encode(Kind::Dav, id)}).to_string();
    base64::engine::general_purpose::STANDARD.encode(body)
}

fn decode_cursor(token: &str) -> Option<u64> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    ids::decode(Kind::Dav, v.get("id")?.as_str()?)
}

/// `GET /devices/dav`: newest first, cursor pages; `[]` also for groups without WebDAV (C2-114).
async fn list_accounts(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Q(q): Q<ListQuery>,
) -> ApiResult {
    let page_size = validate::int_range("PageSize", q.page_size, 10, 100)?;
    let after = match q.next_page_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => Some(
            decode_cursor(token)
                // A bad token is a database error on the real server (C2-140).
                .ok_or_else(|| ApiErr::new(50001, "Failed to list dav accounts"))?,
        ),
    };
    let store = state.lock();
    let mut remaining = store
        .dav
        .of_owner(uid)
        .filter(|a| after.is_none_or(|cursor| a.id < cursor))
        .peekable();
    let page: Vec<&DavAccount> = remaining.by_ref().take(page_size as usize).collect();
    let mut pagination = json!({"page": 0, "page_size": page_size, "is_cursor": true});
    if remaining.peek().is_some()
        && let Some(last) = page.last()
    {
        pagination["next_token"] = json!(encode_cursor(last.id));
    }
    let accounts: Vec<Value> = page.iter().map(|a| a.json()).collect();
    ok(json!({"accounts": accounts, "pagination": pagination}))
}

#[derive(Deserialize)]
struct AccountReq {
    uri: Option<String>,
    name: Option<String>,
    #[serde(default)]
    readonly: bool,
    #[serde(default)]
    proxy: bool,
    #[serde(default)]
    disable_sys_files: bool,
}

/// The checked settings of a create or a (full-replacement) update.
struct AccountSettings {
    uri: String,
    name: String,
    readonly: bool,
    proxy: bool,
    disable_sys_files: bool,
}

impl AccountReq {
    /// Binding rules in struct order (`Uri` before `Name`, C2-124, C2-127).
    fn validate(&self) -> Result<(), ApiErr> {
        validate::required("Uri", &self.uri)?;
        let name = validate::required("Name", &self.name)?;
        validate::length("Name", name, 1, 255)
    }

    /// The server's `validateAndGetBs`: group permission, then the URI (existence of the folder
    /// is not checked, C2-123); proxy only when the group may proxy.
    fn settings(self, group: Group) -> Result<AccountSettings, ApiErr> {
        if !group_allows(group, GROUP_WEBDAV) {
            return Err(ApiErr::new(
                40007,
                "WebDAV is not enabled for this user group",
            ));
        }
        let uri = self.uri.unwrap_or_default();
        let parsed = CrUri::parse(&uri).map_err(|_| ApiErr::new(40001, "Invalid URI"))?;
        if parsed.is_search() || !matches!(parsed.fs, FileSystem::My | FileSystem::Share) {
            return Err(ApiErr::new(40001, "Invalid URI"));
        }
        Ok(AccountSettings {
            uri,
            name: self.name.unwrap_or_default(),
            readonly: self.readonly,
            proxy: self.proxy && group_allows(group, GROUP_WEBDAV_PROXY),
            disable_sys_files: self.disable_sys_files,
        })
    }
}

fn user_group(store: &Store, uid: u64) -> Result<Group, ApiErr> {
    store
        .user(uid)
        .map(|u| u.group)
        .ok_or_else(ApiErr::login_required)
}

/// `PUT /devices/dav` (C2-119…125).
async fn create_account(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<AccountReq>,
) -> ApiResult {
    req.validate()?;
    let mut store = state.lock();
    let settings = req.settings(user_group(&store, uid)?)?;
    let id = store.new_id();
    let account = DavAccount {
        id,
        owner: uid,
        name: settings.name,
        uri: settings.uri,
        password: store::random_lower(32),
        readonly: settings.readonly,
        proxy: settings.proxy,
        disable_sys_files: settings.disable_sys_files,
        created_at: Utc::now(),
    };
    let answer = account.json();
    store.dav.accounts.insert(id, account);
    ok(answer)
}

fn account_id_param(id: &str) -> Result<u64, ApiErr> {
    ids::decode(Kind::Dav, id).ok_or_else(|| ApiErr::new(40001, "Failed to parse object ID"))
}

fn account_not_found() -> ApiErr {
    ApiErr::new(404, "Account not exist")
}

/// `PATCH /devices/dav/:id`: replaces name, URI and every flag; the password stays (C2-128).
async fn update_account(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Path(id): Path<String>,
    Body(req): Body<AccountReq>,
) -> ApiResult {
    let id = account_id_param(&id)?;
    req.validate()?;
    let mut store = state.lock();
    let group = user_group(&store, uid)?;
    if store.dav.owned_mut(id, uid).is_none() {
        return Err(account_not_found());
    }
    let settings = req.settings(group)?;
    let account = store.dav.owned_mut(id, uid).ok_or_else(account_not_found)?;
    account.name = settings.name;
    account.uri = settings.uri;
    account.readonly = settings.readonly;
    account.proxy = settings.proxy;
    account.disable_sys_files = settings.disable_sys_files;
    ok(account.json())
}

/// `DELETE /devices/dav/:id` (C2-136, C2-137).
async fn delete_account(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let id = account_id_param(&id)?;
    let mut store = state.lock();
    store.dav.owned_mut(id, uid).ok_or_else(account_not_found)?;
    store.dav.accounts.remove(&id);
    ok_empty()
}

// ---- the /dav endpoint -----------------------------------------------------------------

/// Routes outside `/api/v4` (`/dav`).
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/dav", any(dav))
        .route("/dav/", any(dav))
        .route("/dav/{*path}", any(dav))
}

/// Who a `/dav` request acts as.
struct DavSession {
    owner: u64,
    /// The node that `/dav/` stands for.
    root: u64,
    readonly: bool,
}

fn empty_status(status: StatusCode) -> Response {
    let mut resp = status.into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

/// `user:password` of a Basic `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Why a `/dav` login was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// No credentials: 401 with a Basic challenge (C2-134).
    NoCredentials,
    /// Wrong credentials: a bare 401 (C2-133).
    BadCredentials,
    /// The owner's group may not use WebDAV.
    Forbidden,
    /// The account's root folder does not exist.
    MissingRoot,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoCredentials => {
                let mut resp = empty_status(StatusCode::UNAUTHORIZED);
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"cloudreve\""),
                );
                resp
            }
            Refusal::BadCredentials => empty_status(StatusCode::UNAUTHORIZED),
            Refusal::Forbidden => empty_status(StatusCode::FORBIDDEN),
            Refusal::MissingRoot => empty_status(StatusCode::NOT_FOUND),
        }
    }
}

/// Authenticates a `/dav` request: user name = the owner's e-mail, password = the account's.
fn dav_login(state: &Demo, headers: &HeaderMap) -> Result<DavSession, Refusal> {
    let (email, password) = basic_credentials(headers).ok_or(Refusal::NoCredentials)?;
    let store = state.lock();
    let user = store
        .user_by_email(&email)
        .filter(|u| u.status == "active")
        .ok_or(Refusal::BadCredentials)?;
    if !group_allows(user.group, GROUP_WEBDAV) {
        return Err(Refusal::Forbidden);
    }
    let account = store
        .dav
        .login(user.id, &password)
        .ok_or(Refusal::BadCredentials)?;
    let uri = CrUri::parse(&account.uri).map_err(|_| Refusal::MissingRoot)?;
    let (root, readonly) = match uri.fs {
        FileSystem::My => (store.walk(user.root, &uri.segments), account.readonly),
        // Shares are read-only whatever the account says.
        _ => (
            store
                .resolve_share_uri(&uri, Some(user.id))
                .ok()
                .map(|t| t.node),
            true,
        ),
    };
    Ok(DavSession {
        owner: user.id,
        root: root.ok_or(Refusal::MissingRoot)?,
        readonly,
    })
}

/// Decoded path segments below `/dav`.
fn dav_segments(path: Option<&str>) -> Option<Vec<String>> {
    let path = path.unwrap_or_default();
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
                .filter(|s| s != "." && s != "..")
        })
        .collect()
}

async fn dav(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    path: Option<Path<String>>,
    body: axum::body::Body,
) -> Response {
    let session = match dav_login(&state, &headers) {
        Ok(s) => s,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(segments) = dav_segments(path.as_ref().map(|p| p.0.as_str())) else {
        return empty_status(StatusCode::BAD_REQUEST);
    };
    match method.as_str() {
        "OPTIONS" => options_answer(),
        "PROPFIND" => propfind(&state, &session, &segments, &headers),
        "GET" | "HEAD" => {
            get_file(
                &state,
                &session,
                &segments,
                &headers,
                method == Method::HEAD,
            )
            .await
        }
        "PUT" => put_file(&state, &session, &segments, body).await,
        "MKCOL" => mkcol(&state, &session, &segments),
        _ => {
            let mut resp = empty_status(StatusCode::METHOD_NOT_ALLOWED);
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOWED));
            resp
        }
    }
}

const ALLOWED: &str = "OPTIONS, PROPFIND, GET, HEAD, PUT, MKCOL";

fn options_answer() -> Response {
    let mut resp = empty_status(StatusCode::OK);
    let h = resp.headers_mut();
    h.insert(header::ALLOW, HeaderValue::from_static(ALLOWED));
    h.insert("DAV", HeaderValue::from_static("1"));
    resp
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn http_date(t: &Time) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::from(*t))
}

/// The `/dav/…` href of a node at `segments` (collections end with `/`).
fn href(segments: &[String], is_folder: bool) -> String {
    let mut h = String::from("/dav/");
    let encoded: Vec<String> = segments.iter().map(|s| encode_component(s)).collect();
    h.push_str(&encoded.join("/"));
    if is_folder && !segments.is_empty() {
        h.push('/');
    }
    h
}

/// The ETag of a file: its current blob's hash id (C2-131 shows such a short id).
fn etag(store: &Store, node: u64) -> String {
    let entity = store
        .files
        .get(&node)
        .and_then(|n| n.primary)
        .unwrap_or(store::NO_ENTITY);
    format!("\"{}\"", ids::encode(Kind::Entity, entity))
}

/// One `<D:response>` with the live properties a client needs (C2-130).
fn propfind_response(store: &Store, owner: u64, node: u64, segments: &[String]) -> String {
    let Some(n) = store.files.get(&node) else {
        return String::new();
    };
    let mut props = String::new();
    props.push_str(
        "<D:supportedlock><D:lockentry xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope>\
         <D:locktype><D:write/></D:locktype></D:lockentry></D:supportedlock>",
    );
    if n.is_folder {
        let used = store.storage_used(owner);
        let total = store.user(owner).map(|u| u.group.quota()).unwrap_or(0);
        props.push_str(&format!(
            "<D:quota-used-bytes>{used}</D:quota-used-bytes>\
             <D:quota-available-bytes>{}</D:quota-available-bytes>\
             <D:resourcetype><D:collection xmlns:D=\"DAV:\"/></D:resourcetype>",
            total.saturating_sub(used)
        ));
    } else {
        props.push_str(&format!(
            "<D:resourcetype></D:resourcetype>\
             <D:getcontentlength>{}</D:getcontentlength>\
             <D:getcontenttype>application/octet-stream</D:getcontenttype>\
             <D:getetag>{}</D:getetag>",
            store.node_size(node),
            etag(store, node)
        ));
    }
    let name = if n.name.is_empty() { "/" } else { &n.name };
    props.push_str(&format!(
        "<D:getlastmodified>{}</D:getlastmodified><D:displayname>{}</D:displayname>\
         <D:creationdate>{}</D:creationdate>",
        http_date(&n.updated_at),
        xml_escape(name),
        http_date(&n.created_at)
    ));
    format!(
        "<D:response><D:href>{}</D:href><D:propstat><D:prop>{props}</D:prop>\
         <D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>",
        xml_escape(&href(segments, n.is_folder))
    )
}

/// `PROPFIND` with `Depth: 0` (the resource) or 1 (and its children) → 207.
fn propfind(
    state: &Demo,
    session: &DavSession,
    segments: &[String],
    headers: &HeaderMap,
) -> Response {
    let depth_zero = headers
        .get("depth")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|d| d.trim() == "0");
    let store = state.lock();
    let Some(node) = store.walk(session.root, segments) else {
        return empty_status(StatusCode::NOT_FOUND);
    };
    let mut body =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:multistatus xmlns:D=\"DAV:\">");
    body.push_str(&propfind_response(&store, session.owner, node, segments));
    let is_folder = store.files.get(&node).is_some_and(|n| n.is_folder);
    if is_folder && !depth_zero {
        for child in store.children_of(node) {
            let Some(c) = store.files.get(&child) else {
                continue;
            };
            let mut child_segments = segments.to_vec();
            child_segments.push(c.name.clone());
            body.push_str(&propfind_response(
                &store,
                session.owner,
                child,
                &child_segments,
            ));
        }
    }
    body.push_str("</D:multistatus>");
    let mut resp = (StatusCode::MULTI_STATUS, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

/// `GET`/`HEAD` of a file's current content, with single ranges (C2-132).
async fn get_file(
    state: &Demo,
    session: &DavSession,
    segments: &[String],
    headers: &HeaderMap,
    head_only: bool,
) -> Response {
    let (entity, tag) = {
        let store = state.lock();
        let Some(node) = store.walk(session.root, segments) else {
            return empty_status(StatusCode::NOT_FOUND);
        };
        let Some(n) = store.files.get(&node) else {
            return empty_status(StatusCode::NOT_FOUND);
        };
        if n.is_folder {
            return empty_status(StatusCode::METHOD_NOT_ALLOWED);
        }
        (n.primary, etag(&store, node))
    };
    let bytes = match entity {
        Some(e) => match tokio::fs::read(state.blob_path(e)).await {
            Ok(b) => b,
            Err(_) => return empty_status(StatusCode::INTERNAL_SERVER_ERROR),
        },
        None => Vec::new(),
    };
    let len = bytes.len() as u64;
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(RangeAnswer::Full, |v| parse_range(v, len));
    let (status, part, content_range) = match range {
        RangeAnswer::Full => (StatusCode::OK, bytes, None),
        RangeAnswer::Partial(s, e) => (
            StatusCode::PARTIAL_CONTENT,
            bytes[s as usize..=e as usize].to_vec(),
            Some(format!("bytes {s}-{e}/{len}")),
        ),
        RangeAnswer::Unsatisfiable => {
            let mut resp = empty_status(StatusCode::RANGE_NOT_SATISFIABLE);
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return resp;
        }
    };
    let part_len = part.len();
    let mut resp = if head_only {
        status.into_response()
    } else {
        (status, part).into_response()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(part_len));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    if let Some(cr) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_RANGE, cr);
    }
    resp
}

/// Where a new entry named by `segments` goes: its parent folder and name.
fn parent_and_name(
    store: &Store,
    root: u64,
    segments: &[String],
) -> Result<(u64, String), StatusCode> {
    let (name, parent_segments) = segments
        .split_last()
        .ok_or(StatusCode::METHOD_NOT_ALLOWED)?;
    let parent = store
        .walk(root, parent_segments)
        .filter(|p| store.files.get(p).is_some_and(|n| n.is_folder))
        .ok_or(StatusCode::CONFLICT)?;
    Ok((parent, name.clone()))
}

impl Store {
    /// Makes `entity` the current content of file `node`, keeping older versions as the
    /// owner's retention settings allow; returns the entities no longer referenced.
    fn dav_set_content(&mut self, node: u64, entity: u64) -> Vec<u64> {
        let Some(n) = self.files.get(&node) else {
            return Vec::new();
        };
        let owner = n.owner;
        let ext = n.name.rsplit_once('.').map(|(_, e)| e.to_lowercase());
        let (keep_old, max) = self
            .user(owner)
            .map(|u| {
                let ext_ok = u.version_retention_ext.is_empty()
                    || ext.as_ref().is_some_and(|e| {
                        u.version_retention_ext
                            .iter()
                            .any(|x| x.eq_ignore_ascii_case(e))
                    });
                (
                    u.version_retention_enabled && ext_ok,
                    u.version_retention_max,
                )
            })
            .unwrap_or((false, 0));
        let Some(n) = self.files.get_mut(&node) else {
            return Vec::new();
        };
        let mut dropped = Vec::new();
        if !keep_old {
            dropped.append(&mut n.versions);
        }
        n.versions.push(entity);
        n.primary = Some(entity);
        n.updated_at = Utc::now();
        // `max` counts the versions kept besides the current one; 0 keeps them all.
        if keep_old && max > 0 {
            let limit = usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1);
            while n.versions.len() > limit {
                dropped.push(n.versions.remove(0));
            }
        }
        for e in &dropped {
            self.entities.remove(e);
        }
        dropped
    }
}

/// `PUT`: writes the body as the file's new content → 201 (C2-131); 403 through a read-only
/// account (C2-135); 409 when the parent folder is missing.
async fn put_file(
    state: &Demo,
    session: &DavSession,
    segments: &[String],
    body: axum::body::Body,
) -> Response {
    if session.readonly {
        return empty_status(StatusCode::FORBIDDEN);
    }
    let entity = {
        let store = state.lock();
        if let Err(status) = parent_and_name(&store, session.root, segments) {
            return empty_status(status);
        }
        if let Some(existing) = store.walk(session.root, segments)
            && store.files.get(&existing).is_some_and(|n| n.is_folder)
        {
            return empty_status(StatusCode::METHOD_NOT_ALLOWED);
        }
        drop(store);
        state.lock().new_id()
    };
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return empty_status(StatusCode::BAD_REQUEST),
    };
    let path = state.blob_path(entity);
    if tokio::fs::write(&path, &bytes).await.is_err() {
        return empty_status(StatusCode::INTERNAL_SERVER_ERROR);
    }
    match commit_put(state, session, segments, entity, bytes.len() as u64) {
        Ok((node, kind, dropped)) => {
            for e in dropped {
                let _ = tokio::fs::remove_file(state.blob_path(e)).await;
            }
            publish_change(state, session.owner, node, kind);
            let tag = etag(&state.lock(), node);
            let mut resp = (StatusCode::CREATED, "Created").into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
            if let Ok(v) = HeaderValue::from_str(&tag) {
                h.insert(header::ETAG, v);
            }
            resp
        }
        Err(status) => {
            let _ = tokio::fs::remove_file(&path).await;
            empty_status(status)
        }
    }
}

/// Attaches a written blob to the tree (re-checking it, since the lock was released while
/// the body arrived): creates the file or adds a version. Refuses what exceeds the quota.
fn commit_put(
    state: &Demo,
    session: &DavSession,
    segments: &[String],
    entity: u64,
    size: u64,
) -> Result<(u64, ChangeKind, Vec<u64>), StatusCode> {
    let mut store = state.lock();
    let (parent, name) = parent_and_name(&store, session.root, segments)?;
    let quota = store
        .user(session.owner)
        .map(|u| u.group.quota())
        .unwrap_or(0);
    if store.storage_used(session.owner).saturating_add(size) > quota {
        return Err(StatusCode::INSUFFICIENT_STORAGE);
    }
    let now = Utc::now();
    let (node, kind) = match store.child(parent, &name) {
        Some(existing) if store.files.get(&existing).is_some_and(|n| n.is_folder) => {
            return Err(StatusCode::METHOD_NOT_ALLOWED);
        }
        Some(existing) => (existing, ChangeKind::Modify),
        None => (
            store.insert_node(session.owner, Some(parent), &name, false, now),
            ChangeKind::Create,
        ),
    };
    store.entities.insert(
        entity,
        Entity {
            id: entity,
            size,
            kind: 0,
            created_at: now,
            created_by: session.owner,
        },
    );
    let dropped = store.dav_set_content(node, entity);
    Ok((node, kind, dropped))
}

/// `MKCOL`: 201, 405 when the name exists, 409 when the parent is missing.
fn mkcol(state: &Demo, session: &DavSession, segments: &[String]) -> Response {
    if session.readonly {
        return empty_status(StatusCode::FORBIDDEN);
    }
    let node = {
        let mut store = state.lock();
        let (parent, name) = match parent_and_name(&store, session.root, segments) {
            Ok(p) => p,
            Err(status) => return empty_status(status),
        };
        if store.child(parent, &name).is_some() {
            return empty_status(StatusCode::METHOD_NOT_ALLOWED);
        }
        store.insert_node(session.owner, Some(parent), &name, true, Utc::now())
    };
    publish_change(state, session.owner, node, ChangeKind::Create);
    empty_status(StatusCode::CREATED)
}

/// Tells file-event subscribers about a change made over WebDAV.
fn publish_change(state: &Demo, owner: u64, node: u64, kind: ChangeKind) {
    let from = {
        let store = state.lock();
        if store.fs_of(node) != Some(FileSystem::My) {
            return;
        }
        store.node_uri(node).segments
    };
    state.events.publish(FileChange {
        owner,
        kind,
        file: node,
        from,
        to: None,
        origin: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolset_matches_recorded_values() {
        assert_eq!(boolset_encode(&[]), "");
        assert_eq!(boolset_encode(&[0]), "AQ==");
        assert_eq!(boolset_encode(&[1, 2]), "Bg==");
        assert_eq!(boolset_encode(&[0, 1, 2]), "Bw==");
        assert_eq!(boolset_encode(&[1, 7]), "gg==");
        assert_eq!(boolset_encode(&[2, 7, 11]), "hAg=");
        assert_eq!(
            boolset_encode(&[0, 2, 3, 4, 5, 6, 7, 9, 11, 12, 16]),
            "/RoB"
        );
    }

    #[test]
    fn group_permissions_decode() {
        assert!(group_allows(Group::Admin, GROUP_WEBDAV));
        assert!(group_allows(Group::Admin, GROUP_WEBDAV_PROXY));
        assert!(!group_allows(Group::User, GROUP_WEBDAV));
        assert!(!boolset_has("", 0));
        assert!(!boolset_has("not base64!", 0));
        assert!(!boolset_has("AQ==", 9));
    }

    #[test]
    fn cursor_round_trip() {
        let token = encode_cursor(42);
        assert_eq!(decode_cursor(&token), Some(42));
        assert_eq!(decode_cursor("garbage"), None);
        // The recorded token shape: base64 of {"id":"…"}.
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&token)
            .unwrap();
        assert!(String::from_utf8(raw).unwrap().starts_with("{\"id\":\""));
    }

    #[test]
    fn dav_paths() {
        assert_eq!(dav_segments(None), Some(vec![]));
        assert_eq!(
            dav_segments(Some("a%20b/c.txt")),
            Some(vec!["a b".to_string(), "c.txt".to_string()])
        );
        assert_eq!(dav_segments(Some("../x")), None);
        assert_eq!(href(&["a b".into()], true), "/dav/a%20b/");
        assert_eq!(href(&[], true), "/dav/");
    }

    #[test]
    fn basic_auth_parsing() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YWRtaW5AZXhhbXBsZS5jb206d3JvbmdwYXNzd29yZA=="),
        );
        assert_eq!(
            basic_credentials(&h),
            Some(("admin@example.com".into(), "wrongpassword".into()))
        );
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(basic_credentials(&h), None);
    }

    #[test]
    fn version_retention_on_overwrite() {
        let mut store = Store::new();
        let uid = store.create_user("a@b.co", "secret1", None);
        let root = store.user(uid).unwrap().root;
        let node = store.insert_node(uid, Some(root), "f.txt", false, Utc::now());
        let add = |store: &mut Store, size| {
            let e = store.new_id();
            store.entities.insert(
                e,
                Entity {
                    id: e,
                    size,
                    kind: 0,
                    created_at: Utc::now(),
                    created_by: uid,
                },
            );
            store.dav_set_content(node, e)
        };
        assert!(add(&mut store, 1).is_empty());
        if let Some(u) = store.user_mut(uid) {
            u.version_retention_max = 1;
        }
        assert!(add(&mut store, 2).is_empty());
        let dropped = add(&mut store, 3);
        assert_eq!(dropped.len(), 1, "only one old version is kept");
        assert_eq!(store.files[&node].versions.len(), 2);
        assert_eq!(store.node_size(node), 3);
        assert_eq!(store.storage_used(uid), 5);
        if let Some(u) = store.user_mut(uid) {
            u.version_retention_enabled = false;
        }
        assert_eq!(add(&mut store, 4).len(), 2);
        assert_eq!(store.storage_used(uid), 4);
    }
}
