//! Editing a share, shared by the TUI's share panel and `reve share edit`.
//!
//! `PUT /share/:id` replaces every option (§7.3), so an edit starts from the owner's full view
//! of the share as it is now. That view of a password-protected share needs the password
//! (40069 without it); the owner can always read it from their own share list. The server
//! never changes a share's password on edit (C2-419, C2-420): a new password, or none, takes a
//! new link with the same options, and the old link is revoked after it.

use crate::api::models::{Share, ShareRequest};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, ShareInfoQuery, ShareListQuery, codes};
use std::fmt;

/// What the edited share becomes; the rest (privacy, view options, item) stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareChanges {
    /// `None` keeps the protection; `Some(None)` removes the password; `Some(Some(p))` sets
    /// `p` (both take a new link).
    pub password: Option<Option<String>>,
    /// Seconds from now; `None`: never expires.
    pub expire: Option<u64>,
    /// `None`: no download limit.
    pub downloads: Option<u64>,
}

/// The link after an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub url: String,
    /// True when a new link replaced the old one (a password change).
    pub replaced: bool,
}

#[derive(Debug)]
pub enum EditError {
    Api(ApiError),
    /// The owner's view named no item to point the edited share at.
    NoSource,
    /// The new link was made but the old one is still there.
    NotRevoked {
        url: String,
        error: ApiError,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Api(e) => write!(f, "{e}"),
            EditError::NoSource => {
                write!(f, "The server did not say which item this share points at")
            }
            EditError::NotRevoked { url, error } => write!(
                f,
                "The new link {url} was made, but the old one could not be revoked: {error}"
            ),
        }
    }
}

impl std::error::Error for EditError {}

impl From<ApiError> for EditError {
    fn from(e: ApiError) -> EditError {
        EditError::Api(e)
    }
}

/// The owner's full view of their share `id`. `password` is the one the caller knows; when
/// none is known and the server asks for one, it is read from the owner's share list.
pub async fn owned_share(
    client: &Client,
    id: &str,
    password: Option<&str>,
) -> Result<Share, ApiError> {
    let read = |password: Option<String>| async move {
        client
            .share_info(
                id,
                &ShareInfoQuery {
                    password,
                    owner_extended: true,
                    count_views: false,
                },
            )
            .await
    };
    match read(password.map(str::to_string)).await {
        Err(e) if password.is_none() && e.code() == Some(codes::INCORRECT_PASSWORD) => {
            match listed_password(client, id).await? {
                Some(found) => read(Some(found)).await,
                None => Err(e),
            }
        }
        other => other,
    }
}

/// The password of share `id` as the owner's share list shows it.
async fn listed_password(client: &Client, id: &str) -> Result<Option<String>, ApiError> {
    let mut q = ShareListQuery {
        page_size: 100,
        ..Default::default()
    };
    loop {
        let page = client.list_shares(&q).await?;
        if let Some(share) = page.shares.iter().find(|s| s.id == id) {
            return Ok(share.password.clone().filter(|p| !p.is_empty()));
        }
        match page.pagination.next_token.filter(|t| !t.is_empty()) {
            Some(t) if q.next_token.as_deref() != Some(t.as_str()) => q.next_token = Some(t),
            _ => return Ok(None),
        }
    }
}

/// Seconds left until `share` expires (at least 1), to keep its expiry through an edit.
pub fn seconds_left(share: &Share, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    share
        .expires
        .map(|e| (e.timestamp() - now.timestamp()).max(1) as u64)
}

/// Applies `changes` to share `id`, whose owner's view is `current`.
pub async fn apply(
    client: &Client,
    id: &str,
    current: &Share,
    changes: &ShareChanges,
) -> Result<Edited, EditError> {
    // `source_uri` names the folder holding the shared item (C2-394).
    let uri = current
        .source_uri
        .as_deref()
        .and_then(|u| CrUri::parse(u).ok())
        .map(|folder| folder.join(&current.name).to_string())
        .ok_or(EditError::NoSource)?;
    let mut request = ShareRequest {
        uri,
        is_private: current.is_private,
        password: None,
        downloads: changes.downloads.filter(|n| *n > 0),
        expire: changes.expire.map(|s| s.max(1)),
        share_view: current.share_view,
        show_readme: current.show_readme,
    };
    match &changes.password {
        None => {
            let url = client.edit_share(id, &request).await?;
            Ok(Edited {
                url,
                replaced: false,
            })
        }
        Some(password) => {
            request.is_private = password.is_some();
            request.password = password.clone();
            let url = client.create_share(&request).await?;
            if let Err(error) = client.delete_share(id).await {
                return Err(EditError::NotRevoked { url, error });
            }
            Ok(Edited {
                url,
                replaced: true,
            })
        }
    }
}
