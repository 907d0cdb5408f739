//! The account on the command line: profile picture, settings, password, two-factor
//! authentication and WebDAV accounts (session-and-user.md §6–8).
//!
//! The logic lives in `crate::avatar` and `crate::account` (shared with the settings screen);
//! this file parses, asks, calls and prints. Server strings are sanitized before printing.

use super::commands::{uri, with_client};
use super::context::Context;
use super::output::{Table, human_size, print_json};
use crate::account;
use crate::api::models::{ConfigSection, DavAccount, DavAccountRequest};
use crate::api::{Avatar, Client};
use crate::avatar::{self, AvatarError};
use crate::text::sanitize;
use anyhow::{Context as _, anyhow, bail};
use clap::{Args, Subcommand};
use image::DynamicImage;
use serde_json::{Value, json};
use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::time::Duration;

/// How long a Gravatar fetch may take before the placeholder is shown instead.
const GRAVATAR_TIMEOUT: Duration = Duration::from_secs(8);
/// Terminal columns the picture takes when printed.
const PREVIEW_COLUMNS: u32 = 24;

// ---- arguments ----------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum AvatarCommand {
    /// Show my profile picture in the terminal, or save it as PNG with --out.
    Show(AvatarShowArgs),
    /// Upload a new picture (PNG, JPEG, GIF or WebP; centre-cropped to a square).
    Set(AvatarSetArgs),
    /// Use Gravatar instead of an uploaded picture.
    Gravatar,
}

#[derive(Debug, Args)]
pub struct AvatarShowArgs {
    /// Save the picture as a PNG file instead of showing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print JSON (what kind of picture, its size, where it was saved).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AvatarSetArgs {
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Print every setting (or one).
    Get(SettingsGetArgs),
    /// Change one setting; `reve settings set --help` lists the keys.
    Set(SettingsSetArgs),
}

#[derive(Debug, Args)]
pub struct SettingsGetArgs {
    /// Only this setting.
    pub key: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = settings_keys_help())]
pub struct SettingsSetArgs {
    pub key: String,
    pub value: String,
}

fn settings_keys_help() -> String {
    let mut text = String::from("Keys:\n");
    for (key, what) in account::SETTABLE {
        text.push_str(&format!("  {key:<24} {what}\n"));
    }
    text
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read three lines from standard input: the current password, the new one, the new one
    /// again.
    #[arg(long)]
    pub stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum TwoFaCommand {
    /// Turn two-factor authentication on: prints a secret and its QR code, then asks for a
    /// code. Without a terminal, run it again with --code within 10 minutes.
    Enable(TwoFaArgs),
    /// Turn two-factor authentication off (needs a current code).
    Disable(TwoFaArgs),
}

#[derive(Debug, Args)]
pub struct TwoFaArgs {
    /// A current code from the authenticator app (for scripts; asked for otherwise).
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Print JSON (`enable` without --code: the secret and the otpauth URI).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum WebdavCommand {
    /// List the WebDAV accounts (passwords hidden unless --show-passwords).
    List(WebdavListArgs),
    /// Create an account exposing a folder; prints its password.
    Create(WebdavCreateArgs),
    /// Change an account (options not given keep their value).
    Edit(WebdavEditArgs),
    /// Delete accounts.
    Rm(WebdavRmArgs),
}

#[derive(Debug, Args)]
pub struct WebdavListArgs {
    #[arg(long)]
    pub show_passwords: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WebdavCreateArgs {
    /// The folder the account exposes at /dav/.
    pub root: String,
    /// A label for the account.
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub readonly: bool,
    /// Relay downloads through the server (needs the group's WebDAV-proxy permission).
    #[arg(long)]
    pub proxy: bool,
    /// Hide system files (.DS_Store, Thumbs.db…) written by clients.
    #[arg(long)]
    pub hide_system_files: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WebdavEditArgs {
    /// Account id (from `reve webdav list`).
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// New root folder.
    #[arg(long)]
    pub root: Option<String>,
    #[arg(long, value_name = "BOOL")]
    pub readonly: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    pub proxy: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    pub hide_system_files: Option<bool>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WebdavRmArgs {
    #[arg(required = true)]
    pub ids: Vec<String>,
}

// ---- avatar -------------------------------------------------------------------------------

/// Where the picture shown came from.
enum Picture {
    None,
    Gravatar {
        url: String,
        image: Result<DynamicImage, AvatarError>,
    },
    Uploaded(DynamicImage),
}

async fn fetch_picture(client: &Client, user_id: &str) -> anyhow::Result<Picture> {
    // `nocache`: right after a change, a cached copy would show the old picture (§6.3).
    Ok(match client.avatar(user_id, true).await? {
        Avatar::None => Picture::None,
        Avatar::Gravatar(url) => {
            // Fetched without the Cloudreve token: the host is a third party.
            let image = match avatar::fetch_external(&url, GRAVATAR_TIMEOUT).await {
                Ok(bytes) => avatar::decode(&bytes),
                Err(e) => Err(e),
            };
            Picture::Gravatar { url, image }
        }
        Avatar::Image { bytes, .. } => Picture::Uploaded(avatar::decode(&bytes)?),
    })
}

fn save_png(img: &DynamicImage, path: &std::path::Path) -> anyhow::Result<()> {
    let png = avatar::encode_png(img)?;
    std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
}

/// Prints the picture with viuer: kitty or iTerm2 graphics when the terminal has them,
/// half blocks otherwise (always inside tmux, which would swallow the graphics protocols).
fn print_picture(img: &DynamicImage) -> anyhow::Result<()> {
    let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    let config = viuer::Config {
        transparent: true,
        absolute_offset: false,
        width: Some(PREVIEW_COLUMNS),
        use_kitty: !in_tmux,
        use_iterm: !in_tmux,
        ..Default::default()
    };
    viuer::print(img, &config).map_err(|e| anyhow!("cannot show the picture: {e}"))?;
    Ok(())
}

pub async fn avatar(ctx: &Context, cmd: AvatarCommand) -> anyhow::Result<()> {
    match cmd {
        AvatarCommand::Show(args) => avatar_show(ctx, args).await,
        AvatarCommand::Set(args) => {
            let bytes = avatar::read_file(&args.file)
                .with_context(|| format!("cannot read {}", args.file.display()))?;
            let prepared = avatar::prepare_upload(&bytes)?;
            with_client(ctx, |client| async move {
                let size = prepared.png.len();
                client
                    .upload_avatar(prepared.png.into(), "image/png")
                    .await?;
                println!(
                    "profile picture updated ({0}×{0} PNG, {1})",
                    prepared.side,
                    human_size(size as u64)
                );
                Ok(())
            })
            .await
        }
        AvatarCommand::Gravatar => {
            with_client(ctx, |client| async move {
                client.use_gravatar().await?;
                println!("profile picture switched to Gravatar");
                Ok(())
            })
            .await
        }
    }
}

async fn avatar_show(ctx: &Context, args: AvatarShowArgs) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        let me = client.me().await?;
        let initials = avatar::initials(&me.nickname);
        let picture = fetch_picture(&client, &me.id).await?;
        let (kind, url, image) = match &picture {
            Picture::None => ("none", None, None),
            Picture::Gravatar { url, image } => {
                ("gravatar", Some(url.clone()), image.as_ref().ok())
            }
            Picture::Uploaded(img) => ("file", None, Some(img)),
        };
        if let Some(path) = &args.out {
            let Some(img) = image else {
                let why = match &picture {
                    Picture::Gravatar { image: Err(e), .. } => {
                        format!("the Gravatar picture is unreachable: {e}")
                    }
                    _ => "there is no profile picture".to_string(),
                };
                bail!("nothing saved: {why}");
            };
            save_png(img, path)?;
        }
        if args.json {
            print_json(&json!({
                "kind": kind,
                "gravatar_url": url,
                "width": image.map(|i| i.width()),
                "height": image.map(|i| i.height()),
                "saved_to": args.out.as_ref().map(|p| p.display().to_string()),
                "initials": initials,
            }));
            return Ok(());
        }
        if let Some(u) = &url {
            println!("Gravatar: {}", sanitize(u));
        }
        match (image, &args.out) {
            (Some(img), Some(path)) => println!(
                "saved the {}×{} picture to {}",
                img.width(),
                img.height(),
                path.display()
            ),
            (Some(img), None) if std::io::stdout().is_terminal() => print_picture(img)?,
            (Some(img), None) => println!(
                "{}×{} picture (not a terminal: save it with --out FILE)",
                img.width(),
                img.height()
            ),
            (None, _) => {
                if let Picture::Gravatar { image: Err(e), .. } = &picture {
                    println!("(Gravatar unreachable: {e})");
                } else {
                    println!("no profile picture");
                }
                println!("[{initials}]");
            }
        }
        Ok(())
    })
    .await
}

// ---- settings -----------------------------------------------------------------------------

pub async fn settings(ctx: &Context, cmd: SettingsCommand) -> anyhow::Result<()> {
    match cmd {
        SettingsCommand::Get(args) => {
            with_client(ctx, |client| async move {
                let view = settings_now(&client).await?;
                let view: Vec<(&str, String)> = match &args.key {
                    Some(k) => {
                        let found: Vec<_> = view.into_iter().filter(|(key, _)| key == k).collect();
                        if found.is_empty() {
                            bail!("no setting {}", sanitize(k));
                        }
                        found
                    }
                    None => view,
                };
                if args.json {
                    let map: serde_json::Map<String, Value> = view
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), Value::String(v)))
                        .collect();
                    print_json(&Value::Object(map));
                } else if args.key.is_some() {
                    for (_, v) in &view {
                        println!("{}", sanitize(v));
                    }
                } else {
                    let mut t = Table::new(&[]);
                    for (k, v) in view {
                        t.row([k.to_string(), v]);
                    }
                    print!("{}", t.render());
                }
                Ok(())
            })
            .await
        }
        SettingsCommand::Set(args) => {
            let patch = account::setting_patch(&args.key, &args.value).map_err(|e| anyhow!(e))?;
            with_client(ctx, |client| async move {
                client.update_settings(&patch).await?;
                // Show what the server has now, under the canonical key.
                let view = settings_now(&client).await?;
                let canonical = canonical_key(&args.key);
                match view.iter().find(|(k, _)| *k == canonical) {
                    Some((k, v)) => println!("{k} = {}", sanitize(v)),
                    None => println!("{} updated", sanitize(&args.key)),
                }
                Ok(())
            })
            .await
        }
    }
}

/// The key `settings get` shows for an alias accepted by `settings set`.
fn canonical_key(key: &str) -> &str {
    match key {
        "nick" => "nickname",
        "preferred_theme" => "theme",
        "version_retention_enabled" => "version_retention",
        "disable_view_sync" => "view_sync",
        other => other,
    }
}

async fn settings_now(client: &Client) -> anyhow::Result<Vec<(&'static str, String)>> {
    let me = client.me().await?;
    let settings = client.settings().await?;
    Ok(account::settings_view(&me, &settings))
}

// ---- password -----------------------------------------------------------------------------

/// Current, new, and new again: three lines on standard input, or three prompts.
fn read_password_change(from_stdin: bool) -> anyhow::Result<(String, String, String)> {
    if from_stdin {
        let mut lines = std::io::stdin().lock().lines();
        let mut next = |what: &str| -> anyhow::Result<String> {
            let line = lines
                .next()
                .with_context(|| format!("standard input ended before the {what}"))?
                .context("cannot read standard input")?;
            Ok(line.trim_end_matches('\r').to_string())
        };
        return Ok((
            next("current password")?,
            next("new password")?,
            next("repeated new password")?,
        ));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the passwords: use --stdin (three lines)");
    }
    let ask = |prompt: &str| rpassword::prompt_password(prompt).context("cannot read the password");
    Ok((
        ask("Current password: ")?,
        ask("New password: ")?,
        ask("New password again: ")?,
    ))
}

pub async fn password(ctx: &Context, args: PasswordArgs) -> anyhow::Result<()> {
    let (current, new, repeated) = read_password_change(args.stdin)?;
    account::check_new_password(&new, &repeated).map_err(|e| anyhow!(e))?;
    let email = ctx.profile()?.email.clone();
    with_client(ctx, |client| async move {
        client.change_password(&current, &new).await?;
        // The change revokes every refresh token (C2-58): sign in again so this profile keeps
        // working; the new tokens are saved when the command ends.
        match client.login(&email, &new).await {
            Ok(crate::api::LoginOutcome::SignedIn(..)) => {
                println!("password changed; this device is signed in again");
            }
            Ok(_) | Err(_) => println!(
                "password changed; other sessions are signed out: run `reve login` here too"
            ),
        }
        Ok(())
    })
    .await
}

// ---- two-factor authentication -------------------------------------------------------------

/// The code from `--code`, or asked for on the terminal.
fn code_or_prompt(code: Option<String>) -> anyhow::Result<String> {
    let code = match code {
        Some(c) => c,
        None => {
            if !std::io::stdin().is_terminal() {
                bail!("no terminal to ask for the code: pass it with --code");
            }
            eprint!("Code from the authenticator app: ");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the code")?;
            line
        }
    };
    let code = code.trim().to_string();
    if code.is_empty() {
        bail!("no code given");
    }
    Ok(code)
}

pub async fn two_fa(ctx: &Context, cmd: TwoFaCommand) -> anyhow::Result<()> {
    match cmd {
        TwoFaCommand::Enable(args) => two_fa_enable(ctx, args).await,
        TwoFaCommand::Disable(args) => {
            let code = code_or_prompt(args.code)?;
            with_client(ctx, |client| async move {
                client.set_2fa(false, &code).await?;
                println!("two-factor authentication is off");
                Ok(())
            })
            .await
        }
    }
}

async fn two_fa_enable(ctx: &Context, args: TwoFaArgs) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        if let Some(code) = args.code {
            // Confirms the secret of an earlier `reve 2fa enable` (the server keeps it 600 s);
            // asking for a new one here would replace it.
            client.set_2fa(true, code.trim()).await?;
            println!("two-factor authentication is on");
            return Ok(());
        }
        let me = client.me().await?;
        let title = client
            .site_config(ConfigSection::Basic)
            .await
            .ok()
            .and_then(|c| c.title)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Cloudreve".into());
        let account_name = if me.nickname.is_empty() {
            me.email.clone().unwrap_or_default()
        } else {
            me.nickname.clone()
        };
        let secret = client.prepare_2fa().await?;
        let uri = account::otpauth_uri(&title, &account_name, secret.expose());
        let interactive = !args.json && std::io::stdin().is_terminal();
        if args.json {
            print_json(&json!({"secret": secret.expose(), "uri": uri}));
        } else {
            println!("Secret: {}", sanitize(secret.expose()));
            println!("URI:    {}", sanitize(&uri));
            let style = if std::io::stdout().is_terminal() {
                crate::qr::QrStyle::Colored
            } else {
                crate::qr::QrStyle::DarkBackground
            };
            print!("{}", crate::qr::render(&uri, style)?);
        }
        if !interactive {
            eprintln!(
                "Add the secret to an authenticator app, then run `reve 2fa enable --code CODE` \
                 within 10 minutes."
            );
            return Ok(());
        }
        let code = code_or_prompt(None)?;
        client.set_2fa(true, &code).await?;
        println!("two-factor authentication is on");
        Ok(())
    })
    .await
}

// ---- WebDAV accounts ----------------------------------------------------------------------

async fn all_dav_accounts(client: &Client) -> anyhow::Result<Vec<DavAccount>> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client.list_dav_accounts(100, token.as_deref()).await?;
        all.extend(page.accounts);
        match page.pagination.next_token.filter(|t| !t.is_empty()) {
            Some(t) if all.len() < 100_000 => token = Some(t),
            _ => return Ok(all),
        }
    }
}

fn dav_json(a: &DavAccount, with_password: bool) -> Value {
    let mut v = json!({
        "id": a.id,
        "name": a.name,
        "root": a.uri,
        "readonly": a.read_only(),
        "proxy": a.proxy(),
        "hide_system_files": a.hides_system_files(),
        "created_at": a.created_at.to_rfc3339(),
    });
    if with_password {
        v["password"] = json!(a.password.expose());
    }
    v
}

fn root_shown(uri_text: &str) -> String {
    crate::api::CrUri::parse(uri_text)
        .map(|u| u.display_path())
        .unwrap_or_else(|_| uri_text.to_string())
}

/// Where clients connect and as whom (§8.6).
fn print_dav_access(client: &Client, email: &str) {
    println!(
        "WebDAV URL: {}/dav/  user: {}",
        sanitize(client.base_url().trim_end_matches('/')),
        sanitize(email)
    );
}

fn print_dav_account(client: &Client, email: &str, a: &DavAccount, json: bool) {
    if json {
        print_json(&dav_json(a, true));
        return;
    }
    let mut t = Table::new(&[]);
    t.row(["ID", &a.id]);
    t.row(["Name", &a.name]);
    t.row(["Root", &root_shown(&a.uri)]);
    t.row(["Password", a.password.expose()]);
    t.row(["Read-only", if a.read_only() { "yes" } else { "no" }]);
    t.row(["Proxy", if a.proxy() { "yes" } else { "no" }]);
    print!("{}", t.render());
    print_dav_access(client, email);
}

pub async fn webdav(ctx: &Context, cmd: WebdavCommand) -> anyhow::Result<()> {
    let email = ctx.profile()?.email.clone();
    match cmd {
        WebdavCommand::List(args) => {
            with_client(ctx, |client| async move {
                let accounts = all_dav_accounts(&client).await?;
                if args.json {
                    print_json(&Value::Array(
                        accounts
                            .iter()
                            .map(|a| dav_json(a, args.show_passwords))
                            .collect(),
                    ));
                    return Ok(());
                }
                let mut t = Table::new(&[]);
                t.row(["ID", "NAME", "ROOT", "PASSWORD", "READ-ONLY", "PROXY"]);
                for a in &accounts {
                    let password = if args.show_passwords {
                        a.password.expose().to_string()
                    } else {
                        "(hidden)".to_string()
                    };
                    t.row([
                        a.id.clone(),
                        a.name.clone(),
                        root_shown(&a.uri),
                        password,
                        if a.read_only() { "yes" } else { "no" }.into(),
                        if a.proxy() { "yes" } else { "no" }.into(),
                    ]);
                }
                print!("{}", t.render());
                print_dav_access(&client, &email);
                Ok(())
            })
            .await
        }
        WebdavCommand::Create(args) => {
            let root = uri(&args.root)?;
            with_client(ctx, |client| async move {
                let account = client
                    .create_dav_account(&DavAccountRequest {
                        uri: root.to_string(),
                        name: args.name.clone(),
                        readonly: args.readonly,
                        proxy: args.proxy,
                        disable_sys_files: args.hide_system_files,
                    })
                    .await?;
                print_dav_account(&client, &email, &account, args.json);
                Ok(())
            })
            .await
        }
        WebdavCommand::Edit(args) => {
            let new_root = args.root.as_deref().map(uri).transpose()?;
            with_client(ctx, |client| async move {
                // An update replaces every field (C2-127, C2-128): start from the account.
                let current = all_dav_accounts(&client)
                    .await?
                    .into_iter()
                    .find(|a| a.id == args.id)
                    .with_context(|| format!("no WebDAV account {}", sanitize(&args.id)))?;
                let request = DavAccountRequest {
                    uri: new_root
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| current.uri.clone()),
                    name: args.name.clone().unwrap_or_else(|| current.name.clone()),
                    readonly: args.readonly.unwrap_or(current.read_only()),
                    proxy: args.proxy.unwrap_or(current.proxy()),
                    disable_sys_files: args
                        .hide_system_files
                        .unwrap_or(current.hides_system_files()),
                };
                let account = client.update_dav_account(&args.id, &request).await?;
                print_dav_account(&client, &email, &account, args.json);
                Ok(())
            })
            .await
        }
        WebdavCommand::Rm(args) => {
            with_client(ctx, |client| async move {
                for id in &args.ids {
                    client.delete_dav_account(id).await?;
                }
                println!("deleted {} WebDAV account(s)", args.ids.len());
                Ok(())
            })
            .await
        }
    }
}
