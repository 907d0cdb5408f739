//! Site routes and server detection (session-and-user.md §1).

use super::client::{Client, Request};
use super::error::ApiError;
use super::models::{Captcha, ConfigSection, ServerInfo, SiteConfig};

impl Client {
    /// `GET /site/ping`: the server version.
    pub async fn ping(&self) -> Result<String, ApiError> {
        self.call(Request::get("/site/ping").no_auth()).await
    }

    /// Checks that the address is a Cloudreve v4 server: `GET /site/ping` must answer the
    /// envelope with a `4.x` version. Anything else (HTML, a plain 404, a v3 server, a JSON
    /// API of something else) becomes [`ApiError::NotCloudreve`] with the reason; network
    /// errors stay `Transport`.
    pub async fn detect(&self) -> Result<ServerInfo, ApiError> {
        match self.ping().await {
            Ok(version) => classify_version(&version),
            Err(e) => Err(classify_ping_error(e)),
        }
    }

    /// `GET /site/captcha`.
    pub async fn captcha(&self) -> Result<Captcha, ApiError> {
        self.call(Request::get("/site/captcha").no_auth()).await
    }

    /// `GET /site/config/:section`. The token is sent when there is one (`basic.user` is then
    /// the caller).
    pub async fn site_config(&self, section: ConfigSection) -> Result<SiteConfig, ApiError> {
        self.call(Request::get(format!("/site/config/{}", section.as_str())))
            .await
    }
}

fn classify_version(version: &str) -> Result<ServerInfo, ApiError> {
    match ServerInfo::parse(version) {
        Some(info) if info.major == 4 => Ok(info),
        Some(info) => Err(ApiError::NotCloudreve {
            detail: format!(
                "it reports version {}; reve needs Cloudreve 4",
                info.version
            ),
        }),
        None => Err(ApiError::NotCloudreve {
            detail: format!("/api/v4/site/ping answered {version:?}, not a version"),
        }),
    }
}

fn classify_ping_error(e: ApiError) -> ApiError {
    let detail = match &e {
        ApiError::NotSupported { .. } => {
            "there is no /api/v4/site/ping (a Cloudreve v3 server, or a wrong path prefix?)"
                .to_string()
        }
        ApiError::Decode { status, detail, .. } => {
            format!("/api/v4/site/ping: HTTP {status}, {detail}")
        }
        ApiError::Http { status, .. } => format!("/api/v4/site/ping: HTTP {status}"),
        _ => return e,
    };
    ApiError::NotCloudreve { detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_version_4_is_accepted() {
        assert!(classify_version("4.18.0").is_ok());
        assert!(classify_version("4.18.0-pro").unwrap().pro);
        let v3 = classify_version("3.8.3").unwrap_err();
        assert!(v3.to_string().contains("Cloudreve 4"), "{v3}");
        assert!(matches!(
            classify_version("hello"),
            Err(ApiError::NotCloudreve { .. })
        ));
    }

    #[test]
    fn html_and_missing_routes_are_not_cloudreve() {
        let html = ApiError::decode("GET /site/ping", 200, "an HTML page instead of JSON");
        assert!(matches!(
            classify_ping_error(html),
            ApiError::NotCloudreve { .. }
        ));
        let missing = ApiError::NotSupported {
            endpoint: "GET /site/ping".into(),
        };
        assert!(classify_ping_error(missing).to_string().contains("v3"));
        assert!(matches!(
            classify_ping_error(ApiError::SignedOut),
            ApiError::SignedOut
        ));
    }
}
