//! The sign-in screen: the form, the 2FA prompt, the CAPTCHA picture, errors in place.

use super::dialogs::{draw_field, hints};
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::layout;
use crate::app::msg::Picture;
use crate::app::signin::{Field, SignInForm, Stage};
use crate::app::state::State;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

const LABEL_WIDTH: u16 = 10;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let form = &state.signin;
    // Rows above the CAPTCHA field: the picture, or a note when it cannot be shown.
    let picture_rows = match &form.challenge {
        Some(c) => c.picture.as_ref().map_or(3, |p| p.height.div_ceil(2) + 1),
        None => 0,
    };
    let fields = form.fields();
    let height = 9 + fields.len() as u16 * 2 + picture_rows;
    let rect = layout::centered(area, 68, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(true))
        .title(Line::from(Span::styled(
            " reve · sign in to Cloudreve ",
            theme::title(true),
        )));
    frame.render_widget(block, rect);
    let inner = padded(layout::inset(rect));
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    // Draws a wrapped paragraph and leaves a blank row after it.
    let line = |frame: &mut Frame, y: &mut u16, content: Line<'static>| {
        if *y >= bottom {
            return;
        }
        let plain: String = content.spans.iter().map(|s| s.content.as_ref()).collect();
        let rows = wrapped_rows(&plain, inner.width as usize) + 1;
        let r = Rect {
            y: *y,
            height: rows.min(bottom - *y),
            ..inner
        };
        frame.render_widget(Paragraph::new(content).wrap(Wrap { trim: false }), r);
        *y += rows;
    };
    let intro = match &form.stage {
        Stage::Credentials => {
            let mut intro = "Your server's address, your e-mail and your password.".to_string();
            let key = |a| state.keymap.hint(Context::SignIn, a);
            if let (Some(up), Some(reset)) = (key(Action::SignUp), key(Action::ResetPassword)) {
                intro.push_str(&format!(
                    " No account yet: {up}. Forgot the password: {reset}."
                ));
            }
            intro
        }
        Stage::SecondFactor { .. } => {
            "This account uses two-factor authentication: type the 6-digit code from your authenticator app.".to_string()
        }
    };
    line(frame, &mut y, Line::from(Span::styled(intro, theme::dim())));
    if let Some(notice) = &form.notice {
        line(
            frame,
            &mut y,
            Line::from(Span::styled(
                text::safe(notice).into_owned(),
                theme::notice(),
            )),
        );
    }
    for f in fields {
        if f == Field::Captcha
            && let Some(picture) = form.challenge.as_ref().and_then(|c| c.picture.as_ref())
            && y < bottom
        {
            let r = Rect {
                y,
                height: picture.height.div_ceil(2).min(bottom - y),
                ..inner
            };
            draw_picture(frame.buffer_mut(), r, picture);
            y += picture_rows;
        } else if f == Field::Captcha {
            line(
                frame,
                &mut y,
                Line::from(Span::styled(
                    "The CAPTCHA picture cannot be shown here; sign in once from the web UI, \
                     or ask the admin to turn the sign-in CAPTCHA off.",
                    theme::notice(),
                )),
            );
        }
        if y >= bottom {
            break;
        }
        draw_labelled_field(
            frame,
            Rect {
                y,
                height: 1,
                ..inner
            },
            form,
            f,
        );
        y += 2;
    }
    let status = if form.busy.is_some() {
        Some(Line::from(Span::styled(
            format!("{} Signing in…", theme::spinner(state.ticks)),
            theme::dim(),
        )))
    } else {
        form.error
            .as_ref()
            .map(|e| Line::from(Span::styled(format!("⚠ {}", text::safe(e)), theme::error())))
    };
    if let Some(status) = status {
        line(frame, &mut y, status);
    }
    if inner.height >= 1 {
        let hint_row = Rect {
            y: bottom - 1,
            height: 1,
            ..inner
        };
        let items = if matches!(form.stage, Stage::SecondFactor { .. }) {
            vec![(Action::Submit, "Verify"), (Action::Back, "Back")]
        } else {
            vec![
                (Action::Submit, "Sign in"),
                (Action::NextField, "Next field"),
            ]
        };
        let mut hint = hints(state, Context::SignIn, &items);
        if let Some(k) = state.keymap.hint(Context::Global, Action::ForceQuit) {
            hint.spans.push(Span::raw("  "));
            hint.spans
                .push(Span::styled(format!("[{k}]"), theme::key()));
            hint.spans.push(Span::raw(" Quit"));
        }
        frame.render_widget(Paragraph::new(hint), hint_row);
    }
}

/// Rows a greedy word wrap needs for `text` at `width` cells.
fn wrapped_rows(text: &str, width: usize) -> u16 {
    let width = width.max(1);
    let mut rows = 1u16;
    let mut used = 0usize;
    for word in text.split(' ') {
        let w = text::width(word);
        let needed = if used == 0 { w } else { used + 1 + w };
        if needed <= width {
            used = needed;
        } else {
            rows = rows.saturating_add(1);
            used = w.min(width);
            // A word longer than the line is cut across rows.
            rows = rows.saturating_add((w.saturating_sub(1) / width) as u16);
        }
    }
    rows
}

/// One column of air on each side when there is room for it.
fn padded(r: Rect) -> Rect {
    if r.width <= 4 {
        return r;
    }
    Rect {
        x: r.x + 1,
        width: r.width - 2,
        ..r
    }
}

fn draw_labelled_field(frame: &mut Frame, row: Rect, form: &SignInForm, f: Field) {
    let focused = form.focus == f;
    let label_style = if focused { theme::key() } else { theme::dim() };
    let label_w = LABEL_WIDTH.min(row.width);
    frame.buffer_mut().set_stringn(
        row.x,
        row.y,
        text::pad(f.label(), label_w as usize),
        label_w as usize,
        label_style,
    );
    let field_area = Rect {
        x: row.x + label_w,
        width: row.width - label_w,
        ..row
    };
    draw_field(frame, field_area, form.field(f), focused);
}

/// Two pixels per cell: the upper one as the foreground of `▀`, the lower as its background.
pub(super) fn draw_picture(buf: &mut Buffer, area: Rect, picture: &Picture) {
    for row in 0..area.height {
        for col in 0..area.width.min(picture.width) {
            let top = picture.pixel(col, row * 2);
            let bottom = picture.pixel(col, row * 2 + 1);
            let style = Style::new()
                .fg(Color::Rgb(top[0], top[1], top[2]))
                .bg(Color::Rgb(bottom[0], bottom[1], bottom[2]));
            buf.set_stringn(area.x + col, area.y + row, "▀", 1, style);
        }
    }
}
