//! `GET /file/events`: server-sent file change events (files-and-transfers.md §9).

use super::client::{Client, Performed, Request, content_type, guarded_body};
use super::error::ApiError;
use super::uri::CrUri;
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use std::collections::VecDeque;

/// One frame of the stream, interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEvent {
    /// First frame of a new subscription.
    Subscribed,
    /// First frame when the same client id reconnects; missed events follow.
    Resumed,
    /// Every 30 s.
    KeepAlive,
    Change(FileChange),
    /// A frame this client does not know; kept rather than dropped.
    Unknown {
        event: String,
        data: String,
    },
}

/// `{type, file_id, from, to}`; paths are relative to the subscribed folder, `to` is `""`
/// except for renames.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileChange {
    #[serde(rename = "type")]
    pub kind: ChangeKind,
    #[serde(default)]
    pub file_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Modify,
    Rename,
    Delete,
    #[serde(other)]
    Other,
}

/// A raw server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseFrame {
    pub event: String,
    pub data: String,
}

/// Incremental `text/event-stream` parser: feed it bytes as they arrive, get complete frames.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// A `\r` ended the last line; a following `\n` belongs to it.
    after_cr: bool,
    event: String,
    data: Vec<String>,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseFrame> {
        let mut frames = Vec::new();
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(frame) = self.end_line(&String::from_utf8_lossy(&line)) {
                        frames.push(frame);
                    }
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(b);
                }
            }
        }
        frames
    }

    fn end_line(&mut self, line: &str) -> Option<SseFrame> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None; // comment
        }
        let (field, value) = match line.split_once(':') {
            // Cloudreve writes `event:x` without the optional space; others add one.
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => self.data.push(value.to_string()),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseFrame> {
        if self.event.is_empty() && self.data.is_empty() {
            return None;
        }
        let frame = SseFrame {
            event: std::mem::take(&mut self.event),
            data: std::mem::take(&mut self.data).join("\n"),
        };
        Some(frame)
    }
}

impl FileEvent {
    /// Interprets a frame. `data:<nil>` on control frames is Go's rendering of "nothing".
    pub fn from_frame(frame: SseFrame) -> FileEvent {
        match frame.event.as_str() {
            "subscribed" => FileEvent::Subscribed,
            "resumed" => FileEvent::Resumed,
            "keep-alive" => FileEvent::KeepAlive,
            "event" => match serde_json::from_str::<FileChange>(&frame.data) {
                Ok(change) => FileEvent::Change(change),
                Err(_) => FileEvent::Unknown {
                    event: frame.event,
                    data: frame.data,
                },
            },
            _ => FileEvent::Unknown {
                event: frame.event,
                data: frame.data,
            },
        }
    }
}

fn is_event_stream(status: StatusCode, headers: &HeaderMap) -> bool {
    status == StatusCode::OK
        && content_type(headers).is_some_and(|ct| ct.starts_with("text/event-stream"))
}

impl Client {
    /// Subscribes to changes below `folder` made by other clients (requests carrying this
    /// client's id are not echoed). The stream ends when the server closes it; reconnect with
    /// the same client to get the missed events (`Resumed`).
    pub async fn file_events(
        &self,
        folder: &CrUri,
    ) -> Result<BoxStream<'static, Result<FileEvent, ApiError>>, ApiError> {
        let mut req = Request::get("/file/events")
            .query("uri", folder)
            .unlimited();
        let endpoint = req.endpoint();
        let resp = match self
            .perform::<serde_json::Value>(&mut req, is_event_stream)
            .await?
        {
            Performed::Stream(resp) => resp,
            Performed::Envelope(_) => {
                return Err(ApiError::decode(&endpoint, 200, "expected an event stream"));
            }
        };
        let body = guarded_body(resp, self.inner.stall_timeout, endpoint);
        let state = (body, SseParser::new(), VecDeque::<FileEvent>::new());
        let events = futures_util::stream::unfold(Some(state), |state| async move {
            let (mut body, mut parser, mut pending) = state?;
            loop {
                if let Some(ev) = pending.pop_front() {
                    return Some((Ok(ev), Some((body, parser, pending))));
                }
                match body.next().await? {
                    Ok(bytes) => {
                        pending.extend(parser.push(&bytes).into_iter().map(FileEvent::from_frame))
                    }
                    Err(e) => return Some((Err(e), None)),
                }
            }
        });
        Ok(events.boxed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cloudreve_frames_split_anywhere() {
        // C2-476, fed one byte at a time to exercise partial lines.
        let raw = "event:subscribed\ndata:<nil>\n\nevent:event\ndata:{\"type\":\"rename\",\"file_id\":\"nGtn\",\"from\":\"/mv/b.txt\",\"to\":\"/mv/b2.txt\"}\n\nevent:keep-alive\r\ndata:<nil>\r\n\r\n";
        let mut p = SseParser::new();
        let frames: Vec<SseFrame> = raw.as_bytes().iter().flat_map(|b| p.push(&[*b])).collect();
        let events: Vec<FileEvent> = frames.into_iter().map(FileEvent::from_frame).collect();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0], FileEvent::Subscribed);
        let FileEvent::Change(c) = &events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(
            (c.kind, c.from.as_str(), c.to.as_str()),
            (ChangeKind::Rename, "/mv/b.txt", "/mv/b2.txt")
        );
        assert_eq!(events[2], FileEvent::KeepAlive);
    }

    #[test]
    fn unknown_frames_are_kept() {
        let mut p = SseParser::new();
        let frames = p.push(b": comment\nevent: odd\ndata: a\ndata: b\n\n");
        assert_eq!(
            FileEvent::from_frame(frames[0].clone()),
            FileEvent::Unknown {
                event: "odd".into(),
                data: "a\nb".into()
            }
        );
    }
}
