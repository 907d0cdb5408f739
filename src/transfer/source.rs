//! The local side of an upload: the source file's identity, and chunk bodies streamed from disk
//! with their exact length (memory per chunk in flight: one read buffer, not the chunk).

use super::checkpoint::FileIdentity;
use crate::api::ChunkBody;
use bytes::{Bytes, BytesMut};
use sha2::{Digest, Sha256};
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Read buffer of a chunk stream: large enough that the per-read cost (a blocking-pool hop)
/// stays small next to the copy, small next to any chunk size.
const READ_BUF: usize = 256 << 10;

/// The cheap part of the identity (no hashing): size, mtime, inode, device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: i64,
    pub inode: u64,
    pub device: u64,
}

impl Stat {
    pub fn of(meta: &Metadata) -> Stat {
        let mtime_ns = meta
            .modified()
            .ok()
            .map(|t| match t.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
                Err(e) => i64::try_from(e.duration().as_nanos()).map_or(i64::MIN, |n| -n),
            })
            .unwrap_or(0);
        let (inode, device) = inode_and_device(meta);
        Stat {
            size: meta.len(),
            mtime_ns,
            inode,
            device,
        }
    }

    pub fn matches(&self, id: &FileIdentity) -> bool {
        self.size == id.size
            && self.mtime_ns == id.mtime_ns
            && self.inode == id.inode
            && self.device == id.device
    }
}

#[cfg(unix)]
fn inode_and_device(meta: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.ino(), meta.dev())
}

#[cfg(not(unix))]
fn inode_and_device(_: &Metadata) -> (u64, u64) {
    (0, 0)
}

/// `stat` of the source (following a symlink to its file).
pub async fn stat(path: &Path) -> io::Result<Stat> {
    let meta = tokio::fs::metadata(path).await?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(Stat::of(&meta))
}

/// The full identity: stat plus the SHA-256 of the first `head_len` bytes.
pub async fn identify(path: &Path, head_len: u64) -> io::Result<FileIdentity> {
    let before = stat(path).await?;
    let head_len = head_len.min(before.size);
    let head = hash_head(path, head_len).await?;
    let after = stat(path).await?;
    if before != after {
        return Err(io::Error::other("the file changed while it was being read"));
    }
    Ok(FileIdentity {
        size: before.size,
        mtime_ns: before.mtime_ns,
        inode: before.inode,
        device: before.device,
        head_sha256: head,
        head_len,
    })
}

async fn hash_head(path: &Path, len: u64) -> io::Result<String> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut left = len;
    let mut buf = vec![0u8; READ_BUF];
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file.read(&mut buf[..want]).await?;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the file still is the one recorded (stat and first-chunk hash).
pub async fn unchanged(path: &Path, id: &FileIdentity) -> bool {
    match stat(path).await {
        Ok(s) if s.matches(id) => {}
        _ => return false,
    }
    hash_head(path, id.head_len)
        .await
        .is_ok_and(|h| h == id.head_sha256)
}

/// Moved bytes and the time of the last movement of one request's body, shared between the
/// body stream (which counts) and the stall watchdog and progress reporting (which read).
#[derive(Debug)]
pub struct Activity {
    base: Instant,
    last_ms: AtomicU64,
    bytes: AtomicU64,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            base: Instant::now(),
            last_ms: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    pub fn touch(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        let ms = self.base.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Time since the last movement (or since creation).
    pub fn idle(&self) -> std::time::Duration {
        let last = std::time::Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.base.elapsed().saturating_sub(last)
    }
}

/// A chunk body: bytes `[start, start + len)` of `path`, read as the HTTP client asks for them.
/// `on_read` sees every piece (progress); `activity` the time of each.
pub fn chunk_body(
    path: PathBuf,
    start: u64,
    len: u64,
    activity: Arc<Activity>,
    on_read: Arc<dyn Fn(u64) + Send + Sync>,
) -> ChunkBody {
    ChunkBody::stream(range_stream(path, start, len, activity, on_read), len)
}

/// The stream behind [`chunk_body`]. The file is opened on the first read. A file that got
/// shorter ends the stream with an error instead of sending fewer bytes than announced.
pub fn range_stream(
    path: PathBuf,
    start: u64,
    len: u64,
    activity: Arc<Activity>,
    on_read: Arc<dyn Fn(u64) + Send + Sync>,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
    struct State {
        path: PathBuf,
        file: Option<tokio::fs::File>,
        start: u64,
        left: u64,
        activity: Arc<Activity>,
        on_read: Arc<dyn Fn(u64) + Send + Sync>,
    }
    let state = State {
        path,
        file: None,
        start,
        left: len,
        activity,
        on_read,
    };
    futures_util::stream::try_unfold(state, |mut st| async move {
        if st.left == 0 {
            return Ok::<_, io::Error>(None);
        }
        let file = match st.file.as_mut() {
            Some(file) => file,
            None => {
                let mut file = tokio::fs::File::open(&st.path).await?;
                file.seek(io::SeekFrom::Start(st.start)).await?;
                st.file.insert(file)
            }
        };
        let want = READ_BUF.min(usize::try_from(st.left).unwrap_or(usize::MAX));
        let mut buf = BytesMut::zeroed(want);
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the source file got shorter during the upload",
            ));
        }
        buf.truncate(n);
        st.left -= n as u64;
        st.activity.touch(n as u64);
        (st.on_read)(n as u64);
        Ok(Some((buf.freeze(), st)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;

    #[tokio::test]
    async fn identity_notices_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello world").unwrap();
        let id = identify(&path, 5).await.unwrap();
        assert_eq!(id.head_len, 5);
        assert_eq!(id.size, 11);
        assert!(unchanged(&path, &id).await);
        // Same size, new content in the head: the mtime alone may not change on coarse clocks,
        // the hash does.
        std::fs::write(&path, b"HELLO world").unwrap();
        assert!(!unchanged(&path, &id).await);
    }

    #[tokio::test]
    async fn range_streams_are_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let seen = Arc::new(AtomicU64::new(0));
        let counter = seen.clone();
        let activity = Activity::new();
        let on_read: Arc<dyn Fn(u64) + Send + Sync> = Arc::new(move |n| {
            counter.fetch_add(n, Ordering::Relaxed);
        });
        let stream = range_stream(path.clone(), 70_000, 100_000, activity.clone(), on_read);
        let pieces: Vec<io::Result<Bytes>> = stream.collect().await;
        let mut out = Vec::new();
        for p in pieces {
            out.extend_from_slice(&p.unwrap());
        }
        assert_eq!(out, data[70_000..170_000]);
        assert_eq!(seen.load(Ordering::Relaxed), 100_000);
        assert_eq!(activity.bytes(), 100_000);

        // A range past the end fails instead of sending fewer bytes.
        let short = range_stream(path, 150_000, 100_000, Activity::new(), Arc::new(|_| {}));
        let results: Vec<io::Result<Bytes>> = short.collect().await;
        assert!(results.last().unwrap().is_err());
    }
}
