//! The whole loop on a `TestBackend`: terminal events in, the worker against the demo server,
//! frames out.

use crossterm::event::{Event, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reve::api::{Client, ClientConfig};
use reve::app::keymap::KeyChord;
use reve::app::state::{Startup, State};
use reve::demo::{self, DemoConfig, seed};
use reve::tui::{LoopIo, event_loop};
use reve::worker::{self, WorkerSetup};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn key(s: &str) -> std::io::Result<Event> {
    let c = KeyChord::parse(s).unwrap();
    Ok(Event::Key(KeyEvent::new(
        c.code,
        c.mods | KeyModifiers::NONE,
    )))
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_the_demo_drive_and_quit() {
    let server = demo::start(DemoConfig {
        seed: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(server.base_url())).unwrap();
    client
        .login(seed::DEMO_EMAIL, seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let (commands, events) = worker::spawn(WorkerSetup {
        client: Some(client),
        persist: None,
    });
    let cwd = tempfile::tempdir().unwrap();
    std::fs::write(cwd.path().join("local-file.txt"), b"hi").unwrap();
    let mut startup = Startup::new(cwd.path().to_path_buf());
    startup.signed_in = true;
    startup.size = (100, 30);
    let (input_tx, input_rx) = tokio::sync::mpsc::unbounded_channel();
    let copied = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = copied.clone();
    let io = LoopIo {
        input: input_rx,
        commands,
        events,
        shutdown: Box::pin(std::future::pending()),
        clipboard: Box::new(move |text| sink.lock().unwrap().push(text.to_string())),
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let looping = tokio::spawn(async move {
        event_loop(&mut terminal, State::new(startup), io)
            .await
            .map(|()| terminal)
    });
    let pause = || tokio::time::sleep(Duration::from_millis(600));
    pause().await;
    // Into Documents (the second folder), copy the README's URI, then quit.
    for k in ["j", "enter"] {
        input_tx.send(key(k)).unwrap();
    }
    pause().await;
    input_tx.send(Ok(Event::Resize(100, 30))).unwrap();
    for k in ["/", "R", "E", "A", "D", "enter", "c"] {
        input_tx.send(key(k)).unwrap();
    }
    pause().await;
    input_tx.send(key("q")).unwrap();
    let terminal = tokio::time::timeout(Duration::from_secs(10), looping)
        .await
        .expect("the loop ends on q")
        .unwrap()
        .unwrap();
    let shown = screen(&terminal);
    assert!(shown.contains("cloudreve://my/Documents"), "{shown}");
    assert!(shown.contains("README.md"), "{shown}");
    assert!(shown.contains("local-file.txt"), "{shown}");
    assert_eq!(
        copied.lock().unwrap().as_slice(),
        ["cloudreve://my/Documents/README.md"]
    );
}

#[tokio::test]
async fn the_loop_ends_when_the_input_closes_or_a_signal_comes() {
    let (commands, events) = worker::spawn(WorkerSetup::default());
    let (input_tx, input_rx) = tokio::sync::mpsc::unbounded_channel();
    let io = LoopIo {
        input: input_rx,
        commands,
        events,
        shutdown: Box::pin(tokio::time::sleep(Duration::from_millis(200))),
        clipboard: Box::new(|_| {}),
    };
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
    let state = State::new(Startup::new(std::path::PathBuf::from("/")));
    tokio::time::timeout(Duration::from_secs(5), event_loop(&mut terminal, state, io))
        .await
        .expect("the stop signal ends the loop")
        .unwrap();
    drop(input_tx);
    assert!(screen(&terminal).contains("sign in"));
}
