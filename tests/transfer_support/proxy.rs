//! A fault-injecting TCP proxy for the transfer tests (no external process).
//!
//! It sits on `127.0.0.1:0` between the client and the demo server, reads each request head,
//! forces `Connection: close` (one request per connection, so every request gets its own
//! fate), and with a seeded probability injects one fault: cut the request or the response at
//! a random byte offset, reset the connection, stall, trickle the response, answer `502` with
//! an HTML page (before or after the server saw the request), or strip `Range` so the server
//! answers `200` to a ranged request. It also counts the chunk requests it sees and can hold
//! chunk requests (or content responses) to freeze a transfer at a known point.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    None,
    CutRequest(usize),
    CutResponse(usize),
    Reset,
    Stall,
    Trickle,
    Html502Before,
    Html502After,
    IgnoreRange,
}

impl Fault {
    pub fn label(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::CutRequest(_) => "cut request",
            Fault::CutResponse(_) => "cut response",
            Fault::Reset => "reset",
            Fault::Stall => "stall",
            Fault::Trickle => "trickle",
            Fault::Html502Before => "502 html before",
            Fault::Html502After => "502 html after",
            Fault::IgnoreRange => "200 to range",
        }
    }
}

pub const ALL_FAULTS: &[&str] = &[
    "cut request",
    "cut response",
    "reset",
    "stall",
    "trickle",
    "502 html before",
    "502 html after",
    "200 to range",
];

struct State {
    upstream: Mutex<Option<SocketAddr>>,
    rng: Mutex<StdRng>,
    /// Faults per 1000 requests.
    rate: AtomicU64,
    /// How long a stall holds the connection (longer than the client's stall timeout).
    stall: Duration,
    /// Typical response size, for picking cut offsets.
    size_hint: AtomicU64,
    /// Chunk requests with this index or above are held (not forwarded) until the client
    /// gives up on them.
    hold_chunks_from: AtomicU64,
    /// Content responses are cut off (and held open) after this many body-ish bytes.
    hold_content_after: AtomicU64,
    /// `POST /file/upload/<session>/<index>` requests seen, by index.
    chunk_requests: Mutex<BTreeMap<u64, u32>>,
    /// `Range` headers of content GETs, in order (`None` = no range).
    content_ranges: Mutex<Vec<Option<String>>>,
    faults: Mutex<BTreeMap<&'static str, u32>>,
    /// Chunk requests wait this long (ms) before they are forwarded: a slow link.
    chunk_delay_ms: AtomicU64,
    /// Content responses always trickle.
    trickle_content: std::sync::atomic::AtomicBool,
    /// Faults the next content GETs take, in order, before any random one.
    scripted_content: Mutex<std::collections::VecDeque<Fault>>,
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Binds the proxy; call [`FaultProxy::forward_to`] once the upstream is known.
    pub async fn start(seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            upstream: Mutex::new(None),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            rate: AtomicU64::new(0),
            stall: Duration::from_millis(1200),
            size_hint: AtomicU64::new(8192),
            hold_chunks_from: AtomicU64::new(u64::MAX),
            hold_content_after: AtomicU64::new(u64::MAX),
            chunk_requests: Mutex::new(BTreeMap::new()),
            content_ranges: Mutex::new(Vec::new()),
            faults: Mutex::new(BTreeMap::new()),
            scripted_content: Mutex::new(std::collections::VecDeque::new()),
            chunk_delay_ms: AtomicU64::new(0),
            trickle_content: std::sync::atomic::AtomicBool::new(false),
        });
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    continue;
                };
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let _ = handle(state, conn).await;
                });
            }
        });
        FaultProxy { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn forward_to(&self, upstream: SocketAddr) {
        *self.state.upstream.lock().unwrap() = Some(upstream);
    }

    /// Faults per request, 0.0–1.0.
    pub fn set_fault_rate(&self, rate: f64) {
        self.state
            .rate
            .store((rate * 1000.0) as u64, Ordering::SeqCst);
    }

    pub fn set_size_hint(&self, bytes: u64) {
        self.state.size_hint.store(bytes, Ordering::SeqCst);
    }

    pub fn hold_chunks_from(&self, index: Option<u64>) {
        self.state
            .hold_chunks_from
            .store(index.unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    pub fn hold_content_after(&self, bytes: Option<u64>) {
        self.state
            .hold_content_after
            .store(bytes.unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    pub fn set_chunk_delay(&self, delay: Duration) {
        self.state
            .chunk_delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn set_trickle_content(&self, on: bool) {
        self.state.trickle_content.store(on, Ordering::SeqCst);
    }

    /// The next content GETs get these faults, one each.
    pub fn script_content_faults(&self, faults: &[Fault]) {
        self.state
            .scripted_content
            .lock()
            .unwrap()
            .extend(faults.iter().copied());
    }

    pub fn chunk_requests(&self) -> BTreeMap<u64, u32> {
        self.state.chunk_requests.lock().unwrap().clone()
    }

    pub fn content_ranges(&self) -> Vec<Option<String>> {
        self.state.content_ranges.lock().unwrap().clone()
    }

    pub fn faults(&self) -> BTreeMap<&'static str, u32> {
        self.state.faults.lock().unwrap().clone()
    }
}

/// The parts of a request head the proxy cares about.
struct Head {
    request_line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(raw: &str) -> Option<Head> {
        let mut lines = raw.split("\r\n");
        let request_line = lines.next()?.to_string();
        let headers = lines
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                Some((k.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        Some(Head {
            request_line,
            headers,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or("")
    }

    fn method(&self) -> &str {
        self.request_line.split(' ').next().unwrap_or("")
    }

    /// Index of a local-policy chunk request.
    fn chunk_index(&self) -> Option<u64> {
        if self.method() != "POST" {
            return None;
        }
        let rest = self.path().strip_prefix("/api/v4/file/upload/")?;
        let (_, index) = rest.split_once('/')?;
        index.parse().ok()
    }

    fn is_content(&self) -> bool {
        self.method() == "GET" && self.path().starts_with("/api/v4/file/content/")
    }

    /// The head to send upstream: one request per connection, `Range` dropped on demand.
    fn render(&self, drop_range: bool) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.request_line);
        for (k, v) in &self.headers {
            let lower = k.to_ascii_lowercase();
            if lower == "connection" || lower == "keep-alive" {
                continue;
            }
            if drop_range && (lower == "range" || lower == "if-range") {
                continue;
            }
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("Connection: close\r\n\r\n");
        out.into_bytes()
    }
}

fn pick_fault(state: &State, head: &Head, request_len: usize) -> Fault {
    if head.is_content()
        && let Some(fault) = state.scripted_content.lock().unwrap().pop_front()
    {
        return fault;
    }
    let mut rng = state.rng.lock().unwrap();
    let rate = state.rate.load(Ordering::SeqCst);
    if rate == 0 {
        return Fault::None;
    }
    // Ranged requests are rare (only resumes send them): most of them get a 200.
    if head.header("range").is_some() && rng.gen_bool(0.6) {
        return Fault::IgnoreRange;
    }
    if rng.gen_range(0..1000) >= rate {
        return Fault::None;
    }
    let response_hint = state.size_hint.load(Ordering::SeqCst) as usize + 600;
    // Cuts inside a download body are what resumes with `Range`: make them common.
    if head.is_content() && rng.gen_bool(0.6) {
        return Fault::CutResponse(rng.gen_range(0..response_hint));
    }
    match rng.gen_range(0..8) {
        0 => Fault::CutRequest(rng.gen_range(0..request_len.max(1))),
        1 => Fault::CutResponse(rng.gen_range(0..response_hint)),
        2 => Fault::Reset,
        3 => Fault::Stall,
        4 => Fault::Trickle,
        5 => Fault::Html502Before,
        6 => Fault::Html502After,
        _ if head.header("range").is_some() => Fault::IgnoreRange,
        _ => Fault::CutResponse(rng.gen_range(0..response_hint)),
    }
}

const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head>\
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

async fn write_502(stream: &mut (impl AsyncWriteExt + Unpin)) {
    let response = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{HTML_502}",
        HTML_502.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn read_head(conn: &mut TcpStream) -> std::io::Result<Option<(Head, Vec<u8>, usize)>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    loop {
        let n = conn.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let end = pos + 4;
            let Some(head) = Head::parse(&String::from_utf8_lossy(&buf[..end])) else {
                return Ok(None);
            };
            return Ok(Some((head, buf[end..].to_vec(), end)));
        }
        if buf.len() > 1 << 16 {
            return Ok(None);
        }
    }
}

/// Waits until the client closes (or a long time passes): a request that gets no answer.
async fn hold(conn: &mut TcpStream) {
    let mut tmp = [0u8; 8192];
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(n) = conn.read(&mut tmp).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

async fn handle(state: Arc<State>, mut client: TcpStream) -> std::io::Result<()> {
    let Some((head, rest, head_len)) = read_head(&mut client).await? else {
        return Ok(());
    };
    if let Some(index) = head.chunk_index() {
        *state
            .chunk_requests
            .lock()
            .unwrap()
            .entry(index)
            .or_default() += 1;
        if index >= state.hold_chunks_from.load(Ordering::SeqCst) {
            hold(&mut client).await;
            return Ok(());
        }
        let delay = state.chunk_delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
    }
    if head.is_content() {
        state
            .content_ranges
            .lock()
            .unwrap()
            .push(head.header("range").map(str::to_string));
    }
    let body_len: usize = head
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut fault = pick_fault(&state, &head, head_len + body_len);
    if fault == Fault::None && head.is_content() && state.trickle_content.load(Ordering::SeqCst) {
        fault = Fault::Trickle;
    }
    if fault != Fault::None {
        *state
            .faults
            .lock()
            .unwrap()
            .entry(fault.label())
            .or_default() += 1;
    }
    match fault {
        Fault::Reset => {
            // SO_LINGER 0: the close sends RST instead of FIN.
            let _ = client.set_zero_linger();
            return Ok(());
        }
        Fault::Stall => {
            tokio::time::sleep(state.stall).await;
            return Ok(());
        }
        Fault::Html502Before => {
            write_502(&mut client).await;
            return Ok(());
        }
        _ => {}
    }
    let Some(upstream_addr) = *state.upstream.lock().unwrap() else {
        return Ok(());
    };
    let upstream = TcpStream::connect(upstream_addr).await?;
    let (mut client_r, mut client_w) = client.into_split();
    let (mut up_r, mut up_w) = upstream.into_split();
    let mut first = head.render(fault == Fault::IgnoreRange);
    first.extend_from_slice(&rest);
    let request_limit = match fault {
        Fault::CutRequest(n) => n,
        _ => usize::MAX,
    };

    // Client → server, cut after `request_limit` bytes.
    let to_server = async move {
        let mut sent = 0usize;
        let mut pending = first;
        loop {
            let room = request_limit.saturating_sub(sent);
            let take = pending.len().min(room);
            up_w.write_all(&pending[..take]).await?;
            sent += take;
            if take < pending.len() {
                return Err(std::io::Error::other("cut"));
            }
            let mut tmp = vec![0u8; 16384];
            let n = client_r.read(&mut tmp).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            tmp.truncate(n);
            pending = tmp;
        }
    };

    // Server → client, with the response-side fault.
    let hold_after = if head.is_content() {
        state.hold_content_after.load(Ordering::SeqCst)
    } else {
        u64::MAX
    };
    let to_client = async move {
        let mut tmp = vec![0u8; 16384];
        let mut passed = 0u64;
        if fault == Fault::Html502After {
            // The server did the work; the gateway loses the answer.
            while up_r.read(&mut tmp).await? > 0 {}
            write_502(&mut client_w).await;
            return Ok::<_, std::io::Error>(());
        }
        let limit = match fault {
            Fault::CutResponse(n) => n as u64,
            _ => u64::MAX,
        };
        loop {
            let n = up_r.read(&mut tmp).await?;
            if n == 0 {
                break;
            }
            let allowed = (limit.min(hold_after) - passed).min(n as u64) as usize;
            if fault == Fault::Trickle {
                for piece in tmp[..allowed].chunks(700) {
                    client_w.write_all(piece).await?;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            } else {
                client_w.write_all(&tmp[..allowed]).await?;
            }
            passed += allowed as u64;
            if passed >= hold_after {
                // Frozen mid-body: the client sees no more bytes and no end.
                tokio::time::sleep(Duration::from_secs(30)).await;
                return Ok(());
            }
            if passed >= limit {
                return Ok(());
            }
        }
        let _ = client_w.shutdown().await;
        Ok(())
    };

    tokio::pin!(to_server);
    tokio::pin!(to_client);
    tokio::select! {
        sent = &mut to_server => {
            if sent.is_ok() {
                let _ = to_client.await;
            }
        }
        _ = &mut to_client => {}
    }
    Ok(())
}
