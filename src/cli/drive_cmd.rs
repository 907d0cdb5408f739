//! The drive's own features on the command line: server tasks (`tasks`, `task`, `download`,
//! `archive`), share creation with presets, direct links, versions, pins and tags.
//!
//! The logic lives in `crate::drive` (shared with the TUI); this file parses, calls and prints.
//! Every server string goes through `Table`, `print_json` or `sanitize`.

use super::args::{
    JsonFlag, ShareCreateArgs, ShareEditArgs, TaskCategory as CategoryArg, TasksArgs,
};
use super::commands::{parse_duration, short_time, uri, uris, with_client};
use super::context::Context;
use super::output::{Table, human_size, print_json};
use crate::api::models::{ExtractRequest, RemoteDownloadRequest};
use crate::api::models::{Task, TaskCategory, TaskProgressMap, TaskStatus};
use crate::api::uri::CrUri;
use crate::api::{Client, InfoOptions};
use crate::drive::meta;
use crate::drive::share::{
    OpenedShare, Protection, ShareOptions, ShareOverrides, link_parts, link_server, open_link,
};
use crate::drive::share_edit;
use crate::drive::tasks::{self as task_logic, TaskFamily};
use crate::text::sanitize;
use anyhow::{Context as _, anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::io::{IsTerminal as _, Write as _};

// ---- arguments ----------------------------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Show one task, with the files of a torrent download.
    Show(TaskShowArgs),
    /// Cancel a remote download (the only kind of task the server can cancel).
    Cancel(TaskIdArgs),
    /// Wait until a task ends, showing its progress; exits non-zero if it did not complete.
    Wait(TaskIdArgs),
    /// Choose which files of a torrent to download (the others are skipped).
    Select(TaskSelectArgs),
}

#[derive(Debug, Args)]
pub struct TaskIdArgs {
    /// Task id (from `reve tasks`).
    pub id: String,
}

#[derive(Debug, Args)]
pub struct TaskShowArgs {
    /// Task id (from `reve tasks`).
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TaskSelectArgs {
    /// Task id of a torrent download.
    pub id: String,
    /// File indexes to download (from `reve task show ID`).
    #[arg(required = true)]
    pub indexes: Vec<i64>,
}

#[derive(Debug, Args)]
pub struct ShareBrowseArgs {
    /// A share link (`…/s/ID` or `…/s/ID/PASSWORD`).
    pub url: String,
    /// A folder inside the share.
    pub path: Option<String>,
    /// The share's password (asked for on a terminal when needed).
    #[arg(long, value_name = "P")]
    pub password: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// URLs or magnet links to download (one task each).
    #[arg(required_unless_present = "torrent")]
    pub urls: Vec<String>,
    /// A .torrent file already on the drive, instead of URLs.
    #[arg(long, value_name = "PATH", conflicts_with = "urls")]
    pub torrent: Option<String>,
    /// Destination folder on the drive.
    #[arg(long, value_name = "DIR")]
    pub to: String,
    /// Wait until the downloads end; exit non-zero if one fails.
    #[arg(long)]
    pub wait: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Zip files and folders on the server into a new archive.
    Create(ArchiveCreateArgs),
    /// Extract an archive on the server into a folder (created when missing).
    Extract(ArchiveExtractArgs),
    /// List the entries of an archive on the drive.
    List(ArchiveListArgs),
}

#[derive(Debug, Args)]
pub struct ArchiveCreateArgs {
    /// Files and folders to put in the archive.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// The archive to create, e.g. /backups/docs.zip (must not exist).
    #[arg(long, value_name = "DIR/NAME.zip")]
    pub to: String,
    /// Wait until the task ends; exit non-zero if it fails.
    #[arg(long)]
    pub wait: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ArchiveExtractArgs {
    /// The archive on the drive.
    pub archive: String,
    /// Destination folder.
    #[arg(long, value_name = "DIR")]
    pub to: String,
    /// The archive's password.
    #[arg(long, value_name = "P")]
    pub password: Option<String>,
    /// Encoding of the file names in a zip made on an old system, e.g. gbk, shift_jis.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Extract only these paths inside the archive.
    #[arg(long, value_name = "PATH")]
    pub only: Vec<String>,
    /// Wait until the task ends; exit non-zero if it fails.
    #[arg(long)]
    pub wait: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ArchiveListArgs {
    pub archive: String,
    /// Encoding of the file names, e.g. gbk.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Create permanent direct links (the same file always gets the same link).
    Create(LinkCreateArgs),
    /// List the direct links of a file.
    List(LinkListArgs),
    /// Delete direct links by id (from `reve link list`).
    Rm(LinkRmArgs),
}

#[derive(Debug, Args)]
pub struct LinkCreateArgs {
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LinkListArgs {
    pub path: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LinkRmArgs {
    #[arg(required = true)]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VersionsArgs {
    pub file: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Make an older version current.
    Set(VersionArgs),
    /// Delete a version that is not current.
    Rm(VersionArgs),
    /// Print a download URL of a version.
    Url(VersionArgs),
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    pub file: String,
    /// Version id (from `reve versions FILE`).
    pub version_id: String,
}

#[derive(Debug, Args)]
pub struct PinArgs {
    pub path: String,
    /// Label shown instead of the folder name.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnpinArgs {
    pub path: String,
}

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Add a tag (or change its colour).
    Add(TagAddArgs),
    /// Remove a tag.
    Rm(TagRmArgs),
    /// List a file's tags.
    List(TagListArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Terms: words of the name (all must match; `or` for any), \
    tag:NAME, type:file|folder, kind:image|video|audio|document, size>10M, size<=1G, \
    created>2026-01-31, updated<7d. Quote terms with < or > for the shell: 'size>10M'."
)]
pub struct SearchArgs {
    /// Search terms (joined with spaces).
    #[arg(required = true)]
    pub terms: Vec<String>,
    /// Folder to search below (default: the whole drive).
    #[arg(long = "in", value_name = "DIR", default_value = "/")]
    pub folder: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TagAddArgs {
    pub path: String,
    pub tag: String,
    /// Colour as #rgb or #rrggbb.
    #[arg(long, value_name = "C")]
    pub color: Option<String>,
}

#[derive(Debug, Args)]
pub struct TagRmArgs {
    pub path: String,
    pub tag: String,
}

#[derive(Debug, Args)]
pub struct TagListArgs {
    pub path: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

// ---- tasks --------------------------------------------------------------------------------

fn categories(arg: CategoryArg) -> &'static [TaskCategory] {
    match arg {
        CategoryArg::All => &task_logic::ALL_CATEGORIES,
        CategoryArg::General => &[TaskCategory::General],
        CategoryArg::Downloading => &[TaskCategory::Downloading],
        CategoryArg::Downloaded => &[TaskCategory::Downloaded],
    }
}

/// A task with its live progress, as listed.
struct Row {
    task: Task,
    progress: TaskProgressMap,
}

/// The stable JSON form of a task (README "JSON output"; new fields only ever added).
fn task_json(task: &Task, progress: &TaskProgressMap) -> Value {
    let props = task.summary.as_ref().map(|s| &s.props);
    json!({
        "id": task.id,
        "type": task.kind,
        "status": task_logic::status_word(task.status),
        "created_at": task.created_at.to_rfc3339(),
        "updated_at": task.updated_at.to_rfc3339(),
        "error": task.error,
        "duration_ms": task.duration,
        "phase": task.summary.as_ref().and_then(|s| s.phase.clone()),
        "node": task.node.as_ref().map(|n| n.name.clone()),
        "retry_count": task.retry_count,
        "summary": task_logic::describe(task),
        "dst": props.and_then(|p| p.dst.clone()),
        "progress": progress,
        "download": props.and_then(|p| p.download.clone()),
    })
}

/// `phase · progress` for the PROGRESS column.
fn progress_cell(task: &Task, progress: &TaskProgressMap) -> String {
    let mut parts = Vec::new();
    if let Some(phase) = task.summary.as_ref().and_then(|s| s.phase.as_deref()) {
        parts.push(phase.replace('_', " "));
    }
    let live = task_logic::progress_text(progress);
    if !live.is_empty() {
        parts.push(live);
    }
    if let Some(d) = task
        .summary
        .as_ref()
        .and_then(|s| s.props.download.as_ref())
    {
        let text = task_logic::download_text(d);
        if !text.is_empty() {
            parts.push(text);
        }
    }
    if task.status == TaskStatus::Suspending && task.retry_count > 0 {
        parts.push(format!("retry {}", task.retry_count));
    }
    parts.join(" · ")
}

/// `850 ms`, `3.1 s`; empty for 0 (not started).
fn duration_text(ms: u64) -> String {
    match ms {
        0 => String::new(),
        1..1000 => format!("{ms} ms"),
        _ => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

fn tasks_table(rows: &[Row]) -> String {
    let mut t = Table::new(&[]);
    t.row([
        "ID", "TYPE", "STATUS", "PROGRESS", "NODE", "CREATED", "TIME", "WHAT", "ERROR",
    ]);
    for Row { task, progress } in rows {
        t.row([
            task.id.clone(),
            task.kind.clone(),
            task_logic::status_word(task.status).to_string(),
            progress_cell(task, progress),
            task.node
                .as_ref()
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            short_time(&task.created_at),
            duration_text(task.duration),
            task_logic::describe(task),
            task.error.clone().unwrap_or_default(),
        ]);
    }
    t.render()
}

async fn fetch_rows(client: &Client, cats: &[TaskCategory]) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for &category in cats {
        for task in task_logic::list_all(client, category).await? {
            let progress = task_logic::live_progress(client, &task).await?;
            rows.push(Row { task, progress });
        }
    }
    Ok(rows)
}

/// Redraws a block of lines in place on a terminal.
struct LiveBlock {
    lines_shown: usize,
}

impl LiveBlock {
    fn show(&mut self, text: &str) {
        let width = terminal_width();
        let mut out = std::io::stdout().lock();
        if self.lines_shown > 0 {
            // Back to the first line of the previous block, then clear to the end.
            let _ = write!(out, "\x1b[{}F\x1b[J", self.lines_shown);
        }
        let mut count = 0;
        for line in text.lines() {
            // Cut to the terminal width so every line takes one row and the count holds.
            let _ = writeln!(out, "{}", fit_width(line, width.saturating_sub(1)));
            count += 1;
        }
        let _ = out.flush();
        self.lines_shown = count;
    }
}

/// Columns of the terminal; generous when it does not say (some report 0).
fn terminal_width() -> usize {
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| usize::from(w))
        .filter(|w| *w > 0)
        .unwrap_or(200)
}

fn fit_width(line: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar as _;
    let mut used = 0;
    let mut out = String::new();
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

pub async fn tasks(ctx: &Context, args: TasksArgs) -> anyhow::Result<()> {
    let cats = categories(args.category);
    with_client(ctx, |client| async move {
        let live = args.watch && !args.json && std::io::stdout().is_terminal();
        let mut block = LiveBlock { lines_shown: 0 };
        let mut last_shown = String::new();
        loop {
            let rows = fetch_rows(&client, cats).await?;
            let text = if args.json {
                let list: Vec<Value> = rows
                    .iter()
                    .map(|r| task_json(&r.task, &r.progress))
                    .collect();
                serde_json::to_string(&list).unwrap_or_default()
            } else {
                tasks_table(&rows)
            };
            // Without a terminal, --watch prints a new snapshot only when something changed.
            if text != last_shown {
                if live {
                    block.show(&text);
                } else if args.json {
                    let list: Vec<Value> = rows
                        .iter()
                        .map(|r| task_json(&r.task, &r.progress))
                        .collect();
                    print_json(&Value::Array(list));
                } else {
                    print!("{text}");
                    if args.watch {
                        println!();
                    }
                }
                last_shown = text;
            }
            if !args.watch {
                return Ok(());
            }
            let tasks: Vec<Task> = rows.into_iter().map(|r| r.task).collect();
            match task_logic::poll_delay(&tasks, chrono::Utc::now().timestamp()) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Ok(()),
            }
        }
    })
    .await
}

/// Shows a waited-for task's progress on standard error: one line redrawn on a terminal,
/// otherwise a line whenever the status or phase changes.
struct WaitReporter {
    terminal: bool,
    last: String,
}

impl WaitReporter {
    fn new() -> WaitReporter {
        WaitReporter {
            terminal: std::io::stderr().is_terminal(),
            last: String::new(),
        }
    }

    fn update(&mut self, task: &Task, progress: &TaskProgressMap) {
        let status = task_logic::status_word(task.status);
        let detail = progress_cell(task, progress);
        let line = sanitize(&format!("{} {status} {detail}", task.id))
            .trim_end()
            .to_string();
        if self.terminal {
            let width = terminal_width();
            eprint!("\r\x1b[2K{}", fit_width(&line, width.saturating_sub(1)));
            let _ = std::io::stderr().flush();
        } else {
            // Byte counts change constantly; report a new line only for status/phase changes.
            let key = format!(
                "{status} {:?}",
                task.summary.as_ref().and_then(|s| s.phase.as_deref())
            );
            if key != self.last {
                eprintln!("{line}");
                self.last = key;
            }
        }
    }

    fn finish(&self) {
        if self.terminal {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Waits for every task; prints how each ended and fails if any did not complete.
async fn wait_all(client: &Client, tasks: &[Task]) -> anyhow::Result<Vec<Task>> {
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        let mut reporter = WaitReporter::new();
        let finished =
            task_logic::wait_for(client, &task.id, TaskFamily::of(&task.kind), |t, p| {
                reporter.update(t, p)
            })
            .await;
        reporter.finish();
        let finished = finished?;
        if finished.status != TaskStatus::Completed {
            failures.push(format!(
                "task {} {}: {}",
                finished.id,
                task_logic::status_word(finished.status),
                finished.error.as_deref().unwrap_or("no reason given")
            ));
        } else {
            eprintln!(
                "task {} completed in {}",
                sanitize(&finished.id),
                duration_text(finished.duration.max(1))
            );
        }
        done.push(finished);
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    Ok(done)
}

/// Prints new tasks (or their final state after `--wait`).
fn print_tasks(tasks: &[Task], json: bool) {
    if json {
        let empty = TaskProgressMap::new();
        print_json(&Value::Array(
            tasks.iter().map(|t| task_json(t, &empty)).collect(),
        ));
    } else {
        for t in tasks {
            println!(
                "{} {} {}",
                sanitize(&t.id),
                task_logic::status_word(t.status),
                sanitize(&task_logic::describe(t))
            );
        }
    }
}

/// After `--wait`, print the final state even when a task failed, then report the failure.
async fn finish_tasks(
    client: &Client,
    created: Vec<Task>,
    wait: bool,
    json: bool,
) -> anyhow::Result<()> {
    if !wait {
        print_tasks(&created, json);
        return Ok(());
    }
    match wait_all(client, &created).await {
        Ok(done) => {
            print_tasks(&done, json);
            Ok(())
        }
        Err(e) => {
            if json {
                // Scripts still get the final states.
                let mut finals = Vec::new();
                for t in &created {
                    if let Ok(Some(f)) =
                        task_logic::find_task(client, &t.id, TaskFamily::of(&t.kind)).await
                    {
                        finals.push(f);
                    }
                }
                print_tasks(&finals, true);
            }
            Err(e)
        }
    }
}

fn show_task(task: &Task, progress: &TaskProgressMap, json: bool) {
    let files = task
        .summary
        .as_ref()
        .and_then(|s| s.props.download.as_ref())
        .map(|d| d.files.clone())
        .unwrap_or_default();
    if json {
        print_json(&task_json(task, progress));
        return;
    }
    let mut t = Table::new(&[]);
    let retries = task.retry_count.to_string();
    let rows = [
        ("ID", task.id.as_str()),
        ("Type", task.kind.as_str()),
        ("Status", task_logic::status_word(task.status)),
        ("Progress", &progress_cell(task, progress)),
        ("What", &task_logic::describe(task)),
        ("Node", task.node.as_ref().map_or("", |n| n.name.as_str())),
        ("Created", &short_time(&task.created_at)),
        ("Time", &duration_text(task.duration)),
        ("Retries", if task.retry_count > 0 { &retries } else { "" }),
        ("Error", task.error.as_deref().unwrap_or("")),
    ];
    // Empty fields are left out rather than shown blank.
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        t.row([*label, *value]);
    }
    for (i, e) in task.error_history.iter().enumerate() {
        t.row([format!("Attempt {}", i + 1), e.clone()]);
    }
    print!("{}", t.render());
    if !files.is_empty() {
        let mut t = Table::new(&[true, true, true, false, false]);
        t.row(["INDEX", "SIZE", "DONE", "SELECTED", "NAME"]);
        for f in &files {
            t.row([
                f.index.to_string(),
                human_size(f.size),
                format!("{:.0}%", f.progress * 100.0),
                if f.selected { "yes" } else { "no" }.to_string(),
                f.name.clone(),
            ]);
        }
        print!("{}", t.render());
    }
}

/// Looks for a task in every list (its type is not known from the id).
async fn find_any(client: &Client, id: &str) -> anyhow::Result<Task> {
    for family in [TaskFamily::General, TaskFamily::RemoteDownload] {
        if let Some(t) = task_logic::find_task(client, id, family).await? {
            return Ok(t);
        }
    }
    bail!("no task {} in the task lists", sanitize(id))
}

pub async fn task(ctx: &Context, cmd: TaskCommand) -> anyhow::Result<()> {
    match cmd {
        TaskCommand::Cancel(args) => {
            with_client(ctx, |client| async move {
                let task = find_any(&client, &args.id).await?;
                if TaskFamily::of(&task.kind) != TaskFamily::RemoteDownload {
                    bail!(
                        "task {} is a {} task: only remote downloads can be cancelled",
                        sanitize(&task.id),
                        sanitize(&task.kind)
                    );
                }
                if !task_logic::is_active(&task) {
                    bail!(
                        "task {} already ended ({})",
                        sanitize(&task.id),
                        task_logic::status_word(task.status)
                    );
                }
                client.cancel_download(&task.id).await?;
                println!("cancelled task {}", sanitize(&task.id));
                Ok(())
            })
            .await
        }
        TaskCommand::Show(args) => {
            with_client(ctx, |client| async move {
                let task = find_any(&client, &args.id).await?;
                let progress = task_logic::live_progress(&client, &task).await?;
                show_task(&task, &progress, args.json);
                Ok(())
            })
            .await
        }
        TaskCommand::Select(args) => {
            with_client(ctx, |client| async move {
                let task = find_any(&client, &args.id).await?;
                let known: Vec<i64> = task
                    .summary
                    .as_ref()
                    .and_then(|s| s.props.download.as_ref())
                    .map(|d| d.files.iter().map(|f| f.index).collect())
                    .unwrap_or_default();
                let choice =
                    task_logic::file_selection(&known, &args.indexes).map_err(|e| anyhow!(e))?;
                client.select_download_files(&task.id, &choice).await?;
                println!(
                    "task {}: downloading {} file(s)",
                    sanitize(&task.id),
                    args.indexes.len()
                );
                Ok(())
            })
            .await
        }
        TaskCommand::Wait(args) => {
            with_client(ctx, |client| async move {
                let task = find_any(&client, &args.id).await?;
                finish_tasks(&client, vec![task], true, false).await
            })
            .await
        }
    }
}

pub async fn download(ctx: &Context, args: DownloadArgs) -> anyhow::Result<()> {
    let dst = uri(&args.to)?;
    let src_file = args.torrent.as_deref().map(uri).transpose()?;
    with_client(ctx, |client| async move {
        // The destination must exist (40016 "Invalid destination"); create it like `mkdir -p`.
        client.mkdir(&dst).await?;
        let created = client
            .remote_download(&RemoteDownloadRequest {
                src: args.urls.clone(),
                src_file: src_file.map(|u| u.to_string()),
                dst: dst.to_string(),
                preferred_node_id: None,
            })
            .await?;
        finish_tasks(&client, created, args.wait, args.json).await
    })
    .await
}

pub async fn archive(ctx: &Context, cmd: ArchiveCommand) -> anyhow::Result<()> {
    match cmd {
        ArchiveCommand::Create(args) => {
            let sources = uris(&args.paths)?;
            let dst = uri(&args.to)?;
            with_client(ctx, |client| async move {
                let task = client.create_archive(&sources, &dst).await?;
                finish_tasks(&client, vec![task], args.wait, args.json).await
            })
            .await
        }
        ArchiveCommand::Extract(args) => {
            let src = uri(&args.archive)?;
            let dst = uri(&args.to)?;
            with_client(ctx, |client| async move {
                // The server wants an existing destination (40016, C2-452); create it.
                client.mkdir(&dst).await?;
                let task = client
                    .extract_archive(&ExtractRequest {
                        src: vec![src.to_string()],
                        dst: dst.to_string(),
                        encoding: args.encoding.clone(),
                        password: args.password.clone(),
                        file_mask: args.only.clone(),
                    })
                    .await?;
                finish_tasks(&client, vec![task], args.wait, args.json).await
            })
            .await
        }
        ArchiveCommand::List(args) => {
            let src = uri(&args.archive)?;
            with_client(ctx, |client| async move {
                let listing = client
                    .archive_entries(&src, None, args.encoding.as_deref())
                    .await?;
                if args.json {
                    print_json(&json!(listing.files));
                    return Ok(());
                }
                let mut t = Table::new(&[true, false, false]);
                for e in &listing.files {
                    let size = if e.is_directory {
                        "-".to_string()
                    } else {
                        human_size(e.size)
                    };
                    let when = e.updated_at.as_ref().map(short_time).unwrap_or_default();
                    t.row([size, when, e.name.clone()]);
                }
                print!("{}", t.render());
                Ok(())
            })
            .await
        }
    }
}

// ---- shares -------------------------------------------------------------------------------

fn protection_override(args: &ShareCreateArgs) -> Option<Protection> {
    if let Some(p) = &args.password {
        Some(Protection::Password(p.clone()))
    } else if args.random_password {
        Some(Protection::RandomPassword)
    } else if args.public {
        Some(Protection::Public)
    } else {
        None
    }
}

/// The QR code of `text`, coloured on a terminal and plain (for dark backgrounds) otherwise.
fn qr_text(text: &str, on_terminal: bool) -> anyhow::Result<String> {
    let style = if on_terminal {
        crate::qr::QrStyle::Colored
    } else {
        crate::qr::QrStyle::DarkBackground
    };
    // The URL is server data; a QR code is pixels, but keep what it encodes printable too.
    Ok(crate::qr::render(&sanitize(text), style)?)
}

/// `reve share edit`: the options not given stay as they are. The owner's view of a
/// protected share needs its password, which `share_edit::owned_share` finds.
pub async fn share_edit(ctx: &Context, args: ShareEditArgs) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        let current = share_edit::owned_share(&client, &args.id, None).await?;
        let expire = match args.expire.as_deref() {
            Some("never") => None,
            Some(d) => Some(parse_duration(d)?),
            None => share_edit::seconds_left(&current, chrono::Utc::now()),
        };
        let downloads = match args.downloads {
            Some(0) => None,
            Some(n) => Some(u64::from(n)),
            None => current.remain_downloads.map(|n| n.max(1) as u64),
        };
        let changes = share_edit::ShareChanges {
            password: None,
            expire,
            downloads,
        };
        let edited = share_edit::apply(&client, &args.id, &current, &changes)
            .await
            .map_err(|e| match e {
                // Kept as an API error, so that its code and correlation id are printed.
                share_edit::EditError::Api(api) => anyhow::Error::from(api),
                other => anyhow::Error::from(other),
            })?;
        if args.json {
            print_json(&json!({"id": args.id, "url": edited.url}));
        } else {
            println!("{}", sanitize(&edited.url));
        }
        Ok(())
    })
    .await
}

pub async fn share_create(ctx: &Context, args: ShareCreateArgs) -> anyhow::Result<()> {
    let target = uri(&args.path)?;
    let preset_name = args.preset.clone();
    let preset = ctx.config.share_preset(preset_name.as_deref())?;
    let base = match preset {
        Some(p) => ShareOptions::from_preset(p)?,
        None => ShareOptions::default(),
    };
    let options = base.with(ShareOverrides {
        protection: protection_override(&args),
        expire: args.expire.as_deref().map(parse_duration).transpose()?,
        downloads: args.downloads.map(u64::from),
        share_view: args.share_view,
        show_readme: args.show_readme,
    });
    options.validate().map_err(|e| anyhow!(e))?;
    let osc52 = ctx.config.osc52_enabled();
    let used_preset = preset.map(|_| {
        preset_name
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_SHARE_PRESET.to_string())
    });
    with_client(ctx, |client| async move {
        let link = client.create_share(&options.request(&target)).await?;
        let (id, password) = link_parts(&link).unzip();
        if args.json {
            print_json(&json!({
                "url": link,
                "uri": target.to_string(),
                "id": id,
                "password": password.flatten(),
                "preset": used_preset,
            }));
        } else {
            println!("{}", sanitize(&link));
        }
        if args.qr {
            // With --json the code goes to standard error so standard output stays JSON.
            if args.json {
                eprint!("{}", qr_text(&link, std::io::stderr().is_terminal())?);
            } else {
                print!("{}", qr_text(&link, std::io::stdout().is_terminal())?);
            }
        }
        if args.copy {
            match crate::clipboard::copy_to_terminal(&link, osc52) {
                Ok(()) => eprintln!("copied to the clipboard"),
                Err(e) => eprintln!("reve: not copied: {e}"),
            }
        }
        Ok(())
    })
    .await
}

/// `reve share browse`: a share link's contents, read-only. Uses this profile's session when the
/// link is on its server, and no account otherwise.
pub async fn share_browse(ctx: &Context, args: ShareBrowseArgs) -> anyhow::Result<()> {
    let server = link_server(&args.url).context("not a share link (…/s/ID or …/s/ID/PASSWORD)")?;
    let own_server = ctx
        .profile()
        .ok()
        .is_some_and(|p| p.server.trim_end_matches('/') == server);
    if own_server {
        with_client(
            ctx,
            |client| async move { browse_share(&client, args).await },
        )
        .await
    } else {
        let client = Client::new(crate::api::ClientConfig::new(server))?;
        browse_share(&client, args).await
    }
}

async fn browse_share(client: &Client, args: ShareBrowseArgs) -> anyhow::Result<()> {
    let not_a_link = || anyhow!("not a share link (…/s/ID or …/s/ID/PASSWORD)");
    let mut opened = open_link(client, &args.url, args.password.as_deref())
        .await?
        .ok_or_else(not_a_link)?;
    if matches!(opened, OpenedShare::Locked(_))
        && args.password.is_none()
        && std::io::stdin().is_terminal()
    {
        let password =
            rpassword::prompt_password("Share password: ").context("cannot read the password")?;
        opened = open_link(client, &args.url, Some(&password))
            .await?
            .ok_or_else(not_a_link)?;
    }
    let (share, root) = match opened {
        OpenedShare::Locked(share) => {
            let what = if args.password.is_some() {
                "the password is wrong"
            } else {
                "it needs a password: pass it with --password"
            };
            bail!("cannot open the share {}: {what}", sanitize(&share.name));
        }
        OpenedShare::Open { share, uri } => (share, uri),
    };
    let folder = args
        .path
        .as_deref()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .fold(root, |uri, segment| uri.join(segment));
    let listing = client.list_all(&folder, &Default::default()).await?;
    let owner = share
        .owner
        .as_ref()
        .map(|o| o.nickname.clone())
        .unwrap_or_default();
    if args.json {
        let entries: Vec<Value> = listing
            .files
            .iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "type": if f.is_folder() { "folder" } else { "file" },
                    "size": f.size,
                    "updated_at": f.updated_at.to_rfc3339(),
                    "uri": f.path,
                })
            })
            .collect();
        print_json(&json!({
            "share": {
                "id": share.id,
                "name": share.name,
                "owner": owner,
                "views": share.visited,
                "downloads": share.downloaded,
                "expires": share.expires.map(|e| e.to_rfc3339()),
            },
            "uri": folder.to_string(),
            "entries": entries,
        }));
        return Ok(());
    }
    println!(
        "{} shared by {}",
        sanitize(&share.name),
        sanitize(if owner.is_empty() { "?" } else { &owner })
    );
    let mut t = Table::new(&[false, true, false, false]);
    for f in &listing.files {
        let size = if f.is_folder() {
            "-".to_string()
        } else {
            human_size(f.size)
        };
        let name = if f.is_folder() {
            format!("{}/", f.name)
        } else {
            f.name.clone()
        };
        let kind = if f.is_folder() { "folder" } else { "file" };
        t.row([kind.to_string(), size, short_time(&f.updated_at), name]);
    }
    print!("{}", t.render());
    Ok(())
}

// ---- direct links -------------------------------------------------------------------------

pub async fn link(ctx: &Context, cmd: LinkCommand) -> anyhow::Result<()> {
    match cmd {
        LinkCommand::Create(args) => {
            let targets = uris(&args.paths)?;
            with_client(ctx, |client| async move {
                let links = client.create_direct_links(&targets).await?;
                if args.json {
                    let items: Vec<Value> = links
                        .iter()
                        .map(|l| json!({"url": l.link, "uri": l.file_url}))
                        .collect();
                    print_json(&Value::Array(items));
                } else {
                    for l in &links {
                        println!("{}", sanitize(&l.link));
                    }
                }
                Ok(())
            })
            .await
        }
        LinkCommand::List(args) => {
            let target = uri(&args.path)?;
            with_client(ctx, |client| async move {
                let file = client.file_info(&target, extended()).await?;
                let links = file
                    .extended_info
                    .map(|i| i.direct_links)
                    .unwrap_or_default();
                if args.json {
                    let items: Vec<Value> = links
                        .iter()
                        .map(|l| {
                            json!({
                                "id": l.id,
                                "url": l.url,
                                "downloads": l.downloaded,
                                "created_at": l.created_at.to_rfc3339(),
                            })
                        })
                        .collect();
                    print_json(&Value::Array(items));
                    return Ok(());
                }
                let mut t = Table::new(&[false, false, true, false]);
                t.row(["ID", "URL", "DOWNLOADS", "CREATED"]);
                for l in &links {
                    t.row([
                        l.id.clone(),
                        l.url.clone(),
                        l.downloaded.to_string(),
                        short_time(&l.created_at),
                    ]);
                }
                print!("{}", t.render());
                Ok(())
            })
            .await
        }
        LinkCommand::Rm(args) => {
            with_client(ctx, |client| async move {
                for id in &args.ids {
                    client.delete_direct_link(id).await?;
                }
                println!("deleted {} direct link(s)", args.ids.len());
                Ok(())
            })
            .await
        }
    }
}

fn extended() -> InfoOptions {
    InfoOptions {
        extended: true,
        folder_summary: false,
    }
}

// ---- versions -----------------------------------------------------------------------------

pub async fn versions(ctx: &Context, args: VersionsArgs) -> anyhow::Result<()> {
    let target = uri(&args.file)?;
    with_client(ctx, |client| async move {
        let file = client.file_info(&target, extended()).await?;
        if file.is_folder() {
            bail!(
                "{} is a folder: only files have versions",
                sanitize(&args.file)
            );
        }
        let list = meta::versions(&file);
        if args.json {
            let items: Vec<Value> = list
                .iter()
                .map(|v| {
                    json!({
                        "id": v.id,
                        "size": v.size,
                        "created_at": v.created_at.to_rfc3339(),
                        "current": v.current,
                        "created_by": v.created_by,
                    })
                })
                .collect();
            print_json(&Value::Array(items));
            return Ok(());
        }
        let mut t = Table::new(&[false, true, false, false, false]);
        t.row(["ID", "SIZE", "CREATED", "CURRENT", "BY"]);
        for v in &list {
            t.row([
                v.id.clone(),
                human_size(v.size),
                short_time(&v.created_at),
                if v.current { "*" } else { "" }.to_string(),
                v.created_by.clone().unwrap_or_default(),
            ]);
        }
        print!("{}", t.render());
        Ok(())
    })
    .await
}

pub async fn version(ctx: &Context, cmd: VersionCommand) -> anyhow::Result<()> {
    enum Action {
        Set,
        Rm,
        Url,
    }
    let (args, action) = match cmd {
        VersionCommand::Set(a) => (a, Action::Set),
        VersionCommand::Rm(a) => (a, Action::Rm),
        VersionCommand::Url(a) => (a, Action::Url),
    };
    let target = uri(&args.file)?;
    with_client(ctx, |client| async move {
        let id = args.version_id.as_str();
        match action {
            Action::Set => {
                client.set_current_version(&target, id).await?;
                println!("version {} is now current", sanitize(id));
            }
            Action::Rm => {
                // The server refuses the current one with a bare "Not supported action" (403,
                // C2-314): say why before asking.
                let file = client.file_info(&target, InfoOptions::default()).await?;
                if file.primary_entity == id {
                    bail!(
                        "version {} is the current one: make another current first (`reve version set`)",
                        sanitize(id)
                    );
                }
                client.delete_version(&target, id).await?;
                println!("deleted version {}", sanitize(id));
            }
            Action::Url => {
                let url = client.download_url(&target, Some(id)).await?;
                println!("{}", sanitize(&url));
            }
        }
        Ok(())
    })
    .await
}

// ---- search -------------------------------------------------------------------------------

pub async fn search(ctx: &Context, args: SearchArgs) -> anyhow::Result<()> {
    let base = uri(&args.folder)?;
    let query = args.terms.join(" ");
    let target = crate::drive::search::search_uri(&base, &query, chrono::Utc::now())
        .map_err(|e| anyhow!("{e}"))?;
    with_client(ctx, |client| async move {
        let results = client.list_all(&target, &Default::default()).await?;
        if args.json {
            let entries: Vec<Value> = results
                .files
                .iter()
                .map(|f| {
                    json!({
                        "name": f.name,
                        "type": if f.is_folder() { "folder" } else { "file" },
                        "size": f.size,
                        "updated_at": f.updated_at.to_rfc3339(),
                        "uri": f.path,
                    })
                })
                .collect();
            print_json(&json!({"uri": target.to_string(), "entries": entries}));
            return Ok(());
        }
        let mut t = Table::new(&[true, false, false]);
        for f in &results.files {
            let size = if f.is_folder() {
                "-".to_string()
            } else {
                human_size(f.size)
            };
            let shown = CrUri::parse(&f.path)
                .map(|u| u.display_path())
                .unwrap_or_else(|_| f.path.clone());
            t.row([size, short_time(&f.updated_at), shown]);
        }
        print!("{}", t.render());
        Ok(())
    })
    .await
}

// ---- pins and tags ------------------------------------------------------------------------

pub async fn pin(ctx: &Context, args: PinArgs) -> anyhow::Result<()> {
    let target = uri(&args.path)?;
    with_client(ctx, |client| async move {
        client.pin(&target, args.name.as_deref()).await?;
        println!("pinned {}", sanitize(&target.display_path()));
        Ok(())
    })
    .await
}

pub async fn unpin(ctx: &Context, args: UnpinArgs) -> anyhow::Result<()> {
    let target = uri(&args.path)?;
    with_client(ctx, |client| async move {
        client.unpin(&target).await?;
        println!("unpinned {}", sanitize(&target.display_path()));
        Ok(())
    })
    .await
}

pub async fn pins(ctx: &Context, args: JsonFlag) -> anyhow::Result<()> {
    with_client(ctx, |client| async move {
        let me = client.me().await?;
        if args.json {
            let items: Vec<Value> = me
                .pined
                .iter()
                .map(|p| json!({"uri": p.uri, "name": p.name}))
                .collect();
            print_json(&Value::Array(items));
            return Ok(());
        }
        let mut t = Table::new(&[]);
        for p in &me.pined {
            let shown = CrUri::parse(&p.uri)
                .map(|u| u.display_path())
                .unwrap_or_else(|_| p.uri.clone());
            t.row([p.name.clone().unwrap_or_default(), shown]);
        }
        print!("{}", t.render());
        Ok(())
    })
    .await
}

pub async fn tag(ctx: &Context, cmd: TagCommand) -> anyhow::Result<()> {
    match cmd {
        TagCommand::Add(args) => {
            let target = uri(&args.path)?;
            let patch = meta::add_tag(&args.tag, args.color.as_deref()).map_err(|e| anyhow!(e))?;
            with_client(ctx, |client| async move {
                client
                    .patch_metadata(std::slice::from_ref(&target), &[patch])
                    .await?;
                println!(
                    "tagged {} with {}",
                    sanitize(&target.display_path()),
                    sanitize(&args.tag)
                );
                Ok(())
            })
            .await
        }
        TagCommand::Rm(args) => {
            let target = uri(&args.path)?;
            let patch = meta::remove_tag(&args.tag).map_err(|e| anyhow!(e))?;
            with_client(ctx, |client| async move {
                client
                    .patch_metadata(std::slice::from_ref(&target), &[patch])
                    .await?;
                println!(
                    "removed tag {} from {}",
                    sanitize(&args.tag),
                    sanitize(&target.display_path())
                );
                Ok(())
            })
            .await
        }
        TagCommand::List(args) => {
            let target = uri(&args.path)?;
            with_client(ctx, |client| async move {
                let file = client.file_info(&target, InfoOptions::default()).await?;
                let tags = meta::tags(&file);
                if args.json {
                    let items: Vec<Value> = tags
                        .iter()
                        .map(|t| json!({"name": t.name, "color": t.color}))
                        .collect();
                    print_json(&Value::Array(items));
                    return Ok(());
                }
                let mut t = Table::new(&[]);
                for tag in &tags {
                    t.row([tag.name.clone(), tag.color.clone().unwrap_or_default()]);
                }
                print!("{}", t.render());
                Ok(())
            })
            .await
        }
    }
}
