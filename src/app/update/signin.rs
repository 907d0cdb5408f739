//! The sign-in screen: fields, submitting, the 2FA and CAPTCHA steps, and returning here when
//! the session expires (the panes keep their places).

use crate::api::codes;
use crate::api::models::Secret;
use crate::app::action::Action;
use crate::app::command::{CaptchaAnswer, Command, RequestId};
use crate::app::msg::{Account, CaptchaChallenge, Failure};
use crate::app::signin::{Field, Stage};
use crate::app::state::{Screen, State};
use crossterm::event::KeyEvent;

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let form = &mut state.signin;
    match action {
        Action::Submit => return submit(state),
        Action::NextField => form.cycle_focus(1),
        Action::PrevField => form.cycle_focus(-1),
        Action::SignUp | Action::ResetPassword => {
            return crate::app::settings::start_sign_in_help(state, action);
        }
        Action::Back => {
            if matches!(form.stage, Stage::SecondFactor { .. }) {
                form.stage = Stage::Credentials;
                form.code.set("");
                form.focus = Field::Password;
                form.error = None;
                form.busy = None;
            } else {
                state.dirty = false;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

pub fn on_text_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let form = &mut state.signin;
    let focus = form.focus;
    if !form.field_mut(focus).handle_key(key) {
        state.dirty = false;
    }
    Vec::new()
}

fn submit(state: &mut State) -> Vec<Command> {
    if state.signin.busy.is_some() {
        state.dirty = false;
        return Vec::new();
    }
    if let Some(empty) = state.signin.first_empty() {
        let form = &mut state.signin;
        form.focus = empty;
        form.error = Some(format!("Fill in the {}", empty.label().to_lowercase()));
        return Vec::new();
    }
    let req = state.next_request();
    let form = &mut state.signin;
    form.busy = Some(req);
    form.error = None;
    match &form.stage {
        Stage::SecondFactor { session } => vec![Command::SecondFactor {
            req,
            session: session.clone(),
            code: form.code.value().trim().to_string(),
        }],
        Stage::Credentials => {
            let server = with_scheme(form.server.value().trim());
            form.server.set(&server);
            vec![Command::SignIn {
                req,
                server,
                email: form.email.value().trim().to_string(),
                password: Secret::new(form.password.value()),
                captcha: form.challenge.as_ref().map(|c| CaptchaAnswer {
                    ticket: c.ticket.clone(),
                    text: form.captcha.value().trim().to_string(),
                }),
            }]
        }
    }
}

/// `drive.example.com` means `https://drive.example.com`.
pub(crate) fn with_scheme(server: &str) -> String {
    if server.contains("://") {
        server.to_string()
    } else {
        format!("https://{server}")
    }
}

fn is_current(state: &State, req: RequestId) -> bool {
    state.signin.busy == Some(req)
}

pub fn signed_in(state: &mut State, req: RequestId, account: Account) -> Vec<Command> {
    if !is_current(state, req) {
        state.dirty = false;
        return Vec::new();
    }
    let form = &mut state.signin;
    form.busy = None;
    form.error = None;
    form.notice = None;
    form.password.set("");
    form.code.set("");
    form.captcha.set("");
    form.challenge = None;
    form.stage = Stage::Credentials;
    state.account = account;
    state.screen = Screen::Browser;
    state.toast(format!("Signed in as {}", state.account.email));
    state.load_panes()
}

pub fn two_factor_required(state: &mut State, req: RequestId, session: String) -> Vec<Command> {
    if !is_current(state, req) {
        state.dirty = false;
        return Vec::new();
    }
    let form = &mut state.signin;
    form.busy = None;
    form.stage = Stage::SecondFactor { session };
    form.focus = Field::Code;
    form.code.set("");
    Vec::new()
}

pub fn captcha_required(
    state: &mut State,
    req: RequestId,
    challenge: CaptchaChallenge,
) -> Vec<Command> {
    if !is_current(state, req) {
        state.dirty = false;
        return Vec::new();
    }
    let form = &mut state.signin;
    form.busy = None;
    let again = form.challenge.is_some();
    form.challenge = Some(challenge);
    form.captcha.set("");
    form.focus = Field::Captcha;
    form.error = Some(if again {
        "Wrong CAPTCHA; here is a new one".into()
    } else {
        "This server asks for a CAPTCHA: type the characters in the picture".into()
    });
    Vec::new()
}

pub fn failed(state: &mut State, req: RequestId, failure: Failure) -> Vec<Command> {
    if !is_current(state, req) {
        state.dirty = false;
        return Vec::new();
    }
    let form = &mut state.signin;
    form.busy = None;
    form.error = Some(failure.message.clone());
    match form.stage {
        Stage::SecondFactor { .. } if failure.is(codes::INCORRECT_2FA_CODE) => {
            form.code.set("");
            form.focus = Field::Code;
        }
        Stage::SecondFactor { .. } => {}
        Stage::Credentials if failure.is(codes::LOGIN_FAILED) => form.focus = Field::Password,
        Stage::Credentials => {}
    }
    Vec::new()
}

/// The session cannot be refreshed: back to the sign-in screen. The panes keep their
/// folders and reload after the next sign-in; the live streams are dropped with the session.
pub fn session_expired(state: &mut State) -> Vec<Command> {
    let mut commands = Vec::new();
    for pane in &mut state.panes {
        if let Some(loading) = pane.loading.take() {
            commands.push(Command::Cancel { req: loading.req });
        }
        if let Some(watch) = pane.watch.take() {
            commands.push(Command::Unwatch { watch });
        }
    }
    state.ops.clear();
    state.info_req = None;
    state.modal = None;
    state.filter_editing = false;
    state.screen = Screen::SignIn;
    let form = &mut state.signin;
    form.busy = None;
    form.stage = Stage::Credentials;
    form.password.set("");
    form.focus = Field::Password;
    form.error = None;
    form.notice =
        Some("Your session has expired. Sign in again; your panes stay where they were.".into());
    commands
}
