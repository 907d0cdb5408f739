//! The signed-in user, other users, settings, 2FA, avatar, sign-up, password reset and
//! passkeys (session-and-user.md §3–7).

use super::client::{Client, Request, content_type, seg};
use super::envelope::{self, Reply};
use super::error::{ApiError, snippet};
use super::models::{Capacity, Passkey, Secret, SettingsPatch, SignUpRequest, User, UserSettings};
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

/// Largest avatar answer read into memory (the server's own are 200×200 PNGs).
const MAX_AVATAR_BYTES: u64 = 8 << 20;
/// Largest avatar the server accepts (§6.2).
pub const MAX_AVATAR_UPLOAD: usize = 4 << 20;

/// `GET /user/avatar/:id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Avatar {
    /// The user has none (HTTP 404).
    None,
    /// Use Gravatar: fetch this URL without any Cloudreve token, or show a placeholder.
    Gravatar(String),
    /// An uploaded picture.
    Image {
        bytes: Bytes,
        content_type: Option<String>,
    },
}

/// The answer of a sign-up.
#[derive(Debug, Clone, PartialEq)]
pub enum SignUpOutcome {
    Created(Box<User>),
    /// E-mail activation is on: the account stays inactive until the mailed link is opened.
    ActivationRequired,
}

impl Client {
    /// `GET /user/me`: the signed-in user; also the cheapest check that the tokens work.
    pub async fn me(&self) -> Result<User, ApiError> {
        self.call(Request::get("/user/me")).await
    }

    /// `GET /user/info/:id`: another user's public profile.
    pub async fn user_info(&self, id: &str) -> Result<User, ApiError> {
        self.call(Request::get(format!("/user/info/{}", seg(id))))
            .await
    }

    /// `GET /user/capacity`.
    pub async fn capacity(&self) -> Result<Capacity, ApiError> {
        self.call(Request::get("/user/capacity")).await
    }

    /// `GET /user/search` (at least 2 characters; at most 10 results).
    pub async fn search_users(&self, keyword: &str) -> Result<Vec<User>, ApiError> {
        self.call(Request::get("/user/search").query("keyword", keyword))
            .await
    }

    /// `GET /user/setting`.
    pub async fn settings(&self) -> Result<UserSettings, ApiError> {
        self.call(Request::get("/user/setting")).await
    }

    /// `PATCH /user/setting`: applies the fields that are set.
    pub async fn update_settings(&self, patch: &SettingsPatch) -> Result<(), ApiError> {
        if patch.two_fa_enabled.is_some() && patch.two_fa_code.is_none() {
            // The server panics on this combination (HTTP 500, C2-170).
            return Err(ApiError::Config("two_fa_enabled needs two_fa_code".into()));
        }
        self.call(Request::patch("/user/setting").json(patch)).await
    }

    /// `PATCH /user/setting` with both passwords; revokes every refresh token of the user,
    /// so the client signs in again afterwards.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ApiError> {
        self.update_settings(&SettingsPatch {
            current_password: Some(Secret::new(current)),
            new_password: Some(Secret::new(new)),
            ..Default::default()
        })
        .await
    }

    /// `GET /user/setting/2fa`: a new base32 TOTP secret, remembered by the server for 600 s.
    pub async fn prepare_2fa(&self) -> Result<Secret, ApiError> {
        self.call::<String>(Request::get("/user/setting/2fa"))
            .await
            .map(Secret::new)
    }

    /// Turns 2FA on (after [`Client::prepare_2fa`]) or off, confirmed by a current code.
    pub async fn set_2fa(&self, enabled: bool, code: &str) -> Result<(), ApiError> {
        self.update_settings(&SettingsPatch {
            two_fa_enabled: Some(enabled),
            two_fa_code: Some(code.to_string()),
            ..Default::default()
        })
        .await
    }

    /// `GET /user/avatar/:id` (`nocache` after a change, so caches do not serve the old one).
    pub async fn avatar(&self, user_id: &str, nocache: bool) -> Result<Avatar, ApiError> {
        let mut req = Request::get(format!("/user/avatar/{}", seg(user_id)))
            .no_auth()
            .flag("nocache", nocache);
        let endpoint = req.endpoint();
        let resp = self.send_once(&mut req, None).await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        if status == StatusCode::NOT_FOUND && resp.content_length().unwrap_or(0) == 0 {
            return Ok(Avatar::None);
        }
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            return Ok(Avatar::Gravatar(location.to_string()));
        }
        if resp.content_length().is_some_and(|n| n > MAX_AVATAR_BYTES) {
            return Err(ApiError::decode(
                &endpoint,
                status.as_u16(),
                "avatar too large",
            ));
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::transport(&endpoint, e))?;
        let ct = content_type(&headers);
        if ct.is_some_and(|c| c.starts_with("image/")) && status.is_success() {
            return Ok(Avatar::Image {
                bytes: body,
                content_type: ct.map(str::to_string),
            });
        }
        // Bad ids are HTTP 200 envelopes (C2-109, C2-522).
        envelope::decode::<serde_json::Value>(&endpoint, status.as_u16(), ct, &body)?;
        Err(ApiError::decode(
            &endpoint,
            status.as_u16(),
            format!("not an image: {}", snippet(&body)),
        ))
    }

    /// `PUT /user/setting/avatar`: the server stretches it to 200×200; crop it square first.
    /// `content_type` picks the decoder: `image/jpeg`, `image/gif`, anything else means PNG.
    pub async fn upload_avatar(
        &self,
        image: Bytes,
        content_type: &'static str,
    ) -> Result<(), ApiError> {
        if image.len() > MAX_AVATAR_UPLOAD {
            return Err(ApiError::Config(format!(
                "avatar of {} bytes is over the server's 4 MiB limit",
                image.len()
            )));
        }
        self.call(Request::put("/user/setting/avatar").raw(image, content_type))
            .await
    }

    /// `PUT /user/setting/avatar` with an empty body: switch to Gravatar.
    pub async fn use_gravatar(&self) -> Result<(), ApiError> {
        let req =
            Request::put("/user/setting/avatar").raw(Bytes::new(), "application/octet-stream");
        self.call(req).await
    }

    /// `POST /user`: sign up (the first account of a fresh server becomes admin).
    pub async fn sign_up(&self, request: &SignUpRequest) -> Result<SignUpOutcome, ApiError> {
        let answer = self
            .call_reply::<User>(Request::post("/user").no_auth().json(request))
            .await?;
        Ok(match answer.reply {
            Reply::Done(user) => SignUpOutcome::Created(Box::new(user)),
            Reply::Continue(_) => SignUpOutcome::ActivationRequired,
        })
    }

    /// `GET /user/activate/:id?sign=`: the target of the activation mail.
    pub async fn activate(&self, user_id: &str, sign: &str) -> Result<User, ApiError> {
        let req = Request::get(format!("/user/activate/{}", seg(user_id)))
            .no_auth()
            .query("sign", sign);
        self.call(req).await
    }

    /// `POST /user/reset`: mails a password-reset link (`40021` for an unknown address).
    pub async fn send_password_reset(&self, email: &str) -> Result<(), ApiError> {
        let req = Request::post("/user/reset")
            .no_auth()
            .json(&json!({ "email": email }));
        self.call(req).await
    }

    /// [`Client::send_password_reset`] with the CAPTCHA answer and ticket a site with
    /// `forget_captcha` asks for.
    pub async fn send_password_reset_with_captcha(
        &self,
        email: &str,
        captcha: &str,
        ticket: &str,
    ) -> Result<(), ApiError> {
        let req = Request::post("/user/reset")
            .no_auth()
            .json(&json!({ "email": email, "captcha": captcha, "ticket": ticket }));
        self.call(req).await
    }

    /// `PATCH /user/reset/:id`: sets a new password with the secret from the mail.
    pub async fn reset_password(
        &self,
        user_id: &str,
        password: &str,
        secret: &str,
    ) -> Result<User, ApiError> {
        let req = Request::patch(format!("/user/reset/{}", seg(user_id)))
            .no_auth()
            .json(&json!({ "password": password, "secret": secret }));
        self.call(req).await
    }

    /// `PUT /user/authn`: WebAuthn creation options (a terminal cannot complete them itself).
    pub async fn passkey_register_options(&self) -> Result<serde_json::Value, ApiError> {
        self.call(Request::put("/user/authn")).await
    }

    /// `POST /user/authn`: registers a passkey from an attestation serialised as JSON.
    pub async fn passkey_register(
        &self,
        response: &str,
        name: &str,
        user_agent: &str,
    ) -> Result<Passkey, ApiError> {
        let body = json!({ "response": response, "name": name, "ua": user_agent });
        self.call(Request::post("/user/authn").json(&body)).await
    }

    /// `DELETE /user/authn?id=`.
    pub async fn delete_passkey(&self, id: &str) -> Result<(), ApiError> {
        self.call(Request::delete("/user/authn").query("id", id))
            .await
    }
}
