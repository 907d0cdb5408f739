//! One file download (files-and-transfers.md §6): `POST /file/url`, then a streamed `GET` into
//! `<name>.reve-part` (created exclusively, mode 0600, in the destination folder), resumed
//! with `Range` + `If-Range`. A `200` to a ranged request means the content changed or the
//! server ignores ranges: the part file starts over, it is never appended to. At the end the
//! size is checked, the file fsynced and renamed into place — replacing, or without ever
//! clobbering when the user chose "keep both". A partial file never carries the final name.

use super::checkpoint::{DownloadRecord, RecordState, Spec, TransferRecord};
use super::conflict::{Choice, Conflict, Decision};
use super::paths::{Platform, check_local_name, numbered_name, part_path};
use super::queue::{Reporter, RunCtx, Stop, fail, settle};
use super::retry::{Budget, ErrorClass, classify};
use super::{Direction, Outcome};
use crate::api::models::DownloadUrlRequest;
use crate::api::{ApiError, ByteRange, Download};
use futures_util::StreamExt as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncSeekExt as _, AsyncWriteExt as _};

/// Write buffer between the network and the part file.
const WRITE_BUF: usize = 256 << 10;
/// Most "keep both" names tried.
const MAX_NUMBERED: u32 = 1000;

pub(crate) async fn run(ctx: &RunCtx, record: TransferRecord) -> Outcome {
    let TransferRecord { id, job, spec, .. } = record;
    let Spec::Download(down) = spec else {
        return Outcome::Failed("not a download".into());
    };
    let downloader = Downloader {
        ctx,
        id: id.clone(),
        job: job.clone(),
        down: Mutex::new(*down),
        reporter: ctx.reporter(&id),
        budget: Mutex::new(ctx.budget()),
    };
    let result = downloader.run().await;
    let mut record = TransferRecord {
        id,
        job,
        state: RecordState::Active,
        spec: Spec::Download(Box::new(downloader.snapshot())),
    };
    settle(ctx, &mut record, &downloader.reporter, result)
}

/// Why one GET stopped.
enum FetchStop {
    Api(ApiError),
    /// Local trouble (disk full, part file gone): not worth retrying.
    Local(String),
}

struct Downloader<'a> {
    ctx: &'a RunCtx,
    id: String,
    job: String,
    down: Mutex<DownloadRecord>,
    reporter: Arc<Reporter>,
    budget: Mutex<Budget>,
}

/// The open part file and how many of its bytes are valid.
struct Part {
    file: tokio::io::BufWriter<tokio::fs::File>,
    have: u64,
}

impl Downloader<'_> {
    fn snapshot(&self) -> DownloadRecord {
        self.down.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn read<R>(&self, f: impl FnOnce(&DownloadRecord) -> R) -> R {
        f(&self.down.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn commit(&self, f: impl FnOnce(&mut DownloadRecord)) -> Result<(), Stop> {
        let mut down = self.down.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut down);
        let record = TransferRecord {
            id: self.id.clone(),
            job: self.job.clone(),
            state: RecordState::Active,
            spec: Spec::Download(Box::new(down.clone())),
        };
        self.ctx.save(&record).map_err(Stop::Failed)
    }

    async fn backoff(&self, e: &ApiError) -> bool {
        let delay = self
            .budget
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .spend();
        match delay {
            Some(d) => {
                self.reporter
                    .notice(format!("{e}; retrying in {:.1} s", d.as_secs_f64()));
                tokio::time::sleep(d).await;
                true
            }
            None => false,
        }
    }

    async fn run(&self) -> Result<String, Stop> {
        let (name, size) = self.read(|d| (d.name.clone(), d.size));
        check_local_name(&name, Platform::current())
            .map_err(|e| fail(format!("refused name {name:?}: {e}")))?;
        self.commit(|_| {})?;
        self.reporter.planned(size);
        self.decide_existing().await?;
        let mut part = self.open_part().await?;
        self.reporter.resumed(part.have);
        let mut url: Option<String> = None;
        loop {
            let current = match &url {
                Some(u) => u.clone(),
                None => {
                    let fresh = self.url(false).await?;
                    url = Some(fresh.clone());
                    fresh
                }
            };
            let e = match self.fetch(&current, &mut part).await {
                Ok(()) => break,
                Err(FetchStop::Local(e)) => return Err(fail(e)),
                Err(FetchStop::Api(e)) => e,
            };
            match classify(&e) {
                ErrorClass::Transient | ErrorClass::Reauthenticated => {
                    if !self.backoff(&e).await {
                        return Err(fail(e.to_string()));
                    }
                }
                ErrorClass::UrlExpired => {
                    if !self.backoff(&e).await {
                        return Err(fail(e.to_string()));
                    }
                    url = Some(self.url(true).await?);
                }
                _ => match e {
                    // Asked past the end: either everything is here, or the content shrank.
                    ApiError::RangeNotSatisfiable { total, .. } => {
                        if total == Some(part.have) && part.have == self.read(|d| d.size) {
                            break;
                        }
                        self.start_over(&mut part, "the remote file changed")
                            .await?;
                    }
                    other => return Err(fail(other.to_string())),
                },
            }
        }
        self.finish(part).await
    }

    /// An existing local file: ask once, remember the answer in the checkpoint.
    async fn decide_existing(&self) -> Result<(), Stop> {
        let (path, choice) = self.read(|d| (d.final_path(), d.choice));
        if choice.is_some() || fs::symlink_metadata(&path).is_err() {
            return Ok(());
        }
        self.check_collision(&path)?;
        let choice = self.decide(&path).await?;
        self.commit(|d| d.choice = Some(choice))
    }

    async fn decide(&self, path: &Path) -> Result<Choice, Stop> {
        let conflict = Conflict {
            direction: Direction::Download,
            name: self.read(|d| d.name.clone()),
            target: path.display().to_string(),
            local_path: Some(path.to_path_buf()),
        };
        match self.ctx.decider.decide(&conflict).await {
            Decision::Take(Choice::Skip) => Err(Stop::Skipped("exists locally".into())),
            Decision::Take(choice) => Ok(choice),
            Decision::Fail => Err(fail(format!("{} exists", path.display()))),
        }
    }

    /// Two remote names that land on one local file (a case-insensitive file system) are
    /// reported instead of one silently replacing the other.
    fn check_collision(&self, path: &Path) -> Result<(), Stop> {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return Ok(());
        };
        let key = file_key(&meta);
        let produced = self.ctx.produced.lock().unwrap_or_else(|p| p.into_inner());
        match produced.get(&key) {
            Some(other) => Err(fail(format!(
                "{} and {other} are the same local file here; not merging them",
                self.read(|d| d.name.clone())
            ))),
            None => Ok(()),
        }
    }

    // ---- the part file ----------------------------------------------------------------------

    /// Reopens the recorded part file (only the one reve created) or creates a new one.
    async fn open_part(&self) -> Result<Part, Stop> {
        let (recorded, part_id, durable, final_path) =
            self.read(|d| (d.part.clone(), d.part_id, d.durable, d.final_path()));
        if let Some(path) = recorded {
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_file() && part_id.is_none_or(|id| id == file_key(&meta)) => {
                    // Bytes past the last fsync may be garbage after a power loss.
                    let have = if part_id.is_some() {
                        durable.min(meta.len())
                    } else {
                        0
                    };
                    let key = file_key(&meta);
                    let file = open_existing(&path, key, have)
                        .map_err(|e| fail(format!("cannot reopen {}: {e}", path.display())))?;
                    self.commit(|d| {
                        d.part_id = Some(key);
                        d.durable = have;
                    })?;
                    return Ok(part_from(file, have));
                }
                Ok(_) => {
                    return Err(fail(format!(
                        "{} is not the partial download reve left; remove it to start over",
                        path.display()
                    )));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(fail(format!("{}: {e}", path.display()))),
            }
        }
        let path = part_path(&final_path);
        // Recorded before it exists: a crash right after the creation still finds it.
        self.commit(|d| {
            d.part = Some(path.clone());
            d.part_id = None;
            d.durable = 0;
        })?;
        let file = create_exclusive(&path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                fail(format!(
                    "{} already exists (another download?); remove it to start over",
                    path.display()
                ))
            } else {
                fail(format!("cannot create {}: {e}", path.display()))
            }
        })?;
        let key = file_key(&file.metadata().map_err(|e| fail(e.to_string()))?);
        self.commit(|d| d.part_id = Some(key))?;
        Ok(part_from(file, 0))
    }

    async fn start_over(&self, part: &mut Part, why: &str) -> Result<(), Stop> {
        self.reporter.notice(format!("{why}; starting over"));
        self.reporter.rewound(part.have);
        truncate(part, 0)
            .await
            .map_err(|e| fail(format!("cannot truncate the part file: {e}")))?;
        self.commit(|d| {
            d.durable = 0;
            d.etag = None;
        })
    }

    // ---- network ----------------------------------------------------------------------------

    /// `POST /file/url` (with `no_cache` after a URL stopped working).
    async fn url(&self, fresh: bool) -> Result<String, Stop> {
        let request = DownloadUrlRequest {
            uris: vec![self.read(|d| d.remote.clone())],
            download: true,
            no_cache: fresh,
            ..Default::default()
        };
        loop {
            let e = match self.ctx.client.download_urls(&request).await {
                Ok(answer) => {
                    return answer
                        .urls
                        .into_iter()
                        .next()
                        .map(|u| u.url)
                        .filter(|u| !u.is_empty())
                        .ok_or_else(|| fail("the server sent no download URL"));
                }
                Err(e) => e,
            };
            let retry = matches!(
                classify(&e),
                ErrorClass::Transient | ErrorClass::Reauthenticated
            );
            if !retry || !self.backoff(&e).await {
                return Err(fail(e.to_string()));
            }
        }
    }

    /// One GET from `part.have` on, written to the part file as it arrives.
    async fn fetch(&self, url: &str, part: &mut Part) -> Result<(), FetchStop> {
        let range = (part.have > 0).then_some(ByteRange::From(part.have));
        let etag = self.read(|d| d.etag.clone());
        let stall = self.ctx.config.stall_timeout;
        let opened =
            tokio::time::timeout(stall, self.ctx.client.download(url, range, etag.as_deref()))
                .await
                .unwrap_or_else(|_| {
                    Err(ApiError::Stalled {
                        endpoint: "GET content".into(),
                        seconds: stall.as_secs(),
                    })
                });
        let Download { info, mut body } = opened.map_err(FetchStop::Api)?;
        if part.have > 0 && !(info.partial && info.range_start == part.have) {
            // 200 to a ranged request: never append a whole body to a piece (§6.3).
            let why = if info.partial {
                "the server sent another range"
            } else {
                "the server sent the whole file again"
            };
            self.start_over(part, why).await.map_err(stop_local)?;
            if info.partial {
                return Err(FetchStop::Api(ApiError::Decode {
                    endpoint: "GET content".into(),
                    status: info.status,
                    detail: "unexpected Content-Range".into(),
                }));
            }
        }
        let expected = info.total_size.unwrap_or(self.read(|d| d.size));
        self.commit(|d| {
            if d.etag.is_none() {
                d.etag = info.etag.clone();
            }
            d.size = expected;
        })
        .map_err(stop_local)?;
        let sync_every = self.ctx.config.sync_every.max(1);
        while let Some(piece) = body.next().await {
            let bytes = piece.map_err(FetchStop::Api)?;
            if part.have + bytes.len() as u64 > expected {
                return Err(FetchStop::Local(
                    "the server sent more bytes than the file has".into(),
                ));
            }
            part.file
                .write_all(&bytes)
                .await
                .map_err(|e| FetchStop::Local(format!("cannot write the part file: {e}")))?;
            part.have += bytes.len() as u64;
            self.reporter.advanced(bytes.len() as u64);
            if part.have - self.read(|d| d.durable) >= sync_every {
                self.make_durable(part).await.map_err(stop_local)?;
            }
        }
        if part.have < expected {
            // The body ended early without an error (a proxy that closed cleanly).
            self.make_durable(part).await.map_err(stop_local)?;
            return Err(FetchStop::Api(ApiError::Decode {
                endpoint: "GET content".into(),
                status: info.status,
                detail: format!("the body ended after {} of {expected} bytes", part.have),
            }));
        }
        Ok(())
    }

    /// Flushes and fsyncs the part file, then records its length: the checkpoint never
    /// claims bytes that a power loss could take back.
    async fn make_durable(&self, part: &mut Part) -> Result<(), Stop> {
        part.file
            .flush()
            .await
            .map_err(|e| fail(format!("cannot write the part file: {e}")))?;
        part.file
            .get_ref()
            .sync_data()
            .await
            .map_err(|e| fail(format!("cannot sync the part file: {e}")))?;
        let have = part.have;
        self.commit(|d| d.durable = have)?;
        self.budget
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .progressed();
        Ok(())
    }

    // ---- completion -------------------------------------------------------------------------

    async fn finish(&self, mut part: Part) -> Result<String, Stop> {
        let expected = self.read(|d| d.size);
        if part.have != expected {
            return Err(fail(format!(
                "got {} bytes, expected {expected}",
                part.have
            )));
        }
        self.make_durable(&mut part).await?;
        let file = part.file.into_inner().into_std().await;
        if let Some(time) = self
            .read(|d| d.updated_at.clone())
            .as_deref()
            .and_then(parse_time)
        {
            // Cosmetic: a file system without mtimes is no reason to fail.
            let _ = file.set_modified(time);
        }
        // The part file was private while incomplete; the finished file gets the mode any new
        // file of the user gets (0644 with the usual umask), as curl or a browser would give.
        set_new_file_mode(&file);
        file.sync_all()
            .map_err(|e| fail(format!("cannot sync the part file: {e}")))?;
        let key = file_key(&file.metadata().map_err(|e| fail(e.to_string()))?);
        drop(file);
        let placed = self.place().await?;
        sync_dir(placed.parent());
        let name = self.read(|d| d.name.clone());
        self.ctx
            .produced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, name);
        Ok(placed.display().to_string())
    }

    /// Moves the part file to its final name according to the decision.
    async fn place(&self) -> Result<PathBuf, Stop> {
        let (part, final_path, name, choice) =
            self.read(|d| (d.part.clone(), d.final_path(), d.name.clone(), d.choice));
        let part = part.ok_or_else(|| fail("no part file"))?;
        let mut choice = choice;
        loop {
            match choice {
                Some(Choice::Overwrite) => {
                    self.check_collision(&final_path)?;
                    fs::rename(&part, &final_path)
                        .map_err(|e| fail(format!("cannot rename into place: {e}")))?;
                    return Ok(final_path);
                }
                Some(Choice::Rename) => {
                    let dir = final_path.parent().unwrap_or(Path::new("."));
                    for n in 1..=MAX_NUMBERED {
                        let candidate = dir.join(numbered_name(&name, n));
                        match place_no_clobber(&part, &candidate) {
                            Ok(()) => return Ok(candidate),
                            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                            Err(e) => return Err(fail(format!("cannot place the file: {e}"))),
                        }
                    }
                    return Err(fail("no free name found"));
                }
                Some(Choice::Skip) => {
                    let _ = fs::remove_file(&part);
                    return Err(Stop::Skipped("exists locally".into()));
                }
                None => match place_no_clobber(&part, &final_path) {
                    Ok(()) => return Ok(final_path),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        // Someone created the file during the download: ask now.
                        self.check_collision(&final_path)?;
                        let decided = self.decide(&final_path).await;
                        if let Err(Stop::Skipped(_)) = &decided {
                            let _ = fs::remove_file(&part);
                        }
                        let decided = decided?;
                        self.commit(|d| d.choice = Some(decided))?;
                        choice = Some(decided);
                    }
                    Err(e) => return Err(fail(format!("cannot place the file: {e}"))),
                },
            }
        }
    }
}

fn stop_local(stop: Stop) -> FetchStop {
    FetchStop::Local(stop.message())
}

fn part_from(file: File, have: u64) -> Part {
    Part {
        file: tokio::io::BufWriter::with_capacity(WRITE_BUF, tokio::fs::File::from_std(file)),
        have,
    }
}

async fn truncate(part: &mut Part, len: u64) -> io::Result<()> {
    part.file.flush().await?;
    let file = part.file.get_mut();
    file.set_len(len).await?;
    file.seek(SeekFrom::Start(len)).await.map(|_| ())?;
    part.have = len;
    Ok(())
}

/// `O_CREAT | O_EXCL`, mode 0600: never an existing file, never through a symlink.
fn create_exclusive(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Opens reve's own part file, keeping its first `have` bytes. `expected` is the (device,
/// inode) seen by `lstat` just before: a file swapped in between (a symlink planted in its
/// place) is refused before anything is written.
fn open_existing(path: &Path, expected: (u64, u64), have: u64) -> io::Result<File> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    if file_key(&file.metadata()?) != expected {
        return Err(io::Error::other("the part file was replaced"));
    }
    file.set_len(have)?;
    file.seek(SeekFrom::Start(have))?;
    Ok(file)
}

/// Hard-links `part` to `target` (fails if `target` exists), then drops the part name. File
/// systems without hard links get an exclusive placeholder that the rename then replaces.
fn place_no_clobber(part: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(part, target) {
        Ok(()) => {
            fs::remove_file(part)?;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            create_exclusive(target)?;
            fs::rename(part, target)
        }
    }
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_dir(dir: Option<&Path>) {
    if let Some(dir) = dir
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

fn file_key(meta: &fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

fn parse_time(s: &str) -> Option<std::time::SystemTime> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| std::time::SystemTime::from(t.with_timezone(&chrono::Utc)))
}

/// Gives a finished download the permissions of a newly created file: `0666 & !umask`.
fn set_new_file_mode(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(fs::Permissions::from_mode(0o666 & !process_umask()));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// The process's umask, read from `/proc/self/status` (Linux ≥ 4.7) so that it is never
/// changed, even for an instant; 022 where that is not available.
#[cfg(unix)]
fn process_umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn finished_files_get_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.reve-part");
        let file = create_exclusive(&p).unwrap();
        set_new_file_mode(&file);
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !process_umask());
    }

    #[test]
    fn part_files_are_private_and_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.reve-part");
        create_exclusive(&p).unwrap();
        assert_eq!(
            create_exclusive(&p).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            // Never through a symlink.
            let link = dir.path().join("l.reve-part");
            std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
            assert!(create_exclusive(&link).is_err());
            let real = dir.path().join("real");
            fs::write(&real, b"x").unwrap();
            let other = dir.path().join("other.reve-part");
            std::os::unix::fs::symlink(&real, &other).unwrap();
            let lstat_key = file_key(&fs::symlink_metadata(&other).unwrap());
            assert!(open_existing(&other, lstat_key, 0).is_err());
            assert_eq!(fs::read(&real).unwrap(), b"x");
            assert!(!dir.path().join("elsewhere").exists());
        }
    }

    #[test]
    fn no_clobber_placement() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("a.reve-part");
        let target = dir.path().join("a");
        fs::write(&target, b"old").unwrap();
        fs::write(&part, b"new").unwrap();
        assert_eq!(
            place_no_clobber(&part, &target).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(fs::read(&target).unwrap(), b"old");
        let other = dir.path().join("a (1)");
        place_no_clobber(&part, &other).unwrap();
        assert_eq!(fs::read(&other).unwrap(), b"new");
        assert!(!part.exists());
    }
}
