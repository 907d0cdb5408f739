//! Pro-only routes (README §8). A Community server does not register them (plain-text 404,
//! which the main router's fallback already produces); with `--pro` they answer as the docs
//! describe (session-and-user.md §7.5, §9, §10; files-and-transfers.md §3.20). The demo has
//! no payments, credit, gift codes, OpenID providers or per-file permissions, so these routes
//! validate their input and answer with the empty or "not found" results such a server gives.

use super::AppState;
use super::auth::{MaybeUser, SignedIn};
use super::http::{ApiErr, ApiResult, Body, Q, lenient, ok, ok_empty};
use super::ids::{self, Kind};
use super::store::Group;
use super::user::validate;
use crate::api::uri::CrUri;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{delete, get, patch, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

/// The one storage policy of the demo (the built-in local policy).
const DEFAULT_POLICY: u64 = 1;
/// The master node.
const MASTER_NODE: u64 = 1;

pub fn routes(pro: bool) -> Router<AppState> {
    if !pro {
        return Router::new();
    }
    Router::new()
        .route("/user/setting/policies", get(policies))
        .route("/user/setting/nodes", get(nodes))
        .route("/user/creditChanges", get(credit_changes))
        .route("/user/payments", get(payments))
        .route("/group/list", get(groups))
        .route("/vas/payment", put(create_payment))
        .route("/vas/payment/status/{id}/{trade_no}", get(payment_status))
        .route("/vas/giftcode/{code}", get(gift_code))
        .route("/vas/giftcode/{code}/redeem", post(gift_code))
        .route(
            "/session/openid",
            put(openid_disabled).post(openid_disabled),
        )
        .route("/session/openid/{provider_id}", delete(openid_unlink))
        .route("/site/abuse", post(report_abuse))
        .route("/file/activities", get(file_activities))
        .route(
            "/file/permission",
            post(set_permission).delete(set_permission),
        )
        .route("/file/policy", patch(mount_policy))
        .route("/workflow/relocate", post(relocate))
        // The API outline's misspelling is routed too.
        .route("/workflow/reloacte", post(relocate))
        .route_layer(axum::middleware::from_fn(super::site::reject_head))
}

/// `GET /user/setting/policies`: the storage policies the caller may choose from.
async fn policies(State(state): State<AppState>, SignedIn(_): SignedIn) -> ApiResult {
    ok(json!([state.cfg.policy.policy_json()]))
}

/// `GET /user/setting/nodes`: the nodes the caller may pick for tasks.
async fn nodes(SignedIn(_): SignedIn) -> ApiResult {
    ok(json!([{
        "id": ids::encode(Kind::Node, MASTER_NODE),
        "name": "Master (Local machine)",
        "type": "master",
        // Flags 1, 2, 3 like a fresh master node (README §4).
        "capabilities": "Dg==",
    }]))
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
}

/// An empty cursor page of `page_size` (10–100 like every cursor list).
fn empty_page(key: &str, q: &PageQuery) -> ApiResult {
    let page_size = validate::int_range("PageSize", q.page_size, 10, 100)?;
    ok(json!({
        key: [],
        "pagination": {"page": 0, "page_size": page_size, "is_cursor": true},
    }))
}

/// `GET /user/creditChanges`: no credit is ever granted on the demo.
async fn credit_changes(SignedIn(_): SignedIn, Q(q): Q<PageQuery>) -> ApiResult {
    empty_page("changes", &q)
}

/// `GET /user/payments`.
async fn payments(SignedIn(_): SignedIn, Q(q): Q<PageQuery>) -> ApiResult {
    empty_page("payments", &q)
}

/// `GET /group/list`: every group but the anonymous one.
async fn groups(SignedIn(_): SignedIn) -> ApiResult {
    let list: Vec<Value> = [Group::Admin, Group::User]
        .iter()
        .map(|g| json!({"id": ids::encode(Kind::Group, g.number()), "name": g.name()}))
        .collect();
    ok(list)
}

#[derive(Deserialize)]
struct Product {
    #[serde(rename = "type")]
    kind: Option<i64>,
}

#[derive(Deserialize)]
struct PaymentReq {
    product: Option<Product>,
    quantity: Option<i64>,
}

/// `PUT /vas/payment`: nothing is for sale, so every valid order names an unknown product.
async fn create_payment(_caller: MaybeUser, Body(req): Body<PaymentReq>) -> ApiResult {
    let kind = req
        .product
        .and_then(|p| p.kind)
        .ok_or_else(|| ApiErr::param("Product cannot be empty"))?;
    if !(1..=4).contains(&kind) {
        return Err(ApiErr::param("Invalid parameters."));
    }
    validate::int_range("Quantity", req.quantity, 1, i64::MAX)?;
    Err(ApiErr::new(404, "Product not found"))
}

/// `GET /vas/payment/status/:id/:trade_no`.
async fn payment_status(_caller: MaybeUser, Path(_ids): Path<(String, String)>) -> ApiResult {
    Err(ApiErr::new(404, "Payment not found"))
}

/// `GET /vas/giftcode/:code` and its redeem route: no gift code exists (40065).
async fn gift_code(SignedIn(_): SignedIn, Path(_code): Path<String>) -> ApiResult {
    Err(ApiErr::new(40065, "Gift code not found"))
}

/// `PUT`/`POST /session/openid`: no OpenID provider is configured (feature disabled, 40019).
async fn openid_disabled(_caller: MaybeUser) -> ApiResult {
    Err(ApiErr::new(40019, "This feature is not enabled"))
}

/// `DELETE /session/openid/:provider_id`: nothing is ever linked.
async fn openid_unlink(SignedIn(_): SignedIn, Path(_provider): Path<String>) -> ApiResult {
    Err(ApiErr::new(404, "OpenID not linked"))
}

#[derive(Deserialize)]
struct AbuseReq {
    category: Option<i64>,
}

/// `POST /site/abuse`: categories 0–3 are accepted (reports go to an administrator who, on the
/// demo, does not exist).
async fn report_abuse(_caller: MaybeUser, Body(req): Body<AbuseReq>) -> ApiResult {
    match req.category {
        Some(0..=3) => ok_empty(),
        _ => Err(ApiErr::param("Invalid parameters.")),
    }
}

#[derive(Deserialize)]
struct UriQuery {
    uri: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    page_size: Option<i64>,
}

/// Resolves a URI in the caller's own drive with the usual errors.
fn resolve(state: &AppState, uid: u64, uri: &str) -> Result<u64, ApiErr> {
    let uri = CrUri::parse(uri).map_err(|_| ApiErr::new(40001, "unknown uri"))?;
    state.lock().resolve_own(uid, &uri)
}

/// `GET /file/activities`: the demo records no activity log.
async fn file_activities(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Q(q): Q<UriQuery>,
) -> ApiResult {
    let uri = validate::required("Uri", &q.uri)?;
    let page_size = validate::int_range("PageSize", q.page_size, 10, 100)?;
    resolve(&state, uid, uri)?;
    ok(json!({
        "activities": [],
        "pagination": {"page": 0, "page_size": page_size, "is_cursor": true},
    }))
}

#[derive(Deserialize)]
struct UriBody {
    uri: Option<String>,
    policy_id: Option<String>,
}

/// `POST`/`DELETE /file/permission`: accepted for an existing file; the demo enforces
/// ownership only.
async fn set_permission(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<UriBody>,
) -> ApiResult {
    let uri = validate::required("Uri", &req.uri)?;
    resolve(&state, uid, uri)?;
    ok_empty()
}

/// The demo's only policy, or the server's "policy not exist".
fn check_policy(id: &str) -> Result<(), ApiErr> {
    match ids::decode(Kind::Policy, id) {
        Some(DEFAULT_POLICY) => Ok(()),
        Some(_) => Err(ApiErr::new(40035, "Storage policy not exist")),
        None => Err(ApiErr::new(40001, "Failed to parse object ID")),
    }
}

/// `PATCH /file/policy`: mounting the default policy is a no-op.
async fn mount_policy(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<UriBody>,
) -> ApiResult {
    let uri = validate::required("Uri", &req.uri)?;
    let policy = validate::required("PolicyID", &req.policy_id)?;
    resolve(&state, uid, uri)?;
    check_policy(policy)?;
    ok_empty()
}

#[derive(Deserialize)]
struct RelocateReq {
    src: Option<Vec<String>>,
    dst_policy_id: Option<String>,
}

/// `POST /workflow/relocate`: everything already lives in the only policy.
async fn relocate(
    State(state): State<AppState>,
    SignedIn(uid): SignedIn,
    Body(req): Body<RelocateReq>,
) -> ApiResult {
    let src = req
        .src
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiErr::param("Src cannot be empty"))?;
    let policy = validate::required("DstPolicyID", &req.dst_policy_id)?;
    for uri in &src {
        resolve(&state, uid, uri)?;
    }
    check_policy(policy)?;
    Err(ApiErr::new(
        40001,
        "Files are already in the target storage policy",
    ))
}
