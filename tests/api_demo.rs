//! The typed client (`reve::api`) end to end against the embedded demo server. Every test
//! starts its own in-process server on 127.0.0.1:0, so tests never share state.

mod common;

use bytes::Bytes;
use common::*;
use futures_util::StreamExt as _;
use reve::api::models::*;
use reve::api::uri::FileSystem;
use reve::api::*;
use reve::demo::{DemoConfig, seed};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

/// Access tokens that expire quickly, to exercise the refresh paths.
const SHORT_ACCESS_TTL: i64 = 4;

fn short_ttl_config() -> DemoConfig {
    DemoConfig {
        seed: true,
        access_ttl: chrono::Duration::seconds(SHORT_ACCESS_TTL),
        ..DemoConfig::default()
    }
}

/// Sleeps until an access token issued now has expired on the server.
async fn outlive_access_token() {
    tokio::time::sleep(Duration::from_millis(SHORT_ACCESS_TTL as u64 * 1000 + 1200)).await;
}

/// The envelope code `GET /user/me` answers for a raw bearer token (bypassing the client, so
/// the client's refresh logic cannot hide an expired token).
async fn raw_me_code(base_url: &str, access_token: &str) -> i64 {
    let body: serde_json::Value = reqwest::Client::new()
        .get(format!("{base_url}/api/v4/user/me"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("raw request")
        .json()
        .await
        .expect("envelope");
    body["code"].as_i64().expect("code")
}

fn empty_meta() -> BTreeMap<String, String> {
    BTreeMap::new()
}

async fn put_file(client: &Client, uri: &CrUri, content: &[u8]) -> File {
    client
        .update_content(uri, None, ChunkBody::bytes(content.to_vec()))
        .await
        .expect("PUT /file/content")
}

async fn names_in(client: &Client, folder: &CrUri) -> Vec<String> {
    client
        .list_all(folder, &ListQuery::default())
        .await
        .expect("listing")
        .files
        .into_iter()
        .map(|f| f.name)
        .collect()
}

async fn trash_items(client: &Client) -> Vec<File> {
    client
        .list_all(&CrUri::root(FileSystem::Trash), &ListQuery::default())
        .await
        .expect("trash listing")
        .files
}

/// Deterministic bytes that are not all alike (so a misplaced range shows).
fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

/// Every file and folder below `root`: relative path → content (`None` for folders).
async fn snapshot(client: &Client, root: &CrUri) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![(root.clone(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let listing = client
            .list_all(&folder, &ListQuery::default())
            .await
            .expect("listing");
        for f in listing.files {
            let path = format!("{prefix}/{}", f.name);
            let uri = folder.join(&f.name);
            if f.is_folder() {
                out.insert(path.clone(), None);
                pending.push((uri, path));
            } else {
                out.insert(path, Some(fetch(client, &uri).await));
            }
        }
    }
    out
}

// ---- sign-in, 2FA, tokens -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn login_installs_tokens_and_logout_forgets_them() {
    let server = seeded_server().await;
    let client = anonymous(&server.base_url());
    let updates = client.token_updates();
    assert!(!client.is_signed_in());

    let LoginOutcome::SignedIn(user, tokens) = client
        .login(seed::DEMO_EMAIL, seed::DEMO_PASSWORD)
        .await
        .expect("sign-in")
    else {
        panic!("the demo account has no 2FA");
    };
    assert_eq!(user.email.as_deref(), Some(seed::DEMO_EMAIL));
    assert!(
        user.may(GroupPermission::Admin),
        "the demo account is an admin"
    );
    assert!(tokens.access_expires > chrono::Utc::now());
    assert!(tokens.refresh_expires > tokens.access_expires);
    assert_eq!(client.tokens(), Some(tokens.clone()));
    assert_eq!(*updates.borrow(), Some(tokens.clone()));

    let me = client.me().await.expect("GET /user/me");
    assert_eq!(me.id, user.id);
    assert_eq!(me.nickname, "Demo");

    client.logout().await.expect("sign-out");
    assert!(!client.is_signed_in());
    assert_eq!(*updates.borrow(), None);
    let err = client.me().await.expect_err("signed out");
    assert!(err.needs_sign_in(), "{err:?}");
    assert!(err.is_code(codes::LOGIN_REQUIRED), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_error_keeps_code_msg_and_correlation_id() {
    let server = seeded_server().await;
    let client = anonymous(&server.base_url());
    let err = client
        .login(seed::DEMO_EMAIL, "not-the-password")
        .await
        .expect_err("wrong password");
    let ApiError::Api {
        code,
        msg,
        correlation_id,
        aggregated,
        ..
    } = &err
    else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(*code, codes::LOGIN_FAILED);
    assert!(!msg.is_empty());
    assert!(aggregated.is_empty());
    let id = correlation_id.as_deref().expect("a correlation id");
    uuid::Uuid::parse_str(id).expect("the correlation id is a UUID");
    assert_eq!(err.correlation_id(), Some(id));
    let text = err.to_string();
    assert!(text.contains("40080") && text.contains(id), "{text}");
    assert!(!client.is_signed_in());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_factor_sign_in_rejects_a_wrong_code_then_accepts_the_right_one() {
    let server = seeded_server().await;
    let base = server.base_url();
    let owner = demo_client(&base).await;
    let secret = owner.prepare_2fa().await.expect("2FA secret");
    let secret = secret.expose();
    assert_eq!(
        code_of(owner.set_2fa(true, &totp_wrong(secret)).await),
        codes::INCORRECT_2FA_CODE
    );
    owner
        .set_2fa(true, &totp_now(secret))
        .await
        .expect("enable 2FA");
    assert!(owner.settings().await.expect("settings").two_fa_enabled);

    let second = anonymous(&base);
    let outcome = second
        .login(seed::DEMO_EMAIL, seed::DEMO_PASSWORD)
        .await
        .expect("password accepted");
    let LoginOutcome::TwoFactorRequired(session_id) = outcome else {
        panic!("expected a 2FA step, got {outcome:?}");
    };
    assert!(!second.is_signed_in());
    assert_eq!(
        code_of(second.finish_2fa(&session_id, &totp_wrong(secret)).await),
        codes::INCORRECT_2FA_CODE
    );
    assert!(!second.is_signed_in());
    // The session survives a wrong code.
    let (user, tokens) = second
        .finish_2fa(&session_id, &totp_now(secret))
        .await
        .expect("right code");
    assert_eq!(user.email.as_deref(), Some(seed::DEMO_EMAIL));
    assert_eq!(second.tokens(), Some(tokens));
    assert_eq!(second.me().await.expect("signed in").id, user.id);

    second
        .set_2fa(false, &totp_now(secret))
        .await
        .expect("disable 2FA");
    assert!(!second.settings().await.expect("settings").two_fa_enabled);
    let third = anonymous(&base);
    assert!(matches!(
        third.login(seed::DEMO_EMAIL, seed::DEMO_PASSWORD).await,
        Ok(LoginOutcome::SignedIn(..))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_access_token_is_refreshed_transparently() {
    let server = server(short_ttl_config()).await;
    let proxy = counting_proxy(&server.base_url()).await;
    let client = demo_client(&proxy.base_url).await;
    let first = client.tokens().expect("tokens");
    client.me().await.expect("fresh token works");
    assert_eq!(proxy.refreshes(), 0, "a fresh token is not refreshed");

    outlive_access_token().await;
    assert_eq!(
        raw_me_code(&server.base_url(), first.access_token.expose()).await,
        codes::LOGIN_REQUIRED,
        "the server refuses the old access token"
    );
    let me = client.me().await.expect("call after expiry");
    assert_eq!(me.email.as_deref(), Some(seed::DEMO_EMAIL));
    assert_eq!(proxy.refreshes(), 1);
    let second = client.tokens().expect("tokens");
    assert_ne!(second.access_token, first.access_token);
    assert!(second.access_expires > first.access_expires);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_calls_on_an_expired_token_refresh_exactly_once() {
    let server = server(short_ttl_config()).await;
    let proxy = counting_proxy(&server.base_url()).await;
    let client = demo_client(&proxy.base_url).await;
    outlive_access_token().await;

    let results = run_concurrently(&client, 20).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(proxy.refreshes(), 1, "single-flight refresh");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_401_answers_refresh_once_and_replay() {
    let server = server(short_ttl_config()).await;
    let proxy = counting_proxy(&server.base_url()).await;
    let signed_in = demo_client(&proxy.base_url).await;
    // Tokens loaded from storage whose expiry claims an hour left, while the server has
    // already let them expire: the client only learns it from the 401 answers.
    let mut stored = signed_in.tokens().expect("tokens");
    stored.access_expires = (chrono::Utc::now() + chrono::Duration::hours(1)).fixed_offset();
    let client =
        Client::with_tokens(ClientConfig::new(&proxy.base_url), stored.clone()).expect("client");
    outlive_access_token().await;

    let results = run_concurrently(&client, 20).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(proxy.refreshes(), 1, "single-flight refresh");
    assert_ne!(
        client.tokens().expect("tokens").access_token,
        stored.access_token
    );
}

/// Starts `n` calls at the same moment and collects their results.
async fn run_concurrently(client: &Client, n: usize) -> Vec<Result<Capacity, ApiError>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let calls = (0..n).map(|_| {
        let client = client.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            client.capacity().await
        })
    });
    futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|joined| joined.expect("task did not panic"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_refresh_token_signs_the_client_out() {
    let server = server(short_ttl_config()).await;
    let base = server.base_url();
    let first = demo_client(&base).await;
    let tokens = first.tokens().expect("tokens");
    let second = Client::with_tokens(ClientConfig::new(&base), tokens.clone()).expect("client");
    let third = Client::with_tokens(ClientConfig::new(&base), tokens).expect("client");
    let updates = second.token_updates();

    // Signing out revokes the refresh token's whole chain on the server.
    first.logout().await.expect("sign-out");

    assert!(matches!(
        second.refresh_tokens().await,
        Err(ApiError::SignedOut)
    ));
    assert!(!second.is_signed_in());
    assert_eq!(*updates.borrow(), None);

    // An ordinary call that needs a refresh ends the same way.
    outlive_access_token().await;
    let err = third.capacity().await.expect_err("refresh refused");
    assert!(matches!(err, ApiError::SignedOut), "{err:?}");
    assert!(err.needs_sign_in());
    assert!(!third.is_signed_in());
}

// ---- listing ------------------------------------------------------------------------------

fn big_folder_names() -> BTreeSet<String> {
    (0..seed::BIG_FOLDER_ENTRIES)
        .map(|i| format!("entry-{i:05}.txt"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn big_folder_pages_by_cursor_with_every_name_once() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let big = my(&[seed::BIG_FOLDER]);

    let mut names = Vec::new();
    let mut page_sizes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_page(&big, Some(2000), token.as_deref())
            .await
            .expect("page");
        assert!(page.pagination.is_cursor, "{:?}", page.pagination);
        page_sizes.push(page.files.len());
        names.extend(page.files.into_iter().map(|f| f.name));
        match page.pagination.next() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
        assert!(page_sizes.len() <= 10, "the cursor does not end");
    }
    assert_eq!(page_sizes, vec![2000; 5]);
    let unique: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(unique.len(), names.len(), "a name came twice");
    assert_eq!(unique, big_folder_names());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_follows_the_cursor_to_the_end() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let big = my(&[seed::BIG_FOLDER]);
    // 1500 does not divide 10,000: the last of 7 pages is short.
    let all = client
        .list_all(
            &big,
            &ListQuery {
                page_size: Some(1500),
                ..Default::default()
            },
        )
        .await
        .expect("list_all");
    let names: Vec<String> = all.files.into_iter().map(|f| f.name).collect();
    assert_eq!(names.len(), seed::BIG_FOLDER_ENTRIES);
    let unique: BTreeSet<String> = names.into_iter().collect();
    assert_eq!(unique, big_folder_names());

    let root = names_in(&client, &CrUri::my_root()).await;
    for expected in ["Documents", "Pictures", "Music", seed::BIG_FOLDER] {
        assert!(root.iter().any(|n| n == expected), "{expected} in {root:?}");
    }
}

// ---- file operations ----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn create_and_rename_with_conflicts() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let dir = my(&["ops"]);
    let folder = client.mkdir(&dir).await.expect("mkdir");
    assert!(folder.is_folder() && folder.name == "ops");
    assert_eq!(client.mkdir(&dir).await.expect("mkdir again").id, folder.id);

    let a = dir.join("a.txt");
    let file = client
        .create(&a, FileKind::File, &empty_meta(), false)
        .await
        .expect("create file");
    assert_eq!((file.kind, file.size), (FileKind::File, 0));
    let same = client
        .create(&a, FileKind::File, &empty_meta(), false)
        .await
        .expect("existing file is returned");
    assert_eq!(same.id, file.id);
    assert_eq!(
        code_of(client.create(&a, FileKind::File, &empty_meta(), true).await),
        codes::OBJECT_EXISTED
    );
    assert_eq!(
        code_of(
            client
                .create(&a, FileKind::Folder, &empty_meta(), false)
                .await
        ),
        codes::OBJECT_EXISTED
    );

    // Missing parents are created.
    let deep = my(&["ops", "deep", "er", "x.txt"]);
    client
        .create(&deep, FileKind::File, &empty_meta(), true)
        .await
        .expect("create with parents");
    let parent = client
        .file_info(&my(&["ops", "deep", "er"]), InfoOptions::default())
        .await
        .expect("parent exists");
    assert!(parent.is_folder());

    let renamed = client.rename(&a, "b.txt").await.expect("rename");
    assert_eq!((renamed.name.as_str(), &renamed.id), ("b.txt", &file.id));
    assert_eq!(
        code_of(client.file_info(&a, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
    let c = dir.join("c.txt");
    client
        .create(&c, FileKind::File, &empty_meta(), true)
        .await
        .expect("create c");
    assert_eq!(
        code_of(client.rename(&c, "b.txt").await),
        codes::OBJECT_EXISTED
    );
    let mut names = names_in(&client, &dir).await;
    names.sort();
    assert_eq!(names, ["b.txt", "c.txt", "deep"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn move_and_copy_files_and_folders() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let src = my(&["src"]);
    let dst = my(&["dst"]);
    client.mkdir(&dst).await.expect("mkdir dst");
    let one = src.join("one.txt");
    let original = put_file(&client, &one, b"one").await;

    client
        .move_files(std::slice::from_ref(&one), &dst)
        .await
        .expect("move");
    assert_eq!(
        code_of(client.file_info(&one, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
    let moved = dst.join("one.txt");
    let info = client
        .file_info(&moved, InfoOptions::default())
        .await
        .expect("moved file");
    assert_eq!(info.id, original.id, "a move keeps the file");
    assert_eq!(fetch(&client, &moved).await, b"one");

    client
        .copy_files(std::slice::from_ref(&moved), &src)
        .await
        .expect("copy");
    let copy = client
        .file_info(&one, InfoOptions::default())
        .await
        .expect("copy exists");
    assert_ne!(copy.id, original.id, "a copy is a new file");
    assert_eq!(fetch(&client, &one).await, b"one");
    assert_eq!(fetch(&client, &moved).await, b"one");

    // Folders are copied recursively.
    client
        .copy_files(std::slice::from_ref(&src), &dst)
        .await
        .expect("copy folder");
    assert_eq!(
        fetch(&client, &my(&["dst", "src", "one.txt"])).await,
        b"one"
    );

    // No overwrite: the name is taken in dst.
    assert_eq!(
        code_of(client.move_files(std::slice::from_ref(&one), &dst).await),
        codes::OBJECT_EXISTED
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn trash_restore_and_permanent_delete() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let keep = my(&["trash test", "keep.txt"]);
    let gone = my(&["trash test", "gone.txt"]);
    let direct = my(&["trash test", "direct.txt"]);
    put_file(&client, &keep, b"keep me").await;
    put_file(&client, &gone, b"bye").await;
    put_file(&client, &direct, b"no trash for me").await;

    client
        .delete(&[keep.clone(), gone.clone()], DeleteOptions::default())
        .await
        .expect("soft delete");
    assert_eq!(
        code_of(client.file_info(&keep, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
    let trash = trash_items(&client).await;
    let find = |items: &[File], uri: &CrUri| {
        items
            .iter()
            .find(|f| f.restore_uri() == Some(uri.to_string().as_str()))
            .cloned()
    };
    let keep_item = find(&trash, &keep).expect("keep.txt in the trash");
    let gone_item = find(&trash, &gone).expect("gone.txt in the trash");
    assert!(keep_item.expected_collect_time().is_some());

    client
        .restore(&[keep_item.uri().expect("trash URI")])
        .await
        .expect("restore");
    assert_eq!(fetch(&client, &keep).await, b"keep me");
    let trash = trash_items(&client).await;
    assert!(
        find(&trash, &keep).is_none(),
        "restored items leave the trash"
    );

    let gone_uri = gone_item.uri().expect("trash URI");
    client
        .delete(
            std::slice::from_ref(&gone_uri),
            DeleteOptions {
                skip_soft_delete: true,
                ..Default::default()
            },
        )
        .await
        .expect("delete from the trash");
    assert!(find(&trash_items(&client).await, &gone).is_none());

    client
        .delete(
            std::slice::from_ref(&direct),
            DeleteOptions {
                skip_soft_delete: true,
                ..Default::default()
            },
        )
        .await
        .expect("permanent delete");
    assert_eq!(
        code_of(client.file_info(&direct, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
    assert!(
        find(&trash_items(&client).await, &direct).is_none(),
        "skip_soft_delete bypasses the trash"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_trash_removes_everything_in_it() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let a = my(&["x", "a.txt"]);
    let b = my(&["x", "b.txt"]);
    put_file(&client, &a, b"a").await;
    put_file(&client, &b, b"b").await;
    // The seeded drive already has one item in the trash.
    let before = trash_items(&client).await.len();
    client
        .delete(&[a, b], DeleteOptions::default())
        .await
        .expect("soft delete");
    assert_eq!(trash_items(&client).await.len(), before + 2);
    client.empty_trash().await.expect("empty trash");
    assert_eq!(trash_items(&client).await, Vec::<File>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_delete_reports_each_failed_item() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let present = my(&["batch", "present.txt"]);
    let missing = my(&["batch", "missing.txt"]);
    put_file(&client, &present, b"here").await;

    let err = client
        .delete(
            &[present.clone(), missing.clone()],
            DeleteOptions::default(),
        )
        .await
        .expect_err("one item is missing");
    let ApiError::Api {
        code, aggregated, ..
    } = &err
    else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(*code, codes::BATCH_PARTIAL);
    assert_eq!(aggregated.len(), 1, "{aggregated:?}");
    assert_eq!(aggregated[0].item, missing.to_string());
    assert_eq!(aggregated[0].code, codes::PATH_NOT_EXIST);
    assert!(!aggregated[0].msg.is_empty());
    assert!(err.to_string().contains(&missing.to_string()), "{err}");
    // The other item was deleted anyway.
    assert_eq!(
        code_of(client.file_info(&present, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_path_is_40016_with_correlation_id() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let missing = my(&["no such folder"]);
    let err = client
        .file_info(&missing, InfoOptions::default())
        .await
        .expect_err("missing");
    assert!(err.is_code(codes::PATH_NOT_EXIST), "{err:?}");
    assert!(err.correlation_id().is_some(), "{err:?}");
    let ApiError::Api { msg, .. } = &err else {
        unreachable!()
    };
    assert!(!msg.is_empty());
    assert_eq!(
        code_of(client.list_page(&missing, None, None).await),
        codes::PATH_NOT_EXIST
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_and_tags_round_trip() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["meta.txt"]);
    put_file(&client, &uri, b"m").await;
    let target = std::slice::from_ref(&uri);

    client
        .patch_metadata(
            target,
            &[
                MetadataPatch::set("tag:important", "#e91e63"),
                MetadataPatch::set("customize:icon_color", "#ff0000"),
            ],
        )
        .await
        .expect("set metadata");
    let info = client
        .file_info(&uri, InfoOptions::default())
        .await
        .expect("info");
    assert_eq!(
        info.metadata.get("tag:important").map(String::as_str),
        Some("#e91e63")
    );
    assert_eq!(
        info.metadata
            .get("customize:icon_color")
            .map(String::as_str),
        Some("#ff0000")
    );

    client
        .patch_metadata(target, &[MetadataPatch::remove("tag:important")])
        .await
        .expect("remove tag");
    let info = client
        .file_info(&uri, InfoOptions::default())
        .await
        .expect("info");
    assert!(!info.metadata.contains_key("tag:important"));
    assert!(info.metadata.contains_key("customize:icon_color"));

    assert_eq!(
        code_of(
            client
                .patch_metadata(target, &[MetadataPatch::set("no-namespace", "x")])
                .await
        ),
        codes::PARAM_ERROR
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pins_appear_on_the_user_and_go_away() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let docs = my(&["Documents"]);
    let pinned = |user: &User| {
        user.pined
            .iter()
            .find(|p| CrUri::parse(&p.uri).ok().as_ref() == Some(&docs))
            .cloned()
    };
    assert!(pinned(&client.me().await.expect("me")).is_none());

    client.pin(&docs, Some("Docs")).await.expect("pin");
    let pin = pinned(&client.me().await.expect("me")).expect("pinned");
    assert_eq!(pin.name.as_deref(), Some("Docs"));

    client.unpin(&docs).await.expect("unpin");
    assert!(pinned(&client.me().await.expect("me")).is_none());
    client.unpin(&docs).await.expect("unpinning twice is fine");
}

#[tokio::test(flavor = "multi_thread")]
async fn folder_view_is_saved_used_and_reset() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let dir = my(&["viewed"]);
    for name in ["a.txt", "b.txt", "c.txt"] {
        client
            .create(&dir.join(name), FileKind::File, &empty_meta(), true)
            .await
            .expect("create");
    }
    let view = ExplorerView {
        page_size: Some(50),
        order: Some("name".into()),
        order_direction: Some("desc".into()),
        view: Some("list".into()),
        gallery_width: Some(220),
        ..Default::default()
    };
    client
        .update_view(&dir, Some(&view))
        .await
        .expect("save view");
    let listing = client.list_page(&dir, None, None).await.expect("listing");
    let saved = listing.view.expect("the listing carries the view");
    assert_eq!(saved.page_size, Some(50));
    assert_eq!(saved.order.as_deref(), Some("name"));
    assert_eq!(saved.order_direction.as_deref(), Some("desc"));
    assert_eq!(saved.view.as_deref(), Some("list"));
    assert_eq!(saved.gallery_width, Some(220));
    let names: Vec<&str> = listing.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["c.txt", "b.txt", "a.txt"],
        "the saved order is used"
    );

    client.update_view(&dir, None).await.expect("reset view");
    let listing = client.list_page(&dir, None, None).await.expect("listing");
    let reset = listing.view.expect("the listing carries the view");
    // Back to the default view of `my` folders: 100 per page, grid.
    assert_eq!(
        (reset.page_size, reset.view.as_deref()),
        (Some(100), Some("grid")),
        "the view was reset: {reset:?}"
    );
    let names: Vec<&str> = listing.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a.txt", "b.txt", "c.txt"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_links_serve_the_file_until_deleted() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["links", "data.bin"]);
    let content = pattern(3000);
    put_file(&client, &uri, &content).await;

    let links = client
        .create_direct_links(std::slice::from_ref(&uri))
        .await
        .expect("create link");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].file_url, uri.to_string());
    assert!(
        links[0]
            .link
            .starts_with(&format!("{}/f/", server.base_url())),
        "{}",
        links[0].link
    );
    let again = client
        .create_direct_links(std::slice::from_ref(&uri))
        .await
        .expect("same link again");
    assert_eq!(again[0].link, links[0].link);

    let web = reqwest::Client::new(); // follows the 302 to the signed content URL
    let resp = web.get(&links[0].link).send().await.expect("GET link");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.bytes().await.expect("body").as_ref(),
        content.as_slice()
    );

    let info = client
        .file_info(
            &uri,
            InfoOptions {
                extended: true,
                ..Default::default()
            },
        )
        .await
        .expect("extended info");
    let existing = info.extended_info.expect("extended info").direct_links;
    assert_eq!(existing.len(), 1);
    assert_eq!(existing[0].url, links[0].link);
    assert_eq!(existing[0].downloaded, 1);

    client
        .delete_direct_link(&existing[0].id)
        .await
        .expect("delete link");
    let resp = web.get(&links[0].link).send().await.expect("GET link");
    assert_eq!(resp.status(), 404);
    assert_eq!(
        code_of(client.delete_direct_link(&existing[0].id).await),
        codes::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_are_listed_switched_and_deleted() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["versions", "v.txt"]);
    let first = put_file(&client, &uri, b"first version").await;
    let second = client
        .update_content(
            &uri,
            Some(&first.primary_entity),
            ChunkBody::bytes(&b"second version"[..]),
        )
        .await
        .expect("second version");
    assert_ne!(second.primary_entity, first.primary_entity);
    // `previous` names a version that is no longer current.
    assert_eq!(
        code_of(
            client
                .update_content(
                    &uri,
                    Some(&first.primary_entity),
                    ChunkBody::bytes(&b"x"[..])
                )
                .await
        ),
        codes::STALE_VERSION
    );

    let extended = InfoOptions {
        extended: true,
        ..Default::default()
    };
    let versions = |info: File| -> Vec<String> {
        info.extended_info
            .expect("extended info")
            .entities
            .into_iter()
            .filter(|e| e.kind == Entity::VERSION)
            .map(|e| e.id)
            .collect()
    };
    let ids: BTreeSet<String> = versions(client.file_info(&uri, extended).await.expect("info"))
        .into_iter()
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([first.primary_entity.clone(), second.primary_entity.clone()])
    );
    assert_eq!(fetch(&client, &uri).await, b"second version");

    client
        .set_current_version(&uri, &first.primary_entity)
        .await
        .expect("switch version");
    let info = client.file_info(&uri, extended).await.expect("info");
    assert_eq!(info.primary_entity, first.primary_entity);
    assert_eq!(info.size, b"first version".len() as u64);
    assert_eq!(fetch(&client, &uri).await, b"first version");

    assert_eq!(
        code_of(client.delete_version(&uri, &first.primary_entity).await),
        codes::PERMISSION_DENIED,
        "the current version cannot be deleted"
    );
    client
        .delete_version(&uri, &second.primary_entity)
        .await
        .expect("delete old version");
    let left = versions(client.file_info(&uri, extended).await.expect("info"));
    assert_eq!(left, [first.primary_entity.as_str()]);
}

// ---- uploads and downloads ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn chunked_upload_then_download_whole_and_ranges() {
    const CHUNK: u64 = 1024;
    let server = server(DemoConfig {
        seed: true,
        chunk_size: CHUNK,
        ..DemoConfig::default()
    })
    .await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["uploads", "blob.bin"]);
    let data = pattern(5000);
    let size = data.len() as u64;

    let session = client
        .create_upload_session(&UploadRequest {
            uri: uri.to_string(),
            size,
            mime_type: Some("application/octet-stream".into()),
            ..Default::default()
        })
        .await
        .expect("upload session");
    assert_eq!(session.chunk_size, CHUNK);
    assert_eq!(session.method(), UploadMethod::Cloudreve);
    assert_eq!(session.chunk_count(size), 5);
    let placeholder = client
        .file_info(&uri, InfoOptions::default())
        .await
        .expect("placeholder");
    assert_eq!(
        placeholder.upload_session_id(),
        Some(session.session_id.as_str())
    );

    for index in 0..session.chunk_count(size) {
        let range = session.chunk_range(index, size).expect("chunk range");
        let piece = Bytes::copy_from_slice(&data[range.start as usize..range.end as usize]);
        // Alternate in-memory and streamed bodies: both must carry an exact length.
        let body = if index % 2 == 0 {
            ChunkBody::bytes(piece)
        } else {
            let len = piece.len() as u64;
            ChunkBody::stream(
                futures_util::stream::iter([Ok::<_, std::io::Error>(piece)]),
                len,
            )
        };
        client
            .upload_chunk(&session.session_id, index, body)
            .await
            .unwrap_or_else(|e| panic!("chunk {index}: {e}"));
    }
    let done = client
        .file_info(&uri, InfoOptions::default())
        .await
        .expect("uploaded file");
    assert_eq!(done.size, size);
    assert_eq!(done.upload_session_id(), None);

    let (info, whole) = fetch_range(&client, &uri, None).await;
    assert_eq!((info.status, info.partial), (200, false));
    assert_eq!(info.total_size, Some(size));
    assert!(info.accepts_ranges);
    assert_eq!(whole, data);

    let (info, span) = fetch_range(&client, &uri, Some(ByteRange::Span(1000, 2999))).await;
    assert_eq!(
        (info.status, info.partial, info.range_start),
        (206, true, 1000)
    );
    assert_eq!(info.total_size, Some(size));
    assert_eq!(span, &data[1000..3000]);
    let (_, tail) = fetch_range(&client, &uri, Some(ByteRange::From(4000))).await;
    assert_eq!(tail, &data[4000..]);
    let (_, last) = fetch_range(&client, &uri, Some(ByteRange::Last(10))).await;
    assert_eq!(last, &data[4990..]);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelled_upload_removes_its_placeholder() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["uploads", "never.bin"]);
    let session = client
        .create_upload_session(&UploadRequest {
            uri: uri.to_string(),
            size: 10,
            ..Default::default()
        })
        .await
        .expect("upload session");
    assert!(client.file_info(&uri, InfoOptions::default()).await.is_ok());
    client
        .cancel_upload(&session.session_id, &uri.to_string())
        .await
        .expect("cancel");
    assert_eq!(
        code_of(client.file_info(&uri, InfoOptions::default()).await),
        codes::PATH_NOT_EXIST
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn put_content_creates_and_overwrites_a_file() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let uri = my(&["content", "note.txt"]);
    let created = put_file(&client, &uri, b"hello").await;
    assert_eq!((created.name.as_str(), created.size), ("note.txt", 5));
    assert_eq!(fetch(&client, &uri).await, b"hello");

    let updated = client
        .update_content(
            &uri,
            Some(&created.primary_entity),
            ChunkBody::bytes(&b"hello, world"[..]),
        )
        .await
        .expect("overwrite");
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.size, 12);
    assert_eq!(fetch(&client, &uri).await, b"hello, world");
}

// ---- shares -------------------------------------------------------------------------------

fn share_id(uri: &CrUri) -> String {
    uri.fs_id.clone().expect("share URIs carry the id")
}

#[tokio::test(flavor = "multi_thread")]
async fn public_share_is_browsed_anonymously() {
    let server = seeded_server().await;
    let base = server.base_url();
    let owner = demo_client(&base).await;
    let docs = my(&["Documents"]);
    let link = owner
        .create_share(&ShareRequest {
            uri: docs.to_string(),
            ..Default::default()
        })
        .await
        .expect("create share");
    assert!(link.starts_with(&format!("{base}/s/")), "{link}");
    let uri = share_link_to_uri(&link).expect("share link");
    assert_eq!(uri.password, None);

    let visitor = anonymous(&base);
    let info = visitor
        .share_info(&share_id(&uri), &ShareInfoQuery::default())
        .await
        .expect("share info");
    assert!(info.unlocked && !info.password_protected);
    assert_eq!(info.name, "Documents");
    assert_eq!(info.source_type, Some(FileKind::Folder));

    let mut shared = names_in(&visitor, &uri).await;
    let mut own = names_in(&owner, &docs).await;
    shared.sort();
    own.sort();
    assert_eq!(shared, own);
    assert_eq!(
        fetch(&visitor, &uri.join("todo.txt")).await,
        fetch(&owner, &docs.join("todo.txt")).await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn private_share_needs_its_password() {
    let server = seeded_server().await;
    let base = server.base_url();
    let owner = demo_client(&base).await;
    let link = owner
        .create_share(&ShareRequest {
            uri: my(&["Pictures"]).to_string(),
            is_private: true,
            password: Some("secret42".into()),
            ..Default::default()
        })
        .await
        .expect("create share");
    assert!(link.ends_with("/secret42"), "{link}");
    let uri = share_link_to_uri(&link).expect("share link");
    assert_eq!(uri.password.as_deref(), Some("secret42"));
    let id = share_id(&uri);

    let visitor = anonymous(&base);
    let locked = visitor
        .share_info(&id, &ShareInfoQuery::default())
        .await
        .expect("info without password");
    assert!(locked.password_protected && !locked.unlocked);
    assert_eq!(locked.password, None);
    let unlocked = visitor
        .share_info(
            &id,
            &ShareInfoQuery {
                password: Some("secret42".into()),
                ..Default::default()
            },
        )
        .await
        .expect("info with password");
    assert!(unlocked.unlocked);

    for wrong in [CrUri::share(&id, None), CrUri::share(&id, Some("wrong"))] {
        assert_eq!(
            code_of(visitor.list_page(&wrong, None, None).await),
            codes::INCORRECT_PASSWORD,
            "{wrong}"
        );
    }
    let mut names = names_in(&visitor, &uri).await;
    names.sort();
    assert_eq!(names, ["forest.jpg", "sea.png", "sunset.png"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn shares_are_listed_edited_and_deleted() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let music = my(&["Music"]);
    let request = ShareRequest {
        uri: music.to_string(),
        ..Default::default()
    };
    let listed =
        |page: SharePage| -> BTreeSet<String> { page.shares.into_iter().map(|s| s.id).collect() };
    // The seeded drive comes with a share of its own.
    let seeded = listed(
        client
            .list_shares(&ShareListQuery::default())
            .await
            .expect("list"),
    );
    let first = share_id(
        &share_link_to_uri(&client.create_share(&request).await.expect("share")).expect("link"),
    );
    let second = share_id(
        &share_link_to_uri(&client.create_share(&request).await.expect("share")).expect("link"),
    );
    let ids = listed(
        client
            .list_shares(&ShareListQuery::default())
            .await
            .expect("list"),
    );
    let mut expected = seeded.clone();
    expected.extend([first.clone(), second.clone()]);
    assert_eq!(ids, expected);

    client
        .edit_share(
            &first,
            &ShareRequest {
                downloads: Some(3),
                expire: Some(3600),
                ..request.clone()
            },
        )
        .await
        .expect("edit");
    let owner_view = ShareInfoQuery {
        owner_extended: true,
        ..Default::default()
    };
    let info = client.share_info(&first, &owner_view).await.expect("info");
    assert_eq!(info.remain_downloads, Some(3));
    let expires = info.expires.expect("an expiry").to_utc();
    let in_an_hour = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!((expires - in_an_hour).num_seconds().abs() < 60, "{expires}");
    // The owner sees where the shared item lives: `cloudreve://<uid>@my` for the root (C2-394).
    let owner = client.me().await.expect("me").id;
    assert_eq!(
        info.source_uri.as_deref(),
        Some(format!("cloudreve://{owner}@my").as_str())
    );

    // Omitted limits are removed.
    client.edit_share(&first, &request).await.expect("edit");
    let info = client.share_info(&first, &owner_view).await.expect("info");
    assert_eq!((info.remain_downloads, info.expires), (None, None));

    client.delete_share(&first).await.expect("delete");
    let ids = listed(
        client
            .list_shares(&ShareListQuery::default())
            .await
            .expect("list"),
    );
    let mut expected = seeded;
    expected.insert(second);
    assert_eq!(ids, expected);
    assert_eq!(
        code_of(client.share_info(&first, &ShareInfoQuery::default()).await),
        codes::NOT_FOUND
    );
    assert_eq!(code_of(client.delete_share(&first).await), codes::NOT_FOUND);
}

// ---- workflow tasks -----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn archive_then_extract_reproduces_the_folder() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let docs = my(&["Documents"]);
    let zip = my(&["docs.zip"]);

    let task = client
        .create_archive(std::slice::from_ref(&docs), &zip)
        .await
        .expect("archive task");
    assert_eq!(task.kind, "create_archive");
    assert!(!task.status.is_finished());
    client
        .task_progress(&task.id)
        .await
        .expect("progress of a running task");
    let task = finished_task(&client, TaskCategory::General, &task.id).await;
    assert_completed(&task);
    let archive = client
        .file_info(&zip, InfoOptions::default())
        .await
        .expect("the archive exists");
    assert!(archive.size > 0);
    assert_eq!(
        client.task_progress(&task.id).await.expect("progress"),
        TaskProgressMap::new(),
        "no progress once finished"
    );

    let out = my(&["unpacked"]);
    client.mkdir(&out).await.expect("mkdir");
    let task = client
        .extract_archive(&ExtractRequest {
            src: vec![zip.to_string()],
            dst: out.to_string(),
            ..Default::default()
        })
        .await
        .expect("extract task");
    assert_eq!(task.kind, "extract_archive");
    let task = finished_task(&client, TaskCategory::General, &task.id).await;
    assert_completed(&task);

    // Entries are named relative to the source's parent: `Documents/...`.
    assert_eq!(names_in(&client, &out).await, ["Documents"]);
    let original = snapshot(&client, &docs).await;
    assert!(original.len() >= 8, "{:?}", original.keys());
    assert_eq!(snapshot(&client, &out.join("Documents")).await, original);
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_download_ends_in_error_and_can_be_cancelled() {
    let server = seeded_server().await;
    // Long enough that the second download is surely still running when the list is read.
    server.state.lock().tasks.timing.download_failure = Duration::from_secs(6);
    let client = demo_client(&server.base_url()).await;
    let tasks = client
        .remote_download(&RemoteDownloadRequest {
            src: vec![
                "http://127.0.0.1:9/a.iso".into(),
                "http://127.0.0.1:9/b.iso".into(),
            ],
            dst: CrUri::my_root().to_string(),
            ..Default::default()
        })
        .await
        .expect("download tasks");
    assert_eq!(tasks.len(), 2);
    assert!(tasks.iter().all(|t| t.kind == "remote_download"));
    let (cancelled, left) = (&tasks[0].id, &tasks[1].id);

    client.cancel_download(cancelled).await.expect("cancel");
    assert_eq!(
        code_of(client.cancel_download(cancelled).await),
        codes::NOT_FOUND,
        "a finished download cannot be cancelled again"
    );
    let active: Vec<String> = client
        .list_tasks(TaskCategory::Downloading, 10, None)
        .await
        .expect("downloading")
        .tasks
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(active, [left.as_str()]);

    let task = finished_task(&client, TaskCategory::Downloaded, cancelled).await;
    assert_eq!(task.status, TaskStatus::Error);
    let task = finished_task(&client, TaskCategory::Downloaded, left).await;
    assert_eq!(task.status, TaskStatus::Error);
    assert!(
        task.error.as_deref().is_some_and(|e| !e.is_empty()),
        "{task:?}"
    );
    assert!(
        client
            .list_tasks(TaskCategory::Downloading, 10, None)
            .await
            .expect("downloading")
            .tasks
            .is_empty()
    );
}

// ---- user ---------------------------------------------------------------------------------

fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("PNG encoding");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread")]
async fn avatar_upload_fetch_gravatar_and_none() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let me = client.me().await.expect("me");
    assert_eq!(
        client.avatar(&me.id, true).await.expect("avatar"),
        Avatar::None
    );

    client
        .upload_avatar(Bytes::from(png_bytes(64, 48)), "image/png")
        .await
        .expect("upload avatar");
    assert_eq!(
        client.me().await.expect("me").avatar.as_deref(),
        Some("file")
    );
    // Avatars are public: fetch it without a token.
    let Avatar::Image {
        bytes,
        content_type,
    } = anonymous(&server.base_url())
        .avatar(&me.id, true)
        .await
        .expect("avatar")
    else {
        panic!("expected an image");
    };
    assert_eq!(content_type.as_deref(), Some("image/png"));
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).expect("a PNG");
    assert_eq!((img.width(), img.height()), (200, 200));

    client.use_gravatar().await.expect("use gravatar");
    assert_eq!(
        client.me().await.expect("me").avatar.as_deref(),
        Some("gravatar")
    );
    let Avatar::Gravatar(url) = client.avatar(&me.id, true).await.expect("avatar") else {
        panic!("expected a Gravatar redirect");
    };
    let digest = <md5::Md5 as md5::Digest>::digest(seed::DEMO_EMAIL.as_bytes());
    let hash: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        url.starts_with(&format!("https://www.gravatar.com/avatar/{hash}")),
        "{url}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn webdav_accounts_crud_and_use() {
    let server = seeded_server().await;
    let base = server.base_url();
    let client = demo_client(&base).await;
    let account = client
        .create_dav_account(&DavAccountRequest {
            uri: my(&["Documents"]).to_string(),
            name: "laptop".into(),
            readonly: true,
            ..Default::default()
        })
        .await
        .expect("create account");
    assert_eq!(account.name, "laptop");
    assert!(account.read_only() && !account.hides_system_files());
    assert!(!account.password.is_empty());
    assert_eq!(CrUri::parse(&account.uri), Ok(my(&["Documents"])));

    let ids = |page: DavPage| -> Vec<String> { page.accounts.into_iter().map(|a| a.id).collect() };
    assert_eq!(
        ids(client.list_dav_accounts(10, None).await.expect("list")),
        [account.id.as_str()]
    );

    // The account really serves its folder over WebDAV.
    let propfind = |password: String| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .request(
                    reqwest::Method::from_bytes(b"PROPFIND").expect("method"),
                    format!("{base}/dav/"),
                )
                .basic_auth(seed::DEMO_EMAIL, Some(password))
                .header("Depth", "1")
                .send()
                .await
                .expect("PROPFIND")
        }
    };
    let resp = propfind(account.password.expose().to_string()).await;
    assert_eq!(resp.status(), 207);
    assert!(resp.text().await.expect("body").contains("todo.txt"));

    let updated = client
        .update_dav_account(
            &account.id,
            &DavAccountRequest {
                uri: my(&["Music"]).to_string(),
                name: "laptop 2".into(),
                disable_sys_files: true,
                ..Default::default()
            },
        )
        .await
        .expect("update account");
    assert_eq!(updated.id, account.id);
    assert_eq!(updated.name, "laptop 2");
    assert!(!updated.read_only() && updated.hides_system_files());
    assert_eq!(CrUri::parse(&updated.uri), Ok(my(&["Music"])));
    let listed = client.list_dav_accounts(10, None).await.expect("list");
    assert_eq!(listed.accounts[0].name, "laptop 2");

    client
        .delete_dav_account(&account.id)
        .await
        .expect("delete account");
    assert!(ids(client.list_dav_accounts(10, None).await.expect("list")).is_empty());
    assert_eq!(
        propfind(account.password.expose().to_string())
            .await
            .status(),
        401
    );
    assert!(client.delete_dav_account(&account.id).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_patch_round_trip() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    client
        .update_settings(&SettingsPatch {
            nickname: Some("Renamed".into()),
            language: Some("de-DE".into()),
            preferred_theme: Some("#123456".into()),
            version_retention_enabled: Some(true),
            version_retention_ext: Some(vec!["txt".into(), "md".into()]),
            version_retention_max: Some(7),
            disable_view_sync: Some(true),
            share_links_in_profile: Some("hide_share".into()),
            ..Default::default()
        })
        .await
        .expect("patch settings");

    let me = client.me().await.expect("me");
    assert_eq!(me.nickname, "Renamed");
    assert_eq!(me.language.as_deref(), Some("de-DE"));
    assert_eq!(me.preferred_theme.as_deref(), Some("#123456"));
    assert!(me.disable_view_sync);
    assert_eq!(me.share_links_in_profile, "hide_share");
    let settings = client.settings().await.expect("settings");
    assert!(settings.version_retention_enabled);
    assert_eq!(settings.version_retention_ext, ["txt", "md"]);
    assert_eq!(settings.version_retention_max, 7);
    assert!(settings.disable_view_sync);
    assert_eq!(settings.share_links_in_profile, "hide_share");
    assert!(!settings.two_fa_enabled);

    // Only the fields that are sent change.
    client
        .update_settings(&SettingsPatch {
            nickname: Some("Again".into()),
            ..Default::default()
        })
        .await
        .expect("patch nickname");
    let me = client.me().await.expect("me");
    assert_eq!(
        (me.nickname.as_str(), me.language.as_deref()),
        ("Again", Some("de-DE"))
    );

    assert_eq!(
        code_of(
            client
                .update_settings(&SettingsPatch {
                    preferred_theme: Some("red".into()),
                    ..Default::default()
                })
                .await
        ),
        codes::PARAM_ERROR
    );
    // Refused locally: the real server crashes on this combination.
    let lone_flag = client
        .update_settings(&SettingsPatch {
            two_fa_enabled: Some(false),
            ..Default::default()
        })
        .await;
    assert!(
        matches!(lone_flag, Err(ApiError::Config(_))),
        "{lone_flag:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn capacity_and_user_info() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let before = client.capacity().await.expect("capacity");
    assert!(before.total > 0);
    assert!(before.used > 0, "the seeded drive holds files");
    assert!(before.used <= before.total);
    put_file(&client, &my(&["capacity.bin"]), &pattern(10_240)).await;
    let after = client.capacity().await.expect("capacity");
    assert_eq!(after.used, before.used + 10_240);
    assert_eq!(after.total, before.total);

    let me = client.me().await.expect("me");
    let public = anonymous(&server.base_url())
        .user_info(&me.id)
        .await
        .expect("public profile");
    assert_eq!(
        (public.id.as_str(), public.nickname.as_str()),
        (me.id.as_str(), "Demo")
    );
}

// ---- Pro routes ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn pro_routes_are_not_supported_on_community() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let err = client.storage_policies().await.expect_err("Community");
    match &err {
        ApiError::NotSupported { endpoint } => {
            assert!(endpoint.contains("/user/setting/policies"), "{endpoint}")
        }
        other => panic!("expected NotSupported, got {other:?}"),
    }
    assert!(matches!(
        client.groups().await,
        Err(ApiError::NotSupported { .. })
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn pro_routes_answer_on_a_pro_server() {
    let server = server(DemoConfig {
        seed: true,
        pro: true,
        ..DemoConfig::default()
    })
    .await;
    let client = demo_client(&server.base_url()).await;
    let policies = client.storage_policies().await.expect("policies");
    assert!(!policies.is_empty());
    assert!(policies.iter().all(|p| !p.id.is_empty()));
    let groups = client.groups().await.expect("groups");
    assert!(!groups.is_empty());
}

// ---- file events --------------------------------------------------------------------------

/// The next change event, skipping control frames.
async fn next_change(
    events: &mut futures_util::stream::BoxStream<'static, Result<FileEvent, ApiError>>,
) -> FileChange {
    let wait = async {
        loop {
            match events.next().await {
                Some(Ok(FileEvent::Change(change))) => return change,
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("event stream failed: {e}"),
                None => panic!("event stream ended"),
            }
        }
    };
    tokio::time::timeout(BACKGROUND_TIMEOUT, wait)
        .await
        .expect("a change event in time")
}

#[tokio::test(flavor = "multi_thread")]
async fn file_events_deliver_changes_made_by_other_clients() {
    let server = seeded_server().await;
    let base = server.base_url();
    let watcher = demo_client(&base).await;
    let actor = demo_client(&base).await;
    assert_ne!(watcher.client_id(), actor.client_id());
    let folder = my(&["watched"]);
    watcher.mkdir(&folder).await.expect("mkdir");

    let mut events = watcher.file_events(&folder).await.expect("subscribe");
    let first = tokio::time::timeout(BACKGROUND_TIMEOUT, events.next())
        .await
        .expect("first frame in time");
    assert!(
        matches!(first, Some(Ok(FileEvent::Subscribed))),
        "{first:?}"
    );

    // The watcher's own change is not echoed back to it.
    watcher
        .create(&folder.join("own.txt"), FileKind::File, &empty_meta(), true)
        .await
        .expect("own change");
    let created = actor
        .create(&folder.join("new.txt"), FileKind::File, &empty_meta(), true)
        .await
        .expect("other change");
    let change = next_change(&mut events).await;
    assert_eq!(
        (change.kind, change.from.as_str(), change.to.as_str()),
        (ChangeKind::Create, "/new.txt", "")
    );
    assert_eq!(change.file_id, created.id);

    actor
        .rename(&folder.join("new.txt"), "renamed.txt")
        .await
        .expect("rename");
    let change = next_change(&mut events).await;
    assert_eq!(
        (change.kind, change.from.as_str(), change.to.as_str()),
        (ChangeKind::Rename, "/new.txt", "/renamed.txt")
    );
}

/// §7.9, C2-426…C2-428: a saved share is a folder in my files carrying the share's URI; it is
/// also listed, flat and by id, in `cloudreve://shared_with_me` until it leaves my files.
#[tokio::test(flavor = "multi_thread")]
async fn a_saved_share_is_listed_in_shared_with_me_until_trashed() {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let shared_with_me = CrUri::root(FileSystem::SharedWithMe);
    let before = client
        .list(&shared_with_me, &ListQuery::default())
        .await
        .expect("list shared_with_me");
    assert!(before.files.is_empty());
    let link = client
        .create_share(&ShareRequest {
            uri: my(&["Documents", "Projects"]).to_string(),
            ..Default::default()
        })
        .await
        .expect("share");
    let share = share_link_to_uri(&link).expect("link");
    let owner = client.me().await.expect("me").id;
    let metadata = BTreeMap::from([
        (meta::SHARED_REDIRECT.to_string(), share.to_string()),
        (meta::SHARED_OWNER.to_string(), owner.clone()),
    ]);
    // Saved below a subfolder: the list is flat, whatever the shortcut's place.
    let created = client
        .create(
            &my(&["Documents", "Saved tunes"]),
            FileKind::Folder,
            &metadata,
            true,
        )
        .await
        .expect("save the shortcut");
    assert!(created.metadata.is_empty(), "create answers metadata null");

    let listed = client
        .list(&shared_with_me, &ListQuery::default())
        .await
        .expect("list shared_with_me");
    assert_eq!(listed.files.len(), 1, "{:?}", listed.files);
    let shortcut = &listed.files[0];
    assert_eq!(shortcut.name, "Saved tunes");
    assert_eq!(shortcut.id, created.id);
    assert!(shortcut.is_folder());
    assert_eq!(
        shortcut.path,
        format!("cloudreve://shared_with_me/{}", created.id)
    );
    assert_eq!(shortcut.metadata, metadata);
    assert_eq!(shortcut.shared_redirect(), Some(share.to_string().as_str()));
    let caps = shortcut.capability.as_ref().expect("capability").flags();
    assert_eq!(caps, vec![7, 9, 23], "the shared_with_me bits (gAKA)");
    let parent = listed.parent.as_ref().expect("the listed root");
    assert_eq!(parent.path, "cloudreve://shared_with_me");
    assert!(listed.storage_policy.is_some());
    assert_eq!(
        listed.props.capability.as_ref().map(|c| c.flags()),
        Some(vec![7, 9, 23])
    );

    // The shortcut is an ordinary folder of my files, too.
    assert!(
        names_in(&client, &my(&["Documents"]))
            .await
            .contains(&"Saved tunes".to_string())
    );
    // Its share opens from the redirect.
    let opened = client
        .list(&share, &ListQuery::default())
        .await
        .expect("the share lists");
    assert!(!opened.files.is_empty());
    // The flat list cannot be entered, and it cannot delete (no bit 14/16).
    let below = client
        .list(
            &CrUri::parse(&shortcut.path).unwrap(),
            &ListQuery::default(),
        )
        .await
        .expect_err("nothing below the root");
    assert_eq!(below.code(), Some(codes::PATH_NOT_EXIST), "{below:?}");
    assert!(
        client
            .delete(
                &[CrUri::parse(&shortcut.path).unwrap()],
                DeleteOptions::default()
            )
            .await
            .is_err()
    );
    // Trashing the folder in my files removes it from the list.
    client
        .delete(
            &[my(&["Documents", "Saved tunes"])],
            DeleteOptions::default(),
        )
        .await
        .expect("trash the shortcut");
    let after = client
        .list(&shared_with_me, &ListQuery::default())
        .await
        .expect("list shared_with_me");
    assert!(after.files.is_empty(), "{:?}", after.files);
}
