//! The HTTP core: configuration, one request path for every JSON endpoint (envelope decoding,
//! bearer token, refresh-and-replay on `401`), and the streamed variant used by the event stream.

use super::auth::{AuthState, TokenSession, parse_http_date};
use super::envelope::{self, Reply};
use super::error::{ApiError, codes};
use super::models::Tokens;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

pub const USER_AGENT: &str = concat!("reve/", env!("CARGO_PKG_VERSION"));
pub(crate) const CLIENT_ID_HEADER: HeaderName = HeaderName::from_static("x-cr-client-id");
pub(crate) const CONTEXT_HINT_HEADER: HeaderName = HeaderName::from_static("x-cr-context-hint");

/// How to reach one server.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `http(s)://host[:port][/prefix]`; `/api/v4` is appended.
    pub base_url: String,
    /// Sent as `X-Cr-Client-Id`; the event stream does not echo this client's own changes.
    pub client_id: Uuid,
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// Whole-request limit of JSON calls. Downloads, chunk uploads and the event stream have
    /// none (they may legitimately take hours); they use `stall_timeout` instead.
    pub request_timeout: Duration,
    /// Longest silence tolerated while reading a download or the event stream (the event
    /// stream sends a keep-alive every 30 s).
    pub stall_timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            client_id: Uuid::new_v4(),
            user_agent: USER_AGENT.to_string(),
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(90),
        }
    }
}

/// A Cloudreve v4 client. Cheap to clone; clones share the connection pool and the tokens.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    /// Normalised base without a trailing slash.
    pub base: String,
    pub client_id: Uuid,
    pub request_timeout: Duration,
    pub stall_timeout: Duration,
    pub auth: AuthState,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("client_id", &self.inner.client_id)
            .field("signed_in", &self.is_signed_in())
            .finish()
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let base = normalize_base_url(&config.base_url)?;
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .tcp_keepalive(Duration::from_secs(60))
            // Redirects are answers here (302 of `redirect:true`, Gravatar avatars); following
            // them could also carry the bearer to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(format!("HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                client_id: config.client_id,
                request_timeout: config.request_timeout,
                stall_timeout: config.stall_timeout,
                auth: AuthState::new(),
            }),
        })
    }

    /// A client that starts signed in with stored tokens.
    pub fn with_tokens(config: ClientConfig, tokens: Tokens) -> Result<Client, ApiError> {
        let client = Client::new(config)?;
        client.set_tokens(Some(tokens));
        Ok(client)
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    pub fn client_id(&self) -> Uuid {
        self.inner.client_id
    }

    pub fn tokens(&self) -> Option<Tokens> {
        self.inner.auth.current().map(|s| s.tokens)
    }

    pub fn is_signed_in(&self) -> bool {
        self.inner.auth.current().is_some()
    }

    /// Replaces the tokens (e.g. loaded from the keyring); `None` signs out locally.
    pub fn set_tokens(&self, tokens: Option<Tokens>) {
        match tokens {
            Some(t) => {
                self.inner.auth.install(t, None);
            }
            None => self.inner.auth.clear(),
        }
    }

    /// Every new token pair (sign-in, refresh) and `None` on sign-out or a failed refresh, so
    /// the app can persist them.
    pub fn token_updates(&self) -> watch::Receiver<Option<Tokens>> {
        self.inner.auth.subscribe()
    }

    pub(crate) fn api_url(&self, path: &str) -> String {
        format!("{}/api/v4{}", self.inner.base, path)
    }

    /// Runs a JSON call and returns its data; `203` is unexpected here.
    pub(crate) async fn call<T: DeserializeOwned>(&self, req: Request) -> Result<T, ApiError> {
        let endpoint = req.endpoint();
        match self.call_reply::<T>(req).await?.reply {
            Reply::Done(data) => Ok(data),
            Reply::Continue(_) => Err(ApiError::decode(
                &endpoint,
                200,
                "unexpected code 203 (continue)",
            )),
        }
    }

    /// Runs a JSON call and keeps `203` answers and the server's `Date`.
    pub(crate) async fn call_reply<T: DeserializeOwned>(
        &self,
        mut req: Request,
    ) -> Result<Answer<T>, ApiError> {
        match self.perform::<T>(&mut req, |_, _| false).await? {
            Performed::Envelope(answer) => Ok(answer),
            Performed::Stream(_) => unreachable_stream(&req),
        }
    }

    /// Sends `req` with the bearer when it wants one; on `401` refreshes once (single-flight)
    /// and replays once if the body can be sent again. An answer for which `is_stream` holds is
    /// handed back unread; anything else is decoded as an envelope.
    pub(crate) async fn perform<T: DeserializeOwned>(
        &self,
        req: &mut Request,
        is_stream: fn(StatusCode, &HeaderMap) -> bool,
    ) -> Result<Performed<T>, ApiError> {
        let endpoint = req.endpoint();
        let mut replayed = false;
        loop {
            let bearer = if req.auth { self.bearer().await? } else { None };
            let resp = self.send_once(req, bearer.as_ref()).await?;
            if is_stream(resp.status(), resp.headers()) {
                return Ok(Performed::Stream(resp));
            }
            match (read_answer::<T>(&endpoint, resp).await, &bearer) {
                (Err(e), Some(used)) if e.is_code(codes::LOGIN_REQUIRED) && !replayed => {
                    self.refresh_after(used.generation).await?;
                    if !req.replayable() {
                        // The caller's next attempt will carry the fresh token.
                        return Err(e);
                    }
                    replayed = true;
                }
                (answer, _) => return answer.map(Performed::Envelope),
            }
        }
    }

    /// The access token to send, refreshed first when it is due.
    async fn bearer(&self) -> Result<Option<TokenSession>, ApiError> {
        let Some(session) = self.inner.auth.current() else {
            return Ok(None);
        };
        let now = Instant::now();
        if !session.is_due(now) {
            return Ok(Some(session));
        }
        match self.refresh_after(session.generation).await {
            Ok(fresh) => Ok(Some(fresh)),
            Err(ApiError::SignedOut) => Err(ApiError::SignedOut),
            // The refresh failed for a passing reason but the old token still has time.
            Err(_) if session.deadline > now => Ok(Some(session)),
            Err(e) => Err(e),
        }
    }

    /// One HTTP exchange, without any token logic.
    pub(crate) async fn send_once(
        &self,
        req: &mut Request,
        bearer: Option<&TokenSession>,
    ) -> Result<reqwest::Response, ApiError> {
        let endpoint = req.endpoint();
        let mut rb = self
            .inner
            .http
            .request(req.method.clone(), self.api_url(&req.path))
            .header(CLIENT_ID_HEADER, self.inner.client_id.to_string())
            .headers(req.headers.clone());
        if !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        if let Some(session) = bearer {
            rb = rb.bearer_auth(session.tokens.access_token.expose());
        }
        if req.limited {
            rb = rb.timeout(self.inner.request_timeout);
        }
        rb = req.body.attach(rb, &endpoint)?;
        tracing::debug!(target: "reve::api", "{endpoint}");
        rb.send()
            .await
            .map_err(|e| ApiError::transport(&endpoint, e))
    }
}

/// `"PUT 127.0.0.1:5510/bucket/key"`: names an absolute URL without its query, which holds
/// signatures.
pub(crate) fn url_label(method: &Method, url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{method} {}{}{}",
            u.host_str().unwrap_or_default(),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path()
        ),
        Err(_) => format!("{method} <invalid URL>"),
    }
}

/// The body of a streamed answer, failing with `Stalled` when nothing arrives for `stall`.
pub(crate) fn guarded_body(
    resp: reqwest::Response,
    stall: Duration,
    endpoint: String,
) -> BoxStream<'static, Result<Bytes, ApiError>> {
    let body = Box::pin(resp.bytes_stream());
    let state = Some((body, endpoint));
    futures_util::stream::unfold(state, move |state| async move {
        let (mut body, endpoint) = state?;
        match tokio::time::timeout(stall, body.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some((body, endpoint)))),
            Ok(Some(Err(e))) => Some((Err(ApiError::transport(&endpoint, e)), None)),
            Ok(None) => None,
            Err(_) => Some((
                Err(ApiError::Stalled {
                    endpoint,
                    seconds: stall.as_secs(),
                }),
                None,
            )),
        }
    })
    .boxed()
}

fn unreachable_stream<T>(req: &Request) -> Result<T, ApiError> {
    // `call_reply` passes a predicate that never accepts a stream.
    Err(ApiError::decode(&req.endpoint(), 200, "unexpected stream"))
}

/// The outcome of [`Client::perform`].
pub(crate) enum Performed<T> {
    Envelope(Answer<T>),
    Stream(reqwest::Response),
}

/// A decoded envelope plus the server's clock at the time of the answer.
pub(crate) struct Answer<T> {
    pub reply: Reply<T>,
    pub server_date: Option<DateTime<Utc>>,
}

/// Reads a whole answer and decodes its envelope.
pub(crate) async fn read_answer<T: DeserializeOwned>(
    endpoint: &str,
    resp: reqwest::Response,
) -> Result<Answer<T>, ApiError> {
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp
        .bytes()
        .await
        .map_err(|e| ApiError::transport(endpoint, e))?;
    let reply = envelope::decode::<T>(endpoint, status.as_u16(), content_type(&headers), &body)?;
    Ok(Answer {
        reply,
        server_date: server_date(&headers),
    })
}

pub(crate) fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

fn server_date(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date)
}

/// One API request, described as data so it can be sent again after a token refresh.
pub(crate) struct Request {
    pub method: Method,
    /// Below `/api/v4`, starting with `/`, with every dynamic segment already encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: RequestBody,
    /// Send the bearer token (and refresh it). Session routes do without.
    pub auth: bool,
    /// Apply the JSON request timeout.
    pub limited: bool,
}

pub(crate) enum RequestBody {
    Empty,
    Bytes {
        data: Bytes,
        content_type: &'static str,
    },
    /// Sent once; a `401` answer cannot be replayed with it.
    Stream {
        body: Option<reqwest::Body>,
        len: u64,
        content_type: &'static str,
    },
}

impl RequestBody {
    fn attach(
        &mut self,
        rb: reqwest::RequestBuilder,
        endpoint: &str,
    ) -> Result<reqwest::RequestBuilder, ApiError> {
        Ok(match self {
            RequestBody::Empty => rb,
            RequestBody::Bytes { data, content_type } => {
                rb.header(CONTENT_TYPE, *content_type).body(data.clone())
            }
            RequestBody::Stream {
                body,
                len,
                content_type,
            } => {
                let body = body.take().ok_or_else(|| {
                    ApiError::Config(format!("{endpoint}: a streamed body can only be sent once"))
                })?;
                // An explicit length makes hyper send a fixed-length body instead of chunked
                // encoding, which Cloudreve would read as empty (§4.3, C2-282).
                rb.header(CONTENT_TYPE, *content_type)
                    .header(CONTENT_LENGTH, *len)
                    .body(body)
            }
        })
    }
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: RequestBody::Empty,
            auth: true,
            limited: true,
        }
    }

    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path)
    }
    pub fn post(path: impl Into<String>) -> Request {
        Request::new(Method::POST, path)
    }
    pub fn put(path: impl Into<String>) -> Request {
        Request::new(Method::PUT, path)
    }
    pub fn patch(path: impl Into<String>) -> Request {
        Request::new(Method::PATCH, path)
    }
    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::DELETE, path)
    }

    /// `"GET /file/info"`: names the endpoint in errors and logs (no query: it may hold secrets).
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Request {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Request {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Adds `key=true` only when set (the server treats presence as true for most flags).
    pub fn flag(self, key: &str, on: bool) -> Request {
        if on { self.query(key, "true") } else { self }
    }

    pub fn json(mut self, body: &impl Serialize) -> Request {
        // Serializing the crate's own request structs cannot fail (string keys, no maps of
        // non-string keys), so an empty object is a safe fallback that the server will reject.
        let data = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        self.body = RequestBody::Bytes {
            data: data.into(),
            content_type: "application/json",
        };
        self
    }

    pub fn raw(mut self, data: Bytes, content_type: &'static str) -> Request {
        self.body = RequestBody::Bytes { data, content_type };
        self
    }

    pub fn stream(mut self, body: reqwest::Body, len: u64, content_type: &'static str) -> Request {
        self.body = RequestBody::Stream {
            body: Some(body),
            len,
            content_type,
        };
        self
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Request {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    pub fn no_auth(mut self) -> Request {
        self.auth = false;
        self
    }

    pub fn unlimited(mut self) -> Request {
        self.limited = false;
        self
    }

    fn replayable(&self) -> bool {
        !matches!(self.body, RequestBody::Stream { .. })
    }
}

/// Encodes one dynamic path segment (ids, session ids, codes).
pub(crate) fn seg(s: &str) -> String {
    super::uri::encode_component(s)
}

/// Checks and normalises `http(s)://host[:port][/prefix]` (no query, no fragment, no trailing
/// slash).
pub fn normalize_base_url(input: &str) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::Config(format!("server address {input:?}: {why}"));
    let url = url::Url::parse(input.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must start with http:// or https://"));
    }
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not contain ? or #"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials"));
    }
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    Ok(format!("{}://{host}{port}{path}", url.scheme()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised() {
        let ok = |s: &str| normalize_base_url(s).unwrap();
        assert_eq!(ok("http://127.0.0.1:5212"), "http://127.0.0.1:5212");
        assert_eq!(
            ok("https://drive.example.com/"),
            "https://drive.example.com"
        );
        assert_eq!(
            ok("https://example.com:8443/cloud/"),
            "https://example.com:8443/cloud"
        );
        assert_eq!(ok("HTTP://Example.COM"), "http://example.com");
        assert_eq!(ok("http://[::1]:5212"), "http://[::1]:5212");
        for bad in [
            "example.com",
            "ftp://x",
            "http://x/?a=b",
            "http://u:p@x",
            "",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_describes_itself_without_the_query() {
        let r = Request::get("/file/content/a/0/b").query("sign", "secret");
        assert_eq!(r.endpoint(), "GET /file/content/a/0/b");
        assert!(r.replayable());
        let s =
            Request::post("/x").stream(reqwest::Body::from("abc"), 3, "application/octet-stream");
        assert!(!s.replayable());
    }
}
