//! The sample drive of `--seed`: the demo account and its files.

use super::AppState;

pub const DEMO_EMAIL: &str = "demo@reve.local";
pub const DEMO_PASSWORD: &str = "demo-password";

pub fn seed(_state: &AppState) -> anyhow::Result<()> {
    Ok(())
}
