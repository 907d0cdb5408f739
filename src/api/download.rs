//! Fetching content from signed URLs: Cloudreve's content route, S3 presigned URLs, node URLs
//! and zip streams (files-and-transfers.md §6.2–6.4). No bearer is ever sent: the URL carries
//! its own authorisation and may point at another host.

use super::client::{Client, content_type, guarded_body, url_label};
use super::envelope;
use super::error::{ApiError, snippet};
use bytes::Bytes;
use futures_util::stream::BoxStream;
use reqwest::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, ETAG, HeaderMap, IF_RANGE,
    RANGE,
};
use reqwest::{Method, StatusCode};

/// A byte range for `Range:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=<start>-`: resume from an offset.
    From(u64),
    /// `bytes=<first>-<last>` (inclusive).
    Span(u64, u64),
    /// `bytes=-<n>`: the last `n` bytes.
    Last(u64),
}

impl ByteRange {
    pub fn header_value(self) -> String {
        match self {
            ByteRange::From(start) => format!("bytes={start}-"),
            ByteRange::Span(first, last) => format!("bytes={first}-{last}"),
            ByteRange::Last(n) => format!("bytes=-{n}"),
        }
    }
}

/// What the headers of a content answer say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentInfo {
    pub status: u16,
    /// `206`: the body starts at `range_start`; `200`: it is the whole content (also when a
    /// range was asked with a stale `If-Range`: start over).
    pub partial: bool,
    pub range_start: u64,
    /// Bytes in this body, when announced (zip streams are chunked: none).
    pub content_length: Option<u64>,
    /// Size of the whole content (from `Content-Range`, or the length of a full answer).
    pub total_size: Option<u64>,
    /// On Cloudreve and nodes the entity id in quotes; on S3 the storage's ETag.
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub accepts_ranges: bool,
}

/// An open download: headers read, body not yet.
pub struct Download {
    pub info: ContentInfo,
    pub body: BoxStream<'static, Result<Bytes, ApiError>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("info", &self.info)
            .finish()
    }
}

impl Client {
    /// `GET <signed url>` with an optional range; `if_range` (an ETag) makes a changed file
    /// come back whole (`partial == false`) instead of as a wrong piece.
    pub async fn download(
        &self,
        url: &str,
        range: Option<ByteRange>,
        if_range: Option<&str>,
    ) -> Result<Download, ApiError> {
        let (resp, info) = self.open_content(Method::GET, url, range, if_range).await?;
        let label = url_label(&Method::GET, url);
        Ok(Download {
            info,
            body: guarded_body(resp, self.inner.stall_timeout, label),
        })
    }

    /// `HEAD <signed url>`: size and ETag without the body.
    pub async fn content_info(&self, url: &str) -> Result<ContentInfo, ApiError> {
        Ok(self.open_content(Method::HEAD, url, None, None).await?.1)
    }

    async fn open_content(
        &self,
        method: Method,
        url: &str,
        range: Option<ByteRange>,
        if_range: Option<&str>,
    ) -> Result<(reqwest::Response, ContentInfo), ApiError> {
        let label = url_label(&method, url);
        let mut rb = self.inner.http.request(method, url);
        if let Some(r) = range {
            rb = rb.header(RANGE, r.header_value());
            if let Some(tag) = if_range {
                rb = rb.header(IF_RANGE, tag);
            }
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        if status == StatusCode::RANGE_NOT_SATISFIABLE {
            return Err(ApiError::RangeNotSatisfiable {
                endpoint: label,
                total: parse_content_range(&headers).and_then(|r| r.2),
            });
        }
        if status.is_success() && !is_error_envelope(&headers) {
            return Ok((resp, content_info(status, &headers)));
        }
        // Cloudreve reports content-route errors as an envelope with HTTP 200 (C2-335);
        // storage hosts answer with their own statuses and XML.
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::transport(&label, e))?;
        let json = content_type(&headers).is_some_and(|ct| ct.contains("json"));
        if json {
            envelope::decode::<serde_json::Value>(
                &label,
                status.as_u16(),
                content_type(&headers),
                &body,
            )?;
        }
        let detail = super::upload::s3_error_code(&String::from_utf8_lossy(&body))
            .map(str::to_string)
            .unwrap_or_else(|| snippet(&body));
        Err(ApiError::Http {
            endpoint: label,
            status: status.as_u16(),
            detail,
        })
    }
}

/// Content carries `ETag`/`Accept-Ranges` (or is a zip stream); an error envelope is JSON with
/// neither (§6.2). A downloaded `.json` file has an ETag, so it is not mistaken for an error.
fn is_error_envelope(headers: &HeaderMap) -> bool {
    let json = content_type(headers).is_some_and(|ct| ct.starts_with("application/json"));
    json && !headers.contains_key(ETAG) && !headers.contains_key(ACCEPT_RANGES)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &reqwest::header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `bytes <first>-<last>/<total>` → (first, last, total); `bytes */<total>` → (0, 0, total).
fn parse_content_range(headers: &HeaderMap) -> Option<(u64, u64, Option<u64>)> {
    let v = header_str(headers, &CONTENT_RANGE)?.trim();
    let rest = v.strip_prefix("bytes")?.trim();
    let (span, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok();
    if span.trim() == "*" {
        return Some((0, 0, total));
    }
    let (first, last) = span.split_once('-')?;
    Some((first.trim().parse().ok()?, last.trim().parse().ok()?, total))
}

fn content_info(status: StatusCode, headers: &HeaderMap) -> ContentInfo {
    let content_length = header_str(headers, &CONTENT_LENGTH).and_then(|v| v.parse().ok());
    let partial = status == StatusCode::PARTIAL_CONTENT;
    let range = if partial {
        parse_content_range(headers)
    } else {
        None
    };
    ContentInfo {
        status: status.as_u16(),
        partial,
        range_start: range.map(|r| r.0).unwrap_or(0),
        content_length,
        total_size: if partial {
            range.and_then(|r| r.2)
        } else {
            content_length
        },
        etag: header_str(headers, &ETAG).map(str::to_string),
        content_type: content_type(headers).map(str::to_string),
        content_disposition: header_str(headers, &CONTENT_DISPOSITION).map(str::to_string),
        accepts_ranges: header_str(headers, &ACCEPT_RANGES).is_some_and(|v| v.contains("bytes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CONTENT_TYPE, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_partial_content_headers() {
        // C2-327: Range bytes=10000- → 206, bytes 10000-10239/10240.
        let h = headers(&[
            ("content-range", "bytes 10000-10239/10240"),
            ("content-length", "240"),
            ("etag", "\"BXtl\""),
            ("accept-ranges", "bytes"),
        ]);
        let info = content_info(StatusCode::PARTIAL_CONTENT, &h);
        assert!(info.partial && info.accepts_ranges);
        assert_eq!((info.range_start, info.total_size), (10000, Some(10240)));
        assert_eq!(info.etag.as_deref(), Some("\"BXtl\""));
        let full = content_info(StatusCode::OK, &headers(&[("content-length", "10240")]));
        assert_eq!((full.partial, full.total_size), (false, Some(10240)));
        let unsat = headers(&[("content-range", "bytes */10240")]);
        assert_eq!(parse_content_range(&unsat), Some((0, 0, Some(10240))));
    }

    #[test]
    fn tells_error_envelopes_from_content() {
        let mut err = headers(&[("cache-control", "private, no-cache")]);
        err.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(is_error_envelope(&err));
        let mut file = err.clone();
        file.insert(ETAG, HeaderValue::from_static("\"x\""));
        assert!(!is_error_envelope(&file));
        assert!(!is_error_envelope(&headers(&[(
            "content-type",
            "application/zip"
        )])));
    }

    #[test]
    fn range_headers() {
        assert_eq!(ByteRange::From(5).header_value(), "bytes=5-");
        assert_eq!(ByteRange::Span(0, 99).header_value(), "bytes=0-99");
        assert_eq!(ByteRange::Last(16).header_value(), "bytes=-16");
    }
}
