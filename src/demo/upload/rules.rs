//! Request rules of the upload and content routes: target URIs, names, metadata, quota.
//!
//! These are the checks a real 4.18.0 server runs before it writes anything (files-and-transfers.md
//! §4.2, §4.9, README §6). URI parsing, name and metadata rules and locks are the file area's;
//! this module adds what only writes need.

use super::super::files;
use super::super::http::ApiErr;
use super::super::store::Store;
use crate::api::uri::{CrUri, FileSystem};
use std::collections::BTreeMap;

/// Parses the `uri` of a write request: missing → 40001 without correlation id (binding),
/// otherwise like every file route (`unknown uri`, -1, `.`/`..` resolved as in
/// 32_upload_names "dot_segment_in_path").
pub fn parse_target_uri(raw: Option<&str>) -> Result<CrUri, ApiErr> {
    match raw {
        Some(raw) if !raw.is_empty() => files::parse_request_uri(raw),
        _ => Err(ApiErr::param("Uri cannot be empty")),
    }
}

/// Only the caller's own `my` file system takes new content: trash, shares and saved
/// shortcuts are read-only (403 "Not supported action", C2-188), someone else's `my` is 403
/// "Permission denied" (26_multi_user "bob_upload_session_in_alice_folder").
pub fn check_writable_fs(store: &Store, user: u64, uri: &CrUri) -> Result<(), ApiErr> {
    if uri.fs != FileSystem::My {
        return Err(ApiErr::not_supported());
    }
    if let Some(owner) = &uri.fs_id {
        let own = store.user(user).map(|u| u.hash_id());
        if own.as_deref() != Some(owner.as_str()) {
            return Err(ApiErr::new(403, "Permission denied"));
        }
    }
    Ok(())
}

/// 40052 for names the server refuses (README §6, C2-182, C2-296).
pub fn check_name(name: &str) -> Result<(), ApiErr> {
    files::validate_name(name).map_err(|e| e.api())
}

/// The default local policy stores a blob as `{uid}_{randomkey8}_{originname}` on a file
/// system whose names are at most 255 bytes, so a long valid name cannot be written there:
/// the real server answers 50004 "Failed to upload file" (32_upload_names "name_255_bytes").
pub fn blob_name_fits(user: u64, name: &str) -> bool {
    let stored = user.to_string().len() + 1 + 8 + 1 + name.len();
    stored <= 255
}

pub fn check_blob_name(user: u64, name: &str) -> Result<(), ApiErr> {
    if blob_name_fits(user, name) {
        Ok(())
    } else {
        Err(ApiErr::new(50004, "Failed to upload file"))
    }
}

/// Metadata given at upload time is validated like `PATCH /file/metadata` (C2-515).
pub fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<(), ApiErr> {
    files::validate_metadata(
        metadata
            .iter()
            .map(|(k, v)| (k.as_str(), Some(v.as_str()), false)),
    )
}

/// 40051 when `size` more bytes do not fit into the user's group quota (C2-297).
pub fn check_quota(store: &Store, user: u64, size: u64) -> Result<(), ApiErr> {
    let quota = store.user(user).map(|u| u.group.quota()).unwrap_or(0);
    let free = quota.saturating_sub(store.storage_used(user));
    if size > free {
        Err(ApiErr::new(40051, "Insufficient capacity"))
    } else {
        Ok(())
    }
}

/// `Ok` when no lock stands in the way of changing `node`, else 40073 with the locks.
/// `own_lock` is a lock the caller itself holds (a session cancelling itself): it is set aside
/// for the check.
pub fn check_unlocked(store: &mut Store, node: u64, own_lock: Option<&str>) -> Result<(), ApiErr> {
    let set_aside = own_lock.and_then(|t| store.locks.remove_entry(t));
    let checked = store.check_locks(&[node]);
    if let Some((token, lock)) = set_aside {
        store.locks.insert(token, lock);
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names_leave_room_for_the_policy_prefix() {
        // `1_` + 8 random characters + `_` leave 244 bytes for the name.
        assert!(blob_name_fits(1, &"a".repeat(244)));
        assert!(!blob_name_fits(1, &"a".repeat(245)));
        assert!(!blob_name_fits(7, &"a".repeat(255)));
    }

    #[test]
    fn uri_rules() {
        assert_eq!(
            parse_target_uri(None).unwrap_err().msg,
            "Uri cannot be empty"
        );
        assert!(!parse_target_uri(Some("")).unwrap_err().with_cid);
        let err = parse_target_uri(Some("/up/plain-path.txt")).unwrap_err();
        assert_eq!((err.code, err.msg.as_str()), (40001, "unknown uri"));
        let uri = parse_target_uri(Some("cloudreve://my/n/sub/../up.txt")).unwrap();
        assert_eq!(uri.segments, vec!["n".to_string(), "up.txt".to_string()]);
    }

    #[test]
    fn metadata_rules() {
        let meta = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert!(check_metadata(&meta("tag:inbox", "#2196f3")).is_ok());
        assert!(check_metadata(&meta("customize:icon_color", "#ff0000")).is_ok());
        let bad_key = check_metadata(&meta("nonsense", "x")).unwrap_err();
        assert_eq!(bad_key.msg, "Invalid metadata key");
        assert!(check_metadata(&meta("sys:upload_session_id", "x")).is_err());
    }
}
