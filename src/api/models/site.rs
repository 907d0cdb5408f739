//! Site configuration and server identity (session-and-user.md §1).

use super::common::null_default;
use super::user::User;
use serde::{Deserialize, Serialize};

/// `GET /site/config/:section`. One shape for every section: the server fills only the fields
/// of the requested section and omits false/empty values, so every field is optional here.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteConfig {
    // basic
    pub instance_id: Option<String>,
    pub title: Option<String>,
    /// A string containing JSON (palettes by primary colour).
    pub themes: Option<String>,
    pub default_theme: Option<String>,
    /// The caller, or the anonymous user; do not use it to validate a token (use `/user/me`).
    pub user: Option<User>,
    pub logo: Option<String>,
    pub logo_light: Option<String>,
    pub custom_html: Option<serde_json::Value>,
    pub captcha_type: Option<String>,
    #[serde(rename = "captcha_ReCaptchaKey")]
    pub captcha_recaptcha_key: Option<String>,
    pub captcha_cap_asset_server: Option<String>,
    pub turnstile_site_id: Option<String>,
    pub captcha_cap_instance_url: Option<String>,
    pub captcha_cap_site_key: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub custom_nav_items: Vec<serde_json::Value>,
    pub app_promotion: bool,
    // login
    pub authn: bool,
    pub register_enabled: bool,
    pub tos_url: Option<String>,
    pub privacy_policy_url: Option<String>,
    pub login_captcha: bool,
    pub reg_captcha: bool,
    pub forget_captcha: bool,
    // explorer
    pub max_batch_size: Option<u32>,
    pub thumbnail_width: Option<u32>,
    pub thumbnail_height: Option<u32>,
    #[serde(deserialize_with = "null_default")]
    pub file_viewers: Vec<ViewerGroup>,
    #[serde(deserialize_with = "null_default")]
    pub custom_props: Vec<CustomProp>,
    /// A string containing JSON.
    pub icons: Option<String>,
    pub map_provider: Option<String>,
    pub google_map_tile_type: Option<String>,
    pub show_encryption_status: bool,
    pub mapbox_ak: Option<String>,
    pub full_text_search: bool,
    // emojis
    /// A string containing JSON: category emoji → list.
    pub emoji_preset: Option<String>,
    // app
    pub desktop_app_promotion: bool,
    // thumb
    /// Extensions the server can make thumbnails for.
    #[serde(deserialize_with = "null_default")]
    pub thumb_exts: Vec<String>,
}

/// Sections of `GET /site/config/:section`. Unknown names answer `basic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSection {
    Basic,
    Login,
    Explorer,
    Emojis,
    App,
    Thumb,
}

impl ConfigSection {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigSection::Basic => "basic",
            ConfigSection::Login => "login",
            ConfigSection::Explorer => "explorer",
            ConfigSection::Emojis => "emojis",
            ConfigSection::App => "app",
            ConfigSection::Thumb => "thumb",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ViewerGroup {
    #[serde(default, deserialize_with = "null_default")]
    pub viewers: Vec<Viewer>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Viewer {
    pub id: String,
    /// `builtin`, `custom` or `wopi`.
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
    #[serde(deserialize_with = "null_default")]
    pub exts: Vec<String>,
    pub url: Option<String>,
    pub icon: Option<String>,
    pub max_size: Option<u64>,
    #[serde(deserialize_with = "null_default")]
    pub templates: Vec<ViewerTemplate>,
    pub props: Option<serde_json::Value>,
    pub disabled: bool,
    pub platform: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub required_group_permission: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ViewerTemplate {
    pub ext: String,
    pub display_name: String,
}

/// An admin-defined custom property (`props:<id>` metadata).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct CustomProp {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub icon: Option<String>,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub default: Option<serde_json::Value>,
    #[serde(deserialize_with = "null_default")]
    pub options: Vec<serde_json::Value>,
}

/// `GET /site/captcha`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Captcha {
    /// A `data:image/png;base64,…` URI.
    pub image: String,
    pub ticket: String,
}

/// What `Client::detect` learned from `GET /site/ping`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// As reported, e.g. `4.18.0` or `4.18.0-pro`.
    pub version: String,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// Pro builds append `-pro`.
    pub pro: bool,
}

impl ServerInfo {
    /// Parses `major.minor.patch[-suffix]`; `None` when it does not look like a version.
    pub fn parse(version: &str) -> Option<ServerInfo> {
        let v = version.trim();
        let v = v.strip_prefix('v').unwrap_or(v);
        let (core, suffix) = match v.split_once('-') {
            Some((c, s)) => (c, Some(s)),
            None => (v, None),
        };
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map(str::parse).transpose().ok()?.unwrap_or(0);
        let patch = parts.next().map(str::parse).transpose().ok()?.unwrap_or(0);
        Some(ServerInfo {
            version: version.trim().to_string(),
            major,
            minor,
            patch,
            pro: suffix.is_some_and(|s| s.split(['-', '.']).any(|p| p.eq_ignore_ascii_case("pro"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        let ce = ServerInfo::parse("4.18.0").unwrap();
        assert_eq!((ce.major, ce.minor, ce.patch, ce.pro), (4, 18, 0, false));
        assert!(ServerInfo::parse("4.18.0-pro").unwrap().pro);
        assert_eq!(ServerInfo::parse("3.8.3").unwrap().major, 3);
        assert!(ServerInfo::parse("<html>").is_none());
        assert!(ServerInfo::parse("").is_none());
    }
}
