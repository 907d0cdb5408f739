//! Every response body captured from a real Cloudreve 4.18.0 server must decode with the
//! client: JSON envelopes into the model of their route (checked field by field), plain-text
//! 404s as "not supported", empty/HTML error pages as decode errors. Bodies that are not
//! Cloudreve answers at all (downloaded bytes, images, WebDAV, redirects) are listed below with
//! the reason.
//!
//! The captures live in `../shared/cloudreve-captures` (override with `REVE_CAPTURES`); the
//! test is skipped when they are absent.

use reve::api::envelope::{Reply, decode};
use reve::api::models::*;
use reve::api::{ApiError, FileEvent, SseParser, s3_error_code};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Bodies that are not a Cloudreve envelope and not an error page: the client never decodes
/// them as JSON. Keyed by `set/number`.
const NOT_CLOUDREVE_JSON: &[(&str, &str)] = &[
    // Avatars: 404 with an empty body = "no avatar", or the image itself.
    ("set1/24", "avatar 404, empty body (user has no avatar)"),
    (
        "set1/30",
        "avatar 404, empty body after switching to Gravatar",
    ),
    ("set2/087", "avatar 404, empty body"),
    ("set2/088", "avatar 404, empty body (nocache)"),
    ("set2/091", "avatar 304 Not Modified, empty body"),
    (
        "set2/093",
        "HEAD on the avatar route: a plain 404 whose body HEAD leaves out",
    ),
    ("set2/107", "avatar 302 to Gravatar, small HTML body"),
    (
        "set2/108",
        "avatar 302 to Gravatar, small HTML body (nocache)",
    ),
    // WebDAV protocol answers, not the API.
    ("set2/130", "WebDAV PROPFIND multistatus XML"),
    ("set2/131", "WebDAV PUT 201 text"),
    ("set2/132", "WebDAV GET: file content"),
    ("set2/133", "WebDAV 401, empty body"),
    ("set2/134", "WebDAV 401, empty body"),
    ("set2/135", "WebDAV 403, empty body"),
    // Signed content route: raw bytes with 200/206/304/416.
    ("set2/325", "content bytes"),
    ("set2/326", "content bytes, 206"),
    ("set2/327", "content bytes, 206"),
    ("set2/328", "content bytes, 206"),
    ("set2/329", "multipart/byteranges body"),
    ("set2/330", "416 text/plain 'invalid range'"),
    ("set2/331", "HEAD, empty body"),
    ("set2/332", "304, empty body"),
    ("set2/333", "content bytes, 206"),
    ("set2/334", "content bytes, 200"),
    ("set2/338", "inline text content"),
    ("set2/339", "POST /file/url redirect:true → 302, empty body"),
    ("set2/348", "zip stream"),
    ("set2/351", "thumbnail image bytes"),
    ("set2/358", "direct link 302, small HTML body"),
    ("set2/359", "direct link 302, small HTML body"),
    ("set2/378", "0-byte content of a file without blob"),
    ("set2/379", "direct link 302, small HTML body"),
    (
        "set2/380",
        "HEAD on a direct link: plain 404 outside the API",
    ),
    ("set2/424", "share short link 302, small HTML body"),
    ("set2/425", "share short link 302, small HTML body"),
    ("set2/527", "content bytes of a file moved to the trash"),
];

/// What the decoder made of one body.
enum Outcome {
    Data,
    Continue,
    Api {
        code: i64,
        aggregated: usize,
        locks: usize,
    },
    NotSupported,
    Decode(String),
    Other(String),
}

type Checker = fn(&str, u16, Option<&str>, &[u8]) -> Result<Outcome, String>;

/// Decodes into `T`, then checks that re-encoding the value keeps every key of the original
/// `data`: a key that disappears is a field the model silently ignores.
fn typed<T: DeserializeOwned + Serialize>(
    endpoint: &str,
    status: u16,
    ct: Option<&str>,
    body: &[u8],
) -> Result<Outcome, String> {
    match decode::<T>(endpoint, status, ct, body) {
        Ok(Reply::Done(value)) => {
            let original = first_document(body)
                .and_then(|v| v.get("data").cloned())
                .unwrap_or(Value::Null);
            let again = serde_json::to_value(&value).map_err(|e| e.to_string())?;
            let missing = missing_keys(&original, &again, "data");
            if missing.is_empty() {
                Ok(Outcome::Data)
            } else {
                Err(format!("fields not modelled: {missing:?}"))
            }
        }
        Ok(Reply::Continue(_)) => Ok(Outcome::Continue),
        Err(e) => Ok(outcome_of(e)),
    }
}

/// For answers outside reve's scope (the admin API): only the envelope is checked.
fn envelope_only(
    endpoint: &str,
    status: u16,
    ct: Option<&str>,
    body: &[u8],
) -> Result<Outcome, String> {
    match decode::<Value>(endpoint, status, ct, body) {
        Ok(Reply::Done(_)) => Ok(Outcome::Data),
        Ok(Reply::Continue(_)) => Ok(Outcome::Continue),
        Err(e) => Ok(outcome_of(e)),
    }
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Data => "data".into(),
        Outcome::Continue => "continue (203)".into(),
        Outcome::Api { code, .. } => format!("API error {code}"),
        Outcome::NotSupported => "not supported".into(),
        Outcome::Decode(detail) => format!("decode error: {detail}"),
        Outcome::Other(text) => format!("error: {text}"),
    }
}

fn outcome_of(e: ApiError) -> Outcome {
    match e {
        ApiError::Api {
            code,
            aggregated,
            locks,
            ..
        } => Outcome::Api {
            code,
            aggregated: aggregated.len(),
            locks: locks.len(),
        },
        ApiError::NotSupported { .. } => Outcome::NotSupported,
        ApiError::Decode { detail, .. } => Outcome::Decode(detail),
        other => Outcome::Other(other.to_string()),
    }
}

fn missing_keys(original: &Value, again: &Value, at: &str) -> Vec<String> {
    match (original, again) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .flat_map(|(k, v)| match b.get(k) {
                Some(w) => missing_keys(v, w, &format!("{at}.{k}")),
                None => vec![format!("{at}.{k}")],
            })
            .collect(),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .flat_map(|(i, (v, w))| missing_keys(v, w, &format!("{at}[{i}]")))
            .collect(),
        _ => Vec::new(),
    }
}

fn first_document(body: &[u8]) -> Option<Value> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<Value>()
        .next()?
        .ok()
}

/// The model of each route (paths below `/api/v4`, or outside it).
fn checker_for(method: &str, path: &str) -> Option<Checker> {
    let Some(api) = path.strip_prefix("/api/v4/") else {
        // Outside the API: direct links (404 envelope, C2-368), share links, WebDAV, storage.
        return match path.split('/').nth(1) {
            Some("f" | "s" | "dav" | "crtest") => Some(typed::<()>),
            _ => None,
        };
    };
    let segs: Vec<&str> = api.split('/').collect();
    let c: Checker = match (method, segs.as_slice()) {
        // Site
        ("GET", ["site", "ping"]) => typed::<String>,
        ("GET", ["site", "captcha"]) => typed::<Captcha>,
        ("GET", ["site", "config", _]) => typed::<SiteConfig>,
        ("POST", ["site", "abuse"]) => typed::<()>,
        // Session
        ("POST", ["session", "token"]) => typed::<LoginResponse>,
        ("POST", ["session", "token", "2fa"]) => typed::<LoginResponse>,
        ("POST", ["session", "token", "refresh"]) => typed::<Tokens>,
        ("DELETE", ["session", "token"]) => typed::<Option<String>>,
        ("GET", ["session", "prepare"]) => typed::<LoginPrepare>,
        ("PUT", ["session", "authn"]) => typed::<PasskeyLoginOptions>,
        ("POST", ["session", "authn"]) => typed::<LoginResponse>,
        ("PUT", ["session", "openid"]) => typed::<String>,
        ("POST", ["session", "openid"]) => typed::<Option<LoginResponse>>,
        ("DELETE", ["session", "openid", _]) => typed::<()>,
        // User
        ("POST", ["user"]) => typed::<User>,
        ("GET", ["user", "me"]) => typed::<User>,
        ("GET", ["user", "info", _]) => typed::<User>,
        ("GET", ["user", "capacity"]) => typed::<Capacity>,
        ("GET", ["user", "search"]) => typed::<Vec<User>>,
        ("GET", ["user", "shares", _]) => typed::<SharePage>,
        ("GET", ["user", "setting"]) => typed::<UserSettings>,
        ("PATCH", ["user", "setting"]) => typed::<()>,
        ("GET", ["user", "setting", "2fa"]) => typed::<String>,
        ("PUT", ["user", "setting", "avatar"]) => typed::<()>,
        ("GET" | "HEAD", ["user", "avatar", _]) => typed::<()>,
        ("GET", ["user", "activate", _]) => typed::<User>,
        ("POST", ["user", "reset"]) => typed::<()>,
        ("PATCH", ["user", "reset", _]) => typed::<User>,
        // WebAuthn creation options are passed through untouched.
        ("PUT", ["user", "authn"]) => envelope_only,
        ("POST", ["user", "authn"]) => typed::<Passkey>,
        ("DELETE", ["user", "authn"]) => typed::<()>,
        // Pro (plain 404 on Community)
        ("GET", ["user", "setting", "policies"]) => typed::<Vec<StoragePolicy>>,
        ("GET", ["user", "setting", "nodes"]) => typed::<Vec<NodeSummary>>,
        ("GET", ["user", "creditChanges"]) => typed::<CreditChangePage>,
        ("GET", ["user", "payments"]) => typed::<PaymentPage>,
        ("GET", ["group", "list"]) => typed::<Vec<GroupSummary>>,
        ("PUT", ["vas", "payment"]) => typed::<PaymentCreated>,
        ("GET", ["vas", "payment", "status", _, _]) => typed::<Payment>,
        ("GET", ["vas", "giftcode", _]) => typed::<GiftCode>,
        ("POST", ["vas", "giftcode", _, "redeem"]) => typed::<()>,
        ("GET", ["file", "activities"]) => typed::<ActivityPage>,
        ("POST" | "DELETE", ["file", "permission"]) => typed::<()>,
        ("PATCH", ["file", "policy"]) => typed::<()>,
        ("POST", ["workflow", "relocate" | "reloacte"]) => typed::<Task>,
        ("GET", ["nonexistent"]) => typed::<()>,
        ("OPTIONS", ["file"]) => typed::<()>,
        // WebDAV accounts
        ("GET", ["devices", "dav"]) => typed::<DavPage>,
        ("PUT", ["devices", "dav"]) => typed::<DavAccount>,
        ("PATCH", ["devices", "dav", _]) => typed::<DavAccount>,
        ("DELETE", ["devices", "dav", _]) => typed::<()>,
        // Files
        ("GET", ["file"]) => typed::<ListResponse>,
        ("GET", ["file", "info"]) => typed::<File>,
        ("POST", ["file", "create" | "rename"]) => typed::<File>,
        ("POST", ["file", "move" | "restore"]) => typed::<()>,
        ("DELETE", ["file"] | ["file", "trash" | "lock" | "pin" | "version"]) => typed::<()>,
        ("PATCH", ["file", "metadata" | "view"]) => typed::<()>,
        ("POST", ["file", "version", "current"]) => typed::<()>,
        ("PUT", ["file", "pin"]) => typed::<()>,
        ("PUT", ["file", "source"]) => typed::<Vec<DirectLink>>,
        ("DELETE", ["file", "source", _]) => typed::<()>,
        ("GET", ["file", "thumb"]) => typed::<ThumbUrl>,
        ("PUT", ["file", "viewerSession"]) => typed::<ViewerSessionResponse>,
        ("GET", ["file", "archive"]) => typed::<ArchiveListing>,
        ("GET", ["file", "archive", _, _]) => typed::<()>,
        ("GET", ["file", "search"]) => typed::<FullTextResults>,
        ("GET", ["file", "events"]) => typed::<()>,
        ("POST", ["file", "url"]) => typed::<DownloadUrls>,
        ("GET" | "HEAD", ["file", "content", ..]) => typed::<()>,
        ("PUT", ["file", "content"]) => typed::<File>,
        // Uploads and callbacks
        ("PUT", ["file", "upload"]) => typed::<UploadSession>,
        ("POST", ["file", "upload", _, _]) => typed::<()>,
        ("DELETE", ["file", "upload"]) => typed::<()>,
        (_, ["callback", ..]) => typed::<()>,
        // A remote node's envelopes (chunk upload, downloads, signed routes).
        (_, ["slave", ..]) => typed::<()>,
        // Shares
        ("PUT", ["share"]) => typed::<String>,
        ("POST", ["share", _]) => typed::<String>,
        ("GET", ["share", "info", _]) => typed::<Share>,
        ("GET", ["share"]) => typed::<SharePage>,
        ("DELETE", ["share"] | ["share", _]) => typed::<()>,
        // Workflow
        ("GET", ["workflow"]) => typed::<TaskPage>,
        ("GET", ["workflow", "progress", _]) => typed::<TaskProgressMap>,
        ("POST", ["workflow", "archive" | "extract" | "import"]) => typed::<Task>,
        ("POST", ["workflow", "download"]) => typed::<Vec<Task>>,
        ("PATCH" | "DELETE", ["workflow", "download", _]) => typed::<()>,
        // The admin API (set-up steps of the capture runs) is not part of reve's client.
        (_, ["admin", ..]) => envelope_only,
        _ => return None,
    };
    Some(c)
}

/// Set 1 has no request files: its routes follow from the capture names.
fn set1_route(stem: &str) -> Option<(&'static str, &'static str)> {
    let name = stem.split_once('_')?.1;
    Some(match name {
        "site_ping" => ("GET", "/api/v4/site/ping"),
        "site_config_basic" => ("GET", "/api/v4/site/config/basic"),
        "user_me_unauthenticated" | "user_me" | "user_me_after_avatar" | "user_me_bad_token" => {
            ("GET", "/api/v4/user/me")
        }
        "register_first_user" | "register_second_user" => ("POST", "/api/v4/user"),
        "login_wrong_password" | "login_bad_email" | "login" | "login_again" => {
            ("POST", "/api/v4/session/token")
        }
        "token_refresh" => ("POST", "/api/v4/session/token/refresh"),
        "user_info_by_id" => ("GET", "/api/v4/user/info/x"),
        "user_capacity" => ("GET", "/api/v4/user/capacity"),
        "user_setting" => ("GET", "/api/v4/user/setting"),
        n if n.starts_with("avatar_get") => ("GET", "/api/v4/user/avatar/x"),
        n if n.starts_with("avatar_put") => ("PUT", "/api/v4/user/setting/avatar"),
        n if n.starts_with("file_list") || n.starts_with("list_") => ("GET", "/api/v4/file"),
        "file_info" => ("GET", "/api/v4/file/info"),
        "file_url" | "big_url" => ("POST", "/api/v4/file/url"),
        "file_delete" => ("DELETE", "/api/v4/file"),
        "folder_create" => ("POST", "/api/v4/file/create"),
        "upload_cancel_delete_session" => ("DELETE", "/api/v4/file/upload"),
        "upload_bad_uri" | "upload_missing_uri" => ("PUT", "/api/v4/file/upload"),
        n if n.starts_with("upload_") && n.contains("create_session") => {
            ("PUT", "/api/v4/file/upload")
        }
        n if n.starts_with("upload_") && n.contains("chunk") => ("POST", "/api/v4/file/upload/s/0"),
        n if n.starts_with("share_create") => ("PUT", "/api/v4/share"),
        "share_list" => ("GET", "/api/v4/share"),
        "share_info" => ("GET", "/api/v4/share/info/x"),
        n if n.starts_with("workflow_") => ("GET", "/api/v4/workflow"),
        "logout" => ("DELETE", "/api/v4/session/token"),
        _ => return None,
    })
}

fn captures_root() -> Option<PathBuf> {
    let root = std::env::var_os("REVE_CAPTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cloudreve-captures")
        });
    root.join("set1").is_dir().then_some(root)
}

/// Status and content type from a `.headers.txt` (the last status line wins: 100-Continue
/// blocks come first in set 1).
fn read_headers(path: &Path) -> (u16, Option<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut status = 200;
    let mut ct = None;
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("http/") {
            status = line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(200);
            ct = None;
        } else if let Some(v) = lower.strip_prefix("content-type:") {
            ct = Some(v.trim().to_string());
        }
    }
    (status, ct)
}

/// `(method, path)` from the first line of a `.request.txt`, host and query removed.
fn read_request(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let (method, target) = text.lines().next()?.split_once(' ')?;
    let target = target.trim();
    // Requests to storage hosts are written with the full URL.
    let target = match target.split_once("://") {
        Some((scheme, rest)) if scheme.starts_with("http") => &rest[rest.find('/').unwrap_or(0)..],
        _ => target,
    };
    let path = target.split('?').next().unwrap_or(target);
    Some((method.to_string(), path.to_string()))
}

struct Capture {
    key: String,
    body_path: PathBuf,
    route: Option<(String, String)>,
    status: u16,
    content_type: Option<String>,
}

fn captures(root: &Path) -> Vec<Capture> {
    let mut out = Vec::new();
    for set in ["set1", "set2", "set3"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(set))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let Some(stem) = name
                .strip_suffix(".json")
                .or_else(|| name.strip_suffix(".body"))
            else {
                continue;
            };
            let number = stem.split('_').next().unwrap_or_default();
            let route = if set == "set1" {
                set1_route(stem).map(|(m, p)| (m.to_string(), p.to_string()))
            } else {
                read_request(&path.with_file_name(format!("{stem}.request.txt")))
            };
            let (status, content_type) =
                read_headers(&path.with_file_name(format!("{stem}.headers.txt")));
            out.push(Capture {
                key: format!("{set}/{number}"),
                body_path: path.clone(),
                route,
                status,
                content_type,
            });
        }
    }
    out
}

/// How a capture was verified, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verified {
    TypedData,
    Continue,
    ApiError,
    NotSupported,
    ErrorPage,
    NotCloudreveJson,
}

/// Checks one capture; `Err` explains what is wrong.
fn check(c: &Capture) -> Result<Verified, String> {
    let body = std::fs::read(&c.body_path).map_err(|e| e.to_string())?;
    let (method, path) = c.route.clone().ok_or("no route known for this capture")?;
    let ct = c.content_type.as_deref();
    let endpoint = format!("{method} {path}");
    let exception = NOT_CLOUDREVE_JSON.iter().find(|(k, _)| *k == c.key);
    let doc = first_document(&body);
    let envelope_code = doc
        .as_ref()
        .and_then(|v| v.get("code"))
        .and_then(Value::as_i64);

    if let Some(code) = envelope_code {
        if exception.is_some() {
            return Err("listed as not Cloudreve JSON, but it is an envelope".into());
        }
        let checker = checker_for(&method, &path).ok_or("no model for this route")?;
        let outcome = checker(&endpoint, c.status, ct, &body)?;
        return match (code, outcome) {
            (0, Outcome::Data) => Ok(Verified::TypedData),
            (203, Outcome::Continue) => Ok(Verified::Continue),
            (40081, Outcome::Api { aggregated: 0, .. }) => {
                Err("40081 without per-item errors".into())
            }
            (40073, Outcome::Api { locks: 0, .. }) => Err("40073 without the lock list".into()),
            (code, Outcome::Api { code: got, .. }) if got == code => Ok(Verified::ApiError),
            (code, other) => Err(format!("code {code} decoded as {}", describe(&other))),
        };
    }
    let text = String::from_utf8_lossy(&body);
    if c.status == 404 && text.trim() == "404 page not found" && path.starts_with("/api/v4/") {
        // A route the server does not have: must be reported as not supported.
        let checker = checker_for(&method, &path).ok_or("no model for this route")?;
        return match checker(&endpoint, c.status, ct, &body)? {
            Outcome::NotSupported => Ok(Verified::NotSupported),
            other => Err(format!("plain 404 decoded as {}", describe(&other))),
        };
    }
    if c.status >= 500 && (text.trim().is_empty() || text.trim_start().starts_with('<')) {
        // Server panic (empty body) or a storage's HTML error page: a decode error naming it.
        return match decode::<Value>(&endpoint, c.status, ct, &body) {
            Err(ApiError::Decode { .. }) => Ok(Verified::ErrorPage),
            other => Err(format!("error page decoded as {other:?}")),
        };
    }
    match exception {
        Some(_) => Ok(Verified::NotCloudreveJson),
        None => Err(format!(
            "not an envelope and not listed as an exception (HTTP {})",
            c.status
        )),
    }
}

#[test]
fn every_captured_body_decodes() {
    let Some(root) = captures_root() else {
        eprintln!("captures not found; set REVE_CAPTURES to run this test");
        return;
    };
    let all = captures(&root);
    assert!(
        all.len() > 600,
        "only {} captures found under {}",
        all.len(),
        root.display()
    );
    let mut failures = Vec::new();
    let mut summary = std::collections::BTreeMap::<Verified, usize>::new();
    for c in &all {
        match check(c) {
            Ok(v) => *summary.entry(v).or_default() += 1,
            Err(e) => failures.push(format!("{} ({}): {e}", c.key, c.body_path.display())),
        }
    }
    eprintln!("{} captures: {summary:?}", all.len());
    // Guards against a walker that silently finds nothing of a kind.
    assert!(
        summary.get(&Verified::TypedData).copied().unwrap_or(0) > 250,
        "{summary:?}"
    );
    assert!(
        summary.get(&Verified::NotSupported).copied().unwrap_or(0) >= 19,
        "{summary:?}"
    );
    let unused: Vec<&str> = NOT_CLOUDREVE_JSON
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !all.iter().any(|c| c.key == *k))
        .collect();
    assert!(
        unused.is_empty(),
        "exceptions that match no capture: {unused:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} captures failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn captured_event_stream_parses() {
    let Some(root) = captures_root() else { return };
    let text =
        std::fs::read_to_string(root.join("set2/476_file_events_sse_stream.sse.txt")).unwrap();
    // Lines after "STREAM" look like `[6.02] data:{…}`; strip the timestamps.
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for line in text
        .lines()
        .skip_while(|l| !l.starts_with("STREAM"))
        .skip(1)
    {
        let Some(rest) = line.strip_prefix('[') else {
            continue;
        };
        let content = rest.split_once("] ").map(|(_, c)| c).unwrap_or("");
        events.extend(
            parser
                .push(format!("{content}\n").as_bytes())
                .into_iter()
                .map(FileEvent::from_frame),
        );
    }
    assert_eq!(events.first(), Some(&FileEvent::Subscribed));
    let changes = events
        .iter()
        .filter(|e| matches!(e, FileEvent::Change(_)))
        .count();
    assert!(changes >= 5, "{events:?}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, FileEvent::Unknown { .. })),
        "{events:?}"
    );
}

#[test]
fn captured_s3_errors_have_codes() {
    let Some(root) = captures_root() else { return };
    let mut seen = 0;
    for entry in std::fs::read_dir(root.join("set3")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "xml") {
            let xml = std::fs::read_to_string(&path).unwrap();
            if xml.contains("<Error>") {
                assert!(
                    s3_error_code(&xml).is_some_and(|c| !c.is_empty()),
                    "{}",
                    path.display()
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0);
}
