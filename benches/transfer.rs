//! Transfer engine throughput against the in-process demo server on loopback: one 64 MiB
//! upload (4 MiB chunks) and its download, and 200 files of 4 KiB uploaded three at a time.
//! `scripts/bench_transfers.sh` compares the same flows with curl on a 1 GiB file.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reve::api::uri::CrUri;
use reve::api::{Client, ClientConfig, LoginOutcome};
use reve::demo::{self, DemoConfig};
use reve::transfer::conflict::Refuse;
use reve::transfer::{CheckpointStore, Choice, ConflictPolicy, Engine, EngineConfig, JobOptions};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const BIG: usize = 64 << 20;

fn options() -> JobOptions {
    JobOptions {
        recursive: true,
        conflict: ConflictPolicy::Always(Choice::Overwrite),
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let work = tempfile::tempdir().expect("temp dir");
    let (server, engine) = rt.block_on(async {
        let server = demo::start(DemoConfig {
            chunk_size: 4 << 20,
            ..DemoConfig::default()
        })
        .await
        .expect("demo");
        server
            .state
            .lock()
            .create_user("b@reve.test", "bench-password", None);
        let client = Client::new(ClientConfig::new(server.base_url())).expect("client");
        let Ok(LoginOutcome::SignedIn(..)) = client.login("b@reve.test", "bench-password").await
        else {
            panic!("login");
        };
        let engine = Engine::new(
            client,
            CheckpointStore::new(work.path().join("cp")),
            EngineConfig::default(),
        );
        (server, engine)
    });
    let big = work.path().join("big.bin");
    std::fs::write(&big, vec![7u8; BIG]).expect("write");
    let small = work.path().join("small");
    std::fs::create_dir_all(&small).expect("mkdir");
    for i in 0..200 {
        std::fs::write(small.join(format!("f{i}.bin")), vec![i as u8; 4096]).expect("write");
    }
    let out = work.path().join("out");

    let mut group = c.benchmark_group("transfer");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(BIG as u64));
    group.bench_function("upload 64 MiB", |b| {
        b.iter(|| {
            rt.block_on(engine.put(
                std::slice::from_ref(&big),
                &CrUri::my_root(),
                options(),
                Box::new(Refuse),
                CancellationToken::new(),
            ))
            .expect("upload")
        })
    });
    group.bench_function("download 64 MiB", |b| {
        b.iter(|| {
            rt.block_on(engine.get(
                &[CrUri::my_root().join("big.bin")],
                &out,
                options(),
                Box::new(Refuse),
                CancellationToken::new(),
            ))
            .expect("download")
        })
    });
    group.throughput(Throughput::Elements(200));
    group.bench_function("upload 200 × 4 KiB", |b| {
        b.iter(|| {
            rt.block_on(engine.put(
                std::slice::from_ref(&small),
                &CrUri::my_root(),
                options(),
                Box::new(Refuse),
                CancellationToken::new(),
            ))
            .expect("upload")
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
