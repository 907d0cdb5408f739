//! The settings screen's part of `update`: keys, tabs, rows, forms and confirmations.
//! Pure like the rest of the reducer; every request is a `Command::Settings` tagged with an id
//! from the state's counter, and answers nobody waits for are dropped.

use super::forms::{on_form_action, save_pref};
use super::{
    ConfirmAction, Form, FormField, FormPurpose, Note, PrefField, Row, SettingsCall,
    SettingsConfirm, SettingsState, Tab, Waiting, tab_index,
};
use crate::account;
use crate::api::uri::CrUri;
use crate::app::action::{Action, Context};
use crate::app::command::Command;
use crate::app::state::{Screen, State};
/// Opens the screen on its last tab and loads the profile (always fresh: it may have changed
/// in the web UI meanwhile).
pub fn open(state: &mut State) -> Vec<Command> {
    state.screen = Screen::Settings;
    let s = &mut state.settings;
    s.note = None;
    s.form = None;
    s.confirm = None;
    s.tab.get_or_insert(Tab::Profile);
    let mut commands = vec![request(state, Waiting::Load, SettingsCall::Load)];
    if state.settings.current_tab() == Tab::WebDav {
        commands.push(request(state, Waiting::Dav, SettingsCall::ListDav));
    }
    commands
}

/// Back to the panes; requests in flight are cancelled.
pub fn close(state: &mut State) -> Vec<Command> {
    state.screen = Screen::Browser;
    let s = &mut state.settings;
    s.form = None;
    s.confirm = None;
    s.note = None;
    std::mem::take(&mut s.waiting)
        .into_keys()
        .map(|req| Command::Cancel { req })
        .collect()
}

/// Which key table applies on the settings screen.
pub fn context(state: &State) -> Context {
    let s = &state.settings;
    if s.form.is_some() {
        Context::SettingsForm
    } else if let Some(c) = &s.confirm {
        if c.danger {
            Context::Danger
        } else {
            Context::Dialog
        }
    } else {
        Context::Settings
    }
}

pub(super) fn request(state: &mut State, waiting: Waiting, call: SettingsCall) -> Command {
    let req = state.next_request();
    state.settings.waiting.insert(req, waiting);
    Command::Settings { req, call }
}

pub(super) fn note(state: &mut State, text: impl Into<String>) {
    state.settings.note = Some(Note {
        text: text.into(),
        is_error: false,
    });
}

pub(super) fn note_error(state: &mut State, text: impl Into<String>) {
    state.settings.note = Some(Note {
        text: text.into(),
        is_error: true,
    });
}

pub fn on_action(state: &mut State, context: Context, action: Action) -> Vec<Command> {
    match context {
        Context::SettingsForm => on_form_action(state, action),
        Context::Dialog | Context::Danger => on_confirm_action(state, action),
        _ => on_tab_action(state, action),
    }
}

fn on_tab_action(state: &mut State, action: Action) -> Vec<Command> {
    let tabs = state.settings.tabs();
    let at = tabs
        .iter()
        .position(|t| *t == state.settings.current_tab())
        .unwrap_or(0);
    match action {
        Action::CloseSettings => close(state),
        Action::NextTab => set_tab(state, tabs[(at + 1) % tabs.len()]),
        Action::PrevTab => set_tab(state, tabs[(at + tabs.len() - 1) % tabs.len()]),
        Action::TabProfile => set_tab(state, Tab::Profile),
        Action::TabPreferences => set_tab(state, Tab::Preferences),
        Action::TabSecurity => set_tab(state, Tab::Security),
        Action::TabWebdav => set_tab(state, Tab::WebDav),
        Action::TabAccount => set_tab(state, Tab::Account),
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::Refresh => {
            let mut commands = vec![request(state, Waiting::Load, SettingsCall::Load)];
            // The picture too: it may have been changed in the web interface.
            if let Some(user_id) = state.settings.profile.as_ref().map(|p| p.user.id.clone()) {
                commands.push(request(
                    state,
                    Waiting::Avatar,
                    SettingsCall::Avatar {
                        user_id,
                        nocache: true,
                    },
                ));
            }
            if state.settings.current_tab() == Tab::WebDav {
                commands.push(request(state, Waiting::Dav, SettingsCall::ListDav));
            }
            commands
        }
        Action::Activate => match state.settings.current_row() {
            Some(row) => activate(state, row),
            None => no_change(state),
        },
        Action::UploadAvatar => activate(state, Row::UploadAvatar),
        Action::UseGravatar => activate(state, Row::UseGravatar),
        Action::CreateItem if state.settings.current_tab() == Tab::WebDav => {
            activate(state, Row::NewDav)
        }
        Action::RemoveItem => match state.settings.current_row() {
            Some(row @ (Row::Dav(_) | Row::Passkey(_) | Row::OpenId(_))) => ask_removal(state, row),
            _ => no_change(state),
        },
        Action::Reveal => match state.settings.current_row() {
            Some(Row::Dav(id)) => {
                let revealed = &mut state.settings.revealed;
                if !revealed.remove(&id) {
                    revealed.insert(id);
                }
                Vec::new()
            }
            _ => no_change(state),
        },
        Action::CopyCredentials => copy_dav(state),
        _ => no_change(state),
    }
}

pub(super) fn no_change(state: &mut State) -> Vec<Command> {
    state.dirty = false;
    Vec::new()
}

fn set_tab(state: &mut State, tab: Tab) -> Vec<Command> {
    if !state.settings.tabs().contains(&tab) {
        note(
            state,
            "The account tab needs a Cloudreve Pro server; this one does not have it",
        );
        return Vec::new();
    }
    let s = &mut state.settings;
    s.tab = Some(tab);
    s.note = None;
    if tab == Tab::WebDav && s.dav.is_none() && !s.waiting.values().any(|w| *w == Waiting::Dav) {
        return vec![request(state, Waiting::Dav, SettingsCall::ListDav)];
    }
    Vec::new()
}

fn move_cursor(state: &mut State, delta: isize) -> Vec<Command> {
    let s = &mut state.settings;
    let n = s.rows(s.current_tab()).len();
    let i = tab_index(s.current_tab());
    let at = (s.cursor[i] as isize + delta).clamp(0, n.saturating_sub(1) as isize) as usize;
    if at == s.cursor[i] {
        return no_change(state);
    }
    s.cursor[i] = at;
    Vec::new()
}

/// Keeps every tab's cursor on a row after the lists changed.
pub(super) fn clamp_cursors(s: &mut SettingsState) {
    for tab in Tab::ALL {
        let n = s.rows(tab).len();
        let c = &mut s.cursor[tab_index(tab)];
        *c = (*c).min(n.saturating_sub(1));
    }
}

/// The value the server has for a preference, as `reve settings get` shows it.
fn pref_value(s: &SettingsState, field: PrefField) -> Option<String> {
    let p = s.profile.as_ref()?;
    account::settings_view(&p.user, &p.settings)
        .into_iter()
        .find(|(k, _)| *k == field.key())
        .map(|(_, v)| v)
}

fn open_form(state: &mut State, title: &str, purpose: FormPurpose, fields: Vec<FormField>) {
    state.settings.note = None;
    state.settings.form = Some(Form::new(title, purpose, fields));
}

fn activate(state: &mut State, row: Row) -> Vec<Command> {
    let loaded = state.settings.profile.is_some();
    match row {
        Row::Nickname if loaded => {
            let nick = state
                .settings
                .profile
                .as_ref()
                .map(|p| p.user.nickname.clone())
                .unwrap_or_default();
            open_form(
                state,
                "Nickname",
                FormPurpose::Nickname,
                vec![FormField::text("Nickname", &nick)],
            );
        }
        Row::UploadAvatar => {
            let path = highlighted_local_file(state).unwrap_or_default();
            open_form(
                state,
                "New profile picture",
                FormPurpose::AvatarPath,
                vec![FormField::text("Image file", &path)],
            );
        }
        Row::UseGravatar => {
            state.settings.confirm = Some(SettingsConfirm {
                title: "Use Gravatar".into(),
                lines: vec![
                    "Remove the uploaded picture and show the Gravatar of your e-mail address instead?".into(),
                ],
                action: ConfirmAction::UseGravatar,
                danger: false,
            });
        }
        Row::Pref(field) if loaded && field.is_choice() => {
            let current = pref_value(&state.settings, field).unwrap_or_default();
            let next = match (field, current.as_str()) {
                (PrefField::ShareLinks, "default") => "all_share",
                (PrefField::ShareLinks, "all_share") => "hide_share",
                (PrefField::ShareLinks, _) => "default",
                (_, "on") => "off",
                _ => "on",
            };
            return save_pref(state, field, next, false);
        }
        Row::Pref(field) if loaded => {
            let current = pref_value(&state.settings, field).unwrap_or_default();
            open_form(
                state,
                field.label(),
                FormPurpose::Pref(field),
                vec![FormField::text(field.label(), &current)],
            );
        }
        Row::ChangePassword => open_form(
            state,
            "Change the password",
            FormPurpose::Password,
            vec![
                FormField::secret("Current"),
                FormField::secret("New"),
                FormField::secret("New again"),
            ],
        ),
        Row::TwoFa if loaded => {
            let on = state
                .settings
                .profile
                .as_ref()
                .is_some_and(|p| p.settings.two_fa_enabled);
            if on {
                open_form(
                    state,
                    "Turn two-factor authentication off",
                    FormPurpose::TwoFaDisable,
                    vec![FormField::text("Code", "")],
                );
            } else {
                note(state, "Asking the server for a new secret…");
                return vec![request(state, Waiting::Row, SettingsCall::PrepareTwoFa)];
            }
        }
        row @ (Row::Passkey(_) | Row::OpenId(_)) => return ask_removal(state, row),
        Row::SignOut => {
            state.settings.confirm = Some(SettingsConfirm {
                title: "Sign out".into(),
                lines: vec![
                    "Sign this device out? Its session is revoked on the server; other devices stay signed in.".into(),
                ],
                action: ConfirmAction::SignOut,
                danger: false,
            });
        }
        Row::Dav(id) => {
            let Some(a) = state
                .settings
                .dav
                .iter()
                .flatten()
                .find(|a| a.id == id)
                .cloned()
            else {
                return no_change(state);
            };
            let root = CrUri::parse(&a.uri)
                .map(|u| u.display_path())
                .unwrap_or(a.uri.clone());
            open_form(
                state,
                "Edit the WebDAV account",
                FormPurpose::Dav { id: Some(id) },
                dav_fields(&a.name, &root, a.read_only(), a.proxy()),
            );
        }
        Row::NewDav => {
            // The drive folder shown in a pane is the likely root.
            let root = state
                .panes
                .iter()
                .find_map(|p| p.source.remote().map(CrUri::display_path))
                .unwrap_or_else(|| "/".into());
            open_form(
                state,
                "New WebDAV account",
                FormPurpose::Dav { id: None },
                dav_fields("", &root, false, false),
            );
        }
        Row::GiftCode => open_form(
            state,
            "Gift code",
            FormPurpose::GiftCode,
            vec![FormField::text("Code", "")],
        ),
        // Rows that need the profile while it is still loading.
        _ => note(state, "Still loading the profile…"),
    }
    Vec::new()
}

fn dav_fields(name: &str, root: &str, readonly: bool, proxy: bool) -> Vec<FormField> {
    vec![
        FormField::text("Name", name),
        FormField::text("Root folder", root),
        FormField::toggle("Read-only", readonly),
        FormField::toggle("Proxy", proxy),
    ]
}

/// The file under the cursor of a pane showing the local disk: where a new picture most
/// likely comes from.
fn highlighted_local_file(state: &State) -> Option<String> {
    let order = [state.focus, state.other()];
    order.iter().find_map(|&i| {
        let pane = &state.panes[i];
        let dir = pane.source.local()?;
        let entry = pane.cursor_entry().filter(|e| !e.is_folder())?;
        Some(dir.join(entry.name()).display().to_string())
    })
}

fn ask_removal(state: &mut State, row: Row) -> Vec<Command> {
    let s = &state.settings;
    let confirm = match row {
        Row::Dav(id) => {
            let name = s
                .dav
                .iter()
                .flatten()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            SettingsConfirm {
                title: "Delete the WebDAV account".into(),
                lines: vec![format!(
                    "Delete “{name}”? Clients using it can no longer connect."
                )],
                action: ConfirmAction::DeleteDav { id },
                danger: true,
            }
        }
        Row::Passkey(id) => {
            let name = s
                .profile
                .as_ref()
                .and_then(|p| p.settings.passkeys.iter().find(|k| k.id == id))
                .map(|k| k.name.clone())
                .unwrap_or_default();
            SettingsConfirm {
                title: "Delete the passkey".into(),
                lines: vec![format!(
                    "Delete the passkey “{name}”? It can no longer sign in."
                )],
                action: ConfirmAction::DeletePasskey { id },
                danger: true,
            }
        }
        Row::OpenId(provider) => SettingsConfirm {
            title: "Unlink the account".into(),
            lines: vec![format!(
                "Unlink your {} account? It can no longer sign you in.",
                super::provider_name(provider)
            )],
            action: ConfirmAction::UnlinkOpenId { provider },
            danger: true,
        },
        _ => return no_change(state),
    };
    state.settings.confirm = Some(confirm);
    Vec::new()
}

/// The WebDAV address, user name and the highlighted account's password, for a client setup.
fn copy_dav(state: &mut State) -> Vec<Command> {
    let Some(Row::Dav(id)) = state.settings.current_row() else {
        return no_change(state);
    };
    let Some(a) = state.settings.dav.iter().flatten().find(|a| a.id == id) else {
        return no_change(state);
    };
    if !state.clipboard {
        note_error(
            state,
            "Copying is turned off (osc52 = false in config.toml)",
        );
        return Vec::new();
    }
    let text = format!(
        "{}\n{}\n{}",
        dav_url(&state.account.server),
        state.account.email,
        a.password.expose()
    );
    note(state, "Copied the WebDAV address, user name and password");
    vec![Command::CopyToClipboard(text)]
}

/// Where WebDAV clients connect (session-and-user.md §8.6).
pub fn dav_url(server: &str) -> String {
    format!("{}/dav/", server.trim_end_matches('/'))
}

fn on_confirm_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(confirm) = state.settings.confirm.clone() else {
        return no_change(state);
    };
    match action {
        Action::Dismiss => {
            state.settings.confirm = None;
            Vec::new()
        }
        Action::Confirm => {
            state.settings.confirm = None;
            let call = match confirm.action {
                ConfirmAction::UseGravatar => SettingsCall::UseGravatar,
                ConfirmAction::DeletePasskey { id } => SettingsCall::DeletePasskey { id },
                ConfirmAction::UnlinkOpenId { provider } => SettingsCall::UnlinkOpenId { provider },
                ConfirmAction::DeleteDav { id } => SettingsCall::DeleteDav { id },
                ConfirmAction::SignOut => SettingsCall::SignOut,
                ConfirmAction::Redeem { code } => SettingsCall::GiftRedeem { code },
            };
            vec![request(state, Waiting::Row, call)]
        }
        _ => no_change(state),
    }
}
