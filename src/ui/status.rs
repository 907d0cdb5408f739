//! The status bar: the focused pane's counts and selection, pending work, messages, and the
//! drive's capacity.

use super::{text, theme};
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let right = right_side(state, area.width);
    let right_w = text::width(&right);
    let left_room = (area.width as usize).saturating_sub(right_w + 1);
    let (left, left_style) = left_side(state);
    let left = text::fit(&left, left_room).into_owned();
    let gap = (area.width as usize).saturating_sub(text::width(&left) + right_w);
    let line = if right_w < area.width as usize {
        Line::from(vec![
            Span::styled(left, left_style),
            Span::raw(" ".repeat(gap)),
            Span::styled(right, theme::dim()),
        ])
    } else {
        Line::from(Span::styled(left, left_style))
    };
    frame.render_widget(Paragraph::new(line).style(theme::status()), area);
}

/// A message when there is one, else the focused pane's summary.
fn left_side(state: &State) -> (String, Style) {
    if let Some(toast) = &state.toast {
        let style = if toast.is_error {
            theme::error()
        } else {
            theme::notice()
        };
        return (format!(" {}", text::safe(&toast.text)), style);
    }
    let pane = state.focused();
    let mut parts = vec![format!("{} items", text::count(pane.listing.len()))];
    if pane.listing.len() != pane.listing.total() {
        parts[0] = format!(
            "{} of {} items",
            text::count(pane.listing.len()),
            text::count(pane.listing.total())
        );
    }
    let selected = pane.listing.selected_count();
    if selected > 0 {
        parts.push(format!(
            "{} selected ({})",
            text::count(selected),
            text::size(pane.listing.selected_bytes())
        ));
    }
    if let Some(register) = &state.register {
        parts.push(format!(
            "{} to {} (p)",
            register.sources.len(),
            if register.cut { "move" } else { "copy" }
        ));
    }
    let busy = state.ops.len() + usize::from(state.info_req.is_some());
    if state.is_busy() {
        let what = if busy > 0 {
            format!("{} working", theme::spinner(state.ticks))
        } else {
            format!("{} loading", theme::spinner(state.ticks))
        };
        parts.push(what);
    }
    if !state.pending_keys.is_empty() {
        let keys: Vec<String> = state.pending_keys.iter().map(ToString::to_string).collect();
        parts.push(format!("{} …", keys.join(" ")));
    }
    (format!(" {}", parts.join(" · ")), Style::new())
}

/// Capacity and the help hint, dropped on narrow screens so the counts stay readable.
fn right_side(state: &State, width: u16) -> String {
    let mut parts = Vec::new();
    if let Some(summary) = transfer_summary(state) {
        parts.push(summary);
    }
    if let Some((used, total)) = state.capacity
        && width >= 40
    {
        parts.push(format!("{} / {}", text::size(used), text::size(total)));
    }
    if width >= 60 {
        parts.push("? help".into());
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{} ", parts.join(" · "))
}

/// `↑2 ↓1 34% 12 MiB/s` while transfers run.
fn transfer_summary(state: &State) -> Option<String> {
    let s = state.transfers.summary()?;
    let mut parts = Vec::new();
    if s.uploads > 0 {
        parts.push(format!("↑{}", s.uploads));
    }
    if s.downloads > 0 {
        parts.push(format!("↓{}", s.downloads));
    }
    if let Some(p) = s.percent {
        parts.push(format!("{p:.0}%"));
    }
    if s.speed >= 1.0 {
        parts.push(format!("{}/s", text::size(s.speed as u64)));
    }
    Some(parts.join(" "))
}
