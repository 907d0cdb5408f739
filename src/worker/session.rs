//! Signing in from the TUI: server check, password, the CAPTCHA when the site asks for one,
//! the 2FA step; and keeping the session on disk (profile + token vault) when a profile is in
//! use (`reve --demo` keeps nothing).

use super::convert::failure;
use crate::api::models::{ConfigSection, LoginRequest, Secret, Tokens, User};
use crate::api::{ApiError, Client, ClientConfig, LoginOutcome, codes};
use crate::app::command::CaptchaAnswer;
use crate::app::msg::{Account, CaptchaChallenge, Failure, Picture};
use crate::cli::context::Context;
use crate::config::Profile;
use base64::Engine as _;

pub enum Outcome {
    SignedIn {
        client: Client,
        account: Account,
        tokens: Tokens,
    },
    NeedsCode {
        client: Client,
        session: String,
        account: Account,
    },
    NeedsCaptcha(CaptchaChallenge),
    Failed(Failure),
}

pub async fn sign_in(
    server: &str,
    email: &str,
    password: Secret,
    captcha: Option<CaptchaAnswer>,
) -> Outcome {
    let client = match Client::new(ClientConfig::new(server)) {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(failure(&e)),
    };
    if let Err(e) = client.detect().await {
        return Outcome::Failed(failure(&e));
    }
    let account = Account {
        server: client.base_url().to_string(),
        email: email.to_string(),
        nickname: String::new(),
    };
    if captcha.is_none() && wants_captcha(&client).await {
        return match challenge(&client).await {
            Ok(c) => Outcome::NeedsCaptcha(c),
            Err(f) => Outcome::Failed(f),
        };
    }
    let request = LoginRequest {
        email: email.to_string(),
        password,
        captcha: captcha.as_ref().map(|c| c.text.clone()),
        ticket: captcha.as_ref().map(|c| c.ticket.clone()),
    };
    match client.login_with(&request).await {
        Ok(LoginOutcome::SignedIn(user, tokens)) => Outcome::SignedIn {
            account: with_user(account, &user),
            client,
            tokens,
        },
        Ok(LoginOutcome::TwoFactorRequired(session)) => Outcome::NeedsCode {
            client,
            session,
            account,
        },
        // A wrong or stale CAPTCHA: a fresh picture is the only way forward.
        Err(e) if e.is_code(CAPTCHA_MISMATCH) => match challenge(&client).await {
            Ok(c) => Outcome::NeedsCaptcha(c),
            Err(_) => Outcome::Failed(failure(&e)),
        },
        Err(e) => Outcome::Failed(sign_in_failure(&e)),
    }
}

/// `40026 "CAPTCHA not match."` (C2-498…500).
const CAPTCHA_MISMATCH: i64 = 40026;

pub async fn second_factor(client: Client, session: &str, code: &str, account: Account) -> Outcome {
    match client.finish_2fa(session, code).await {
        Ok((user, tokens)) => Outcome::SignedIn {
            account: with_user(account, &user),
            client,
            tokens,
        },
        Err(e) => Outcome::Failed(sign_in_failure(&e)),
    }
}

fn with_user(mut account: Account, user: &User) -> Account {
    account.nickname = user.nickname.clone();
    if let Some(email) = &user.email {
        account.email = email.clone();
    }
    account
}

/// Sign-in errors worded for the form: a 401 here is a wrong password, not an expiry, and a
/// correlation id only clutters a refused password (it goes to the log).
fn sign_in_failure(e: &ApiError) -> Failure {
    let mut f = failure(e);
    f.signed_out = false;
    if let ApiError::Api { code, msg, .. } = e {
        tracing::info!("sign-in refused: {e}");
        f.message = format!("{msg} (code {code})");
    }
    if e.is_code(codes::INCORRECT_2FA_CODE) {
        f.message = "Wrong code; type the current one (code 40022)".into();
    }
    f
}

async fn wants_captcha(client: &Client) -> bool {
    match client.site_config(ConfigSection::Login).await {
        Ok(cfg) => cfg.login_captcha,
        Err(e) => {
            tracing::info!("cannot read the login settings: {e}");
            false
        }
    }
}

async fn challenge(client: &Client) -> Result<CaptchaChallenge, Failure> {
    let c = client.captcha().await.map_err(|e| failure(&e))?;
    Ok(CaptchaChallenge {
        picture: decode_picture(&c.image),
        ticket: c.ticket,
    })
}

/// Cells the CAPTCHA may take: 60 columns, 8 rows (16 pixel rows in half blocks).
const PICTURE_WIDTH: u32 = 60;
const PICTURE_HEIGHT: u32 = 16;

/// `data:image/png;base64,…` → a small picture for half-block drawing.
pub fn decode_picture(data_url: &str) -> Option<Picture> {
    let b64 = data_url.split_once("base64,").map(|(_, d)| d)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let img = image::load_from_memory(&bytes).ok()?.to_rgb8();
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let scale = (PICTURE_WIDTH as f32 / w as f32).min(PICTURE_HEIGHT as f32 / h as f32);
    let tw = ((w as f32 * scale).round() as u32).max(1);
    let th = ((h as f32 * scale).round() as u32).max(1);
    let small = image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle);
    Some(Picture {
        width: tw as u16,
        height: th as u16,
        pixels: small.pixels().map(|p| p.0).collect(),
    })
}

/// Saves sessions for a profile: runs as its own task so a slow keyring never holds up the
/// worker.
pub enum PersistMsg {
    SignedIn {
        account: Account,
        tokens: Tokens,
    },
    Refreshed(Tokens),
    /// This device signed out (settings screen): forget the profile's tokens, keep the
    /// profile so the sign-in form is filled in.
    SignedOut,
}

pub async fn persist(mut ctx: Context, mut rx: tokio::sync::mpsc::UnboundedReceiver<PersistMsg>) {
    while let Some(msg) = rx.recv().await {
        let result = match msg {
            PersistMsg::SignedIn { account, tokens } => {
                save_sign_in(&mut ctx, &account, &tokens).await
            }
            PersistMsg::Refreshed(tokens) => ctx.store_tokens(&tokens).await.map(drop),
            PersistMsg::SignedOut => forget_tokens(&ctx).await,
        };
        if let Err(e) = result {
            tracing::warn!("cannot save the session: {e:#}");
        }
    }
}

async fn forget_tokens(ctx: &Context) -> anyhow::Result<()> {
    let Ok(profile) = ctx.profile() else {
        return Ok(());
    };
    let location = profile
        .tokens_in
        .unwrap_or(crate::config::TokenStoreKind::File);
    ctx.vault().delete(&ctx.profile_name, location).await
}

async fn save_sign_in(ctx: &mut Context, account: &Account, tokens: &Tokens) -> anyhow::Result<()> {
    let location = ctx.store_tokens(tokens).await?;
    ctx.config.profiles.insert(
        ctx.profile_name.clone(),
        Profile {
            server: account.server.clone(),
            email: account.email.clone(),
            tokens_in: Some(location),
        },
    );
    if ctx.config.active_profile.is_none() {
        ctx.config.active_profile = Some(ctx.profile_name.clone());
    }
    ctx.save_config()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captcha_pictures_are_scaled_for_the_terminal() {
        let img = image::RgbImage::from_pixel(240, 60, image::Rgb([200, 10, 10]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        let p = decode_picture(&url).unwrap();
        assert_eq!((p.width, p.height), (60, 15));
        assert_eq!(p.pixels.len(), 60 * 15);
        assert!(p.pixel(0, 0)[0] > 150);
        assert!(decode_picture("data:image/png;base64,!!!").is_none());
        assert!(decode_picture("no data url").is_none());
    }
}
