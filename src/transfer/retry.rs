//! What to do after a failed request: classification by Cloudreve code (not only by HTTP
//! status), exponential backoff with jitter, and a retry budget per transfer.

use crate::api::{ApiError, codes};
use std::time::Duration;

/// How the engine reacts to an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Network trouble, 5xx, storage errors, `50004`, `-1`: wait and try again.
    Transient,
    /// `40011`: the upload session is gone (expired, finished, cancelled). An upload checks
    /// whether its file is complete, else recreates the session once.
    SessionGone,
    /// `40004`: the name is taken — a conflict to resolve, not an error.
    Exists,
    /// A signed URL no longer works (`40071`, `40005`, storage `403`): fetch a fresh one.
    UrlExpired,
    /// `401` after the client's own refresh: the streamed body could not be replayed; one
    /// immediate retry carries the fresh token.
    Reauthenticated,
    /// Anything else: retrying would give the same answer.
    Fatal,
}

/// Codes a repeated request may well get past (README §3).
const TRANSIENT_CODES: &[i64] = &[
    codes::UNCLASSIFIED,
    409,
    codes::IO_FAILED,
    50001, // database busy (SQLite locked) — also "user banned", which fails again anyway
    50006, // cache
    50007, // callback
    50010, // node offline
];

pub fn classify(e: &ApiError) -> ErrorClass {
    match e {
        ApiError::Transport { .. } | ApiError::Stalled { .. } => ErrorClass::Transient,
        // An HTML error page from a gateway, a truncated JSON answer: the proxy path is sick.
        ApiError::Decode { .. } => ErrorClass::Transient,
        ApiError::Api { code, .. } => match *code {
            codes::UPLOAD_SESSION_EXPIRED => ErrorClass::SessionGone,
            codes::OBJECT_EXISTED => ErrorClass::Exists,
            codes::LOGIN_REQUIRED => ErrorClass::Reauthenticated,
            40005 | 40071 => ErrorClass::UrlExpired,
            c if TRANSIENT_CODES.contains(&c) => ErrorClass::Transient,
            _ => ErrorClass::Fatal,
        },
        ApiError::Http { status, detail, .. } => match *status {
            408 | 425 | 429 | 500..=599 => ErrorClass::Transient,
            // A completion that failed after its `200` was sent (an `<Error>` body): S3 asks
            // clients to repeat it.
            200..=299 => ErrorClass::Transient,
            // A OneDrive range refused as overlapping: the next attempt realigns first.
            409 | 416 if detail.starts_with(crate::transfer::policy::onedrive::OVERLAP) => {
                ErrorClass::Transient
            }
            // A presigned URL past its `X-Amz-Expires`.
            403 if detail.contains("Expired") || detail == "AccessDenied" => ErrorClass::UrlExpired,
            _ => ErrorClass::Fatal,
        },
        ApiError::SignedOut
        | ApiError::NotSupported { .. }
        | ApiError::NotCloudreve { .. }
        | ApiError::RangeNotSatisfiable { .. }
        | ApiError::Config(_) => ErrorClass::Fatal,
    }
}

/// Backoff settings. Tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// First delay.
    pub base: Duration,
    /// Longest delay.
    pub max_delay: Duration,
    /// Failures in a row without any progress before a transfer gives up.
    pub max_consecutive: u32,
    /// Failures in total before a transfer gives up, however much progress it makes.
    pub max_total: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_consecutive: 8,
            max_total: 200,
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (0-based): `base · 2^attempt`, capped, then
    /// scaled by a jitter factor in `[0.5, 1.0]` so many clients do not retry in lockstep.
    /// `jitter` is a uniform sample in `[0, 1)`.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self.base.saturating_mul(1u32 << attempt.min(20));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// The retries left to one transfer.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    policy: RetryPolicy,
    consecutive: u32,
    total: u32,
}

impl Budget {
    pub fn new(policy: RetryPolicy) -> Budget {
        Budget {
            policy,
            consecutive: 0,
            total: 0,
        }
    }

    /// Spends one retry; `None` when the budget is exhausted, else the delay to wait.
    pub fn spend(&mut self) -> Option<Duration> {
        if self.consecutive >= self.policy.max_consecutive || self.total >= self.policy.max_total {
            return None;
        }
        let delay = self.policy.delay(self.consecutive, rand::random::<f64>());
        self.consecutive += 1;
        self.total += 1;
        Some(delay)
    }

    /// Progress was made (a chunk acknowledged, bytes received): the streak starts over.
    pub fn progressed(&mut self) {
        self.consecutive = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    fn api(code: i64) -> ApiError {
        ApiError::Api {
            code,
            msg: String::new(),
            correlation_id: None,
            aggregated: Vec::new(),
            locks: Vec::new(),
            data: None,
        }
    }

    #[test]
    fn classification_follows_cloudreve_codes() {
        assert_eq!(classify(&api(40011)), ErrorClass::SessionGone);
        assert_eq!(classify(&api(40004)), ErrorClass::Exists);
        assert_eq!(classify(&api(50004)), ErrorClass::Transient);
        assert_eq!(classify(&api(-1)), ErrorClass::Transient);
        assert_eq!(classify(&api(40013)), ErrorClass::Fatal);
        assert_eq!(classify(&api(40073)), ErrorClass::Fatal);
        assert_eq!(classify(&api(40071)), ErrorClass::UrlExpired);
        assert_eq!(classify(&api(401)), ErrorClass::Reauthenticated);
        let html = ApiError::Decode {
            endpoint: "x".into(),
            status: 502,
            detail: "<html>".into(),
        };
        assert_eq!(classify(&html), ErrorClass::Transient);
        let s3 = |status, detail: &str| ApiError::Http {
            endpoint: "x".into(),
            status,
            detail: detail.into(),
        };
        assert_eq!(classify(&s3(503, "SlowDown")), ErrorClass::Transient);
        assert_eq!(
            classify(&s3(403, "SignatureDoesNotMatch")),
            ErrorClass::Fatal
        );
        assert_eq!(classify(&s3(404, "NoSuchUpload")), ErrorClass::Fatal);
        assert_eq!(classify(&s3(200, "InternalError")), ErrorClass::Transient);
        assert_eq!(classify(&s3(400, "InvalidPart")), ErrorClass::Fatal);
        // OneDrive: an overlapping range is realigned and retried; another 416 is final.
        assert_eq!(
            classify(&s3(416, "fragmentOverlap (invalidRange)")),
            ErrorClass::Transient
        );
        assert_eq!(classify(&s3(416, "invalidRange")), ErrorClass::Fatal);
        assert_eq!(classify(&ApiError::SignedOut), ErrorClass::Fatal);
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let p = RetryPolicy {
            base: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        assert_eq!(p.delay(0, 1.0), Duration::from_millis(100));
        assert_eq!(p.delay(0, 0.0), Duration::from_millis(50));
        assert_eq!(p.delay(3, 1.0), Duration::from_millis(800));
        assert_eq!(p.delay(4, 1.0), Duration::from_secs(1));
        assert_eq!(p.delay(60, 1.0), Duration::from_secs(1));
    }

    #[test]
    fn budget_counts_streaks_and_totals() {
        let mut b = Budget::new(RetryPolicy {
            max_consecutive: 2,
            max_total: 3,
            base: Duration::ZERO,
            ..RetryPolicy::default()
        });
        assert!(b.spend().is_some());
        assert!(b.spend().is_some());
        assert!(b.spend().is_none());
        b.progressed();
        assert!(b.spend().is_some());
        b.progressed();
        assert!(b.spend().is_none(), "the total is spent");
    }
}
