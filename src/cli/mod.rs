//! Command-line interface: the TUI, `--demo`, `serve-demo` and the scriptable subcommands.

pub mod args;
pub mod output;
pub mod serve;

pub use args::Cli;
