//! Keys of the popups: confirmations, text inputs, menus, help, info and messages.

use super::{browser, ops, transfers};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::modal::{Deferred, InputModal, InputPurpose, Modal};
use crate::app::sort::SortField;
use crate::app::source::Source;
use crate::app::state::State;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(modal) = state.modal.take() else {
        state.dirty = false;
        return Vec::new();
    };
    match modal {
        Modal::Confirm(confirm) => match action {
            Action::Confirm => run_deferred(state, confirm.on_yes),
            Action::Dismiss => Vec::new(),
            _ => keep(state, Modal::Confirm(confirm)),
        },
        Modal::Input(input) => match action {
            Action::Submit => submit_input(state, input),
            Action::Dismiss => Vec::new(),
            _ => keep(state, Modal::Input(input)),
        },
        Modal::SortMenu => match action {
            Action::SortName => sort(state, Some(SortField::Name)),
            Action::SortSize => sort(state, Some(SortField::Size)),
            Action::SortModified => sort(state, Some(SortField::Modified)),
            Action::SortType => sort(state, Some(SortField::Type)),
            Action::SortReverse => sort(state, None),
            Action::Dismiss => Vec::new(),
            _ => keep(state, Modal::SortMenu),
        },
        Modal::GoMenu => match action {
            Action::Dismiss => Vec::new(),
            a @ (Action::GoLocal
            | Action::GoMyFiles
            | Action::GoTrash
            | Action::GoSharedWithMe
            | Action::GoShareLink
            | Action::GoPath) => browser::go_to(state, a),
            _ => keep(state, Modal::GoMenu),
        },
        Modal::Help(mut help) => {
            let page = state.size.1.saturating_sub(6) as usize;
            match action {
                Action::Dismiss => return Vec::new(),
                Action::Up => help.scroll = help.scroll.saturating_sub(1),
                Action::Down => help.scroll += 1,
                Action::PageUp => help.scroll = help.scroll.saturating_sub(page),
                Action::PageDown => help.scroll += page,
                _ => {}
            }
            keep(state, Modal::Help(help))
        }
        Modal::Info(mut info) => {
            if scroll(&mut info.scroll, action, state.size.1) {
                return keep(state, Modal::Info(info));
            }
            // Closing the popup abandons the request too.
            state.info_req = None;
            Vec::new()
        }
        Modal::Drive(popup) => {
            state.modal = Some(Modal::Drive(popup));
            super::drive::on_action(state, action)
        }
        Modal::Message(mut message) => {
            if scroll(&mut message.scroll, action, state.size.1) {
                return keep(state, Modal::Message(message));
            }
            Vec::new()
        }
        Modal::Transfer(prompt) => transfers::on_prompt(state, prompt, action),
        Modal::Qr(qr) => match action {
            Action::Dismiss | Action::Confirm => Vec::new(),
            _ => keep(state, Modal::Qr(qr)),
        },
        // Its keys go to `panel_shares::on_form_action` (context `share_form`).
        Modal::ShareForm(form) => keep(state, Modal::ShareForm(form)),
        // Its keys go to `panel_tasks::on_files_action` (context `task_files`).
        Modal::TaskFiles(view) => keep(state, Modal::TaskFiles(view)),
        Modal::Relocate(menu) => keep(state, Modal::Relocate(menu)),
    }
}

fn keep(state: &mut State, modal: Modal) -> Vec<Command> {
    state.modal = Some(modal);
    state.dirty = false;
    Vec::new()
}

/// Scroll keys move a long popup; true when the key was one of them.
fn scroll(offset: &mut usize, action: Action, height: u16) -> bool {
    let page = height.saturating_sub(6) as usize;
    match action {
        Action::Up => *offset = offset.saturating_sub(1),
        Action::Down => *offset += 1,
        Action::PageUp => *offset = offset.saturating_sub(page),
        Action::PageDown => *offset += page,
        _ => return false,
    }
    true
}

fn sort(state: &mut State, field: Option<SortField>) -> Vec<Command> {
    browser::sort_by(state, field);
    Vec::new()
}

fn run_deferred(state: &mut State, deferred: Deferred) -> Vec<Command> {
    match deferred {
        Deferred::Run(pending) => ops::start(state, *pending),
        Deferred::AskName(input) => {
            state.modal = Some(Modal::Input(*input));
            Vec::new()
        }
        Deferred::StartTransfer(job) => transfers::start(state, *job),
        Deferred::CancelTransfer(id) => transfers::cancel(state, id),
        Deferred::Drive(step) => super::drive::run_step(state, *step),
        Deferred::CancelTask { id } => crate::app::panel_tasks::cancel(state, id),
        Deferred::RevokeShare { id, name } => crate::app::panel_shares::revoke(state, id, name),
    }
}

fn submit_input(state: &mut State, mut input: InputModal) -> Vec<Command> {
    let value = input.field.value().to_string();
    let result = match input.purpose.clone() {
        InputPurpose::ShareLink { pane } => {
            browser::parse_link(&value).map(|uri| state.navigate(pane, Source::Remote(uri), None))
        }
        InputPurpose::SharePassword { pane, share } => {
            let mut uri = share;
            uri.password = Some(value.trim().to_string()).filter(|p| !p.is_empty());
            if uri.password.is_none() {
                Err("type the share's password".to_string())
            } else {
                Ok(state.navigate(pane, Source::Remote(uri), None))
            }
        }
        InputPurpose::GoPath { pane } => go_path(state, pane, &value),
        purpose => ops::named(state, purpose, &value),
    };
    match result {
        Ok(commands) => commands,
        Err(why) => {
            input.error = Some(why);
            state.modal = Some(Modal::Input(input));
            Vec::new()
        }
    }
}

/// A typed place: a `cloudreve://` URI, or a path on the pane's side (drive or disk).
fn go_path(state: &mut State, pane: usize, text: &str) -> Result<Vec<Command>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("type a path".into());
    }
    let target = if text
        .get(..12)
        .is_some_and(|p| p.eq_ignore_ascii_case("cloudreve://"))
    {
        crate::api::uri::CrUri::parse(text)
            .map(Source::Remote)
            .map_err(|e| e.to_string())?
    } else if state.panes[pane].source.is_remote() {
        crate::api::uri::CrUri::from_user_input(text)
            .map(Source::Remote)
            .map_err(|e| e.to_string())?
    } else {
        Source::Local(local_path(&state.cwd, text))
    };
    Ok(state.navigate(pane, target, None))
}

/// `~` is the home directory; relative paths start at the working directory.
fn local_path(cwd: &std::path::Path, text: &str) -> std::path::PathBuf {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    match (text.strip_prefix('~'), home) {
        (Some(rest), Some(home)) => home.join(rest.trim_start_matches('/')),
        _ => cwd.join(text),
    }
}

/// Typing into the input popup or the help filter.
pub fn on_text_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match &mut state.modal {
        Some(Modal::Input(input)) => {
            if input.field.handle_key(key) {
                input.error = None;
            } else {
                state.dirty = false;
            }
        }
        Some(Modal::Help(help)) => {
            if !matches!(key.code, KeyCode::Tab | KeyCode::BackTab) && help.filter.handle_key(key) {
                help.scroll = 0;
            } else {
                state.dirty = false;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

pub fn paste(state: &mut State, text: &str) -> Vec<Command> {
    match &mut state.modal {
        Some(Modal::Input(input)) => input.field.paste(text),
        Some(Modal::Help(help)) => help.filter.paste(text),
        _ => state.dirty = false,
    }
    Vec::new()
}
