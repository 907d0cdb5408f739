//! From the API's types to the app's: entries, failures, capability bits, info fields. Done on
//! the worker side so the loop only ever receives small, ready data.

use crate::api::models::{BoolSet, Capability, File, meta};
use crate::api::{ApiError, codes};
use crate::app::entry::{Entry, EntryExtra, EntryKind};
use crate::app::msg::{FailedItem, Failure, FolderCaps, HeldLock, InfoField};
use crate::units;

/// One listed file. The URI is not kept: the pane derives it from its folder and the name,
/// except where the server files the item under another segment (trash UUIDs, shortcut ids).
pub fn entry_from_file(file: &File) -> Entry {
    let kind = if file.is_folder() {
        EntryKind::Folder
    } else {
        EntryKind::File
    };
    let modified = file.updated_at.timestamp();
    let uri_name = file
        .uri()
        .ok()
        .and_then(|u| u.name().map(str::to_string))
        .filter(|segment| segment != &file.name);
    let extra = EntryExtra {
        uri_name: uri_name.map(Into::into),
        restore_uri: file.restore_uri().map(Into::into),
        redirect: file.shared_redirect().map(Into::into),
        location: None,
    };
    Entry::new(&file.name, kind, file.size, modified).with_extra(extra)
}

/// A search result keeps its full URI: it lives below the searched folder, not in it.
pub fn located(entry: Entry, file: &File) -> Entry {
    let mut extra = entry.extra().cloned().unwrap_or_default();
    extra.location = Some(file.path.as_str().into());
    extra.uri_name = None;
    entry.with_extra(extra)
}

pub fn caps(set: &BoolSet) -> FolderCaps {
    FolderCaps {
        create: set.has(Capability::CreateFile),
        rename: set.has(Capability::Rename),
        trash: set.has(Capability::SoftDelete),
        delete_permanently: set.has(Capability::DeletePermanently),
        restore: set.has(Capability::Restore),
    }
}

/// An API error as data for the app.
pub fn failure(e: &ApiError) -> Failure {
    let signed_out = e.needs_sign_in();
    match e {
        ApiError::Api {
            code,
            msg,
            correlation_id,
            aggregated,
            locks,
            ..
        } => {
            let mut message = if msg.is_empty() {
                format!("The server refused (code {code})")
            } else {
                format!("{msg} (code {code})")
            };
            if let Some(id) = correlation_id {
                message.push_str(&format!(" [correlation id {id}]"));
            }
            Failure {
                message,
                code: Some(*code),
                items: aggregated
                    .iter()
                    .map(|i| FailedItem {
                        item: i.item.clone(),
                        code: i.code,
                        message: i.msg.clone(),
                    })
                    .collect(),
                locks: locks
                    .iter()
                    .map(|l| HeldLock {
                        path: l.path.clone(),
                        token: l.token.clone(),
                        application: l.owner.application.kind.clone(),
                    })
                    .collect(),
                signed_out,
            }
        }
        other => Failure {
            message: other.to_string(),
            signed_out,
            ..Failure::default()
        },
    }
}

/// A disk error; "already exists" looks like the server's `40004` so the same conflict
/// dialog offers another name.
pub fn io_failure(what: &str, e: &std::io::Error) -> Failure {
    Failure {
        message: format!("{what}: {e}"),
        code: (e.kind() == std::io::ErrorKind::AlreadyExists).then_some(codes::OBJECT_EXISTED),
        ..Failure::default()
    }
}

/// Everything `GET /file/info?extended=true` says, as label/value pairs (raw text: the popup
/// sanitizes it).
pub fn info_fields(file: &File) -> Vec<InfoField> {
    let mut f = vec![
        InfoField::new("Name", &file.name),
        InfoField::new("Raw name", format!("{:?}", file.name)),
        InfoField::new("Type", if file.is_folder() { "folder" } else { "file" }),
    ];
    if !file.is_folder() {
        f.push(InfoField::new("Size", sized(file.size)));
    }
    f.push(InfoField::new("Modified", when(&file.updated_at)));
    f.push(InfoField::new("Created", when(&file.created_at)));
    f.push(InfoField::new("URI", &file.path));
    f.push(InfoField::new("ID", &file.id));
    f.push(InfoField::new("Owned", yes_no(file.owned)));
    f.push(InfoField::new("Shared", yes_no(file.shared)));
    if let Some(caps) = &file.capability {
        f.push(InfoField::new("Allowed", capability_names(caps)));
    }
    if !file.primary_entity.is_empty() {
        f.push(InfoField::new("Content blob", &file.primary_entity));
    }
    if let Some(at) = file.expected_collect_time() {
        let when = chrono::DateTime::from_timestamp(at, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| at.to_string());
        f.push(InfoField::new("Purged at", when));
    }
    let tags = crate::drive::meta::tags(file);
    if !tags.is_empty() {
        let names: Vec<String> = tags
            .iter()
            .map(|t| match &t.color {
                Some(c) => format!("{} ({c})", t.name),
                None => t.name.clone(),
            })
            .collect();
        f.push(InfoField::new("Tags", names.join(", ")));
    }
    for (key, value) in &file.metadata {
        let label = match key.as_str() {
            meta::RESTORE_URI => "Restores to".to_string(),
            meta::SHARED_REDIRECT => "Opens".to_string(),
            meta::EXPECTED_COLLECT_TIME => continue,
            k if k.starts_with(crate::drive::meta::TAG_PREFIX) => continue,
            k if k.starts_with("props:") => format!("Property {}", &k["props:".len()..]),
            _ => format!("Meta {key}"),
        };
        f.push(InfoField::new(label, value));
    }
    if let Some(summary) = &file.folder_summary {
        f.push(InfoField::new(
            "Contains",
            format!(
                "{} files, {} folders, {}{}",
                summary.files,
                summary.folders,
                sized(summary.size),
                if summary.completed {
                    ""
                } else {
                    " (count stopped early)"
                }
            ),
        ));
    }
    if let Some(ext) = &file.extended_info {
        if let Some(policy) = &ext.storage_policy {
            f.push(InfoField::new(
                "Storage policy",
                format!("{} ({})", policy.name, policy.kind),
            ));
        }
        f.push(InfoField::new("Storage used", sized(ext.storage_used)));
        let versions: Vec<_> = ext.entities.iter().filter(|e| e.kind == 0).collect();
        for (n, v) in versions.iter().enumerate() {
            let current = if v.id == file.primary_entity {
                " (current)"
            } else {
                ""
            };
            f.push(InfoField::new(
                format!("Version {}", n + 1),
                format!("{}, {}{current}", sized(v.size), when(&v.created_at)),
            ));
        }
        for share in &ext.shares {
            f.push(InfoField::new(
                "Share",
                format!(
                    "{} ({} visits, {} downloads)",
                    share.id, share.visited, share.downloaded
                ),
            ));
        }
        for link in &ext.direct_links {
            f.push(InfoField::new(
                "Direct link",
                format!(
                    "{} ({} downloads, id {})",
                    link.url, link.downloaded, link.id
                ),
            ));
        }
    }
    f
}

/// `2026-11-27 01:21:03 +00:00`: seconds matter in an info view, nanoseconds do not.
fn when(t: &crate::api::models::Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn sized(bytes: u64) -> String {
    format!(
        "{} ({} bytes)",
        units::size(bytes),
        units::count(bytes as usize)
    )
}

fn capability_names(set: &BoolSet) -> String {
    let names = [
        (Capability::CreateFile, "create"),
        (Capability::Rename, "rename"),
        (Capability::Upload, "upload"),
        (Capability::Download, "download"),
        (Capability::UpdateMetadata, "metadata"),
        (Capability::ListChildren, "list"),
        (Capability::DeletePermanently, "delete"),
        (Capability::Lock, "lock"),
        (Capability::SoftDelete, "trash"),
        (Capability::Restore, "restore"),
        (Capability::Share, "share"),
        (Capability::Info, "info"),
        (Capability::VersionControl, "versions"),
        (Capability::EnterFolder, "enter"),
    ];
    let on: Vec<&str> = names
        .iter()
        .filter(|(c, _)| set.has(*c))
        .map(|(_, n)| *n)
        .collect();
    if on.is_empty() {
        "nothing".into()
    } else {
        on.join(", ")
    }
}

/// A local file's fields for the info popup.
pub fn local_info_fields(path: &std::path::Path, meta: &std::fs::Metadata) -> Vec<InfoField> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = if meta.is_dir() {
        "folder"
    } else if meta.file_type().is_symlink() {
        "symbolic link"
    } else {
        "file"
    };
    let mut f = vec![
        InfoField::new("Name", &name),
        InfoField::new(
            "Raw name",
            format!("{:?}", path.file_name().unwrap_or_default()),
        ),
        InfoField::new("Type", kind),
        InfoField::new("Path", path.display().to_string()),
    ];
    if !meta.is_dir() {
        f.push(InfoField::new("Size", sized(meta.len())));
    }
    if let Ok(t) = meta.modified() {
        let t: chrono::DateTime<chrono::Local> = t.into();
        f.push(InfoField::new("Modified", when(&t.fixed_offset())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        f.push(InfoField::new(
            "Permissions",
            format!("{:o}", meta.mode() & 0o7777),
        ));
        f.push(InfoField::new(
            "Owner",
            format!("uid {} gid {}", meta.uid(), meta.gid()),
        ));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trash_and_shortcut_entries_keep_their_uri_segment() {
        // C2-257 and C2-427.
        let trash: File = serde_json::from_str(
            r#"{"type":0,"id":"D7tz","name":"f01.txt","created_at":"2026-11-27T01:30:33Z",
            "updated_at":"2026-11-27T01:30:33Z","size":0,"metadata":{"sys:expected_collect_time":"1796347833",
            "sys:restore_uri":"cloudreve://my/many/f01.txt"},"path":"cloudreve://trash/9008d31d-6db9",
            "capability":"AMIK","owned":true,"primary_entity":"5kU3"}"#,
        )
        .unwrap();
        let e = entry_from_file(&trash);
        assert_eq!(e.name(), "f01.txt");
        assert_eq!(e.uri_name(), "9008d31d-6db9");
        assert_eq!(
            e.extra().and_then(|x| x.restore_uri.as_deref()),
            Some("cloudreve://my/many/f01.txt")
        );
        let plain: File = serde_json::from_str(
            r#"{"type":1,"id":"x","name":"a b","created_at":"2026-11-27T01:30:33Z",
            "updated_at":"2026-11-27T01:30:33Z","path":"cloudreve://my/a%20b"}"#,
        )
        .unwrap();
        let e = entry_from_file(&plain);
        assert!(e.extra().is_none() && e.is_folder());
    }

    #[test]
    fn failures_carry_items_and_locks() {
        let e = ApiError::Api {
            code: codes::BATCH_PARTIAL,
            msg: "Failed to batch".into(),
            correlation_id: None,
            aggregated: vec![crate::api::ItemError {
                item: "cloudreve://my/a".into(),
                code: 40016,
                msg: "Path not exist".into(),
                correlation_id: None,
            }],
            locks: Vec::new(),
            data: None,
        };
        let f = failure(&e);
        assert_eq!(f.code, Some(codes::BATCH_PARTIAL));
        assert_eq!(f.items.len(), 1);
        assert!(!f.signed_out);
        assert!(failure(&ApiError::SignedOut).signed_out);
    }
}
