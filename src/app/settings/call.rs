//! What the settings screen asks the worker (`Command::Settings`) and what comes back
//! (`WorkerEvent::Settings`). Plain data, like every command and event.

use crate::api::models::{
    Capacity, DavAccount, DavAccountRequest, GroupSummary, NodeSummary, Secret, SettingsPatch,
    StoragePolicy, User, UserSettings,
};
use crate::api::models::{CreditChange, Payment};
use image::DynamicImage;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsCall {
    /// `GET /user/me`, `/user/setting`, `/user/capacity`, and the Pro lists when the server has
    /// them.
    Load,
    /// `GET /user/avatar/:id`, decoded off the loop.
    Avatar {
        user_id: String,
        nocache: bool,
    },
    /// Read, crop, scale and encode a local picture, then `PUT /user/setting/avatar`.
    UploadAvatar {
        path: PathBuf,
    },
    /// `PUT /user/setting/avatar` with an empty body.
    UseGravatar,
    /// `PATCH /user/setting` with one field; answers with the settings as the server has them.
    Patch(SettingsPatch),
    /// Change the password, then sign this device in again with the new one (the change
    /// revokes every refresh token).
    ChangePassword {
        email: String,
        current: Secret,
        new: Secret,
    },
    /// `GET /user/setting/2fa`: a new secret, with the site title for the authenticator app.
    PrepareTwoFa,
    SetTwoFa {
        enabled: bool,
        code: String,
    },
    DeletePasskey {
        id: String,
    },
    /// `DELETE /session/openid/:provider` (Pro).
    UnlinkOpenId {
        provider: i64,
    },
    /// `DELETE /session/token`: revoke this device's refresh token and forget the session.
    SignOut,
    ListDav,
    CreateDav(DavAccountRequest),
    UpdateDav {
        id: String,
        request: DavAccountRequest,
    },
    DeleteDav {
        id: String,
    },
    GiftCheck {
        code: String,
    },
    GiftRedeem {
        code: String,
    },
    // From the sign-in screen, without a session:
    /// Does `server` allow sign-ups (or password resets), and with which CAPTCHA?
    SignInHelp {
        server: String,
        reset: bool,
    },
    SignUp {
        server: String,
        request: crate::api::models::SignUpRequest,
    },
    /// `POST /user/reset`: mail a reset link.
    SendReset {
        server: String,
        email: String,
        captcha: Option<crate::app::command::CaptchaAnswer>,
    },
    /// `PATCH /user/reset/:id` with the id and secret of the mailed link.
    ResetPassword {
        server: String,
        user_id: String,
        secret: String,
        password: Secret,
    },
}

impl SettingsCall {
    /// Calls made from the sign-in screen, without a session.
    pub fn is_anonymous(&self) -> bool {
        matches!(
            self,
            SettingsCall::SignInHelp { .. }
                | SettingsCall::SignUp { .. }
                | SettingsCall::SendReset { .. }
                | SettingsCall::ResetPassword { .. }
        )
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub enum SettingsReply {
    Loaded(Box<Profile>),
    Avatar(AvatarPicture),
    AvatarSaved,
    /// The profile as the server has it after a change.
    Saved(Box<Profile>),
    /// `signed_in_again`: this device has a fresh session with the new password.
    PasswordChanged {
        signed_in_again: bool,
    },
    TwoFaSecret {
        secret: Secret,
        uri: String,
    },
    TwoFaSet {
        enabled: bool,
    },
    PasskeyDeleted {
        id: String,
    },
    OpenIdUnlinked {
        provider: i64,
    },
    /// `revoked`: the server confirmed; otherwise the session was only forgotten here.
    SignedOut {
        revoked: bool,
    },
    Dav(Vec<DavAccount>),
    DavSaved(Box<DavAccount>),
    DavDeleted {
        id: String,
    },
    Gift {
        code: String,
        summary: String,
    },
    Redeemed {
        code: String,
    },
    /// The server allows it; `challenge` when it wants a CAPTCHA with it.
    SignInHelp {
        server: String,
        reset: bool,
        challenge: Option<crate::app::msg::CaptchaChallenge>,
    },
    SignedUp {
        email: String,
        activation_required: bool,
    },
    ResetMailSent {
        email: String,
    },
    PasswordReset,
    /// The CAPTCHA was wrong: a new one, and the server's words.
    NewCaptcha {
        challenge: crate::app::msg::CaptchaChallenge,
        message: String,
    },
}

/// Everything the profile and preferences tabs show.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub user: User,
    pub settings: UserSettings,
    pub capacity: Option<Capacity>,
    /// `None` on a Community server (the Pro routes answer 404).
    pub pro: Option<ProInfo>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProInfo {
    pub policies: Vec<StoragePolicy>,
    pub nodes: Vec<NodeSummary>,
    pub groups: Vec<GroupSummary>,
    pub credit_changes: Vec<CreditChange>,
    pub payments: Vec<Payment>,
}

/// Where the profile picture comes from, decoded.
#[derive(Debug, Clone)]
pub enum AvatarPicture {
    /// The user has none (HTTP 404).
    None,
    Uploaded(Arc<DynamicImage>),
    /// A `302` to Gravatar; `Err` when the picture could not be fetched or decoded.
    Gravatar {
        url: String,
        image: Result<Arc<DynamicImage>, String>,
    },
}
