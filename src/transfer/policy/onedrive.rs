//! OneDrive policy (files-and-transfers.md §5.2): the chunks go as ranged `PUT`s
//! (`Content-Range: bytes a-b/total`) to the one upload URL, strictly in order; the last range
//! completes the object at the storage, then `POST /callback/onedrive/…` tells Cloudreve.
//!
//! The storage refuses a range that overlaps what it has (`fragmentOverlap`). So when reve
//! does not know where the storage stands — after a restart, after a failed request, or when
//! a range is refused — it first asks the upload URL for `nextExpectedRanges` (as Cloudreve's
//! web client does): a chunk the storage already has is acknowledged without sending it, one
//! it has in part is sent from the first missing byte.

use super::{ChunkAt, UploadFlow};
use crate::api::models::{CallbackPolicy, UploadSession};
use crate::api::{ApiError, ChunkBody, Client};
use futures_util::future::BoxFuture;
use std::sync::Mutex;

pub struct OneDrive {
    /// The offset the storage expects next, as far as reve knows; `None`: ask first.
    next: Mutex<Option<u64>>,
}

impl OneDrive {
    /// A new session expects byte 0; a refused range corrects this belief.
    pub fn new() -> OneDrive {
        OneDrive {
            next: Mutex::new(Some(0)),
        }
    }

    fn known_next(&self) -> Option<u64> {
        *self.next.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_next(&self, next: Option<u64>) {
        *self.next.lock().unwrap_or_else(|p| p.into_inner()) = next;
    }

    /// Where the storage stands: the next offset it expects, or the file size when it expects
    /// nothing more (a finished or vanished session: the callback then checks the object).
    async fn ask(&self, client: &Client, url: &str, file_size: u64) -> Result<u64, ApiError> {
        let status = client.onedrive_upload_status(url).await?;
        let next = status.and_then(|s| s.next_offset()).unwrap_or(file_size);
        self.set_next(Some(next));
        Ok(next)
    }
}

impl Default for OneDrive {
    fn default() -> Self {
        OneDrive::new()
    }
}

/// OneDrive's inner error code for a range that overlaps what it has.
pub const OVERLAP: &str = "fragmentOverlap";

fn is_overlap(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Http {
            status: 409 | 416,
            ..
        }
    ) || matches!(e, ApiError::Http { detail, .. } if detail.contains(OVERLAP))
}

impl UploadFlow for OneDrive {
    fn kind(&self) -> &'static str {
        "onedrive"
    }

    /// The ranges must arrive in order.
    fn parallel_limit(&self, _session: &UploadSession) -> Option<usize> {
        Some(1)
    }

    fn takes_empty_files(&self) -> bool {
        false
    }

    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            let url = session
                .upload_urls
                .first()
                .ok_or_else(|| super::s3::missing("an upload URL"))?;
            let end = chunk.start + body.len();
            let next = match self.known_next() {
                Some(next) if next == chunk.start => next,
                _ => self.ask(client, url, chunk.file_size).await?,
            };
            if next >= end {
                // The storage has this whole chunk (an answer lost before a restart).
                return Ok(String::new());
            }
            if next < chunk.start {
                // Bytes reve recorded as delivered are missing: this session cannot be
                // finished in order any more.
                return Err(ApiError::Http {
                    endpoint: "onedrive upload session".into(),
                    status: 409,
                    detail: format!(
                        "the storage expects byte {next} again, before chunk {} (offset {})",
                        chunk.index + 1,
                        chunk.start
                    ),
                });
            }
            let body = body.skip(next - chunk.start);
            self.set_next(None);
            match client
                .upload_onedrive_range(url, next, chunk.file_size, body)
                .await
            {
                Ok(_) => {
                    self.set_next(Some(end));
                    Ok(String::new())
                }
                Err(e) if is_overlap(&e) => {
                    // Maybe the storage got this range after all: ask, then either
                    // acknowledge the chunk or let the retry send what is missing.
                    let next = self.ask(client, url, chunk.file_size).await?;
                    if next >= end {
                        Ok(String::new())
                    } else {
                        // Retried (see `retry::classify`): the next attempt starts at the
                        // offset just learnt.
                        Err(ApiError::Http {
                            endpoint: "onedrive upload session".into(),
                            status: 416,
                            detail: format!("{OVERLAP}: the storage expects byte {next} first"),
                        })
                    }
                }
                Err(e) => Err(e),
            }
        })
    }

    fn confirm<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            client
                .upload_callback(CallbackPolicy::OneDrive, session)
                .await
        })
    }
}
