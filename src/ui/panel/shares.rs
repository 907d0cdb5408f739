//! The panel's shares tab (my share links). No content yet.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::state::State;

pub fn draw(frame: &mut Frame, body: Rect, _state: &State, _focused: bool) {
    super::empty_note(frame, body, "No shares to show");
}
