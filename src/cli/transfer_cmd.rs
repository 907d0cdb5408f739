//! `reve put`, `reve get` and `reve transfers`: the transfer engine on the command line.
//!
//! Progress goes to a bar on a terminal (stderr), to one JSON object per line with `--json`
//! (stdout), or to one plain line per finished file otherwise. Ctrl-C pauses: the checkpoint
//! stays and `reve transfers resume` finishes the job — as it does after a `kill -9`.

use super::commands::{uri, with_client};
use super::context::Context;
use super::output::{Table, escape_invisible_in_json, human_size};
use crate::api::Client;
use crate::text::sanitize;
use crate::transfer::checkpoint::RecordState;
use crate::transfer::conflict::{ConflictResolver, Refuse};
use crate::transfer::{
    Answer, CheckpointStore, Choice, Conflict, ConflictPolicy, Delta, Direction, Engine,
    EngineConfig, EngineError, Event, JobOptions, JobReport, JobSummary, Outcome, Progress,
};
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use futures_util::future::BoxFuture;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::collections::HashMap;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

// ---- arguments ----------------------------------------------------------------------------

/// What to do when the target name is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConflictArg {
    /// Replace: a new version on the server, the local file on download.
    Overwrite,
    /// Same as overwrite (Cloudreve keeps the old content as a version).
    Version,
    /// Keep both: `name (1).ext`.
    Rename,
    /// Leave the existing file alone.
    Skip,
    /// Ask for each conflict (the default on a terminal).
    Ask,
    /// Report the file as failed (the default otherwise).
    Fail,
}

#[derive(Debug, Args)]
pub struct TransferFlags {
    /// Transfer folders with everything in them.
    #[arg(short, long)]
    pub recursive: bool,
    /// When the target exists.
    #[arg(long, value_enum, value_name = "CHOICE")]
    pub conflict: Option<ConflictArg>,
    /// Files transferred at once (default: `files_at_once` of `[transfers]` in config.toml,
    /// else 3).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// Chunks of one upload in flight at once (never more than the storage policy allows;
    /// default: `chunks` of `[transfers]` in config.toml, else what the policy allows).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub chunks: Option<u16>,
    /// Progress as JSON events, one object per line, on standard output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(override_usage = "reve put [OPTIONS] LOCAL... REMOTE_DIR")]
pub struct PutArgs {
    /// Local files or folders, then the remote folder (a path like /docs or a cloudreve:// URI).
    #[arg(required = true, num_args = 2.., value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub flags: TransferFlags,
}

#[derive(Debug, Args)]
#[command(override_usage = "reve get [OPTIONS] REMOTE... LOCAL_DIR")]
pub struct GetArgs {
    /// Remote files or folders, then the local folder (created when missing).
    #[arg(required = true, num_args = 2.., value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub flags: TransferFlags,
}

#[derive(Debug, Args)]
pub struct TransfersArgs {
    #[command(subcommand)]
    pub command: Option<TransfersCommand>,
    /// Print JSON (for the listing).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TransfersCommand {
    /// List running and interrupted transfers (the default).
    List,
    /// Finish interrupted transfers from their checkpoints.
    Resume(ResumeArgs),
    /// Forget transfers: cancel their upload sessions on the server, delete part files.
    Clear(ClearArgs),
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Transfer id (or a prefix) from `reve transfers`.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<String>,
    /// Every interrupted transfer.
    #[arg(long)]
    pub all: bool,
    /// Override the conflict choice recorded with the transfer.
    #[arg(long, value_enum, value_name = "CHOICE")]
    pub conflict: Option<ConflictArg>,
    /// Files transferred at once (default: `files_at_once` of `[transfers]` in config.toml,
    /// else 3).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// Progress as JSON events, one object per line, on standard output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ClearArgs {
    /// Transfer ids (or prefixes) from `reve transfers`.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub ids: Vec<String>,
    /// Every transfer that is not running.
    #[arg(long)]
    pub all: bool,
}

// ---- commands -----------------------------------------------------------------------------

fn store(ctx: &Context) -> CheckpointStore {
    CheckpointStore::for_profile(&ctx.paths.data_dir, &ctx.profile_name)
}

/// An engine for one command: the flags first, then `[transfers]` of config.toml.
fn engine(
    ctx: &Context,
    client: Client,
    files_at_once: Option<u16>,
    chunks: Option<u16>,
) -> Engine {
    let settings = ctx.config.transfers;
    let config = EngineConfig {
        files_at_once: usize::from(files_at_once.unwrap_or(settings.files_at_once())),
        chunk_concurrency: chunks.or(settings.chunks).map(usize::from),
        ..EngineConfig::default()
    };
    Engine::new(client, store(ctx), config)
}

/// A conflict answer of the user, or the default: ask on a terminal, fail otherwise.
fn policy(arg: Option<ConflictArg>, interactive: bool) -> ConflictPolicy {
    match arg {
        Some(ConflictArg::Overwrite | ConflictArg::Version) => {
            ConflictPolicy::Always(Choice::Overwrite)
        }
        Some(ConflictArg::Rename) => ConflictPolicy::Always(Choice::Rename),
        Some(ConflictArg::Skip) => ConflictPolicy::Always(Choice::Skip),
        Some(ConflictArg::Fail) => ConflictPolicy::Fail,
        Some(ConflictArg::Ask) => ConflictPolicy::Ask,
        None if interactive => ConflictPolicy::Ask,
        None => ConflictPolicy::Fail,
    }
}

/// "reve offers to resume": unfinished jobs from earlier runs are pointed out.
fn mention_unfinished(ctx: &Context, json_out: bool) {
    if json_out {
        return;
    }
    let waiting = store(ctx)
        .list()
        .map(|jobs| jobs.iter().filter(|j| !j.running).count())
        .unwrap_or(0);
    if waiting > 0 {
        eprintln!(
            "{waiting} unfinished transfer(s) from earlier: `reve transfers` lists them, \
             `reve transfers resume --all` finishes them."
        );
    }
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

pub async fn put(ctx: &Context, args: PutArgs) -> anyhow::Result<()> {
    let (dest, sources) = args
        .paths
        .split_last()
        .context("name the local files and the remote folder")?;
    let dest = uri(dest)?;
    let sources: Vec<PathBuf> = sources.iter().map(PathBuf::from).collect();
    let flags = args.flags;
    mention_unfinished(ctx, flags.json);
    let options = JobOptions {
        recursive: flags.recursive,
        conflict: policy(flags.conflict, interactive()),
    };
    with_client(ctx, |client| async move {
        let (tx, mut events) = mpsc::unbounded_channel();
        let engine = engine(ctx, client, flags.concurrency, flags.chunks).with_events(tx);
        let mut display = Display::new(flags.json);
        let stop = CancellationToken::new();
        let resolver = display.resolver(options.conflict);
        let job = engine.put(&sources, &dest, options, resolver, stop.clone());
        let report = drive(job, &mut events, &mut display, &stop).await?;
        conclude(&report, flags.json)
    })
    .await
}

pub async fn get(ctx: &Context, args: GetArgs) -> anyhow::Result<()> {
    let (dest, sources) = args
        .paths
        .split_last()
        .context("name the remote files and the local folder")?;
    let dest = PathBuf::from(dest);
    let sources = sources
        .iter()
        .map(|s| uri(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let flags = args.flags;
    mention_unfinished(ctx, flags.json);
    let options = JobOptions {
        recursive: flags.recursive,
        conflict: policy(flags.conflict, interactive()),
    };
    with_client(ctx, |client| async move {
        let (tx, mut events) = mpsc::unbounded_channel();
        let engine = engine(ctx, client, flags.concurrency, flags.chunks).with_events(tx);
        let mut display = Display::new(flags.json);
        let stop = CancellationToken::new();
        let resolver = display.resolver(options.conflict);
        let job = engine.get(&sources, &dest, options, resolver, stop.clone());
        let report = drive(job, &mut events, &mut display, &stop).await?;
        conclude(&report, flags.json)
    })
    .await
}

pub async fn transfers(ctx: &Context, args: TransfersArgs) -> anyhow::Result<()> {
    match args.command.unwrap_or(TransfersCommand::List) {
        TransfersCommand::List => list(ctx, args.json),
        TransfersCommand::Resume(a) => resume(ctx, a).await,
        TransfersCommand::Clear(a) => clear(ctx, a).await,
    }
}

/// What a job is doing, for the listing.
fn job_state(job: &JobSummary) -> &'static str {
    if job.running {
        "running"
    } else if job
        .transfers
        .iter()
        .any(|t| matches!(t.state, RecordState::Failed(_)))
    {
        "failed"
    } else {
        "interrupted"
    }
}

fn list(ctx: &Context, json_out: bool) -> anyhow::Result<()> {
    let jobs = store(ctx).list()?;
    if json_out {
        let items: Vec<serde_json::Value> = jobs.iter().map(job_json).collect();
        print_line(&json!(items), true);
        return Ok(());
    }
    if jobs.is_empty() {
        println!("No unfinished transfers.");
        return Ok(());
    }
    let mut table = Table::new(&[false, false, false, true, true, false]);
    table.row(["ID", "DIRECTION", "STATE", "FILES", "BYTES", "FROM → TO"]);
    for job in &jobs {
        let files = job.transfers.len();
        let finished = job
            .transfers
            .iter()
            .filter(|t| t.state.is_finished())
            .count();
        let total: u64 = job.transfers.iter().map(|t| t.size()).sum();
        let done: u64 = job
            .transfers
            .iter()
            .map(|t| {
                if t.state.is_finished() {
                    t.size()
                } else {
                    t.bytes_done()
                }
            })
            .sum();
        table.row([
            job.record.id.clone(),
            job.record.direction.as_str().to_string(),
            job_state(job).to_string(),
            format!("{finished}/{files}"),
            format!("{}/{}", human_size(done), human_size(total)),
            format!(
                "{} → {}",
                job.record.sources.join(", "),
                job.record.destination
            ),
        ]);
    }
    print!("{}", table.render());
    for job in &jobs {
        for t in &job.transfers {
            if let RecordState::Failed(why) = &t.state {
                println!("  {} {}: {}", t.id, sanitize(&t.name()), sanitize(why));
            }
        }
    }
    println!(
        "Resume with `reve transfers resume ID` (or --all); forget with `reve transfers clear ID`."
    );
    Ok(())
}

fn job_json(job: &JobSummary) -> serde_json::Value {
    let files: Vec<serde_json::Value> = job
        .transfers
        .iter()
        .map(|t| {
            let (state, message) = match &t.state {
                RecordState::Pending => ("pending", None),
                RecordState::Active => ("interrupted", None),
                RecordState::Done => ("done", None),
                RecordState::Skipped(m) => ("skipped", Some(m.as_str())),
                RecordState::Failed(m) => ("failed", Some(m.as_str())),
            };
            json!({
                "id": t.id, "name": t.name(), "state": state, "message": message,
                "size": t.size(), "bytes_done": t.bytes_done(),
            })
        })
        .collect();
    json!({
        "id": job.record.id,
        "direction": job.record.direction,
        "state": job_state(job),
        "created_at": job.record.created_at,
        "sources": job.record.sources,
        "destination": job.record.destination,
        "files": files,
    })
}

async fn resume(ctx: &Context, args: ResumeArgs) -> anyhow::Result<()> {
    let store = store(ctx);
    let ids: Vec<String> = match &args.id {
        Some(id) => vec![store.resolve_id(id)?],
        None => store
            .list()?
            .into_iter()
            .filter(|j| !j.running)
            .map(|j| j.record.id)
            .collect(),
    };
    if ids.is_empty() {
        if !args.json {
            println!("Nothing to resume.");
        }
        return Ok(());
    }
    let conflict = args.conflict.map(|c| policy(Some(c), interactive()));
    with_client(ctx, |client| async move {
        let (tx, mut events) = mpsc::unbounded_channel();
        let engine = engine(ctx, client, args.concurrency, None).with_events(tx);
        let mut display = Display::new(args.json);
        let stop = CancellationToken::new();
        let mut failures = 0;
        for id in ids {
            if stop.is_cancelled() {
                break;
            }
            // The job's own choice decides unless overridden; asking needs a terminal.
            let resolver = display.resolver(conflict.unwrap_or(ConflictPolicy::Ask));
            let job = engine.resume(&id, conflict, resolver, stop.clone());
            let report = drive(job, &mut events, &mut display, &stop).await?;
            if let Err(e) = conclude(&report, args.json) {
                eprintln!("{e}");
                failures += 1;
            }
        }
        if failures > 0 {
            bail!("{failures} transfer(s) did not finish");
        }
        Ok(())
    })
    .await
}

async fn clear(ctx: &Context, args: ClearArgs) -> anyhow::Result<()> {
    let store = store(ctx);
    let ids: Vec<String> = if args.all {
        store
            .list()?
            .into_iter()
            .filter(|j| !j.running)
            .map(|j| j.record.id)
            .collect()
    } else {
        args.ids
            .iter()
            .map(|id| store.resolve_id(id))
            .collect::<Result<_, _>>()?
    };
    if ids.is_empty() {
        println!("Nothing to clear.");
        return Ok(());
    }
    with_client(ctx, |client| async move {
        let engine = engine(ctx, client, Some(1), None);
        for id in ids {
            engine.clear(&id).await?;
            println!("Cleared {id}.");
        }
        Ok(())
    })
    .await
}

// ---- running with progress ------------------------------------------------------------------

/// Runs one job while showing its events; Ctrl-C stops it (the checkpoint stays).
async fn drive<F>(
    job: F,
    events: &mut mpsc::UnboundedReceiver<Event>,
    display: &mut Display,
    stop: &CancellationToken,
) -> anyhow::Result<JobReport>
where
    F: std::future::Future<Output = Result<JobReport, EngineError>>,
{
    tokio::pin!(job);
    loop {
        tokio::select! {
            report = &mut job => {
                while let Ok(event) = events.try_recv() {
                    display.show(event);
                }
                display.finish_job();
                return Ok(report?);
            }
            Some(event) = events.recv() => display.show(event),
            _ = tokio::signal::ctrl_c(), if !stop.is_cancelled() => {
                display.note("stopping; the transfer can be resumed");
                stop.cancel();
            }
        }
    }
}

/// Where progress goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// indicatif bars on stderr.
    Bars,
    /// One JSON object per event on stdout.
    Json,
    /// A line per finished file.
    Plain,
}

/// Shows engine events.
struct Display {
    mode: Mode,
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    files: HashMap<String, FileView>,
    /// Bytes of files that ended (their bars are gone).
    ended_bytes: u64,
    ended_files: usize,
    planned_files: usize,
}

/// One running file: its bar and its progress folded from the engine's deltas.
struct FileView {
    name: String,
    bar: ProgressBar,
    progress: Progress,
}

impl Display {
    fn new(json_out: bool) -> Display {
        let mode = if json_out {
            Mode::Json
        } else if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Plain
        };
        let target = if mode == Mode::Bars {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        Display {
            mode,
            multi: MultiProgress::with_draw_target(target),
            overall: None,
            files: HashMap::new(),
            ended_bytes: 0,
            ended_files: 0,
            planned_files: 0,
        }
    }

    /// The conflict question for `policy`: a prompt on a terminal, never otherwise.
    fn resolver(&self, policy: ConflictPolicy) -> Box<dyn ConflictResolver> {
        if policy == ConflictPolicy::Ask && interactive() {
            Box::new(Prompt {
                multi: (self.mode == Mode::Bars).then(|| self.multi.clone()),
            })
        } else {
            Box::new(Refuse)
        }
    }

    fn note(&self, message: &str) {
        match self.mode {
            Mode::Bars => {
                let _ = self.multi.println(sanitize(message));
            }
            Mode::Json => {}
            Mode::Plain => eprintln!("{}", sanitize(message)),
        }
    }

    fn show(&mut self, event: Event) {
        if self.mode == Mode::Json {
            if let Ok(value) = serde_json::to_value(&event) {
                print_line(&value, false);
            }
            return;
        }
        match event {
            Event::Planned { files, bytes, .. } => self.planned(files, bytes),
            Event::Started { id, name, size, .. } => self.started(id, name, size),
            Event::Progress { id, delta } => self.progress(&id, &delta),
            Event::Notice { id, message } => {
                if let Some(view) = self.files.get(&id) {
                    view.bar.set_message(sanitize(&message).into_owned());
                }
            }
            Event::Finished { id, outcome } => self.finished(&id, &outcome),
        }
    }

    fn planned(&mut self, files: usize, bytes: u64) {
        self.planned_files = files;
        self.ended_files = 0;
        self.ended_bytes = 0;
        if self.mode != Mode::Bars {
            return;
        }
        let bar = self.multi.add(ProgressBar::new(bytes));
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(format!("0/{files} files"));
        self.overall = Some(bar);
    }

    fn started(&mut self, id: String, name: String, size: u64) {
        let bar = if self.mode == Mode::Bars {
            let bar = self.multi.add(ProgressBar::new(size));
            bar.set_style(
                ProgressStyle::with_template(
                    "  {prefix:30!} [{bar:20}] {bytes}/{total_bytes} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(sanitize(&name).into_owned());
            bar
        } else {
            ProgressBar::hidden()
        };
        let progress = Progress::default().apply(&Delta::Planned(size), std::time::Instant::now());
        self.files.insert(
            id,
            FileView {
                name,
                bar,
                progress,
            },
        );
    }

    fn progress(&mut self, id: &str, delta: &Delta) {
        let Some(view) = self.files.get_mut(id) else {
            return;
        };
        view.progress = view.progress.apply(delta, std::time::Instant::now());
        if let Delta::Planned(total) = delta {
            view.bar.set_length(*total);
        }
        view.bar.set_position(view.progress.done);
        self.update_overall();
    }

    fn update_overall(&self) {
        if let Some(overall) = &self.overall {
            let active: u64 = self.files.values().map(|v| v.progress.done).sum();
            overall.set_position(self.ended_bytes + active);
            overall.set_message(format!("{}/{} files", self.ended_files, self.planned_files));
        }
    }

    fn finished(&mut self, id: &str, outcome: &Outcome) {
        let Some(view) = self.files.remove(id) else {
            return;
        };
        view.bar.finish_and_clear();
        self.multi.remove(&view.bar);
        self.ended_files += 1;
        self.ended_bytes += view.progress.total.unwrap_or(view.progress.done);
        self.update_overall();
        let name = sanitize(&view.name);
        let line = match outcome {
            Outcome::Done(target) => format!("done     {name} → {}", sanitize(target)),
            Outcome::Skipped(why) => format!("skipped  {name}: {}", sanitize(why)),
            Outcome::Failed(why) => format!("failed   {name}: {}", sanitize(why)),
            Outcome::Paused => format!("stopped  {name}"),
        };
        match self.mode {
            Mode::Bars => {
                if !matches!(outcome, Outcome::Done(_)) {
                    let _ = self.multi.println(line);
                }
            }
            Mode::Plain => println!("{line}"),
            Mode::Json => {}
        }
    }

    fn finish_job(&mut self) {
        for (_, view) in self.files.drain() {
            view.bar.finish_and_clear();
        }
        if let Some(overall) = self.overall.take() {
            overall.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

/// Asks on the terminal; a capital letter answers for every further conflict.
struct Prompt {
    multi: Option<MultiProgress>,
}

impl ConflictResolver for Prompt {
    fn ask<'a>(&'a self, conflict: &'a Conflict) -> BoxFuture<'a, Option<Answer>> {
        let multi = self.multi.clone();
        let conflict = conflict.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                // Hide the bars while the question is on screen (without holding their lock,
                // so the transfers keep reporting).
                if let Some(m) = &multi {
                    let _ = m.clear();
                    m.set_draw_target(ProgressDrawTarget::hidden());
                }
                let answer = prompt_conflict(&conflict);
                if let Some(m) = &multi {
                    m.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
                }
                answer
            })
            .await
            .ok()
            .flatten()
        })
    }
}

fn prompt_conflict(conflict: &Conflict) -> Option<Answer> {
    let (place, keep) = match conflict.direction {
        Direction::Upload => (
            "exists on the server",
            "[o]verwrite as a new version, [r]ename",
        ),
        Direction::Download => ("exists here", "[o]verwrite, [k]eep both"),
    };
    let stdin = std::io::stdin();
    for _ in 0..5 {
        eprint!(
            "{} {place}: {keep}, [s]kip? (a capital letter applies to all) ",
            sanitize(&conflict.target)
        );
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).ok()? == 0 {
            return None;
        }
        let Some(c) = line.trim().chars().next() else {
            continue;
        };
        let choice = match c.to_ascii_lowercase() {
            'o' => Choice::Overwrite,
            'r' | 'k' => Choice::Rename,
            's' => Choice::Skip,
            _ => continue,
        };
        return Some(Answer {
            choice,
            apply_to_all: c.is_ascii_uppercase(),
        });
    }
    None
}

/// Prints the outcome; an error when something failed or was interrupted.
fn conclude(report: &JobReport, json_out: bool) -> anyhow::Result<()> {
    let done = report.count(|o| matches!(o, Outcome::Done(_)));
    let skipped = report.count(|o| matches!(o, Outcome::Skipped(_)));
    let failed = report.failed();
    let paused = report.paused();
    if json_out {
        print_line(
            &json!({
                "event": "summary", "job": report.job, "done": done, "skipped": skipped,
                "failed": failed, "paused": paused, "resumable": report.resumable,
                "problems": report.problems.iter()
                    .map(|p| json!({"item": p.item, "message": p.message}))
                    .collect::<Vec<_>>(),
            }),
            false,
        );
    } else {
        for p in &report.problems {
            eprintln!("{}: {}", sanitize(&p.item), sanitize(&p.message));
        }
        for f in &report.files {
            if let Outcome::Failed(why) = &f.outcome {
                eprintln!("{}: {}", sanitize(&f.name), sanitize(why));
            }
        }
        let verb = match report.direction {
            Direction::Upload => "uploaded",
            Direction::Download => "downloaded",
        };
        eprintln!(
            "{done} {verb}, {skipped} skipped, {failed} failed{}",
            if paused > 0 {
                format!(", {paused} interrupted")
            } else {
                String::new()
            }
        );
    }
    if paused > 0 {
        bail!(
            "interrupted; resume with `reve transfers resume {}`",
            report.job
        );
    }
    if failed > 0 {
        if report.resumable {
            bail!(
                "{failed} file(s) failed; retry with `reve transfers resume {}`",
                report.job
            );
        }
        bail!("{failed} item(s) could not be transferred");
    }
    Ok(())
}

/// One JSON value on one line (or pretty for listings), safe for a terminal.
fn print_line(value: &serde_json::Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap_or_else(|_| "null".into());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", escape_invisible_in_json(&text));
    let _ = out.flush();
}
