//! Keymap table tests: the defaults, a user's overrides from a config fixture, and bad configs
//! that must name the key and the line.

use crossterm::event::{KeyCode, KeyModifiers};
use reve::app::action::{Action, Context};
use reve::app::keymap::{KeyChord, Keymap, Lookup};
use reve::config::Config;

fn key(s: &str) -> KeyChord {
    KeyChord::parse(s).unwrap()
}

fn resolve(km: &Keymap, context: Context, keys: &str) -> Lookup {
    let chords: Vec<KeyChord> = keys.split_whitespace().map(key).collect();
    let (last, pending) = chords.split_last().unwrap();
    km.lookup(context, pending, *last)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn default_table() {
    let km = Keymap::defaults();
    let table: &[(Context, &str, Action)] = &[
        (Context::Browser, "j", Action::Down),
        (Context::Browser, "down", Action::Down),
        (Context::Browser, "k", Action::Up),
        (Context::Browser, "h", Action::Parent),
        (Context::Browser, "backspace", Action::Parent),
        (Context::Browser, "enter", Action::Open),
        (Context::Browser, "l", Action::Open),
        (Context::Browser, "g g", Action::Top),
        (Context::Browser, "G", Action::Bottom),
        (Context::Browser, "pgdown", Action::PageDown),
        (Context::Browser, "tab", Action::SwitchPane),
        (Context::Browser, "/", Action::Filter),
        (Context::Browser, "s", Action::SortMenu),
        (Context::Browser, "r", Action::Refresh),
        (Context::Browser, "space", Action::ToggleSelect),
        (Context::Browser, "v", Action::VisualSelect),
        (Context::Browser, "*", Action::InvertSelection),
        (Context::Browser, ".", Action::ToggleHidden),
        (Context::Browser, "F5", Action::CopyToOther),
        (Context::Browser, "F6", Action::MoveToOther),
        (Context::Browser, "y", Action::Yank),
        (Context::Browser, "p", Action::Paste),
        (Context::Browser, "d", Action::Trash),
        (Context::Browser, "D", Action::DeletePermanently),
        (Context::Browser, "shift-delete", Action::DeletePermanently),
        (Context::Global, "q", Action::Quit),
        (Context::Global, "?", Action::Help),
        (Context::Global, "ctrl-c", Action::ForceQuit),
        (Context::Dialog, "enter", Action::Confirm),
        (Context::Danger, "enter", Action::Dismiss),
        (Context::Danger, "y", Action::Confirm),
        (Context::SortMenu, "m", Action::SortModified),
        (Context::GoMenu, "t", Action::GoTrash),
        (Context::SignIn, "tab", Action::NextField),
    ];
    for (context, keys, action) in table {
        assert_eq!(
            resolve(&km, *context, keys),
            Lookup::Action(*action),
            "{context} {keys}"
        );
    }
    assert_eq!(resolve(&km, Context::Browser, "g"), Lookup::Pending);
    assert_eq!(resolve(&km, Context::Browser, "Z"), Lookup::Unbound);
    // `q` means nothing in a text input: it is typed.
    assert_eq!(resolve(&km, Context::Input, "q"), Lookup::Unbound);
}

#[test]
fn crossterm_shift_reports_match_config_names() {
    let from_terminal = KeyChord::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(from_terminal, key("G"));
    assert_eq!(from_terminal, key("shift-g"));
}

#[test]
fn user_overrides_from_a_config_fixture() {
    let config = Config::parse(&fixture("keys_override.toml")).unwrap();
    let km = Keymap::with_overrides(&config.keys);
    assert_eq!(
        resolve(&km, Context::Browser, "ctrl-d"),
        Lookup::Action(Action::Trash)
    );
    assert_eq!(resolve(&km, Context::Browser, "d"), Lookup::Unbound);
    assert_eq!(
        resolve(&km, Context::Browser, "g h"),
        Lookup::Action(Action::Parent)
    );
    assert_eq!(
        resolve(&km, Context::Browser, "g g"),
        Lookup::Action(Action::Top)
    );
    assert_eq!(
        resolve(&km, Context::Browser, "F5"),
        Lookup::Action(Action::Refresh)
    );
    assert_eq!(
        resolve(&km, Context::Global, "Q"),
        Lookup::Action(Action::Quit)
    );
    // Untouched defaults stay.
    assert_eq!(
        resolve(&km, Context::Browser, "j"),
        Lookup::Action(Action::Down)
    );
    // The help is generated from the live map: it shows the new keys, not the old ones.
    let help = km.help_sections();
    let browser = help.iter().find(|s| s.context == Context::Browser).unwrap();
    let trash = browser
        .rows
        .iter()
        .find(|r| r.action == Action::Trash)
        .unwrap();
    assert_eq!(trash.keys, "delete, F8, ctrl-d");
    let copy = browser
        .rows
        .iter()
        .find(|r| r.action == Action::CopyToOther);
    assert!(copy.is_none(), "F5 was taken for refresh: {copy:?}");
    // The table survives a save and a reload.
    let saved = toml::to_string_pretty(&config).unwrap();
    assert_eq!(Config::parse(&saved).unwrap(), config);
}

fn error_of(name: &str) -> String {
    format!("{:#}", Config::parse(&fixture(name)).unwrap_err())
}

#[test]
fn a_bad_action_names_the_key_and_the_line() {
    let msg = error_of("keys_bad_action.toml");
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("\"z\"") && msg.contains("delet"), "{msg}");
}

#[test]
fn a_bad_key_names_the_key_and_the_line() {
    let msg = error_of("keys_bad_key.toml");
    assert!(msg.contains("line 4"), "{msg}");
    assert!(msg.contains("hyper"), "{msg}");
}

#[test]
fn an_action_of_another_context_is_refused() {
    let msg = error_of("keys_wrong_context.toml");
    assert!(msg.contains("line 2"), "{msg}");
    assert!(
        msg.contains("does not apply") && msg.contains("trash"),
        "{msg}"
    );
}

#[test]
fn an_unknown_context_is_refused() {
    let msg = error_of("keys_unknown_context.toml");
    assert!(msg.contains("browsr") && msg.contains("browser"), "{msg}");
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn help_is_grouped_and_filterable() {
    let km = Keymap::defaults();
    let sections = km.help_sections();
    assert_eq!(sections[0].context, Context::Global);
    assert!(sections.iter().any(|s| s.context == Context::Browser));
    let trash_rows: Vec<_> = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .filter(|r| r.matches("trash"))
        .collect();
    assert!(trash_rows.iter().any(|r| r.action == Action::Trash));
    assert!(trash_rows.iter().all(|r| r.matches("TRASH")));
}
