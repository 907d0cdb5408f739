//! Users, groups, tokens and settings (session-and-user.md §2, §4–7).

use super::common::{BoolSet, GroupPermission, Secret, Timestamp, null_default};
use serde::{Deserialize, Serialize};

/// A user as the server shows it: full for its owner, reduced for others (§5.1, §5.3).
/// Everything except `id` and `created_at` may be missing.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct User {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub nickname: String,
    /// `active`, `inactive`, `manual_banned`, `sys_banned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `""`/absent (none), `"file"` (uploaded) or `"gravatar"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The zero time for the anonymous user.
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_theme: Option<String>,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Group>,
    /// Sidebar pins (the server spells it `pined`).
    #[serde(default, deserialize_with = "null_default")]
    pub pined: Vec<Pin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub disable_view_sync: bool,
    /// `""`, `all_share` or `hide_share`.
    #[serde(default)]
    pub share_links_in_profile: String,
    /// Pro only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<i64>,
}

impl User {
    /// True when the group grants the permission; false when the group is not shown.
    pub fn may(&self, p: GroupPermission) -> bool {
        self.group
            .as_ref()
            .and_then(|g| g.permission.as_ref())
            .is_some_and(|set| set.has(p))
    }
}

/// The user's group (§5.2). Reduced to `{id, name}` for other users.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<BoolSet>,
    /// Max URIs per direct-link request; 0 (absent) means direct links are not allowed.
    #[serde(default)]
    pub direct_link_batch_size: u32,
    /// Seconds trashed items are kept.
    #[serde(default)]
    pub trash_retention: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Pin {
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The token pair (§2.1). `Debug` never shows the token values. Serializable so the app can
/// persist it (as an opaque secret).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    pub access_expires: Timestamp,
    pub refresh_expires: Timestamp,
}

/// `{user, token}` of sign-in, 2FA and passkey sign-in.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LoginResponse {
    pub user: User,
    pub token: Tokens,
}

/// `GET /user/capacity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct Capacity {
    pub total: u64,
    pub used: u64,
    /// Pro only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_pack_total: Option<u64>,
}

/// `GET /user/setting` (§7.1).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct UserSettings {
    #[serde(default)]
    pub version_retention_enabled: bool,
    /// Empty = every extension.
    #[serde(default, deserialize_with = "null_default")]
    pub version_retention_ext: Vec<String>,
    /// 0 = unlimited.
    #[serde(default)]
    pub version_retention_max: u32,
    #[serde(default)]
    pub passwordless: bool,
    #[serde(default)]
    pub two_fa_enabled: bool,
    #[serde(default)]
    pub disable_view_sync: bool,
    #[serde(default)]
    pub share_links_in_profile: String,
    #[serde(default, deserialize_with = "null_default")]
    pub passkeys: Vec<Passkey>,
    #[serde(default, deserialize_with = "null_default")]
    pub oauth_grants: Vec<OAuthGrant>,
    /// Pro only fields, kept untyped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_expires: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_activity: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_packs: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Passkey {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub used_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OAuthGrant {
    pub client_id: String,
    #[serde(default)]
    pub client_name: String,
    #[serde(default)]
    pub client_logo: String,
    #[serde(default, deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub last_used_at: Option<Timestamp>,
}

/// Body of `PATCH /user/setting`: only the fields that are `Some` are sent and applied (§7.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SettingsPatch {
    #[serde(rename = "nick", skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_theme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_retention_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_retention_ext: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_retention_max: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_view_sync: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_links_in_profile: Option<String>,
    /// Sent only together with `new_password` (the server ignores one without the other).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_password: Option<Secret>,
    /// Never send without `two_fa_code`: the server panics (HTTP 500, C2-170).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_fa_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_fa_code: Option<String>,
}

/// `GET /session/prepare`: which sign-in methods the account has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoginPrepare {
    #[serde(default)]
    pub webauthn_enabled: bool,
    #[serde(default)]
    pub password_enabled: bool,
    /// Pro only.
    #[serde(default)]
    pub sso_enabled: bool,
    #[serde(default)]
    pub qq_enabled: bool,
}

/// `PUT /session/authn`: WebAuthn request options for a passkey sign-in.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PasskeyLoginOptions {
    pub options: serde_json::Value,
    pub session_id: String,
}

/// Body of `POST /session/token`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: Secret,
    /// Only when the site asks for a CAPTCHA on sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captcha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

/// Body of `POST /user` (sign-up).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SignUpRequest {
    pub email: String,
    pub password: Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captcha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}
