//! clap definitions.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "reve", version, about = "A terminal file manager for Cloudreve v4 drives")]
pub struct Cli {
    /// Start the seeded demo server in-process and sign in to it.
    #[arg(long, global = false)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded Cloudreve-compatible demo server.
    ServeDemo(ServeDemoArgs),
}

#[derive(Debug, Args)]
pub struct ServeDemoArgs {
    /// Address to listen on (loopback unless you name another address).
    #[arg(long, default_value = "127.0.0.1:5212")]
    pub listen: SocketAddr,
    /// Keep file contents in this directory (a temporary one otherwise).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Create the demo account (demo@reve.local / demo-password) and a sample drive.
    #[arg(long)]
    pub seed: bool,
    /// Answer Pro-only routes as Cloudreve Pro does.
    #[arg(long)]
    pub pro: bool,
    /// Public base URL used in generated links (default: the listen address).
    #[arg(long)]
    pub site_url: Option<String>,
}
