//! Session routes: sign-in (password, 2FA, passkey), refresh, sign-out, prepare
//! (session-and-user.md §2, README §5).

use super::AppState;
use super::auth::MaybeUser;
use super::http::{ApiErr, ApiResult, Body, Q, envelope, ok};
use super::store::{Store, Time, User};
use super::user::validate;
use axum::Router;
use axum::extract::State;
use axum::routing::{post, put};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// How long a 2FA sign-in session waits for its code (600 s, like the server's KV entry).
const TWO_FA_SESSION_TTL: i64 = 600;
/// How long a passkey challenge stays valid (300 s).
const PASSKEY_SESSION_TTL: i64 = 300;
/// How long a password-reset secret is valid (one hour).
const RESET_TTL: i64 = 3600;
/// WebAuthn ceremony timeout announced to the browser, in milliseconds.
pub const WEBAUTHN_TIMEOUT_MS: u64 = 300_000;

/// 2FA sign-in sessions and other short-lived session state.
#[derive(Debug, Default)]
pub struct SessionStore {
    /// 2FA sign-in session id → (user, expiry).
    two_fa: HashMap<String, (u64, Time)>,
    /// Passkey sign-in session id → expiry.
    passkey_login: HashMap<String, Time>,
    /// User → expiry of a started passkey registration.
    passkey_register: HashMap<u64, Time>,
    /// User → (password-reset secret, expiry); single use.
    resets: HashMap<u64, (String, Time)>,
}

impl SessionStore {
    /// Starts a 2FA sign-in for `user`; the id is what the 203 answer carries.
    pub fn begin_two_fa(&mut self, user: u64) -> String {
        let now = Utc::now();
        self.two_fa.retain(|_, (_, exp)| *exp > now);
        let id = uuid::Uuid::new_v4().to_string();
        self.two_fa.insert(
            id.clone(),
            (user, now + Duration::seconds(TWO_FA_SESSION_TTL)),
        );
        id
    }

    /// The user of a live 2FA sign-in session.
    pub fn two_fa_user(&self, id: &str) -> Option<u64> {
        self.two_fa
            .get(id)
            .filter(|(_, exp)| *exp > Utc::now())
            .map(|(user, _)| *user)
    }

    /// Ends a 2FA session after a correct code (a second use is "Session not found", C2-68).
    pub fn finish_two_fa(&mut self, id: &str) {
        self.two_fa.remove(id);
    }

    pub fn begin_passkey_login(&mut self) -> String {
        let now = Utc::now();
        self.passkey_login.retain(|_, exp| *exp > now);
        let id = uuid::Uuid::new_v4().to_string();
        self.passkey_login
            .insert(id.clone(), now + Duration::seconds(PASSKEY_SESSION_TTL));
        id
    }

    pub fn has_passkey_login(&self, id: &str) -> bool {
        self.passkey_login
            .get(id)
            .is_some_and(|exp| *exp > Utc::now())
    }

    pub fn begin_passkey_register(&mut self, user: u64) {
        self.passkey_register
            .insert(user, Utc::now() + Duration::seconds(PASSKEY_SESSION_TTL));
    }

    /// Consumes a started passkey registration of `user`.
    pub fn take_passkey_register(&mut self, user: u64) -> bool {
        self.passkey_register
            .remove(&user)
            .is_some_and(|exp| exp > Utc::now())
    }

    /// Creates the secret a password-reset mail would carry.
    pub fn begin_reset(&mut self, user: u64) -> String {
        let secret = super::store::random_token(32);
        self.resets.insert(
            user,
            (secret.clone(), Utc::now() + Duration::seconds(RESET_TTL)),
        );
        secret
    }

    /// Whether `secret` is the live reset secret of `user`; a match uses it up.
    pub fn take_reset(&mut self, user: u64, secret: &str) -> bool {
        let valid = self
            .resets
            .get(&user)
            .is_some_and(|(s, exp)| s == secret && *exp > Utc::now());
        if valid {
            self.resets.remove(&user);
        }
        valid
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session/token", post(sign_in).delete(sign_out))
        .route("/session/token/2fa", post(sign_in_2fa))
        .route("/session/token/refresh", post(refresh))
        .route("/session/prepare", axum::routing::get(prepare))
        .route("/session/authn", put(passkey_prepare).post(passkey_finish))
        .route_layer(axum::middleware::from_fn(super::site::reject_head))
}

// ---- TOTP ------------------------------------------------------------------------------

/// A new 2FA secret: 160 random bits in unpadded base32 (32 characters, C2-60).
pub fn new_totp_secret() -> String {
    match totp_rs::Secret::generate_secret().to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(bytes) => super::store::hex(&bytes),
    }
}

/// RFC 6238 with SHA-1, 6 digits and 30-second steps; one step of clock skew either way is
/// accepted, like the server's TOTP library.
pub fn totp_valid_at(secret: &str, code: &str, unix_time: u64) -> bool {
    let Ok(bytes) = totp_rs::Secret::Encoded(secret.to_string()).to_bytes() else {
        return false;
    };
    if bytes.is_empty() || code.len() != 6 {
        return false;
    }
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).check(code, unix_time)
}

pub fn totp_valid(secret: &str, code: &str) -> bool {
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    totp_valid_at(secret, code, now)
}

// ---- password sign-in ------------------------------------------------------------------

#[derive(Deserialize)]
struct SignInReq {
    email: Option<String>,
    password: Option<String>,
}

/// `{user, token}` of a completed sign-in.
fn signed_in_answer(state: &AppState, store: &mut Store, user: u64) -> ApiResult {
    let user_json = store.user(user).map(User::full_json).unwrap_or(Value::Null);
    let token = store.issue_tokens(user, None, state.cfg.access_ttl, state.cfg.refresh_ttl);
    ok(json!({"user": user_json, "token": token}))
}

/// `POST /session/token`.
async fn sign_in(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<SignInReq>,
) -> ApiResult {
    // Field order of the Go struct decides which message wins (C2-21, 70_bad_input).
    let email = validate::required("Email", &req.email)?;
    validate::email(email)?;
    let password = validate::required("Password", &req.password)?;
    validate::length("Password", password, 4, 128)?;

    let mut store = state.lock();
    let user = store
        .user_by_email(email)
        .filter(|u| u.check_password(password))
        // Unknown e-mail and wrong password look the same (C2-20, C1-06).
        .ok_or_else(|| ApiErr::new(40080, "Incorrect password or email address"))?;
    check_can_sign_in(user)?;
    let id = user.id;
    if user.two_fa_secret.is_some() {
        let session = store.session.begin_two_fa(id);
        return envelope(203, Some(json!(session)));
    }
    signed_in_answer(&state, &mut store, id)
}

/// Banned or inactive accounts cannot sign in (C2-502, C2-495).
fn check_can_sign_in(user: &User) -> Result<(), ApiErr> {
    match user.status.as_str() {
        "manual_banned" | "sys_banned" => Err(ApiErr::new(40017, "This account has been blocked")),
        "inactive" => Err(ApiErr::new(40018, "This account is not activated")),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
struct TwoFaReq {
    otp: Option<String>,
    session_id: Option<String>,
}

/// `POST /session/token/2fa`: a wrong code keeps the session for another try (C2-65).
async fn sign_in_2fa(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<TwoFaReq>,
) -> ApiResult {
    let otp = validate::required("OTP", &req.otp)?;
    let session = validate::required("SessionID", &req.session_id)?;
    let mut store = state.lock();
    let not_found = || ApiErr::new(404, "Session not found");
    let user_id = store.session.two_fa_user(session).ok_or_else(not_found)?;
    let user = store
        .user(user_id)
        .ok_or_else(|| ApiErr::new(404, "User not found"))?;
    if let Some(secret) = &user.two_fa_secret
        && !totp_valid(secret, otp)
    {
        return Err(ApiErr::new(40022, "Incorrect 2FA code"));
    }
    store.session.finish_two_fa(session);
    signed_in_answer(&state, &mut store, user_id)
}

// ---- refresh and sign-out --------------------------------------------------------------

#[derive(Deserialize)]
struct RefreshReq {
    refresh_token: Option<String>,
}

/// Why a refresh token cannot issue a new pair; every reason answers the same 40020 (C2-26…28,
/// C2-58, C2-75, C2-169, C2-503).
fn refreshable_user(store: &Store, token: &str) -> Option<(u64, String)> {
    let t = store.refresh_tokens.get(token)?;
    if t.expires <= Utc::now() || store.revoked_chains.contains(&t.chain) {
        return None;
    }
    let user = store.user(t.user)?;
    (user.status == "active" && user.token_epoch == t.epoch).then(|| (t.user, t.chain.clone()))
}

/// `POST /session/token/refresh`: a new pair in the same chain; the old refresh token keeps
/// working (no rotation, C2-25).
async fn refresh(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<RefreshReq>,
) -> ApiResult {
    let token = validate::required("RefreshToken", &req.refresh_token)?;
    let mut store = state.lock();
    let (user, chain) = refreshable_user(&store, token)
        .ok_or_else(|| ApiErr::new(40020, "Failed to issue token pair"))?;
    ok(store.issue_tokens(
        user,
        Some(chain),
        state.cfg.access_ttl,
        state.cfg.refresh_ttl,
    ))
}

/// `DELETE /session/token`: revokes the whole chain; repeating it succeeds again (C2-77).
/// Access tokens stay valid until they expire (C2-76).
async fn sign_out(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<RefreshReq>,
) -> ApiResult {
    let token = validate::required("RefreshToken", &req.refresh_token)?;
    let mut store = state.lock();
    let chain = store
        .refresh_tokens
        .get(token)
        // An expired JWT no longer parses on the real server.
        .filter(|t| t.expires > Utc::now())
        .map(|t| t.chain.clone())
        .ok_or_else(|| ApiErr::new(40020, "Failed to parse token"))?;
    store.revoked_chains.insert(chain);
    ok("")
}

// ---- prepare and passkeys --------------------------------------------------------------

#[derive(Deserialize)]
struct PrepareQuery {
    email: Option<String>,
}

/// `GET /session/prepare?email=`: which sign-in methods the account has (C2-17…19).
async fn prepare(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Q(q): Q<PrepareQuery>,
) -> ApiResult {
    let email = validate::required("Email", &q.email)?;
    validate::email(email)?;
    let store = state.lock();
    let user = store
        .user_by_email(email)
        .ok_or_else(|| ApiErr::new(404, "User not found"))?;
    ok(json!({
        // The demo cannot register passkeys (no attestation verification), so none exist.
        "webauthn_enabled": false,
        "password_enabled": !user.password_hash.is_empty(),
    }))
}

/// The WebAuthn relying-party id: the host of the public site URL (`localhost` by default).
pub fn rp_id(state: &AppState) -> String {
    url::Url::parse(&state.site_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".to_string())
}

/// A random WebAuthn challenge: 32 bytes, base64url without padding (C2-78).
pub fn webauthn_challenge() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `response` looks like a serialised `PublicKeyCredential`; anything else is the
/// server's "Failed to parse request".
pub fn parse_credential(response: &str) -> Result<Value, ApiErr> {
    let v: Value = serde_json::from_str(response)
        .map_err(|_| ApiErr::new(40001, "Failed to parse request"))?;
    let well_formed = v.get("id").is_some_and(Value::is_string)
        && v.get("type").and_then(Value::as_str) == Some("public-key")
        && v.get("response").is_some_and(Value::is_object);
    if well_formed {
        Ok(v)
    } else {
        Err(ApiErr::new(40001, "Failed to parse request"))
    }
}

/// `PUT /session/authn`: a discoverable-login challenge (C2-78).
async fn passkey_prepare(State(state): State<AppState>, _caller: MaybeUser) -> ApiResult {
    let session_id = state.lock().session.begin_passkey_login();
    ok(json!({
        "options": {"publicKey": {
            "challenge": webauthn_challenge(),
            "timeout": WEBAUTHN_TIMEOUT_MS,
            "rpId": rp_id(&state),
        }},
        "session_id": session_id,
    }))
}

#[derive(Deserialize)]
struct PasskeyLoginReq {
    response: Option<String>,
    session_id: Option<String>,
}

/// `POST /session/authn`. No passkey can be registered on the demo, so an assertion never
/// validates: the answer is the server's 40025 once the session and the body check out.
async fn passkey_finish(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<PasskeyLoginReq>,
) -> ApiResult {
    let response = validate::required("Response", &req.response)?;
    let session = validate::required("SessionID", &req.session_id)?;
    if !state.lock().session.has_passkey_login(session) {
        return Err(ApiErr::new(404, "Session not found"));
    }
    parse_credential(response)?;
    Err(ApiErr::new(40025, "Failed to validate login"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_accepts_one_step_of_skew_only() {
        let secret = new_totp_secret();
        assert_eq!(secret.len(), 32);
        let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
        let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes);
        let now = 1_800_000_000u64;
        let code = totp.generate(now);
        assert!(totp_valid_at(&secret, &code, now));
        assert!(totp_valid_at(&secret, &code, now + 30));
        assert!(totp_valid_at(&secret, &code, now - 30));
        assert!(!totp_valid_at(&secret, &code, now + 90));
        assert!(!totp_valid_at(&secret, "12345", now));
        assert!(!totp_valid_at("not base32 !", &code, now));
    }

    #[test]
    fn rfc6238_reference_vector() {
        // RFC 6238 appendix B: ASCII "12345678901234567890", T = 59 → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert!(totp_valid_at(secret, "287082", 59));
        assert!(!totp_valid_at(secret, "287083", 59));
    }

    #[test]
    fn two_fa_sessions_are_single_use() {
        let mut s = SessionStore::default();
        let id = s.begin_two_fa(7);
        assert_eq!(s.two_fa_user(&id), Some(7));
        s.finish_two_fa(&id);
        assert_eq!(s.two_fa_user(&id), None);
        assert_eq!(s.two_fa_user("unknown"), None);
    }

    #[test]
    fn reset_secrets_are_single_use_and_per_user() {
        let mut s = SessionStore::default();
        let secret = s.begin_reset(3);
        assert!(!s.take_reset(4, &secret));
        assert!(!s.take_reset(3, "wrong"));
        assert!(s.take_reset(3, &secret));
        assert!(!s.take_reset(3, &secret));
    }

    #[test]
    fn credential_parsing() {
        assert!(parse_credential("{}").is_err());
        assert!(parse_credential("not json").is_err());
        assert!(parse_credential(r#"{"id":"x","type":"public-key","response":{}}"#).is_ok());
    }
}
