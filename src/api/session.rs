//! Sign-in, 2FA, token refresh, sign-out, passkey and OpenID sign-in (session-and-user.md §2).

use super::auth::TokenSession;
use super::client::{Answer, Client, Request, read_answer};
use super::envelope::Reply;
use super::error::{ApiError, codes};
use super::models::{
    LoginPrepare, LoginRequest, LoginResponse, PasskeyLoginOptions, Secret, Tokens, User,
};
use serde_json::{Value, json};

/// The result of a password sign-in.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    /// Signed in; the client now holds the tokens (also sent to `token_updates`).
    SignedIn(Box<User>, Tokens),
    /// The account has 2FA: call [`Client::finish_2fa`] with this session id and a TOTP code.
    TwoFactorRequired(String),
}

impl Client {
    /// `POST /session/token` with e-mail and password.
    pub async fn login(&self, email: &str, password: &str) -> Result<LoginOutcome, ApiError> {
        self.login_with(&LoginRequest {
            email: email.to_string(),
            password: Secret::new(password),
            ..Default::default()
        })
        .await
    }

    /// `POST /session/token` with CAPTCHA fields when the site asks for them.
    pub async fn login_with(&self, request: &LoginRequest) -> Result<LoginOutcome, ApiError> {
        let req = Request::post("/session/token").no_auth().json(request);
        let endpoint = req.endpoint();
        let answer = self.call_reply::<LoginResponse>(req).await?;
        match answer.reply {
            Reply::Done(login) => {
                self.inner
                    .auth
                    .install(login.token.clone(), answer.server_date);
                Ok(LoginOutcome::SignedIn(Box::new(login.user), login.token))
            }
            Reply::Continue(Value::String(session_id)) if !session_id.is_empty() => {
                Ok(LoginOutcome::TwoFactorRequired(session_id))
            }
            Reply::Continue(other) => Err(ApiError::decode(
                &endpoint,
                200,
                format!("code 203 without a 2FA session id: {other}"),
            )),
        }
    }

    /// `POST /session/token/2fa`: finishes a sign-in that answered `TwoFactorRequired`.
    /// A wrong code (`40022`) keeps the 2FA session for another try.
    pub async fn finish_2fa(
        &self,
        session_id: &str,
        otp: &str,
    ) -> Result<(User, Tokens), ApiError> {
        // The field is `otp` (the docs' `opt` is refused, C2-66).
        let req = Request::post("/session/token/2fa")
            .no_auth()
            .json(&json!({ "otp": otp, "session_id": session_id }));
        self.signed_in_by(req).await
    }

    /// `GET /session/prepare`: which sign-in methods an account has (`404` = unknown e-mail).
    pub async fn prepare_login(&self, email: &str) -> Result<LoginPrepare, ApiError> {
        self.call(
            Request::get("/session/prepare")
                .no_auth()
                .query("email", email),
        )
        .await
    }

    /// `PUT /session/authn`: WebAuthn options for a passkey sign-in.
    pub async fn passkey_login_options(&self) -> Result<PasskeyLoginOptions, ApiError> {
        self.call(Request::put("/session/authn").no_auth()).await
    }

    /// `POST /session/authn`: `response` is the assertion serialised as JSON.
    pub async fn passkey_login(
        &self,
        session_id: &str,
        response: &str,
    ) -> Result<(User, Tokens), ApiError> {
        let req = Request::post("/session/authn")
            .no_auth()
            .json(&json!({ "response": response, "session_id": session_id }));
        self.signed_in_by(req).await
    }

    /// Pro only: `PUT /session/openid` → the provider's sign-in URL.
    pub async fn openid_prepare(
        &self,
        provider: i64,
        hint: Option<&str>,
        linking: bool,
    ) -> Result<String, ApiError> {
        let mut body = json!({ "provider": provider });
        if let Some(h) = hint {
            body["hint"] = json!(h);
        }
        if linking {
            body["linking"] = json!(true);
        }
        self.call(Request::put("/session/openid").json(&body)).await
    }

    /// Pro only: `POST /session/openid`. Signs in (`Some`) or links the account (`None`).
    pub async fn openid_finish(
        &self,
        code: &str,
        session_id: &str,
        provider_id: i64,
    ) -> Result<Option<(User, Tokens)>, ApiError> {
        let req = Request::post("/session/openid").json(&json!({
            "code": code, "session_id": session_id, "provider_id": provider_id
        }));
        let answer = self.call_reply::<Option<LoginResponse>>(req).await?;
        match answer.reply {
            Reply::Done(Some(login)) => {
                self.inner
                    .auth
                    .install(login.token.clone(), answer.server_date);
                Ok(Some((login.user, login.token)))
            }
            _ => Ok(None),
        }
    }

    /// Pro only: `DELETE /session/openid/:provider_id`.
    pub async fn openid_unlink(&self, provider_id: i64) -> Result<(), ApiError> {
        self.call(Request::delete(format!("/session/openid/{provider_id}")))
            .await
    }

    /// Refreshes the token pair now (normally automatic).
    pub async fn refresh_tokens(&self) -> Result<Tokens, ApiError> {
        let generation = self
            .inner
            .auth
            .current()
            .map(|s| s.generation)
            .ok_or(ApiError::SignedOut)?;
        Ok(self.refresh_after(generation).await?.tokens)
    }

    /// `DELETE /session/token`: revokes the refresh token's chain, then forgets the tokens
    /// locally whatever the server said (access tokens stay valid until they expire, §2.5).
    /// Returns the single-sign-on logout URL some Pro servers send.
    pub async fn logout(&self) -> Result<Option<String>, ApiError> {
        let Some(session) = self.inner.auth.current() else {
            return Ok(None);
        };
        let req = Request::delete("/session/token")
            .no_auth()
            .json(&json!({ "refresh_token": session.tokens.refresh_token }));
        let result = self.call::<Option<String>>(req).await;
        self.inner.auth.clear();
        Ok(result?.filter(|url| !url.is_empty()))
    }

    /// Single-flight refresh. A caller that used the pair of `seen_generation` and found it
    /// due or refused waits for the gate; if the pair changed meanwhile, somebody else has
    /// refreshed and the new pair is returned without another request.
    pub(crate) async fn refresh_after(
        &self,
        seen_generation: u64,
    ) -> Result<TokenSession, ApiError> {
        let _gate = self.inner.auth.gate.lock().await;
        let current = self.inner.auth.current().ok_or(ApiError::SignedOut)?;
        if current.generation != seen_generation {
            return Ok(current);
        }
        let mut req = Request::post("/session/token/refresh")
            .no_auth()
            .json(&json!({ "refresh_token": current.tokens.refresh_token }));
        let resp = self.send_once(&mut req, None).await?;
        match read_answer::<Tokens>(&req.endpoint(), resp).await {
            Ok(Answer {
                reply: Reply::Done(tokens),
                server_date,
            }) => {
                tracing::debug!(target: "reve::api", "access token refreshed");
                Ok(self.inner.auth.install(tokens, server_date))
            }
            Ok(_) => Err(ApiError::decode(
                &req.endpoint(),
                200,
                "unexpected code 203",
            )),
            // Every refusal is 40020 (expired, revoked, password changed, banned: §2.4).
            Err(e) if e.is_code(codes::CREDENTIAL_INVALID) => {
                tracing::info!(target: "reve::api", "refresh token refused; signed out");
                self.inner.auth.clear_if(current.generation);
                Err(ApiError::SignedOut)
            }
            Err(e) => Err(e),
        }
    }

    async fn signed_in_by(&self, req: Request) -> Result<(User, Tokens), ApiError> {
        let answer = self.call_reply::<LoginResponse>(req).await?;
        match answer.reply {
            Reply::Done(login) => {
                self.inner
                    .auth
                    .install(login.token.clone(), answer.server_date);
                Ok((login.user, login.token))
            }
            Reply::Continue(_) => Err(ApiError::decode("sign-in", 200, "unexpected code 203")),
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
