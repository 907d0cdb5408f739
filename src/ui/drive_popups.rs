//! The drive popups: share presets, the new link (with its QR code), versions, direct links,
//! tags and properties, pinned folders, and the forms. Every server string (names, links,
//! tag names, property values) passes through `text::safe`.

use super::dialogs::{draw_field, hints, popup};
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::drive::form::{FieldValue, Form};
use crate::app::drive::popup::{DrivePopup, ListPopup, PresetPicker, ShareResult};
use crate::app::drive::{LinkRow, MetaRow, PinRow, VersionRow};
use crate::app::state::State;
use crate::app::update::drive_view;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, p: &DrivePopup) {
    match p {
        DrivePopup::SharePresets(p) => presets(frame, area, state, p),
        DrivePopup::ShareResult(r) => share_result(frame, area, state, r),
        DrivePopup::Versions(p) => versions(frame, area, state, p),
        DrivePopup::Links(p) => links(frame, area, state, p),
        DrivePopup::Tags(p) => tags(frame, area, state, p),
        DrivePopup::Pins(p) => pins(frame, area, state, p),
        DrivePopup::Form(f) => form(frame, area, state, f),
    }
}

fn width_for(area: Rect, wanted: u16) -> u16 {
    area.width.saturating_sub(2).clamp(1, wanted)
}

/// Draws `lines` (already sanitized) and a hint row at the bottom of `inner`.
fn body(frame: &mut Frame, inner: Rect, lines: Vec<Line<'static>>, hint: Line<'static>) {
    if inner.height == 0 {
        return;
    }
    let room = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), room);
    let row = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(hint), row);
}

/// A list row: the highlighted one drawn with the cursor style, cut to `width` cells.
fn row(text: String, highlighted: bool, width: usize) -> Line<'static> {
    let shown = text::pad(&text::fit(&text, width), width);
    if highlighted {
        Line::from(Span::styled(shown, theme::cursor(true)))
    } else {
        Line::from(shown)
    }
}

/// The rows of a list popup around its cursor, or "Loading…", or what to say when empty.
fn list_lines<T>(
    state: &State,
    p: &ListPopup<T>,
    rows: usize,
    width: usize,
    empty: &str,
    show: impl Fn(&T) -> String,
) -> Vec<Line<'static>> {
    if p.loading.is_some() && p.rows.is_empty() {
        return vec![Line::from(Span::styled(
            format!("{} Loading…", theme::spinner(state.ticks)),
            theme::dim(),
        ))];
    }
    if p.rows.is_empty() {
        return vec![Line::from(Span::styled(empty.to_string(), theme::dim()))];
    }
    let rows = rows.max(1);
    let first = p.cursor.saturating_sub(rows - 1);
    p.rows
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(n, r)| row(show(r), n == p.cursor, width))
        .collect()
}

/// The words around a list popup: its title, what to say when empty, and its keys.
struct ListText<'a> {
    title: String,
    empty: &'a str,
    keys: &'a [(Action, &'a str)],
}

fn list_popup<T>(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    p: &ListPopup<T>,
    words: ListText,
    show: impl Fn(&T) -> String,
) {
    let width = width_for(area, 72);
    let wanted = p.rows.len().max(1) as u16 + 4;
    let height = area.height.saturating_sub(2).clamp(1, wanted.max(6));
    let inner = popup(
        frame,
        area,
        width,
        height,
        &words.title,
        theme::border(true),
    );
    let rows = inner.height.saturating_sub(2) as usize;
    let mut lines = list_lines(state, p, rows, inner.width as usize, words.empty, show);
    if p.loading.is_some() && !p.rows.is_empty() {
        // Reloading after a change: the old rows stay, the title row says so.
        lines.truncate(rows.saturating_sub(1).max(1));
    }
    lines.push(Line::raw(""));
    body(
        frame,
        inner,
        lines,
        hints(state, Context::DrivePopup, words.keys),
    );
}

fn presets(frame: &mut Frame, area: Rect, state: &State, p: &PresetPicker) {
    let rows = drive_view::preset_rows(state);
    let width = width_for(area, 64);
    let height = (rows.len() as u16 + 4)
        .min(area.height.saturating_sub(2))
        .max(1);
    let title = format!("Share {}", p.what);
    let inner = popup(frame, area, width, height, &title, theme::border(true));
    let w = inner.width as usize;
    let name_w = rows
        .iter()
        .map(|(n, _)| text::width(n))
        .max()
        .unwrap_or(0)
        .min(16);
    let mut lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(n, (name, preset))| {
            let text = format!(
                "{}  {}",
                text::pad(&text::fit(&text::safe(name), name_w), name_w),
                // From config.toml, checked when read; sanitized all the same.
                text::safe(&drive_view::describe_preset(preset))
            );
            row(text, n == p.cursor, w)
        })
        .collect();
    lines.push(Line::raw(""));
    let hint = hints(
        state,
        Context::DrivePopup,
        &[
            (Action::Confirm, "Create link"),
            (Action::FullForm, "Full form"),
            (Action::Dismiss, "Cancel"),
        ],
    );
    body(frame, inner, lines, hint);
}

fn share_result(frame: &mut Frame, area: Rect, state: &State, r: &ShareResult) {
    let qr =
        r.qr.then(|| r.links.first())
            .flatten()
            .and_then(|(_, link)| {
                crate::qr::render(&text::safe(link), crate::qr::QrStyle::DarkBackground).ok()
            });
    let qr_lines: Vec<String> = qr
        .as_deref()
        .map(|q| q.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let qr_w = qr_lines.iter().map(|l| text::width(l)).max().unwrap_or(0) as u16;
    let room = area.height.saturating_sub(2);
    let link_w = r
        .links
        .first()
        .map_or(0, |(_, l)| text::width(&text::safe(l))) as u16;
    let width = if r.qr && !qr_lines.is_empty() {
        width_for(area, 40.max(qr_w.max(link_w) + 2))
    } else {
        width_for(area, 72)
    };
    // With the QR code: the first link and the code only (the code is tall).
    let qr_fits = !qr_lines.is_empty()
        && qr_lines.len() as u16 + 4 <= room
        && qr_w + 4 <= area.width.saturating_sub(2);
    let mut lines: Vec<Line> = Vec::new();
    if r.qr && qr_fits {
        if let Some((_, link)) = r.links.first() {
            lines.push(Line::from(Span::styled(
                text::safe(link).into_owned(),
                theme::notice(),
            )));
        }
        // Light modules in white on black: scanners read it on any terminal theme.
        let style = Style::default().fg(Color::White).bg(Color::Black);
        lines.extend(
            qr_lines
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style))),
        );
    } else {
        for (name, link) in &r.links {
            if r.links.len() > 1 {
                lines.push(Line::from(Span::styled(
                    text::safe(name).into_owned(),
                    theme::dim(),
                )));
            }
            lines.push(Line::from(Span::styled(
                text::safe(link).into_owned(),
                theme::notice(),
            )));
        }
        lines.push(Line::from(Span::styled(
            if r.copied {
                "Copied to the clipboard."
            } else if state.clipboard {
                "Not copied yet."
            } else {
                "Not copied: osc52 = false in config.toml."
            },
            theme::dim(),
        )));
        if r.qr {
            let why = if qr_lines.is_empty() {
                "This link is too long for a QR code.".to_string()
            } else {
                format!(
                    "Too small for the QR code: needs {}×{}.",
                    qr_w + 6,
                    qr_lines.len() + 6
                )
            };
            lines.push(Line::from(Span::styled(why, theme::error())));
        }
        lines.push(Line::raw(""));
    }
    let height = (lines.len() as u16 + 3).min(room).max(1);
    let title = if r.links.len() > 1 {
        "New share links"
    } else {
        "New share link"
    };
    let inner = popup(frame, area, width, height, title, theme::border(true));
    let hint = hints(
        state,
        Context::DrivePopup,
        &[
            (Action::CopyItem, "Copy"),
            (Action::ShowQr, if r.qr { "Hide QR" } else { "QR code" }),
            (Action::Dismiss, "Close"),
        ],
    );
    body(frame, inner, lines, hint);
}

fn versions(frame: &mut Frame, area: Rect, state: &State, p: &ListPopup<VersionRow>) {
    let offset = state.utc_offset_secs;
    let keys = [
        (Action::SetCurrent, "Make current"),
        (Action::DeleteItem, "Delete"),
        (Action::DownloadItem, "Download"),
        (Action::Dismiss, "Close"),
    ];
    let words = ListText {
        title: format!("Versions of “{}”", p.name),
        empty: "No versions.",
        keys: &keys,
    };
    list_popup(frame, area, state, p, words, |v| {
        let mark = if v.current { "●" } else { " " };
        let by =
            v.by.as_deref()
                .map(|b| format!(" · by {}", text::safe(b)))
                .unwrap_or_default();
        let current = if v.current { "  current" } else { "" };
        format!(
            "{mark} {:>9}  {}{current}{by}",
            text::size(v.size),
            text::time(v.created, offset)
        )
    });
}

fn links(frame: &mut Frame, area: Rect, state: &State, p: &ListPopup<LinkRow>) {
    let n = p.targets.len();
    let add = if n > 1 {
        format!("Create for {n} files")
    } else {
        "Create".to_string()
    };
    let keys = [
        (Action::AddItem, add.as_str()),
        (Action::CopyItem, "Copy"),
        (Action::DeleteItem, "Delete"),
        (Action::Dismiss, "Close"),
    ];
    let words = ListText {
        title: format!("Direct links of “{}”", p.name),
        empty: "No direct links yet.",
        keys: &keys,
    };
    list_popup(frame, area, state, p, words, |l| {
        let noun = if l.downloads == 1 {
            "download"
        } else {
            "downloads"
        };
        format!("{}  ({} {noun})", text::safe(&l.url), l.downloads)
    });
}

fn tags(frame: &mut Frame, area: Rect, state: &State, p: &ListPopup<MetaRow>) {
    let title = match p.targets.len() {
        0 | 1 => format!("Tags and properties of “{}”", p.name),
        n => format!("Tags and properties ({n} items selected)"),
    };
    let keys = [
        (Action::AddItem, "Add tag"),
        (Action::AddProperty, "Set property"),
        (Action::DeleteItem, "Remove"),
        (Action::Dismiss, "Close"),
    ];
    let words = ListText {
        title,
        empty: "No tags or properties.",
        keys: &keys,
    };
    list_popup(frame, area, state, p, words, |m| {
        if m.key.starts_with(drive_view::PROPS_PREFIX) {
            format!(
                "property  {} = {}",
                text::safe(&m.name),
                text::safe(&m.value)
            )
        } else if m.value.is_empty() {
            format!("tag       {}", text::safe(&m.name))
        } else {
            format!(
                "tag       {}  {}",
                text::safe(&m.name),
                text::safe(&m.value)
            )
        }
    });
}

fn pins(frame: &mut Frame, area: Rect, state: &State, p: &ListPopup<PinRow>) {
    let keys = [
        (Action::Confirm, "Go"),
        (Action::DeleteItem, "Unpin"),
        (Action::Dismiss, "Close"),
    ];
    let words = ListText {
        title: "Pinned folders".to_string(),
        empty: "Nothing pinned yet: pin a folder with P.",
        keys: &keys,
    };
    list_popup(frame, area, state, p, words, |pin| {
        let path = crate::api::uri::CrUri::parse(&pin.uri)
            .map(|u| crate::app::source::Source::Remote(u).title())
            .unwrap_or_else(|_| pin.uri.clone());
        match &pin.name {
            Some(n) => format!("{}  {}", text::safe(n), text::safe(&path)),
            None => text::safe(&path).into_owned(),
        }
    });
}

fn form(frame: &mut Frame, area: Rect, state: &State, f: &Form) {
    let width = width_for(area, 72);
    // The focused field's hint and the error, wrapped to the inside of the popup.
    let room = width.saturating_sub(2).max(1) as usize;
    let mut notes: Vec<Line> = Vec::new();
    if let Some(field) = f.fields.get(f.focus) {
        notes.extend(
            text::wrap(&field.hint, room)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme::dim()))),
        );
    }
    if let Some(err) = &f.error {
        notes.extend(
            text::wrap(&format!("⚠ {}", text::safe(err)), room)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme::error()))),
        );
    }
    let extra = notes.len() as u16;
    let height = (f.fields.len() as u16 + extra + 4)
        .min(area.height.saturating_sub(2))
        .max(1);
    let inner = popup(frame, area, width, height, &f.title, theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let label_w = f
        .fields
        .iter()
        .map(|x| text::width(&x.label))
        .max()
        .unwrap_or(0)
        .min(16);
    let value_x = inner.x + label_w as u16 + 1;
    let value_w = inner.width.saturating_sub(label_w as u16 + 1);
    let last_row = inner.y + inner.height.saturating_sub(1);
    let mut y = inner.y;
    for (n, field) in f.fields.iter().enumerate() {
        if y >= last_row {
            break;
        }
        let focused = n == f.focus;
        let label_style = if focused { theme::key() } else { theme::dim() };
        frame.buffer_mut().set_stringn(
            inner.x,
            y,
            text::pad(&field.label, label_w),
            label_w,
            label_style,
        );
        let cell = Rect::new(value_x, y, value_w, 1);
        match &field.value {
            FieldValue::Text(t) => draw_field(frame, cell, t, focused),
            FieldValue::Toggle(on) => {
                let s = if *on { "[x] on" } else { "[ ] off" };
                frame.buffer_mut().set_stringn(
                    cell.x,
                    y,
                    s,
                    value_w as usize,
                    theme::field(focused),
                );
            }
            FieldValue::Choice { options, index } => {
                let s = format!("‹ {} ›", options.get(*index).map_or("", String::as_str));
                frame.buffer_mut().set_stringn(
                    cell.x,
                    y,
                    s,
                    value_w as usize,
                    theme::field(focused),
                );
            }
        }
        y += 1;
    }
    let lines = notes;
    let rest = Rect {
        y: y.min(last_row),
        height: last_row.saturating_sub(y) + 1,
        ..inner
    };
    let hint = hints(
        state,
        Context::Form,
        &[
            (Action::Submit, "OK"),
            (Action::NextField, "Next field"),
            (Action::Dismiss, "Cancel"),
        ],
    );
    body(frame, rest, lines, hint);
}
