//! The settings screen: a tab bar, the tab's body in a frame, the last answer in place, and
//! the keys. The profile picture is not drawn here: the layout reserves its cells (left
//! blank) and the loop prints the picture over them after the frame (`ui::image`).

mod popup;
mod profile;
mod tabs;

use super::dialogs::hints;
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::settings::{AvatarView, Row, SettingsState, Tab};
use crate::app::state::{Screen, State};
use image::DynamicImage;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use std::sync::Arc;

/// Where the loop prints the profile picture, and which picture.
#[derive(Debug, Clone)]
pub struct Placement {
    pub area: Rect,
    pub generation: u64,
    pub image: Arc<DynamicImage>,
}

/// The areas of the screen.
struct Areas {
    tabs: Rect,
    body: Rect,
    note: Rect,
    keys: Rect,
}

fn areas(area: Rect) -> Areas {
    let h = area.height;
    let body_h = h.saturating_sub(3);
    Areas {
        tabs: Rect {
            height: h.min(1),
            ..area
        },
        body: Rect {
            y: area.y + 1,
            height: body_h,
            ..area
        },
        note: Rect {
            y: area.y + 1 + body_h,
            height: h.saturating_sub(1 + body_h).min(1),
            ..area
        },
        keys: Rect {
            y: area.y + h.saturating_sub(1),
            height: h.saturating_sub(2).min(1),
            ..area
        },
    }
}

/// The inside of the body's frame.
fn body_inner(area: Rect) -> Rect {
    crate::app::layout::inset(areas(area).body)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let a = areas(area);
    draw_tabs(frame, a.tabs, s);
    let tab = s.current_tab();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(true))
        .title(Line::from(Span::styled(
            format!(" {} ", tab.title()),
            theme::title(true),
        )));
    frame.render_widget(block, a.body);
    let inner = body_inner(area);
    if inner.width > 0 && inner.height > 0 {
        match tab {
            Tab::Profile => profile::draw(frame, inner, state),
            Tab::Preferences => tabs::preferences(frame, inner, state),
            Tab::Security => tabs::security(frame, inner, state),
            Tab::WebDav => tabs::webdav(frame, inner, state),
            Tab::Account => tabs::account(frame, inner, state),
        }
    }
    draw_note(frame, a.note, state);
    draw_keys(frame, a.keys, state);
    if let Some(form) = &s.form {
        popup::form(frame, area, state, form);
    } else if let Some(confirm) = &s.confirm {
        popup::confirm(frame, area, state, confirm);
    }
}

fn draw_tabs(frame: &mut Frame, area: Rect, s: &SettingsState) {
    let mut spans = vec![Span::styled(" Settings ", theme::title(true))];
    for (i, tab) in s.tabs().into_iter().enumerate() {
        let style = if tab == s.current_tab() {
            theme::cursor(true)
        } else {
            Style::new()
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {} {} ", i + 1, tab.title()), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_note(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let line = match &s.note {
        Some(n) => Line::from(Span::styled(
            format!(" {}", text::safe(&n.text)),
            if n.is_error {
                theme::error()
            } else {
                theme::notice()
            },
        )),
        None if s.is_busy() => Line::from(Span::styled(
            format!(" {} working…", theme::spinner(state.ticks)),
            theme::dim(),
        )),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_keys(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.settings;
    let mut items: Vec<(Action, &str)> = vec![(Action::CloseSettings, "back")];
    match s.current_row() {
        Some(Row::Dav(_)) => items.extend([
            (Action::Activate, "edit"),
            (Action::Reveal, "password"),
            (Action::CopyCredentials, "copy"),
            (Action::RemoveItem, "delete"),
            (Action::CreateItem, "new"),
        ]),
        Some(Row::Passkey(_)) => items.push((Action::RemoveItem, "delete")),
        Some(Row::OpenId(_)) => items.push((Action::RemoveItem, "unlink")),
        Some(_) => items.push((Action::Activate, "change")),
        None => {}
    }
    if s.current_tab() == Tab::Profile {
        items.extend([
            (Action::UploadAvatar, "new picture"),
            (Action::UseGravatar, "Gravatar"),
        ]);
    }
    items.extend([(Action::NextTab, "next tab"), (Action::Help, "help")]);
    let line = hints(state, Context::Settings, &items);
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// A sign-up or password-reset form over the sign-in screen.
pub fn draw_sign_in_form(frame: &mut Frame, area: Rect, state: &State) {
    if let Some(form) = &state.settings.form {
        popup::form(frame, area, state, form);
    }
}

/// The cells the profile picture takes in the profile tab's body (`None` when too small).
fn picture_cells(inner: Rect) -> Option<Rect> {
    // Two columns per row make a square; a caption row stays below it.
    // The details beside it need about 36 columns.
    let rows = inner
        .height
        .saturating_sub(2)
        .min(8)
        .min(inner.width.saturating_sub(36) / 2);
    let cols = rows * 2;
    if rows < 3 {
        return None;
    }
    Some(Rect {
        x: inner.x + 1,
        y: inner.y,
        width: cols,
        height: rows,
    })
}

/// Where and what the loop prints after this frame: the picture, when the profile tab is in
/// view with nothing over it.
pub fn avatar_placement(state: &State, area: Rect) -> Option<Placement> {
    let s = &state.settings;
    if state.screen != Screen::Settings
        || s.current_tab() != Tab::Profile
        || !s.images
        || s.form.is_some()
        || s.confirm.is_some()
        || state.modal.is_some()
    {
        return None;
    }
    let AvatarView::Picture {
        image, generation, ..
    } = &s.avatar
    else {
        return None;
    };
    let cells = picture_cells(body_inner(area))?;
    Some(Placement {
        area: cells,
        generation: *generation,
        image: image.clone(),
    })
}

/// `label   value` with the label in a fixed column; the value sanitized.
fn field_line(label: &str, value: &str, label_width: usize, selected: bool) -> Line<'static> {
    let label = text::pad(label, label_width);
    let value = text::safe(value).into_owned();
    let value_style = if selected {
        theme::cursor(true)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(label, theme::dim()),
        Span::styled(value, value_style),
    ])
}

/// Writes `lines` into `area` from the top, one per row, cut to the width.
fn put_lines(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    for (i, line) in lines.into_iter().enumerate() {
        if i as u16 >= area.height {
            break;
        }
        let row = Rect {
            y: area.y + i as u16,
            height: 1,
            ..area
        };
        frame.render_widget(Paragraph::new(line), row);
    }
}
