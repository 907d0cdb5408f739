//! One module per storage-policy upload flow, all behind [`UploadFlow`]
//! (files-and-transfers.md §5.1: the session answer's `storage_policy` picks the flow).
//!
//! | policy | module | chunks go to | finish |
//! |---|---|---|---|
//! | `local`, any `relay` policy | [`local`] | Cloudreve, `POST /file/upload/:id/:i` | the last chunk |
//! | `remote` (slave node) | [`remote`] | the node, `POST upload_urls[0]?chunk=i` | the node, after the last chunk |
//! | `s3`, `ks3` | [`s3`] | presigned `PUT upload_urls[i]` | XML completion + client callback |
//!
//! Not implemented (reported before any chunk is sent, with `PUT /file/content` as the fallback
//! for files up to 50 MiB): `cos`, `oss`, `obs`, `onedrive`, `qiniu`, `upyun`.

pub mod local;
pub mod remote;
pub mod s3;

use crate::api::models::UploadSession;
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;

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

    /// Sends chunk `index` (its exact bytes in `body`). Returns the storage's receipt (S3
    /// `ETag`), empty for flows without one. Must be safe to repeat.
    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        index: u64,
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

    /// Tells Cloudreve that the storage has the object (the client callback of S3-like
    /// policies). Flows whose storage or node calls back themselves do nothing.
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
        assert_eq!(flow_for(&session("s3", false)).unwrap().kind(), "s3");
        assert_eq!(
            flow_for(&session("onedrive", true)).unwrap().kind(),
            "local"
        );
        assert_eq!(flow_for(&session("qiniu", false)).err().unwrap(), "qiniu");
        let s = session("local", false);
        assert_eq!(flow_for(&s).unwrap().parallel_limit(&s), Some(4));
    }
}
