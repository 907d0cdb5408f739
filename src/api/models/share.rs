//! Share links (files-and-transfers.md §7).

use super::common::{Pagination, Timestamp, null_default};
use super::file::FileKind;
use super::user::User;
use serde::{Deserialize, Serialize};

/// A share link (§7.1). Many fields are omitted when empty or false.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Share {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub visited: u64,
    #[serde(default)]
    pub downloaded: u64,
    /// Only when a download limit is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remain_downloads: Option<i64>,
    /// Only when an expiry is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
    /// False when a password is needed and was not given.
    #[serde(default)]
    pub unlocked: bool,
    #[serde(default)]
    pub password_protected: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<FileKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<User>,
    pub created_at: Timestamp,
    /// Expired, downloads used up, or source deleted/trashed.
    #[serde(default)]
    pub expired: bool,
    /// `<siteURL>/s/<id>[/<password>]`.
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub show_readme: bool,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub is_private: bool,
    /// Present for the owner and whenever the share is unlocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default)]
    pub share_view: bool,
    /// Only with `owner_extended=true`, for the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_uri: Option<String>,
}

/// `GET /share` and `GET /user/shares/:id` (`shares` may be `null`, C2-38).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SharePage {
    #[serde(deserialize_with = "null_default")]
    pub shares: Vec<Share>,
    #[serde(default)]
    pub pagination: Pagination,
}

/// Body of `PUT /share` and `POST /share/:id` (§7.2, §7.3). Editing ignores `is_private` and
/// `password`, and omitting `downloads`/`expire` removes those limits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShareRequest {
    pub uri: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_private: bool,
    /// Used only with `is_private`; ≤ 32 letters/digits; empty → the server picks one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Download limit (> 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloads: Option<u64>,
    /// Lifetime in seconds from now (> 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub share_view: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub show_readme: bool,
}

/// Sort keys of share lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareOrder {
    Created,
    Views,
    Downloads,
    RemainDownloads,
}

impl ShareOrder {
    /// `None` = creation order (the server's default for any other value).
    pub fn as_param(self) -> Option<&'static str> {
        match self {
            ShareOrder::Created => None,
            ShareOrder::Views => Some("views"),
            ShareOrder::Downloads => Some("downloads"),
            ShareOrder::RemainDownloads => Some("remain_downloads"),
        }
    }
}
