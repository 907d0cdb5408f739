//! A simulated downloader (the aria2/qBittorrent stand-in) for `reve --demo` and
//! `serve-demo --downloader`.
//!
//! A fresh real server has no downloader and fails every remote download (C2-485); the demo
//! keeps that behaviour by default, so the conformance check sees the real answers. With the
//! simulation on, a remote download moves through the phases the source names
//! (files-and-transfers.md §8.1, §8.5): `queued` → `processing/monitor` (the downloader reports
//! `props.download` with its files, and `PATCH /workflow/download/:id` may choose files) →
//! `processing/transfer` (the chosen files are written into the destination folder) → for
//! torrents a short `seeding` → `completed`. Nothing is fetched from the network: the content
//! of each file is generated from its source, so a test can predict it.

use super::{Progress, Store, TaskStatus};
use crate::demo::AppState;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Steps the monitor phase takes from 0 to 100 %.
const STEPS: u64 = 20;

/// One file the simulated downloader fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimFile {
    pub index: u64,
    /// Path below the destination folder, `/`-separated (`name/disc 1/track.flac`).
    pub name: String,
    pub size: u64,
    pub selected: bool,
}

/// What a source resolves to: a display name, whether it is a torrent, and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimDownload {
    pub name: String,
    pub torrent: bool,
    pub files: Vec<SimFile>,
    /// The info hash of a torrent (from a magnet, else derived from the source).
    pub hash: String,
}

fn digest(seed: &str) -> [u8; 32] {
    Sha256::digest(seed.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A size between 64 KiB and about 2 MiB, fixed by `seed`.
fn size_for(seed: &str) -> u64 {
    let d = digest(seed);
    (64 << 10) + u64::from(u16::from_be_bytes([d[0], d[1]])) * 32
}

/// A file name from the last path segment of a URL; `download` when it has none usable.
fn name_from_url(url: &str) -> String {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or_default();
    let decoded = percent_decode_str(last).decode_utf8_lossy().to_string();
    usable_name(&decoded).unwrap_or_else(|| "download".to_string())
}

/// `decoded` as one path component, or `None` when it cannot be one.
fn usable_name(decoded: &str) -> Option<String> {
    let cleaned: String = decoded
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .collect();
    let cleaned = cleaned.trim().to_string();
    (!cleaned.is_empty() && cleaned != "." && cleaned != ".." && !cleaned.contains("://"))
        .then_some(cleaned)
}

/// The `dn=` and `xt=urn:btih:` parameters of a magnet link.
fn magnet_params(magnet: &str) -> (Option<String>, Option<String>) {
    let query = magnet.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let mut name = None;
    let mut hash = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode_str(&v.replace('+', " "))
            .decode_utf8_lossy()
            .to_string();
        match k {
            "dn" => name = usable_name(&v),
            "xt" => hash = v.strip_prefix("urn:btih:").map(str::to_lowercase),
            _ => {}
        }
    }
    (name, hash)
}

/// The files of a simulated torrent named `name`: a small folder of three files.
fn torrent_files(name: &str, seed: &str) -> Vec<SimFile> {
    ["README.txt", "part 1.bin", "part 2.bin"]
        .iter()
        .enumerate()
        .map(|(i, file)| SimFile {
            index: i as u64,
            name: format!("{name}/{file}"),
            size: size_for(&format!("{seed}#{i}")),
            selected: true,
        })
        .collect()
}

/// What the downloader makes of a source URL (`http(s)://…`, `magnet:?…`) or of a torrent file
/// on the drive (`torrent_name` is its file name).
pub fn resolve(url: &str, torrent_name: Option<&str>) -> SimDownload {
    if let Some(file) = torrent_name {
        let name = file
            .strip_suffix(".torrent")
            .and_then(usable_name)
            .unwrap_or_else(|| "torrent".into());
        let hash = hex(&digest(file)[..20]);
        return SimDownload {
            files: torrent_files(&name, file),
            name,
            torrent: true,
            hash,
        };
    }
    if url.starts_with("magnet:") {
        let (name, hash) = magnet_params(url);
        let hash = hash.unwrap_or_else(|| hex(&digest(url)[..20]));
        let name = name.unwrap_or_else(|| format!("torrent {}", &hash[..hash.len().min(8)]));
        return SimDownload {
            files: torrent_files(&name, url),
            name,
            torrent: true,
            hash,
        };
    }
    let name = name_from_url(url);
    SimDownload {
        files: vec![SimFile {
            index: 0,
            name: name.clone(),
            size: size_for(url),
            selected: true,
        }],
        name,
        torrent: false,
        hash: String::new(),
    }
}

/// The generated content of file `index` of `source`: a repeated SHA-256 chain, so a test can
/// compute it too.
pub fn content(source: &str, index: u64, size: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut block = digest(&format!("{source}#{index}"));
    while (out.len() as u64) < size {
        let take = (size - out.len() as u64).min(32) as usize;
        out.extend_from_slice(&block[..take]);
        block = Sha256::digest(block).into();
    }
    out
}

/// Where the simulation of one task stands.
struct Run {
    source: String,
    sim: SimDownload,
    downloaded: u64,
}

impl Run {
    fn selected_total(&self) -> u64 {
        self.sim
            .files
            .iter()
            .filter(|f| f.selected)
            .map(|f| f.size)
            .sum()
    }

    /// `props.download` as the downloader reports it (§8.1).
    fn status_json(&self, state: &str, speed: u64) -> Value {
        let total = self.selected_total();
        let files: Vec<Value> = self
            .sim
            .files
            .iter()
            .map(|f| {
                let progress = if total == 0 {
                    0.0
                } else {
                    self.downloaded as f64 / total as f64
                };
                json!({"index": f.index, "name": f.name, "size": f.size,
                       "progress": if f.selected { progress } else { 0.0 },
                       "selected": f.selected})
            })
            .collect();
        json!({
            "name": self.sim.name,
            "state": state,
            "total": total,
            "downloaded": self.downloaded.min(total),
            "download_speed": speed,
            "upload_speed": 0,
            "uploaded": 0,
            "hash": self.sim.hash,
            "files": files,
            "pieces": "",
            "num_pieces": if self.sim.torrent { total.div_ceil(256 << 10) } else { 0 },
        })
    }
}

/// The task is still wanted (not cancelled): the simulation goes on.
fn alive(store: &Store, id: u64) -> bool {
    store.tasks.get(id).is_some_and(|t| !t.status.is_finished())
}

fn report(store: &mut Store, id: u64, run: &Run, state: &str, speed: u64, phase: &'static str) {
    let status = run.status_json(state, speed);
    let total = run.selected_total();
    store.update_task(id, |t| {
        t.phase = Some(phase);
        if let Some(props) = t.props.as_object_mut() {
            props.insert("download".into(), status);
        }
    });
    store.set_progress(
        id,
        "download",
        Progress {
            total,
            current: run.downloaded.min(total),
        },
    );
}

/// Applies a `PATCH /workflow/download/:id` choice (`files: [{index, download}]`) to the task's
/// reported file list; the running simulation reads it back on its next step.
pub fn apply_selection(props: &mut Value, choices: &[(u64, bool)]) -> Result<(), String> {
    let files = props
        .pointer_mut("/download/files")
        .and_then(Value::as_array_mut)
        .ok_or("the task has no files to choose from")?;
    for (index, download) in choices {
        let file = files
            .iter_mut()
            .find(|f| f["index"].as_u64() == Some(*index))
            .ok_or_else(|| format!("file index {index} does not exist"))?;
        file["selected"] = json!(download);
    }
    Ok(())
}

/// Reads the selection back from the task (the user may have changed it since the last step).
fn sync_selection(store: &Store, id: u64, run: &mut Run) {
    let Some(files) = store
        .tasks
        .get(id)
        .and_then(|t| t.props.pointer("/download/files"))
        .and_then(Value::as_array)
    else {
        return;
    };
    for f in &mut run.sim.files {
        if let Some(reported) = files.iter().find(|r| r["index"].as_u64() == Some(f.index)) {
            f.selected = reported["selected"].as_bool().unwrap_or(f.selected);
        }
    }
}

/// Runs one simulated remote download to its end (or until it is cancelled).
pub async fn run(state: AppState, id: u64, source: String, torrent_name: Option<String>) {
    let (queued, step) = {
        let store = state.lock();
        (store.tasks.timing.queued, store.tasks.timing.download_step)
    };
    tokio::time::sleep(queued).await;
    let started = std::time::Instant::now();
    let mut run = Run {
        sim: resolve(&source, torrent_name.as_deref()),
        source,
        downloaded: 0,
    };
    {
        let mut store = state.lock();
        if !alive(&store, id) {
            return;
        }
        store.update_task(id, |t| {
            t.status = TaskStatus::Processing;
            t.on_node = true;
        });
        report(&mut store, id, &run, "downloading", 0, "monitor");
    }
    loop {
        tokio::time::sleep(step).await;
        let mut store = state.lock();
        if !alive(&store, id) {
            return;
        }
        sync_selection(&store, id, &mut run);
        let total = run.selected_total();
        let increment = total.div_ceil(STEPS).max(1);
        run.downloaded = (run.downloaded + increment).min(total);
        let speed = (increment as f64 / step.as_secs_f64().max(0.001)) as u64;
        let done = run.downloaded >= total;
        let (label, phase) = if done {
            ("completed", "transfer")
        } else {
            ("downloading", "monitor")
        };
        report(&mut store, id, &run, label, speed, phase);
        if done {
            break;
        }
    }
    let result = transfer(&state, id, &run).await;
    if result.is_ok() && run.sim.torrent {
        {
            let mut store = state.lock();
            report(&mut store, id, &run, "seeding", 0, "seeding");
        }
        tokio::time::sleep(step * 2).await;
    }
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let mut store = state.lock();
    if !alive(&store, id) {
        return;
    }
    store.update_task(id, |t| {
        t.duration_ms = elapsed.max(1);
        t.progress.clear();
        match result {
            Ok(()) => t.status = TaskStatus::Completed,
            Err(e) => {
                t.status = TaskStatus::Error;
                t.error = Some(e);
            }
        }
    });
}

/// The transfer phase: writes every chosen file into the destination folder.
async fn transfer(state: &AppState, id: u64, run: &Run) -> Result<(), String> {
    let (owner, dst) = {
        let store = state.lock();
        let task = store.tasks.get(id).ok_or("task vanished")?;
        let dst = task.props["dst"].as_str().unwrap_or_default().to_string();
        (task.owner, dst)
    };
    let mut failed = 0u64;
    for file in run.sim.files.iter().filter(|f| f.selected) {
        let bytes = content(&run.source, file.index, file.size);
        let temp = super::temp_path(state);
        let path = temp.clone();
        super::blocking(move || {
            std::fs::write(&path, &bytes).map_err(|e| format!("failed to write file: {e}"))
        })
        .await?;
        let mut store = state.lock();
        if !alive(&store, id) {
            let _ = std::fs::remove_file(&temp);
            return Err("canceled".into());
        }
        let written = (|| {
            let folder = store
                .destination_folder(owner, &dst)
                .map_err(|e| format!("failed to get destination folder: {}", e.msg))?;
            let mut parts: Vec<String> = file.name.split('/').map(str::to_string).collect();
            let name = parts.pop().unwrap_or_default();
            let parent = store.ensure_folders(state, owner, folder, &parts)?;
            store.commit_task_file(state, owner, parent, &name, &temp, file.size)
        })();
        let _ = std::fs::remove_file(&temp);
        if let Err(e) = written {
            tracing::info!("simulated download {id}: {e}");
            failed += 1;
        }
    }
    let mut store = state.lock();
    store.update_task(id, |t| {
        if let Some(props) = t.props.as_object_mut() {
            props.insert("failed".into(), json!(failed));
        }
    });
    if failed > 0 && failed == run.sim.files.iter().filter(|f| f.selected).count() as u64 {
        return Err("failed to transfer any file".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_file() {
        let d = resolve("https://example.com/files/report%202026.pdf?x=1", None);
        assert_eq!(d.name, "report 2026.pdf");
        assert!(!d.torrent);
        assert_eq!(d.files.len(), 1);
        assert_eq!(resolve("https://example.com/", None).name, "example.com");
        assert_eq!(resolve("https://example.com/%2e%2e", None).name, "download");
        assert_eq!(resolve("https://h/a%1b%5b2Jb", None).name, "a[2Jb");
    }

    #[test]
    fn magnets_become_torrents_with_files() {
        let d = resolve(
            "magnet:?xt=urn:btih:ABCDEF0123456789ABCDEF0123456789ABCDEF01&dn=Big+Buck+Bunny",
            None,
        );
        assert!(d.torrent);
        assert_eq!(d.name, "Big Buck Bunny");
        assert_eq!(d.hash, "abcdef0123456789abcdef0123456789abcdef01");
        assert_eq!(d.files.len(), 3);
        assert!(d.files[0].name.starts_with("Big Buck Bunny/"));
        let t = resolve("", Some("linux.iso.torrent"));
        assert_eq!(t.name, "linux.iso");
        assert!(t.torrent);
    }

    #[test]
    fn content_is_reproducible_and_sized() {
        let a = content("https://x/y", 0, 100);
        assert_eq!(a.len(), 100);
        assert_eq!(a, content("https://x/y", 0, 100));
        assert_ne!(a, content("https://x/y", 1, 100));
        assert!(content("s", 0, 0).is_empty());
    }

    #[test]
    fn selection_changes_reported_files() {
        let run = Run {
            source: "magnet:?dn=x".into(),
            sim: resolve("magnet:?dn=x", None),
            downloaded: 0,
        };
        let mut props = json!({"download": run.status_json("downloading", 0)});
        apply_selection(&mut props, &[(1, false)]).unwrap();
        assert_eq!(props["download"]["files"][1]["selected"], false);
        assert!(apply_selection(&mut props, &[(9, true)]).is_err());
    }
}
