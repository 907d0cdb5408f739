//! Zip downloads of several files and folders: `POST /file/url {archive: true}` creates an
//! archive session, `GET /file/archive/:sessionId/archive.zip?sign=…` streams it (§6.4, C2-347,
//! C2-348): stored entries named `/<name>`, folders recursively, no `Content-Length`.

use super::super::Demo;
use super::super::store::{Store, Time};
use chrono::{Datelike, Timelike};
use std::io::{Seek, Write};
use std::path::PathBuf;

/// What an archive URL will pack.
#[derive(Debug, Clone)]
pub struct ArchiveSession {
    pub nodes: Vec<u64>,
    pub expires: Time,
}

/// One file to pack: its name inside the zip and where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// `None` for folders (a directory entry) and for files without content.
    pub blob: Option<PathBuf>,
    pub is_dir: bool,
    pub modified: Time,
}

/// Lists the zip entries for `nodes`: files as `/<name>`, folders as `/<folder>/` followed by
/// everything below them.
pub fn collect_entries(state: &Demo, store: &Store, nodes: &[u64]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for &node in nodes {
        add_node(state, store, node, "", &mut entries);
    }
    entries
}

fn add_node(state: &Demo, store: &Store, node: u64, prefix: &str, out: &mut Vec<Entry>) {
    let Some(n) = store.files.get(&node) else {
        return;
    };
    let name = format!("{prefix}/{}", n.name);
    if n.is_folder {
        out.push(Entry {
            name: format!("{name}/"),
            blob: None,
            is_dir: true,
            modified: n.updated_at,
        });
        for child in store.children_of(node) {
            add_node(state, store, child, &name, out);
        }
    } else {
        out.push(Entry {
            name,
            blob: n.primary.map(|e| state.blob_path(e)),
            is_dir: false,
            modified: n.updated_at,
        });
    }
}

fn zip_time(t: &Time) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).unwrap_or(1980),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// Writes the zip (stored entries, no compression, like the real server) into `out`.
pub fn write_zip<W: Write + Seek>(entries: &[Entry], out: W) -> zip::result::ZipResult<W> {
    let mut zip = zip::ZipWriter::new(out);
    for entry in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip_time(&entry.modified))
            .large_file(true);
        if entry.is_dir {
            zip.add_directory(entry.name.as_str(), options)?;
            continue;
        }
        zip.start_file(entry.name.as_str(), options)?;
        if let Some(blob) = &entry.blob
            && let Ok(mut file) = std::fs::File::open(blob)
        {
            std::io::copy(&mut file, &mut zip)?;
        }
    }
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_has_the_entries() {
        let dir = tempfile::tempdir().unwrap();
        let blob = dir.path().join("b");
        std::fs::write(&blob, b"hello notes\n").unwrap();
        let now = chrono::Utc::now();
        let entries = vec![
            Entry {
                name: "/notes.txt".into(),
                blob: Some(blob),
                is_dir: false,
                modified: now,
            },
            Entry {
                name: "/d/".into(),
                blob: None,
                is_dir: true,
                modified: now,
            },
            Entry {
                name: "/d/empty.txt".into(),
                blob: None,
                is_dir: false,
                modified: now,
            },
        ];
        let cursor = write_zip(&entries, std::io::Cursor::new(Vec::new())).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(cursor.into_inner())).unwrap();
        assert_eq!(archive.len(), 3);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("/notes.txt").unwrap(), &mut text)
            .unwrap();
        assert_eq!(text, "hello notes\n");
    }
}
