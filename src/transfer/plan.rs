//! Turning "these sources into that folder" into one checkpoint per file.
//!
//! Uploads walk local trees (remote folders are created on the way, so empty folders arrive
//! too); downloads walk remote trees (local folders are created, never through a symlink).
//! Everything is recorded before the first byte moves: a `kill -9` during the transfers
//! leaves a job that `reve transfers resume` can finish. Sources that cannot be transferred
//! (a folder without `-r`, a refused name, a placeholder) become [`Problem`]s.

use super::checkpoint::{
    DownloadRecord, JobHandle, RecordState, Spec, TransferRecord, UploadRecord,
};
use super::paths::{Collisions, Platform, check_local_name, check_remote_name, utf8_name};
use super::retry::{Budget, ErrorClass, RetryPolicy, classify};
use crate::api::models::File;
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, InfoOptions, ListQuery};
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

/// A source or an entry that is not transferred, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// A local path or a remote display path.
    pub item: String,
    pub message: String,
}

/// Collects records and problems while walking.
pub(crate) struct Planner<'a> {
    client: &'a Client,
    job: &'a JobHandle,
    retry: RetryPolicy,
    /// Sources or files already planned by an earlier (interrupted) planning run.
    known: HashSet<String>,
    next_number: usize,
    pub records: Vec<TransferRecord>,
    pub problems: Vec<Problem>,
}

impl<'a> Planner<'a> {
    pub fn new(
        client: &'a Client,
        job: &'a JobHandle,
        retry: RetryPolicy,
        existing: &[TransferRecord],
    ) -> Planner<'a> {
        let known = existing.iter().map(record_key).collect();
        let next_number = existing
            .iter()
            .filter_map(|r| r.id.rsplit('.').next()?.parse::<usize>().ok())
            .max()
            .map_or(0, |n| n + 1);
        Planner {
            client,
            job,
            retry,
            known,
            next_number,
            records: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, item: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            item: item.into(),
            message: message.into(),
        });
    }

    /// Records one file (skipping files an earlier planning run already recorded).
    fn add(&mut self, spec: Spec) -> Result<(), String> {
        let record = TransferRecord {
            id: self.job.next_record_id(self.next_number),
            job: self.job.id().to_string(),
            state: RecordState::Pending,
            spec,
        };
        if self.known.contains(&record_key(&record)) {
            return Ok(());
        }
        self.next_number += 1;
        self.job.save(&record).map_err(|e| e.to_string())?;
        self.known.insert(record_key(&record));
        self.records.push(record);
        Ok(())
    }

    /// Retries transient failures of planning calls (listing, mkdir).
    async fn call<T, F, Fut>(&self, mut f: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let mut budget = Budget::new(self.retry);
        loop {
            match f().await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let again = matches!(
                        classify(&e),
                        ErrorClass::Transient | ErrorClass::Reauthenticated
                    );
                    match budget.spend() {
                        Some(delay) if again => tokio::time::sleep(delay).await,
                        _ => return Err(e),
                    }
                }
            }
        }
    }

    // ---- uploads ------------------------------------------------------------------------

    /// Plans `sources` (local files or folders) into the remote folder `dest`.
    pub async fn uploads(
        &mut self,
        sources: &[PathBuf],
        dest: &CrUri,
        recursive: bool,
    ) -> Result<(), String> {
        for source in sources {
            let shown = source.display().to_string();
            let meta = match std::fs::metadata(source) {
                Ok(m) => m,
                Err(e) => {
                    self.problem(shown, e.to_string());
                    continue;
                }
            };
            let name = match upload_name(source) {
                Ok(n) => n,
                Err(e) => {
                    self.problem(shown, e);
                    continue;
                }
            };
            if meta.is_dir() {
                if !recursive {
                    self.problem(shown, "is a folder (use -r)");
                    continue;
                }
                self.upload_tree(source, &dest.join(&name)).await?;
            } else if meta.is_file() {
                self.add_upload(source, &dest.join(&name), meta.len())?;
            } else {
                self.problem(shown, "not a regular file or folder");
            }
        }
        Ok(())
    }

    fn add_upload(&mut self, local: &Path, remote: &CrUri, size: u64) -> Result<(), String> {
        self.add(Spec::Upload(Box::new(UploadRecord {
            local: local.to_path_buf(),
            remote: remote.to_string(),
            size,
            target: None,
            as_version: false,
            replaced_entity: None,
            identity: None,
            session: None,
            acked: BTreeMap::new(),
            storage_completed: false,
            recreated: false,
            creating_since: None,
        })))
    }

    /// Walks a local folder depth first without following symlinked folders (no loops, no
    /// surprises); symlinks to files are uploaded as the file.
    async fn upload_tree(&mut self, root: &Path, remote_root: &CrUri) -> Result<(), String> {
        let mut stack = vec![(root.to_path_buf(), remote_root.clone())];
        while let Some((dir, remote)) = stack.pop() {
            if let Err(e) = self.call(|| self.client.mkdir(&remote)).await {
                self.problem(
                    dir.display().to_string(),
                    format!("cannot create the folder: {e}"),
                );
                continue;
            }
            let entries = match read_dir_sorted(&dir) {
                Ok(e) => e,
                Err(e) => {
                    self.problem(dir.display().to_string(), e.to_string());
                    continue;
                }
            };
            let mut folders = Vec::new();
            for path in entries {
                let shown = path.display().to_string();
                let name = match upload_name(&path) {
                    Ok(n) => n,
                    Err(e) => {
                        self.problem(shown, e);
                        continue;
                    }
                };
                let Ok(link_meta) = std::fs::symlink_metadata(&path) else {
                    self.problem(shown, "vanished while planning");
                    continue;
                };
                let meta = if link_meta.file_type().is_symlink() {
                    match std::fs::metadata(&path) {
                        Ok(m) if m.is_file() => m,
                        Ok(_) => {
                            self.problem(shown, "symbolic link to a folder: not followed");
                            continue;
                        }
                        Err(_) => {
                            self.problem(shown, "broken symbolic link");
                            continue;
                        }
                    }
                } else {
                    link_meta
                };
                if meta.is_dir() {
                    folders.push((path, remote.join(&name)));
                } else if meta.is_file() {
                    self.add_upload(&path, &remote.join(&name), meta.len())?;
                } else {
                    self.problem(shown, "not a regular file or folder");
                }
            }
            // Depth first in name order: the stack pops the first folder first.
            stack.extend(folders.into_iter().rev());
        }
        Ok(())
    }

    // ---- downloads ----------------------------------------------------------------------

    /// Plans `sources` (remote files or folders) into the local folder `dest`.
    pub async fn downloads(
        &mut self,
        sources: &[CrUri],
        dest: &Path,
        recursive: bool,
    ) -> Result<(), String> {
        ensure_local_dir(dest, true).map_err(|e| format!("{}: {e}", dest.display()))?;
        let mut collisions = Collisions::new(Platform::current());
        for uri in sources {
            let shown = uri.display_path();
            let file = match self
                .call(|| self.client.file_info(uri, InfoOptions::default()))
                .await
            {
                Ok(f) => f,
                Err(e) => {
                    self.problem(shown, e.to_string());
                    continue;
                }
            };
            if file.is_folder() {
                if !recursive {
                    self.problem(shown, "is a folder (use -r)");
                    continue;
                }
                // The root has no name: its content goes straight into `dest`.
                let local = match uri.name() {
                    None => dest.to_path_buf(),
                    Some(name) => match self.local_dir(dest, name, &shown, &mut collisions) {
                        Some(dir) => dir,
                        None => continue,
                    },
                };
                self.download_tree(uri, &local, &mut collisions).await?;
            } else {
                self.add_download(&file, uri, dest, &mut collisions)?;
            }
        }
        Ok(())
    }

    /// Checks a remote folder name and creates its local folder.
    fn local_dir(
        &mut self,
        parent: &Path,
        name: &str,
        shown: &str,
        collisions: &mut Collisions,
    ) -> Option<PathBuf> {
        if let Err(e) = check_local_name(name, Platform::current()) {
            self.problem(shown, format!("refused name: {e}"));
            return None;
        }
        if let Err(first) = collisions.claim(parent, name) {
            self.problem(shown, format!("maps to the same local folder as {first:?}"));
            return None;
        }
        let dir = parent.join(name);
        match ensure_local_dir(&dir, false) {
            Ok(()) => Some(dir),
            Err(e) => {
                self.problem(shown, format!("{}: {e}", dir.display()));
                None
            }
        }
    }

    fn add_download(
        &mut self,
        file: &File,
        uri: &CrUri,
        dest: &Path,
        collisions: &mut Collisions,
    ) -> Result<(), String> {
        let shown = uri.display_path();
        if file.upload_session_id().is_some() {
            self.problem(shown, "still being uploaded: skipped");
            return Ok(());
        }
        let name = file.name.as_str();
        if let Err(e) = check_local_name(name, Platform::current()) {
            self.problem(shown, format!("refused name: {e}"));
            return Ok(());
        }
        if let Err(first) = collisions.claim(dest, name) {
            self.problem(shown, format!("maps to the same local file as {first:?}"));
            return Ok(());
        }
        self.add(Spec::Download(Box::new(DownloadRecord {
            remote: uri.to_string(),
            dest_dir: dest.to_path_buf(),
            name: name.to_string(),
            size: file.size,
            entity: file.primary_entity.clone(),
            updated_at: Some(file.updated_at.to_rfc3339()),
            etag: None,
            part: None,
            part_id: None,
            durable: 0,
            choice: None,
        })))
    }

    async fn download_tree(
        &mut self,
        root: &CrUri,
        local_root: &Path,
        collisions: &mut Collisions,
    ) -> Result<(), String> {
        let mut stack = vec![(root.clone(), local_root.to_path_buf())];
        let query = ListQuery::default();
        while let Some((folder, local)) = stack.pop() {
            let listing = match self.call(|| self.client.list_all(&folder, &query)).await {
                Ok(l) => l,
                Err(e) => {
                    self.problem(folder.display_path(), e.to_string());
                    continue;
                }
            };
            let mut subfolders = Vec::new();
            for entry in listing.files {
                // Each entry's URI is built from our folder and its name, never from the
                // server's `path`: a hostile `path` could point anywhere.
                let child = folder.join(&entry.name);
                if entry.is_folder() {
                    let shown = child.display_path();
                    if let Some(dir) = self.local_dir(&local, &entry.name, &shown, collisions) {
                        subfolders.push((child, dir));
                    }
                } else {
                    self.add_download(&entry, &child, &local, collisions)?;
                }
            }
            stack.extend(subfolders.into_iter().rev());
        }
        Ok(())
    }
}

/// What makes two records the same file for re-planning.
fn record_key(record: &TransferRecord) -> String {
    match &record.spec {
        Spec::Upload(u) => format!("u:{}", u.local.display()),
        Spec::Download(d) => format!("d:{}", d.remote),
    }
}

fn upload_name(path: &Path) -> Result<String, String> {
    let name = utf8_name(path)?;
    check_remote_name(name)?;
    Ok(name.to_string())
}

fn read_dir_sorted(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// A folder to write into: created when missing, refused when it is a file. The destination
/// the user named may be a symlink to a folder (their choice, `allow_symlink`); a folder named
/// by the server never is — a planted link must not lead a download out of the destination.
pub fn ensure_local_dir(dir: &Path, allow_symlink: bool) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            if allow_symlink && std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
                Ok(())
            } else {
                Err(io::Error::other("a symbolic link: not followed"))
            }
        }
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::other("exists and is not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(dir),
        Err(e) => Err(e),
    }
}
