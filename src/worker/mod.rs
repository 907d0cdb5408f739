//! The tokio side (architecture.md): takes `Command`s, does the IO, answers with
//! `WorkerEvent`s that carry the data and the request id. It owns the API client; every
//! request runs in its own task and can be cancelled by dropping it.

pub mod convert;
pub mod drive_ops;
pub mod listing;
pub mod live;
pub mod ops;
pub mod panel;
pub mod session;
pub mod settings;
pub mod transfers;

use crate::api::Client;
use crate::app::command::{Command, RequestId, WatchId};
use crate::app::msg::{Account, Failure, WorkerEvent};
use crate::app::source::Source;
use crate::cli::context::Context;
use session::{Outcome, PersistMsg};
use std::collections::HashMap;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;
use transfers::{TransferSetup, Transfers};

/// Where the worker's answers go. Sending never fails the worker: a closed loop means quit.
#[derive(Debug, Clone)]
pub struct Events(UnboundedSender<WorkerEvent>);

impl Events {
    pub fn send(&self, event: WorkerEvent) {
        let _ = self.0.send(event);
    }
}

/// What the worker starts with.
#[derive(Default)]
pub struct WorkerSetup {
    /// A signed-in client (stored tokens, or the demo account).
    pub client: Option<Client>,
    /// Save sign-ins and refreshed tokens to this profile; `None` keeps nothing (`--demo`).
    pub persist: Option<Context>,
}

/// Starts the worker on the current tokio runtime. Dropping the command sender stops it and
/// every request it runs.
pub fn spawn(setup: WorkerSetup) -> (UnboundedSender<Command>, UnboundedReceiver<WorkerEvent>) {
    let (commands, events, _running) = spawn_with_transfers(setup, TransferSetup::default());
    (commands, events)
}

/// Starts the worker with transfers (checkpoints in `transfers.store`). The handle ends once
/// the command sender is dropped and every transfer paused (or the grace period passed).
pub fn spawn_with_transfers(
    setup: WorkerSetup,
    transfers: TransferSetup,
) -> (
    UnboundedSender<Command>,
    UnboundedReceiver<WorkerEvent>,
    tokio::task::JoinHandle<()>,
) {
    let (command_tx, command_rx) = unbounded_channel();
    let (event_tx, event_rx) = unbounded_channel();
    let persist = setup.persist.map(|ctx| {
        let (tx, rx) = unbounded_channel();
        tokio::spawn(session::persist(ctx, rx));
        tx
    });
    let (internal_tx, internal_rx) = unbounded_channel();
    let mut worker = Worker {
        client: None,
        awaiting_code: None,
        jobs: HashMap::new(),
        watches: HashMap::new(),
        events: Events(event_tx),
        internal: internal_tx,
        persist,
        token_watch: None,
        transfers: Transfers::new(transfers),
    };
    if let Some(client) = setup.client {
        worker.use_client(client);
    }
    let running = tokio::spawn(worker.run(command_rx, internal_rx));
    (command_tx, event_rx, running)
}

/// Results of sign-in tasks that change the worker itself.
enum Internal {
    SignedIn {
        req: RequestId,
        client: Client,
        account: Account,
        tokens: crate::api::models::Tokens,
    },
    AwaitingCode {
        client: Client,
        account: Account,
    },
    /// The settings screen signed this device out: drop the client and its saved tokens.
    SignedOut {
        req: RequestId,
        reply: Result<crate::app::settings::SettingsReply, Failure>,
    },
}

struct Worker {
    client: Option<Client>,
    /// The client of a sign-in waiting for its 2FA code.
    awaiting_code: Option<(Client, Account)>,
    jobs: HashMap<RequestId, AbortHandle>,
    watches: HashMap<WatchId, AbortHandle>,
    events: Events,
    internal: UnboundedSender<Internal>,
    persist: Option<UnboundedSender<PersistMsg>>,
    token_watch: Option<AbortHandle>,
    transfers: Transfers,
}

impl Worker {
    async fn run(
        mut self,
        mut commands: UnboundedReceiver<Command>,
        mut internal: UnboundedReceiver<Internal>,
    ) {
        loop {
            // Internal results first: a task sends its internal message before the event the
            // app reacts to, so the app's next command (a 2FA code) finds the worker updated.
            tokio::select! {
                biased;
                Some(msg) = internal.recv() => self.on_internal(msg),
                command = commands.recv() => match command {
                    Some(c) => self.handle(c),
                    None => break,
                },
            }
        }
        for job in self.jobs.values().chain(self.watches.values()) {
            job.abort();
        }
        if let Some(w) = &self.token_watch {
            w.abort();
        }
        self.transfers.shutdown().await;
    }

    fn handle(&mut self, command: Command) {
        self.jobs.retain(|_, h| !h.is_finished());
        let events = self.events.clone();
        let client = self.client.clone();
        match command {
            Command::List { req, source, sort } => match source {
                Source::Local(dir) => self.job(req, listing::local(req, dir, events)),
                Source::Remote(uri) => match client {
                    Some(c) => self.job(req, listing::remote(c, req, uri, sort, events)),
                    None => events.send(WorkerEvent::ListFailed {
                        req,
                        failure: not_signed_in(),
                    }),
                },
            },
            Command::Cancel { req } => {
                if let Some(job) = self.jobs.remove(&req) {
                    job.abort();
                }
            }
            Command::Op { req, op } => self.job(req, async move {
                match ops::run(client.as_ref(), op).await {
                    Ok(()) => events.send(WorkerEvent::OpDone { req }),
                    Err(failure) => events.send(WorkerEvent::OpFailed { req, failure }),
                }
            }),
            Command::Info { req, target } => self.job(req, async move {
                match ops::info(client.as_ref(), target).await {
                    Ok(fields) => events.send(WorkerEvent::Info { req, fields }),
                    Err(failure) => events.send(WorkerEvent::InfoFailed { req, failure }),
                }
            }),
            Command::Watch { watch, folder } => {
                if let Some(c) = client {
                    let task = tokio::spawn(live::follow(c, watch, folder, events));
                    self.watches.insert(watch, task.abort_handle());
                }
            }
            Command::Unwatch { watch } => {
                if let Some(task) = self.watches.remove(&watch) {
                    task.abort();
                }
            }
            Command::SignIn {
                req,
                server,
                email,
                password,
                captcha,
            } => {
                let internal = self.internal.clone();
                self.job(req, async move {
                    let outcome = session::sign_in(&server, &email, password, captcha).await;
                    deliver(req, outcome, &events, &internal);
                });
            }
            Command::SecondFactor { req, session, code } => {
                let Some((client, account)) = self.awaiting_code.clone() else {
                    events.send(WorkerEvent::SignInFailed {
                        req,
                        failure: Failure::msg("The sign-in expired; start again"),
                    });
                    return;
                };
                let internal = self.internal.clone();
                self.job(req, async move {
                    let outcome = session::second_factor(client, &session, &code, account).await;
                    deliver(req, outcome, &events, &internal);
                });
            }
            Command::FetchCapacity => {
                if let Some(c) = client {
                    tokio::spawn(async move {
                        match c.capacity().await {
                            Ok(cap) => events.send(WorkerEvent::Capacity {
                                used: cap.used,
                                total: cap.total,
                            }),
                            Err(e) if e.needs_sign_in() => events.send(WorkerEvent::SessionExpired),
                            Err(e) => tracing::info!("capacity: {e}"),
                        }
                    });
                }
            }
            c @ (Command::StartTransfer { .. }
            | Command::PauseTransfer { .. }
            | Command::ResumeTransfer { .. }
            | Command::CancelTransfer { .. }
            | Command::AnswerConflict { .. }
            | Command::ListInterruptedTransfers
            | Command::ForgetTransfers { .. }) => self.transfers.handle(c, client, &events),
            Command::Drive { req, job } => self.job(req, async move {
                let result = drive_ops::run(client.as_ref(), job).await;
                events.send(WorkerEvent::Drive { req, result });
            }),
            Command::Settings { req, call } if call.is_anonymous() => {
                self.job(req, async move {
                    let reply = settings::run_anonymous(call).await;
                    events.send(WorkerEvent::Settings { req, reply });
                });
            }
            Command::Settings { req, call } => {
                let Some(c) = client else {
                    events.send(WorkerEvent::Settings {
                        req,
                        reply: Err(not_signed_in()),
                    });
                    return;
                };
                let signing_out = call == crate::app::settings::SettingsCall::SignOut;
                let internal = self.internal.clone();
                self.job(req, async move {
                    let reply = settings::run(&c, call).await;
                    if signing_out {
                        let _ = internal.send(Internal::SignedOut { req, reply });
                    } else {
                        events.send(WorkerEvent::Settings { req, reply });
                    }
                });
            }
            // The loop handles these itself.
            Command::CopyToClipboard(_) | Command::Quit => {}
            c @ (Command::ListTasks { .. }
            | Command::TaskProgress { .. }
            | Command::CancelTask { .. }
            | Command::SelectTaskFiles { .. }
            | Command::ListShares { .. }
            | Command::EditShare { .. }
            | Command::RevokeShare { .. }
            | Command::ListPolicies { .. }
            | Command::Relocate { .. }) => self.panel(c, client, events),
        }
    }

    /// The server tasks and shares tabs of the task panel (src/worker/panel.rs).
    fn panel(&mut self, command: Command, client: Option<Client>, events: Events) {
        let Some(req) = command.panel_request() else {
            return;
        };
        let Some(c) = client else {
            events.send(WorkerEvent::PanelFailed {
                req,
                failure: not_signed_in(),
            });
            return;
        };
        match command {
            Command::ListTasks { req, pages } => {
                self.job(req, panel::list_tasks(c, req, pages, events))
            }
            Command::TaskProgress { req, ids } => {
                self.job(req, panel::task_progress(c, req, ids, events))
            }
            Command::CancelTask { req, id } => {
                self.job(req, panel::cancel_task(c, req, id, events))
            }
            Command::SelectTaskFiles { req, id, files } => {
                self.job(req, panel::select_files(c, req, id, files, events))
            }
            Command::ListShares { req, next_token } => {
                self.job(req, panel::list_shares(c, req, next_token, events))
            }
            Command::EditShare { req, edit } => {
                self.job(req, panel::edit_share(c, req, edit, events))
            }
            Command::RevokeShare { req, id } => {
                self.job(req, panel::revoke_share(c, req, id, events))
            }
            Command::ListPolicies { req } => self.job(req, panel::list_policies(c, req, events)),
            Command::Relocate {
                req,
                sources,
                policy_id,
            } => self.job(req, panel::relocate(c, req, sources, policy_id, events)),
            _ => {}
        }
    }

    fn job(&mut self, req: RequestId, fut: impl Future<Output = ()> + Send + 'static) {
        let task = tokio::spawn(fut);
        self.jobs.insert(req, task.abort_handle());
    }

    fn on_internal(&mut self, msg: Internal) {
        match msg {
            Internal::SignedOut { req, reply } => {
                for (_, w) in self.watches.drain() {
                    w.abort();
                }
                if let Some(w) = self.token_watch.take() {
                    w.abort();
                }
                self.client = None;
                if let Some(p) = &self.persist {
                    let _ = p.send(PersistMsg::SignedOut);
                }
                self.events.send(WorkerEvent::Settings { req, reply });
            }
            Internal::AwaitingCode { client, account } => {
                self.awaiting_code = Some((client, account));
            }
            Internal::SignedIn {
                req,
                client,
                account,
                tokens,
            } => {
                self.awaiting_code = None;
                // The old session's streams belong to the old client.
                for (_, w) in self.watches.drain() {
                    w.abort();
                }
                if let Some(p) = &self.persist {
                    let _ = p.send(PersistMsg::SignedIn {
                        account: account.clone(),
                        tokens,
                    });
                }
                self.use_client(client);
                // Sent after the switch: the app's next commands must find the new client.
                self.events.send(WorkerEvent::SignedIn { req, account });
            }
        }
    }

    /// Makes `client` the one every request uses, and keeps its refreshed tokens saved.
    fn use_client(&mut self, client: Client) {
        if let Some(w) = self.token_watch.take() {
            w.abort();
        }
        if let Some(persist) = self.persist.clone() {
            let mut updates = client.token_updates();
            updates.borrow_and_update();
            let task = tokio::spawn(async move {
                while updates.changed().await.is_ok() {
                    let current = updates.borrow_and_update().clone();
                    if let Some(tokens) = current {
                        let _ = persist.send(PersistMsg::Refreshed(tokens));
                    }
                }
            });
            self.token_watch = Some(task.abort_handle());
        }
        self.client = Some(client);
    }
}

fn deliver(
    req: RequestId,
    outcome: Outcome,
    events: &Events,
    internal: &UnboundedSender<Internal>,
) {
    match outcome {
        Outcome::SignedIn {
            client,
            account,
            tokens,
        } => {
            let _ = internal.send(Internal::SignedIn {
                req,
                client,
                account,
                tokens,
            });
        }
        Outcome::NeedsCode {
            client,
            session,
            account,
        } => {
            let _ = internal.send(Internal::AwaitingCode { client, account });
            events.send(WorkerEvent::TwoFactorRequired { req, session });
        }
        Outcome::NeedsCaptcha(challenge) => {
            events.send(WorkerEvent::CaptchaRequired { req, challenge })
        }
        Outcome::Failed(failure) => events.send(WorkerEvent::SignInFailed { req, failure }),
    }
}

fn not_signed_in() -> Failure {
    Failure {
        message: "Not signed in".into(),
        signed_out: true,
        ..Failure::default()
    }
}
