//! Share links (files-and-transfers.md §7).

use super::client::{Client, Request, seg};
use super::error::ApiError;
use super::models::{Share, ShareOrder, SharePage, ShareRequest};
use super::uri::CrUri;
use serde_json::json;

/// Paging and order of share lists (`page_size` is required by the server, 10–100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareListQuery {
    pub page_size: u32,
    pub order: ShareOrder,
    pub descending: bool,
    pub next_token: Option<String>,
}

impl Default for ShareListQuery {
    fn default() -> Self {
        ShareListQuery {
            page_size: 50,
            order: ShareOrder::Created,
            descending: false,
            next_token: None,
        }
    }
}

impl ShareListQuery {
    fn apply(&self, req: Request) -> Request {
        req.query("page_size", self.page_size.clamp(10, 100))
            .query_opt("order_by", self.order.as_param())
            .query_opt("order_direction", self.descending.then_some("desc"))
            .query_opt("next_page_token", self.next_token.as_deref())
    }
}

/// Options of `GET /share/info/:id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareInfoQuery {
    /// A wrong or missing password is not an error: the answer has `unlocked: false`.
    pub password: Option<String>,
    /// Count this as a visit.
    pub count_views: bool,
    /// Add `source_uri` (owner only).
    pub owner_extended: bool,
}

impl Client {
    /// `PUT /share`: creates a link and returns its URL (with the password appended for
    /// private shares).
    pub async fn create_share(&self, request: &ShareRequest) -> Result<String, ApiError> {
        self.call(Request::put("/share").json(request)).await
    }

    /// `POST /share/:id`: edits limits and view options (not the password). Omitted limits are
    /// removed, which also revives an exhausted share.
    pub async fn edit_share(&self, id: &str, request: &ShareRequest) -> Result<String, ApiError> {
        self.call(Request::post(format!("/share/{}", seg(id))).json(request))
            .await
    }

    /// `GET /share/info/:id`.
    pub async fn share_info(&self, id: &str, q: &ShareInfoQuery) -> Result<Share, ApiError> {
        let req = Request::get(format!("/share/info/{}", seg(id)))
            .query_opt("password", q.password.as_deref())
            .flag("count_views", q.count_views)
            .flag("owner_extended", q.owner_extended);
        self.call(req).await
    }

    /// `GET /share`: my shares, newest first; expired ones included with `expired: true`.
    pub async fn list_shares(&self, q: &ShareListQuery) -> Result<SharePage, ApiError> {
        self.call(q.apply(Request::get("/share"))).await
    }

    /// `GET /user/shares/:id`: a user's public shares (per their profile setting).
    pub async fn user_shares(
        &self,
        user_id: &str,
        q: &ShareListQuery,
    ) -> Result<SharePage, ApiError> {
        self.call(q.apply(Request::get(format!("/user/shares/{}", seg(user_id)))))
            .await
    }

    /// `DELETE /share/:id`.
    pub async fn delete_share(&self, id: &str) -> Result<(), ApiError> {
        self.call(Request::delete(format!("/share/{}", seg(id))))
            .await
    }

    /// `DELETE /share` for several ids. A bad id makes the server send two concatenated
    /// envelopes, error first (C2-437); the error is what is reported.
    pub async fn delete_shares(&self, ids: &[String]) -> Result<(), ApiError> {
        self.call(Request::delete("/share").json(&json!({ "ids": ids })))
            .await
    }
}

/// Turns a share link (`…/s/<id>` or `…/s/<id>/<password>`) into the URI to browse it, as the
/// web UI's redirect would (§7.8), without following the redirect.
pub fn share_link_to_uri(link: &str) -> Option<CrUri> {
    let url = url::Url::parse(link.trim()).ok()?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let at = segments.iter().rposition(|s| *s == "s")?;
    let id = segments.get(at + 1)?;
    let password = segments.get(at + 2).copied();
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    let password = match password {
        Some(p) => Some(decode(p)?),
        None => None,
    };
    Some(CrUri::share(&decode(id)?, password.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_links_become_uris() {
        let u = share_link_to_uri("http://127.0.0.1:5402/s/Mju7/3nik55xn").unwrap();
        assert_eq!(u.to_string(), "cloudreve://Mju7:3nik55xn@share");
        let u = share_link_to_uri("https://x.example/cloud/s/r0sM").unwrap();
        assert_eq!(u.to_string(), "cloudreve://r0sM@share");
        assert!(share_link_to_uri("https://x.example/f/abc/n.txt").is_none());
        assert!(share_link_to_uri("not a url").is_none());
    }
}
