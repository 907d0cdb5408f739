//! The shares tab: one row per share link (name, password, expiry, downloads; with room also
//! views and created), the link and counters of the one under the cursor, and the edit form
//! and QR code popups. Share names and links come from the server: all through `text::safe`.

use super::super::dialogs::{draw_field, hints, popup};
use super::super::{text, theme};
use super::table::{self as table, Column};
use crate::api::models::Share;
use crate::app::action::{Action, Context};
use crate::app::panel_shares::{QrView, ShareForm, SharesTab, downloads_text, expiry_text};
use crate::app::panel_tasks::layout;
use crate::app::state::State;
use crate::qr::{self, QrStyle};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const WIDE_FROM: usize = 72;

const NARROW: [Column; 4] = [
    Column::left("Name", 0),
    Column::left("Pw", 2),
    Column::left("Expires", 10),
    Column::right("Dl", 5),
];

const WIDE: [Column; 6] = [
    Column::left("Name", 0),
    Column::left("Pw", 2),
    Column::left("Expires", 16),
    Column::right("Downloads", 9),
    Column::right("Views", 6),
    Column::left("Created", 16),
];

pub fn draw(frame: &mut Frame, body: Rect, state: &State, focused: bool) {
    let tab = &state.panel.shares;
    let parts = layout(body);
    let wide = body.width as usize >= WIDE_FROM;
    let columns: &[Column] = if wide { &WIDE } else { &NARROW };
    let buf = frame.buffer_mut();
    if tab.shares.is_empty() {
        table::note(buf, body, &empty_note(tab, state.ticks));
        return;
    }
    let view = table::ListView {
        len: tab.shares.len(),
        offset: tab.offset,
        cursor: tab.cursor,
        focused,
    };
    table::draw_list(buf, &parts, columns, view, |i| {
        let share = &tab.shares[i];
        let base = if share.expired {
            theme::dim()
        } else {
            Style::new()
        };
        (cells(share, wide, state.utc_offset_secs), base)
    });
    if let Some(detail) = parts.detail {
        draw_detail(buf, detail, tab, state.utc_offset_secs);
    }
}

fn empty_note(tab: &SharesTab, ticks: u64) -> Vec<(String, Style)> {
    if let Some(err) = &tab.error {
        return vec![
            (
                format!("⚠ Could not read the shares: {}", text::safe(&err.message)),
                theme::error(),
            ),
            ("r tries again.".into(), theme::dim()),
        ];
    }
    if !tab.loaded {
        return vec![(
            format!("{} Loading my share links…", theme::spinner(ticks)),
            theme::dim(),
        )];
    }
    vec![
        ("No share links.".into(), Style::new()),
        (
            "Share a file or folder from a pane; its link shows up here.".into(),
            theme::dim(),
        ),
    ]
}

fn cells(share: &Share, wide: bool, utc_offset: i32) -> Vec<String> {
    let name = text::safe(&share.name).into_owned();
    let pw = if share.password_protected || share.is_private {
        "pw"
    } else {
        ""
    }
    .to_string();
    let mut expires = expiry_text(share, utc_offset);
    if !wide && expires.len() > 10 {
        expires.truncate(10);
    }
    let downloads = downloads_text(share);
    if !wide {
        return vec![name, pw, expires, downloads];
    }
    vec![
        name,
        pw,
        expires,
        downloads,
        share.visited.to_string(),
        text::time(share.created_at.timestamp(), utc_offset),
    ]
}

/// The link of the share under the cursor, and its counters.
fn draw_detail(buf: &mut Buffer, area: Rect, tab: &SharesTab, utc_offset: i32) {
    let width = area.width as usize;
    let mut lines: Vec<(String, Style)> = Vec::new();
    if let Some(err) = &tab.error {
        lines.push((
            format!("⚠ Could not refresh: {}", text::safe(&err.message)),
            theme::error(),
        ));
    }
    if let Some(share) = tab.cursor_share() {
        lines.push((text::safe(&share.url).into_owned(), theme::key()));
        lines.push((
            format!(
                "views {} · downloads {} · expires {} · created {}",
                share.visited,
                downloads_text(share),
                expiry_text(share, utc_offset),
                text::time(share.created_at.timestamp(), utc_offset)
            ),
            theme::dim(),
        ));
    }
    for (i, (line, style)) in lines.into_iter().take(area.height as usize).enumerate() {
        let cut = text::fit(&line, width);
        buf.set_stringn(area.x, area.y + i as u16, cut, width, style);
    }
}

// ---- popups --------------------------------------------------------------------------------

const FORM_LABELS: [&str; 3] = ["Password", "Expires in", "Download limit"];

pub fn draw_form(frame: &mut Frame, area: Rect, state: &State, form: &ShareForm) {
    let width = area.width.saturating_sub(2).clamp(1, 64);
    let height = area.height.saturating_sub(2).clamp(1, 12);
    let title = format!("Share options: {}", form.name);
    let inner = popup(frame, area, width, height, &title, theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let label_w = 15u16.min(inner.width / 2);
    let field_w = inner.width.saturating_sub(label_w);
    let current_expiry = match (&form.current_expiry, form.expired) {
        (_, true) => "expired".to_string(),
        (Some(at), false) => text::time(at.timestamp(), state.utc_offset_secs),
        (None, false) => "never".to_string(),
    };
    let notes = [
        if form.current_password.is_some() {
            "empty: no password; a change makes a new link"
        } else {
            "type one to protect it; makes a new link"
        }
        .to_string(),
        format!("30m, 12h, 7d or never; empty keeps {current_expiry}"),
        "empty: no limit".to_string(),
    ];
    let fields = [&form.password, &form.expire, &form.downloads];
    let mut y = inner.y;
    for (i, field) in fields.iter().enumerate() {
        if y >= inner.bottom() {
            return;
        }
        let focused = form.focus == i;
        let style = if focused { theme::key() } else { theme::dim() };
        frame
            .buffer_mut()
            .set_stringn(inner.x, y, FORM_LABELS[i], label_w as usize, style);
        let field_area = Rect {
            x: inner.x + label_w,
            y,
            width: field_w,
            height: 1,
        };
        draw_field(frame, field_area, field, focused);
        y += 1;
        if y < inner.bottom() && inner.height >= 8 {
            frame.buffer_mut().set_stringn(
                inner.x + label_w,
                y,
                text::fit(&notes[i], field_w as usize),
                field_w as usize,
                theme::dim(),
            );
            y += 1;
        }
    }
    let bottom = inner.bottom().saturating_sub(1);
    if let Some(err) = &form.error
        && y < bottom
    {
        frame.buffer_mut().set_stringn(
            inner.x,
            bottom.saturating_sub(1).max(y),
            text::fit(&text::safe(err), inner.width as usize),
            inner.width as usize,
            theme::error(),
        );
    }
    if inner.height >= 2 {
        let hint = hints(
            state,
            Context::ShareForm,
            &[
                (Action::Submit, "Save"),
                (Action::NextField, "Next"),
                (Action::Dismiss, "Cancel"),
            ],
        );
        frame.render_widget(
            Paragraph::new(hint),
            Rect {
                y: bottom,
                height: 1,
                ..inner
            },
        );
    }
}

/// The link as a QR code: light modules drawn as white blocks on black, so it reads right on
/// any terminal background. The code is built from the URL's bytes; nothing of it is printed
/// raw (the URL line below goes through the sanitizer).
pub fn draw_qr(frame: &mut Frame, area: Rect, state: &State, view: &QrView) {
    let code = qr::render(&view.url, QrStyle::DarkBackground);
    let lines: Vec<String> = match &code {
        Ok(code) => code.lines().map(str::to_string).collect(),
        Err(e) => vec![e.to_string()],
    };
    let code_w = lines.iter().map(|l| text::width(l)).max().unwrap_or(0) as u16;
    let url = text::safe(&view.url).into_owned();
    let width = (code_w.max(text::width(&url) as u16) + 2)
        .min(area.width.saturating_sub(2))
        .max(1);
    let height = (lines.len() as u16 + 4).min(area.height).max(1);
    let inner = popup(frame, area, width, height, &view.title, theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let fits = code_w <= inner.width && lines.len() as u16 + 2 <= inner.height;
    let mut out: Vec<Line> = Vec::new();
    if fits && code.is_ok() {
        let style = Style::new().fg(Color::White).bg(Color::Black);
        out.extend(
            lines
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style))),
        );
    } else {
        out.push(Line::styled(
            "The window is too small for the QR code; make it larger.",
            theme::dim(),
        ));
    }
    out.push(Line::styled(
        text::fit(&url, inner.width as usize).into_owned(),
        theme::key(),
    ));
    let hint = hints(state, Context::Dialog, &[(Action::Dismiss, "Close")]);
    out.push(hint);
    frame.render_widget(Paragraph::new(out), inner);
}
