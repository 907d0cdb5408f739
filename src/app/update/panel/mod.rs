//! Keys of the task panel: opening, closing and focusing it, switching tabs; everything else
//! goes to the tab that is shown.

mod server_tasks;
mod shares;

use super::transfers;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::panel::PanelTab;
use crate::app::state::State;

/// `t` from a pane: opens the panel in place of the other pane, or gives it the keyboard.
pub fn toggle_from_pane(state: &mut State) -> Vec<Command> {
    state.filter_editing = false;
    if state.panel.open {
        state.panel.focused = true;
        return Vec::new();
    }
    state.panel.open = true;
    state.panel.focused = true;
    state.panel.slot = state.other();
    on_show(state, state.panel.tab)
}

/// Tab from the pane while the panel covers the other one: into the panel.
pub fn focus(state: &mut State) {
    state.filter_editing = false;
    state.panel.focused = true;
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    match action {
        Action::TogglePanel => {
            state.panel.open = false;
            state.panel.focused = false;
            on_hide(state, state.panel.tab)
        }
        Action::LeavePanel => {
            state.panel.focused = false;
            Vec::new()
        }
        Action::NextTab => switch(state, state.panel.tab.next()),
        Action::PrevTab => switch(state, state.panel.tab.prev()),
        Action::TabTransfers => switch(state, PanelTab::Transfers),
        Action::TabServerTasks => switch(state, PanelTab::ServerTasks),
        Action::TabShares => switch(state, PanelTab::Shares),
        a => match state.panel.tab {
            PanelTab::Transfers => transfers::on_panel_action(state, a),
            PanelTab::ServerTasks => server_tasks::on_action(state, a),
            PanelTab::Shares => shares::on_action(state, a),
        },
    }
}

fn switch(state: &mut State, tab: PanelTab) -> Vec<Command> {
    if tab == state.panel.tab {
        state.dirty = false;
        return Vec::new();
    }
    let mut commands = on_hide(state, state.panel.tab);
    state.panel.tab = tab;
    commands.extend(on_show(state, tab));
    commands
}

/// A tab became visible (a tab that polls starts here).
fn on_show(state: &mut State, tab: PanelTab) -> Vec<Command> {
    match tab {
        PanelTab::Transfers => Vec::new(),
        PanelTab::ServerTasks => server_tasks::on_show(state),
        PanelTab::Shares => shares::on_show(state),
    }
}

/// A tab was hidden (polling stops here).
fn on_hide(state: &mut State, tab: PanelTab) -> Vec<Command> {
    match tab {
        PanelTab::Transfers => Vec::new(),
        PanelTab::ServerTasks => server_tasks::on_hide(state),
        PanelTab::Shares => shares::on_hide(state),
    }
}
