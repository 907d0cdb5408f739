//! The task panel's server tasks and shares tabs: reducer tests and `insta` screens at 80×24
//! and 50×15. Every state comes from running the reducer over keys and worker answers, with
//! tasks and shares decoded from JSON the way the server sends them.

mod common;

use common::tui::{press, render, worker};
use reve::api::models::{Share, Task, TaskCategory, TaskProgressMap};
use reve::api::uri::CrUri;
use reve::app::command::{Command, RequestId};
use reve::app::entry::Entry;
use reve::app::modal::Modal;
use reve::app::msg::{Failure, Msg, Page, TaskListPage, WorkerEvent};
use reve::app::panel::PanelTab;
use reve::app::panel_shares::ExpiryChange;
use reve::app::source::Source;
use reve::app::state::{Startup, State};
use reve::app::update;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SIZES: [(u16, u16); 2] = [(80, 24), (50, 15)];
/// 2026-11-27 01:21 UTC.
const T: i64 = 1_795_742_460;

/// Both panes loaded (the drive root, the working directory), as after start-up.
fn browser(size: (u16, u16)) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.signed_in = true;
    s.size = size;
    let mut state = State::new(s);
    state.load_panes();
    for i in 0..2 {
        let req = state.panes[i].loading.expect("loading").req;
        let entries = if i == 0 {
            vec![Entry::folder("Documents", T), Entry::file("a.txt", 10, T)]
        } else {
            vec![Entry::folder("src", T)]
        };
        worker(
            &mut state,
            WorkerEvent::Page {
                req,
                page: Page {
                    entries,
                    last: true,
                    caps: None,
                },
            },
        );
    }
    state
}

fn list_request(commands: &[Command]) -> RequestId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::ListTasks { req, .. } | Command::ListShares { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no list request in {commands:?}"))
}

/// The panel opened with `t` and switched to a tab by its number; returns the list request.
fn open_tab(state: &mut State, tab: &str) -> RequestId {
    press(state, "t");
    list_request(&press(state, tab))
}

/// A browser at `size` with the panel's tab `tab` open and its list answered by `answer`.
fn tab_with(size: (u16, u16), tab: &str, answer: impl FnOnce(RequestId) -> WorkerEvent) -> State {
    let mut state = browser(size);
    let req = open_tab(&mut state, tab);
    worker(&mut state, answer(req));
    state
}

fn task(id: &str, kind: &str, status: &str, props: serde_json::Value) -> Task {
    serde_json::from_value(json!({
        "id": id,
        "created_at": "2026-11-27T01:20:00Z",
        "updated_at": "2026-11-27T01:21:00Z",
        "status": status,
        "type": kind,
        "node": {"id": "n1", "name": "Master", "type": "master"},
        "summary": {"phase": null, "props": props},
        "duration": 3071,
    }))
    .unwrap()
}

fn sample_tasks() -> Vec<Task> {
    let mut tasks = vec![
        task(
            "t4",
            "create_archive",
            "completed",
            json!({"src_multiple": ["cloudreve://my/Pictures"], "dst": "cloudreve://my/Documents/pictures.zip"}),
        ),
        task(
            "t3",
            "extract_archive",
            "processing",
            json!({"src": "cloudreve://my/big.zip", "dst": "cloudreve://my/out"}),
        ),
        task(
            "t2",
            "remote_download",
            "error",
            json!({"src_str": "https://example.com/f.iso", "dst": "cloudreve://my"}),
        ),
        task(
            "t1",
            "remote_download",
            "queued",
            json!({"src_str": "magnet:?xt=urn:btih:abc", "dst": "cloudreve://my/dl"}),
        ),
    ];
    tasks[2].error = Some("no downloader is configured on this server".into());
    // Oldest last: the ids order the equal creation times.
    tasks
}

fn hostile_tasks() -> Vec<Task> {
    let mut t = task(
        "h1",
        "create_archive",
        "error",
        json!({
            "src_multiple": ["cloudreve://my/\u{1b}]0;pwned\u{7}title", "cloudreve://my/evil\u{202e}gpj.exe"],
            "dst": "cloudreve://my/\u{1b}[2Jclear.zip",
        }),
    );
    t.error = Some("failed: \u{1b}[31mred\u{9b}6n".into());
    if let Some(node) = &mut t.node {
        node.name = "node\u{1b}[5m".into();
    }
    vec![t]
}

/// Answers the tab's list request: general tasks, nothing downloading, nothing downloaded.
fn tasks_answer(req: RequestId, general: Vec<Task>, next: Option<&str>) -> WorkerEvent {
    WorkerEvent::Tasks {
        req,
        pages: vec![
            TaskListPage {
                category: TaskCategory::General,
                tasks: general,
                next_token: next.map(str::to_string),
            },
            TaskListPage {
                category: TaskCategory::Downloading,
                tasks: Vec::new(),
                next_token: None,
            },
            TaskListPage {
                category: TaskCategory::Downloaded,
                tasks: Vec::new(),
                next_token: None,
            },
        ],
    }
}

fn share(id: &str, name: &str, extra: serde_json::Value) -> Share {
    let mut v = json!({
        "id": id,
        "name": name,
        "visited": 12,
        "unlocked": true,
        "created_at": "2026-11-26T10:00:00Z",
        "expired": false,
        "url": format!("https://drive.example.com/s/{id}"),
    });
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    serde_json::from_value(v).unwrap()
}

fn sample_shares() -> Vec<Share> {
    vec![
        share("Ab12", "Projects", json!({})),
        share(
            "Cd34",
            "report 2026.txt",
            json!({
                "password_protected": true, "is_private": true, "password": "pw123",
                "url": "https://drive.example.com/s/Cd34/pw123",
                "downloaded": 3, "remain_downloads": 7,
                "expires": "2026-12-04T10:00:00Z",
            }),
        ),
        share("Ef56", "old.zip", json!({"expired": true})),
    ]
}

fn hostile_shares() -> Vec<Share> {
    vec![
        share("H1", "\u{1b}]0;pwned\u{7}title", json!({})),
        share(
            "H2",
            "evil\u{202e}gpj.exe",
            json!({"url": "https://drive.example.com/s/H2\u{1b}[2J"}),
        ),
    ]
}

fn shares_answer(req: RequestId, shares: Vec<Share>, next: Option<&str>) -> WorkerEvent {
    WorkerEvent::Shares {
        req,
        shares,
        next_token: next.map(str::to_string),
    }
}

fn snap(name: &str, make: impl Fn((u16, u16)) -> State) {
    for size in SIZES {
        let state = make(size);
        let screen = render(&state, size);
        assert_no_raw_controls(&screen);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
    }
}

/// Nothing the terminal would act on: no ESC, no C1 CSI, no bidi override.
fn assert_no_raw_controls(screen: &str) {
    for bad in ['\u{1b}', '\u{9b}', '\u{202e}', '\u{7}'] {
        assert!(
            !screen.contains(bad),
            "{bad:?} reached the screen:\n{screen}"
        );
    }
}

fn failure(message: &str) -> Failure {
    Failure {
        message: message.into(),
        code: Some(500),
        ..Failure::default()
    }
}

// ---- server tasks: screens -------------------------------------------------------------

#[test]
fn tasks_loading() {
    snap("tasks_loading", |size| {
        let mut state = browser(size);
        open_tab(&mut state, "2");
        state
    });
}

#[test]
fn tasks_empty() {
    snap("tasks_empty", |size| {
        tab_with(size, "2", |req| tasks_answer(req, Vec::new(), None))
    });
}

fn tasks_listed(size: (u16, u16)) -> State {
    tab_with(size, "2", |req| tasks_answer(req, sample_tasks(), None))
}

#[test]
fn tasks_list_with_live_progress() {
    snap("tasks_list", |size| {
        let mut state = tasks_listed(size);
        let t0 = Instant::now();
        update(&mut state, Msg::Tick(t0));
        let commands = update(&mut state, Msg::Tick(t0 + Duration::from_secs(1)));
        let req = commands
            .iter()
            .find_map(|c| match c {
                Command::TaskProgress { req, ids } => {
                    assert_eq!(ids, &["t3".to_string()]);
                    Some(*req)
                }
                _ => None,
            })
            .expect("a progress poll");
        let mut map = TaskProgressMap::new();
        map.insert(
            "extract_size".into(),
            serde_json::from_value(json!({"total": 4096, "current": 1024})).unwrap(),
        );
        worker(
            &mut state,
            WorkerEvent::TaskProgress {
                req,
                progress: vec![("t3".into(), map)],
            },
        );
        // The cursor on the extraction: its detail lines show what it does and how far.
        press(&mut state, "j");
        state
    });
}

#[test]
fn tasks_error() {
    snap("tasks_error", |size| {
        tab_with(size, "2", |req| WorkerEvent::PanelFailed {
            req,
            failure: failure("Internal server error (code 500)"),
        })
    });
}

#[test]
fn tasks_hostile_summaries() {
    snap("tasks_hostile", |size| {
        tab_with(size, "2", |req| tasks_answer(req, hostile_tasks(), None))
    });
    // The details popup shows the same data, also sanitized.
    let mut state = browser((80, 24));
    let req = open_tab(&mut state, "2");
    worker(&mut state, tasks_answer(req, hostile_tasks(), None));
    press(&mut state, "i");
    assert!(matches!(state.modal, Some(Modal::Info(_))));
    let screen = render(&state, (80, 24));
    assert_no_raw_controls(&screen);
    assert!(
        screen.contains("\\x1b"),
        "escapes are shown, not sent:\n{screen}"
    );
}

// ---- server tasks: behaviour -------------------------------------------------------------

#[test]
fn polling_is_fast_while_a_task_runs_and_stops_when_nothing_does() {
    let mut state = tasks_listed((80, 24));
    assert!(state.wants_tick(), "a processing and a queued task");
    let t0 = Instant::now();
    let at = |s: u64| t0 + Duration::from_millis(s);
    // The first tick after the answer starts the clocks.
    assert!(update(&mut state, Msg::Tick(at(0))).is_empty());
    assert!(update(&mut state, Msg::Tick(at(500))).is_empty());
    // After a second: the progress of the processing task (and only that one).
    let commands = update(&mut state, Msg::Tick(at(1000)));
    let [Command::TaskProgress { req: progress, ids }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(ids, &["t3".to_string()]);
    // Still waiting for it: not asked again.
    assert!(update(&mut state, Msg::Tick(at(1500))).is_empty());
    // After two seconds the lists are read again.
    let commands = update(&mut state, Msg::Tick(at(2000)));
    let [Command::ListTasks { req: poll, pages }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(pages.len(), 3, "the first page of every list");
    assert!(pages.iter().all(|p| p.token.is_none()));
    let (progress, poll) = (*progress, *poll);
    worker(
        &mut state,
        WorkerEvent::TaskProgress {
            req: progress,
            progress: vec![("t3".into(), TaskProgressMap::new())],
        },
    );
    // Everything has ended now.
    let mut done = sample_tasks();
    for t in &mut done {
        if !t.status.is_finished() {
            t.status = reve::api::models::TaskStatus::Completed;
        }
    }
    worker(&mut state, tasks_answer(poll, done, None));
    assert!(
        !state.wants_tick(),
        "nothing runs: no ticks are asked for (an idle reve sleeps)"
    );
    for s in [3000, 5000, 10_000, 60_000] {
        assert!(update(&mut state, Msg::Tick(at(s))).is_empty());
    }
}

#[test]
fn polling_stops_while_the_tab_is_hidden() {
    let mut state = tasks_listed((80, 24));
    let t0 = Instant::now();
    update(&mut state, Msg::Tick(t0));
    let commands = update(&mut state, Msg::Tick(t0 + Duration::from_secs(1)));
    let progress = match commands.as_slice() {
        [Command::TaskProgress { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    // Another tab: the poll in flight is dropped and nothing more is asked.
    let commands = press(&mut state, "3");
    assert!(commands.contains(&Command::Cancel { req: progress }));
    assert_eq!(state.panel.tab, PanelTab::Shares);
    assert!(!state.panel.server_tasks.wants_tick());
    for s in 2..30 {
        let commands = update(&mut state, Msg::Tick(t0 + Duration::from_secs(s)));
        assert!(
            !commands
                .iter()
                .any(|c| matches!(c, Command::ListTasks { .. } | Command::TaskProgress { .. })),
            "no task polls while hidden: {commands:?}"
        );
    }
    // The late answer changes nothing.
    worker(
        &mut state,
        WorkerEvent::TaskProgress {
            req: progress,
            progress: vec![("t3".into(), TaskProgressMap::new())],
        },
    );
    assert!(!state.dirty);
    // Back on the tab: read at once; the panel closed with `t`: hidden again.
    let commands = press(&mut state, "2");
    let req = list_request(&commands);
    worker(&mut state, tasks_answer(req, sample_tasks(), None));
    assert!(state.panel.server_tasks.wants_tick());
    press(&mut state, "t");
    assert!(!state.panel.open);
    assert!(!state.wants_tick());
    for s in 30..40 {
        assert!(update(&mut state, Msg::Tick(t0 + Duration::from_secs(s))).is_empty());
    }
}

#[test]
fn go_to_result_opens_the_destination_in_the_pane_beside_the_panel() {
    let mut state = tasks_listed((80, 24));
    // The panel covers the right pane; the archive is on the first row.
    assert_eq!(state.panel.slot, 1);
    let commands = press(&mut state, "enter");
    let folder = CrUri::my_root().join("Documents");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source: Source::Remote(u), .. } if *u == folder)),
        "{commands:?}"
    );
    assert_eq!(state.focus, 0);
    assert!(!state.panel.has_focus(), "the keyboard goes to the pane");
    assert_eq!(state.panes[0].focus_name.as_deref(), Some("pictures.zip"));

    // An unfinished or failed task has no result to go to.
    let mut state = tasks_listed((80, 24));
    press(&mut state, "j");
    assert!(press(&mut state, "enter").is_empty());
    assert!(state.toast.as_ref().unwrap().text.contains("not finished"));
}

#[test]
fn only_running_remote_downloads_are_cancelled_after_asking() {
    let mut state = tasks_listed((80, 24));
    // The archive: not a download.
    assert!(press(&mut state, "c").is_empty());
    assert!(state.modal.is_none());
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("Only remote downloads")
    );
    // The failed download: already ended.
    press(&mut state, "j j");
    assert!(press(&mut state, "c").is_empty());
    assert!(state.toast.as_ref().unwrap().text.contains("already ended"));
    // The queued one: asks, then cancels.
    press(&mut state, "j");
    assert!(press(&mut state, "c").is_empty());
    assert!(matches!(state.modal, Some(Modal::Confirm(_))));
    let commands = press(&mut state, "y");
    let [Command::CancelTask { req, id }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(id, "t1");
    let commands = worker(&mut state, WorkerEvent::PanelDone { req: *req });
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("Cancelled task t1")
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::ListTasks { .. })),
        "the list is read again"
    );
}

#[test]
fn further_task_pages_load_at_the_end_of_the_list() {
    let mut state = browser((80, 24));
    let req = open_tab(&mut state, "2");
    worker(&mut state, tasks_answer(req, sample_tasks(), Some("tok2")));
    let commands = press(&mut state, "G");
    let [Command::ListTasks { req, pages }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].category, TaskCategory::General);
    assert_eq!(pages[0].token.as_deref(), Some("tok2"));
    let older = task(
        "t0",
        "create_archive",
        "completed",
        json!({"dst": "cloudreve://my/x.zip"}),
    );
    worker(
        &mut state,
        WorkerEvent::Tasks {
            req: *req,
            pages: vec![TaskListPage {
                category: TaskCategory::General,
                tasks: vec![older],
                next_token: None,
            }],
        },
    );
    let ids: Vec<&str> = state
        .panel
        .server_tasks
        .rows
        .iter()
        .map(|r| r.task.id.as_str())
        .collect();
    assert_eq!(ids, ["t4", "t3", "t2", "t1", "t0"]);
    assert!(state.panel.server_tasks.more.is_empty());
    assert!(press(&mut state, "G").is_empty(), "no more pages");
}

// ---- shares: screens ---------------------------------------------------------------------

#[test]
fn shares_loading() {
    snap("shares_loading", |size| {
        let mut state = browser(size);
        open_tab(&mut state, "3");
        state
    });
}

#[test]
fn shares_empty() {
    snap("shares_empty", |size| {
        tab_with(size, "3", |req| shares_answer(req, Vec::new(), None))
    });
}

fn shares_listed(size: (u16, u16)) -> State {
    tab_with(size, "3", |req| shares_answer(req, sample_shares(), None))
}

#[test]
fn shares_list() {
    snap("shares_list", |size| {
        let mut state = shares_listed(size);
        press(&mut state, "j");
        state
    });
}

#[test]
fn shares_error() {
    snap("shares_error", |size| {
        tab_with(size, "3", |req| WorkerEvent::PanelFailed {
            req,
            failure: failure("Internal server error (code 500)"),
        })
    });
}

#[test]
fn shares_hostile_names() {
    snap("shares_hostile", |size| {
        let mut state = tab_with(size, "3", |req| shares_answer(req, hostile_shares(), None));
        press(&mut state, "j");
        state
    });
}

#[test]
fn share_edit_form() {
    snap("share_form", |size| {
        let mut state = shares_listed(size);
        press(&mut state, "j e");
        state
    });
}

#[test]
fn share_qr_code() {
    let mut state = shares_listed((80, 24));
    press(&mut state, "Q");
    let Some(Modal::Qr(view)) = &state.modal else {
        panic!("no QR popup");
    };
    assert_eq!(view.url, "https://drive.example.com/s/Ab12");
    let screen = render(&state, (80, 24));
    assert!(screen.contains('█'), "the code is drawn:\n{screen}");
    assert!(screen.contains("https://drive.example.com/s/Ab12"));
    // Too small for the code: said so, the link still shown.
    let mut small = shares_listed((50, 15));
    press(&mut small, "Q");
    let screen = render(&small, (50, 15));
    assert!(screen.contains("too small"), "{screen}");
    press(&mut small, "esc");
    assert!(small.modal.is_none());
}

// ---- shares: behaviour ---------------------------------------------------------------------

#[test]
fn copy_respects_the_clipboard_switch() {
    let mut state = shares_listed((80, 24));
    press(&mut state, "j");
    assert_eq!(
        press(&mut state, "y"),
        [Command::CopyToClipboard(
            "https://drive.example.com/s/Cd34/pw123".into()
        )]
    );
    state.clipboard = false;
    assert!(press(&mut state, "y").is_empty());
    let toast = state.toast.as_ref().unwrap();
    assert!(toast.is_error && toast.text.contains("osc52"));
}

#[test]
fn revoke_asks_then_deletes_and_reloads() {
    let mut state = shares_listed((80, 24));
    assert!(press(&mut state, "d").is_empty());
    assert!(matches!(state.modal, Some(Modal::Confirm(_))));
    // Declined: nothing happens.
    assert!(press(&mut state, "n").is_empty());
    press(&mut state, "d");
    let commands = press(&mut state, "y");
    let [Command::RevokeShare { req, id }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(id, "Ab12");
    let commands = worker(&mut state, WorkerEvent::PanelDone { req: *req });
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("Revoked the share Projects")
    );
    assert!(matches!(
        commands.as_slice(),
        [Command::ListShares {
            next_token: None,
            ..
        }]
    ));
}

#[test]
fn the_edit_form_builds_the_change_and_refuses_bad_values() {
    let mut state = shares_listed((80, 24));
    press(&mut state, "j e");
    // The password field holds the current one; a bad one is refused in place.
    // (`home ctrl-k` empties a field.)
    press(&mut state, "home ctrl-k");
    press(&mut state, "b a d - p w");
    assert!(press(&mut state, "enter").is_empty());
    let Some(Modal::ShareForm(form)) = &state.modal else {
        panic!("the form stays");
    };
    assert!(form.error.as_ref().unwrap().contains("letters"));
    // No password, a week, a limit of 20.
    press(&mut state, "home ctrl-k tab 7 d tab home ctrl-k 2 0");
    let commands = press(&mut state, "enter");
    let [Command::EditShare { req, edit }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert!(state.modal.is_none());
    assert_eq!(edit.id, "Cd34");
    assert_eq!(edit.current_password.as_deref(), Some("pw123"));
    assert_eq!(edit.password, Some(None), "the password goes");
    assert_eq!(edit.expire, ExpiryChange::In(7 * 86_400));
    assert_eq!(edit.downloads, Some(20));
    let commands = worker(
        &mut state,
        WorkerEvent::ShareEdited {
            req: *req,
            url: "https://drive.example.com/s/Zz99".into(),
            replaced: true,
        },
    );
    assert!(state.toast.as_ref().unwrap().text.contains("new link"));
    assert!(matches!(commands.as_slice(), [Command::ListShares { .. }]));

    // Untouched fields keep everything.
    let mut state = shares_listed((80, 24));
    press(&mut state, "j e");
    let commands = press(&mut state, "enter");
    let [Command::EditShare { edit, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(edit.password, None);
    assert_eq!(edit.expire, ExpiryChange::Keep);
    assert_eq!(
        edit.downloads,
        Some(7),
        "the remaining downloads stay the limit"
    );
    // A bad duration is refused; esc leaves without a request.
    let mut state = shares_listed((80, 24));
    press(&mut state, "e tab s o o n");
    assert!(press(&mut state, "enter").is_empty());
    assert!(press(&mut state, "esc").is_empty());
    assert!(state.modal.is_none());
}

#[test]
fn open_browses_the_share_in_the_pane_beside_the_panel() {
    let mut state = shares_listed((80, 24));
    press(&mut state, "j");
    let commands = press(&mut state, "enter");
    let uri = CrUri::share("Cd34", Some("pw123"));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source: Source::Remote(u), .. } if *u == uri)),
        "{commands:?}"
    );
    assert_eq!(state.focus, 0);
    assert_eq!(state.panes[0].source, Source::Remote(uri));
}

#[test]
fn further_share_pages_load_at_the_end_of_the_list() {
    let mut state = browser((80, 24));
    let req = open_tab(&mut state, "3");
    worker(
        &mut state,
        shares_answer(req, sample_shares(), Some("next")),
    );
    let commands = press(&mut state, "G");
    let [Command::ListShares { req, next_token }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(next_token.as_deref(), Some("next"));
    worker(
        &mut state,
        shares_answer(*req, vec![share("Gh78", "more.txt", json!({}))], None),
    );
    assert_eq!(state.panel.shares.shares.len(), 4);
    assert_eq!(
        state.panel.shares.cursor, 2,
        "the cursor stays on its share"
    );
    assert!(press(&mut state, "G").is_empty());
    assert_eq!(state.panel.shares.cursor, 3);
}

#[test]
fn a_stale_list_answer_is_dropped() {
    let mut state = browser((80, 24));
    let first = open_tab(&mut state, "3");
    let second = list_request(&press(&mut state, "r"));
    assert_ne!(first, second);
    worker(&mut state, shares_answer(first, sample_shares(), None));
    assert!(state.panel.shares.shares.is_empty() && !state.dirty);
    worker(&mut state, shares_answer(second, sample_shares(), None));
    assert_eq!(state.panel.shares.shares.len(), 3);
}

// ---- torrent files --------------------------------------------------------------------------

fn torrent_task() -> Task {
    let mut t = task(
        "tor",
        "remote_download",
        "processing",
        json!({
            "src_str": "magnet:?xt=urn:btih:abc",
            "dst": "cloudreve://my/dl",
            "download": {
                "name": "linux-isos", "state": "downloading", "total": 3000, "downloaded": 0,
                "files": [
                    {"index": 0, "name": "a.iso", "size": 1000, "progress": 0.0, "selected": true},
                    {"index": 1, "name": "\u{1b}[2Jb.iso", "size": 1000, "progress": 0.0, "selected": true},
                    {"index": 2, "name": "readme.txt", "size": 1000, "progress": 0.0, "selected": false},
                ],
            },
        }),
    );
    if let Some(summary) = &mut t.summary {
        summary.phase = Some("monitor".into());
    }
    t
}

fn torrent_files_open(size: (u16, u16)) -> State {
    let mut state = tab_with(size, "2", |req| {
        tasks_answer(req, vec![torrent_task()], None)
    });
    press(&mut state, "f");
    state
}

#[test]
fn torrent_files_popup() {
    snap("task_files", torrent_files_open);
}

#[test]
fn the_files_of_a_waiting_torrent_are_chosen() {
    let mut state = torrent_files_open((80, 24));
    let Some(Modal::TaskFiles(view)) = &state.modal else {
        panic!("no file choice");
    };
    assert_eq!(
        view.wanted,
        [true, true, false],
        "as the downloader has them"
    );
    // Drop the second, take the third.
    press(&mut state, "j space space");
    let commands = press(&mut state, "enter");
    let [Command::SelectTaskFiles { req, id, files }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(id, "tor");
    let chosen: Vec<(i64, bool)> = files.iter().map(|f| (f.index, f.download)).collect();
    assert_eq!(chosen, [(0, true), (1, false), (2, true)]);
    assert!(state.modal.is_none());
    worker(&mut state, WorkerEvent::PanelDone { req: *req });
    assert!(state.toast.as_ref().unwrap().text.contains("2 chosen file"));

    // Nothing chosen is refused in place.
    let mut state = torrent_files_open((80, 24));
    press(&mut state, "space space");
    assert!(press(&mut state, "enter").is_empty());
    assert!(matches!(state.modal, Some(Modal::TaskFiles(_))));
    assert!(state.toast.as_ref().unwrap().is_error);

    // Other tasks have no files to choose.
    let mut state = tasks_listed((80, 24));
    assert!(press(&mut state, "f").is_empty());
    assert!(state.modal.is_none());
    assert!(state.toast.is_some());
}

#[test]
fn a_finished_task_shows_when_how_long_and_where() {
    let state = tasks_listed((160, 30));
    let screen = render(&state, (160, 30));
    assert!(
        screen.contains("created 2026-11-27 01:20 · took 3.1 s · on Master"),
        "{screen}"
    );
    // Wide enough for the columns of their own.
    assert!(
        screen.contains("Created") && screen.contains("Node"),
        "{screen}"
    );
}

// ---- relocation (Pro) -----------------------------------------------------------------------

fn policy(id: &str, name: &str, kind: &str) -> reve::api::models::StoragePolicy {
    serde_json::from_value(json!({"id": id, "name": name, "type": kind})).unwrap()
}

/// `M` on the drive pane's first row (the Documents folder).
fn relocate_menu(size: (u16, u16)) -> (State, RequestId) {
    let mut state = browser(size);
    let commands = press(&mut state, "M");
    let [Command::ListPolicies { req }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    (state, *req)
}

#[test]
fn relocate_offers_the_servers_policies() {
    snap("relocate_menu", |size| {
        let (mut state, req) = relocate_menu(size);
        worker(
            &mut state,
            WorkerEvent::Policies {
                req,
                result: Ok(vec![
                    policy("p1", "Default storage", "local"),
                    policy("p2", "Archive \u{1b}[7mS3", "s3"),
                ]),
            },
        );
        state
    });
    let (mut state, req) = relocate_menu((80, 24));
    worker(
        &mut state,
        WorkerEvent::Policies {
            req,
            result: Ok(vec![
                policy("p1", "Default storage", "local"),
                policy("p2", "Archive", "s3"),
            ]),
        },
    );
    let commands = press(&mut state, "j enter");
    let [
        Command::Relocate {
            req,
            sources,
            policy_id,
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}");
    };
    assert_eq!(sources, &[CrUri::my_root().join("Documents")]);
    assert_eq!(policy_id, "p2");
    assert!(state.modal.is_none());
    worker(
        &mut state,
        WorkerEvent::Relocating {
            req: *req,
            result: Ok("rel1".into()),
        },
    );
    assert!(state.toast.as_ref().unwrap().text.contains("rel1"));
}

#[test]
fn relocate_explains_a_server_without_it() {
    snap("relocate_unavailable", |size| {
        let (mut state, req) = relocate_menu(size);
        worker(
            &mut state,
            WorkerEvent::Policies {
                req,
                result: Err(Failure::msg(
                    "This server cannot move files between storage policies: relocation is a \
                     Cloudreve Pro feature, and the server is the Community edition.",
                )),
            },
        );
        state
    });
    let (mut state, req) = relocate_menu((80, 24));
    // Closed while loading: the request is dropped, the late answer ignored.
    assert_eq!(press(&mut state, "esc"), [Command::Cancel { req }]);
    worker(
        &mut state,
        WorkerEvent::Policies {
            req,
            result: Ok(vec![policy("p1", "Default", "local")]),
        },
    );
    assert!(state.modal.is_none());
    // The local disk has no storage policies.
    let mut state = browser((80, 24));
    assert!(press(&mut state, "tab M").is_empty());
    assert!(state.toast.as_ref().unwrap().text.contains("my files"));
}

#[test]
fn an_expired_session_stops_the_polls_and_is_reported_once() {
    let mut state = tasks_listed((80, 24));
    let t0 = Instant::now();
    update(&mut state, Msg::Tick(t0));
    let commands = update(&mut state, Msg::Tick(t0 + Duration::from_secs(2)));
    let reqs: Vec<RequestId> = commands.iter().filter_map(|c| c.panel_request()).collect();
    assert_eq!(
        reqs.len(),
        2,
        "a list poll and a progress poll: {commands:?}"
    );
    let signed_out = |req| WorkerEvent::PanelFailed {
        req,
        failure: Failure {
            message: "signed out".into(),
            signed_out: true,
            ..Failure::default()
        },
    };
    worker(&mut state, signed_out(reqs[0]));
    assert_eq!(state.screen, reve::app::state::Screen::SignIn);
    // Typing the password; the second failure must not clear it.
    press(&mut state, "s e c r e t");
    let typed = state.signin.password.value().to_string();
    assert_eq!(typed, "secret");
    worker(&mut state, signed_out(reqs[1]));
    assert_eq!(state.signin.password.value(), "secret");
    // No polls behind the sign-in screen, and no ticks asked for them.
    assert!(!state.wants_tick());
    for s in 3..20 {
        let commands = update(&mut state, Msg::Tick(t0 + Duration::from_secs(s)));
        assert!(
            commands.iter().all(|c| c.panel_request().is_none()),
            "{commands:?}"
        );
    }
}
