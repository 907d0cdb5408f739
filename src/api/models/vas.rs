//! Pro-only shapes (session-and-user.md §7.5, §9, §10; files-and-transfers.md §3.20). Known only
//! from the docs, never observed: every field is optional and unknown ones are ignored.

use super::common::{BoolSet, Pagination, Timestamp, null_default};
use serde::{Deserialize, Serialize};

/// `GET /group/list`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupSummary {
    pub id: String,
    pub name: String,
}

/// `GET /user/setting/nodes`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct NodeSummary {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub capabilities: Option<BoolSet>,
}

/// `GET /user/creditChanges`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CreditChangePage {
    #[serde(deserialize_with = "null_default")]
    pub changes: Vec<CreditChange>,
    pub pagination: Pagination,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CreditChange {
    pub changed_at: Option<Timestamp>,
    pub diff: i64,
    pub reason: String,
}

/// `GET /user/payments`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentPage {
    #[serde(deserialize_with = "null_default")]
    pub payments: Vec<Payment>,
    pub pagination: Pagination,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Payment {
    pub id: String,
    pub trade_no: String,
    pub name: String,
    /// `created`, `paid`, `fulfilled`, `fulfill_failed`, `canceled`.
    pub status: String,
    pub qyt: i64,
    pub price_unit: Option<String>,
    pub price_id: Option<String>,
    pub price_mark: Option<String>,
    pub price_one_unit: i64,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub product_type: i64,
    pub ticket: Option<String>,
}

/// Body of `PUT /vas/payment`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentRequest {
    pub product: PaymentProduct,
    pub quantity: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentProduct {
    /// 1 paid share, 2 group, 3 storage pack, 4 points.
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_link_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<String>,
}

/// `PUT /vas/payment` answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentCreated {
    pub payment: Payment,
    pub request: PaymentInstruction,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PaymentInstruction {
    pub payment_needed: bool,
    pub url: Option<String>,
    pub qr_code_preferred: bool,
}

/// `GET /vas/giftcode/:code`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct GiftCode {
    pub name: String,
    pub qyt: i64,
    pub duration: Option<i64>,
}

/// Body of `POST /site/abuse`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AbuseReport {
    /// 0–3.
    pub category: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_uri: Option<String>,
}

/// `setting` of `POST /file/permission`: boolsets by audience.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PermissionSetting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_explicit: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_explicit: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_group: Option<BoolSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<BoolSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<BoolSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub everyone: Option<BoolSet>,
}

/// `GET /file/activities` (shape per the docs; kept loose).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ActivityPage {
    #[serde(deserialize_with = "null_default")]
    pub activities: Vec<serde_json::Value>,
    pub pagination: Pagination,
}
