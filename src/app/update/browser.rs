//! Keys of the panes: moving, opening, selecting, filtering, sorting, switching places.

use super::ops;
use crate::api::share_link_to_uri;
use crate::api::uri::{CrUri, FileSystem};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::modal::{InputModal, InputPurpose, Modal};
use crate::app::sort::{SortField, SortSpec};
use crate::app::source::{Place, Source};
use crate::app::state::State;
use crossterm::event::KeyEvent;

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let i = state.focus;
    let rows = state.pane_rows(i);
    let pane = &mut state.panes[i];
    let page = rows as isize;
    match action {
        Action::Up => pane.move_cursor(-1, rows),
        Action::Down => pane.move_cursor(1, rows),
        Action::PageUp => pane.move_cursor(-page, rows),
        Action::PageDown => pane.move_cursor(page, rows),
        Action::Top => pane.set_cursor(0, rows),
        Action::Bottom => pane.set_cursor(usize::MAX, rows),
        Action::Parent => return go_parent(state, i),
        Action::Open => return open(state, i),
        Action::SwitchPane => {
            state.focus = state.other();
            state.filter_editing = false;
        }
        Action::Filter => state.filter_editing = true,
        Action::SortMenu => state.modal = Some(Modal::SortMenu),
        Action::GoMenu => state.modal = Some(Modal::GoMenu),
        Action::Refresh => return state.reload_pane(i),
        Action::ToggleSelect => {
            let on = !pane.listing.is_selected(pane.cursor);
            pane.listing.set_selected(pane.cursor, on);
            pane.move_cursor(1, rows);
        }
        Action::VisualSelect => pane.toggle_visual(),
        Action::InvertSelection => pane.listing.invert_selection(),
        Action::SelectAll => {
            for row in 0..pane.listing.len() {
                pane.listing.set_selected(row, true);
            }
        }
        Action::ToggleHidden => toggle_hidden(state, i, rows),
        Action::Cancel => return cancel(state, i),
        a if super::drive::is_browser_action(a) => {
            return super::drive::on_browser_action(state, a);
        }
        Action::OpenSettings => return crate::app::settings::open(state),
        other => return ops::on_action(state, other),
    }
    Vec::new()
}

fn toggle_hidden(state: &mut State, i: usize, rows: usize) {
    if state.panes[i].place() != Place::Local {
        state.toast("Dot files are only hidden on the local disk");
        return;
    }
    let pane = &mut state.panes[i];
    let on = !pane.listing.shows_dotfiles();
    pane.keep_cursor_through(rows, |l| l.set_show_dotfiles(on));
    state.toast(if on {
        "Showing dot files"
    } else {
        "Hiding dot files"
    });
}

/// Esc: stop loading, else leave range mode, else drop the selection, else the filter.
fn cancel(state: &mut State, i: usize) -> Vec<Command> {
    let rows = state.pane_rows(i);
    let pane = &mut state.panes[i];
    if let Some(loading) = pane.loading.take() {
        pane.focus_name = None;
        let shown = pane.listing.total();
        state.toast(format!("Stopped loading; showing {shown} items"));
        return vec![Command::Cancel { req: loading.req }];
    }
    if pane.visual_anchor.take().is_some() || pane.listing.selected_count() > 0 {
        pane.listing.clear_selection();
    } else if !pane.listing.filter().is_empty() {
        pane.keep_cursor_through(rows, |l| l.set_filter(""));
    } else if pane.source.remote().is_some_and(|u| u.is_search()) {
        // Esc leaves search results for the folder that was searched.
        return go_parent(state, i);
    } else {
        state.dirty = false;
    }
    Vec::new()
}

fn go_parent(state: &mut State, i: usize) -> Vec<Command> {
    let source = &state.panes[i].source;
    let Some(parent) = source.parent() else {
        state.dirty = false;
        return Vec::new();
    };
    let came_from = source.last_name();
    state.navigate(i, parent, came_from)
}

/// Enter: into a folder; a "shared with me" shortcut opens its share; a file shows its info.
fn open(state: &mut State, i: usize) -> Vec<Command> {
    let pane = &state.panes[i];
    let Some(entry) = pane.cursor_entry() else {
        state.dirty = false;
        return Vec::new();
    };
    if let Some(redirect) = entry.extra().and_then(|x| x.redirect.as_deref()) {
        return match CrUri::parse(redirect) {
            Ok(uri) => state.navigate(i, Source::Remote(uri), None),
            Err(e) => {
                state.toast_error(format!("This shortcut points nowhere usable: {e}"));
                Vec::new()
            }
        };
    }
    if !entry.is_folder() {
        return ops::on_action(state, Action::Info);
    }
    if pane.place() == Place::Trash {
        state.toast("Folders in the trash cannot be opened; restore them first (u)");
        return Vec::new();
    }
    let child = pane.entry_source(entry);
    state.navigate(i, child, None)
}

/// Filter line keys: accept, clear, and moving the cursor while typing.
pub fn on_filter_action(state: &mut State, action: Action) -> Vec<Command> {
    let i = state.focus;
    let rows = state.pane_rows(i);
    match action {
        Action::FilterAccept => {
            state.filter_editing = false;
            // `/?tag:work size>10M`: a server search instead of a filter.
            let filter = state.panes[i].listing.filter().to_string();
            if let Some(query) = filter.strip_prefix('?') {
                return super::drive_search::start(state, i, query);
            }
        }
        Action::FilterClear => {
            state.filter_editing = false;
            let rows = state.pane_rows(i);
            state.panes[i].keep_cursor_through(rows, |l| l.set_filter(""));
        }
        Action::Up => state.panes[i].move_cursor(-1, rows),
        Action::Down => state.panes[i].move_cursor(1, rows),
        _ => state.dirty = false,
    }
    Vec::new()
}

/// Typing into the filter narrows the list at once.
pub fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let i = state.focus;
    let mut field = crate::app::input::TextField::new(state.panes[i].listing.filter());
    if !field.handle_key(key) {
        state.dirty = false;
        return Vec::new();
    }
    set_filter(state, i, field.value().to_string());
    Vec::new()
}

pub fn paste_into_filter(state: &mut State, text: &str) -> Vec<Command> {
    let i = state.focus;
    let mut value = state.panes[i].listing.filter().to_string();
    value.push_str(&text.replace(['\r', '\n'], " "));
    set_filter(state, i, value);
    Vec::new()
}

fn set_filter(state: &mut State, i: usize, value: String) {
    let rows = state.pane_rows(i);
    let pane = &mut state.panes[i];
    let before = pane.cursor_entry().map(|e| e.name().to_string());
    pane.keep_cursor_through(rows, |l| l.set_filter(&value));
    let kept = before.is_some_and(|n| pane.cursor_entry().is_some_and(|e| e.name() == n));
    if !kept {
        // The entry under the cursor was filtered out: the first match is the best guess.
        pane.set_cursor(0, rows);
    }
}

/// The sort menu: a field sorts ascending, the same field again flips the direction.
pub fn sort_by(state: &mut State, field: Option<SortField>) {
    let i = state.focus;
    let rows = state.pane_rows(i);
    let pane = &mut state.panes[i];
    let current = pane.listing.sort();
    let next = match field {
        None => SortSpec {
            descending: !current.descending,
            ..current
        },
        Some(f) if f == current.field => SortSpec {
            field: f,
            descending: !current.descending,
        },
        Some(f) => SortSpec {
            field: f,
            descending: false,
        },
    };
    pane.keep_cursor_through(rows, |l| l.set_sort(next));
    state.modal = None;
    state.toast(format!("Sorted by {}", next.describe()));
}

/// The go-to menu's places.
pub fn go_to(state: &mut State, action: Action) -> Vec<Command> {
    let i = state.focus;
    state.modal = None;
    let target = match action {
        Action::GoLocal => Source::Local(state.cwd.clone()),
        Action::GoMyFiles => Source::Remote(CrUri::my_root()),
        Action::GoTrash => Source::Remote(CrUri::root(FileSystem::Trash)),
        Action::GoSharedWithMe => Source::Remote(CrUri::root(FileSystem::SharedWithMe)),
        Action::GoShareLink => {
            state.modal = Some(Modal::Input(InputModal::new(
                "Open a share link",
                "",
                InputPurpose::ShareLink { pane: i },
            )));
            return Vec::new();
        }
        Action::GoPath => {
            let current = state.panes[i].source.title();
            state.modal = Some(Modal::Input(InputModal::new(
                "Go to a path or cloudreve:// URI",
                &current,
                InputPurpose::GoPath { pane: i },
            )));
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    state.navigate(i, target, None)
}

/// Opens a share link (`https://host/s/<id>[/<password>]`) or a `cloudreve://` URI in pane
/// `i`. Returns an error text when it is neither.
pub fn parse_link(text: &str) -> Result<CrUri, String> {
    let text = text.trim();
    if text
        .get(..12)
        .is_some_and(|p| p.eq_ignore_ascii_case("cloudreve://"))
    {
        return CrUri::parse(text).map_err(|e| e.to_string());
    }
    share_link_to_uri(text)
        .ok_or_else(|| "not a share link (https://…/s/<id>) or a cloudreve:// URI".to_string())
}

pub fn open_link(state: &mut State, i: usize, text: &str) -> Vec<Command> {
    match parse_link(text) {
        Ok(uri) => state.navigate(i, Source::Remote(uri), None),
        Err(e) => {
            state.toast_error(format!("Pasted text ignored: {e}"));
            Vec::new()
        }
    }
}
