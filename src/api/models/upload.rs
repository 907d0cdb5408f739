//! Upload sessions (files-and-transfers.md §4–5).

use super::common::{Secret, null_default};
use super::file::StoragePolicy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Body of `PUT /file/upload` (§4.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UploadRequest {
    /// The target file URI; missing parents are created.
    pub uri: String,
    /// Exact size in bytes (omitting it would mean 0).
    pub size: u64,
    /// Unix milliseconds; becomes the file's `updated_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Only a valid policy hash id (the listing's `storage_policy.id`), or nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "EntityType::is_new_file")]
    pub entity_type: EntityType,
    /// The entity the client believes is current when overwriting; stale → `40076`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encryption_supported: Vec<String>,
}

/// What the upload creates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum EntityType {
    /// A new file (fails with `40004` when the name is taken).
    #[default]
    #[serde(rename = "")]
    NewFile,
    /// A new version of an existing file (overwrite).
    #[serde(rename = "version")]
    Version,
    /// A live-photo clip attached to an existing image.
    #[serde(rename = "live_photo")]
    LivePhoto,
}

impl EntityType {
    fn is_new_file(&self) -> bool {
        *self == EntityType::NewFile
    }
}

/// `PUT /file/upload` answer (§4.2, §5.5.1, §5.6.1).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct UploadSession {
    pub session_id: String,
    /// The storage's multipart upload id for S3; `""` otherwise.
    #[serde(default)]
    pub upload_id: String,
    /// Bytes per chunk; 0 = the whole file in one request (relay policies).
    #[serde(default)]
    pub chunk_size: u64,
    /// Unix seconds.
    #[serde(default)]
    pub expires: i64,
    #[serde(default)]
    pub storage_policy: Option<StoragePolicy>,
    /// The normalised target URI.
    #[serde(default)]
    pub uri: String,
    /// Used by the client-side callback of object-storage policies.
    #[serde(default)]
    pub callback_secret: Secret,
    /// One presigned URL per part (S3) or the node's upload URL (remote).
    #[serde(default, deserialize_with = "null_default")]
    pub upload_urls: Vec<String>,
    /// Remote: the `Authorization` value for the node (`Bearer Cr …`); qiniu/upyun tokens.
    #[serde(default)]
    pub credential: Option<Secret>,
    /// S3: where to POST the completion XML.
    #[serde(rename = "completeURL", default)]
    pub complete_url: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub upload_policy: Option<String>,
    #[serde(default)]
    pub encrypt_metadata: Option<serde_json::Value>,
}

/// How the chunks of a session travel (§5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadMethod {
    /// Chunks to Cloudreve's own `POST /file/upload/:id/:index` (local and relay policies).
    Cloudreve,
    /// Chunks to the node at `upload_urls[0]?chunk=i` with `credential`; the node completes.
    RemoteNode,
    /// Presigned part PUTs, XML completion, then `GET /callback/s3/…`.
    S3,
    /// `ks3`, `cos`, `oss`, `obs`: presigned part PUTs like S3, with the completion and
    /// callback differences of §5.2.
    S3Like(String),
    /// Ranged PUTs to `upload_urls[0]` in order, then `POST /callback/onedrive/…`.
    OneDrive,
    /// Qiniu multipart v2 with the up-token; the storage calls back.
    Qiniu,
    /// One multipart form POST with the whole file; the storage calls back.
    Upyun,
    /// A policy this client cannot upload to in chunks; `PUT /file/content` (≤ 50 MiB) still works.
    Unsupported(String),
}

impl UploadSession {
    pub fn policy_type(&self) -> &str {
        self.storage_policy
            .as_ref()
            .map(|p| p.kind.as_str())
            .unwrap_or("local")
    }

    pub fn method(&self) -> UploadMethod {
        let relay = self.storage_policy.as_ref().is_some_and(|p| p.relay);
        match self.policy_type() {
            _ if relay => UploadMethod::Cloudreve,
            "local" => UploadMethod::Cloudreve,
            "remote" => UploadMethod::RemoteNode,
            "s3" => UploadMethod::S3,
            kind @ ("ks3" | "cos" | "oss" | "obs") => UploadMethod::S3Like(kind.to_string()),
            "onedrive" => UploadMethod::OneDrive,
            "qiniu" => UploadMethod::Qiniu,
            "upyun" => UploadMethod::Upyun,
            other => UploadMethod::Unsupported(other.to_string()),
        }
    }

    /// `max(1, ceil(size / chunk_size))`; a 0-byte file is one empty chunk (§4.1, §4.6).
    pub fn chunk_count(&self, size: u64) -> u64 {
        if self.chunk_size == 0 || size == 0 {
            return 1;
        }
        size.div_ceil(self.chunk_size)
    }

    /// Byte range `[start, end)` of chunk `index` of a file of `size` bytes.
    pub fn chunk_range(&self, index: u64, size: u64) -> Option<std::ops::Range<u64>> {
        if index >= self.chunk_count(size) {
            return None;
        }
        if self.chunk_size == 0 {
            return Some(0..size);
        }
        let start = index * self.chunk_size;
        Some(start..size.min(start + self.chunk_size))
    }
}

/// One finished S3 part: its 1-based number and the storage's `ETag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    pub number: u32,
    pub etag: String,
}

/// Storage policy kinds with a client-side completion callback (§5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackPolicy {
    S3,
    Ks3,
    Cos,
    OneDrive,
    Obs,
}

impl CallbackPolicy {
    pub fn path_name(self) -> &'static str {
        match self {
            CallbackPolicy::S3 => "s3",
            CallbackPolicy::Ks3 => "ks3",
            CallbackPolicy::Cos => "cos",
            CallbackPolicy::OneDrive => "onedrive",
            CallbackPolicy::Obs => "obs",
        }
    }

    /// OneDrive and OBS are registered as POST, the others as GET.
    pub fn uses_post(self) -> bool {
        matches!(self, CallbackPolicy::OneDrive | CallbackPolicy::Obs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(chunk: u64) -> UploadSession {
        serde_json::from_value(serde_json::json!({
            "session_id": "s", "chunk_size": chunk, "expires": 1,
            "storage_policy": {"id": "p", "name": "d", "type": "local", "max_size": 0},
            "uri": "cloudreve://my/a", "callback_secret": "x"
        }))
        .unwrap()
    }

    #[test]
    fn chunk_math() {
        let s = session(10);
        assert_eq!(s.chunk_count(0), 1);
        assert_eq!(s.chunk_range(0, 0), Some(0..0));
        assert_eq!(s.chunk_range(1, 0), None);
        assert_eq!(s.chunk_count(25), 3);
        assert_eq!(s.chunk_range(2, 25), Some(20..25));
        assert_eq!(s.chunk_count(30), 3);
        assert_eq!(session(0).chunk_range(0, 99), Some(0..99));
        assert_eq!(s.method(), UploadMethod::Cloudreve);
    }

    #[test]
    fn request_omits_defaults() {
        let r = UploadRequest {
            uri: "cloudreve://my/a".into(),
            size: 0,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"uri":"cloudreve://my/a","size":0}"#
        );
        let v = UploadRequest {
            entity_type: EntityType::Version,
            ..r
        };
        assert!(
            serde_json::to_string(&v)
                .unwrap()
                .contains(r#""entity_type":"version""#)
        );
    }
}
