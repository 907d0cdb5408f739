//! File events (`GET /file/events`, server-sent events) for folders whose content changes.
//!
//! File operations call `EventHub::publish` with what changed (paths as decoded segments of
//! the owner's `my` file system); subscribers receive it relative to their folder.
//!
//! Wire format and rules: files-and-transfers.md §9 and capture C2-476. Subscribers are keyed
//! by their `X-Cr-Client-Id`; they outlive their connection (a reconnect with the same id
//! `resumed` and gets what happened meanwhile). Changes are merged per file and delivered
//! after a quiet period (the real server's `fs_event_push_debounce` is ≈ 5 s; the demo uses
//! a shorter, adjustable one).

use super::AppState;
use super::auth::SignedIn;
use super::http::{ApiErr, ClientId, Q};
use super::ids::{self, Kind};
use super::store::Store;
use crate::api::uri::{CrUri, FileSystem};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Modify,
    Rename,
    Delete,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Modify => "modify",
            ChangeKind::Rename => "rename",
            ChangeKind::Delete => "delete",
        }
    }
}

/// One change in someone's `my` file system.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub owner: u64,
    pub kind: ChangeKind,
    /// The file's node id.
    pub file: u64,
    /// Decoded path segments from the `my` root (the old path for renames and moves).
    pub from: Vec<String>,
    /// The new path for renames and moves.
    pub to: Option<Vec<String>>,
    /// `X-Cr-Client-Id` of the request that made the change: not echoed back to it.
    pub origin: Option<String>,
}

/// An event as one subscriber sees it: paths relative to its folder (`/sub/deep.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    kind: ChangeKind,
    file: u64,
    from: String,
    /// Empty except for renames.
    to: String,
}

impl Event {
    /// The `data:` JSON, keys in the real server's order (C2-476).
    fn json(&self) -> String {
        let quote = |s: &str| Value::String(s.to_string()).to_string();
        format!(
            "{{\"type\":{},\"file_id\":{},\"from\":{},\"to\":{}}}",
            quote(self.kind.as_str()),
            quote(&ids::encode(Kind::File, self.file)),
            quote(&self.from),
            quote(&self.to),
        )
    }
}

/// `path` relative to `folder` (`/a/b.txt`), if it lies strictly below it.
fn relative(folder: &[String], path: &[String]) -> Option<String> {
    (path.len() > folder.len() && path[..folder.len()] == *folder)
        .then(|| format!("/{}", path[folder.len()..].join("/")))
}

/// What a change means to a subscriber of `folder`: moves into the folder are creates, out of
/// it deletes, inside it renames (§9.1); changes elsewhere mean nothing.
fn classify(folder: &[String], change: &FileChange) -> Option<Event> {
    let from = relative(folder, &change.from);
    let event = |kind, from: String, to: String| Event {
        kind,
        file: change.file,
        from,
        to,
    };
    if change.kind != ChangeKind::Rename {
        return from.map(|f| event(change.kind, f, String::new()));
    }
    let to = change.to.as_deref().and_then(|t| relative(folder, t));
    match (from, to) {
        (Some(f), Some(t)) => Some(event(ChangeKind::Rename, f, t)),
        (Some(f), None) => Some(event(ChangeKind::Delete, f, String::new())),
        (None, Some(t)) => Some(event(ChangeKind::Create, t, String::new())),
        (None, None) => None,
    }
}

/// Adds `ev` to the pending events, merged with the last pending event of the same file:
/// create+modify → create; create+rename → create at the new name; create+delete → nothing;
/// modify+modify → modify; modify+delete → delete; rename+rename → one rename (nothing when it
/// comes back); rename+delete → delete at the old name (§9.1).
fn merge(pending: &mut Vec<Event>, ev: Event) {
    use ChangeKind::*;
    let Some(i) = pending.iter().rposition(|p| p.file == ev.file) else {
        pending.push(ev);
        return;
    };
    let last = &mut pending[i];
    match (last.kind, ev.kind) {
        (Create, Modify) | (Modify, Modify) => {}
        (Create, Rename) => last.from = ev.to,
        (Create, Delete) => {
            pending.remove(i);
        }
        (Modify, Delete) => *last = ev,
        (Rename, Rename) if last.to == ev.from => {
            if last.from == ev.to {
                pending.remove(i);
            } else {
                last.to = ev.to;
            }
        }
        (Rename, Delete) if last.to == ev.from => {
            last.kind = Delete;
            last.to = String::new();
        }
        _ => pending.push(ev),
    }
}

/// Subscribers are forgotten 14 days after their last connection ends [S].
const SUBSCRIBER_RETENTION: Duration = Duration::from_secs(14 * 24 * 3600);

struct Subscriber {
    owner: u64,
    /// The subscribed folder, as segments of the owner's `my` file system.
    folder: Vec<String>,
    pending: Vec<Event>,
    /// When the latest pending change arrived (the debounce restarts with each one).
    last_change: Option<Instant>,
    /// Bumped by each (re)connection; an older connection stops when it sees a newer one.
    generation: u64,
    connected: bool,
    last_seen: Instant,
    /// Wakes the current connection's pump.
    wake: Arc<Notify>,
}

/// What a connection's pump should do next.
enum Due {
    /// Taken over by a newer connection with the same client id, or forgotten.
    Gone,
    Idle,
    At(Instant),
}

/// Fan-out of file change events to subscribers.
pub struct EventHub {
    subs: Mutex<HashMap<String, Subscriber>>,
    debounce_ms: AtomicU64,
    keepalive_ms: AtomicU64,
    /// Set when the server stops: open streams end so graceful shutdown can finish.
    closed: AtomicBool,
}

impl Default for EventHub {
    fn default() -> Self {
        EventHub {
            subs: Mutex::new(HashMap::new()),
            debounce_ms: AtomicU64::new(1000),
            keepalive_ms: AtomicU64::new(30_000),
            closed: AtomicBool::new(false),
        }
    }
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub")
            .field("debounce", &self.debounce())
            .finish_non_exhaustive()
    }
}

impl EventHub {
    fn subs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Subscriber>> {
        self.subs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Quiet period before merged changes are sent.
    pub fn debounce(&self) -> Duration {
        Duration::from_millis(self.debounce_ms.load(Ordering::Relaxed))
    }

    pub fn set_debounce(&self, d: Duration) {
        self.debounce_ms
            .store(d.as_millis() as u64, Ordering::Relaxed);
    }

    /// Interval of `keep-alive` frames (30 s like the real server).
    pub fn set_keepalive(&self, d: Duration) {
        self.keepalive_ms
            .store(d.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    fn keepalive(&self) -> Duration {
        Duration::from_millis(self.keepalive_ms.load(Ordering::Relaxed))
    }

    /// Records a change for every subscriber whose folder covers it.
    pub fn publish(&self, change: FileChange) {
        let now = Instant::now();
        let mut subs = self.subs();
        for (client, sub) in subs.iter_mut() {
            if sub.owner != change.owner || change.origin.as_deref() == Some(client.as_str()) {
                continue;
            }
            if let Some(ev) = classify(&sub.folder, &change) {
                merge(&mut sub.pending, ev);
                sub.last_change = Some(now);
                sub.wake.notify_one();
            }
        }
    }

    /// Registers a connection for `client`; `resumed` when the same client already watched
    /// this folder (its missed changes are still pending).
    fn connect(&self, client: &str, owner: u64, folder: Vec<String>) -> Connection {
        let now = Instant::now();
        let mut subs = self.subs();
        subs.retain(|_, s| s.connected || now.duration_since(s.last_seen) < SUBSCRIBER_RETENTION);
        let wake = Arc::new(Notify::new());
        let resumed = match subs.get_mut(client) {
            Some(s) if s.owner == owner && s.folder == folder => {
                s.generation += 1;
                s.connected = true;
                s.last_seen = now;
                // Stop the previous connection, if any, and hand the stream to this one.
                s.wake.notify_one();
                s.wake = wake.clone();
                true
            }
            old => {
                let generation = old.map_or(0, |s| {
                    s.wake.notify_one();
                    s.generation + 1
                });
                subs.insert(
                    client.to_string(),
                    Subscriber {
                        owner,
                        folder,
                        pending: Vec::new(),
                        last_change: None,
                        generation,
                        connected: true,
                        last_seen: now,
                        wake: wake.clone(),
                    },
                );
                false
            }
        };
        let generation = subs.get(client).map_or(0, |s| s.generation);
        Connection {
            client: client.to_string(),
            generation,
            wake,
            resumed,
        }
    }

    /// Ends every open stream (the server is stopping); subscribers stay for a restart.
    pub fn close_all(&self) {
        self.closed.store(true, Ordering::Relaxed);
        for s in self.subs().values() {
            s.wake.notify_one();
        }
    }

    fn due(&self, conn: &Connection) -> Due {
        if self.closed.load(Ordering::Relaxed) {
            return Due::Gone;
        }
        let subs = self.subs();
        match subs.get(&conn.client) {
            Some(s) if s.generation == conn.generation => match s.last_change {
                Some(t) if !s.pending.is_empty() => Due::At(t + self.debounce()),
                _ => Due::Idle,
            },
            _ => Due::Gone,
        }
    }

    /// Takes the pending events if the quiet period has passed.
    fn take_due(&self, conn: &Connection) -> Vec<Event> {
        let mut subs = self.subs();
        match subs.get_mut(&conn.client) {
            Some(s)
                if s.generation == conn.generation
                    && s.last_change
                        .is_some_and(|t| t + self.debounce() <= Instant::now()) =>
            {
                s.last_change = None;
                std::mem::take(&mut s.pending)
            }
            _ => Vec::new(),
        }
    }

    fn disconnect(&self, conn: &Connection) {
        if let Some(s) = self.subs().get_mut(&conn.client)
            && s.generation == conn.generation
        {
            s.connected = false;
            s.last_seen = Instant::now();
        }
    }

    /// Puts undelivered events back (the client went away mid-send).
    fn requeue(&self, conn: &Connection, mut events: Vec<Event>) {
        if let Some(s) = self.subs().get_mut(&conn.client) {
            events.append(&mut s.pending);
            s.pending = events;
            s.last_change.get_or_insert_with(Instant::now);
        }
    }
}

/// One live SSE connection of a subscriber.
struct Connection {
    client: String,
    generation: u64,
    wake: Arc<Notify>,
    resumed: bool,
}

/// A frame exactly as the real server writes it: no space after the colons (C2-476).
fn frame(event: &str, data: &str) -> Bytes {
    Bytes::from(format!("event:{event}\ndata:{data}\n\n"))
}

type Frames = mpsc::Sender<Result<Bytes, Infallible>>;

/// Feeds one connection: the first frame, debounced events, keep-alives; ends when the client
/// goes away or a newer connection with the same client id takes over.
async fn pump(state: AppState, conn: Connection, tx: Frames) {
    let hub = &state.events;
    let first = if conn.resumed {
        "resumed"
    } else {
        "subscribed"
    };
    if tx.send(Ok(frame(first, "<nil>"))).await.is_err() {
        hub.disconnect(&conn);
        return;
    }
    let period = hub.keepalive();
    let mut keepalive = tokio::time::interval_at(Instant::now() + period, period);
    loop {
        let deadline = match hub.due(&conn) {
            Due::Gone => break,
            Due::Idle => None,
            Due::At(t) => Some(t),
        };
        let flush = async {
            match deadline {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tx.closed() => break,
            _ = conn.wake.notified() => {}
            _ = flush => {
                let mut events = hub.take_due(&conn).into_iter();
                while let Some(ev) = events.next() {
                    if tx.send(Ok(frame("event", &ev.json()))).await.is_err() {
                        hub.requeue(&conn, std::iter::once(ev).chain(events).collect());
                        hub.disconnect(&conn);
                        return;
                    }
                }
            }
            _ = keepalive.tick() => {
                if tx.send(Ok(frame("keep-alive", "<nil>"))).await.is_err() {
                    break;
                }
            }
        }
    }
    hub.disconnect(&conn);
}

fn uri_not_available() -> ApiErr {
    ApiErr::new(40016, "Requested uri not available")
}

impl Store {
    /// The folder a subscription watches: (owner, segments in the owner's `my`). Own folders
    /// and folders inside shares can be watched; single-file shares cannot [S].
    fn event_folder(&self, user: u64, uri: &CrUri) -> Result<(u64, Vec<String>), ApiErr> {
        let (owner, node) = match uri.fs {
            FileSystem::My => {
                let node = self
                    .resolve_own(user, uri)
                    .map_err(|_| uri_not_available())?;
                (user, node)
            }
            FileSystem::Share => {
                let target = self
                    .resolve_share_uri(uri, Some(user))
                    .map_err(|_| uri_not_available())?;
                if target.single_file.is_some() {
                    return Err(ApiErr::new(403, "Not supported action"));
                }
                (target.owner, target.node)
            }
            _ => return Err(uri_not_available()),
        };
        let is_folder = self.files.get(&node).is_some_and(|n| n.is_folder);
        if !is_folder || self.fs_of(node) != Some(FileSystem::My) {
            return Err(uri_not_available());
        }
        Ok((owner, self.node_uri(node).segments))
    }
}

#[derive(Debug, Deserialize)]
struct EventsQuery {
    uri: Option<String>,
}

/// `GET /file/events?uri=` (§9.1; C2-472…476).
async fn file_events(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ClientId(client): ClientId,
    Q(q): Q<EventsQuery>,
) -> Result<Response, ApiErr> {
    let client = client
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiErr::new(40001, "Client ID is required"))?;
    if uuid::Uuid::parse_str(&client).is_err() {
        return Err(ApiErr::new(40001, "Invalid client ID"));
    }
    let uri = q
        .uri
        .as_deref()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| ApiErr::param("Uri cannot be empty"))?;
    let uri = CrUri::parse(uri).map_err(|_| uri_not_available())?;
    let (owner, folder) = state.lock().event_folder(user, &uri)?;
    let conn = state.events.connect(&client, owner, folder);
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(pump(state.clone(), conn, tx));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut resp = (StatusCode::OK, axum::body::Body::from_stream(stream)).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream;charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/file/events", get(file_events))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn change(kind: ChangeKind, file: u64, from: &str, to: Option<&str>) -> FileChange {
        FileChange {
            owner: 1,
            kind,
            file,
            from: segs(from),
            to: to.map(segs),
            origin: None,
        }
    }

    fn ev(kind: ChangeKind, file: u64, from: &str, to: &str) -> Event {
        Event {
            kind,
            file,
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn relative_paths_cover_descendants_only() {
        let folder = segs("ev");
        assert_eq!(
            relative(&folder, &segs("ev/b.txt")).as_deref(),
            Some("/b.txt")
        );
        assert_eq!(
            relative(&folder, &segs("ev/sub/deep.txt")).as_deref(),
            Some("/sub/deep.txt")
        );
        assert_eq!(relative(&folder, &segs("ev")), None);
        assert_eq!(relative(&folder, &segs("evil/x")), None);
        assert_eq!(relative(&[], &segs("a")).as_deref(), Some("/a"));
    }

    #[test]
    fn moves_become_creates_deletes_or_renames() {
        use ChangeKind::*;
        let folder = segs("ev");
        let inside = change(Rename, 7, "ev/mv/b.txt", Some("ev/mv/b2.txt"));
        assert_eq!(
            classify(&folder, &inside),
            Some(ev(Rename, 7, "/mv/b.txt", "/mv/b2.txt"))
        );
        let out = change(Rename, 7, "ev/a.txt", Some("other/a.txt"));
        assert_eq!(classify(&folder, &out), Some(ev(Delete, 7, "/a.txt", "")));
        let into = change(Rename, 7, "other/a.txt", Some("ev/a.txt"));
        assert_eq!(classify(&folder, &into), Some(ev(Create, 7, "/a.txt", "")));
        let elsewhere = change(Create, 7, "other/a.txt", None);
        assert_eq!(classify(&folder, &elsewhere), None);
    }

    #[test]
    fn merge_rules() {
        use ChangeKind::*;
        let run = |events: Vec<Event>| {
            let mut pending = Vec::new();
            for e in events {
                merge(&mut pending, e);
            }
            pending
        };
        // create + rename → one create at the new name
        assert_eq!(
            run(vec![ev(Create, 1, "/a", ""), ev(Rename, 1, "/a", "/b")]),
            vec![ev(Create, 1, "/b", "")]
        );
        // create + delete → nothing
        assert!(run(vec![ev(Create, 1, "/a", ""), ev(Delete, 1, "/a", "")]).is_empty());
        // several modifies → one
        assert_eq!(
            run(vec![ev(Modify, 1, "/a", ""), ev(Modify, 1, "/a", "")]),
            vec![ev(Modify, 1, "/a", "")]
        );
        // create + modify → create
        assert_eq!(
            run(vec![ev(Create, 1, "/a", ""), ev(Modify, 1, "/a", "")]),
            vec![ev(Create, 1, "/a", "")]
        );
        // rename chains collapse; a round trip disappears
        assert_eq!(
            run(vec![ev(Rename, 1, "/a", "/b"), ev(Rename, 1, "/b", "/c")]),
            vec![ev(Rename, 1, "/a", "/c")]
        );
        assert!(run(vec![ev(Rename, 1, "/a", "/b"), ev(Rename, 1, "/b", "/a")]).is_empty());
        // rename + delete → delete at the old path
        assert_eq!(
            run(vec![ev(Rename, 1, "/a", "/b"), ev(Delete, 1, "/b", "")]),
            vec![ev(Delete, 1, "/a", "")]
        );
        // other files are independent and keep their order
        assert_eq!(
            run(vec![
                ev(Create, 1, "/a", ""),
                ev(Create, 2, "/b", ""),
                ev(Modify, 1, "/a", ""),
            ]),
            vec![ev(Create, 1, "/a", ""), ev(Create, 2, "/b", "")]
        );
    }

    #[test]
    fn publish_skips_the_origin_and_other_owners() {
        let hub = EventHub::default();
        let a = hub.connect("a", 1, segs("ev"));
        let _b = hub.connect("b", 1, segs("ev"));
        let _c = hub.connect("c", 2, segs("ev"));
        let mut own = change(ChangeKind::Create, 9, "ev/x.txt", None);
        own.origin = Some("a".into());
        hub.publish(own);
        let subs = hub.subs();
        assert!(subs["a"].pending.is_empty());
        assert_eq!(subs["b"].pending.len(), 1);
        assert!(subs["c"].pending.is_empty());
        drop(subs);
        assert!(!a.resumed);
        assert!(hub.connect("a", 1, segs("ev")).resumed);
        assert!(!hub.connect("a", 1, segs("other")).resumed);
    }

    #[test]
    fn frames_have_no_space_after_colons() {
        assert_eq!(
            &frame("subscribed", "<nil>")[..],
            b"event:subscribed\ndata:<nil>\n\n"
        );
        let json = ev(ChangeKind::Create, 3, "/b.txt", "").json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["type"], "create");
        assert_eq!(v["from"], "/b.txt");
        assert_eq!(v["to"], "");
    }

    /// Reads whole frames from an SSE response until `want` frames arrived.
    async fn frames(resp: &mut reqwest::Response, buf: &mut String, want: usize) -> Vec<String> {
        let mut out = Vec::new();
        while out.len() < want {
            if let Some(end) = buf.find("\n\n") {
                out.push(buf[..end + 2].to_string());
                buf.replace_range(..end + 2, "");
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
                .await
                .expect("a frame in time")
                .expect("stream open")
                .expect("stream not ended");
            buf.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
        out
    }

    #[tokio::test]
    async fn stream_sends_debounced_events_and_resumes() {
        let demo = crate::demo::start(crate::demo::DemoConfig::default())
            .await
            .expect("demo server starts");
        demo.state.events.set_debounce(Duration::from_millis(50));
        let (token, uid) = {
            let mut store = demo.state.lock();
            let uid = store.create_user("ev@test.local", "Passw0rd!", None);
            let root = store.user(uid).map(|u| u.root).unwrap_or_default();
            store.insert_node(uid, Some(root), "ev", true, chrono::Utc::now());
            let t = store.issue_tokens(
                uid,
                None,
                chrono::Duration::hours(1),
                chrono::Duration::hours(1),
            );
            (
                t["access_token"].as_str().unwrap_or_default().to_string(),
                uid,
            )
        };
        let url = format!("{}/api/v4/file/events", demo.base_url());
        let me = "2ecfbf08-3501-4331-97ef-8b2a361c38ba";
        let connect = |id: Option<&str>, uri: &str| {
            // A fresh client each time: every stream needs its own connection.
            let mut req = reqwest::Client::new()
                .get(&url)
                .query(&[("uri", uri)])
                .bearer_auth(&token);
            if let Some(id) = id {
                req = req.header("X-Cr-Client-Id", id);
            }
            req.send()
        };
        let err = |r: reqwest::Response| async move {
            let v: serde_json::Value = r.json().await.expect("json");
            (
                v["code"].as_i64().unwrap_or_default(),
                v["msg"].as_str().unwrap_or_default().to_string(),
            )
        };
        let none = connect(None, "cloudreve://my/ev").await.expect("request");
        assert_eq!(err(none).await, (40001, "Client ID is required".into()));
        let bad = connect(Some("nope"), "cloudreve://my/ev")
            .await
            .expect("request");
        assert_eq!(err(bad).await, (40001, "Invalid client ID".into()));
        let missing = connect(Some(me), "cloudreve://my/none")
            .await
            .expect("request");
        assert_eq!(
            err(missing).await,
            (40016, "Requested uri not available".into())
        );

        let mut resp = connect(Some(me), "cloudreve://my/ev")
            .await
            .expect("request");
        assert_eq!(
            resp.headers()["content-type"].to_str().ok(),
            Some("text/event-stream;charset=utf-8")
        );
        let mut buf = String::new();
        assert_eq!(
            frames(&mut resp, &mut buf, 1).await,
            vec!["event:subscribed\ndata:<nil>\n\n"]
        );

        let publish = |kind, file, path: &str, origin: Option<&str>| {
            demo.state.events.publish(FileChange {
                owner: uid,
                kind,
                file,
                from: path.split('/').map(str::to_string).collect(),
                to: None,
                origin: origin.map(str::to_string),
            })
        };
        publish(ChangeKind::Create, 100, "ev/self.txt", Some(me));
        publish(ChangeKind::Create, 101, "ev/b.txt", None);
        publish(ChangeKind::Modify, 101, "ev/b.txt", None);
        publish(ChangeKind::Create, 102, "elsewhere/c.txt", None);
        let got = frames(&mut resp, &mut buf, 1).await;
        let b = ids::encode(Kind::File, 101);
        assert_eq!(
            got,
            vec![format!(
                "event:event\ndata:{{\"type\":\"create\",\"file_id\":\"{b}\",\"from\":\"/b.txt\",\"to\":\"\"}}\n\n"
            )]
        );

        // Changes while disconnected arrive after a resume with the same client id.
        drop(resp);
        tokio::time::sleep(Duration::from_millis(100)).await;
        publish(ChangeKind::Delete, 101, "ev/b.txt", None);
        let mut resp = connect(Some(me), "cloudreve://my/ev")
            .await
            .expect("request");
        let mut buf = String::new();
        let got = frames(&mut resp, &mut buf, 2).await;
        assert_eq!(got[0], "event:resumed\ndata:<nil>\n\n");
        assert!(got[1].contains("\"type\":\"delete\""), "{}", got[1]);
        demo.stop().await;
    }
}
