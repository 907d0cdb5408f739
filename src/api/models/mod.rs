//! Serde types of the Cloudreve v4 API, one file per area. Unknown fields are ignored, optional
//! fields may be absent, `null` collections decode as empty and booleans default to false.

pub mod common;
pub mod dav;
pub mod file;
pub mod share;
pub mod site;
pub mod task;
pub mod upload;
pub mod user;
pub mod vas;

pub use common::*;
pub use dav::*;
pub use file::*;
pub use share::*;
pub use site::*;
pub use task::*;
pub use upload::*;
pub use user::*;
pub use vas::*;
