//! The settings screen's forms: moving between fields, typing, and turning a submitted form
//! into its request (checked first, so a typo is said in place and costs no round trip).

use super::update::{no_change, note_error, request};
use super::{FieldValue, FormField, FormPurpose, PrefField, SettingsCall, Waiting};
use crate::account;
use crate::api::models::{DavAccountRequest, Secret};
use crate::api::uri::CrUri;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::state::State;
use crossterm::event::{KeyCode, KeyEvent};

pub(super) fn save_pref(
    state: &mut State,
    field: PrefField,
    value: &str,
    from_form: bool,
) -> Vec<Command> {
    match account::setting_patch(field.key(), value) {
        Ok(patch) => {
            let waiting = if from_form {
                Waiting::Form
            } else {
                Waiting::Row
            };
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

pub(super) fn mark_form_busy(state: &mut State, command: &Command) {
    if let (Some(form), Command::Settings { req, .. }) = (&mut state.settings.form, command) {
        form.busy = Some(*req);
        form.error = None;
    }
}

pub(super) fn form_or_note_error(state: &mut State, text: String) {
    match &mut state.settings.form {
        Some(form) => form.error = Some(text),
        None => note_error(state, text),
    }
}

pub(super) fn on_form_action(state: &mut State, action: Action) -> Vec<Command> {
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

pub(super) fn submit(state: &mut State) -> Vec<Command> {
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
                form_or_note_error(
                    state,
                    "Type the path of a PNG, JPEG, GIF or WebP file".into(),
                );
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
        FormPurpose::SignUp { .. }
        | FormPurpose::ResetMail { .. }
        | FormPurpose::ResetLink { .. } => match super::signup::submit_call(form) {
            Ok(call) => call,
            Err(e) => {
                form_or_note_error(state, e);
                return Vec::new();
            }
        },
    };
    let command = request(state, Waiting::Form, call);
    mark_form_busy(state, &command);
    vec![command]
}

pub(super) fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `~/x` is in the home folder; a relative path is relative to where reve was started.
pub(super) fn resolve_path(state: &State, text: &str) -> std::path::PathBuf {
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
