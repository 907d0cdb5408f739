//! WebDAV accounts (session-and-user.md §8).

use super::common::{BoolSet, DavOption, Pagination, Secret, Timestamp, null_default};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DavAccount {
    pub id: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub name: String,
    /// The folder exposed at `/dav/`.
    #[serde(default)]
    pub uri: String,
    /// The WebDAV password (user name = the owner's e-mail).
    #[serde(default)]
    pub password: Secret,
    /// Flags of [`DavOption`]; `""` = none.
    #[serde(default)]
    pub options: BoolSet,
}

impl DavAccount {
    pub fn read_only(&self) -> bool {
        self.options.has(DavOption::ReadOnly)
    }
    pub fn proxy(&self) -> bool {
        self.options.has(DavOption::Proxy)
    }
    pub fn hides_system_files(&self) -> bool {
        self.options.has(DavOption::DisableSysFiles)
    }
}

/// `GET /devices/dav`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DavPage {
    #[serde(deserialize_with = "null_default")]
    pub accounts: Vec<DavAccount>,
    #[serde(default)]
    pub pagination: Pagination,
}

/// Body of `PUT /devices/dav` and `PATCH /devices/dav/:id`. An update replaces everything:
/// `uri` and `name` are required and omitted booleans become false (C2-127, C2-128).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DavAccountRequest {
    pub uri: String,
    pub name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub readonly: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub proxy: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disable_sys_files: bool,
}
