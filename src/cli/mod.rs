//! Command-line interface: the TUI, `--demo`, `serve-demo` and the scriptable subcommands.

pub mod args;
pub mod commands;
pub mod context;
pub mod output;
pub mod serve;

pub use args::Cli;
use args::Command;
use clap::CommandFactory as _;
use context::Context;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        anyhow::bail!("the terminal UI is not built yet; see `reve --help` for the commands");
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
        Command::Tasks(a) => commands::tasks(&ctx, a).await,
        Command::Capacity(a) => commands::capacity(&ctx, a).await,
        Command::ServeDemo(_) | Command::Completions(_) => Ok(()),
    }
}
