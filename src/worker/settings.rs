//! The settings screen's IO: profile and settings, the profile picture (fetched, decoded and
//! prepared off the loop), password, 2FA, passkeys, WebDAV accounts and the Pro extras.

use super::convert::failure;
use crate::account;
use crate::api::models::{ConfigSection, DavAccount};
use crate::api::{ApiError, Avatar, Client, ClientConfig, LoginOutcome, SignUpOutcome};
use crate::app::msg::CaptchaChallenge;
use crate::app::msg::Failure;
use crate::app::settings::{AvatarPicture, ProInfo, Profile, SettingsCall, SettingsReply};
use crate::avatar::{self, AvatarError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How long a Gravatar fetch may take before the initials are shown instead.
pub const GRAVATAR_TIMEOUT: Duration = Duration::from_secs(8);
/// Pro lists are short; one page of this many is what the screen shows.
const PRO_PAGE: u32 = 50;

fn api(e: crate::api::ApiError) -> Failure {
    failure(&e)
}

/// Carries out one request of the settings screen (sign-out is the worker's own business:
/// it also drops the client).
pub async fn run(client: &Client, call: SettingsCall) -> Result<SettingsReply, Failure> {
    match call {
        SettingsCall::Load => Ok(SettingsReply::Loaded(Box::new(load(client).await?))),
        SettingsCall::Avatar { user_id, nocache } => {
            let picture = avatar_picture(client, &user_id, nocache, |url| async move {
                avatar::fetch_external(&url, GRAVATAR_TIMEOUT).await
            })
            .await?;
            Ok(SettingsReply::Avatar(picture))
        }
        SettingsCall::UploadAvatar { path } => {
            let shown = path.display().to_string();
            let prepared = tokio::task::spawn_blocking(move || {
                let bytes = avatar::read_file(&path)
                    .map_err(|e| Failure::msg(format!("Cannot read {shown}: {e}")))?;
                avatar::prepare_upload(&bytes).map_err(|e| Failure::msg(capital(&e.to_string())))
            })
            .await
            .map_err(|e| Failure::msg(format!("The picture could not be prepared: {e}")))??;
            // `Bytes` bodies go out with their exact Content-Length.
            client
                .upload_avatar(prepared.png.into(), "image/png")
                .await
                .map_err(api)?;
            Ok(SettingsReply::AvatarSaved)
        }
        SettingsCall::UseGravatar => {
            client.use_gravatar().await.map_err(api)?;
            Ok(SettingsReply::AvatarSaved)
        }
        SettingsCall::Patch(patch) => {
            client.update_settings(&patch).await.map_err(api)?;
            Ok(SettingsReply::Saved(Box::new(load(client).await?)))
        }
        SettingsCall::ChangePassword {
            email,
            current,
            new,
        } => {
            client
                .change_password(current.expose(), new.expose())
                .await
                .map_err(api)?;
            // The change revokes every refresh token (C2-58): sign this device in again.
            let again = matches!(
                client.login(&email, new.expose()).await,
                Ok(LoginOutcome::SignedIn(..))
            );
            Ok(SettingsReply::PasswordChanged {
                signed_in_again: again,
            })
        }
        SettingsCall::PrepareTwoFa => {
            let me = client.me().await.map_err(api)?;
            // The web UI names the entry after the site and the user (§7.3).
            let title = client
                .site_config(ConfigSection::Basic)
                .await
                .ok()
                .and_then(|c| c.title)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "Cloudreve".into());
            let name = if me.nickname.is_empty() {
                me.email.clone().unwrap_or_default()
            } else {
                me.nickname.clone()
            };
            let secret = client.prepare_2fa().await.map_err(api)?;
            let uri = account::otpauth_uri(&title, &name, secret.expose());
            Ok(SettingsReply::TwoFaSecret { secret, uri })
        }
        SettingsCall::SetTwoFa { enabled, code } => {
            client.set_2fa(enabled, &code).await.map_err(api)?;
            Ok(SettingsReply::TwoFaSet { enabled })
        }
        SettingsCall::DeletePasskey { id } => {
            client.delete_passkey(&id).await.map_err(api)?;
            Ok(SettingsReply::PasskeyDeleted { id })
        }
        SettingsCall::UnlinkOpenId { provider } => {
            client.openid_unlink(provider).await.map_err(api)?;
            Ok(SettingsReply::OpenIdUnlinked { provider })
        }
        SettingsCall::SignOut => {
            // The client forgets its tokens even when the server cannot be reached.
            let revoked = client.logout().await.is_ok();
            Ok(SettingsReply::SignedOut { revoked })
        }
        SettingsCall::ListDav => Ok(SettingsReply::Dav(all_dav_accounts(client).await?)),
        SettingsCall::CreateDav(request) => {
            let a = client.create_dav_account(&request).await.map_err(api)?;
            Ok(SettingsReply::DavSaved(Box::new(a)))
        }
        SettingsCall::UpdateDav { id, request } => {
            let a = client
                .update_dav_account(&id, &request)
                .await
                .map_err(api)?;
            Ok(SettingsReply::DavSaved(Box::new(a)))
        }
        SettingsCall::DeleteDav { id } => {
            client.delete_dav_account(&id).await.map_err(api)?;
            Ok(SettingsReply::DavDeleted { id })
        }
        SettingsCall::GiftCheck { code } => {
            let gift = client.gift_code(&code).await.map_err(api)?;
            let duration = gift
                .duration
                .filter(|d| *d > 0)
                .map(|d| format!(" for {} days", d / 86_400))
                .unwrap_or_default();
            let summary = format!("“{}” × {}{duration}", gift.name, gift.qyt);
            Ok(SettingsReply::Gift { code, summary })
        }
        SettingsCall::GiftRedeem { code } => {
            client.redeem_gift_code(&code).await.map_err(api)?;
            Ok(SettingsReply::Redeemed { code })
        }
        anonymous => run_anonymous(anonymous).await,
    }
}

/// `40026 "CAPTCHA not match."`
const CAPTCHA_MISMATCH: i64 = 40026;

/// A client for `server` without a session; checks that it is a Cloudreve v4 server.
async fn anonymous_client(server: &str) -> Result<Client, Failure> {
    let client = Client::new(ClientConfig::new(server)).map_err(api)?;
    client.detect().await.map_err(api)?;
    Ok(client)
}

/// A refused CAPTCHA becomes a fresh picture; other refusals stay failures.
async fn or_new_captcha(client: &Client, e: ApiError) -> Result<SettingsReply, Failure> {
    if e.is_code(CAPTCHA_MISMATCH)
        && let Ok(challenge) = challenge(client).await
    {
        return Ok(SettingsReply::NewCaptcha {
            challenge,
            message: "Wrong CAPTCHA; here is a new one".into(),
        });
    }
    Err(api(e))
}

async fn challenge(client: &Client) -> Result<CaptchaChallenge, ApiError> {
    let c = client.captcha().await?;
    Ok(CaptchaChallenge {
        picture: super::session::decode_picture(&c.image),
        ticket: c.ticket,
    })
}

/// The sign-in screen's requests: sign-up and password reset, without a session.
pub async fn run_anonymous(call: SettingsCall) -> Result<SettingsReply, Failure> {
    match call {
        SettingsCall::SignInHelp { server, reset } => {
            let client = anonymous_client(&server).await?;
            let login = client
                .site_config(ConfigSection::Login)
                .await
                .map_err(api)?;
            if !reset && !login.register_enabled {
                return Err(Failure::msg(
                    "This server does not take new accounts; ask its administrator",
                ));
            }
            let wants = if reset {
                login.forget_captcha
            } else {
                login.reg_captcha
            };
            let challenge = if wants {
                let basic = client
                    .site_config(ConfigSection::Basic)
                    .await
                    .map_err(api)?;
                let kind = basic.captcha_type.unwrap_or_default();
                if !kind.is_empty() && kind != "normal" {
                    // reCAPTCHA, Turnstile and Cap run JavaScript in a browser.
                    return Err(Failure::msg(format!(
                        "This server asks for a browser CAPTCHA ({kind}): use its web interface"
                    )));
                }
                Some(challenge(&client).await.map_err(api)?)
            } else {
                None
            };
            Ok(SettingsReply::SignInHelp {
                server: client.base_url().to_string(),
                reset,
                challenge,
            })
        }
        SettingsCall::SignUp { server, request } => {
            let client = anonymous_client(&server).await?;
            match client.sign_up(&request).await {
                Ok(outcome) => Ok(SettingsReply::SignedUp {
                    email: request.email.clone(),
                    activation_required: matches!(outcome, SignUpOutcome::ActivationRequired),
                }),
                Err(e) => or_new_captcha(&client, e).await,
            }
        }
        SettingsCall::SendReset {
            server,
            email,
            captcha,
        } => {
            let client = anonymous_client(&server).await?;
            let sent = match &captcha {
                Some(c) => {
                    client
                        .send_password_reset_with_captcha(&email, &c.text, &c.ticket)
                        .await
                }
                None => client.send_password_reset(&email).await,
            };
            match sent {
                Ok(()) => Ok(SettingsReply::ResetMailSent { email }),
                Err(e) => or_new_captcha(&client, e).await,
            }
        }
        SettingsCall::ResetPassword {
            server,
            user_id,
            secret,
            password,
        } => {
            let client = anonymous_client(&server).await?;
            client
                .reset_password(&user_id, password.expose(), &secret)
                .await
                .map_err(api)?;
            Ok(SettingsReply::PasswordReset)
        }
        other => Err(Failure::msg(format!("{other:?} needs a signed-in session"))),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The profile, settings and capacity together; the Pro lists when the server has them.
pub async fn load(client: &Client) -> Result<Profile, Failure> {
    let (me, settings, capacity) = tokio::join!(client.me(), client.settings(), client.capacity());
    let user = me.map_err(api)?;
    let settings = settings.map_err(api)?;
    Ok(Profile {
        user,
        settings,
        capacity: capacity.ok(),
        pro: pro_info(client).await,
    })
}

/// `None` on a Community server, where the Pro routes are a plain 404.
async fn pro_info(client: &Client) -> Option<ProInfo> {
    let policies = client.storage_policies().await.ok()?;
    let (nodes, groups, credit, payments) = tokio::join!(
        client.nodes(),
        client.groups(),
        client.credit_changes(PRO_PAGE, None),
        client.payments(PRO_PAGE, None)
    );
    Some(ProInfo {
        policies,
        nodes: nodes.unwrap_or_default(),
        groups: groups.unwrap_or_default(),
        credit_changes: credit.map(|p| p.changes).unwrap_or_default(),
        payments: payments.map(|p| p.payments).unwrap_or_default(),
    })
}

/// `GET /user/avatar/:id`, decoded: 404 → none, 200 → the picture, 302 → the Gravatar picture
/// fetched by `fetch` (which must not carry the Cloudreve token; an error there is kept, and
/// the screen shows the initials). Decoding runs on the blocking pool with the size limits of
/// `crate::avatar`.
pub async fn avatar_picture<F, Fut>(
    client: &Client,
    user_id: &str,
    nocache: bool,
    fetch: F,
) -> Result<AvatarPicture, Failure>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<Vec<u8>, AvatarError>>,
{
    match client.avatar(user_id, nocache).await.map_err(api)? {
        Avatar::None => Ok(AvatarPicture::None),
        Avatar::Image { bytes, .. } => {
            let image = decode(bytes.to_vec())
                .await
                .map_err(|e| Failure::msg(capital(&e)))?;
            Ok(AvatarPicture::Uploaded(image))
        }
        Avatar::Gravatar(url) => {
            let image = match fetch(url.clone()).await {
                Ok(bytes) => decode(bytes).await,
                Err(e) => Err(e.to_string()),
            };
            Ok(AvatarPicture::Gravatar { url, image })
        }
    }
}

async fn decode(bytes: Vec<u8>) -> Result<Arc<image::DynamicImage>, String> {
    tokio::task::spawn_blocking(move || avatar::decode(&bytes).map(Arc::new))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

async fn all_dav_accounts(client: &Client) -> Result<Vec<DavAccount>, Failure> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_dav_accounts(100, token.as_deref())
            .await
            .map_err(api)?;
        all.extend(page.accounts);
        match page.pagination.next_token.filter(|t| !t.is_empty()) {
            Some(t) if all.len() < 10_000 => token = Some(t),
            _ => return Ok(all),
        }
    }
}
