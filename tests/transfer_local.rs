//! The transfer engine against the in-process demo server (local storage policy): small,
//! multi-chunk and 0-byte uploads, a folder tree round trip compared by SHA-256, conflict
//! choices in both directions, and hostile remote names.

mod transfer_support;

use reve::transfer::conflict::Refuse;
use reve::transfer::{Choice, ConflictPolicy, Event, JobOptions, Outcome};
use std::path::PathBuf;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use transfer_support::*;

fn options(conflict: ConflictPolicy, recursive: bool) -> JobOptions {
    JobOptions {
        recursive,
        conflict,
    }
}

fn no_stop() -> CancellationToken {
    CancellationToken::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_small_multi_chunk_and_empty_files() {
    let server = demo(4096, None).await;
    let client = client(&server.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("small.bin", bytes(1, 1000)),
        ("multi.bin", bytes(2, 4096 * 7 + 123)),
        ("exact.bin", bytes(3, 4096 * 3)),
        ("empty.bin", Vec::new()),
    ];
    let mut sources = Vec::new();
    for (name, data) in &files {
        let p = dir.path().join(name);
        write(&p, data);
        sources.push(p);
    }
    let checkpoints = dir.path().join("checkpoints");
    let (tx, mut rx) = mpsc::unbounded_channel();
    // Three chunks in flight: the demo pre-allocates, so any order works (C2-274…278).
    let mut config = fast_config();
    config.chunk_concurrency = Some(3);
    let engine = engine(&client, &checkpoints, config).with_events(tx);
    let report = engine
        .put(
            &sources,
            &uri("/up"),
            options(ConflictPolicy::Fail, false),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    assert!(!report.resumable, "{report:?}");
    assert_eq!(report.failed(), 0, "{report:?}");
    for (name, data) in &files {
        let got = remote_bytes(&client, &uri(&format!("/up/{name}"))).await;
        assert_eq!(sha256(&got), sha256(data), "{name}");
    }
    let tree = remote_tree(&client, &uri("/up")).await;
    assert!(
        tree.values().all(|(_, placeholder)| !placeholder),
        "{tree:?}"
    );
    assert!(
        engine.list().unwrap().is_empty(),
        "finished jobs leave no checkpoint"
    );

    // The event stream tells the whole story of every file.
    drop(engine);
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        events.push(e);
    }
    let finished = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Finished {
                    outcome: Outcome::Done(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(finished, files.len());
    assert!(matches!(events[0], Event::Planned { files: 4, .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_tree_round_trip() {
    let server = demo(8192, None).await;
    let client = client(&server.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("project");
    write(&src.join("README.md"), b"# project\n");
    write(&src.join("src/main.rs"), &bytes(10, 20_000));
    write(&src.join("src/deep/er/data.bin"), &bytes(11, 50_000));
    write(&src.join("empty.txt"), b"");
    write(&src.join("names/with spaces & 100% #1.txt"), b"odd names");
    write(&src.join("names/日本語.txt"), "こんにちは".as_bytes());
    std::fs::create_dir_all(src.join("empty folder")).unwrap();

    let checkpoints = dir.path().join("checkpoints");
    let engine = engine(&client, &checkpoints, fast_config());
    let put = engine
        .put(
            std::slice::from_ref(&src),
            &uri("/backup"),
            options(ConflictPolicy::Fail, true),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    assert_eq!(put.failed(), 0, "{put:?}");
    assert_eq!(put.files.len(), 6);

    // A folder without -r is a problem, not a crash.
    let no_r = engine
        .put(
            std::slice::from_ref(&src),
            &uri("/other"),
            options(ConflictPolicy::Fail, false),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    assert_eq!(no_r.problems.len(), 1);

    let out = dir.path().join("restored");
    let get = engine
        .get(
            &[uri("/backup/project")],
            &out,
            options(ConflictPolicy::Fail, true),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    assert_eq!(get.failed(), 0, "{get:?}");
    assert_eq!(local_tree(&out.join("project")), local_tree(&src));
    assert!(part_files(&out).is_empty());
    assert!(engine.list().unwrap().is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The part file was private (0600) while incomplete; the finished file has the mode
        // any new file gets here (0666 & !umask), like one curl would write.
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let probe = out.join("probe");
        std::fs::File::create(&probe).unwrap();
        assert_eq!(mode(&out.join("project/README.md")), mode(&probe));
    }
}

/// Uploads `data` as `/c/a.txt` with the given conflict policy; returns the outcome.
async fn put_one(
    engine: &reve::transfer::Engine,
    dir: &std::path::Path,
    data: &[u8],
    conflict: ConflictPolicy,
) -> Outcome {
    let p = dir.join("src").join("a.txt");
    write(&p, data);
    let report = engine
        .put(
            &[p],
            &uri("/c"),
            options(conflict, false),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    report.files[0].outcome.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_conflicts_overwrite_rename_skip() {
    let server = demo(4096, None).await;
    let client = client(&server.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&client, &dir.path().join("cp"), fast_config());
    let a = uri("/c/a.txt");

    assert!(matches!(
        put_one(&engine, dir.path(), b"first", ConflictPolicy::Fail).await,
        Outcome::Done(_)
    ));
    // Fail: reported, nothing changes, the job stays resumable.
    assert!(matches!(
        put_one(&engine, dir.path(), b"second", ConflictPolicy::Fail).await,
        Outcome::Failed(_)
    ));
    assert_eq!(remote_bytes(&client, &a).await, b"first");
    // Skip.
    let skipped = put_one(
        &engine,
        dir.path(),
        b"third",
        ConflictPolicy::Always(Choice::Skip),
    )
    .await;
    assert!(matches!(skipped, Outcome::Skipped(_)), "{skipped:?}");
    assert_eq!(remote_bytes(&client, &a).await, b"first");
    // Rename: `a (1).txt`, then `a (2).txt`.
    for (n, content) in [(1, &b"fourth"[..]), (2, &b"fifth"[..])] {
        let renamed = put_one(
            &engine,
            dir.path(),
            content,
            ConflictPolicy::Always(Choice::Rename),
        )
        .await;
        let want = format!("cloudreve://my/c/a%20({n}).txt");
        assert_eq!(renamed, Outcome::Done(want));
        let got = remote_bytes(&client, &uri(&format!("/c/a ({n}).txt"))).await;
        assert_eq!(got, content);
    }
    // Overwrite: a new version of the same file (multi-chunk to be sure).
    let big = bytes(5, 10_000);
    let over = put_one(
        &engine,
        dir.path(),
        &big,
        ConflictPolicy::Always(Choice::Overwrite),
    )
    .await;
    assert!(matches!(over, Outcome::Done(_)), "{over:?}");
    assert_eq!(sha256(&remote_bytes(&client, &a).await), sha256(&big));
    let info = client
        .file_info(
            &a,
            reve::api::InfoOptions {
                extended: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let versions = info.extended_info.map(|e| e.entities.len()).unwrap_or(0);
    assert!(versions >= 2, "the old content is kept as a version");
    let tree = remote_tree(&client, &uri("/c")).await;
    assert_eq!(tree.len(), 3, "{tree:?}");
    assert!(tree.values().all(|(_, p)| !p));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_conflicts_overwrite_keep_both_skip() {
    let server = demo(4096, None).await;
    let client = client(&server.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&client, &dir.path().join("cp"), fast_config());
    let src = dir.path().join("a.txt");
    write(&src, b"remote content");
    let put = engine
        .put(
            &[src],
            &uri("/d"),
            options(ConflictPolicy::Fail, false),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    assert_eq!(put.failed(), 0);

    let out = dir.path().join("out");
    let local = out.join("a.txt");
    write(&local, b"local content");
    let get = |conflict| {
        let engine = &engine;
        let out = out.clone();
        async move {
            let report = engine
                .get(
                    &[uri("/d/a.txt")],
                    &out,
                    options(conflict, false),
                    Box::new(Refuse),
                    no_stop(),
                )
                .await
                .unwrap();
            report.files[0].outcome.clone()
        }
    };
    assert!(matches!(
        get(ConflictPolicy::Fail).await,
        Outcome::Failed(_)
    ));
    assert!(matches!(
        get(ConflictPolicy::Always(Choice::Skip)).await,
        Outcome::Skipped(_)
    ));
    assert_eq!(std::fs::read(&local).unwrap(), b"local content");

    let kept = get(ConflictPolicy::Always(Choice::Rename)).await;
    let second = out.join("a (1).txt");
    assert_eq!(kept, Outcome::Done(second.display().to_string()));
    assert_eq!(std::fs::read(&local).unwrap(), b"local content");
    assert_eq!(std::fs::read(&second).unwrap(), b"remote content");
    // Keep both again: the next free number, never clobbering.
    let third = get(ConflictPolicy::Always(Choice::Rename)).await;
    assert_eq!(
        third,
        Outcome::Done(out.join("a (2).txt").display().to_string())
    );

    let over = get(ConflictPolicy::Always(Choice::Overwrite)).await;
    assert_eq!(over, Outcome::Done(local.display().to_string()));
    assert_eq!(std::fs::read(&local).unwrap(), b"remote content");
    assert!(part_files(&out).is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a (1).txt", "a (2).txt", "a.txt"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_remote_names_are_refused_per_file() {
    let server = demo(4096, None).await;
    let client = client(&server.base_url()).await;
    let dir = tempfile::tempdir().unwrap();
    // Names Cloudreve accepts but that must not become local paths as they are.
    let hostile = ["．．", "a\u{1b}[31mred", "tab\there"];
    for name in hostile.iter().chain(["CON", "fine.txt"].iter()) {
        let f = uri("/h").join(name);
        client
            .update_content(
                &f,
                None,
                reve::api::ChunkBody::bytes(name.as_bytes().to_vec()),
            )
            .await
            .unwrap_or_else(|e| panic!("{name:?}: {e}"));
    }
    let out = dir.path().join("out");
    let engine = engine(&client, &dir.path().join("cp"), fast_config());
    let report = engine
        .get(
            &[uri("/h")],
            &out,
            options(ConflictPolicy::Fail, true),
            Box::new(Refuse),
            no_stop(),
        )
        .await
        .unwrap();
    let refused: Vec<&str> = report.problems.iter().map(|p| p.item.as_str()).collect();
    assert_eq!(refused.len(), hostile.len(), "{:?}", report.problems);
    for p in &report.problems {
        assert!(p.message.starts_with("refused name"), "{p:?}");
    }
    // Everything else arrived; nothing was written outside `out/h`.
    let mut names: Vec<String> = std::fs::read_dir(out.join("h"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<String> = if cfg!(windows) {
        vec!["fine.txt".into()]
    } else {
        vec!["CON".into(), "fine.txt".into()]
    };
    assert_eq!(names, expected);
    let outside: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(outside, vec![out.join("h")]);
}
