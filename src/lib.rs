//! reve: a terminal file manager for Cloudreve v4 drives.

pub mod api;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod text;
