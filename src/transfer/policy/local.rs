//! Local and relay policies: chunks to Cloudreve itself (files-and-transfers.md §4). The
//! request that delivers the last missing chunk finalises the file; `chunk_size` 0 means the
//! whole file is one chunk.

use super::{ChunkAt, UploadFlow};
use crate::api::models::UploadSession;
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;

pub struct Local;

impl UploadFlow for Local {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            client
                .upload_chunk(&session.session_id, chunk.index, body)
                .await
                .map(|()| String::new())
        })
    }
}
