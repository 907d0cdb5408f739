use clap::Parser;
use reve::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with status 2 on usage errors, as scripts expect.
    let cli = Cli::parse();
    if cli.writes_to_pipes() {
        restore_default_sigpipe();
    }
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

/// Rust ignores SIGPIPE, so `reve ls --json | head` would panic on the closed pipe. A command
/// line tool should end quietly instead, as `cat` does.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
