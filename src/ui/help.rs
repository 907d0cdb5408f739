//! The help popup, generated from the live keymap: grouped by context, filtered as you type.

use super::dialogs::{draw_field, hints, popup};
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::modal::HelpView;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const KEYS_COLUMN: usize = 22;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, help: &HelpView) {
    let width = area.width.saturating_sub(2).clamp(1, 84);
    let height = area.height.saturating_sub(2).max(1);
    let inner = popup(frame, area, width, height, "Keys", theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let filter_row = Rect { height: 1, ..inner };
    let label = "Filter: ";
    frame.buffer_mut().set_stringn(
        filter_row.x,
        filter_row.y,
        label,
        inner.width as usize,
        theme::dim(),
    );
    let field_area = Rect {
        x: filter_row.x + label.len() as u16,
        width: filter_row.width.saturating_sub(label.len() as u16),
        ..filter_row
    };
    draw_field(frame, field_area, &help.filter, true);

    let lines = help_lines(state, help.filter.value(), inner.width as usize);
    let list = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    let max_scroll = lines.len().saturating_sub(list.height as usize);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(help.scroll.min(max_scroll))
        .collect();
    frame.render_widget(Paragraph::new(visible), list);
    if inner.height >= 2 {
        let hint_row = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        let hint = hints(
            state,
            Context::Help,
            &[(Action::Down, "Scroll"), (Action::Dismiss, "Close")],
        );
        frame.render_widget(Paragraph::new(hint), hint_row);
    }
}

fn help_lines(state: &State, filter: &str, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in state.keymap.help_sections() {
        let rows: Vec<_> = section.rows.iter().filter(|r| r.matches(filter)).collect();
        if rows.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(
            section.context.title().to_string(),
            theme::title(true),
        )));
        let keys_w = KEYS_COLUMN.min(width / 2);
        for row in rows {
            let desc_w = width.saturating_sub(keys_w + 3);
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", text::pad(&row.keys, keys_w)), theme::key()),
                Span::raw(text::fit(row.action.describe(), desc_w).into_owned()),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("No key matches “{}”", text::safe(filter)),
            theme::dim(),
        )));
    }
    lines
}
