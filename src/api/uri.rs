//! `cloudreve://` URIs: `cloudreve://[<fs-id>[:<password>]@]<filesystem>[/<path>][?<query>]`.
//!
//! Path segments are percent-encoded like JavaScript's `encodeURIComponent` (the web UI's
//! rule); `%`, `#` and `?` must always be escaped or the server cuts the URI. Segments are
//! kept decoded in memory and encoded on output, so a name round-trips exactly.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::fmt;

/// Characters `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

pub const SCHEME: &str = "cloudreve://";

/// Percent-encodes one path segment (or a share password) the way Cloudreve expects.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// The file system a URI points into.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileSystem {
    My,
    Share,
    Trash,
    SharedWithMe,
    /// Anything else; the server answers `-1` for it, but the client keeps it verbatim.
    Other(String),
}

impl FileSystem {
    pub fn as_str(&self) -> &str {
        match self {
            FileSystem::My => "my",
            FileSystem::Share => "share",
            FileSystem::Trash => "trash",
            FileSystem::SharedWithMe => "shared_with_me",
            FileSystem::Other(s) => s,
        }
    }

    fn parse(s: &str) -> FileSystem {
        match s {
            "my" => FileSystem::My,
            "share" => FileSystem::Share,
            "trash" => FileSystem::Trash,
            "shared_with_me" => FileSystem::SharedWithMe,
            other => FileSystem::Other(other.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("not a cloudreve:// URI: {0}")]
    Scheme(String),
    #[error("the URI names no file system")]
    NoFileSystem,
    #[error("invalid percent-encoding in {0:?}")]
    Encoding(String),
    #[error("a share URI needs a share id")]
    ShareWithoutId,
}

/// A parsed `cloudreve://` URI with decoded path segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CrUri {
    pub fs: FileSystem,
    /// The owner's user id for `my`, the share id for `share`.
    pub fs_id: Option<String>,
    /// Share password.
    pub password: Option<String>,
    /// Decoded path segments, never empty strings.
    pub segments: Vec<String>,
    /// Search parameters (decoded key/value pairs, in order).
    pub query: Vec<(String, String)>,
}

impl CrUri {
    pub fn root(fs: FileSystem) -> CrUri {
        CrUri {
            fs,
            fs_id: None,
            password: None,
            segments: Vec::new(),
            query: Vec::new(),
        }
    }

    pub fn my_root() -> CrUri {
        CrUri::root(FileSystem::My)
    }

    /// The root of a share, with its password when it has one.
    pub fn share(id: &str, password: Option<&str>) -> CrUri {
        CrUri {
            fs_id: Some(id.to_string()),
            password: password.filter(|p| !p.is_empty()).map(str::to_string),
            ..CrUri::root(FileSystem::Share)
        }
    }

    /// Accepts a full `cloudreve://` URI, or a user path (`/docs/a b.txt`, `docs`) taken as
    /// relative to the root of "my files".
    pub fn from_user_input(s: &str) -> Result<CrUri, UriError> {
        // `get` instead of slicing: byte 12 may fall inside a multi-byte character.
        if s.get(..SCHEME.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(SCHEME))
        {
            return CrUri::parse(s);
        }
        if s.contains("://") {
            return Err(UriError::Scheme(s.to_string()));
        }
        let mut uri = CrUri::my_root();
        for seg in s.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    uri.segments.pop();
                }
                name => uri.segments.push(name.to_string()),
            }
        }
        Ok(uri)
    }

    pub fn parse(s: &str) -> Result<CrUri, UriError> {
        let rest = s
            .get(..SCHEME.len())
            .filter(|p| p.eq_ignore_ascii_case(SCHEME))
            .map(|_| &s[SCHEME.len()..])
            .ok_or_else(|| UriError::Scheme(s.to_string()))?;
        // A fragment is never part of a Cloudreve URI: the server cuts it off too.
        let rest = rest.split('#').next().unwrap_or("");
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match rest.split_once('/') {
            Some((a, p)) => (a, p),
            None => (rest, ""),
        };
        let (userinfo, fs) = match authority.rsplit_once('@') {
            Some((u, f)) => (Some(u), f),
            None => (None, authority),
        };
        if fs.is_empty() {
            return Err(UriError::NoFileSystem);
        }
        let fs = FileSystem::parse(&fs.to_ascii_lowercase());
        let (mut fs_id, mut password) = (None, None);
        if let Some(info) = userinfo {
            let (id, pw) = match info.split_once(':') {
                Some((i, p)) => (i, Some(p)),
                None => (info, None),
            };
            fs_id = Some(decode(id)?).filter(|s| !s.is_empty());
            password = pw.map(decode).transpose()?.filter(|s| !s.is_empty());
        }
        if fs == FileSystem::Share && fs_id.is_none() {
            return Err(UriError::ShareWithoutId);
        }
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let query = match query {
            Some(q) => url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            None => Vec::new(),
        };
        Ok(CrUri {
            fs,
            fs_id,
            password,
            segments,
            query,
        })
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    pub fn is_search(&self) -> bool {
        !self.query.is_empty()
    }

    /// The last segment (the file's name), `None` at the root.
    pub fn name(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    pub fn join(&self, name: &str) -> CrUri {
        let mut child = self.without_query();
        child.segments.push(name.to_string());
        child
    }

    pub fn parent(&self) -> Option<CrUri> {
        if self.segments.is_empty() {
            return None;
        }
        let mut p = self.without_query();
        p.segments.pop();
        Some(p)
    }

    pub fn without_query(&self) -> CrUri {
        CrUri {
            query: Vec::new(),
            ..self.clone()
        }
    }

    pub fn with_query(mut self, key: &str, value: &str) -> CrUri {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// `/docs/a b.txt`: the decoded path, for display (sanitize before printing).
    pub fn display_path(&self) -> String {
        format!("/{}", self.segments.join("/"))
    }

    /// True when `self` is `other` or lies below it (same file system and owner).
    pub fn starts_with(&self, other: &CrUri) -> bool {
        self.fs == other.fs
            && self.fs_id == other.fs_id
            && self.segments.len() >= other.segments.len()
            && self.segments[..other.segments.len()] == other.segments[..]
    }
}

fn decode(s: &str) -> Result<String, UriError> {
    // Go's PathUnescape refuses a `%` that does not start a valid escape.
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%'
            && !(i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
        {
            return Err(UriError::Encoding(s.to_string()));
        }
    }
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| UriError::Encoding(s.to_string()))
}

impl fmt::Display for CrUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SCHEME)?;
        if let Some(id) = &self.fs_id {
            f.write_str(&encode_component(id))?;
            if let Some(pw) = &self.password {
                write!(f, ":{}", encode_component(pw))?;
            }
            f.write_str("@")?;
        }
        f.write_str(self.fs.as_str())?;
        for seg in &self.segments {
            write!(f, "/{}", encode_component(seg))?;
        }
        if !self.query.is_empty() {
            let q: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.query.iter())
                .finish();
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for CrUri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CrUri::parse(s)
    }
}

impl serde::Serialize for CrUri {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CrUri {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CrUri::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_table() {
        let cases: &[(&str, &str)] = &[
            ("/", "cloudreve://my"),
            ("/docs/a b.txt", "cloudreve://my/docs/a%20b.txt"),
            ("100% done ##1", "cloudreve://my/100%25%20done%20%23%231"),
            ("/q?.txt", "cloudreve://my/q%3F.txt"),
            (
                "日本語 ✓",
                "cloudreve://my/%E6%97%A5%E6%9C%AC%E8%AA%9E%20%E2%9C%93",
            ),
            ("it's (1)!~*.txt", "cloudreve://my/it's%20(1)!~*.txt"),
            ("a+b&c=d", "cloudreve://my/a%2Bb%26c%3Dd"),
            ("/x/../y/./z", "cloudreve://my/y/z"),
        ];
        for (input, want) in cases {
            let uri = CrUri::from_user_input(input).unwrap();
            assert_eq!(uri.to_string(), *want, "input {input:?}");
            assert_eq!(CrUri::parse(want).unwrap(), uri, "round trip of {want}");
        }
    }

    #[test]
    fn parses_shares_trash_and_searches() {
        let share = CrUri::parse("cloudreve://Mju7:3nik55xn@share/sub%20dir").unwrap();
        assert_eq!(share.fs, FileSystem::Share);
        assert_eq!(share.fs_id.as_deref(), Some("Mju7"));
        assert_eq!(share.password.as_deref(), Some("3nik55xn"));
        assert_eq!(share.segments, vec!["sub dir"]);
        assert_eq!(
            share.to_string(),
            "cloudreve://Mju7:3nik55xn@share/sub%20dir"
        );
        assert_eq!(
            CrUri::share("r0sM", None).join("a.txt").to_string(),
            "cloudreve://r0sM@share/a.txt"
        );

        let trash = CrUri::parse("cloudreve://trash/9008d31d-6db9-4719-ab4b-40ac75ba5ce7").unwrap();
        assert_eq!(trash.fs, FileSystem::Trash);
        assert_eq!(trash.name(), Some("9008d31d-6db9-4719-ab4b-40ac75ba5ce7"));

        let search = CrUri::parse("cloudreve://my/many?name=f1&type=file").unwrap();
        assert!(search.is_search());
        assert_eq!(
            search.query,
            vec![("name".into(), "f1".into()), ("type".into(), "file".into())]
        );
        assert_eq!(search.to_string(), "cloudreve://my/many?name=f1&type=file");
        assert_eq!(
            CrUri::my_root().with_query("name", "a b").to_string(),
            "cloudreve://my?name=a+b"
        );

        assert_eq!(CrUri::parse("cloudreve://my/").unwrap(), CrUri::my_root());
        assert_eq!(
            CrUri::parse("cloudreve://shared_with_me").unwrap().fs,
            FileSystem::SharedWithMe
        );
        assert_eq!(
            CrUri::parse("cloudreve://my/raw space/日本")
                .unwrap()
                .segments,
            vec!["raw space", "日本"]
        );
    }

    #[test]
    fn rejects_bad_uris() {
        assert!(matches!(
            CrUri::parse("http://x/y"),
            Err(UriError::Scheme(_))
        ));
        assert!(matches!(
            CrUri::from_user_input("https://x"),
            Err(UriError::Scheme(_))
        ));
        assert!(matches!(
            CrUri::parse("cloudreve://"),
            Err(UriError::NoFileSystem)
        ));
        assert!(matches!(
            CrUri::parse("cloudreve://share/x"),
            Err(UriError::ShareWithoutId)
        ));
        assert!(matches!(
            CrUri::parse("cloudreve://my/50%"),
            Err(UriError::Encoding(_))
        ));
    }

    #[test]
    fn parent_join_and_prefix() {
        let f = CrUri::from_user_input("/a/b/c.txt").unwrap();
        assert_eq!(f.parent().unwrap().to_string(), "cloudreve://my/a/b");
        assert_eq!(f.name(), Some("c.txt"));
        assert!(f.starts_with(&CrUri::from_user_input("/a").unwrap()));
        assert!(!f.starts_with(&CrUri::from_user_input("/b").unwrap()));
        assert_eq!(CrUri::my_root().parent(), None);
        assert_eq!(f.display_path(), "/a/b/c.txt");
    }
}
