//! File objects, listings and the small answers of the file routes (files-and-transfers.md §1–3, §6).

use super::common::{BoolSet, Capability, Pagination, Secret, Timestamp, null_default};
use super::share::Share;
use super::user::User;
use crate::api::uri::{CrUri, UriError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// `type` of a file object: `0` file, `1` folder. Other values are kept, not rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FileKind {
    #[default]
    File,
    Folder,
    Other(i64),
}

impl FileKind {
    pub fn code(self) -> i64 {
        match self {
            FileKind::File => 0,
            FileKind::Folder => 1,
            FileKind::Other(n) => n,
        }
    }

    /// The word `POST /file/create` expects.
    pub fn as_create_type(self) -> &'static str {
        match self {
            FileKind::Folder => "folder",
            _ => "file",
        }
    }
}

impl<'de> Deserialize<'de> for FileKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match i64::deserialize(d)? {
            0 => FileKind::File,
            1 => FileKind::Folder,
            n => FileKind::Other(n),
        })
    }
}

impl Serialize for FileKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

/// Metadata keys set by the server (files-and-transfers.md §1.7).
pub mod meta {
    pub const UPLOAD_SESSION_ID: &str = "sys:upload_session_id";
    pub const RESTORE_URI: &str = "sys:restore_uri";
    pub const EXPECTED_COLLECT_TIME: &str = "sys:expected_collect_time";
    pub const SHARED_REDIRECT: &str = "sys:shared_redirect";
    pub const SHARED_OWNER: &str = "sys:shared_owner";
    pub const THUMB_DISABLED: &str = "thumb:disabled";
}

/// A file or folder (files-and-transfers.md §1.1).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct File {
    #[serde(rename = "type")]
    pub kind: FileKind,
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub size: u64,
    /// Public metadata; `null` and `{}` both decode as empty.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: BTreeMap<String, String>,
    /// The already-encoded `cloudreve://` URI. Absent only on the trash root's zero object.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub shared: bool,
    /// Absent on `/file/info` of a trash item (C2-258).
    #[serde(default)]
    pub capability: Option<BoolSet>,
    #[serde(default)]
    pub owned: bool,
    /// The current content blob; folders and empty files carry the server's "no blob" id.
    #[serde(default)]
    pub primary_entity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_summary: Option<FolderSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_info: Option<ExtendedInfo>,
    /// Pro only: per-file permission settings (boolsets by audience).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<serde_json::Value>,
}

impl File {
    pub fn is_folder(&self) -> bool {
        self.kind == FileKind::Folder
    }

    /// The parsed URI. The server's `path` is already encoded; parsing then re-encoding gives
    /// the same string for everything the server produces.
    pub fn uri(&self) -> Result<CrUri, UriError> {
        CrUri::parse(&self.path)
    }

    /// `Some(session id)` while this entry is the placeholder of an unfinished upload (§4.5).
    pub fn upload_session_id(&self) -> Option<&str> {
        self.metadata
            .get(meta::UPLOAD_SESSION_ID)
            .map(String::as_str)
    }

    /// For trash items: where a restore puts the item back.
    pub fn restore_uri(&self) -> Option<&str> {
        self.metadata.get(meta::RESTORE_URI).map(String::as_str)
    }

    /// For trash items: when the server purges it (Unix seconds sent as a string).
    pub fn expected_collect_time(&self) -> Option<i64> {
        self.metadata.get(meta::EXPECTED_COLLECT_TIME)?.parse().ok()
    }

    /// For "shared with me" shortcuts: the share URI to list instead.
    pub fn shared_redirect(&self) -> Option<&str> {
        self.metadata.get(meta::SHARED_REDIRECT).map(String::as_str)
    }

    /// False when the file system did not say; callers then let the server decide.
    pub fn can(&self, cap: Capability) -> bool {
        self.capability.as_ref().is_some_and(|c| c.has(cap))
    }

    pub fn thumbnail_disabled(&self) -> bool {
        self.metadata.contains_key(meta::THUMB_DISABLED)
    }
}

/// `GET /file` answer (files-and-transfers.md §1.2).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ListResponse {
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<File>,
    /// The folder that was listed (a zero object in the trash root).
    #[serde(default)]
    pub parent: Option<File>,
    #[serde(default)]
    pub pagination: Pagination,
    #[serde(default)]
    pub props: ListProps,
    #[serde(default)]
    pub context_hint: Option<String>,
    #[serde(default)]
    pub mixed_type: bool,
    #[serde(default)]
    pub single_file_view: bool,
    #[serde(default)]
    pub recursion_limit_reached: bool,
    #[serde(default)]
    pub storage_policy: Option<StoragePolicy>,
    #[serde(default)]
    pub view: Option<ExplorerView>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ListProps {
    #[serde(default)]
    pub capability: Option<BoolSet>,
    #[serde(default)]
    pub max_page_size: u32,
    /// `null` in searches.
    #[serde(default, deserialize_with = "null_default")]
    pub order_by_options: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub order_direction_options: Vec<String>,
}

/// Public view of a storage policy (files-and-transfers.md §1.4).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct StoragePolicy {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `local`, `remote`, `s3`, `oss`, `cos`, `ks3`, `obs`, `onedrive`, `qiniu`, `upyun`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// 0 = unlimited.
    #[serde(default)]
    pub max_size: u64,
    #[serde(default, deserialize_with = "null_default")]
    pub allowed_suffix: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub denied_suffix: Vec<String>,
    #[serde(default)]
    pub allowed_name_regexp: Option<String>,
    #[serde(default)]
    pub denied_name_regexp: Option<String>,
    #[serde(default)]
    pub relay: bool,
    #[serde(default)]
    pub chunk_concurrency: Option<u32>,
    #[serde(default)]
    pub encryption: bool,
}

/// Per-folder view settings (files-and-transfers.md §1.6). Also the body of `PATCH /file/view`,
/// whose validator requires `order_direction`, `view` and `gallery_width` when a view is sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ExplorerView {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_direction: Option<String>,
    /// `list`, `grid` or `gallery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub thumbnail: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gallery_width: Option<u32>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub columns: Vec<ViewColumn>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ViewColumn {
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props: Option<serde_json::Value>,
}

/// `folder_summary` of `GET /file/info?folder_summary=true`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FolderSummary {
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub files: u64,
    #[serde(default)]
    pub folders: u64,
    /// False when the walk stopped at the group's limit.
    #[serde(default)]
    pub completed: bool,
    #[serde(default)]
    pub calculated_at: Option<Timestamp>,
}

/// `extended_info` of `GET /file/info?extended=true`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ExtendedInfo {
    #[serde(default)]
    pub storage_policy: Option<StoragePolicy>,
    /// Bytes of all blobs, old versions and thumbnails included.
    #[serde(default)]
    pub storage_used: u64,
    #[serde(default, deserialize_with = "null_default")]
    pub entities: Vec<Entity>,
    #[serde(default, deserialize_with = "null_default")]
    pub shares: Vec<Share>,
    #[serde(default, deserialize_with = "null_default")]
    pub direct_links: Vec<DirectLinkInfo>,
    #[serde(default)]
    pub view: Option<ExplorerView>,
}

/// A stored blob: a version (0), a thumbnail (1) or a live-photo clip (2).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Entity {
    pub id: String,
    #[serde(default)]
    pub size: u64,
    #[serde(rename = "type", default)]
    pub kind: i64,
    pub created_at: Timestamp,
    #[serde(default)]
    pub storage_policy: Option<StoragePolicy>,
    #[serde(default)]
    pub created_by: Option<User>,
    #[serde(default)]
    pub encrypted_with: Option<String>,
}

impl Entity {
    pub const VERSION: i64 = 0;
    pub const THUMBNAIL: i64 = 1;
    pub const LIVE_PHOTO: i64 = 2;
}

/// An existing direct link, from `extended_info.direct_links`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DirectLinkInfo {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub downloaded: u64,
    pub created_at: Timestamp,
}

/// One item of `PUT /file/source`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DirectLink {
    pub link: String,
    /// The file's URI (despite the name).
    pub file_url: String,
}

/// One lock of a `40073` answer (files-and-transfers.md §3.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct LockInfo {
    #[serde(default)]
    pub path: String,
    /// Usable with `DELETE /file/lock`.
    #[serde(default)]
    pub token: String,
    /// 0 the path itself, 1 includes descendants.
    #[serde(rename = "type", default)]
    pub kind: i64,
    #[serde(default)]
    pub owner: LockOwner,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct LockOwner {
    #[serde(default)]
    pub application: LockApplication,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct LockApplication {
    /// `upload`, `dav`, `viewer`, `rename`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_xml: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_id: Option<String>,
}

/// `GET /file/thumb`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ThumbUrl {
    pub url: String,
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

/// `POST /file/url`: `urls[i]` belongs to `uris[i]`; `expires` is `null` for an empty request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DownloadUrls {
    #[serde(deserialize_with = "null_default")]
    pub urls: Vec<DownloadUrl>,
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DownloadUrl {
    /// `""` for a failed item when `skip_error` was set.
    #[serde(default)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_saver_display_name: Option<String>,
}

/// Body of `POST /file/url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DownloadUrlRequest {
    pub uris: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub download: bool,
    /// A specific version (entity id), single URI only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// One URL streaming a zip of every URI.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub archive: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skip_error: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_cache: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub use_primary_site_url: bool,
}

/// `PUT /file/viewerSession`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ViewerSessionResponse {
    pub session: ViewerSession,
    #[serde(default)]
    pub wopi_src: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ViewerSession {
    pub id: String,
    pub access_token: Secret,
    /// Unix milliseconds.
    #[serde(default)]
    pub expires: i64,
}

/// `GET /file/archive`: the entries of a zip/7z/… file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ArchiveListing {
    #[serde(deserialize_with = "null_default")]
    pub files: Vec<ArchiveEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ArchiveEntry {
    pub name: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub is_directory: bool,
}

/// `GET /file/search` (full-text search, off by default).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FullTextResults {
    #[serde(default, deserialize_with = "null_default")]
    pub hits: Vec<FullTextHit>,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FullTextHit {
    pub file: File,
    #[serde(default)]
    pub content: String,
}

/// One change of `PATCH /file/metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataPatch {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
}

impl MetadataPatch {
    pub fn set(key: impl Into<String>, value: impl Into<String>) -> MetadataPatch {
        MetadataPatch {
            key: key.into(),
            value: Some(value.into()),
            remove: false,
        }
    }

    pub fn remove(key: impl Into<String>) -> MetadataPatch {
        MetadataPatch {
            key: key.into(),
            value: None,
            remove: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trash_root_parent_decodes_without_path() {
        // C2-213: the trash root's parent is a zero object without `path`, `metadata: null`.
        let json = r#"{"type":0,"id":"","name":"","created_at":"0001-01-01T00:00:00Z",
            "updated_at":"0001-01-01T00:00:00Z","size":0,"metadata":null}"#;
        let f: File = serde_json::from_str(json).unwrap();
        assert!(f.path.is_empty() && f.metadata.is_empty() && f.capability.is_none());
    }

    #[test]
    fn placeholder_and_trash_helpers() {
        let json = r#"{"type":0,"id":"x","name":"a","created_at":"2026-11-27T01:30:33.189352535Z",
            "updated_at":"2026-11-27T01:30:33.483Z","metadata":{"sys:upload_session_id":"s1",
            "sys:expected_collect_time":"1796347833"},"path":"cloudreve://my/a%20b",
            "capability":"w8edAQ=="}"#;
        let f: File = serde_json::from_str(json).unwrap();
        assert_eq!(f.upload_session_id(), Some("s1"));
        assert_eq!(f.expected_collect_time(), Some(1796347833));
        assert!(f.can(Capability::Rename) && !f.can(Capability::Restore));
        assert_eq!(f.uri().unwrap().name(), Some("a b"));
        assert_eq!(f.kind, FileKind::File);
    }
}
