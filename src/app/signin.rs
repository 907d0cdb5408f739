//! The sign-in screen's state: server, e-mail and password, then a 2FA code when the server
//! answers 203, and a CAPTCHA when the site asks for one. Fields keep their text through
//! errors so a typo never costs the whole form.

use super::command::RequestId;
use super::input::TextField;
use super::msg::CaptchaChallenge;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Server,
    Email,
    Password,
    Captcha,
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Credentials,
    /// The password was right; the account wants a code (`POST /session/token/2fa`).
    SecondFactor {
        session: String,
    },
}

#[derive(Debug, Clone)]
pub struct SignInForm {
    pub server: TextField,
    pub email: TextField,
    pub password: TextField,
    pub captcha: TextField,
    pub code: TextField,
    pub stage: Stage,
    pub focus: Field,
    /// The request in flight.
    pub busy: Option<RequestId>,
    /// The server's refusal, shown in place (raw; sanitized when drawn).
    pub error: Option<String>,
    pub challenge: Option<CaptchaChallenge>,
    /// Why the screen is shown, e.g. after an expired session.
    pub notice: Option<String>,
}

impl SignInForm {
    pub fn new(server: &str, email: &str) -> SignInForm {
        let focus = if server.is_empty() {
            Field::Server
        } else if email.is_empty() {
            Field::Email
        } else {
            Field::Password
        };
        SignInForm {
            server: TextField::new(server),
            email: TextField::new(email),
            password: TextField::default().masked(),
            captcha: TextField::default(),
            code: TextField::default(),
            stage: Stage::Credentials,
            focus,
            busy: None,
            error: None,
            challenge: None,
            notice: None,
        }
    }

    /// The fields shown at this stage, top to bottom.
    pub fn fields(&self) -> Vec<Field> {
        match self.stage {
            Stage::SecondFactor { .. } => vec![Field::Code],
            Stage::Credentials if self.challenge.is_some() => {
                vec![Field::Server, Field::Email, Field::Password, Field::Captcha]
            }
            Stage::Credentials => vec![Field::Server, Field::Email, Field::Password],
        }
    }

    pub fn field(&self, f: Field) -> &TextField {
        match f {
            Field::Server => &self.server,
            Field::Email => &self.email,
            Field::Password => &self.password,
            Field::Captcha => &self.captcha,
            Field::Code => &self.code,
        }
    }

    pub fn field_mut(&mut self, f: Field) -> &mut TextField {
        match f {
            Field::Server => &mut self.server,
            Field::Email => &mut self.email,
            Field::Password => &mut self.password,
            Field::Captcha => &mut self.captcha,
            Field::Code => &mut self.code,
        }
    }

    /// Moves the focus by `step` fields, wrapping around.
    pub fn cycle_focus(&mut self, step: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.focus = fields[((at + step).rem_euclid(n)) as usize];
    }

    /// The first empty field, if any: Enter goes there instead of submitting half a form.
    pub fn first_empty(&self) -> Option<Field> {
        self.fields()
            .into_iter()
            .find(|f| self.field(*f).value().trim().is_empty())
    }
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Server => "Server",
            Field::Email => "E-mail",
            Field::Password => "Password",
            Field::Captcha => "CAPTCHA",
            Field::Code => "2FA code",
        }
    }
}
