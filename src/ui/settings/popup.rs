//! Forms and confirmations over a settings tab. The 2FA form also shows the secret and its QR
//! code (drawn black on white with half blocks, so any terminal background reads right).

use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::settings::{FieldValue, Form, FormField, FormPurpose, SettingsConfirm};
use crate::app::state::State;
use crate::ui::dialogs::{draw_field, hints, popup};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const LABEL: u16 = 13;

pub fn form(frame: &mut Frame, area: Rect, state: &State, form: &Form) {
    if let FormPurpose::TwoFaEnable { secret, qr, .. } = &form.purpose
        && let Some(rect) = side_by_side(area, qr)
    {
        return two_fa_beside_qr(frame, rect, state, form, secret.expose(), qr);
    }
    let width = area.width.saturating_sub(2).clamp(1, 64);
    let inner_w = width.saturating_sub(2) as usize;
    let error_rows = form.error.as_ref().map_or(0, |e| {
        text::wrap(&format!("⚠ {}", text::safe(e)), inner_w).len() as u16
    });
    let (intro, qr) = match &form.purpose {
        FormPurpose::TwoFaEnable { secret, qr, .. } => {
            let mut intro = vec![
                "Add this secret to an authenticator app (or scan the code), then type the code it shows.".to_string(),
                format!("Secret: {}", secret.expose()),
            ];
            if !qr.is_empty() && qr.len() as u16 + 8 > area.height {
                intro.push("(The window is too small for the QR code.)".to_string());
            }
            (intro, qr.as_slice())
        }
        FormPurpose::TwoFaDisable => (
            vec!["Type a current code from the authenticator app.".to_string()],
            &[][..],
        ),
        FormPurpose::AvatarPath => (
            vec!["PNG, JPEG, GIF or WebP; cropped to a square, at most 512×512.".to_string()],
            &[][..],
        ),
        FormPurpose::Dav { .. } => (
            vec!["Space switches read-only and proxy.".to_string()],
            &[][..],
        ),
        FormPurpose::SignUp { server, .. } => {
            (vec![format!("A new account on {server}.")], &[][..])
        }
        FormPurpose::ResetMail { .. } => (
            vec!["The server mails a link to set a new password.".to_string()],
            &[][..],
        ),
        FormPurpose::ResetLink { email, .. } => (
            vec![format!(
                "A link was mailed to {email}. Paste it here with the new password (it works once, for an hour)."
            )],
            &[][..],
        ),
        _ => (Vec::new(), &[][..]),
    };
    // A CAPTCHA picture, drawn with half blocks above the fields.
    let captcha = form.purpose.challenge();
    let captcha_rows = captcha.map_or(0, |c| {
        c.picture.as_ref().map_or(1, |p| p.height.div_ceil(2)) + 1
    });
    let intro_rows: u16 = intro
        .iter()
        .map(|l| text::wrap(&text::safe(l), inner_w).len() as u16)
        .sum();
    let fields = form.fields.len() as u16;
    let base = intro_rows + fields + error_rows + 4 + captcha_rows;
    // The QR code only when the whole of it fits; the secret is enough to type in.
    let qr_w = qr.first().map_or(0, |l| l.chars().count()) as u16;
    let show_qr = !qr.is_empty() && base + (qr.len() as u16) < area.height && qr_w + 2 <= width;
    let height = base + if show_qr { qr.len() as u16 + 1 } else { 0 };
    let inner = popup(frame, area, width, height, &form.title, theme::border(true));
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let mut y = inner.y;
    let bottom = inner.bottom();
    for l in &intro {
        let rows = text::wrap(&text::safe(l), inner_w).len() as u16;
        let r = Rect {
            y,
            height: rows.min(bottom.saturating_sub(y)),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(text::safe(l).into_owned())
                .style(theme::dim())
                .wrap(Wrap { trim: false }),
            r,
        );
        y += rows;
    }
    if show_qr {
        let qr_style = Style::new().fg(Color::White).bg(Color::Black);
        let x = inner.x + (inner.width.saturating_sub(qr_w)) / 2;
        for line in qr {
            if y >= bottom {
                break;
            }
            let r = Rect {
                x,
                y,
                width: qr_w.min(inner.width),
                height: 1,
            };
            frame.render_widget(Paragraph::new(line.clone()).style(qr_style), r);
            y += 1;
        }
        y += 1;
    } else if !qr.is_empty() {
        y = y.min(bottom);
    }
    y += u16::from(!intro.is_empty() && !show_qr);
    if let Some(c) = captcha
        && y < bottom
    {
        match &c.picture {
            Some(p) => {
                let r = Rect {
                    y,
                    height: p.height.div_ceil(2).min(bottom - y),
                    ..inner
                };
                crate::ui::signin::draw_picture(frame.buffer_mut(), r, p);
            }
            None => {
                frame.render_widget(
                    Paragraph::new("(the CAPTCHA picture cannot be shown)").style(theme::notice()),
                    Rect {
                        y,
                        height: 1,
                        ..inner
                    },
                );
            }
        }
        y += captcha_rows;
    }
    for (i, field) in form.fields.iter().enumerate() {
        if y >= bottom {
            break;
        }
        let focused = i == form.focus;
        let label_style = if focused { theme::key() } else { theme::dim() };
        frame.buffer_mut().set_stringn(
            inner.x,
            y,
            text::pad(field.label, LABEL as usize),
            LABEL as usize,
            label_style,
        );
        let value_area = Rect {
            x: inner.x + LABEL,
            y,
            width: inner.width.saturating_sub(LABEL),
            height: 1,
        };
        match &field.value {
            FieldValue::Text(t) => draw_field(frame, value_area, t, focused),
            FieldValue::Toggle(on) => {
                let mark = if *on { "[x] yes" } else { "[ ] no" };
                frame.render_widget(
                    Paragraph::new(mark).style(theme::field(focused)),
                    value_area,
                );
            }
        }
        y += 1;
    }
    if let Some(err) = &form.error
        && y < bottom
    {
        let r = Rect {
            y,
            height: error_rows.min(bottom - y),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("⚠ {}", text::safe(err)),
                theme::error(),
            ))
            .wrap(Wrap { trim: false }),
            r,
        );
    }
    let hint = if form.busy.is_some() {
        Line::from(Span::styled(
            format!("{} sending…", theme::spinner(state.ticks)),
            theme::dim(),
        ))
    } else {
        hints(
            state,
            Context::SettingsForm,
            &[
                (Action::Submit, "OK"),
                (Action::NextField, "next field"),
                (Action::Dismiss, "cancel"),
            ],
        )
    };
    let hint_row = Rect {
        y: bottom.saturating_sub(1),
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(hint), hint_row);
}

pub fn confirm(frame: &mut Frame, area: Rect, state: &State, c: &SettingsConfirm) {
    let width = area.width.saturating_sub(2).clamp(1, 64);
    let inner_w = width.saturating_sub(2) as usize;
    let (style, context) = if c.danger {
        (theme::danger(), Context::Danger)
    } else {
        (theme::border(true), Context::Dialog)
    };
    let rows: u16 = c
        .lines
        .iter()
        .map(|l| text::wrap(&text::safe(l), inner_w).len() as u16)
        .sum();
    let inner = popup(frame, area, width, rows + 4, &c.title, style);
    if inner.height == 0 {
        return;
    }
    let lines: Vec<Line> = c
        .lines
        .iter()
        .map(|l| Line::from(text::safe(l).into_owned()))
        .collect();
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    let hint = hints(
        state,
        context,
        &[(Action::Confirm, "Yes"), (Action::Dismiss, "Cancel")],
    );
    let hint_row = Rect {
        y: inner.bottom() - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(hint), hint_row);
}

/// Room for the QR code with the text beside it (a terminal of 24 rows is too short to stack
/// them): the popup's rectangle, or `None`.
fn side_by_side(area: Rect, qr: &[String]) -> Option<Rect> {
    let qr_w = qr.first().map_or(0, |l| l.chars().count()) as u16;
    let qr_h = qr.len() as u16;
    let width = qr_w + 2 + 34;
    let height = qr_h + 3;
    if qr.is_empty() || width > area.width || height > area.height {
        return None;
    }
    Some(crate::app::layout::centered(area, width, height))
}

/// The 2FA form with the QR code on the left and the words, the secret and the field on the
/// right.
fn two_fa_beside_qr(
    frame: &mut Frame,
    rect: Rect,
    state: &State,
    form: &Form,
    secret: &str,
    qr: &[String],
) {
    let inner = popup(
        frame,
        rect,
        rect.width,
        rect.height,
        &form.title,
        theme::border(true),
    );
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let qr_w = qr.first().map_or(0, |l| l.chars().count()) as u16;
    let qr_style = Style::new().fg(Color::White).bg(Color::Black);
    for (i, line) in qr.iter().enumerate() {
        let r = Rect {
            x: inner.x,
            y: inner.y + i as u16,
            width: qr_w.min(inner.width),
            height: 1,
        };
        if r.y >= inner.bottom() {
            break;
        }
        frame.render_widget(Paragraph::new(line.clone()).style(qr_style), r);
    }
    let right = Rect {
        x: inner.x + qr_w + 1,
        width: inner.width.saturating_sub(qr_w + 1),
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let mut lines = vec![
        Line::from(Span::styled(
            "Scan the code with an authenticator app, or type the secret in it. Then type the code the app shows.",
            theme::dim(),
        )),
        Line::default(),
        Line::from(Span::styled("Secret", theme::dim())),
        Line::from(text::safe(secret).into_owned()),
        Line::default(),
    ];
    if let Some(err) = &form.error {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}", text::safe(err)),
            theme::error(),
        )));
    }
    let words_rows: u16 = lines
        .iter()
        .map(|l| {
            let plain: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            text::wrap(&plain, right.width as usize).len().max(1) as u16
        })
        .sum();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), right);
    let field_y = right.y + words_rows;
    if field_y < right.bottom()
        && let Some(FormField {
            value: FieldValue::Text(t),
            ..
        }) = form.fields.first()
    {
        frame
            .buffer_mut()
            .set_stringn(right.x, field_y, "Code ", 5, theme::key());
        let r = Rect {
            x: right.x + 5,
            y: field_y,
            width: right.width.saturating_sub(5),
            height: 1,
        };
        draw_field(frame, r, t, true);
    }
    let hint = if form.busy.is_some() {
        Line::from(Span::styled(
            format!("{} sending…", theme::spinner(state.ticks)),
            theme::dim(),
        ))
    } else {
        hints(
            state,
            Context::SettingsForm,
            &[(Action::Submit, "OK"), (Action::Dismiss, "cancel")],
        )
    };
    let hint_row = Rect {
        y: inner.bottom() - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(hint), hint_row);
}
