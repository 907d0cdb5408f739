//! The one error type of the API client.

use super::models::LockInfo;
use std::fmt;
use std::sync::Arc;

/// Codes the client reacts to (README §3). Every other non-zero code is a plain error.
pub mod codes {
    pub const OK: i64 = 0;
    pub const UNCLASSIFIED: i64 = -1;
    /// Success that needs another step: 2FA code, or e-mail activation.
    pub const CONTINUE: i64 = 203;
    pub const LOGIN_REQUIRED: i64 = 401;
    pub const PERMISSION_DENIED: i64 = 403;
    pub const NOT_FOUND: i64 = 404;
    pub const PARAM_ERROR: i64 = 40001;
    pub const OBJECT_EXISTED: i64 = 40004;
    pub const GROUP_NOT_ALLOWED: i64 = 40007;
    pub const UPLOAD_SESSION_EXPIRED: i64 = 40011;
    pub const INVALID_CHUNK_INDEX: i64 = 40012;
    pub const INVALID_CONTENT_LENGTH: i64 = 40013;
    pub const PATH_NOT_EXIST: i64 = 40016;
    pub const FEATURE_DISABLED: i64 = 40019;
    pub const CREDENTIAL_INVALID: i64 = 40020;
    pub const INCORRECT_2FA_CODE: i64 = 40022;
    pub const INCORRECT_PASSWORD: i64 = 40069;
    pub const LOCK_CONFLICT: i64 = 40073;
    pub const STALE_VERSION: i64 = 40076;
    pub const LOGIN_FAILED: i64 = 40080;
    pub const BATCH_PARTIAL: i64 = 40081;
    pub const IO_FAILED: i64 = 50004;
}

/// One failed item of a `40081` batch answer: the key is the URI/id that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub item: String,
    pub code: i64,
    pub msg: String,
    pub correlation_id: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The request did not complete: DNS, connect, TLS, reset, timeout.
    #[error("{endpoint}: {}", transport_text(source))]
    Transport {
        endpoint: String,
        #[source]
        source: Arc<reqwest::Error>,
    },

    /// The answer is not what the endpoint sends: HTML, empty, truncated or mis-shaped JSON.
    #[error("{endpoint}: unexpected answer (HTTP {status}): {detail}")]
    Decode {
        endpoint: String,
        status: u16,
        detail: String,
    },

    /// The server answered with a Cloudreve error code.
    #[error("{}", api_text(*code, msg, correlation_id.as_deref(), aggregated))]
    Api {
        code: i64,
        msg: String,
        correlation_id: Option<String>,
        /// Per-item errors of `40081` (partial success: the other items were applied).
        aggregated: Vec<ItemError>,
        /// The conflicting locks of `40073`.
        locks: Vec<LockInfo>,
        /// Whatever else came in `data` (e.g. the successful items of `PUT /file/source`).
        data: Option<Box<serde_json::Value>>,
    },

    /// A plain-text 404 on a known route: this server does not have it (Pro-only on Community).
    #[error("{endpoint}: not available on this server (Cloudreve Pro feature)")]
    NotSupported { endpoint: String },

    /// The refresh token was refused (or there are no tokens): sign in again.
    #[error("signed out: please sign in again")]
    SignedOut,

    /// The address does not answer like a Cloudreve v4 server.
    #[error("not a Cloudreve v4 server: {detail}")]
    NotCloudreve { detail: String },

    /// A storage host or node (not the Cloudreve API) answered with an unexpected status.
    #[error("{endpoint}: HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Http {
        endpoint: String,
        status: u16,
        detail: String,
    },

    /// `416`: the requested range starts beyond the content (its size when known).
    #[error("{endpoint}: requested range not satisfiable")]
    RangeNotSatisfiable {
        endpoint: String,
        total: Option<u64>,
    },

    /// A download or the event stream delivered nothing for too long.
    #[error("{endpoint}: no data for {seconds} s")]
    Stalled { endpoint: String, seconds: u64 },

    /// The client was configured with something unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn transport_text(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "connection broke while reading the answer"
    } else {
        "network error"
    };
    // The innermost cause says what really happened (refused, reset, certificate…).
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    format!("{kind}: {cause}")
}

fn api_text(code: i64, msg: &str, correlation_id: Option<&str>, items: &[ItemError]) -> String {
    let mut out = if msg.is_empty() {
        format!("server error {code}")
    } else {
        format!("{msg} (code {code})")
    };
    if let [first, rest @ ..] = items {
        out = format!("{} failed: {} (code {})", first.item, first.msg, first.code);
        if !rest.is_empty() {
            out.push_str(&format!(" and {} more", rest.len()));
        }
    }
    if let Some(id) = correlation_id {
        out.push_str(&format!(" [correlation id {id}]"));
    }
    out
}

impl ApiError {
    pub(crate) fn transport(endpoint: &str, e: reqwest::Error) -> ApiError {
        ApiError::Transport {
            endpoint: endpoint.to_string(),
            // Signed URLs carry secrets in their query: never keep them in an error.
            source: Arc::new(e.without_url()),
        }
    }

    pub(crate) fn decode(endpoint: &str, status: u16, detail: impl Into<String>) -> ApiError {
        ApiError::Decode {
            endpoint: endpoint.to_string(),
            status,
            detail: detail.into(),
        }
    }

    /// The Cloudreve code, for `Api` errors.
    pub fn code(&self) -> Option<i64> {
        match self {
            ApiError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn is_code(&self, wanted: i64) -> bool {
        self.code() == Some(wanted)
    }

    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            ApiError::Api { correlation_id, .. } => correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Worth retrying as is: network trouble, `50004`, `409`, unclassified `-1`.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Transport { .. } | ApiError::Stalled { .. } => true,
            ApiError::Api { code, .. } => {
                matches!(*code, codes::IO_FAILED | 409 | codes::UNCLASSIFIED)
            }
            ApiError::Http { status, .. } | ApiError::Decode { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Sign-in is needed: refresh failed, or the server still says "login required".
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, ApiError::SignedOut) || self.is_code(codes::LOGIN_REQUIRED)
    }
}

/// Shortens a body for an error message without splitting a character.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out.replace(['\r', '\n'], " ")
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (code {})", self.item, self.msg, self.code)
    }
}
