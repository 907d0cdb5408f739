//! The server tasks tab: one row per task (type, status, progress, what it works on; with
//! room also created, duration and node), and two lines about the task under the cursor.
//! Every server string (summaries, errors, node names) goes through `text::safe`.

use super::super::dialogs::{hints, popup};
use super::super::{text, theme};
use super::table::{self as table, Column};
use crate::api::models::TaskStatus;
use crate::app::action::{Action, Context};
use crate::app::panel_tasks::{
    ServerTasksTab, TaskFilesView, TaskRow, duration_text, first_row, fraction, kind_word, layout,
    progress_line, status_text,
};
use crate::app::state::State;
use crate::drive::tasks as logic;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Paragraph;

/// From this inner width on, created, duration and node get columns of their own.
const WIDE_FROM: usize = 72;

const NARROW: [Column; 4] = [
    Column::left("Type", 8),
    Column::left("Status", 10),
    Column::right("Done", 4),
    Column::left("What", 0),
];

const WIDE: [Column; 7] = [
    Column::left("Type", 8),
    Column::left("Status", 10),
    Column::right("Done", 4),
    Column::left("Created", 16),
    Column::right("Took", 8),
    Column::left("Node", 8),
    Column::left("What", 0),
];

/// Draws the tab into `body` (the inside of the panel below its tab line).
pub fn draw(frame: &mut Frame, body: Rect, state: &State, focused: bool) {
    let tab = &state.panel.server_tasks;
    let parts = layout(body);
    let wide = body.width as usize >= WIDE_FROM;
    let columns: &[Column] = if wide { &WIDE } else { &NARROW };
    let buf = frame.buffer_mut();
    if tab.rows.is_empty() {
        table::note(buf, body, &empty_note(tab, state.ticks));
        return;
    }
    let view = table::ListView {
        len: tab.rows.len(),
        offset: tab.offset,
        cursor: tab.cursor,
        focused,
    };
    table::draw_list(buf, &parts, columns, view, |i| {
        let row = &tab.rows[i];
        let cells = cells(row, wide, state.utc_offset_secs, state.ticks);
        (cells, status_style(row.task.status))
    });
    if let Some(detail) = parts.detail {
        draw_detail(buf, detail, tab, state.utc_offset_secs);
    }
}

fn empty_note(tab: &ServerTasksTab, ticks: u64) -> Vec<(String, Style)> {
    if let Some(err) = &tab.error {
        return vec![
            (
                format!("⚠ Could not read the tasks: {}", text::safe(&err.message)),
                theme::error(),
            ),
            ("r tries again.".into(), theme::dim()),
        ];
    }
    if !tab.loaded {
        return vec![(
            format!("{} Loading the server's tasks…", theme::spinner(ticks)),
            theme::dim(),
        )];
    }
    vec![
        ("No server tasks.".into(), Style::new()),
        (
            "Archives, extractions and remote downloads show up here.".into(),
            theme::dim(),
        ),
    ]
}

fn cells(row: &TaskRow, wide: bool, utc_offset: i32, ticks: u64) -> Vec<String> {
    let task = &row.task;
    let done = match fraction(row) {
        Some(f) => format!("{:.0}%", f * 100.0),
        // Running without a known total: something moves, so show it.
        None if task.status == TaskStatus::Processing => theme::spinner(ticks).to_string(),
        None => String::new(),
    };
    let kind = text::safe(kind_word(&task.kind)).into_owned();
    let what = text::safe(&logic::describe(task)).into_owned();
    let status = text::safe(&status_text(task)).into_owned();
    if !wide {
        return vec![kind, status, done, what];
    }
    let node = task
        .node
        .as_ref()
        .map(|n| text::safe(&n.name).into_owned())
        .unwrap_or_default();
    vec![
        kind,
        status,
        done,
        text::time(task.created_at.timestamp(), utc_offset),
        duration_text(task.duration),
        node,
        what,
    ]
}

fn status_style(status: TaskStatus) -> Style {
    match status {
        TaskStatus::Error => theme::danger(),
        TaskStatus::Canceled => theme::dim(),
        TaskStatus::Processing | TaskStatus::Queued | TaskStatus::Suspending => theme::notice(),
        TaskStatus::Completed | TaskStatus::Unknown => Style::new(),
    }
}

/// What the task under the cursor works on, and its error or live progress.
/// Without an error or live progress, the second line has when, how long and where.
fn draw_detail(buf: &mut Buffer, area: Rect, tab: &ServerTasksTab, utc_offset: i32) {
    let width = area.width as usize;
    let mut lines: Vec<(String, Style)> = Vec::new();
    if let Some(err) = &tab.error {
        lines.push((
            format!("⚠ Could not refresh: {}", text::safe(&err.message)),
            theme::error(),
        ));
    }
    if let Some(row) = tab.cursor_row() {
        let what = logic::describe(&row.task);
        if !what.is_empty() {
            lines.push((text::safe(&what).into_owned(), Style::new()));
        }
        match row.task.error.as_deref().filter(|e| !e.is_empty()) {
            Some(error) => lines.push((format!("⚠ {}", text::safe(error)), theme::error())),
            None => {
                let progress = progress_line(row);
                let line = if progress.is_empty() {
                    meta_line(row, utc_offset)
                } else {
                    text::safe(&progress).into_owned()
                };
                lines.push((line, theme::dim()));
            }
        }
    }
    for (i, (line, style)) in lines.into_iter().take(area.height as usize).enumerate() {
        let cut = text::fit(&line, width);
        buf.set_stringn(area.x, area.y + i as u16, cut, width, style);
    }
}

/// `created 2026-11-27 01:20 · took 3.1 s · on Master` (sanitized).
fn meta_line(row: &TaskRow, utc_offset: i32) -> String {
    let task = &row.task;
    let mut parts = vec![format!(
        "created {}",
        text::time(task.created_at.timestamp(), utc_offset)
    )];
    let took = duration_text(task.duration);
    if !took.is_empty() {
        parts.push(format!("took {took}"));
    }
    if let Some(node) = task.node.as_ref().filter(|n| !n.name.is_empty()) {
        parts.push(format!("on {}", text::safe(&node.name)));
    }
    parts.join(" · ")
}

/// The file choice of a torrent download: `[x] name  size`, the cursor row highlighted.
pub fn draw_files(frame: &mut Frame, area: Rect, state: &State, view: &TaskFilesView) {
    let width = area.width.saturating_sub(2).clamp(1, 72);
    let height = area
        .height
        .saturating_sub(2)
        .clamp(1, view.files.len() as u16 + 4);
    let title = format!("Files of task {}", view.task_id);
    let inner = popup(frame, area, width, height, &title, theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let list = Rect {
        height: inner.height.saturating_sub(2),
        ..inner
    };
    let first = first_row(view.scroll, view.cursor, list.height as usize);
    let buf = frame.buffer_mut();
    for (line, i) in (first..view.files.len())
        .take(list.height as usize)
        .enumerate()
    {
        let f = &view.files[i];
        let mark = if view.wanted.get(i).copied().unwrap_or(false) {
            "[x]"
        } else {
            "[ ]"
        };
        let size = text::size(f.size);
        let name_w = (list.width as usize).saturating_sub(size.len() + 6);
        let name = text::fit(&text::safe(&f.name), name_w).into_owned();
        let line_text = format!(
            "{mark} {} {}",
            text::pad(&name, name_w),
            text::pad_left(&size, size.len() + 1)
        );
        let style = table::with_cursor(Style::new(), i == view.cursor, true);
        table::row(buf, list, list.y + line as u16, &line_text, style);
    }
    if inner.height >= 2 {
        let hint = hints(
            state,
            Context::TaskFiles,
            &[
                (Action::ToggleSelect, "Choose"),
                (Action::Submit, "Download"),
                (Action::Dismiss, "Cancel"),
            ],
        );
        frame.render_widget(
            Paragraph::new(hint),
            Rect {
                y: inner.y + inner.height - 1,
                height: 1,
                ..inner
            },
        );
    }
}
