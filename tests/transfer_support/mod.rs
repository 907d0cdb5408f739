//! Shared by the `transfer_*` integration tests: an in-process demo server with one account, a
//! signed-in client, an engine with short timeouts, seeded files and SHA-256 helpers.
#![allow(dead_code)]

pub mod proxy;

use rand::{Rng, SeedableRng, rngs::StdRng};
use reve::api::uri::CrUri;
use reve::api::{Client, ClientConfig, ListQuery, LoginOutcome};
use reve::demo::{self, DemoConfig, DemoHandle};
use reve::transfer::{CheckpointStore, Engine, EngineConfig, RetryPolicy};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const EMAIL: &str = "transfer@reve.test";
pub const PASSWORD: &str = "transfer-password";

/// Starts a demo server; `site_url` routes its generated download URLs (e.g. via a proxy).
pub async fn demo(chunk_size: u64, site_url: Option<String>) -> DemoHandle {
    let server = demo::start(DemoConfig {
        chunk_size,
        site_url,
        ..DemoConfig::default()
    })
    .await
    .expect("demo server starts");
    server.state.lock().create_user(EMAIL, PASSWORD, None);
    server
}

/// A client for `base` with test-sized timeouts, signed in.
pub async fn client(base: &str) -> Client {
    let mut config = ClientConfig::new(base);
    config.request_timeout = Duration::from_secs(2);
    config.stall_timeout = Duration::from_millis(700);
    config.connect_timeout = Duration::from_secs(2);
    let client = Client::new(config).expect("client");
    // Signing in may itself meet a fault when `base` is a proxy: try a few times.
    for _ in 0..20 {
        match client.login(EMAIL, PASSWORD).await {
            Ok(LoginOutcome::SignedIn(..)) => return client,
            Ok(other) => panic!("unexpected login outcome {other:?}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    panic!("cannot sign in");
}

/// Engine settings for tests: fast retries, short stall detection.
pub fn fast_config() -> EngineConfig {
    EngineConfig {
        files_at_once: 3,
        chunk_concurrency: None,
        retry: RetryPolicy {
            base: Duration::from_millis(5),
            max_delay: Duration::from_millis(60),
            max_consecutive: 30,
            max_total: 400,
        },
        stall_timeout: Duration::from_millis(700),
        sync_every: 4096,
        head_hash_limit: 1 << 20,
        progress_interval: Duration::from_millis(20),
    }
}

pub fn engine(client: &Client, checkpoints: &Path, config: EngineConfig) -> Engine {
    Engine::new(client.clone(), CheckpointStore::new(checkpoints), config)
}

/// Deterministic pseudo-random bytes.
pub fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut data = vec![0u8; len];
    rng.fill(&mut data[..]);
    data
}

pub fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, data).unwrap();
}

/// relative path → SHA-256 of every file below `root` (folders as `dir/` with an empty hash).
pub fn local_tree(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            out.insert(format!("{rel}/"), String::new());
            walk(root, &path, out);
        } else {
            out.insert(rel, sha256(&std::fs::read(&path).unwrap()));
        }
    }
}

/// Every entry below a remote folder: relative path → (size, is placeholder).
pub async fn remote_tree(client: &Client, root: &CrUri) -> BTreeMap<String, (u64, bool)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(root.clone(), String::new())];
    while let Some((uri, prefix)) = stack.pop() {
        let list = client
            .list_all(&uri, &ListQuery::default())
            .await
            .expect("list");
        for f in list.files {
            let rel = format!("{prefix}{}", f.name);
            if f.is_folder() {
                out.insert(format!("{rel}/"), (0, false));
                stack.push((uri.join(&f.name), format!("{rel}/")));
            } else {
                out.insert(rel, (f.size, f.upload_session_id().is_some()));
            }
        }
    }
    out
}

/// The content of a remote file, fetched directly (not through the engine).
pub async fn remote_bytes(client: &Client, uri: &CrUri) -> Vec<u8> {
    use futures_util::StreamExt as _;
    let url = client.download_url(uri, None).await.expect("url");
    let mut dl = client.download(&url, None, None).await.expect("download");
    let mut out = Vec::new();
    while let Some(piece) = dl.body.next().await {
        out.extend_from_slice(&piece.expect("body"));
    }
    out
}

pub fn uri(path: &str) -> CrUri {
    CrUri::from_user_input(path).expect("uri")
}

/// Files left in a directory tree whose names end in `.reve-part`.
pub fn part_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".reve-part") {
                out.push(path);
            }
        }
    }
    out
}
