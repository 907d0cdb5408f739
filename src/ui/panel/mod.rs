//! The task panel's frame: a border whose title is the row of tabs, key hints at the bottom,
//! and the shown tab's content inside (one module per tab).

pub(super) mod server_tasks;
pub(super) mod shares;
mod table;
mod transfers;

use super::{dialogs, text, theme};
use crate::app::action::{Action, Context};
use crate::app::panel::{self, PanelTab};
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear};

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.panel.has_focus();
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border(focused))
        .title(tabs(state.panel.tab, focused, area.width))
        .title_bottom(bottom_hints(state, area.width));
    frame.render_widget(block, area);
    let body = panel::body(area);
    if body.width == 0 || body.height == 0 {
        return;
    }
    match state.panel.tab {
        PanelTab::Transfers => transfers::draw(frame, body, state, focused),
        PanelTab::ServerTasks => server_tasks::draw(frame, body, state, focused),
        PanelTab::Shares => shares::draw(frame, body, state, focused),
    }
}

/// ` Transfers · Server tasks · Shares ` with the shown one highlighted; only the shown one
/// (`Transfers 1/3`) when the row does not fit.
fn tabs(shown: PanelTab, focused: bool, width: u16) -> Line<'static> {
    let all: usize = PanelTab::ALL
        .iter()
        .map(|t| text::width(t.title()) + 3)
        .sum();
    let active = theme::title(focused).add_modifier(Modifier::REVERSED);
    if all + 2 > width as usize {
        let n = PanelTab::ALL.iter().position(|t| *t == shown).unwrap_or(0) + 1;
        return Line::from(Span::styled(
            format!(" {} {n}/{} ", shown.title(), PanelTab::ALL.len()),
            theme::title(focused),
        ));
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in PanelTab::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("·", theme::dim()));
        }
        let style = if *tab == shown { active } else { theme::dim() };
        spans.push(Span::styled(format!(" {} ", tab.title()), style));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The shown tab's main keys, from the live keymap.
fn bottom_hints(state: &State, width: u16) -> Line<'static> {
    let items: &[(Action, &str)] = match state.panel.tab {
        PanelTab::Transfers => &[
            (Action::PauseResumeTransfer, "pause"),
            (Action::CancelTransfer, "cancel"),
            (Action::RetryTransfer, "retry"),
            (Action::ClearFinished, "clear"),
        ],
        PanelTab::ServerTasks => &[
            (Action::GoToResult, "result"),
            (Action::Info, "details"),
            (Action::CancelTask, "cancel"),
        ],
        PanelTab::Shares => &[
            (Action::OpenShare, "open"),
            (Action::EditShare, "edit"),
            (Action::CopyShareLink, "copy"),
            (Action::ShareQr, "QR"),
            (Action::RevokeShare, "revoke"),
        ],
    };
    let context = match state.panel.tab {
        PanelTab::Transfers => Context::Panel,
        PanelTab::ServerTasks => Context::ServerTasks,
        PanelTab::Shares => Context::Shares,
    };
    // As many hints as fit, most important first.
    let room = (width as usize).saturating_sub(4);
    let mut shown = items.len();
    let line = loop {
        let line = dialogs::hints(state, context, &items[..shown]);
        let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        if shown == 0 || text::width(&plain) + 2 <= room {
            break line;
        }
        shown -= 1;
    };
    if line.spans.is_empty() {
        return Line::raw("");
    }
    let mut spans = vec![Span::raw(" ")];
    spans.extend(line.spans);
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// One dim line in the middle of an empty tab.
pub(super) fn empty_note(frame: &mut Frame, body: Rect, note: &str) {
    let lines = text::wrap(note, body.width.saturating_sub(2) as usize);
    let top = body.y + body.height.saturating_sub(lines.len() as u16) / 2;
    for (n, line) in lines.iter().enumerate() {
        let y = top + n as u16;
        if y >= body.y + body.height {
            break;
        }
        let w = text::width(line) as u16;
        let x = body.x + body.width.saturating_sub(w) / 2;
        text::put(
            frame.buffer_mut(),
            x,
            y,
            line,
            body.width as usize,
            theme::dim(),
        );
    }
}
