//! One module per storage-policy upload flow, all behind [`UploadFlow`]
//! (files-and-transfers.md §5.1: the session answer's `storage_policy` picks the flow).
//!
//! | policy | module | chunks go to | finish |
//! |---|---|---|---|
//! | `local`, any `relay` policy | [`local`] | Cloudreve, `POST /file/upload/:id/:i` | the last chunk |
//! | `remote` (slave node) | [`remote`] | the node, `POST upload_urls[0]?chunk=i` | the node, after the last chunk |
//! | `s3`, `ks3` | [`s3`] | presigned `PUT upload_urls[i]` | XML completion + client callback |
//! | `cos` | [`s3`] | presigned `PUT upload_urls[i]` | XML completion (`x-cos-forbid-overwrite`) + client callback |
//! | `oss` | [`s3`] | presigned `PUT upload_urls[i]` | empty completion (`x-oss-complete-all`); OSS calls Cloudreve |
//! | `obs` | [`s3`] | presigned `PUT upload_urls[i]` | XML completion; OBS calls Cloudreve |
//! | `onedrive` | [`onedrive`] | `PUT upload_urls[0]` with `Content-Range`, in order | the last range + client callback |
//! | `qiniu` | [`qiniu`] | `PUT {upload_urls[0]}/{i+1}` with the up-token | JSON completion; Qiniu calls Cloudreve |
//! | `upyun` | [`upyun`] | one form `POST upload_urls[0]` with the whole file | Upyun calls Cloudreve |
//!
//! Any other type is reported before a chunk is sent, with `PUT /file/content` as the
//! fallback for files up to 50 MiB (§5.4).

pub mod local;
pub mod onedrive;
pub mod qiniu;
pub mod remote;
pub mod s3;
pub mod upyun;

use crate::api::models::UploadSession;
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;

/// Where a chunk sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkAt {
    pub index: u64,
    /// Offset of its first byte.
    pub start: u64,
    /// Size of the whole file.
    pub file_size: u64,
}

/// How one storage policy takes the chunks of a session and finishes the upload.
pub trait UploadFlow: Send + Sync {
    /// The policy type, for messages.
    fn kind(&self) -> &'static str;

    /// Chunks that may be in flight at once, as the policy allows (`None`: no limit).
    fn parallel_limit(&self, session: &UploadSession) -> Option<usize> {
        session
            .storage_policy
            .as_ref()
            .and_then(|p| p.chunk_concurrency)
            .map(|n| n.max(1) as usize)
    }

    /// Whether the whole file travels in one request whatever the session's `chunk_size`
    /// (Upyun's form upload): the engine then sends a single chunk 0.
    fn whole_file(&self) -> bool {
        false
    }

    /// Whether the flow can store a 0-byte file. OneDrive cannot take an empty range; the
    /// engine then writes the empty file with `PUT /file/content` instead.
    fn takes_empty_files(&self) -> bool {
        true
    }

    /// Sends `chunk` (its exact bytes in `body`). Returns the storage's receipt (S3 `ETag`,
    /// Qiniu `etag`), empty for flows without one. Must be safe to repeat.
    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>>;

    /// Whether [`UploadFlow::complete_storage`] does anything (its success is checkpointed).
    fn completes_at_storage(&self) -> bool {
        false
    }

    /// Completes the upload at the storage, after every chunk was acknowledged. `receipts`
    /// holds every chunk's receipt. Flows that complete with their last chunk do nothing.
    fn complete_storage<'a>(
        &'a self,
        _client: &'a Client,
        _session: &'a UploadSession,
        _receipts: &'a BTreeMap<u64, String>,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async { Ok(()) })
    }

    /// Whether the storage (not this client) tells Cloudreve that the object is complete
    /// (OSS, OBS, Qiniu, Upyun): the engine then waits until the file is final.
    fn storage_calls_back(&self) -> bool {
        false
    }

    /// Tells Cloudreve that the storage has the object (the client callback of S3-like
    /// policies and OneDrive). Flows whose storage or node calls back themselves do nothing.
    fn confirm<'a>(
        &'a self,
        _client: &'a Client,
        _session: &'a UploadSession,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The flow for a session, or the policy type this client cannot upload to in chunks.
pub fn flow_for(session: &UploadSession) -> Result<Box<dyn UploadFlow>, String> {
    let relay = session.storage_policy.as_ref().is_some_and(|p| p.relay);
    match session.policy_type() {
        // A relay policy takes the chunks through Cloudreve whatever its storage (§5.1).
        _ if relay => Ok(Box::new(local::Local)),
        "local" => Ok(Box::new(local::Local)),
        "remote" => Ok(Box::new(remote::RemoteNode)),
        "s3" => Ok(Box::new(s3::S3Like::s3())),
        "ks3" => Ok(Box::new(s3::S3Like::ks3())),
        "cos" => Ok(Box::new(s3::S3Like::cos())),
        "oss" => Ok(Box::new(s3::S3Like::oss())),
        "obs" => Ok(Box::new(s3::S3Like::obs())),
        "onedrive" => Ok(Box::new(onedrive::OneDrive::new())),
        "qiniu" => Ok(Box::new(qiniu::Qiniu)),
        "upyun" => Ok(Box::new(upyun::Upyun)),
        other => Err(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kind: &str, relay: bool) -> UploadSession {
        serde_json::from_value(serde_json::json!({
            "session_id": "s", "chunk_size": 10, "expires": 1, "uri": "cloudreve://my/a",
            "storage_policy": {"id": "p", "type": kind, "relay": relay, "chunk_concurrency": 4}
        }))
        .unwrap()
    }

    #[test]
    fn picks_the_flow_from_the_policy() {
        assert_eq!(flow_for(&session("local", false)).unwrap().kind(), "local");
        assert_eq!(
            flow_for(&session("remote", false)).unwrap().kind(),
            "remote"
        );
        for kind in [
            "s3", "ks3", "cos", "oss", "obs", "onedrive", "qiniu", "upyun",
        ] {
            assert_eq!(flow_for(&session(kind, false)).unwrap().kind(), kind);
        }
        assert_eq!(
            flow_for(&session("onedrive", true)).unwrap().kind(),
            "local"
        );
        assert_eq!(
            flow_for(&session("dropbox", false)).err().unwrap(),
            "dropbox"
        );
        let s = session("local", false);
        assert_eq!(flow_for(&s).unwrap().parallel_limit(&s), Some(4));
        // OneDrive takes its ranges strictly in order, whatever the policy allows.
        let s = session("onedrive", false);
        assert_eq!(flow_for(&s).unwrap().parallel_limit(&s), Some(1));
        assert!(!flow_for(&s).unwrap().takes_empty_files());
        let s = session("upyun", false);
        assert!(flow_for(&s).unwrap().whole_file());
        // Who tells Cloudreve: the storage for OSS, OBS, Qiniu and Upyun, reve for the rest.
        for (kind, storage) in [
            ("s3", false),
            ("cos", false),
            ("onedrive", false),
            ("oss", true),
            ("obs", true),
            ("qiniu", true),
            ("upyun", true),
        ] {
            let flow = flow_for(&session(kind, false)).unwrap();
            assert_eq!(flow.storage_calls_back(), storage, "{kind}");
        }
    }
}
