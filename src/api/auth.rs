//! Token state of one client: the current pair, when the access token is due, and the gate that
//! makes refreshes single-flight. The HTTP side lives in `session.rs`.

use super::models::Tokens;
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

/// Refresh this long before the access token expires (README §5.1: "~5 minutes"), or halfway
/// through a shorter lifetime (see `refresh_point`).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The current tokens plus the local deadline of the access token. `generation` identifies
/// this pair: a caller that saw generation N and needs a refresh only refreshes if the pair
/// is still N, otherwise somebody else already did.
#[derive(Clone, Debug)]
pub(crate) struct TokenSession {
    pub tokens: Tokens,
    pub deadline: Instant,
    /// When to refresh proactively (before `deadline`).
    pub refresh_at: Instant,
    pub generation: u64,
}

impl TokenSession {
    pub fn is_due(&self, now: Instant) -> bool {
        self.refresh_at <= now
    }
}

/// When a token valid until `deadline` should be refreshed: `REFRESH_MARGIN` early, but never
/// earlier than halfway through the time left. Without the cap, a server whose access tokens
/// live less than the margin would make every call refresh first (and concurrent calls
/// refresh again right after each other's refresh).
pub(crate) fn refresh_point(deadline: Instant, now: Instant) -> Instant {
    let left = deadline.saturating_duration_since(now);
    deadline - REFRESH_MARGIN.min(left / 2)
}

pub(crate) struct AuthState {
    current: Mutex<Option<TokenSession>>,
    /// Held for the whole refresh request; waiters then reuse its result.
    pub gate: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    updates: watch::Sender<Option<Tokens>>,
}

impl AuthState {
    pub fn new() -> AuthState {
        AuthState {
            current: Mutex::new(None),
            gate: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            updates: watch::Sender::new(None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<TokenSession>> {
        // A panic elsewhere while holding this lock cannot leave the Option half-written.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn current(&self) -> Option<TokenSession> {
        self.lock().clone()
    }

    /// Stores a new pair. `server_date` is the `Date` header of the answer that issued it;
    /// without one (tokens loaded from disk) the local clock is the best guess, and a wrong
    /// guess corrects itself: too early means one early refresh, too late means one `401`
    /// followed by a refresh and a replay.
    pub fn install(&self, tokens: Tokens, server_date: Option<DateTime<Utc>>) -> TokenSession {
        let now = Instant::now();
        let deadline = access_deadline(&tokens, server_date, Utc::now(), now);
        let session = TokenSession {
            tokens: tokens.clone(),
            deadline,
            refresh_at: refresh_point(deadline, now),
            generation: self.generation.fetch_add(1, Ordering::SeqCst) + 1,
        };
        *self.lock() = Some(session.clone());
        self.updates.send_replace(Some(tokens));
        session
    }

    pub fn clear(&self) {
        let had = self.lock().take().is_some();
        self.generation.fetch_add(1, Ordering::SeqCst);
        if had {
            self.updates.send_replace(None);
        }
    }

    /// Drops the tokens only if they are still the pair of `generation` (a sign-in that
    /// happened meanwhile must survive a late refresh failure).
    pub fn clear_if(&self, generation: u64) {
        let mut guard = self.lock();
        if guard.as_ref().is_some_and(|s| s.generation == generation) {
            *guard = None;
            drop(guard);
            self.updates.send_replace(None);
        }
    }

    pub fn subscribe(&self) -> watch::Receiver<Option<Tokens>> {
        self.updates.subscribe()
    }
}

/// When the access token is due, as a local `Instant`: the lifetime left is measured on the
/// server's clock (`access_expires − server Date`), so a wrong local clock does not matter.
pub(crate) fn access_deadline(
    tokens: &Tokens,
    server_date: Option<DateTime<Utc>>,
    local_utc: DateTime<Utc>,
    local_now: Instant,
) -> Instant {
    let reference = server_date.unwrap_or(local_utc);
    let remaining = tokens.access_expires.with_timezone(&Utc) - reference;
    match remaining.to_std() {
        Ok(left) => local_now + left,
        // Already expired by the server's clock.
        Err(_) => local_now,
    }
}

/// The HTTP `Date` header as a UTC time.
pub(crate) fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    let t: SystemTime = httpdate::parse_http_date(value).ok()?;
    Some(DateTime::<Utc>::from(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::Secret;

    fn tokens(access_expires: &str) -> Tokens {
        Tokens {
            access_token: Secret::new("a"),
            refresh_token: Secret::new("r"),
            access_expires: DateTime::parse_from_rfc3339(access_expires).unwrap(),
            refresh_expires: DateTime::parse_from_rfc3339("2026-12-11T01:21:02Z").unwrap(),
        }
    }

    #[test]
    fn deadline_uses_the_server_clock() {
        // C1-08: Date 01:21:02 GMT, access_expires 02:21:02.6Z → one hour left, whatever the
        // local clock says (here: a year off).
        let t = tokens("2026-11-27T02:21:02.654244579Z");
        let server = parse_http_date("Fri, 27 Nov 2026 01:21:02 GMT").unwrap();
        let wrong_local = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let now = Instant::now();
        let d = access_deadline(&t, Some(server), wrong_local, now);
        let left = d - now;
        assert!(
            left >= Duration::from_secs(3600) && left < Duration::from_secs(3601),
            "{left:?}"
        );
    }

    #[test]
    fn deadline_falls_back_to_the_local_clock_and_never_goes_negative() {
        let t = tokens("2026-11-27T02:00:00Z");
        let local = DateTime::parse_from_rfc3339("2026-11-27T01:58:00Z")
            .unwrap()
            .to_utc();
        let now = Instant::now();
        assert_eq!(
            access_deadline(&t, None, local, now) - now,
            Duration::from_secs(120)
        );
        let late = DateTime::parse_from_rfc3339("2026-11-27T03:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(access_deadline(&t, Some(late), local, now), now);
    }

    #[test]
    fn due_five_minutes_early_or_halfway_through_short_lifetimes() {
        let now = Instant::now();
        let secs = Duration::from_secs;
        let s = |left: u64| {
            let deadline = now + secs(left);
            TokenSession {
                tokens: tokens("2026-11-27T02:00:00Z"),
                deadline,
                refresh_at: refresh_point(deadline, now),
                generation: 1,
            }
        };
        let hour = s(3600);
        assert!(!hour.is_due(now + secs(3299)));
        assert!(hour.is_due(now + secs(3301)));
        // A 2 s token is used for 1 s, not refreshed before every call.
        let short = s(2);
        assert!(!short.is_due(now));
        assert!(short.is_due(now + secs(1)));
        // Already expired: due at once.
        assert!(s(0).is_due(now));
    }

    #[test]
    fn install_and_clear_notify_subscribers() {
        let state = AuthState::new();
        let rx = state.subscribe();
        let first = state.install(tokens("2026-11-27T02:00:00Z"), None);
        assert!(rx.borrow().is_some());
        let second = state.install(tokens("2026-11-27T03:00:00Z"), None);
        assert!(second.generation > first.generation);
        state.clear_if(first.generation);
        assert!(
            state.current().is_some(),
            "a stale generation must not clear newer tokens"
        );
        state.clear_if(second.generation);
        assert!(state.current().is_none() && rx.borrow().is_none());
    }

    #[test]
    fn tokens_debug_is_redacted() {
        let text = format!("{:?}", tokens("2026-11-27T02:00:00Z"));
        assert!(
            !text.contains("\"a\"") && text.contains("redacted"),
            "{text}"
        );
    }
}
