//! Token handling against a tiny scripted server: single-flight refresh, refresh-and-replay on
//! `401`, sign-out on `40020`, and the deadline taken from the server's `Date`.

use super::*;
use crate::api::ClientConfig;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Default)]
struct Script {
    refreshes: AtomicUsize,
    /// Answer refreshes with 40020.
    refuse_refresh: bool,
    /// `Date` header to send on sign-in (tests the server-clock deadline).
    login_date: Option<&'static str>,
    login_expires: &'static str,
}

fn envelope(body: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn token_json(access: &str, expires: &str) -> serde_json::Value {
    json!({"access_token": access, "refresh_token": "refresh-1",
           "access_expires": expires, "refresh_expires": "2999-01-01T00:00:00Z"})
}

async fn refresh(State(s): State<Arc<Script>>) -> Response {
    s.refreshes.fetch_add(1, Ordering::SeqCst);
    // Slow enough that all concurrent callers pile up behind the gate.
    tokio::time::sleep(Duration::from_millis(150)).await;
    if s.refuse_refresh {
        return envelope(
            json!({"code": 40020, "msg": "Failed to issue token pair", "correlation_id": "c"}),
        );
    }
    let expires = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    envelope(json!({"code": 0, "data": token_json("fresh", &expires), "msg": ""}))
}

async fn capacity(headers: HeaderMap) -> Response {
    if headers.get(header::AUTHORIZATION) == Some(&HeaderValue::from_static("Bearer fresh")) {
        envelope(json!({"code": 0, "data": {"total": 10, "used": 1}, "msg": ""}))
    } else {
        envelope(json!({"code": 401, "msg": "Login required", "correlation_id": "x"}))
    }
}

async fn login(State(s): State<Arc<Script>>) -> Response {
    let user = json!({"id": "u", "nickname": "n", "created_at": "2026-01-01T00:00:00Z"});
    let body = json!({"code": 0, "data": {"user": user, "token": token_json("fresh", s.login_expires)}, "msg": ""});
    let mut resp = envelope(body);
    if let Some(date) = s.login_date {
        resp.headers_mut()
            .insert(header::DATE, HeaderValue::from_static(date));
    }
    resp
}

async fn serve(script: Script) -> (Client, Arc<Script>) {
    let script = Arc::new(script);
    let app = Router::new()
        .route("/api/v4/session/token/refresh", post(refresh))
        .route("/api/v4/session/token", post(login))
        .route("/api/v4/user/capacity", get(capacity))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::new(ClientConfig::new(format!("http://{addr}"))).unwrap();
    (client, script)
}

fn stale_tokens(access_expires: &str) -> Tokens {
    Tokens {
        access_token: Secret::new("stale"),
        refresh_token: Secret::new("refresh-1"),
        access_expires: chrono::DateTime::parse_from_rfc3339(access_expires).unwrap(),
        refresh_expires: chrono::DateTime::parse_from_rfc3339("2999-01-01T00:00:00Z").unwrap(),
    }
}

async fn twenty_calls(client: &Client) -> Vec<Result<crate::api::models::Capacity, ApiError>> {
    let calls = (0..20).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.capacity().await })
    });
    futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.expect("task panicked"))
        .collect()
}

#[tokio::test]
async fn expired_token_is_refreshed_once_for_twenty_callers() {
    let (client, script) = serve(Script::default()).await;
    client.set_tokens(Some(stale_tokens("2000-01-01T00:00:00Z")));
    let results = twenty_calls(&client).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|c| c.total == 10)),
        "{results:?}"
    );
    assert_eq!(script.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays() {
    // Locally the token looks valid for a day; the server disagrees.
    let (client, script) = serve(Script::default()).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    client.set_tokens(Some(stale_tokens(&tomorrow)));
    let mut updates = client.token_updates();
    updates.mark_unchanged();
    let results = twenty_calls(&client).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(script.refreshes.load(Ordering::SeqCst), 1);
    assert!(updates.has_changed().unwrap());
    let fresh = updates.borrow_and_update().clone().unwrap();
    assert_eq!(fresh.access_token.expose(), "fresh");
}

#[tokio::test]
async fn a_refused_refresh_signs_out() {
    let (client, script) = serve(Script {
        refuse_refresh: true,
        ..Default::default()
    })
    .await;
    client.set_tokens(Some(stale_tokens("2000-01-01T00:00:00Z")));
    let updates = client.token_updates();
    let results = twenty_calls(&client).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(ApiError::SignedOut))),
        "{results:?}"
    );
    assert_eq!(script.refreshes.load(Ordering::SeqCst), 1);
    assert!(client.tokens().is_none() && updates.borrow().is_none());
}

#[tokio::test]
async fn the_deadline_follows_the_server_clock() {
    // The server lives in the year 2000: its token expires an hour after its own "now". By the
    // local clock that expiry is long past, yet no refresh may happen.
    let (client, script) = serve(Script {
        login_date: Some("Sat, 01 Jan 2000 00:00:00 GMT"),
        login_expires: "2000-01-01T01:00:00Z",
        ..Default::default()
    })
    .await;
    let outcome = client.login("a@b.c", "secret").await.unwrap();
    assert!(matches!(outcome, LoginOutcome::SignedIn(..)));
    client.capacity().await.unwrap();
    assert_eq!(script.refreshes.load(Ordering::SeqCst), 0);
}
