//! The worker against the in-process demo server: streamed listings of the 10,000-entry seed
//! folder, operations, live events, sign-in.

use reve::api::models::Secret;
use reve::api::uri::CrUri;
use reve::api::{Client, ClientConfig};
use reve::app::command::{Command, Op, RequestId, WatchId};
use reve::app::msg::{LiveChange, WorkerEvent};
use reve::app::sort::SortSpec;
use reve::app::source::Source;
use reve::demo::{self, DemoConfig, DemoHandle, seed};
use reve::worker::{self, WorkerSetup};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

async fn demo_server() -> DemoHandle {
    demo::start(DemoConfig {
        seed: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap()
}

async fn signed_in(server: &DemoHandle) -> Client {
    let client = Client::new(ClientConfig::new(server.base_url())).unwrap();
    client
        .login(seed::DEMO_EMAIL, seed::DEMO_PASSWORD)
        .await
        .unwrap();
    client
}

async fn next(events: &mut UnboundedReceiver<WorkerEvent>) -> WorkerEvent {
    tokio::time::timeout(Duration::from_secs(20), events.recv())
        .await
        .expect("the worker answered in time")
        .expect("the worker is running")
}

fn start(client: Option<Client>) -> (UnboundedSender<Command>, UnboundedReceiver<WorkerEvent>) {
    worker::spawn(WorkerSetup {
        client,
        persist: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_big_folder_page_by_page() {
    let server = demo_server().await;
    let (commands, mut events) = start(Some(signed_in(&server).await));
    let req = RequestId(1);
    let folder = CrUri::my_root().join(seed::BIG_FOLDER);
    commands
        .send(Command::List {
            req,
            source: Source::Remote(folder),
            sort: SortSpec::default(),
        })
        .unwrap();
    let mut pages = Vec::new();
    let mut names = std::collections::HashSet::new();
    loop {
        match next(&mut events).await {
            WorkerEvent::Page { req: r, page } => {
                assert_eq!(r, req);
                pages.push(page.entries.len());
                names.extend(page.entries.iter().map(|e| e.name().to_string()));
                if page.last {
                    break;
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(names.len(), seed::BIG_FOLDER_ENTRIES, "every entry once");
    assert_eq!(pages.iter().sum::<usize>(), seed::BIG_FOLDER_ENTRIES);
    assert!(
        pages.len() >= 5,
        "streamed in pages of at most 2,000: {pages:?}"
    );
    assert!(pages.iter().all(|&n| n <= 2000), "{pages:?}");
    assert_eq!(
        pages[0], 2000,
        "the first page is as large as the server allows"
    );
    assert!(names.contains("entry-09999.txt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_listing_stops() {
    let server = demo_server().await;
    let (commands, mut events) = start(Some(signed_in(&server).await));
    let folder = CrUri::my_root().join(seed::BIG_FOLDER);
    commands
        .send(Command::List {
            req: RequestId(1),
            source: Source::Remote(folder),
            sort: SortSpec::default(),
        })
        .unwrap();
    let WorkerEvent::Page { page, .. } = next(&mut events).await else {
        panic!()
    };
    assert!(!page.last);
    commands
        .send(Command::Cancel { req: RequestId(1) })
        .unwrap();
    // At most the page in flight may still arrive; then nothing.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut late = 0;
    while events.try_recv().is_ok() {
        late += 1;
    }
    assert!(late <= 1, "{late} pages after the cancel");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(events.try_recv().is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_and_their_errors() {
    let server = demo_server().await;
    let (commands, mut events) = start(Some(signed_in(&server).await));
    let target = Source::Remote(CrUri::my_root().join("New folder"));
    let create = |req| Command::Op {
        req: RequestId(req),
        op: Op::Create {
            target: target.clone(),
            folder: true,
        },
    };
    commands.send(create(1)).unwrap();
    assert!(matches!(next(&mut events).await, WorkerEvent::OpDone { req } if req == RequestId(1)));
    // The same name again is a conflict the app can offer to rename.
    commands.send(create(2)).unwrap();
    match next(&mut events).await {
        WorkerEvent::OpFailed { req, failure } => {
            assert_eq!(req, RequestId(2));
            assert_eq!(failure.code, Some(40004), "{failure:?}");
        }
        other => panic!("{other:?}"),
    }
    // A batch with a missing item: 40081 lists it, the rest is done.
    commands
        .send(Command::Op {
            req: RequestId(3),
            op: Op::Delete {
                targets: vec![
                    target.clone(),
                    Source::Remote(CrUri::my_root().join("no such thing")),
                ],
                permanent: false,
            },
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::OpFailed { failure, .. } => {
            assert_eq!(failure.code, Some(40081), "{failure:?}");
            assert_eq!(failure.items.len(), 1);
            assert!(
                failure.items[0].item.contains("no%20such%20thing"),
                "{failure:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Info of an item carries its fields.
    commands
        .send(Command::Info {
            req: RequestId(4),
            target: Source::Remote(CrUri::my_root().join("Documents")),
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::Info { fields, .. } => {
            assert!(
                fields
                    .iter()
                    .any(|f| f.label == "Name" && f.value == "Documents")
            );
            assert!(fields.iter().any(|f| f.label == "Contains"), "{fields:?}");
        }
        other => panic!("{other:?}"),
    }
    commands.send(Command::FetchCapacity).unwrap();
    assert!(matches!(next(&mut events).await, WorkerEvent::Capacity { total, .. } if total > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_changes_made_elsewhere_arrive() {
    let server = demo_server().await;
    server.state.events.set_debounce(Duration::from_millis(50));
    let (commands, mut events) = start(Some(signed_in(&server).await));
    let watch = WatchId(7);
    commands
        .send(Command::Watch {
            watch,
            folder: CrUri::my_root(),
        })
        .unwrap();
    // Another client (another client id) creates a file.
    let other = signed_in(&server).await;
    let mut created = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !created {
            other
                .create(
                    &CrUri::my_root().join("from elsewhere.txt"),
                    reve::api::models::FileKind::File,
                    &Default::default(),
                    false,
                )
                .await
                .unwrap();
            created = true;
        }
        if let Ok(WorkerEvent::Live { watch: w, change }) = events.try_recv() {
            assert_eq!(w, watch);
            match change {
                LiveChange::Upsert(entry) => {
                    assert_eq!(entry.name(), "from elsewhere.txt");
                    return;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    panic!("no live change arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_from_the_form() {
    let server = demo_server().await;
    let (commands, mut events) = start(None);
    commands
        .send(Command::SignIn {
            req: RequestId(1),
            server: server.base_url(),
            email: seed::DEMO_EMAIL.into(),
            password: Secret::new("wrong"),
            captcha: None,
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::SignInFailed { failure, .. } => {
            assert!(!failure.signed_out);
            assert!(!failure.message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    commands
        .send(Command::SignIn {
            req: RequestId(2),
            server: server.base_url(),
            email: seed::DEMO_EMAIL.into(),
            password: Secret::new(seed::DEMO_PASSWORD),
            captcha: None,
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::SignedIn { req, account } => {
            assert_eq!(req, RequestId(2));
            assert_eq!(account.email, seed::DEMO_EMAIL);
        }
        other => panic!("{other:?}"),
    }
    // The new session serves the next request.
    commands
        .send(Command::List {
            req: RequestId(3),
            source: Source::Remote(CrUri::my_root()),
            sort: SortSpec::default(),
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::Page { page, .. } => {
            assert!(page.entries.iter().any(|e| e.name() == "Documents"))
        }
        other => panic!("{other:?}"),
    }
    // A server that is not there fails in place.
    commands
        .send(Command::SignIn {
            req: RequestId(4),
            server: "http://127.0.0.1:9".into(),
            email: "x@y".into(),
            password: Secret::new("p"),
            captcha: None,
        })
        .unwrap();
    assert!(matches!(
        next(&mut events).await,
        WorkerEvent::SignInFailed { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_changes_the_local_disk() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2500 {
        std::fs::write(dir.path().join(format!("f{i}")), b"x").unwrap();
    }
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let (commands, mut events) = start(None);
    commands
        .send(Command::List {
            req: RequestId(1),
            source: Source::Local(dir.path().to_path_buf()),
            sort: SortSpec::default(),
        })
        .unwrap();
    let mut total = 0;
    let mut pages = 0;
    loop {
        let WorkerEvent::Page { page, .. } = next(&mut events).await else {
            panic!()
        };
        total += page.entries.len();
        pages += 1;
        if page.last {
            break;
        }
    }
    assert_eq!((total, pages), (2501, 2));
    let src = Source::Local(dir.path().join("f1"));
    commands
        .send(Command::Op {
            req: RequestId(2),
            op: Op::Rename {
                target: src,
                new_name: "f2".into(),
            },
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::OpFailed { failure, .. } => assert_eq!(failure.code, Some(40004)),
        other => panic!("a rename must not replace a file: {other:?}"),
    }
    commands
        .send(Command::Op {
            req: RequestId(3),
            op: Op::Delete {
                targets: vec![Source::Local(dir.path().join("sub"))],
                permanent: true,
            },
        })
        .unwrap();
    assert!(matches!(
        next(&mut events).await,
        WorkerEvent::OpDone { .. }
    ));
    assert!(!dir.path().join("sub").exists());
}

fn totp_now(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .expect("base32 secret");
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .generate_current()
        .expect("system clock")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_with_a_second_factor() {
    let server = demo_server().await;
    // Turn 2FA on for the demo account.
    let owner = signed_in(&server).await;
    let secret = owner.prepare_2fa().await.unwrap();
    owner
        .set_2fa(true, &totp_now(secret.expose()))
        .await
        .unwrap();
    let (commands, mut events) = start(None);
    commands
        .send(Command::SignIn {
            req: RequestId(1),
            server: server.base_url(),
            email: seed::DEMO_EMAIL.into(),
            password: Secret::new(seed::DEMO_PASSWORD),
            captcha: None,
        })
        .unwrap();
    let WorkerEvent::TwoFactorRequired { session, .. } = next(&mut events).await else {
        panic!("the account has 2FA")
    };
    commands
        .send(Command::SecondFactor {
            req: RequestId(2),
            session: session.clone(),
            code: "000000".into(),
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::SignInFailed { failure, .. } => {
            assert!(failure.message.contains("code"), "{failure:?}")
        }
        // 000000 may be the current code, once in a million runs.
        WorkerEvent::SignedIn { .. } => return,
        other => panic!("{other:?}"),
    }
    commands
        .send(Command::SecondFactor {
            req: RequestId(3),
            session,
            code: totp_now(secret.expose()),
        })
        .unwrap();
    match next(&mut events).await {
        WorkerEvent::SignedIn { req, account } => {
            assert_eq!(req, RequestId(3));
            assert_eq!(account.email, seed::DEMO_EMAIL);
        }
        other => panic!("{other:?}"),
    }
}
