//! S3 policy and its relatives (files-and-transfers.md §5.2, §5.5): presigned part PUTs, the
//! completion at the storage, then — for S3, KS3 and COS — the client callback to Cloudreve.
//!
//! | policy | completion | who tells Cloudreve |
//! |---|---|---|
//! | `s3`, `ks3` | XML part list | reve, `GET /callback/{s3,ks3}/…` |
//! | `cos` | XML part list, `x-cos-forbid-overwrite: true` | reve, `GET /callback/cos/…` |
//! | `oss` | empty body, `x-oss-forbid-overwrite: true`, `x-oss-complete-all: yes` | OSS |
//! | `obs` | XML part list | OBS |
//!
//! Part *i* goes to `upload_urls[i]` as part number *i + 1* with its exact length (the length
//! is signed, C3-013); the storage's `ETag` is the receipt the completion lists. Cloudreve
//! learns about the object only from the callback, which checks its size (`40055` = wrong size,
//! final; `-1` right after completion = not visible yet, transient — the engine retries).

use super::{ChunkAt, UploadFlow};
use crate::api::models::{CallbackPolicy, CompletedPart, UploadSession};
use crate::api::{ApiError, ChunkBody, Client, complete_multipart_xml};
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;

pub struct S3Like {
    kind: &'static str,
    /// The client callback; `None` where the storage calls Cloudreve itself.
    callback: Option<CallbackPolicy>,
    /// Whether the completion lists the parts (OSS's `x-oss-complete-all` does not).
    lists_parts: bool,
    completion_headers: &'static [(&'static str, &'static str)],
}

impl S3Like {
    pub fn s3() -> S3Like {
        S3Like {
            kind: "s3",
            callback: Some(CallbackPolicy::S3),
            lists_parts: true,
            completion_headers: &[],
        }
    }

    /// KS3 per the source [S]: S3's flow with `/callback/ks3/…`.
    pub fn ks3() -> S3Like {
        S3Like {
            kind: "ks3",
            callback: Some(CallbackPolicy::Ks3),
            ..S3Like::s3()
        }
    }

    /// COS [S]: S3's flow; the completion must not replace an object of the same key.
    pub fn cos() -> S3Like {
        S3Like {
            kind: "cos",
            callback: Some(CallbackPolicy::Cos),
            lists_parts: true,
            completion_headers: &[("x-cos-forbid-overwrite", "true")],
        }
    }

    /// OSS [S]: the storage assembles every uploaded part itself and calls Cloudreve.
    pub fn oss() -> S3Like {
        S3Like {
            kind: "oss",
            callback: None,
            lists_parts: false,
            completion_headers: &[
                ("x-oss-forbid-overwrite", "true"),
                ("x-oss-complete-all", "yes"),
            ],
        }
    }

    /// OBS [S]: S3's completion; OBS calls Cloudreve (the web client sends no callback).
    pub fn obs() -> S3Like {
        S3Like {
            kind: "obs",
            callback: None,
            lists_parts: true,
            completion_headers: &[],
        }
    }
}

pub(crate) fn missing(what: &str) -> ApiError {
    ApiError::Decode {
        endpoint: "PUT /file/upload".into(),
        status: 200,
        detail: format!("upload session without {what}"),
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
        chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        let index = chunk.index;
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
            let body = if self.lists_parts {
                complete_multipart_xml(&completed_parts(receipts))
            } else {
                String::new()
            };
            client
                .complete_s3_like(url, body, self.completion_headers)
                .await
        })
    }

    fn storage_calls_back(&self) -> bool {
        self.callback.is_none()
    }

    fn confirm<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            match self.callback {
                Some(callback) => client.upload_callback(callback, session).await,
                None => Ok(()),
            }
        })
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
