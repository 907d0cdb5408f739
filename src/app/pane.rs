//! One side of the browser: a source, its listing, the cursor and the scroll offset, and the
//! listing request in flight.

use super::command::{RequestId, WatchId};
use super::entry::Entry;
use super::listing::{Listing, Remap};
use super::msg::{FolderCaps, Page};
use super::sort::SortSpec;
use super::source::{Place, Source};

#[derive(Debug, Clone)]
pub struct Pane {
    pub source: Source,
    pub listing: Listing,
    /// Visible row under the cursor.
    pub cursor: usize,
    /// First visible row drawn.
    pub scroll: usize,
    pub loading: Option<Loading>,
    /// Why the last listing failed (raw server text; sanitized when drawn).
    pub error: Option<String>,
    pub caps: Option<FolderCaps>,
    pub watch: Option<WatchId>,
    /// Range selection: the entry index where `v` was pressed.
    pub visual_anchor: Option<usize>,
    /// Put the cursor on this name when it shows up (the folder one came from, or the entry
    /// the cursor was on before a refresh). Cleared when the user moves.
    pub focus_name: Option<String>,
    /// A live change arrived while the listing was streaming: reload once it ends.
    pub outdated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loading {
    pub req: RequestId,
    /// Pages received so far; the first one replaces the old entries.
    pub pages: u32,
}

impl Pane {
    pub fn new(source: Source, sort: SortSpec) -> Pane {
        Pane {
            source,
            listing: Listing::new(sort, false),
            cursor: 0,
            scroll: 0,
            loading: None,
            error: None,
            caps: None,
            watch: None,
            visual_anchor: None,
            focus_name: None,
            outdated: false,
        }
    }

    pub fn place(&self) -> Place {
        self.source.place()
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    pub fn cursor_entry(&self) -> Option<&Entry> {
        self.listing.row(self.cursor)
    }

    /// Where an entry of this pane lives.
    pub fn entry_source(&self, entry: &Entry) -> Source {
        // A search result lives somewhere below the searched folder.
        if let Some(uri) = entry
            .extra()
            .and_then(|x| x.location.as_deref())
            .and_then(|l| crate::api::uri::CrUri::parse(l).ok())
        {
            return Source::Remote(uri);
        }
        self.source.child(entry.uri_name())
    }

    /// What an operation acts on: the selection, or else the entry under the cursor.
    pub fn targets(&self) -> Vec<&Entry> {
        if self.listing.selected_count() > 0 {
            self.listing.selected().collect()
        } else {
            self.cursor_entry().into_iter().collect()
        }
    }

    /// Starts showing `source` (its entries arrive with the listing `req`).
    pub fn navigate(&mut self, source: Source, req: RequestId, focus: Option<String>) {
        self.source = source;
        let sort = self.listing.sort();
        let dots = self.listing.shows_dotfiles();
        self.listing = Listing::new(sort, dots);
        self.cursor = 0;
        self.scroll = 0;
        self.error = None;
        self.caps = None;
        self.visual_anchor = None;
        self.focus_name = focus;
        self.outdated = false;
        self.loading = Some(Loading { req, pages: 0 });
    }

    /// Reloads the same folder; the old entries stay until the first page replaces them.
    pub fn reload(&mut self, req: RequestId) {
        self.focus_name = self
            .focus_name
            .take()
            .or_else(|| self.cursor_entry().map(|e| e.name().to_string()));
        self.loading = Some(Loading { req, pages: 0 });
        self.outdated = false;
        self.error = None;
    }

    /// Applies a page of the listing in flight; false when it belongs to another request.
    pub fn apply_page(&mut self, req: RequestId, page: Page, rows: usize) -> bool {
        let Some(loading) = self.loading.as_mut().filter(|l| l.req == req) else {
            return false;
        };
        let first = loading.pages == 0;
        loading.pages += 1;
        if page.last {
            self.loading = None;
        }
        if page.caps.is_some() {
            self.caps = page.caps;
        }
        let anchor = self.listing.entry_index(self.cursor);
        let remap = if first {
            self.visual_anchor = None;
            self.listing.replace(page.entries);
            Remap::Rebuilt
        } else {
            self.listing.merge(page.entries)
        };
        self.visual_anchor = self.visual_anchor.and_then(|a| remap.apply(a));
        self.place_cursor(anchor.and_then(|a| remap.apply(a)), rows);
        if page.last {
            self.focus_name = None;
        }
        true
    }

    /// Puts the cursor on the awaited name if it is here, else on the entry it was on.
    fn place_cursor(&mut self, entry_index: Option<usize>, rows: usize) {
        let awaited = self
            .focus_name
            .as_deref()
            .and_then(|name| self.listing.row_of(name));
        match (awaited, entry_index) {
            (Some(row), _) => self.cursor = row,
            (None, Some(index)) => self.cursor = self.listing.row_near(index),
            (None, None) => {}
        }
        self.clamp(rows);
    }

    /// Keeps the cursor on the same entry while the view changes (filter, sort, live update).
    pub fn keep_cursor_through(&mut self, rows: usize, change: impl FnOnce(&mut Listing)) {
        let name = self.cursor_entry().map(|e| e.name().to_string());
        let anchor_name = self
            .visual_anchor
            .and_then(|a| self.listing.entry(a))
            .map(|e| e.name().to_string());
        change(&mut self.listing);
        if let Some(row) = name.and_then(|n| self.listing.row_of(&n)) {
            self.cursor = row;
        }
        self.visual_anchor = anchor_name.and_then(|n| self.listing.entry_index_of(&n));
        self.clamp(rows);
    }

    /// Moves the cursor to `row` (clamped), extending a range selection, and scrolls.
    pub fn set_cursor(&mut self, row: usize, rows: usize) {
        let old = self.cursor;
        self.cursor = row.min(self.listing.len().saturating_sub(1));
        self.focus_name = None;
        if self.visual_anchor.is_some() {
            self.extend_visual(old);
        }
        self.clamp(rows);
    }

    pub fn move_cursor(&mut self, delta: isize, rows: usize) {
        let target = if delta < 0 {
            self.cursor.saturating_sub(delta.unsigned_abs())
        } else {
            self.cursor.saturating_add(delta as usize)
        };
        self.set_cursor(target, rows);
    }

    /// Scrolls the view by `delta` rows without moving the cursor more than needed.
    pub fn scroll_by(&mut self, delta: isize, rows: usize) {
        let max_scroll = self.listing.len().saturating_sub(rows.max(1));
        self.scroll = if delta < 0 {
            self.scroll.saturating_sub(delta.unsigned_abs())
        } else {
            self.scroll.saturating_add(delta as usize).min(max_scroll)
        };
        let last_visible = self.scroll + rows.max(1) - 1;
        let cursor = self.cursor.clamp(self.scroll, last_visible);
        if cursor != self.cursor {
            self.set_cursor(cursor, rows);
        }
    }

    /// Keeps the cursor inside the list and on screen.
    pub fn clamp(&mut self, rows: usize) {
        let len = self.listing.len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        let rows = rows.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + rows {
            self.scroll = self.cursor + 1 - rows;
        }
        self.scroll = self.scroll.min(len.saturating_sub(rows));
    }

    /// Starts or ends range selection.
    pub fn toggle_visual(&mut self) {
        match self.visual_anchor {
            Some(_) => self.visual_anchor = None,
            None => {
                self.visual_anchor = self.listing.entry_index(self.cursor);
                self.listing.set_selected(self.cursor, true);
            }
        }
    }

    /// After the cursor moved from `old`: rows that left the range are unselected, rows that
    /// entered it are selected.
    fn extend_visual(&mut self, old: usize) {
        let Some(anchor) = self.visual_anchor else {
            return;
        };
        let anchor_row = self.listing.row_near(anchor);
        let range = |c: usize| (anchor_row.min(c), anchor_row.max(c));
        let (old_lo, old_hi) = range(old);
        let (new_lo, new_hi) = range(self.cursor);
        for row in old_lo..=old_hi {
            if row < new_lo || row > new_hi {
                self.listing.set_selected(row, false);
            }
        }
        for row in new_lo..=new_hi {
            self.listing.set_selected(row, true);
        }
    }
}
