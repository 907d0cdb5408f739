//! Server tasks started from the browser: zip the selection (`A`), extract an archive (`X`),
//! remote download from URLs, magnet links or a `.torrent` on the drive (`O`). Each asks in
//! a small form, then the worker creates the task and a toast points to the task panel.

use super::drive::{Target, my_cursor_item, my_folder, my_targets, start_job, what};
use crate::api::uri::CrUri;
use crate::app::action::{Action, Context};
use crate::app::command::Command;
use crate::app::drive::form::{Form, FormField, FormPurpose};
use crate::app::drive::popup::DrivePopup;
use crate::app::drive::{DriveJob, DriveStep, Waiting};
use crate::app::modal::{Confirm, Deferred, Modal};
use crate::app::state::State;

const ARCHIVE_NAME: &str = "Archive name";
const INTO: &str = "Into folder";
const ENCODING: &str = "Name encoding";
const PASSWORD: &str = "Password";
const URLS: &str = "URLs or magnets";

/// Extensions the server's extractor knows (zip, 7z, rar and the tar family).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip", ".7z", ".rar", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
    ".tar.zst", ".gz", ".bz2", ".xz", ".zst",
];

pub fn is_archive(name: &str) -> bool {
    let lower = name.to_lowercase();
    ARCHIVE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

fn is_torrent(name: &str) -> bool {
    name.to_lowercase().ends_with(".torrent")
}

/// `/Documents`: how a folder of my files is typed in the forms.
fn shown(uri: &CrUri) -> String {
    uri.display_path()
}

/// A folder typed in a form: a path in my files, or a `cloudreve://` URI.
fn folder_field(form: &Form) -> Result<CrUri, String> {
    let text = form.text(INTO);
    if text.is_empty() {
        return Err("type the folder, e.g. /Documents".into());
    }
    let uri = CrUri::from_user_input(&text).map_err(|e| e.to_string())?;
    if uri.fs != crate::api::uri::FileSystem::My {
        return Err("the folder must be in my files".into());
    }
    Ok(uri)
}

fn stem(name: &str) -> &str {
    let lower = name.to_lowercase();
    ARCHIVE_EXTENSIONS
        .iter()
        .filter(|ext| lower.ends_with(*ext))
        .map(|ext| &name[..name.len() - ext.len()])
        .min_by_key(|s| s.len())
        .or_else(|| {
            name.rsplit_once('.')
                .map(|(s, _)| s)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or(name)
}

pub fn ask_archive(state: &mut State, i: usize) -> Vec<Command> {
    let Some(targets) = my_targets(state, i, "Archiving") else {
        return Vec::new();
    };
    let Some(folder) = state.panes[i]
        .source
        .remote()
        .map(CrUri::without_query)
        .or_else(|| targets[0].uri.parent())
    else {
        return Vec::new();
    };
    let name = match targets.as_slice() {
        [one] if one.folder => format!("{}.zip", one.name),
        [one] => format!("{}.zip", stem(&one.name)),
        _ => format!(
            "{}.zip",
            folder.name().filter(|n| !n.is_empty()).unwrap_or("archive")
        ),
    };
    let form = Form::new(
        format!("Zip {}", what(&targets)),
        vec![
            FormField::text(ARCHIVE_NAME, &name, "the zip to create (must not exist)"),
            FormField::text(INTO, &shown(&folder), "a folder of my files"),
        ],
        FormPurpose::Archive {
            pane: i,
            sources: targets.into_iter().map(|t| t.uri).collect(),
        },
    );
    state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
    Vec::new()
}

pub fn submit_archive(
    state: &mut State,
    form: &Form,
    sources: Vec<CrUri>,
) -> Result<Vec<Command>, String> {
    let mut name = form.text(ARCHIVE_NAME);
    if name.is_empty() {
        return Err("the archive needs a name".into());
    }
    if name.contains('/') {
        return Err("a name cannot contain “/”; the folder goes below".into());
    }
    if !name.to_lowercase().ends_with(".zip") {
        name.push_str(".zip");
    }
    let folder = folder_field(form)?;
    let dst = folder.join(&name);
    state.modal = None;
    Ok(start_job(
        state,
        DriveJob::Archive { sources, dst },
        Waiting::Tasks {
            what: format!("zip “{name}”"),
        },
    ))
}

pub fn ask_extract(state: &mut State, i: usize) -> Vec<Command> {
    let Some(item) = my_cursor_item(state, i, "Extracting") else {
        return Vec::new();
    };
    if item.folder || !is_archive(&item.name) {
        state.toast_error(format!(
            "“{}” is not an archive (zip, 7z, rar, tar…)",
            item.name
        ));
        return Vec::new();
    }
    let Some(folder) = item.uri.parent() else {
        return Vec::new();
    };
    let into = folder.join(stem(&item.name));
    let form = Form::new(
        format!("Extract “{}”", item.name),
        vec![
            FormField::text(INTO, &shown(&into), "created when missing"),
            FormField::text(
                ENCODING,
                "",
                "zips from old systems: e.g. gbk, shift_jis; empty: automatic",
            ),
            FormField::secret(PASSWORD, "only for an encrypted archive"),
        ],
        FormPurpose::Extract {
            pane: i,
            archive: item.uri,
        },
    );
    state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
    Vec::new()
}

pub fn submit_extract(
    state: &mut State,
    form: &Form,
    archive: CrUri,
) -> Result<Vec<Command>, String> {
    let dst = folder_field(form)?;
    let encoding = Some(form.text(ENCODING)).filter(|e| !e.is_empty());
    if let Some(e) = &encoding
        && !e
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "“{e}” is not an encoding name (e.g. gbk, shift_jis)"
        ));
    }
    // Not trimmed: spaces may belong to a password.
    let password = form
        .fields
        .iter()
        .find(|f| f.label == PASSWORD)
        .and_then(|f| match &f.value {
            crate::app::drive::form::FieldValue::Text(t) => Some(t.value().to_string()),
            _ => None,
        })
        .filter(|p| !p.is_empty());
    let name = archive.name().unwrap_or_default().to_string();
    state.modal = None;
    Ok(start_job(
        state,
        DriveJob::Extract {
            src: archive,
            dst,
            encoding,
            password,
        },
        Waiting::Tasks {
            what: format!("extract “{name}”"),
        },
    ))
}

pub fn ask_remote_download(state: &mut State, i: usize) -> Vec<Command> {
    let Some(folder) = my_folder(state, i, "Remote download") else {
        return Vec::new();
    };
    // A .torrent under the cursor downloads what it describes.
    let torrent = state.panes[i]
        .cursor_entry()
        .filter(|e| !e.is_folder() && is_torrent(e.name()))
        .map(|e| Target {
            uri: folder.join(e.uri_name()),
            name: e.name().to_string(),
            folder: false,
        });
    if let Some(t) = torrent {
        let step = DriveStep {
            job: DriveJob::RemoteDownload {
                urls: Vec::new(),
                torrent: Some(t.uri.clone()),
                dst: folder.clone(),
            },
            waiting: Waiting::Tasks {
                what: format!("download of “{}”", t.name),
            },
            back: None,
        };
        state.modal = Some(Modal::Confirm(Confirm {
            title: format!("Download what “{}” describes?", t.name),
            lines: vec![
                format!("into {}", shown(&folder)),
                match state
                    .keymap
                    .hint(Context::ServerTasks, Action::SelectTaskFiles)
                {
                    Some(key) => format!(
                        "Once the task has read the torrent, [{key}] in the server tasks tab \
                         picks its files."
                    ),
                    None => "Once the task has read the torrent, the server tasks tab picks its \
                             files."
                        .to_string(),
                },
            ],
            yes_label: "Download".into(),
            danger: false,
            on_yes: Deferred::Drive(Box::new(step)),
        }));
        return Vec::new();
    }
    let form = Form::new(
        "Remote download",
        vec![
            FormField::text(
                URLS,
                "",
                "http(s), ftp or magnet links, separated by spaces (paste several lines)",
            ),
            FormField::text(INTO, &shown(&folder), "created when missing"),
        ],
        FormPurpose::RemoteDownload { pane: i },
    );
    state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
    Vec::new()
}

/// The links typed or pasted (spaces and line breaks separate them).
pub fn parse_urls(text: &str) -> Result<Vec<String>, String> {
    let urls: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if urls.is_empty() {
        return Err("type or paste at least one link".into());
    }
    for u in &urls {
        if u.chars().any(char::is_control) {
            return Err("a link may not hold control characters".into());
        }
        let lower = u.to_lowercase();
        let known = ["http://", "https://", "ftp://", "magnet:?"]
            .iter()
            .any(|p| lower.starts_with(p));
        if !known {
            return Err(format!("“{u}” is not an http(s), ftp or magnet link"));
        }
    }
    Ok(urls)
}

pub fn submit_download(state: &mut State, form: &Form) -> Result<Vec<Command>, String> {
    let urls = parse_urls(&form.text(URLS))?;
    let dst = folder_field(form)?;
    let n = urls.len();
    state.modal = None;
    Ok(start_job(
        state,
        DriveJob::RemoteDownload {
            urls,
            torrent: None,
            dst,
        },
        Waiting::Tasks {
            what: format!(
                "remote download of {n} link{}",
                if n == 1 { "" } else { "s" }
            ),
        },
    ))
}
