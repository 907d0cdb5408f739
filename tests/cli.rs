//! The scriptable CLI end to end: the real `reve` binary against an in-process demo server.

use assert_cmd::Command;
use predicates::prelude::*;
use reve::demo::{self, DemoConfig, DemoHandle};
use std::path::Path;

struct Env {
    server: DemoHandle,
    home: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        let server = demo::start(DemoConfig {
            seed: true,
            ..DemoConfig::default()
        })
        .await
        .expect("demo server starts");
        Env {
            server,
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn reve(&self) -> Command {
        reve_in(self.home.path())
    }

    fn login(&self) {
        self.reve()
            .args(["login", "--server", &self.server.base_url()])
            .args(["--email", demo::seed::DEMO_EMAIL, "--password-stdin"])
            .write_stdin(format!("{}\n", demo::seed::DEMO_PASSWORD))
            .assert()
            .success()
            .stdout(predicate::str::contains("Signed in"));
    }
}

fn reve_in(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("reve").expect("binary built");
    cmd.env("REVE_CONFIG_DIR", home.join("config"))
        .env("REVE_DATA_DIR", home.join("data"))
        .env("REVE_TOKEN_STORE", "file")
        .env_remove("RUST_LOG");
    cmd
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON on stdout")
}

#[tokio::test(flavor = "multi_thread")]
async fn login_list_mkdir_rm_logout() {
    let env = Env::new().await;
    env.login();

    // The token file is owner-only and holds no secret in the config.
    let token_file = env.home.path().join("data/tokens/default.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let config = std::fs::read_to_string(env.home.path().join("config/config.toml")).unwrap();
    assert!(
        !config.contains("token\""),
        "no tokens in config.toml: {config}"
    );

    let out = env.reve().args(["ls", "--json"]).assert().success();
    let listing = json_of(&out.get_output().stdout);
    let names: Vec<&str> = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Documents"), "{names:?}");
    assert_eq!(listing["entries"][0]["type"], "folder");

    env.reve()
        .args(["mkdir", "/cli test/inner"])
        .assert()
        .success();
    let out = env
        .reve()
        .args(["ls", "/cli test", "--json"])
        .assert()
        .success();
    assert_eq!(
        json_of(&out.get_output().stdout)["entries"][0]["name"],
        "inner"
    );

    env.reve()
        .args(["rm", "/cli test/inner"])
        .assert()
        .success();
    let out = env
        .reve()
        .args(["ls", "/cli test", "--json"])
        .assert()
        .success();
    assert_eq!(
        json_of(&out.get_output().stdout)["entries"],
        serde_json::json!([])
    );

    env.reve()
        .arg("logout")
        .assert()
        .success()
        .stdout(predicate::str::contains("Signed out"));
    assert!(!token_file.exists(), "logout forgets the tokens");
    env.reve()
        .arg("whoami")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not signed in"));
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_connection_is_reported() {
    let home = tempfile::tempdir().unwrap();
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    reve_in(home.path())
        .args(["login", "--server", &format!("http://127.0.0.1:{port}")])
        .args(["--email", "a@example.com", "--password-stdin"])
        .write_stdin("secret-password\n")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("reve: "))
        .stderr(predicate::str::contains("could not connect"));
}

#[tokio::test(flavor = "multi_thread")]
async fn html_page_is_not_cloudreve() {
    let app = axum::Router::new()
        .fallback(|| async { axum::response::Html("<html><body>Welcome to nginx!</body></html>") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let home = tempfile::tempdir().unwrap();
    reve_in(home.path())
        .args(["login", "--server", &format!("http://{addr}")])
        .args(["--email", "a@example.com", "--password-stdin"])
        .write_stdin("secret-password\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a Cloudreve v4 server"));
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_gives_code_and_correlation_id() {
    let env = Env::new().await;
    env.reve()
        .args(["login", "--server", &env.server.base_url()])
        .args(["--email", demo::seed::DEMO_EMAIL, "--password-stdin"])
        .write_stdin("not-the-password\n")
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(r"^reve: .+ \(code 40080, correlation id [0-9a-f-]{36}\)\n$")
                .unwrap(),
        );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_factor_without_terminal_asks_for_otp() {
    let env = Env::new().await;
    // Turn on 2FA for the demo account through the API.
    let client =
        reve::api::Client::new(reve::api::ClientConfig::new(env.server.base_url())).unwrap();
    client
        .login(demo::seed::DEMO_EMAIL, demo::seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let secret = client.prepare_2fa().await.unwrap();
    let code = totp_now(secret.expose());
    client.set_2fa(true, &code).await.unwrap();

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
    login(Some(totp_now(secret.expose()))).assert().success();
    env.reve().arg("whoami").assert().success();
}

fn totp_now(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .generate_current()
        .unwrap()
}

#[test]
fn usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    reve_in(home.path())
        .args(["ls", "--bogus"])
        .assert()
        .code(2);
    reve_in(home.path()).arg("--help").assert().success();
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_are_escaped() {
    let env = Env::new().await;
    env.login();
    env.reve()
        .args(["touch", "/evil\u{1b}]52;c;aGk=\u{7}\u{202e}txt.exe"])
        .assert()
        .success();
    let out = env.reve().args(["ls", "-l"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
    assert!(
        text.contains("evil\\x1b]52;c;aGk=\\x07\\u{202e}txt.exe"),
        "{text}"
    );
    let out = env.reve().args(["ls", "--json"]).assert().success();
    let raw = out.get_output().stdout.clone();
    assert!(!raw.contains(&0x1b) && !String::from_utf8_lossy(&raw).contains('\u{202e}'));
}
