//! The profile tab: the picture (or the initials), nickname, e-mail, group, member since,
//! storage and language.

use super::{field_line, picture_cells, put_lines, text, theme};
use crate::app::settings::{AvatarView, Row};
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

const LABEL: usize = 14;

pub fn draw(frame: &mut Frame, inner: Rect, state: &State) {
    let s = &state.settings;
    let cells = picture_cells(inner);
    let info = match cells {
        Some(c) => {
            draw_picture(frame, c, state);
            let left = c.right() + 2;
            Rect {
                x: left,
                width: inner.right().saturating_sub(left),
                ..inner
            }
        }
        None => inner,
    };
    let Some(p) = &s.profile else {
        put_lines(
            frame,
            info,
            vec![Line::from(Span::styled(
                "Loading the profile…",
                theme::dim(),
            ))],
        );
        return;
    };
    let row = s.current_row();
    let user = &p.user;
    let mut lines = vec![
        field_line(
            "Nickname",
            &user.nickname,
            LABEL,
            row == Some(Row::Nickname),
        ),
        field_line("E-mail", user.email.as_deref().unwrap_or(""), LABEL, false),
        field_line(
            "Group",
            user.group.as_ref().map_or("", |g| g.name.as_str()),
            LABEL,
            false,
        ),
        field_line(
            "Member since",
            &text::time(user.created_at.timestamp(), state.utc_offset_secs),
            LABEL,
            false,
        ),
    ];
    let bar_room = (info.width as usize).saturating_sub(LABEL + 1);
    lines.push(capacity_line(
        p.capacity.map(|c| (c.used, c.total)),
        bar_room,
    ));
    lines.push(field_line(
        "Language",
        user.language
            .as_deref()
            .filter(|l| !l.is_empty())
            .unwrap_or("(browser default)"),
        LABEL,
        false,
    ));
    lines.push(Line::default());
    lines.push(action_line(
        "Upload a new picture…",
        row == Some(Row::UploadAvatar),
    ));
    lines.push(action_line("Use Gravatar…", row == Some(Row::UseGravatar)));
    put_lines(frame, info, lines);
    if cells.is_none() {
        // No room for the picture: say where it comes from in one line at the bottom.
        let caption = caption(&s.avatar);
        if inner.height > lines_needed() {
            let r = Rect {
                y: inner.bottom() - 1,
                height: 1,
                ..inner
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("Picture: {caption}"), theme::dim())),
                r,
            );
        }
    }
}

fn lines_needed() -> u16 {
    9
}

pub fn action_line(label: &str, selected: bool) -> Line<'static> {
    let style = if selected {
        theme::cursor(true)
    } else {
        theme::key()
    };
    Line::from(Span::styled(format!("▸ {label}"), style))
}

fn capacity_line(capacity: Option<(u64, u64)>, room: usize) -> Line<'static> {
    let label = Span::styled(text::pad("Storage", LABEL), theme::dim());
    let Some((used, total)) = capacity else {
        return Line::from(vec![label, Span::styled("unknown", theme::dim())]);
    };
    let figures = format!(" {} of {}", text::size(used), text::size(total));
    let bar_w = room.saturating_sub(figures.chars().count()).min(20);
    let filled = if total == 0 {
        bar_w
    } else {
        ((used as f64 / total as f64).min(1.0) * bar_w as f64).round() as usize
    };
    let full = total > 0 && used >= total;
    Line::from(vec![
        label,
        Span::styled(
            "█".repeat(filled),
            if full { theme::error() } else { theme::key() },
        ),
        Span::styled("░".repeat(bar_w - filled), theme::dim()),
        Span::raw(figures),
    ])
}

/// Where the picture comes from, in words.
fn caption(avatar: &AvatarView) -> String {
    match avatar {
        AvatarView::Loading => "loading…".into(),
        AvatarView::Picture { gravatar: true, .. } => "Gravatar".into(),
        AvatarView::Picture { .. } => "uploaded".into(),
        AvatarView::Initials { note: Some(n), .. } => text::safe(n).into_owned(),
        AvatarView::Initials { .. } => "none: initials shown".into(),
    }
}

fn draw_picture(frame: &mut Frame, cells: Rect, state: &State) {
    let s = &state.settings;
    // The picture's cells stay blank: the loop prints the picture over them.
    frame.render_widget(Clear, cells);
    match &s.avatar {
        AvatarView::Initials { letters, .. } => {
            let style = Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD);
            let block = Paragraph::new("").style(style);
            frame.render_widget(block, cells);
            let mid = Rect {
                y: cells.y + cells.height / 2,
                height: 1,
                ..cells
            };
            // Initials are letters and digits only (crate::avatar::initials).
            frame.render_widget(
                Paragraph::new(letters.clone())
                    .style(style)
                    .alignment(Alignment::Center),
                mid,
            );
        }
        AvatarView::Picture { .. } if !s.images => {
            let mid = Rect {
                y: cells.y + cells.height / 2,
                height: 1,
                ..cells
            };
            frame.render_widget(
                Paragraph::new("(pictures off)")
                    .style(theme::dim())
                    .alignment(Alignment::Center),
                mid,
            );
        }
        AvatarView::Picture { .. } => {}
        AvatarView::Loading => {
            let mid = Rect {
                y: cells.y + cells.height / 2,
                height: 1,
                ..cells
            };
            frame.render_widget(
                Paragraph::new(theme::spinner(state.ticks))
                    .style(theme::dim())
                    .alignment(Alignment::Center),
                mid,
            );
        }
    }
    let below = Rect {
        y: cells.bottom(),
        height: 1,
        x: cells.x,
        width: cells.width + 1,
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            text::fit(&caption(&s.avatar), below.width as usize).into_owned(),
            theme::dim(),
        )),
        below,
    );
}
