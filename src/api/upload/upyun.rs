//! Upyun form upload (files-and-transfers.md §5.2): the whole file in one
//! `multipart/form-data` `POST`, the file part last; the storage calls Cloudreve back. The
//! form is framed around the streamed file so the file is never held in memory.

use super::{ChunkBody, storage_error};
use crate::api::client::{Client, url_label};
use crate::api::error::ApiError;
use bytes::Bytes;
use reqwest::Method;

/// The text fields sent before the file, in this order.
pub struct FormFields<'a> {
    /// The session's `upload_policy`.
    pub policy: &'a str,
    /// The session's `credential`.
    pub authorization: &'a str,
    /// The session's `mime_type`, when it has one.
    pub content_type: Option<&'a str>,
    /// The file name announced for the file part.
    pub file_name: &'a str,
}

/// A quoted-string for `Content-Disposition` the way browsers write one (WHATWG): `"`, CR
/// and LF percent-encoded, so no name can break out of the header.
fn quoted(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The bytes before and after the file content for `boundary`.
pub fn form_frame(fields: &FormFields<'_>, boundary: &str) -> (String, String) {
    let mut head = String::new();
    let mut text = |name: &str, value: &str| {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    };
    text("policy", fields.policy);
    text("authorization", fields.authorization);
    if let Some(mime) = fields.content_type.filter(|m| !m.is_empty()) {
        text("content-type", mime);
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n",
        quoted(fields.file_name)
    ));
    (head, format!("\r\n--{boundary}--\r\n"))
}

impl Client {
    /// `POST upload_url` with the form; `file` is the whole file with its exact length.
    pub async fn upload_upyun_form(
        &self,
        upload_url: &str,
        fields: &FormFields<'_>,
        file: ChunkBody,
    ) -> Result<(), ApiError> {
        let boundary = format!("reve-{}", uuid::Uuid::new_v4().simple());
        let (head, tail) = form_frame(fields, &boundary);
        let body = file.framed(Bytes::from(head), Bytes::from(tail));
        let label = url_label(&Method::POST, upload_url);
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let resp = body
            .attach_as(self.inner.http.post(upload_url), &content_type)
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
    fn file_part_comes_last_and_names_cannot_break_out() {
        let fields = FormFields {
            policy: "P",
            authorization: "UPYUN a:b",
            content_type: Some("text/plain"),
            file_name: "a\"b\r\n.txt",
        };
        let (head, tail) = form_frame(&fields, "XX");
        assert_eq!(
            head,
            "--XX\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\nP\r\n\
             --XX\r\nContent-Disposition: form-data; name=\"authorization\"\r\n\r\nUPYUN a:b\r\n\
             --XX\r\nContent-Disposition: form-data; name=\"content-type\"\r\n\r\ntext/plain\r\n\
             --XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b%0D%0A.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        assert_eq!(tail, "\r\n--XX--\r\n");
    }
}
