//! Helpers the reducer's unit tests share: keys, typed text and worker answers fed through
//! `update`, the way the event loop would.

use crate::app::command::Command;
use crate::app::entry::Entry;
use crate::app::keymap::KeyChord;
use crate::app::msg::{Account, Msg, Page, WorkerEvent};
use crate::app::state::{Startup, State};
use crate::app::update;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// Start-up in `/home/me`, signed in to drive.example.com as me@example.com.
pub(crate) fn signed_in() -> Startup {
    let mut s = Startup::new(PathBuf::from("/home/me"));
    s.signed_in = true;
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "me@example.com".into(),
        nickname: "Me".into(),
    };
    s
}

/// Presses keys given like `"g g space"`; returns every command.
pub(crate) fn press(state: &mut State, keys: &str) -> Vec<Command> {
    keys.split_whitespace()
        .flat_map(|k| {
            let c = KeyChord::parse(k).unwrap();
            update(state, Msg::Key(KeyEvent::new(c.code, c.mods)))
        })
        .collect()
}

/// Types `text` one character at a time; returns every command.
pub(crate) fn type_text(state: &mut State, text: &str) -> Vec<Command> {
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
pub(crate) fn event(state: &mut State, e: WorkerEvent) -> Vec<Command> {
    update(state, Msg::Worker(e))
}

/// Answers the listing pane `i` is waiting for with one last page of `entries`.
pub(crate) fn page(state: &mut State, i: usize, entries: Vec<Entry>) -> Vec<Command> {
    let req = state.panes[i].loading.expect("loading").req;
    event(
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
