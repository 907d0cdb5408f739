//! Routes of Cloudreve Pro (value-added services, groups, policies, file permissions,
//! activities, relocation, abuse reports). A Community server answers each with the plain 404,
//! which surfaces as [`ApiError::NotSupported`] (README §8).

use super::client::{Client, Request, seg};
use super::error::ApiError;
use super::models::{
    AbuseReport, ActivityPage, CreditChangePage, GiftCode, GroupSummary, NodeSummary, Payment,
    PaymentCreated, PaymentPage, PaymentRequest, PermissionSetting, StoragePolicy, Task,
};
use super::uri::CrUri;
use serde_json::json;

impl Client {
    /// `GET /group/list`.
    pub async fn groups(&self) -> Result<Vec<GroupSummary>, ApiError> {
        self.call(Request::get("/group/list")).await
    }

    /// `GET /user/setting/policies`: storage policies the user may choose.
    pub async fn storage_policies(&self) -> Result<Vec<StoragePolicy>, ApiError> {
        self.call(Request::get("/user/setting/policies")).await
    }

    /// `GET /user/setting/nodes`.
    pub async fn nodes(&self) -> Result<Vec<NodeSummary>, ApiError> {
        self.call(Request::get("/user/setting/nodes")).await
    }

    /// `GET /user/creditChanges`.
    pub async fn credit_changes(
        &self,
        page_size: u32,
        next_token: Option<&str>,
    ) -> Result<CreditChangePage, ApiError> {
        let req = Request::get("/user/creditChanges")
            .query("page_size", page_size)
            .query_opt("next_page_token", next_token);
        self.call(req).await
    }

    /// `GET /user/payments`.
    pub async fn payments(
        &self,
        page_size: u32,
        next_token: Option<&str>,
    ) -> Result<PaymentPage, ApiError> {
        let req = Request::get("/user/payments")
            .query("page_size", page_size)
            .query_opt("next_page_token", next_token);
        self.call(req).await
    }

    /// `PUT /vas/payment`.
    pub async fn create_payment(
        &self,
        request: &PaymentRequest,
    ) -> Result<PaymentCreated, ApiError> {
        self.call(Request::put("/vas/payment").json(request)).await
    }

    /// `GET /vas/payment/status/:id/:trade_no`.
    pub async fn payment_status(&self, id: &str, trade_no: &str) -> Result<Payment, ApiError> {
        self.call(Request::get(format!(
            "/vas/payment/status/{}/{}",
            seg(id),
            seg(trade_no)
        )))
        .await
    }

    /// `GET /vas/giftcode/:code`.
    pub async fn gift_code(&self, code: &str) -> Result<GiftCode, ApiError> {
        self.call(Request::get(format!("/vas/giftcode/{}", seg(code))))
            .await
    }

    /// `POST /vas/giftcode/:code/redeem`.
    pub async fn redeem_gift_code(&self, code: &str) -> Result<(), ApiError> {
        self.call(Request::post(format!("/vas/giftcode/{}/redeem", seg(code))))
            .await
    }

    /// `POST /site/abuse`.
    pub async fn report_abuse(&self, report: &AbuseReport) -> Result<(), ApiError> {
        self.call(Request::post("/site/abuse").json(report)).await
    }

    /// `GET /file/activities` (`filter`: `my`, `updates` or `reads`).
    pub async fn file_activities(
        &self,
        uri: &CrUri,
        page_size: u32,
        filter: Option<&str>,
        next_token: Option<&str>,
    ) -> Result<ActivityPage, ApiError> {
        let req = Request::get("/file/activities")
            .query("uri", uri)
            .query("page_size", page_size.max(10))
            .query_opt("filter", filter)
            .query_opt("next_page_token", next_token);
        self.call(req).await
    }

    /// `POST /file/permission`.
    pub async fn set_file_permission(
        &self,
        uris: &[CrUri],
        setting: &PermissionSetting,
    ) -> Result<(), ApiError> {
        let body = json!({ "uris": uris, "setting": setting });
        self.call(Request::post("/file/permission").json(&body))
            .await
    }

    /// `DELETE /file/permission`.
    pub async fn delete_file_permission(&self, uris: &[CrUri]) -> Result<(), ApiError> {
        self.call(Request::delete("/file/permission").json(&json!({ "uris": uris })))
            .await
    }

    /// `PATCH /file/policy`: mounts a storage policy on a folder.
    pub async fn mount_policy(&self, uri: &CrUri, policy_id: &str) -> Result<(), ApiError> {
        let body = json!({ "uri": uri, "policy_id": policy_id });
        self.call(Request::patch("/file/policy").json(&body)).await
    }

    /// `POST /workflow/relocate`: moves files to another storage policy.
    pub async fn relocate(&self, src: &[CrUri], dst_policy_id: &str) -> Result<Task, ApiError> {
        let body = json!({ "src": src, "dst_policy_id": dst_policy_id });
        self.call(Request::post("/workflow/relocate").json(&body))
            .await
    }
}
