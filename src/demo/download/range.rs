//! `Range` requests as Go's `http.ServeContent` answers them (RFC 7233), which is what the real
//! server uses for its content route (files-and-transfers.md §6.2, C2-326…334).

/// One satisfiable byte range: `start..start+len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub len: u64,
}

impl ByteRange {
    /// `bytes a-b/size` for `Content-Range`.
    pub fn content_range(&self, size: u64) -> String {
        format!(
            "bytes {}-{}/{}",
            self.start,
            self.start + self.len - 1,
            size
        )
    }
}

/// Why a `Range` header cannot be served (both are answered with 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// Malformed header: body `invalid range`.
    Invalid,
    /// Well-formed but outside the content: body `invalid range: failed to overlap` (C2-330).
    NoOverlap,
}

impl RangeError {
    pub fn body(self) -> &'static str {
        match self {
            RangeError::Invalid => "invalid range",
            RangeError::NoOverlap => "invalid range: failed to overlap",
        }
    }
}

/// Parses `Range: bytes=…` against a body of `size` bytes, following Go's `parseRange`:
/// ranges starting past the end are skipped, and if none remains the request fails to overlap.
pub fn parse_range(header: &str, size: u64) -> Result<Vec<ByteRange>, RangeError> {
    let spec = header.strip_prefix("bytes=").ok_or(RangeError::Invalid)?;
    let mut ranges = Vec::new();
    let mut no_overlap = false;
    for part in spec.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (first, last) = part.split_once('-').ok_or(RangeError::Invalid)?;
        let (first, last) = (first.trim(), last.trim());
        if first.is_empty() {
            // Suffix range `-N`: the last N bytes.
            if last.is_empty() || last.starts_with('-') {
                return Err(RangeError::Invalid);
            }
            let n: u64 = last.parse().map_err(|_| RangeError::Invalid)?;
            if n == 0 {
                no_overlap = true;
                continue;
            }
            let n = n.min(size);
            ranges.push(ByteRange {
                start: size - n,
                len: n,
            });
            continue;
        }
        let start: u64 = first.parse().map_err(|_| RangeError::Invalid)?;
        if start >= size {
            no_overlap = true;
            continue;
        }
        let end = if last.is_empty() {
            size - 1
        } else {
            let end: u64 = last.parse().map_err(|_| RangeError::Invalid)?;
            if start > end {
                return Err(RangeError::Invalid);
            }
            end.min(size - 1)
        };
        ranges.push(ByteRange {
            start,
            len: end - start + 1,
        });
    }
    if ranges.is_empty() && no_overlap {
        return Err(RangeError::NoOverlap);
    }
    Ok(ranges)
}

/// Whether an entity tag list (`If-None-Match`, `If-Range`) names `etag`. `weak` allows the
/// `W/` prefix (If-None-Match uses weak comparison, If-Range strong).
pub fn etag_matches(list: &str, etag: &str, weak: bool) -> bool {
    list.split(',').map(str::trim).any(|candidate| {
        if candidate == "*" {
            return true;
        }
        let candidate = if weak {
            candidate.strip_prefix("W/").unwrap_or(candidate)
        } else {
            candidate
        };
        candidate == etag
    })
}

/// The framing of a `multipart/byteranges` body as Go's `mime/multipart` writes it: part
/// headers before each range and the closing delimiter (C2-329).
pub struct Multipart {
    pub boundary: String,
    /// Header block written before range `i`.
    pub part_heads: Vec<String>,
    pub tail: String,
}

impl Multipart {
    pub fn new(boundary: String, ranges: &[ByteRange], size: u64, content_type: &str) -> Self {
        let part_heads = ranges
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let lead = if i == 0 { "" } else { "\r\n" };
                format!(
                    "{lead}--{boundary}\r\nContent-Range: {}\r\nContent-Type: {content_type}\r\n\r\n",
                    r.content_range(size)
                )
            })
            .collect();
        let tail = format!("\r\n--{boundary}--\r\n");
        Multipart {
            boundary,
            part_heads,
            tail,
        }
    }

    /// Total body length for `Content-Length`.
    pub fn body_len(&self, ranges: &[ByteRange]) -> u64 {
        let heads: usize = self.part_heads.iter().map(String::len).sum();
        let data: u64 = ranges.iter().map(|r| r.len).sum();
        heads as u64 + data + self.tail.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u64, len: u64) -> ByteRange {
        ByteRange { start, len }
    }

    #[test]
    fn single_ranges() {
        assert_eq!(parse_range("bytes=0-99", 10240), Ok(vec![r(0, 100)]));
        assert_eq!(parse_range("bytes=10000-", 10240), Ok(vec![r(10000, 240)]));
        assert_eq!(parse_range("bytes=-16", 10240), Ok(vec![r(10224, 16)]));
        assert_eq!(parse_range("bytes=6-16", 17), Ok(vec![r(6, 11)]));
        // An end past the content is clamped.
        assert_eq!(parse_range("bytes=5-100", 10), Ok(vec![r(5, 5)]));
        assert_eq!(parse_range("bytes=-100", 10), Ok(vec![r(0, 10)]));
    }

    #[test]
    fn bad_and_unsatisfiable_ranges() {
        assert_eq!(
            parse_range("bytes=20000-", 10240),
            Err(RangeError::NoOverlap)
        );
        assert_eq!(parse_range("bytes=0-", 0), Err(RangeError::NoOverlap));
        assert_eq!(parse_range("items=0-1", 10), Err(RangeError::Invalid));
        assert_eq!(parse_range("bytes=5-1", 10), Err(RangeError::Invalid));
        assert_eq!(parse_range("bytes=x-1", 10), Err(RangeError::Invalid));
        // One good range is enough.
        assert_eq!(parse_range("bytes=0-1,50-", 10), Ok(vec![r(0, 2)]));
    }

    #[test]
    fn multipart_length_matches_the_capture() {
        // C2-329: two 10-byte ranges of a 10240-byte file with a 60-character boundary.
        let ranges = parse_range("bytes=0-9,100-109", 10240).unwrap();
        let m = Multipart::new("b".repeat(60), &ranges, 10240, "application/octet-stream");
        assert_eq!(m.body_len(&ranges), 370);
        assert!(m.part_heads[0].starts_with("--"));
        assert!(m.part_heads[1].starts_with("\r\n--"));
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"BXtl\"", "\"BXtl\"", false));
        assert!(!etag_matches("\"zzz\"", "\"BXtl\"", false));
        assert!(etag_matches("W/\"BXtl\", \"x\"", "\"BXtl\"", true));
        assert!(!etag_matches("W/\"BXtl\"", "\"BXtl\"", false));
        assert!(etag_matches("*", "\"BXtl\"", true));
    }
}
