//! The embedded, Cloudreve-compatible demo server (`reve serve-demo`, `reve --demo`, tests).
//!
//! It speaks Cloudreve 4.18.0's wire format — envelope, codes, quirks — as recorded in
//! `../shared/cloudreve-api/` and `../shared/cloudreve-captures/`, and is judged by the
//! conformance kit in `../shared/conformance/`.

pub mod auth;
pub mod dav;
pub mod download;
pub mod events;
pub mod files;
pub mod http;
pub mod ids;
pub mod pro;
pub mod seed;
pub mod session;
pub mod share;
pub mod site;
pub mod storage;
pub mod store;
pub mod upload;
pub mod user;
pub mod workflow;

use anyhow::Context as _;
use axum::Router;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use store::Store;

/// How a demo server is set up.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Directory for file contents; a temporary one (removed on exit) when `None`.
    pub data_dir: Option<PathBuf>,
    /// Create the demo account and sample drive.
    pub seed: bool,
    /// Answer Pro-only routes instead of the Community server's plain 404.
    pub pro: bool,
    /// Public base URL for generated links; defaults to `http://<listen address>`.
    pub site_url: Option<String>,
    /// Access-token lifetime (3600 s on a real server; tests shorten it).
    pub access_ttl: chrono::Duration,
    pub refresh_ttl: chrono::Duration,
    /// Upload chunk size (25 MiB like the default policy).
    pub chunk_size: u64,
    /// Lifetime of upload sessions (`upload_session_timeout`, 86 400 s by default).
    pub upload_session_ttl: chrono::Duration,
    /// Run remote downloads in a simulated downloader (a fresh real server has none and fails
    /// them, which is the default so the wire matches).
    pub simulate_downloads: bool,
    /// The storage policy offered to uploads; every type but local and relay is emulated on
    /// a second listener (`DemoHandle::storage_addr`).
    pub policy: storage::PolicyKind,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            seed: false,
            pro: false,
            site_url: None,
            access_ttl: chrono::Duration::seconds(3600),
            refresh_ttl: chrono::Duration::seconds(1_209_600),
            chunk_size: 25 << 20,
            upload_session_ttl: chrono::Duration::seconds(86_400),
            simulate_downloads: false,
            policy: storage::PolicyKind::Local,
        }
    }
}

/// The shared state of a running demo server.
pub struct Demo {
    pub store: Mutex<Store>,
    pub cfg: DemoConfig,
    /// Public base URL without a trailing slash.
    pub site_url: String,
    pub instance_id: String,
    /// Signs content URLs and other server-generated credentials.
    pub secret: String,
    /// Holds file contents: `blobs/<entity>`, `uploads/<session>`.
    pub data_dir: PathBuf,
    pub events: events::EventHub,
    /// The emulated storage of the policy (its listener, signing key, multipart uploads).
    pub storage: storage::StorageHost,
    /// Keeps a temporary data dir alive (and removes it on drop).
    _temp: Option<tempfile::TempDir>,
}

pub type AppState = Arc<Demo>;

impl Demo {
    pub fn blob_path(&self, entity: u64) -> PathBuf {
        self.data_dir.join("blobs").join(entity.to_string())
    }

    pub fn upload_path(&self, session: &str) -> PathBuf {
        self.data_dir.join("uploads").join(session)
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic inside a handler must not take the whole server down with a poisoned lock.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Absolute URL on the public base.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.site_url, path)
    }
}

/// A running server: its address and a handle that stops it when dropped.
pub struct DemoHandle {
    pub addr: SocketAddr,
    /// The storage host's address (policies other than local and relay).
    pub storage_addr: Option<SocketAddr>,
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl DemoHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        // Open event streams never end by themselves; graceful shutdown waits for them.
        self.state.events.close_all();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoHandle {
    fn drop(&mut self) {
        self.state.events.close_all();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    for sub in ["blobs", "uploads", "storage"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    Ok(())
}

/// Binds and starts a demo server in the current tokio runtime.
pub async fn start(cfg: DemoConfig) -> anyhow::Result<DemoHandle> {
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    // The storage host listens on the same interface as the API, on a port of its own.
    let storage_listener = if cfg.policy.through_cloudreve() {
        None
    } else {
        let at = SocketAddr::new(cfg.listen.ip(), 0);
        Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("cannot listen on {at} (storage host)"))?,
        )
    };
    let storage_addr = match &storage_listener {
        Some(l) => Some(l.local_addr()?),
        None => None,
    };
    let (data_dir, temp) = match &cfg.data_dir {
        Some(d) => (d.clone(), None),
        None => {
            let t = tempfile::Builder::new().prefix("reve-demo-").tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    prepare_data_dir(&data_dir)?;
    let site_url = cfg
        .site_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    let mut store = Store::new();
    store.policy = cfg.policy;
    store.tasks.simulate_downloads = cfg.simulate_downloads;
    let state: AppState = Arc::new(Demo {
        store: Mutex::new(store),
        cfg: cfg.clone(),
        site_url,
        instance_id: uuid::Uuid::new_v4().to_string(),
        secret: store::random_token(32),
        data_dir,
        events: events::EventHub::default(),
        storage: storage::StorageHost::new(storage_addr, addr).with_public_host(
            cfg.site_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u.host().map(|h| h.to_string())),
        ),
        _temp: temp,
    });
    if cfg.seed {
        seed::seed(&state).context("cannot seed the demo drive")?;
    }
    let app = router(state.clone());
    let storage_app = storage::router(state.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (storage_tx, storage_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let api = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
            let _ = storage_tx.send(());
        });
        let storage_host = async move {
            if let Some(l) = storage_listener {
                let _ = axum::serve(l, storage_app)
                    .with_graceful_shutdown(async {
                        let _ = storage_rx.await;
                    })
                    .await;
            }
        };
        let _ = tokio::join!(api, storage_host);
    });
    let handle = DemoHandle {
        addr,
        storage_addr,
        state,
        shutdown: Some(tx),
        task: Some(task),
    };
    if cfg.seed {
        seed::seed_over_http(&handle.base_url())
            .await
            .context("cannot seed the demo drive")?;
    }
    Ok(handle)
}

/// All routes: `/api/v4/…` plus the short links and WebDAV outside it.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(site::routes())
        .merge(session::routes())
        .merge(user::routes())
        .merge(files::routes())
        .merge(upload::routes())
        .merge(download::routes())
        .merge(share::routes())
        .merge(workflow::routes())
        .merge(events::routes())
        .merge(dav::routes())
        .merge(pro::routes(state.cfg.pro))
        .fallback(http::plain_404)
        .method_not_allowed_fallback(http::plain_404);
    Router::new()
        .nest("/api/v4", api)
        .merge(files::public_routes())
        .merge(share::public_routes())
        .merge(dav::public_routes())
        .fallback(http::plain_404)
        .method_not_allowed_fallback(http::plain_404)
        .layer(axum::middleware::from_fn(http::correlation_scope))
        .with_state(state)
}
