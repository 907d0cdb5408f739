//! Carries out `Op`s on the drive or the disk, and reads item info.

use super::convert::{failure, info_fields, io_failure, local_info_fields};
use crate::api::models::FileKind;
use crate::api::uri::{CrUri, FileSystem};
use crate::api::{Client, DeleteOptions, InfoOptions};
use crate::app::command::Op;
use crate::app::msg::{FailedItem, Failure, InfoField};
use crate::app::source::Source;
use std::collections::BTreeMap;
use std::path::Path;

pub async fn run(client: Option<&Client>, op: Op) -> Result<(), Failure> {
    match op {
        Op::Create { target, folder } => match target {
            Source::Remote(uri) => {
                let kind = if folder {
                    FileKind::Folder
                } else {
                    FileKind::File
                };
                // `err_on_conflict`: an existing name is a 40004 the user can react to, not a
                // silent success (C2-177, C2-178).
                let c = signed_in(client)?;
                c.create(&uri, kind, &BTreeMap::new(), true)
                    .await
                    .map(drop)
                    .map_err(|e| failure(&e))
            }
            Source::Local(path) => create_local(&path, folder).await,
        },
        Op::Rename { target, new_name } => match target {
            Source::Remote(uri) => signed_in(client)?
                .rename(&uri, &new_name)
                .await
                .map(drop)
                .map_err(|e| failure(&e)),
            Source::Local(path) => rename_local(&path, &new_name).await,
        },
        Op::Delete { targets, permanent } => {
            let uris: Vec<CrUri> = targets.iter().filter_map(|t| t.remote().cloned()).collect();
            if uris.is_empty() {
                let paths: Vec<&Path> = targets.iter().filter_map(Source::local).collect();
                return delete_local(&paths).await;
            }
            let opts = DeleteOptions {
                skip_soft_delete: permanent,
                unlink: false,
            };
            signed_in(client)?
                .delete(&uris, opts)
                .await
                .map_err(|e| failure(&e))
        }
        Op::Transfer { sources, dst, copy } => {
            let c = signed_in(client)?;
            let result = if copy {
                c.copy_files(&sources, &dst).await
            } else {
                c.move_files(&sources, &dst).await
            };
            result.map_err(|e| failure(&e))
        }
        Op::Restore { targets } => signed_in(client)?
            .restore(&targets)
            .await
            .map_err(|e| failure(&e)),
        Op::ForceUnlock { tokens } => signed_in(client)?
            .force_unlock(&tokens)
            .await
            .map_err(|e| failure(&e)),
    }
}

fn signed_in(client: Option<&Client>) -> Result<&Client, Failure> {
    client.ok_or_else(|| Failure {
        message: "Not signed in".into(),
        signed_out: true,
        ..Failure::default()
    })
}

async fn create_local(path: &Path, folder: bool) -> Result<(), Failure> {
    let what = path.display().to_string();
    if folder {
        tokio::fs::create_dir(path).await
    } else {
        tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .await
            .map(drop)
    }
    .map_err(|e| io_failure(&what, &e))
}

async fn rename_local(path: &Path, new_name: &str) -> Result<(), Failure> {
    let target = path.with_file_name(new_name);
    // `rename` would silently replace an existing file: refuse like the server does.
    if tokio::fs::symlink_metadata(&target).await.is_ok() {
        let e = std::io::Error::from(std::io::ErrorKind::AlreadyExists);
        return Err(io_failure(&target.display().to_string(), &e));
    }
    tokio::fs::rename(path, &target)
        .await
        .map_err(|e| io_failure(&path.display().to_string(), &e))
}

/// Deletes each path; failures are listed per item like a `40081` answer.
async fn delete_local(paths: &[&Path]) -> Result<(), Failure> {
    let mut items = Vec::new();
    for path in paths {
        let result = match tokio::fs::symlink_metadata(path).await {
            Ok(m) if m.is_dir() => tokio::fs::remove_dir_all(path).await,
            Ok(_) => tokio::fs::remove_file(path).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            items.push(FailedItem {
                item: path.display().to_string(),
                code: 0,
                message: e.to_string(),
            });
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    Err(Failure {
        message: format!(
            "{} of {} items could not be deleted",
            items.len(),
            paths.len()
        ),
        items,
        ..Failure::default()
    })
}

pub async fn info(client: Option<&Client>, target: Source) -> Result<Vec<InfoField>, Failure> {
    match target {
        Source::Local(path) => {
            let meta = tokio::fs::symlink_metadata(&path)
                .await
                .map_err(|e| io_failure(&path.display().to_string(), &e))?;
            Ok(local_info_fields(&path, &meta))
        }
        Source::Remote(uri) => {
            let c = signed_in(client)?;
            // Extended info and folder totals exist for one's own files only.
            let own = uri.fs == FileSystem::My;
            let opts = InfoOptions {
                extended: own,
                folder_summary: own,
            };
            let file = match c.file_info(&uri, opts).await {
                Ok(f) => f,
                Err(_) if own => c
                    .file_info(&uri, InfoOptions::default())
                    .await
                    .map_err(|e| failure(&e))?,
                Err(e) => return Err(failure(&e)),
            };
            Ok(info_fields(&file))
        }
    }
}
