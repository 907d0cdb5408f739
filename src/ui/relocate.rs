//! The storage policy menu of a relocation: loading, the policies to choose from, or why
//! there are none. Policy names come from the server: through `text::safe`.

use super::dialogs::{hints, popup};
use super::{text, theme};
use crate::app::action::{Action, Context};
use crate::app::relocate::RelocateMenu;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, menu: &RelocateMenu) {
    let width = area.width.saturating_sub(2).clamp(1, 60);
    let body: Vec<Line> = if menu.loading.is_some() {
        vec![Line::styled(
            format!(
                "{} Asking the server for storage policies…",
                theme::spinner(state.ticks)
            ),
            theme::dim(),
        )]
    } else if let Some(why) = &menu.unavailable {
        text::wrap(&text::safe(why), width.saturating_sub(2).max(1) as usize)
            .into_iter()
            .map(|l| Line::styled(l, theme::notice()))
            .collect()
    } else {
        menu.policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let style = if i == menu.cursor {
                    theme::cursor(true)
                } else {
                    Style::new()
                };
                let label = format!("{} ({})", text::safe(&p.name), text::safe(&p.kind));
                Line::from(Span::styled(
                    text::pad(&label, width.saturating_sub(2) as usize),
                    style,
                ))
            })
            .collect()
    };
    let height = (body.len() as u16 + 5)
        .min(area.height.saturating_sub(2))
        .max(1);
    let title = format!("Move {} item(s) to the storage policy", menu.sources.len());
    let inner = popup(frame, area, width, height, &title, theme::border(true));
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let list = Rect {
        height: inner.height.saturating_sub(2),
        ..inner
    };
    frame.render_widget(Paragraph::new(body), list);
    if inner.height >= 2 {
        let items: &[(Action, &str)] = if menu.policies.is_empty() {
            &[(Action::Dismiss, "Close")]
        } else {
            &[(Action::Submit, "Move there"), (Action::Dismiss, "Cancel")]
        };
        let hint = hints(state, Context::Relocate, items);
        frame.render_widget(
            Paragraph::new(hint),
            Rect {
                y: inner.y + inner.height - 1,
                height: 1,
                ..inner
            },
        );
    }
}
