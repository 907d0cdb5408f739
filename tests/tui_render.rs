//! Rendering robustness: hostile names never reach the terminal as control sequences, and any
//! terminal size (1×1 included) draws without a panic.

use crossterm::event::{KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use reve::app::entry::Entry;
use reve::app::keymap::KeyChord;
use reve::app::msg::{Msg, Page, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::update;
use std::path::PathBuf;

/// Names that try to act on the terminal: OSC (title, clipboard), CSI (clear, cursor report),
/// C1 controls, bidi overrides, bells, line breaks.
const HOSTILE: &[&str] = &[
    "\x1b]0;pwned\x07title.txt",
    "\x1b]52;c;ZXZpbA==\x07clip.txt",
    "\x1b[2Jclear.txt",
    "\x1b[6nreport.txt",
    "csi\u{9b}31mred.txt",
    "osc\u{9d}0;x\u{9c}.txt",
    "evil\u{202e}gpj.exe",
    "bell\x07.txt",
    "line\nbreak\r.txt",
    "del\x7f.txt",
];

fn press(state: &mut State, keys: &str) {
    for k in keys.split_whitespace() {
        let c = KeyChord::parse(k).unwrap();
        update(state, Msg::Key(KeyEvent::new(c.code, c.mods)));
    }
}

fn page(state: &mut State, i: usize, entries: Vec<Entry>) {
    let req = state.panes[i].loading.expect("loading").req;
    update(
        state,
        Msg::Worker(WorkerEvent::Page {
            req,
            page: Page {
                entries,
                last: true,
                caps: None,
            },
        }),
    );
}

fn hostile_state(size: (u16, u16)) -> State {
    let mut s = Startup::new(PathBuf::from("/home/\x1b[31mme"));
    s.signed_in = true;
    s.size = size;
    let mut state = State::new(s);
    state.load_panes();
    let entries = HOSTILE
        .iter()
        .map(|n| Entry::file(n, 1, 1_700_000_000))
        .collect();
    page(&mut state, 0, entries);
    page(
        &mut state,
        1,
        vec![Entry::folder("\x1b]8;;http://evil\x07link", 0)],
    );
    state
}

#[test]
fn no_escape_sequence_from_the_data_reaches_the_terminal() {
    let size = (100, 30);
    let mut state = hostile_state(size);
    // The name also shows in a popup title and the info of the item under the cursor.
    press(&mut state, "R");
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, size.0, size.1)),
        },
    )
    .unwrap();
    terminal.draw(|f| reve::ui::draw(f, &state)).unwrap();
    drop(terminal);
    let bytes = sink.0.lock().unwrap().clone();
    let out = String::from_utf8_lossy(&bytes);
    for needle in [
        "\x1b]", // OSC: ratatui itself never sends one
        "\x07", "\x1b[2J", "\x1b[6n", "\u{9b}", "\u{9c}", "\u{9d}", "\u{202e}", "\x7f", "\r",
    ] {
        assert!(
            !out.contains(needle),
            "{needle:?} reached the terminal: {out:?}"
        );
    }
    // Every byte below 0x20 is ESC starting ratatui's own CSI sequence, nothing else.
    for (i, b) in bytes.iter().enumerate() {
        if *b < 0x20 {
            assert_eq!(*b, 0x1b, "control byte {b:#x} at {i}");
            assert_eq!(bytes.get(i + 1), Some(&b'['), "non-CSI escape at {i}");
        }
    }
    // And the names are there, visibly escaped.
    assert!(out.contains("\\x1b]0;pwned\\x07title.txt"), "{out}");
    assert!(out.contains("evil\\u{202e}gpj.exe"));
}

/// A `Write` whose bytes the test can read after the terminal has written them.
#[derive(Clone, Default)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A named way to put the state into some screen.
type Scenario = (&'static str, fn(&mut State));

fn scenarios() -> Vec<Scenario> {
    vec![
        ("browser", |_| {}),
        ("filter", |s| press(s, "/ x")),
        ("help", |s| press(s, "?")),
        ("sort", |s| press(s, "s")),
        ("go", |s| press(s, "o")),
        ("confirm", |s| press(s, "space d")),
        ("danger", |s| press(s, "D")),
        ("rename", |s| press(s, "R")),
        ("info", |s| press(s, "i")),
    ]
}

fn draw_at(state: &State, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| reve::ui::draw(f, state)).unwrap();
}

#[test]
fn the_smallest_terminals_draw() {
    for (w, h) in [(1, 1), (0, 0), (1, 40), (200, 1), (2, 2), (3, 3), (5, 4)] {
        for (_, setup) in scenarios() {
            let mut state = hostile_state((w, h));
            setup(&mut state);
            draw_at(&state, w, h);
        }
        let mut s = Startup::new(PathBuf::from("/"));
        s.size = (w, h);
        draw_at(&State::new(s), w, h);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_size_draws_without_panicking(
        // Tiny sizes are where arithmetic breaks: weigh them as much as the rest.
        w in prop_oneof![0u16..8, 0u16..260],
        h in prop_oneof![0u16..8, 0u16..90],
        scenario in 0usize..9,
        keys in proptest::collection::vec(0usize..12, 0..8),
    ) {
        let mut state = hostile_state((80, 24));
        // Resize through the reducer, as the loop would, then wander around.
        update(&mut state, Msg::Resize { width: w, height: h });
        const KEYS: [&str; 12] = ["j", "k", "G", "pgdown", "space", "tab", "enter", "backspace", "v", "*", "/", "esc"];
        for k in keys {
            let c = KeyChord::parse(KEYS[k]).unwrap();
            update(&mut state, Msg::Key(KeyEvent::new(c.code, KeyModifiers::NONE | c.mods)));
        }
        (scenarios()[scenario].1)(&mut state);
        draw_at(&state, w, h);
        let mut signin = Startup::new(PathBuf::from("/"));
        signin.size = (w, h);
        draw_at(&State::new(signin), w, h);
    }
}
