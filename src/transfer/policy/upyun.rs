//! Upyun policy (files-and-transfers.md §5.2): the whole file in one `multipart/form-data`
//! `POST upload_urls[0]` — `policy` = the session's `upload_policy`, `authorization` = its
//! `credential`, the file part last — streamed from disk. Upyun calls Cloudreve back. There
//! are no parts, so resuming means sending the whole file again.

use super::s3::missing;
use super::{ChunkAt, UploadFlow};
use crate::api::models::UploadSession;
use crate::api::upload::FormFields;
use crate::api::{ApiError, ChunkBody, Client, CrUri};
use futures_util::future::BoxFuture;

pub struct Upyun;

impl UploadFlow for Upyun {
    fn kind(&self) -> &'static str {
        "upyun"
    }

    fn whole_file(&self) -> bool {
        true
    }

    fn parallel_limit(&self, _session: &UploadSession) -> Option<usize> {
        Some(1)
    }

    fn send_chunk<'a>(
        &'a self,
        client: &'a Client,
        session: &'a UploadSession,
        _chunk: ChunkAt,
        body: ChunkBody,
    ) -> BoxFuture<'a, Result<String, ApiError>> {
        Box::pin(async move {
            let url = session
                .upload_urls
                .first()
                .ok_or_else(|| missing("an upload URL"))?;
            let policy = session
                .upload_policy
                .as_deref()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| missing("upload_policy"))?;
            let authorization = session
                .credential
                .as_ref()
                .map(|c| c.expose())
                .filter(|c| !c.is_empty())
                .ok_or_else(|| missing("a credential"))?;
            // Upyun stores under the key its policy names; the file name is informative.
            let target = CrUri::parse(&session.uri).ok();
            let file_name = target
                .as_ref()
                .and_then(|u| u.name())
                .filter(|n| !n.is_empty())
                .unwrap_or("file");
            let fields = FormFields {
                policy,
                authorization,
                content_type: session.mime_type.as_deref(),
                file_name,
            };
            client
                .upload_upyun_form(url, &fields, body)
                .await
                .map(|()| String::new())
        })
    }

    fn storage_calls_back(&self) -> bool {
        true
    }
}
