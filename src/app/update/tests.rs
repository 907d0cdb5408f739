//! Reducer tests: build a `State`, feed `Msg`s, look at the state and the commands.

use super::update;
use crate::api::uri::{CrUri, FileSystem};
use crate::app::command::{Command, Op, RequestId, WatchId};
use crate::app::entry::{Entry, EntryExtra};
use crate::app::keymap::KeyChord;
use crate::app::modal::{InputPurpose, Modal};
use crate::app::msg::{Account, FailedItem, Failure, HeldLock, LiveChange, Msg, Page, WorkerEvent};
use crate::app::signin::Stage;
use crate::app::sort::SortField;
use crate::app::source::Source;
use crate::app::state::{Screen, Startup, State};
use crossterm::event::{KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn startup(signed_in: bool) -> Startup {
    let mut s = Startup::new(PathBuf::from("/home/me"));
    s.signed_in = signed_in;
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "me@example.com".into(),
        nickname: "Me".into(),
    };
    s
}

/// A signed-in state whose panes were asked to load.
fn browser() -> (State, Vec<Command>) {
    let mut state = State::new(startup(true));
    let commands = state.load_panes();
    (state, commands)
}

fn key(s: &str) -> Msg {
    let chord = KeyChord::parse(s).unwrap();
    Msg::Key(KeyEvent::new(chord.code, chord.mods))
}

/// Presses keys given like `"g g space"`; returns every command.
fn press(state: &mut State, keys: &str) -> Vec<Command> {
    keys.split_whitespace()
        .flat_map(|k| update(state, key(k)))
        .collect()
}

fn type_text(state: &mut State, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| {
            update(
                state,
                Msg::Key(KeyEvent::new(
                    crossterm::event::KeyCode::Char(c),
                    KeyModifiers::NONE,
                )),
            )
        })
        .collect()
}

fn event(state: &mut State, e: WorkerEvent) -> Vec<Command> {
    update(state, Msg::Worker(e))
}

/// The request id of the listing of pane `i`.
fn loading_req(state: &State, i: usize) -> RequestId {
    state.panes[i].loading.expect("pane is loading").req
}

fn page(state: &mut State, i: usize, entries: Vec<Entry>, last: bool) -> Vec<Command> {
    let req = loading_req(state, i);
    event(
        state,
        WorkerEvent::Page {
            req,
            page: Page {
                entries,
                last,
                caps: None,
            },
        },
    )
}

fn files(names: &[&str]) -> Vec<Entry> {
    names
        .iter()
        .map(|n| match n.strip_suffix('/') {
            Some(folder) => Entry::folder(folder, 1_700_000_000),
            None => Entry::file(n, 100, 1_700_000_000),
        })
        .collect()
}

fn numbered(range: std::ops::Range<usize>) -> Vec<Entry> {
    range
        .map(|i| {
            Entry::file(
                &format!("entry-{i:05}.txt"),
                i as u64,
                1_700_000_000 + i as i64,
            )
        })
        .collect()
}

fn cursor_name(state: &State, i: usize) -> String {
    state.panes[i]
        .cursor_entry()
        .map(|e| e.name().to_string())
        .unwrap_or_default()
}

fn my(path: &[&str]) -> Source {
    let mut uri = CrUri::my_root();
    for seg in path {
        uri = uri.join(seg);
    }
    Source::Remote(uri)
}

fn lists(commands: &[Command]) -> Vec<Source> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::List { source, .. } => Some(source.clone()),
            _ => None,
        })
        .collect()
}

fn ops(commands: &[Command]) -> Vec<(RequestId, Op)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Op { req, op } => Some((*req, op.clone())),
            _ => None,
        })
        .collect()
}

/// Left pane on the drive root with a few entries, loaded.
fn loaded() -> State {
    let (mut state, _) = browser();
    page(
        &mut state,
        0,
        files(&["Documents/", "Pictures/", "b.txt", "a.txt", "c.md"]),
        true,
    );
    page(&mut state, 1, files(&["src/", ".git/", "notes.txt"]), true);
    state
}

#[test]
fn start_lists_both_panes_and_watches_the_drive() {
    let (state, commands) = browser();
    assert_eq!(
        lists(&commands),
        [
            Source::Remote(CrUri::my_root()),
            Source::Local(PathBuf::from("/home/me"))
        ]
    );
    assert!(commands.contains(&Command::FetchCapacity));
    let watches = commands
        .iter()
        .filter(|c| matches!(c, Command::Watch { folder, .. } if folder == &CrUri::my_root()))
        .count();
    assert_eq!(watches, 1, "only the drive pane is live: {commands:?}");
    assert!(state.panes.iter().all(|p| p.is_loading()));
    assert!(state.wants_tick(), "the spinner turns while loading");
}

#[test]
fn folders_come_first_and_navigation_keys_move() {
    let mut state = loaded();
    let names: Vec<&str> = (0..5)
        .map(|r| state.panes[0].listing.row(r).unwrap().name())
        .collect();
    assert_eq!(names, ["Documents", "Pictures", "a.txt", "b.txt", "c.md"]);
    press(&mut state, "j j");
    assert_eq!(cursor_name(&state, 0), "a.txt");
    press(&mut state, "G");
    assert_eq!(cursor_name(&state, 0), "c.md");
    press(&mut state, "g g");
    assert_eq!(cursor_name(&state, 0), "Documents");
    press(&mut state, "pgdown");
    assert_eq!(cursor_name(&state, 0), "c.md");
    press(&mut state, "k up");
    assert_eq!(cursor_name(&state, 0), "a.txt");
    press(&mut state, "tab");
    assert_eq!(state.focus, 1);
    assert_eq!(
        cursor_name(&state, 1),
        "src",
        "dot files are hidden on the disk"
    );
    press(&mut state, "backtab");
    assert_eq!(state.focus, 0);
}

#[test]
fn enter_opens_and_backspace_returns_to_the_folder_we_came_from() {
    let mut state = loaded();
    press(&mut state, "j");
    let commands = press(&mut state, "enter");
    assert_eq!(lists(&commands), [my(&["Pictures"])]);
    // The old folder's watch goes, the new one's comes.
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Unwatch { .. }))
    );
    assert!(
        commands.iter().any(
            |c| matches!(c, Command::Watch { folder, .. } if folder.name() == Some("Pictures"))
        )
    );
    page(&mut state, 0, files(&["sea.png"]), true);
    let commands = press(&mut state, "backspace");
    assert_eq!(lists(&commands), [my(&[])]);
    page(
        &mut state,
        0,
        files(&["Documents/", "Pictures/", "a.txt"]),
        true,
    );
    assert_eq!(cursor_name(&state, 0), "Pictures");
    // At the root there is nowhere to go.
    assert!(lists(&press(&mut state, "h")).is_empty());
}

#[test]
fn pages_stream_in_and_the_cursor_stays_on_its_entry() {
    let (mut state, _) = browser();
    page(&mut state, 0, numbered(0..2000), false);
    assert_eq!(state.panes[0].listing.len(), 2000);
    assert!(state.panes[0].is_loading());
    press(&mut state, "j j j");
    assert_eq!(cursor_name(&state, 0), "entry-00003.txt");
    // A later page lands partly before the cursor (the server's order is not ours).
    let mut second = numbered(2000..4000);
    second.push(Entry::file("a-first.txt", 1, 0));
    page(&mut state, 0, second, false);
    assert_eq!(state.panes[0].listing.len(), 4001);
    assert_eq!(cursor_name(&state, 0), "entry-00003.txt");
    page(&mut state, 0, numbered(4000..5000), true);
    assert!(!state.panes[0].is_loading());
    assert_eq!(state.panes[0].listing.len(), 5001);
}

#[test]
fn pages_of_a_folder_left_behind_are_dropped() {
    let mut state = loaded();
    press(&mut state, "enter"); // into Documents
    let old = loading_req(&state, 0);
    let commands = press(&mut state, "backspace"); // and straight back out
    assert!(commands.contains(&Command::Cancel { req: old }));
    state.dirty = false;
    let stale = event(
        &mut state,
        WorkerEvent::Page {
            req: old,
            page: Page {
                entries: files(&["inside-documents.txt"]),
                last: true,
                caps: None,
            },
        },
    );
    assert!(stale.is_empty());
    assert!(!state.dirty, "a stale page must not cost a frame");
    assert!(
        state.panes[0]
            .listing
            .row_of("inside-documents.txt")
            .is_none()
    );
}

#[test]
fn esc_cancels_a_pending_listing() {
    let (mut state, _) = browser();
    page(&mut state, 0, numbered(0..2000), false);
    let req = loading_req(&state, 0);
    let commands = press(&mut state, "esc");
    assert_eq!(commands, [Command::Cancel { req }]);
    assert!(!state.panes[0].is_loading());
    assert_eq!(state.panes[0].listing.len(), 2000, "what arrived stays");
}

#[test]
fn selection_space_range_invert() {
    let mut state = loaded();
    press(&mut state, "j j space space");
    let l = &state.panes[0].listing;
    assert_eq!(l.selected_count(), 2);
    assert_eq!(l.selected_bytes(), 200);
    press(&mut state, "esc");
    assert_eq!(state.panes[0].listing.selected_count(), 0);
    // Range: from Documents down to a.txt.
    press(&mut state, "g g v j j");
    assert_eq!(state.panes[0].listing.selected_count(), 3);
    press(&mut state, "k");
    assert_eq!(
        state.panes[0].listing.selected_count(),
        2,
        "the range shrinks"
    );
    press(&mut state, "v *");
    assert_eq!(state.panes[0].listing.selected_count(), 3);
    assert!(!state.panes[0].listing.is_selected(0));
    press(&mut state, "ctrl-a");
    assert_eq!(state.panes[0].listing.selected_count(), 5);
}

#[test]
fn filter_as_you_type() {
    let mut state = loaded();
    press(&mut state, "/");
    assert!(state.filter_editing);
    type_text(&mut state, "TXT");
    assert_eq!(
        state.panes[0].listing.len(),
        0,
        "upper case is case-sensitive"
    );
    press(&mut state, "backspace backspace backspace");
    type_text(&mut state, "txt");
    assert_eq!(state.panes[0].listing.len(), 2);
    // Keys that are not text work while filtering; q is text here.
    press(&mut state, "down");
    assert_eq!(cursor_name(&state, 0), "b.txt");
    type_text(&mut state, "q");
    assert!(!state.quit);
    press(&mut state, "backspace enter");
    assert!(!state.filter_editing);
    assert_eq!(state.panes[0].listing.filter(), "txt");
    press(&mut state, "j / esc");
    assert_eq!(state.panes[0].listing.len(), 5);
    assert_eq!(
        cursor_name(&state, 0),
        "b.txt",
        "the cursor keeps its entry"
    );
}

#[test]
fn sort_menu() {
    let mut state = loaded();
    press(&mut state, "s");
    assert!(matches!(state.modal, Some(Modal::SortMenu)));
    press(&mut state, "s");
    assert!(state.modal.is_none());
    assert_eq!(state.panes[0].listing.sort().field, SortField::Size);
    press(&mut state, "s s");
    assert!(state.panes[0].listing.sort().descending);
    press(&mut state, "s t");
    let names: Vec<&str> = (0..5)
        .map(|r| state.panes[0].listing.row(r).unwrap().name())
        .collect();
    assert_eq!(names, ["Documents", "Pictures", "c.md", "a.txt", "b.txt"]);
    // A later listing asks the server for the same order.
    press(&mut state, "s m");
    let commands = press(&mut state, "r");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { sort, .. } if sort.field == SortField::Modified))
    );
}

#[test]
fn dot_files_toggle_on_the_local_disk_only() {
    let mut state = loaded();
    press(&mut state, ".");
    assert!(state.toast.as_ref().unwrap().text.contains("local disk"));
    press(&mut state, "tab .");
    assert_eq!(state.panes[1].listing.len(), 3);
    press(&mut state, ".");
    assert_eq!(state.panes[1].listing.len(), 2);
}

#[test]
fn new_folder_and_new_file_ask_for_a_name() {
    let mut state = loaded();
    press(&mut state, "n");
    assert!(
        matches!(&state.modal, Some(Modal::Input(i)) if matches!(i.purpose, InputPurpose::NewFolder { .. }))
    );
    type_text(&mut state, "Projects");
    let commands = press(&mut state, "enter");
    let ops = ops(&commands);
    assert_eq!(
        ops[0].1,
        Op::Create {
            target: my(&["Projects"]),
            folder: true
        }
    );
    assert!(state.modal.is_none());
    assert!(state.is_busy());
    press(&mut state, "N");
    let commands = press(&mut state, "enter");
    assert!(commands.is_empty(), "an empty name is refused in place");
    assert!(matches!(&state.modal, Some(Modal::Input(i)) if i.error.is_some()));
    type_text(&mut state, "a/b");
    press(&mut state, "enter");
    assert!(
        matches!(&state.modal, Some(Modal::Input(i)) if i.error.as_deref().unwrap().contains('/'))
    );
}

#[test]
fn rename_prefills_the_name() {
    let mut state = loaded();
    press(&mut state, "j j");
    press(&mut state, "R");
    let Some(Modal::Input(input)) = &state.modal else {
        panic!("{:?}", state.modal)
    };
    assert_eq!(input.field.value(), "a.txt");
    assert_eq!(input.field.cursor(), 1, "before the extension");
    type_text(&mut state, "2");
    let commands = press(&mut state, "enter");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Rename {
            target: my(&["a.txt"]),
            new_name: "a2.txt".into()
        }
    );
}

#[test]
fn delete_to_trash_asks_and_permanent_delete_asks_harder() {
    let mut state = loaded();
    press(&mut state, "j j space space");
    press(&mut state, "d");
    let Some(Modal::Confirm(c)) = &state.modal else {
        panic!()
    };
    assert!(!c.danger && c.title.contains("2 items"));
    let commands = press(&mut state, "enter");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Delete {
            targets: vec![my(&["a.txt"]), my(&["b.txt"])],
            permanent: false
        }
    );
    press(&mut state, "D");
    assert!(matches!(&state.modal, Some(Modal::Confirm(c)) if c.danger));
    // Enter is not a yes here.
    assert!(press(&mut state, "enter").is_empty());
    assert!(state.modal.is_none());
    press(&mut state, "D");
    let commands = press(&mut state, "y");
    assert!(matches!(
        &ops(&commands)[0].1,
        Op::Delete {
            permanent: true,
            ..
        }
    ));
}

#[test]
fn the_local_disk_has_no_trash() {
    let mut state = loaded();
    press(&mut state, "tab j d");
    assert!(matches!(&state.modal, Some(Modal::Confirm(c)) if c.danger));
    let commands = press(&mut state, "y");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Delete {
            targets: vec![Source::Local(PathBuf::from("/home/me/notes.txt"))],
            permanent: true
        }
    );
}

/// Right pane switched to my files/Documents.
fn two_drive_panes() -> State {
    let mut state = loaded();
    press(&mut state, "tab o m");
    page(&mut state, 1, files(&["Documents/", "a.txt"]), true);
    press(&mut state, "enter");
    page(&mut state, 1, files(&["report.txt"]), true);
    press(&mut state, "tab");
    state
}

#[test]
fn copy_and_move_to_the_other_pane() {
    let mut state = two_drive_panes();
    press(&mut state, "j j j");
    press(&mut state, "F5");
    let commands = press(&mut state, "enter");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Transfer {
            sources: vec![CrUri::my_root().join("b.txt")],
            dst: CrUri::my_root().join("Documents"),
            copy: true
        }
    );
    let commands = press(&mut state, "F6 y");
    assert!(matches!(
        &ops(&commands)[0].1,
        Op::Transfer { copy: false, .. }
    ));
}

#[test]
fn transfers_between_disk_and_drive_start_engine_jobs() {
    let mut state = loaded();
    press(&mut state, "j j F5");
    assert!(matches!(state.modal, Some(Modal::Confirm(_))), "asks first");
    let commands = press(&mut state, "enter");
    assert!(
        commands.iter().any(|c| matches!(
            c,
            Command::StartTransfer {
                request: crate::app::transfers::TransferRequest::Download { .. },
                ..
            }
        )),
        "{commands:?}"
    );
    press(&mut state, "y tab p");
    let commands = press(&mut state, "enter");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::StartTransfer { .. })),
        "paste starts one too: {commands:?}"
    );
    assert_eq!(state.transfers.jobs.len(), 2);
}

#[test]
fn yank_and_paste_copy_within_the_drive() {
    let mut state = two_drive_panes();
    press(&mut state, "j j y tab");
    press(&mut state, "p");
    let commands = press(&mut state, "enter");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Transfer {
            sources: vec![CrUri::my_root().join("a.txt")],
            dst: CrUri::my_root().join("Documents"),
            copy: true
        }
    );
    assert!(state.register.is_some(), "a copy can be pasted again");
}

#[test]
fn restore_from_the_trash() {
    let mut state = loaded();
    press(&mut state, "o t");
    assert_eq!(
        state.panes[0].source,
        Source::Remote(CrUri::root(FileSystem::Trash))
    );
    let trashed = Entry::file("f01.txt", 3, 0).with_extra(EntryExtra {
        uri_name: Some("9008d31d".into()),
        restore_uri: Some("cloudreve://my/many/f01.txt".into()),
        redirect: None,
    });
    page(&mut state, 0, vec![trashed], true);
    press(&mut state, "d");
    assert!(state.modal.is_none(), "no soft delete in the trash");
    let commands = press(&mut state, "u");
    let (req, op) = ops(&commands).remove(0);
    assert_eq!(
        op,
        Op::Restore {
            targets: vec![CrUri::root(FileSystem::Trash).join("9008d31d")]
        }
    );
    // Done: the trash reloads, and so would a pane showing the original folder.
    let commands = event(&mut state, WorkerEvent::OpDone { req });
    assert_eq!(
        lists(&commands),
        [Source::Remote(CrUri::root(FileSystem::Trash))]
    );
    assert!(state.toast.as_ref().unwrap().text.contains("Restored"));
}

#[test]
fn info_popup_and_copy_path() {
    let mut state = loaded();
    press(&mut state, "j j");
    let commands = press(&mut state, "i");
    let Some(Command::Info { req, target }) = commands.first().cloned() else {
        panic!("{commands:?}")
    };
    assert_eq!(target, my(&["a.txt"]));
    assert!(matches!(&state.modal, Some(Modal::Info(i)) if i.loading));
    event(
        &mut state,
        WorkerEvent::Info {
            req,
            fields: vec![crate::app::msg::InfoField::new("Name", "a.txt")],
        },
    );
    assert!(matches!(&state.modal, Some(Modal::Info(i)) if !i.loading && i.fields.len() == 1));
    press(&mut state, "esc");
    let commands = press(&mut state, "c");
    assert_eq!(
        commands,
        [Command::CopyToClipboard("cloudreve://my/a.txt".into())]
    );
}

#[test]
fn an_operation_done_reloads_the_folder_and_the_capacity() {
    let mut state = loaded();
    press(&mut state, "n");
    type_text(&mut state, "New");
    let (req, _) = ops(&press(&mut state, "enter")).remove(0);
    let commands = event(&mut state, WorkerEvent::OpDone { req });
    assert!(commands.contains(&Command::FetchCapacity));
    assert_eq!(lists(&commands), [my(&[])]);
    assert!(
        state
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("Created the folder")
    );
    assert!(state.ops.is_empty());
    // The reloaded folder shows the new item under the cursor.
    page(
        &mut state,
        0,
        files(&["Documents/", "New/", "Pictures/", "a.txt"]),
        true,
    );
    assert_eq!(cursor_name(&state, 0), "New");
}

#[test]
fn batch_errors_list_every_failed_item() {
    let mut state = loaded();
    press(&mut state, "j j space space d");
    let (req, _) = ops(&press(&mut state, "y")).remove(0);
    let failure = Failure {
        message: "Failed to batch (code 40081)".into(),
        code: Some(40081),
        items: vec![FailedItem {
            item: "cloudreve://my/b.txt".into(),
            code: 40073,
            message: "Lock conflict".into(),
        }],
        ..Failure::default()
    };
    let commands = event(&mut state, WorkerEvent::OpFailed { req, failure });
    let Some(Modal::Message(m)) = &state.modal else {
        panic!("{:?}", state.modal)
    };
    assert_eq!(
        m.items,
        ["cloudreve://my/b.txt: Lock conflict (code 40073)"]
    );
    // Part of the batch was done: the pane showing the folder reloads.
    assert_eq!(lists(&commands), [my(&[])]);
}

#[test]
fn a_name_conflict_offers_another_name() {
    let mut state = loaded();
    press(&mut state, "n");
    type_text(&mut state, "Documents");
    let (req, _) = ops(&press(&mut state, "enter")).remove(0);
    let failure = Failure {
        message: "Object existed (code 40004)".into(),
        code: Some(40004),
        ..Failure::default()
    };
    event(&mut state, WorkerEvent::OpFailed { req, failure });
    assert!(matches!(&state.modal, Some(Modal::Confirm(c)) if c.title.contains("taken")));
    press(&mut state, "y");
    let Some(Modal::Input(input)) = &state.modal else {
        panic!()
    };
    assert_eq!(input.field.value(), "Documents");
    type_text(&mut state, "2");
    let commands = press(&mut state, "enter");
    assert_eq!(
        ops(&commands)[0].1,
        Op::Create {
            target: my(&["Documents2"]),
            folder: true
        }
    );
}

#[test]
fn a_lock_conflict_offers_force_unlock_and_retries() {
    let mut state = loaded();
    press(&mut state, "j j R");
    type_text(&mut state, "x");
    let (req, rename) = ops(&press(&mut state, "enter")).remove(0);
    let failure = Failure {
        message: "Lock conflict (code 40073)".into(),
        code: Some(40073),
        locks: vec![HeldLock {
            path: "cloudreve://my/a.txt".into(),
            token: "tok-1".into(),
            application: "upload".into(),
        }],
        ..Failure::default()
    };
    event(&mut state, WorkerEvent::OpFailed { req, failure });
    let Some(Modal::Confirm(c)) = &state.modal else {
        panic!()
    };
    assert!(c.lines.iter().any(|l| l.contains("upload")));
    let (unlock_req, unlock) = ops(&press(&mut state, "y")).remove(0);
    assert_eq!(
        unlock,
        Op::ForceUnlock {
            tokens: vec!["tok-1".into()]
        }
    );
    let commands = event(&mut state, WorkerEvent::OpDone { req: unlock_req });
    assert_eq!(ops(&commands)[0].1, rename, "the rename runs again");
}

#[test]
fn other_errors_are_shown_with_the_server_message() {
    let mut state = loaded();
    press(&mut state, "n");
    type_text(&mut state, "x");
    let (req, _) = ops(&press(&mut state, "enter")).remove(0);
    event(
        &mut state,
        WorkerEvent::OpFailed {
            req,
            failure: Failure::msg("Storage exhausted (code 40002)"),
        },
    );
    assert!(matches!(&state.modal, Some(Modal::Message(m)) if m.message.contains("exhausted")));
    press(&mut state, "esc");
    assert!(state.modal.is_none());
}

#[test]
fn a_failed_listing_shows_in_the_pane() {
    let (mut state, _) = browser();
    let req = loading_req(&state, 0);
    event(
        &mut state,
        WorkerEvent::ListFailed {
            req,
            failure: Failure::msg("could not connect"),
        },
    );
    assert_eq!(state.panes[0].error.as_deref(), Some("could not connect"));
    assert!(!state.panes[0].is_loading());
}

#[test]
fn sign_in_then_two_factor() {
    let mut state = State::new(startup(false));
    assert_eq!(state.screen, Screen::SignIn);
    // Server and e-mail come prefilled; the password is next.
    type_text(&mut state, "pw");
    let commands = press(&mut state, "enter");
    let Some(Command::SignIn {
        req,
        server,
        email,
        password,
        captcha,
    }) = commands.first().cloned()
    else {
        panic!("{commands:?}")
    };
    assert_eq!(
        (server.as_str(), email.as_str()),
        ("https://drive.example.com", "me@example.com")
    );
    assert_eq!(password.expose(), "pw");
    assert!(captcha.is_none());
    assert!(
        press(&mut state, "enter").is_empty(),
        "one request at a time"
    );
    event(
        &mut state,
        WorkerEvent::TwoFactorRequired {
            req,
            session: "s-1".into(),
        },
    );
    assert!(matches!(state.signin.stage, Stage::SecondFactor { .. }));
    type_text(&mut state, "123456");
    let commands = press(&mut state, "enter");
    let Some(Command::SecondFactor { req, session, code }) = commands.first().cloned() else {
        panic!("{commands:?}")
    };
    assert_eq!((session.as_str(), code.as_str()), ("s-1", "123456"));
    event(
        &mut state,
        WorkerEvent::SignInFailed {
            req,
            failure: Failure {
                message: "Wrong code".into(),
                code: Some(40022),
                ..Failure::default()
            },
        },
    );
    assert_eq!(state.signin.error.as_deref(), Some("Wrong code"));
    assert!(state.signin.code.is_empty());
    type_text(&mut state, "654321");
    let Some(Command::SecondFactor { req, .. }) = press(&mut state, "enter").first().cloned()
    else {
        panic!()
    };
    let commands = event(
        &mut state,
        WorkerEvent::SignedIn {
            req,
            account: Account::default(),
        },
    );
    assert_eq!(state.screen, Screen::Browser);
    assert_eq!(lists(&commands).len(), 2);
    assert!(state.signin.password.is_empty(), "the password is not kept");
}

#[test]
fn sign_in_errors_keep_the_fields() {
    let mut state = State::new(Startup::new(PathBuf::from("/")));
    press(&mut state, "enter");
    assert!(state.signin.error.as_deref().unwrap().contains("server"));
    type_text(&mut state, "drive.example.com");
    press(&mut state, "tab");
    type_text(&mut state, "me@example.com");
    press(&mut state, "tab");
    type_text(&mut state, "wrong");
    let Some(Command::SignIn { req, server, .. }) = press(&mut state, "enter").first().cloned()
    else {
        panic!()
    };
    assert_eq!(server, "https://drive.example.com");
    event(
        &mut state,
        WorkerEvent::SignInFailed {
            req,
            failure: Failure::msg("Incorrect password or email address (code 40020)"),
        },
    );
    assert!(state.signin.error.as_deref().unwrap().contains("Incorrect"));
    assert_eq!(state.signin.email.value(), "me@example.com");
    assert_eq!(state.signin.password.value(), "wrong");
    // q and ? are text on this screen.
    type_text(&mut state, "q?");
    assert!(!state.quit && state.modal.is_none());
    press(&mut state, "ctrl-c");
    assert!(state.quit);
}

#[test]
fn captcha_is_asked_for_and_sent() {
    let mut state = State::new(startup(false));
    type_text(&mut state, "pw");
    let Some(Command::SignIn { req, .. }) = press(&mut state, "enter").first().cloned() else {
        panic!()
    };
    event(
        &mut state,
        WorkerEvent::CaptchaRequired {
            req,
            challenge: crate::app::msg::CaptchaChallenge {
                ticket: "t-1".into(),
                picture: None,
            },
        },
    );
    assert_eq!(state.signin.focus, crate::app::signin::Field::Captcha);
    type_text(&mut state, "ab12");
    let Some(Command::SignIn {
        captcha, password, ..
    }) = press(&mut state, "enter").first().cloned()
    else {
        panic!()
    };
    let captcha = captcha.unwrap();
    assert_eq!(
        (captcha.ticket.as_str(), captcha.text.as_str()),
        ("t-1", "ab12")
    );
    assert_eq!(password.expose(), "pw");
}

#[test]
fn an_expired_session_returns_to_sign_in_and_keeps_the_places() {
    let mut state = loaded();
    press(&mut state, "enter");
    let req = loading_req(&state, 0);
    let commands = event(
        &mut state,
        WorkerEvent::ListFailed {
            req,
            failure: Failure {
                message: "signed out".into(),
                signed_out: true,
                ..Failure::default()
            },
        },
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Unwatch { .. }))
    );
    assert_eq!(state.screen, Screen::SignIn);
    assert!(state.signin.notice.is_some());
    assert_eq!(state.panes[0].source, my(&["Documents"]));
    type_text(&mut state, "pw");
    let Some(Command::SignIn { req, .. }) = press(&mut state, "enter").first().cloned() else {
        panic!()
    };
    let commands = event(
        &mut state,
        WorkerEvent::SignedIn {
            req,
            account: Account::default(),
        },
    );
    assert_eq!(
        lists(&commands),
        [my(&["Documents"]), Source::Local(PathBuf::from("/home/me"))]
    );
}

#[test]
fn a_share_link_asks_for_its_password() {
    let mut state = loaded();
    press(&mut state, "o u");
    update(
        &mut state,
        Msg::Paste("https://drive.example.com/s/r0sM".into()),
    );
    let commands = press(&mut state, "enter");
    let share = CrUri::share("r0sM", None);
    assert_eq!(lists(&commands), [Source::Remote(share.clone())]);
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Watch { .. })),
        "shares are not live"
    );
    let req = loading_req(&state, 0);
    event(
        &mut state,
        WorkerEvent::ListFailed {
            req,
            failure: Failure {
                message: "Incorrect share password (code 40069)".into(),
                code: Some(40069),
                ..Failure::default()
            },
        },
    );
    let Some(Modal::Input(input)) = &state.modal else {
        panic!("{:?}", state.modal)
    };
    assert!(input.field.is_masked());
    type_text(&mut state, "3nik55xn");
    let commands = press(&mut state, "enter");
    assert_eq!(
        lists(&commands),
        [Source::Remote(CrUri::share("r0sM", Some("3nik55xn")))]
    );
}

#[test]
fn live_changes_apply_and_wait_for_a_streaming_listing() {
    let (mut state, commands) = browser();
    let watch: WatchId = commands
        .iter()
        .find_map(|c| match c {
            Command::Watch { watch, .. } => Some(*watch),
            _ => None,
        })
        .unwrap();
    page(&mut state, 0, files(&["a.txt"]), false);
    let live = |change| WorkerEvent::Live { watch, change };
    event(
        &mut state,
        live(LiveChange::Upsert(Entry::file("new.txt", 5, 0))),
    );
    assert!(state.panes[0].listing.row_of("new.txt").is_none());
    let commands = page(&mut state, 0, files(&["b.txt"]), true);
    assert_eq!(
        lists(&commands),
        [my(&[])],
        "reloads once after a change mid-stream"
    );
    page(&mut state, 0, files(&["a.txt", "b.txt"]), true);
    event(
        &mut state,
        live(LiveChange::Upsert(Entry::file("new.txt", 5, 0))),
    );
    event(
        &mut state,
        live(LiveChange::Rename {
            from: "a.txt".into(),
            to: "z.txt".into(),
        }),
    );
    event(&mut state, live(LiveChange::Remove("b.txt".into())));
    let names: Vec<&str> = (0..state.panes[0].listing.len())
        .map(|r| state.panes[0].listing.row(r).unwrap().name())
        .collect();
    assert_eq!(names, ["new.txt", "z.txt"]);
    let commands = event(&mut state, WorkerEvent::LiveResumed { watch });
    assert_eq!(lists(&commands), [my(&[])]);
    // Events of a watch that is gone change nothing.
    state.dirty = false;
    event(
        &mut state,
        WorkerEvent::Live {
            watch: WatchId(999),
            change: LiveChange::Remove("z.txt".into()),
        },
    );
    assert!(!state.dirty);
}

fn mouse(kind: MouseEventKind, column: u16, row: u16, mods: KeyModifiers) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: mods,
    }
}

#[test]
fn mouse_click_focuses_selects_and_double_click_opens() {
    let mut state = loaded();
    let t0 = Instant::now();
    let click = |col, row| {
        mouse(
            MouseEventKind::Down(MouseButton::Left),
            col,
            row,
            KeyModifiers::NONE,
        )
    };
    // The right pane starts at column 40 (80 wide); its first row is at y 2.
    update(
        &mut state,
        Msg::Mouse {
            event: click(45, 3),
            at: t0,
        },
    );
    assert_eq!(state.focus, 1);
    assert_eq!(cursor_name(&state, 1), "notes.txt");
    // Double click on a folder in the left pane opens it.
    update(
        &mut state,
        Msg::Mouse {
            event: click(5, 2),
            at: t0,
        },
    );
    let commands = update(
        &mut state,
        Msg::Mouse {
            event: click(5, 2),
            at: t0 + Duration::from_millis(200),
        },
    );
    assert_eq!(lists(&commands), [my(&["Documents"])]);
    // Two slow clicks do not open.
    let mut state = loaded();
    update(
        &mut state,
        Msg::Mouse {
            event: click(5, 2),
            at: t0,
        },
    );
    let commands = update(
        &mut state,
        Msg::Mouse {
            event: click(5, 2),
            at: t0 + Duration::from_secs(2),
        },
    );
    assert!(lists(&commands).is_empty());
    // Ctrl-click selects.
    let ctrl = mouse(
        MouseEventKind::Down(MouseButton::Left),
        5,
        4,
        KeyModifiers::CONTROL,
    );
    update(
        &mut state,
        Msg::Mouse {
            event: ctrl,
            at: t0 + Duration::from_secs(5),
        },
    );
    assert!(state.panes[0].listing.is_selected(2));
}

#[test]
fn wheel_scrolls_and_resize_keeps_the_cursor_visible() {
    let (mut state, _) = browser();
    page(&mut state, 0, numbered(0..500), true);
    let wheel = mouse(MouseEventKind::ScrollDown, 5, 5, KeyModifiers::NONE);
    update(
        &mut state,
        Msg::Mouse {
            event: wheel,
            at: Instant::now(),
        },
    );
    assert_eq!(state.panes[0].scroll, 3);
    assert_eq!(state.panes[0].cursor, 3, "the cursor follows the view");
    press(&mut state, "G");
    update(
        &mut state,
        Msg::Resize {
            width: 50,
            height: 15,
        },
    );
    let rows = state.pane_rows(0);
    let p = &state.panes[0];
    assert!(p.cursor >= p.scroll && p.cursor < p.scroll + rows);
    update(
        &mut state,
        Msg::Resize {
            width: 1,
            height: 1,
        },
    );
    press(&mut state, "k");
}

#[test]
fn messages_fade_with_ticks_and_idle_needs_no_ticks() {
    let mut state = loaded();
    assert!(!state.wants_tick());
    press(&mut state, ".");
    assert!(state.wants_tick());
    let t0 = Instant::now();
    update(&mut state, Msg::Tick(t0));
    update(&mut state, Msg::Tick(t0 + Duration::from_secs(1)));
    assert!(state.toast.is_some());
    update(&mut state, Msg::Tick(t0 + Duration::from_secs(5)));
    assert!(state.toast.is_none());
    assert!(!state.wants_tick());
}

#[test]
fn help_opens_filters_and_closes() {
    let mut state = loaded();
    press(&mut state, "?");
    assert!(matches!(state.modal, Some(Modal::Help(_))));
    type_text(&mut state, "trash");
    assert!(matches!(&state.modal, Some(Modal::Help(h)) if h.filter.value() == "trash"));
    assert!(!state.quit);
    press(&mut state, "esc");
    assert!(state.modal.is_none());
    press(&mut state, "q");
    assert!(state.quit);
}

#[test]
fn paste_of_a_share_link_on_the_browser_opens_it() {
    let mut state = loaded();
    let commands = update(
        &mut state,
        Msg::Paste("http://127.0.0.1:5212/s/Mju7/pw".into()),
    );
    assert_eq!(
        lists(&commands),
        [Source::Remote(CrUri::share("Mju7", Some("pw")))]
    );
}
