//! `reve put`, `reve get` and `reve transfers` as a user runs them: the real binary against
//! an in-process demo server (behind a proxy that slows the link down), JSON progress events,
//! and `kill -9` at seeded random moments followed by `reve transfers resume --all`.

mod transfer_support;

use assert_cmd::Command;
use rand::{Rng, SeedableRng, rngs::StdRng};
use reve::transfer::CheckpointStore;
use std::path::Path;
use std::time::{Duration, Instant};
use transfer_support::proxy::FaultProxy;
use transfer_support::*;

const CHUNK: u64 = 64 << 10;

fn reve(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("reve").expect("binary built");
    cmd.env("REVE_CONFIG_DIR", home.join("config"))
        .env("REVE_DATA_DIR", home.join("data"))
        .env("REVE_TOKEN_STORE", "file")
        .env_remove("RUST_LOG");
    cmd
}

fn spawn_reve(home: &Path, args: &[&str]) -> std::process::Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("reve"));
    cmd.env("REVE_CONFIG_DIR", home.join("config"))
        .env("REVE_DATA_DIR", home.join("data"))
        .env("REVE_TOKEN_STORE", "file")
        .env_remove("RUST_LOG")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd.spawn().expect("reve starts")
}

fn login(home: &Path, server: &str) {
    reve(home)
        .args([
            "login",
            "--server",
            server,
            "--email",
            EMAIL,
            "--password-stdin",
        ])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
}

fn checkpoints(home: &Path) -> CheckpointStore {
    CheckpointStore::for_profile(&home.join("data"), "default")
}

/// Starts `reve args…`, waits until its job is on disk plus a random moment, then kills it
/// with SIGKILL. Returns whether it was killed (false: it had already finished).
fn run_and_kill(home: &Path, args: &[&str], rng: &mut StdRng, max_ms: u64) -> bool {
    let mut child = spawn_reve(home, args);
    let deadline = Instant::now() + Duration::from_secs(20);
    while checkpoints(home).job_ids().unwrap_or_default().is_empty() {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(rng.gen_range(0..max_ms)));
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill(); // SIGKILL: no cleanup, no flushing, like `kill -9`
    let _ = child.wait();
    killed
}

fn resume_all(home: &Path) {
    reve(home)
        .args(["transfers", "resume", "--all", "--json"])
        .assert()
        .success();
}

fn assert_no_transfers_left(home: &Path) {
    reve(home)
        .arg("transfers")
        .assert()
        .success()
        .stdout("No unfinished transfers.\n");
}

/// A slow link (chunks wait at the proxy, downloads trickle) so a kill lands mid-transfer.
async fn slow_setup() -> (FaultProxy, reve::demo::DemoHandle) {
    let proxy = FaultProxy::start(3).await;
    let server = demo(CHUNK, Some(proxy.url())).await;
    proxy.forward_to(server.addr);
    proxy.set_chunk_delay(Duration::from_millis(25));
    proxy.set_trickle_content(true);
    (proxy, server)
}

fn make_tree(root: &Path) {
    write(&root.join("a.bin"), &bytes(1, 700_000));
    write(&root.join("b.bin"), &bytes(2, 900_000));
    write(&root.join("sub/c.bin"), &bytes(3, 500_000));
    write(&root.join("sub/empty.txt"), b"");
    std::fs::create_dir_all(root.join("sub/nothing")).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_and_get_with_json_progress() {
    let proxy = FaultProxy::start(4).await;
    let server = demo(CHUNK, Some(proxy.url())).await;
    proxy.forward_to(server.addr);
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let src = home.join("tree");
    make_tree(&src);
    let server_url = proxy.url();
    tokio::task::spawn_blocking({
        let home = home.to_path_buf();
        move || {
            login(&home, &server_url);
            let out = reve(&home)
                .args([
                    "put",
                    "-r",
                    "--json",
                    home.join("tree").to_str().unwrap(),
                    "/cli",
                ])
                .assert()
                .success()
                .get_output()
                .stdout
                .clone();
            // One JSON object per line, each an event; the last one the summary.
            let lines: Vec<serde_json::Value> = String::from_utf8(out)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).expect("a JSON line"))
                .collect();
            assert!(lines.iter().all(|l| l["event"].is_string()));
            assert_eq!(lines[0]["event"], "planned");
            assert_eq!(lines[0]["files"], 4);
            let last = lines.last().unwrap();
            assert_eq!(last["event"], "summary");
            assert_eq!(last["done"], 4);
            assert!(lines.iter().any(|l| l["delta"]["advanced"].is_u64()));

            // Again without --conflict and not on a terminal: every file "exists".
            reve(&home)
                .args(["put", "-r", home.join("tree").to_str().unwrap(), "/cli"])
                .assert()
                .failure();
            reve(&home)
                .args(["transfers", "clear", "--all"])
                .assert()
                .success();

            reve(&home)
                .args([
                    "get",
                    "-r",
                    "/cli/tree",
                    home.join("back").to_str().unwrap(),
                ])
                .assert()
                .success();
            assert_eq!(
                local_tree(&home.join("back/tree")),
                local_tree(&home.join("tree"))
            );
            assert_no_transfers_left(&home);
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_put_and_get_then_resume() {
    let (_proxy, server) = slow_setup().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_path_buf();
    let server_url = format!("http://{}", _proxy.addr);
    // REVE_KILL_SEED picks other kill moments.
    let seed = std::env::var("REVE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xdead);
    let remote_check = tokio::task::spawn_blocking({
        let home = home.clone();
        move || {
            let mut rng = StdRng::seed_from_u64(seed);
            let src = home.join("tree");
            make_tree(&src);
            login(&home, &server_url);

            // put: killed twice at random moments, then resumed to the end.
            let src_arg = src.to_str().unwrap().to_string();
            let mut kills = 0;
            kills += run_and_kill(&home, &["put", "-r", &src_arg, "/k"], &mut rng, 400) as u32;
            let listed = reve(&home).args(["transfers", "--json"]).output().unwrap();
            let jobs: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
            if kills > 0 {
                assert_eq!(jobs[0]["state"], "interrupted", "{jobs}");
            }
            kills += run_and_kill(&home, &["transfers", "resume", "--all"], &mut rng, 400) as u32;
            resume_all(&home);
            assert_no_transfers_left(&home);

            // get: the same.
            let out = home.join("out");
            let out_arg = out.to_str().unwrap().to_string();
            kills +=
                run_and_kill(&home, &["get", "-r", "/k/tree", &out_arg], &mut rng, 1500) as u32;
            kills += run_and_kill(&home, &["transfers", "resume", "--all"], &mut rng, 1500) as u32;
            resume_all(&home);
            assert_no_transfers_left(&home);
            assert_eq!(local_tree(&out.join("tree")), local_tree(&src));
            assert!(part_files(&out).is_empty());
            assert!(kills >= 2, "the kills must land mid-transfer ({kills})");
        }
    });
    remote_check.await.unwrap();
    // The server holds each file once, complete, without placeholders.
    let client = client(&server.base_url()).await;
    let tree = remote_tree(&client, &uri("/k")).await;
    let want: Vec<(&str, u64)> = vec![
        ("tree/", 0),
        ("tree/a.bin", 700_000),
        ("tree/b.bin", 900_000),
        ("tree/sub/", 0),
        ("tree/sub/c.bin", 500_000),
        ("tree/sub/empty.txt", 0),
        ("tree/sub/nothing/", 0),
    ];
    let got: Vec<(&str, u64)> = tree.iter().map(|(k, (s, _))| (k.as_str(), *s)).collect();
    assert_eq!(got, want);
    assert!(
        tree.values().all(|(_, placeholder)| !placeholder),
        "{tree:?}"
    );
}
