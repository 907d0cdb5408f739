//! The worker's drive jobs (`Command::Drive`) against the in-process demo server: shares from
//! a preset, tags and properties, versions, direct links, pins, search, server tasks, and
//! saving the items of a share into my files.

mod common;

use common::{demo_client, fetch, my, seeded_server};
use reve::api::models::MetadataPatch;
use reve::api::uri::{CrUri, FileSystem};
use reve::api::{Client, InfoOptions, ShareInfoQuery};
use reve::app::command::{Command, RequestId};
use reve::app::drive::{DriveAnswer, DriveJob, FileDetails};
use reve::app::msg::{Failure, WorkerEvent};
use reve::config::SharePreset;
use reve::drive::share::{ShareOptions, link_parts};
use reve::worker::{self, WorkerSetup};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

struct Worker {
    commands: UnboundedSender<Command>,
    events: UnboundedReceiver<WorkerEvent>,
    next: u64,
}

impl Worker {
    fn new(client: Client) -> Worker {
        let (commands, events) = worker::spawn(WorkerSetup {
            client: Some(client),
            persist: None,
        });
        Worker {
            commands,
            events,
            next: 0,
        }
    }

    /// Runs one job and returns its answer.
    async fn run(&mut self, job: DriveJob) -> Result<DriveAnswer, Failure> {
        self.next += 1;
        let req = RequestId(self.next);
        self.commands.send(Command::Drive { req, job }).unwrap();
        loop {
            let event = tokio::time::timeout(Duration::from_secs(30), self.events.recv())
                .await
                .expect("the worker answered in time")
                .expect("the worker is running");
            if let WorkerEvent::Drive { req: r, result } = event
                && r == req
            {
                return result;
            }
        }
    }

    async fn details(&mut self, uri: &CrUri) -> FileDetails {
        match self.run(DriveJob::Details { uri: uri.clone() }).await {
            Ok(DriveAnswer::Details(d)) => d,
            other => panic!("details of {uri}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_from_a_preset_reads_back() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let mut w = Worker::new(client.clone());
    let preset = SharePreset {
        private: true,
        expire: Some("2d".into()),
        downloads: Some(4),
        share_view: false,
        show_readme: true,
    };
    let options = ShareOptions::from_preset(&preset).unwrap();
    let target = my(&["Documents", "todo.txt"]);
    let answer = w
        .run(DriveJob::CreateShares {
            uris: vec![target],
            options,
        })
        .await
        .unwrap();
    let DriveAnswer::ShareLinks(links) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].0, "todo.txt");
    let (id, password) = link_parts(&links[0].1).expect("a share link");
    let password = password.expect("a private preset gives a password");
    let share = client
        .share_info(
            &id,
            &ShareInfoQuery {
                password: Some(password),
                count_views: false,
                owner_extended: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(share.name, "todo.txt");
    assert!(share.password_protected && share.unlocked);
    assert_eq!(share.remain_downloads, Some(4));
    let expires = share.expires.expect("an expiry");
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((2 * 86_400 - 120..=2 * 86_400).contains(&left), "{left}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_properties_round_trip() {
    let server = seeded_server().await;
    let mut w = Worker::new(demo_client(&server.base_url()).await);
    let file = my(&["Documents", "README.md"]);
    let add = w
        .run(DriveJob::PatchMetadata {
            uris: vec![file.clone()],
            patches: vec![
                reve::drive::meta::add_tag("work", Some("#e91e63")).unwrap(),
                MetadataPatch::set("props:owner", "ana"),
            ],
        })
        .await;
    assert_eq!(add, Ok(DriveAnswer::Done));
    let d = w.details(&file).await;
    assert_eq!(d.tags.len(), 1);
    assert_eq!(
        (d.tags[0].name.as_str(), d.tags[0].value.as_str()),
        ("work", "#e91e63")
    );
    assert_eq!(d.props.len(), 1);
    assert_eq!(
        (d.props[0].name.as_str(), d.props[0].value.as_str()),
        ("owner", "ana")
    );
    w.run(DriveJob::PatchMetadata {
        uris: vec![file.clone()],
        patches: vec![
            MetadataPatch::remove("tag:work"),
            MetadataPatch::remove("props:owner"),
        ],
    })
    .await
    .unwrap();
    let d = w.details(&file).await;
    assert!(d.tags.is_empty() && d.props.is_empty(), "{d:?}");
    // A bad colour is the server's "invalid patch", as data.
    let bad = w
        .run(DriveJob::PatchMetadata {
            uris: vec![file],
            patches: vec![MetadataPatch::set("tag:x", "red")],
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code, Some(40001), "{bad:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_set_download_and_delete() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let mut w = Worker::new(client.clone());
    let file = my(&["Documents", "report 2026.txt"]);
    let d = w.details(&file).await;
    assert_eq!(d.versions.len(), 2, "{:?}", d.versions);
    assert!(d.versions[0].current, "newest first, and current");
    let old = d.versions[1].clone();
    assert!(!old.current);

    // Download the old version to disk, through a .reve-part file.
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("report (old).txt");
    let answer = w
        .run(DriveJob::DownloadVersion {
            uri: file.clone(),
            version: old.id.clone(),
            to: to.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        answer,
        DriveAnswer::Downloaded {
            path: to.clone(),
            bytes: old.size
        }
    );
    assert_eq!(
        std::fs::read(&to).unwrap(),
        b"Quarterly report, first draft.\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no part file left"
    );
    // A second download never overwrites.
    let again = w
        .run(DriveJob::DownloadVersion {
            uri: file.clone(),
            version: old.id.clone(),
            to: to.clone(),
        })
        .await
        .unwrap_err();
    assert!(again.message.contains("exists"), "{again:?}");

    w.run(DriveJob::SetVersion {
        uri: file.clone(),
        version: old.id.clone(),
    })
    .await
    .unwrap();
    assert_eq!(
        fetch(&client, &file).await,
        b"Quarterly report, first draft.\n"
    );
    let d = w.details(&file).await;
    let now_old = d.versions.iter().find(|v| !v.current).unwrap().clone();
    assert!(d.versions.iter().any(|v| v.current && v.id == old.id));
    w.run(DriveJob::DeleteVersion {
        uri: file.clone(),
        version: now_old.id,
    })
    .await
    .unwrap();
    assert_eq!(w.details(&file).await.versions.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_links_and_pins() {
    let server = seeded_server().await;
    let mut w = Worker::new(demo_client(&server.base_url()).await);
    let file = my(&["Documents", "todo.txt"]);
    let DriveAnswer::Links(urls) = w
        .run(DriveJob::CreateLinks {
            uris: vec![file.clone()],
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(urls.len(), 1);
    let links = w.details(&file).await.links;
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].url, urls[0]);
    w.run(DriveJob::DeleteLink {
        id: links[0].id.clone(),
    })
    .await
    .unwrap();
    assert!(w.details(&file).await.links.is_empty());

    let folder = my(&["Documents", "Projects"]);
    let toggled = w
        .run(DriveJob::TogglePin {
            uri: folder.clone(),
        })
        .await;
    assert_eq!(toggled, Ok(DriveAnswer::PinToggled { pinned: true }));
    let Ok(DriveAnswer::Pins(pins)) = w.run(DriveJob::Pins).await else {
        panic!()
    };
    assert!(
        pins.iter()
            .any(|p| CrUri::parse(&p.uri).ok() == Some(folder.clone()))
    );
    let toggled = w
        .run(DriveJob::TogglePin {
            uri: folder.clone(),
        })
        .await;
    assert_eq!(toggled, Ok(DriveAnswer::PinToggled { pinned: false }));
    let Ok(DriveAnswer::Pins(pins)) = w.run(DriveJob::Pins).await else {
        panic!()
    };
    assert!(
        !pins
            .iter()
            .any(|p| CrUri::parse(&p.uri).ok() == Some(folder.clone()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_extract_and_download_tasks_are_created() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let mut w = Worker::new(client.clone());
    let answer = w
        .run(DriveJob::Archive {
            sources: vec![my(&["Documents", "todo.txt"])],
            dst: my(&["Documents", "todo.zip"]),
        })
        .await
        .unwrap();
    let DriveAnswer::Tasks(ids) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(ids.len(), 1);
    let task =
        common::finished_task(&client, reve::api::models::TaskCategory::General, &ids[0]).await;
    common::assert_completed(&task);

    // Extract into a folder that does not exist yet: the worker creates it.
    let dst = my(&["Unpacked", "todo"]);
    let DriveAnswer::Tasks(ids) = w
        .run(DriveJob::Extract {
            src: my(&["Documents", "todo.zip"]),
            dst: dst.clone(),
            encoding: None,
            password: None,
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    let task =
        common::finished_task(&client, reve::api::models::TaskCategory::General, &ids[0]).await;
    common::assert_completed(&task);
    assert_eq!(
        fetch(&client, &dst.join("todo.txt")).await,
        fetch(&client, &my(&["Documents", "todo.txt"])).await
    );

    let DriveAnswer::Tasks(ids) = w
        .run(DriveJob::RemoteDownload {
            urls: vec![
                "https://example.com/a.iso".into(),
                "magnet:?xt=urn:btih:0123456789abcdef".into(),
            ],
            torrent: None,
            dst: my(&["Downloads"]),
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(ids.len(), 2, "one task per link");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_from_a_share_into_my_files() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let mut w = Worker::new(client.clone());
    let link = client
        .create_share(&ShareOptions::default().request(&my(&["Documents", "Projects"])))
        .await
        .unwrap();
    let share = reve::api::share_link_to_uri(&link).unwrap();
    client.mkdir(&my(&["Saved"])).await.unwrap();
    let answer = w
        .run(DriveJob::SaveFromShare {
            sources: vec![share.join("reve")],
            dst: my(&["Saved"]),
        })
        .await;
    assert_eq!(answer, Ok(DriveAnswer::Saved { files: 2 }));
    for name in ["design.txt", "notes 100% #1.md"] {
        assert_eq!(
            fetch(&client, &my(&["Saved", "reve", name])).await,
            fetch(&client, &my(&["Documents", "Projects", "reve", name])).await,
            "{name}"
        );
    }
    // The web UI's save: a shortcut in "shared with me".
    assert_eq!(
        w.run(DriveJob::SaveShortcut {
            share: share.clone()
        })
        .await,
        Ok(DriveAnswer::Done)
    );
    // It is listed in "shared with me" (§7.9), through the ordinary listing of a pane, as an
    // entry that opens the share instead of a folder.
    w.commands
        .send(Command::List {
            req: RequestId(998),
            source: reve::app::source::Source::Remote(CrUri::root(FileSystem::SharedWithMe)),
            sort: Default::default(),
        })
        .unwrap();
    let page = loop {
        match w.events.recv().await.unwrap() {
            WorkerEvent::Page { page, .. } if page.last => break page,
            WorkerEvent::ListFailed { failure, .. } => panic!("{failure:?}"),
            _ => {}
        }
    };
    assert_eq!(page.entries.len(), 1, "{:?}", page.entries);
    let entry = &page.entries[0];
    assert_eq!(entry.name(), "Projects");
    let redirect = entry
        .extra()
        .and_then(|x| x.redirect.as_deref())
        .expect("a share shortcut");
    assert_eq!(CrUri::parse(redirect).unwrap(), share);
    // Saving again finds the names taken and overwrites nothing.
    let again = w
        .run(DriveJob::SaveFromShare {
            sources: vec![share.join("reve").join("design.txt")],
            dst: my(&["Saved", "reve"]),
        })
        .await
        .unwrap_err();
    assert_eq!(
        again.code,
        Some(reve::api::codes::OBJECT_EXISTED),
        "{again:?}"
    );
    let info = client
        .file_info(
            &my(&["Saved", "reve", "design.txt"]),
            InfoOptions {
                extended: true,
                folder_summary: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        reve::drive::meta::versions(&info).len(),
        1,
        "no version added"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_resolves_and_lists() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let mut w = Worker::new(client.clone());
    let answer = w
        .run(DriveJob::ResolveSearch {
            base: CrUri::my_root(),
            query: "design type:file".into(),
        })
        .await
        .unwrap();
    let DriveAnswer::SearchUri(uri) = answer else {
        panic!("{answer:?}")
    };
    assert!(uri.is_search());
    // Listed through the ordinary listing, results keep their real location.
    w.commands
        .send(Command::List {
            req: RequestId(999),
            source: reve::app::source::Source::Remote(uri),
            sort: Default::default(),
        })
        .unwrap();
    let page = loop {
        match w.events.recv().await.unwrap() {
            WorkerEvent::Page { page, .. } if page.last => break page,
            WorkerEvent::ListFailed { failure, .. } => panic!("{failure:?}"),
            _ => {}
        }
    };
    assert_eq!(page.entries.len(), 1);
    let location = page.entries[0]
        .extra()
        .and_then(|x| x.location.as_deref())
        .expect("a location");
    assert_eq!(
        CrUri::parse(location).unwrap(),
        my(&["Documents", "Projects", "reve", "design.txt"])
    );
}

/// The whole loop against the demo server: search for the README from `/?`, share it with
/// `S` then Enter, and find the link on the clipboard and on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_then_share_through_the_whole_loop() {
    use crossterm::event::{Event, KeyEvent};
    use reve::app::keymap::KeyChord;
    use reve::app::state::{Startup, State};
    use reve::tui::{LoopIo, event_loop};
    use std::sync::{Arc, Mutex};

    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let (commands, events) = worker::spawn(WorkerSetup {
        client: Some(client.clone()),
        persist: None,
    });
    let cwd = tempfile::tempdir().unwrap();
    let mut startup = Startup::new(cwd.path().to_path_buf());
    startup.signed_in = true;
    startup.size = (100, 30);
    let (input, input_rx) = tokio::sync::mpsc::unbounded_channel();
    let copied = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = copied.clone();
    let io = LoopIo {
        input: input_rx,
        commands,
        events,
        shutdown: Box::pin(std::future::pending()),
        clipboard: Box::new(move |text| sink.lock().unwrap().push(text.to_string())),
    };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    let looping = tokio::spawn(async move {
        event_loop(&mut terminal, State::new(startup), io)
            .await
            .map(|()| terminal)
    });
    let send = |keys: &[&str]| {
        for k in keys {
            let c = KeyChord::parse(k).unwrap();
            input
                .send(Ok(Event::Key(KeyEvent::new(c.code, c.mods))))
                .unwrap();
        }
    };
    // Wait for an observable step by copying the cursor's URI until it is the README.
    let readme = "cloudreve://my/Documents/README.md".to_string();
    send(&["/", "?", "R", "E", "A", "D", "M", "E", "enter"]);
    common::eventually("the search results", || {
        send(&["c"]);
        let copied = copied.clone();
        let readme = readme.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            copied.lock().unwrap().contains(&readme).then_some(())
        }
    })
    .await;
    send(&["S", "enter"]);
    let link = common::eventually("the share link on the clipboard", || {
        let copied = copied.clone();
        async move {
            copied
                .lock()
                .unwrap()
                .iter()
                .find(|t| t.contains("/s/"))
                .cloned()
        }
    })
    .await;
    send(&["Q", "q", "q"]);
    let terminal = tokio::time::timeout(Duration::from_secs(10), looping)
        .await
        .expect("the loop ends on q")
        .unwrap()
        .unwrap();
    let (id, _) = link_parts(&link).expect("a share link");
    let share = client
        .share_info(&id, &ShareInfoQuery::default())
        .await
        .unwrap();
    assert_eq!(share.name, "README.md");
    let shown = terminal.backend().to_string();
    assert!(
        shown.contains("?README"),
        "the pane shows the search: {shown}"
    );
}
