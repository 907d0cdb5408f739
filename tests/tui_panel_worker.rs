//! The server tasks and shares tabs' worker requests against the in-process demo server:
//! task lists (with the seeded archive task), an archive task followed to its end through
//! the tab's own polling, and a share listed, edited and revoked.

mod common;

use common::{BACKGROUND_TIMEOUT, demo_client, my, seeded_server};
use reve::api::Client;
use reve::api::models::{Share, TaskCategory, TaskStatus};
use reve::app::command::{Command, RequestId, TaskPageRequest};
use reve::app::msg::{Msg, TaskListPage, WorkerEvent};
use reve::app::panel::PanelTab;
use reve::app::panel_shares::{ExpiryChange, ShareEdit};
use reve::app::state::{Startup, State};
use reve::app::{panel_tasks, update};
use reve::worker::{self, WorkerSetup};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

fn start(client: Client) -> (UnboundedSender<Command>, UnboundedReceiver<WorkerEvent>) {
    worker::spawn(WorkerSetup {
        client: Some(client),
        persist: None,
    })
}

async fn next(events: &mut UnboundedReceiver<WorkerEvent>) -> WorkerEvent {
    tokio::time::timeout(BACKGROUND_TIMEOUT, events.recv())
        .await
        .expect("the worker answered in time")
        .expect("the worker is running")
}

async fn task_pages(
    commands: &UnboundedSender<Command>,
    events: &mut UnboundedReceiver<WorkerEvent>,
    req: RequestId,
) -> Vec<TaskListPage> {
    let pages = [
        TaskCategory::General,
        TaskCategory::Downloading,
        TaskCategory::Downloaded,
    ]
    .into_iter()
    .map(|category| TaskPageRequest {
        category,
        token: None,
    })
    .collect();
    commands.send(Command::ListTasks { req, pages }).unwrap();
    match next(events).await {
        WorkerEvent::Tasks { req: r, pages } => {
            assert_eq!(r, req);
            pages
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_every_task_category_with_the_seeded_archive() {
    let server = seeded_server().await;
    let (commands, mut events) = start(demo_client(&server.base_url()).await);
    let pages = task_pages(&commands, &mut events, RequestId(1)).await;
    let categories: Vec<TaskCategory> = pages.iter().map(|p| p.category).collect();
    assert_eq!(
        categories,
        [
            TaskCategory::General,
            TaskCategory::Downloading,
            TaskCategory::Downloaded
        ]
    );
    let general = &pages[0].tasks;
    let archive = general
        .iter()
        .find(|t| t.kind == "create_archive")
        .expect("the seeded archive task is listed");
    assert_eq!(archive.status, TaskStatus::Completed);
    assert_eq!(
        archive
            .summary
            .as_ref()
            .and_then(|s| s.props.dst.as_deref()),
        Some("cloudreve://my/Documents/pictures.zip")
    );
    assert!(pages[1].tasks.is_empty() && pages[2].tasks.is_empty());
    assert!(
        pages.iter().all(|p| p.next_token.is_none()),
        "one page each"
    );

    // A finished task has no live progress: the server answers an empty map.
    commands
        .send(Command::TaskProgress {
            req: RequestId(2),
            ids: vec![archive.id.clone()],
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::TaskProgress { req, progress } => {
            assert_eq!(req, RequestId(2));
            assert_eq!(progress.len(), 1);
            assert_eq!(progress[0].0, archive.id);
            assert!(progress[0].1.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Sends the state's commands to the worker and feeds the answers back, with the clock of
/// the ticks moved on by the test (the reducer only compares the instants it is given).
struct Driver {
    state: State,
    commands: UnboundedSender<Command>,
    events: UnboundedReceiver<WorkerEvent>,
    /// Worker requests sent and not answered yet.
    waiting: usize,
    now: Instant,
    sent: Vec<Command>,
}

impl Driver {
    fn send(&mut self, commands: Vec<Command>) {
        for c in commands {
            if c.panel_request().is_some() {
                self.waiting += 1;
                self.sent.push(c.clone());
                self.commands.send(c).unwrap();
            }
        }
    }

    /// Answers everything asked so far.
    async fn settle(&mut self) {
        while self.waiting > 0 {
            let event = next(&mut self.events).await;
            self.waiting -= 1;
            let commands = update(&mut self.state, Msg::Worker(event));
            self.send(commands);
        }
    }

    /// One tick a second later, and its answers.
    async fn tick(&mut self) -> usize {
        self.now += Duration::from_secs(1);
        let commands = update(&mut self.state, Msg::Tick(self.now));
        let n = commands.len();
        self.send(commands);
        self.settle().await;
        n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_task_is_followed_to_its_end_by_the_tabs_polling() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let created = client
        .create_archive(&[my(&["Documents"])], &my(&["docs.zip"]))
        .await
        .expect("archive task");
    assert!(!created.status.is_finished());

    let (commands, events) = start(client);
    let mut state = State::new(Startup {
        signed_in: true,
        ..Startup::new("/tmp".into())
    });
    state.panel.open = true;
    state.panel.focused = true;
    state.panel.slot = 1;
    state.panel.tab = PanelTab::ServerTasks;
    let shown = panel_tasks::on_show(&mut state);
    let mut d = Driver {
        state,
        commands,
        events,
        waiting: 0,
        now: Instant::now(),
        sent: Vec::new(),
    };
    d.send(shown);
    d.settle().await;
    let status = |d: &Driver| {
        d.state
            .panel
            .server_tasks
            .rows
            .iter()
            .find(|r| r.task.id == created.id)
            .map(|r| r.task.status)
    };
    assert!(status(&d).is_some(), "the new task is listed");

    let deadline = tokio::time::Instant::now() + BACKGROUND_TIMEOUT;
    let mut seen = vec![status(&d).unwrap()];
    while status(&d) != Some(TaskStatus::Completed) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the task ended: {seen:?}"
        );
        assert!(
            d.state.wants_tick(),
            "a running task keeps the ticks coming"
        );
        d.tick().await;
        seen.push(status(&d).unwrap());
        // The demo's task moves on in real time; give it a moment between polls.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let polls = d
        .sent
        .iter()
        .filter(|c| matches!(c, Command::ListTasks { .. }))
        .count();
    assert!(polls >= 2, "the lists were polled while the task ran");
    // Progress was asked for only about tasks that were processing.
    for c in &d.sent {
        if let Command::TaskProgress { ids, .. } = c {
            assert_eq!(ids, std::slice::from_ref(&created.id));
        }
    }
    let row = d
        .state
        .panel
        .server_tasks
        .rows
        .iter()
        .find(|r| r.task.id == created.id)
        .unwrap();
    assert!(
        row.progress.is_empty(),
        "a finished task shows no live counters"
    );
    assert_eq!(panel_tasks::fraction(row), Some(1.0));

    // Nothing runs any more: no ticks wanted, and ticks send nothing.
    assert!(!d.state.wants_tick());
    assert_eq!(d.tick().await, 0);
    assert_eq!(d.tick().await, 0);
}

async fn shares(
    commands: &UnboundedSender<Command>,
    events: &mut UnboundedReceiver<WorkerEvent>,
    req: RequestId,
) -> Vec<Share> {
    commands
        .send(Command::ListShares {
            req,
            next_token: None,
        })
        .unwrap();
    match next(events).await {
        WorkerEvent::Shares {
            req: r,
            shares,
            next_token,
        } => {
            assert_eq!(r, req);
            assert_eq!(next_token, None);
            shares
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_is_listed_edited_and_revoked() {
    let server = seeded_server().await;
    let (commands, mut events) = start(demo_client(&server.base_url()).await);
    let listed = shares(&commands, &mut events, RequestId(1)).await;
    assert_eq!(listed.len(), 1, "the seeded share");
    let seeded = listed[0].clone();
    assert_eq!(seeded.name, "Projects");
    assert!(seeded.expires.is_none() && seeded.remain_downloads.is_none());
    assert!(!seeded.password_protected);

    // Expiry and download limit: the same link.
    commands
        .send(Command::EditShare {
            req: RequestId(2),
            edit: ShareEdit {
                id: seeded.id.clone(),
                current_password: None,
                password: None,
                expire: ExpiryChange::In(3600),
                downloads: Some(5),
            },
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::ShareEdited { req, url, replaced } => {
            assert_eq!(req, RequestId(2));
            assert!(!replaced);
            assert_eq!(url, seeded.url);
        }
        other => panic!("unexpected {other:?}"),
    }
    let after = shares(&commands, &mut events, RequestId(3)).await;
    assert_eq!(after.len(), 1);
    let edited = &after[0];
    assert_eq!(edited.id, seeded.id);
    assert_eq!(edited.remain_downloads, Some(5));
    let expires = edited.expires.expect("an expiry now");
    let in_secs = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((3000..=3600).contains(&in_secs), "about an hour: {in_secs}");

    // A password: a new link with the same limits, the old one revoked.
    commands
        .send(Command::EditShare {
            req: RequestId(4),
            edit: ShareEdit {
                id: seeded.id.clone(),
                current_password: None,
                password: Some(Some("abc123".into())),
                expire: ExpiryChange::Keep,
                downloads: Some(5),
            },
        })
        .unwrap();
    let new_url = match next(&mut events).await {
        WorkerEvent::ShareEdited { req, url, replaced } => {
            assert_eq!(req, RequestId(4));
            assert!(replaced);
            assert!(url.ends_with("/abc123"), "{url}");
            url
        }
        other => panic!("unexpected {other:?}"),
    };
    let after = shares(&commands, &mut events, RequestId(5)).await;
    assert_eq!(after.len(), 1, "the old link is gone");
    let protected = &after[0];
    assert_ne!(protected.id, seeded.id);
    assert!(protected.password_protected);
    assert_eq!(protected.password.as_deref(), Some("abc123"));
    assert_eq!(protected.url, new_url);
    assert_eq!(protected.remain_downloads, Some(5));
    assert!(protected.expires.is_some(), "the expiry was kept");

    // And off again.
    commands
        .send(Command::EditShare {
            req: RequestId(6),
            edit: ShareEdit {
                id: protected.id.clone(),
                current_password: protected.password.clone(),
                password: Some(None),
                expire: ExpiryChange::Never,
                downloads: None,
            },
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::ShareEdited { replaced, .. } => assert!(replaced),
        other => panic!("unexpected {other:?}"),
    }
    let after = shares(&commands, &mut events, RequestId(7)).await;
    assert_eq!(after.len(), 1);
    let public = after[0].clone();
    assert!(!public.password_protected);
    assert!(public.expires.is_none() && public.remain_downloads.is_none());

    commands
        .send(Command::RevokeShare {
            req: RequestId(8),
            id: public.id.clone(),
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::PanelDone { req } => assert_eq!(req, RequestId(8)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        shares(&commands, &mut events, RequestId(9))
            .await
            .is_empty()
    );

    // Revoking it again is a clear failure, not a success.
    commands
        .send(Command::RevokeShare {
            req: RequestId(10),
            id: public.id,
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::PanelFailed { req, failure } => {
            assert_eq!(req, RequestId(10));
            assert!(!failure.message.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relocation_is_offered_by_pro_servers_and_explained_elsewhere() {
    // Community: no policy route; the answer says why in words.
    let server = seeded_server().await;
    let (commands, mut events) = start(demo_client(&server.base_url()).await);
    commands
        .send(Command::ListPolicies { req: RequestId(1) })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::Policies { req, result } => {
            assert_eq!(req, RequestId(1));
            let failure = result.expect_err("not on a Community server");
            assert!(failure.message.contains("Cloudreve Pro"), "{failure:?}");
        }
        other => panic!("unexpected {other:?}"),
    }

    // Pro: the policies, and the server's own word on the relocation.
    let server = common::server(reve::demo::DemoConfig {
        seed: true,
        pro: true,
        ..reve::demo::DemoConfig::default()
    })
    .await;
    let (commands, mut events) = start(demo_client(&server.base_url()).await);
    commands
        .send(Command::ListPolicies { req: RequestId(2) })
        .unwrap();
    let policy = match next(&mut events).await {
        WorkerEvent::Policies { result, .. } => {
            let policies = result.expect("policies on a Pro server");
            assert!(!policies.is_empty());
            policies[0].clone()
        }
        other => panic!("unexpected {other:?}"),
    };
    commands
        .send(Command::Relocate {
            req: RequestId(3),
            sources: vec![my(&["Documents"])],
            policy_id: policy.id,
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::Relocating { req, result } => {
            assert_eq!(req, RequestId(3));
            // The demo has one policy: everything already is where it would go.
            let failure = result.expect_err("nothing to move");
            assert!(
                failure.message.contains("already in the target"),
                "{failure:?}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}
