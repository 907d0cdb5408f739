//! Mouse: the wheel scrolls the pane under the pointer, a click focuses a pane and puts the
//! cursor on the row (ctrl-click selects it), a double click opens.

use super::browser;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::layout;
use crate::app::state::{Click, DOUBLE_CLICK, Screen, State};
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use std::time::Instant;

/// Rows one wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

pub fn on_mouse(state: &mut State, event: MouseEvent, at: Instant) -> Vec<Command> {
    if state.screen != Screen::Browser || state.modal.is_some() {
        state.dirty = false;
        return Vec::new();
    }
    let (x, y) = (event.column, event.row);
    let l = layout::browser(state.area());
    let Some(i) = (0..2).find(|&i| layout::contains(l.panes[i], x, y)) else {
        state.dirty = false;
        return Vec::new();
    };
    if state.panel.covers(i) {
        // The task panel sits there: a click gives it the keyboard.
        if let MouseEventKind::Down(MouseButton::Left) = event.kind {
            state.panel.focused = true;
            state.filter_editing = false;
        } else {
            state.dirty = false;
        }
        return Vec::new();
    }
    if state.panel.focused {
        // A click on the pane takes the keyboard back from the panel.
        state.panel.focused = false;
    }
    let rows = state.pane_rows(i);
    match event.kind {
        MouseEventKind::ScrollDown => state.panes[i].scroll_by(WHEEL_ROWS, rows),
        MouseEventKind::ScrollUp => state.panes[i].scroll_by(-WHEEL_ROWS, rows),
        MouseEventKind::Down(MouseButton::Left) => return click(state, i, event, at),
        _ => state.dirty = false,
    }
    Vec::new()
}

fn click(state: &mut State, i: usize, event: MouseEvent, at: Instant) -> Vec<Command> {
    let (x, y) = (event.column, event.row);
    if state.focus != i {
        state.focus = i;
        state.filter_editing = false;
    }
    let l = layout::browser(state.area());
    let list = layout::pane(l.panes[i], state.filter_line_shown(i)).rows;
    if !layout::contains(list, x, y) {
        state.last_click = None;
        return Vec::new();
    }
    let row = state.panes[i].scroll + (y - list.y) as usize;
    if row >= state.panes[i].listing.len() {
        state.last_click = None;
        return Vec::new();
    }
    let double = state
        .last_click
        .is_some_and(|c| c.row == y && at.saturating_duration_since(c.at) <= DOUBLE_CLICK);
    let rows = state.pane_rows(i);
    state.panes[i].set_cursor(row, rows);
    if double {
        state.last_click = None;
        return browser::on_action(state, Action::Open);
    }
    state.last_click = Some(Click {
        at,
        column: x,
        row: y,
    });
    if event.modifiers.contains(KeyModifiers::CONTROL) {
        let pane = &mut state.panes[i];
        let on = !pane.listing.is_selected(row);
        pane.listing.set_selected(row, on);
    }
    Vec::new()
}
