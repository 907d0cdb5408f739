//! The storage host and the callbacks over HTTP, against an in-process demo per policy.

use super::PolicyKind;
use crate::demo::{DemoConfig, DemoHandle, start};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Drive {
    demo: DemoHandle,
    http: Client,
    api: String,
    token: String,
}

impl Drive {
    async fn new(policy: PolicyKind, chunk_size: u64) -> Drive {
        Drive::with(DemoConfig {
            policy,
            chunk_size,
            ..Default::default()
        })
        .await
    }

    async fn with(cfg: DemoConfig) -> Drive {
        let demo = start(cfg).await.unwrap();
        let api = format!("{}/api/v4", demo.base_url());
        let http = Client::new();
        let account = json!({"email": "st@example.test", "password": "Passw0rd!"});
        http.post(format!("{api}/user"))
            .json(&account)
            .send()
            .await
            .unwrap();
        let signed_in: Value = http
            .post(format!("{api}/session/token"))
            .json(&account)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = signed_in["data"]["token"]["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        Drive {
            demo,
            http,
            api,
            token,
        }
    }

    async fn session(&self, name: &str, size: u64) -> Value {
        let v: Value = self
            .http
            .put(format!("{}/file/upload", self.api))
            .bearer_auth(&self.token)
            .json(&json!({"uri": format!("cloudreve://my/{name}"), "size": size}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["code"], 0, "{v}");
        v["data"].clone()
    }

    async fn callback(&self, route: &str, s: &Value, secret: &str) -> (StatusCode, Value) {
        let url = format!(
            "{}/callback/{route}/{}/{secret}",
            self.api,
            s["session_id"].as_str().unwrap()
        );
        let req = if route == "onedrive" || route == "oss" || route == "remote" {
            self.http.post(url)
        } else {
            self.http.get(url)
        };
        let resp = req.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    async fn file_size(&self, name: &str) -> (i64, Value) {
        let v: Value = self
            .http
            .get(format!("{}/file/info", self.api))
            .query(&[("uri", format!("cloudreve://my/{name}"))])
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (v["code"].as_i64().unwrap(), v["data"]["size"].clone())
    }

    async fn cancel(&self, name: &str, s: &Value) -> Value {
        self.http
            .delete(format!("{}/file/upload", self.api))
            .bearer_auth(&self.token)
            .json(&json!({"id": s["session_id"], "uri": format!("cloudreve://my/{name}")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn secret(s: &Value) -> String {
    s["callback_secret"].as_str().unwrap().to_string()
}

async fn put(http: &Client, url: &str, body: Vec<u8>) -> reqwest::Response {
    http.put(url).body(body).send().await.unwrap()
}

fn complete_xml(parts: &[(u32, &str)]) -> String {
    let parts: String = parts
        .iter()
        .map(|(n, e)| format!("<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"))
        .collect();
    format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>")
}

async fn s3_code(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let code = text
        .split("<Code>")
        .nth(1)
        .and_then(|t| t.split("</Code>").next())
        .unwrap_or_default()
        .to_string();
    (status, code)
}

#[tokio::test]
async fn s3_parts_completion_and_callback_answers() {
    let d = Drive::new(PolicyKind::S3, 4).await;
    let s = d.session("s3.bin", 10).await;
    assert_eq!(s["storage_policy"]["type"], "s3");
    let urls: Vec<String> = serde_json::from_value(s["upload_urls"].clone()).unwrap();
    assert_eq!(urls.len(), 3);
    // Cloudreve's own chunk route refuses storage sessions (C3-052).
    let chunk: Value = d
        .http
        .post(format!(
            "{}/file/upload/{}/0",
            d.api,
            s["session_id"].as_str().unwrap()
        ))
        .bearer_auth(&d.token)
        .body(vec![0u8; 4])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (chunk["code"].as_i64(), chunk["msg"].as_str()),
        (Some(40006), Some(""))
    );
    // Wrong length and a tampered part number: 403 SignatureDoesNotMatch.
    let wrong = s3_code(put(&d.http, &urls[0], vec![1; 3]).await).await;
    assert_eq!(
        wrong,
        (StatusCode::FORBIDDEN, "SignatureDoesNotMatch".into())
    );
    let tampered = urls[0].replace("partNumber=1", "partNumber=2");
    let tampered = s3_code(put(&d.http, &tampered, vec![1; 4]).await).await;
    assert_eq!(
        tampered,
        (StatusCode::FORBIDDEN, "SignatureDoesNotMatch".into())
    );
    // The callback before completion: HTTP 400, -1, session kept (C3-053).
    let (status, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-1))
    );
    // Wrong secret, another type's route.
    let (status, v) = d.callback("s3", &s, "nope").await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(40020))
    );
    let (status, v) = d.callback("cos", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(40006))
    );
    let mut etags = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let len = if i < 2 { 4 } else { 2 };
        let resp = put(&d.http, url, vec![i as u8; len]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        etags.push(resp.headers()["etag"].to_str().unwrap().to_string());
    }
    let complete = |body: String| d.http.post(s["completeURL"].as_str().unwrap()).body(body);
    let missing = complete(complete_xml(&[(1, &etags[0]), (4, &etags[1])]));
    assert_eq!(
        s3_code(missing.send().await.unwrap()).await.1,
        "InvalidPart"
    );
    let bad_etag = complete(complete_xml(&[(1, "\"00\"")]));
    assert_eq!(
        s3_code(bad_etag.send().await.unwrap()).await.1,
        "InvalidPart"
    );
    let order = complete(complete_xml(&[(2, &etags[1]), (1, &etags[0])]));
    assert_eq!(
        s3_code(order.send().await.unwrap()).await.1,
        "InvalidPartOrder"
    );
    let empty = complete(complete_xml(&[]));
    assert_eq!(s3_code(empty.send().await.unwrap()).await.1, "MalformedXML");
    // Parts 1 and 3 complete at the storage; the callback catches the size (C3-064, C3-065).
    let gap = complete(complete_xml(&[(1, &etags[0]), (3, &etags[2])]));
    assert_eq!(gap.send().await.unwrap().status(), StatusCode::OK);
    let (status, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(40055))
    );
    assert_eq!(v["msg"], "File size not match, expected: 10, actual: 6");
    // The multipart upload is gone after completion.
    let late = s3_code(put(&d.http, &urls[1], vec![1; 4]).await).await;
    assert_eq!(late, (StatusCode::NOT_FOUND, "NoSuchUpload".into()));
    // Cancelling after completion: -1, but the placeholder goes (§5.5.6).
    assert_eq!(d.cancel("s3.bin", &s).await["code"], -1);
    assert_eq!(d.file_size("s3.bin").await.0, 40016);
    // … and its callback then finds no file (C3-045).
    let (status, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(40016))
    );

    // A good run: the callback makes the file, a second one finds no session.
    let s = d.session("ok.bin", 5).await;
    let urls: Vec<String> = serde_json::from_value(s["upload_urls"].clone()).unwrap();
    let e1 = put(&d.http, &urls[0], b"abcd".to_vec()).await.headers()["etag"].clone();
    let e2 = put(&d.http, &urls[1], b"e".to_vec()).await.headers()["etag"].clone();
    let xml = complete_xml(&[(1, e1.to_str().unwrap()), (2, e2.to_str().unwrap())]);
    assert_eq!(complete_status(&d, &s, xml).await, StatusCode::OK);
    assert_eq!(
        d.file_size("ok.bin").await.1,
        0,
        "placeholder until the callback"
    );
    let (status, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!((status, v["code"].as_i64()), (StatusCode::OK, Some(0)));
    assert_eq!(d.file_size("ok.bin").await.1, 5);
    let (_, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!(v["code"], 40011);
    // Nothing is left at the storage.
    let sid = s["session_id"].as_str().unwrap();
    assert!(!d.demo.state.storage_dir(sid).exists());
}

async fn complete_status(d: &Drive, s: &Value, xml: String) -> StatusCode {
    d.http
        .post(s["completeURL"].as_str().unwrap())
        .body(xml)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn cancel_aborts_the_storage_side() {
    let d = Drive::new(PolicyKind::Cos, 4).await;
    let s = d.session("c.bin", 4).await;
    assert_eq!(d.cancel("c.bin", &s).await["code"], 0);
    let url = s["upload_urls"][0].as_str().unwrap();
    let late = s3_code(put(&d.http, url, vec![1; 4]).await).await;
    assert_eq!(late, (StatusCode::NOT_FOUND, "NoSuchUpload".into()));
    let sid = s["session_id"].as_str().unwrap();
    assert!(!d.demo.state.storage_dir(sid).exists());
}

#[tokio::test]
async fn expired_sessions_are_refused_at_the_storage() {
    let d = Drive::with(DemoConfig {
        policy: PolicyKind::S3,
        chunk_size: 4,
        upload_session_ttl: chrono::Duration::seconds(1),
        ..Default::default()
    })
    .await;
    let s = d.session("x.bin", 4).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let late = s3_code(put(&d.http, url, vec![1; 4]).await).await;
    assert_eq!(late, (StatusCode::FORBIDDEN, "AccessDenied".into()));
    let (status, v) = d.callback("s3", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(40011))
    );
}

#[tokio::test]
async fn storage_called_routes_need_the_storage_signature() {
    let d = Drive::new(PolicyKind::Oss, 4).await;
    let s = d.session("o.bin", 4).await;
    let (status, v) = d.callback("oss", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(40071))
    );
    // COS-style completion headers are OSS's business only when named: OSS needs its own.
    let url = s["upload_urls"][0].as_str().unwrap();
    assert_eq!(put(&d.http, url, vec![7; 4]).await.status(), StatusCode::OK);
    let complete = d.http.post(s["completeURL"].as_str().unwrap());
    let refused = complete
        .try_clone()
        .unwrap()
        .header("x-oss-complete-all", "yes");
    assert_eq!(
        s3_code(refused.send().await.unwrap()).await.1,
        "InvalidArgument"
    );
    let done = complete
        .header("x-oss-complete-all", "yes")
        .header("x-oss-forbid-overwrite", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    // The storage called back before answering: the file is final.
    assert_eq!(d.file_size("o.bin").await.1, 4);
}

#[tokio::test]
async fn node_checks_its_credential_and_finishes_on_the_last_chunk() {
    let d = Drive::new(PolicyKind::Remote, 4).await;
    let s = d.session("n.bin", 6).await;
    let other = d.session("other.bin", 6).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let send = |auth: Option<&str>, chunk: u32, body: Vec<u8>| {
        let mut req = d.http.post(format!("{url}?chunk={chunk}")).body(body);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let cred = s["credential"].as_str().unwrap();
    assert_eq!(send(None, 0, vec![0; 4]).await["code"], 403);
    let foreign = other["credential"].as_str().unwrap();
    assert_eq!(send(Some(foreign), 0, vec![0; 4]).await["code"], 40071);
    let wrong_len = send(Some(cred), 0, vec![0; 3]).await;
    assert_eq!(wrong_len["msg"], "Invalid Content-Length (expected: 4)");
    assert_eq!(send(Some(cred), 1, vec![2; 2]).await["code"], 0);
    assert_eq!(d.file_size("n.bin").await.1, 0);
    assert_eq!(send(Some(cred), 0, vec![1; 4]).await["code"], 0);
    assert_eq!(d.file_size("n.bin").await.1, 6);
    assert_eq!(send(Some(cred), 0, vec![1; 4]).await["code"], 40011);
}

#[tokio::test]
async fn onedrive_ranges_in_order_then_the_callback() {
    let d = Drive::new(PolicyKind::OneDrive, 4).await;
    let s = d.session("od.bin", 6).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let range =
        |r: &str, body: Vec<u8>| d.http.put(url).header("content-range", r).body(body).send();
    let gap = range("bytes 4-5/6", vec![0; 2]).await.unwrap();
    assert_eq!(gap.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let first = range("bytes 0-3/6", vec![1; 4]).await.unwrap();
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let next: Value = first.json().await.unwrap();
    assert_eq!(next["nextExpectedRanges"], json!(["4-"]));
    let overlap = range("bytes 0-3/6", vec![1; 4]).await.unwrap();
    assert_eq!(overlap.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let (status, v) = d.callback("onedrive", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-1))
    );
    let tampered = d
        .http
        .get(url.replace("token=", "token=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status(), StatusCode::UNAUTHORIZED);
    let last = range("bytes 4-5/6", vec![2; 2]).await.unwrap();
    assert_eq!(last.status(), StatusCode::CREATED);
    let (status, v) = d.callback("onedrive", &s, &secret(&s)).await;
    assert_eq!((status, v["code"].as_i64()), (StatusCode::OK, Some(0)));
    assert_eq!(d.file_size("od.bin").await.1, 6);
}

#[tokio::test]
async fn qiniu_and_upyun_check_their_credentials() {
    let d = Drive::new(PolicyKind::Qiniu, 4).await;
    let s = d.session("q.bin", 4).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let cred = s["credential"].as_str().unwrap();
    let bad = d
        .http
        .put(format!("{url}/1"))
        .header("authorization", format!("UpToken {cred}x"))
        .body(vec![0; 4])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let short = d
        .http
        .put(format!("{url}/1"))
        .header("authorization", format!("UpToken {cred}"))
        .body(vec![0; 3])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let missing = d
        .http
        .post(url)
        .header("authorization", format!("UpToken {cred}"))
        .json(&json!({"parts": [{"etag": "x", "partNumber": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    let d = Drive::new(PolicyKind::Upyun, 4).await;
    let s = d.session("u.bin", 3).await;
    let form = |auth: &str, content: &[u8]| {
        let mut body = Vec::new();
        for (name, value) in [
            ("policy", s["upload_policy"].as_str().unwrap()),
            ("authorization", auth),
        ] {
            body.extend(
                format!(
                    "--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .bytes(),
            );
        }
        body.extend(
            b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.bin\"\r\n\r\n",
        );
        body.extend(content);
        body.extend(b"\r\n--B--\r\n");
        d.http
            .post(s["upload_urls"][0].as_str().unwrap())
            .header("content-type", "multipart/form-data; boundary=B")
            .body(body)
            .send()
    };
    let cred = s["credential"].as_str().unwrap();
    assert_eq!(
        form("UPYUN x:y", b"abc").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        form(cred, b"abcd").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(d.file_size("u.bin").await.1, 0);
    assert_eq!(form(cred, b"abc").await.unwrap().status(), StatusCode::OK);
    assert_eq!(d.file_size("u.bin").await.1, 3);
}

#[tokio::test]
async fn listings_name_the_policy() {
    let d = Drive::new(PolicyKind::Relay, 4).await;
    let v: Value = d
        .http
        .get(format!("{}/file", d.api))
        .query(&[("uri", "cloudreve://my/")])
        .bearer_auth(&d.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"]["storage_policy"]["type"], "s3");
    assert_eq!(v["data"]["storage_policy"]["relay"], true);
}

#[tokio::test]
async fn the_remote_route_checks_the_session_first() {
    let d = Drive::new(PolicyKind::S3, 4).await;
    let s = d.session("r.bin", 4).await;
    // C3-051: an S3 session on the remote route is "another type", even unsigned.
    let (status, v) = d.callback("remote", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(40006))
    );
    let d = Drive::new(PolicyKind::Remote, 4).await;
    let s = d.session("r.bin", 4).await;
    // C3-130: a remote session, unsigned.
    let (status, v) = d.callback("remote", &s, &secret(&s)).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(403))
    );
    let (_, v) = d.callback("remote", &s, "wrong").await;
    assert_eq!(v["code"], 40020);
}

#[tokio::test]
async fn s3_downloads_are_presigned_on_the_storage() {
    let d = Drive::new(PolicyKind::S3, 4).await;
    let s = d.session("dl.txt", 6).await;
    let urls: Vec<String> = serde_json::from_value(s["upload_urls"].clone()).unwrap();
    let e1 = put(&d.http, &urls[0], b"abcd".to_vec()).await.headers()["etag"].clone();
    let e2 = put(&d.http, &urls[1], b"ef".to_vec()).await.headers()["etag"].clone();
    let xml = complete_xml(&[(1, e1.to_str().unwrap()), (2, e2.to_str().unwrap())]);
    assert_eq!(complete_status(&d, &s, xml).await, StatusCode::OK);
    assert_eq!(d.callback("s3", &s, &secret(&s)).await.1["code"], 0);
    let url_of = |download: bool| {
        d.http
            .post(format!("{}/file/url", d.api))
            .bearer_auth(&d.token)
            .json(&json!({"uris": ["cloudreve://my/dl.txt"], "download": download}))
            .send()
    };
    let v: Value = url_of(false).await.unwrap().json().await.unwrap();
    let url = v["data"]["urls"][0]["url"].as_str().unwrap().to_string();
    let storage = format!("http://{}", d.demo.storage_addr.unwrap());
    assert!(url.starts_with(&storage), "{url}");
    assert!(url.contains("X-Amz-SignedHeaders=host"));
    let whole = d.http.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    let etag = whole.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(whole.bytes().await.unwrap().as_ref(), b"abcdef");
    let part = d
        .http
        .get(&url)
        .header("range", "bytes=2-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"cdef");
    let stale = d
        .http
        .get(&url)
        .header("range", "bytes=2-")
        .header("if-range", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    let fresh = d
        .http
        .get(&url)
        .header("range", "bytes=2-")
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::PARTIAL_CONTENT);
    let tampered = url.replace("/dl.txt", "/dm.txt");
    assert_eq!(
        s3_code(d.http.get(&tampered).send().await.unwrap()).await.1,
        "SignatureDoesNotMatch"
    );
    let v: Value = url_of(true).await.unwrap().json().await.unwrap();
    let attachment = d
        .http
        .get(v["data"]["urls"][0]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let disposition = attachment.headers()["content-disposition"]
        .to_str()
        .unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
}

#[tokio::test]
async fn remote_downloads_come_from_the_node() {
    let d = Drive::new(PolicyKind::Remote, 4).await;
    let s = d.session("nd.bin", 3).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let cred = s["credential"].as_str().unwrap();
    let sent: Value = d
        .http
        .post(format!("{url}?chunk=0"))
        .header("authorization", cred)
        .body(b"xyz".to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent["code"], 0);
    let v: Value = d
        .http
        .post(format!("{}/file/url", d.api))
        .bearer_auth(&d.token)
        .json(&json!({"uris": ["cloudreve://my/nd.bin"], "download": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = v["data"]["urls"][0]["url"].as_str().unwrap();
    let node = format!(
        "http://{}/api/v4/slave/file/content/",
        d.demo.storage_addr.unwrap()
    );
    assert!(url.starts_with(&node), "{url}");
    let resp = d
        .http
        .get(url)
        .header("range", "bytes=1-")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    let info: Value = d
        .http
        .get(format!("{}/file/info", d.api))
        .query(&[("uri", "cloudreve://my/nd.bin")])
        .bearer_auth(&d.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entity = info["data"]["primary_entity"].as_str().unwrap();
    assert_eq!(resp.headers()["etag"], format!("\"{entity}\"").as_str());
    assert!(resp.headers().contains_key("content-disposition"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"yz");
    let bad: Value = d
        .http
        .get(url.replace("sign=", "sign=x"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["code"], 40071);
}

#[tokio::test]
async fn upyun_needs_the_policy_before_the_file_and_takes_big_files() {
    use reqwest::multipart::{Form, Part};
    let big = 3 << 20; // above axum's default 2 MB body limit
    let d = Drive::new(PolicyKind::Upyun, 4).await;
    let s = d.session("big.bin", big).await;
    let url = s["upload_urls"][0].as_str().unwrap();
    let policy = s["upload_policy"].as_str().unwrap().to_string();
    let cred = s["credential"].as_str().unwrap().to_string();
    let upyun_code = |r: reqwest::Response| async move {
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        (status, v["code"].as_i64())
    };

    let not_a_form = d.http.post(url).body("policy=x").send().await.unwrap();
    assert_eq!(
        upyun_code(not_a_form).await,
        (StatusCode::BAD_REQUEST, Some(400000001))
    );
    let file_first = Form::new()
        .part("file", Part::bytes(vec![1; 8]).file_name("big.bin"))
        .text("policy", policy.clone())
        .text("authorization", cred.clone());
    let r = d.http.post(url).multipart(file_first).send().await.unwrap();
    assert_eq!(
        upyun_code(r).await,
        (StatusCode::UNAUTHORIZED, Some(401000011))
    );
    let no_file = Form::new()
        .text("policy", policy.clone())
        .text("authorization", cred.clone());
    let r = d.http.post(url).multipart(no_file).send().await.unwrap();
    assert_eq!(
        upyun_code(r).await,
        (StatusCode::BAD_REQUEST, Some(400000001))
    );
    assert_eq!(d.file_size("big.bin").await.1, 0);

    let content: Vec<u8> = (0..big).map(|i| (i % 251) as u8).collect();
    let whole = Form::new()
        .text("policy", policy)
        .text("authorization", cred)
        .part("file", Part::bytes(content).file_name("big.bin"));
    let r = d.http.post(url).multipart(whole).send().await.unwrap();
    assert_eq!(upyun_code(r).await, (StatusCode::OK, Some(200)));
    assert_eq!(d.file_size("big.bin").await.1, big);
}
