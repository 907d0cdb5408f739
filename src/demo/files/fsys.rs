//! How a request's `cloudreve://` URI becomes a node, the way Cloudreve's "navigators" do it:
//! parse and clean the URI, check that its file system allows the action at all (capability
//! bits, files-and-transfers.md §1.3), then walk the path for the caller.
//!
//! Errors keep two texts, because the real server shows them differently: a top-level error
//! carries only the short message ("Path not exist"), while a batch (40081) reports the short
//! message per item and the first item's whole error chain as its own `msg`
//! (`failed to get file: failed to walk into "nope": Path not exist: ent: file not found`,
//! C2-237).

use super::super::http::ApiErr;
use super::super::ids::{self, Kind};
use super::super::store::Store;
use crate::api::uri::{CrUri, FileSystem, UriError};
use serde_json::{Map, Value};

/// Capability bits of the file systems (files-and-transfers.md §1.3).
pub mod cap {
    pub const CREATE: u8 = 0;
    pub const RENAME: u8 = 1;
    pub const DOWNLOAD: u8 = 7;
    pub const UPDATE_METADATA: u8 = 8;
    pub const LIST: u8 = 9;
    pub const THUMB: u8 = 10;
    pub const DELETE: u8 = 14;
    pub const LOCK: u8 = 15;
    pub const SOFT_DELETE: u8 = 16;
    pub const RESTORE: u8 = 17;
    pub const INFO: u8 = 19;
    pub const MODIFY_PROPS: u8 = 24;
}

/// The actions each file system allows (the decoded `capability` values of §1.3).
fn capabilities(fs: &FileSystem) -> &'static [u8] {
    match fs {
        FileSystem::My => &[0, 1, 6, 7, 8, 9, 10, 14, 15, 16, 18, 19, 20, 23, 24],
        FileSystem::Share => &[7, 9, 10, 15, 19, 20, 23, 24],
        FileSystem::Trash => &[9, 14, 15, 17, 19],
        FileSystem::SharedWithMe => &[7, 9, 23],
        FileSystem::Other(_) => &[],
    }
}

/// Go's `%q` of a small integer taken as a rune (`'\x10'`, `'\a'`), as it appears in
/// "action '\x10' is not supported under current fs" (C2-262).
pub fn go_quote_rune(n: u8) -> String {
    let inner = match n {
        7 => "\\a".to_string(),
        8 => "\\b".to_string(),
        9 => "\\t".to_string(),
        10 => "\\n".to_string(),
        11 => "\\v".to_string(),
        12 => "\\f".to_string(),
        13 => "\\r".to_string(),
        0..=31 | 127 => format!("\\x{n:02x}"),
        b'\'' => "\\'".to_string(),
        b'\\' => "\\\\".to_string(),
        _ => (n as char).to_string(),
    };
    format!("'{inner}'")
}

/// Go's `%q` of a string (printable characters kept, quotes and backslashes escaped).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An error of one file operation: `code` and short `msg` as a top-level answer shows them,
/// `detail` as the whole Go error chain (the `msg` of a 40081 batch).
#[derive(Debug, Clone, PartialEq)]
pub struct FsErr {
    pub code: i64,
    pub msg: String,
    pub detail: String,
    /// `data` of the answer (the locks of a 40073).
    pub data: Option<Value>,
}

impl FsErr {
    pub fn new(code: i64, msg: &str) -> FsErr {
        FsErr {
            code,
            msg: msg.to_string(),
            detail: msg.to_string(),
            data: None,
        }
    }

    /// An error whose chain continues with `cause` (`Not supported action: cannot …`).
    pub fn caused(code: i64, msg: &str, cause: &str) -> FsErr {
        FsErr {
            code,
            msg: msg.to_string(),
            detail: format!("{msg}: {cause}"),
            data: None,
        }
    }

    /// Prefixes the chain, as Go's `fmt.Errorf("…: %w", err)` does.
    pub fn context(mut self, prefix: &str) -> FsErr {
        self.detail = format!("{prefix}: {}", self.detail);
        self
    }

    pub fn login_required() -> FsErr {
        FsErr::new(401, "Login required")
    }

    pub fn permission_denied() -> FsErr {
        FsErr::new(403, "Permission denied")
    }

    pub fn not_supported(cause: &str) -> FsErr {
        FsErr::caused(403, "Not supported action", cause)
    }

    pub fn owner_only() -> FsErr {
        FsErr::new(40082, "Only owner or administrator can perform this action")
    }

    pub fn object_existed() -> FsErr {
        FsErr::caused(
            40004,
            "Object existed",
            "ent: constraint failed: constraint failed: UNIQUE constraint failed: files.file_children, files.name (2067)",
        )
    }

    pub fn illegal_name(cause: &str) -> FsErr {
        FsErr::caused(40052, "Invalid object name", cause)
    }

    pub fn entity_not_exist() -> FsErr {
        FsErr::new(40077, "Entity not exist")
    }

    /// A path element that does not exist below its parent.
    pub fn walk_failed(element: &str) -> FsErr {
        FsErr::caused(40016, "Path not exist", "ent: file not found")
            .context(&format!("failed to walk into {}", go_quote(element)))
    }

    /// The top-level answer for this error.
    pub fn api(&self) -> ApiErr {
        let err = ApiErr::new(self.code, self.msg.clone());
        match &self.data {
            Some(d) => err.with_data(d.clone()),
            None => err,
        }
    }
}

impl From<FsErr> for ApiErr {
    fn from(e: FsErr) -> ApiErr {
        e.api()
    }
}

impl From<ApiErr> for FsErr {
    fn from(e: ApiErr) -> FsErr {
        FsErr {
            data: e.data.clone(),
            ..FsErr::new(e.code, &e.msg)
        }
    }
}

/// Per-item failures of a batch request; 40081 when any.
#[derive(Debug, Default)]
pub struct Batch {
    failures: Vec<(String, FsErr)>,
}

impl Batch {
    pub fn add(&mut self, item: impl Into<String>, err: FsErr) {
        self.failures.push((item.into(), err));
    }

    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }

    /// The collected failures, item by item.
    pub fn into_items(self) -> Vec<(String, FsErr)> {
        self.failures
    }

    /// The 40081 answer: each item with its short message, the first item's chain on top.
    pub fn error(&self) -> ApiErr {
        let top = self
            .failures
            .first()
            .map(|(_, e)| e.detail.clone())
            .unwrap_or_default();
        let mut items = Map::new();
        for (item, err) in &self.failures {
            items.insert(item.clone(), err.api().as_item());
        }
        let mut api = ApiErr::new(40081, top);
        api.aggregated = Some(items);
        api
    }

    /// `Ok` when nothing failed.
    pub fn finish(self) -> Result<(), ApiErr> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// Like `finish`, with the successful results as `data` next to the failures when
    /// there are any (C2-363; none, C2-362).
    pub fn finish_with(self, data: Vec<Value>) -> Result<Value, ApiErr> {
        match (self.is_empty(), data.is_empty()) {
            (true, _) => Ok(Value::Array(data)),
            (false, true) => Err(self.error()),
            (false, false) => Err(self.error().with_data(Value::Array(data))),
        }
    }
}

/// Resolves `.` and `..` like Go's `path.Clean` on an absolute path (70_bad_input
/// "create_dot_dot_name" creates nothing and answers the root).
pub fn clean_segments(segments: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(segments.len());
    for seg in segments {
        match seg.as_str() {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            _ => out.push(seg.clone()),
        }
    }
    out
}

/// Parses a URI given by a client: not a `cloudreve://` URI → 40001 "unknown uri" (C2-208),
/// unknown file system → -1 with an empty message (C2-209).
pub fn parse_request_uri(raw: &str) -> Result<CrUri, ApiErr> {
    match CrUri::parse(raw) {
        Ok(mut uri) => {
            if let FileSystem::Other(_) = uri.fs {
                return Err(ApiErr::new(-1, ""));
            }
            uri.segments = clean_segments(&uri.segments);
            Ok(uri)
        }
        // `cloudreve://` alone names the empty file system, which no navigator serves.
        Err(UriError::NoFileSystem) => Err(ApiErr::new(-1, "")),
        Err(UriError::ShareWithoutId) => Err(ApiErr::new(404, "Shared file does not exist")),
        Err(_) => Err(ApiErr::new(40001, "unknown uri")),
    }
}

/// A node found through a URI.
#[derive(Debug, Clone)]
pub struct Located {
    pub node: u64,
    /// The node's URI as the caller addresses it: the request's `fs-id` and share prefix are
    /// kept (`cloudreve://<uid>@my/…`, `cloudreve://<id>:<pwd>@share/…`), no query.
    pub uri: CrUri,
    pub owner: u64,
    /// The root of its file system (the trash root has no real node: `node` is the hidden
    /// trash folder).
    pub is_root: bool,
    /// Set when the node was reached through a share.
    pub share: Option<super::super::share::ShareTarget>,
}

impl Located {
    /// The URI of a child of this folder.
    pub fn child_uri(&self, name: &str) -> CrUri {
        self.uri.join(name)
    }
}

/// Fails with 403 unless `fs` allows every action in `required`.
pub fn check_capabilities(fs: &FileSystem, required: &[u8]) -> Result<(), FsErr> {
    let allowed = capabilities(fs);
    match required.iter().find(|c| !allowed.contains(c)) {
        Some(missing) => Err(FsErr::not_supported(&format!(
            "action {} is not supported under current fs",
            go_quote_rune(*missing)
        ))),
        None => Ok(()),
    }
}

impl Store {
    /// Finds what `uri` names for `viewer`, after checking that its file system allows the
    /// `required` actions (this order is why an anonymous create inside a share is 403 and
    /// not 401, 40_shares "create_in_share_anonymous").
    pub fn locate(
        &self,
        viewer: Option<u64>,
        uri: &CrUri,
        required: &[u8],
    ) -> Result<Located, FsErr> {
        check_capabilities(&uri.fs, required)?;
        match uri.fs {
            FileSystem::My => self.locate_my(viewer, uri),
            FileSystem::Trash => self.locate_trash(viewer, uri),
            FileSystem::Share => self.locate_share(viewer, uri),
            _ => Err(FsErr::not_supported("cannot get root file with nil root")),
        }
    }

    /// `cloudreve://[<uid>@]my/…`: only the caller's own tree; an undecodable user id is
    /// 40016, someone else's is 403 "Permission denied" (C2-211).
    fn locate_my(&self, viewer: Option<u64>, uri: &CrUri) -> Result<Located, FsErr> {
        let viewer = viewer.ok_or_else(FsErr::login_required)?;
        let user = self.user(viewer).ok_or_else(FsErr::login_required)?;
        if let Some(fs_id) = &uri.fs_id {
            let Some(owner) = ids::decode(Kind::User, fs_id) else {
                return Err(FsErr::caused(40016, "Path not exist", "invalid user id"));
            };
            if owner != viewer {
                return Err(FsErr::permission_denied());
            }
        }
        let mut base = uri.without_query();
        base.segments.clear();
        let node = self.walk_named(user.root, &uri.segments)?;
        base.segments = uri.segments.clone();
        Ok(Located {
            node,
            uri: base,
            owner: viewer,
            is_root: uri.segments.is_empty(),
            share: None,
        })
    }

    /// `cloudreve://trash[/<uuid>]`: one flat level (C2-259).
    fn locate_trash(&self, viewer: Option<u64>, uri: &CrUri) -> Result<Located, FsErr> {
        let viewer = viewer.ok_or_else(FsErr::login_required)?;
        let user = self.user(viewer).ok_or_else(FsErr::login_required)?;
        let base = CrUri {
            fs: FileSystem::Trash,
            segments: uri.segments.clone(),
            ..CrUri::root(FileSystem::Trash)
        };
        match uri.segments.as_slice() {
            [] => Ok(Located {
                node: user.trash_root,
                uri: base,
                owner: viewer,
                is_root: true,
                share: None,
            }),
            [name] => {
                let node = self
                    .child(user.trash_root, name)
                    .ok_or_else(|| FsErr::walk_failed(name))?;
                Ok(Located {
                    node,
                    uri: base,
                    owner: viewer,
                    is_root: false,
                    share: None,
                })
            }
            _ => Err(FsErr::caused(
                40016,
                "Path not exist",
                &format!("invalid Path {}", go_quote(&uri.to_string())),
            )),
        }
    }

    /// `cloudreve://<id>[:<pwd>]@share/…`, resolved by the share area.
    fn locate_share(&self, viewer: Option<u64>, uri: &CrUri) -> Result<Located, FsErr> {
        let target = self.resolve_share_uri(uri, viewer)?;
        let owner = self.files.get(&target.node).map(|n| n.owner).unwrap_or(0);
        Ok(Located {
            node: target.node,
            uri: uri.without_query(),
            owner,
            is_root: uri.segments.is_empty(),
            share: Some(target),
        })
    }

    /// Walks `segments` below `root`, failing on the first missing element.
    pub fn walk_named(&self, root: u64, segments: &[String]) -> Result<u64, FsErr> {
        let mut cur = root;
        for seg in segments {
            cur = self
                .child(cur, seg)
                .ok_or_else(|| FsErr::walk_failed(seg))?;
        }
        Ok(cur)
    }

    /// Decoded path segments of a node below its file system's root.
    pub fn node_segments(&self, id: u64) -> Vec<String> {
        self.ancestry(id)
            .iter()
            .skip(1)
            .filter_map(|n| self.files.get(n).map(|f| f.name.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quoting_matches_the_recorded_messages() {
        assert_eq!(go_quote_rune(16), "'\\x10'");
        assert_eq!(go_quote_rune(17), "'\\x11'");
        assert_eq!(go_quote_rune(7), "'\\a'");
        assert_eq!(go_quote_rune(0), "'\\x00'");
        assert_eq!(go_quote("missing.txt"), "\"missing.txt\"");
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn capability_errors_name_the_missing_action() {
        assert!(check_capabilities(&FileSystem::My, &[cap::SOFT_DELETE]).is_ok());
        let err = check_capabilities(&FileSystem::Trash, &[cap::SOFT_DELETE]).unwrap_err();
        assert_eq!(err.code, 403);
        assert_eq!(err.msg, "Not supported action");
        assert_eq!(
            err.detail,
            "Not supported action: action '\\x10' is not supported under current fs"
        );
        assert!(check_capabilities(&FileSystem::Share, &[cap::CREATE]).is_err());
    }

    #[test]
    fn walk_errors_carry_the_go_chain() {
        let e = FsErr::walk_failed("missing.txt").context("failed to get target file");
        assert_eq!(e.msg, "Path not exist");
        assert_eq!(
            e.detail,
            "failed to get target file: failed to walk into \"missing.txt\": Path not exist: ent: file not found"
        );
    }

    #[test]
    fn request_uris_are_cleaned_and_checked() {
        let u = parse_request_uri("cloudreve://my/a/../b/./c").unwrap();
        assert_eq!(u.segments, vec!["b", "c"]);
        assert!(
            parse_request_uri("cloudreve://my/..")
                .unwrap()
                .segments
                .is_empty()
        );
        assert_eq!(parse_request_uri("not-a-uri").unwrap_err().code, 40001);
        assert_eq!(
            parse_request_uri("ftp://my/x").unwrap_err().msg,
            "unknown uri"
        );
        assert_eq!(
            parse_request_uri("cloudreve://nowhere").unwrap_err().code,
            -1
        );
    }

    #[test]
    fn batches_report_short_items_and_the_first_chain() {
        let mut b = Batch::default();
        b.add(
            "cloudreve://my/x",
            FsErr::walk_failed("x").context("failed to get file"),
        );
        let e = b.error();
        assert_eq!(e.code, 40081);
        assert!(e.msg.starts_with("failed to get file: failed to walk into"));
        let items = e.aggregated.unwrap();
        assert_eq!(items["cloudreve://my/x"]["msg"], "Path not exist");
        assert_eq!(items["cloudreve://my/x"]["code"], 40016);
    }
}
