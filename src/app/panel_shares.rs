//! The shares tab of the task panel: my share links (paged with the server's cursor), with
//! edit, revoke, copy, QR code and browsing a share in a pane.

use super::command::{Command, RequestId};
use super::input::TextField;
use super::modal::{Confirm, Deferred, Modal};
use super::msg::{Failure, WorkerEvent};
use super::source::Source;
use super::state::State;
use crate::api::models::{Share, Timestamp};
use crate::api::share_link_to_uri;
use crate::app::action::Action;
use crate::drive::share::validate_password;
use std::collections::BTreeMap;

/// What an edit changes (the body is built by the worker from the share as it is then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareEdit {
    pub id: String,
    /// The password it has now: the owner's extended view of a protected share needs it.
    pub current_password: Option<String>,
    /// `None` keeps the protection; `Some(None)` removes the password; `Some(Some(p))` sets
    /// `p`. Either change takes a new link: the server never changes a share's password.
    pub password: Option<Option<String>>,
    pub expire: ExpiryChange,
    /// `None`: no download limit.
    pub downloads: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryChange {
    /// The current expiry (or none) stays.
    Keep,
    Never,
    /// Seconds from now.
    In(u64),
}

/// What a request of the tab was about, for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareOp {
    Edit { name: String },
    Revoke { name: String },
}

#[derive(Debug, Clone, Default)]
pub struct SharesTab {
    pub cursor: usize,
    /// The first row shown.
    pub offset: usize,
    /// Newest first, as the server lists them.
    pub shares: Vec<Share>,
    /// The token of the next page, when the server has more.
    pub next_token: Option<String>,
    /// The reading in flight; `true` for a further page.
    pub list_req: Option<(RequestId, bool)>,
    pub loaded: bool,
    pub error: Option<Failure>,
    pub visible: bool,
    pub ops: BTreeMap<RequestId, ShareOp>,
}

impl SharesTab {
    pub fn cursor_share(&self) -> Option<&Share> {
        self.shares.get(self.cursor)
    }

    pub fn is_loading(&self) -> bool {
        self.list_req.is_some()
    }

    /// Ticks turn the loading spinner; nothing else here moves on its own.
    pub fn wants_tick(&self) -> bool {
        self.visible && self.list_req.is_some()
    }

    /// Applies a page; false when nobody waits for `req`.
    pub fn on_page(&mut self, req: RequestId, shares: Vec<Share>, next: Option<String>) -> bool {
        let Some((_, more)) = self.list_req.filter(|(r, _)| *r == req) else {
            return false;
        };
        self.list_req = None;
        self.loaded = true;
        self.error = None;
        let keep = self.cursor_share().map(|s| s.id.clone());
        if !more {
            self.shares.clear();
        }
        for share in shares {
            match self.shares.iter_mut().find(|s| s.id == share.id) {
                Some(old) => *old = share,
                None => self.shares.push(share),
            }
        }
        self.next_token = next;
        if let Some(id) = keep
            && let Some(i) = self.shares.iter().position(|s| s.id == id)
        {
            self.cursor = i;
        }
        self.cursor = self.cursor.min(self.shares.len().saturating_sub(1));
        true
    }
}

/// Downloads so far, over the limit when there is one: `3/10`, `3`.
pub fn downloads_text(share: &Share) -> String {
    match share.remain_downloads {
        Some(remain) => {
            let limit = share
                .downloaded
                .saturating_add(u64::try_from(remain).unwrap_or(0));
            format!("{}/{limit}", share.downloaded)
        }
        None => share.downloaded.to_string(),
    }
}

/// `expired`, the expiry time, or `never`.
pub fn expiry_text(share: &Share, utc_offset_secs: i32) -> String {
    match (&share.expires, share.expired) {
        (_, true) => "expired".into(),
        (Some(at), false) => crate::ui::text::time(at.timestamp(), utc_offset_secs),
        (None, false) => "never".into(),
    }
}

// ---- the tab in the app ------------------------------------------------------------------

fn tab(state: &mut State) -> &mut SharesTab {
    &mut state.panel.shares
}

pub fn on_show(state: &mut State) -> Vec<Command> {
    tab(state).visible = true;
    refresh(state)
}

pub fn on_hide(state: &mut State) -> Vec<Command> {
    let t = tab(state);
    t.visible = false;
    match t.list_req.take() {
        Some((req, _)) => vec![Command::Cancel { req }],
        None => Vec::new(),
    }
}

pub fn refresh(state: &mut State) -> Vec<Command> {
    let req = state.next_request();
    let t = tab(state);
    let mut commands = Vec::new();
    if let Some((old, _)) = t.list_req.replace((req, false)) {
        commands.push(Command::Cancel { req: old });
    }
    commands.push(Command::ListShares {
        req,
        next_token: None,
    });
    commands
}

/// Rows of the share list in the panel.
pub fn list_rows(state: &State) -> usize {
    let body = super::panel::body(super::panel::area(state.area(), &state.panel));
    (super::panel_tasks::layout(body).rows.height as usize).max(1)
}

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let rows = list_rows(state);
    let t = tab(state);
    if super::panel_tasks::move_cursor(&mut t.cursor, &mut t.offset, t.shares.len(), rows, action) {
        return more_if_at_end(state);
    }
    match action {
        Action::Refresh => refresh(state),
        Action::EditShare => edit(state),
        Action::RevokeShare => ask_revoke(state),
        Action::CopyShareLink => copy(state),
        Action::ShareQr => qr(state),
        Action::OpenShare => open(state),
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

fn more_if_at_end(state: &mut State) -> Vec<Command> {
    let t = tab(state);
    let Some(token) = t.next_token.clone() else {
        return Vec::new();
    };
    if t.list_req.is_some() || t.cursor + 1 < t.shares.len() {
        return Vec::new();
    }
    let req = state.next_request();
    tab(state).list_req = Some((req, true));
    vec![Command::ListShares {
        req,
        next_token: Some(token),
    }]
}

/// The share under the cursor, or nothing (and no redraw) on an empty list.
fn current(state: &mut State) -> Option<Share> {
    let share = tab(state).cursor_share().cloned();
    if share.is_none() {
        state.dirty = false;
    }
    share
}

fn copy(state: &mut State) -> Vec<Command> {
    let Some(share) = current(state) else {
        return Vec::new();
    };
    if !state.clipboard {
        state.toast_error("Copying is turned off (osc52 = false in config.toml)");
        return Vec::new();
    }
    state.toast("Copied the share link to the clipboard");
    vec![Command::CopyToClipboard(share.url)]
}

fn qr(state: &mut State) -> Vec<Command> {
    let Some(share) = current(state) else {
        return Vec::new();
    };
    state.modal = Some(Modal::Qr(QrView {
        title: share.name,
        url: share.url,
    }));
    Vec::new()
}

/// Browses the share, read-only, in the pane beside the panel.
fn open(state: &mut State) -> Vec<Command> {
    let Some(share) = current(state) else {
        return Vec::new();
    };
    let Some(uri) = share_link_to_uri(&share.url) else {
        state.toast_error("The server gave this share a link reve cannot read");
        return Vec::new();
    };
    let pane = super::panel_tasks::result_pane(state);
    state.focus = pane;
    state.panel.focused = false;
    state.navigate(pane, Source::Remote(uri), None)
}

fn ask_revoke(state: &mut State) -> Vec<Command> {
    let Some(share) = current(state) else {
        return Vec::new();
    };
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Revoke the share link?".into(),
        lines: vec![
            share.name.clone(),
            share.url.clone(),
            "The link stops working for everyone who has it.".into(),
        ],
        yes_label: "Revoke".into(),
        danger: false,
        on_yes: Deferred::RevokeShare {
            id: share.id,
            name: share.name,
        },
    }));
    Vec::new()
}

/// The confirmed revoke.
pub fn revoke(state: &mut State, id: String, name: String) -> Vec<Command> {
    let req = state.next_request();
    tab(state).ops.insert(req, ShareOp::Revoke { name });
    vec![Command::RevokeShare { req, id }]
}

// ---- the edit form ---------------------------------------------------------------------

/// The fields of the edit form, in order.
pub const FORM_FIELDS: usize = 3;

/// The edit form: password (empty = none), expiry (empty = keep), download limit
/// (empty = none).
#[derive(Debug, Clone)]
pub struct ShareForm {
    pub id: String,
    /// The share's name (raw).
    pub name: String,
    pub current_password: Option<String>,
    pub current_expiry: Option<Timestamp>,
    pub expired: bool,
    pub password: TextField,
    pub expire: TextField,
    pub downloads: TextField,
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl ShareForm {
    pub fn new(share: &Share) -> ShareForm {
        let password = share.password.clone().filter(|p| !p.is_empty());
        ShareForm {
            id: share.id.clone(),
            name: share.name.clone(),
            current_password: password.clone(),
            current_expiry: share.expires,
            expired: share.expired,
            password: TextField::new(password.as_deref().unwrap_or("")),
            expire: TextField::new(""),
            downloads: TextField::new(
                &share
                    .remain_downloads
                    .filter(|n| *n > 0)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            focus: 0,
            error: None,
        }
    }

    pub fn field_mut(&mut self, i: usize) -> &mut TextField {
        match i {
            0 => &mut self.password,
            1 => &mut self.expire,
            _ => &mut self.downloads,
        }
    }

    /// The edit the fields ask for, or why they cannot be used.
    pub fn edit(&self) -> Result<ShareEdit, String> {
        let typed = self.password.value().trim();
        let password = match (typed.is_empty(), self.current_password.as_deref()) {
            (true, None) => None,
            (true, Some(_)) => Some(None),
            (false, Some(current)) if current == typed => None,
            (false, _) => {
                validate_password(typed)?;
                Some(Some(typed.to_string()))
            }
        };
        let expire = match self.expire.value().trim() {
            "" => ExpiryChange::Keep,
            t if t.eq_ignore_ascii_case("never") => ExpiryChange::Never,
            t => {
                let d = humantime::parse_duration(t).map_err(|_| {
                    format!("expiry: use a duration such as 30m, 12h, 7d or never (not {t:?})")
                })?;
                if d.as_secs() == 0 {
                    return Err("expiry: at least one second".into());
                }
                ExpiryChange::In(d.as_secs())
            }
        };
        let downloads = match self.downloads.value().trim() {
            "" | "0" => None,
            t => Some(t.parse::<u64>().map_err(|_| {
                format!("download limit: a whole number, or empty for none (not {t:?})")
            })?),
        };
        Ok(ShareEdit {
            id: self.id.clone(),
            current_password: self.current_password.clone(),
            password,
            expire,
            downloads,
        })
    }
}

/// The QR code popup of a share link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrView {
    /// The share's name (raw).
    pub title: String,
    pub url: String,
}

fn edit(state: &mut State) -> Vec<Command> {
    let Some(share) = current(state) else {
        return Vec::new();
    };
    state.modal = Some(Modal::ShareForm(Box::new(ShareForm::new(&share))));
    Vec::new()
}

/// Keys of the edit form (its text goes to `on_form_key`).
pub fn on_form_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(Modal::ShareForm(mut form)) = state.modal.take() else {
        state.dirty = false;
        return Vec::new();
    };
    match action {
        Action::Dismiss => return Vec::new(),
        Action::NextField => form.focus = (form.focus + 1) % FORM_FIELDS,
        Action::PrevField => form.focus = (form.focus + FORM_FIELDS - 1) % FORM_FIELDS,
        Action::Submit => match form.edit() {
            Ok(edit) => {
                let req = state.next_request();
                tab(state).ops.insert(
                    req,
                    ShareOp::Edit {
                        name: form.name.clone(),
                    },
                );
                return vec![Command::EditShare { req, edit }];
            }
            Err(why) => form.error = Some(why),
        },
        _ => state.dirty = false,
    }
    state.modal = Some(Modal::ShareForm(form));
    Vec::new()
}

pub fn on_form_key(state: &mut State, key: crossterm::event::KeyEvent) -> Vec<Command> {
    match &mut state.modal {
        Some(Modal::ShareForm(form)) => {
            let focus = form.focus;
            if form.field_mut(focus).handle_key(key) {
                form.error = None;
            } else {
                state.dirty = false;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

pub fn paste_into_form(state: &mut State, text: &str) -> Vec<Command> {
    if let Some(Modal::ShareForm(form)) = &mut state.modal {
        let focus = form.focus;
        form.field_mut(focus).paste(text);
        form.error = None;
    }
    Vec::new()
}

/// Worker answers meant for this tab; `None` when `event` is not about it.
pub fn on_event(state: &mut State, event: &WorkerEvent) -> Option<Vec<Command>> {
    match event {
        WorkerEvent::Shares {
            req,
            shares,
            next_token,
        } => {
            if !tab(state).on_page(*req, shares.clone(), next_token.clone()) {
                state.dirty = false;
            }
            Some(Vec::new())
        }
        WorkerEvent::ShareEdited { req, url, replaced } => {
            let ShareOp::Edit { name } = tab(state).ops.remove(req)? else {
                return Some(Vec::new());
            };
            if *replaced {
                state.toast(format!(
                    "{name}: new link {url} (the password changed; the old link is revoked)"
                ));
            } else {
                state.toast(format!("Updated the share {name}"));
            }
            Some(reload_if_visible(state))
        }
        WorkerEvent::PanelDone { req } => {
            let op = tab(state).ops.remove(req)?;
            if let ShareOp::Revoke { name } = op {
                state.toast(format!("Revoked the share {name}"));
            }
            Some(reload_if_visible(state))
        }
        WorkerEvent::PanelFailed { req, failure } => {
            let t = tab(state);
            if t.list_req.is_some_and(|(r, _)| r == *req) {
                t.list_req = None;
                t.error = Some(failure.clone());
            } else if let Some(op) = t.ops.remove(req) {
                let (verb, name) = match op {
                    ShareOp::Edit { name } => ("change", name),
                    ShareOp::Revoke { name } => ("revoke", name),
                };
                state.toast_error(format!(
                    "Could not {verb} the share {name}: {}",
                    failure.message
                ));
            } else {
                return None;
            }
            Some(Vec::new())
        }
        _ => None,
    }
}

fn reload_if_visible(state: &mut State) -> Vec<Command> {
    if tab(state).visible {
        refresh(state)
    } else {
        Vec::new()
    }
}
