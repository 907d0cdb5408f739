//! Memory held per listed remote entry at 100,000 entries (issue 3 target: ≤ 400 bytes over
//! the baseline). A counting allocator measures what the state keeps after the pages, in the
//! form the worker builds them (from the server's JSON), have been applied and dropped.

use reve::api::models::File;
use reve::app::msg::{Msg, Page, WorkerEvent};
use reve::app::state::{Startup, State};
use reve::app::update;
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ENTRIES: usize = 100_000;
const PAGE: usize = 2_000;

/// One listed file as the server sends it (C1-13's shape), with a realistic name.
fn file_json(i: usize) -> String {
    format!(
        r#"{{"type":0,"id":"x{i}","name":"document-{i:06} final version.pdf","created_at":"2026-11-27T01:21:03.271296974Z","updated_at":"2023-11-14T22:13:20Z","size":{size},"metadata":{{}},"path":"cloudreve://my/Big%20folder/document-{i:06}%20final%20version.pdf","capability":"w8edAQ==","owned":true,"primary_entity":"95i5"}}"#,
        size = i * 1337
    )
}

fn main() {
    let mut s = Startup::new(PathBuf::from("/"));
    s.signed_in = true;
    s.size = (200, 50);
    let mut state = State::new(s);
    state.load_panes();
    let req = state.panes[0].loading.expect("loading").req;
    let baseline = LIVE.load(Ordering::Relaxed);
    for start in (0..ENTRIES).step_by(PAGE) {
        let entries = (start..start + PAGE)
            .map(|i| {
                let file: File = serde_json::from_str(&file_json(i)).expect("valid JSON");
                reve::worker::convert::entry_from_file(&file)
            })
            .collect();
        let page = Page {
            entries,
            last: start + PAGE >= ENTRIES,
            caps: None,
        };
        update(&mut state, Msg::Worker(WorkerEvent::Page { req, page }));
    }
    assert_eq!(state.panes[0].listing.total(), ENTRIES);
    let held = LIVE.load(Ordering::Relaxed) - baseline;
    println!(
        "memory held by a 100,000-entry remote listing: {} bytes = {:.1} bytes per entry (target ≤ 400)",
        held,
        held as f64 / ENTRIES as f64
    );
    println!(
        "  of which Entry itself: {} bytes inline",
        std::mem::size_of::<reve::app::entry::Entry>()
    );
}
