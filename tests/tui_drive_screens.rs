//! The drive popups as text: `insta` snapshots at 80×24 and 50×15 of the share preset picker,
//! the new link with its QR code, the share form with an error, versions, the info popup with
//! links, tags and properties, search results, and hostile names. Every state comes from
//! running the reducer over messages.

mod common;

use common::tui::{page, press, render, type_text};
use reve::app::command::{Command, RequestId};
use reve::app::drive::{DriveAnswer, FileDetails, MetaRow, PinRow, VersionRow};
use reve::app::entry::Entry;
use reve::app::msg::{Account, Msg, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::update;
use reve::config::SharePreset;
use std::collections::BTreeMap;
use std::path::PathBuf;

const SIZES: [(u16, u16); 2] = [(80, 24), (50, 15)];
/// 2026-11-27 01:21 UTC.
const T: i64 = 1_795_742_460;
const HOSTILE: &str = "\x1b]0;pwned\x07evil\x1b[2J\u{202e}txt.exe";

fn presets() -> BTreeMap<String, SharePreset> {
    let mut p = BTreeMap::new();
    p.insert(
        "default".into(),
        SharePreset {
            private: true,
            expire: Some("7d".into()),
            downloads: Some(5),
            ..SharePreset::default()
        },
    );
    p.insert(
        "public".into(),
        SharePreset {
            share_view: true,
            show_readme: true,
            ..SharePreset::default()
        },
    );
    p
}

fn loaded(size: (u16, u16), entries: Vec<Entry>) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.signed_in = true;
    s.size = size;
    s.share_presets = presets();
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "me@example.com".into(),
        nickname: "Me".into(),
    };
    let mut state = State::new(s);
    state.load_panes();
    page(&mut state, 0, entries);
    page(&mut state, 1, vec![Entry::file("Cargo.toml", 2_048, T)]);
    state
}

fn drive_entries() -> Vec<Entry> {
    vec![
        Entry::folder("Documents", T - 86_400),
        Entry::folder("Pictures", T - 3 * 86_400),
        Entry::file("README.md", 1_234, T - 3_600),
        Entry::file("report 2026.txt", 52_000, T - 7_200),
    ]
}

/// The request of the drive job among `commands`.
fn job_req(commands: &[Command]) -> RequestId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Drive { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a drive job")
}

fn answer(state: &mut State, req: RequestId, answer: DriveAnswer) {
    update(
        state,
        Msg::Worker(WorkerEvent::Drive {
            req,
            result: Ok(answer),
        }),
    );
}

/// Cursor on the row called `name` of the focused pane.
fn cursor_on(state: &mut State, name: &str) {
    let row = state.focused().listing.row_of(name).expect("listed");
    let rows = state.pane_rows(state.focus);
    state.focused_mut().set_cursor(row, rows);
}

fn snap(name: &str, make: impl Fn((u16, u16)) -> State) {
    for size in SIZES {
        let state = make(size);
        let screen = render(&state, size);
        assert!(
            !screen.contains('\x1b') && !screen.contains('\u{202e}') && !screen.contains('\x07'),
            "{name}: raw control characters reached the screen"
        );
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn drive_share_presets() {
    snap("drive_share_presets", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "README.md");
        press(&mut state, "S j");
        state
    });
}

fn shared(size: (u16, u16)) -> State {
    let mut state = loaded(size, drive_entries());
    cursor_on(&mut state, "README.md");
    let req = job_req(&press(&mut state, "S enter"));
    answer(
        &mut state,
        req,
        DriveAnswer::ShareLinks(vec![(
            "README.md".into(),
            "https://drive.example.com/s/Ab12/pw34xy56".into(),
        )]),
    );
    state
}

#[test]
fn drive_share_result() {
    snap("drive_share_result", shared);
}

#[test]
fn drive_share_result_qr() {
    snap("drive_share_result_qr", |size| {
        let mut state = shared(size);
        press(&mut state, "Q");
        state
    });
}

#[test]
fn drive_share_form_error() {
    snap("drive_share_form_error", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "Documents");
        press(&mut state, "S f");
        type_text(&mut state, " ");
        press(&mut state, "tab");
        type_text(&mut state, "not allowed!");
        press(&mut state, "enter");
        state
    });
}

#[test]
fn drive_versions() {
    snap("drive_versions", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "report 2026.txt");
        let req = job_req(&press(&mut state, "V"));
        let version = |id: &str, size: u64, created: i64, current: bool| VersionRow {
            id: id.into(),
            size,
            created,
            current,
            by: Some("Me".into()),
        };
        answer(
            &mut state,
            req,
            DriveAnswer::Details(FileDetails {
                name: "report 2026.txt".into(),
                versions: vec![
                    version("v3", 52_000, T - 7_200, true),
                    version("v2", 51_000, T - 86_400, false),
                    version("v1", 31, T - 5 * 86_400, false),
                ],
                ..FileDetails::default()
            }),
        );
        press(&mut state, "j");
        state
    });
}

#[test]
fn drive_versions_loading() {
    snap("drive_versions_loading", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "report 2026.txt");
        press(&mut state, "V");
        state
    });
}

#[test]
fn drive_info_with_links_tags_and_properties() {
    snap("drive_info_links_tags_props", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "README.md");
        let commands = press(&mut state, "i");
        let req = commands
            .iter()
            .find_map(|c| match c {
                Command::Info { req, .. } => Some(*req),
                _ => None,
            })
            .expect("an info request");
        let file: reve::api::models::File = serde_json::from_str(
            r##"{"type":0,"id":"f1","name":"README.md","created_at":"2026-11-27T01:21:00Z",
            "updated_at":"2026-11-27T01:21:00Z","size":1234,
            "metadata":{"tag:work":"#e91e63","tag:todo":"","props:owner":"Ana",
                        "props:evil":"\u001b[31mred\u0007"},
            "path":"cloudreve://my/README.md","owned":true,"primary_entity":"e1",
            "extended_info":{"storage_used":1234,"entities":[],"shares":[],
              "direct_links":[{"id":"lk1","url":"https://drive.example.com/f/lk1/README.md",
                               "downloaded":3,"created_at":"2026-11-27T01:21:00Z"}]}}"##,
        )
        .unwrap();
        let fields = reve::worker::convert::info_fields(&file);
        update(&mut state, Msg::Worker(WorkerEvent::Info { req, fields }));
        state
    });
}

#[test]
fn drive_tags_popup() {
    snap("drive_tags_popup", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "README.md");
        let req = job_req(&press(&mut state, "T"));
        let row = |key: &str, name: &str, value: &str| MetaRow {
            key: key.into(),
            name: name.into(),
            value: value.into(),
        };
        answer(
            &mut state,
            req,
            DriveAnswer::Details(FileDetails {
                tags: vec![
                    row("tag:work", "work", "#e91e63"),
                    row("tag:x", HOSTILE, ""),
                ],
                props: vec![row("props:owner", "owner", "Ana\x1b[2J")],
                ..FileDetails::default()
            }),
        );
        state
    });
}

#[test]
fn drive_pins_popup() {
    snap("drive_pins_popup", |size| {
        let mut state = loaded(size, drive_entries());
        let req = job_req(&press(&mut state, "'"));
        answer(
            &mut state,
            req,
            DriveAnswer::Pins(vec![
                PinRow {
                    uri: "cloudreve://my/Documents".into(),
                    name: None,
                },
                PinRow {
                    uri: "cloudreve://my/Pictures/2026".into(),
                    name: Some("Photos".into()),
                },
            ]),
        );
        state
    });
}

#[test]
fn drive_search_results() {
    snap("drive_search_results", |size| {
        let mut state = loaded(size, drive_entries());
        press(&mut state, "/");
        type_text(&mut state, "?tag:work size>10K");
        let req = job_req(&press(&mut state, "enter"));
        let uri = reve::drive::search::search_uri(
            &reve::api::uri::CrUri::my_root(),
            "tag:work size>10K",
            chrono::DateTime::UNIX_EPOCH,
        )
        .unwrap();
        answer(&mut state, req, DriveAnswer::SearchUri(uri));
        let found = |path: &str, name: &str, size: u64| {
            let file: reve::api::models::File = serde_json::from_value(serde_json::json!({
                "type": 0, "id": "x", "name": name, "size": size,
                "created_at": "2026-11-27T01:21:00Z", "updated_at": "2026-11-27T01:21:00Z",
                "path": path,
            }))
            .unwrap();
            reve::worker::convert::located(reve::worker::convert::entry_from_file(&file), &file)
        };
        page(
            &mut state,
            0,
            vec![
                found(
                    "cloudreve://my/Documents/report%202026.txt",
                    "report 2026.txt",
                    52_000,
                ),
                found(
                    "cloudreve://my/Pictures/sunset.png",
                    "sunset.png",
                    3_400_000,
                ),
                // Deep folders keep their end when cut.
                found(
                    "cloudreve://my/Documents/Projects/reve/work%20log.md",
                    "work log.md",
                    12_000,
                ),
            ],
        );
        state
    });
}

#[test]
fn drive_archive_form() {
    snap("drive_archive_form", |size| {
        let mut state = loaded(size, drive_entries());
        cursor_on(&mut state, "Documents");
        press(&mut state, "A");
        state
    });
}

#[test]
fn drive_remote_download_form() {
    snap("drive_remote_download_form", |size| {
        let mut state = loaded(size, drive_entries());
        press(&mut state, "O");
        update(
            &mut state,
            Msg::Paste("https://example.com/a.iso\nftp://nope\x1b[2J".into()),
        );
        press(&mut state, "enter");
        state
    });
}

#[test]
fn drive_hostile_share_names() {
    snap("drive_hostile_share_presets", |size| {
        let mut entries = drive_entries();
        entries.push(Entry::file(HOSTILE, 10, T));
        let mut state = loaded(size, entries);
        cursor_on(&mut state, HOSTILE);
        press(&mut state, "S");
        state
    });
    snap("drive_hostile_share_result", |size| {
        let mut entries = drive_entries();
        entries.push(Entry::file(HOSTILE, 10, T));
        let mut state = loaded(size, entries);
        press(&mut state, "ctrl-a");
        let req = job_req(&press(&mut state, "S enter"));
        answer(
            &mut state,
            req,
            DriveAnswer::ShareLinks(vec![
                (
                    HOSTILE.into(),
                    "https://x.example/s/a\x1b]52;c;ZXZpbA==\x07".into(),
                ),
                ("README.md".into(), "https://x.example/s/b".into()),
            ]),
        );
        state
    });
}
