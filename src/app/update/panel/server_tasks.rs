//! Keys of the panel's ServerTasks tab. The tab has no content yet: only the cursor moves.

use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::state::State;

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let tab = &mut state.panel.server_tasks;
    match action {
        Action::Up => tab.cursor = tab.cursor.saturating_sub(1),
        Action::Top => tab.cursor = 0,
        _ => state.dirty = false,
    }
    Vec::new()
}

pub fn on_show(_state: &mut State) -> Vec<Command> {
    Vec::new()
}

pub fn on_hide(_state: &mut State) -> Vec<Command> {
    Vec::new()
}
