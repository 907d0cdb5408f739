//! The typed Cloudreve v4 client. It knows nothing of the UI.
//!
//! [`Client`] holds the server address, this instance's client id and the tokens; endpoint
//! methods are spread over one file per area (`files.rs`, `upload.rs`, `share.rs`, …). Every
//! JSON answer goes through [`envelope::decode`]; every failure is an [`ApiError`].

mod auth;
pub mod client;
pub mod envelope;
pub mod error;
pub mod models;
pub mod uri;

pub mod download;
pub mod events;
pub mod files;
pub mod session;
pub mod share;
pub mod site;
pub mod upload;
pub mod user;
pub mod vas;
pub mod webdav;
pub mod workflow;

pub use client::{Client, ClientConfig, USER_AGENT};
pub use download::{ByteRange, ContentInfo, Download};
pub use envelope::Reply;
pub use error::{ApiError, ItemError, codes};
pub use events::{ChangeKind, FileChange, FileEvent, SseFrame, SseParser};
pub use files::{DeleteOptions, InfoOptions, ListQuery};
pub use session::LoginOutcome;
pub use share::{ShareInfoQuery, ShareListQuery, share_link_to_uri};
pub use upload::{ChunkBody, complete_multipart_xml, s3_error_code};
pub use uri::CrUri;
pub use user::{Avatar, SignUpOutcome};

#[cfg(test)]
mod wire_tests;
