use clap::Parser;
use reve::cli::{Cli, args::Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("reve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Some(Command::ServeDemo(args)) => reve::cli::serve::run(args).await,
            None => anyhow::bail!("the TUI is not built yet; try `reve serve-demo`"),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
