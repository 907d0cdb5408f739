//! The server tasks and shares tabs of the task panel: task lists and their live progress,
//! cancelling and choosing torrent files, share lists, edits and revokes.

use super::Events;
use super::convert::failure;
use crate::api::models::{FileSelection, TaskProgressMap};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, ShareListQuery};
use crate::app::command::{RequestId, TaskPageRequest};
use crate::app::msg::{Failure, TaskListPage, WorkerEvent};
use crate::app::panel_shares::{ExpiryChange, ShareEdit};
use crate::drive::share_edit::{self, EditError};

/// Tasks per page of `GET /workflow` (the server takes 10–100).
pub const TASK_PAGE_SIZE: u32 = 50;
/// Shares per page of `GET /share`.
pub const SHARE_PAGE_SIZE: u32 = 50;

fn send_result(events: &Events, req: RequestId, result: Result<WorkerEvent, Failure>) {
    events.send(result.unwrap_or_else(|failure| WorkerEvent::PanelFailed { req, failure }));
}

pub async fn list_tasks(
    client: Client,
    req: RequestId,
    pages: Vec<TaskPageRequest>,
    events: Events,
) {
    let result = async {
        let mut out = Vec::with_capacity(pages.len());
        for page in pages {
            let answer = client
                .list_tasks(page.category, TASK_PAGE_SIZE, page.token.as_deref())
                .await
                .map_err(|e| failure(&e))?;
            out.push(TaskListPage {
                category: page.category,
                tasks: answer.tasks,
                next_token: answer.pagination.next_token.filter(|t| !t.is_empty()),
            });
        }
        Ok(WorkerEvent::Tasks { req, pages: out })
    }
    .await;
    send_result(&events, req, result);
}

pub async fn task_progress(client: Client, req: RequestId, ids: Vec<String>, events: Events) {
    let result = async {
        let mut progress: Vec<(String, TaskProgressMap)> = Vec::with_capacity(ids.len());
        for id in ids {
            let map = client.task_progress(&id).await.map_err(|e| failure(&e))?;
            progress.push((id, map));
        }
        Ok(WorkerEvent::TaskProgress { req, progress })
    }
    .await;
    send_result(&events, req, result);
}

pub async fn cancel_task(client: Client, req: RequestId, id: String, events: Events) {
    let result = client
        .cancel_download(&id)
        .await
        .map(|()| WorkerEvent::PanelDone { req })
        .map_err(|e| failure(&e));
    send_result(&events, req, result);
}

pub async fn select_files(
    client: Client,
    req: RequestId,
    id: String,
    files: Vec<FileSelection>,
    events: Events,
) {
    let result = client
        .select_download_files(&id, &files)
        .await
        .map(|()| WorkerEvent::PanelDone { req })
        .map_err(|e| failure(&e));
    send_result(&events, req, result);
}

pub async fn list_shares(
    client: Client,
    req: RequestId,
    next_token: Option<String>,
    events: Events,
) {
    let query = ShareListQuery {
        page_size: SHARE_PAGE_SIZE,
        next_token,
        ..ShareListQuery::default()
    };
    let result = client
        .list_shares(&query)
        .await
        .map(|page| WorkerEvent::Shares {
            req,
            shares: page.shares,
            next_token: page.pagination.next_token.filter(|t| !t.is_empty()),
        })
        .map_err(|e| failure(&e));
    send_result(&events, req, result);
}

pub async fn edit_share(client: Client, req: RequestId, edit: ShareEdit, events: Events) {
    let result = apply_edit(&client, &edit)
        .await
        .map(|(url, replaced)| WorkerEvent::ShareEdited { req, url, replaced });
    send_result(&events, req, result);
}

/// The edit itself is `drive::share_edit`'s, shared with `reve share edit`; the panel knows
/// the current password from the share list it shows.
async fn apply_edit(client: &Client, edit: &ShareEdit) -> Result<(String, bool), Failure> {
    let current = share_edit::owned_share(client, &edit.id, edit.current_password.as_deref())
        .await
        .map_err(|e| failure(&e))?;
    let expire = match edit.expire {
        ExpiryChange::Keep => share_edit::seconds_left(&current, chrono::Utc::now()),
        ExpiryChange::Never => None,
        ExpiryChange::In(seconds) => Some(seconds),
    };
    let changes = share_edit::ShareChanges {
        password: edit.password.clone(),
        expire,
        downloads: edit.downloads,
    };
    share_edit::apply(client, &edit.id, &current, &changes)
        .await
        .map(|e| (e.url, e.replaced))
        .map_err(|e| match e {
            EditError::Api(api) => failure(&api),
            EditError::NoSource => Failure::msg(e.to_string()),
            EditError::NotRevoked { url, error } => {
                let mut f = failure(&error);
                f.message = format!(
                    "The new link {url} was made, but the old one could not be revoked: {}",
                    f.message
                );
                f
            }
        })
}

pub async fn revoke_share(client: Client, req: RequestId, id: String, events: Events) {
    let result = client
        .delete_share(&id)
        .await
        .map(|()| WorkerEvent::PanelDone { req })
        .map_err(|e| failure(&e));
    send_result(&events, req, result);
}

/// The policies a relocation may choose. A Community server has no such route (a plain 404):
/// that is said in words, not as an error code.
pub async fn list_policies(client: Client, req: RequestId, events: Events) {
    let result = client.storage_policies().await.map_err(|e| match e {
        ApiError::NotSupported { .. } => Failure::msg(NOT_PRO),
        e => failure(&e),
    });
    events.send(WorkerEvent::Policies { req, result });
}

pub async fn relocate(
    client: Client,
    req: RequestId,
    sources: Vec<CrUri>,
    policy_id: String,
    events: Events,
) {
    let result = client
        .relocate(&sources, &policy_id)
        .await
        .map(|task| task.id)
        .map_err(|e| match e {
            ApiError::NotSupported { .. } => Failure::msg(NOT_PRO),
            e => failure(&e),
        });
    events.send(WorkerEvent::Relocating { req, result });
}

const NOT_PRO: &str = "This server cannot move files between storage policies: relocation is a \
    Cloudreve Pro feature, and the server is the Community edition.";
