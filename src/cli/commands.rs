//! The scriptable subcommands. Each one prints sanitized text, or JSON with `--json`
//! (fields documented in README.md and kept stable).

use super::args::*;
use super::context::{Context, SignedInClient};
use super::output::{Table, human_size, print_json};
use crate::api::models::{File, FileKind, Share};
use crate::api::uri::{CrUri, FileSystem};
use crate::api::{
    ApiError, Client, ClientConfig, DeleteOptions, InfoOptions, ListQuery, LoginOutcome,
};
use crate::text::sanitize;
use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use std::io::{BufRead as _, IsTerminal as _};

/// Runs one signed-in command and saves refreshed tokens afterwards.
pub(super) async fn with_client<F, Fut>(ctx: &Context, f: F) -> anyhow::Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let session: SignedInClient = ctx.signed_in_client().await?;
    let result = f(session.client.clone()).await;
    // Save a refreshed session even when the command itself failed.
    let saved = session.finish(ctx).await;
    result.and(saved)
}

pub(super) fn uri(input: &str) -> anyhow::Result<CrUri> {
    CrUri::from_user_input(input).with_context(|| format!("bad path or URI {:?}", sanitize(input)))
}

pub(super) fn uris(inputs: &[String]) -> anyhow::Result<Vec<CrUri>> {
    inputs.iter().map(|s| uri(s)).collect()
}

fn kind_str(kind: &FileKind) -> &'static str {
    match kind {
        FileKind::Folder => "folder",
        _ => "file",
    }
}

/// The stable JSON form of a file (README "JSON output").
fn file_json(f: &File) -> Value {
    json!({
        "id": f.id,
        "name": f.name,
        "type": kind_str(&f.kind),
        "size": f.size,
        "created_at": f.created_at.to_rfc3339(),
        "updated_at": f.updated_at.to_rfc3339(),
        "uri": f.path,
        "shared": f.shared,
        "metadata": f.metadata,
    })
}

pub(super) fn short_time(t: &crate::api::models::Timestamp) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

// ---- session ------------------------------------------------------------------------------

pub async fn login(ctx: &mut Context, args: LoginArgs) -> anyhow::Result<()> {
    let client = Client::new(ClientConfig::new(args.server.clone()))?;
    let info = client.detect().await?;
    let password = read_password(args.password_stdin)?;
    let (user, tokens) = match client.login(&args.email, &password).await? {
        LoginOutcome::SignedIn(user, tokens) => (user, tokens),
        LoginOutcome::TwoFactorRequired(session) => {
            let code = match args.otp {
                Some(code) => code,
                None => prompt_otp()?,
            };
            let (user, tokens) = client.finish_2fa(&session, code.trim()).await?;
            (Box::new(user), tokens)
        }
    };
    let location = ctx.store_tokens(&tokens).await?;
    ctx.config.profiles.insert(
        ctx.profile_name.clone(),
        crate::config::Profile {
            server: client.base_url().to_string(),
            email: args.email.clone(),
            tokens_in: Some(location),
        },
    );
    if ctx.config.active_profile.is_none() {
        ctx.config.active_profile = Some(ctx.profile_name.clone());
    }
    ctx.save_config()?;
    let place = match location {
        crate::config::TokenStoreKind::Keyring => "the OS keyring".to_string(),
        _ => format!("a private file in {}", ctx.paths.data_dir.display()),
    };
    println!(
        "Signed in to {} (Cloudreve {}) as {} <{}>; session kept in {place}.",
        sanitize(client.base_url()),
        sanitize(&info.version),
        sanitize(&user.nickname),
        sanitize(user.email.as_deref().unwrap_or(&args.email)),
    );
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: use --password-stdin");
    }
    rpassword::prompt_password("Password: ").context("cannot read the password")
}

fn prompt_otp() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("this account uses two-factor authentication: pass the code with --otp");
    }
    eprint!("Two-factor code: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the code")?;
    Ok(line.trim().to_string())
}

pub async fn logout(ctx: &mut Context) -> anyhow::Result<()> {
    let profile = ctx.profile()?.clone();
    let location = profile
        .tokens_in
        .unwrap_or(crate::config::TokenStoreKind::File);
    // Revoke on the server first; forget locally even if the server is unreachable, and say so.
    let revoked = match ctx.signed_in_client().await {
        Ok(session) => session
            .client
            .logout()
            .await
            .map(|_| ())
            .map_err(anyhow::Error::from),
        Err(e) => Err(e),
    };
    ctx.vault().delete(&ctx.profile_name, location).await?;
    ctx.config.profiles.remove(&ctx.profile_name);
    if ctx.config.active_profile.as_deref() == Some(ctx.profile_name.as_str()) {
        ctx.config.active_profile = None;
    }
    ctx.save_config()?;
    match revoked {
        Ok(()) => println!("Signed out of {}.", sanitize(&profile.server)),
        Err(e) => eprintln!(
            "reve: signed out locally, but the server could not revoke the session: {}",
            sanitize(&format!("{e:#}"))
        ),
    }
    Ok(())
}

pub async fn whoami(ctx: &Context, args: JsonFlag) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        let me = client.me().await?;
        let group = me
            .group
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default();
        if args.json {
            print_json(&json!({
                "id": me.id,
                "email": me.email,
                "nickname": me.nickname,
                "group": group,
                "server": client.base_url(),
                "created_at": me.created_at.to_rfc3339(),
            }));
        } else {
            println!(
                "{} <{}> on {} (group {})",
                sanitize(&me.nickname),
                sanitize(me.email.as_deref().unwrap_or("")),
                sanitize(client.base_url()),
                sanitize(&group)
            );
        }
        Ok(())
    })
    .await
}

pub async fn capacity(ctx: &Context, args: JsonFlag) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        let cap = client.capacity().await?;
        if args.json {
            print_json(&json!({"used": cap.used, "total": cap.total}));
        } else {
            let pct = if cap.total > 0 {
                cap.used as f64 * 100.0 / cap.total as f64
            } else {
                0.0
            };
            println!(
                "{} of {} used ({pct:.1}%)",
                human_size(cap.used),
                human_size(cap.total)
            );
        }
        Ok(())
    })
    .await
}

// ---- files --------------------------------------------------------------------------------

pub async fn ls(ctx: &Context, args: LsArgs) -> anyhow::Result<()> {
    let target = uri(args.path.as_deref().unwrap_or("/"))?;
    with_client(ctx, |client| async move {
        let listing = client
            .list_all(
                &target,
                &ListQuery {
                    page_size: Some(2000),
                    ..Default::default()
                },
            )
            .await?;
        if args.json {
            let entries: Vec<Value> = listing.files.iter().map(file_json).collect();
            print_json(&json!({"uri": target.to_string(), "entries": entries}));
            return Ok(());
        }
        if args.long {
            let mut t = Table::new(&[false, true, false, false]);
            for f in &listing.files {
                let size = if f.kind == FileKind::Folder {
                    "-".to_string()
                } else {
                    human_size(f.size)
                };
                t.row([
                    kind_str(&f.kind).to_string(),
                    size,
                    short_time(&f.updated_at),
                    display_name(f),
                ]);
            }
            print!("{}", t.render());
        } else {
            for f in &listing.files {
                println!("{}", sanitize(&display_name(f)));
            }
        }
        Ok(())
    })
    .await
}

fn display_name(f: &File) -> String {
    if f.kind == FileKind::Folder {
        format!("{}/", f.name)
    } else {
        f.name.clone()
    }
}

pub async fn info(ctx: &Context, args: InfoArgs) -> anyhow::Result<()> {
    let target = uri(&args.path)?;
    with_client(ctx, |client| async move {
        let f = client
            .file_info(
                &target,
                InfoOptions {
                    extended: true,
                    folder_summary: false,
                },
            )
            .await?;
        if args.json {
            let mut v = file_json(&f);
            v["primary_entity"] = json!(f.primary_entity);
            v["owned"] = json!(f.owned);
            print_json(&v);
            return Ok(());
        }
        let mut t = Table::new(&[]);
        t.row(["Name", &f.name]);
        t.row(["Type", kind_str(&f.kind)]);
        t.row([
            "Size",
            &format!("{} ({} bytes)", human_size(f.size), f.size),
        ]);
        t.row(["URI", &f.path]);
        t.row(["Created", &short_time(&f.created_at)]);
        t.row(["Modified", &short_time(&f.updated_at)]);
        t.row(["ID", &f.id]);
        for (k, v) in &f.metadata {
            t.row([format!("meta {k}"), v.clone()]);
        }
        print!("{}", t.render());
        Ok(())
    })
    .await
}

pub async fn create(ctx: &Context, args: PathsArg, folder: bool) -> anyhow::Result<()> {
    let targets = uris(&args.paths)?;
    with_client(ctx, |client| async move {
        let mut made = Vec::new();
        for target in &targets {
            let f = if folder {
                client.mkdir(target).await?
            } else {
                client
                    .create(target, FileKind::File, &Default::default(), false)
                    .await?
            };
            made.push(f);
        }
        if args.json {
            print_json(&Value::Array(made.iter().map(file_json).collect()));
        } else {
            for f in &made {
                println!("created {}", sanitize(&f.path));
            }
        }
        Ok(())
    })
    .await
}

pub async fn rename(ctx: &Context, args: RenameArgs) -> anyhow::Result<()> {
    let target = uri(&args.path)?;
    with_client(ctx, |client| async move {
        let f = client.rename(&target, &args.new_name).await?;
        if args.json {
            print_json(&file_json(&f));
        } else {
            println!("renamed to {}", sanitize(&f.path));
        }
        Ok(())
    })
    .await
}

pub async fn move_or_copy(ctx: &Context, args: MoveArgs, copy: bool) -> anyhow::Result<()> {
    let mut all = uris(&args.paths)?;
    let dst = all.pop().context("a destination folder is needed")?;
    with_client(ctx, |client| async move {
        if copy {
            client.copy_files(&all, &dst).await?;
        } else {
            client.move_files(&all, &dst).await?;
        }
        let verb = if copy { "copied" } else { "moved" };
        println!(
            "{verb} {} item(s) to {}",
            all.len(),
            sanitize(&dst.to_string())
        );
        Ok(())
    })
    .await
}

pub async fn rm(ctx: &Context, args: RmArgs) -> anyhow::Result<()> {
    let targets = uris(&args.paths)?;
    // Items already in the trash can only be deleted permanently.
    let permanent = args.permanent || targets.iter().any(|u| u.fs == FileSystem::Trash);
    with_client(ctx, |client| async move {
        client
            .delete(
                &targets,
                DeleteOptions {
                    skip_soft_delete: permanent,
                    unlink: false,
                },
            )
            .await?;
        let how = if permanent {
            "deleted permanently"
        } else {
            "moved to the trash"
        };
        println!("{} item(s) {how}", targets.len());
        Ok(())
    })
    .await
}

pub async fn restore(ctx: &Context, args: PathsArg) -> anyhow::Result<()> {
    let targets = uris(&args.paths)?;
    with_client(ctx, |client| async move {
        let mut trash_uris = Vec::new();
        let mut trash: Option<Vec<File>> = None;
        for target in targets {
            if target.fs == FileSystem::Trash {
                trash_uris.push(target);
                continue;
            }
            // An original path: find its item in the trash by `sys:restore_uri`.
            if trash.is_none() {
                let listing = client
                    .list_all(&CrUri::root(FileSystem::Trash), &ListQuery::default())
                    .await?;
                trash = Some(listing.files);
            }
            let wanted = target.to_string();
            let found = trash.as_deref().unwrap_or_default().iter().find(|f| {
                f.metadata
                    .get("sys:restore_uri")
                    .is_some_and(|u| u == &wanted || CrUri::parse(u).ok().as_ref() == Some(&target))
            });
            match found {
                Some(f) => trash_uris.push(uri(&f.path)?),
                None => bail!("{} is not in the trash", sanitize(&target.display_path())),
            }
        }
        client.restore(&trash_uris).await?;
        println!("restored {} item(s)", trash_uris.len());
        Ok(())
    })
    .await
}

pub async fn url(ctx: &Context, args: UrlArgs) -> anyhow::Result<()> {
    let targets = uris(&args.paths)?;
    with_client(ctx, |client| async move {
        let answer = client
            .download_urls(&crate::api::models::DownloadUrlRequest {
                uris: targets.iter().map(|u| u.to_string()).collect(),
                download: args.download,
                ..Default::default()
            })
            .await?;
        if args.json {
            let items: Vec<Value> = targets
                .iter()
                .zip(&answer.urls)
                .map(|(u, d)| json!({"uri": u.to_string(), "url": d.url}))
                .collect();
            print_json(&json!({
                "urls": items,
                "expires": answer.expires.map(|e| e.to_rfc3339()),
            }));
        } else {
            for d in &answer.urls {
                println!("{}", sanitize(&d.url));
            }
        }
        Ok(())
    })
    .await
}

// ---- shares -------------------------------------------------------------------------------

fn share_json(s: &Share) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "url": s.url,
        "private": s.is_private,
        "password": s.password,
        "expires": s.expires.map(|e| e.to_rfc3339()),
        "expired": s.expired,
        "views": s.visited,
        "downloads": s.downloaded,
        "remain_downloads": s.remain_downloads,
        "created_at": s.created_at.to_rfc3339(),
        "share_view": s.share_view,
        "show_readme": s.show_readme,
    })
}

/// `30m`, `12h`, `7d` → seconds.
pub(super) fn parse_duration(s: &str) -> anyhow::Result<u64> {
    let d = humantime::parse_duration(s)
        .with_context(|| format!("bad duration {:?}: use e.g. 30m, 12h, 7d", sanitize(s)))?;
    if d.as_secs() == 0 {
        bail!("the duration must be at least one second");
    }
    Ok(d.as_secs())
}

pub async fn share(ctx: &Context, cmd: ShareCommand) -> anyhow::Result<()> {
    match cmd {
        ShareCommand::Create(args) => super::drive_cmd::share_create(ctx, args).await,
        ShareCommand::List(args) => {
            with_client(ctx, |client| async move {
                let mut all = Vec::new();
                let mut q = crate::api::ShareListQuery {
                    page_size: 100,
                    ..Default::default()
                };
                loop {
                    let page = client.list_shares(&q).await?;
                    all.extend(page.shares);
                    match page.pagination.next_token.filter(|t| !t.is_empty()) {
                        Some(t) => q.next_token = Some(t),
                        None => break,
                    }
                }
                if args.json {
                    print_json(&Value::Array(all.iter().map(share_json).collect()));
                    return Ok(());
                }
                let mut t = Table::new(&[false, false, false, true, true, false]);
                t.row(["ID", "NAME", "URL", "VIEWS", "DOWNLOADS", "EXPIRES"]);
                for s in &all {
                    let expires = match (&s.expires, s.expired) {
                        (_, true) => "expired".to_string(),
                        (Some(e), _) => short_time(e),
                        (None, _) => "never".to_string(),
                    };
                    t.row([
                        s.id.clone(),
                        s.name.clone(),
                        s.url.clone(),
                        s.visited.to_string(),
                        s.downloaded.to_string(),
                        expires,
                    ]);
                }
                print!("{}", t.render());
                Ok(())
            })
            .await
        }
        ShareCommand::Edit(args) => super::drive_cmd::share_edit(ctx, args).await,
        ShareCommand::Browse(args) => super::drive_cmd::share_browse(ctx, args).await,
        ShareCommand::Rm(args) => {
            with_client(ctx, |client| async move {
                for id in &args.ids {
                    client.delete_share(id).await?;
                }
                println!("deleted {} share link(s)", args.ids.len());
                Ok(())
            })
            .await
        }
    }
}

/// One line for an error: `<what went wrong> (code N, correlation id X)`, sanitized, plus one
/// line per failed item of a batch.
pub fn describe_error(err: &anyhow::Error) -> String {
    let Some(api) = err.downcast_ref::<ApiError>() else {
        // Keep the line structure of multi-line errors (config parse errors point at a line).
        return format!("{err:#}")
            .lines()
            .map(|l| sanitize(l).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
    };
    let ApiError::Api {
        code,
        msg,
        correlation_id,
        aggregated,
        ..
    } = api
    else {
        // The client's own wording already names the innermost cause (refused, TLS...);
        // anyhow's chain would repeat it.
        return sanitize(&api.to_string()).into_owned();
    };
    let what = if msg.is_empty() {
        "the server refused the request"
    } else {
        msg
    };
    let mut line = format!("{} (code {code}", sanitize(what));
    if let Some(id) = correlation_id {
        line.push_str(&format!(", correlation id {}", sanitize(id)));
    }
    line.push(')');
    for item in aggregated {
        line.push_str(&format!(
            "\n  {}: {} (code {})",
            sanitize(&item.item),
            sanitize(&item.msg),
            item.code
        ));
    }
    line
}
