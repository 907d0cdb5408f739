//! The worker's transfer commands against the in-process demo server: an upload and a
//! download end with identical bytes, a conflict is asked and answered through events and
//! commands, a paused upload resumes without re-sending acknowledged chunks, and a cancelled
//! job leaves no checkpoint behind.

mod transfer_support;

use reve::app::command::Command;
use reve::app::msg::WorkerEvent;
use reve::app::transfers::{JobEnd, TransferId, TransferRequest};
use reve::transfer::{Answer, CheckpointStore, Choice, Delta, Event};
use reve::worker::transfers::TransferSetup;
use reve::worker::{self, WorkerSetup};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use transfer_support::proxy::FaultProxy;
use transfer_support::*;

const CHUNK: u64 = 4096;

type Channels = (UnboundedSender<Command>, UnboundedReceiver<WorkerEvent>);

fn start_worker(client: reve::api::Client, checkpoints: &Path) -> Channels {
    let (commands, events, _running) = worker::spawn_with_transfers(
        WorkerSetup {
            client: Some(client),
            persist: None,
        },
        TransferSetup {
            store: Some(CheckpointStore::new(checkpoints)),
            config: fast_config(),
        },
    );
    (commands, events)
}

async fn next(events: &mut UnboundedReceiver<WorkerEvent>) -> WorkerEvent {
    tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("the worker answered in time")
        .expect("the worker is running")
}

/// Events of `job` until its run ends; conflicts are answered by `answer`.
async fn run_to_end(
    channels: &mut Channels,
    job: TransferId,
    mut answer: impl FnMut(&reve::transfer::Conflict) -> Answer,
) -> (JobEnd, Vec<Event>) {
    let mut seen = Vec::new();
    loop {
        match next(&mut channels.1).await {
            WorkerEvent::Transfer { job: j, event, .. } if j == job => seen.push(event),
            WorkerEvent::TransferConflict {
                job: j,
                question,
                conflict,
            } if j == job => {
                let answer = answer(&conflict);
                channels
                    .0
                    .send(Command::AnswerConflict { question, answer })
                    .unwrap();
            }
            WorkerEvent::TransferEnded { job: j, end, .. } if j == job => return (end, seen),
            _ => {}
        }
    }
}

fn no_conflicts(c: &reve::transfer::Conflict) -> Answer {
    panic!("unexpected conflict {c:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_then_download_through_the_worker_keeps_every_byte() {
    let server = demo(CHUNK, None).await;
    let client = client(&server.base_url()).await;
    let work = tempfile::tempdir().unwrap();
    let mut channels = start_worker(client.clone(), &work.path().join("checkpoints"));
    let data = bytes(7, CHUNK as usize * 4 + 123);
    let src = work.path().join("up/data.bin");
    write(&src, &data);

    let up = TransferId(1);
    channels
        .0
        .send(Command::StartTransfer {
            job: up,
            request: TransferRequest::Upload {
                sources: vec![src.clone()],
                dest: uri("/"),
            },
        })
        .unwrap();
    let (end, events) = run_to_end(&mut channels, up, no_conflicts).await;
    assert_eq!((end.done, end.failed), (1, 0), "{end:?}");
    assert!(!end.resumable);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Planned { files: 1, .. })),
        "{events:?}"
    );
    let advanced: u64 = events
        .iter()
        .map(|e| match e {
            Event::Progress {
                delta: Delta::Advanced(n),
                ..
            } => *n,
            _ => 0,
        })
        .sum();
    assert_eq!(advanced, data.len() as u64, "progress adds up to the file");
    assert_eq!(
        sha256(&remote_bytes(&client, &uri("/data.bin")).await),
        sha256(&data)
    );

    let down = TransferId(2);
    let out = work.path().join("down");
    std::fs::create_dir_all(&out).unwrap();
    channels
        .0
        .send(Command::StartTransfer {
            job: down,
            request: TransferRequest::Download {
                sources: vec![uri("/data.bin")],
                dest: out.clone(),
            },
        })
        .unwrap();
    let (end, _) = run_to_end(&mut channels, down, no_conflicts).await;
    assert_eq!((end.done, end.failed), (1, 0), "{end:?}");
    assert_eq!(
        sha256(&std::fs::read(out.join("data.bin")).unwrap()),
        sha256(&data)
    );
    assert!(part_files(&out).is_empty());

    // The same upload again: the name is taken, the question comes as an event and the
    // answer ("rename") as a command.
    let again = TransferId(3);
    channels
        .0
        .send(Command::StartTransfer {
            job: again,
            request: TransferRequest::Upload {
                sources: vec![src],
                dest: uri("/"),
            },
        })
        .unwrap();
    let mut asked = Vec::new();
    let (end, _) = run_to_end(&mut channels, again, |c| {
        asked.push(c.name.clone());
        Answer {
            choice: Choice::Rename,
            apply_to_all: false,
        }
    })
    .await;
    assert_eq!(asked, ["data.bin"]);
    assert_eq!(end.done, 1, "{end:?}");
    let tree = remote_tree(&client, &uri("/")).await;
    assert!(tree.contains_key("data (1).bin"), "{tree:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_upload_resumes_from_its_checkpoint() {
    let proxy = FaultProxy::start(3).await;
    let server = demo(CHUNK, Some(proxy.url())).await;
    proxy.forward_to(server.addr);
    let client = client(&proxy.url()).await;
    let work = tempfile::tempdir().unwrap();
    let checkpoints = work.path().join("checkpoints");
    let mut channels = start_worker(client.clone(), &checkpoints);
    let data = bytes(11, CHUNK as usize * 6 + 5); // 7 chunks
    let src = work.path().join("seven.bin");
    write(&src, &data);

    // Chunks 0–2 get through, chunk 3 waits at the proxy: the job is mid-way.
    proxy.hold_chunks_from(Some(3));
    let job = TransferId(1);
    channels
        .0
        .send(Command::StartTransfer {
            job,
            request: TransferRequest::Upload {
                sources: vec![src],
                dest: uri("/"),
            },
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !proxy.chunk_requests().contains_key(&3) {
        assert!(Instant::now() < deadline, "chunk 3 never came");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    channels.0.send(Command::PauseTransfer { job }).unwrap();
    let (end, _) = run_to_end(&mut channels, job, no_conflicts).await;
    assert_eq!((end.done, end.paused), (0, 1), "{end:?}");
    assert!(end.resumable);
    let engine_job = end.engine_job.expect("the job has its engine id");
    let listed = CheckpointStore::new(&checkpoints).list().unwrap();
    assert_eq!(listed.len(), 1, "the checkpoint stays");
    assert_eq!(listed[0].record.id, engine_job);

    proxy.hold_chunks_from(None);
    channels
        .0
        .send(Command::ResumeTransfer {
            job,
            engine_job: engine_job.clone(),
        })
        .unwrap();
    let (end, events) = run_to_end(&mut channels, job, no_conflicts).await;
    assert_eq!((end.done, end.failed), (1, 0), "{end:?}");
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Progress {
                delta: Delta::Resumed(n),
                ..
            } if *n == 3 * CHUNK
        )),
        "the acknowledged chunks count as resumed: {events:?}"
    );
    let sent = proxy.chunk_requests();
    for chunk in 0..3 {
        assert_eq!(
            sent.get(&chunk),
            Some(&1),
            "chunk {chunk} went once: {sent:?}"
        );
    }
    assert_eq!(
        sha256(&remote_bytes(&client, &uri("/seven.bin")).await),
        sha256(&data)
    );
    assert!(
        CheckpointStore::new(&checkpoints)
            .list()
            .unwrap()
            .is_empty(),
        "a finished job leaves no checkpoint"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_upload_is_forgotten() {
    let proxy = FaultProxy::start(5).await;
    let server = demo(CHUNK, Some(proxy.url())).await;
    proxy.forward_to(server.addr);
    let client = client(&proxy.url()).await;
    let work = tempfile::tempdir().unwrap();
    let checkpoints = work.path().join("checkpoints");
    let mut channels = start_worker(client.clone(), &checkpoints);
    let src = work.path().join("four.bin");
    write(&src, &bytes(3, CHUNK as usize * 4));

    proxy.hold_chunks_from(Some(1));
    let job = TransferId(1);
    channels
        .0
        .send(Command::StartTransfer {
            job,
            request: TransferRequest::Upload {
                sources: vec![src],
                dest: uri("/"),
            },
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !proxy.chunk_requests().contains_key(&1) {
        assert!(Instant::now() < deadline, "chunk 1 never came");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    channels
        .0
        .send(Command::CancelTransfer {
            job,
            engine_job: None,
        })
        .unwrap();
    loop {
        if let WorkerEvent::TransferCleared { job: j, error } = next(&mut channels.1).await {
            assert_eq!(j, job);
            assert_eq!(error, None);
            break;
        }
    }
    assert!(
        CheckpointStore::new(&checkpoints)
            .list()
            .unwrap()
            .is_empty()
    );
    proxy.hold_chunks_from(None);
    let tree = remote_tree(&client, &uri("/")).await;
    assert!(
        !tree.contains_key("four.bin"),
        "no placeholder stays: {tree:?}"
    );
}
