//! The settings screen's state (opened with `,`): tabs for the profile with its picture,
//! preferences, security, WebDAV accounts and, on Pro servers, the account's extras. Each tab
//! is a list of rows; Enter acts on the highlighted one, a form pops up when something must be
//! typed, and every answer or refusal is shown in place.

pub mod call;
mod forms;
mod replies;
pub mod signup;
mod update;

#[cfg(test)]
mod tests;

pub use call::{AvatarPicture, ProInfo, Profile, SettingsCall, SettingsReply};
pub use forms::{on_paste, on_text_key};
pub use replies::{on_reply, sign_out_done};
pub use signup::start as start_sign_in_help;
use update::clamp_cursors;
pub use update::{close, context, dav_url, on_action, open};

use super::command::RequestId;
use super::input::TextField;
use crate::api::models::{DavAccount, Secret};
use image::DynamicImage;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    Preferences,
    Security,
    WebDav,
    /// Pro servers only.
    Account,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Profile,
        Tab::Preferences,
        Tab::Security,
        Tab::WebDav,
        Tab::Account,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Profile => "Profile",
            Tab::Preferences => "Preferences",
            Tab::Security => "Security",
            Tab::WebDav => "WebDAV",
            Tab::Account => "Account",
        }
    }
}

/// A setting of `GET/PATCH /user/setting` on the preferences tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefField {
    VersionRetention,
    VersionMax,
    VersionExt,
    ViewSync,
    ShareLinks,
    Language,
    Theme,
}

impl PrefField {
    pub const ALL: [PrefField; 7] = [
        PrefField::VersionRetention,
        PrefField::VersionMax,
        PrefField::VersionExt,
        PrefField::ViewSync,
        PrefField::ShareLinks,
        PrefField::Language,
        PrefField::Theme,
    ];

    /// The key of `crate::account::setting_patch` (and `reve settings set`).
    pub fn key(self) -> &'static str {
        match self {
            PrefField::VersionRetention => "version_retention",
            PrefField::VersionMax => "version_retention_max",
            PrefField::VersionExt => "version_retention_ext",
            PrefField::ViewSync => "view_sync",
            PrefField::ShareLinks => "share_links_in_profile",
            PrefField::Language => "language",
            PrefField::Theme => "theme",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PrefField::VersionRetention => "Keep old versions",
            PrefField::VersionMax => "Versions kept (0 = all)",
            PrefField::VersionExt => "Only for extensions",
            PrefField::ViewSync => "Sync folder views",
            PrefField::ShareLinks => "Shares on my profile",
            PrefField::Language => "Language",
            PrefField::Theme => "Theme colour",
        }
    }

    /// On/off and choice fields change on Enter; the others open a text field.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            PrefField::VersionRetention | PrefField::ViewSync | PrefField::ShareLinks
        )
    }
}

/// A selectable row of the current tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Nickname,
    UploadAvatar,
    UseGravatar,
    Pref(PrefField),
    ChangePassword,
    TwoFa,
    Passkey(String),
    /// A linked OpenID provider (Pro): 0 Logto, 1 QQ, 2 OIDC.
    OpenId(i64),
    SignOut,
    Dav(String),
    NewDav,
    GiftCode,
}

/// The picture shown on the profile tab.
#[derive(Debug, Clone, Default)]
pub enum AvatarView {
    #[default]
    Loading,
    /// Printed by the loop over the cells the layout reserves; `generation` changes with
    /// every new picture so the loop knows when to print again.
    Picture {
        image: Arc<DynamicImage>,
        generation: u64,
        gravatar: bool,
    },
    /// No picture, or Gravatar unreachable: the initials, and why.
    Initials {
        letters: String,
        note: Option<String>,
    },
}

/// A line under the tab: the server's answer to the last change, or its refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Raw (server text inside); sanitized when drawn.
    pub text: String,
    pub is_error: bool,
}

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Box<TextField>),
    Toggle(bool),
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub label: &'static str,
    pub value: FieldValue,
}

impl FormField {
    pub fn text(label: &'static str, initial: &str) -> FormField {
        FormField {
            label,
            value: FieldValue::Text(Box::new(TextField::new(initial))),
        }
    }

    pub fn secret(label: &'static str) -> FormField {
        FormField {
            label,
            value: FieldValue::Text(Box::new(TextField::default().masked())),
        }
    }

    pub fn toggle(label: &'static str, on: bool) -> FormField {
        FormField {
            label,
            value: FieldValue::Toggle(on),
        }
    }

    pub fn text_value(&self) -> &str {
        match &self.value {
            FieldValue::Text(t) => t.value(),
            FieldValue::Toggle(_) => "",
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self.value, FieldValue::Toggle(true))
    }
}

/// What a form's fields are for.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    Nickname,
    Pref(PrefField),
    AvatarPath,
    Password,
    /// Confirm a new secret with a code; the QR code's lines are made once, here.
    TwoFaEnable {
        secret: Secret,
        uri: String,
        qr: Vec<String>,
    },
    TwoFaDisable,
    /// `None` creates an account.
    Dav {
        id: Option<String>,
    },
    GiftCode,
    /// On the sign-in screen: a new account on `server`.
    SignUp {
        server: String,
        challenge: Option<crate::app::msg::CaptchaChallenge>,
    },
    /// On the sign-in screen: mail a reset link.
    ResetMail {
        server: String,
        challenge: Option<crate::app::msg::CaptchaChallenge>,
    },
    /// On the sign-in screen: the link from the mail and the new password.
    ResetLink {
        server: String,
        email: String,
    },
}

impl FormPurpose {
    /// The CAPTCHA shown with the form, if any.
    pub fn challenge(&self) -> Option<&crate::app::msg::CaptchaChallenge> {
        match self {
            FormPurpose::SignUp { challenge, .. } | FormPurpose::ResetMail { challenge, .. } => {
                challenge.as_ref()
            }
            _ => None,
        }
    }
}

/// A popup form over the tab.
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
    pub purpose: FormPurpose,
    /// Why the last submission was refused (raw; sanitized when drawn).
    pub error: Option<String>,
    /// The submission in flight.
    pub busy: Option<RequestId>,
}

impl Form {
    pub fn new(title: impl Into<String>, purpose: FormPurpose, fields: Vec<FormField>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            purpose,
            error: None,
            busy: None,
        }
    }

    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(FormField::text_value).unwrap_or("")
    }
}

/// What a yes/no question leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmAction {
    UseGravatar,
    DeletePasskey { id: String },
    UnlinkOpenId { provider: i64 },
    DeleteDav { id: String },
    SignOut,
    Redeem { code: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsConfirm {
    pub title: String,
    /// Raw lines; sanitized when drawn.
    pub lines: Vec<String>,
    pub action: ConfirmAction,
    pub danger: bool,
}

/// What a request in flight was for, so its answer lands in the right place.
#[derive(Debug, Clone, PartialEq)]
pub enum Waiting {
    Load,
    Avatar,
    /// A form's submission.
    Form,
    /// A change started from a row (toggle, confirmation).
    Row,
    Dav,
}

#[derive(Debug, Clone, Default)]
pub struct SettingsState {
    pub tab: Option<Tab>,
    /// The highlighted row of each tab.
    pub cursor: [usize; 5],
    pub profile: Option<Profile>,
    pub avatar: AvatarView,
    pub dav: Option<Vec<DavAccount>>,
    /// WebDAV accounts whose password is shown.
    pub revealed: BTreeSet<String>,
    pub form: Option<Form>,
    pub confirm: Option<SettingsConfirm>,
    pub note: Option<Note>,
    pub waiting: BTreeMap<RequestId, Waiting>,
    /// The setting of the change in flight, to show the server's value once saved.
    pub pending_key: Option<&'static str>,
    /// Picture previews are possible (`image_protocol` is not `off`).
    pub images: bool,
}

impl SettingsState {
    pub fn current_tab(&self) -> Tab {
        self.tab.unwrap_or(Tab::Profile)
    }

    /// The tabs this server has (the account tab only on Pro).
    pub fn tabs(&self) -> Vec<Tab> {
        let pro = self.profile.as_ref().is_some_and(|p| p.pro.is_some());
        Tab::ALL
            .into_iter()
            .filter(|t| *t != Tab::Account || pro)
            .collect()
    }

    pub fn is_busy(&self) -> bool {
        !self.waiting.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor[tab_index(self.current_tab())]
    }

    /// The selectable rows of `tab`, top to bottom.
    pub fn rows(&self, tab: Tab) -> Vec<Row> {
        match tab {
            Tab::Profile => vec![Row::Nickname, Row::UploadAvatar, Row::UseGravatar],
            Tab::Preferences => PrefField::ALL.into_iter().map(Row::Pref).collect(),
            Tab::Security => {
                let mut rows = vec![Row::ChangePassword, Row::TwoFa];
                if let Some(p) = &self.profile {
                    rows.extend(
                        p.settings
                            .passkeys
                            .iter()
                            .map(|k| Row::Passkey(k.id.clone())),
                    );
                }
                if let Some(p) = &self.profile {
                    rows.extend(linked_providers(&p.settings).into_iter().map(Row::OpenId));
                }
                rows.push(Row::SignOut);
                rows
            }
            Tab::WebDav => {
                let mut rows: Vec<Row> = self
                    .dav
                    .iter()
                    .flatten()
                    .map(|a| Row::Dav(a.id.clone()))
                    .collect();
                rows.push(Row::NewDav);
                rows
            }
            Tab::Account => vec![Row::GiftCode],
        }
    }

    pub fn current_row(&self) -> Option<Row> {
        self.rows(self.current_tab()).get(self.cursor()).cloned()
    }
}

/// The providers of the linked OpenID accounts (`open_id` of a Pro server's settings: a list
/// of objects with a numeric `provider`). Anything else reads as none.
pub fn linked_providers(settings: &crate::api::models::UserSettings) -> Vec<i64> {
    settings
        .open_id
        .as_ref()
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|o| o.get("provider").and_then(|p| p.as_i64()))
                .collect()
        })
        .unwrap_or_default()
}

/// A provider's name as the web UI shows it.
pub fn provider_name(provider: i64) -> String {
    match provider {
        0 => "Logto".into(),
        1 => "QQ".into(),
        2 => "OpenID Connect".into(),
        other => format!("provider {other}"),
    }
}

pub fn tab_index(tab: Tab) -> usize {
    Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0)
}
