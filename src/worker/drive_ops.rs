//! Carries out `DriveJob`s: shares, direct links, versions, pins, tags and properties,
//! search, server tasks, and saving items of a share into my files.

use super::convert::{failure, io_failure};
use crate::api::models::file::meta as meta_keys;
use crate::api::models::{ExtractRequest, File, FileKind, RemoteDownloadRequest};
use crate::api::upload::ChunkBody;
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, InfoOptions, ListQuery};
use crate::app::drive::{
    DriveAnswer, DriveJob, FileDetails, LinkRow, MetaRow, PinRow, SAVE_LIMIT, VersionRow,
};
use crate::app::msg::Failure;
use crate::drive::meta;
use futures_util::StreamExt as _;
use std::collections::BTreeMap;
use std::path::Path;

/// Metadata key prefix of custom properties.
const PROPS_PREFIX: &str = "props:";

pub async fn run(client: Option<&Client>, job: DriveJob) -> Result<DriveAnswer, Failure> {
    let c = client.ok_or_else(|| Failure {
        message: "Not signed in".into(),
        signed_out: true,
        ..Failure::default()
    })?;
    let api = |e: ApiError| failure(&e);
    match job {
        DriveJob::CreateShares { uris, options } => {
            let mut links = Vec::new();
            for uri in &uris {
                let link = c.create_share(&options.request(uri)).await.map_err(api)?;
                links.push((uri.name().unwrap_or_default().to_string(), link));
            }
            Ok(DriveAnswer::ShareLinks(links))
        }
        DriveJob::Details { uri } => {
            let opts = InfoOptions {
                extended: true,
                folder_summary: false,
            };
            let file = c.file_info(&uri, opts).await.map_err(api)?;
            Ok(DriveAnswer::Details(details(&file)))
        }
        DriveJob::SetVersion { uri, version } => {
            c.set_current_version(&uri, &version).await.map_err(api)?;
            Ok(DriveAnswer::Done)
        }
        DriveJob::DeleteVersion { uri, version } => {
            c.delete_version(&uri, &version).await.map_err(api)?;
            Ok(DriveAnswer::Done)
        }
        DriveJob::DownloadVersion { uri, version, to } => {
            let bytes = download_to(c, &uri, Some(&version), &to).await?;
            Ok(DriveAnswer::Downloaded { path: to, bytes })
        }
        DriveJob::PatchMetadata { uris, patches } => {
            c.patch_metadata(&uris, &patches).await.map_err(api)?;
            Ok(DriveAnswer::Done)
        }
        DriveJob::CreateLinks { uris } => {
            let links = c.create_direct_links(&uris).await.map_err(api)?;
            Ok(DriveAnswer::Links(
                links.into_iter().map(|l| l.link).collect(),
            ))
        }
        DriveJob::DeleteLink { id } => {
            c.delete_direct_link(&id).await.map_err(api)?;
            Ok(DriveAnswer::Done)
        }
        DriveJob::Pins => Ok(DriveAnswer::Pins(pins(c).await?)),
        DriveJob::TogglePin { uri } => {
            let wanted = uri.to_string();
            let pinned = pins(c).await?.iter().any(|p| same_uri(&p.uri, &uri));
            if pinned {
                c.unpin(&uri).await.map_err(api)?;
            } else {
                c.pin(&uri, None).await.map_err(api)?;
            }
            tracing::debug!("pin toggled for {wanted}");
            Ok(DriveAnswer::PinToggled { pinned: !pinned })
        }
        DriveJob::Unpin { uri } => {
            c.unpin(&uri).await.map_err(api)?;
            Ok(DriveAnswer::PinToggled { pinned: false })
        }
        DriveJob::Archive { sources, dst } => {
            let task = c.create_archive(&sources, &dst).await.map_err(api)?;
            Ok(DriveAnswer::Tasks(vec![task.id]))
        }
        DriveJob::Extract {
            src,
            dst,
            encoding,
            password,
        } => {
            // The server wants an existing destination (40016, C2-452).
            c.mkdir(&dst).await.map_err(api)?;
            let task = c
                .extract_archive(&ExtractRequest {
                    src: vec![src.to_string()],
                    dst: dst.to_string(),
                    encoding,
                    password,
                    file_mask: Vec::new(),
                })
                .await
                .map_err(api)?;
            Ok(DriveAnswer::Tasks(vec![task.id]))
        }
        DriveJob::RemoteDownload { urls, torrent, dst } => {
            c.mkdir(&dst).await.map_err(api)?;
            let tasks = c
                .remote_download(&RemoteDownloadRequest {
                    src: urls,
                    src_file: torrent.map(|t| t.to_string()),
                    dst: dst.to_string(),
                    preferred_node_id: None,
                })
                .await
                .map_err(api)?;
            Ok(DriveAnswer::Tasks(
                tasks.into_iter().map(|t| t.id).collect(),
            ))
        }
        DriveJob::ResolveSearch { base, query } => {
            crate::drive::search::search_uri(&base, &query, chrono::Utc::now())
                .map(DriveAnswer::SearchUri)
                .map_err(Failure::msg)
        }
        DriveJob::SaveShortcut { share } => {
            save_shortcut(c, &share).await?;
            Ok(DriveAnswer::Done)
        }
        DriveJob::SaveFromShare { sources, dst } => {
            let mut files = 0;
            for src in &sources {
                files += save_item(c, src, &dst).await?;
            }
            Ok(DriveAnswer::Saved { files })
        }
    }
}

/// The shortcut of §7.9: a folder in my files named after the share, pointing at it.
async fn save_shortcut(c: &Client, share: &CrUri) -> Result<(), Failure> {
    let id = share
        .fs_id
        .clone()
        .ok_or_else(|| Failure::msg("not a share"))?;
    let info = c
        .share_info(
            &id,
            &crate::api::ShareInfoQuery {
                password: share.password.clone(),
                count_views: false,
                owner_extended: false,
            },
        )
        .await
        .map_err(|e| failure(&e))?;
    let owner = info
        .owner
        .as_ref()
        .map(|o| o.id.clone())
        .filter(|o| !o.is_empty())
        .ok_or_else(|| Failure::msg("the server does not say who owns this share"))?;
    let root = CrUri::share(&id, share.password.as_deref());
    let metadata = BTreeMap::from([
        (meta_keys::SHARED_REDIRECT.to_string(), root.to_string()),
        (meta_keys::SHARED_OWNER.to_string(), owner),
    ]);
    let name = if info.name.is_empty() {
        id.clone()
    } else {
        info.name.replace('/', "_")
    };
    c.create(
        &CrUri::my_root().join(&name),
        FileKind::Folder,
        &metadata,
        true,
    )
    .await
    .map(drop)
    .map_err(|e| failure(&e))
}

/// Pins compare as URIs (the server may encode a path differently than we do).
fn same_uri(pin: &str, uri: &CrUri) -> bool {
    CrUri::parse(pin).is_ok_and(|p| &p == uri)
}

async fn pins(c: &Client) -> Result<Vec<PinRow>, Failure> {
    let me = c.me().await.map_err(|e| failure(&e))?;
    Ok(me
        .pined
        .into_iter()
        .map(|p| PinRow {
            uri: p.uri,
            name: p.name.filter(|n| !n.is_empty()),
        })
        .collect())
}

/// What the popups show of an item's extended info.
pub fn details(file: &File) -> FileDetails {
    let versions = meta::versions(file)
        .into_iter()
        .map(|v| VersionRow {
            id: v.id,
            size: v.size,
            created: v.created_at.timestamp(),
            current: v.current,
            by: v.created_by,
        })
        .collect();
    let tags = meta::tags(file)
        .into_iter()
        .map(|t| MetaRow {
            key: format!("{}{}", meta::TAG_PREFIX, t.name),
            name: t.name,
            value: t.color.unwrap_or_default(),
        })
        .collect();
    let props = file
        .metadata
        .iter()
        .filter_map(|(k, v)| {
            Some(MetaRow {
                key: k.clone(),
                name: k.strip_prefix(PROPS_PREFIX)?.to_string(),
                value: v.clone(),
            })
        })
        .collect();
    let links = file
        .extended_info
        .as_ref()
        .map(|x| {
            x.direct_links
                .iter()
                .map(|l| LinkRow {
                    id: l.id.clone(),
                    url: l.url.clone(),
                    downloads: l.downloaded,
                })
                .collect()
        })
        .unwrap_or_default();
    FileDetails {
        name: file.name.clone(),
        is_folder: file.is_folder(),
        versions,
        tags,
        props,
        links,
    }
}

/// Streams the content of `uri` (a version when `version` is given) into `to`, through
/// `<to>.reve-part` so that a cut download never looks complete. An existing `to` is kept.
async fn download_to(
    c: &Client,
    uri: &CrUri,
    version: Option<&str>,
    to: &Path,
) -> Result<u64, Failure> {
    let shown = to.display().to_string();
    if tokio::fs::symlink_metadata(to).await.is_ok() {
        let e = std::io::Error::from(std::io::ErrorKind::AlreadyExists);
        return Err(io_failure(&shown, &e));
    }
    let url = c
        .download_url(uri, version)
        .await
        .map_err(|e| failure(&e))?;
    let mut download = c
        .download(&url, None, None)
        .await
        .map_err(|e| failure(&e))?;
    let mut part = to.as_os_str().to_owned();
    part.push(".reve-part");
    let part = std::path::PathBuf::from(part);
    let result = async {
        use tokio::io::AsyncWriteExt as _;
        let mut out = tokio::fs::File::create(&part)
            .await
            .map_err(|e| io_failure(&shown, &e))?;
        let mut written = 0u64;
        while let Some(chunk) = download.body.next().await {
            let chunk = chunk.map_err(|e| failure(&e))?;
            out.write_all(&chunk)
                .await
                .map_err(|e| io_failure(&shown, &e))?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(|e| io_failure(&shown, &e))?;
        Ok::<u64, Failure>(written)
    }
    .await;
    match result {
        Ok(written) => {
            tokio::fs::rename(&part, to)
                .await
                .map_err(|e| io_failure(&shown, &e))?;
            Ok(written)
        }
        Err(f) => {
            let _ = tokio::fs::remove_file(&part).await;
            Err(f)
        }
    }
}

/// Copies one item of a share (a file, or a folder with everything below it) into `dst`.
/// Returns the number of files written. Existing names are never overwritten (`40004`).
async fn save_item(c: &Client, src: &CrUri, dst: &CrUri) -> Result<usize, Failure> {
    let file = c
        .file_info(src, InfoOptions::default())
        .await
        .map_err(|e| failure(&e))?;
    let target = dst.join(&file.name);
    if file.is_folder() {
        c.create(&target, FileKind::Folder, &BTreeMap::new(), true)
            .await
            .map_err(|e| failure(&e))?;
        let listing = c
            .list_all(src, &ListQuery::default())
            .await
            .map_err(|e| failure(&e))?;
        let mut files = 0;
        for child in &listing.files {
            let child_uri = src.join(&child.name);
            files += Box::pin(save_item(c, &child_uri, &target)).await?;
        }
        return Ok(files);
    }
    if file.size > SAVE_LIMIT {
        return Err(Failure::msg(format!(
            "“{}” is larger than 50 MiB: download it to the local disk, then upload it",
            file.name
        )));
    }
    // `PUT /file/content` would add a version to an existing file: refuse like a copy would.
    if c.file_info(&target, InfoOptions::default()).await.is_ok() {
        return Err(Failure {
            message: format!("“{}” already exists there", file.name),
            code: Some(crate::api::codes::OBJECT_EXISTED),
            ..Failure::default()
        });
    }
    let url = c.download_url(src, None).await.map_err(|e| failure(&e))?;
    let download = c
        .download(&url, None, None)
        .await
        .map_err(|e| failure(&e))?;
    let len = download.info.content_length.unwrap_or(file.size);
    c.update_content(&target, None, ChunkBody::stream(download.body, len))
        .await
        .map_err(|e| failure(&e))?;
    Ok(1)
}
