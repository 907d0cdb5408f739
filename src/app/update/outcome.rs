//! What happens when an operation answers: success reloads what it touched and runs what
//! follows; failures explain themselves and offer a way out — another name for a conflict
//! (40004), a force-unlock for a lock (40073), the list of failed items of a batch (40081).

use super::ops::start;
use crate::api::codes;
use crate::api::uri::CrUri;
use crate::app::command::{Command, Op};
use crate::app::modal::{
    Confirm, Deferred, InputModal, InputPurpose, MessageView, Modal, PendingOp,
};
use crate::app::msg::Failure;
use crate::app::source::Source;
use crate::app::state::State;

/// An operation succeeded: reload what it touched and run what follows it.
pub fn done(state: &mut State, pending: PendingOp) -> Vec<Command> {
    state.toast(pending.done_message.clone());
    if let Op::Transfer {
        copy: false,
        sources,
        ..
    } = &pending.op
        && state.register.as_ref().is_some_and(|r| {
            r.cut
                && r.sources
                    .iter()
                    .filter_map(Source::remote)
                    .eq(sources.iter())
        })
    {
        // Moved items are gone from where they were: a second paste could only fail.
        state.register = None;
    }
    let mut commands = vec![Command::FetchCapacity];
    commands.extend(reload_touched(state, &pending.refresh));
    // A new or renamed item gets the cursor once the reloaded folder shows it.
    if let Some((folder, name)) = created_or_renamed(&pending.op) {
        for pane in state.panes.iter_mut().filter(|p| p.source == folder) {
            pane.focus_name = Some(name.clone());
        }
    }
    if let Some(then) = pending.then {
        commands.extend(start(state, *then));
    }
    commands
}

fn created_or_renamed(op: &Op) -> Option<(Source, String)> {
    match op {
        Op::Create { target, .. } => Some((target.parent()?, target.last_name()?)),
        Op::Rename { target, new_name } => Some((target.parent()?, new_name.clone())),
        _ => None,
    }
}

fn reload_touched(state: &mut State, folders: &[Source]) -> Vec<Command> {
    let mut commands = Vec::new();
    for i in 0..2 {
        if folders.contains(&state.panes[i].source) {
            commands.extend(state.reload_pane(i));
        }
    }
    commands
}

/// An operation failed: explain, and offer what can be done about it.
pub fn failed(state: &mut State, pending: PendingOp, failure: Failure) -> Vec<Command> {
    if failure.signed_out {
        return super::signin::session_expired(state);
    }
    if failure.is(codes::OBJECT_EXISTED) {
        return conflict(state, pending, &failure);
    }
    if failure.is(codes::LOCK_CONFLICT) && !failure.locks.is_empty() {
        lock_conflict(state, pending, &failure);
        return Vec::new();
    }
    let title = format!("Could not {}", pending.op.verb());
    let mut view = MessageView::error(title, failure.message.clone());
    if !failure.items.is_empty() {
        view.message = format!(
            "{} of the items failed; the others were done.",
            failure.items.len()
        );
        view.items = failure
            .items
            .iter()
            .map(|it| {
                format!(
                    "{}: {} (code {})",
                    item_label(&it.item),
                    it.message,
                    it.code
                )
            })
            .collect();
    }
    state.modal = Some(Modal::Message(view));
    // A partial batch changed some things: show them.
    if failure.is(codes::BATCH_PARTIAL) {
        return reload_touched(state, &pending.refresh);
    }
    Vec::new()
}

/// A batch item key is a URI: show its decoded path.
fn item_label(item: &str) -> String {
    match CrUri::parse(item) {
        Ok(uri) => Source::Remote(uri).title(),
        Err(_) => item.to_string(),
    }
}

/// `40004`: the name is taken. Offer another name (create, rename, a single move or copy).
fn conflict(state: &mut State, pending: PendingOp, failure: &Failure) -> Vec<Command> {
    let ask = match &pending.op {
        Op::Create { target, folder } => {
            let (Some(folder_src), Some(name)) = (target.parent(), target.last_name()) else {
                return plain_error(state, &pending, failure);
            };
            let purpose = if *folder {
                InputPurpose::NewFolder {
                    pane: pending.pane,
                    folder: folder_src,
                }
            } else {
                InputPurpose::NewFile {
                    pane: pending.pane,
                    folder: folder_src,
                }
            };
            (
                name.clone(),
                InputModal::new("Choose another name", &name, purpose),
            )
        }
        Op::Rename { target, new_name } => (
            new_name.clone(),
            InputModal::new(
                "Choose another name",
                new_name,
                InputPurpose::Rename {
                    pane: pending.pane,
                    target: target.clone(),
                },
            ),
        ),
        Op::Transfer { sources, dst, .. } if sources.len() == 1 => {
            let name = sources[0].name().unwrap_or_default().to_string();
            (
                name.clone(),
                InputModal::new(
                    "Rename the item already there",
                    &name,
                    InputPurpose::RenameInTheWay {
                        pane: pending.pane,
                        target: dst.join(&name),
                        retry: Box::new(pending.op.clone()),
                    },
                ),
            )
        }
        _ => return plain_error(state, &pending, failure),
    };
    let (name, mut modal) = ask;
    modal.field.cursor_before_extension();
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Name already taken".into(),
        lines: vec![
            format!("“{name}” already exists there."),
            "Choose another name, or cancel.".into(),
        ],
        yes_label: "Rename".into(),
        danger: false,
        on_yes: Deferred::AskName(Box::new(modal)),
    }));
    Vec::new()
}

fn plain_error(state: &mut State, pending: &PendingOp, failure: &Failure) -> Vec<Command> {
    state.modal = Some(Modal::Message(MessageView::error(
        format!("Could not {}", pending.op.verb()),
        failure.message.clone(),
    )));
    Vec::new()
}

/// `40073`: something holds a lock. Offer to break it and try again.
fn lock_conflict(state: &mut State, pending: PendingOp, failure: &Failure) {
    let mut lines = vec!["These items are locked:".to_string()];
    lines.extend(failure.locks.iter().map(|l| {
        let by = if l.application.is_empty() {
            "unknown".to_string()
        } else {
            l.application.clone()
        };
        format!("  {} (held by {by})", item_label(&l.path))
    }));
    lines.push(String::new());
    lines.push("Force-unlocking may break an upload or an edit in progress.".into());
    let tokens = failure.locks.iter().map(|l| l.token.clone()).collect();
    let unlock = PendingOp {
        op: Op::ForceUnlock { tokens },
        pane: pending.pane,
        refresh: Vec::new(),
        done_message: "Unlocked; trying again".into(),
        then: Some(Box::new(pending)),
    };
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Locked".into(),
        lines,
        yes_label: "Force unlock and retry".into(),
        danger: false,
        on_yes: Deferred::Run(Box::new(unlock)),
    }));
}
