//! What every signed-in command needs: paths, the config, the profile and a client that
//! holds the profile's tokens. New tokens (a refresh during the command) are saved back.

use crate::api::client::{Client, ClientConfig};
use crate::api::models::Tokens;
use crate::config::{Config, Paths, Profile, TokenStoreKind};
use crate::credentials::Vault;
use anyhow::{Context as _, bail};

pub struct Context {
    pub paths: Paths,
    pub config: Config,
    pub profile_name: String,
}

impl Context {
    pub fn load(profile_flag: Option<&str>) -> anyhow::Result<Context> {
        let paths = Paths::discover()?;
        let config = Config::load(&paths.config_file())?;
        let profile_name = config.profile_name(profile_flag);
        Ok(Context {
            paths,
            config,
            profile_name,
        })
    }

    pub fn vault(&self) -> Vault {
        Vault::new(self.paths.clone())
    }

    pub fn profile(&self) -> anyhow::Result<&Profile> {
        self.config
            .profiles
            .get(&self.profile_name)
            .with_context(|| {
                format!(
                    "not signed in (no profile {:?}); run `reve login --server URL --email EMAIL`",
                    self.profile_name
                )
            })
    }

    /// A client for the profile, signed in with its stored tokens.
    pub async fn signed_in_client(&self) -> anyhow::Result<SignedInClient> {
        let profile = self.profile()?.clone();
        let location = profile.tokens_in.unwrap_or(TokenStoreKind::File);
        let stored = self
            .vault()
            .load(&self.profile_name, location)
            .await?
            .with_context(|| {
                format!(
                    "not signed in to {}; run `reve login --server {} --email {}`",
                    profile.server, profile.server, profile.email
                )
            })?;
        let tokens: Tokens = serde_json::from_str(&stored)
            .context("the stored session is damaged; run `reve login` again")?;
        let client =
            Client::with_tokens(ClientConfig::new(profile.server.clone()), tokens.clone())?;
        Ok(SignedInClient {
            client,
            initial: tokens,
            location,
        })
    }

    /// Saves a new token pair for the profile; returns where it went.
    pub async fn store_tokens(&self, tokens: &Tokens) -> anyhow::Result<TokenStoreKind> {
        let secret = serde_json::to_string(tokens).context("cannot serialize the session")?;
        self.vault()
            .save(&self.profile_name, &secret, self.config.token_store)
            .await
    }

    pub fn save_config(&self) -> anyhow::Result<()> {
        self.config.save(&self.paths.config_file())
    }
}

/// A client plus what is needed to save refreshed tokens afterwards.
pub struct SignedInClient {
    pub client: Client,
    initial: Tokens,
    location: TokenStoreKind,
}

impl SignedInClient {
    /// Persists tokens the client refreshed during the command (the refresh token slides).
    pub async fn finish(self, ctx: &Context) -> anyhow::Result<()> {
        match self.client.tokens() {
            Some(t) if t != self.initial => {
                let secret = serde_json::to_string(&t)?;
                ctx.vault()
                    .save(&ctx.profile_name, &secret, self.location)
                    .await?;
                Ok(())
            }
            Some(_) => Ok(()),
            None => bail!("the session ended; run `reve login` again"),
        }
    }
}
