//! `update(&mut State, Msg) -> Vec<Command>`: the only place the state changes. Synchronous and
//! deterministic: time arrives in messages, ids come from the state's counter.

mod browser;
mod drive;
mod drive_meta;
mod drive_search;
mod drive_share;
mod drive_tasks;
/// What the drive popups show, for the ui (read only).
pub mod drive_view {
    pub use super::drive_meta::PROPS_PREFIX;
    pub use super::drive_share::{describe_preset, picker_rows as preset_rows};
}
mod modal;
mod mouse;
mod ops;
mod outcome;
mod panel;
pub(crate) mod signin;
mod transfers;
mod worker;

use super::action::{Action, Context};
use super::command::Command;
use super::drive::popup::DrivePopup;
use super::keymap::{KeyChord, Lookup};
use super::modal::{HelpView, Modal};
use super::msg::Msg;
use super::panel::PanelTab;
use super::state::{Screen, State, TOAST_LIFETIME};
use super::{panel_shares, panel_tasks};
use crossterm::event::{KeyEvent, KeyEventKind};
use std::time::Instant;

pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    state.dirty = true;
    let commands = react(state, msg);
    // A transfer conflict or resume offer waits until no other popup is open.
    transfers::show_waiting(state);
    commands
}

fn react(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Mouse { event, at } => mouse::on_mouse(state, event, at),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            clamp_panes(state);
            Vec::new()
        }
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Tick(now) => {
            on_tick(state, now);
            crate::app::panel_tasks::on_tick(state, now)
        }
        Msg::Worker(event) => worker::on_event(state, event),
    }
}

/// Which key table applies right now.
pub fn current_context(state: &State) -> Context {
    if state.screen == Screen::SignIn {
        // Sign-up and password-reset forms sit over the sign-in screen.
        if state.settings.form.is_some() {
            return Context::SettingsForm;
        }
        return Context::SignIn;
    }
    if state.screen == Screen::Settings && state.modal.is_none() {
        return crate::app::settings::context(state);
    }
    match &state.modal {
        Some(Modal::Confirm(c)) if c.danger => Context::Danger,
        Some(Modal::Confirm(_)) | Some(Modal::Info(_)) | Some(Modal::Message(_)) => Context::Dialog,
        Some(Modal::Input(_)) => Context::Input,
        Some(Modal::SortMenu) => Context::SortMenu,
        Some(Modal::GoMenu) => Context::GoMenu,
        Some(Modal::Help(_)) => Context::Help,
        Some(Modal::ShareForm(_)) => Context::ShareForm,
        Some(Modal::Qr(_)) => Context::Dialog,
        Some(Modal::TaskFiles(_)) => Context::TaskFiles,
        Some(Modal::Relocate(_)) => Context::Relocate,
        Some(Modal::Transfer(prompt)) => prompt.context(),
        None if state.panel.has_focus() && state.panel.tab == PanelTab::ServerTasks => {
            Context::ServerTasks
        }
        None if state.panel.has_focus() && state.panel.tab == PanelTab::Shares => Context::Shares,
        None if state.panel.has_focus() => Context::Panel,
        Some(Modal::Drive(DrivePopup::Form(_))) => Context::Form,
        Some(Modal::Drive(_)) => Context::DrivePopup,
        None if state.filter_editing => Context::Filter,
        None => Context::Browser,
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        state.dirty = false;
        return Vec::new();
    }
    let chord = KeyChord::from_event(&key);
    let context = current_context(state);
    let pending = std::mem::take(&mut state.pending_keys);
    match state.keymap.lookup(context, &pending, chord) {
        Lookup::Action(action) => return dispatch(state, context, action),
        Lookup::Pending => {
            state.pending_keys = pending;
            state.pending_keys.push(chord);
            state.dirty = false;
            return Vec::new();
        }
        Lookup::Unbound => {}
    }
    // The server tasks and shares tabs bind their own keys; the panel's (moving, switching
    // tabs, closing) reach through from them.
    if matches!(context, Context::ServerTasks | Context::Shares) {
        match state.keymap.lookup(Context::Panel, &pending, chord) {
            Lookup::Action(action) => return dispatch(state, Context::Panel, action),
            Lookup::Pending => {
                state.pending_keys = pending;
                state.pending_keys.push(chord);
                state.dirty = false;
                return Vec::new();
            }
            Lookup::Unbound => {}
        }
    }
    // Global keys reach through from the browser; elsewhere only force-quit does, so that
    // typing a `q` or `?` in a text field types it.
    if let Lookup::Action(action) = state.keymap.lookup(Context::Global, &[], chord)
        && (matches!(
            context,
            Context::Browser | Context::Panel | Context::ServerTasks | Context::Shares
        ) || action == Action::ForceQuit)
    {
        return dispatch(state, Context::Global, action);
    }
    type_text(state, context, key)
}

fn dispatch(state: &mut State, context: Context, action: Action) -> Vec<Command> {
    match (context, action) {
        // Quitting pauses running transfers; `q` asks first, ctrl-c does not.
        (_, Action::Quit) => transfers::quit(state),
        (_, Action::ForceQuit) => {
            state.quit = true;
            vec![Command::Quit]
        }
        (_, Action::Help) => {
            state.modal = Some(Modal::Help(HelpView::default()));
            Vec::new()
        }
        (Context::Browser, Action::TogglePanel) => panel::toggle_from_pane(state),
        (Context::Browser, Action::SwitchPane) if state.panel.open => {
            panel::focus(state);
            Vec::new()
        }
        (Context::Panel, a) => panel::on_action(state, a),
        (Context::Browser, Action::Relocate) => super::relocate::start(state),
        (c, a) if settings_has_keys(state) => crate::app::settings::on_action(state, c, a),
        (Context::Browser, a) => browser::on_action(state, a),
        (Context::Filter, a) => browser::on_filter_action(state, a),
        (Context::SignIn, a) => signin::on_action(state, a),
        (Context::DrivePopup | Context::Form, a) => drive::on_action(state, a),
        (Context::ServerTasks, a) => panel_tasks::on_action(state, a),
        (Context::Shares, a) => panel_shares::on_action(state, a),
        (Context::ShareForm, a) => panel_shares::on_form_action(state, a),
        (Context::TaskFiles, a) => panel_tasks::on_files_action(state, a),
        (Context::Relocate, a) => super::relocate::on_action(state, a),
        (_, a) => modal::on_action(state, a),
    }
}

/// A key no table claimed: text for whatever field has the keyboard.
fn type_text(state: &mut State, context: Context, key: KeyEvent) -> Vec<Command> {
    if settings_has_keys(state) {
        return crate::app::settings::on_text_key(state, key);
    }
    match context {
        Context::SignIn => signin::on_text_key(state, key),
        Context::Filter => browser::on_filter_key(state, key),
        Context::Input | Context::Help => modal::on_text_key(state, key),
        Context::Form => drive::on_form_key(state, key),
        Context::ShareForm => panel_shares::on_form_key(state, key),
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

fn on_paste(state: &mut State, text: &str) -> Vec<Command> {
    if settings_has_keys(state) {
        return crate::app::settings::on_paste(state, text);
    }
    match current_context(state) {
        Context::SignIn => {
            let focus = state.signin.focus;
            state.signin.field_mut(focus).paste(text);
            Vec::new()
        }
        Context::Filter => browser::paste_into_filter(state, text),
        Context::Input | Context::Help => modal::paste(state, text),
        Context::Form => drive::paste(state, text),
        Context::ShareForm => panel_shares::paste_into_form(state, text),
        // A share link pasted onto the browser opens it.
        Context::Browser => browser::open_link(state, state.focus, text.trim()),
        _ => Vec::new(),
    }
}

/// The settings screen, or a sign-up/reset form over the sign-in screen, takes the keys.
fn settings_has_keys(state: &State) -> bool {
    match state.screen {
        Screen::Settings => state.modal.is_none(),
        Screen::SignIn => state.settings.form.is_some(),
        Screen::Browser => false,
    }
}

fn on_tick(state: &mut State, now: Instant) {
    state.ticks += 1;
    // Running transfers redraw their speeds and times; a tab that loads turns its spinner.
    let mut changed = state.is_busy()
        || state.transfers.is_active()
        || (state.panel.server_tasks.visible && state.panel.server_tasks.is_loading())
        || (state.panel.shares.visible && state.panel.shares.is_loading());
    if state.transfers.is_active() {
        state.transfers.now = Some(now);
    }
    if let Some(toast) = &mut state.toast {
        match toast.expires {
            None => toast.expires = Some(now + TOAST_LIFETIME),
            Some(at) if now >= at => {
                state.toast = None;
                changed = true;
            }
            Some(_) => {}
        }
    }
    state.dirty = changed;
}

fn clamp_panes(state: &mut State) {
    for i in 0..2 {
        let rows = state.pane_rows(i);
        state.panes[i].clamp(rows);
    }
}

#[cfg(test)]
mod drive_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod transfers_tests;
