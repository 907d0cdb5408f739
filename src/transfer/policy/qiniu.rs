//! Qiniu policy (files-and-transfers.md §5.2): multipart upload v2. Part *i* goes to
//! `PUT {upload_urls[0]}/{i+1}` with `Authorization: UpToken <credential>`; its `etag` is the
//! receipt. The completion `POST upload_urls[0]` lists every part; Qiniu then calls Cloudreve
//! back, so there is no client callback.

use super::s3::{completed_parts, missing};
use super::{ChunkAt, UploadFlow};
use crate::api::models::UploadSession;
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;

pub struct Qiniu;

fn url_and_token(session: &UploadSession) -> Result<(&str, &str), ApiError> {
    let url = session
        .upload_urls
        .first()
        .ok_or_else(|| missing("an upload URL"))?;
    let token = session
        .credential
        .as_ref()
        .map(|c| c.expose())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("an upload token"))?;
    Ok((url, token))
}

impl UploadFlow for Qiniu {
    fn kind(&self) -> &'static str {
        "qiniu"
    }

    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            let (url, token) = url_and_token(session)?;
            let number = u32::try_from(chunk.index + 1).unwrap_or(u32::MAX);
            client.upload_qiniu_part(url, token, number, body).await
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
            let (url, token) = url_and_token(session)?;
            client
                .complete_qiniu_upload(
                    url,
                    token,
                    &completed_parts(receipts),
                    session.mime_type.as_deref(),
                )
                .await
        })
    }

    fn storage_calls_back(&self) -> bool {
        true
    }
}
