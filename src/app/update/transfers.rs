//! Transfers between the drive and the local disk: starting them from F5/F6 and paste, the
//! engine's events, the keys of the transfers tab, conflicts, quitting and resuming.

use super::ops;
use crate::api::uri::{CrUri, FileSystem};
use crate::app::action::Action;
use crate::app::command::{Command, Op};
use crate::app::modal::{Confirm, Deferred, Modal, PendingOp};
use crate::app::source::{Place, Source};
use crate::app::state::{Screen, State};
use crate::app::transfers::{
    Interrupted, JobEnd, JobState, NewJob, PendingQuestion, TransferId, TransferJob,
    TransferPrompt, TransferRequest,
};
use crate::transfer::{Answer, Choice, Conflict, Direction, Event, Outcome};
use std::time::Instant;

/// F5/F6/paste between a local and a drive folder: checks the places and asks for
/// confirmation. False when it cannot happen (the reason is in a toast).
pub fn plan(state: &mut State, sources: Vec<Source>, dst: Source, copy: bool, paste: bool) -> bool {
    let Some(first) = sources.first() else {
        return false;
    };
    let from = first.place();
    let src_folder = first.parent();
    let names: Vec<String> = sources.iter().filter_map(Source::last_name).collect();
    let name = match names.as_slice() {
        [one] => one.clone(),
        _ => format!("{} items", sources.len()),
    };
    let what = match names.as_slice() {
        [_] => format!("“{name}”"),
        _ => name.clone(),
    };
    let request = match (&dst, from) {
        (Source::Remote(dest), Place::Local) => {
            if dst.place() != Place::MyFiles {
                state.toast_error("Uploads go into my files; open a folder there first");
                return false;
            }
            TransferRequest::Upload {
                sources: sources
                    .iter()
                    .filter_map(|s| s.local().map(|p| p.to_path_buf()))
                    .collect(),
                dest: dest.clone(),
            }
        }
        (Source::Local(dest), Place::MyFiles | Place::SharedWithMe | Place::Share) => {
            if !copy && from != Place::MyFiles {
                state.toast_error("Only items in my files can be moved; copy them instead");
                return false;
            }
            TransferRequest::Download {
                sources: sources.iter().filter_map(|s| s.remote().cloned()).collect(),
                dest: dest.clone(),
            }
        }
        (Source::Local(_), Place::Trash) => {
            state.toast_error("Restore items from the trash (u) before downloading them");
            return false;
        }
        _ => {
            state.toast_error("Transfers go between the local disk and the drive");
            return false;
        }
    };
    let upload = request.direction() == Direction::Upload;
    let verb = match (copy, upload) {
        (true, true) => "Upload",
        (true, false) => "Download",
        (false, _) => "Move",
    };
    let title = if paste {
        format!("Paste: {} {what} here?", verb.to_lowercase())
    } else {
        format!("{verb} {what}?")
    };
    let mut lines = vec![format!("to {}", dst.title())];
    if !copy {
        lines.push(String::new());
        lines.push(if upload {
            "The local originals are deleted once every file has arrived.".into()
        } else {
            "The originals go to the trash once every file has arrived.".into()
        });
    }
    let job = NewJob {
        request,
        items: sources.len(),
        title: name,
        dest: dst,
        move_sources: (!copy).then_some(sources),
        src_folder,
    };
    state.modal = Some(Modal::Confirm(Confirm {
        title,
        lines,
        yes_label: verb.into(),
        danger: false,
        on_yes: Deferred::StartTransfer(Box::new(job)),
    }));
    true
}

/// The confirmation said yes: the job goes to the worker.
pub fn start(state: &mut State, new: NewJob) -> Vec<Command> {
    let id = TransferId(state.next_request().0);
    let direction = new.request.direction();
    let mut job = TransferJob::new(id, direction, new.title.clone());
    job.items = new.items;
    job.dest = Some(new.dest);
    job.src_folder = new.src_folder;
    if let Some(sources) = &new.move_sources
        && state
            .register
            .as_ref()
            .is_some_and(|r| r.cut && &r.sources == sources)
    {
        // A cut is pasted once.
        state.register = None;
    }
    job.move_sources = new.move_sources;
    state.transfers.jobs.push(job);
    let verb = match direction {
        Direction::Upload => "Uploading",
        Direction::Download => "Downloading",
    };
    let key = state
        .keymap
        .hint(crate::app::action::Context::Browser, Action::TogglePanel)
        .map(|k| format!(" ({k} shows the transfers)"))
        .unwrap_or_default();
    state.toast(format!(
        "{verb} {}{key}",
        quoted_title(&new.title, new.items)
    ));
    vec![Command::StartTransfer {
        job: id,
        request: new.request,
    }]
}

/// An engine event of job `id`.
pub fn on_event(state: &mut State, id: TransferId, at: Instant, event: Event) -> Vec<Command> {
    state.transfers.now = Some(at);
    let Some(job) = state.transfers.get_mut(id) else {
        state.dirty = false;
        return Vec::new();
    };
    job.apply(&event, at);
    // A file landed on the local disk: a pane showing the folder lists it (one listing at a
    // time, so a job of many small files does not flood the disk with them). Drive folders
    // learn of new files through their live events.
    let landed = matches!(
        &event,
        Event::Finished {
            outcome: Outcome::Done(_),
            ..
        }
    );
    let mut commands = Vec::new();
    if landed && let Some(dest @ Source::Local(_)) = job.dest.clone() {
        for i in state.panes_showing(&dest) {
            if !state.panes[i].is_loading() {
                commands.extend(state.reload_pane(i));
            }
        }
    }
    commands
}

pub fn on_conflict(
    state: &mut State,
    job: TransferId,
    question: u64,
    conflict: Conflict,
) -> Vec<Command> {
    let known = state
        .transfers
        .get(job)
        .is_some_and(|j| matches!(j.state, JobState::Queued | JobState::Running));
    if !known {
        // A paused or cancelled job: the worker already dropped the question (the file
        // counts as failed and is tried again on resume).
        state.dirty = false;
        return Vec::new();
    }
    state.transfers.questions.push_back(PendingQuestion {
        job,
        question,
        conflict,
    });
    Vec::new()
}

fn answer(question: u64, choice: Choice, apply_to_all: bool) -> Command {
    Command::AnswerConflict {
        question,
        answer: Answer {
            choice,
            apply_to_all,
        },
    }
}

/// A job's run ended: its state, a message, reloads, and for a move that fully succeeded the
/// removal of the sources.
pub fn on_ended(state: &mut State, id: TransferId, at: Instant, end: JobEnd) -> Vec<Command> {
    state.transfers.now = Some(at);
    let Some(job) = state.transfers.get_mut(id) else {
        state.dirty = false;
        return Vec::new();
    };
    let delete_sources = job.end(&end, at);
    let job = job.clone();
    let mut commands = Vec::new();
    if end.done > 0
        && let Some(dest) = &job.dest
    {
        for i in state.panes_showing(dest) {
            commands.extend(state.reload_pane(i));
        }
    }
    let noun = match job.direction {
        Direction::Upload => "Upload",
        Direction::Download => "Download",
    };
    match &job.state {
        JobState::Done if delete_sources => commands.extend(remove_sources(state, &job)),
        JobState::Done if job.move_sources.is_some() => state.toast_error(format!(
            "{noun} of {} finished with skipped files: the originals were kept",
            quoted_title(&job.title, job.items)
        )),
        JobState::Done => state.toast(format!(
            "{noun} of {} finished",
            quoted_title(&job.title, job.items)
        )),
        JobState::Failed(why) => {
            let kept = if job.move_sources.is_some() {
                "; nothing was deleted"
            } else {
                ""
            };
            state.toast_error(format!(
                "{noun} of {} failed: {why}{kept}",
                quoted_title(&job.title, job.items)
            ));
        }
        _ => {}
    }
    commands
}

/// A move arrived completely: local originals are deleted, drive originals go to the trash.
fn remove_sources(state: &mut State, job: &TransferJob) -> Vec<Command> {
    let Some(targets) = job.move_sources.clone() else {
        return Vec::new();
    };
    let local = targets.iter().all(|s| !s.is_remote());
    let mut refresh: Vec<Source> = job.src_folder.iter().cloned().collect();
    if !local {
        refresh.push(Source::Remote(CrUri::root(FileSystem::Trash)));
    }
    let pane = state.focus;
    ops::start(
        state,
        PendingOp {
            op: Op::Delete {
                targets,
                permanent: local,
            },
            pane,
            refresh,
            done_message: format!("Moved {}", quoted_title(&job.title, job.items)),
            then: None,
        },
    )
}

pub fn on_cleared(state: &mut State, id: TransferId, error: Option<String>) -> Vec<Command> {
    let Some(job) = state.transfers.get_mut(id) else {
        state.dirty = false;
        return Vec::new();
    };
    job.state = JobState::Cancelled;
    let title = quoted_title(&job.title, job.items);
    match error {
        Some(e) => state.toast_error(format!("Cancelled {title}, but cleaning up failed: {e}")),
        None => state.toast(format!("Cancelled {title}")),
    }
    Vec::new()
}

/// Start-up: jobs of an earlier run wait to be offered (after any popup that is open).
pub fn on_interrupted(state: &mut State, jobs: Vec<Interrupted>) -> Vec<Command> {
    let known: Vec<&str> = state
        .transfers
        .jobs
        .iter()
        .filter_map(|j| j.engine_job.as_deref())
        .collect();
    let jobs: Vec<Interrupted> = jobs
        .into_iter()
        .filter(|j| !known.contains(&j.engine_job.as_str()))
        .collect();
    if jobs.is_empty() {
        state.dirty = false;
    } else {
        state.transfers.offer = Some(jobs);
    }
    Vec::new()
}

/// Shows a waiting conflict or resume offer once no other popup is open.
pub fn show_waiting(state: &mut State) {
    if state.modal.is_some() || state.screen != Screen::Browser {
        return;
    }
    if let Some(pending) = state.transfers.questions.pop_front() {
        state.modal = Some(Modal::Transfer(TransferPrompt::Conflict {
            pending,
            apply_to_all: false,
        }));
        state.dirty = true;
    } else if let Some(jobs) = state.transfers.offer.take() {
        state.modal = Some(Modal::Transfer(TransferPrompt::ResumeOffer { jobs }));
        state.dirty = true;
    }
}

/// `q`: asks first while transfers run.
pub fn quit(state: &mut State) -> Vec<Command> {
    let running = state.transfers.running();
    if running == 0 {
        state.quit = true;
        return vec![Command::Quit];
    }
    state.modal = Some(Modal::Transfer(TransferPrompt::Quit { running }));
    Vec::new()
}

/// Keys of the transfer popups.
pub fn on_prompt(state: &mut State, prompt: TransferPrompt, action: Action) -> Vec<Command> {
    match prompt {
        TransferPrompt::Conflict {
            pending,
            apply_to_all,
        } => {
            let choice = match action {
                Action::ConflictOverwrite => Choice::Overwrite,
                Action::ConflictRename => Choice::Rename,
                Action::ConflictSkip => Choice::Skip,
                Action::ApplyToAll => {
                    state.modal = Some(Modal::Transfer(TransferPrompt::Conflict {
                        pending,
                        apply_to_all: !apply_to_all,
                    }));
                    return Vec::new();
                }
                _ => {
                    return keep(
                        state,
                        TransferPrompt::Conflict {
                            pending,
                            apply_to_all,
                        },
                    );
                }
            };
            vec![answer(pending.question, choice, apply_to_all)]
        }
        TransferPrompt::Quit { running } => match action {
            Action::QuitPausing => {
                // The worker pauses every job on its way out: the checkpoints stay.
                state.quit = true;
                vec![Command::Quit]
            }
            Action::QuitCancelling => {
                let mut commands = Vec::new();
                for job in &mut state.transfers.jobs {
                    if matches!(job.state, JobState::Queued | JobState::Running) {
                        job.state = JobState::Cancelling;
                        commands.push(Command::CancelTransfer {
                            job: job.id,
                            engine_job: job.engine_job.clone(),
                        });
                    }
                }
                state.quit = true;
                commands.push(Command::Quit);
                commands
            }
            Action::Dismiss => Vec::new(),
            _ => keep(state, TransferPrompt::Quit { running }),
        },
        TransferPrompt::ResumeOffer { jobs } => match action {
            Action::ResumeAll => {
                let mut commands = Vec::new();
                for found in &jobs {
                    let id = TransferId(state.next_request().0);
                    let mut job = TransferJob::interrupted(id, found);
                    job.state = JobState::Queued;
                    state.transfers.jobs.push(job);
                    commands.push(Command::ResumeTransfer {
                        job: id,
                        engine_job: found.engine_job.clone(),
                    });
                }
                state.toast(format!("Resuming {}", transfers_label(jobs.len())));
                commands
            }
            Action::ResumeLater => {
                for found in &jobs {
                    let id = TransferId(state.next_request().0);
                    state
                        .transfers
                        .jobs
                        .push(TransferJob::interrupted(id, found));
                }
                state.toast("They wait in the transfers tab (t), paused: p resumes one");
                Vec::new()
            }
            Action::ForgetInterrupted => {
                state.toast(format!("Forgot {}", transfers_label(jobs.len())));
                vec![Command::ForgetTransfers {
                    engine_jobs: jobs.into_iter().map(|j| j.engine_job).collect(),
                }]
            }
            _ => keep(state, TransferPrompt::ResumeOffer { jobs }),
        },
    }
}

fn transfers_label(n: usize) -> String {
    if n == 1 {
        "1 interrupted transfer".into()
    } else {
        format!("{n} interrupted transfers")
    }
}

fn keep(state: &mut State, prompt: TransferPrompt) -> Vec<Command> {
    state.modal = Some(Modal::Transfer(prompt));
    state.dirty = false;
    Vec::new()
}

/// Keys of the transfers tab.
pub fn on_panel_action(state: &mut State, action: Action) -> Vec<Command> {
    let len = state.transfers.jobs.len();
    let page = crate::app::panel::body(crate::app::panel::area(state.area(), &state.panel))
        .height
        .max(2) as usize
        / 2;
    let t = &mut state.transfers;
    match action {
        Action::Up => t.cursor = t.cursor.saturating_sub(1),
        Action::Down => t.cursor = (t.cursor + 1).min(len.saturating_sub(1)),
        Action::PageUp => t.cursor = t.cursor.saturating_sub(page),
        Action::PageDown => t.cursor = (t.cursor + page).min(len.saturating_sub(1)),
        Action::Top => t.cursor = 0,
        Action::Bottom => t.cursor = len.saturating_sub(1),
        Action::PauseResumeTransfer => return pause_or_resume(state),
        Action::RetryTransfer => return retry(state),
        Action::CancelTransfer => ask_cancel(state),
        Action::ClearFinished => clear_finished(state),
        _ => state.dirty = false,
    }
    Vec::new()
}

fn pause_or_resume(state: &mut State) -> Vec<Command> {
    let Some(job) = state.transfers.jobs.get_mut(state.transfers.cursor) else {
        state.toast("No transfer here");
        return Vec::new();
    };
    let id = job.id;
    match (&job.state, job.engine_job.clone()) {
        (JobState::Queued | JobState::Running, _) => {
            job.state = JobState::Pausing;
            drop_questions(state, id);
            vec![Command::PauseTransfer { job: id }]
        }
        (JobState::Paused | JobState::Failed(_), Some(engine_job)) => {
            job.state = JobState::Queued;
            vec![Command::ResumeTransfer {
                job: id,
                engine_job,
            }]
        }
        (JobState::Failed(_), None) => {
            state.toast_error("This transfer never started; start it again from the panes");
            Vec::new()
        }
        (JobState::Pausing | JobState::Cancelling, _) => {
            state.toast("Wait a moment: the transfer is stopping");
            Vec::new()
        }
        _ => {
            state.toast("This transfer is finished");
            Vec::new()
        }
    }
}

fn retry(state: &mut State) -> Vec<Command> {
    let failed = state
        .transfers
        .selected()
        .is_some_and(|j| matches!(j.state, JobState::Failed(_)));
    if !failed {
        state.toast("Only a failed transfer can be retried (p resumes a paused one)");
        return Vec::new();
    }
    pause_or_resume(state)
}

fn ask_cancel(state: &mut State) {
    let Some(job) = state.transfers.selected() else {
        state.toast("No transfer here");
        return;
    };
    if job.state.is_finished() || job.state == JobState::Cancelling {
        let key = state
            .keymap
            .hint(crate::app::action::Context::Panel, Action::ClearFinished)
            .unwrap_or_else(|| "C".into());
        state.toast(format!(
            "This transfer is over; {key} clears it from the list"
        ));
        return;
    }
    let noun = match job.direction {
        Direction::Upload => "upload",
        Direction::Download => "download",
    };
    let confirm = Confirm {
        title: format!(
            "Cancel the {noun} of {}?",
            quoted_title(&job.title, job.items)
        ),
        lines: vec![
            "Partial files and upload sessions are removed;".into(),
            "files that already arrived stay.".into(),
        ],
        yes_label: "Cancel transfer".into(),
        danger: false,
        on_yes: Deferred::CancelTransfer(job.id),
    };
    state.modal = Some(Modal::Confirm(confirm));
}

/// The cancel confirmation said yes.
pub fn cancel(state: &mut State, id: TransferId) -> Vec<Command> {
    let Some(job) = state.transfers.get_mut(id) else {
        return Vec::new();
    };
    if job.state.is_finished() {
        return Vec::new();
    }
    job.state = JobState::Cancelling;
    let engine_job = job.engine_job.clone();
    drop_questions(state, id);
    vec![Command::CancelTransfer {
        job: id,
        engine_job,
    }]
}

/// A stopped job asks nothing more (the worker drops its open question).
fn drop_questions(state: &mut State, id: TransferId) {
    state.transfers.questions.retain(|q| q.job != id);
    if let Some(Modal::Transfer(TransferPrompt::Conflict { pending, .. })) = &state.modal
        && pending.job == id
    {
        state.modal = None;
    }
}

fn clear_finished(state: &mut State) {
    let before = state.transfers.jobs.len();
    state.transfers.jobs.retain(|j| !j.state.is_finished());
    let cleared = before - state.transfers.jobs.len();
    state.transfers.clamp_cursor();
    if cleared == 0 {
        state.toast("No finished transfers to clear");
    }
}

/// `“name”` for one item; `3 items` as it is.
fn quoted_title(title: &str, items: usize) -> String {
    if items == 1 {
        format!("“{title}”")
    } else {
        title.to_string()
    }
}
