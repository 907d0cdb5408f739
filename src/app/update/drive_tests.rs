//! Reducer tests of the drive features: shares, versions, links, tags, pins, search, the task
//! dialogs and saving from a share.

use super::update;
use crate::api::models::MetadataPatch;
use crate::api::uri::CrUri;
use crate::app::command::{Command, RequestId};
use crate::app::drive::popup::DrivePopup;
use crate::app::drive::{DriveAnswer, DriveJob, FileDetails, LinkRow, MetaRow, PinRow, VersionRow};
use crate::app::entry::Entry;
use crate::app::modal::Modal;
use crate::app::msg::{Failure, Msg, WorkerEvent};
use crate::app::source::Source;
use crate::app::state::{Startup, State};
use crate::app::test_support::{page, press, type_text};
use crate::config::SharePreset;
use crate::drive::share::{Protection, ShareOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn presets() -> BTreeMap<String, SharePreset> {
    let mut p = BTreeMap::new();
    p.insert(
        "default".to_string(),
        SharePreset {
            private: true,
            expire: Some("7d".into()),
            downloads: Some(5),
            ..SharePreset::default()
        },
    );
    p.insert(
        "open".to_string(),
        SharePreset {
            share_view: true,
            ..SharePreset::default()
        },
    );
    p
}

fn state_with(clipboard: bool) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me"));
    s.signed_in = true;
    s.clipboard = clipboard;
    s.share_presets = presets();
    let mut state = State::new(s);
    state.load_panes();
    page(
        &mut state,
        0,
        vec![
            Entry::folder("Documents", 0),
            Entry::file("README.md", 10, 0),
            Entry::file("backup.zip", 100, 0),
            Entry::file("linux.torrent", 1, 0),
        ],
    );
    page(&mut state, 1, vec![Entry::file("local.txt", 1, 0)]);
    state
}

fn state() -> State {
    state_with(true)
}

/// The drive jobs among `commands`.
fn jobs(commands: &[Command]) -> Vec<(RequestId, DriveJob)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Drive { req, job } => Some((*req, job.clone())),
            _ => None,
        })
        .collect()
}

fn one_job(commands: &[Command]) -> (RequestId, DriveJob) {
    let all = jobs(commands);
    assert_eq!(all.len(), 1, "one drive job in {commands:?}");
    all.into_iter().next().unwrap()
}

fn answer(state: &mut State, req: RequestId, result: Result<DriveAnswer, Failure>) -> Vec<Command> {
    update(state, Msg::Worker(WorkerEvent::Drive { req, result }))
}

fn my(path: &str) -> CrUri {
    CrUri::from_user_input(path).unwrap()
}

fn popup(state: &State) -> &DrivePopup {
    match &state.modal {
        Some(Modal::Drive(p)) => p,
        other => panic!("no drive popup: {other:?}"),
    }
}

fn toast(state: &State) -> String {
    state
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Moves the cursor of the focused pane onto `name`.
fn cursor_on(state: &mut State, name: &str) {
    let row = state.focused().listing.row_of(name).expect("listed");
    let rows = state.pane_rows(state.focus);
    state.focused_mut().set_cursor(row, rows);
}

#[test]
fn share_with_the_default_preset_in_two_keys() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    assert!(press(&mut state, "S").is_empty());
    assert!(matches!(popup(&state), DrivePopup::SharePresets(p) if p.cursor == 0));
    let (req, job) = one_job(&press(&mut state, "enter"));
    let default = ShareOptions::from_preset(&presets()["default"]).unwrap();
    assert_eq!(
        job,
        DriveJob::CreateShares {
            uris: vec![my("/README.md")],
            options: default.clone(),
        }
    );
    assert_eq!(default.protection, Protection::RandomPassword);
    assert_eq!(default.expire, Some(7 * 86_400));
    assert!(state.modal.is_none());
    let link = "https://drive.example.com/s/Ab12/pw34";
    let commands = answer(
        &mut state,
        req,
        Ok(DriveAnswer::ShareLinks(vec![(
            "README.md".into(),
            link.into(),
        )])),
    );
    assert_eq!(commands, vec![Command::CopyToClipboard(link.into())]);
    let DrivePopup::ShareResult(r) = popup(&state) else {
        panic!("result popup")
    };
    assert!(r.copied && !r.qr);
    press(&mut state, "Q");
    assert!(matches!(popup(&state), DrivePopup::ShareResult(r) if r.qr));
    assert_eq!(
        press(&mut state, "c"),
        vec![Command::CopyToClipboard(link.into())]
    );
    press(&mut state, "esc");
    assert!(state.modal.is_none());
}

#[test]
fn another_preset_and_no_clipboard_when_osc52_is_off() {
    let mut state = state_with(false);
    cursor_on(&mut state, "Documents");
    press(&mut state, "space");
    cursor_on(&mut state, "README.md");
    press(&mut state, "space");
    press(&mut state, "S j");
    let (req, job) = one_job(&press(&mut state, "enter"));
    let DriveJob::CreateShares { uris, options } = job else {
        panic!("{job:?}")
    };
    assert_eq!(uris, vec![my("/Documents"), my("/README.md")]);
    assert_eq!(options.protection, Protection::Public);
    assert!(options.share_view);
    let commands = answer(
        &mut state,
        req,
        Ok(DriveAnswer::ShareLinks(vec![
            ("Documents".into(), "https://x/s/a".into()),
            ("README.md".into(), "https://x/s/b".into()),
        ])),
    );
    assert!(commands.is_empty(), "nothing copied: {commands:?}");
    assert!(matches!(popup(&state), DrivePopup::ShareResult(r) if !r.copied && r.links.len() == 2));
    assert!(press(&mut state, "c").is_empty());
    assert!(toast(&state).contains("osc52 = false"));
}

#[test]
fn the_share_form_checks_what_is_typed() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    press(&mut state, "S f");
    assert!(matches!(popup(&state), DrivePopup::Form(_)));
    // Protection: generated password (from the default preset) → my password.
    type_text(&mut state, " ");
    press(&mut state, "tab");
    type_text(&mut state, "bad pass");
    assert!(jobs(&press(&mut state, "enter")).is_empty());
    let DrivePopup::Form(form) = popup(&state) else {
        panic!()
    };
    assert!(
        form.error.as_deref().unwrap().contains("letters"),
        "{:?}",
        form.error
    );
    press(&mut state, "home ctrl-k");
    type_text(&mut state, "secret42");
    // Expiry: replace 7d with nonsense, then with 12h.
    press(&mut state, "tab home ctrl-k");
    type_text(&mut state, "soon");
    assert!(jobs(&press(&mut state, "enter")).is_empty());
    assert!(
        matches!(popup(&state), DrivePopup::Form(f) if f.error.as_deref().is_some_and(|e| e.contains("soon")))
    );
    press(&mut state, "home ctrl-k");
    type_text(&mut state, "12h");
    press(&mut state, "tab home ctrl-k");
    type_text(&mut state, "0");
    assert!(
        jobs(&press(&mut state, "enter")).is_empty(),
        "0 downloads refused"
    );
    press(&mut state, "home ctrl-k");
    type_text(&mut state, "3");
    press(&mut state, "tab");
    type_text(&mut state, " ");
    let (_, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::CreateShares {
            uris: vec![my("/README.md")],
            options: ShareOptions {
                protection: Protection::Password("secret42".into()),
                expire: Some(12 * 3600),
                downloads: Some(3),
                share_view: true,
                show_readme: false,
            },
        }
    );
    // Esc in a form goes back to where it came from.
    press(&mut state, "S f esc");
    assert!(matches!(popup(&state), DrivePopup::SharePresets(_)));
}

fn details_with_versions() -> FileDetails {
    FileDetails {
        name: "README.md".into(),
        versions: vec![
            VersionRow {
                id: "new".into(),
                size: 10,
                created: 1_795_742_460,
                current: true,
                by: None,
            },
            VersionRow {
                id: "old".into(),
                size: 7,
                created: 1_795_656_060,
                current: false,
                by: Some("Me".into()),
            },
        ],
        ..FileDetails::default()
    }
}

#[test]
fn versions_set_current_delete_and_download() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    let (req, job) = one_job(&press(&mut state, "V"));
    assert_eq!(
        job,
        DriveJob::Details {
            uri: my("/README.md")
        }
    );
    // Keys wait while the rows load.
    assert!(press(&mut state, "s").is_empty());
    answer(
        &mut state,
        req,
        Ok(DriveAnswer::Details(details_with_versions())),
    );
    assert!(
        matches!(popup(&state), DrivePopup::Versions(p) if p.rows.len() == 2 && p.loading.is_none())
    );
    // The current one can be neither made current again nor deleted.
    assert!(press(&mut state, "s").is_empty());
    assert!(press(&mut state, "d").is_empty());
    assert!(toast(&state).contains("cannot be deleted"));
    let (req, job) = one_job(&press(&mut state, "j s"));
    assert_eq!(
        job,
        DriveJob::SetVersion {
            uri: my("/README.md"),
            version: "old".into()
        }
    );
    let commands = answer(&mut state, req, Ok(DriveAnswer::Done));
    assert!(toast(&state).contains("is now current"));
    let (_, reload) = one_job(&commands);
    assert_eq!(
        reload,
        DriveJob::Details {
            uri: my("/README.md")
        }
    );
    let reload_req = popup(&state).loading().unwrap();
    answer(
        &mut state,
        reload_req,
        Ok(DriveAnswer::Details(details_with_versions())),
    );
    // Delete asks first (Enter cancels there), then returns to the popup.
    assert!(press(&mut state, "d").is_empty());
    assert!(matches!(&state.modal, Some(Modal::Confirm(c)) if c.danger));
    let (_, job) = one_job(&press(&mut state, "y"));
    assert_eq!(
        job,
        DriveJob::DeleteVersion {
            uri: my("/README.md"),
            version: "old".into()
        }
    );
    assert!(matches!(popup(&state), DrivePopup::Versions(_)));
    // Download goes to the local pane's folder, under a name that says which version.
    let (_, job) = one_job(&press(&mut state, "w"));
    let DriveJob::DownloadVersion { version, to, .. } = job else {
        panic!("{job:?}")
    };
    assert_eq!(version, "old");
    assert_eq!(to.parent(), Some(std::path::Path::new("/home/me")));
    let name = to.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("README (version ") && name.ends_with(").md"),
        "{name}"
    );
}

#[test]
fn versions_of_a_folder_are_refused() {
    let mut state = state();
    cursor_on(&mut state, "Documents");
    assert!(press(&mut state, "V").is_empty());
    assert!(toast(&state).contains("folder"));
    assert!(state.modal.is_none());
}

#[test]
fn tags_add_and_remove() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    let (req, _) = one_job(&press(&mut state, "T"));
    let details = FileDetails {
        tags: vec![MetaRow {
            key: "tag:todo".into(),
            name: "todo".into(),
            value: String::new(),
        }],
        props: vec![MetaRow {
            key: "props:owner".into(),
            name: "owner".into(),
            value: "ana".into(),
        }],
        ..FileDetails::default()
    };
    answer(&mut state, req, Ok(DriveAnswer::Details(details)));
    assert!(matches!(popup(&state), DrivePopup::Tags(p) if p.rows.len() == 2));
    press(&mut state, "a");
    type_text(&mut state, "work");
    press(&mut state, "tab");
    type_text(&mut state, "red");
    assert!(jobs(&press(&mut state, "enter")).is_empty(), "not a colour");
    press(&mut state, "home ctrl-k");
    type_text(&mut state, "#e91e63");
    let (req, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::PatchMetadata {
            uris: vec![my("/README.md")],
            patches: vec![MetadataPatch::set("tag:work", "#e91e63")],
        }
    );
    // Back to the tags popup, which reloads once the change is done.
    assert!(matches!(popup(&state), DrivePopup::Tags(_)));
    let (_, reload) = one_job(&answer(&mut state, req, Ok(DriveAnswer::Done)));
    assert_eq!(
        reload,
        DriveJob::Details {
            uri: my("/README.md")
        }
    );
    let r = popup(&state).loading().unwrap();
    answer(
        &mut state,
        r,
        Ok(DriveAnswer::Details(FileDetails {
            tags: vec![MetaRow {
                key: "tag:work".into(),
                name: "work".into(),
                value: "#e91e63".into(),
            }],
            ..FileDetails::default()
        })),
    );
    let (_, job) = one_job(&press(&mut state, "d"));
    assert_eq!(
        job,
        DriveJob::PatchMetadata {
            uris: vec![my("/README.md")],
            patches: vec![MetadataPatch::remove("tag:work")],
        }
    );
    // A property.
    let (_, job) = one_job(&{
        press(&mut state, "p");
        type_text(&mut state, "owner");
        press(&mut state, "tab");
        type_text(&mut state, "bo");
        press(&mut state, "enter")
    });
    assert_eq!(
        job,
        DriveJob::PatchMetadata {
            uris: vec![my("/README.md")],
            patches: vec![MetadataPatch::set("props:owner", "bo")],
        }
    );
}

#[test]
fn direct_links_list_copy_create_delete() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    let (req, _) = one_job(&press(&mut state, "L"));
    let link = LinkRow {
        id: "lk1".into(),
        url: "https://x/f/lk1/README.md".into(),
        downloads: 2,
    };
    answer(
        &mut state,
        req,
        Ok(DriveAnswer::Details(FileDetails {
            links: vec![link.clone()],
            ..FileDetails::default()
        })),
    );
    assert_eq!(
        press(&mut state, "c"),
        vec![Command::CopyToClipboard(link.url.clone())]
    );
    let (req, job) = one_job(&press(&mut state, "a"));
    assert_eq!(
        job,
        DriveJob::CreateLinks {
            uris: vec![my("/README.md")]
        }
    );
    let commands = answer(
        &mut state,
        req,
        Ok(DriveAnswer::Links(vec![link.url.clone()])),
    );
    assert!(commands.contains(&Command::CopyToClipboard(link.url.clone())));
    assert_eq!(jobs(&commands).len(), 1, "the popup reloads");
    let r = popup(&state).loading().unwrap();
    answer(
        &mut state,
        r,
        Ok(DriveAnswer::Details(FileDetails {
            links: vec![link],
            ..FileDetails::default()
        })),
    );
    press(&mut state, "d");
    let (_, job) = one_job(&press(&mut state, "y"));
    assert_eq!(job, DriveJob::DeleteLink { id: "lk1".into() });
}

#[test]
fn pins_toggle_and_jump() {
    let mut state = state();
    cursor_on(&mut state, "Documents");
    let (req, job) = one_job(&press(&mut state, "P"));
    assert_eq!(
        job,
        DriveJob::TogglePin {
            uri: my("/Documents")
        }
    );
    answer(
        &mut state,
        req,
        Ok(DriveAnswer::PinToggled { pinned: true }),
    );
    assert!(toast(&state).starts_with("Pinned"));
    let (req, job) = one_job(&press(&mut state, "'"));
    assert_eq!(job, DriveJob::Pins);
    answer(
        &mut state,
        req,
        Ok(DriveAnswer::Pins(vec![PinRow {
            uri: "cloudreve://my/Documents".into(),
            name: None,
        }])),
    );
    let commands = press(&mut state, "enter");
    assert_eq!(state.panes[0].source, Source::Remote(my("/Documents")));
    assert!(commands.iter().any(|c| matches!(c, Command::List { .. })));
    assert!(state.modal.is_none());
}

#[test]
fn search_from_the_filter_line_is_a_virtual_folder() {
    let mut state = state();
    press(&mut state, "/");
    type_text(&mut state, "?tag:work size>10M");
    assert_eq!(
        state.panes[0].listing.len(),
        4,
        "a search being typed filters nothing"
    );
    let (req, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::ResolveSearch {
            base: CrUri::my_root(),
            query: "tag:work size>10M".into()
        }
    );
    assert_eq!(state.panes[0].listing.filter(), "");
    let uri = crate::drive::search::search_uri(
        &CrUri::my_root(),
        "tag:work size>10M",
        chrono::DateTime::UNIX_EPOCH,
    )
    .unwrap();
    let commands = answer(&mut state, req, Ok(DriveAnswer::SearchUri(uri.clone())));
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Watch { .. })),
        "search results are not watched: {commands:?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source: Source::Remote(u), .. } if u == &uri))
    );
    assert_eq!(
        state.panes[0].source.title(),
        "cloudreve://my/ ?tag:work size>=10485761"
    );
    // Results keep their own location; opening one goes there.
    let mut found = Entry::folder("deep", 0);
    found = crate::worker::convert::located(
        found,
        &serde_json::from_str(
            r#"{"type":1,"id":"x","name":"deep","created_at":"2026-11-27T01:30:33Z",
            "updated_at":"2026-11-27T01:30:33Z","path":"cloudreve://my/a/b/deep"}"#,
        )
        .unwrap(),
    );
    page(&mut state, 0, vec![found]);
    press(&mut state, "enter");
    assert_eq!(state.panes[0].source, Source::Remote(my("/a/b/deep")));
    // Parent of a search is the folder searched; so is Esc.
    state.panes[0].source = Source::Remote(uri.clone());
    press(&mut state, "h");
    assert_eq!(state.panes[0].source, Source::Remote(CrUri::my_root()));
    state.navigate(0, Source::Remote(uri), None);
    page(&mut state, 0, Vec::new());
    press(&mut state, "esc");
    assert_eq!(state.panes[0].source, Source::Remote(CrUri::my_root()));
}

#[test]
fn a_search_answer_does_not_pull_a_pane_that_moved_on() {
    let mut state = state();
    press(&mut state, "/");
    type_text(&mut state, "?report");
    let (req, _) = one_job(&press(&mut state, "enter"));
    cursor_on(&mut state, "Documents");
    press(&mut state, "enter");
    let uri = CrUri::my_root().with_query("name", "report");
    assert!(answer(&mut state, req, Ok(DriveAnswer::SearchUri(uri))).is_empty());
    assert_eq!(state.panes[0].source, Source::Remote(my("/Documents")));
}

#[test]
fn a_bad_search_keeps_the_line_open() {
    let mut state = state();
    press(&mut state, "/");
    type_text(&mut state, "?size>lots");
    assert!(jobs(&press(&mut state, "enter")).is_empty());
    assert!(state.filter_editing);
    assert!(toast(&state).contains("lots"));
    // A plain filter still filters.
    press(&mut state, "esc /");
    type_text(&mut state, "zip");
    assert_eq!(state.panes[0].listing.len(), 1);
}

#[test]
fn archive_extract_and_download_dialogs() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    press(&mut state, "A");
    let (req, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::Archive {
            sources: vec![my("/README.md")],
            dst: my("/README.zip")
        }
    );
    answer(&mut state, req, Ok(DriveAnswer::Tasks(vec!["t1".into()])));
    assert!(
        toast(&state).starts_with("Task created"),
        "{}",
        toast(&state)
    );

    assert!(press(&mut state, "X").is_empty());
    assert!(toast(&state).contains("not an archive"));
    cursor_on(&mut state, "backup.zip");
    press(&mut state, "X tab");
    type_text(&mut state, "gbk");
    press(&mut state, "tab");
    type_text(&mut state, "pass word");
    let (_, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::Extract {
            src: my("/backup.zip"),
            dst: my("/backup"),
            encoding: Some("gbk".into()),
            password: Some("pass word".into()),
        }
    );

    cursor_on(&mut state, "README.md");
    press(&mut state, "O");
    assert!(jobs(&press(&mut state, "enter")).is_empty(), "no link yet");
    update(
        &mut state,
        Msg::Paste("https://example.com/a.iso\nmagnet:?xt=urn:btih:abc\n".into()),
    );
    let (_, job) = one_job(&press(&mut state, "enter"));
    assert_eq!(
        job,
        DriveJob::RemoteDownload {
            urls: vec![
                "https://example.com/a.iso".into(),
                "magnet:?xt=urn:btih:abc".into()
            ],
            torrent: None,
            dst: CrUri::my_root(),
        }
    );

    cursor_on(&mut state, "linux.torrent");
    press(&mut state, "O");
    assert!(matches!(&state.modal, Some(Modal::Confirm(_))));
    let (_, job) = one_job(&press(&mut state, "y"));
    assert_eq!(
        job,
        DriveJob::RemoteDownload {
            urls: Vec::new(),
            torrent: Some(my("/linux.torrent")),
            dst: CrUri::my_root(),
        }
    );
}

#[test]
fn failures_say_what_failed() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    press(&mut state, "A");
    let (req, _) = one_job(&press(&mut state, "enter"));
    answer(
        &mut state,
        req,
        Err(Failure {
            message: "Group not allowed to compress files (code 40007)".into(),
            code: Some(40007),
            ..Failure::default()
        }),
    );
    assert!(
        matches!(&state.modal, Some(Modal::Message(m)) if m.title.contains("archive") && m.message.contains("40007"))
    );
}

#[test]
fn f5_from_a_share_saves_into_my_files() {
    let mut state = state();
    let share = CrUri::share("Ab12", None);
    let commands = state.navigate(0, Source::Remote(share.clone()), None);
    assert!(!commands.is_empty());
    page(&mut state, 0, vec![Entry::file("shared.txt", 5, 0)]);
    state.navigate(1, Source::Remote(my("/Documents")), None);
    page(&mut state, 1, Vec::new());
    assert!(press(&mut state, "F6").is_empty());
    assert!(toast(&state).contains("read-only"));
    assert!(press(&mut state, "F5").is_empty());
    assert!(matches!(&state.modal, Some(Modal::Confirm(_))));
    let (req, job) = one_job(&press(&mut state, "y"));
    assert_eq!(
        job,
        DriveJob::SaveFromShare {
            sources: vec![share.join("shared.txt")],
            dst: my("/Documents"),
        }
    );
    let commands = answer(&mut state, req, Ok(DriveAnswer::Saved { files: 1 }));
    assert!(toast(&state).starts_with("Saved"));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source, .. } if source == &Source::Remote(my("/Documents")))),
        "the destination reloads"
    );
}

#[test]
fn s_in_a_share_adds_it_to_shared_with_me() {
    let mut state = state();
    let share = CrUri::share("Ab12", Some("pw"));
    state.navigate(0, Source::Remote(share.join("sub")), None);
    page(&mut state, 0, vec![Entry::file("shared.txt", 5, 0)]);
    assert!(press(&mut state, "S").is_empty());
    assert!(matches!(&state.modal, Some(Modal::Confirm(_))));
    let (_, job) = one_job(&press(&mut state, "y"));
    assert_eq!(job, DriveJob::SaveShortcut { share });
}

#[test]
fn a_popup_closed_before_its_answer_ignores_it() {
    let mut state = state();
    cursor_on(&mut state, "README.md");
    let (req, _) = one_job(&press(&mut state, "V"));
    press(&mut state, "esc");
    answer(
        &mut state,
        req,
        Ok(DriveAnswer::Details(details_with_versions())),
    );
    assert!(state.modal.is_none());
    assert!(!state.is_busy());
}

#[test]
fn a_shortcut_in_shared_with_me_opens_its_share() {
    use crate::api::uri::FileSystem;
    use crate::app::entry::EntryExtra;
    let mut state = state();
    press(&mut state, "o s");
    let shared_with_me = Source::Remote(CrUri::root(FileSystem::SharedWithMe));
    assert_eq!(state.panes[0].source, shared_with_me);
    let share = CrUri::share("Ab12", Some("pw"));
    // As the worker converts C2-427: filed under its id, pointing at the share.
    let shortcut = Entry::folder("Holiday photos", 0).with_extra(EntryExtra {
        uri_name: Some("7BXHD".into()),
        redirect: Some(share.to_string().into()),
        ..EntryExtra::default()
    });
    page(&mut state, 0, vec![shortcut]);
    assert_eq!(state.panes[0].listing.row_of("Holiday photos"), Some(0));
    cursor_on(&mut state, "Holiday photos");
    let commands = press(&mut state, "enter");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::List { source: Source::Remote(u), .. } if u == &share)),
        "Enter lists the share: {commands:?}"
    );
    assert_eq!(state.panes[0].source, Source::Remote(share));
}
