//! Locks (files-and-transfers.md §3.10, §3.16): any change to a locked path, one of its
//! ancestors or descendants fails with 40073 listing the locks in the way; `DELETE /file/lock`
//! removes locks by token.

use super::super::AppState;
use super::super::auth::MaybeUser;
use super::super::http::{ApiErr, ApiResult, ok_empty};
use super::super::store::{Lock, Store};
use super::fsys::FsErr;
use super::req::JsonBody;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashSet;

impl Store {
    /// The locks standing in the way of changing any of `nodes`: on a node itself, an
    /// ancestor or a descendant.
    pub fn locks_in_the_way(&self, nodes: &[u64]) -> Vec<&Lock> {
        let targets: HashSet<u64> = nodes.iter().copied().collect();
        let target_chains: HashSet<u64> = nodes.iter().flat_map(|n| self.ancestry(*n)).collect();
        let mut locks: Vec<&Lock> = self
            .locks
            .values()
            .filter(|l| {
                // On a target or one of its ancestors …
                target_chains.contains(&l.file)
                // … or below a target.
                || self.ancestry(l.file).iter().any(|a| targets.contains(a))
            })
            .collect();
        locks.sort_by(|a, b| a.token.cmp(&b.token));
        locks
    }

    /// 40073 "Lock conflict" with the locks as `data` (C2-294, C2-303, C2-304).
    pub fn lock_conflict(&self, nodes: &[u64]) -> Result<(), FsErr> {
        let locks = self.locks_in_the_way(nodes);
        if locks.is_empty() {
            return Ok(());
        }
        let data: Vec<Value> = locks
            .iter()
            .map(|l| {
                json!({
                    "path": self.node_uri(l.file).to_string(),
                    "token": l.token,
                    "owner": {"application": {"type": l.app}},
                    "type": 0,
                })
            })
            .collect();
        Err(FsErr {
            data: Some(Value::Array(data)),
            ..FsErr::new(40073, "Lock conflict")
        })
    }

    /// `Ok` when no lock is in the way of changing `nodes`, else the 40073 answer.
    pub fn check_locks(&self, nodes: &[u64]) -> Result<(), ApiErr> {
        self.lock_conflict(nodes).map_err(|e| e.api())
    }
}

#[derive(Deserialize)]
pub struct UnlockReq {
    tokens: Option<Vec<String>>,
}

/// `DELETE /file/lock`: force unlock; any unknown token fails the whole request with 40001
/// "failed to unlock file" (C2-369), an empty list is fine (25_locks).
pub async fn force_unlock(
    State(state): State<AppState>,
    MaybeUser(_viewer): MaybeUser,
    JsonBody(req): JsonBody<UnlockReq>,
) -> ApiResult {
    let tokens = req
        .tokens
        .ok_or_else(|| ApiErr::param("Tokens cannot be empty"))?;
    let mut store = state.lock();
    if tokens.iter().any(|t| !store.locks.contains_key(t)) {
        return Err(ApiErr::new(40001, "failed to unlock file"));
    }
    for t in &tokens {
        store.locks.remove(t);
    }
    ok_empty()
}
