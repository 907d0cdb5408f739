//! Resume after the engine dies: the engine's runtime is dropped mid-transfer (every future
//! gone at once, as in a crash), a new engine picks the job up from its checkpoint, finishes
//! it, and the proxy's counts show that only unacknowledged chunks were sent again; a
//! download continues with `Range` from the bytes that were durable.

mod transfer_support;

use reve::transfer::conflict::Refuse;
use reve::transfer::{CheckpointStore, ConflictPolicy, JobOptions, Outcome};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;
use transfer_support::proxy::FaultProxy;
use transfer_support::*;

const CHUNK: u64 = 4096;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Waits (polling the checkpoints on disk, as another process would) until `done` holds.
fn wait_for_checkpoint(dir: &Path, done: impl Fn(u64) -> bool) {
    let store = CheckpointStore::new(dir);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let bytes: u64 = store
            .list()
            .unwrap_or_default()
            .iter()
            .flat_map(|job| &job.transfers)
            .map(|t| t.bytes_done())
            .sum();
        if done(bytes) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no progress: {bytes} bytes: {:?}",
            store.list()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn options() -> JobOptions {
    JobOptions {
        recursive: false,
        conflict: ConflictPolicy::Fail,
    }
}

#[test]
fn upload_resumes_after_the_engine_dies_and_resends_only_unacknowledged_chunks() {
    let server_rt = runtime();
    let (proxy, server) = server_rt.block_on(async {
        let proxy = FaultProxy::start(1).await;
        let server = demo(CHUNK, Some(proxy.url())).await;
        proxy.forward_to(server.addr);
        (proxy, server)
    });
    let base = proxy.url();
    let work = tempfile::tempdir().unwrap();
    let checkpoints = work.path().join("checkpoints");
    let data = bytes(42, CHUNK as usize * 8 + 100); // 9 chunks
    let src = work.path().join("nine.bin");
    write(&src, &data);

    // Engine A: chunks 0–2 get through, chunk 3 hangs at the proxy; then A dies.
    proxy.hold_chunks_from(Some(3));
    let engine_a = runtime();
    {
        let (base, checkpoints, src) = (base.clone(), checkpoints.clone(), src.clone());
        engine_a.spawn(async move {
            let client = client(&base).await;
            let engine = engine(&client, &checkpoints, fast_config());
            let _ = engine
                .put(
                    &[src],
                    &uri("/resume"),
                    options(),
                    Box::new(Refuse),
                    CancellationToken::new(),
                )
                .await;
        });
    }
    wait_for_checkpoint(&checkpoints, |bytes| bytes == 3 * CHUNK);
    // Give chunk 3 time to reach the proxy (where it is held).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !proxy.chunk_requests().contains_key(&3) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(engine_a);
    let before = proxy.chunk_requests();
    assert_eq!(
        before.into_iter().collect::<Vec<_>>(),
        vec![(0, 1), (1, 1), (2, 1), (3, 1)]
    );

    // The job is listed as interrupted, not running.
    let store = CheckpointStore::new(&checkpoints);
    let jobs = store.list().unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(!jobs[0].running);
    let job_id = jobs[0].record.id.clone();

    // Engine B: a fresh runtime, client and engine, from the checkpoint only.
    proxy.hold_chunks_from(None);
    let engine_b = runtime();
    let report = engine_b.block_on(async {
        let client = client(&base).await;
        let engine = engine(&client, &checkpoints, fast_config());
        engine
            .resume(&job_id, None, Box::new(Refuse), CancellationToken::new())
            .await
            .unwrap()
    });
    assert_eq!(
        report.files[0].outcome,
        Outcome::Done("cloudreve://my/resume/nine.bin".into()),
        "{report:?}"
    );
    // Acknowledged chunks 0–2 went once; chunk 3 (never acknowledged) twice; the rest once.
    let after = proxy.chunk_requests();
    let expected: Vec<(u64, u32)> = (0..9).map(|i| (i, if i == 3 { 2 } else { 1 })).collect();
    assert_eq!(after.into_iter().collect::<Vec<_>>(), expected);
    let remote = engine_b.block_on(async {
        let client = client(&base).await;
        remote_bytes(&client, &uri("/resume/nine.bin")).await
    });
    assert_eq!(sha256(&remote), sha256(&data));
    assert!(store.list().unwrap().is_empty(), "the checkpoint is gone");
    drop(server);
}

#[test]
fn download_resumes_after_the_engine_dies_from_the_durable_bytes() {
    let server_rt = runtime();
    let (proxy, server) = server_rt.block_on(async {
        let proxy = FaultProxy::start(2).await;
        let server = demo(CHUNK, Some(proxy.url())).await;
        proxy.forward_to(server.addr);
        (proxy, server)
    });
    let base = proxy.url();
    let work = tempfile::tempdir().unwrap();
    let checkpoints = work.path().join("checkpoints");
    let data = bytes(7, 100_000);
    let src = work.path().join("big.bin");
    write(&src, &data);
    server_rt.block_on(async {
        let client = client(&base).await;
        let engine = engine(&client, &checkpoints, fast_config());
        let put = engine
            .put(
                &[src],
                &uri("/dl"),
                options(),
                Box::new(Refuse),
                CancellationToken::new(),
            )
            .await
            .unwrap();
        assert_eq!(put.failed(), 0);
    });

    // Engine A: the content response freezes after ~50 kB; A dies once some of it is durable.
    proxy.hold_content_after(Some(50_000));
    let out = work.path().join("out");
    let engine_a = runtime();
    {
        let (base, checkpoints, out) = (base.clone(), checkpoints.clone(), out.clone());
        engine_a.spawn(async move {
            let client = client(&base).await;
            let engine = engine(&client, &checkpoints, fast_config());
            let _ = engine
                .get(
                    &[uri("/dl/big.bin")],
                    &out,
                    options(),
                    Box::new(Refuse),
                    CancellationToken::new(),
                )
                .await;
        });
    }
    wait_for_checkpoint(&checkpoints, |bytes| bytes >= 40_000);
    drop(engine_a);
    assert!(
        !out.join("big.bin").exists(),
        "no partial file under the final name"
    );
    assert_eq!(part_files(&out).len(), 1);
    let store = CheckpointStore::new(&checkpoints);
    let durable = store.list().unwrap()[0].transfers[0].bytes_done();
    let job_id = store.list().unwrap()[0].record.id.clone();

    proxy.hold_content_after(None);
    let engine_b = runtime();
    let report = engine_b.block_on(async {
        let client = client(&base).await;
        let engine = engine(&client, &checkpoints, fast_config());
        engine
            .resume(&job_id, None, Box::new(Refuse), CancellationToken::new())
            .await
            .unwrap()
    });
    assert!(
        matches!(report.files[0].outcome, Outcome::Done(_)),
        "{report:?}"
    );
    let ranges = proxy.content_ranges();
    assert_eq!(
        ranges.last().cloned().flatten(),
        Some(format!("bytes={durable}-")),
        "{ranges:?}"
    );
    assert_eq!(
        sha256(&std::fs::read(out.join("big.bin")).unwrap()),
        sha256(&data)
    );
    assert!(part_files(&out).is_empty());
    assert!(store.list().unwrap().is_empty());
    drop(server);
}

/// A source file that changed while the engine was down is uploaded anew: the old session is
/// cancelled and every chunk goes again (never a file mixing two versions).
#[test]
fn a_changed_source_restarts_the_upload() {
    let server_rt = runtime();
    let (proxy, _server) = server_rt.block_on(async {
        let proxy = FaultProxy::start(5).await;
        let server = demo(CHUNK, Some(proxy.url())).await;
        proxy.forward_to(server.addr);
        (proxy, server)
    });
    let base = proxy.url();
    let work = tempfile::tempdir().unwrap();
    let checkpoints = work.path().join("checkpoints");
    let src = work.path().join("doc.bin");
    write(&src, &bytes(1, CHUNK as usize * 4));

    proxy.hold_chunks_from(Some(2));
    let engine_a = runtime();
    {
        let (base, checkpoints, src) = (base.clone(), checkpoints.clone(), src.clone());
        engine_a.spawn(async move {
            let client = client(&base).await;
            let engine = engine(&client, &checkpoints, fast_config());
            let _ = engine
                .put(
                    &[src],
                    &uri("/chg"),
                    options(),
                    Box::new(Refuse),
                    CancellationToken::new(),
                )
                .await;
        });
    }
    wait_for_checkpoint(&checkpoints, |bytes| bytes == 2 * CHUNK);
    drop(engine_a);

    // Same size, new content.
    let changed = bytes(2, CHUNK as usize * 4);
    write(&src, &changed);
    proxy.hold_chunks_from(None);
    let job_id = CheckpointStore::new(&checkpoints).list().unwrap()[0]
        .record
        .id
        .clone();
    let engine_b = runtime();
    let remote = engine_b.block_on(async {
        let client = client(&base).await;
        let engine = engine(&client, &checkpoints, fast_config());
        let report = engine
            .resume(&job_id, None, Box::new(Refuse), CancellationToken::new())
            .await
            .unwrap();
        assert!(
            matches!(report.files[0].outcome, Outcome::Done(_)),
            "{report:?}"
        );
        remote_bytes(&client, &uri("/chg/doc.bin")).await
    });
    assert_eq!(sha256(&remote), sha256(&changed));
    // Chunks 0 and 1 went twice: once for the old content, once for the new.
    assert_eq!(proxy.chunk_requests()[&0], 2);
    assert_eq!(proxy.chunk_requests()[&1], 2);
}

/// `40011` in the middle of an upload (the session was cancelled or expired on the server):
/// the engine checks that the file is not complete, then starts one new session.
#[test]
fn a_lost_session_is_recreated_once() {
    let rt = runtime();
    rt.block_on(async {
        let proxy = FaultProxy::start(6).await;
        let server = demo(CHUNK, Some(proxy.url())).await;
        proxy.forward_to(server.addr);
        let client = client(&proxy.url()).await;
        let work = tempfile::tempdir().unwrap();
        let checkpoints = work.path().join("checkpoints");
        let data = bytes(3, CHUNK as usize * 5);
        let src = work.path().join("lost.bin");
        write(&src, &data);

        proxy.hold_chunks_from(Some(3));
        let engine = std::sync::Arc::new(engine(&client, &checkpoints, fast_config()));
        let running = {
            let engine = engine.clone();
            tokio::spawn(async move {
                engine
                    .put(
                        &[src],
                        &uri("/lost"),
                        options(),
                        Box::new(Refuse),
                        CancellationToken::new(),
                    )
                    .await
                    .unwrap()
            })
        };
        // Wait for three acknowledged chunks, then cancel the session behind the engine's back.
        let session = loop {
            let jobs = CheckpointStore::new(&checkpoints).list().unwrap();
            let rec = jobs.first().and_then(|j| j.transfers.first()).cloned();
            if let Some(rec) = rec
                && rec.bytes_done() == 3 * CHUNK
                && let reve::transfer::checkpoint::Spec::Upload(u) = &rec.spec
                && let Some(s) = &u.session
            {
                break s.clone();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        client
            .cancel_upload(&session.session_id, &session.uri)
            .await
            .unwrap();
        proxy.hold_chunks_from(None);

        // The held chunk 3 is abandoned by the stall watchdog, its retry gets 40011.
        let report = running.await.unwrap();
        assert_eq!(
            report.files[0].outcome,
            Outcome::Done("cloudreve://my/lost/lost.bin".into()),
            "{report:?}"
        );
        assert_eq!(
            sha256(&remote_bytes(&client, &uri("/lost/lost.bin")).await),
            sha256(&data)
        );
        assert_eq!(
            proxy.chunk_requests()[&0],
            2,
            "the new session starts from chunk 0"
        );
        let tree = remote_tree(&client, &uri("/lost")).await;
        assert_eq!(tree.len(), 1, "{tree:?}");
        drop(server);
    });
}
