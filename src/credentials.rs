//! Token storage: the OS keyring when one answers within a few seconds, otherwise a file
//! created owner-only (0600) in the data dir. Tokens are stored as an opaque JSON string and
//! never logged.

use crate::config::{Paths, TokenStoreKind};
use anyhow::{Context as _, bail};
use std::path::PathBuf;
use std::time::Duration;

const KEYRING_SERVICE: &str = "reve";
/// How long to wait for a keyring before falling back to the file (a locked or absent
/// Secret Service can hang instead of failing).
const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// Saves and loads one profile's tokens.
pub struct Vault {
    paths: Paths,
}

impl Vault {
    pub fn new(paths: Paths) -> Vault {
        Vault { paths }
    }

    fn token_file(&self, profile: &str) -> PathBuf {
        self.paths
            .data_dir
            .join("tokens")
            .join(format!("{}.json", file_safe(profile)))
    }

    /// Stores `secret`; returns where it went.
    pub async fn save(
        &self,
        profile: &str,
        secret: &str,
        wanted: TokenStoreKind,
    ) -> anyhow::Result<TokenStoreKind> {
        if wanted != TokenStoreKind::File {
            match keyring_call(profile, KeyringOp::Set(secret.to_string())).await {
                Ok(_) => {
                    // A stale file from an earlier sign-in must not outlive the new tokens.
                    let _ = std::fs::remove_file(self.token_file(profile));
                    return Ok(TokenStoreKind::Keyring);
                }
                Err(e) if wanted == TokenStoreKind::Keyring => {
                    return Err(e).context("the OS keyring did not take the tokens");
                }
                Err(e) => tracing::info!("keyring unavailable, using a file: {e:#}"),
            }
        }
        self.save_file(profile, secret)?;
        Ok(TokenStoreKind::File)
    }

    fn save_file(&self, profile: &str, secret: &str) -> anyhow::Result<()> {
        use std::io::Write as _;
        let path = self.token_file(profile);
        let dir = path.parent().context("token path has no folder")?;
        create_private_dir(dir)?;
        let tmp = path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut f = private_file(&tmp)?;
        f.write_all(secret.as_bytes())
            .and_then(|_| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Loads the tokens from where the profile says they are.
    pub async fn load(
        &self,
        profile: &str,
        location: TokenStoreKind,
    ) -> anyhow::Result<Option<String>> {
        if location == TokenStoreKind::Keyring {
            return match keyring_call(profile, KeyringOp::Get).await {
                Ok(v) => Ok(v),
                Err(e) => Err(e).context("cannot read the tokens from the OS keyring"),
            };
        }
        match std::fs::read_to_string(self.token_file(profile)) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e)
                .with_context(|| format!("cannot read {}", self.token_file(profile).display())),
        }
    }

    /// Forgets the tokens wherever they are.
    pub async fn delete(&self, profile: &str, location: TokenStoreKind) -> anyhow::Result<()> {
        if location == TokenStoreKind::Keyring {
            keyring_call(profile, KeyringOp::Delete).await?;
        }
        match std::fs::remove_file(self.token_file(profile)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).context("cannot remove the token file"),
        }
    }
}

/// Profile names become file names: keep them to a harmless alphabet.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

fn private_file(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

enum KeyringOp {
    Set(String),
    Get,
    Delete,
}

/// Runs a blocking keyring call on a worker thread with a deadline.
async fn keyring_call(profile: &str, op: KeyringOp) -> anyhow::Result<Option<String>> {
    let user = profile.to_string();
    let task = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<String>> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, &user)?;
        match op {
            KeyringOp::Set(s) => entry.set_password(&s).map(|_| None).map_err(Into::into),
            KeyringOp::Get => match entry.get_password() {
                Ok(s) => Ok(Some(s)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e.into()),
            },
            KeyringOp::Delete => match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e.into()),
            },
        }
    });
    match tokio::time::timeout(KEYRING_TIMEOUT, task).await {
        Ok(Ok(r)) => r,
        Ok(Err(join)) => bail!("keyring call failed: {join}"),
        Err(_) => bail!("the OS keyring did not answer within {KEYRING_TIMEOUT:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_store_is_owner_only_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(Paths {
            config_dir: dir.path().join("c"),
            data_dir: dir.path().join("d"),
        });
        let at = vault
            .save("work/../x", "{\"t\":1}", TokenStoreKind::File)
            .await
            .unwrap();
        assert_eq!(at, TokenStoreKind::File);
        let file = vault.token_file("work/../x");
        assert!(file.starts_with(dir.path().join("d").join("tokens")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            vault
                .load("work/../x", TokenStoreKind::File)
                .await
                .unwrap()
                .as_deref(),
            Some("{\"t\":1}")
        );
        vault
            .save("work/../x", "{\"t\":2}", TokenStoreKind::File)
            .await
            .unwrap();
        assert_eq!(
            vault
                .load("work/../x", TokenStoreKind::File)
                .await
                .unwrap()
                .as_deref(),
            Some("{\"t\":2}")
        );
        vault
            .delete("work/../x", TokenStoreKind::File)
            .await
            .unwrap();
        assert_eq!(
            vault.load("work/../x", TokenStoreKind::File).await.unwrap(),
            None
        );
    }
}
