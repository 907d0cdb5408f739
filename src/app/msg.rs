//! Everything `update` reacts to: terminal input, time, and the worker's answers. Answers carry
//! their data (never "done, now fetch it") and the id of the request they answer.

use super::command::{RequestId, WatchId};
use super::entry::Entry;
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
    /// The answer to a `Command::Settings`.
    Settings {
        req: RequestId,
        reply: Result<super::settings::SettingsReply, Failure>,
    },
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
