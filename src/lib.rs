//! reve: a terminal file manager for Cloudreve v4 drives.

pub mod account;
pub mod api;
pub mod app;
pub mod avatar;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod drive;
pub mod qr;
pub mod text;
pub mod transfer;
pub mod tui;
pub mod ui;
pub mod units;
pub mod worker;
