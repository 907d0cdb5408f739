//! Site routes: ping, captcha, site config sections (session-and-user.md §1).

use super::AppState;
use super::auth::MaybeUser;
use super::http::{ApiErr, ApiResult, ok};
use super::store;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::{Map, Value, json};

/// The version a Community 4.18.0 server reports; Pro builds append `-pro` (README §8).
pub const VERSION: &str = "4.18.0";

/// `basic.themes` of a fresh server (C2-3): a string that holds JSON, sent verbatim.
const THEMES: &str = r##"{"#1976d2":{"light":{"palette":{"primary":{"main":"#1976d2","light":"#42a5f5","dark":"#1565c0"},"secondary":{"main":"#9c27b0","light":"#ba68c8","dark":"#7b1fa2"}}},"dark":{"palette":{"primary":{"main":"#90caf9","light":"#e3f2fd","dark":"#42a5f5"},"secondary":{"main":"#ce93d8","light":"#f3e5f5","dark":"#ab47bc"}}}},"#3f51b5":{"light":{"palette":{"primary":{"main":"#3f51b5"},"secondary":{"main":"#f50057"}}},"dark":{"palette":{"primary":{"main":"#9fa8da"},"secondary":{"main":"#ff4081"}}}}}"##;

/// The `explorer` section of a fresh server (C2-5) without `icons`.
const EXPLORER: &str = include_str!("site_assets/explorer.json");
/// `explorer.icons` (C2-5): a string holding JSON, kept byte for byte.
const EXPLORER_ICONS: &str = include_str!("site_assets/explorer_icons.json");
/// `emojis.emoji_preset` (C2-6): a string holding JSON, kept byte for byte.
const EMOJI_PRESET: &str = include_str!("site_assets/emoji_preset.json");

const PRIVACY_POLICY_URL: &str = "https://cloudreve.org/privacy-policy";

/// Extensions the default thumbnail generators handle, sorted (C2-8).
const THUMB_EXTS: [&str; 8] = ["flac", "gif", "jpeg", "jpg", "m4a", "mp3", "ogg", "png"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/site/ping", get(ping))
        .route("/site/captcha", get(captcha))
        .route("/site/config/{section}", get(config))
        .route_layer(axum::middleware::from_fn(reject_head))
}

/// Go's router does not answer `HEAD` on a GET-only route: plain-text 404 (C2-93). axum's
/// `get` would, so API routes that are GET-only carry this layer.
pub async fn reject_head(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.method() == axum::http::Method::HEAD {
        return super::http::plain_404().await;
    }
    next.run(req).await
}

async fn ping(State(state): State<AppState>, _caller: MaybeUser) -> ApiResult {
    ok(version_string(state.cfg.pro))
}

fn version_string(pro: bool) -> String {
    if pro {
        format!("{VERSION}-pro")
    } else {
        VERSION.to_string()
    }
}

async fn config(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    Path(section): Path<String>,
) -> ApiResult {
    let data = match section.as_str() {
        "login" => login_section(),
        "explorer" => explorer_section()?,
        "emojis" => json!({ "emoji_preset": EMOJI_PRESET }),
        "app" => json!({"app_promotion": true, "desktop_app_promotion": true}),
        "thumb" => json!({ "thumb_exts": THUMB_EXTS }),
        // Unknown names, the Pro-only `vas` included, fall back to `basic` (C2-9, C2-10).
        _ => basic_section(&state, caller),
    };
    ok(data)
}

/// `basic`: site identity plus the caller (a full User, or the anonymous user when the token
/// is missing or no longer valid, C2-166).
fn basic_section(state: &AppState, caller: Option<u64>) -> Value {
    let user = {
        let store = state.lock();
        caller
            .and_then(|id| store.user(id))
            .map(|u| u.full_json())
            .unwrap_or_else(store::anonymous_user_json)
    };
    json!({
        "instance_id": state.instance_id,
        "title": "Cloudreve",
        "themes": THEMES,
        "default_theme": "#1976d2",
        "user": user,
        "logo": "/static/img/logo.svg",
        "logo_light": "/static/img/logo_light.svg",
        "custom_html": {},
        "captcha_ReCaptchaKey": "defaultKey",
        "captcha_type": "normal",
        "captcha_cap_asset_server": "jsdelivr",
        "app_promotion": true,
    })
}

/// `login`: the CAPTCHA flags are omitted while they are off (C2-4, C2-497).
fn login_section() -> Value {
    json!({
        "authn": true,
        "register_enabled": true,
        "tos_url": PRIVACY_POLICY_URL,
        "privacy_policy_url": PRIVACY_POLICY_URL,
    })
}

fn explorer_section() -> Result<Value, ApiErr> {
    let mut section: Map<String, Value> =
        serde_json::from_str(EXPLORER).map_err(|_| ApiErr::new(50008, "Invalid site settings"))?;
    section.insert("icons".into(), json!(EXPLORER_ICONS));
    Ok(Value::Object(section))
}

// ---- CAPTCHA ---------------------------------------------------------------------------

const CAPTCHA_WIDTH: u32 = 240;
const CAPTCHA_HEIGHT: u32 = 60;
const CAPTCHA_DIGITS: usize = 6;

/// A 5×7 bitmap font for the digits 0–9; each row's low five bits are the pixels.
const DIGIT_FONT: [[u8; 7]; 10] = [
    [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
    [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
    [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
    [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
    [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
    [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
    [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
    [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
    [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
    [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
];

/// `GET /site/captcha` → `{image: data:image/png;base64,…, ticket}` (C2-2). The demo never
/// turns the CAPTCHA gates on, so the answer is not kept; the image is a real, readable one.
async fn captcha(_caller: MaybeUser) -> ApiResult {
    use base64::Engine;
    use rand::Rng;
    let code: String = {
        let mut rng = rand::thread_rng();
        (0..CAPTCHA_DIGITS)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    };
    let png = captcha_png(&code).map_err(|_| ApiErr::new(50002, "Failed to generate captcha"))?;
    let image = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    );
    ok(json!({"image": image, "ticket": store::random_token(20)}))
}

/// Renders `code` (digits) on a light, speckled 240×60 background.
fn captcha_png(code: &str) -> Result<Vec<u8>, image::ImageError> {
    use image::{Rgb, RgbImage};
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let mut img = RgbImage::from_fn(CAPTCHA_WIDTH, CAPTCHA_HEIGHT, |_, _| {
        let v = rng.gen_range(215..=255u8);
        Rgb([v, v, rng.gen_range(225..=255u8)])
    });
    const SCALE: u32 = 5;
    let glyph_width = 5 * SCALE + 8;
    let left = (CAPTCHA_WIDTH - glyph_width * code.len() as u32) / 2;
    let top = (CAPTCHA_HEIGHT - 7 * SCALE) / 2;
    for (i, digit) in code.bytes().enumerate() {
        let Some(glyph) = DIGIT_FONT.get(usize::from(digit.wrapping_sub(b'0'))) else {
            continue;
        };
        let jitter = rng.gen_range(0..6u32);
        let ink = Rgb([
            rng.gen_range(0..90u8),
            rng.gen_range(0..90u8),
            rng.gen_range(60..150u8),
        ]);
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..5u32 {
                if bits & (0x10 >> col) == 0 {
                    continue;
                }
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        let x = left + i as u32 * glyph_width + col * SCALE + dx;
                        let y = top + jitter + row as u32 * SCALE + dy;
                        if x < CAPTCHA_WIDTH && y < CAPTCHA_HEIGHT {
                            img.put_pixel(x, y, ink);
                        }
                    }
                }
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_reports_pro_suffix() {
        assert_eq!(version_string(false), "4.18.0");
        assert_eq!(version_string(true), "4.18.0-pro");
    }

    #[test]
    fn verbatim_json_strings_are_valid_json() {
        for s in [THEMES, EXPLORER_ICONS, EMOJI_PRESET] {
            assert!(serde_json::from_str::<Value>(s).is_ok());
            assert!(
                !s.ends_with('\n'),
                "kept byte for byte, no trailing newline"
            );
        }
        let explorer = explorer_section().expect("explorer section parses");
        assert_eq!(explorer["max_batch_size"], 3000);
        assert_eq!(explorer["icons"], json!(EXPLORER_ICONS));
    }

    #[test]
    fn captcha_is_a_240x60_png() {
        let png = captcha_png("012345").expect("encodes");
        let img =
            image::load_from_memory_with_format(&png, image::ImageFormat::Png).expect("decodes");
        assert_eq!((img.width(), img.height()), (240, 60));
    }
}
