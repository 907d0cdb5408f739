//! The drive features' entry points in the reducer: browser keys, popup and form keys, and
//! the worker's answers to `Command::Drive`. The features themselves live in `drive_share`,
//! `drive_meta`, `drive_tasks` and `drive_search`.

use super::{drive_meta, drive_share, drive_tasks, signin};
use crate::api::uri::{CrUri, FileSystem};
use crate::app::action::{Action, Context};
use crate::app::command::{Command, RequestId};
use crate::app::drive::form::{Form, FormPurpose};
use crate::app::drive::popup::DrivePopup;
use crate::app::drive::{DriveAnswer, DriveJob, DriveStep, Waiting};
use crate::app::modal::{MessageView, Modal};
use crate::app::msg::Failure;
use crate::app::source::Source;
use crate::app::state::State;
use crossterm::event::KeyEvent;

/// One item an action applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub uri: CrUri,
    pub name: String,
    pub folder: bool,
}

pub fn is_browser_action(action: Action) -> bool {
    matches!(
        action,
        Action::Share
            | Action::DirectLinks
            | Action::Versions
            | Action::Tags
            | Action::TogglePin
            | Action::Pins
            | Action::Archive
            | Action::Extract
            | Action::RemoteDownload
    )
}

pub fn on_browser_action(state: &mut State, action: Action) -> Vec<Command> {
    let i = state.focus;
    match action {
        Action::Share => drive_share::open_presets(state, i),
        Action::DirectLinks => drive_meta::open_links(state, i),
        Action::Versions => drive_meta::open_versions(state, i),
        Action::Tags => drive_meta::open_tags(state, i),
        Action::TogglePin => drive_meta::toggle_pin(state, i),
        Action::Pins => drive_meta::open_pins(state),
        Action::Archive => drive_tasks::ask_archive(state, i),
        Action::Extract => drive_tasks::ask_extract(state, i),
        Action::RemoteDownload => drive_tasks::ask_remote_download(state, i),
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// The items of pane `i` an action applies to (the selection, else the cursor item), when
/// they are in my files; otherwise a message says why not and `None` is returned.
pub fn my_targets(state: &mut State, i: usize, what: &str) -> Option<Vec<Target>> {
    let pane = &state.panes[i];
    let targets: Vec<Target> = pane
        .targets()
        .iter()
        .filter_map(|e| {
            let uri = pane.entry_source(e).remote()?.clone();
            Some(Target {
                uri,
                name: e.name().to_string(),
                folder: e.is_folder(),
            })
        })
        .collect();
    if pane.targets().is_empty() {
        state.toast("Nothing to act on here");
        return None;
    }
    if targets.is_empty() || targets.iter().any(|t| t.uri.fs != FileSystem::My) {
        state.toast_error(format!("{what} works on items in my files"));
        return None;
    }
    Some(targets)
}

/// The item under the cursor of pane `i`, when it is in my files.
pub fn my_cursor_item(state: &mut State, i: usize, what: &str) -> Option<Target> {
    let pane = &state.panes[i];
    let Some(entry) = pane.cursor_entry() else {
        state.toast("Nothing to act on here");
        return None;
    };
    let target = pane
        .entry_source(entry)
        .remote()
        .cloned()
        .map(|uri| Target {
            uri,
            name: entry.name().to_string(),
            folder: entry.is_folder(),
        });
    match target {
        Some(t) if t.uri.fs == FileSystem::My => Some(t),
        _ => {
            state.toast_error(format!("{what} works on items in my files"));
            None
        }
    }
}

/// The folder pane `i` shows, when it is a folder of my files (not a search).
pub fn my_folder(state: &mut State, i: usize, what: &str) -> Option<CrUri> {
    match state.panes[i].source.remote() {
        Some(uri) if uri.fs == FileSystem::My && !uri.is_search() => Some(uri.clone()),
        _ => {
            state.toast_error(format!("{what}: open a folder of my files first"));
            None
        }
    }
}

/// `“name”` for one item, `3 items` for more.
pub fn what(targets: &[Target]) -> String {
    match targets {
        [one] => format!("“{}”", one.name),
        many => format!("{} items", many.len()),
    }
}

/// Sends `job` and remembers what to do with its answer.
pub fn start_job(state: &mut State, job: DriveJob, waiting: Waiting) -> Vec<Command> {
    let req = state.next_request();
    state.drive.waiting.insert(req, (waiting, job.verb()));
    vec![Command::Drive { req, job }]
}

/// Loads the rows of `popup` (a list popup about `uri`, or the pins) and shows it.
pub fn show_loading(state: &mut State, mut popup: DrivePopup) -> Vec<Command> {
    let job = match popup.about() {
        Some(uri) => DriveJob::Details { uri: uri.clone() },
        None => DriveJob::Pins,
    };
    let req = state.next_request();
    state
        .drive
        .waiting
        .insert(req, (Waiting::Popup, job.verb()));
    popup.reload(req);
    state.modal = Some(Modal::Drive(popup));
    vec![Command::Drive { req, job }]
}

/// A confirmed step: back to the popup it came from, and the job.
pub fn run_step(state: &mut State, step: DriveStep) -> Vec<Command> {
    if let Some(back) = step.back {
        state.modal = Some(Modal::Drive(back));
    }
    start_job(state, step.job, step.waiting)
}

/// Keys of the drive popups and forms.
pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(Modal::Drive(popup)) = state.modal.take() else {
        state.dirty = false;
        return Vec::new();
    };
    match popup {
        DrivePopup::SharePresets(p) => drive_share::on_presets_action(state, p, action),
        DrivePopup::ShareResult(r) => drive_share::on_result_action(state, r, action),
        DrivePopup::Form(form) => on_form_action(state, form, action),
        list => drive_meta::on_list_action(state, list, action),
    }
}

fn on_form_action(state: &mut State, mut form: Form, action: Action) -> Vec<Command> {
    match action {
        Action::NextField => form.next(),
        Action::PrevField => form.prev(),
        Action::Dismiss => {
            state.modal = form.back.map(|b| Modal::Drive(*b));
            return Vec::new();
        }
        Action::Submit => return submit(state, form),
        _ => state.dirty = false,
    }
    state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
    Vec::new()
}

fn submit(state: &mut State, mut form: Form) -> Vec<Command> {
    let result = match form.purpose.clone() {
        FormPurpose::Share { uris } => drive_share::submit_form(state, &form, uris),
        FormPurpose::Archive { sources, .. } => drive_tasks::submit_archive(state, &form, sources),
        FormPurpose::Extract { archive, .. } => drive_tasks::submit_extract(state, &form, archive),
        FormPurpose::RemoteDownload { .. } => drive_tasks::submit_download(state, &form),
        FormPurpose::AddTag { uris, reload } => drive_meta::submit_tag(state, &form, uris, reload),
        FormPurpose::SetProperty { uris, reload } => {
            drive_meta::submit_property(state, &form, uris, reload)
        }
    };
    match result {
        Ok(commands) => {
            // The popup the form came from comes back (it reloads when the change is done),
            // unless the submit opened something else.
            let shared = matches!(form.purpose, FormPurpose::Share { .. });
            if state.modal.is_none() && !shared {
                state.modal = form.back.map(|b| Modal::Drive(*b));
            }
            commands
        }
        Err(why) => {
            form.error = Some(why);
            state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
            Vec::new()
        }
    }
}

pub fn on_form_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match &mut state.modal {
        Some(Modal::Drive(DrivePopup::Form(form))) => {
            if !form.handle_key(key) {
                state.dirty = false;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

pub fn paste(state: &mut State, text: &str) -> Vec<Command> {
    match &mut state.modal {
        Some(Modal::Drive(DrivePopup::Form(form))) => form.paste(text),
        _ => state.dirty = false,
    }
    Vec::new()
}

/// The worker's answer to a `Command::Drive`.
pub fn on_answer(
    state: &mut State,
    req: RequestId,
    result: Result<DriveAnswer, Failure>,
) -> Vec<Command> {
    let Some((waiting, verb)) = state.drive.waiting.remove(&req) else {
        state.dirty = false;
        return Vec::new();
    };
    match result {
        Ok(answer) => on_success(state, req, waiting, answer),
        Err(failure) => on_failure(state, req, waiting, verb, failure),
    }
}

fn on_failure(
    state: &mut State,
    req: RequestId,
    waiting: Waiting,
    verb: &str,
    failure: Failure,
) -> Vec<Command> {
    if failure.signed_out {
        return signin::session_expired(state);
    }
    let popup_waits = matches!(&state.modal, Some(Modal::Drive(p)) if p.loading() == Some(req));
    if waiting == Waiting::Popup && !popup_waits {
        // The popup was closed meanwhile: nobody wants to hear about it.
        state.dirty = false;
        return Vec::new();
    }
    if let Waiting::Search { .. } = waiting {
        state.toast_error(format!("Search failed: {}", failure.message));
        return Vec::new();
    }
    state.modal = Some(Modal::Message(MessageView::error(
        format!("Could not {verb}"),
        failure.message,
    )));
    Vec::new()
}

fn on_success(
    state: &mut State,
    req: RequestId,
    waiting: Waiting,
    answer: DriveAnswer,
) -> Vec<Command> {
    match (waiting, answer) {
        (Waiting::ShareLinks, DriveAnswer::ShareLinks(links)) => {
            drive_share::show_links(state, links)
        }
        (Waiting::Popup, answer) => {
            fill_popup(state, req, answer);
            Vec::new()
        }
        (
            Waiting::Change {
                done,
                reload,
                refresh,
            },
            _,
        ) => {
            state.toast(done);
            let mut commands = reload_popup(state, reload.as_ref());
            commands.extend(reload_folders(state, &refresh));
            commands
        }
        (Waiting::Links { reload }, DriveAnswer::Links(urls)) => {
            let mut commands = Vec::new();
            let n = urls.len();
            let noun = if n == 1 { "link" } else { "links" };
            if state.clipboard && n > 0 {
                commands.push(Command::CopyToClipboard(urls.join("\n")));
                state.toast(format!(
                    "Created {n} direct {noun}; copied to the clipboard"
                ));
            } else {
                state.toast(format!("Created {n} direct {noun}"));
            }
            commands.extend(reload_popup(state, Some(&reload)));
            commands
        }
        (Waiting::Pin, answer) => {
            let pinned = matches!(answer, DriveAnswer::PinToggled { pinned: true });
            state.toast(if pinned {
                "Pinned; jump to pinned folders with '"
            } else {
                "Unpinned"
            });
            match &state.modal {
                Some(Modal::Drive(DrivePopup::Pins(p))) => {
                    let popup = DrivePopup::Pins(p.clone());
                    show_loading(state, popup)
                }
                _ => Vec::new(),
            }
        }
        (Waiting::Tasks { what }, DriveAnswer::Tasks(ids)) => {
            let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
            let follow = match state.keymap.hint(Context::Browser, Action::TogglePanel) {
                Some(key) => format!("[{key}] shows it in the task panel"),
                None => "the task panel shows it".to_string(),
            };
            state.toast(format!(
                "Task created: {what} ({}); {follow}",
                ids.join(", ")
            ));
            Vec::new()
        }
        (Waiting::Search { pane, from }, DriveAnswer::SearchUri(uri)) => {
            // The user went elsewhere meanwhile: do not pull the pane back.
            if state.panes[pane].source != from {
                state.dirty = false;
                return Vec::new();
            }
            state.navigate(pane, Source::Remote(uri), None)
        }
        (waiting, answer) => {
            tracing::warn!("drive answer {answer:?} does not fit {waiting:?}");
            Vec::new()
        }
    }
}

/// Puts loaded rows into the popup that asked for them.
fn fill_popup(state: &mut State, req: RequestId, answer: DriveAnswer) {
    let Some(Modal::Drive(popup)) = &mut state.modal else {
        state.dirty = false;
        return;
    };
    if popup.loading() != Some(req) {
        state.dirty = false;
        return;
    }
    match (popup, answer) {
        (DrivePopup::Versions(p), DriveAnswer::Details(d)) => p.fill(d.versions),
        (DrivePopup::Links(p), DriveAnswer::Details(d)) => p.fill(d.links),
        (DrivePopup::Tags(p), DriveAnswer::Details(d)) => {
            let mut rows = d.tags;
            rows.extend(d.props);
            p.fill(rows)
        }
        (DrivePopup::Pins(p), DriveAnswer::Pins(pins)) => p.fill(pins),
        _ => {}
    }
}

/// After a change: the open popup about `uri` loads again.
fn reload_popup(state: &mut State, uri: Option<&CrUri>) -> Vec<Command> {
    let Some(uri) = uri else {
        return Vec::new();
    };
    match &state.modal {
        Some(Modal::Drive(p)) if p.about() == Some(uri) => {
            let popup = p.clone();
            show_loading(state, popup)
        }
        _ => Vec::new(),
    }
}

fn reload_folders(state: &mut State, folders: &[Source]) -> Vec<Command> {
    let mut commands = Vec::new();
    for i in 0..2 {
        if folders.contains(&state.panes[i].source) {
            commands.extend(state.reload_pane(i));
        }
    }
    commands
}

/// The folder on the local disk downloads go to: the other pane's when it shows the disk,
/// else the focused one's, else the working directory.
pub fn local_folder(state: &State) -> std::path::PathBuf {
    [state.other(), state.focus]
        .iter()
        .find_map(|&i| {
            state.panes[i]
                .source
                .local()
                .map(std::path::Path::to_path_buf)
        })
        .unwrap_or_else(|| state.cwd.clone())
}
