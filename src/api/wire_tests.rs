//! The streaming paths against a tiny scripted server: chunk bodies keep an exact
//! `Content-Length`, downloads read ranges and recognise error envelopes, the event stream
//! parses as it arrives.

use super::models::Secret;
use super::*;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use futures_util::StreamExt as _;

fn json(body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Accepts a chunk only with `Content-Length: 5` and no chunked encoding, like Cloudreve.
async fn chunk(headers: HeaderMap, body: Bytes) -> Response {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok());
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    if length == Some("5") && !chunked && body.len() == 5 {
        json(r#"{"code":0,"msg":""}"#)
    } else {
        json(r#"{"code":40013,"msg":"Invalid Content-Length (expected: 5)"}"#)
    }
}

async fn content(headers: HeaderMap) -> Response {
    assert!(
        !headers.contains_key(header::AUTHORIZATION),
        "no bearer on content URLs"
    );
    (
        StatusCode::PARTIAL_CONTENT,
        [
            (header::CONTENT_RANGE, "bytes 5-9/10"),
            (header::ETAG, "\"BXtl\""),
            (header::ACCEPT_RANGES, "bytes"),
        ],
        "world",
    )
        .into_response()
}

async fn events() -> Response {
    let text = "event:subscribed\ndata:<nil>\n\nevent:event\ndata:{\"type\":\"create\",\"file_id\":\"V\",\"from\":\"/b.txt\",\"to\":\"\"}\n\n";
    (
        [(header::CONTENT_TYPE, "text/event-stream;charset=utf-8")],
        text,
    )
        .into_response()
}

async fn serve() -> Client {
    let app = Router::new()
        .route("/api/v4/file/upload/{sid}/{index}", post(chunk))
        .route("/api/v4/file/content/ok", get(content))
        .route(
            "/api/v4/file/content/bad-sign",
            get(|| async { json(r#"{"code":40071,"msg":"invalid sign","correlation_id":"c"}"#) }),
        )
        .route(
            "/api/v4/file/content/too-far",
            get(|| async {
                (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    [(header::CONTENT_RANGE, "bytes */10")],
                )
                    .into_response()
            }),
        )
        .route(
            "/s3/object",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    "<Error><Code>SignatureDoesNotMatch</Code></Error>",
                )
                    .into_response()
            }),
        )
        .route("/api/v4/file/events", get(events));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let tokens = models::Tokens {
        access_token: Secret::new("t"),
        refresh_token: Secret::new("r"),
        access_expires: (chrono::Utc::now() + chrono::Duration::hours(1)).fixed_offset(),
        refresh_expires: (chrono::Utc::now() + chrono::Duration::days(1)).fixed_offset(),
    };
    Client::with_tokens(ClientConfig::new(format!("http://{addr}")), tokens).unwrap()
}

#[tokio::test]
async fn streamed_chunks_carry_an_exact_length() {
    let client = serve().await;
    let parts = futures_util::stream::iter([
        Ok::<_, std::io::Error>(Bytes::from_static(b"ab")),
        Ok(Bytes::from_static(b"cde")),
    ]);
    client
        .upload_chunk("s1", 0, ChunkBody::stream(parts, 5))
        .await
        .unwrap();
    client
        .upload_chunk("s1", 1, ChunkBody::bytes(&b"hello"[..]))
        .await
        .unwrap();
    let short = client
        .upload_chunk("s1", 2, ChunkBody::bytes(&b"hi"[..]))
        .await;
    assert!(short.unwrap_err().is_code(40013));
}

#[tokio::test]
async fn downloads_read_ranges_and_errors() {
    let client = serve().await;
    let base = client.base_url().to_string();
    let dl = client
        .download(
            &format!("{base}/api/v4/file/content/ok?sign=x"),
            Some(ByteRange::From(5)),
            Some("\"BXtl\""),
        )
        .await
        .unwrap();
    assert!(dl.info.partial);
    assert_eq!((dl.info.range_start, dl.info.total_size), (5, Some(10)));
    let bytes: Vec<Bytes> = dl.body.map(Result::unwrap).collect().await;
    assert_eq!(bytes.concat(), b"world");

    let bad = client
        .download(&format!("{base}/api/v4/file/content/bad-sign"), None, None)
        .await;
    assert!(bad.unwrap_err().is_code(40071));
    let far = client
        .download(
            &format!("{base}/api/v4/file/content/too-far"),
            Some(ByteRange::From(20)),
            None,
        )
        .await;
    assert!(
        matches!(
            far,
            Err(ApiError::RangeNotSatisfiable {
                total: Some(10),
                ..
            })
        ),
        "{far:?}"
    );
    let s3 = client
        .download(&format!("{base}/s3/object?X-Amz-Signature=s"), None, None)
        .await;
    let Err(ApiError::Http {
        status: 403,
        detail,
        endpoint,
    }) = s3
    else {
        panic!("{s3:?}")
    };
    assert_eq!(detail, "SignatureDoesNotMatch");
    assert!(
        !endpoint.contains("Signature=s"),
        "the signature must not leak: {endpoint}"
    );
}

#[tokio::test]
async fn the_event_stream_yields_parsed_events() {
    let client = serve().await;
    let stream = client.file_events(&CrUri::my_root()).await.unwrap();
    let events: Vec<FileEvent> = stream.map(Result::unwrap).collect().await;
    assert_eq!(events[0], FileEvent::Subscribed);
    assert!(
        matches!(&events[1], FileEvent::Change(c) if c.kind == ChangeKind::Create && c.from == "/b.txt")
    );
}
