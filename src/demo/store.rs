//! The demo server's in-memory database: users, tokens, the file tree and content blobs.
//! File contents live on disk (`Demo::blob_dir`), everything else in memory.
//!
//! Each area (uploads, shares, tasks, …) keeps its own records in its own module and adds
//! behaviour through `impl Store` blocks there; this file holds what every area shares.

use super::http::ApiErr;
use super::ids::{self, Kind};
use crate::api::uri::{CrUri, FileSystem};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub type Time = DateTime<Utc>;

/// RFC 3339 with nanoseconds, as Go prints `time.Time`.
pub fn ts(t: &Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// Capability bit sets of the file systems (README §4 of the reference).
pub const CAP_MY: &str = "w8edAQ==";
pub const CAP_SHARE: &str = "gIaYAQ==";
pub const CAP_TRASH: &str = "AMIK";
pub const CAP_SHARED_WITH_ME: &str = "gAKA";

pub const GB: u64 = 1 << 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Admin,
    User,
}

impl Group {
    pub fn number(self) -> u64 {
        match self {
            Group::Admin => 1,
            Group::User => 2,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Group::Admin => "Admin",
            Group::User => "User",
        }
    }
    pub fn permission(self) -> &'static str {
        match self {
            Group::Admin => "/RoB",
            Group::User => "hAg=",
        }
    }
    pub fn quota(self) -> u64 {
        match self {
            Group::Admin => 1 << 40,
            Group::User => GB,
        }
    }
    pub fn is_admin(self) -> bool {
        self == Group::Admin
    }
    pub fn json(self) -> Value {
        json!({
            "id": ids::encode(Kind::Group, self.number()),
            "name": self.name(),
            "permission": self.permission(),
            "direct_link_batch_size": match self { Group::Admin => 1000, Group::User => 10 },
            "trash_retention": 604800,
        })
    }
}

pub const ANONYMOUS_GROUP: u64 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Avatar {
    None,
    File(Vec<u8>),
    Gravatar,
}

#[derive(Debug, Clone)]
pub struct Pin {
    pub uri: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub email: String,
    /// Salted SHA-256 of the password.
    pub password_hash: String,
    pub salt: String,
    pub nickname: String,
    pub status: String,
    pub created_at: Time,
    pub updated_at: Time,
    pub group: Group,
    pub language: Option<String>,
    pub preferred_theme: Option<String>,
    pub avatar: Avatar,
    pub version_retention_enabled: bool,
    pub version_retention_ext: Vec<String>,
    pub version_retention_max: i64,
    pub disable_view_sync: bool,
    pub share_links_in_profile: String,
    pub two_fa_secret: Option<String>,
    /// Secret handed out by `GET /user/setting/2fa`, with when it was handed out.
    pub pending_two_fa: Option<(String, Time)>,
    pub pins: Vec<Pin>,
    /// The root folder of `cloudreve://my`.
    pub root: u64,
    /// The (hidden) folder that holds trashed items.
    pub trash_root: u64,
    /// Bumped by a password change: refresh tokens of an older epoch stop working.
    pub token_epoch: u64,
}

impl User {
    pub fn hash_id(&self) -> String {
        ids::encode(Kind::User, self.id)
    }

    pub fn check_password(&self, password: &str) -> bool {
        hash_password(&self.salt, password) == self.password_hash
    }

    pub fn set_password(&mut self, password: &str) {
        self.salt = uuid::Uuid::new_v4().simple().to_string();
        self.password_hash = hash_password(&self.salt, password);
    }

    fn avatar_str(&self) -> Option<&'static str> {
        match self.avatar {
            Avatar::None => None,
            Avatar::File(_) => Some("file"),
            Avatar::Gravatar => Some("gravatar"),
        }
    }

    /// The full User object, as returned to its owner (`/user/me`, sign-in).
    pub fn full_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.hash_id()));
        m.insert("email".into(), json!(self.email));
        m.insert("nickname".into(), json!(self.nickname));
        m.insert("status".into(), json!(self.status));
        if let Some(a) = self.avatar_str() {
            m.insert("avatar".into(), json!(a));
        }
        m.insert("created_at".into(), json!(ts(&self.created_at)));
        if let Some(t) = &self.preferred_theme {
            m.insert("preferred_theme".into(), json!(t));
        }
        m.insert("group".into(), self.group.json());
        if !self.pins.is_empty() {
            let pins: Vec<Value> = self
                .pins
                .iter()
                .map(|p| match &p.name {
                    Some(n) => json!({"uri": p.uri, "name": n}),
                    None => json!({"uri": p.uri}),
                })
                .collect();
            m.insert("pined".into(), Value::Array(pins));
        }
        if let Some(l) = &self.language {
            m.insert("language".into(), json!(l));
        }
        if self.disable_view_sync {
            m.insert("disable_view_sync".into(), json!(true));
        }
        if !self.share_links_in_profile.is_empty() {
            m.insert(
                "share_links_in_profile".into(),
                json!(self.share_links_in_profile),
            );
        }
        Value::Object(m)
    }

    /// The User object of a sign-up answer: no group.
    pub fn signup_json(&self) -> Value {
        let mut v = self.full_json();
        if let Some(m) = v.as_object_mut() {
            m.remove("group");
        }
        v
    }

    /// Another user's view (`/user/info`, `/user/search`): e-mail only for signed-in callers.
    pub fn redacted_json(&self, signed_in: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.hash_id()));
        if signed_in {
            m.insert("email".into(), json!(self.email));
        }
        m.insert("nickname".into(), json!(self.nickname));
        if let Some(a) = self.avatar_str() {
            m.insert("avatar".into(), json!(a));
        }
        m.insert("created_at".into(), json!(ts(&self.created_at)));
        if !self.share_links_in_profile.is_empty() {
            m.insert(
                "share_links_in_profile".into(),
                json!(self.share_links_in_profile),
            );
        }
        m.insert(
            "group".into(),
            json!({"id": ids::encode(Kind::Group, self.group.number()), "name": self.group.name()}),
        );
        Value::Object(m)
    }

    /// The owner inside a Share object: smaller still.
    pub fn owner_json(&self, signed_in: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.hash_id()));
        if signed_in {
            m.insert("email".into(), json!(self.email));
        }
        m.insert("nickname".into(), json!(self.nickname));
        if let Some(a) = self.avatar_str() {
            m.insert("avatar".into(), json!(a));
        }
        m.insert("created_at".into(), json!(ts(&self.created_at)));
        Value::Object(m)
    }
}

pub fn anonymous_user_json() -> Value {
    json!({
        "id": ids::encode(Kind::User, 0),
        "nickname": "",
        "created_at": ZERO_TIME,
        "anonymous": true,
        "group": {"id": ids::encode(Kind::Group, ANONYMOUS_GROUP), "name": "Anonymous", "permission": "gg=="},
    })
}

pub fn hash_password(salt: &str, password: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(password.as_bytes());
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub user: u64,
    pub expires: Time,
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub user: u64,
    pub chain: String,
    pub expires: Time,
    pub epoch: u64,
}

/// A stored blob: one version of a file's content, or a thumbnail.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: u64,
    pub size: u64,
    /// 0 version, 1 thumbnail, 2 live photo.
    pub kind: u8,
    pub created_at: Time,
    pub created_by: u64,
}

/// The entity id that stands for "no blob" (folders, empty files created by `/file/create`).
pub const NO_ENTITY: u64 = 0;

#[derive(Debug, Clone)]
pub struct FileNode {
    pub id: u64,
    pub owner: u64,
    pub parent: Option<u64>,
    pub name: String,
    pub is_folder: bool,
    pub created_at: Time,
    pub updated_at: Time,
    pub metadata: BTreeMap<String, String>,
    /// The current content entity; `None` for folders and content-less files.
    pub primary: Option<u64>,
    /// Version entities, oldest first (the primary is one of them).
    pub versions: Vec<u64>,
    pub thumbnail: Option<u64>,
    /// Saved explorer view (`PATCH /file/view`).
    pub view: Option<Value>,
}

/// A lock on a path (pending upload, WebDAV lock, …).
#[derive(Debug, Clone)]
pub struct Lock {
    pub token: String,
    pub file: u64,
    /// Application type: `upload`, `dav`, …
    pub app: String,
}

/// The whole database. Every area's collections live here so one mutex guards them all.
#[derive(Default)]
pub struct Store {
    next_id: u64,
    pub users: BTreeMap<u64, User>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub revoked_chains: BTreeSet<String>,
    pub files: BTreeMap<u64, FileNode>,
    /// (parent, name) → child, so lookups stay O(1) in folders of 10,000 entries.
    child_index: HashMap<(u64, String), u64>,
    /// parent → children in creation order (ids grow monotonically).
    children: HashMap<u64, BTreeSet<u64>>,
    pub entities: BTreeMap<u64, Entity>,
    pub locks: HashMap<String, Lock>,
    /// Area stores, each defined by its module.
    pub uploads: super::upload::UploadStore,
    pub downloads: super::download::DownloadStore,
    pub shares: super::share::ShareStore,
    pub tasks: super::workflow::TaskStore,
    pub dav: super::dav::DavStore,
    pub links: super::files::LinkStore,
    /// Explorer views that are not stored on a folder (trash root, shared default).
    pub file_views: super::files::ViewStore,
    pub session: super::session::SessionStore,
    /// The storage policy listings and entities name (`DemoConfig::policy`).
    pub policy: super::storage::PolicyKind,
}

impl Store {
    pub fn new() -> Store {
        Store {
            next_id: 1,
            ..Default::default()
        }
    }

    /// A fresh number for any kind of object (ids never repeat across kinds).
    pub fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    // ---- users -------------------------------------------------------------------------

    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.get(&id)
    }

    pub fn user_mut(&mut self, id: u64) -> Option<&mut User> {
        self.users.get_mut(&id)
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.to_lowercase();
        self.users.values().find(|u| u.email == email)
    }

    /// Creates an account; the first one on a fresh server becomes the administrator.
    pub fn create_user(&mut self, email: &str, password: &str, language: Option<String>) -> u64 {
        let now = Utc::now();
        let id = self.new_id();
        let group = if self.users.is_empty() {
            Group::Admin
        } else {
            Group::User
        };
        let root = self.insert_node(id, None, "", true, now);
        let trash_root = self.insert_node(id, None, "", true, now);
        let email = email.to_lowercase();
        let nickname = email.split('@').next().unwrap_or_default().to_string();
        let mut user = User {
            id,
            email,
            password_hash: String::new(),
            salt: String::new(),
            nickname,
            status: "active".into(),
            created_at: now,
            updated_at: now,
            group,
            language,
            preferred_theme: None,
            avatar: Avatar::None,
            version_retention_enabled: true,
            version_retention_ext: Vec::new(),
            version_retention_max: 10,
            disable_view_sync: false,
            share_links_in_profile: String::new(),
            two_fa_secret: None,
            pending_two_fa: None,
            pins: Vec::new(),
            root,
            trash_root,
            token_epoch: 0,
        };
        user.set_password(password);
        self.users.insert(id, user);
        id
    }

    /// Issues an access/refresh pair; `chain` continues an existing sign-in chain.
    pub fn issue_tokens(
        &mut self,
        user: u64,
        chain: Option<String>,
        access_ttl: chrono::Duration,
        refresh_ttl: chrono::Duration,
    ) -> Value {
        let now = Utc::now();
        let access = random_token(48);
        let refresh = random_token(64);
        let access_expires = now + access_ttl;
        let refresh_expires = now + refresh_ttl;
        let epoch = self.users.get(&user).map(|u| u.token_epoch).unwrap_or(0);
        self.access_tokens.insert(
            access.clone(),
            AccessToken {
                user,
                expires: access_expires,
            },
        );
        self.refresh_tokens.insert(
            refresh.clone(),
            RefreshToken {
                user,
                chain: chain.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                expires: refresh_expires,
                epoch,
            },
        );
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "access_expires": ts(&access_expires),
            "refresh_expires": ts(&refresh_expires),
        })
    }

    // ---- the file tree -----------------------------------------------------------------

    /// Adds a node under `parent` (no checks: callers validate names and conflicts).
    pub fn insert_node(
        &mut self,
        owner: u64,
        parent: Option<u64>,
        name: &str,
        is_folder: bool,
        now: Time,
    ) -> u64 {
        let id = self.new_id();
        self.files.insert(
            id,
            FileNode {
                id,
                owner,
                parent,
                name: name.to_string(),
                is_folder,
                created_at: now,
                updated_at: now,
                metadata: BTreeMap::new(),
                primary: None,
                versions: Vec::new(),
                thumbnail: None,
                view: None,
            },
        );
        if let Some(p) = parent {
            self.child_index.insert((p, name.to_string()), id);
            self.children.entry(p).or_default().insert(id);
        }
        id
    }

    /// Detaches a node from its parent and re-attaches it under `new_parent` with `new_name`.
    pub fn relink_node(&mut self, id: u64, new_parent: u64, new_name: &str) {
        let Some(node) = self.files.get(&id) else {
            return;
        };
        let (old_parent, old_name) = (node.parent, node.name.clone());
        if let Some(p) = old_parent {
            if self.child_index.get(&(p, old_name.clone())) == Some(&id) {
                self.child_index.remove(&(p, old_name));
            }
            if let Some(set) = self.children.get_mut(&p) {
                set.remove(&id);
            }
        }
        self.child_index
            .insert((new_parent, new_name.to_string()), id);
        self.children.entry(new_parent).or_default().insert(id);
        if let Some(node) = self.files.get_mut(&id) {
            node.parent = Some(new_parent);
            node.name = new_name.to_string();
        }
    }

    /// Removes a node and everything below it; returns the removed nodes (for blob cleanup).
    pub fn remove_tree(&mut self, id: u64) -> Vec<FileNode> {
        let mut removed = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if let Some(kids) = self.children.remove(&n) {
                stack.extend(kids);
            }
            if let Some(node) = self.files.remove(&n) {
                if let Some(p) = node.parent {
                    if self.child_index.get(&(p, node.name.clone())) == Some(&n) {
                        self.child_index.remove(&(p, node.name.clone()));
                    }
                    if let Some(set) = self.children.get_mut(&p) {
                        set.remove(&n);
                    }
                }
                self.locks.retain(|_, l| l.file != n);
                removed.push(node);
            }
        }
        removed
    }

    pub fn child(&self, parent: u64, name: &str) -> Option<u64> {
        self.child_index.get(&(parent, name.to_string())).copied()
    }

    /// Children in creation order.
    pub fn children_of(&self, parent: u64) -> Vec<u64> {
        self.children
            .get(&parent)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// All nodes below `id` (not including it), depth first.
    pub fn descendants(&self, id: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut stack = self.children_of(id);
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.children_of(n));
        }
        out
    }

    /// Walks `segments` from `root`.
    pub fn walk(&self, root: u64, segments: &[String]) -> Option<u64> {
        let mut cur = root;
        for seg in segments {
            cur = self.child(cur, seg)?;
        }
        Some(cur)
    }

    /// The chain of node ids from the root down to `id` (inclusive).
    pub fn ancestry(&self, id: u64) -> Vec<u64> {
        let mut chain = vec![id];
        let mut cur = id;
        while let Some(p) = self.files.get(&cur).and_then(|n| n.parent) {
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }

    /// Which file system a node lives in, judged by its root.
    pub fn fs_of(&self, id: u64) -> Option<FileSystem> {
        let root = *self.ancestry(id).first()?;
        let owner = self.files.get(&root)?.owner;
        let user = self.users.get(&owner)?;
        if root == user.root {
            Some(FileSystem::My)
        } else if root == user.trash_root {
            Some(FileSystem::Trash)
        } else {
            None
        }
    }

    /// The node's own `cloudreve://` URI (in `my` or `trash`).
    pub fn node_uri(&self, id: u64) -> CrUri {
        let chain = self.ancestry(id);
        let fs = self.fs_of(id).unwrap_or(FileSystem::My);
        let mut uri = CrUri::root(fs);
        for n in chain.iter().skip(1) {
            if let Some(node) = self.files.get(n) {
                uri.segments.push(node.name.clone());
            }
        }
        uri
    }

    /// Size of the node's current content.
    pub fn node_size(&self, id: u64) -> u64 {
        self.files
            .get(&id)
            .and_then(|n| n.primary)
            .and_then(|e| self.entities.get(&e))
            .map(|e| e.size)
            .unwrap_or(0)
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub fn is_within(&self, id: u64, ancestor: u64) -> bool {
        self.ancestry(id).contains(&ancestor)
    }

    /// Resolves a `my` or `trash` URI for the signed-in `user`. Errors as the real server:
    /// someone else's `my` → 403, missing → 40016.
    pub fn resolve_own(&self, user: u64, uri: &CrUri) -> Result<u64, ApiErr> {
        let u = self.users.get(&user).ok_or_else(ApiErr::login_required)?;
        let root = match uri.fs {
            FileSystem::My => {
                if let Some(owner) = &uri.fs_id
                    && *owner != u.hash_id()
                {
                    return Err(ApiErr::new(403, "Permission denied"));
                }
                u.root
            }
            FileSystem::Trash => u.trash_root,
            _ => return Err(ApiErr::not_supported()),
        };
        self.walk(root, &uri.segments)
            .ok_or_else(ApiErr::path_not_exist)
    }

    /// The File object of `id` as `viewer` sees it. `uri` overrides the path (share views);
    /// `metadata_null` reproduces the answers of create/rename/content that send `null`.
    pub fn file_json(&self, id: u64, viewer: Option<u64>, opts: FileJsonOpts) -> Value {
        let Some(node) = self.files.get(&id) else {
            return Value::Null;
        };
        let uri = opts.uri.clone().unwrap_or_else(|| self.node_uri(id));
        let in_trash = uri.fs == FileSystem::Trash;
        let mut m = Map::new();
        m.insert("type".into(), json!(if node.is_folder { 1 } else { 0 }));
        m.insert("id".into(), json!(ids::encode(Kind::File, id)));
        let display_name = if in_trash {
            node.metadata
                .get("sys:restore_uri")
                .and_then(|u| CrUri::parse(u).ok())
                .and_then(|u| u.name().map(str::to_string))
                .unwrap_or_else(|| node.name.clone())
        } else {
            node.name.clone()
        };
        m.insert("name".into(), json!(display_name));
        m.insert("created_at".into(), json!(ts(&node.created_at)));
        m.insert("updated_at".into(), json!(ts(&node.updated_at)));
        m.insert("size".into(), json!(self.node_size(id)));
        m.insert(
            "metadata".into(),
            if opts.metadata_null {
                Value::Null
            } else {
                json!(node.metadata)
            },
        );
        // The server writes a root as `cloudreve://my/` (README §6, C2-213, 40_shares).
        let path = if uri.is_root() && !uri.is_search() {
            format!("{uri}/")
        } else {
            uri.to_string()
        };
        m.insert("path".into(), json!(path));
        let owned = viewer == Some(node.owner);
        if owned && self.shares.has_share_for(id) {
            m.insert("shared".into(), json!(true));
        }
        if !opts.no_capability {
            let cap = match uri.fs {
                FileSystem::Share => CAP_SHARE,
                FileSystem::Trash => CAP_TRASH,
                FileSystem::SharedWithMe => CAP_SHARED_WITH_ME,
                _ => CAP_MY,
            };
            m.insert("capability".into(), json!(cap));
        }
        if owned {
            m.insert("owned".into(), json!(true));
        }
        m.insert(
            "primary_entity".into(),
            json!(ids::encode(Kind::Entity, node.primary.unwrap_or(NO_ENTITY))),
        );
        Value::Object(m)
    }
}

/// Options of `Store::file_json`.
#[derive(Debug, Clone, Default)]
pub struct FileJsonOpts {
    pub uri: Option<CrUri>,
    pub metadata_null: bool,
    pub no_capability: bool,
}

/// A random token of `len` URL-safe characters.
pub fn random_token(len: usize) -> String {
    use rand::Rng;
    use rand::distributions::Alphanumeric;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A random lowercase alphanumeric string (share passwords, WebDAV passwords).
pub fn random_lower(len: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}
