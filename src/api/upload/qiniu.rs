//! Qiniu multipart upload v2 (files-and-transfers.md §5.2; the storage calls Cloudreve back
//! when the upload is completed). Every request carries `Authorization: UpToken <credential>`
//! — the session's upload token, never the Cloudreve bearer.

use super::{ChunkBody, storage_error};
use crate::api::client::{Client, url_label};
use crate::api::error::ApiError;
use crate::api::models::CompletedPart;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct PartAnswer {
    #[serde(default)]
    etag: String,
}

#[derive(Serialize)]
struct CompleteBody<'a> {
    parts: Vec<PartRef<'a>>,
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    mime_type: Option<&'a str>,
}

#[derive(Serialize)]
struct PartRef<'a> {
    etag: &'a str,
    #[serde(rename = "partNumber")]
    part_number: u32,
}

fn up_token(credential: &str) -> String {
    format!("UpToken {credential}")
}

/// The completion body: every part in ascending order, and the MIME type when known.
pub fn qiniu_complete_body(parts: &[CompletedPart], mime_type: Option<&str>) -> String {
    let mut sorted: Vec<&CompletedPart> = parts.iter().collect();
    sorted.sort_by_key(|p| p.number);
    let body = CompleteBody {
        parts: sorted
            .iter()
            .map(|p| PartRef {
                etag: &p.etag,
                part_number: p.number,
            })
            .collect(),
        mime_type: mime_type.filter(|m| !m.is_empty()),
    };
    serde_json::to_string(&body).unwrap_or_default()
}

impl Client {
    /// `PUT {upload_url}/{part_number}`: one part. Returns the part's `etag` from the JSON
    /// answer, needed for the completion.
    pub async fn upload_qiniu_part(
        &self,
        upload_url: &str,
        credential: &str,
        part_number: u32,
        body: ChunkBody,
    ) -> Result<String, ApiError> {
        let url = format!("{}/{part_number}", upload_url.trim_end_matches('/'));
        let label = url_label(&Method::PUT, &url);
        let resp = body
            .attach(
                self.inner
                    .http
                    .put(&url)
                    .header(AUTHORIZATION, up_token(credential)),
            )
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(storage_error(&label, resp).await);
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        match serde_json::from_slice::<PartAnswer>(&bytes) {
            Ok(answer) if !answer.etag.is_empty() => Ok(answer.etag),
            _ => Err(ApiError::decode(
                &label,
                status.as_u16(),
                "the storage sent no etag for the part",
            )),
        }
    }

    /// `POST upload_url` with the part list: the storage assembles the object and calls
    /// Cloudreve back before it answers.
    pub async fn complete_qiniu_upload(
        &self,
        upload_url: &str,
        credential: &str,
        parts: &[CompletedPart],
        mime_type: Option<&str>,
    ) -> Result<(), ApiError> {
        let label = url_label(&Method::POST, upload_url);
        let body = qiniu_complete_body(parts, mime_type);
        let resp = self
            .inner
            .http
            .post(upload_url)
            .header(AUTHORIZATION, up_token(credential))
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_LENGTH, body.len())
            .body(body)
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(storage_error(&label, resp).await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_lists_parts_in_order() {
        let parts = [
            CompletedPart {
                number: 2,
                etag: "b".into(),
            },
            CompletedPart {
                number: 1,
                etag: "a".into(),
            },
        ];
        assert_eq!(
            qiniu_complete_body(&parts, Some("text/plain")),
            r#"{"parts":[{"etag":"a","partNumber":1},{"etag":"b","partNumber":2}],"mimeType":"text/plain"}"#
        );
        assert_eq!(
            qiniu_complete_body(&parts[1..], None),
            r#"{"parts":[{"etag":"a","partNumber":1}]}"#
        );
    }
}
