//! The panel's server tasks tab (workflow tasks of the drive). No content yet.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::state::State;

pub fn draw(frame: &mut Frame, body: Rect, _state: &State, _focused: bool) {
    super::empty_note(frame, body, "No server tasks to show");
}
