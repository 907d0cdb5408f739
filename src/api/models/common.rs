//! Shapes shared by every area: timestamps, pagination, boolean sets, secrets and the
//! `null`-tolerant collection decoder.

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// RFC 3339 with up to 9 fractional digits and the server's offset (README §4).
pub type Timestamp = DateTime<FixedOffset>;

/// Decodes `null` like an absent value: Cloudreve sends `"shares": null` and `"metadata": null`
/// where other answers send `[]`/`{}` for the same thing (README §4, C2-38).
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `pagination` of every list (README §7). Cursor lists carry `next_token` until the last page;
/// offset lists carry `total_items` and no `is_cursor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Pagination {
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_size: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(default)]
    pub is_cursor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<u64>,
}

impl Pagination {
    /// The cursor of the next page, if there is one (an empty token counts as none).
    pub fn next(&self) -> Option<&str> {
        self.next_token.as_deref().filter(|t| !t.is_empty())
    }
}

/// A string that must never reach a log: tokens, passwords, upload credentials.
/// `Debug` prints a placeholder; read the value with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("Secret(\"\")")
        } else {
            f.write_str("Secret(<redacted>)")
        }
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

/// A Cloudreve boolean set: base64 (standard, padded) of a byte array where flag *n* is bit
/// `n % 8` of byte `n / 8`, least significant first; missing bytes are false, `""` is empty
/// (README §4). Used by `capability`, `group.permission`, dav `options`, node `capabilities`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BoolSet {
    bytes: Vec<u8>,
}

impl BoolSet {
    /// Decodes the wire form. Fails on invalid base64 rather than guessing.
    pub fn decode(encoded: &str) -> Result<BoolSet, base64::DecodeError> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.trim())?;
        Ok(BoolSet { bytes })
    }

    /// The set with exactly these flags.
    pub fn from_flags(flags: impl IntoIterator<Item = u32>) -> BoolSet {
        let mut set = BoolSet::default();
        for f in flags {
            set.insert(f);
        }
        set
    }

    pub fn insert(&mut self, flag: u32) {
        let byte = (flag / 8) as usize;
        if self.bytes.len() <= byte {
            self.bytes.resize(byte + 1, 0);
        }
        self.bytes[byte] |= 1 << (flag % 8);
    }

    pub fn contains(&self, flag: u32) -> bool {
        self.bytes
            .get((flag / 8) as usize)
            .is_some_and(|b| b & (1 << (flag % 8)) != 0)
    }

    /// Typed form of [`BoolSet::contains`] for the flag enums below.
    pub fn has(&self, flag: impl Flag) -> bool {
        self.contains(flag.bit())
    }

    /// Every flag that is set, ascending.
    pub fn flags(&self) -> Vec<u32> {
        (0..self.bytes.len() as u32 * 8)
            .filter(|&f| self.contains(f))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.iter().all(|&b| b == 0)
    }

    pub fn encode(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.bytes)
    }
}

impl fmt::Debug for BoolSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BoolSet({:?})", self.flags())
    }
}

impl<'de> Deserialize<'de> for BoolSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        BoolSet::decode(&s).map_err(|e| serde::de::Error::custom(format!("boolset {s:?}: {e}")))
    }
}

impl Serialize for BoolSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

/// A named bit of a [`BoolSet`].
pub trait Flag {
    fn bit(self) -> u32;
}

macro_rules! flags {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $bit:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant = $bit),* }
        impl Flag for $name {
            fn bit(self) -> u32 { self as u32 }
        }
    };
}

flags! {
    /// What the file system allows on a file or folder (files-and-transfers.md §1.3).
    Capability {
        CreateFile = 0,
        Rename = 1,
        Upload = 6,
        Download = 7,
        UpdateMetadata = 8,
        ListChildren = 9,
        GenerateThumbnail = 10,
        DeletePermanently = 14,
        Lock = 15,
        SoftDelete = 16,
        Restore = 17,
        Share = 18,
        Info = 19,
        VersionControl = 20,
        EnterFolder = 23,
        ModifyView = 24,
    }
}

flags! {
    /// Group permission flags (README §4).
    GroupPermission {
        Admin = 0,
        Anonymous = 1,
        CreateShare = 2,
        WebDav = 3,
        ArchiveDownload = 4,
        ArchiveTask = 5,
        WebDavProxy = 6,
        ShareDownload = 7,
        RemoteDownload = 9,
        RedirectedSource = 11,
        AdvanceDelete = 12,
        IgnoreFileOwnership = 16,
        UniqueRedirectedSource = 17,
    }
}

flags! {
    /// WebDAV account options (session-and-user.md §8.1).
    DavOption {
        ReadOnly = 0,
        Proxy = 1,
        DisableSysFiles = 2,
    }
}

flags! {
    /// Capabilities of a task node (files-and-transfers.md §8.1).
    NodeCapability {
        CreateArchive = 1,
        ExtractArchive = 2,
        RemoteDownload = 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags_of(s: &str) -> Vec<u32> {
        BoolSet::decode(s).unwrap().flags()
    }

    #[test]
    fn decodes_the_observed_boolsets() {
        // The table of README §4.
        assert_eq!(flags_of("/RoB"), [0, 2, 3, 4, 5, 6, 7, 9, 11, 12, 16]);
        assert_eq!(flags_of("hAg="), [2, 7, 11]);
        assert_eq!(flags_of("gg=="), [1, 7]);
        assert_eq!(
            flags_of("w8edAQ=="),
            [0, 1, 6, 7, 8, 9, 10, 14, 15, 16, 18, 19, 20, 23, 24]
        );
        assert_eq!(flags_of("gIaYAQ=="), [7, 9, 10, 15, 19, 20, 23, 24]);
        assert_eq!(flags_of("AMIK"), [9, 14, 15, 17, 19]);
        assert_eq!(flags_of("gAKA"), [7, 9, 23]);
        assert_eq!(flags_of("Dg=="), [1, 2, 3]);
        assert_eq!(flags_of("Bw=="), [0, 1, 2]);
        assert!(flags_of("").is_empty());
    }

    #[test]
    fn typed_flags_and_missing_bytes() {
        let trash = BoolSet::decode("AMIK").unwrap();
        assert!(trash.has(Capability::Restore));
        assert!(!trash.has(Capability::Download));
        // Flag 40 lies beyond the three bytes: false, not a panic.
        assert!(!trash.contains(40));
        let user = BoolSet::decode("hAg=").unwrap();
        assert!(user.has(GroupPermission::CreateShare));
        assert!(!user.has(GroupPermission::WebDav));
    }

    #[test]
    fn encodes_back_and_rejects_garbage() {
        assert_eq!(BoolSet::from_flags([0, 1, 2]).encode(), "Bw==");
        assert_eq!(BoolSet::decode("w8edAQ==").unwrap().encode(), "w8edAQ==");
        assert!(BoolSet::decode("not base64!").is_err());
        let json: BoolSet = serde_json::from_str("null").unwrap();
        assert!(json.is_empty());
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let s = Secret::new("eyJhbGciOi.secret");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(s.expose(), "eyJhbGciOi.secret");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"eyJhbGciOi.secret\"");
    }
}
