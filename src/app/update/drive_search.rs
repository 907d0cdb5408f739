//! `/?tag:work size>10M`: a server search below the pane's folder (syntax in
//! `drive::search`), shown in the pane as a virtual folder; parent (or Esc then parent)
//! returns to the folder.

use super::drive::start_job;
use crate::app::command::Command;
use crate::app::drive::{DriveJob, Waiting};
use crate::app::state::State;

pub fn start(state: &mut State, i: usize, query: &str) -> Vec<Command> {
    let query = query.trim().to_string();
    let Some(base) = state.panes[i].source.remote().map(|u| u.without_query()) else {
        state.toast_error("Search works on the drive; this pane shows the local disk");
        return Vec::new();
    };
    if query.is_empty() {
        state.toast("Type what to search after the ?, e.g. ?tag:work size>10M");
        state.filter_editing = true;
        return Vec::new();
    }
    // Syntax errors do not depend on the time: catch them here, with the line still open.
    let epoch = chrono::DateTime::UNIX_EPOCH;
    if let Err(e) = crate::drive::search::search_uri(&base, &query, epoch) {
        state.toast_error(format!("Search: {e}"));
        state.filter_editing = true;
        return Vec::new();
    }
    let rows = state.pane_rows(i);
    state.panes[i].keep_cursor_through(rows, |l| l.set_filter(""));
    state.toast(format!("Searching for {query}…"));
    start_job(
        state,
        DriveJob::ResolveSearch { base, query },
        Waiting::Search {
            pane: i,
            from: state.panes[i].source.clone(),
        },
    )
}
