//! Downloads: `POST /file/url`, the signed content route with Range, zip archive streams.
//!
//! Content URLs are signed (HMAC-SHA256 over the path and expiry with the server's secret) the
//! way Cloudreve signs `/api/v4/file/content/:entity/:speed/:name?sign=…`, so they work without
//! a token and expire.

use super::store::Time;
use super::{AppState, Demo};
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn routes() -> Router<AppState> {
    Router::new()
}

fn signature(state: &Demo, path: &str, expires: i64) -> String {
    use base64::Engine;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(path.as_bytes());
    mac.update(b":");
    mac.update(expires.to_string().as_bytes());
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{sig}:{expires}")
}

/// The signed path (`/api/v4/file/content/<entity>/0/<name>`) and its `sign` value.
pub fn signed_content_path(state: &Demo, entity_hash_id: &str, name: &str, expires: Time) -> String {
    let path = format!(
        "/api/v4/file/content/{}/0/{}",
        entity_hash_id,
        crate::api::uri::encode_component(name)
    );
    let sign = signature(state, &path, expires.timestamp());
    format!("{path}?sign={}", crate::api::uri::encode_component(&sign))
}

/// A full signed content URL on the public base; `attachment` adds `download=true`.
pub fn content_url(
    state: &Demo,
    entity_hash_id: &str,
    name: &str,
    attachment: bool,
    expires: Time,
) -> String {
    let mut url = state.url(&signed_content_path(state, entity_hash_id, name, expires));
    if attachment {
        url.push_str("&download=true");
    }
    url
}

/// Checks a `sign` query value for `path`: `Ok(())`, or the error code and message the real
/// server gives (40005 signature expired, 40071 invalid sign).
pub fn verify_signature(state: &Demo, path: &str, sign: &str) -> Result<(), (i64, &'static str)> {
    let Some((_, exp)) = sign.rsplit_once(':') else {
        return Err((40071, "invalid sign"));
    };
    let Ok(expires) = exp.parse::<i64>() else {
        return Err((40071, "invalid sign"));
    };
    if signature(state, path, expires) != sign {
        return Err((40071, "invalid sign"));
    }
    if expires < chrono::Utc::now().timestamp() {
        return Err((40005, "signature expired"));
    }
    Ok(())
}
