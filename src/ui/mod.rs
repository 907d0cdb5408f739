//! Rendering only: `draw(frame, &State)` reads the state and never changes it. One file per
//! area. Every server string passes through `text::safe` (the sanitizer) on its way in.

mod dialogs;
mod drive_popups;
mod help;
pub mod image;
mod pane_location;
mod panel;
mod panes;
mod relocate;
pub mod settings;
mod signin;
mod status;
pub mod text;
mod theme;
mod transfer_dialogs;

use crate::app::layout;
use crate::app::state::{Screen, State};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    match state.screen {
        Screen::SignIn => {
            signin::draw(frame, area, state);
            settings::draw_sign_in_form(frame, area, state);
        }
        Screen::Browser => {
            let l = layout::browser(area);
            panes::draw(frame, &l, state);
            if state.panel.open {
                panel::draw(frame, l.panes[state.panel.slot.min(1)], state);
            }
            status::draw(frame, l.status, state);
            if let Some(modal) = &state.modal {
                dialogs::draw(frame, area, state, modal);
            }
        }
        Screen::Settings => {
            settings::draw(frame, area, state);
            if let Some(modal) = &state.modal {
                dialogs::draw(frame, area, state, modal);
            }
        }
    }
}
