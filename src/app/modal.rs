//! Popups over the browser: confirmations, text inputs, menus, help, info and messages.
//! Each one says what it leads to as data (`Deferred`, `InputPurpose`), so `update` stays the
//! only place that decides.

use super::command::Op;
use super::input::TextField;
use super::msg::InfoField;
use super::source::Source;
use crate::api::uri::CrUri;

#[derive(Debug, Clone)]
pub enum Modal {
    Confirm(Confirm),
    Input(InputModal),
    SortMenu,
    GoMenu,
    Help(HelpView),
    Info(InfoView),
    Message(MessageView),
    /// Conflicts, quitting and resuming of transfers (src/app/transfers.rs).
    Transfer(super::transfers::TransferPrompt),
    /// Shares, versions, links, tags, pins and the drive forms (`app::drive`).
    Drive(super::drive::popup::DrivePopup),
    /// The shares tab's edit form and QR code (src/app/panel_shares.rs).
    ShareForm(Box<super::panel_shares::ShareForm>),
    Qr(super::panel_shares::QrView),
    /// The file choice of a torrent download (src/app/panel_tasks.rs).
    TaskFiles(super::panel_tasks::TaskFilesView),
    /// The storage policy menu of a relocation (src/app/relocate.rs).
    Relocate(super::relocate::RelocateMenu),
}

/// A yes/no question. `danger` asks with stronger wording and a key map where Enter cancels.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub title: String,
    /// Lines of text; names in it are raw and sanitized when drawn.
    pub lines: Vec<String>,
    pub yes_label: String,
    pub danger: bool,
    pub on_yes: Deferred,
}

/// What a confirmation leads to.
#[derive(Debug, Clone)]
pub enum Deferred {
    Run(Box<PendingOp>),
    /// Ask for a name again (a `40004` conflict on create or rename).
    AskName(Box<InputModal>),
    /// Start a transfer job between the drive and the local disk.
    StartTransfer(Box<super::transfers::NewJob>),
    /// Cancel a transfer job and forget its checkpoints.
    CancelTransfer(super::transfers::TransferId),
    /// A drive job (delete a version, a link, …).
    Drive(Box<super::drive::DriveStep>),
    /// Cancel a remote download (the server tasks tab).
    CancelTask {
        id: String,
    },
    /// Delete a share link (the shares tab).
    RevokeShare {
        id: String,
        name: String,
    },
}

/// An operation with what to do around it.
#[derive(Debug, Clone)]
pub struct PendingOp {
    pub op: Op,
    /// The pane the operation started from.
    pub pane: usize,
    /// Folders to reload in any pane that shows them once the operation finishes.
    pub refresh: Vec<Source>,
    /// Shown on success, e.g. "Moved 3 items to the trash".
    pub done_message: String,
    /// Runs after this one succeeds (a retry after a force-unlock, a move after a rename).
    pub then: Option<Box<PendingOp>>,
}

#[derive(Debug, Clone)]
pub struct InputModal {
    pub title: String,
    pub field: TextField,
    pub purpose: InputPurpose,
    /// Why the last value was refused (shown under the field).
    pub error: Option<String>,
}

impl InputModal {
    pub fn new(title: impl Into<String>, initial: &str, purpose: InputPurpose) -> InputModal {
        InputModal {
            title: title.into(),
            field: TextField::new(initial),
            purpose,
            error: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputPurpose {
    NewFolder {
        pane: usize,
        folder: Source,
    },
    NewFile {
        pane: usize,
        folder: Source,
    },
    Rename {
        pane: usize,
        target: Source,
    },
    /// Rename the item in the way at the destination, then run the transfer again.
    RenameInTheWay {
        pane: usize,
        target: CrUri,
        retry: Box<Op>,
    },
    ShareLink {
        pane: usize,
    },
    SharePassword {
        pane: usize,
        share: CrUri,
    },
    GoPath {
        pane: usize,
    },
}

#[derive(Debug, Clone, Default)]
pub struct HelpView {
    pub filter: TextField,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct InfoView {
    /// The item's name (raw).
    pub title: String,
    pub fields: Vec<InfoField>,
    pub loading: bool,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct MessageView {
    pub title: String,
    /// Raw text; sanitized when drawn.
    pub message: String,
    pub items: Vec<String>,
    pub scroll: usize,
    pub is_error: bool,
}

impl MessageView {
    pub fn error(title: impl Into<String>, message: impl Into<String>) -> MessageView {
        MessageView {
            title: title.into(),
            message: message.into(),
            items: Vec::new(),
            scroll: 0,
            is_error: true,
        }
    }
}
