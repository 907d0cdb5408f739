//! The drive's own features beyond files: server tasks, share links, direct links, versions,
//! pins and tags. Pure logic and small client helpers shared by the CLI (`cli::drive_cmd`)
//! and the TUI's task and share panels; nothing here prints.

pub mod meta;
pub mod search;
pub mod share;
pub mod share_edit;
pub mod tasks;
