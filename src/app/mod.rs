//! The pure state machine of the TUI (architecture.md): one `State`, `update(&mut State, Msg)
//! -> Vec<Command>` without IO, and the data types both sides share.

pub mod action;
pub mod command;
pub mod drive;
pub mod entry;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod listing;
pub mod modal;
pub mod msg;
pub mod pane;
pub mod panel;
pub mod panel_shares;
pub mod panel_tasks;
pub mod relocate;
pub mod settings;
pub mod signin;
pub mod sort;
pub mod source;
pub mod state;
#[cfg(test)]
pub(crate) mod test_support;
pub mod transfers;
pub mod update;

pub use action::{Action, Context};
pub use command::{Command, Op, RequestId, WatchId};
pub use entry::{Entry, EntryExtra, EntryKind};
pub use keymap::{KeyTable, Keymap};
pub use msg::{Msg, WorkerEvent};
pub use source::Source;
pub use state::{Startup, State};
pub use update::update;
