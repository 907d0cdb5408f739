//! The wire conventions of Cloudreve's `/api/v4`: HTTP 200 with an envelope
//! `{code, data?, msg, correlation_id?}`, request-validation errors without a correlation id,
//! a plain-text `404 page not found` for anything unrouted, and 40001 "Parameter error" for
//! bodies and queries that do not decode.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

tokio::task_local! {
    /// The `X-Cr-Correlation-Id` a client sent, used in this request's error envelope.
    static REQUEST_CORRELATION_ID: Option<String>;
}

/// Middleware: remembers the caller's correlation id for the duration of the request.
pub async fn correlation_scope(req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get("x-cr-correlation-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| uuid::Uuid::parse_str(v).is_ok())
        .map(str::to_string);
    REQUEST_CORRELATION_ID.scope(given, next.run(req)).await
}

fn correlation_id() -> String {
    REQUEST_CORRELATION_ID
        .try_with(|c| c.clone())
        .ok()
        .flatten()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// An error answered as the envelope (HTTP 200 unless `status` says otherwise).
#[derive(Debug, Clone)]
pub struct ApiErr {
    pub code: i64,
    pub msg: String,
    /// Service errors carry a correlation id; binding/validation errors do not.
    pub with_cid: bool,
    pub data: Option<Value>,
    pub aggregated: Option<Map<String, Value>>,
    pub status: StatusCode,
}

impl ApiErr {
    /// A service error (with correlation id).
    pub fn new(code: i64, msg: impl Into<String>) -> ApiErr {
        ApiErr {
            code,
            msg: msg.into(),
            with_cid: true,
            data: None,
            aggregated: None,
            status: StatusCode::OK,
        }
    }

    /// A request-validation error: code 40001 without a correlation id.
    pub fn param(msg: impl Into<String>) -> ApiErr {
        ApiErr {
            with_cid: false,
            ..ApiErr::new(40001, msg)
        }
    }

    pub fn login_required() -> ApiErr {
        ApiErr::new(401, "Login required")
    }

    pub fn not_supported() -> ApiErr {
        ApiErr::new(403, "Not supported action")
    }

    pub fn path_not_exist() -> ApiErr {
        ApiErr::new(40016, "Path not exist")
    }

    pub fn with_data(mut self, data: Value) -> ApiErr {
        self.data = Some(data);
        self
    }

    pub fn with_status(mut self, status: StatusCode) -> ApiErr {
        self.status = status;
        self
    }

    /// The nested `{code, msg, correlation_id}` used inside `aggregated_error`.
    pub fn as_item(&self) -> Value {
        json!({"code": self.code, "msg": self.msg, "correlation_id": correlation_id()})
    }

    /// 40081 for a batch whose items failed; `failures` maps item → its error.
    pub fn batch(failures: Vec<(String, ApiErr)>) -> ApiErr {
        let first = failures
            .first()
            .map(|(_, e)| e.msg.clone())
            .unwrap_or_default();
        let mut agg = Map::new();
        for (item, err) in failures {
            agg.insert(item, err.as_item());
        }
        ApiErr {
            aggregated: Some(agg),
            ..ApiErr::new(40081, first)
        }
    }

    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), json!(self.code));
        if let Some(d) = &self.data {
            m.insert("data".into(), d.clone());
        }
        m.insert("msg".into(), json!(self.msg));
        if let Some(a) = &self.aggregated {
            m.insert("aggregated_error".into(), Value::Object(a.clone()));
        }
        if self.with_cid {
            m.insert("correlation_id".into(), json!(correlation_id()));
        }
        Value::Object(m)
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

pub type ApiResult = Result<Response, ApiErr>;

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

/// `{"code":0,"data":…,"msg":""}`.
pub fn ok<T: Serialize>(data: T) -> ApiResult {
    let data = serde_json::to_value(data).map_err(|e| ApiErr::new(-1, e.to_string()))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"code": 0, "data": data, "msg": ""}),
    ))
}

/// `{"code":0,"msg":""}`: success without data.
pub fn ok_empty() -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &json!({"code": 0, "msg": ""}),
    ))
}

/// Any envelope with an explicit code (e.g. 203 "continue").
pub fn envelope(code: i64, data: Option<Value>) -> ApiResult {
    let mut m = Map::new();
    m.insert("code".into(), json!(code));
    if let Some(d) = data {
        m.insert("data".into(), d);
    }
    m.insert("msg".into(), json!(""));
    Ok(json_response(StatusCode::OK, &Value::Object(m)))
}

/// The plain-text answer of Go's router for anything it does not know.
pub async fn plain_404() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain")],
        "404 page not found",
    )
        .into_response()
}

/// A JSON body; anything undecodable is `40001 "Parameter error"` like the real server.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiErr;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiErr> {
        // Like gin's ShouldBindJSON: the Content-Type is not checked; broken syntax is
        // "Parameter error", a value of the wrong JSON type (`{"email": 42}`) is "JSON
        // marshall error" (conformance 70_bad_input/wrong_json_types).
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiErr::param("Parameter error"))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| ApiErr::param("Parameter error"))?;
        T::deserialize(value)
            .map(Body)
            .map_err(|_| ApiErr::param("JSON marshall error"))
    }
}

/// A JSON body that is also accepted without a content type (Go's binder reads the bytes).
pub struct LooseBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for LooseBody<T> {
    type Rejection = ApiErr;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiErr> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiErr::param("Parameter error"))?;
        let text = if bytes.is_empty() {
            &b"{}"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(text)
            .map(LooseBody)
            .map_err(|_| ApiErr::param("Parameter error"))
    }
}

/// Query parameters; undecodable ones are `40001 "Parameter error"`.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiErr> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Q(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(_)) | Err(_) => {
                Err(ApiErr::param("Parameter error"))
            }
        }
    }
}

/// The caller's `X-Cr-Client-Id` (file events are not echoed back to the same client).
#[derive(Debug, Clone, Default)]
pub struct ClientId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientId {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientId(
            parts
                .headers
                .get("x-cr-client-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        ))
    }
}

/// Deserializes an optional integer that a Go binder would also accept as a string ("10").
pub mod lenient {
    use serde::{Deserialize, Deserializer};

    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum N {
            I(i64),
            S(String),
        }
        match Option::<N>::deserialize(d)? {
            None => Ok(None),
            Some(N::I(i)) => Ok(Some(i)),
            Some(N::S(s)) if s.is_empty() => Ok(None),
            Some(N::S(s)) => s.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}
