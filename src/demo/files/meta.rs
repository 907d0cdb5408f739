//! Metadata (files-and-transfers.md §1.7, §3.9) and sidebar pins (§3.13).
//!
//! A key is `<namespace>:<name>`; only some namespaces are writable and some keys have value
//! rules. Unknown namespaces are "Invalid metadata key" (C2-241), broken values "Invalid
//! metadata patch" (C2-242, C2-243); both are service errors with a correlation id.

use super::super::AppState;
use super::super::auth::SignedIn;
use super::super::http::{ApiErr, ApiResult, ok_empty};
use super::super::ids::{self, Kind};
use super::super::store::Pin;
use super::fsys::{Batch, FsErr, cap, check_capabilities, parse_request_uri};
use super::req::{JsonBody, check_batch_size, required, required_list};
use crate::api::uri::{CrUri, FileSystem};
use axum::extract::State;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The site's emoji preset, the only emojis `customize:emoji` accepts.
fn emoji_presets() -> &'static HashSet<String> {
    static PRESETS: OnceLock<HashSet<String>> = OnceLock::new();
    PRESETS.get_or_init(|| {
        let raw = include_str!("../site_assets/emoji_preset.json");
        serde_json::from_str::<std::collections::HashMap<String, Vec<String>>>(raw)
            .map(|m| m.into_values().flatten().collect())
            .unwrap_or_default()
    })
}

/// go-playground's `iscolor`: hex (`#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`), `rgb()`,
/// `rgba()`, `hsl()` or `hsla()`.
pub fn is_color(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let Some((func, rest)) = v.split_once('(') else {
        return false;
    };
    let Some(args) = rest.strip_suffix(')') else {
        return false;
    };
    let parts: Vec<&str> = args.split(',').map(str::trim).collect();
    let byte = |p: &str| p.parse::<u16>().is_ok_and(|n| n <= 255);
    let percent = |p: &str| {
        p.strip_suffix('%')
            .is_some_and(|n| n.parse::<u16>().is_ok_and(|n| n <= 100))
    };
    let alpha = |p: &str| p.parse::<f64>().is_ok_and(|a| (0.0..=1.0).contains(&a));
    let hue = |p: &str| p.parse::<u16>().is_ok_and(|n| n <= 360);
    match (func, parts.as_slice()) {
        ("rgb", [r, g, b]) => {
            [r, g, b].iter().all(|p| byte(p)) || [r, g, b].iter().all(|p| percent(p))
        }
        ("rgba", [r, g, b, a]) => {
            ([r, g, b].iter().all(|p| byte(p)) || [r, g, b].iter().all(|p| percent(p))) && alpha(a)
        }
        ("hsl", [h, s, l]) => hue(h) && percent(s) && percent(l),
        ("hsla", [h, s, l, a]) => hue(h) && percent(s) && percent(l) && alpha(a),
        _ => false,
    }
}

fn invalid_key() -> ApiErr {
    ApiErr::new(40001, "Invalid metadata key")
}

fn invalid_patch() -> ApiErr {
    ApiErr::new(40001, "Invalid metadata patch")
}

/// Checks one patch (`value` is `None` when absent, `remove` deletes the key).
fn validate_patch(key: &str, value: Option<&str>, remove: bool) -> Result<(), ApiErr> {
    let Some((namespace, _)) = key.split_once(':') else {
        return Err(invalid_key());
    };
    let value = value.unwrap_or_default();
    match namespace {
        // Only the pair that makes a saved share shortcut (§7.9) may be written.
        "sys" => {
            if remove {
                return Err(invalid_patch());
            }
            let ok = match key {
                "sys:shared_owner" => ids::decode(Kind::User, value).is_some(),
                "sys:shared_redirect" => {
                    CrUri::parse(value).is_ok_and(|u| u.fs == FileSystem::Share)
                }
                _ => false,
            };
            ok.then_some(()).ok_or_else(invalid_patch)
        }
        "customize" => match key {
            "customize:icon_color" if !remove && !is_color(value) => Err(invalid_patch()),
            "customize:emoji" if !remove && !emoji_presets().contains(value) => {
                Err(invalid_patch())
            }
            _ => Ok(()),
        },
        "tag" => {
            if key == "tag:" || (!remove && !value.is_empty() && !is_color(value)) {
                Err(invalid_patch())
            } else {
                Ok(())
            }
        }
        "dav" | "props" | "thumb" => Ok(()),
        _ => Err(invalid_key()),
    }
}

/// Validates metadata patches `(key, value, remove)` as `PATCH /file/metadata` and
/// `POST /file/create` do (C2-187).
pub fn validate_metadata<'a>(
    patches: impl IntoIterator<Item = (&'a str, Option<&'a str>, bool)>,
) -> Result<(), ApiErr> {
    patches
        .into_iter()
        .try_for_each(|(k, v, remove)| validate_patch(k, v, remove))
}

#[derive(Deserialize)]
pub struct PatchReq {
    key: Option<String>,
    value: Option<String>,
    remove: Option<bool>,
}

#[derive(Deserialize)]
pub struct MetadataReq {
    uris: Option<Vec<String>>,
    patches: Option<Vec<PatchReq>>,
}

/// `PATCH /file/metadata` (§3.9).
pub async fn patch_metadata(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(req): JsonBody<MetadataReq>,
) -> ApiResult {
    let raw_uris = required_list(&req.uris, "Uris")?;
    let patches = req
        .patches
        .as_deref()
        .ok_or_else(|| ApiErr::param("Patches cannot be empty"))?;
    for p in patches {
        required(&p.key, "Key")?;
    }
    check_batch_size(raw_uris.len())?;
    validate_metadata(patches.iter().map(|p| {
        (
            p.key.as_deref().unwrap_or_default(),
            p.value.as_deref(),
            p.remove.unwrap_or(false),
        )
    }))?;
    let uris = raw_uris
        .iter()
        .map(|r| parse_request_uri(r).map(|u| (r.clone(), u)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut store = state.lock();
    let mut failures = Batch::default();
    let mut targets = Vec::new();
    for (raw, uri) in &uris {
        let found =
            check_capabilities(&uri.fs, &[cap::UPDATE_METADATA, cap::LOCK]).and_then(|()| {
                store
                    .locate(Some(user), uri, &[])
                    .map_err(|e| e.context("failed to get target file"))
            });
        match found {
            Ok(at) if at.owner != user => return Err(FsErr::owner_only().into()),
            Ok(at) if at.is_root => {
                failures.add(raw.clone(), FsErr::not_supported("cannot move root folder"))
            }
            Ok(at) => targets.push(at.node),
            Err(e) => failures.add(raw.clone(), e),
        }
    }
    if !targets.is_empty() {
        store.lock_conflict(&targets)?;
        for t in targets {
            let Some(node) = store.files.get_mut(&t) else {
                continue;
            };
            for p in patches {
                let key = p.key.clone().unwrap_or_default();
                if p.remove.unwrap_or(false) {
                    node.metadata.remove(&key);
                } else {
                    node.metadata
                        .insert(key, p.value.clone().unwrap_or_default());
                }
            }
        }
    }
    failures.finish()?;
    ok_empty()
}

#[derive(Deserialize)]
pub struct PinReq {
    uri: Option<String>,
    name: Option<String>,
}

/// `PUT /file/pin`: any URI, searches included (C2-248); the same URI with another name is
/// 40004 (C2-247).
pub async fn pin(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(req): JsonBody<PinReq>,
) -> ApiResult {
    let raw = required(&req.uri, "Uri")?;
    CrUri::parse(raw).map_err(|_| ApiErr::new(40001, "unknown uri"))?;
    let name = req.name.filter(|n| !n.is_empty());
    let mut store = state.lock();
    let user = store.user_mut(user).ok_or_else(ApiErr::login_required)?;
    match user.pins.iter().find(|p| p.uri == raw) {
        Some(p) if p.name == name => {}
        Some(_) => return Err(ApiErr::new(40004, "uri already pinned with different name")),
        None => user.pins.push(Pin {
            uri: raw.to_string(),
            name,
        }),
    }
    ok_empty()
}

#[derive(Deserialize)]
pub struct UnpinReq {
    uri: Option<String>,
}

/// `DELETE /file/pin`: also fine when the URI was not pinned (C2-251).
pub async fn unpin(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(req): JsonBody<UnpinReq>,
) -> ApiResult {
    let raw = required(&req.uri, "Uri")?;
    let mut store = state.lock();
    if let Some(user) = store.user_mut(user) {
        user.pins.retain(|p| p.uri != raw);
    }
    ok_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, value: Option<&str>, remove: bool) -> Result<(), String> {
        validate_patch(key, value, remove).map_err(|e| e.msg)
    }

    #[test]
    fn metadata_keys_and_values() {
        assert!(check("tag:work", Some("#ff0000"), false).is_ok());
        assert!(check("tag:todo", None, false).is_ok());
        assert!(check("dav:custom", Some("x"), false).is_ok());
        assert!(check("customize:icon_color", Some("#4caf50"), false).is_ok());
        assert_eq!(
            check("bogus", Some("x"), false).unwrap_err(),
            "Invalid metadata key"
        );
        assert_eq!(
            check("foo:bar", Some("x"), false).unwrap_err(),
            "Invalid metadata key"
        );
        assert_eq!(
            check("customize:icon_color", Some("green"), false).unwrap_err(),
            "Invalid metadata patch"
        );
        assert_eq!(
            check("sys:upload_session_id", Some("x"), false).unwrap_err(),
            "Invalid metadata patch"
        );
        assert!(check("sys:shared_redirect", Some("cloudreve://abc@share"), false).is_ok());
        assert!(check("sys:shared_redirect", Some("cloudreve://my/x"), false).is_err());
        assert!(check("tag:", None, false).is_err());
        assert!(check("tag:x", Some("blue"), false).is_err());
        assert!(check("customize:icon_color", None, true).is_ok());
        assert!(check("customize:emoji", Some("😀"), false).is_ok());
        assert!(check("customize:emoji", Some("x"), false).is_err());
    }

    #[test]
    fn colours() {
        for ok in [
            "#fff",
            "#ffff",
            "#00ff00",
            "#00ff00aa",
            "rgb(1, 2, 255)",
            "rgba(1,2,3,0.5)",
            "hsl(120, 50%, 50%)",
        ] {
            assert!(is_color(ok), "{ok}");
        }
        for bad in ["green", "#ggg", "#12345", "rgb(256,0,0)", "rgb(1,2)", ""] {
            assert!(!is_color(bad), "{bad}");
        }
    }
}
