//! Screens as text: `insta` snapshots on a `TestBackend` at 80×24 and 50×15. Every state is
//! produced by running the reducer over messages, as the loop would.

mod common;

use common::tui::{page, press, render, type_text};
use reve::app::command::Command;
use reve::app::entry::Entry;
use reve::app::msg::{Account, FailedItem, Failure, Msg, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::update;
use std::path::PathBuf;

const SIZES: [(u16, u16); 2] = [(80, 24), (50, 15)];
/// 2026-11-27 01:21 UTC.
const T: i64 = 1_795_742_460;

fn startup(signed_in: bool) -> Startup {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.signed_in = signed_in;
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "me@example.com".into(),
        nickname: "Me".into(),
    };
    s
}

fn drive_entries() -> Vec<Entry> {
    vec![
        Entry::folder("Big folder", T),
        Entry::folder("Documents", T - 86_400),
        Entry::folder("Music", T - 2 * 86_400),
        Entry::folder("Pictures", T - 3 * 86_400),
        Entry::file("README.md", 1_234, T - 3_600),
        Entry::file("report 2026.txt", 52_000, T - 7_200),
        Entry::file("sunset.png", 3_400_000, T - 60),
        Entry::file("todo.txt", 51, T - 120),
    ]
}

fn local_entries() -> Vec<Entry> {
    vec![
        Entry::folder("src", T),
        Entry::folder("target", T),
        Entry::folder(".git", T),
        Entry::file("Cargo.toml", 2_048, T),
        Entry::file("Cargo.lock", 126_000, T),
        Entry::file(".gitignore", 8, T),
    ]
}

fn hostile_entries() -> Vec<Entry> {
    vec![
        Entry::file("\x1b]0;pwned\x07title.txt", 10, T),
        Entry::file("\x1b[2Jclear-screen.txt", 10, T),
        Entry::file("evil\u{202e}gpj.exe", 10, T),
        Entry::file("csi\u{9b}6n.txt", 10, T),
        Entry::file(
            "日本語のファイル名がとても長いのでここで切れます.txt",
            10,
            T,
        ),
        Entry::file("family 👨\u{200d}👩\u{200d}👧 photo.jpg", 10, T),
        Entry::file("cafe\u{301} combining.txt", 10, T),
        Entry::file("tab\tand\nnewline", 10, T),
        Entry::file("zero\u{200b}width", 10, T),
        Entry::folder("📁 emoji folder", T),
    ]
}

/// Both panes loaded: the drive root and the working directory.
fn loaded(size: (u16, u16)) -> State {
    let mut s = startup(true);
    s.size = size;
    let mut state = State::new(s);
    state.load_panes();
    page(&mut state, 0, drive_entries());
    page(&mut state, 1, local_entries());
    update(
        &mut state,
        Msg::Worker(WorkerEvent::Capacity {
            used: 3_500_000,
            total: 1 << 30,
        }),
    );
    state
}

fn snap(name: &str, make: impl Fn((u16, u16)) -> State) {
    for size in SIZES {
        let state = make(size);
        let screen = render(&state, size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn sign_in() {
    snap("sign_in", |size| {
        let mut s = startup(false);
        s.size = size;
        let mut state = State::new(s);
        type_text(&mut state, "secret");
        state
    });
}

#[test]
fn sign_in_error_in_place() {
    snap("sign_in_error", |size| {
        let mut s = startup(false);
        s.size = size;
        let mut state = State::new(s);
        type_text(&mut state, "wrong");
        let req = match press(&mut state, "enter").first() {
            Some(Command::SignIn { req, .. }) => *req,
            other => panic!("{other:?}"),
        };
        update(
            &mut state,
            Msg::Worker(WorkerEvent::SignInFailed {
                req,
                failure: Failure::msg("Incorrect password or email address (code 40020)"),
            }),
        );
        state
    });
}

#[test]
fn two_factor_prompt() {
    snap("two_factor", |size| {
        let mut s = startup(false);
        s.size = size;
        let mut state = State::new(s);
        type_text(&mut state, "secret");
        let req = match press(&mut state, "enter").first() {
            Some(Command::SignIn { req, .. }) => *req,
            other => panic!("{other:?}"),
        };
        update(
            &mut state,
            Msg::Worker(WorkerEvent::TwoFactorRequired {
                req,
                session: "s".into(),
            }),
        );
        type_text(&mut state, "123");
        state
    });
}

#[test]
fn both_panes_loaded() {
    snap("both_panes", |size| {
        let mut state = loaded(size);
        press(&mut state, "j j j j space j");
        state
    });
}

#[test]
fn filtered_listing() {
    snap("filtered", |size| {
        let mut state = loaded(size);
        press(&mut state, "/");
        type_text(&mut state, "txt");
        state
    });
}

#[test]
fn help_popup() {
    snap("help", |size| {
        let mut state = loaded(size);
        press(&mut state, "?");
        state
    });
}

#[test]
fn help_popup_filtered() {
    snap("help_filtered", |size| {
        let mut state = loaded(size);
        press(&mut state, "?");
        type_text(&mut state, "delete");
        state
    });
}

#[test]
fn confirm_dialog() {
    snap("confirm_trash", |size| {
        let mut state = loaded(size);
        press(&mut state, "G space k space d");
        state
    });
}

#[test]
fn confirm_permanent_delete() {
    snap("confirm_permanent", |size| {
        let mut state = loaded(size);
        press(&mut state, "G D");
        state
    });
}

#[test]
fn batch_error() {
    snap("batch_error", |size| {
        let mut state = loaded(size);
        press(&mut state, "G space k space d");
        let req = match press(&mut state, "y").first() {
            Some(Command::Op { req, .. }) => *req,
            other => panic!("{other:?}"),
        };
        let failure = Failure {
            message: "Failed to batch (code 40081)".into(),
            code: Some(40081),
            items: vec![FailedItem {
                item: "cloudreve://my/todo.txt".into(),
                code: 40073,
                message: "Lock conflict".into(),
            }],
            ..Failure::default()
        };
        update(
            &mut state,
            Msg::Worker(WorkerEvent::OpFailed { req, failure }),
        );
        state
    });
}

#[test]
fn hostile_names() {
    snap("hostile", |size| {
        let mut state = loaded(size);
        press(&mut state, "g g enter");
        page(&mut state, 0, hostile_entries());
        state
    });
}

#[test]
fn rename_input() {
    snap("rename", |size| {
        let mut state = loaded(size);
        press(&mut state, "G R");
        state
    });
}
