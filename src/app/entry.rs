//! One row of a pane. Kept small on purpose: a folder of 100,000 entries must stay under
//! 400 bytes per entry (issue 3), so the name is stored once, the sanitized form only when it
//! differs, and the URI is never stored: it is the pane's folder joined with the name.

use crate::text::sanitize;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Folder,
}

/// Flags kept in one byte.
const SELECTED: u8 = 1;
/// Passes the pane's filter (recomputed when the filter changes).
const MATCHES: u8 = 2;

/// Rarely needed fields, boxed so that ordinary entries pay 8 bytes for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryExtra {
    /// The last segment of the entry's URI when it is not the name: trash items live under a
    /// UUID (C2-257), "shared with me" shortcuts under their id (C2-427).
    pub uri_name: Option<Box<str>>,
    /// Trash items: where a restore puts them back (`sys:restore_uri`).
    pub restore_uri: Option<Box<str>>,
    /// "Shared with me" shortcuts: the share URI to open instead (`sys:shared_redirect`).
    pub redirect: Option<Box<str>>,
    /// Search results: the item's full URI (it lives below the folder the pane searched).
    pub location: Option<Box<str>>,
}

impl EntryExtra {
    fn is_empty(&self) -> bool {
        self.uri_name.is_none()
            && self.restore_uri.is_none()
            && self.redirect.is_none()
            && self.location.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    name: Box<str>,
    /// `sanitize(name)` when it differs from the name; the frame only ever shows this form.
    display: Option<Box<str>>,
    pub size: u64,
    /// Unix seconds of the last modification (`0` when unknown).
    pub modified: i64,
    pub kind: EntryKind,
    flags: u8,
    extra: Option<Box<EntryExtra>>,
}

impl Entry {
    pub fn new(name: &str, kind: EntryKind, size: u64, modified: i64) -> Entry {
        let display = match sanitize(name) {
            Cow::Borrowed(_) => None,
            Cow::Owned(clean) => Some(clean.into_boxed_str()),
        };
        Entry {
            name: name.into(),
            display,
            size,
            modified,
            kind,
            flags: MATCHES,
            extra: None,
        }
    }

    pub fn file(name: &str, size: u64, modified: i64) -> Entry {
        Entry::new(name, EntryKind::File, size, modified)
    }

    pub fn folder(name: &str, modified: i64) -> Entry {
        Entry::new(name, EntryKind::Folder, 0, modified)
    }

    /// Attaches the rare fields; an empty extra costs nothing.
    pub fn with_extra(mut self, extra: EntryExtra) -> Entry {
        self.extra = (!extra.is_empty()).then(|| Box::new(extra));
        self
    }

    /// The name exactly as the server or the disk has it (use it for requests, never print it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name safe to put in a frame.
    pub fn display_name(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.name)
    }

    pub fn is_folder(&self) -> bool {
        self.kind == EntryKind::Folder
    }

    /// Dot files are hidden on the local disk unless the pane shows hidden files.
    pub fn is_dotfile(&self) -> bool {
        self.name.starts_with('.')
    }

    pub fn is_selected(&self) -> bool {
        self.flags & SELECTED != 0
    }

    pub(crate) fn set_selected(&mut self, on: bool) {
        self.set_flag(SELECTED, on);
    }

    pub(crate) fn matches_filter(&self) -> bool {
        self.flags & MATCHES != 0
    }

    pub(crate) fn set_matches_filter(&mut self, on: bool) {
        self.set_flag(MATCHES, on);
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    pub fn extra(&self) -> Option<&EntryExtra> {
        self.extra.as_deref()
    }

    /// The last segment of this entry's URI below the pane's folder.
    pub fn uri_name(&self) -> &str {
        self.extra
            .as_ref()
            .and_then(|e| e.uri_name.as_deref())
            .unwrap_or(&self.name)
    }

    /// The file extension used by the "type" sort (lower-case, empty for folders and
    /// names without one).
    pub fn extension(&self) -> &str {
        if self.is_folder() {
            return "";
        }
        match self.name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => "",
        }
    }

    /// Gives the entry a new name (a rename seen in the event stream or done here).
    pub(crate) fn renamed(&self, new_name: &str) -> Entry {
        let mut e = Entry::new(new_name, self.kind, self.size, self.modified);
        e.flags = self.flags;
        e.extra = self.extra.clone();
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_get_a_display_form_and_keep_the_raw_one() {
        let e = Entry::file("evil\u{202e}gpj.exe", 1, 0);
        assert_eq!(e.name(), "evil\u{202e}gpj.exe");
        assert_eq!(e.display_name(), "evil\\u{202e}gpj.exe");
        let plain = Entry::file("plain.txt", 1, 0);
        assert!(plain.display.is_none());
        assert_eq!(plain.display_name(), "plain.txt");
    }

    #[test]
    fn entries_stay_small() {
        // The memory budget (≤ 400 bytes per entry at 100,000 entries) leaves room for the
        // name's heap block; the inline part must not grow unnoticed.
        assert!(
            std::mem::size_of::<Entry>() <= 64,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }

    #[test]
    fn extensions_and_uri_names() {
        assert_eq!(Entry::file("a.tar.GZ", 0, 0).extension(), "GZ");
        assert_eq!(Entry::file(".bashrc", 0, 0).extension(), "");
        assert_eq!(Entry::folder("x.d", 0).extension(), "");
        let trash = Entry::file("f.txt", 0, 0).with_extra(EntryExtra {
            uri_name: Some("9008d31d".into()),
            ..Default::default()
        });
        assert_eq!(trash.uri_name(), "9008d31d");
        assert!(
            Entry::file("a", 0, 0)
                .with_extra(EntryExtra::default())
                .extra()
                .is_none()
        );
    }
}
