//! Command-line interface: the TUI, `--demo`, `serve-demo` and the scriptable subcommands.

pub mod account_cmd;
pub mod args;
pub mod commands;
pub mod context;
pub mod drive_cmd;
pub mod output;
pub mod serve;
pub mod transfer_cmd;

pub use args::Cli;
use args::Command;
use clap::CommandFactory as _;
use context::Context;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        return crate::tui::run(crate::tui::TuiOptions {
            demo: cli.demo,
            profile: cli.profile,
            server: cli.server,
        })
        .await;
    };
    if let Command::ServeDemo(args) = command {
        return serve::run(args).await;
    }
    if let Command::Completions(args) = command {
        clap_complete::generate(
            args.shell,
            &mut Cli::command(),
            "reve",
            &mut std::io::stdout(),
        );
        return Ok(());
    }
    let mut ctx = Context::load(cli.profile.as_deref())?;
    match command {
        Command::Login(a) => commands::login(&mut ctx, a).await,
        Command::Logout => commands::logout(&mut ctx).await,
        Command::Whoami(a) => commands::whoami(&ctx, a).await,
        Command::Ls(a) => commands::ls(&ctx, a).await,
        Command::Info(a) => commands::info(&ctx, a).await,
        Command::Mkdir(a) => commands::create(&ctx, a, true).await,
        Command::Touch(a) => commands::create(&ctx, a, false).await,
        Command::Rename(a) => commands::rename(&ctx, a).await,
        Command::Mv(a) => commands::move_or_copy(&ctx, a, false).await,
        Command::Cp(a) => commands::move_or_copy(&ctx, a, true).await,
        Command::Rm(a) => commands::rm(&ctx, a).await,
        Command::Restore(a) => commands::restore(&ctx, a).await,
        Command::Url(a) => commands::url(&ctx, a).await,
        Command::Share(c) => commands::share(&ctx, c).await,
        Command::Tasks(a) => drive_cmd::tasks(&ctx, a).await,
        Command::Task(c) => drive_cmd::task(&ctx, c).await,
        Command::Download(a) => drive_cmd::download(&ctx, a).await,
        Command::Archive(c) => drive_cmd::archive(&ctx, c).await,
        Command::Link(c) => drive_cmd::link(&ctx, c).await,
        Command::Versions(a) => drive_cmd::versions(&ctx, a).await,
        Command::Version(c) => drive_cmd::version(&ctx, c).await,
        Command::Pin(a) => drive_cmd::pin(&ctx, a).await,
        Command::Unpin(a) => drive_cmd::unpin(&ctx, a).await,
        Command::Pins(a) => drive_cmd::pins(&ctx, a).await,
        Command::Tag(c) => drive_cmd::tag(&ctx, c).await,
        Command::Search(a) => drive_cmd::search(&ctx, a).await,
        Command::Avatar(c) => account_cmd::avatar(&ctx, c).await,
        Command::Settings(c) => account_cmd::settings(&ctx, c).await,
        Command::Password(a) => account_cmd::password(&ctx, a).await,
        Command::TwoFa(c) => account_cmd::two_fa(&ctx, c).await,
        Command::Webdav(c) => account_cmd::webdav(&ctx, c).await,
        Command::Put(a) => transfer_cmd::put(&ctx, a).await,
        Command::Get(a) => transfer_cmd::get(&ctx, a).await,
        Command::Transfers(a) => transfer_cmd::transfers(&ctx, a).await,
        Command::Capacity(a) => commands::capacity(&ctx, a).await,
        Command::ServeDemo(_) | Command::Completions(_) => Ok(()),
    }
}
