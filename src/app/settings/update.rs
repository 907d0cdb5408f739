//! The settings screen's part of `update`: keys, forms, confirmations and the worker's answers.
//! Pure like the rest of the reducer; every request is a `Command::Settings` tagged with an id
//! from the state's counter, and answers nobody waits for are dropped.

use super::{
    AvatarPicture, AvatarView, ConfirmAction, FieldValue, Form, FormField, FormPurpose, Note,
    PrefField, Row, SettingsCall, SettingsConfirm, SettingsReply, SettingsState, Tab, Waiting,
    tab_index,
};
use crate::account;
use crate::api::codes;
use crate::api::models::{DavAccountRequest, Secret};
use crate::api::uri::CrUri;
use crate::app::action::{Action, Context};
use crate::app::command::{Command, RequestId};
use crate::app::msg::Failure;
use crate::app::state::{Screen, State};
use crate::app::update::signin;
use crossterm::event::{KeyCode, KeyEvent};

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

fn request(state: &mut State, waiting: Waiting, call: SettingsCall) -> Command {
    let req = state.next_request();
    state.settings.waiting.insert(req, waiting);
    Command::Settings { req, call }
}

fn note(state: &mut State, text: impl Into<String>) {
    state.settings.note = Some(Note {
        text: text.into(),
        is_error: false,
    });
}

fn note_error(state: &mut State, text: impl Into<String>) {
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
            Some(row @ (Row::Dav(_) | Row::Passkey(_))) => ask_removal(state, row),
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

fn no_change(state: &mut State) -> Vec<Command> {
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
    if tab == Tab::WebDav && s.dav.is_none() && !s.waiting.values().any(|w| *w == Waiting::Dav)
    {
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
fn clamp_cursors(s: &mut SettingsState) {
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
        row @ Row::Passkey(_) => return ask_removal(state, row),
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
    note(
        state,
        "Copied the WebDAV address, user name and password",
    );
    vec![Command::CopyToClipboard(text)]
}

/// Where WebDAV clients connect (session-and-user.md §8.6).
pub fn dav_url(server: &str) -> String {
    format!("{}/dav/", server.trim_end_matches('/'))
}

fn save_pref(state: &mut State, field: PrefField, value: &str, from_form: bool) -> Vec<Command> {
    match account::setting_patch(field.key(), value) {
        Ok(patch) => {
            let waiting = if from_form { Waiting::Form } else { Waiting::Row };
            let command = request(state, waiting, SettingsCall::Patch(patch));
            state.settings.pending_key = Some(field.key());
            mark_form_busy(state, &command);
            vec![command]
        }
        Err(e) => {
            form_or_note_error(state, e);
            Vec::new()
        }
    }
}

fn mark_form_busy(state: &mut State, command: &Command) {
    if let (Some(form), Command::Settings { req, .. }) = (&mut state.settings.form, command) {
        form.busy = Some(*req);
        form.error = None;
    }
}

fn form_or_note_error(state: &mut State, text: String) {
    match &mut state.settings.form {
        Some(form) => form.error = Some(text),
        None => note_error(state, text),
    }
}

fn on_form_action(state: &mut State, action: Action) -> Vec<Command> {
    let Some(form) = &mut state.settings.form else {
        return no_change(state);
    };
    let n = form.fields.len().max(1);
    match action {
        Action::Dismiss => {
            state.settings.form = None;
            Vec::new()
        }
        Action::NextField => {
            form.focus = (form.focus + 1) % n;
            Vec::new()
        }
        Action::PrevField => {
            form.focus = (form.focus + n - 1) % n;
            Vec::new()
        }
        Action::Submit => submit(state),
        _ => no_change(state),
    }
}

fn submit(state: &mut State) -> Vec<Command> {
    let Some(form) = &state.settings.form else {
        return no_change(state);
    };
    if form.busy.is_some() {
        return no_change(state);
    }
    let purpose = form.purpose.clone();
    let v = |i: usize| form.value(i).to_string();
    let call = match purpose {
        FormPurpose::Nickname => {
            let nick = v(0);
            return match account::setting_patch("nickname", nick.trim()) {
                Ok(patch) => {
                    let command = request(state, Waiting::Form, SettingsCall::Patch(patch));
                    state.settings.pending_key = Some("nickname");
                    mark_form_busy(state, &command);
                    vec![command]
                }
                Err(e) => {
                    form_or_note_error(state, e);
                    Vec::new()
                }
            };
        }
        FormPurpose::Pref(field) => return save_pref(state, field, v(0).trim(), true),
        FormPurpose::AvatarPath => {
            let text = v(0);
            let text = text.trim();
            if text.is_empty() {
                form_or_note_error(state, "Type the path of a PNG, JPEG, GIF or WebP file".into());
                return Vec::new();
            }
            SettingsCall::UploadAvatar {
                path: resolve_path(state, text),
            }
        }
        FormPurpose::Password => {
            let (current, new, again) = (v(0), v(1), v(2));
            if current.is_empty() {
                form_or_note_error(state, "Type the current password".into());
                return Vec::new();
            }
            if let Err(e) = account::check_new_password(&new, &again) {
                form_or_note_error(state, capitalized(&e));
                return Vec::new();
            }
            SettingsCall::ChangePassword {
                email: state.account.email.clone(),
                current: Secret::new(current),
                new: Secret::new(new),
            }
        }
        FormPurpose::TwoFaEnable { .. } | FormPurpose::TwoFaDisable => {
            let code = v(0).trim().to_string();
            if code.is_empty() {
                form_or_note_error(state, "Type the code from the authenticator app".into());
                return Vec::new();
            }
            SettingsCall::SetTwoFa {
                enabled: matches!(purpose, FormPurpose::TwoFaEnable { .. }),
                code,
            }
        }
        FormPurpose::Dav { id } => {
            let form = state.settings.form.as_ref().expect("checked above");
            let name = v(0).trim().to_string();
            if name.is_empty() {
                form_or_note_error(state, "Give the account a name".into());
                return Vec::new();
            }
            let root = match CrUri::from_user_input(v(1).trim()) {
                Ok(u) => u,
                Err(e) => {
                    form_or_note_error(state, format!("Root folder: {e}"));
                    return Vec::new();
                }
            };
            let request = DavAccountRequest {
                uri: root.to_string(),
                name,
                readonly: form.fields.get(2).is_some_and(FormField::is_on),
                proxy: form.fields.get(3).is_some_and(FormField::is_on),
                disable_sys_files: false,
            };
            match id {
                Some(id) => SettingsCall::UpdateDav { id, request },
                None => SettingsCall::CreateDav(request),
            }
        }
        FormPurpose::GiftCode => {
            let code = v(0).trim().to_string();
            if code.is_empty() {
                form_or_note_error(state, "Type the gift code".into());
                return Vec::new();
            }
            SettingsCall::GiftCheck { code }
        }
    };
    let command = request(state, Waiting::Form, call);
    mark_form_busy(state, &command);
    vec![command]
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `~/x` is in the home folder; a relative path is relative to where reve was started.
fn resolve_path(state: &State, text: &str) -> std::path::PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return std::path::PathBuf::from(home).join(rest);
    }
    let path = std::path::PathBuf::from(text);
    if path.is_absolute() {
        path
    } else {
        state.cwd.join(path)
    }
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
                ConfirmAction::DeleteDav { id } => SettingsCall::DeleteDav { id },
                ConfirmAction::SignOut => SettingsCall::SignOut,
                ConfirmAction::Redeem { code } => SettingsCall::GiftRedeem { code },
            };
            vec![request(state, Waiting::Row, call)]
        }
        _ => no_change(state),
    }
}

pub fn on_text_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let Some(form) = &mut state.settings.form else {
        return no_change(state);
    };
    let changed = match form.fields.get_mut(form.focus).map(|f| &mut f.value) {
        Some(FieldValue::Text(t)) => t.handle_key(key),
        Some(FieldValue::Toggle(on)) if key.code == KeyCode::Char(' ') => {
            *on = !*on;
            true
        }
        _ => false,
    };
    if !changed {
        state.dirty = false;
    }
    Vec::new()
}

pub fn on_paste(state: &mut State, text: &str) -> Vec<Command> {
    let Some(form) = &mut state.settings.form else {
        return no_change(state);
    };
    if let Some(FieldValue::Text(t)) = form.fields.get_mut(form.focus).map(|f| &mut f.value) {
        t.paste(text);
    }
    Vec::new()
}

// ---- answers ------------------------------------------------------------------------------

pub fn on_reply(
    state: &mut State,
    req: RequestId,
    reply: Result<SettingsReply, Failure>,
) -> Vec<Command> {
    let Some(waiting) = state.settings.waiting.remove(&req) else {
        return no_change(state);
    };
    match reply {
        Ok(reply) => on_success(state, req, reply),
        Err(failure) => on_failure(state, req, waiting, failure),
    }
}

fn on_failure(
    state: &mut State,
    req: RequestId,
    waiting: Waiting,
    failure: Failure,
) -> Vec<Command> {
    if failure.signed_out {
        let mut commands = close(state);
        commands.extend(signin::session_expired(state));
        return commands;
    }
    let s = &mut state.settings;
    if let Some(form) = &mut s.form
        && form.busy == Some(req)
    {
        form.busy = None;
        form.error = Some(explain(&form.purpose, &failure));
        if matches!(
            form.purpose,
            FormPurpose::TwoFaEnable { .. } | FormPurpose::TwoFaDisable
        ) && let Some(FormField {
            value: FieldValue::Text(t),
            ..
        }) = form.fields.get_mut(0)
        {
            t.set("");
        }
        return Vec::new();
    }
    match waiting {
        Waiting::Avatar => {
            let letters = initials(s);
            s.avatar = AvatarView::Initials {
                letters,
                note: Some(format!("Cannot load the picture: {}", failure.message)),
            };
        }
        Waiting::Load => note_error(
            state,
            format!("Cannot load the settings: {}", failure.message),
        ),
        Waiting::Dav => note_error(
            state,
            format!("Cannot list the WebDAV accounts: {}", failure.message),
        ),
        Waiting::Row | Waiting::Form => note_error(state, failure.message),
    }
    Vec::new()
}

/// The refusal as the user should read it: the well-known codes in words, the server's own
/// message kept.
fn explain(purpose: &FormPurpose, failure: &Failure) -> String {
    match purpose {
        FormPurpose::Password if failure.is(codes::INCORRECT_PASSWORD) => {
            format!("The current password is wrong: {}", failure.message)
        }
        FormPurpose::TwoFaEnable { .. } | FormPurpose::TwoFaDisable
            if failure.is(codes::INCORRECT_2FA_CODE) =>
        {
            format!("Wrong code, try the next one: {}", failure.message)
        }
        FormPurpose::AvatarPath if failure.is(codes::PARAM_ERROR) => {
            format!("The server refused the picture: {}", failure.message)
        }
        _ => failure.message.clone(),
    }
}

fn initials(s: &SettingsState) -> String {
    let nick = s
        .profile
        .as_ref()
        .map(|p| p.user.nickname.as_str())
        .unwrap_or("");
    crate::avatar::initials(nick)
}

fn close_form(state: &mut State, req: RequestId) {
    if state
        .settings
        .form
        .as_ref()
        .is_some_and(|f| f.busy == Some(req))
    {
        state.settings.form = None;
    }
}

fn on_success(state: &mut State, req: RequestId, reply: SettingsReply) -> Vec<Command> {
    match reply {
        SettingsReply::Loaded(profile) => {
            let first = state.settings.profile.is_none();
            state.account.nickname = profile.user.nickname.clone();
            let user_id = profile.user.id.clone();
            state.settings.profile = Some(*profile);
            if !state.settings.tabs().contains(&state.settings.current_tab()) {
                state.settings.tab = Some(Tab::Profile);
            }
            clamp_cursors(&mut state.settings);
            if first || matches!(state.settings.avatar, AvatarView::Loading) {
                return vec![request(
                    state,
                    Waiting::Avatar,
                    SettingsCall::Avatar {
                        user_id,
                        nocache: false,
                    },
                )];
            }
        }
        SettingsReply::Avatar(picture) => {
            let letters = initials(&state.settings);
            state.settings.avatar = match picture {
                AvatarPicture::None => AvatarView::Initials {
                    letters,
                    note: None,
                },
                AvatarPicture::Uploaded(image) => AvatarView::Picture {
                    image,
                    generation: req.0,
                    gravatar: false,
                },
                AvatarPicture::Gravatar { image: Ok(image), .. } => AvatarView::Picture {
                    image,
                    generation: req.0,
                    gravatar: true,
                },
                AvatarPicture::Gravatar { image: Err(e), .. } => AvatarView::Initials {
                    letters,
                    note: Some(format!("Gravatar is unreachable: {e}")),
                },
            };
        }
        SettingsReply::AvatarSaved => {
            let uploaded = state
                .settings
                .form
                .as_ref()
                .is_some_and(|f| f.busy == Some(req));
            close_form(state, req);
            note(
                state,
                if uploaded {
                    "Profile picture updated"
                } else {
                    "Switched to Gravatar"
                },
            );
            let Some(user_id) = state.settings.profile.as_ref().map(|p| p.user.id.clone()) else {
                return Vec::new();
            };
            state.settings.avatar = AvatarView::Loading;
            // `nocache`: a cache in between would still serve the old picture.
            return vec![
                request(
                    state,
                    Waiting::Avatar,
                    SettingsCall::Avatar {
                        user_id,
                        nocache: true,
                    },
                ),
                request(state, Waiting::Load, SettingsCall::Load),
            ];
        }
        SettingsReply::Saved(profile) => {
            close_form(state, req);
            state.account.nickname = profile.user.nickname.clone();
            state.settings.profile = Some(*profile);
            let key = state.settings.pending_key.take();
            let shown = key.and_then(|k| {
                let field = PrefField::ALL.into_iter().find(|f| f.key() == k);
                let p = state.settings.profile.as_ref()?;
                let value = account::settings_view(&p.user, &p.settings)
                    .into_iter()
                    .find(|(key, _)| *key == k)?
                    .1;
                let label = field.map_or("Nickname", PrefField::label);
                Some(format!("Saved. {label}: {value}"))
            });
            note(state, shown.unwrap_or_else(|| "Saved".into()));
        }
        SettingsReply::PasswordChanged { signed_in_again } => {
            close_form(state, req);
            note(
                state,
                if signed_in_again {
                    "Password changed. Other devices are signed out; this one is signed in again."
                } else {
                    "Password changed. Every device is signed out: sign in again here when asked."
                },
            );
        }
        SettingsReply::TwoFaSecret { secret, uri } => {
            let qr = crate::qr::render(&uri, crate::qr::QrStyle::DarkBackground)
                .map(|t| t.lines().map(str::to_string).collect())
                .unwrap_or_default();
            state.settings.note = None;
            state.settings.form = Some(Form::new(
                "Turn two-factor authentication on",
                FormPurpose::TwoFaEnable { secret, uri, qr },
                vec![FormField::text("Code", "")],
            ));
        }
        SettingsReply::TwoFaSet { enabled } => {
            close_form(state, req);
            if let Some(p) = &mut state.settings.profile {
                p.settings.two_fa_enabled = enabled;
            }
            note(
                state,
                if enabled {
                    "Two-factor authentication is on: sign-ins now ask for a code"
                } else {
                    "Two-factor authentication is off"
                },
            );
        }
        SettingsReply::PasskeyDeleted { id } => {
            if let Some(p) = &mut state.settings.profile {
                p.settings.passkeys.retain(|k| k.id != id);
            }
            clamp_cursors(&mut state.settings);
            note(state, "Passkey deleted");
        }
        SettingsReply::SignedOut { revoked } => return sign_out_done(state, revoked),
        SettingsReply::Dav(accounts) => {
            state.settings.dav = Some(accounts);
            clamp_cursors(&mut state.settings);
        }
        SettingsReply::DavSaved(account) => {
            close_form(state, req);
            let name = account.name.clone();
            let list = state.settings.dav.get_or_insert_with(Vec::new);
            match list.iter_mut().find(|a| a.id == account.id) {
                Some(a) => *a = *account,
                None => {
                    list.push(*account);
                    let at = list.len() - 1;
                    state.settings.cursor[tab_index(Tab::WebDav)] = at;
                }
            }
            note(state, format!("WebDAV account “{name}” saved"));
        }
        SettingsReply::DavDeleted { id } => {
            if let Some(list) = &mut state.settings.dav {
                list.retain(|a| a.id != id);
            }
            state.settings.revealed.remove(&id);
            clamp_cursors(&mut state.settings);
            note(state, "WebDAV account deleted");
        }
        SettingsReply::Gift { code, summary } => {
            close_form(state, req);
            state.settings.confirm = Some(SettingsConfirm {
                title: "Redeem the gift code".into(),
                lines: vec![summary, "Redeem it now?".into()],
                action: ConfirmAction::Redeem { code },
                danger: false,
            });
        }
        SettingsReply::Redeemed { .. } => {
            note(state, "Gift code redeemed");
            return vec![request(state, Waiting::Load, SettingsCall::Load)];
        }
    }
    Vec::new()
}

/// This device signed out: back to the sign-in screen with nothing of the old account kept.
pub fn sign_out_done(state: &mut State, revoked: bool) -> Vec<Command> {
    let mut commands = close(state);
    commands.extend(signin::session_expired(state));
    state.settings = SettingsState {
        images: state.settings.images,
        ..SettingsState::default()
    };
    state.capacity = None;
    state.signin.notice = Some(if revoked {
        "Signed out of this device.".into()
    } else {
        "Signed out of this device; the server could not be told, so its session ends when it expires."
            .into()
    });
    commands
}
