//! User routes: sign-up, me, info, capacity, search, settings, 2FA, avatar, passkeys, password
//! reset and activation (session-and-user.md §3–§7).

use super::auth::{MaybeUser, SignedIn};
use super::http::{ApiErr, ApiResult, Body, Q, ok, ok_empty};
use super::ids::{self, Kind};
use super::session::{self, WEBAUTHN_TIMEOUT_MS};
use super::store::{Avatar, Store, Time, User};
use super::{AppState, Demo};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Request validation with the server's messages: `"<Field> cannot be empty"`, `"… too short"`,
/// `"… too long"`, `"Email format error"`, `"Invalid parameters."` (README §3). Like Go's
/// validator, the first failing field in struct order wins; callers check in that order.
pub mod validate {
    use crate::demo::http::ApiErr;

    /// `binding:"required"` on a string: absent or empty.
    pub fn required<'a>(field: &str, value: &'a Option<String>) -> Result<&'a str, ApiErr> {
        match value.as_deref() {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiErr::param(format!("{field} cannot be empty"))),
        }
    }

    /// `binding:"min=…,max=…"` on a string, counted in characters like Go's validator.
    pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiErr> {
        let n = value.chars().count();
        if n < min {
            Err(ApiErr::param(format!("{field} too short")))
        } else if n > max {
            Err(ApiErr::param(format!("{field} too long")))
        } else {
            Ok(())
        }
    }

    /// `binding:"required,min=…,max=…"` on an integer (zero counts as absent).
    pub fn int_range(field: &str, value: Option<i64>, min: i64, max: i64) -> Result<i64, ApiErr> {
        match value {
            None | Some(0) => Err(ApiErr::param(format!("{field} cannot be empty"))),
            Some(v) if v < min => Err(ApiErr::param(format!("{field} too short"))),
            Some(v) if v > max => Err(ApiErr::param(format!("{field} too long"))),
            Some(v) => Ok(v),
        }
    }

    /// `binding:"email"`.
    pub fn email(value: &str) -> Result<(), ApiErr> {
        if is_email(value) {
            Ok(())
        } else {
            Err(ApiErr::param("Email format error"))
        }
    }

    /// An approximation of go-playground's e-mail rule: a dot-atom local part and a domain of
    /// at least two labels whose last one starts and ends with a letter.
    pub fn is_email(s: &str) -> bool {
        let Some((local, domain)) = s.rsplit_once('@') else {
            return false;
        };
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        let local_ok = !local.is_empty()
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(is_atom_char));
        let labels: Vec<&str> = domain.split('.').collect();
        let labels_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '~')
            });
        let tld = labels.last().copied().unwrap_or("");
        let tld_ok = tld.chars().next().is_some_and(char::is_alphabetic)
            && tld.chars().last().is_some_and(char::is_alphabetic);
        local_ok && labels_ok && tld_ok
    }

    fn is_atom_char(c: char) -> bool {
        c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
    }

    /// `binding:"hexcolor|rgb|rgba|hsl"` (the preferred theme, C2-44, C2-45).
    pub fn is_colour(s: &str) -> bool {
        if let Some(hex) = s.strip_prefix('#') {
            return matches!(hex.len(), 3 | 4 | 6 | 8)
                && hex.chars().all(|c| c.is_ascii_hexdigit());
        }
        if let Some(args) = function_args(s, "rgba") {
            return args.len() == 4 && rgb_channels(&args[..3]) && is_alpha(args[3]);
        }
        if let Some(args) = function_args(s, "rgb") {
            return args.len() == 3 && rgb_channels(&args);
        }
        if let Some(args) = function_args(s, "hsl") {
            return args.len() == 3
                && int_in(args[0], 0, 360)
                && args[1..]
                    .iter()
                    .all(|a| a.strip_suffix('%').is_some_and(|p| int_in(p, 0, 100)));
        }
        false
    }

    /// The trimmed, comma-separated arguments of `name( … )`.
    fn function_args<'a>(s: &'a str, name: &str) -> Option<Vec<&'a str>> {
        let inner = s.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')?;
        Some(inner.split(',').map(str::trim).collect())
    }

    /// Three channels, all plain 0–255 or all percentages 0–100%.
    fn rgb_channels(args: &[&str]) -> bool {
        let all_percent = args.iter().all(|a| a.ends_with('%'));
        args.iter().all(|a| match a.strip_suffix('%') {
            Some(p) if all_percent => int_in(p, 0, 100),
            Some(_) => false,
            None => int_in(a, 0, 255),
        })
    }

    fn is_alpha(a: &str) -> bool {
        a == "0"
            || a == "1"
            || a.strip_prefix("0.")
                .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()))
    }

    /// A canonical decimal integer (no sign, no leading zeros) within `lo..=hi`.
    fn int_in(s: &str, lo: u32, hi: u32) -> bool {
        let canonical = !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'));
        canonical && s.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user", post(sign_up))
        .route("/user/me", get(me))
        .route("/user/info/{id}", get(info))
        .route("/user/capacity", get(capacity))
        .route("/user/search", get(search))
        .route("/user/setting", get(get_settings).patch(patch_settings))
        .route("/user/setting/2fa", get(prepare_two_fa))
        .route("/user/setting/avatar", put(upload_avatar))
        .route("/user/avatar/{id}", get(get_avatar))
        .route(
            "/user/authn",
            put(passkey_register_prepare)
                .post(passkey_register_finish)
                .delete(passkey_delete),
        )
        .route("/user/reset", post(send_reset))
        .route("/user/reset/{id}", patch(reset_password))
        .route("/user/activate/{id}", get(activate))
        .route_layer(axum::middleware::from_fn(super::site::reject_head))
}

/// A user hash id from the path; anything that does not decode is the server's
/// "Failed to parse object ID" (with correlation id, C2-33, C2-109).
fn user_id_param(id: &str) -> Result<u64, ApiErr> {
    ids::decode(Kind::User, id).ok_or_else(|| ApiErr::new(40001, "Failed to parse object ID"))
}

// ---- sign-up, profile ------------------------------------------------------------------

#[derive(Deserialize)]
struct SignUpReq {
    email: Option<String>,
    password: Option<String>,
    language: Option<String>,
}

/// `POST /user`: the first account of a fresh server becomes the administrator (C2-11).
async fn sign_up(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<SignUpReq>,
) -> ApiResult {
    let email = validate::required("Email", &req.email)?;
    validate::email(email)?;
    let password = validate::required("Password", &req.password)?;
    validate::length("Password", password, 6, 128)?;

    let mut store = state.lock();
    if let Some(existing) = store.user_by_email(email) {
        return Err(if existing.status == "inactive" {
            // The server re-sends the activation mail, which fails without SMTP (C2-496).
            ApiErr::new(40028, "Failed to send activation email")
        } else {
            ApiErr::new(40032, "Email already in use")
        });
    }
    let language = req.language.filter(|l| !l.is_empty());
    let id = store.create_user(email, password, language);
    ok(store.user(id).map(User::signup_json))
}

/// `GET /user/me`.
async fn me(State(state): State<AppState>, SignedIn(uid): SignedIn) -> ApiResult {
    let store = state.lock();
    let user = store.user(uid).ok_or_else(ApiErr::login_required)?;
    ok(user.full_json())
}

/// `GET /user/info/:id`: e-mail only for signed-in callers (C2-31, C2-32); a missing user is
/// the unclassified `-1` (C2-521).
async fn info(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    Path(id): Path<String>,
) -> ApiResult {
    let uid = user_id_param(&id)?;
    let store = state.lock();
    let user = store.user(uid).ok_or_else(|| ApiErr::new(-1, ""))?;
    ok(user.redacted_json(caller.is_some()))
}

impl Store {
    /// Bytes a user's files occupy: every version and the thumbnail of each file they own
    /// (old versions count, C2-517).
    pub fn storage_used(&self, user: u64) -> u64 {
        self.files
            .values()
            .filter(|f| f.owner == user && !f.is_folder)
            .map(|f| {
                let mut blobs: Vec<u64> = f.versions.clone();
                blobs.extend(f.primary);
                blobs.extend(f.thumbnail);
                blobs.sort_unstable();
                blobs.dedup();
                blobs
                    .iter()
                    .filter_map(|e| self.entities.get(e))
                    .map(|e| e.size)
                    .sum::<u64>()
            })
            .sum()
    }
}

/// `GET /user/capacity`: the group quota and what the user's blobs take.
async fn capacity(State(state): State<AppState>, SignedIn(uid): SignedIn) -> ApiResult {
    let store = state.lock();
    let user = store.user(uid).ok_or_else(ApiErr::login_required)?;
    ok(json!({"total": user.group.quota(), "used": store.storage_used(uid)}))
}

#[derive(Deserialize)]
struct SearchQuery {
    keyword: Option<String>,
}

/// At most this many users come back from a search.
const SEARCH_LIMIT: usize = 10;

/// `GET /user/search?keyword=`: case-insensitive substring of e-mail or nickname over active
/// users (C2-36, C2-37).
async fn search(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    Q(q): Q<SearchQuery>,
) -> ApiResult {
    let keyword = validate::required("Keyword", &q.keyword)?;
    validate::length("Keyword", keyword, 2, usize::MAX)?;
    let needle = keyword.to_lowercase();
    let store = state.lock();
    let found: Vec<Value> = store
        .users
        .values()
        .filter(|u| u.status == "active")
        .filter(|u| {
            u.email.to_lowercase().contains(&needle) || u.nickname.to_lowercase().contains(&needle)
        })
        .take(SEARCH_LIMIT)
        .map(|u| u.redacted_json(true))
        .collect();
    ok(found)
}

// ---- settings --------------------------------------------------------------------------

/// `GET /user/setting` (C2-40, C2-51, C2-63): empty list and zero maximum are omitted.
fn settings_json(user: &User) -> Value {
    let mut m = Map::new();
    m.insert(
        "version_retention_enabled".into(),
        json!(user.version_retention_enabled),
    );
    if !user.version_retention_ext.is_empty() {
        m.insert(
            "version_retention_ext".into(),
            json!(user.version_retention_ext),
        );
    }
    if user.version_retention_max != 0 {
        m.insert(
            "version_retention_max".into(),
            json!(user.version_retention_max),
        );
    }
    m.insert("passwordless".into(), json!(user.password_hash.is_empty()));
    m.insert("two_fa_enabled".into(), json!(user.two_fa_secret.is_some()));
    m.insert("disable_view_sync".into(), json!(user.disable_view_sync));
    m.insert(
        "share_links_in_profile".into(),
        json!(user.share_links_in_profile),
    );
    Value::Object(m)
}

async fn get_settings(State(state): State<AppState>, SignedIn(uid): SignedIn) -> ApiResult {
    let store = state.lock();
    let user = store.user(uid).ok_or_else(ApiErr::login_required)?;
    ok(settings_json(user))
}

#[derive(Deserialize, Default)]
struct PatchSettings {
    nick: Option<String>,
    language: Option<String>,
    preferred_theme: Option<String>,
    version_retention_enabled: Option<bool>,
    version_retention_ext: Option<Vec<String>>,
    version_retention_max: Option<i64>,
    current_password: Option<String>,
    new_password: Option<String>,
    two_fa_enabled: Option<bool>,
    two_fa_code: Option<String>,
    disable_view_sync: Option<bool>,
    share_links_in_profile: Option<String>,
}

impl PatchSettings {
    /// The binding rules, in the order of the Go struct (§7.2).
    fn validate(&self) -> Result<(), ApiErr> {
        if let Some(nick) = &self.nick {
            validate::length("Nickname", nick, 1, 255)?;
        }
        if let Some(language) = &self.language {
            validate::length("Language", language, 1, 255)?;
        }
        if let Some(theme) = &self.preferred_theme
            && !validate::is_colour(theme)
        {
            return Err(ApiErr::param("Invalid parameters."));
        }
        if let Some(max) = self.version_retention_max
            && max < 0
        {
            return Err(ApiErr::param("VersionRetentionMax too short"));
        }
        if let Some(current) = &self.current_password {
            validate::length("CurrentPassword", current, 4, 128)?;
        }
        if let Some(new) = &self.new_password {
            validate::length("NewPassword", new, 6, 128)?;
        }
        Ok(())
    }

    /// Applies the preference fields (saved last, after the password and 2FA steps passed).
    fn apply_preferences(self, user: &mut User) {
        if let Some(v) = self.language {
            user.language = Some(v);
        }
        if let Some(v) = self.preferred_theme {
            user.preferred_theme = Some(v);
        }
        if let Some(v) = self.version_retention_enabled {
            user.version_retention_enabled = v;
        }
        if let Some(v) = self.version_retention_ext {
            user.version_retention_ext = v;
        }
        if let Some(v) = self.version_retention_max {
            user.version_retention_max = v;
        }
        if let Some(v) = self.disable_view_sync {
            user.disable_view_sync = v;
        }
        if let Some(v) = self.share_links_in_profile {
            user.share_links_in_profile = v;
        }
    }
}

/// The outcome of the 2FA part of a settings patch.
enum TwoFaStep {
    Unchanged,
    Enable(String),
    Disable,
}

/// Checks a 2FA switch against the pending secret (enable) or the active one (disable).
fn two_fa_step(user: &User, enable: bool, code: &str, now: Time) -> Result<TwoFaStep, ApiErr> {
    if enable {
        let secret = user
            .pending_two_fa
            .as_ref()
            .filter(|(_, issued)| now - *issued < Duration::seconds(TWO_FA_PREPARE_TTL))
            .map(|(s, _)| s.clone())
            .ok_or_else(|| ApiErr::new(50005, "You have not initiated 2FA session"))?;
        if !session::totp_valid(&secret, code) {
            return Err(ApiErr::new(40022, "Incorrect 2FA code"));
        }
        Ok(TwoFaStep::Enable(secret))
    } else {
        let current = user.two_fa_secret.as_deref().unwrap_or_default();
        if !session::totp_valid(current, code) {
            return Err(ApiErr::new(40022, "Incorrect 2FA code"));
        }
        Ok(TwoFaStep::Disable)
    }
}

/// `PATCH /user/setting`. Steps run in the server's order and earlier ones stay applied when a
/// later one fails: the nickname first, then the password, then 2FA, then the preferences.
async fn patch_settings(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<PatchSettings>,
) -> ApiResult {
    req.validate()?;
    let now = Utc::now();
    let mut store = state.lock();
    let user = store.user_mut(uid).ok_or_else(ApiErr::login_required)?;
    if let Some(nick) = &req.nick {
        user.nickname = nick.clone();
        user.updated_at = now;
    }
    // Only both passwords together change anything (C2-54).
    if let (Some(current), Some(new)) = (&req.current_password, &req.new_password) {
        if !user.check_password(current) {
            return Err(ApiErr::new(40069, "Incorrect password"));
        }
        user.set_password(new);
        // Refresh tokens issued before this stop working; access tokens do not (C2-57, C2-58).
        user.token_epoch += 1;
        user.updated_at = now;
    }
    let two_fa = match (req.two_fa_enabled, req.two_fa_code.as_deref()) {
        (None, _) => TwoFaStep::Unchanged,
        // The real server dereferences the missing code and panics: HTTP 500, empty body
        // (C2-170).
        (Some(_), None) => return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        (Some(enable), Some(code)) => two_fa_step(user, enable, code, now)?,
    };
    match two_fa {
        TwoFaStep::Unchanged => {}
        TwoFaStep::Enable(secret) => user.two_fa_secret = Some(secret),
        TwoFaStep::Disable => user.two_fa_secret = None,
    }
    req.apply_preferences(user);
    user.updated_at = now;
    ok_empty()
}

/// How long a secret from `GET /user/setting/2fa` can be confirmed (600 s).
const TWO_FA_PREPARE_TTL: i64 = 600;

/// `GET /user/setting/2fa`: a fresh secret to confirm with a code (C2-60).
async fn prepare_two_fa(State(state): State<AppState>, SignedIn(uid): SignedIn) -> ApiResult {
    let secret = session::new_totp_secret();
    let mut store = state.lock();
    let user = store.user_mut(uid).ok_or_else(ApiErr::login_required)?;
    user.pending_two_fa = Some((secret.clone(), Utc::now()));
    ok(secret)
}

// ---- avatar ----------------------------------------------------------------------------

/// Largest accepted upload (`avatar_size`, 4 MiB; C2-101, C2-102).
pub const AVATAR_MAX_BYTES: u64 = 4 << 20;
/// Larger images are refused from their header, before any pixel is decoded (C2-105).
pub const AVATAR_MAX_PIXELS: u64 = 64 << 20;
/// Stored pictures are exactly this wide and high (`avatar_size_l`).
pub const AVATAR_SIDE: u32 = 200;

#[derive(Debug, PartialEq, Eq)]
pub enum AvatarError {
    /// Not decodable with the chosen decoder, or too many pixels.
    Invalid,
}

/// The decoder the server picks from the Content-Type: JPEG and GIF by name, PNG for
/// everything else, `image/webp` included (C2-94…100).
pub fn avatar_decoder(content_type: Option<&str>) -> image::ImageFormat {
    match content_type {
        Some("image/jpeg" | "image/jpg") => image::ImageFormat::Jpeg,
        Some("image/gif") => image::ImageFormat::Gif,
        _ => image::ImageFormat::Png,
    }
}

/// Decodes an uploaded picture and renders the stored avatar: stretched to 200×200 (aspect
/// ratio not kept, C2-89) and encoded as PNG, 8-bit RGB (RGBA for GIF input).
pub fn render_avatar(bytes: &[u8], format: image::ImageFormat) -> Result<Vec<u8>, AvatarError> {
    use image::ImageReader;
    use std::io::Cursor;
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| AvatarError::Invalid)?;
    if u64::from(w) * u64::from(h) > AVATAR_MAX_PIXELS {
        return Err(AvatarError::Invalid);
    }
    let img = ImageReader::with_format(Cursor::new(bytes), format)
        .decode()
        .map_err(|_| AvatarError::Invalid)?;
    let filter = image::imageops::FilterType::Lanczos3;
    let out: image::DynamicImage = if format == image::ImageFormat::Gif {
        image::imageops::resize(&img.to_rgba8(), AVATAR_SIDE, AVATAR_SIDE, filter).into()
    } else {
        image::imageops::resize(&img.to_rgb8(), AVATAR_SIDE, AVATAR_SIDE, filter).into()
    };
    let mut png = Cursor::new(Vec::new());
    out.write_to(&mut png, image::ImageFormat::Png)
        .map_err(|_| AvatarError::Invalid)?;
    Ok(png.into_inner())
}

/// How much of a refused upload is read away before the connection is simply dropped.
const AVATAR_DRAIN_LIMIT: u64 = 64 << 20;

/// Reads and discards up to `limit` bytes of a request body.
async fn drain(body: axum::body::Body, limit: u64) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > limit {
            break;
        }
    }
}

/// What the request says about its body length: `Some(n)` from Content-Length, `None` for a
/// streamed (chunked) body. No header and no body counts as 0 (C2-104).
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    match headers.get(header::CONTENT_LENGTH) {
        Some(v) => v.to_str().ok()?.trim().parse().ok(),
        None if headers.contains_key(header::TRANSFER_ENCODING) => None,
        None => Some(0),
    }
}

/// `PUT /user/setting/avatar`: raw image bytes; an empty body switches to Gravatar.
async fn upload_avatar(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    headers: HeaderMap,
    body: axum::body::Body,
) -> ApiResult {
    // A streamed body or more than 4 MiB: 40049 with an empty message, body not read (C2-102,
    // C2-103).
    let too_large = || ApiErr::new(40049, "");
    let Some(length) = declared_length(&headers).filter(|n| *n <= AVATAR_MAX_BYTES) else {
        // Like the server's `request.BlackHole`: read the body away so the client sees the
        // answer instead of a connection reset.
        drain(body, AVATAR_DRAIN_LIMIT).await;
        return Err(too_large());
    };
    let new_avatar = if length == 0 {
        Avatar::Gravatar
    } else {
        let bytes = axum::body::to_bytes(body, AVATAR_MAX_BYTES as usize)
            .await
            .map_err(|_| too_large())?;
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let format = avatar_decoder(content_type);
        let png = tokio::task::spawn_blocking(move || render_avatar(&bytes, format))
            .await
            .map_err(|_| ApiErr::new(50004, "Failed to save avatar file"))?
            .map_err(|_| ApiErr::new(40001, "Invalid image"))?;
        Avatar::File(png)
    };
    let mut store = state.lock();
    let user = store.user_mut(uid).ok_or_else(ApiErr::login_required)?;
    user.avatar = new_avatar;
    user.updated_at = Utc::now();
    ok_empty()
}

#[derive(Deserialize)]
struct AvatarQuery {
    nocache: Option<String>,
}

/// Go's `strconv.ParseBool`, used by the query binder.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "" | "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The Gravatar address for an e-mail: MD5 of the lower-cased address (C2-107).
pub fn gravatar_url(email: &str) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(email.to_lowercase().as_bytes());
    format!(
        "https://www.gravatar.com/avatar/{}?d=mm&s=200",
        super::store::hex(&digest)
    )
}

/// `GET /user/avatar/:id`: 404 without body, 302 to Gravatar, or the stored PNG with
/// conditional and range support (§6.1).
async fn get_avatar(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Path(id): Path<String>,
    Q(q): Q<AvatarQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let uid = user_id_param(&id)?;
    let nocache = parse_go_bool(q.nocache.as_deref().unwrap_or(""))
        .ok_or_else(|| ApiErr::param("Parameter error"))?;
    let (avatar, email, modified) = {
        let store = state.lock();
        let user = store.user(uid).ok_or_else(|| ApiErr::new(40021, ""))?;
        (user.avatar.clone(), user.email.clone(), user.updated_at)
    };
    let mut resp = match avatar {
        Avatar::None => StatusCode::NOT_FOUND.into_response(),
        Avatar::Gravatar => redirect_found(&gravatar_url(&email)),
        Avatar::File(png) => serve_png(&png, modified, &headers),
    };
    let cache = if nocache {
        "private, no-cache"
    } else {
        "public, max-age=86400"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(resp)
}

/// Go's `http.Redirect` answer to a GET: 302 with a tiny HTML body.
fn redirect_found(location: &str) -> Response {
    let escaped = location.replace('&', "&amp;").replace('"', "&#34;");
    let body = format!("<a href=\"{escaped}\">Found</a>.\n\n");
    let mut resp = (StatusCode::FOUND, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    resp
}

/// A byte range of a body of `len` bytes, inclusive.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeAnswer {
    Full,
    Partial(u64, u64),
    Unsatisfiable,
}

/// Parses a `Range` header for a single range (`a-b`, `a-`, `-n`); anything unparsable or a
/// multi-range request is answered with the whole body.
pub fn parse_range(value: &str, len: u64) -> RangeAnswer {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let (start, end) = (start.trim(), end.trim());
    let parsed = if start.is_empty() {
        match end.parse::<u64>() {
            Ok(0) => return RangeAnswer::Unsatisfiable,
            Ok(n) => Some((len.saturating_sub(n), len.saturating_sub(1))),
            Err(_) => None,
        }
    } else {
        match (start.parse::<u64>(), end) {
            (Ok(s), "") => Some((s, len.saturating_sub(1))),
            (Ok(s), e) => e
                .parse::<u64>()
                .ok()
                .map(|e| (s, e.min(len.saturating_sub(1)))),
            _ => None,
        }
    };
    match parsed {
        None => RangeAnswer::Full,
        Some((s, e)) if s >= len || s > e => RangeAnswer::Unsatisfiable,
        Some((s, e)) => RangeAnswer::Partial(s, e),
    }
}

/// Whether `If-Modified-Since` covers `modified` (compared in whole seconds, like Go).
fn not_modified_since(headers: &HeaderMap, modified: Time) -> bool {
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| {
            let since = chrono::DateTime::<Utc>::from(since);
            modified.timestamp() <= since.timestamp()
        })
}

/// `http.ServeContent` for the stored picture: Last-Modified, 304, Range → 206/416.
fn serve_png(png: &[u8], modified: Time, headers: &HeaderMap) -> Response {
    let last_modified = httpdate::fmt_http_date(std::time::SystemTime::from(modified));
    let with_validators = |mut resp: Response| {
        if let Ok(v) = HeaderValue::from_str(&last_modified) {
            resp.headers_mut().insert(header::LAST_MODIFIED, v);
        }
        resp
    };
    if not_modified_since(headers, modified) {
        return with_validators(StatusCode::NOT_MODIFIED.into_response());
    }
    let len = png.len() as u64;
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(RangeAnswer::Full, |v| parse_range(v, len));
    let mut resp = match range {
        RangeAnswer::Full => (StatusCode::OK, png.to_vec()).into_response(),
        RangeAnswer::Partial(start, end) => {
            let part = png[start as usize..=end as usize].to_vec();
            let mut r = (StatusCode::PARTIAL_CONTENT, part).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        RangeAnswer::Unsatisfiable => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    with_validators(resp)
}

// ---- passkey management ----------------------------------------------------------------

/// The COSE algorithms offered for new passkeys, in the server's order (C2-80).
const PUB_KEY_ALGORITHMS: [i64; 10] = [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8];

/// `PUT /user/authn`: registration options for the signed-in user (C2-80).
async fn passkey_register_prepare(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
) -> ApiResult {
    use base64::Engine;
    let (name, display_name, hash_id) = {
        let mut store = state.lock();
        store.session.begin_passkey_register(uid);
        let user = store.user(uid).ok_or_else(ApiErr::login_required)?;
        (user.email.clone(), user.nickname.clone(), user.hash_id())
    };
    let params: Vec<Value> = PUB_KEY_ALGORITHMS
        .iter()
        .map(|alg| json!({"type": "public-key", "alg": alg}))
        .collect();
    ok(json!({"publicKey": {
        "rp": {"name": "Cloudreve", "id": session::rp_id(&state)},
        "user": {
            "name": name,
            "displayName": display_name,
            "id": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash_id),
        },
        "challenge": session::webauthn_challenge(),
        "pubKeyCredParams": params,
        "timeout": WEBAUTHN_TIMEOUT_MS,
        "authenticatorSelection": {"requireResidentKey": true, "userVerification": "preferred"},
    }}))
}

#[derive(Deserialize)]
struct PasskeyRegisterReq {
    response: Option<String>,
    name: Option<String>,
    ua: Option<String>,
}

/// `POST /user/authn`. The demo does not verify attestations, so a well-formed response
/// ends with the server's "Failed to finish registration" (40025).
async fn passkey_register_finish(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<PasskeyRegisterReq>,
) -> ApiResult {
    let response = validate::required("Response", &req.response)?;
    validate::required("Name", &req.name)?;
    validate::required("UA", &req.ua)?;
    if !state.lock().session.take_passkey_register(uid) {
        return Err(ApiErr::new(404, "Session not found"));
    }
    session::parse_credential(response)?;
    Err(ApiErr::new(40025, "Failed to finish registration"))
}

#[derive(Deserialize)]
struct PasskeyDeleteQuery {
    id: Option<String>,
}

/// `DELETE /user/authn?id=`: no passkey exists on the demo (C2-81, C2-82).
async fn passkey_delete(SignedIn(_): SignedIn, Q(q): Q<PasskeyDeleteQuery>) -> ApiResult {
    validate::required("ID", &q.id)?;
    Err(ApiErr::new(404, "Passkey not found"))
}

// ---- password reset and activation -----------------------------------------------------

#[derive(Deserialize)]
struct ResetMailReq {
    email: Option<String>,
}

/// `POST /user/reset`: creates the reset secret; the mail itself goes nowhere (C2-83), but an
/// unknown address is reported (C2-84).
async fn send_reset(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Body(req): Body<ResetMailReq>,
) -> ApiResult {
    let email = validate::required("Email", &req.email)?;
    validate::email(email)?;
    let mut store = state.lock();
    let user = store
        .user_by_email(email)
        .ok_or_else(|| ApiErr::new(40021, "User not found"))?;
    match user.status.as_str() {
        "manual_banned" | "sys_banned" => return Err(ApiErr::new(40017, "This user is banned")),
        "inactive" => return Err(ApiErr::new(40018, "This user is not activated")),
        _ => {}
    }
    let id = user.id;
    store.session.begin_reset(id);
    ok_empty()
}

#[derive(Deserialize)]
struct ResetReq {
    password: Option<String>,
    secret: Option<String>,
}

/// `PATCH /user/reset/:id`: a wrong or used secret is "Link is expired" (C2-85).
async fn reset_password(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Path(id): Path<String>,
    Body(req): Body<ResetReq>,
) -> ApiResult {
    let uid = user_id_param(&id)?;
    let password = validate::required("Password", &req.password)?;
    validate::length("Password", password, 6, 128)?;
    let secret = validate::required("Secret", &req.secret)?;
    let mut store = state.lock();
    if !store.session.take_reset(uid, secret) {
        return Err(ApiErr::new(40030, "Link is expired"));
    }
    let user = store
        .user_mut(uid)
        .filter(|u| u.status == "active")
        .ok_or_else(|| ApiErr::new(40021, "User not found"))?;
    user.set_password(password);
    user.token_epoch += 1;
    user.updated_at = Utc::now();
    ok(user.signup_json())
}

#[derive(Deserialize)]
struct SignQuery {
    sign: Option<String>,
}

/// Checks an activation link's `sign=<mac>:<expires>`: expiry first (C2-86), then the MAC.
fn check_activation_sign(state: &Demo, path: &str, sign: &str) -> Result<(), ApiErr> {
    let expires = sign
        .rsplit_once(':')
        .and_then(|(_, exp)| exp.parse::<i64>().ok())
        .ok_or_else(|| ApiErr::new(40071, "invalid sign"))?;
    if expires < Utc::now().timestamp() {
        return Err(ApiErr::new(40005, "signature expired"));
    }
    super::download::verify_signature(state, path, sign)
        .map_err(|(code, msg)| ApiErr::new(code, msg))
}

/// `GET /user/activate/:id?sign=`: the target of an activation mail.
async fn activate(
    State(state): State<AppState>,
    _caller: MaybeUser,
    Path(id): Path<String>,
    Q(q): Q<SignQuery>,
) -> ApiResult {
    let path = format!("/api/v4/user/activate/{id}");
    check_activation_sign(&state, &path, q.sign.as_deref().unwrap_or_default())?;
    let uid = user_id_param(&id)?;
    let mut store = state.lock();
    let user = store
        .user_mut(uid)
        // The server's own spelling.
        .ok_or_else(|| ApiErr::new(40021, "User not fount"))?;
    if user.status != "inactive" {
        return Err(ApiErr::new(40034, "This user cannot be activated"));
    }
    user.status = "active".into();
    user.updated_at = Utc::now();
    ok(user.signup_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rule() {
        for ok in [
            "a@b.co",
            "Admin@Example.com",
            "x.y+z@sub.domain.test",
            "user@host.example.",
        ] {
            assert!(validate::is_email(ok), "{ok}");
        }
        for bad in [
            "not-an-email",
            "bad",
            "a@b",
            "@b.com",
            "a@.com",
            "a@b.c0",
            "a b@c.com",
            "a..b@c.com",
        ] {
            assert!(!validate::is_email(bad), "{bad}");
        }
    }

    #[test]
    fn validation_messages() {
        assert_eq!(
            validate::required("Email", &None).unwrap_err().msg,
            "Email cannot be empty"
        );
        assert_eq!(
            validate::required("Email", &Some(String::new()))
                .unwrap_err()
                .msg,
            "Email cannot be empty"
        );
        assert_eq!(
            validate::length("Password", "123", 6, 128).unwrap_err().msg,
            "Password too short"
        );
        assert_eq!(
            validate::length("Nickname", "é", 1, 1).map_err(|e| e.msg),
            Ok(())
        );
        assert_eq!(
            validate::int_range("PageSize", Some(5), 10, 100)
                .unwrap_err()
                .msg,
            "PageSize too short"
        );
        assert_eq!(
            validate::int_range("PageSize", Some(101), 10, 100)
                .unwrap_err()
                .msg,
            "PageSize too long"
        );
        assert_eq!(
            validate::int_range("PageSize", None, 10, 100)
                .unwrap_err()
                .msg,
            "PageSize cannot be empty"
        );
        assert!(!validate::required("X", &None).unwrap_err().with_cid);
    }

    #[test]
    fn colour_rule() {
        for ok in [
            "#ff5722",
            "#FFF",
            "#12345678",
            "rgb(1, 2, 255)",
            "rgb(10%,20%,100%)",
            "rgba(0,0,0,0.5)",
            "hsl(360, 100%, 0%)",
        ] {
            assert!(validate::is_colour(ok), "{ok}");
        }
        for bad in [
            "red",
            "not-a-colour",
            "#12",
            "#ggg",
            "rgb(256,0,0)",
            "rgb(1%,2,3)",
            "hsl(361,0%,0%)",
            "",
            "rgba(0,0,0,2)",
        ] {
            assert!(!validate::is_colour(bad), "{bad}");
        }
    }

    fn png_of(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn avatar_is_stretched_to_200_square_rgb_png() {
        let png = render_avatar(&png_of(400, 100), image::ImageFormat::Png).unwrap();
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((img.width(), img.height()), (200, 200));
        assert_eq!(img.color(), image::ColorType::Rgb8);
        // Stretched, not cropped: the red/blue boundary stays in the middle (C2-89).
        let rgb = img.to_rgb8();
        assert!(rgb.get_pixel(90, 100)[0] > 200);
        assert!(rgb.get_pixel(110, 100)[2] > 200);
    }

    #[test]
    fn avatar_decoder_follows_content_type() {
        assert_eq!(avatar_decoder(Some("image/jpeg")), image::ImageFormat::Jpeg);
        assert_eq!(avatar_decoder(Some("image/gif")), image::ImageFormat::Gif);
        assert_eq!(avatar_decoder(Some("image/webp")), image::ImageFormat::Png);
        assert_eq!(avatar_decoder(None), image::ImageFormat::Png);
        // A PNG read as JPEG fails; garbage fails; trailing bytes after the image are ignored.
        let png = png_of(20, 20);
        assert_eq!(
            render_avatar(&png, image::ImageFormat::Jpeg),
            Err(AvatarError::Invalid)
        );
        assert_eq!(
            render_avatar(b"this is not an image", image::ImageFormat::Png),
            Err(AvatarError::Invalid)
        );
        let mut padded = png.clone();
        padded.extend(std::iter::repeat_n(0u8, 4096));
        assert!(render_avatar(&padded, image::ImageFormat::Png).is_ok());
    }

    /// CRC-32 (IEEE) as PNG chunks use it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG that claims `w`×`h` but carries the pixels of a 1×1 image.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut png = png_of(1, 1);
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    #[test]
    fn oversized_avatar_is_refused_from_its_header() {
        // The header is read and accepted by the decoder (valid CRC) ...
        let header_only = png_claiming(9000, 9000);
        let dims = image::ImageReader::with_format(
            std::io::Cursor::new(&header_only),
            image::ImageFormat::Png,
        )
        .into_dimensions()
        .unwrap();
        assert_eq!(dims, (9000, 9000));
        // ... but 81 megapixels are refused, like C2-105.
        assert_eq!(
            render_avatar(&header_only, image::ImageFormat::Png),
            Err(AvatarError::Invalid)
        );
    }

    #[test]
    fn gravatar_url_uses_md5_of_lowercased_email() {
        assert_eq!(
            gravatar_url("Avatar@Conformance.Test"),
            "https://www.gravatar.com/avatar/018cb8a7e7ecc57ad16c9d3e1c7feb93?d=mm&s=200"
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-15", 609), RangeAnswer::Partial(0, 15));
        assert_eq!(
            parse_range("bytes=600-", 609),
            RangeAnswer::Partial(600, 608)
        );
        assert_eq!(parse_range("bytes=-9", 609), RangeAnswer::Partial(600, 608));
        assert_eq!(
            parse_range("bytes=0-9999", 609),
            RangeAnswer::Partial(0, 608)
        );
        assert_eq!(
            parse_range("bytes=700-800", 609),
            RangeAnswer::Unsatisfiable
        );
        assert_eq!(parse_range("bytes=5-1", 609), RangeAnswer::Unsatisfiable);
        assert_eq!(parse_range("items=0-1", 609), RangeAnswer::Full);
    }

    #[test]
    fn go_bools() {
        assert_eq!(parse_go_bool("1"), Some(true));
        assert_eq!(parse_go_bool("true"), Some(true));
        assert_eq!(parse_go_bool(""), Some(false));
        assert_eq!(parse_go_bool("yes"), None);
    }
}
