//! What `update` asks the outside world to do. Plain data: the worker (network, disk) and the
//! loop (clipboard, quitting) carry it out and answer with messages tagged by the same ids.

use super::sort::SortSpec;
use super::source::Source;
use super::transfers::{TransferId, TransferRequest};
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
    /// A request about shares, links, versions, pins, tags, search or server tasks
    /// (`WorkerEvent::Drive`).
    Drive {
        req: RequestId,
        job: super::drive::DriveJob,
    },
    /// A request of the settings screen (`WorkerEvent::Settings`).
    Settings {
        req: RequestId,
        call: super::settings::SettingsCall,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    CopyToClipboard(String),
    Quit,
    /// Transfers (src/worker/transfers.rs): a new job of uploads or downloads.
    StartTransfer {
        job: TransferId,
        request: TransferRequest,
    },
    /// Stop a job, keeping its checkpoints.
    PauseTransfer {
        job: TransferId,
    },
    /// Continue a paused job, or retry its failed files.
    ResumeTransfer {
        job: TransferId,
        engine_job: String,
    },
    /// Stop a job and forget it: server upload sessions cancelled, part files removed.
    CancelTransfer {
        job: TransferId,
        engine_job: Option<String>,
    },
    AnswerConflict {
        question: u64,
        answer: crate::transfer::Answer,
    },
    /// Jobs left by an earlier run (`WorkerEvent::InterruptedTransfers`).
    ListInterruptedTransfers,
    /// Forget jobs of an earlier run without resuming them.
    ForgetTransfers {
        engine_jobs: Vec<String>,
    },

    // ---- the task panel's server tasks and shares tabs (src/worker/panel.rs) ----
    /// Pages of the server's task lists (`WorkerEvent::Tasks`).
    ListTasks {
        req: RequestId,
        pages: Vec<TaskPageRequest>,
    },
    /// Live progress of tasks that are processing (`WorkerEvent::TaskProgress`).
    TaskProgress {
        req: RequestId,
        ids: Vec<String>,
    },
    /// Cancels a remote download (`WorkerEvent::PanelDone`).
    CancelTask {
        req: RequestId,
        id: String,
    },
    /// Chooses the files of a torrent download (`WorkerEvent::PanelDone`).
    SelectTaskFiles {
        req: RequestId,
        id: String,
        files: Vec<crate::api::models::FileSelection>,
    },
    /// One page of my share links (`WorkerEvent::Shares`).
    ListShares {
        req: RequestId,
        next_token: Option<String>,
    },
    /// Changes a share link's options (`WorkerEvent::ShareEdited`).
    EditShare {
        req: RequestId,
        edit: crate::app::panel_shares::ShareEdit,
    },
    /// Deletes a share link (`WorkerEvent::PanelDone`).
    RevokeShare {
        req: RequestId,
        id: String,
    },
    /// The storage policies the user may move items to (Pro; `WorkerEvent::Policies`).
    ListPolicies {
        req: RequestId,
    },
    /// Moves items to another storage policy (Pro; `WorkerEvent::Relocating`).
    Relocate {
        req: RequestId,
        sources: Vec<CrUri>,
        policy_id: String,
    },
}

impl Command {
    /// The request id of a task panel command (server tasks and shares tabs).
    pub fn panel_request(&self) -> Option<RequestId> {
        match self {
            Command::ListTasks { req, .. }
            | Command::TaskProgress { req, .. }
            | Command::CancelTask { req, .. }
            | Command::SelectTaskFiles { req, .. }
            | Command::ListShares { req, .. }
            | Command::EditShare { req, .. }
            | Command::RevokeShare { req, .. }
            | Command::ListPolicies { req }
            | Command::Relocate { req, .. } => Some(*req),
            _ => None,
        }
    }
}

/// One page of one task list: the first (`token: None`) or the one a token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPageRequest {
    pub category: crate::api::models::TaskCategory,
    pub token: Option<String>,
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
