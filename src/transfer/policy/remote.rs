//! Remote (slave node) policy: chunks to the node with the session's credential
//! (files-and-transfers.md §5.6). The node calls the master back while handling the last chunk
//! and answers only after the file is final, so there is nothing to finish. Nodes without
//! pre-allocation refuse out-of-order chunks with `50004` (C3-121): the engine then goes
//! sequential.

use super::{ChunkAt, UploadFlow};
use crate::api::models::UploadSession;
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;

pub struct RemoteNode;

impl UploadFlow for RemoteNode {
    fn kind(&self) -> &'static str {
        "remote"
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
                .upload_chunk_to_node(session, chunk.index, body)
                .await
                .map(|()| String::new())
        })
    }
}
