//! Name conflicts in both directions and how they are decided.
//!
//! Upload: the target name is taken (`40004` at `PUT /file/upload`) → overwrite as a new
//! version (`entity_type: "version"`), rename (`name (1).ext`) or skip — the choices of the
//! Cloudreve web UI (files-and-transfers.md §4.8). Download: the local file exists → overwrite,
//! keep both (`name (1).ext`, placed without ever clobbering) or skip. Either way the user may
//! answer "apply to all".
//!
//! The CLI decides with a fixed [`ConflictPolicy`]; the TUI plugs in an asynchronous question
//! ([`ChannelResolver`]): the engine waits for the answer while other transfers go on.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot};

use super::Direction;

/// What to do with one conflicting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Upload: a new version of the remote file. Download: replace the local file.
    Overwrite,
    /// Upload: `name (1).ext` on the server. Download: keep both, the new one as `name (1).ext`.
    Rename,
    Skip,
}

/// A standing decision for every conflict of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// Ask the resolver each time (until it says "apply to all").
    #[default]
    Ask,
    Always(Choice),
    /// Report the file as failed ("exists").
    Fail,
}

/// The question put to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub direction: Direction,
    /// Display name of the file (remote names are not sanitized here: the UI does it).
    pub name: String,
    /// Upload: the remote URI that is taken. Download: the local path that exists.
    pub target: String,
    pub local_path: Option<PathBuf>,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub choice: Choice,
    /// Use this choice for every further conflict of the same direction in this run.
    pub apply_to_all: bool,
}

/// Decides conflicts: a fixed policy, a prompt, or the TUI's dialog.
pub trait ConflictResolver: Send + Sync {
    /// `None` = no answer (e.g. the dialog was dismissed): the file fails as "exists".
    fn ask<'a>(&'a self, conflict: &'a Conflict) -> BoxFuture<'a, Option<Answer>>;
}

/// Answers every question with the same choice (CLI `--conflict`).
pub struct Fixed(pub Choice);

impl ConflictResolver for Fixed {
    fn ask<'a>(&'a self, _: &'a Conflict) -> BoxFuture<'a, Option<Answer>> {
        let answer = Answer {
            choice: self.0,
            apply_to_all: true,
        };
        Box::pin(async move { Some(answer) })
    }
}

/// Never answers: every conflict fails the file.
pub struct Refuse;

impl ConflictResolver for Refuse {
    fn ask<'a>(&'a self, _: &'a Conflict) -> BoxFuture<'a, Option<Answer>> {
        Box::pin(async { None })
    }
}

/// A question travelling to the UI with the channel for its answer.
pub struct Question {
    pub conflict: Conflict,
    pub reply: oneshot::Sender<Answer>,
}

/// Sends each question over a channel (the TUI shows a dialog and answers through `reply`).
pub struct ChannelResolver {
    tx: mpsc::UnboundedSender<Question>,
}

impl ChannelResolver {
    pub fn new() -> (ChannelResolver, mpsc::UnboundedReceiver<Question>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (ChannelResolver { tx }, rx)
    }
}

impl ConflictResolver for ChannelResolver {
    fn ask<'a>(&'a self, conflict: &'a Conflict) -> BoxFuture<'a, Option<Answer>> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            let question = Question {
                conflict: conflict.clone(),
                reply,
            };
            self.tx.send(question).ok()?;
            answer.await.ok()
        })
    }
}

/// A run's conflict handling: the standing policy, "apply to all" answers remembered per
/// direction, and one question at a time (two dialogs at once would be confusing, and the
/// second may be answered by the first's "apply to all").
pub struct Decider {
    policy: ConflictPolicy,
    resolver: Box<dyn ConflictResolver>,
    remembered: Mutex<[Option<Choice>; 2]>,
    asking: tokio::sync::Mutex<()>,
}

/// What the engine does after a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Take(Choice),
    /// No decision: report the file as existing.
    Fail,
}

impl Decider {
    pub fn new(policy: ConflictPolicy, resolver: Box<dyn ConflictResolver>) -> Decider {
        Decider {
            policy,
            resolver,
            remembered: Mutex::new([None, None]),
            asking: tokio::sync::Mutex::new(()),
        }
    }

    /// A decider that applies `policy` and never asks.
    pub fn fixed(policy: ConflictPolicy) -> Decider {
        Decider::new(policy, Box::new(Refuse))
    }

    fn remembered(&self, direction: Direction) -> Option<Choice> {
        self.remembered.lock().unwrap_or_else(|p| p.into_inner())[direction.index()]
    }

    pub async fn decide(&self, conflict: &Conflict) -> Decision {
        match self.policy {
            ConflictPolicy::Always(choice) => return Decision::Take(choice),
            ConflictPolicy::Fail => return Decision::Fail,
            ConflictPolicy::Ask => {}
        }
        if let Some(choice) = self.remembered(conflict.direction) {
            return Decision::Take(choice);
        }
        let _one_at_a_time = self.asking.lock().await;
        // Another question may have been answered "apply to all" while this one waited.
        if let Some(choice) = self.remembered(conflict.direction) {
            return Decision::Take(choice);
        }
        match self.resolver.ask(conflict).await {
            Some(answer) => {
                if answer.apply_to_all {
                    self.remembered.lock().unwrap_or_else(|p| p.into_inner())
                        [conflict.direction.index()] = Some(answer.choice);
                }
                Decision::Take(answer.choice)
            }
            None => Decision::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(direction: Direction) -> Conflict {
        Conflict {
            direction,
            name: "a.txt".into(),
            target: "cloudreve://my/a.txt".into(),
            local_path: None,
        }
    }

    #[tokio::test]
    async fn apply_to_all_is_remembered_per_direction() {
        let (resolver, mut questions) = ChannelResolver::new();
        let decider = std::sync::Arc::new(Decider::new(ConflictPolicy::Ask, Box::new(resolver)));
        let answering = tokio::spawn(async move {
            let mut asked = 0;
            while let Some(q) = questions.recv().await {
                asked += 1;
                let apply_to_all = q.conflict.direction == Direction::Upload;
                let _ = q.reply.send(Answer {
                    choice: Choice::Rename,
                    apply_to_all,
                });
            }
            asked
        });
        for _ in 0..3 {
            assert_eq!(
                decider.decide(&conflict(Direction::Upload)).await,
                Decision::Take(Choice::Rename)
            );
        }
        for _ in 0..2 {
            assert_eq!(
                decider.decide(&conflict(Direction::Download)).await,
                Decision::Take(Choice::Rename)
            );
        }
        drop(decider);
        // One upload question (then "all"), two download questions (never "all").
        assert_eq!(answering.await.unwrap(), 3);
    }

    #[tokio::test]
    async fn fixed_policies_do_not_ask() {
        let d = Decider::fixed(ConflictPolicy::Always(Choice::Skip));
        assert_eq!(
            d.decide(&conflict(Direction::Upload)).await,
            Decision::Take(Choice::Skip)
        );
        let d = Decider::fixed(ConflictPolicy::Ask);
        assert_eq!(
            d.decide(&conflict(Direction::Download)).await,
            Decision::Fail
        );
        let d = Decider::fixed(ConflictPolicy::Fail);
        assert_eq!(d.decide(&conflict(Direction::Upload)).await, Decision::Fail);
    }
}
