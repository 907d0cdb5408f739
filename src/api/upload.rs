//! Uploads: sessions, chunks to Cloudreve, to a remote node or to S3, completion callbacks,
//! cancel, and the one-request content update (files-and-transfers.md §4–5).

mod onedrive;
mod qiniu;
mod upyun;

pub use onedrive::OneDriveRanges;
pub use upyun::FormFields;

use super::client::{Client, Request, read_answer, seg, url_label};
use super::error::{ApiError, snippet};
use super::models::{CallbackPolicy, CompletedPart, File, UploadRequest, UploadSession};
use super::uri::CrUri;
use bytes::Bytes;
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use serde_json::json;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const OCTET_STREAM: &str = "application/octet-stream";

/// A request body with its exact length. Cloudreve refuses chunks without an exact
/// `Content-Length` (`40013`) and stores a streamed `PUT /file/content` without one as an empty
/// version (C2-321), so the length always travels with the body.
pub struct ChunkBody {
    kind: BodyKind,
}

enum BodyKind {
    Bytes(Bytes),
    /// Kept as a stream (not yet a `reqwest::Body`) so flows can frame or trim it.
    Stream(BoxStream<'static, Result<Bytes, BoxError>>, u64),
}

impl ChunkBody {
    /// In-memory bytes; such a request can be replayed after a token refresh.
    pub fn bytes(data: impl Into<Bytes>) -> ChunkBody {
        ChunkBody {
            kind: BodyKind::Bytes(data.into()),
        }
    }

    /// A stream that yields exactly `len` bytes (e.g. a file range wrapped with a progress
    /// counter). Sent once: after a `401` the caller retries with a new stream.
    pub fn stream<S>(stream: S, len: u64) -> ChunkBody
    where
        S: futures_util::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        let stream = futures_util::TryStreamExt::into_stream(stream)
            .map(|r| r.map(Bytes::from).map_err(Into::into));
        ChunkBody {
            kind: BodyKind::Stream(stream.boxed(), len),
        }
    }

    /// The same body without its first `n` bytes (a storage that already has them). A stream
    /// still reads them from disk — at most one chunk, and only when resuming — so progress
    /// counters see the whole chunk.
    pub fn skip(self, n: u64) -> ChunkBody {
        let n = n.min(self.len());
        match self.kind {
            BodyKind::Bytes(b) => {
                ChunkBody::bytes(b.slice(usize::try_from(n).unwrap_or(b.len())..))
            }
            BodyKind::Stream(stream, len) => {
                let mut left = n;
                let trimmed = stream.map(move |piece| {
                    piece.map(|mut bytes| {
                        let drop = usize::try_from(left.min(bytes.len() as u64)).unwrap_or(0);
                        left -= drop as u64;
                        bytes.split_off(drop)
                    })
                });
                let trimmed = trimmed.filter(|piece| {
                    std::future::ready(piece.as_ref().map_or(true, |b| !b.is_empty()))
                });
                ChunkBody {
                    kind: BodyKind::Stream(trimmed.boxed(), len - n),
                }
            }
        }
    }

    /// The body for reqwest and its exact length (e.g. for a multipart part whose length
    /// must be known so the whole form gets a `Content-Length`).
    fn into_body(self) -> (reqwest::Body, u64) {
        match self.kind {
            BodyKind::Bytes(b) => {
                let len = b.len() as u64;
                (reqwest::Body::from(b), len)
            }
            BodyKind::Stream(body, len) => (reqwest::Body::wrap_stream(body), len),
        }
    }

    pub fn len(&self) -> u64 {
        match &self.kind {
            BodyKind::Bytes(b) => b.len() as u64,
            BodyKind::Stream(_, len) => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn into_request(self, req: Request) -> Request {
        match self.kind {
            BodyKind::Bytes(b) => req.raw(b, OCTET_STREAM),
            BodyKind::Stream(body, len) => {
                req.stream(reqwest::Body::wrap_stream(body), len, OCTET_STREAM)
            }
        }
    }

    /// For requests outside the API (storage hosts, nodes).
    fn attach(self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        self.attach_as(rb, OCTET_STREAM)
    }

    fn attach_as(self, rb: reqwest::RequestBuilder, content_type: &str) -> reqwest::RequestBuilder {
        let len = self.len();
        let rb = rb
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, len);
        match self.kind {
            BodyKind::Bytes(b) => rb.body(b),
            BodyKind::Stream(body, _) => rb.body(reqwest::Body::wrap_stream(body)),
        }
    }
}

impl Client {
    /// `PUT /file/upload`: creates an upload session; a placeholder appears at once and the
    /// path is locked until completion, cancel or expiry. `40004` = the name is taken.
    pub async fn create_upload_session(
        &self,
        request: &UploadRequest,
    ) -> Result<UploadSession, ApiError> {
        self.call(Request::put("/file/upload").json(request)).await
    }

    /// `POST /file/upload/:session/:index`: one chunk of a local (or relay) policy upload.
    /// The last chunk finalises the file and still answers plain success.
    pub async fn upload_chunk(
        &self,
        session_id: &str,
        index: u64,
        body: ChunkBody,
    ) -> Result<(), ApiError> {
        let req = Request::post(format!("/file/upload/{}/{index}", seg(session_id))).unlimited();
        self.call(body.into_request(req)).await
    }

    /// `DELETE /file/upload`: cancels a session and removes its placeholder.
    pub async fn cancel_upload(&self, session_id: &str, uri: &str) -> Result<(), ApiError> {
        let body = json!({ "id": session_id, "uri": uri });
        self.call(Request::delete("/file/upload").json(&body)).await
    }

    /// `PUT /file/content`: writes a whole file in one request (creates it or adds a version;
    /// ≤ 50 MiB). Works for every storage policy because the server writes the data itself.
    pub async fn update_content(
        &self,
        uri: &CrUri,
        previous: Option<&str>,
        body: ChunkBody,
    ) -> Result<File, ApiError> {
        let req = Request::put("/file/content")
            .query("uri", uri)
            .query_opt("previous", previous)
            .unlimited();
        self.call(body.into_request(req)).await
    }

    /// Remote-node policy: `POST {upload_urls[0]}?chunk=<i>` with the session's credential as
    /// `Authorization` (never the Cloudreve token). The node finalises after the last chunk.
    pub async fn upload_chunk_to_node(
        &self,
        session: &UploadSession,
        index: u64,
        body: ChunkBody,
    ) -> Result<(), ApiError> {
        let url = session.upload_urls.first().ok_or_else(|| {
            ApiError::decode(
                "PUT /file/upload",
                200,
                "remote session without an upload URL",
            )
        })?;
        let credential = session
            .credential
            .as_ref()
            .map(|c| c.expose())
            .unwrap_or_default();
        let label = url_label(&Method::POST, url);
        let rb = self
            .inner
            .http
            .post(url.as_str())
            .query(&[("chunk", index)])
            .header(AUTHORIZATION, credential);
        let resp = body
            .attach(rb)
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        read_answer::<()>(&label, resp).await.map(|_| ())
    }

    /// S3 policy: `PUT upload_urls[i]` (presigned) with the part's exact length. Returns the
    /// storage's `ETag`, needed for the completion.
    pub async fn upload_s3_part(&self, url: &str, body: ChunkBody) -> Result<String, ApiError> {
        let label = url_label(&Method::PUT, url);
        let resp = body
            .attach(self.inner.http.put(url))
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let status = resp.status();
        let etag = resp
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if !status.is_success() {
            return Err(storage_error(&label, resp).await);
        }
        etag.ok_or_else(|| ApiError::Http {
            endpoint: label,
            status: status.as_u16(),
            detail: "the storage sent no ETag".into(),
        })
    }

    /// S3 policy: `POST completeURL` with every part in ascending order (§5.5.3).
    pub async fn complete_s3_upload(
        &self,
        complete_url: &str,
        parts: &[CompletedPart],
    ) -> Result<(), ApiError> {
        self.complete_s3_like(complete_url, complete_multipart_xml(parts), &[])
            .await
    }

    /// The completion of the S3-like policies (§5.2): `POST completeURL` with `body` (the part
    /// list, or nothing for OSS's `x-oss-complete-all`) and the policy's extra headers.
    pub async fn complete_s3_like(
        &self,
        complete_url: &str,
        body: String,
        headers: &[(&'static str, &'static str)],
    ) -> Result<(), ApiError> {
        let label = url_label(&Method::POST, complete_url);
        let mut rb = self
            .inner
            .http
            .post(complete_url)
            .header(CONTENT_TYPE, OCTET_STREAM)
            .header(CONTENT_LENGTH, body.len());
        for (name, value) in headers {
            rb = rb.header(*name, *value);
        }
        let resp = rb
            .body(body)
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        // S3 may answer 200 with an `<Error>` body when the completion failed late.
        let status = resp.status();
        let body = resp.bytes().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        match s3_error_code(&text) {
            None if status.is_success() => Ok(()),
            _ => Err(storage_error_from(&label, status.as_u16(), &body)),
        }
    }

    /// `GET|POST /callback/<policy>/:session/:secret`: tells Cloudreve that the storage has the
    /// object. For S3 a `-1` right after completion is transient; `40055` (size mismatch) is
    /// final.
    pub async fn upload_callback(
        &self,
        policy: CallbackPolicy,
        session: &UploadSession,
    ) -> Result<(), ApiError> {
        let path = format!(
            "/callback/{}/{}/{}",
            policy.path_name(),
            seg(&session.session_id),
            seg(session.callback_secret.expose())
        );
        let req = if policy.uses_post() {
            Request::post(path)
        } else {
            Request::get(path)
        };
        self.call(req.no_auth()).await
    }
}

/// `<CompleteMultipartUpload>` with parts sorted by number (S3 refuses other orders).
pub fn complete_multipart_xml(parts: &[CompletedPart]) -> String {
    let mut sorted: Vec<&CompletedPart> = parts.iter().collect();
    sorted.sort_by_key(|p| p.number);
    let mut xml = String::from("<CompleteMultipartUpload>");
    for p in sorted {
        xml.push_str(&format!(
            "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>",
            p.number,
            xml_escape(&p.etag)
        ));
    }
    xml.push_str("</CompleteMultipartUpload>");
    xml
}

/// Escapes text content. Quotes stay literal: ETags are sent as the storage gave them
/// (`"…"`), which every S3 implementation accepts (C3-018, C3-177).
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `<Code>` of an S3 XML error (`SignatureDoesNotMatch`, `InvalidPart`, …).
pub fn s3_error_code(body: &str) -> Option<&str> {
    let start = body.find("<Code>")? + "<Code>".len();
    let end = body[start..].find("</Code>")? + start;
    Some(body[start..end].trim())
}

/// A storage's error answer as [`ApiError::Http`]: its status (which decides retries) and the
/// most telling part of its body.
async fn storage_error(label: &str, resp: reqwest::Response) -> ApiError {
    let status = resp.status().as_u16();
    let body = resp.bytes().await.unwrap_or_default();
    storage_error_from(label, status, &body)
}

fn storage_error_from(label: &str, status: u16, body: &[u8]) -> ApiError {
    let text = String::from_utf8_lossy(body);
    let detail = match s3_error_code(&text) {
        Some(code) => code.to_string(),
        None => json_error_detail(body).unwrap_or_else(|| snippet(body)),
    };
    ApiError::Http {
        endpoint: label.to_string(),
        status,
        detail,
    }
}

/// The error text of the JSON-speaking storages: OneDrive's
/// `{"error":{"code","innererror":{"code"}}}` (innermost code first, e.g. `fragmentOverlap`),
/// Qiniu's `{"error":"…"}`, OBS's and Upyun's `{"message":"…"}`.
pub fn json_error_detail(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |v: &serde_json::Value| v.as_str().map(|s| snippet(s.as_bytes()));
    if let Some(err) = v.get("error") {
        if let Some(s) = text(err) {
            return Some(s);
        }
        let inner = err.pointer("/innererror/code").and_then(text);
        let code = err.get("code").and_then(text);
        let message = err.get("message").and_then(text);
        return match (inner, code, message) {
            (Some(inner), Some(code), _) => Some(format!("{inner} ({code})")),
            (inner, code, message) => inner.or(code).or(message),
        };
    }
    v.get("message").and_then(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_xml_is_sorted_and_escaped() {
        let parts = [
            CompletedPart {
                number: 2,
                etag: "\"b\"".into(),
            },
            CompletedPart {
                number: 1,
                etag: "a".into(),
            },
        ];
        assert_eq!(
            complete_multipart_xml(&parts),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>\
             <Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag></Part></CompleteMultipartUpload>"
        );
    }

    #[test]
    fn reads_s3_error_codes() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>x</Message></Error>";
        assert_eq!(s3_error_code(xml), Some("SignatureDoesNotMatch"));
        assert_eq!(s3_error_code("<html>"), None);
    }

    async fn collect(body: ChunkBody) -> Vec<u8> {
        match body.kind {
            BodyKind::Bytes(b) => b.to_vec(),
            BodyKind::Stream(stream, _) => {
                stream.map(|piece| piece.unwrap().to_vec()).concat().await
            }
        }
    }

    fn pieces(parts: &[&'static [u8]]) -> ChunkBody {
        let len = parts.iter().map(|p| p.len() as u64).sum();
        let items: Vec<Result<Bytes, std::io::Error>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        ChunkBody::stream(futures_util::stream::iter(items), len)
    }

    #[tokio::test]
    async fn skipping_drops_exactly_the_first_bytes() {
        for n in 0..=9 {
            let body = pieces(&[b"abc", b"", b"defg", b"hi"]).skip(n);
            assert_eq!(body.len(), 9 - n);
            assert_eq!(collect(body).await, &b"abcdefghi"[n as usize..]);
        }
        let body = ChunkBody::bytes(&b"abcdef"[..]).skip(4);
        assert_eq!(collect(body).await, b"ef");
        assert!(pieces(&[b"ab"]).skip(5).is_empty());
    }

    #[test]
    fn storage_error_texts() {
        let od = br#"{"error":{"code":"invalidRange","message":"m","innererror":{"code":"fragmentOverlap"}}}"#;
        assert_eq!(
            json_error_detail(od).as_deref(),
            Some("fragmentOverlap (invalidRange)")
        );
        assert_eq!(
            json_error_detail(br#"{"error":"bad token"}"#).as_deref(),
            Some("bad token")
        );
        assert_eq!(
            json_error_detail(br#"{"code":40100016,"message":"invalid signature"}"#).as_deref(),
            Some("invalid signature")
        );
        assert_eq!(json_error_detail(b"<html>"), None);
    }

    #[test]
    fn body_lengths() {
        assert_eq!(ChunkBody::bytes(vec![0u8; 5]).len(), 5);
        let s = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
        assert_eq!(ChunkBody::stream(s, 3).len(), 3);
        assert!(ChunkBody::bytes(Bytes::new()).is_empty());
    }
}
