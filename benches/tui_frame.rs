//! TUI costs (issue 3 targets): one frame of a 100,000-entry pane at 200×50 (≤ 0.5 ms), and
//! one 2,000-entry page applied to the state (≤ 2 ms).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reve::app::entry::Entry;
use reve::app::keymap::KeyChord;
use reve::app::msg::{Msg, Page, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::update;
use std::hint::black_box;
use std::path::PathBuf;

const ENTRIES: usize = 100_000;
const PAGE: usize = 2_000;

fn entries(range: std::ops::Range<usize>) -> Vec<Entry> {
    range
        .map(|i| {
            let name = format!("document-{i:06} final version.pdf");
            Entry::file(&name, (i as u64) * 1_337, 1_700_000_000 + i as i64)
        })
        .collect()
}

fn state(size: (u16, u16)) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me"));
    s.signed_in = true;
    s.size = size;
    let mut state = State::new(s);
    state.load_panes();
    state
}

fn send_page(state: &mut State, entries: Vec<Entry>, last: bool) {
    let req = state.panes[0].loading.expect("loading").req;
    update(
        state,
        Msg::Worker(WorkerEvent::Page {
            req,
            page: Page {
                entries,
                last,
                caps: None,
            },
        }),
    );
}

/// A pane holding 100,000 entries, streamed in pages like the worker sends them.
fn big_state(size: (u16, u16)) -> State {
    let mut state = state(size);
    for start in (0..ENTRIES).step_by(PAGE) {
        send_page(
            &mut state,
            entries(start..start + PAGE),
            start + PAGE >= ENTRIES,
        );
    }
    state
}

fn press(state: &mut State, key: &str) {
    let c = KeyChord::parse(key).unwrap();
    update(
        state,
        Msg::Key(crossterm::event::KeyEvent::new(c.code, c.mods)),
    );
}

fn render(c: &mut Criterion) {
    let mut state = big_state((200, 50));
    // Somewhere in the middle, with a selection, like a real session.
    for _ in 0..3 {
        press(&mut state, "pgdown");
    }
    press(&mut state, "space");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut down = true;
    c.bench_function("render 100k-entry pane at 200x50", |b| {
        b.iter(|| {
            // Move the cursor so every frame differs from the last.
            press(&mut state, if down { "j" } else { "k" });
            down = !down;
            terminal
                .draw(|f| reve::ui::draw(f, black_box(&state)))
                .unwrap();
        })
    });
}

/// What ratatui itself costs per frame at this size (buffer reset and diff), for comparison.
fn empty_frame(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut flip = false;
    c.bench_function("baseline: one changed cell at 200x50", |b| {
        b.iter(|| {
            flip = !flip;
            terminal
                .draw(|f| {
                    f.buffer_mut()[(0, 0)].set_char(if flip { 'a' } else { 'b' });
                })
                .unwrap();
        })
    });
}

fn apply_page(c: &mut Criterion) {
    // The state is rebuilt by streaming for every sample (a clone would have no spare
    // capacity and pay a full reallocation that streaming amortizes).
    let streamed = || {
        let mut s = state((200, 50));
        for start in (0..ENTRIES - PAGE).step_by(PAGE) {
            send_page(&mut s, entries(start..start + PAGE), false);
        }
        s
    };
    c.bench_function("apply 2,000-entry page onto 98,000", |b| {
        b.iter_batched(
            || (streamed(), entries(ENTRIES - PAGE..ENTRIES)),
            |(mut s, page)| {
                send_page(&mut s, page, false);
                s
            },
            BatchSize::LargeInput,
        )
    });
    c.bench_function("apply first 2,000-entry page", |b| {
        b.iter_batched(
            || (state((200, 50)), entries(0..PAGE)),
            |(mut s, page)| {
                send_page(&mut s, page, false);
                s
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = render, empty_frame, apply_page
}
criterion_main!(benches);
