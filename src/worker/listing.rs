//! Streams a folder page by page: the drive with the largest page the server allows (cursor
//! pagination, or numbered pages on servers that have cursors turned off), the local disk in
//! chunks of the same size so a huge directory shows up at once too.

use super::Events;
use super::convert::{caps, entry_from_file, failure, io_failure};
use crate::api::uri::CrUri;
use crate::api::{Client, ListQuery};
use crate::app::command::RequestId;
use crate::app::entry::{Entry, EntryKind};
use crate::app::msg::{Page, WorkerEvent};
use crate::app::sort::SortSpec;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The largest page Cloudreve serves (`props.max_page_size`, §3.1).
pub const PAGE_SIZE: u32 = 2000;
/// A guard against a server whose cursor never ends.
const MAX_PAGES: usize = 100_000;

pub async fn remote(client: Client, req: RequestId, uri: CrUri, sort: SortSpec, events: Events) {
    let mut query = ListQuery {
        page_size: Some(PAGE_SIZE),
        order_by: Some(sort.field.server_order().to_string()),
        order_direction: Some(if sort.descending { "desc" } else { "asc" }.to_string()),
        ..ListQuery::default()
    };
    let mut seen_tokens = HashSet::new();
    let mut collected = 0u64;
    for _ in 0..MAX_PAGES {
        let answer = match client.list(&uri, &query).await {
            Ok(a) => a,
            Err(e) => {
                let failure = failure(&e);
                events.send(WorkerEvent::ListFailed { req, failure });
                return;
            }
        };
        collected += answer.files.len() as u64;
        let p = &answer.pagination;
        let next_token = p.next().map(str::to_string);
        let next_offset = match p.total_items {
            Some(total) if next_token.is_none() && !p.is_cursor && collected < total => {
                (!answer.files.is_empty()).then_some(p.page + 1)
            }
            _ => None,
        };
        let repeated = next_token
            .as_ref()
            .is_some_and(|t| !seen_tokens.insert(t.clone()));
        let last = (next_token.is_none() && next_offset.is_none()) || repeated;
        let search = uri.is_search();
        let page = Page {
            entries: answer
                .files
                .iter()
                .map(|f| {
                    let entry = entry_from_file(f);
                    if search {
                        super::convert::located(entry, f)
                    } else {
                        entry
                    }
                })
                .collect(),
            last,
            caps: answer.props.capability.as_ref().map(caps),
        };
        events.send(WorkerEvent::Page { req, page });
        if repeated {
            tracing::warn!("GET /file: the page cursor repeats; stopping");
        }
        if last {
            return;
        }
        query.next_token = next_token;
        query.page = next_offset;
    }
}

/// Reads a local directory on a blocking thread; pages travel through a small channel, so an
/// abandoned listing stops reading as soon as its task is dropped.
pub async fn local(req: RequestId, dir: PathBuf, events: Events) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Page, String>>(2);
    let reader = tokio::task::spawn_blocking(move || read_dir_pages(&dir, &tx));
    while let Some(item) = rx.recv().await {
        match item {
            Ok(page) => events.send(WorkerEvent::Page { req, page }),
            Err(message) => {
                events.send(WorkerEvent::ListFailed {
                    req,
                    failure: crate::app::msg::Failure::msg(message),
                });
            }
        }
    }
    let _ = reader.await;
}

fn read_dir_pages(dir: &Path, tx: &tokio::sync::mpsc::Sender<Result<Page, String>>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let _ = tx.blocking_send(Err(io_failure(&dir.display().to_string(), &e).message));
            return;
        }
    };
    let mut page = Vec::with_capacity(PAGE_SIZE as usize);
    for item in entries {
        let Ok(item) = item else { continue };
        if let Some(entry) = local_entry(&item) {
            page.push(entry);
        }
        if page.len() == PAGE_SIZE as usize {
            let full = std::mem::replace(&mut page, Vec::with_capacity(PAGE_SIZE as usize));
            let sent = tx.blocking_send(Ok(Page {
                entries: full,
                last: false,
                caps: None,
            }));
            if sent.is_err() {
                return; // nobody listens anymore
            }
        }
    }
    let _ = tx.blocking_send(Ok(Page {
        entries: page,
        last: true,
        caps: None,
    }));
}

fn local_entry(item: &std::fs::DirEntry) -> Option<Entry> {
    let name = item.file_name().to_string_lossy().into_owned();
    let meta = item.metadata().ok()?;
    // A link to a folder behaves like a folder.
    let is_dir = meta.is_dir()
        || (meta.file_type().is_symlink()
            && std::fs::metadata(item.path()).is_ok_and(|m| m.is_dir()));
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (kind, size) = if is_dir {
        (EntryKind::Folder, 0)
    } else {
        (EntryKind::File, meta.len())
    };
    Some(Entry::new(&name, kind, size, modified))
}
