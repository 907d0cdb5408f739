//! Thumbnails (§3.11), archive listings (§3.18), viewer sessions (§3.17) and the disabled
//! full-text search (§3.19) of files-and-transfers.md.

use super::super::auth::{MaybeUser, SignedIn};
use super::super::download;
use super::super::http::{ApiErr, ApiResult, Q, ok};
use super::super::ids::{self, Kind};
use super::super::store::{Entity, Store, random_token, ts};
use super::super::{AppState, Demo};
use super::fsys::{FsErr, Located, cap, parse_request_uri};
use super::req::{JsonBody, required};
use axum::extract::State;
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// Bounds of generated thumbnails (`thumbnail_width` × `thumbnail_height`, C2-352).
const THUMB_WIDTH: u32 = 400;
const THUMB_HEIGHT: u32 = 300;

/// Extensions the built-in generator handles (`/site/config/thumb`, C2-8).
const THUMB_EXTS: [&str; 8] = ["flac", "gif", "jpeg", "jpg", "m4a", "mp3", "ogg", "png"];

const THUMB_DISABLED: &str = "thumb:disabled";

#[derive(Deserialize)]
pub struct UriQuery {
    uri: Option<String>,
    entity: Option<String>,
}

fn lower_ext(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// A file reached through `uri` for an action needing `caps`: folders have no blob (40077).
fn locate_file(
    store: &Store,
    viewer: Option<u64>,
    raw: Option<&str>,
    caps: &[u8],
) -> Result<Located, ApiErr> {
    let raw = raw
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ApiErr::param("Uri cannot be empty"))?;
    let uri = parse_request_uri(raw)?;
    let at = store.locate(viewer, &uri, caps)?;
    if store.files.get(&at.node).is_none_or(|n| n.is_folder) {
        return Err(FsErr::entity_not_exist().into());
    }
    Ok(at)
}

/// A PNG no larger than 400×300 with the image's aspect ratio; smaller images keep their
/// size (23_files_extras: a 300×180 PNG gives a 300×180 thumbnail).
pub fn make_thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let img = image::load_from_memory(bytes).ok()?;
    let img = if img.width() > THUMB_WIDTH || img.height() > THUMB_HEIGHT {
        img.resize(
            THUMB_WIDTH,
            THUMB_HEIGHT,
            image::imageops::FilterType::Lanczos3,
        )
    } else {
        img
    };
    // Best compression with adaptive filters keeps gradients tiny, as Go's encoder does.
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    );
    img.write_with_encoder(encoder).ok()?;
    Some(out)
}

/// The answer for an existing thumbnail entity: a signed URL ending in `_thumb`, valid an
/// hour (C2-350).
fn thumb_answer(state: &Demo, entity: u64, name: &str) -> Value {
    let expires = Utc::now() + Duration::hours(1);
    let file_name = format!("{}_{}._thumb", random_token(8), name);
    json!({
        "url": download::content_url(state, &ids::encode(Kind::Entity, entity), &file_name, false, expires),
        "expires": ts(&expires),
    })
}

/// Marks a file as having no possible thumbnail and answers -1 (C2-353, C2-364).
fn thumb_failed(state: &Demo, node: u64) -> ApiErr {
    if let Some(n) = state.lock().files.get_mut(&node) {
        n.metadata.insert(THUMB_DISABLED.into(), String::new());
    }
    ApiErr::new(-1, "")
}

/// `GET /file/thumb`: generated synchronously on the first request and kept as an entity
/// of type 1 (C2-356).
pub async fn thumbnail(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Q(q): Q<UriQuery>,
) -> ApiResult {
    let (node, name, primary) = {
        let store = state.lock();
        let at = locate_file(&store, viewer, q.uri.as_deref(), &[cap::THUMB])?;
        let Some(n) = store.files.get(&at.node) else {
            return Err(ApiErr::path_not_exist());
        };
        if let Some(t) = n.thumbnail {
            return ok(thumb_answer(&state, t, &n.name));
        }
        if n.metadata.contains_key(THUMB_DISABLED) {
            return Err(ApiErr::new(-1, ""));
        }
        (at.node, n.name.clone(), n.primary)
    };
    let Some(primary) = primary.filter(|_| THUMB_EXTS.contains(&lower_ext(&name).as_str())) else {
        return Err(thumb_failed(&state, node));
    };
    let source = state.blob_path(primary);
    let generated = tokio::task::spawn_blocking(move || {
        std::fs::read(source).ok().and_then(|b| make_thumbnail(&b))
    })
    .await
    .ok()
    .flatten();
    let Some(png) = generated else {
        return Err(thumb_failed(&state, node));
    };
    let mut store = state.lock();
    let entity = store.new_id();
    std::fs::write(state.blob_path(entity), &png).map_err(|_| ApiErr::new(-1, ""))?;
    let Some(owner) = store.files.get(&node).map(|n| n.owner) else {
        return Err(ApiErr::path_not_exist());
    };
    store.entities.insert(
        entity,
        Entity {
            id: entity,
            size: png.len() as u64,
            kind: 1,
            created_at: Utc::now(),
            created_by: owner,
        },
    );
    if let Some(n) = store.files.get_mut(&node) {
        n.thumbnail = Some(entity);
    }
    ok(thumb_answer(&state, entity, &name))
}

/// `GET /file/archive`: the entries of a zip file (C2-375); other files are 403 (C2-376).
pub async fn archive_entries(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Q(q): Q<UriQuery>,
) -> ApiResult {
    let blob = {
        let store = state.lock();
        let at = locate_file(&store, viewer, q.uri.as_deref(), &[cap::DOWNLOAD])?;
        let Some(n) = store.files.get(&at.node) else {
            return Err(ApiErr::path_not_exist());
        };
        if !matches!(lower_ext(&n.name).as_str(), "zip" | "7z") {
            return Err(FsErr::not_supported("not an archive").into());
        }
        let entity = match q.entity.as_deref().filter(|e| !e.is_empty()) {
            Some(e) => ids::decode(Kind::Entity, e)
                .filter(|e| n.versions.contains(e))
                .ok_or_else(|| ApiErr::new(40077, "Entity not exist"))?,
            None => n
                .primary
                .ok_or_else(|| ApiErr::new(40077, "Entity not exist"))?,
        };
        state.blob_path(entity)
    };
    let listed =
        tokio::task::spawn_blocking(move || std::fs::read(blob).ok().and_then(|b| zip_entries(&b)))
            .await
            .ok()
            .flatten()
            .ok_or_else(|| ApiErr::new(-1, ""))?;
    ok(json!({ "files": listed }))
}

/// Lists a zip archive's entries with their stored (local) times.
pub fn zip_entries(bytes: &[u8]) -> Option<Vec<Value>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i).ok()?;
        let updated = f.last_modified().and_then(|t| {
            chrono::NaiveDate::from_ymd_opt(t.year().into(), t.month().into(), t.day().into())?
                .and_hms_opt(t.hour().into(), t.minute().into(), t.second().into())
                .map(|d| ts(&d.and_utc()))
        });
        out.push(json!({
            "name": f.name(),
            "size": f.size(),
            "updated_at": updated,
            "is_directory": f.is_dir(),
        }));
    }
    Some(out)
}

/// Ids of the site's file viewers (`/site/config/explorer`).
fn viewer_ids() -> &'static Vec<String> {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let raw = include_str!("../site_assets/explorer.json");
        let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
        v["file_viewers"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["viewers"].as_array().into_iter().flatten())
            .filter_map(|v| v["id"].as_str().map(str::to_string))
            .collect()
    })
}

/// How long a viewer session lasts (`viewer_session_timeout`, about 10 h in C2-373).
const VIEWER_SESSION_SECS: i64 = 36_000;

#[derive(Deserialize)]
pub struct ViewerReq {
    uri: Option<String>,
    viewer_id: Option<String>,
    preferred_action: Option<String>,
}

/// `PUT /file/viewerSession` (C2-373, C2-374).
pub async fn viewer_session(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    JsonBody(req): JsonBody<ViewerReq>,
) -> ApiResult {
    required(&req.uri, "Uri")?;
    let viewer_id = required(&req.viewer_id, "ViewerID")?;
    if !matches!(
        required(&req.preferred_action, "PreferredAction")?,
        "view" | "edit"
    ) {
        return Err(ApiErr::param("Invalid parameters."));
    }
    {
        let store = state.lock();
        locate_file(&store, viewer, req.uri.as_deref(), &[cap::DOWNLOAD])?;
    }
    if !viewer_ids().iter().any(|v| v == viewer_id) {
        return Err(ApiErr::new(40001, "unknown viewer id"));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let expires = Utc::now() + Duration::seconds(VIEWER_SESSION_SECS);
    ok(json!({
        "session": {
            "access_token": format!("{id}.{}", random_token(128)),
            "id": id,
            "expires": expires.timestamp_millis(),
        }
    }))
}

/// `GET /file/search`: full-text search is off on a fresh server (C2-377).
pub async fn full_text_search(SignedIn(_user): SignedIn) -> ApiResult {
    Err(ApiErr::new(40019, "This feature is not enabled"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    fn dims(bytes: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory(bytes).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn thumbnails_fit_400_by_300_without_upscaling() {
        assert_eq!(dims(&make_thumbnail(&png(640, 480)).unwrap()), (400, 300));
        assert_eq!(dims(&make_thumbnail(&png(300, 180)).unwrap()), (300, 180));
        assert_eq!(dims(&make_thumbnail(&png(1000, 100)).unwrap()), (400, 40));
        assert!(make_thumbnail(b"not an image").is_none());
    }

    #[test]
    fn archives_list_their_entries() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().last_modified_time(
                zip::DateTime::from_date_and_time(2024, 1, 2, 3, 4, 6).unwrap(),
            );
            w.start_file("inner/a.txt", opts).unwrap();
            w.write_all(b"abc").unwrap();
            w.finish().unwrap();
        }
        let entries = zip_entries(buf.get_ref()).unwrap();
        assert_eq!(entries[0]["name"], "inner/a.txt");
        assert_eq!(entries[0]["size"], 3);
        assert_eq!(entries[0]["updated_at"], "2024-01-02T03:04:06Z");
        assert_eq!(entries[0]["is_directory"], false);
        assert!(zip_entries(b"nope").is_none());
        assert!(viewer_ids().iter().any(|v| v == "googledocs"));
    }
}
