//! Sign-up and password reset from the sign-in screen. The site's `login` settings decide
//! whether they are offered (`register_enabled`) and whether a CAPTCHA comes with them
//! (`reg_captcha`, `forget_captcha`); the forms are the settings screen's forms, shown over
//! the sign-in screen.

use super::update::{no_change, request};
use super::{Form, FormField, FormPurpose, SettingsCall, SettingsReply, Waiting};
use crate::account;
use crate::api::models::{Secret, SignUpRequest};
use crate::app::action::Action;
use crate::app::command::{CaptchaAnswer, Command, RequestId};
use crate::app::signin::Field;
use crate::app::state::State;
use crate::app::update::signin::with_scheme;

/// `ctrl-n` / `ctrl-r` on the sign-in screen: ask the server in the form what it allows.
pub fn start(state: &mut State, action: Action) -> Vec<Command> {
    if state.signin.busy.is_some() || state.settings.is_busy() {
        return no_change(state);
    }
    let server = state.signin.server.value().trim().to_string();
    if server.is_empty() {
        state.signin.focus = Field::Server;
        state.signin.error = Some("Fill in the server first".into());
        return Vec::new();
    }
    let server = with_scheme(&server);
    state.signin.server.set(&server);
    state.signin.error = None;
    let reset = action == Action::ResetPassword;
    vec![request(
        state,
        Waiting::Row,
        SettingsCall::SignInHelp { server, reset },
    )]
}

fn captcha_field(fields: &mut Vec<FormField>, challenge: bool) {
    if challenge {
        fields.push(FormField::text("CAPTCHA", ""));
    }
}

/// The request a sign-up or reset form sends, or why it cannot be sent yet.
pub(super) fn submit_call(form: &Form) -> Result<SettingsCall, String> {
    let v = |i: usize| form.value(i).trim().to_string();
    let answer = |challenge: &Option<crate::app::msg::CaptchaChallenge>, at: usize| {
        challenge.as_ref().map(|c| CaptchaAnswer {
            ticket: c.ticket.clone(),
            text: v(at),
        })
    };
    match &form.purpose {
        FormPurpose::SignUp { server, challenge } => {
            let email = v(0);
            if !email.contains('@') {
                return Err("Type your e-mail address".into());
            }
            account::check_new_password(form.value(1), form.value(2)).map_err(|e| capital(&e))?;
            let captcha = answer(challenge, 3);
            if captcha.as_ref().is_some_and(|c| c.text.is_empty()) {
                return Err("Type the characters of the CAPTCHA".into());
            }
            Ok(SettingsCall::SignUp {
                server: server.clone(),
                request: SignUpRequest {
                    email,
                    password: Secret::new(form.value(1)),
                    language: None,
                    captcha: captcha.as_ref().map(|c| c.text.clone()),
                    ticket: captcha.map(|c| c.ticket),
                },
            })
        }
        FormPurpose::ResetMail { server, challenge } => {
            let email = v(0);
            if !email.contains('@') {
                return Err("Type your e-mail address".into());
            }
            let captcha = answer(challenge, 1);
            if captcha.as_ref().is_some_and(|c| c.text.is_empty()) {
                return Err("Type the characters of the CAPTCHA".into());
            }
            Ok(SettingsCall::SendReset {
                server: server.clone(),
                email,
                captcha,
            })
        }
        FormPurpose::ResetLink { server, .. } => {
            let (user_id, secret) = reset_link(&v(0))?;
            account::check_new_password(form.value(1), form.value(2)).map_err(|e| capital(&e))?;
            Ok(SettingsCall::ResetPassword {
                server: server.clone(),
                user_id,
                secret,
                password: Secret::new(form.value(1)),
            })
        }
        other => Err(format!("not a sign-in form: {other:?}")),
    }
}

/// The user id and secret of a mailed link (`…/session/reset?id=<uid>&secret=<secret>`).
pub fn reset_link(link: &str) -> Result<(String, String), String> {
    let bad = || "Paste the whole link from the mail (…/session/reset?id=…&secret=…)".to_string();
    let url = url::Url::parse(link.trim()).map_err(|_| bad())?;
    let get = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    match (get("id"), get("secret").or_else(|| get("sign"))) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(bad()),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The answers of the sign-in screen's requests.
pub(super) fn on_reply(state: &mut State, req: RequestId, reply: SettingsReply) -> Vec<Command> {
    let email = state.signin.email.value().trim().to_string();
    match reply {
        SettingsReply::SignInHelp {
            server,
            reset,
            challenge,
        } => {
            let mut fields = vec![FormField::text("E-mail", &email)];
            let (title, purpose) = if reset {
                captcha_field(&mut fields, challenge.is_some());
                (
                    "Forgot the password",
                    FormPurpose::ResetMail { server, challenge },
                )
            } else {
                fields.push(FormField::secret("Password"));
                fields.push(FormField::secret("Again"));
                captcha_field(&mut fields, challenge.is_some());
                (
                    "Create an account",
                    FormPurpose::SignUp { server, challenge },
                )
            };
            state.settings.form = Some(Form::new(title, purpose, fields));
        }
        SettingsReply::SignedUp {
            email,
            activation_required,
        } => {
            close_form(state, req);
            let form = &mut state.signin;
            form.email.set(&email);
            form.password.set("");
            form.focus = Field::Password;
            form.error = None;
            form.notice = Some(if activation_required {
                format!(
                    "Account created. Open the activation link mailed to {email}, then sign in here."
                )
            } else {
                "Account created: sign in with it.".to_string()
            });
        }
        SettingsReply::ResetMailSent { email } => {
            let server = match state.settings.form.as_ref().map(|f| &f.purpose) {
                Some(FormPurpose::ResetMail { server, .. }) => server.clone(),
                _ => return no_change(state),
            };
            state.signin.email.set(&email);
            state.settings.form = Some(Form::new(
                "Set a new password",
                FormPurpose::ResetLink { server, email },
                vec![
                    FormField::text("Mailed link", ""),
                    FormField::secret("New"),
                    FormField::secret("New again"),
                ],
            ));
        }
        SettingsReply::PasswordReset => {
            close_form(state, req);
            let form = &mut state.signin;
            form.password.set("");
            form.focus = Field::Password;
            form.error = None;
            form.notice = Some("Password changed: sign in with the new one.".into());
        }
        SettingsReply::NewCaptcha { challenge, message } => {
            if let Some(form) = &mut state.settings.form
                && form.busy == Some(req)
            {
                form.busy = None;
                form.error = Some(message);
                if let FormPurpose::SignUp { challenge: c, .. }
                | FormPurpose::ResetMail { challenge: c, .. } = &mut form.purpose
                {
                    *c = Some(challenge);
                }
                if let Some(last) = form.fields.last_mut()
                    && last.label == "CAPTCHA"
                    && let super::FieldValue::Text(t) = &mut last.value
                {
                    t.set("");
                    form.focus = form.fields.len() - 1;
                }
            }
        }
        _ => return no_change(state),
    }
    Vec::new()
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
