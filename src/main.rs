use clap::Parser;
use reve::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with status 2 on usage errors, as scripts expect.
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("reve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reve: {}", cli::commands::describe_error(&e));
            ExitCode::FAILURE
        }
    }
}
