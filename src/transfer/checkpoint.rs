//! Checkpoints: what a transfer needs to resume after a dropped connection or a restart —
//! even after `kill -9`.
//!
//! Layout under the data dir: `transfers/<profile>/<job>/job.json` (what was asked: sources,
//! destination, options), one `<job>.<n>.json` per file (the upload session, the chunks the
//! server acknowledged, the source file's identity; or the download's part file and how many
//! bytes of it are known to be on disk), and `lock`, held (advisory lock) by the process that
//! runs the job. A lock nobody holds means "interrupted". Every file is written 0600, in a
//! 0700 directory, atomically (temporary file, rename): a checkpoint is always either the old
//! or the new state, whenever the process dies. Chunks are recorded only after the server
//! acknowledged them, so a checkpoint never claims more than the server has.
//!
//! Only the writes that keep server state from being orphaned by a power loss are fsynced
//! ([`JobHandle::save_durable`]: "a session is being created", "this is the session"). Losing
//! any other write to a power loss only means re-sending acknowledged chunks or re-checking a
//! finished file; fsyncing them all made many small files several times slower.

use super::Direction;
use super::conflict::{Choice, ConflictPolicy};
use crate::api::models::UploadSession;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Bumped when the format changes incompatibly; other versions are listed but not resumed.
pub const FORMAT: u32 = 1;

/// What a job was asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub format: u32,
    pub id: String,
    pub direction: Direction,
    /// Unix seconds.
    pub created_at: i64,
    /// Local paths (upload) or `cloudreve://` URIs (download).
    pub sources: Vec<String>,
    /// The remote folder URI (upload) or the local folder (download).
    pub destination: String,
    pub recursive: bool,
    pub conflict: ConflictPolicy,
    /// Every file has its record: a restart does not need to walk the sources again.
    pub planned: bool,
}

/// Where one file stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "message")]
pub enum RecordState {
    Pending,
    /// Started; after a restart this means "interrupted".
    Active,
    Done,
    Skipped(String),
    Failed(String),
}

impl RecordState {
    pub fn is_finished(&self) -> bool {
        matches!(self, RecordState::Done | RecordState::Skipped(_))
    }
}

/// One file of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferRecord {
    pub id: String,
    pub job: String,
    pub state: RecordState,
    pub spec: Spec,
}

impl TransferRecord {
    pub fn direction(&self) -> Direction {
        match self.spec {
            Spec::Upload(_) => Direction::Upload,
            Spec::Download(_) => Direction::Download,
        }
    }

    /// A short display name (the file name).
    pub fn name(&self) -> String {
        match &self.spec {
            Spec::Upload(u) => u
                .local
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Spec::Download(d) => d.name.clone(),
        }
    }

    pub fn size(&self) -> u64 {
        match &self.spec {
            Spec::Upload(u) => u.size,
            Spec::Download(d) => d.size,
        }
    }

    /// Bytes known to be done (acknowledged chunks, durable part bytes).
    pub fn bytes_done(&self) -> u64 {
        match &self.spec {
            Spec::Upload(u) => u.acknowledged_bytes(),
            Spec::Download(d) => d.durable,
        }
    }
}

/// Externally tagged (`{"upload": {…}}`): an internally tagged enum would buffer its content
/// and could no longer read the integer keys of `acked`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spec {
    // Boxed: records are large (sessions carry URLs) and move around a lot.
    Upload(Box<UploadRecord>),
    Download(Box<DownloadRecord>),
}

/// What identifies the source file of an upload: if any of it changes, the upload restarts
/// (a resumed upload must never mix two versions of a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (JSON has no 128-bit integers).
    pub mtime_ns: i64,
    pub inode: u64,
    pub device: u64,
    /// SHA-256 (hex) of the first `head_len` bytes — the first chunk, capped.
    pub head_sha256: String,
    pub head_len: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadRecord {
    pub local: PathBuf,
    /// The planned target URI.
    pub remote: String,
    pub size: u64,
    /// Where the file really goes (after a "rename" decision).
    #[serde(default)]
    pub target: Option<String>,
    /// Overwrite decided: upload as a new version.
    #[serde(default)]
    pub as_version: bool,
    /// The remote file's entity before a version upload (to tell our version from the old one).
    #[serde(default)]
    pub replaced_entity: Option<String>,
    #[serde(default)]
    pub identity: Option<FileIdentity>,
    #[serde(default)]
    pub session: Option<UploadSession>,
    /// Acknowledged chunk index → the storage's receipt (S3 `ETag`; empty otherwise).
    #[serde(default)]
    pub acked: BTreeMap<u64, String>,
    /// S3: the multipart upload was completed at the storage; only the callback is left.
    #[serde(default)]
    pub storage_completed: bool,
    /// The one recreation after `40011` was used.
    #[serde(default)]
    pub recreated: bool,
    /// Set (Unix ms) before `PUT /file/upload` is sent and cleared once the session is
    /// recorded: after a crash in between, a placeholder at the target created since then is
    /// this upload's own and is cancelled instead of being taken for a conflict.
    #[serde(default)]
    pub creating_since: Option<i64>,
}

impl UploadRecord {
    pub fn target_uri(&self) -> &str {
        self.target.as_deref().unwrap_or(&self.remote)
    }

    pub fn acknowledged_bytes(&self) -> u64 {
        let Some(session) = &self.session else {
            return 0;
        };
        self.acked
            .keys()
            .filter_map(|&i| session.chunk_range(i, self.size))
            .map(|r| r.end - r.start)
            .sum()
    }

    /// Forgets the session and everything acknowledged in it.
    pub fn reset_session(&mut self) {
        self.session = None;
        self.acked.clear();
        self.storage_completed = false;
        self.identity = None;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadRecord {
    pub remote: String,
    pub dest_dir: PathBuf,
    /// The final local name (checked by `paths::check_local_name`).
    pub name: String,
    pub size: u64,
    /// The file's `primary_entity` when planned: a different one means the content changed.
    pub entity: String,
    /// Remote `updated_at` (RFC 3339), applied as the local modification time.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The content's `ETag` (for `If-Range`).
    #[serde(default)]
    pub etag: Option<String>,
    /// The part file, once reve decided to create it.
    #[serde(default)]
    pub part: Option<PathBuf>,
    /// (device, inode) of the part file reve created: it never adopts another file.
    #[serde(default)]
    pub part_id: Option<(u64, u64)>,
    /// Bytes of the part file known to be on disk (fsynced).
    #[serde(default)]
    pub durable: u64,
    /// The decision about an existing local file.
    #[serde(default)]
    pub choice: Option<Choice>,
}

impl DownloadRecord {
    pub fn final_path(&self) -> PathBuf {
        self.dest_dir.join(&self.name)
    }
}

/// The checkpoints of one profile.
#[derive(Debug, Clone)]
pub struct CheckpointStore {
    root: PathBuf,
}

/// A job whose lock this process holds.
#[derive(Debug)]
pub struct JobHandle {
    pub record: JobRecord,
    dir: PathBuf,
    /// Held for the handle's life; the OS releases it when the process dies.
    _lock: File,
}

/// What `reve transfers` shows about a job.
#[derive(Debug, Clone)]
pub struct JobSummary {
    pub record: JobRecord,
    /// Another process holds the job's lock right now.
    pub running: bool,
    pub transfers: Vec<TransferRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no transfer {0:?}")]
    NotFound(String),
    #[error("transfer {0} is running in another reve process")]
    Busy(String),
    #[error("transfer {0} was written by another reve version")]
    Format(String),
    #[error("checkpoint {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("checkpoint {path} is damaged: {source}")]
    Damaged {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl CheckpointStore {
    pub fn new(root: impl Into<PathBuf>) -> CheckpointStore {
        CheckpointStore { root: root.into() }
    }

    /// `data_dir/transfers/<profile>`.
    pub fn for_profile(data_dir: &Path, profile: &str) -> CheckpointStore {
        CheckpointStore::new(data_dir.join("transfers").join(profile_dir_name(profile)))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates a job directory and takes its lock.
    pub fn create_job(&self, record: JobRecord) -> Result<JobHandle, StoreError> {
        create_private_dir(&self.root)?;
        let dir = self.root.join(&record.id);
        match fs::create_dir(&dir) {
            Ok(()) => set_private(&dir, 0o700)?,
            Err(e) => return Err(io_err(&dir)(e)),
        }
        let lock = take_lock(&dir, &record.id)?;
        let handle = JobHandle {
            record,
            dir,
            _lock: lock,
        };
        handle.save_job()?;
        Ok(handle)
    }

    /// Takes the lock of an existing job (to resume or clear it).
    pub fn open_job(&self, id: &str) -> Result<JobHandle, StoreError> {
        let dir = self.job_dir(id)?;
        let lock = take_lock(&dir, id)?;
        let record: JobRecord = read_json(&dir.join("job.json"))?;
        if record.format != FORMAT {
            return Err(StoreError::Format(id.to_string()));
        }
        Ok(JobHandle {
            record,
            dir,
            _lock: lock,
        })
    }

    /// The job named by `id`, or the job whose id starts with it (`reve transfers resume 3f2a`),
    /// or the job of a transfer id `<job>.<n>`.
    pub fn resolve_id(&self, id: &str) -> Result<String, StoreError> {
        let job_part = id.split('.').next().unwrap_or(id);
        let ids = self.job_ids()?;
        if ids.iter().any(|j| j == job_part) {
            return Ok(job_part.to_string());
        }
        let matches: Vec<&String> = ids.iter().filter(|j| j.starts_with(job_part)).collect();
        match matches.as_slice() {
            [one] if !job_part.is_empty() => Ok((*one).clone()),
            _ => Err(StoreError::NotFound(id.to_string())),
        }
    }

    fn job_dir(&self, id: &str) -> Result<PathBuf, StoreError> {
        // Ids come from the command line: only the characters reve itself generates.
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::NotFound(id.to_string()));
        }
        let dir = self.root.join(id);
        if dir.join("job.json").is_file() {
            Ok(dir)
        } else {
            Err(StoreError::NotFound(id.to_string()))
        }
    }

    /// Ids of every job, oldest first.
    pub fn job_ids(&self) -> Result<Vec<String>, StoreError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&self.root)(e)),
        };
        let mut ids: Vec<(i64, String)> = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(job) = read_json::<JobRecord>(&entry.path().join("job.json")) {
                ids.push((job.created_at, name));
            }
        }
        ids.sort();
        Ok(ids.into_iter().map(|(_, id)| id).collect())
    }

    /// Every job with its records, without taking the locks.
    pub fn list(&self) -> Result<Vec<JobSummary>, StoreError> {
        let mut out = Vec::new();
        for id in self.job_ids()? {
            let dir = self.root.join(&id);
            let Ok(record) = read_json::<JobRecord>(&dir.join("job.json")) else {
                continue;
            };
            let running = is_locked(&dir);
            // A listing shows what it can read; resuming reads strictly.
            let transfers = load_records(&dir, false)?;
            out.push(JobSummary {
                record,
                running,
                transfers,
            });
        }
        Ok(out)
    }
}

impl JobHandle {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn save_job(&self) -> Result<(), StoreError> {
        write_json(&self.dir.join("job.json"), &self.record, true)
    }

    /// Writes a record atomically (it survives the process dying at any moment).
    pub fn save(&self, record: &TransferRecord) -> Result<(), StoreError> {
        write_json(&self.dir.join(format!("{}.json", record.id)), record, false)
    }

    /// Writes a record atomically and fsyncs it (it also survives a power loss).
    pub fn save_durable(&self, record: &TransferRecord) -> Result<(), StoreError> {
        write_json(&self.dir.join(format!("{}.json", record.id)), record, true)
    }

    pub fn records(&self) -> Result<Vec<TransferRecord>, StoreError> {
        load_records(&self.dir, true)
    }

    /// The next free record number (records are `<job>.<n>`).
    pub fn next_record_id(&self, n: usize) -> String {
        format!("{}.{n}", self.record.id)
    }

    /// Deletes the job's checkpoints (the job is finished or cleared).
    pub fn remove(self) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        // The lock file goes last, after every record: a crash in between leaves a job
        // directory that lists as "interrupted" and can be cleared again.
        let entries = fs::read_dir(&dir).map_err(io_err(&dir))?;
        for entry in entries.flatten() {
            if entry.file_name() != "lock" {
                let _ = fs::remove_file(entry.path());
            }
        }
        drop(self);
        let _ = fs::remove_file(dir.join("lock"));
        fs::remove_dir(&dir).map_err(io_err(&dir))
    }
}

fn load_records(dir: &Path, strict: bool) -> Result<Vec<TransferRecord>, StoreError> {
    let entries = fs::read_dir(dir).map_err(io_err(dir))?;
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "job.json" || !name.ends_with(".json") {
            continue;
        }
        match read_json::<TransferRecord>(&entry.path()) {
            Ok(record) => records.push(record),
            Err(e) if strict => return Err(e),
            Err(e) => tracing::warn!("skipping a damaged checkpoint: {e}"),
        }
    }
    records.sort_by_key(|r| record_number(&r.id));
    Ok(records)
}

fn record_number(id: &str) -> u64 {
    id.rsplit('.')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// Profile names come from the user: keep the directory name to safe characters.
fn profile_dir_name(profile: &str) -> String {
    let cleaned: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "default".into()
    } else {
        cleaned
    }
}

fn take_lock(dir: &Path, id: &str) -> Result<File, StoreError> {
    let path = dir.join("lock");
    let file = private_options()
        .write(true)
        .truncate(false)
        .create(true)
        .open(&path)
        .map_err(io_err(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Busy(id.to_string())),
        Err(fs::TryLockError::Error(e)) => Err(io_err(&path)(e)),
    }
}

fn is_locked(dir: &Path) -> bool {
    let Ok(file) = OpenOptions::new().read(true).open(dir.join("lock")) else {
        return false;
    };
    matches!(file.try_lock_shared(), Err(fs::TryLockError::WouldBlock))
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn set_private(path: &Path, mode: u32) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io_err(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    set_private(dir, 0o700)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, StoreError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    serde_json::from_slice(&bytes).map_err(|source| StoreError::Damaged {
        path: path.to_path_buf(),
        source,
    })
}

/// Temporary file (0600), fsync when `durable`, rename over the old one.
fn write_json<T: Serialize>(path: &Path, value: &T, durable: bool) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|source| StoreError::Damaged {
        path: path.to_path_buf(),
        source,
    })?;
    let tmp = path.with_extension("json.tmp");
    let mut file = private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)
        .map_err(io_err(&tmp))?;
    file.write_all(&bytes).map_err(io_err(&tmp))?;
    if durable {
        file.sync_all().map_err(io_err(&tmp))?;
    }
    drop(file);
    fs::rename(&tmp, path).map_err(io_err(path))
}

/// A new random id: 8 lowercase hex digits (short enough to type).
pub fn new_job_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> JobRecord {
        JobRecord {
            format: FORMAT,
            id: id.into(),
            direction: Direction::Upload,
            created_at: 1,
            sources: vec!["/tmp/a".into()],
            destination: "cloudreve://my".into(),
            recursive: false,
            conflict: ConflictPolicy::Ask,
            planned: true,
        }
    }

    fn upload(id: &str) -> TransferRecord {
        TransferRecord {
            id: id.into(),
            job: "j".into(),
            state: RecordState::Pending,
            spec: Spec::Upload(Box::new(UploadRecord {
                local: "/tmp/a".into(),
                remote: "cloudreve://my/a".into(),
                size: 3,
                target: None,
                as_version: false,
                replaced_entity: None,
                identity: None,
                session: None,
                acked: BTreeMap::new(),
                storage_completed: false,
                recreated: false,
                creating_since: None,
            })),
        }
    }

    #[test]
    fn round_trip_lock_and_remove() {
        let tmp = tempfile::tempdir().unwrap();
        let store = CheckpointStore::for_profile(tmp.path(), "de/fault");
        let handle = store.create_job(job("abcd1234")).unwrap();
        let mut rec = upload("abcd1234.0");
        handle.save(&rec).unwrap();
        rec.state = RecordState::Active;
        handle.save(&rec).unwrap();
        assert_eq!(handle.records().unwrap(), vec![rec.clone()]);

        // Held by this handle: listed as running, cannot be opened twice.
        let listed = store.list().unwrap();
        assert!(listed[0].running);
        assert!(matches!(
            store.open_job("abcd1234"),
            Err(StoreError::Busy(_))
        ));
        assert_eq!(store.resolve_id("abcd").unwrap(), "abcd1234");
        assert_eq!(store.resolve_id("abcd1234.0").unwrap(), "abcd1234");
        assert!(store.resolve_id("../x").is_err());
        assert!(store.open_job("../x").is_err());
        drop(handle);

        assert!(!store.list().unwrap()[0].running);
        let reopened = store.open_job("abcd1234").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let dir = store.root().join("abcd1234");
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&dir.join("abcd1234.0.json")), 0o600);
            assert_eq!(mode(&dir.join("job.json")), 0o600);
        }
        reopened.remove().unwrap();
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn records_with_sessions_round_trip() {
        let mut rec = upload("j.0");
        let Spec::Upload(u) = &mut rec.spec else {
            unreachable!()
        };
        // The S3 session answer of C3-013 (shortened URLs).
        u.session = Some(
            serde_json::from_value(serde_json::json!({
                "session_id": "23f68c49", "upload_id": "blfe", "chunk_size": 5242880,
                "expires": 1795832314, "upload_urls": ["http://s3/p1", "http://s3/p2"],
                "completeURL": "http://s3/c",
                "storage_policy": {"id": "5PSK", "name": "S3", "type": "s3", "max_size": 0},
                "uri": "cloudreve://my/s3/big12.bin", "callback_secret": "sDWF"
            }))
            .unwrap(),
        );
        u.identity = Some(FileIdentity {
            size: 3,
            mtime_ns: 1_700_000_000_123_456_789,
            inode: 5,
            device: 6,
            head_sha256: "ab".into(),
            head_len: 3,
        });
        u.acked.insert(1, "\"etag\"".into());
        let json = serde_json::to_string(&rec).unwrap();
        let back: TransferRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rec);
    }

    #[test]
    fn acknowledged_bytes_follow_the_session() {
        let mut rec = upload("j.0");
        let Spec::Upload(u) = &mut rec.spec else {
            unreachable!()
        };
        u.size = 25;
        u.session = Some(
            serde_json::from_value(serde_json::json!({
                "session_id": "s", "chunk_size": 10, "expires": 1, "uri": "cloudreve://my/a"
            }))
            .unwrap(),
        );
        u.acked.insert(0, String::new());
        u.acked.insert(2, String::new());
        assert_eq!(u.acknowledged_bytes(), 15);
        u.reset_session();
        assert_eq!(u.acknowledged_bytes(), 0);
    }
}
