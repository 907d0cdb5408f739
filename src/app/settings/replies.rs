//! The worker's answers to the settings screen: each lands where its request came from (the
//! form that sent it, the tab's note, the picture), and answers nobody waits for are dropped.

use super::update::{close, no_change, note, note_error, request};
use super::{
    AvatarPicture, AvatarView, ConfirmAction, FieldValue, Form, FormField, FormPurpose, PrefField,
    SettingsCall, SettingsConfirm, SettingsReply, SettingsState, Tab, Waiting, clamp_cursors,
    tab_index,
};
use crate::account;
use crate::api::codes;
use crate::app::command::{Command, RequestId};
use crate::app::msg::Failure;
use crate::app::state::{Screen, State};
use crate::app::update::signin;

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
    if failure.signed_out && state.screen != Screen::SignIn {
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
    if state.screen == Screen::SignIn {
        // A sign-up or reset question the server refused: said on the sign-in form.
        state.signin.error = Some(failure.message);
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
    crate::avatar::initials(&without_escapes(nick))
}

/// `nick` without terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`) and
/// other control characters, so the initials come from the visible name.
pub(super) fn without_escapes(nick: &str) -> String {
    let mut out = String::new();
    let mut chars = nick.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    // Parameters and intermediates, up to the final byte (@ to ~).
                    for p in chars.by_ref() {
                        if ('@'..='~').contains(&p) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(p) = chars.next() {
                        if p == '\x07' || (p == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}') => {}
            c => out.push(c),
        }
    }
    out
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
            if !state
                .settings
                .tabs()
                .contains(&state.settings.current_tab())
            {
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
                AvatarPicture::Gravatar {
                    image: Ok(image), ..
                } => AvatarView::Picture {
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
        SettingsReply::OpenIdUnlinked { provider } => {
            if let Some(list) = state
                .settings
                .profile
                .as_mut()
                .and_then(|p| p.settings.open_id.as_mut())
                .and_then(|v| v.as_array_mut())
            {
                list.retain(|o| o.get("provider").and_then(|p| p.as_i64()) != Some(provider));
            }
            clamp_cursors(&mut state.settings);
            note(
                state,
                format!("{} account unlinked", super::provider_name(provider)),
            );
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
        reply @ (SettingsReply::SignInHelp { .. }
        | SettingsReply::SignedUp { .. }
        | SettingsReply::ResetMailSent { .. }
        | SettingsReply::PasswordReset
        | SettingsReply::NewCaptcha { .. }) => return super::signup::on_reply(state, req, reply),
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
