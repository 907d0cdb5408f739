//! Decoding of the `{code, data, msg, …}` envelope (README §2), kept pure so it can be tested
//! against raw bytes and the real captures.

use super::error::{ApiError, ItemError, codes, snippet};
use super::models::LockInfo;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A successful answer: `code 0` with its data, or `code 203` ("continue") with whatever came in
/// `data` (the 2FA session id after sign-in; nothing after a sign-up that needs activation).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<T> {
    Done(T),
    Continue(Value),
}

#[derive(Deserialize)]
struct RawEnvelope {
    code: i64,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    correlation_id: Option<String>,
    #[serde(default)]
    aggregated_error: Option<serde_json::Map<String, Value>>,
}

/// Decodes one answer of `endpoint` (`"GET /file"`, used in error messages).
///
/// Only the first JSON document counts: `DELETE /share` may send two concatenated envelopes,
/// the error first (C2-437).
pub fn decode<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Reply<T>, ApiError> {
    if is_plain_not_found(status, content_type, body) {
        return Err(ApiError::NotSupported {
            endpoint: endpoint.to_string(),
        });
    }
    let first = serde_json::Deserializer::from_slice(body)
        .into_iter::<Value>()
        .next();
    let value = match first {
        None => return Err(ApiError::decode(endpoint, status, "empty body")),
        Some(Err(e)) => {
            return Err(ApiError::decode(
                endpoint,
                status,
                why_not_json(&e, content_type, body),
            ));
        }
        Some(Ok(v)) => v,
    };
    if value.get("code").and_then(Value::as_i64).is_none() {
        return Err(ApiError::decode(
            endpoint,
            status,
            format!(
                "JSON without a numeric `code` (not a Cloudreve v4 envelope): {}",
                snippet(body)
            ),
        ));
    }
    let envelope = RawEnvelope::deserialize(value)
        .map_err(|e| ApiError::decode(endpoint, status, format!("malformed envelope: {e}")))?;
    let data = envelope.data.unwrap_or(Value::Null);
    match envelope.code {
        codes::OK => T::deserialize(data).map(Reply::Done).map_err(|e| {
            ApiError::decode(
                endpoint,
                status,
                format!("data does not have the expected shape: {e}"),
            )
        }),
        codes::CONTINUE => Ok(Reply::Continue(data)),
        code => Err(api_error(
            code,
            envelope.msg,
            envelope.correlation_id,
            envelope.aggregated_error,
            data,
        )),
    }
}

fn api_error(
    code: i64,
    msg: String,
    correlation_id: Option<String>,
    aggregated: Option<serde_json::Map<String, Value>>,
    data: Value,
) -> ApiError {
    let aggregated = aggregated
        .unwrap_or_default()
        .into_iter()
        .map(|(item, v)| item_error(item, &v))
        .collect();
    // A lock list that does not parse is not worth losing the error for; it stays in `data`.
    let locks = if code == codes::LOCK_CONFLICT {
        Vec::<LockInfo>::deserialize(&data).unwrap_or_default()
    } else {
        Vec::new()
    };
    ApiError::Api {
        code,
        msg,
        correlation_id: correlation_id.filter(|c| !c.is_empty()),
        aggregated,
        locks,
        data: (!data.is_null()).then(|| Box::new(data)),
    }
}

fn item_error(item: String, v: &Value) -> ItemError {
    ItemError {
        item,
        code: v
            .get("code")
            .and_then(Value::as_i64)
            .unwrap_or(codes::UNCLASSIFIED),
        msg: v
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        correlation_id: v
            .get("correlation_id")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// Go's router answers unknown routes with `404`, `text/plain`, `404 page not found`: on a
/// route the client knows, that means the server does not have it (Pro-only, C2-141…160).
fn is_plain_not_found(status: u16, content_type: Option<&str>, body: &[u8]) -> bool {
    let plain = content_type.is_none_or(|ct| ct.starts_with("text/plain"));
    status == 404 && plain && String::from_utf8_lossy(body).trim() == "404 page not found"
}

fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    content_type.is_some_and(|ct| ct.contains("html"))
        || body.trim_ascii_start().first() == Some(&b'<')
}

fn why_not_json(e: &serde_json::Error, content_type: Option<&str>, body: &[u8]) -> String {
    if looks_like_html(content_type, body) {
        format!(
            "an HTML page instead of JSON (a proxy or another web server answered?): {}",
            snippet(body)
        )
    } else if e.is_eof() {
        format!("truncated JSON after {} bytes", body.len())
    } else {
        format!("not JSON ({e}): {}", snippet(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::Capacity;

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    fn dec<T: DeserializeOwned>(
        status: u16,
        ct: Option<&str>,
        body: &str,
    ) -> Result<Reply<T>, ApiError> {
        decode::<T>("GET /x", status, ct, body.as_bytes())
    }

    #[test]
    fn success_with_typed_data() {
        let r = dec::<Capacity>(
            200,
            JSON,
            r#"{"code":0,"data":{"total":1099511627776,"used":0},"msg":""}"#,
        );
        let Ok(Reply::Done(c)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(c.total, 1099511627776);
        // No `data` at all decodes as unit.
        assert!(matches!(
            dec::<()>(200, JSON, r#"{"code":0,"msg":""}"#),
            Ok(Reply::Done(()))
        ));
    }

    #[test]
    fn error_keeps_code_msg_and_correlation_id() {
        let r = dec::<()>(
            200,
            JSON,
            r#"{"code":401,"msg":"Login required","correlation_id":"4546ea10-e096-40ab-9bae-e6f939e51429"}"#,
        );
        let Err(ApiError::Api {
            code,
            msg,
            correlation_id,
            ..
        }) = r
        else {
            panic!("{r:?}")
        };
        assert_eq!((code, msg.as_str()), (401, "Login required"));
        assert_eq!(
            correlation_id.as_deref(),
            Some("4546ea10-e096-40ab-9bae-e6f939e51429")
        );
        // Validation errors come without an id (C1-07).
        let r = dec::<()>(200, JSON, r#"{"code":40001,"msg":"Email format error"}"#);
        assert!(matches!(
            r,
            Err(ApiError::Api {
                code: 40001,
                correlation_id: None,
                ..
            })
        ));
    }

    #[test]
    fn aggregated_errors_are_listed_per_item() {
        // C2-363: partial success keeps the successful items in `data`.
        let body = r#"{"code":40081,"data":[{"link":"http://h/f/ROsr/notes.txt","file_url":"cloudreve://my/dl/notes.txt"}],
            "aggregated_error":{"cloudreve://my/nope":{"code":40016,"msg":"Path not exist","correlation_id":"eab1"}},
            "msg":"failed to get target file","correlation_id":"eab1"}"#;
        let Err(e) = dec::<()>(200, JSON, body) else {
            panic!()
        };
        let ApiError::Api {
            code,
            aggregated,
            data,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!(*code, 40081);
        assert_eq!(aggregated.len(), 1);
        assert_eq!(aggregated[0].item, "cloudreve://my/nope");
        assert_eq!(aggregated[0].code, 40016);
        assert!(data.is_some());
        assert!(
            e.to_string()
                .contains("cloudreve://my/nope failed: Path not exist")
        );
    }

    #[test]
    fn lock_conflict_keeps_the_locks() {
        let body = r#"{"code":40073,"data":[{"path":"cloudreve://my/up/pending.bin","token":"d60e","owner":{"application":{"type":"upload"}},"type":0}],"msg":"Lock conflict","correlation_id":"9d42"}"#;
        let Err(ApiError::Api { locks, .. }) = dec::<()>(200, JSON, body) else {
            panic!()
        };
        assert_eq!(locks[0].token, "d60e");
        assert_eq!(locks[0].owner.application.kind, "upload");
    }

    #[test]
    fn continue_carries_the_2fa_session() {
        let r = dec::<()>(200, JSON, r#"{"code":203,"data":"d4cc8ff6-1f2d","msg":""}"#);
        assert_eq!(
            r.unwrap(),
            Reply::Continue(Value::String("d4cc8ff6-1f2d".into()))
        );
    }

    #[test]
    fn plain_404_is_not_supported() {
        let r = dec::<()>(404, Some("text/plain"), "404 page not found");
        assert!(matches!(r, Err(ApiError::NotSupported { .. })));
        assert!(r.unwrap_err().to_string().contains("Cloudreve Pro feature"));
    }

    #[test]
    fn html_and_truncated_bodies_are_named() {
        let r = dec::<()>(
            502,
            Some("text/html"),
            "<html><body>Bad Gateway</body></html>",
        );
        let Err(ApiError::Decode {
            endpoint,
            status,
            detail,
        }) = r
        else {
            panic!()
        };
        assert_eq!((endpoint.as_str(), status), ("GET /x", 502));
        assert!(detail.contains("HTML"), "{detail}");

        let r = dec::<Capacity>(200, JSON, r#"{"code":0,"data":{"total":10"#);
        let Err(ApiError::Decode { detail, .. }) = r else {
            panic!()
        };
        assert!(detail.contains("truncated"), "{detail}");

        let r = dec::<()>(500, None, "");
        assert!(matches!(r, Err(ApiError::Decode { status: 500, .. })));

        let r = dec::<()>(200, JSON, r#"{"hello":1}"#);
        assert!(matches!(r, Err(ApiError::Decode { .. })));
    }

    #[test]
    fn wrong_data_shape_is_a_decode_error() {
        let r = dec::<Capacity>(200, JSON, r#"{"code":0,"data":"4.18.0","msg":""}"#);
        let Err(ApiError::Decode { detail, .. }) = r else {
            panic!()
        };
        assert!(detail.contains("expected shape"), "{detail}");
    }

    #[test]
    fn concatenated_documents_use_the_first() {
        // C2-437: DELETE /share with an undecodable id.
        let body = r#"{"code":-1,"msg":"","correlation_id":"983e"}{"code":0,"msg":""}"#;
        let r = dec::<()>(200, JSON, body);
        assert!(matches!(r, Err(ApiError::Api { code: -1, .. })), "{r:?}");
    }
}
