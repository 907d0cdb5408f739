//! The list layout both the server tasks and the shares tab use: fixed columns, the last
//! one taking what is left, one row per item, the cursor row highlighted across the width,
//! and a note in place of the rows when there are none.

use super::super::{text, theme};
use crate::app::panel_tasks::{TabLayout, first_row};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// One column: its title and width in cells (`0`: the rest of the row).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: usize,
    pub right: bool,
}

impl Column {
    pub const fn left(title: &'static str, width: usize) -> Column {
        Column {
            title,
            width,
            right: false,
        }
    }

    pub const fn right(title: &'static str, width: usize) -> Column {
        Column {
            title,
            width,
            right: true,
        }
    }
}

/// `cells` laid out to exactly `width` cells (one space between columns). Cells must be
/// sanitized already.
pub fn compose(columns: &[Column], cells: &[&str], width: usize) -> String {
    let fixed: usize = columns.iter().map(|c| c.width + 1).sum::<usize>();
    let rest = width.saturating_sub(fixed.saturating_sub(1));
    let mut out = String::with_capacity(width + 8);
    for (i, (column, cell)) in columns.iter().zip(cells).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let w = if column.width == 0 {
            rest
        } else {
            column.width
        };
        let cut = text::fit(cell, w);
        if column.right {
            out.push_str(&text::pad_left(&cut, w));
        } else {
            out.push_str(&text::pad(&cut, w));
        }
    }
    text::fit(&out, width).into_owned()
}

pub fn header(buf: &mut Buffer, area: Rect, columns: &[Column]) {
    let titles: Vec<&str> = columns.iter().map(|c| c.title).collect();
    let line = compose(columns, &titles, area.width as usize);
    buf.set_stringn(area.x, area.y, line, area.width as usize, theme::header());
}

pub fn row(buf: &mut Buffer, area: Rect, y: u16, line: &str, style: Style) {
    let padded = text::pad(line, area.width as usize);
    buf.set_stringn(area.x, y, padded, area.width as usize, style);
}

/// A short note (loading, empty, an error) on the first rows, wrapped.
pub fn note(buf: &mut Buffer, area: Rect, lines: &[(String, Style)]) {
    let mut y = area.y;
    for (line, style) in lines {
        for part in text::wrap(line, area.width.saturating_sub(1).max(1) as usize) {
            if y >= area.bottom() {
                return;
            }
            buf.set_stringn(
                area.x + 1,
                y,
                part,
                area.width.saturating_sub(1) as usize,
                *style,
            );
            y += 1;
        }
    }
}

/// The cursor row's style over a row's own.
pub fn with_cursor(base: Style, is_cursor: bool, focused: bool) -> Style {
    if is_cursor {
        base.patch(theme::cursor(focused))
    } else {
        base
    }
}

/// The list of a tab: how many rows, the first one shown before scrolling, the cursor.
#[derive(Debug, Clone, Copy)]
pub struct ListView {
    pub len: usize,
    pub offset: usize,
    pub cursor: usize,
    pub focused: bool,
}

/// Draws the header (when the layout has room for it) and the rows that fit, scrolled so the
/// cursor shows and highlighted on it; `row(i)` gives row `i`'s cells and its own style.
pub fn draw_list(
    buf: &mut Buffer,
    parts: &TabLayout,
    columns: &[Column],
    view: ListView,
    row_of: impl Fn(usize) -> (Vec<String>, Style),
) {
    if let Some(header_area) = parts.header {
        header(buf, header_area, columns);
    }
    let rows = parts.rows;
    let first = first_row(view.offset, view.cursor, rows.height as usize);
    for (line, i) in (first..view.len).take(rows.height as usize).enumerate() {
        let (cells, base) = row_of(i);
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        let text = compose(columns, &refs, rows.width as usize);
        let style = with_cursor(base, i == view.cursor, view.focused);
        row(buf, rows, rows.y + line as u16, &text, style);
    }
}
