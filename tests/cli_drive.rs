//! The drive and account commands end to end: the real `reve` binary against an in-process
//! demo server (tasks, archives, remote downloads, shares and presets, direct links, versions,
//! pins, tags, avatar, settings, password, 2FA, WebDAV accounts).

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use reve::api::models::TaskCategory;
use reve::api::{CrUri, share_link_to_uri};
use reve::demo::{self, DemoHandle};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

struct Env {
    server: DemoHandle,
    home: tempfile::TempDir,
}

impl Env {
    /// A seeded server and a signed-in CLI home.
    async fn signed_in() -> Env {
        let env = Env {
            server: common::seeded_server().await,
            home: tempfile::tempdir().expect("temp dir"),
        };
        env.reve()
            .args(["login", "--server", &env.server.base_url()])
            .args(["--email", demo::seed::DEMO_EMAIL, "--password-stdin"])
            .write_stdin(format!("{}\n", demo::seed::DEMO_PASSWORD))
            .assert()
            .success();
        env
    }

    fn reve(&self) -> Command {
        let mut cmd = Command::cargo_bin("reve").expect("binary built");
        cmd.env("REVE_CONFIG_DIR", self.home.path().join("config"))
            .env("REVE_DATA_DIR", self.home.path().join("data"))
            .env("REVE_TOKEN_STORE", "file")
            .env_remove("RUST_LOG")
            .env_remove("TMUX")
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// Runs `reve args…`, expects success and returns standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.reve().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 output")
    }

    /// Runs `reve args… --json`-style commands and parses standard output.
    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON on stdout")
    }

    /// Runs `reve args…`, expects exit code 1 and returns standard error.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.reve().args(args).assert().code(1);
        String::from_utf8(out.get_output().stderr.clone()).expect("UTF-8 output")
    }

    fn append_config(&self, text: &str) {
        let path = self.home.path().join("config/config.toml");
        let mut config = std::fs::read_to_string(&path).expect("config written by login");
        config.push_str(text);
        std::fs::write(&path, config).expect("config written");
    }

    async fn client(&self) -> reve::api::Client {
        common::demo_client(&self.server.base_url()).await
    }
}

fn my(path: &str) -> CrUri {
    CrUri::from_user_input(path).expect("valid path")
}

fn no_escapes(text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "raw control characters in {text:?}"
    );
}

// ---- shares -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn share_from_preset_is_read_back_and_browsed_anonymously() {
    let env = Env::signed_in().await;
    env.append_config(
        "\n[share_presets.team]\nprivate = true\nexpire = \"2d\"\ndownloads = 4\n\
         share_view = true\nshow_readme = true\n\
         \n[share_presets.default]\nexpire = \"1h\"\n",
    );

    let made = env.json(&[
        "share",
        "create",
        "/Documents",
        "--preset",
        "team",
        "--json",
    ]);
    assert_eq!(made["preset"], "team");
    let id = made["id"].as_str().expect("share id").to_string();
    let password = made["password"]
        .as_str()
        .expect("generated password")
        .to_string();
    assert_eq!(password.len(), 8, "the server generates 8 characters");

    let shares = env.json(&["share", "list", "--json"]);
    let share = shares
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .expect("the new share is listed");
    assert_eq!(share["private"], true);
    assert_eq!(share["password"], password.as_str());
    assert_eq!(share["remain_downloads"], 4);
    assert_eq!(share["share_view"], true);
    assert_eq!(share["show_readme"], true);
    let expires =
        chrono::DateTime::parse_from_rfc3339(share["expires"].as_str().unwrap()).expect("expiry");
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((2 * 86400 - 120..=2 * 86400).contains(&left), "{left}");

    // No --preset: the `default` preset applies; flags override it.
    let plain = env.json(&["share", "create", "/Pictures", "--json"]);
    assert_eq!(plain["preset"], "default");
    assert_eq!(plain["password"], Value::Null);
    let custom = env.json(&[
        "share",
        "create",
        "/Music",
        "--preset",
        "team",
        "--password",
        "Secret42",
        "--downloads",
        "9",
        "--json",
    ]);
    assert_eq!(custom["password"], "Secret42");
    let shares = env.json(&["share", "list", "--json"]);
    let listed = |id: &Value| {
        shares
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == *id)
            .cloned()
            .expect("listed")
    };
    assert!(listed(&plain["id"])["expires"].is_string());
    assert_eq!(listed(&plain["id"])["private"], false);
    assert_eq!(listed(&custom["id"])["remain_downloads"], 9);

    assert!(
        env.fails(&["share", "create", "/Music", "--preset", "nope"])
            .contains("team")
    );
    assert!(
        env.fails(&["share", "create", "/Music", "--password", "not valid!"])
            .contains("letters")
    );

    // Browsing the share anonymously: with its password, without it, with a wrong one.
    let anon = common::anonymous(&env.server.base_url());
    let url = made["url"].as_str().unwrap();
    let with_password = share_link_to_uri(url).expect("share URI");
    let listing = anon
        .list_page(&with_password, None, None)
        .await
        .expect("listing with the password");
    let names: Vec<&str> = listing.files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"README.md"), "{names:?}");
    let without = CrUri::share(&id, None);
    assert_eq!(
        common::code_of(anon.list_page(&without, None, None).await),
        40069
    );
    let wrong = CrUri::share(&id, Some("wrongpass"));
    assert_eq!(
        common::code_of(anon.list_page(&wrong, None, None).await),
        40069
    );
}

/// The owner's view of a protected share needs its password (40069 without it): the edit
/// finds it in the owner's share list, keeps it, and keeps the link.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_protected_share_is_edited() {
    let env = Env::signed_in().await;
    let made = env.json(&[
        "share",
        "create",
        "/Documents",
        "--password",
        "secret42",
        "--expire",
        "1h",
        "--json",
    ]);
    let id = made["id"].as_str().expect("share id").to_string();
    let url = made["url"].as_str().expect("url").to_string();
    let edited = env.json(&[
        "share",
        "edit",
        &id,
        "--expire",
        "3d",
        "--downloads",
        "2",
        "--json",
    ]);
    assert_eq!(edited["id"], id.as_str());
    let link = edited["url"].as_str().expect("url");
    assert_eq!(
        share_link_to_uri(link).expect("link"),
        share_link_to_uri(&url).expect("link"),
        "the same link, password included"
    );
    let shares = env.json(&["share", "list", "--json"]);
    let share = shares
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == id.as_str())
        .expect("still listed");
    assert_eq!(share["password"], "secret42");
    assert_eq!(share["remain_downloads"], 2);
    let expires =
        chrono::DateTime::parse_from_rfc3339(share["expires"].as_str().unwrap()).expect("expiry");
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!(
        (2 * 86_400..=3 * 86_400).contains(&left),
        "about three days left, not one hour: {left}s"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn share_qr_code_is_printed() {
    let env = Env::signed_in().await;
    let out = env.ok(&["share", "create", "/Documents/todo.txt", "--qr"]);
    let mut lines = out.lines();
    assert!(lines.next().unwrap().contains("/s/"));
    let qr: Vec<&str> = lines.collect();
    assert!(qr.len() > 10, "{out}");
    assert!(qr.iter().all(|l| l.chars().all(|c| " ▀▄█".contains(c))));
    // With --json the code goes to standard error and standard output stays JSON.
    let out = env
        .reve()
        .args(["share", "create", "/Documents/todo.txt", "--qr", "--json"])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert!(json["url"].is_string());
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains('█'));
}

// ---- tasks --------------------------------------------------------------------------------

/// Every file below `uri`, as relative path → content.
async fn tree(client: &reve::api::Client, uri: &CrUri) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![(uri.clone(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let listing = client
            .list_all(&folder, &Default::default())
            .await
            .expect("listing");
        for f in listing.files {
            let rel = format!("{prefix}{}", f.name);
            let child = folder.join(&f.name);
            if f.is_folder() {
                pending.push((child, format!("{rel}/")));
            } else {
                out.push((rel, common::fetch(client, &child).await));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn archive_then_extract_leaves_identical_files() {
    let env = Env::signed_in().await;
    let created = env.json(&[
        "archive",
        "create",
        "/Documents/Projects",
        "--to",
        "/rt/projects.zip",
        "--wait",
        "--json",
    ]);
    assert_eq!(created[0]["status"], "completed", "{created}");
    assert_eq!(created[0]["type"], "create_archive");

    let listed = env.json(&["archive", "list", "/rt/projects.zip", "--json"]);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("notes 100% #1.md")),
        "{names:?}"
    );

    // The destination folder does not exist yet: extract creates it.
    let extracted = env.json(&[
        "archive",
        "extract",
        "/rt/projects.zip",
        "--to",
        "/rt/out",
        "--wait",
        "--json",
    ]);
    assert_eq!(extracted[0]["status"], "completed", "{extracted}");

    let client = env.client().await;
    let original = tree(&client, &my("/Documents/Projects")).await;
    let copy = tree(&client, &my("/rt/out/Projects")).await;
    assert!(original.len() >= 2);
    assert_eq!(original, copy);

    // Both tasks are in the list, and `--watch` ends at once when nothing runs.
    let out = env.ok(&["tasks", "--watch", "--category", "general"]);
    assert!(
        out.contains("create_archive") && out.contains("extract_archive"),
        "{out}"
    );
    assert!(out.contains("/rt/projects.zip → /rt/out"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_watch_follows_a_running_task_to_the_end() {
    let env = Env::signed_in().await;
    // Queued long enough that the first snapshot surely sees it waiting.
    env.server.state.lock().tasks.timing.queued = Duration::from_secs(2);
    let created = env.json(&[
        "archive",
        "create",
        "/Documents",
        "--to",
        "/w.zip",
        "--json",
    ]);
    assert_eq!(created[0]["status"], "queued");
    let out = env.ok(&["tasks", "--watch", "--json"]);
    let snapshots: Vec<Value> = serde_json::Deserializer::from_str(&out)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("JSON snapshots");
    assert!(snapshots.len() >= 2, "a snapshot per change: {out}");
    let first = &snapshots[0][0];
    assert_eq!(first["status"], "queued");
    let last = &snapshots.last().unwrap()[0];
    assert_eq!(last["status"], "completed");
    assert_eq!(last["dst"], "cloudreve://my/w.zip");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_in_task_summaries_are_escaped() {
    let env = Env::signed_in().await;
    let evil = "/evil\u{1b}]52;c;aGk=\u{7}\u{202e}dir";
    env.ok(&["mkdir", evil]);
    env.ok(&["archive", "create", evil, "--to", "/e.zip", "--wait"]);
    let out = env.ok(&["tasks"]);
    no_escapes(&out);
    assert!(
        out.contains("evil\\x1b]52;c;aGk=\\x07\\u{202e}dir"),
        "{out}"
    );
    let raw = env.ok(&["tasks", "--json"]);
    no_escapes(&raw);
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_download_can_be_cancelled() {
    let env = Env::signed_in().await;
    // Long enough that only the cancel can end it.
    env.server.state.lock().tasks.timing.download_failure = Duration::from_secs(600);
    let created = env.json(&[
        "download",
        "http://127.0.0.1:9/big.iso",
        "--to",
        "/downloads",
        "--json",
    ]);
    let id = created[0]["id"].as_str().expect("task id").to_string();
    assert_eq!(created[0]["type"], "remote_download");

    let running = env.json(&["tasks", "--category", "downloading", "--json"]);
    assert_eq!(running[0]["id"], id.as_str());

    let out = env.ok(&["task", "cancel", &id]);
    assert!(out.contains("cancelled"), "{out}");
    let client = env.client().await;
    let done = common::finished_task(&client, TaskCategory::Downloaded, &id).await;
    assert_eq!(done.error.as_deref(), Some("canceled by user"));
    assert!(
        env.fails(&["task", "cancel", &id])
            .contains("already ended")
    );

    // Archive tasks cannot be cancelled.
    let archive = env.json(&["archive", "create", "/Music", "--to", "/m.zip", "--json"]);
    let archive_id = archive[0]["id"].as_str().unwrap();
    assert!(
        env.fails(&["task", "cancel", archive_id])
            .contains("only remote downloads")
    );

    // --wait reports a failed download with a non-zero exit.
    env.server.state.lock().tasks.timing.download_failure = Duration::from_millis(100);
    let err = env.fails(&[
        "download",
        "http://127.0.0.1:9/other.iso",
        "--to",
        "/downloads",
        "--wait",
    ]);
    assert!(err.contains("no downloader"), "{err}");
}

// ---- direct links, versions, pins, tags ---------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn direct_links_are_created_listed_and_removed() {
    let env = Env::signed_in().await;
    let file = "/Documents/todo.txt";
    let made = env.json(&["link", "create", file, "--json"]);
    let url = made[0]["url"].as_str().expect("link").to_string();
    assert_eq!(made[0]["uri"], "cloudreve://my/Documents/todo.txt");

    let body = reqwest::get(&url)
        .await
        .expect("link works")
        .bytes()
        .await
        .unwrap();
    assert!(body.starts_with(b"- try reve"), "{body:?}");

    let listed = env.json(&["link", "list", file, "--json"]);
    assert_eq!(listed[0]["url"], url.as_str());
    let id = listed[0]["id"].as_str().unwrap();
    env.ok(&["link", "rm", id]);
    assert_eq!(
        env.json(&["link", "list", file, "--json"]),
        serde_json::json!([])
    );
    let gone = reqwest::get(&url).await.expect("answer");
    assert_eq!(gone.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_are_listed_switched_and_deleted() {
    let env = Env::signed_in().await;
    let file = "/Documents/report 2026.txt";
    let versions = env.json(&["versions", file, "--json"]);
    let list = versions.as_array().unwrap();
    assert_eq!(list.len(), 2, "{versions}");
    assert_eq!(list[0]["current"], true, "newest first, current");
    let newest = list[0]["id"].as_str().unwrap().to_string();
    let oldest = list[1]["id"].as_str().unwrap().to_string();

    env.ok(&["version", "set", file, &oldest]);
    let client = env.client().await;
    assert_eq!(
        common::fetch(&client, &my(file)).await,
        b"Quarterly report, first draft.\n"
    );
    let versions = env.json(&["versions", file, "--json"]);
    assert_eq!(versions[1]["current"], true);

    let err = env.fails(&["version", "rm", file, &oldest]);
    assert!(err.contains("current"), "{err}");
    env.ok(&["version", "rm", file, &newest]);
    let versions = env.json(&["versions", file, "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 1);
    assert_eq!(versions[0]["id"], oldest.as_str());

    let url = env.ok(&["version", "url", file, &oldest]);
    assert!(url.trim().starts_with("http"), "{url}");
    assert!(env.fails(&["versions", "/Documents"]).contains("folder"));
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_and_pins_round_trip() {
    let env = Env::signed_in().await;
    env.ok(&["tag", "add", "/Documents", "work", "--color", "#e91e63"]);
    env.ok(&["tag", "add", "/Documents", "todo"]);
    let tags = env.json(&["tag", "list", "/Documents", "--json"]);
    assert_eq!(
        tags,
        serde_json::json!([
            {"name": "todo", "color": null},
            {"name": "work", "color": "#e91e63"},
        ])
    );
    let info = env.json(&["info", "/Documents", "--json"]);
    assert_eq!(info["metadata"]["tag:work"], "#e91e63");
    assert!(
        env.fails(&["tag", "add", "/Documents", "x", "--color", "blue"])
            .contains("colour")
    );
    env.ok(&["tag", "rm", "/Documents", "work"]);
    let tags = env.json(&["tag", "list", "/Documents", "--json"]);
    assert_eq!(tags, serde_json::json!([{"name": "todo", "color": null}]));

    env.ok(&["pin", "/Documents/Projects", "--name", "Work"]);
    let pins = env.json(&["pins", "--json"]);
    assert_eq!(
        pins,
        serde_json::json!([{"uri": "cloudreve://my/Documents/Projects", "name": "Work"}])
    );
    env.ok(&["unpin", "/Documents/Projects"]);
    assert_eq!(env.json(&["pins", "--json"]), serde_json::json!([]));
}

// ---- account ------------------------------------------------------------------------------

/// A 300×120 PNG: left half red, right half blue.
fn wide_png(path: &Path) {
    let img = image::RgbImage::from_fn(300, 120, |x, _| {
        if x < 150 {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        }
    });
    img.save(path).expect("PNG written");
}

#[tokio::test(flavor = "multi_thread")]
async fn avatar_upload_show_and_gravatar() {
    let env = Env::signed_in().await;
    let shown = env.json(&["avatar", "show", "--json"]);
    assert_eq!(shown["kind"], "none");
    assert_eq!(shown["initials"], "D");
    let out = env.ok(&["avatar", "show"]);
    assert!(out.contains("[D]"), "{out}");

    let src = env.home.path().join("wide.png");
    wide_png(&src);
    let out = env.ok(&["avatar", "set", src.to_str().unwrap()]);
    assert!(out.contains("120×120"), "cropped to a square first: {out}");

    let saved = env.home.path().join("me.png");
    let shown = env.json(&["avatar", "show", "--out", saved.to_str().unwrap(), "--json"]);
    assert_eq!(shown["kind"], "file");
    let img = image::open(&saved).expect("a PNG was saved").to_rgb8();
    assert_eq!(img.dimensions(), (200, 200));
    // Cropped, not squashed: the colour boundary stays in the middle.
    assert_eq!(img.get_pixel(40, 100).0, [255, 0, 0]);
    assert_eq!(img.get_pixel(160, 100).0, [0, 0, 255]);

    let not_image = env.home.path().join("notes.txt");
    std::fs::write(&not_image, "hello").unwrap();
    assert!(
        env.fails(&["avatar", "set", not_image.to_str().unwrap()])
            .contains("not a PNG")
    );

    env.ok(&["avatar", "gravatar"]);
    let shown = env.json(&["avatar", "show", "--json"]);
    assert_eq!(shown["kind"], "gravatar");
    assert!(
        shown["gravatar_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.gravatar.com/avatar/")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_are_set_and_read_back() {
    let env = Env::signed_in().await;
    let out = env.ok(&["settings", "set", "nickname", "Ada \u{1b}[31mL"]);
    no_escapes(&out);
    env.ok(&["settings", "set", "version_retention_max", "3"]);
    env.ok(&["settings", "set", "version_retention_ext", "txt, md"]);
    env.ok(&["settings", "set", "view_sync", "off"]);
    env.ok(&["settings", "set", "share_links_in_profile", "hide_share"]);
    env.ok(&["settings", "set", "theme", "#336699"]);
    let s = env.json(&["settings", "get", "--json"]);
    assert_eq!(s["nickname"], "Ada \u{1b}[31mL");
    assert_eq!(s["version_retention_max"], "3");
    assert_eq!(s["version_retention_ext"], "txt,md");
    assert_eq!(s["view_sync"], "off");
    assert_eq!(s["share_links_in_profile"], "hide_share");
    assert_eq!(s["theme"], "#336699");
    assert_eq!(env.ok(&["settings", "get", "view_sync"]).trim(), "off");
    let table = env.ok(&["settings", "get"]);
    no_escapes(&table);

    assert!(
        env.fails(&["settings", "set", "colour", "x"])
            .contains("nickname")
    );
    let err = env.fails(&["settings", "set", "theme", "red"]);
    assert!(err.contains("40001"), "the server refuses names: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn password_change_keeps_this_device_signed_in() {
    let env = Env::signed_in().await;
    let err = env
        .reve()
        .args(["password", "--stdin"])
        .write_stdin("wrong-password\nnew-password-1\nnew-password-1\n")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("40069"));
    env.reve()
        .args(["password", "--stdin"])
        .write_stdin("demo-password\nnew-password-1\nnew-password-2\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("differ"));
    env.reve()
        .args(["password", "--stdin"])
        .write_stdin(format!(
            "{}\nnew-password-1\nnew-password-1\n",
            demo::seed::DEMO_PASSWORD
        ))
        .assert()
        .success()
        .stdout(predicate::str::contains("signed in again"));
    env.ok(&["whoami"]);
    let fresh = common::anonymous(&env.server.base_url());
    fresh
        .login(demo::seed::DEMO_EMAIL, "new-password-1")
        .await
        .expect("the new password works");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_factor_enable_sign_in_with_code_and_disable() {
    let env = Env::signed_in().await;
    let enabled = env.json(&["2fa", "enable", "--json"]);
    let secret = enabled["secret"].as_str().expect("secret").to_string();
    let uri = enabled["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret}")),
        "{uri}"
    );
    let wrong = common::totp_wrong(&secret);
    assert!(
        env.fails(&["2fa", "enable", "--code", &wrong])
            .contains("40022")
    );
    env.ok(&["2fa", "enable", "--code", &common::totp_now(&secret)]);
    assert_eq!(env.ok(&["settings", "get", "two_fa"]).trim(), "on");

    env.ok(&["logout"]);
    let login = |otp: Option<String>| {
        let mut cmd = env.reve();
        cmd.args(["login", "--server", &env.server.base_url()])
            .args(["--email", demo::seed::DEMO_EMAIL, "--password-stdin"]);
        if let Some(code) = otp {
            cmd.args(["--otp", &code]);
        }
        cmd.write_stdin(format!("{}\n", demo::seed::DEMO_PASSWORD));
        cmd
    };
    login(None)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--otp"));
    login(Some(common::totp_now(&secret))).assert().success();

    assert!(env.fails(&["2fa", "disable"]).contains("--code"));
    env.ok(&["2fa", "disable", "--code", &common::totp_now(&secret)]);
    assert_eq!(env.ok(&["settings", "get", "two_fa"]).trim(), "off");
}

#[tokio::test(flavor = "multi_thread")]
async fn webdav_accounts_crud() {
    let env = Env::signed_in().await;
    let made = env.json(&[
        "webdav",
        "create",
        "/Documents",
        "--name",
        "laptop",
        "--readonly",
        "--json",
    ]);
    let id = made["id"].as_str().unwrap().to_string();
    let password = made["password"].as_str().unwrap().to_string();
    assert_eq!(password.len(), 32);
    assert_eq!(made["readonly"], true);
    assert_eq!(made["root"], "cloudreve://my/Documents");

    let listed = env.json(&["webdav", "list", "--json"]);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0].get("password").is_none(), "hidden by default");
    let table = env.ok(&["webdav", "list"]);
    assert!(!table.contains(&password) && table.contains("(hidden)"));
    assert!(table.contains("/dav/") && table.contains(demo::seed::DEMO_EMAIL));
    let revealed = env.json(&["webdav", "list", "--json", "--show-passwords"]);
    assert_eq!(revealed[0]["password"], password.as_str());

    // Editing keeps what is not named (the server would reset it).
    let edited = env.json(&[
        "webdav", "edit", &id, "--name", "desk", "--proxy", "true", "--json",
    ]);
    assert_eq!(edited["name"], "desk");
    assert_eq!(edited["readonly"], true);
    assert_eq!(edited["proxy"], true);
    assert_eq!(edited["root"], "cloudreve://my/Documents");
    let edited = env.json(&["webdav", "edit", &id, "--readonly", "false", "--json"]);
    assert_eq!(edited["readonly"], false);
    assert_eq!(edited["name"], "desk");

    env.ok(&["webdav", "rm", &id]);
    assert_eq!(
        env.json(&["webdav", "list", "--json"]),
        serde_json::json!([])
    );
    assert!(
        env.fails(&["webdav", "edit", &id, "--name", "x"])
            .contains("no WebDAV account")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn share_links_are_browsed_from_the_command_line() {
    let env = Env::signed_in().await;
    let url = env.ok(&["share", "create", "/Documents", "--password", "abc123"]);
    let url = url.trim();
    let out = env.ok(&["share", "browse", url, "Projects"]);
    assert!(out.contains("reve/"), "{out}");
    let bare = url.trim_end_matches("/abc123");
    assert!(env.fails(&["share", "browse", bare]).contains("--password"));
    assert!(
        env.fails(&["share", "browse", bare, "--password", "nope"])
            .contains("wrong")
    );
    let listing = env.json(&["share", "browse", bare, "--password", "abc123", "--json"]);
    assert_eq!(listing["share"]["name"], "Documents");
    assert!(listing["entries"].as_array().unwrap().len() >= 3);

    // Someone without an account on this machine browses it too.
    let stranger = tempfile::tempdir().unwrap();
    let out = env
        .reve()
        .env("REVE_CONFIG_DIR", stranger.path().join("config"))
        .env("REVE_DATA_DIR", stranger.path().join("data"))
        .args(["share", "browse", url])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("README.md"));
}

#[tokio::test(flavor = "multi_thread")]
async fn search_by_name_tag_type_and_size() {
    let env = Env::signed_in().await;
    env.ok(&["tag", "add", "/Pictures/sea.png", "holiday"]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["search"];
        full.extend_from_slice(args);
        full.push("--json");
        let v = env.json(&full);
        let mut names: Vec<String> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&["tag:holiday"]), ["sea.png"]);
    assert_eq!(names(&["size>50K", "type:file"]), ["sea.png", "sunset.png"]);
    assert_eq!(names(&["--in", "/Pictures", "size<=10K"]), ["forest.jpg"]);
    assert_eq!(
        names(&["TODO"]),
        ["todo.txt"],
        "names match regardless of case"
    );
    assert_eq!(
        names(&["--in", "/Documents", "todo", "or", "readme"]),
        ["README.md", "todo.txt"]
    );
    assert!(env.fails(&["search", "size>lots"]).contains("size"));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_task_is_shown_and_torrent_selection_is_refused_while_queued() {
    let env = Env::signed_in().await;
    env.server.state.lock().tasks.timing.download_failure = Duration::from_secs(600);
    let created = env.json(&[
        "download",
        "magnet:?xt=urn:btih:abc",
        "--to",
        "/dl",
        "--json",
    ]);
    let id = created[0]["id"].as_str().unwrap();
    let shown = env.json(&["task", "show", id, "--json"]);
    assert_eq!(shown["type"], "remote_download");
    assert_eq!(shown["summary"], "magnet:?xt=urn:btih:abc → /dl");
    let text = env.ok(&["task", "show", id]);
    assert!(
        text.contains("remote_download") && !text.contains("Error"),
        "{text}"
    );
    // Choosing files only works while the downloader monitors the torrent (C2-467).
    assert!(env.fails(&["task", "select", id, "0"]).contains("code"));
    env.ok(&["task", "cancel", id]);
    assert!(env.fails(&["task", "show", "nope"]).contains("no task"));
}
