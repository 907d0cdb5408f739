//! Popups: confirmations, text inputs, the sort and go-to menus, info and messages. Key hints
//! come from the live keymap, so a remapped key shows up here too.

use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::input::TextField;
use crate::app::layout;
use crate::app::modal::{Confirm, InfoView, InputModal, MessageView, Modal};
use crate::app::sort::SortField;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, modal: &Modal) {
    match modal {
        Modal::Confirm(c) => confirm(frame, area, state, c),
        Modal::Input(i) => input(frame, area, state, i),
        Modal::SortMenu => sort_menu(frame, area, state),
        Modal::GoMenu => go_menu(frame, area, state),
        Modal::Help(h) => super::help::draw(frame, area, state, h),
        Modal::Info(i) => info(frame, area, state, i),
        Modal::Message(m) => message(frame, area, state, m),
        Modal::Transfer(p) => super::transfer_dialogs::draw(frame, area, state, p),
        Modal::Drive(p) => super::drive_popups::draw(frame, area, state, p),
        Modal::ShareForm(f) => super::panel::shares::draw_form(frame, area, state, f),
        Modal::Qr(q) => super::panel::shares::draw_qr(frame, area, state, q),
        Modal::TaskFiles(v) => super::panel::server_tasks::draw_files(frame, area, state, v),
        Modal::Relocate(m) => super::relocate::draw(frame, area, state, m),
    }
}

/// Clears a centred box, draws its border and title, and returns the inside.
pub fn popup(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    height: u16,
    title: &str,
    style: Style,
) -> Rect {
    let rect = layout::centered(area, width, height);
    clear_for_popup(frame, rect);
    let room = (rect.width as usize).saturating_sub(4);
    let title = text::fit(&text::safe(title), room).into_owned();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(Line::from(Span::styled(format!(" {title} "), style)));
    frame.render_widget(block, rect);
    layout::inset(rect)
}

/// Clears `rect` for a popup. A wide glyph (CJK, emoji) whose first half lies just left of it
/// would still be printed two cells wide and paint over the popup's left border, so it is
/// replaced by a space.
fn clear_for_popup(frame: &mut Frame, rect: Rect) {
    frame.render_widget(Clear, rect);
    let Some(left) = rect.x.checked_sub(1) else {
        return;
    };
    let buf = frame.buffer_mut();
    for y in rect.y..rect.bottom() {
        if let Some(cell) = buf.cell_mut((left, y))
            && text::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// `[y] Yes  [esc] Cancel` from the keymap; unbound actions are left out.
pub fn hints(state: &State, context: Context, items: &[(Action, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (action, label) in items {
        let Some(key) = state.keymap.hint(context, *action) else {
            continue;
        };
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(format!("[{key}]"), theme::key()));
        spans.push(Span::raw(format!(" {label}")));
    }
    Line::from(spans)
}

pub(super) fn popup_width(area: Rect) -> u16 {
    area.width.saturating_sub(2).clamp(1, 64)
}

/// Lines of wrapped, sanitized text, with hints at the bottom.
pub(super) fn body_with_hints(
    frame: &mut Frame,
    inner: Rect,
    lines: Vec<Line<'static>>,
    hint: Line<'static>,
) {
    if inner.height == 0 {
        return;
    }
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    let hint_row = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    frame.render_widget(Paragraph::new(hint), hint_row);
}

fn confirm(frame: &mut Frame, area: Rect, state: &State, c: &Confirm) {
    let (style, context) = if c.danger {
        (theme::danger(), Context::Danger)
    } else {
        (theme::border(true), Context::Dialog)
    };
    let lines: Vec<Line> = c
        .lines
        .iter()
        .map(|l| Line::from(text::safe(l).into_owned()))
        .collect();
    let height = lines.len() as u16 + 4;
    let inner = popup(frame, area, popup_width(area), height, &c.title, style);
    let mut body = lines;
    body.push(Line::raw(""));
    let hint = hints(
        state,
        context,
        &[(Action::Confirm, &c.yes_label), (Action::Dismiss, "Cancel")],
    );
    body_with_hints(frame, inner, body, hint);
}

fn input(frame: &mut Frame, area: Rect, state: &State, i: &InputModal) {
    let height = if i.error.is_some() { 6 } else { 5 };
    let inner = popup(
        frame,
        area,
        popup_width(area),
        height,
        &i.title,
        theme::border(true),
    );
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let field_row = Rect { height: 1, ..inner };
    draw_field(frame, field_row, &i.field, true);
    let mut lines = vec![Line::raw("")];
    if let Some(err) = &i.error {
        lines.insert(
            0,
            Line::from(Span::styled(
                format!("⚠ {}", text::safe(err)),
                theme::error(),
            )),
        );
    }
    let rest = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let hint = hints(
        state,
        Context::Input,
        &[(Action::Submit, "OK"), (Action::Dismiss, "Cancel")],
    );
    body_with_hints(frame, rest, lines, hint);
}

/// One text field on one row: sanitized text (or dots when masked), scrolled so the cursor
/// stays visible, and the terminal cursor placed on it when focused.
pub fn draw_field(frame: &mut Frame, area: Rect, field: &TextField, focused: bool) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let value = field.value();
    let cursor_chars = field.cursor();
    let (shown, before) = if field.is_masked() {
        let n = value.chars().count();
        ("•".repeat(n), "•".repeat(cursor_chars))
    } else {
        let before: String = value.chars().take(cursor_chars).collect();
        (
            text::safe(value).into_owned(),
            text::safe(&before).into_owned(),
        )
    };
    let width = area.width as usize;
    let cursor_x = text::width(&before);
    // Keep the cursor in view: drop cells from the left when the text is wider than the field.
    let skip = cursor_x.saturating_sub(width.saturating_sub(1));
    let visible = skip_cells(&shown, skip);
    let buf = frame.buffer_mut();
    buf.set_stringn(
        area.x,
        area.y,
        " ".repeat(width),
        width,
        theme::field(focused),
    );
    buf.set_stringn(area.x, area.y, &visible, width, theme::field(focused));
    if focused {
        let x = area.x + (cursor_x - skip).min(width - 1) as u16;
        frame.set_cursor_position((x, area.y));
    }
}

fn skip_cells(s: &str, cells: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let mut skipped = 0;
    let mut out = String::new();
    for g in s.graphemes(true) {
        if skipped < cells {
            skipped += text::width(g);
            continue;
        }
        out.push_str(g);
    }
    out
}

fn menu(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    title: &str,
    context: Context,
    items: &[(Action, String)],
) {
    let height = items.len() as u16 + 4;
    let inner = popup(
        frame,
        area,
        48.min(popup_width(area)),
        height,
        title,
        theme::border(true),
    );
    let mut lines: Vec<Line> = items
        .iter()
        .filter_map(|(action, label)| {
            let key = state.keymap.hint(context, *action)?;
            Some(Line::from(vec![
                Span::styled(format!(" {} ", text::pad(&key, 6)), theme::key()),
                Span::raw(label.clone()),
            ]))
        })
        .collect();
    lines.push(Line::raw(""));
    let hint = hints(state, context, &[(Action::Dismiss, "Close")]);
    body_with_hints(frame, inner, lines, hint);
}

fn sort_menu(frame: &mut Frame, area: Rect, state: &State) {
    let current = state.focused().listing.sort();
    let mark = |f: SortField| {
        if current.field == f {
            format!(
                "{} (now {})",
                f.label(),
                if current.descending { "↓" } else { "↑" }
            )
        } else {
            f.label().to_string()
        }
    };
    let items = [
        (Action::SortName, mark(SortField::Name)),
        (Action::SortSize, mark(SortField::Size)),
        (Action::SortModified, mark(SortField::Modified)),
        (Action::SortType, mark(SortField::Type)),
        (Action::SortReverse, "reverse the order".to_string()),
    ];
    menu(frame, area, state, "Sort by", Context::SortMenu, &items);
}

fn go_menu(frame: &mut Frame, area: Rect, state: &State) {
    let items: Vec<(Action, String)> = [
        Action::GoLocal,
        Action::GoMyFiles,
        Action::GoTrash,
        Action::GoSharedWithMe,
        Action::GoShareLink,
        Action::GoPath,
    ]
    .into_iter()
    .map(|a| (a, a.describe().to_string()))
    .collect();
    menu(
        frame,
        area,
        state,
        "Show in this pane",
        Context::GoMenu,
        &items,
    );
}

fn info(frame: &mut Frame, area: Rect, state: &State, i: &InfoView) {
    let width = area.width.saturating_sub(2).clamp(1, 90);
    let label_w = i
        .fields
        .iter()
        .map(|f| text::width(&f.label))
        .max()
        .unwrap_or(0)
        .min(18);
    let value_w = (width as usize).saturating_sub(label_w + 3).max(1);
    let mut lines: Vec<Line> = if i.loading {
        vec![Line::from(Span::styled(
            format!("{} Loading…", theme::spinner(state.ticks)),
            theme::dim(),
        ))]
    } else {
        i.fields
            .iter()
            .flat_map(|f| field_lines(&f.label, &f.value, label_w, value_w))
            .collect()
    };
    let height = area
        .height
        .saturating_sub(2)
        .clamp(1, lines.len() as u16 + 4);
    let inner = popup(frame, area, width, height, &i.title, theme::border(true));
    let shown = inner.height.saturating_sub(2) as usize;
    let scroll = i.scroll.min(lines.len().saturating_sub(shown));
    lines = lines.into_iter().skip(scroll).collect();
    lines.push(Line::raw(""));
    let hint = hints(
        state,
        Context::Dialog,
        &[(Action::Down, "Scroll"), (Action::Dismiss, "Close")],
    );
    body_with_hints(frame, inner, lines, hint);
}

/// `Label   value` with the value wrapped under itself, not under the label.
fn field_lines(label: &str, value: &str, label_w: usize, value_w: usize) -> Vec<Line<'static>> {
    let value = text::safe(value);
    text::wrap(&value, value_w)
        .into_iter()
        .enumerate()
        .map(|(n, part)| {
            let head = if n == 0 {
                text::pad(label, label_w)
            } else {
                " ".repeat(label_w)
            };
            Line::from(vec![
                Span::styled(format!("{head} "), theme::dim()),
                Span::raw(part),
            ])
        })
        .collect()
}

fn message(frame: &mut Frame, area: Rect, state: &State, m: &MessageView) {
    let style = if m.is_error {
        theme::danger()
    } else {
        theme::border(true)
    };
    let mut lines = vec![Line::from(text::safe(&m.message).into_owned())];
    if !m.items.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(
            m.items
                .iter()
                .skip(m.scroll)
                .map(|it| Line::from(format!("• {}", text::safe(it)))),
        );
    }
    let wanted = lines.len() as u16 + 4 + (text::width(&m.message) / 60) as u16;
    let height = area.height.saturating_sub(2).clamp(1, wanted);
    let inner = popup(frame, area, popup_width(area), height, &m.title, style);
    lines.push(Line::raw(""));
    let mut items = vec![(Action::Dismiss, "Close")];
    if m.items.len() > 1 {
        items.insert(0, (Action::Down, "Scroll"));
    }
    let hint = hints(state, Context::Dialog, &items);
    body_with_hints(frame, inner, lines, hint);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn a_wide_glyph_under_the_left_edge_keeps_the_border() {
        let mut terminal = Terminal::new(TestBackend::new(12, 5)).expect("terminal");
        terminal
            .draw(|frame| {
                let area = frame.area();
                for y in 0..area.height {
                    frame
                        .buffer_mut()
                        .set_string(0, y, "日本語フォル", Style::default());
                }
                // A 9-wide popup at x = 1: "日" spans columns 0-1.
                popup(frame, area, 10, 5, "t", Style::default());
            })
            .expect("draw");
        let buf = terminal.backend().buffer();
        for y in 0..5 {
            assert_eq!(buf[(0, y)].symbol(), " ", "row {y}");
        }
        assert_eq!(buf[(1, 0)].symbol(), "╭");
        assert_eq!(buf[(1, 2)].symbol(), "│");
    }
}
