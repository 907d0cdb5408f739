//! The drive popups over the browser: the share preset picker, the new link(s), and the
//! list popups of versions, direct links, tags and properties, and pinned folders.

use super::form::Form;
use super::{LinkRow, MetaRow, PinRow, VersionRow};
use crate::api::uri::CrUri;
use crate::app::command::RequestId;

#[derive(Debug, Clone)]
pub enum DrivePopup {
    SharePresets(PresetPicker),
    ShareResult(ShareResult),
    Versions(ListPopup<VersionRow>),
    Links(ListPopup<LinkRow>),
    Tags(ListPopup<MetaRow>),
    Pins(ListPopup<PinRow>),
    Form(Form),
}

/// `S`: pick a preset (Enter takes the highlighted one, `default` first), or open the form.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetPicker {
    pub uris: Vec<CrUri>,
    /// `“name”` or `3 items` (raw; sanitized when drawn).
    pub what: String,
    pub cursor: usize,
}

/// The new share link(s).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareResult {
    /// `(item name, link)`.
    pub links: Vec<(String, String)>,
    /// They were put on the clipboard (false when `osc52 = false`).
    pub copied: bool,
    /// Show the first link as a QR code.
    pub qr: bool,
}

/// A list popup about one item (or about the pins): rows arrive with the request `loading`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPopup<T> {
    /// The item the rows belong to (unused for pins).
    pub uri: CrUri,
    /// Its name (raw).
    pub name: String,
    /// What changes apply to: the selection, or the item itself.
    pub targets: Vec<CrUri>,
    pub rows: Vec<T>,
    pub cursor: usize,
    pub loading: Option<RequestId>,
}

impl<T> ListPopup<T> {
    pub fn new(uri: CrUri, name: String, targets: Vec<CrUri>, req: RequestId) -> ListPopup<T> {
        ListPopup {
            uri,
            name,
            targets,
            rows: Vec::new(),
            cursor: 0,
            loading: Some(req),
        }
    }

    pub fn selected(&self) -> Option<&T> {
        self.rows.get(self.cursor)
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    /// New rows; the cursor stays in range.
    pub fn fill(&mut self, rows: Vec<T>) {
        self.rows = rows;
        self.loading = None;
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }
}

impl DrivePopup {
    /// The request the popup waits for, if any.
    pub fn loading(&self) -> Option<RequestId> {
        match self {
            DrivePopup::Versions(p) => p.loading,
            DrivePopup::Links(p) => p.loading,
            DrivePopup::Tags(p) => p.loading,
            DrivePopup::Pins(p) => p.loading,
            _ => None,
        }
    }

    /// The item a list popup is about.
    pub fn about(&self) -> Option<&CrUri> {
        match self {
            DrivePopup::Versions(p) => Some(&p.uri),
            DrivePopup::Links(p) => Some(&p.uri),
            DrivePopup::Tags(p) => Some(&p.uri),
            _ => None,
        }
    }

    /// Marks a list popup as loading again under `req`.
    pub fn reload(&mut self, req: RequestId) {
        match self {
            DrivePopup::Versions(p) => p.loading = Some(req),
            DrivePopup::Links(p) => p.loading = Some(req),
            DrivePopup::Tags(p) => p.loading = Some(req),
            DrivePopup::Pins(p) => p.loading = Some(req),
            _ => {}
        }
    }
}
