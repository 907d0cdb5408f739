//! The account's settings as keys and values (session-and-user.md §7): what `reve settings`
//! and the settings screen's Preferences tab read and write, the 2FA `otpauth://` URI and the
//! password rules. Pure logic: no I/O.

use crate::api::models::{SettingsPatch, User, UserSettings};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Shortest and longest password the server accepts (`"NewPassword too short"`, C2-55).
pub const PASSWORD_LEN: std::ops::RangeInclusive<usize> = 6..=128;
/// Longest nickname and language (C2-490).
const MAX_TEXT_LEN: usize = 255;

/// The settings that can be changed, with what they take.
pub const SETTABLE: &[(&str, &str)] = &[
    ("nickname", "display name, 1–255 characters"),
    ("language", "interface language, e.g. en-US"),
    (
        "theme",
        "theme colour: #rgb, #rrggbb, rgb(), rgba() or hsl()",
    ),
    (
        "version_retention",
        "keep old versions when a file is overwritten: on/off",
    ),
    (
        "version_retention_max",
        "versions kept per file (0 = unlimited)",
    ),
    (
        "version_retention_ext",
        "only keep versions of these extensions, comma-separated (empty = all)",
    ),
    (
        "view_sync",
        "save folder view settings on the server: on/off",
    ),
    (
        "share_links_in_profile",
        "shares on my public profile: default, all_share or hide_share",
    ),
];

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        other => Err(format!("{other:?} is not on/off")),
    }
}

fn text_value(value: &str, what: &str) -> Result<String, String> {
    let n = value.chars().count();
    if n == 0 {
        return Err(format!("the {what} cannot be empty"));
    }
    if n > MAX_TEXT_LEN {
        return Err(format!(
            "the {what} is too long ({n} characters, at most {MAX_TEXT_LEN})"
        ));
    }
    Ok(value.to_string())
}

/// The `PATCH /user/setting` body that sets `key` to `value` (keys of [`SETTABLE`]; the
/// server's own field names are accepted too).
pub fn setting_patch(key: &str, value: &str) -> Result<SettingsPatch, String> {
    let mut patch = SettingsPatch::default();
    match key {
        "nickname" | "nick" => patch.nickname = Some(text_value(value, "nickname")?),
        "language" => patch.language = Some(text_value(value, "language")?),
        "theme" | "preferred_theme" => {
            patch.preferred_theme = Some(text_value(value, "theme colour")?)
        }
        "version_retention" | "version_retention_enabled" => {
            patch.version_retention_enabled = Some(parse_bool(value)?)
        }
        "version_retention_max" => {
            let n = value
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("{value:?} is not a whole number ≥ 0"))?;
            patch.version_retention_max = Some(n);
        }
        "version_retention_ext" => {
            let exts = value
                .split(',')
                .map(|e| e.trim().trim_start_matches('.').to_string())
                .filter(|e| !e.is_empty())
                .collect();
            patch.version_retention_ext = Some(exts);
        }
        "view_sync" => patch.disable_view_sync = Some(!parse_bool(value)?),
        "disable_view_sync" => patch.disable_view_sync = Some(parse_bool(value)?),
        "share_links_in_profile" => {
            let v = match value.trim() {
                "" | "default" => "",
                "all_share" => "all_share",
                "hide_share" => "hide_share",
                other => {
                    return Err(format!("{other:?}: use default, all_share or hide_share"));
                }
            };
            patch.share_links_in_profile = Some(v.to_string());
        }
        other => {
            let known: Vec<&str> = SETTABLE.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "unknown setting {other:?}; settable: {}",
                known.join(", ")
            ));
        }
    }
    Ok(patch)
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

/// Every setting as `(key, value)` text, in display order; read-only ones follow the
/// settable ones. Values are server data: sanitize them before printing.
pub fn settings_view(me: &User, s: &UserSettings) -> Vec<(&'static str, String)> {
    let exts = if s.version_retention_ext.is_empty() {
        String::new()
    } else {
        s.version_retention_ext.join(",")
    };
    let share_links = if s.share_links_in_profile.is_empty() {
        "default".to_string()
    } else {
        s.share_links_in_profile.clone()
    };
    vec![
        ("nickname", me.nickname.clone()),
        ("language", me.language.clone().unwrap_or_default()),
        ("theme", me.preferred_theme.clone().unwrap_or_default()),
        ("version_retention", on_off(s.version_retention_enabled)),
        ("version_retention_max", s.version_retention_max.to_string()),
        ("version_retention_ext", exts),
        ("view_sync", on_off(!s.disable_view_sync)),
        ("share_links_in_profile", share_links),
        ("email", me.email.clone().unwrap_or_default()),
        (
            "group",
            me.group
                .as_ref()
                .map(|g| g.name.clone())
                .unwrap_or_default(),
        ),
        ("two_fa", on_off(s.two_fa_enabled)),
        ("passwordless", on_off(s.passwordless)),
        ("passkeys", s.passkeys.len().to_string()),
        (
            "avatar",
            me.avatar
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "none".into()),
        ),
        ("member_since", me.created_at.to_rfc3339()),
    ]
}

/// Checks a new password against the server's rules, and that it was typed the same twice.
pub fn check_new_password(new: &str, repeated: &str) -> Result<(), String> {
    if new != repeated {
        return Err("the two new passwords differ".into());
    }
    let n = new.chars().count();
    if !PASSWORD_LEN.contains(&n) {
        return Err(format!(
            "the new password must have {} to {} characters",
            PASSWORD_LEN.start(),
            PASSWORD_LEN.end()
        ));
    }
    Ok(())
}

/// Characters kept as they are in an `otpauth://` label and issuer (RFC 3986 unreserved).
const OTP_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URI authenticator apps import (shown as a QR code):
/// `otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>` (§7.3; the web UI uses
/// the site title and the nickname). SHA-1, 6 digits and 30 s are the defaults apps assume.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let issuer = utf8_percent_encode(issuer, OTP_KEEP).to_string();
    let account = utf8_percent_encode(account, OTP_KEEP).to_string();
    let secret = utf8_percent_encode(secret, OTP_KEEP).to_string();
    format!("otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_keys_make_patches() {
        let p = setting_patch("nickname", "Ada").unwrap();
        assert_eq!(p.nickname.as_deref(), Some("Ada"));
        assert!(setting_patch("nick", "").is_err());
        assert!(setting_patch("nick", &"x".repeat(256)).is_err());
        assert_eq!(
            setting_patch("version_retention", "off")
                .unwrap()
                .version_retention_enabled,
            Some(false)
        );
        assert_eq!(
            setting_patch("version_retention_max", "7")
                .unwrap()
                .version_retention_max,
            Some(7)
        );
        assert!(setting_patch("version_retention_max", "-1").is_err());
        assert_eq!(
            setting_patch("version_retention_ext", " txt, .md ,,")
                .unwrap()
                .version_retention_ext,
            Some(vec!["txt".to_string(), "md".to_string()])
        );
        assert_eq!(
            setting_patch("version_retention_ext", "")
                .unwrap()
                .version_retention_ext,
            Some(vec![]),
            "empty means every extension"
        );
        assert_eq!(
            setting_patch("view_sync", "off").unwrap().disable_view_sync,
            Some(true)
        );
        assert_eq!(
            setting_patch("share_links_in_profile", "default")
                .unwrap()
                .share_links_in_profile
                .as_deref(),
            Some("")
        );
        assert!(setting_patch("share_links_in_profile", "everyone").is_err());
        assert!(setting_patch("view_sync", "maybe").is_err());
        let err = setting_patch("colour", "x").unwrap_err();
        assert!(err.contains("nickname") && err.contains("theme"), "{err}");
        // Every advertised key is accepted.
        for (key, _) in SETTABLE {
            let sample = match *key {
                "version_retention" | "view_sync" => "on",
                "version_retention_max" => "3",
                "share_links_in_profile" => "all_share",
                "theme" => "#ff0000",
                _ => "x",
            };
            assert!(setting_patch(key, sample).is_ok(), "{key}");
        }
    }

    #[test]
    fn new_passwords_follow_the_rules() {
        assert!(check_new_password("secret1", "secret1").is_ok());
        assert!(check_new_password("secret1", "secret2").is_err());
        assert!(check_new_password("short", "short").is_err());
        let long = "p".repeat(129);
        assert!(check_new_password(&long, &long).is_err());
    }

    #[test]
    fn otpauth_uri_is_encoded() {
        assert_eq!(
            otpauth_uri("Cloudreve", "Demo", "45SOTTJEMW3AH3VVQMEPMNHDSN5MV2CV"),
            "otpauth://totp/Cloudreve:Demo?secret=45SOTTJEMW3AH3VVQMEPMNHDSN5MV2CV&issuer=Cloudreve"
        );
        let uri = otpauth_uri("My Drive", "a&b=c\x1b", "S");
        assert_eq!(
            uri,
            "otpauth://totp/My%20Drive:a%26b%3Dc%1B?secret=S&issuer=My%20Drive"
        );
    }
}
