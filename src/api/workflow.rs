//! Workflow tasks: archive, extract, remote download, import (files-and-transfers.md §8).

use super::client::{Client, Request, seg};
use super::error::ApiError;
use super::models::{
    ExtractRequest, FileSelection, ImportRequest, RemoteDownloadRequest, Task, TaskCategory,
    TaskPage, TaskProgressMap,
};
use super::uri::CrUri;
use serde_json::json;

impl Client {
    /// `GET /workflow`. `page_size` is required by the server (10–100); `downloading`
    /// returns everything at once.
    pub async fn list_tasks(
        &self,
        category: TaskCategory,
        page_size: u32,
        next_token: Option<&str>,
    ) -> Result<TaskPage, ApiError> {
        let req = Request::get("/workflow")
            .query("page_size", page_size.clamp(10, 100))
            .query("category", category.as_param())
            .query_opt("next_page_token", next_token);
        self.call(req).await
    }

    /// `GET /workflow/progress/:id`: empty whenever the task is not running right now.
    pub async fn task_progress(&self, id: &str) -> Result<TaskProgressMap, ApiError> {
        self.call(Request::get(format!("/workflow/progress/{}", seg(id))))
            .await
    }

    /// `POST /workflow/archive`: zips `src` into `dst` (which must not exist).
    pub async fn create_archive(&self, src: &[CrUri], dst: &CrUri) -> Result<Task, ApiError> {
        let body = json!({ "src": src, "dst": dst });
        self.call(Request::post("/workflow/archive").json(&body))
            .await
    }

    /// `POST /workflow/extract`: `dst` must already exist.
    pub async fn extract_archive(&self, request: &ExtractRequest) -> Result<Task, ApiError> {
        self.call(Request::post("/workflow/extract").json(request))
            .await
    }

    /// `POST /workflow/download`: one task per source.
    pub async fn remote_download(
        &self,
        request: &RemoteDownloadRequest,
    ) -> Result<Vec<Task>, ApiError> {
        self.call(Request::post("/workflow/download").json(request))
            .await
    }

    /// `PATCH /workflow/download/:id`: choose the files of a torrent (phase `monitor` only).
    pub async fn select_download_files(
        &self,
        id: &str,
        files: &[FileSelection],
    ) -> Result<(), ApiError> {
        let req = Request::patch(format!("/workflow/download/{}", seg(id)))
            .json(&json!({ "files": files }));
        self.call(req).await
    }

    /// `DELETE /workflow/download/:id`: cancels a remote download.
    pub async fn cancel_download(&self, id: &str) -> Result<(), ApiError> {
        self.call(Request::delete(format!("/workflow/download/{}", seg(id))))
            .await
    }

    /// `POST /workflow/import`: imports files already on the storage (admin only).
    pub async fn import_files(&self, request: &ImportRequest) -> Result<Task, ApiError> {
        self.call(Request::post("/workflow/import").json(request))
            .await
    }
}
