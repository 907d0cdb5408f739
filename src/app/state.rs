//! The one `State` of the TUI, owned by the loop and changed only by `update`.

use super::command::{Command, RequestId, WatchId};
use super::keymap::{KeyChord, Keymap};
use super::layout;
use super::modal::{Modal, PendingOp};
use super::msg::Account;
use super::pane::Pane;
use super::signin::SignInForm;
use super::sort::SortSpec;
use super::source::Source;
use crate::api::uri::CrUri;
use ratatui::layout::Rect;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Browser,
    /// Account settings (`,`), over the browser's place.
    Settings,
}

/// How the TUI starts.
#[derive(Debug, Clone)]
pub struct Startup {
    /// A usable session exists (stored tokens or the demo account): open the browser.
    pub signed_in: bool,
    pub account: Account,
    pub keymap: Keymap,
    /// The right pane's folder, and where "local disk" goes.
    pub cwd: PathBuf,
    pub size: (u16, u16),
    /// Offset of local time from UTC, for the modified column.
    pub utc_offset_secs: i32,
    /// The terminal clipboard may be set (OSC 52; `osc52 = false` in config.toml turns it off).
    pub clipboard: bool,
    /// `[share_presets.*]` of config.toml (the quick share, `S`).
    pub share_presets: BTreeMap<String, crate::config::SharePreset>,
    /// Profile pictures can be shown (`image_protocol` is not `off`).
    pub images: bool,
}

impl Startup {
    pub fn new(cwd: PathBuf) -> Startup {
        Startup {
            signed_in: false,
            account: Account::default(),
            keymap: Keymap::defaults(),
            cwd,
            size: (80, 24),
            utc_offset_secs: 0,
            clipboard: true,
            share_presets: BTreeMap::new(),
            images: true,
        }
    }
}

/// A short message in the status bar that fades after a few seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub is_error: bool,
    /// Set by the first tick after it appeared (update has no clock of its own).
    pub expires: Option<Instant>,
}

pub const TOAST_LIFETIME: Duration = Duration::from_secs(4);
/// Two clicks on the same row within this time open it.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// Items remembered by yank (`y`) or cut (`x`) for a later paste.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub sources: Vec<Source>,
    pub cut: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub at: Instant,
    pub column: u16,
    pub row: u16,
}

#[derive(Debug, Clone)]
pub struct State {
    pub screen: Screen,
    pub panes: [Pane; 2],
    /// The focused pane (0 left/top, 1 right/bottom).
    pub focus: usize,
    pub modal: Option<Modal>,
    pub signin: SignInForm,
    pub keymap: Keymap,
    /// Keys of an unfinished sequence (`g` of `g g`).
    pub pending_keys: Vec<KeyChord>,
    /// The focused pane's filter line has the keyboard.
    pub filter_editing: bool,
    pub size: (u16, u16),
    pub account: Account,
    pub capacity: Option<(u64, u64)>,
    pub toast: Option<Toast>,
    pub ops: BTreeMap<RequestId, PendingOp>,
    /// The info popup's request.
    pub info_req: Option<RequestId>,
    pub register: Option<Register>,
    pub cwd: PathBuf,
    pub utc_offset_secs: i32,
    pub clipboard: bool,
    /// Counts ticks; drives the spinner.
    pub ticks: u64,
    pub last_click: Option<Click>,
    /// Shares, versions, pins, tags, search and server-task dialogs.
    pub drive: super::drive::DriveState,
    pub settings: super::settings::SettingsState,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    next_id: u64,
    /// The task panel (transfers, server tasks, shares).
    pub panel: super::panel::Panel,
    /// Uploads and downloads of this session.
    pub transfers: super::transfers::Transfers,
}

impl State {
    pub fn new(startup: Startup) -> State {
        let left = Pane::new(Source::Remote(CrUri::my_root()), SortSpec::default());
        let right = Pane::new(Source::Local(startup.cwd.clone()), SortSpec::default());
        State {
            screen: if startup.signed_in {
                Screen::Browser
            } else {
                Screen::SignIn
            },
            panes: [left, right],
            focus: 0,
            modal: None,
            signin: SignInForm::new(&startup.account.server, &startup.account.email),
            keymap: startup.keymap,
            pending_keys: Vec::new(),
            filter_editing: false,
            size: startup.size,
            account: startup.account,
            capacity: None,
            toast: None,
            ops: BTreeMap::new(),
            info_req: None,
            register: None,
            cwd: startup.cwd,
            utc_offset_secs: startup.utc_offset_secs,
            clipboard: startup.clipboard,
            ticks: 0,
            last_click: None,
            drive: super::drive::DriveState::new(&startup.share_presets),
            settings: super::settings::SettingsState {
                images: startup.images,
                ..Default::default()
            },
            dirty: true,
            quit: false,
            next_id: 0,
            panel: super::panel::Panel::default(),
            transfers: super::transfers::Transfers::default(),
        }
    }

    pub fn next_request(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    pub fn next_watch(&mut self) -> WatchId {
        self.next_id += 1;
        WatchId(self.next_id)
    }

    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// Rows of the list in pane `i` at the current size (at least 1 for cursor arithmetic).
    pub fn pane_rows(&self, i: usize) -> usize {
        let l = layout::browser(self.area());
        let filter = self.filter_line_shown(i);
        (layout::pane(l.panes[i], filter).rows.height as usize).max(1)
    }

    /// The filter line is drawn while it is being edited or holds text.
    pub fn filter_line_shown(&self, i: usize) -> bool {
        (self.filter_editing && self.focus == i) || !self.panes[i].listing.filter().is_empty()
    }

    pub fn focused(&self) -> &Pane {
        &self.panes[self.focus]
    }

    pub fn focused_mut(&mut self) -> &mut Pane {
        &mut self.panes[self.focus]
    }

    pub fn other(&self) -> usize {
        1 - self.focus
    }

    /// Something is in progress: the spinner turns and ticks are needed.
    pub fn is_busy(&self) -> bool {
        self.panes.iter().any(Pane::is_loading)
            || !self.ops.is_empty()
            || self.info_req.is_some()
            || self.signin.busy.is_some()
            || !self.drive.waiting.is_empty()
            || self.settings.is_busy()
    }

    /// The loop sends ticks only while this holds, so an idle reve uses no CPU.
    pub fn wants_tick(&self) -> bool {
        self.is_busy()
            || self.toast.is_some()
            || self.transfers.is_active()
            || (self.screen == Screen::Browser
                && (self.panel.server_tasks.wants_tick() || self.panel.shares.wants_tick()))
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        self.toast = Some(Toast {
            text: text.into(),
            is_error: false,
            expires: None,
        });
    }

    pub fn toast_error(&mut self, text: impl Into<String>) {
        self.toast = Some(Toast {
            text: text.into(),
            is_error: true,
            expires: None,
        });
    }

    /// The commands that load both panes and follow the drive pane (start-up, sign-in).
    pub fn load_panes(&mut self) -> Vec<Command> {
        let mut commands = vec![Command::FetchCapacity];
        for i in 0..2 {
            commands.extend(self.reload_pane(i));
        }
        // Jobs an earlier run left unfinished are offered for resuming.
        commands.push(Command::ListInterruptedTransfers);
        commands
    }

    /// Reloads pane `i` (refresh, or after an operation) and makes sure it is watched.
    pub fn reload_pane(&mut self, i: usize) -> Vec<Command> {
        let req = self.next_request();
        let mut commands = Vec::new();
        if let Some(old) = self.panes[i].loading.map(|l| l.req) {
            commands.push(Command::Cancel { req: old });
        }
        self.panes[i].reload(req);
        commands.push(Command::List {
            req,
            source: self.panes[i].source.clone(),
            sort: self.panes[i].listing.sort(),
        });
        commands.extend(self.ensure_watch(i));
        commands
    }

    /// Shows `source` in pane `i`, cancelling what it was loading.
    pub fn navigate(&mut self, i: usize, source: Source, focus: Option<String>) -> Vec<Command> {
        let req = self.next_request();
        let mut commands = Vec::new();
        if let Some(old) = self.panes[i].loading.map(|l| l.req) {
            commands.push(Command::Cancel { req: old });
        }
        if let Some(w) = self.panes[i].watch.take() {
            commands.push(Command::Unwatch { watch: w });
        }
        if i == self.focus {
            self.filter_editing = false;
        }
        self.panes[i].navigate(source.clone(), req, focus);
        commands.push(Command::List {
            req,
            source,
            sort: self.panes[i].listing.sort(),
        });
        commands.extend(self.ensure_watch(i));
        commands
    }

    /// Live updates for drive folders (the trash and shares are not worth a stream).
    fn ensure_watch(&mut self, i: usize) -> Vec<Command> {
        if self.panes[i].watch.is_some() {
            return Vec::new();
        }
        let Some(uri) = self.panes[i].source.remote().cloned() else {
            return Vec::new();
        };
        // Search results are not a folder: the server's file events do not describe them.
        if uri.fs != crate::api::uri::FileSystem::My || uri.is_search() {
            return Vec::new();
        }
        let watch = self.next_watch();
        self.panes[i].watch = Some(watch);
        vec![Command::Watch { watch, folder: uri }]
    }

    /// Returns every pane showing `folder` (to reload after a change there).
    pub fn panes_showing(&self, folder: &Source) -> Vec<usize> {
        (0..2)
            .filter(|&i| &self.panes[i].source == folder)
            .collect()
    }
}
