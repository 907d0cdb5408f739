//! Upyun form upload (files-and-transfers.md §5.2): the whole file in one
//! `multipart/form-data` `POST`, the file part last; the storage calls Cloudreve back. The
//! form is reqwest's; the file part streams from the `ChunkBody`, so the file is never held
//! in memory, and every part has a known length, so reqwest sends an exact `Content-Length`.

use super::{ChunkBody, storage_error};
use crate::api::client::{Client, url_label};
use crate::api::error::ApiError;
use reqwest::Method;
use reqwest::multipart::{Form, Part};

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

/// A file name made safe for the `filename="…"` of a `Content-Disposition` the way browsers
/// do it (WHATWG): `"`, CR and LF percent-encoded. reqwest escapes `"` and `\` but writes CR
/// and LF through, which would let a name end the header line.
fn header_safe_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The form: `policy`, `authorization`, `content-type` (when known), then the file.
fn upyun_form(fields: &FormFields<'_>, file: ChunkBody) -> Result<Form, reqwest::Error> {
    let mut form = Form::new()
        .text("policy", fields.policy.to_string())
        .text("authorization", fields.authorization.to_string());
    if let Some(mime) = fields.content_type.filter(|m| !m.is_empty()) {
        form = form.text("content-type", mime.to_string());
    }
    let (body, len) = file.into_body();
    let file = Part::stream_with_length(body, len)
        .file_name(header_safe_name(fields.file_name))
        .mime_str("application/octet-stream")?;
    Ok(form.part("file", file))
}

impl Client {
    /// `POST upload_url` with the form; `file` is the whole file with its exact length.
    pub async fn upload_upyun_form(
        &self,
        upload_url: &str,
        fields: &FormFields<'_>,
        file: ChunkBody,
    ) -> Result<(), ApiError> {
        let label = url_label(&Method::POST, upload_url);
        let form = upyun_form(fields, file).map_err(|e| ApiError::transport(&label, e))?;
        let resp = self
            .inner
            .http
            .post(upload_url)
            .multipart(form)
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
    use crate::api::ClientConfig;
    use axum::extract::{FromRequest, Multipart, Request, State};
    use axum::http::{StatusCode, header};
    use bytes::Bytes;
    use futures_util::StreamExt as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio::sync::oneshot;

    /// One form field as the server parsed it.
    #[derive(Debug, PartialEq, Eq)]
    struct SeenField {
        name: String,
        file_name: Option<String>,
        content_type: Option<String>,
        data: Vec<u8>,
    }

    /// What the test server saw of the one request.
    #[derive(Debug, Default)]
    struct Seen {
        content_length: Option<u64>,
        chunked: bool,
        body_bytes: u64,
        fields: Vec<SeenField>,
    }

    #[derive(Clone, Default)]
    struct Recorder {
        seen: Arc<Mutex<Seen>>,
        /// Fired when the first bytes of the file part have arrived.
        file_started: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    }

    /// Parses the form with multer (as the demo storage does), counting the raw body bytes.
    async fn record(State(rec): State<Recorder>, req: Request) -> StatusCode {
        let headers = req.headers().clone();
        let counted = Arc::new(AtomicU64::new(0));
        let counter = counted.clone();
        let (parts, body) = req.into_parts();
        let body = body.into_data_stream().inspect(move |piece| {
            if let Ok(bytes) = piece {
                counter.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            }
        });
        let req = Request::from_parts(parts, axum::body::Body::from_stream(body));
        let mut form = Multipart::from_request(req, &()).await.unwrap();
        let mut fields = Vec::new();
        while let Some(mut field) = form.next_field().await.unwrap() {
            let mut seen = SeenField {
                name: field.name().unwrap_or_default().to_string(),
                file_name: field.file_name().map(str::to_string),
                content_type: field.content_type().map(str::to_string),
                data: Vec::new(),
            };
            while let Some(piece) = field.chunk().await.unwrap() {
                if seen.name == "file"
                    && let Some(started) = rec.file_started.lock().unwrap().take()
                {
                    let _ = started.send(());
                }
                seen.data.extend_from_slice(&piece);
            }
            fields.push(seen);
        }
        let mut seen = rec.seen.lock().unwrap();
        seen.content_length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        seen.chunked = headers.contains_key(header::TRANSFER_ENCODING);
        seen.body_bytes = counted.load(Ordering::SeqCst);
        seen.fields = fields;
        StatusCode::OK
    }

    async fn serve(rec: Recorder) -> (Client, String) {
        let app = axum::Router::new()
            .route("/bucket", axum::routing::post(record))
            .with_state(rec);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let base = format!("http://{addr}");
        let client = Client::new(ClientConfig::new(base.clone())).unwrap();
        (client, format!("{base}/bucket"))
    }

    fn text_field(name: &str, value: &str) -> SeenField {
        SeenField {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: value.as_bytes().to_vec(),
        }
    }

    #[tokio::test]
    async fn the_form_streams_the_file_last_with_an_exact_length() {
        let (started_tx, started_rx) = oneshot::channel();
        let rec = Recorder {
            file_started: Arc::new(Mutex::new(Some(started_tx))),
            ..Recorder::default()
        };
        let (client, url) = serve(rec.clone()).await;
        // The second piece is only produced once the server has received the first: a
        // client that read the whole file before sending would never finish.
        let head = Bytes::from(vec![7u8; 64 << 10]);
        let tail = Bytes::from_static(b"the end");
        let second = tail.clone();
        let pieces = futures_util::stream::iter([Ok::<_, std::io::Error>(head.clone())]).chain(
            futures_util::stream::once(async move {
                let _ = started_rx.await;
                Ok(second)
            }),
        );
        let len = (head.len() + tail.len()) as u64;
        let fields = FormFields {
            policy: "P0lICY=",
            authorization: "UPYUN op:sig",
            content_type: Some("text/plain"),
            file_name: "a\"b\r\nContent-Type: x\\y.txt",
        };
        let sent = client.upload_upyun_form(&url, &fields, ChunkBody::stream(pieces, len));
        // Only a guard against a hang (a buffering client), not a timing assertion.
        tokio::time::timeout(std::time::Duration::from_secs(120), sent)
            .await
            .expect("the file part was not streamed")
            .unwrap();

        let seen = rec.seen.lock().unwrap();
        assert!(!seen.chunked);
        assert_eq!(seen.content_length, Some(seen.body_bytes));
        let mut content = head.to_vec();
        content.extend_from_slice(&tail);
        assert_eq!(
            seen.fields,
            vec![
                text_field("policy", "P0lICY="),
                text_field("authorization", "UPYUN op:sig"),
                text_field("content-type", "text/plain"),
                SeenField {
                    name: "file".into(),
                    // Quotes, CR and LF percent-encoded: the name cannot leave its header.
                    file_name: Some("a%22b%0D%0AContent-Type: x\\\\y.txt".into()),
                    content_type: Some("application/octet-stream".into()),
                    data: content,
                },
            ]
        );
    }

    #[tokio::test]
    async fn an_empty_file_without_a_mime_type_is_still_a_whole_form() {
        let rec = Recorder::default();
        let (client, url) = serve(rec.clone()).await;
        let fields = FormFields {
            policy: "p",
            authorization: "a",
            content_type: Some(""),
            file_name: "empty.bin",
        };
        client
            .upload_upyun_form(&url, &fields, ChunkBody::bytes(Bytes::new()))
            .await
            .unwrap();
        let seen = rec.seen.lock().unwrap();
        assert!(!seen.chunked);
        assert!(seen.body_bytes > 0);
        assert_eq!(seen.content_length, Some(seen.body_bytes));
        let names: Vec<&str> = seen.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["policy", "authorization", "file"]);
        assert_eq!(seen.fields[2].file_name.as_deref(), Some("empty.bin"));
        assert!(seen.fields[2].data.is_empty());
    }
}
