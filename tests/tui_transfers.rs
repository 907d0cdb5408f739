//! Transfer screens as text: the task panel's transfers tab (running, failed and finished
//! jobs, hostile names), the conflict popup, the quit prompt, the resume offer and the
//! status-bar summary. `insta` snapshots at 80×24 and 50×15; every state comes from running
//! the reducer over key presses and worker events.

mod common;

use common::tui::{page, press, render, worker};
use reve::app::command::Command;
use reve::app::entry::Entry;
use reve::app::msg::{Account, Msg, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::transfers::{Interrupted, JobEnd, TransferId};
use reve::app::update;
use reve::transfer::{Conflict, Delta, Direction, Event, Outcome};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SIZES: [(u16, u16); 2] = [(80, 24), (50, 15)];
const T: i64 = 1_795_742_460;
const MIB: u64 = 1 << 20;

fn loaded(size: (u16, u16)) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.signed_in = true;
    s.size = size;
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "me@example.com".into(),
        nickname: "Me".into(),
    };
    let mut state = State::new(s);
    state.load_panes();
    page(
        &mut state,
        0,
        vec![
            Entry::folder("Documents", T),
            Entry::file("sunset.png", 3_400_000, T),
            Entry::file("todo.txt", 51, T),
        ],
    );
    page(
        &mut state,
        1,
        vec![Entry::folder("src", T), Entry::file("Cargo.toml", 2_048, T)],
    );
    worker(
        &mut state,
        WorkerEvent::Capacity {
            used: 3_500_000,
            total: 1 << 30,
        },
    );
    state
}

/// Confirms the copy the keys asked for; returns its job id.
fn copy(state: &mut State, keys: &str) -> TransferId {
    press(state, keys);
    let commands = press(state, "enter");
    commands
        .iter()
        .find_map(|c| match c {
            Command::StartTransfer { job, .. } => Some(*job),
            _ => None,
        })
        .expect("a transfer started")
}

fn ev(state: &mut State, job: TransferId, at: Instant, event: Event) {
    worker(state, WorkerEvent::Transfer { job, at, event });
}

fn started(id: &str, direction: Direction, name: &str, size: u64) -> Event {
    Event::Started {
        id: id.into(),
        direction,
        name: name.into(),
        size,
    }
}

fn advanced(id: &str, n: u64) -> Event {
    Event::Progress {
        id: id.into(),
        delta: Delta::Advanced(n),
    }
}

fn finished(id: &str, outcome: Outcome) -> Event {
    Event::Finished {
        id: id.into(),
        outcome,
    }
}

/// Three jobs: an upload of a folder running (a hostile name among its files, one of which
/// failed), a download that failed, a download that finished. The toasts have faded.
fn with_transfers(size: (u16, u16)) -> State {
    let mut state = loaded(size);
    let t0 = Instant::now();
    let up = Direction::Upload;
    let down = Direction::Download;

    // The local pane's `src` folder, uploaded into the drive root.
    let a = copy(&mut state, "tab F5");
    ev(
        &mut state,
        a,
        t0,
        Event::Planned {
            job: "ja".into(),
            direction: up,
            files: 4,
            bytes: 4 * MIB,
        },
    );
    ev(&mut state, a, t0, started("ja.1", up, "main.rs", MIB));
    ev(
        &mut state,
        a,
        t0,
        started("ja.2", up, "\x1b[2Jevil\x07.rs", MIB),
    );
    ev(&mut state, a, t0, started("ja.3", up, "lib.rs", MIB));
    let t1 = t0 + Duration::from_secs(2);
    ev(&mut state, a, t1, advanced("ja.1", MIB));
    ev(
        &mut state,
        a,
        t1,
        finished("ja.1", Outcome::Done("u".into())),
    );
    ev(&mut state, a, t1, advanced("ja.2", MIB / 2));
    ev(&mut state, a, t1, advanced("ja.3", MIB / 4));
    ev(
        &mut state,
        a,
        t1,
        started("ja.4", up, "bad\x1b]0;pwned\x07name.rs", MIB),
    );
    ev(
        &mut state,
        a,
        t1,
        finished(
            "ja.4",
            Outcome::Failed("server said \x1b[31mno\x1b[0m".into()),
        ),
    );

    // The drive's `todo.txt`: the download fails.
    let b = copy(&mut state, "tab G F5");
    ev(
        &mut state,
        b,
        t1,
        Event::Planned {
            job: "jb".into(),
            direction: down,
            files: 1,
            bytes: 51,
        },
    );
    ev(&mut state, b, t1, started("jb.1", down, "todo.txt", 51));
    ev(
        &mut state,
        b,
        t1,
        finished("jb.1", Outcome::Failed("No space left on device".into())),
    );
    worker(
        &mut state,
        WorkerEvent::TransferEnded {
            job: b,
            at: t1,
            end: JobEnd {
                engine_job: Some("jb".into()),
                failed: 1,
                resumable: true,
                ..JobEnd::default()
            },
        },
    );

    // `sunset.png`: downloaded.
    let c = copy(&mut state, "k F5");
    ev(
        &mut state,
        c,
        t1,
        Event::Planned {
            job: "jc".into(),
            direction: down,
            files: 1,
            bytes: 3_400_000,
        },
    );
    ev(
        &mut state,
        c,
        t1,
        started("jc.1", down, "sunset.png", 3_400_000),
    );
    ev(&mut state, c, t1, advanced("jc.1", 3_400_000));
    ev(
        &mut state,
        c,
        t1,
        finished("jc.1", Outcome::Done("/x".into())),
    );
    worker(
        &mut state,
        WorkerEvent::TransferEnded {
            job: c,
            at: t1,
            end: JobEnd {
                engine_job: Some("jc".into()),
                done: 1,
                ..JobEnd::default()
            },
        },
    );
    // Let the last message fade: one tick starts its clock, one ends it.
    update(&mut state, Msg::Tick(t1));
    update(&mut state, Msg::Tick(t1 + Duration::from_secs(5)));
    assert!(state.toast.is_none());
    state
}

fn snap(name: &str, make: impl Fn((u16, u16)) -> State) {
    for size in SIZES {
        let state = make(size);
        let screen = render(&state, size);
        // No control character of a hostile name reaches the terminal.
        assert!(
            !screen.chars().any(|c| c.is_control() && c != '\n'),
            "{screen}"
        );
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn transfers_tab() {
    snap("transfers_tab", |size| {
        let mut state = with_transfers(size);
        // Focus is on the drive pane: the panel covers the local one.
        press(&mut state, "t");
        state
    });
}

#[test]
fn transfers_tab_cursor_on_the_failed_job() {
    snap("transfers_tab_failed", |size| {
        let mut state = with_transfers(size);
        press(&mut state, "t j");
        state
    });
}

#[test]
fn transfers_status_summary() {
    snap("transfers_status", |size| {
        let state = with_transfers(size);
        let status = render(&state, size);
        let last = status.lines().last().unwrap_or_default().to_string();
        assert!(last.contains("↑1"), "{last}");
        state
    });
}

#[test]
fn transfer_conflict() {
    snap("transfer_conflict", |size| {
        let mut state = with_transfers(size);
        let job = state.transfers.jobs[0].id;
        worker(
            &mut state,
            WorkerEvent::TransferConflict {
                job,
                question: 1,
                conflict: Conflict {
                    direction: Direction::Upload,
                    name: "main\x1b[5m.rs".into(),
                    target: "cloudreve://my/src/main.rs".into(),
                    local_path: None,
                },
            },
        );
        press(&mut state, "a");
        state
    });
}

#[test]
fn quit_prompt() {
    snap("transfers_quit", |size| {
        let mut state = with_transfers(size);
        assert!(press(&mut state, "q").is_empty());
        state
    });
}

#[test]
fn resume_offer() {
    snap("transfers_resume_offer", |size| {
        let mut state = loaded(size);
        worker(
            &mut state,
            WorkerEvent::InterruptedTransfers {
                jobs: vec![
                    Interrupted {
                        engine_job: "x1".into(),
                        direction: Direction::Download,
                        name: "movie\x1b[8m.mkv".into(),
                        items: 1,
                        files: 1,
                        files_left: 1,
                        bytes: 700 * MIB,
                        bytes_done: 120 * MIB,
                    },
                    Interrupted {
                        engine_job: "x2".into(),
                        direction: Direction::Upload,
                        name: "photos".into(),
                        items: 1,
                        files: 240,
                        files_left: 31,
                        bytes: 900 * MIB,
                        bytes_done: 800 * MIB,
                    },
                ],
            },
        );
        state
    });
}

#[test]
fn server_tasks_tab_frame() {
    snap("panel_server_tasks", |size| {
        let mut state = loaded(size);
        press(&mut state, "t 2");
        state
    });
}
