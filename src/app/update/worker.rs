//! Answers from the worker: listing pages, operation results, info, capacity, live changes.

use super::{outcome, signin, transfers};
use crate::api::codes;
use crate::api::uri::FileSystem;
use crate::app::command::{Command, RequestId, WatchId};
use crate::app::modal::{InputModal, InputPurpose, MessageView, Modal};
use crate::app::msg::{Failure, LiveChange, Page, WorkerEvent};
use crate::app::source::Source;
use crate::app::state::State;

pub fn on_event(state: &mut State, event: WorkerEvent) -> Vec<Command> {
    match event {
        WorkerEvent::Page { req, page } => on_page(state, req, page),
        WorkerEvent::ListFailed { req, failure } => on_list_failed(state, req, failure),
        WorkerEvent::OpDone { req } => match state.ops.remove(&req) {
            Some(pending) => outcome::done(state, pending),
            None => stale(state),
        },
        WorkerEvent::OpFailed { req, failure } => match state.ops.remove(&req) {
            Some(pending) => outcome::failed(state, pending, failure),
            None => stale(state),
        },
        WorkerEvent::Info { req, fields } => {
            if state.info_req != Some(req) {
                return stale(state);
            }
            state.info_req = None;
            if let Some(Modal::Info(info)) = &mut state.modal {
                info.fields = fields;
                info.loading = false;
            }
            Vec::new()
        }
        WorkerEvent::InfoFailed { req, failure } => {
            if state.info_req != Some(req) {
                return stale(state);
            }
            state.info_req = None;
            if failure.signed_out {
                return signin::session_expired(state);
            }
            state.modal = Some(Modal::Message(MessageView::error(
                "Could not read the item",
                failure.message,
            )));
            Vec::new()
        }
        WorkerEvent::SignedIn { req, account } => signin::signed_in(state, req, account),
        WorkerEvent::TwoFactorRequired { req, session } => {
            signin::two_factor_required(state, req, session)
        }
        WorkerEvent::CaptchaRequired { req, challenge } => {
            signin::captcha_required(state, req, challenge)
        }
        WorkerEvent::SignInFailed { req, failure } => signin::failed(state, req, failure),
        WorkerEvent::Transfer { job, at, event } => transfers::on_event(state, job, at, event),
        WorkerEvent::TransferConflict {
            job,
            question,
            conflict,
        } => transfers::on_conflict(state, job, question, conflict),
        WorkerEvent::TransferEnded { job, at, end } => transfers::on_ended(state, job, at, end),
        WorkerEvent::TransferCleared { job, error } => transfers::on_cleared(state, job, error),
        WorkerEvent::InterruptedTransfers { jobs } => transfers::on_interrupted(state, jobs),
        WorkerEvent::Capacity { used, total } => {
            state.capacity = Some((used, total));
            Vec::new()
        }
        WorkerEvent::Live { watch, change } => on_live(state, watch, change),
        WorkerEvent::LiveResumed { watch } => match pane_watching(state, watch) {
            Some(i) => state.reload_pane(i),
            None => stale(state),
        },
        WorkerEvent::SessionExpired => signin::session_expired(state),
        WorkerEvent::Drive { req, result } => super::drive::on_answer(state, req, result),
        e @ (WorkerEvent::Tasks { .. }
        | WorkerEvent::TaskProgress { .. }
        | WorkerEvent::Shares { .. }
        | WorkerEvent::ShareEdited { .. }
        | WorkerEvent::PanelDone { .. }
        | WorkerEvent::PanelFailed { .. }
        | WorkerEvent::Policies { .. }
        | WorkerEvent::Relocating { .. }) => on_panel_event(state, e),
        WorkerEvent::Settings { req, reply } => crate::app::settings::on_reply(state, req, reply),
    }
}

/// Answers to the server tasks and shares tabs of the task panel.
fn on_panel_event(state: &mut State, event: WorkerEvent) -> Vec<Command> {
    let signed_out =
        matches!(&event, WorkerEvent::PanelFailed { failure, .. } if failure.signed_out);
    let commands = crate::app::panel_tasks::on_event(state, &event)
        .or_else(|| crate::app::panel_shares::on_event(state, &event))
        .or_else(|| crate::app::relocate::on_event(state, &event))
        .unwrap_or_else(|| stale(state));
    // Once: a second answer of the old session must not reset a sign-in being typed.
    if signed_out && state.screen == crate::app::state::Screen::Browser {
        return signin::session_expired(state);
    }
    commands
}

/// An answer nobody waits for anymore: nothing changes on screen.
fn stale(state: &mut State) -> Vec<Command> {
    state.dirty = false;
    Vec::new()
}

fn pane_loading(state: &State, req: RequestId) -> Option<usize> {
    (0..2).find(|&i| state.panes[i].loading.is_some_and(|l| l.req == req))
}

fn pane_watching(state: &State, watch: WatchId) -> Option<usize> {
    (0..2).find(|&i| state.panes[i].watch == Some(watch))
}

fn on_page(state: &mut State, req: RequestId, page: Page) -> Vec<Command> {
    let Some(i) = pane_loading(state, req) else {
        // A page of a folder the pane has left (or a cancelled listing): drop it.
        return stale(state);
    };
    let rows = state.pane_rows(i);
    let last = page.last;
    state.panes[i].apply_page(req, page, rows);
    if last && std::mem::take(&mut state.panes[i].outdated) {
        return state.reload_pane(i);
    }
    Vec::new()
}

fn on_list_failed(state: &mut State, req: RequestId, failure: Failure) -> Vec<Command> {
    let Some(i) = pane_loading(state, req) else {
        return stale(state);
    };
    let pane = &mut state.panes[i];
    pane.loading = None;
    pane.focus_name = None;
    if failure.signed_out {
        return signin::session_expired(state);
    }
    if failure.is(codes::INCORRECT_PASSWORD)
        && let Source::Remote(uri) = &pane.source
        && uri.fs == FileSystem::Share
    {
        let share = uri.clone();
        let title = if share.password.is_some() {
            "Wrong password; try again"
        } else {
            "This share has a password"
        };
        let mut input = InputModal::new(title, "", InputPurpose::SharePassword { pane: i, share });
        input.field = input.field.masked();
        state.modal = Some(Modal::Input(input));
        pane.error = Some("This share needs its password".into());
        return Vec::new();
    }
    pane.error = Some(failure.message.clone());
    state.toast_error(format!("Could not list the folder: {}", failure.message));
    Vec::new()
}

/// A change made elsewhere. While a listing streams in, the change may or may not be in the
/// pages still to come, so the pane reloads once the listing ends instead.
fn on_live(state: &mut State, watch: WatchId, change: LiveChange) -> Vec<Command> {
    let Some(i) = pane_watching(state, watch) else {
        return stale(state);
    };
    if state.panes[i].is_loading() {
        state.panes[i].outdated = true;
        return stale(state);
    }
    let rows = state.pane_rows(i);
    state.panes[i].keep_cursor_through(rows, |listing| match change {
        LiveChange::Upsert(entry) => listing.upsert(entry),
        LiveChange::Remove(name) => {
            listing.remove(&name);
        }
        LiveChange::Rename { from, to } => {
            listing.rename(&from, &to);
        }
    });
    Vec::new()
}
