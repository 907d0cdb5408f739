//! OneDrive upload sessions (files-and-transfers.md §5.2; Microsoft Graph "upload large
//! files with an upload session"): ranged `PUT`s to the one upload URL, and a `GET` on it
//! that tells which bytes the storage still expects. The URL carries its own authorisation,
//! so no `Authorization` header is sent.

use super::{ChunkBody, storage_error};
use crate::api::client::{Client, url_label};
use crate::api::error::ApiError;
use reqwest::Method;
use reqwest::header::CONTENT_RANGE;
use serde::Deserialize;

/// What the upload session still expects (`nextExpectedRanges`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct OneDriveRanges {
    #[serde(rename = "nextExpectedRanges", default)]
    pub next_expected_ranges: Vec<String>,
}

impl OneDriveRanges {
    /// The first byte the storage still expects; `None` when it expects nothing more.
    pub fn next_offset(&self) -> Option<u64> {
        self.next_expected_ranges
            .iter()
            .filter_map(|r| r.split('-').next()?.trim().parse::<u64>().ok())
            .min()
    }
}

impl Client {
    /// `PUT upload_url` with `Content-Range: bytes start-end/total` (`end` inclusive) and the
    /// exact length. A `202` carries the ranges still expected; the last range is answered
    /// with `200`/`201` and the new item (then nothing is expected any more).
    pub async fn upload_onedrive_range(
        &self,
        upload_url: &str,
        start: u64,
        total: u64,
        body: ChunkBody,
    ) -> Result<OneDriveRanges, ApiError> {
        let label = url_label(&Method::PUT, upload_url);
        let end = (start + body.len()).saturating_sub(1);
        let range = format!("bytes {start}-{end}/{total}");
        let resp = body
            .attach(self.inner.http.put(upload_url).header(CONTENT_RANGE, range))
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(storage_error(&label, resp).await);
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        if status.as_u16() == 202 {
            // A 202 without a readable range list still means "received"; the next request
            // asks again when in doubt.
            Ok(serde_json::from_slice(&body).unwrap_or_default())
        } else {
            Ok(OneDriveRanges::default())
        }
    }

    /// `GET upload_url`: the session's status. `Ok(None)` when the session no longer exists
    /// (`404`: finished with its last range, or expired).
    pub async fn onedrive_upload_status(
        &self,
        upload_url: &str,
    ) -> Result<Option<OneDriveRanges>, ApiError> {
        let label = url_label(&Method::GET, upload_url);
        let resp = self
            .inner
            .http
            .get(upload_url)
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let status = resp.status();
        if status.as_u16() == 404 {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(storage_error(&label, resp).await);
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| ApiError::decode(&label, status.as_u16(), e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_offset_is_the_lowest_range_start() {
        let r: OneDriveRanges =
            serde_json::from_str(r#"{"nextExpectedRanges":["30-39","12-"]}"#).unwrap();
        assert_eq!(r.next_offset(), Some(12));
        assert_eq!(OneDriveRanges::default().next_offset(), None);
    }
}
