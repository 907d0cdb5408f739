//! What `update` asks the outside world to do. Plain data: the worker (network, disk) and the
//! loop (clipboard, quitting) carry it out and answer with messages tagged by the same ids.

use super::sort::SortSpec;
use super::source::Source;
use crate::api::models::Secret;
use crate::api::uri::CrUri;

/// Tags a request so its answer can be matched, or dropped when nobody waits for it anymore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Tags a live subscription to a folder's file events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WatchId(pub u64);

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Stream a folder page by page (`WorkerEvent::Page`), in about this order.
    List {
        req: RequestId,
        source: Source,
        sort: SortSpec,
    },
    /// Stop a listing (or any other request) nobody waits for.
    Cancel {
        req: RequestId,
    },
    Op {
        req: RequestId,
        op: Op,
    },
    /// Everything about one item (`WorkerEvent::Info`).
    Info {
        req: RequestId,
        target: Source,
    },
    /// Follow changes made elsewhere in a drive folder.
    Watch {
        watch: WatchId,
        folder: CrUri,
    },
    Unwatch {
        watch: WatchId,
    },
    SignIn {
        req: RequestId,
        server: String,
        email: String,
        password: Secret,
        captcha: Option<CaptchaAnswer>,
    },
    SecondFactor {
        req: RequestId,
        session: String,
        code: String,
    },
    FetchCapacity,
    /// A request of the settings screen (`WorkerEvent::Settings`).
    Settings {
        req: RequestId,
        call: super::settings::SettingsCall,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    CopyToClipboard(String),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptchaAnswer {
    pub ticket: String,
    pub text: String,
}

/// A change to files. Remote targets are drive URIs, local ones paths; an operation never
/// mixes the two.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `target` is the new item (folder + name).
    Create {
        target: Source,
        folder: bool,
    },
    Rename {
        target: Source,
        new_name: String,
    },
    /// To the trash, or gone for good (`permanent`; always so on the local disk).
    Delete {
        targets: Vec<Source>,
        permanent: bool,
    },
    /// Server-side copy or move into `dst` (`POST /file/move`).
    Transfer {
        sources: Vec<CrUri>,
        dst: CrUri,
        copy: bool,
    },
    Restore {
        targets: Vec<CrUri>,
    },
    ForceUnlock {
        tokens: Vec<String>,
    },
}

impl Op {
    /// "rename", "copy", …: for messages.
    pub fn verb(&self) -> &'static str {
        match self {
            Op::Create { folder: true, .. } => "create the folder",
            Op::Create { folder: false, .. } => "create the file",
            Op::Rename { .. } => "rename",
            Op::Delete {
                permanent: true, ..
            } => "delete",
            Op::Delete { .. } => "move to the trash",
            Op::Transfer { copy: true, .. } => "copy",
            Op::Transfer { copy: false, .. } => "move",
            Op::Restore { .. } => "restore",
            Op::ForceUnlock { .. } => "unlock",
        }
    }
}
