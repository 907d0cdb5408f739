//! A streaming `multipart/form-data` reader for the Upyun form upload: small text fields are
//! read into memory, the file part is streamed to disk, so a large upload never sits in
//! memory (at most one network frame plus the boundary length is buffered).

use axum::body::{Body, BodyDataStream};
use futures_util::StreamExt;

/// The headers of one form part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartInfo {
    pub name: String,
    pub filename: Option<String>,
}

pub struct FormReader {
    stream: BodyDataStream,
    buf: Vec<u8>,
    /// `\r\n--<boundary>`.
    delimiter: Vec<u8>,
    /// The current part's content ended (the delimiter is at the start of `buf`).
    part_done: bool,
    finished: bool,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header_param(line: &str, key: &str) -> Option<String> {
    line.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

impl FormReader {
    pub fn new(body: Body, boundary: &str) -> FormReader {
        FormReader {
            stream: body.into_data_stream(),
            // The first delimiter has no CRLF before it; pretend it had one.
            buf: b"\r\n".to_vec(),
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            part_done: true,
            finished: false,
        }
    }

    /// Reads more bytes into the buffer; `false` at the end of the body.
    async fn fill(&mut self) -> Result<bool, String> {
        match self.stream.next().await {
            Some(Ok(bytes)) => {
                self.buf.extend_from_slice(&bytes);
                Ok(true)
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Ok(false),
        }
    }

    /// The next piece of the current part's content, `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            if self.part_done {
                return Ok(None);
            }
            if let Some(at) = find(&self.buf, &self.delimiter) {
                self.part_done = true;
                let piece: Vec<u8> = self.buf.drain(..at).collect();
                return Ok((!piece.is_empty()).then_some(piece));
            }
            // Keep a tail that might be the start of the delimiter.
            let keep = self.delimiter.len();
            if self.buf.len() > keep {
                let piece: Vec<u8> = self.buf.drain(..self.buf.len() - keep).collect();
                return Ok(Some(piece));
            }
            if !self.fill().await? {
                return Err("form data ended inside a part".into());
            }
        }
    }

    /// Skips to the next part and returns its name, or `None` after the last one.
    pub async fn next_part(&mut self) -> Result<Option<PartInfo>, String> {
        if self.finished {
            return Ok(None);
        }
        while self.chunk().await?.is_some() {}
        // `buf` starts with the delimiter; then `--` (end) or CRLF and the headers.
        while self.buf.len() < self.delimiter.len() + 2 {
            if !self.fill().await? {
                return Err("form data ended early".into());
            }
        }
        let after = self.buf[self.delimiter.len()..self.delimiter.len() + 2].to_vec();
        if after == b"--" {
            self.finished = true;
            return Ok(None);
        }
        if after != b"\r\n" {
            return Err("malformed boundary".into());
        }
        self.buf.drain(..self.delimiter.len() + 2);
        let end = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                break end;
            }
            if self.buf.len() > 16 << 10 {
                return Err("part headers too long".into());
            }
            if !self.fill().await? {
                return Err("form data ended in part headers".into());
            }
        };
        let headers = String::from_utf8_lossy(&self.buf[..end]).to_string();
        self.buf.drain(..end + 4);
        self.part_done = false;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .ok_or("part without Content-Disposition")?;
        Ok(Some(PartInfo {
            name: header_param(disposition, "name").unwrap_or_default(),
            filename: header_param(disposition, "filename"),
        }))
    }

    /// The current part's content as text (at most `limit` bytes).
    pub async fn text(&mut self, limit: usize) -> Result<String, String> {
        let mut out = Vec::new();
        while let Some(piece) = self.chunk().await? {
            out.extend_from_slice(&piece);
            if out.len() > limit {
                return Err("form field too long".into());
            }
        }
        String::from_utf8(out).map_err(|_| "form field is not UTF-8".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(chunks: Vec<&'static [u8]>) -> Body {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from_static(c))),
        );
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn reads_fields_and_a_file_split_anywhere() {
        let whole: &'static [u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\nP1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nhello\r\n--Xy world\r\n--XyZ--\r\n";
        for split in [1, 7, 30, 60, 100, whole.len() - 3] {
            let (a, b) = whole.split_at(split);
            let mut form = FormReader::new(body_of(vec![a, b]), "XyZ");
            let p = form.next_part().await.unwrap().unwrap();
            assert_eq!(p.name, "policy");
            assert_eq!(form.text(100).await.unwrap(), "P1");
            let f = form.next_part().await.unwrap().unwrap();
            assert_eq!(
                (f.name.as_str(), f.filename.as_deref()),
                ("file", Some("a.bin"))
            );
            let mut content = Vec::new();
            while let Some(piece) = form.chunk().await.unwrap() {
                content.extend(piece);
            }
            assert_eq!(content, b"hello\r\n--Xy world");
            assert_eq!(form.next_part().await.unwrap(), None);
        }
    }

    #[tokio::test]
    async fn truncated_forms_fail() {
        let mut form = FormReader::new(
            body_of(vec![
                b"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc",
            ]),
            "B",
        );
        assert!(form.next_part().await.unwrap().is_some());
        assert!(form.text(100).await.is_err());
    }

    #[test]
    fn boundaries() {
        assert_eq!(
            boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json"), None);
    }
}
