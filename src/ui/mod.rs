//! Rendering only: `draw(frame, &State)` reads the state and never changes it. One file per
//! area. Every server string passes through `text::safe` (the sanitizer) on its way in.

mod dialogs;
mod help;
pub mod image;
mod panes;
pub mod settings;
mod signin;
mod status;
pub mod text;
mod theme;

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
