//! Share options: a preset from `config.toml` plus the user's overrides, turned into the
//! body of `PUT /share` (files-and-transfers.md §7.2).

use crate::api::models::{Share, ShareRequest};
use crate::api::uri::CrUri;
use crate::api::{ApiError, Client, ShareInfoQuery, share_link_to_uri};
use crate::config::SharePreset;

/// Longest share password the server accepts (letters and digits only, §7.2, C2-385/386).
pub const MAX_PASSWORD_LEN: usize = 32;

/// How a share is protected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Protection {
    #[default]
    Public,
    /// A password the server generates (8 characters, C2-383).
    RandomPassword,
    /// A password chosen by the user.
    Password(String),
}

/// Everything `PUT /share` takes besides the item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareOptions {
    pub protection: Protection,
    /// Lifetime in seconds from now.
    pub expire: Option<u64>,
    /// Download limit.
    pub downloads: Option<u64>,
    pub share_view: bool,
    pub show_readme: bool,
}

/// What the user asked for on top of a preset; `None`/`false` keep the preset's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareOverrides {
    pub protection: Option<Protection>,
    pub expire: Option<u64>,
    pub downloads: Option<u64>,
    pub share_view: bool,
    pub show_readme: bool,
}

impl ShareOptions {
    /// The options of a preset (its `expire` was checked when the config was read).
    pub fn from_preset(preset: &SharePreset) -> anyhow::Result<ShareOptions> {
        Ok(ShareOptions {
            protection: if preset.private {
                Protection::RandomPassword
            } else {
                Protection::Public
            },
            expire: preset.expire_seconds()?,
            downloads: preset.downloads.filter(|n| *n > 0),
            share_view: preset.share_view,
            show_readme: preset.show_readme,
        })
    }

    /// The preset's options with the user's overrides applied.
    pub fn with(mut self, o: ShareOverrides) -> ShareOptions {
        if let Some(p) = o.protection {
            self.protection = p;
        }
        self.expire = o.expire.or(self.expire);
        self.downloads = o.downloads.filter(|n| *n > 0).or(self.downloads);
        self.share_view |= o.share_view;
        self.show_readme |= o.show_readme;
        self
    }

    /// Checks what the server would refuse with a less helpful message.
    pub fn validate(&self) -> Result<(), String> {
        if let Protection::Password(p) = &self.protection {
            validate_password(p)?;
        }
        if self.expire == Some(0) {
            return Err("the expiry must be at least one second".into());
        }
        Ok(())
    }

    /// The body of `PUT /share` for `uri`.
    pub fn request(&self, uri: &CrUri) -> ShareRequest {
        let (is_private, password) = match &self.protection {
            Protection::Public => (false, None),
            Protection::RandomPassword => (true, None),
            Protection::Password(p) => (true, Some(p.clone())),
        };
        ShareRequest {
            uri: uri.to_string(),
            is_private,
            password,
            downloads: self.downloads,
            expire: self.expire,
            share_view: self.share_view,
            show_readme: self.show_readme,
        }
    }
}

/// A share password: 1–32 ASCII letters and digits.
pub fn validate_password(password: &str) -> Result<(), String> {
    if password.is_empty() {
        return Err("the share password is empty".into());
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(format!(
            "the share password is too long ({} characters, at most {MAX_PASSWORD_LEN})",
            password.chars().count()
        ));
    }
    if !password.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("a share password may only hold letters A–Z, a–z and digits".into());
    }
    Ok(())
}

/// The id and password of a share link (`…/s/<id>[/<password>]`).
pub fn link_parts(link: &str) -> Option<(String, Option<String>)> {
    let uri = share_link_to_uri(link)?;
    Some((uri.fs_id?, uri.password))
}

/// The server a share link belongs to: the link up to its `/s/` segment (sites may live
/// below a path, `https://x.example/cloud/s/<id>`).
pub fn link_server(link: &str) -> Option<String> {
    let mut url = url::Url::parse(link.trim()).ok()?;
    let segments: Vec<String> = url.path_segments()?.map(str::to_string).collect();
    let at = segments.iter().rposition(|s| s == "s")?;
    url.set_path(&segments[..at].join("/"));
    url.set_query(None);
    url.set_fragment(None);
    Some(url.as_str().trim_end_matches('/').to_string())
}

/// A share link opened for browsing.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenedShare {
    /// A password is needed (none was given, or it was wrong).
    Locked(Box<Share>),
    /// Browse it at `uri` (`cloudreve://<id>[:<password>]@share`), read-only.
    Open { share: Box<Share>, uri: CrUri },
}

/// Opens a pasted share link (§7.4, §7.7): `password` wins over one inside the link. Counts
/// as a visit, as opening it in a browser does.
pub async fn open_link(
    client: &Client,
    link: &str,
    password: Option<&str>,
) -> Result<Option<OpenedShare>, ApiError> {
    let Some((id, link_password)) = link_parts(link) else {
        return Ok(None);
    };
    let password = password.map(str::to_string).or(link_password);
    let share = client
        .share_info(
            &id,
            &ShareInfoQuery {
                password: password.clone(),
                count_views: true,
                owner_extended: false,
            },
        )
        .await?;
    if !share.unlocked {
        return Ok(Some(OpenedShare::Locked(Box::new(share))));
    }
    // Unprotected shares accept any password (C2-409); leave it out of the URI then.
    let password = password.filter(|_| share.password_protected);
    Ok(Some(OpenedShare::Open {
        share: Box::new(share),
        uri: CrUri::share(&id, password.as_deref()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_then_overrides() {
        let preset = SharePreset {
            private: true,
            expire: Some("7d".into()),
            downloads: Some(5),
            share_view: true,
            show_readme: false,
        };
        let base = ShareOptions::from_preset(&preset).unwrap();
        assert_eq!(base.protection, Protection::RandomPassword);
        assert_eq!(base.expire, Some(7 * 86400));
        let uri = CrUri::my_root().join("docs");
        let req = base.request(&uri);
        assert!(req.is_private && req.password.is_none() && req.share_view && !req.show_readme);
        assert_eq!(req.downloads, Some(5));

        let custom = base.clone().with(ShareOverrides {
            protection: Some(Protection::Password("abc123".into())),
            expire: Some(60),
            show_readme: true,
            ..Default::default()
        });
        let req = custom.request(&uri);
        assert_eq!(req.password.as_deref(), Some("abc123"));
        assert_eq!(req.expire, Some(60));
        assert_eq!(req.downloads, Some(5), "kept from the preset");
        assert!(req.show_readme && req.share_view);

        let public = base.with(ShareOverrides {
            protection: Some(Protection::Public),
            ..Default::default()
        });
        assert!(!public.request(&uri).is_private);
        assert_eq!(
            ShareOptions::default().request(&uri).uri,
            "cloudreve://my/docs"
        );
    }

    #[test]
    fn passwords_are_checked_like_the_server() {
        assert!(validate_password("abcDEF123").is_ok());
        assert!(validate_password(&"a".repeat(32)).is_ok());
        assert!(validate_password(&"a".repeat(33)).is_err());
        assert!(validate_password("with space").is_err());
        assert!(validate_password("pässword").is_err());
        assert!(validate_password("").is_err());
        let opts = ShareOptions {
            protection: Protection::Password("no-dash".into()),
            ..Default::default()
        };
        assert!(opts.validate().is_err());
    }

    #[test]
    fn link_parts_split_id_and_password() {
        assert_eq!(
            link_parts("http://127.0.0.1:5212/s/Mju7/3nik55xn"),
            Some(("Mju7".into(), Some("3nik55xn".into())))
        );
        assert_eq!(
            link_parts("https://x.example/s/r0sM"),
            Some(("r0sM".into(), None))
        );
        assert_eq!(link_parts("nonsense"), None);
    }

    #[test]
    fn link_server_keeps_the_site_path() {
        assert_eq!(
            link_server("http://127.0.0.1:5212/s/Ab12/pw").as_deref(),
            Some("http://127.0.0.1:5212")
        );
        assert_eq!(
            link_server("https://x.example/cloud/s/r0sM?x=1").as_deref(),
            Some("https://x.example/cloud")
        );
        assert_eq!(link_server("https://x.example/f/abc"), None);
    }
}
