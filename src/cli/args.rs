//! clap definitions: the TUI, `--demo`, `serve-demo` and the scriptable subcommands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "reve",
    version,
    about = "A terminal file manager for Cloudreve v4 drives",
    after_help = "Run `reve --demo` to try reve on its embedded demo server."
)]
pub struct Cli {
    /// Start the seeded demo server in-process, sign in to it and open the TUI.
    #[arg(long)]
    pub demo: bool,
    /// Profile to use (default: the active profile in config.toml).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Server URL to prefill on the sign-in screen.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Scriptable subcommands print to pipes; the TUI and the demo server do not (and a
    /// server must never be killed by a peer closing a socket).
    pub fn writes_to_pipes(&self) -> bool {
        !matches!(self.command, None | Some(Command::ServeDemo(_)))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in to a Cloudreve v4 server and remember the session in a profile.
    Login(LoginArgs),
    /// Sign out: revoke the session on the server and forget it locally.
    Logout,
    /// Show the signed-in account.
    Whoami(JsonFlag),
    /// List a folder (a path like /docs or a cloudreve:// URI; default: the root).
    Ls(LsArgs),
    /// Show everything about a file or folder.
    Info(InfoArgs),
    /// Create folders (missing parents are created too).
    Mkdir(PathsArg),
    /// Create empty files.
    Touch(PathsArg),
    /// Rename a file or folder.
    Rename(RenameArgs),
    /// Move files or folders into a folder.
    Mv(MoveArgs),
    /// Copy files or folders into a folder (on the server).
    Cp(MoveArgs),
    /// Delete files or folders (to the trash unless --permanent).
    Rm(RmArgs),
    /// Restore items from the trash (paths in cloudreve://trash, or their original paths).
    Restore(PathsArg),
    /// Print download URLs.
    Url(UrlArgs),
    /// Share links: create, list, edit, remove.
    #[command(subcommand)]
    Share(ShareCommand),
    /// List the server's background tasks (remote downloads, archive, extract).
    Tasks(TasksArgs),
    /// Cancel or wait for one server task.
    #[command(subcommand)]
    Task(super::drive_cmd::TaskCommand),
    /// Download URLs or magnet links to the drive on the server (remote download).
    Download(super::drive_cmd::DownloadArgs),
    /// Zip files on the server, extract archives there, list an archive.
    #[command(subcommand)]
    Archive(super::drive_cmd::ArchiveCommand),
    /// Direct links to files: create, list, remove.
    #[command(subcommand)]
    Link(super::drive_cmd::LinkCommand),
    /// List the stored versions of a file.
    Versions(super::drive_cmd::VersionsArgs),
    /// Make a version current, delete it, or print its download URL.
    #[command(subcommand)]
    Version(super::drive_cmd::VersionCommand),
    /// Pin a folder (pins form the jump list).
    Pin(super::drive_cmd::PinArgs),
    /// Remove a pin.
    Unpin(super::drive_cmd::UnpinArgs),
    /// List the pins.
    Pins(JsonFlag),
    /// Add, remove or list a file's tags.
    #[command(subcommand)]
    Tag(super::drive_cmd::TagCommand),
    /// Search by name, tag, type, size and date below a folder.
    Search(super::drive_cmd::SearchArgs),
    /// My profile picture: show, upload, or switch to Gravatar.
    #[command(subcommand)]
    Avatar(super::account_cmd::AvatarCommand),
    /// Read or change account preferences.
    #[command(subcommand)]
    Settings(super::account_cmd::SettingsCommand),
    /// Change my password.
    Password(super::account_cmd::PasswordArgs),
    /// Turn two-factor authentication on or off.
    #[command(name = "2fa", subcommand)]
    TwoFa(super::account_cmd::TwoFaCommand),
    /// WebDAV accounts: list, create, edit, remove.
    #[command(subcommand)]
    Webdav(super::account_cmd::WebdavCommand),
    /// Upload local files or folders into a remote folder (resumable).
    Put(super::transfer_cmd::PutArgs),
    /// Download remote files or folders into a local folder (resumable).
    Get(super::transfer_cmd::GetArgs),
    /// List, resume or clear interrupted transfers.
    Transfers(super::transfer_cmd::TransfersArgs),
    /// Show used and total storage.
    Capacity(JsonFlag),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Run the embedded Cloudreve-compatible demo server.
    ServeDemo(ServeDemoArgs),
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON (stable fields, see README) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Server base URL, e.g. https://drive.example.com
    #[arg(long, value_name = "URL")]
    pub server: String,
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Read the password from standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// Two-factor code (asked for on a terminal when needed).
    #[arg(long, value_name = "CODE")]
    pub otp: Option<String>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Folder path or cloudreve:// URI.
    pub path: Option<String>,
    /// Long listing: type, size, modified, name.
    #[arg(short, long)]
    pub long: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    pub path: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PathsArg {
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    pub path: String,
    pub new_name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Sources, then the destination folder.
    #[arg(required = true, num_args = 2..)]
    pub paths: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Delete permanently instead of moving to the trash.
    #[arg(long)]
    pub permanent: bool,
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// URLs that download as attachments.
    #[arg(long)]
    pub download: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Create a share link for a file or folder and print its URL.
    Create(ShareCreateArgs),
    /// List my share links.
    List(JsonFlag),
    /// Change a share link's options.
    Edit(ShareEditArgs),
    /// Delete share links.
    Rm(ShareRmArgs),
    /// List the contents of a share link (mine or anyone's), read-only.
    Browse(super::drive_cmd::ShareBrowseArgs),
}

#[derive(Debug, Args)]
pub struct ShareCreateArgs {
    pub path: String,
    /// Start from this `[share_presets.NAME]` of config.toml (default: the `default` preset,
    /// when there is one). The other options override it.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Protect the link with this password (letters and digits, at most 32).
    #[arg(long, value_name = "P", conflicts_with_all = ["random_password", "public"])]
    pub password: Option<String>,
    /// Protect the link with a password the server generates.
    #[arg(long, visible_alias = "private", conflicts_with = "public")]
    pub random_password: bool,
    /// No password, even when the preset has one.
    #[arg(long)]
    pub public: bool,
    /// Visitors see my folder view settings.
    #[arg(long)]
    pub share_view: bool,
    /// Show the folder's README to visitors.
    #[arg(long)]
    pub show_readme: bool,
    /// Also print the URL as a QR code.
    #[arg(long)]
    pub qr: bool,
    /// Copy the URL to the terminal's clipboard (OSC 52; works over SSH).
    #[arg(long)]
    pub copy: bool,
    /// Expire after this long (e.g. 30m, 12h, 7d).
    #[arg(long, value_name = "DURATION")]
    pub expire: Option<String>,
    /// Stop working after this many downloads.
    #[arg(long, value_name = "N")]
    pub downloads: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShareEditArgs {
    /// Share id (from `reve share list`).
    pub id: String,
    /// New expiry from now (e.g. 7d); `never` removes it. Omitted: the current one is kept.
    #[arg(long, value_name = "DURATION")]
    pub expire: Option<String>,
    /// New download limit; 0 removes it. Omitted: the current one is kept.
    #[arg(long, value_name = "N")]
    pub downloads: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShareRmArgs {
    #[arg(required = true)]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TaskCategory {
    /// All three lists.
    All,
    General,
    Downloading,
    Downloaded,
}

#[derive(Debug, Args)]
pub struct TasksArgs {
    /// Which list to show.
    #[arg(long, value_enum, default_value = "all")]
    pub category: TaskCategory,
    /// Keep refreshing with live progress until no task runs.
    #[arg(long)]
    pub watch: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
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
    /// Run remote downloads in a simulated downloader instead of failing them like a fresh
    /// server without aria2/qBittorrent.
    #[arg(long)]
    pub downloader: bool,
    /// Storage policy offered to uploads; all but local and relay are emulated on a second
    /// port (the "storage host").
    #[arg(long, value_enum, default_value_t = crate::demo::storage::PolicyKind::Local)]
    pub policy: crate::demo::storage::PolicyKind,
    /// Upload chunk size in bytes (the policy's `chunk_size`; 0 = whole file in one request).
    #[arg(long, default_value_t = 25 << 20)]
    pub chunk_size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
