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
    /// `[keys.<context>]` tables: key → action for the TUI, checked while parsing
    /// (`app::keymap`).
    #[serde(default, skip_serializing_if = "crate::app::KeyTable::is_empty")]
    pub keys: crate::app::KeyTable,
    /// `[share_presets.<name>]`: ready-made share options (`reve share create --preset`, the
    /// TUI's quick share); the one named `default` applies when none is named.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub share_presets: BTreeMap<String, SharePreset>,
    /// `osc52 = false` stops reve from setting the terminal's clipboard (OSC 52). On unless
    /// set; see [`Config::osc52_enabled`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osc52: Option<bool>,
    /// How the TUI shows pictures (the profile picture): `auto` (the default) detects kitty,
    /// iTerm2 or half blocks; `off` shows none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_protocol: Option<ImageProtocol>,
    /// `[transfers]`: how many files and chunks move at once (the CLI's flags win).
    #[serde(default, skip_serializing_if = "TransferSettings::is_default")]
    pub transfers: TransferSettings,
}

/// The `[transfers]` table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferSettings {
    /// Files transferred at once by one transfer (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_at_once: Option<u16>,
    /// Chunks of one upload in flight at once, never more than the storage policy allows
    /// (default: what the policy allows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunks: Option<u16>,
}

/// Files transferred at once when neither a flag nor `[transfers]` says.
pub const DEFAULT_FILES_AT_ONCE: u16 = 3;
/// The most files or chunks at once that a flag or `[transfers]` may ask for.
pub const MAX_AT_ONCE: u16 = 64;

impl TransferSettings {
    fn is_default(&self) -> bool {
        *self == TransferSettings::default()
    }

    pub fn files_at_once(&self) -> u16 {
        self.files_at_once.unwrap_or(DEFAULT_FILES_AT_ONCE)
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (key, value) in [
            ("files_at_once", self.files_at_once),
            ("chunks", self.chunks),
        ] {
            if let Some(n) = value
                && !(1..=MAX_AT_ONCE).contains(&n)
            {
                bail!("{key} = {n}: it must be between 1 and {MAX_AT_ONCE}");
            }
        }
        Ok(())
    }
}

/// `image_protocol = auto|kitty|iterm|sixel|blocks|off`. An unknown value is refused when
/// the file is read, naming the accepted ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageProtocol {
    #[default]
    Auto,
    Kitty,
    Iterm,
    Sixel,
    Blocks,
    Off,
}

/// One `[share_presets.<name>]` table. Flags given on the command line win over it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharePreset {
    /// Protect the link with a password the server generates.
    #[serde(default)]
    pub private: bool,
    /// Lifetime such as `30m`, `12h`, `7d` (checked when the file is read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire: Option<String>,
    /// Download limit (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads: Option<u64>,
    /// Visitors see the owner's folder view settings.
    #[serde(default)]
    pub share_view: bool,
    /// Show the folder's README to visitors.
    #[serde(default)]
    pub show_readme: bool,
}

impl SharePreset {
    /// The preset's lifetime in seconds (`None`: never expires).
    pub fn expire_seconds(&self) -> anyhow::Result<Option<u64>> {
        let Some(text) = self.expire.as_deref() else {
            return Ok(None);
        };
        let secs = humantime::parse_duration(text)
            .map_err(|e| {
                anyhow::anyhow!("expire = {text:?} is not a duration like 30m, 12h, 7d: {e}")
            })?
            .as_secs();
        if secs == 0 {
            bail!("expire = {text:?} must be at least one second");
        }
        Ok(Some(secs))
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.expire_seconds()?;
        if self.downloads == Some(0) {
            bail!("downloads = 0: leave it out for no limit");
        }
        Ok(())
    }
}

pub const DEFAULT_PROFILE: &str = "default";
/// The share preset used when none is named.
pub const DEFAULT_SHARE_PRESET: &str = "default";

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
        for (name, preset) in &config.share_presets {
            preset
                .validate()
                .with_context(|| format!("[share_presets.{name}]"))?;
        }
        config.transfers.validate().context("[transfers]")?;
        Ok(config)
    }

    /// Whether reve may set the terminal's clipboard with OSC 52 (on unless `osc52 = false`).
    pub fn osc52_enabled(&self) -> bool {
        self.osc52.unwrap_or(true)
    }

    /// The named share preset, or the `default` one when no name is given (`None` when there
    /// is no `default`). An unknown name is an error listing the known ones.
    pub fn share_preset(&self, name: Option<&str>) -> anyhow::Result<Option<&SharePreset>> {
        match name {
            None => Ok(self.share_presets.get(DEFAULT_SHARE_PRESET)),
            Some(n) => match self.share_presets.get(n) {
                Some(p) => Ok(Some(p)),
                None => {
                    let known: Vec<&str> = self.share_presets.keys().map(String::as_str).collect();
                    if known.is_empty() {
                        bail!(
                            "no share preset {n:?}: config.toml has no [share_presets.NAME] tables"
                        )
                    }
                    bail!("no share preset {n:?}; known presets: {}", known.join(", "))
                }
            },
        }
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
    fn transfer_settings_are_checked() {
        let c = Config::parse("[transfers]\nfiles_at_once = 5\nchunks = 2\n").unwrap();
        assert_eq!(c.transfers.files_at_once(), 5);
        assert_eq!(c.transfers.chunks, Some(2));
        assert_eq!(Config::parse("").unwrap().transfers.files_at_once(), 3);
        let err = format!(
            "{:#}",
            Config::parse("[transfers]\nfiles_at_once = 0\n").unwrap_err()
        );
        assert!(
            err.contains("[transfers]") && err.contains("files_at_once = 0"),
            "{err}"
        );
        assert!(Config::parse("[transfers]\nchunks = 65\n").is_err());
        assert!(Config::parse("[transfers]\nfiles = 2\n").is_err());
    }

    #[test]
    fn image_protocol_is_checked() {
        assert_eq!(Config::parse("").unwrap().image_protocol, None);
        for (text, want) in [
            ("auto", ImageProtocol::Auto),
            ("kitty", ImageProtocol::Kitty),
            ("iterm", ImageProtocol::Iterm),
            ("sixel", ImageProtocol::Sixel),
            ("blocks", ImageProtocol::Blocks),
            ("off", ImageProtocol::Off),
        ] {
            let c = Config::parse(&format!("image_protocol = \"{text}\"\n")).unwrap();
            assert_eq!(c.image_protocol, Some(want));
        }
        let err = format!(
            "{:#}",
            Config::parse("image_protocol = \"sixels\"\n").unwrap_err()
        );
        assert!(err.contains("image_protocol"), "{err}");
        assert!(err.contains("unknown variant `sixels`"), "{err}");
        assert!(
            err.contains("blocks"),
            "the accepted values are named: {err}"
        );
    }

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

    #[test]
    fn share_presets_and_osc52_switch() {
        let c = Config::parse(
            "osc52 = false\n\
             [share_presets.default]\nexpire = \"7d\"\n\
             [share_presets.secret]\nprivate = true\nexpire = \"12h\"\ndownloads = 3\n\
             share_view = true\nshow_readme = true\n",
        )
        .unwrap();
        assert!(!c.osc52_enabled());
        assert!(Config::default().osc52_enabled(), "on unless turned off");
        let secret = c.share_preset(Some("secret")).unwrap().unwrap();
        assert!(secret.private && secret.share_view && secret.show_readme);
        assert_eq!(secret.downloads, Some(3));
        assert_eq!(secret.expire_seconds().unwrap(), Some(12 * 3600));
        let default = c.share_preset(None).unwrap().unwrap();
        assert_eq!(default.expire_seconds().unwrap(), Some(7 * 86400));
        assert!(!default.private);
        let err = c.share_preset(Some("nope")).unwrap_err().to_string();
        assert!(err.contains("default, secret"), "{err}");
        assert_eq!(Config::default().share_preset(None).unwrap(), None);

        // Saved and read back unchanged.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        c.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), c);
    }

    #[test]
    fn bad_share_presets_name_the_table() {
        let err = Config::parse("[share_presets.x]\nexpire = \"soon\"\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("[share_presets.x]") && msg.contains("soon"),
            "{msg}"
        );
        let err = Config::parse("[share_presets.x]\ndownloads = 0\n").unwrap_err();
        assert!(format!("{err:#}").contains("downloads = 0"), "{err:#}");
        let err = Config::parse("[share_presets.x]\npassword = \"p\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("password"), "{err:#}");
    }
}
