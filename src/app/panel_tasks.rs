//! The server tasks tab of the task panel: the server's workflow tasks (archive, extract,
//! remote download, import, relocate) with live progress while the tab is visible.
//!
//! Polling is driven by `Msg::Tick` and nothing else: while the tab is visible and a task is
//! unfinished, the lists are read again every `WAITING_POLL` and the progress of processing
//! tasks every `FAST_POLL`, each counted from the tick after the previous answer arrived (so
//! a slow server is never asked twice at once). Hidden, or with every task finished, the tab
//! asks for no ticks and sends nothing.

use super::command::{Command, RequestId, TaskPageRequest};
use super::modal::{Confirm, Deferred, InfoView, Modal};
use super::msg::{Failure, InfoField, TaskListPage, WorkerEvent};
use super::source::Source;
use super::state::State;
use crate::api::models::{Task, TaskProgressMap, TaskStatus};
use crate::api::uri::CrUri;
use crate::app::action::Action;
use crate::drive::tasks::{self as logic, ALL_CATEGORIES, FAST_POLL, TaskFamily, WAITING_POLL};
use ratatui::layout::Rect;
use std::collections::BTreeMap;
use std::time::Instant;

/// A task with its last live progress.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub task: Task,
    pub progress: TaskProgressMap,
}

/// Why the lists are being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Shown or refreshed: the answer replaces the rows.
    Refresh,
    /// A poll while tasks run: the answer updates the rows it names.
    Poll,
    /// Further pages, asked for when the cursor reaches the end.
    More,
}

/// The first visible row of a list: `offset`, moved just enough to show the cursor.
pub fn first_row(offset: usize, cursor: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    offset.min(cursor).max((cursor + 1).saturating_sub(rows))
}

/// Moves a list's cursor for a movement action (up, down, a page, top, bottom) over `len`
/// items with `rows` visible, and scrolls `offset` to keep it shown; `false` for any other
/// action, which leaves both alone.
pub fn move_cursor(
    cursor: &mut usize,
    offset: &mut usize,
    len: usize,
    rows: usize,
    action: Action,
) -> bool {
    let last = len.saturating_sub(1);
    *cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (*cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(rows),
        Action::PageDown => (*cursor + rows).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    *offset = first_row(*offset, *cursor, rows);
    true
}

#[derive(Debug, Clone, Default)]
pub struct ServerTasksTab {
    pub cursor: usize,
    /// The first row shown.
    pub offset: usize,
    /// Newest first, over every list.
    pub rows: Vec<TaskRow>,
    /// Lists with further pages on the server, each with the token of its next page.
    pub more: Vec<TaskPageRequest>,
    pub list_req: Option<(RequestId, ListKind)>,
    pub progress_req: Option<RequestId>,
    /// The lists were read at least once.
    pub loaded: bool,
    /// The last reading failed (rows, if any, are from before).
    pub error: Option<Failure>,
    /// The tab is on screen: only then does it poll.
    pub visible: bool,
    /// When the tick after the last list (progress) answer came; `None` until that tick.
    pub list_clock: Option<Instant>,
    pub progress_clock: Option<Instant>,
    /// Cancels and file choices waiting for their answer.
    pub ops: BTreeMap<RequestId, TaskOp>,
}

/// A change to a task waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskOp {
    Cancel { id: String },
    SelectFiles { id: String, files: usize },
}

impl TaskOp {
    fn done_message(&self) -> String {
        match self {
            TaskOp::Cancel { id } => format!("Cancelled task {id}"),
            TaskOp::SelectFiles { id, files } => {
                format!("Task {id}: downloading {files} chosen file(s)")
            }
        }
    }

    fn failed_message(&self, why: &str) -> String {
        match self {
            TaskOp::Cancel { id } => format!("Could not cancel task {id}: {why}"),
            TaskOp::SelectFiles { id, .. } => {
                format!("Could not choose the files of task {id}: {why}")
            }
        }
    }
}

/// The file choice of a torrent download that waits for it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFilesView {
    pub task_id: String,
    pub files: Vec<crate::api::models::DownloadFile>,
    /// Which files are wanted, by position in `files`.
    pub wanted: Vec<bool>,
    pub cursor: usize,
    pub scroll: usize,
}

impl ServerTasksTab {
    pub fn cursor_row(&self) -> Option<&TaskRow> {
        self.rows.get(self.cursor)
    }

    /// Something is unfinished: polling goes on (while visible).
    pub fn any_active(&self) -> bool {
        self.rows.iter().any(|r| logic::is_active(&r.task))
    }

    fn processing_ids(&self) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.task.status == TaskStatus::Processing)
            .map(|r| r.task.id.clone())
            .collect()
    }

    /// Ticks are needed: a spinner while loading, or polls while tasks run.
    pub fn wants_tick(&self) -> bool {
        self.visible && (self.list_req.is_some() || (self.loaded && self.any_active()))
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.list_req, Some((_, ListKind::Refresh | ListKind::More)))
    }

    fn list(&mut self, req: RequestId, kind: ListKind) -> Command {
        let pages = match kind {
            ListKind::More => self.more.clone(),
            ListKind::Refresh | ListKind::Poll => ALL_CATEGORIES
                .iter()
                .map(|&category| TaskPageRequest {
                    category,
                    token: None,
                })
                .collect(),
        };
        self.list_req = Some((req, kind));
        Command::ListTasks { req, pages }
    }

    /// Applies a list answer; false when nobody waits for `req`.
    pub fn on_pages(&mut self, req: RequestId, pages: Vec<TaskListPage>) -> bool {
        let Some((_, kind)) = self.list_req.filter(|(r, _)| *r == req) else {
            return false;
        };
        self.list_req = None;
        self.list_clock = None;
        self.loaded = true;
        self.error = None;
        let keep = self.cursor_row().map(|r| r.task.id.clone());
        if kind == ListKind::Refresh {
            let old: BTreeMap<String, TaskProgressMap> = self
                .rows
                .drain(..)
                .map(|r| (r.task.id, r.progress))
                .collect();
            for task in pages.iter().flat_map(|p| p.tasks.iter()) {
                let progress = old.get(&task.id).cloned().unwrap_or_default();
                self.upsert(task.clone(), progress);
            }
        } else {
            for task in pages.iter().flat_map(|p| p.tasks.iter()) {
                self.upsert(task.clone(), TaskProgressMap::new());
            }
        }
        if kind != ListKind::Poll {
            // A poll reads first pages only: what it says about further pages is not news.
            self.more = pages
                .iter()
                .filter_map(|p| {
                    p.next_token.clone().map(|t| TaskPageRequest {
                        category: p.category,
                        token: Some(t),
                    })
                })
                .collect();
        }
        // Newest first over every list (ids break ties so the order is stable).
        self.rows.sort_by(|a, b| {
            b.task
                .created_at
                .cmp(&a.task.created_at)
                .then_with(|| b.task.id.cmp(&a.task.id))
        });
        if let Some(id) = keep
            && let Some(i) = self.rows.iter().position(|r| r.task.id == id)
        {
            self.cursor = i;
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        true
    }

    /// Replaces the row of the same task (its progress kept while it processes) or adds one.
    fn upsert(&mut self, task: Task, progress: TaskProgressMap) {
        match self.rows.iter_mut().find(|r| r.task.id == task.id) {
            Some(row) => {
                if task.status != TaskStatus::Processing {
                    row.progress.clear();
                }
                row.task = task;
            }
            None => {
                let progress = if task.status == TaskStatus::Processing {
                    progress
                } else {
                    TaskProgressMap::new()
                };
                self.rows.push(TaskRow { task, progress });
            }
        }
    }

    pub fn on_progress(
        &mut self,
        req: RequestId,
        progress: Vec<(String, TaskProgressMap)>,
    ) -> bool {
        if self.progress_req != Some(req) {
            return false;
        }
        self.progress_req = None;
        self.progress_clock = None;
        for (id, map) in progress {
            if let Some(row) = self.rows.iter_mut().find(|r| r.task.id == id) {
                row.progress = map;
            }
        }
        true
    }

    /// Which polls are due at `now` (see the module comment): the lists, and the ids whose
    /// progress to read.
    pub fn due(&mut self, now: Instant) -> (bool, Vec<String>) {
        if !self.visible || !self.loaded || !self.any_active() {
            return (false, Vec::new());
        }
        let mut list = false;
        if self.list_req.is_none() {
            match self.list_clock {
                None => self.list_clock = Some(now),
                Some(since) => list = now.duration_since(since) >= WAITING_POLL,
            }
        }
        let mut ids = self.processing_ids();
        let mut progress = false;
        if self.progress_req.is_none() && !ids.is_empty() {
            match self.progress_clock {
                None => self.progress_clock = Some(now),
                Some(since) => progress = now.duration_since(since) >= FAST_POLL,
            }
        }
        if !progress {
            ids.clear();
        }
        (list, ids)
    }
}

// ---- the tab in the app: keys, showing and hiding, answers ---------------------------------

fn tab(state: &mut State) -> &mut ServerTasksTab {
    &mut state.panel.server_tasks
}

/// The tab came on screen: read the lists now; ticks keep them fresh while tasks run.
pub fn on_show(state: &mut State) -> Vec<Command> {
    tab(state).visible = true;
    refresh(state)
}

/// The tab left the screen: stop polling and drop the polls in flight.
pub fn on_hide(state: &mut State) -> Vec<Command> {
    let t = tab(state);
    t.visible = false;
    t.list_clock = None;
    t.progress_clock = None;
    let mut commands = Vec::new();
    if let Some(req) = t.progress_req.take() {
        commands.push(Command::Cancel { req });
    }
    if let Some((req, _)) = t.list_req.take() {
        commands.push(Command::Cancel { req });
    }
    commands
}

pub fn refresh(state: &mut State) -> Vec<Command> {
    let req = state.next_request();
    let t = tab(state);
    let mut commands = Vec::new();
    if let Some((old, _)) = t.list_req.take() {
        commands.push(Command::Cancel { req: old });
    }
    commands.push(t.list(req, ListKind::Refresh));
    commands
}

/// The polls due at this tick.
pub fn on_tick(state: &mut State, now: Instant) -> Vec<Command> {
    // Behind the sign-in screen there is no session to ask with.
    if state.screen != super::state::Screen::Browser {
        return Vec::new();
    }
    let (list, ids) = tab(state).due(now);
    let mut commands = Vec::new();
    if list {
        let req = state.next_request();
        commands.push(tab(state).list(req, ListKind::Poll));
    }
    if !ids.is_empty() {
        let req = state.next_request();
        tab(state).progress_req = Some(req);
        commands.push(Command::TaskProgress { req, ids });
    }
    commands
}

/// Rows of the task list in the panel (the header and the detail lines take the rest).
pub fn list_rows(state: &State) -> usize {
    let body = super::panel::body(super::panel::area(state.area(), &state.panel));
    (layout(body).rows.height as usize).max(1)
}

/// Where the tab's parts go inside the panel's body; shared by drawing and paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabLayout {
    pub header: Option<Rect>,
    pub rows: Rect,
    /// Lines about the task under the cursor (what it works on, its error).
    pub detail: Option<Rect>,
}

pub fn layout(body: Rect) -> TabLayout {
    let mut rows = body;
    let header = (rows.height >= 4).then(|| {
        let h = Rect { height: 1, ..rows };
        rows.y += 1;
        rows.height -= 1;
        h
    });
    let detail = (rows.height >= 6).then(|| {
        rows.height -= 2;
        Rect {
            y: rows.y + rows.height,
            height: 2,
            ..rows
        }
    });
    TabLayout {
        header,
        rows,
        detail,
    }
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let rows = list_rows(state);
    let t = tab(state);
    if move_cursor(&mut t.cursor, &mut t.offset, t.rows.len(), rows, action) {
        return more_if_at_end(state);
    }
    match action {
        Action::Refresh => refresh(state),
        Action::Info => details(state),
        Action::CancelTask => ask_cancel(state),
        Action::GoToResult => go_to_result(state),
        Action::SelectTaskFiles => choose_files(state),
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// The cursor on the last row reads the next pages, when the server has more.
fn more_if_at_end(state: &mut State) -> Vec<Command> {
    let t = tab(state);
    if t.more.is_empty() || t.list_req.is_some() || t.cursor + 1 < t.rows.len() {
        return Vec::new();
    }
    let req = state.next_request();
    vec![tab(state).list(req, ListKind::More)]
}

fn ask_cancel(state: &mut State) -> Vec<Command> {
    let Some(row) = tab(state).cursor_row().cloned() else {
        state.dirty = false;
        return Vec::new();
    };
    let task = &row.task;
    if TaskFamily::of(&task.kind) != TaskFamily::RemoteDownload {
        state.toast("Only remote downloads can be cancelled; other tasks run to their end");
        return Vec::new();
    }
    if !logic::is_active(task) {
        state.toast(format!(
            "This download already ended ({})",
            logic::status_word(task.status)
        ));
        return Vec::new();
    }
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Cancel the remote download?".into(),
        lines: vec![logic::describe(task)],
        yes_label: "Cancel it".into(),
        danger: false,
        on_yes: Deferred::CancelTask {
            id: task.id.clone(),
        },
    }));
    Vec::new()
}

/// The confirmed cancel.
pub fn cancel(state: &mut State, id: String) -> Vec<Command> {
    let req = state.next_request();
    tab(state)
        .ops
        .insert(req, TaskOp::Cancel { id: id.clone() });
    vec![Command::CancelTask { req, id }]
}

/// A torrent download waiting in phase `monitor` lets the user choose its files (§8.5).
fn choose_files(state: &mut State) -> Vec<Command> {
    let Some(row) = tab(state).cursor_row().cloned() else {
        state.dirty = false;
        return Vec::new();
    };
    let task = &row.task;
    if TaskFamily::of(&task.kind) != TaskFamily::RemoteDownload {
        state.toast("Only a torrent download has files to choose");
        return Vec::new();
    }
    let phase = task.summary.as_ref().and_then(|s| s.phase.as_deref());
    let files = task
        .summary
        .as_ref()
        .and_then(|s| s.props.download.as_ref())
        .map(|d| d.files.clone())
        .unwrap_or_default();
    if task.status != TaskStatus::Processing
        || phase.is_some_and(|p| p != "monitor")
        || files.is_empty()
    {
        state.toast(
            "The files can be chosen while the torrent download is running and has listed them",
        );
        return Vec::new();
    }
    let wanted = files.iter().map(|f| f.selected).collect();
    state.modal = Some(Modal::TaskFiles(TaskFilesView {
        task_id: task.id.clone(),
        files,
        wanted,
        cursor: 0,
        scroll: 0,
    }));
    Vec::new()
}

/// Rows of the file list in its popup at the current size.
pub fn files_rows(state: &State) -> usize {
    (state.size.1.saturating_sub(6) as usize).max(1)
}

/// Keys of the file choice popup.
pub fn on_files_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(Modal::TaskFiles(mut view)) = state.modal.take() else {
        state.dirty = false;
        return Vec::new();
    };
    let rows = files_rows(state);
    let last = view.files.len().saturating_sub(1);
    match action {
        Action::Dismiss => return Vec::new(),
        Action::Up => view.cursor = view.cursor.saturating_sub(1),
        Action::Down => view.cursor = (view.cursor + 1).min(last),
        Action::ToggleSelect => {
            if let Some(w) = view.wanted.get_mut(view.cursor) {
                *w = !*w;
            }
            view.cursor = (view.cursor + 1).min(last);
        }
        Action::SelectAll => {
            let all = view.wanted.iter().all(|w| *w);
            view.wanted.iter_mut().for_each(|w| *w = !all);
        }
        Action::Submit => {
            let known: Vec<i64> = view.files.iter().map(|f| f.index).collect();
            let wanted: Vec<i64> = view
                .files
                .iter()
                .zip(&view.wanted)
                .filter(|(_, w)| **w)
                .map(|(f, _)| f.index)
                .collect();
            if wanted.is_empty() {
                state.toast_error("Choose at least one file (space), or cancel the download");
                state.modal = Some(Modal::TaskFiles(view));
                return Vec::new();
            }
            return match logic::file_selection(&known, &wanted) {
                Ok(files) => {
                    let req = state.next_request();
                    tab(state).ops.insert(
                        req,
                        TaskOp::SelectFiles {
                            id: view.task_id.clone(),
                            files: wanted.len(),
                        },
                    );
                    vec![Command::SelectTaskFiles {
                        req,
                        id: view.task_id,
                        files,
                    }]
                }
                Err(why) => {
                    state.toast_error(why);
                    Vec::new()
                }
            };
        }
        _ => state.dirty = false,
    }
    view.scroll = first_row(view.scroll, view.cursor, rows);
    state.modal = Some(Modal::TaskFiles(view));
    Vec::new()
}

/// Opens where a finished task put its result in the visible pane: the folder, or the
/// folder of an archive with the cursor on it.
fn go_to_result(state: &mut State) -> Vec<Command> {
    let Some(row) = tab(state).cursor_row().cloned() else {
        state.dirty = false;
        return Vec::new();
    };
    let task = &row.task;
    if task.status != TaskStatus::Completed {
        state.toast(match task.status {
            TaskStatus::Error | TaskStatus::Canceled => {
                "This task has no result: it did not complete"
            }
            _ => "This task has not finished yet",
        });
        return Vec::new();
    }
    let Some(uri) = logic::result_uri(task).and_then(|u| CrUri::parse(u).ok()) else {
        state.toast_error("The server did not say where this task put its result");
        return Vec::new();
    };
    let (folder, focus) = if task.kind == "create_archive" {
        match uri.parent() {
            Some(parent) => {
                let name = uri.name().map(str::to_string);
                (parent, name)
            }
            None => (uri, None),
        }
    } else {
        (uri, None)
    };
    let pane = result_pane(state);
    state.focus = pane;
    state.panel.focused = false;
    state.navigate(pane, Source::Remote(folder), focus)
}

/// The pane a result opens in: the one the panel does not cover.
pub fn result_pane(state: &State) -> usize {
    if state.panel.open {
        1 - state.panel.slot.min(1)
    } else {
        state.focus
    }
}

fn details(state: &mut State) -> Vec<Command> {
    let offset = state.utc_offset_secs;
    let Some(row) = tab(state).cursor_row() else {
        state.dirty = false;
        return Vec::new();
    };
    let fields = detail_fields(row, offset);
    let title = format!("Task {}", row.task.id);
    state.modal = Some(Modal::Info(InfoView {
        title,
        fields,
        loading: false,
        scroll: 0,
    }));
    Vec::new()
}

/// A short name for a task type (`create_archive` → `archive`).
pub fn kind_word(kind: &str) -> &str {
    match kind {
        "create_archive" => "archive",
        "extract_archive" => "extract",
        "remote_download" => "download",
        other => other,
    }
}

/// `1.2 s`, `3 min 4 s`; empty when the task has not run.
pub fn duration_text(ms: u64) -> String {
    match ms {
        0 => String::new(),
        1..1000 => format!("{ms} ms"),
        1000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

/// The fraction done, from live progress or the downloader's own report.
pub fn fraction(row: &TaskRow) -> Option<f64> {
    if row.task.status == TaskStatus::Completed {
        return Some(1.0);
    }
    logic::progress_fraction(&row.progress).or_else(|| {
        let d = row.task.summary.as_ref()?.props.download.as_ref()?;
        (d.total > 0).then(|| (d.downloaded as f64 / d.total as f64).clamp(0.0, 1.0))
    })
}

/// Status, with the retry count of a task waiting to try again.
pub fn status_text(task: &Task) -> String {
    if task.status == TaskStatus::Suspending && task.retry_count > 0 {
        format!("retry {}", task.retry_count)
    } else {
        logic::status_word(task.status).to_string()
    }
}

/// Phase, live counters and the downloader's report, joined (raw: sanitize when drawn).
pub fn progress_line(row: &TaskRow) -> String {
    let mut parts = Vec::new();
    if let Some(phase) = row.task.summary.as_ref().and_then(|s| s.phase.as_deref()) {
        parts.push(phase.replace('_', " "));
    }
    let live = logic::progress_text(&row.progress);
    if !live.is_empty() {
        parts.push(live);
    }
    if let Some(d) = row
        .task
        .summary
        .as_ref()
        .and_then(|s| s.props.download.as_ref())
    {
        let text = logic::download_text(d);
        if !text.is_empty() {
            parts.push(text);
        }
    }
    parts.join(" · ")
}

/// Everything about a task, for the details popup (values raw; the popup sanitizes).
pub fn detail_fields(row: &TaskRow, utc_offset_secs: i32) -> Vec<InfoField> {
    let task = &row.task;
    let time =
        |t: &crate::api::models::Timestamp| crate::ui::text::time(t.timestamp(), utc_offset_secs);
    let mut fields = vec![
        InfoField::new("Type", task.kind.clone()),
        InfoField::new("Status", status_text(task)),
    ];
    let progress = progress_line(row);
    if !progress.is_empty() {
        fields.push(InfoField::new("Progress", progress));
    }
    let what = logic::describe(task);
    if !what.is_empty() {
        fields.push(InfoField::new("What", what));
    }
    if let Some(node) = &task.node {
        fields.push(InfoField::new("Node", node.name.clone()));
    }
    fields.push(InfoField::new("Created", time(&task.created_at)));
    fields.push(InfoField::new("Updated", time(&task.updated_at)));
    let took = duration_text(task.duration);
    if !took.is_empty() {
        fields.push(InfoField::new("Duration", took));
    }
    if task.retry_count > 0 {
        fields.push(InfoField::new("Retries", task.retry_count.to_string()));
    }
    if let Some(error) = task.error.as_deref().filter(|e| !e.is_empty()) {
        fields.push(InfoField::new("Error", error));
    }
    for (i, e) in task.error_history.iter().enumerate() {
        fields.push(InfoField::new(format!("Attempt {}", i + 1), e.clone()));
    }
    if let Some(d) = task
        .summary
        .as_ref()
        .and_then(|s| s.props.download.as_ref())
    {
        for f in &d.files {
            let mark = if f.selected { "✓" } else { " " };
            fields.push(InfoField::new(
                format!("File {}", f.index),
                format!("{mark} {} ({})", f.name, crate::ui::text::size(f.size)),
            ));
        }
    }
    fields.push(InfoField::new("Id", task.id.clone()));
    fields
}

/// Worker answers meant for this tab; `None` when `event` is not about it.
pub fn on_event(state: &mut State, event: &WorkerEvent) -> Option<Vec<Command>> {
    match event {
        WorkerEvent::Tasks { req, pages } => {
            if !tab(state).on_pages(*req, pages.clone()) {
                state.dirty = false;
            }
            Some(Vec::new())
        }
        WorkerEvent::TaskProgress { req, progress } => {
            if !tab(state).on_progress(*req, progress.clone()) {
                state.dirty = false;
            }
            Some(Vec::new())
        }
        WorkerEvent::PanelDone { req } => {
            let op = tab(state).ops.remove(req)?;
            state.toast(op.done_message());
            Some(if tab(state).visible {
                refresh(state)
            } else {
                Vec::new()
            })
        }
        WorkerEvent::PanelFailed { req, failure } => {
            let t = tab(state);
            if t.list_req.is_some_and(|(r, _)| r == *req) {
                t.list_req = None;
                t.list_clock = None;
                t.error = Some(failure.clone());
            } else if t.progress_req == Some(*req) {
                // Progress is a nicety: keep polling, the list still tells the status.
                t.progress_req = None;
                t.progress_clock = None;
            } else if let Some(op) = t.ops.remove(req) {
                state.toast_error(op.failed_message(&failure.message));
            } else {
                return None;
            }
            Some(Vec::new())
        }
        _ => None,
    }
}
