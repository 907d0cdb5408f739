//! Live panes: follows `GET /file/events` for the folder a drive pane shows and turns the
//! server's path-based changes into entry changes. A dropped stream is reopened with backoff;
//! after a drop the pane reloads once, since changes may have been missed.

use super::Events;
use super::convert::entry_from_file;
use crate::api::events::{ChangeKind, FileChange, FileEvent};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, InfoOptions, codes};
use crate::app::command::WatchId;
use crate::app::msg::{LiveChange, WorkerEvent};
use futures_util::StreamExt as _;
use std::time::Duration;

/// Waits between reconnection attempts: doubling from `first` up to `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    first: Duration,
    max: Duration,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            next: first,
            first,
            max,
        }
    }

    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

pub async fn follow(client: Client, watch: WatchId, folder: CrUri, events: Events) {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let mut dropped = false;
    loop {
        match client.file_events(&folder).await {
            Ok(mut stream) => {
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(FileEvent::Subscribed | FileEvent::Resumed) => {
                            backoff.reset();
                            if std::mem::take(&mut dropped) {
                                events.send(WorkerEvent::LiveResumed { watch });
                            }
                        }
                        Ok(FileEvent::Change(change)) => {
                            for c in interpret(&client, &folder, change).await {
                                events.send(WorkerEvent::Live { watch, change: c });
                            }
                        }
                        Ok(FileEvent::KeepAlive | FileEvent::Unknown { .. }) => {}
                        Err(e) => {
                            tracing::info!("file events for {folder}: {e}");
                            break;
                        }
                    }
                }
                dropped = true;
            }
            Err(e) if gives_up(&e) => {
                tracing::info!("no live updates for {folder}: {e}");
                return;
            }
            Err(e) => {
                tracing::info!("file events for {folder} unavailable, retrying: {e}");
                dropped = true;
            }
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// Errors retrying cannot fix: events turned off (40019), the folder is gone or not
/// listable, the session ended (the app notices that on its next request).
fn gives_up(e: &ApiError) -> bool {
    e.needs_sign_in()
        || matches!(
            e.code(),
            Some(
                codes::FEATURE_DISABLED
                    | codes::PATH_NOT_EXIST
                    | codes::PERMISSION_DENIED
                    | codes::PARAM_ERROR
            )
        )
        || matches!(e, ApiError::NotSupported { .. })
}

/// `/name` is a direct child; deeper paths are inside a child folder and change nothing the
/// pane shows.
fn direct_child(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

async fn interpret(client: &Client, folder: &CrUri, change: FileChange) -> Vec<LiveChange> {
    let from = direct_child(&change.from);
    let to = direct_child(&change.to);
    match change.kind {
        ChangeKind::Create | ChangeKind::Modify => match from {
            Some(name) => fetch(client, folder, name).await.into_iter().collect(),
            None => Vec::new(),
        },
        ChangeKind::Delete => from
            .map(|n| vec![LiveChange::Remove(n.to_string())])
            .unwrap_or_default(),
        ChangeKind::Rename => match (from, to) {
            (Some(a), Some(b)) => vec![LiveChange::Rename {
                from: a.to_string(),
                to: b.to_string(),
            }],
            // Moved out of this folder (into a child or elsewhere below).
            (Some(a), None) => vec![LiveChange::Remove(a.to_string())],
            // Moved in from below.
            (None, Some(b)) => fetch(client, folder, b).await.into_iter().collect(),
            (None, None) => Vec::new(),
        },
        ChangeKind::Other => Vec::new(),
    }
}

/// The entry as it is now; gone again by the time we ask means removed. Other errors change
/// nothing (the next reload will tell).
async fn fetch(client: &Client, folder: &CrUri, name: &str) -> Option<LiveChange> {
    match client
        .file_info(&folder.join(name), InfoOptions::default())
        .await
    {
        Ok(file) => Some(LiveChange::Upsert(entry_from_file(&file))),
        Err(e) if e.is_code(codes::PATH_NOT_EXIST) => Some(LiveChange::Remove(name.to_string())),
        Err(e) => {
            tracing::info!("cannot read {name:?} after a change: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        let delays: Vec<u64> = (0..5).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
        b.reset();
        assert_eq!(b.next_delay().as_secs(), 1);
    }

    #[test]
    fn only_direct_children_count() {
        assert_eq!(direct_child("/a.txt"), Some("a.txt"));
        assert_eq!(direct_child("/sub/a.txt"), None);
        assert_eq!(direct_child("/"), None);
        assert_eq!(direct_child(""), None);
    }
}
