//! Helpers of the TUI screen and reducer tests: keys, typed text and worker answers fed
//! through `update` the way the event loop would, and a frame drawn on a `TestBackend`.
//! (`snap` stays in each test file: insta names a snapshot after the module that asserts it.)

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reve::app::command::Command;
use reve::app::entry::Entry;
use reve::app::keymap::KeyChord;
use reve::app::msg::{Msg, Page, WorkerEvent};
use reve::app::state::State;
use reve::app::update;

/// Presses keys given like `"g g space"`; returns every command.
pub fn press(state: &mut State, keys: &str) -> Vec<Command> {
    keys.split_whitespace()
        .flat_map(|k| {
            let c = KeyChord::parse(k).unwrap();
            update(state, Msg::Key(KeyEvent::new(c.code, c.mods)))
        })
        .collect()
}

/// Types `text` one character at a time; returns every command.
pub fn type_text(state: &mut State, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| {
            update(
                state,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            )
        })
        .collect()
}

/// Hands the reducer one worker event.
pub fn worker(state: &mut State, event: WorkerEvent) -> Vec<Command> {
    update(state, Msg::Worker(event))
}

/// Answers the listing pane `i` is waiting for with one last page of `entries`.
pub fn page(state: &mut State, i: usize, entries: Vec<Entry>) -> Vec<Command> {
    let req = state.panes[i].loading.expect("loading").req;
    worker(
        state,
        WorkerEvent::Page {
            req,
            page: Page {
                entries,
                last: true,
                caps: None,
            },
        },
    )
}

/// One frame of `state` at `w`×`h`, as `TestBackend` prints its buffer.
pub fn render(state: &State, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| reve::ui::draw(f, state)).unwrap();
    terminal.backend().to_string()
}
