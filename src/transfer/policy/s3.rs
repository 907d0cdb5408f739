//! S3 policy (and KS3, which differs only in its callback route): presigned part PUTs, the
//! XML completion at the storage, then the client callback to Cloudreve
//! (files-and-transfers.md §5.5).
//!
//! Part *i* goes to `upload_urls[i]` as part number *i + 1* with its exact length (the length
//! is signed, C3-013); the storage's `ETag` is the receipt the completion lists. Cloudreve
//! learns about the object only from the callback, which checks its size (`40055` = wrong size,
//! final; `-1` right after completion = not visible yet, transient — the engine retries).

use super::UploadFlow;
use crate::api::models::{CallbackPolicy, CompletedPart, UploadSession};
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;

pub struct S3Like {
    kind: &'static str,
    callback: CallbackPolicy,
}

impl S3Like {
    pub fn s3() -> S3Like {
        S3Like {
            kind: "s3",
            callback: CallbackPolicy::S3,
        }
    }

    /// KS3 per the source [S]: S3's flow with `/callback/ks3/…`.
    pub fn ks3() -> S3Like {
        S3Like {
            kind: "ks3",
            callback: CallbackPolicy::Ks3,
        }
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::Decode {
        endpoint: "PUT /file/upload".into(),
        status: 200,
        detail: format!("S3 session without {what}"),
    }
}

/// The `<Part>` list of the completion: every part, by number (S3 wants ascending order).
pub fn completed_parts(receipts: &BTreeMap<u64, String>) -> Vec<CompletedPart> {
    receipts
        .iter()
        .map(|(&index, etag)| CompletedPart {
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            etag: etag.clone(),
        })
        .collect()
}

impl UploadFlow for S3Like {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        index: u64,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            let url = usize::try_from(index)
                .ok()
                .and_then(|i| session.upload_urls.get(i))
                .ok_or_else(|| missing(&format!("a URL for part {}", index + 1)))?;
            client.upload_s3_part(url, body).await
        })
    }

    fn completes_at_storage(&self) -> bool {
        true
    }

    fn complete_storage<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        receipts: &'a BTreeMap<u64, String>,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let url = session
                .complete_url
                .as_deref()
                .ok_or_else(|| missing("completeURL"))?;
            client
                .complete_s3_upload(url, &completed_parts(receipts))
                .await
        })
    }

    fn confirm<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move { client.upload_callback(self.callback, session).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_numbered_from_one() {
        let mut r = BTreeMap::new();
        r.insert(1, "\"b\"".to_string());
        r.insert(0, "\"a\"".to_string());
        let parts = completed_parts(&r);
        assert_eq!(parts[0].number, 1);
        assert_eq!(parts[0].etag, "\"a\"");
        assert_eq!(parts[1].number, 2);
    }
}
