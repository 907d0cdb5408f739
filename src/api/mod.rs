//! The typed Cloudreve v4 client. It knows nothing of the UI.

pub mod uri;
