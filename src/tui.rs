//! The terminal side: setting it up and always restoring it (also on a panic, `SIGTERM` or
//! `SIGHUP`), logging to a file (the screen is the UI), and the event loop that feeds
//! `app::update` and draws with `ui::draw`.
//!
//! The loop drains every pending input and worker event before drawing, draws only when
//! something changed, and ticks only while something animates: an idle reve sleeps.

use crate::api::{Client, ClientConfig, LoginOutcome};
use crate::app::command::Command;
use crate::app::keymap::Keymap;
use crate::app::msg::{Account, Msg, WorkerEvent};
use crate::app::state::{Startup, State};
use crate::cli::context::Context;
use crate::config::Paths;
use crate::ui::image::{ImagePrinter, ImageSlot};
use crate::worker::{self, WorkerSetup};
use crate::{app, demo, ui};
use anyhow::Context as _;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures_util::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// How often the spinner turns while something is in progress.
const TICK: Duration = Duration::from_millis(100);

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub demo: bool,
    pub profile: Option<String>,
    pub server: Option<String>,
}

/// `reve` and `reve --demo`.
pub async fn run(opts: TuiOptions) -> anyhow::Result<()> {
    // The config is read before the screen is taken, so a bad key binding is reported on a
    // normal terminal.
    let ctx = Context::load(opts.profile.as_deref()).map_err(one_line)?;
    init_logging(&ctx.paths);
    let keymap = Keymap::with_overrides(&ctx.config.keys);
    let mut startup = Startup::new(working_dir());
    startup.keymap = keymap;
    startup.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();
    startup.clipboard = ctx.config.osc52_enabled();
    // Checkpoints of transfers: per profile in the data dir. The demo server lives in this
    // process and forgets its upload sessions when reve exits, so its checkpoints could never
    // be resumed: they go to a temporary directory that is removed on exit.
    let mut demo_checkpoints = None;
    let store = if opts.demo {
        let dir = tempfile::Builder::new()
            .prefix("reve-demo-transfers")
            .tempdir()
            .context("cannot create a directory for the demo's transfer checkpoints")?;
        let store = crate::transfer::CheckpointStore::new(dir.path());
        demo_checkpoints = Some(dir);
        store
    } else {
        crate::transfer::CheckpointStore::for_profile(&ctx.paths.data_dir, &ctx.profile_name)
    };
    let transfers = worker::transfers::TransferSetup {
        store: Some(store),
        config: crate::transfer::EngineConfig {
            files_at_once: usize::from(ctx.config.transfers.files_at_once()),
            chunk_concurrency: ctx.config.transfers.chunks.map(usize::from),
            ..crate::transfer::EngineConfig::default()
        },
    };
    startup.share_presets = ctx.config.share_presets.clone();
    let image_setting = ctx.config.image_protocol.unwrap_or_default();
    let (setup, _demo) = if opts.demo {
        let (setup, handle) = demo_session(&mut startup).await?;
        (setup, Some(handle))
    } else {
        (profile_session(ctx, &opts, &mut startup).await, None)
    };
    let mut terminal = enter_terminal().context("cannot set up the terminal")?;
    if let Ok(size) = terminal.size() {
        startup.size = (size.width, size.height);
    }
    // Before the input reader starts: viuer's kitty probe reads the terminal's answer from
    // stdin, and the reader would take it.
    let protocol = ui::image::detect(image_setting);
    startup.images = protocol != ui::image::Protocol::Off;
    let (commands, events, worker_running) = worker::spawn_with_transfers(setup, transfers);
    let io = LoopIo {
        input: forward_terminal_input(),
        commands,
        events,
        shutdown: Box::pin(termination_signal()),
        clipboard: Box::new(osc52_copy),
    };
    let mut printer = ui::image::terminal_printer(protocol);
    let result =
        event_loop_with_images(&mut terminal, State::new(startup), io, printer.as_mut()).await;
    if terminal.show_cursor().is_err() {
        // The terminal is gone (SIGHUP): ratatui's drop would retry and report the failure
        // on stderr, which is gone too and panics. Nothing is left to clean up on it.
        std::mem::forget(terminal);
    }
    restore_terminal();
    // The loop dropped its command sender: the worker pauses every transfer (checkpoints
    // stay) and ends; give it the moment that takes.
    let _ = tokio::time::timeout(Duration::from_secs(10), worker_running).await;
    drop(demo_checkpoints);
    tracing::info!("reve stopped");
    result
}

/// TOML errors come as a little drawing (the line, a caret); the error printer shows one
/// line, so keep the words: where it is and what is wrong.
fn one_line(e: anyhow::Error) -> anyhow::Error {
    let text = format!("{e:#}");
    let is_drawing = |l: &str| {
        let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
        l.starts_with('|')
    };
    let words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_drawing(l))
        .collect();
    anyhow::anyhow!(words.join(": "))
}

fn working_dir() -> PathBuf {
    std::env::current_dir()
        .ok()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Starts the seeded demo server in this process and signs in to it. Nothing is saved.
async fn demo_session(startup: &mut Startup) -> anyhow::Result<(WorkerSetup, demo::DemoHandle)> {
    let handle = demo::start(demo::DemoConfig {
        seed: true,
        simulate_downloads: true,
        ..demo::DemoConfig::default()
    })
    .await?;
    let client = Client::new(ClientConfig::new(handle.base_url()))?;
    let user = match client
        .login(demo::seed::DEMO_EMAIL, demo::seed::DEMO_PASSWORD)
        .await
        .context("cannot sign in to the demo server")?
    {
        LoginOutcome::SignedIn(user, _) => user,
        LoginOutcome::TwoFactorRequired(_) => {
            anyhow::bail!("the demo account unexpectedly asks for a 2FA code")
        }
    };
    startup.signed_in = true;
    startup.account = Account {
        server: handle.base_url(),
        email: demo::seed::DEMO_EMAIL.to_string(),
        nickname: user.nickname.clone(),
    };
    tracing::info!("demo server on {}", handle.base_url());
    let setup = WorkerSetup {
        client: Some(client),
        persist: None,
    };
    Ok((setup, handle))
}

/// Opens the profile's session when it has one; otherwise the sign-in screen, prefilled.
async fn profile_session(ctx: Context, opts: &TuiOptions, startup: &mut Startup) -> WorkerSetup {
    let profile = ctx.profile().ok().cloned();
    startup.account = Account {
        server: opts
            .server
            .clone()
            .or_else(|| profile.as_ref().map(|p| p.server.clone()))
            .unwrap_or_default(),
        email: profile
            .as_ref()
            .map(|p| p.email.clone())
            .unwrap_or_default(),
        nickname: String::new(),
    };
    // `--server` for another server than the profile's means: sign in there.
    let same_server = match (&opts.server, &profile) {
        (Some(flag), Some(p)) => {
            crate::api::client::normalize_base_url(flag).is_ok_and(|f| f == p.server)
        }
        _ => true,
    };
    let client = if profile.is_some() && same_server {
        match ctx.signed_in_client().await {
            Ok(signed_in) => Some(signed_in.client),
            Err(e) => {
                tracing::info!("no usable session: {e:#}");
                None
            }
        }
    } else {
        None
    };
    startup.signed_in = client.is_some();
    WorkerSetup {
        client,
        persist: Some(ctx),
    }
}

/// Reads terminal events on their own task. A channel can be drained without losing a
/// wake-up (polling crossterm's `EventStream` with a dummy waker loses its next one).
fn forward_terminal_input() -> UnboundedReceiver<std::io::Result<Event>> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        while let Some(event) = stream.next().await {
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    rx
}

/// Everything the loop talks to besides the terminal.
pub struct LoopIo {
    /// Terminal events; the loop ends when this closes.
    pub input: UnboundedReceiver<std::io::Result<Event>>,
    pub commands: UnboundedSender<Command>,
    pub events: UnboundedReceiver<WorkerEvent>,
    /// Resolves when the process is asked to stop (`SIGTERM`, `SIGHUP`).
    pub shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
    /// Puts text on the user's clipboard.
    pub clipboard: Box<dyn FnMut(&str) + Send>,
}

/// Runs until the user quits, the input ends or a stop signal arrives. Generic over the
/// backend so tests drive it on a `TestBackend`.
pub async fn event_loop<B>(
    terminal: &mut Terminal<B>,
    state: State,
    io: LoopIo,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    event_loop_with_images(terminal, state, io, &mut ui::image::NoPrinter).await
}

/// [`event_loop`] that also prints the profile picture with `printer` (outside ratatui's
/// buffer, after each frame that wants it).
pub async fn event_loop_with_images<B>(
    terminal: &mut Terminal<B>,
    mut state: State,
    mut io: LoopIo,
    printer: &mut dyn ImagePrinter,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let mut slot = ImageSlot::default();
    let result = run_loop(terminal, &mut state, &mut io, &mut slot, printer).await;
    slot.invalidate(printer);
    result
}

async fn run_loop<B>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    io: &mut LoopIo,
    slot: &mut ImageSlot,
    printer: &mut dyn ImagePrinter,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let first = if state.screen == app::state::Screen::Browser {
        state.load_panes()
    } else {
        Vec::new()
    };
    perform(io, first);
    render(terminal, state, slot, printer)?;
    let mut next_tick = Instant::now() + TICK;
    loop {
        let ticking = state.wants_tick();
        if !ticking {
            next_tick = Instant::now() + TICK;
        }
        let mut batch: Vec<Msg> = Vec::new();
        tokio::select! {
            input = io.input.recv() => match input {
                Some(Ok(event)) => batch.extend(to_msg(event)),
                // The terminal went away (SSH dropped): nobody is left to tell but the log.
                Some(Err(e)) => {
                    tracing::warn!("terminal input failed, stopping: {e}");
                    break;
                }
                None => break,
            },
            Some(event) = io.events.recv() => batch.push(Msg::Worker(event)),
            _ = tokio::time::sleep_until(next_tick.into()), if ticking => {
                let now = Instant::now();
                next_tick = now + TICK;
                batch.push(Msg::Tick(now));
            }
            _ = &mut io.shutdown => break,
        }
        // Drain what else is waiting, so a resize storm or a burst of pages costs one frame.
        while let Ok(input) = io.input.try_recv() {
            match input {
                Ok(event) => batch.extend(to_msg(event)),
                Err(e) => {
                    tracing::warn!("terminal input failed, stopping: {e}");
                    return Ok(());
                }
            }
        }
        while let Ok(event) = io.events.try_recv() {
            batch.push(Msg::Worker(event));
        }
        let mut changed = false;
        let mut resized = false;
        for msg in batch {
            resized |= matches!(msg, Msg::Resize { .. });
            let commands = app::update(state, msg);
            changed |= state.dirty;
            perform(io, commands);
            if state.quit {
                return Ok(());
            }
        }
        if resized {
            // ratatui clears the screen on a resize: the picture goes with it.
            slot.invalidate(printer);
        }
        if changed || resized {
            render(terminal, state, slot, printer)?;
        }
    }
    Ok(())
}

/// One frame, with the picture erased before it and printed after it as the frame wants.
pub fn render<B>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    slot: &mut ImageSlot,
    printer: &mut dyn ImagePrinter,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size().context("cannot read the terminal size")?;
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    let wanted = ui::settings::avatar_placement(state, area);
    slot.before_frame(wanted.as_ref(), printer);
    terminal
        .draw(|frame| ui::draw(frame, state))
        .context("cannot draw")?;
    slot.after_frame(wanted.as_ref(), printer);
    state.dirty = false;
    Ok(())
}

/// Terminal events the app cares about. Only key presses count: releases and repeats that
/// some terminals report would act twice.
pub fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        Event::Key(_) => None,
        Event::Mouse(m) => Some(Msg::Mouse {
            event: m,
            at: Instant::now(),
        }),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

fn perform(io: &mut LoopIo, commands: Vec<Command>) {
    for command in commands {
        match command {
            Command::CopyToClipboard(text) => (io.clipboard)(&text),
            Command::Quit => {}
            other => {
                let _ = io.commands.send(other);
            }
        }
    }
}

/// OSC 52 (`clipboard`): the terminal, also over SSH, puts the text on the user's clipboard.
fn osc52_copy(text: &str) {
    use crate::clipboard::{Passthrough, copy_to};
    if let Err(e) = copy_to(&mut std::io::stdout(), text, true, Passthrough::detect()) {
        tracing::info!("clipboard: {e}");
    }
}

fn enter_terminal() -> std::io::Result<Terminal<CrosstermBackend<std::io::Stdout>>> {
    install_panic_hook();
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore_terminal();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(std::io::stdout()))
}

/// Leaves the terminal as it was; safe to call more than once.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        tracing::error!("panic: {info}");
        previous(info);
    }));
}

/// `SIGTERM` or `SIGHUP` (the SSH session went away): stop and restore the terminal.
async fn termination_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM"),
                    _ = hup.recv() => tracing::info!("SIGHUP"),
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await
}

/// Logs go to `<data dir>/reve.log` (level from `REVE_LOG`, default `info`), never to the
/// screen. Without a writable data dir there is no log.
fn init_logging(paths: &Paths) {
    let dir = &paths.data_dir;
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("reve.log"))
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("REVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_fit_on_one_line() {
        let err = crate::config::Config::parse("[keys.browser]\n\"z\" = \"delet\"\n")
            .unwrap_err()
            .context("invalid config file c.toml");
        let line = one_line(err).to_string();
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("invalid config file c.toml: TOML parse error at line 2"),
            "{line}"
        );
        assert!(line.contains("unknown action \"delet\""), "{line}");
        assert!(!line.contains('^'), "{line}");
    }

    #[test]
    fn only_key_presses_become_messages() {
        use crossterm::event::{KeyCode, KeyEvent, KeyEventState, KeyModifiers};
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        release.state = KeyEventState::NONE;
        assert!(to_msg(Event::Key(release)).is_none());
        let press = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert!(matches!(to_msg(Event::Key(press)), Some(Msg::Key(_))));
        assert!(matches!(
            to_msg(Event::Resize(3, 4)),
            Some(Msg::Resize {
                width: 3,
                height: 4
            })
        ));
        assert!(to_msg(Event::FocusLost).is_none());
    }
}
