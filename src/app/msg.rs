//! Everything `update` reacts to: terminal input, time, and the worker's answers. Answers carry
//! their data (never "done, now fetch it") and the id of the request they answer.

use super::command::{RequestId, WatchId};
use super::entry::Entry;
use super::transfers::{Interrupted, JobEnd, TransferId};
use crossterm::event::{KeyEvent, MouseEvent};
use std::time::Instant;

#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press (the loop drops releases and repeats are presses).
    Key(KeyEvent),
    /// A mouse event and when it happened (double clicks are told apart by time).
    Mouse {
        event: MouseEvent,
        at: Instant,
    },
    Resize {
        width: u16,
        height: u16,
    },
    Paste(String),
    /// Only sent while something animates (a spinner, a message that fades).
    Tick(Instant),
    Worker(WorkerEvent),
}

#[derive(Debug, Clone)]
pub enum WorkerEvent {
    /// One page of a listing; `last` ends it.
    Page {
        req: RequestId,
        page: Page,
    },
    ListFailed {
        req: RequestId,
        failure: Failure,
    },
    OpDone {
        req: RequestId,
    },
    OpFailed {
        req: RequestId,
        failure: Failure,
    },
    Info {
        req: RequestId,
        fields: Vec<InfoField>,
    },
    InfoFailed {
        req: RequestId,
        failure: Failure,
    },
    SignedIn {
        req: RequestId,
        account: Account,
    },
    TwoFactorRequired {
        req: RequestId,
        session: String,
    },
    /// The server wants a CAPTCHA with the password (`login_captcha`).
    CaptchaRequired {
        req: RequestId,
        challenge: CaptchaChallenge,
    },
    SignInFailed {
        req: RequestId,
        failure: Failure,
    },
    Capacity {
        used: u64,
        total: u64,
    },
    /// A change made elsewhere in a watched folder.
    Live {
        watch: WatchId,
        change: LiveChange,
    },
    /// The event stream came back after a drop; changes may have been missed.
    LiveResumed {
        watch: WatchId,
    },
    /// The session cannot be refreshed anymore: sign in again.
    SessionExpired,
    /// An event of a transfer job, stamped with when the worker saw it.
    Transfer {
        job: TransferId,
        at: Instant,
        event: crate::transfer::Event,
    },
    /// The engine asks what to do with a name conflict; answer with `AnswerConflict`.
    TransferConflict {
        job: TransferId,
        question: u64,
        conflict: crate::transfer::Conflict,
    },
    /// A job's run ended (finished, paused, failed).
    TransferEnded {
        job: TransferId,
        at: Instant,
        end: JobEnd,
    },
    /// A cancelled job's checkpoints, sessions and part files are gone.
    TransferCleared {
        job: TransferId,
        error: Option<String>,
    },
    InterruptedTransfers {
        jobs: Vec<Interrupted>,
    },
    /// The answer to a `Command::Drive`.
    Drive {
        req: RequestId,
        result: Result<super::drive::DriveAnswer, Failure>,
    },

    // ---- the task panel's server tasks and shares tabs (src/worker/panel.rs) ----
    /// Pages of the task lists, one per list asked for.
    Tasks {
        req: RequestId,
        pages: Vec<TaskListPage>,
    },
    /// Live progress by task id (empty maps for tasks not processing right now).
    TaskProgress {
        req: RequestId,
        progress: Vec<(String, crate::api::models::TaskProgressMap)>,
    },
    /// One page of my share links; `next_token` names the next one.
    Shares {
        req: RequestId,
        shares: Vec<crate::api::models::Share>,
        next_token: Option<String>,
    },
    /// A share was changed; `url` is its link now (a new one when the password changed).
    ShareEdited {
        req: RequestId,
        url: String,
        replaced: bool,
    },
    /// A panel request without data (cancel, revoke, file choice) succeeded.
    PanelDone {
        req: RequestId,
    },
    /// Any panel request failed.
    PanelFailed {
        req: RequestId,
        failure: Failure,
    },
    /// The storage policies for a relocation, or why there are none (Community servers).
    Policies {
        req: RequestId,
        result: Result<Vec<crate::api::models::StoragePolicy>, Failure>,
    },
    /// A relocation task was created (its id), or refused.
    Relocating {
        req: RequestId,
        result: Result<String, Failure>,
    },
    /// The answer to a `Command::Settings`.
    Settings {
        req: RequestId,
        reply: Result<super::settings::SettingsReply, Failure>,
    },
}

/// One page of one task list.
#[derive(Debug, Clone)]
pub struct TaskListPage {
    pub category: crate::api::models::TaskCategory,
    pub tasks: Vec<crate::api::models::Task>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub last: bool,
    /// What the folder allows, when the server says (`props.capability`).
    pub caps: Option<FolderCaps>,
}

/// The capability bits of a folder that decide which keys make sense there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderCaps {
    pub create: bool,
    pub rename: bool,
    pub trash: bool,
    pub delete_permanently: bool,
    pub restore: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveChange {
    /// Created or modified: the entry as the server has it now.
    Upsert(Entry),
    Remove(String),
    Rename {
        from: String,
        to: String,
    },
}

/// A failed request, as data. Server text is raw here and sanitized when drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    /// The Cloudreve code, when the server answered with one.
    pub code: Option<i64>,
    /// Per-item failures of a `40081` answer.
    pub items: Vec<FailedItem>,
    /// Conflicting locks of a `40073` answer.
    pub locks: Vec<HeldLock>,
    /// The session is gone: sign in again.
    pub signed_out: bool,
}

impl Failure {
    pub fn msg(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            ..Failure::default()
        }
    }

    pub fn is(&self, code: i64) -> bool {
        self.code == Some(code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedItem {
    pub item: String,
    pub code: i64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLock {
    pub path: String,
    pub token: String,
    /// Who holds it: `upload`, `dav`, `viewer`, …
    pub application: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoField {
    pub label: String,
    pub value: String,
}

impl InfoField {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> InfoField {
        InfoField {
            label: label.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    pub server: String,
    pub email: String,
    pub nickname: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptchaChallenge {
    pub ticket: String,
    /// The image, scaled down for the terminal; `None` when it could not be decoded.
    pub picture: Option<Picture>,
}

/// A small RGB picture, drawn with half blocks (two pixels per cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u16,
    pub height: u16,
    /// Row-major, `width * height` pixels.
    pub pixels: Vec<[u8; 3]>,
}

impl Picture {
    pub fn pixel(&self, x: u16, y: u16) -> [u8; 3] {
        self.pixels
            .get(y as usize * self.width as usize + x as usize)
            .copied()
            .unwrap_or([0, 0, 0])
    }
}
