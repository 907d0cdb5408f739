//! Configuration: defaults → `config.toml` → environment → flags.
//!
//! `config.toml` lives in the XDG config dir (`directories`; `REVE_CONFIG_DIR` overrides) and
//! holds the sign-in profiles; tokens never go there (see `credentials`).

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where reve keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// XDG (or the platform's) directories, overridden by `REVE_CONFIG_DIR` / `REVE_DATA_DIR`.
    pub fn discover() -> anyhow::Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "reve");
        let from_env = |var: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let config_dir = from_env("REVE_CONFIG_DIR")
            .or_else(|| dirs.as_ref().map(|d| d.config_dir().to_path_buf()))
            .context("cannot find a config directory: set REVE_CONFIG_DIR")?;
        let data_dir = from_env("REVE_DATA_DIR")
            .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf()))
            .context("cannot find a data directory: set REVE_DATA_DIR")?;
        Ok(Paths {
            config_dir,
            data_dir,
        })
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

/// Where a profile's tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TokenStoreKind {
    /// The OS keyring when one answers within a few seconds, else a 0600 file.
    #[default]
    Auto,
    Keyring,
    File,
}

/// One sign-in: a server and an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub server: String,
    pub email: String,
    /// Where the tokens were stored at the last sign-in (`keyring` or `file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_in: Option<TokenStoreKind>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile used when `--profile` is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_profile: Option<String>,
    #[serde(default)]
    pub token_store: TokenStoreKind,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

pub const DEFAULT_PROFILE: &str = "default";

impl Config {
    /// Reads `path`; a missing file is the default configuration. Errors name the file and
    /// the line, so a typo is easy to find.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Config::parse(&text).with_context(|| format!("invalid config file {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Ok(kind) = std::env::var("REVE_TOKEN_STORE") {
            config.token_store = match kind.as_str() {
                "auto" => TokenStoreKind::Auto,
                "keyring" => TokenStoreKind::Keyring,
                "file" => TokenStoreKind::File,
                other => bail!("REVE_TOKEN_STORE must be auto, keyring or file, not {other:?}"),
            };
        }
        Ok(config)
    }

    /// Writes the file atomically (a crash never leaves half a config behind).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let dir = path.parent().context("config path has no folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let text = toml::to_string_pretty(self).context("cannot serialize the config")?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
    }

    /// The profile name to use: the flag, else the active profile, else `default`.
    pub fn profile_name(&self, flag: Option<&str>) -> String {
        flag.map(str::to_string)
            .or_else(|| self.active_profile.clone())
            .unwrap_or_else(|| DEFAULT_PROFILE.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_profiles() {
        let mut c = Config::default();
        c.profiles.insert(
            "work".into(),
            Profile {
                server: "https://drive.example.com".into(),
                email: "me@example.com".into(),
                tokens_in: Some(TokenStoreKind::File),
            },
        );
        c.active_profile = Some("work".into());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        c.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), c);
        assert_eq!(c.profile_name(None), "work");
        assert_eq!(c.profile_name(Some("home")), "home");
    }

    #[test]
    fn missing_file_is_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Config::load(&dir.path().join("nope.toml")).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = Config::parse("active_profile = \"x\"\n[profiles.a]\nserver = 3\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("line 3"), "{msg}");
        let err = Config::parse("[profiles.a]\nserver=\"s\"\nemail=\"e\"\ncolour=1\n").unwrap_err();
        assert!(format!("{err:#}").contains("colour"), "{err:#}");
    }
}
