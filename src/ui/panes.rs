//! The two panes: border and title, column header, rows, filter line. Only the visible rows
//! are touched, so a folder of 100,000 entries costs what a folder of 50 does.

use super::{pane_location, text, theme};
use crate::app::entry::Entry;
use crate::app::layout::{self, BrowserLayout};
use crate::app::pane::Pane;
use crate::app::source::Source;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

/// `1023 KiB` is the widest size.
const SIZE_COLUMN: usize = 8;
/// `2026-11-27 01:21`, or `2026-11-27` when the pane is narrow.
const TIME_COLUMN: usize = 16;
const DATE_COLUMN: usize = 10;
/// Below these inner widths the modified column shrinks, then goes, then the size goes.
const TIME_FROM_WIDTH: usize = 50;
const DATE_FROM_WIDTH: usize = 34;
const SIZE_FROM_WIDTH: usize = 22;

pub fn draw(frame: &mut Frame, l: &BrowserLayout, state: &State) {
    for i in 0..2 {
        // A pane behind the open task panel is not drawn.
        if !state.panel.covers(i) {
            draw_pane(frame, l.panes[i], state, i);
        }
    }
}

fn draw_pane(frame: &mut Frame, area: Rect, state: &State, i: usize) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let pane = &state.panes[i];
    let focused = state.focus == i && !state.panel.has_focus();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(focused))
        .title(title(pane, focused, area.width))
        .title_bottom(bottom_title(pane, state, area.width));
    frame.render_widget(block, area);
    let editing = state.filter_editing && focused;
    let parts = layout::pane(area, state.filter_line_shown(i));
    let searching = matches!(&pane.source, Source::Remote(uri) if uri.is_search());
    let columns = Columns::for_pane(parts.inner.width as usize, searching);
    let buf = frame.buffer_mut();
    if let Some(header) = parts.header {
        draw_header(buf, header, columns);
    }
    if pane.listing.is_empty() {
        draw_empty_note(buf, parts.rows, pane);
    } else {
        draw_rows(
            buf,
            parts.rows,
            pane,
            focused,
            columns,
            state.utc_offset_secs,
        );
    }
    if let Some(line) = parts.filter {
        draw_filter(frame, line, pane, editing);
    }
}

fn title(pane: &Pane, focused: bool, width: u16) -> Line<'static> {
    let label = pane.place().label();
    let path = text::safe(&pane.source.title()).into_owned();
    let room = (width as usize).saturating_sub(label.len() + 7);
    let shown = text::fit_left(&path, room).into_owned();
    Line::from(vec![
        Span::raw(" "),
        Span::styled(format!("{label}: "), theme::dim()),
        Span::styled(shown, theme::title(focused)),
        Span::raw(" "),
    ])
}

/// Bottom border: loading progress, the sort order, the position.
fn bottom_title(pane: &Pane, state: &State, width: u16) -> Line<'static> {
    let mut parts: Vec<String> = Vec::new();
    if pane.is_loading() {
        parts.push(format!(
            "{} {} loaded",
            theme::spinner(state.ticks),
            text::count(pane.listing.total())
        ));
    }
    if pane.visual_anchor.is_some() {
        parts.push("RANGE".into());
    }
    parts.push(pane.listing.sort().describe());
    if !pane.listing.is_empty() {
        parts.push(format!(
            "{}/{}",
            text::count(pane.cursor + 1),
            text::count(pane.listing.len())
        ));
    }
    let text = format!(" {} ", parts.join(" · "));
    let room = (width as usize).saturating_sub(4);
    Line::from(text::fit(&text, room).into_owned())
        .style(theme::dim())
        .right_aligned()
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    size: bool,
    /// Width of the modified column (0: not shown).
    time: usize,
    /// Width of the folder column of search results (0: not shown).
    folder: usize,
}

impl Columns {
    fn for_width(inner: usize) -> Columns {
        let time = if inner >= TIME_FROM_WIDTH {
            TIME_COLUMN
        } else if inner >= DATE_FROM_WIDTH {
            DATE_COLUMN
        } else {
            0
        };
        Columns {
            size: inner >= SIZE_FROM_WIDTH,
            time,
            folder: 0,
        }
    }

    /// Search results add the folder each item is in, at the cost of the date first.
    fn for_pane(inner: usize, searching: bool) -> Columns {
        let mut columns = Columns::for_width(inner);
        if searching {
            let size = if columns.size { SIZE_COLUMN + 1 } else { 0 };
            let rest = inner.saturating_sub(1 + size);
            let (folder, keep_date) = pane_location::folder_width(rest, columns.time);
            if folder > 0 {
                columns.folder = folder;
                if !keep_date {
                    columns.time = 0;
                }
            }
        }
        columns
    }

    /// The first cell of the folder column, after the mark, the name and the size.
    fn folder_start(self, inner: usize) -> usize {
        let size = if self.size { SIZE_COLUMN + 1 } else { 0 };
        1 + self.name_width(inner) + size + 1
    }

    /// Cells left for the name (one column of padding before each extra column, one for the
    /// selection mark).
    fn name_width(self, inner: usize) -> usize {
        let mut used = 1;
        if self.size {
            used += SIZE_COLUMN + 1;
        }
        if self.time > 0 {
            used += self.time + 1;
        }
        if self.folder > 0 {
            used += self.folder + 1;
        }
        inner.saturating_sub(used)
    }
}

fn draw_header(buf: &mut Buffer, area: Rect, columns: Columns) {
    let line = compose(
        " ",
        "Name",
        columns.size.then_some("Size"),
        (columns.folder > 0).then_some("Folder"),
        (columns.time > 0).then_some("Modified"),
        columns,
        area.width as usize,
    );
    buf.set_stringn(area.x, area.y, line, area.width as usize, theme::header());
}

fn draw_rows(
    buf: &mut Buffer,
    area: Rect,
    pane: &Pane,
    focused: bool,
    columns: Columns,
    utc_offset: i32,
) {
    for line in 0..area.height {
        let row = pane.scroll + line as usize;
        let Some(entry) = pane.listing.row(row) else {
            break;
        };
        let style = row_style(entry, row == pane.cursor, focused);
        let size = if entry.is_folder() {
            String::new()
        } else {
            text::size(entry.size)
        };
        let mut time = text::time(entry.modified, utc_offset);
        time.truncate(columns.time);
        let mark = if entry.is_selected() { "+" } else { " " };
        let name = display_name(entry);
        let folder = pane_location::parent_folder(entry)
            .map(|f| pane_location::fit_folder(&f, columns.folder))
            .unwrap_or_default();
        let text = compose(
            mark,
            &name,
            columns.size.then_some(size.as_str()),
            (columns.folder > 0).then_some(folder.as_str()),
            (columns.time > 0).then_some(time.as_str()),
            columns,
            area.width as usize,
        );
        // `compose` pads to the full width, so the cursor highlight spans the row.
        text::put(
            buf,
            area.x,
            area.y + line,
            &text,
            area.width as usize,
            style,
        );
        // The folder of a search result is dimmed: the name is what was searched for.
        if columns.folder > 0 {
            let x = area.x as usize + columns.folder_start(area.width as usize);
            let cells = Rect::new(x as u16, area.y + line, columns.folder as u16, 1);
            buf.set_style(cells.intersection(area), style.patch(theme::dim()));
        }
    }
}

/// The sanitized name, with a `/` after folders.
fn display_name(entry: &Entry) -> String {
    let mut name = entry.display_name().to_string();
    if entry.is_folder() {
        name.push('/');
    }
    name
}

fn row_style(entry: &Entry, is_cursor: bool, focused: bool) -> Style {
    let base = if entry.is_selected() {
        theme::selected()
    } else if entry.is_folder() {
        theme::folder()
    } else {
        theme::file()
    };
    if is_cursor {
        base.patch(theme::cursor(focused))
    } else {
        base
    }
}

/// `mark name…   size  [folder]  modified`, laid out to exactly `width` cells.
fn compose(
    mark: &str,
    name: &str,
    size: Option<&str>,
    folder: Option<&str>,
    time: Option<&str>,
    columns: Columns,
    width: usize,
) -> String {
    let mut out = String::with_capacity(width + 8);
    out.push_str(mark);
    out.push_str(&text::pad(name, columns.name_width(width)));
    if let Some(size) = size {
        out.push(' ');
        out.push_str(&text::pad_left(size, SIZE_COLUMN));
    }
    if let Some(folder) = folder {
        out.push(' ');
        out.push_str(&text::pad(folder, columns.folder));
    }
    if let Some(time) = time {
        out.push(' ');
        out.push_str(&text::pad(time, columns.time));
    }
    out
}

fn draw_empty_note(buf: &mut Buffer, area: Rect, pane: &Pane) {
    if area.height == 0 {
        return;
    }
    let (note, style) = if let Some(err) = &pane.error {
        (format!(" ⚠ {}", text::safe(err)), theme::error())
    } else if pane.is_loading() {
        (" Loading…".to_string(), theme::dim())
    } else if !pane.listing.filter().is_empty() {
        (
            format!(" No name contains “{}”", text::safe(pane.listing.filter())),
            theme::dim(),
        )
    } else if pane.listing.total() > 0 {
        (
            " Only dot files here (. shows them)".to_string(),
            theme::dim(),
        )
    } else {
        (" Empty folder".to_string(), theme::dim())
    };
    let cut = text::fit(&note, area.width as usize);
    buf.set_stringn(area.x, area.y, cut, area.width as usize, style);
}

fn draw_filter(frame: &mut Frame, area: Rect, pane: &Pane, editing: bool) {
    let filter = text::safe(pane.listing.filter()).into_owned();
    let counts = format!(
        " {} of {}",
        text::count(pane.listing.len()),
        text::count(pane.listing.total())
    );
    let room = (area.width as usize).saturating_sub(counts.len() + 1);
    let shown = text::fit_left(&filter, room.saturating_sub(1)).into_owned();
    let style = if editing {
        theme::key()
    } else {
        theme::notice()
    };
    let buf = frame.buffer_mut();
    let line = format!("/{shown}");
    buf.set_stringn(area.x, area.y, &line, area.width as usize, style);
    let used = text::width(&line);
    if used + counts.len() <= area.width as usize {
        let x = area.x + area.width - counts.len() as u16;
        buf.set_stringn(x, area.y, &counts, counts.len(), theme::dim());
    }
    if editing {
        let x = area.x + (used as u16).min(area.width.saturating_sub(1));
        frame.set_cursor_position((x, area.y));
    }
}
