//! Helpers of the client-against-demo-server tests: servers, signed-in clients, a counting
//! reverse proxy, TOTP codes, downloads and task polling; in `tui`, the TUI tests' helpers.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod tui;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, Method, Response, header};
use futures_util::StreamExt as _;
use reve::api::models::{Task, TaskCategory, TaskStatus};
use reve::api::{ApiError, ByteRange, Client, ClientConfig, CrUri, Download, LoginOutcome};
use reve::demo::{self, DemoConfig, DemoHandle};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Upper bound for anything that happens in the background (tasks, events): generous, so a
/// busy machine does not make the tests flaky; a passing run never waits this long.
pub const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(60);

/// The seeded demo server of most tests.
pub async fn seeded_server() -> DemoHandle {
    server(DemoConfig {
        seed: true,
        ..DemoConfig::default()
    })
    .await
}

pub async fn server(cfg: DemoConfig) -> DemoHandle {
    demo::start(cfg).await.expect("demo server starts")
}

/// A client that is not signed in.
pub fn anonymous(base_url: &str) -> Client {
    Client::new(ClientConfig::new(base_url)).expect("valid base URL")
}

/// A client signed in as the demo account.
pub async fn demo_client(base_url: &str) -> Client {
    let client = anonymous(base_url);
    match client
        .login(demo::seed::DEMO_EMAIL, demo::seed::DEMO_PASSWORD)
        .await
        .expect("demo sign-in")
    {
        LoginOutcome::SignedIn(..) => client,
        other => panic!("unexpected sign-in outcome: {other:?}"),
    }
}

/// `cloudreve://my/<path segments>`.
pub fn my(path: &[&str]) -> CrUri {
    path.iter().fold(CrUri::my_root(), |uri, seg| uri.join(seg))
}

// ---- TOTP ---------------------------------------------------------------------------------

fn totp(secret: &str) -> totp_rs::TOTP {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .expect("base32 secret");
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
}

pub fn totp_now(secret: &str) -> String {
    totp(secret).generate_current().expect("system clock")
}

/// A code that is valid in none of the windows a server may accept around now (±1 step).
pub fn totp_wrong(secret: &str) -> String {
    let t = totp(secret);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let valid: Vec<String> = [now - 60, now - 30, now, now + 30, now + 60]
        .iter()
        .map(|&s| t.generate(s))
        .collect();
    (0..)
        .map(|n: u32| format!("{:06}", (n * 104_729) % 1_000_000))
        .find(|c| !valid.contains(c))
        .expect("some code is wrong")
}

// ---- downloads ----------------------------------------------------------------------------

/// Reads a whole download body.
pub async fn read_body(download: Download) -> Vec<u8> {
    let mut body = download.body;
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.expect("download chunk"));
    }
    out
}

/// Downloads the current content of a file through a signed URL.
pub async fn fetch(client: &Client, uri: &CrUri) -> Vec<u8> {
    fetch_range(client, uri, None).await.1
}

pub async fn fetch_range(
    client: &Client,
    uri: &CrUri,
    range: Option<ByteRange>,
) -> (reve::api::ContentInfo, Vec<u8>) {
    let url = client.download_url(uri, None).await.expect("download URL");
    let download = client.download(&url, range, None).await.expect("download");
    let info = download.info.clone();
    (info, read_body(download).await)
}

// ---- polling ------------------------------------------------------------------------------

/// Retries `check` every 200 ms until it yields `Some`, failing after [`BACKGROUND_TIMEOUT`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + BACKGROUND_TIMEOUT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The task `id` from the list of `category`, once it has finished.
pub async fn finished_task(client: &Client, category: TaskCategory, id: &str) -> Task {
    eventually(&format!("task {id} to finish"), || async {
        let page = client
            .list_tasks(category, 100, None)
            .await
            .expect("task list");
        page.tasks
            .into_iter()
            .find(|t| t.id == id && t.status.is_finished())
    })
    .await
}

pub fn assert_completed(task: &Task) {
    assert_eq!(
        task.status,
        TaskStatus::Completed,
        "task {} failed: {:?} {:?}",
        task.id,
        task.error,
        task.error_history
    );
}

// ---- errors -------------------------------------------------------------------------------

/// The Cloudreve code of an error, with the whole error in the panic message otherwise.
pub fn code_of<T: std::fmt::Debug>(result: Result<T, ApiError>) -> i64 {
    match result {
        Err(e) => e
            .code()
            .unwrap_or_else(|| panic!("expected a Cloudreve error code, got {e:?}")),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

// ---- a counting reverse proxy -------------------------------------------------------------

/// A reverse proxy in front of a demo server that counts token refreshes, so the tests can
/// check the client's single-flight refresh without touching the server.
pub struct CountingProxy {
    pub base_url: String,
    refreshes: Arc<AtomicUsize>,
}

impl CountingProxy {
    /// `POST /api/v4/session/token/refresh` requests seen so far.
    pub fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::SeqCst)
    }
}

struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    refreshes: Arc<AtomicUsize>,
}

pub async fn counting_proxy(upstream: &str) -> CountingProxy {
    let refreshes = Arc::new(AtomicUsize::new(0));
    let state = Arc::new(ProxyState {
        upstream: upstream.trim_end_matches('/').to_string(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("proxy HTTP client"),
        refreshes: refreshes.clone(),
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("proxy listens");
    let addr = listener.local_addr().expect("proxy address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    CountingProxy {
        base_url: format!("http://{addr}"),
        refreshes,
    }
}

/// Hop-by-hop headers and those the HTTP stacks recompute.
fn forwardable(name: &HeaderName) -> bool {
    ![
        header::HOST,
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
    ]
    .contains(name)
}

async fn forward(
    State(proxy): State<Arc<ProxyState>>,
    req: axum::extract::Request,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    if parts.method == Method::POST && parts.uri.path() == "/api/v4/session/token/refresh" {
        proxy.refreshes.fetch_add(1, Ordering::SeqCst);
    }
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("request body");
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut upstream = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .body(body);
    for (name, value) in parts.headers.iter().filter(|(n, _)| forwardable(n)) {
        upstream = upstream.header(name, value);
    }
    let answer = upstream.send().await.expect("upstream answers");
    let mut resp = Response::builder().status(answer.status());
    for (name, value) in answer.headers().iter().filter(|(n, _)| forwardable(n)) {
        resp = resp.header(name, value);
    }
    let bytes = answer.bytes().await.expect("upstream body");
    resp.body(Body::from(bytes)).expect("valid response")
}
