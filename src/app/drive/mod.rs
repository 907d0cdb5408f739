//! The drive's own features in the browser (issue 5): share links, direct links, versions,
//! pins, tags and properties, server search, and the remote download / archive / extract
//! dialogs. Plain data shared by the reducer (`update::drive` and friends), the worker
//! (`worker::drive_ops`) and the popups (`ui::drive_popups`).

pub mod form;
pub mod popup;

use crate::api::models::MetadataPatch;
use crate::api::uri::CrUri;
use crate::app::command::RequestId;
use crate::app::source::Source;
use crate::config::SharePreset;
use crate::drive::share::ShareOptions;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Files larger than this cannot be saved from a share into my files (`PUT /file/content`
/// takes at most 50 MiB, files-and-transfers.md §4.9).
pub const SAVE_LIMIT: u64 = 50 << 20;

/// A request to the worker about the drive's features (`Command::Drive`). The answer is a
/// `WorkerEvent::Drive` carrying a `DriveAnswer`.
#[derive(Debug, Clone, PartialEq)]
pub enum DriveJob {
    /// `PUT /share` once per item (a share link holds one file or folder).
    CreateShares {
        uris: Vec<CrUri>,
        options: ShareOptions,
    },
    /// Extended info of one item: versions, tags, properties, direct links.
    Details {
        uri: CrUri,
    },
    SetVersion {
        uri: CrUri,
        version: String,
    },
    DeleteVersion {
        uri: CrUri,
        version: String,
    },
    /// Streams a version into `to` (through `<to>.reve-part`, renamed when complete).
    DownloadVersion {
        uri: CrUri,
        version: String,
        to: PathBuf,
    },
    PatchMetadata {
        uris: Vec<CrUri>,
        patches: Vec<MetadataPatch>,
    },
    /// `PUT /file/source`.
    CreateLinks {
        uris: Vec<CrUri>,
    },
    DeleteLink {
        id: String,
    },
    /// The pinned folders (`GET /user/me`).
    Pins,
    /// Pins `uri` when it is not pinned, unpins it when it is.
    TogglePin {
        uri: CrUri,
    },
    Unpin {
        uri: CrUri,
    },
    Archive {
        sources: Vec<CrUri>,
        dst: CrUri,
    },
    /// Creates `dst` when missing (the server wants an existing folder), then extracts.
    Extract {
        src: CrUri,
        dst: CrUri,
        encoding: Option<String>,
        password: Option<String>,
    },
    RemoteDownload {
        urls: Vec<String>,
        torrent: Option<CrUri>,
        dst: CrUri,
    },
    /// Builds the search URI (`drive::search`) with the worker's clock: ages such as `7d`
    /// need the current time, which the reducer does not have.
    ResolveSearch {
        base: CrUri,
        query: String,
    },
    /// Copies files and folders of a share into a folder of my files through reve (the
    /// server copies only within my files): each file is downloaded and written with
    /// `PUT /file/content`.
    SaveFromShare {
        sources: Vec<CrUri>,
        dst: CrUri,
    },
    /// Adds a share to "shared with me", as the web UI's save button does (a shortcut folder
    /// in my files carrying `sys:shared_redirect` and `sys:shared_owner`, §7.9).
    SaveShortcut {
        share: CrUri,
    },
}

impl DriveJob {
    /// "create the share link", …: for messages.
    pub fn verb(&self) -> &'static str {
        match self {
            DriveJob::CreateShares { .. } => "create the share link",
            DriveJob::Details { .. } => "read the item",
            DriveJob::SetVersion { .. } => "make the version current",
            DriveJob::DeleteVersion { .. } => "delete the version",
            DriveJob::DownloadVersion { .. } => "download the version",
            DriveJob::PatchMetadata { .. } => "change the tags or properties",
            DriveJob::CreateLinks { .. } => "create the direct link",
            DriveJob::DeleteLink { .. } => "delete the direct link",
            DriveJob::Pins => "read the pinned folders",
            DriveJob::TogglePin { .. } | DriveJob::Unpin { .. } => "change the pin",
            DriveJob::Archive { .. } => "create the archive task",
            DriveJob::Extract { .. } => "create the extract task",
            DriveJob::RemoteDownload { .. } => "create the remote download",
            DriveJob::ResolveSearch { .. } => "search",
            DriveJob::SaveFromShare { .. } => "save from the share",
            DriveJob::SaveShortcut { .. } => "add the share to shared with me",
        }
    }
}

/// What the worker answers to a `DriveJob`.
#[derive(Debug, Clone, PartialEq)]
pub enum DriveAnswer {
    Done,
    /// `(item name, link)` per shared item.
    ShareLinks(Vec<(String, String)>),
    Details(FileDetails),
    /// New direct links.
    Links(Vec<String>),
    Pins(Vec<PinRow>),
    PinToggled {
        pinned: bool,
    },
    /// Ids of the created tasks.
    Tasks(Vec<String>),
    SearchUri(CrUri),
    Saved {
        files: usize,
    },
    Downloaded {
        path: PathBuf,
        bytes: u64,
    },
}

/// Everything the popups show about one item (raw server text; sanitized when drawn).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileDetails {
    pub name: String,
    pub is_folder: bool,
    /// Newest first.
    pub versions: Vec<VersionRow>,
    pub tags: Vec<MetaRow>,
    pub props: Vec<MetaRow>,
    pub links: Vec<LinkRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub id: String,
    pub size: u64,
    /// Unix seconds.
    pub created: i64,
    pub current: bool,
    pub by: Option<String>,
}

/// A tag (`value` is its colour, maybe empty) or a custom property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaRow {
    /// The metadata key (`tag:work`, `props:owner`).
    pub key: String,
    /// The name shown (`work`, `owner`).
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub id: String,
    pub url: String,
    pub downloads: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRow {
    pub uri: String,
    pub name: Option<String>,
}

/// What the reducer does with an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Waiting {
    /// Show the new links in the result popup.
    ShareLinks,
    /// Fill the open popup that asked (matched by its request id).
    Popup,
    /// A change: toast `done`, reload the popup showing `reload` and the folders `refresh`.
    Change {
        done: String,
        reload: Option<CrUri>,
        refresh: Vec<Source>,
    },
    /// New direct links: copy them, then reload the links popup of `reload`.
    Links {
        reload: CrUri,
    },
    Pin,
    /// A server task was created: toast it.
    Tasks {
        what: String,
    },
    /// Show the search results in pane `pane`, if it still shows `from`.
    Search {
        pane: usize,
        from: Source,
    },
}

/// The drive part of `State`.
#[derive(Debug, Clone, Default)]
pub struct DriveState {
    /// `[share_presets.*]` of config.toml, `default` first.
    pub presets: Vec<(String, SharePreset)>,
    /// Jobs in flight: what to do with the answer, and the verb for a failure message.
    pub waiting: BTreeMap<RequestId, (Waiting, &'static str)>,
}

impl DriveState {
    pub fn new(presets: &BTreeMap<String, SharePreset>) -> DriveState {
        let mut list: Vec<(String, SharePreset)> = presets
            .iter()
            .map(|(n, p)| (n.clone(), p.clone()))
            .collect();
        list.sort_by_key(|(n, _)| n != crate::config::DEFAULT_SHARE_PRESET);
        DriveState {
            presets: list,
            waiting: BTreeMap::new(),
        }
    }
}

/// A drive job waiting behind a confirmation (`Deferred::Drive`), and the popup to return to.
#[derive(Debug, Clone)]
pub struct DriveStep {
    pub job: DriveJob,
    pub waiting: Waiting,
    pub back: Option<popup::DrivePopup>,
}
