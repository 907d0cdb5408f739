//! What a pane shows: a folder of the drive (any namespace) or of the local disk.

use crate::api::uri::{CrUri, FileSystem};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    Remote(CrUri),
    Local(PathBuf),
}

/// The namespaces a pane can be switched to; decides which operations make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Local,
    MyFiles,
    Trash,
    SharedWithMe,
    Share,
    Other,
}

impl Source {
    pub fn place(&self) -> Place {
        match self {
            Source::Local(_) => Place::Local,
            Source::Remote(uri) => match uri.fs {
                FileSystem::My => Place::MyFiles,
                FileSystem::Trash => Place::Trash,
                FileSystem::SharedWithMe => Place::SharedWithMe,
                FileSystem::Share => Place::Share,
                FileSystem::Other(_) => Place::Other,
            },
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Source::Remote(_))
    }

    pub fn remote(&self) -> Option<&CrUri> {
        match self {
            Source::Remote(uri) => Some(uri),
            Source::Local(_) => None,
        }
    }

    pub fn local(&self) -> Option<&Path> {
        match self {
            Source::Local(p) => Some(p),
            Source::Remote(_) => None,
        }
    }

    /// The folder above, `None` at a root.
    pub fn parent(&self) -> Option<Source> {
        match self {
            // Leaving search results goes back to the folder that was searched.
            Source::Remote(uri) if uri.is_search() => Some(Source::Remote(uri.without_query())),
            Source::Remote(uri) => uri.parent().map(Source::Remote),
            Source::Local(p) => p.parent().map(|p| Source::Local(p.to_path_buf())),
        }
    }

    /// The child folder called `name` (its URI segment for remote entries).
    pub fn child(&self, name: &str) -> Source {
        match self {
            Source::Remote(uri) => Source::Remote(uri.join(name)),
            Source::Local(p) => Source::Local(p.join(name)),
        }
    }

    /// The last component, used to put the cursor back on the folder one came from.
    pub fn last_name(&self) -> Option<String> {
        match self {
            Source::Remote(uri) => uri.name().map(str::to_string),
            Source::Local(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
        }
    }

    /// The pane title: the decoded path, never the share password. Sanitize before drawing.
    pub fn title(&self) -> String {
        match self {
            Source::Local(p) => p.display().to_string(),
            Source::Remote(uri) if uri.is_search() => {
                let folder = Source::Remote(uri.without_query()).title();
                format!("{folder} ?{}", search_terms(&uri.query))
            }
            Source::Remote(uri) => {
                let path = uri.display_path();
                match (&uri.fs, &uri.fs_id) {
                    (FileSystem::Share, Some(id)) => format!("cloudreve://{id}@share{path}"),
                    (fs, _) => format!("cloudreve://{}{}", fs.as_str(), path),
                }
            }
        }
    }

    /// What the "copy path" key puts on the clipboard: the encoded URI (usable with every
    /// reve command and the web UI), or the local path.
    pub fn clipboard_text(&self) -> String {
        match self {
            Source::Remote(uri) => uri.to_string(),
            Source::Local(p) => p.display().to_string(),
        }
    }
}

/// The terms of a search URI read back the way they are typed (`tag:work size>=10241`).
fn search_terms(query: &[(String, String)]) -> String {
    let terms: Vec<String> = query
        .iter()
        .filter_map(|(k, v)| {
            Some(match k.as_str() {
                "case_folding" | "use_or" => return None,
                // The upper bound a lone lower bound brings along says nothing.
                "size_lte" if v == &i64::MAX.to_string() => return None,
                "name" => v.clone(),
                "type" => format!("type:{v}"),
                "category" => format!("kind:{v}"),
                "size_gte" => format!("size>={v}"),
                "size_lte" => format!("size<={v}"),
                k if k.starts_with("meta_") => k["meta_".len()..].to_string(),
                k => format!("{k}={v}"),
            })
        })
        .collect();
    terms.join(" ")
}

impl Place {
    pub fn label(self) -> &'static str {
        match self {
            Place::Local => "local disk",
            Place::MyFiles => "my files",
            Place::Trash => "trash",
            Place::SharedWithMe => "shared with me",
            Place::Share => "share",
            Place::Other => "drive",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_hide_share_passwords() {
        let s = Source::Remote(CrUri::share("r0sM", Some("secret")).join("a b"));
        assert_eq!(s.title(), "cloudreve://r0sM@share/a b");
        assert!(s.clipboard_text().contains("secret"));
        let my = Source::Remote(CrUri::my_root().join("Documents"));
        assert_eq!(my.title(), "cloudreve://my/Documents");
        assert_eq!(my.parent(), Some(Source::Remote(CrUri::my_root())));
        assert_eq!(Source::Remote(CrUri::my_root()).parent(), None);
    }
}
