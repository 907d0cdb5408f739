//! Relocating drive items to another storage policy (Cloudreve Pro, `POST /workflow/relocate`):
//! `M` in a drive pane asks the server which policies the user may choose, offers them, and
//! starts the relocation task, which the server tasks tab then follows. A Community server
//! has neither route; the menu says so instead of offering anything.

use super::action::Action;
use super::command::{Command, RequestId};
use super::modal::Modal;
use super::msg::WorkerEvent;
use super::source::{Place, Source};
use super::state::State;
use crate::api::models::StoragePolicy;
use crate::api::uri::CrUri;

/// The policy menu of a relocation.
#[derive(Debug, Clone, PartialEq)]
pub struct RelocateMenu {
    pub sources: Vec<CrUri>,
    /// The policy list request, while it runs.
    pub loading: Option<RequestId>,
    pub policies: Vec<StoragePolicy>,
    /// Why no policy can be offered (the server has no relocation, or the list failed).
    pub unavailable: Option<String>,
    pub cursor: usize,
}

/// `M` in a pane: the policy menu for the selection (or the item under the cursor).
pub fn start(state: &mut State) -> Vec<Command> {
    let pane = state.focused();
    if pane.place() != Place::MyFiles {
        state.toast("Only items of my files can move to another storage policy");
        return Vec::new();
    }
    let sources: Vec<CrUri> = pane
        .targets()
        .into_iter()
        .filter_map(|e| match pane.entry_source(e) {
            Source::Remote(uri) => Some(uri),
            Source::Local(_) => None,
        })
        .collect();
    if sources.is_empty() {
        state.dirty = false;
        return Vec::new();
    }
    let req = state.next_request();
    state.modal = Some(Modal::Relocate(RelocateMenu {
        sources,
        loading: Some(req),
        policies: Vec::new(),
        unavailable: None,
        cursor: 0,
    }));
    vec![Command::ListPolicies { req }]
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(Modal::Relocate(mut menu)) = state.modal.take() else {
        state.dirty = false;
        return Vec::new();
    };
    let last = menu.policies.len().saturating_sub(1);
    match action {
        Action::Dismiss => {
            return menu
                .loading
                .map(|req| vec![Command::Cancel { req }])
                .unwrap_or_default();
        }
        Action::Up => menu.cursor = menu.cursor.saturating_sub(1),
        Action::Down => menu.cursor = (menu.cursor + 1).min(last),
        Action::Submit => {
            if let Some(policy) = menu.policies.get(menu.cursor) {
                let req = state.next_request();
                state.toast(format!(
                    "Asking the server to move {} item(s) to {}…",
                    menu.sources.len(),
                    policy.name
                ));
                return vec![Command::Relocate {
                    req,
                    sources: menu.sources,
                    policy_id: policy.id.clone(),
                }];
            }
            state.dirty = false;
        }
        _ => state.dirty = false,
    }
    state.modal = Some(Modal::Relocate(menu));
    Vec::new()
}

/// Answers about relocation; `None` when `event` is not about it.
pub fn on_event(state: &mut State, event: &WorkerEvent) -> Option<Vec<Command>> {
    match event {
        WorkerEvent::Policies { req, result } => {
            let Some(Modal::Relocate(menu)) = &mut state.modal else {
                return Some(Vec::new());
            };
            if menu.loading != Some(*req) {
                return Some(Vec::new());
            }
            menu.loading = None;
            match result {
                Ok(policies) if policies.is_empty() => {
                    menu.unavailable = Some("No storage policy is offered to you.".into());
                }
                Ok(policies) => menu.policies = policies.clone(),
                Err(failure) => menu.unavailable = Some(failure.message.clone()),
            }
            Some(Vec::new())
        }
        WorkerEvent::Relocating { result, .. } => {
            match result {
                Ok(task_id) => state.toast(format!(
                    "Relocation task {task_id} started; the server tasks tab (t, 2) follows it"
                )),
                Err(failure) => {
                    state.toast_error(format!("Could not relocate: {}", failure.message))
                }
            }
            Some(Vec::new())
        }
        _ => None,
    }
}
