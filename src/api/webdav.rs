//! WebDAV accounts (session-and-user.md §8).

use super::client::{Client, Request, seg};
use super::error::ApiError;
use super::models::{DavAccount, DavAccountRequest, DavPage};

impl Client {
    /// `GET /devices/dav`, newest first (`page_size` 10–100).
    pub async fn list_dav_accounts(
        &self,
        page_size: u32,
        next_token: Option<&str>,
    ) -> Result<DavPage, ApiError> {
        let req = Request::get("/devices/dav")
            .query("page_size", page_size.clamp(10, 100))
            .query_opt("next_page_token", next_token);
        self.call(req).await
    }

    /// `PUT /devices/dav`: the answer carries the generated password.
    pub async fn create_dav_account(
        &self,
        request: &DavAccountRequest,
    ) -> Result<DavAccount, ApiError> {
        self.call(Request::put("/devices/dav").json(request)).await
    }

    /// `PATCH /devices/dav/:id`: replaces every field (omitted flags become false).
    pub async fn update_dav_account(
        &self,
        id: &str,
        request: &DavAccountRequest,
    ) -> Result<DavAccount, ApiError> {
        self.call(Request::patch(format!("/devices/dav/{}", seg(id))).json(request))
            .await
    }

    /// `DELETE /devices/dav/:id`.
    pub async fn delete_dav_account(&self, id: &str) -> Result<(), ApiError> {
        self.call(Request::delete(format!("/devices/dav/{}", seg(id))))
            .await
    }
}
