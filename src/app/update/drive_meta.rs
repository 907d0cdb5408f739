//! Versions (`V`), direct links (`L`), tags and properties (`T`) of an item, and pinned
//! folders (`P` pins or unpins, `'` jumps): list popups filled from the item's extended info,
//! whose keys change it and load it again.

use super::drive::{Target, local_folder, my_cursor_item, my_targets, show_loading, start_job};
use crate::api::models::MetadataPatch;
use crate::api::uri::{CrUri, FileSystem};
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::drive::form::{Form, FormField, FormPurpose};
use crate::app::drive::popup::{DrivePopup, ListPopup};
use crate::app::drive::{DriveJob, DriveStep, MetaRow, VersionRow, Waiting};
use crate::app::modal::{Confirm, Deferred, Modal};
use crate::app::source::Source;
use crate::app::state::State;
use crate::drive::meta;

/// Custom properties are `props:<name>` keys (files-and-transfers.md §1.7).
pub const PROPS_PREFIX: &str = "props:";

const TAG_NAME: &str = "Tag";
const TAG_COLOR: &str = "Colour";
const PROP_NAME: &str = "Property";
const PROP_VALUE: &str = "Value";

fn file_item(state: &mut State, i: usize, what: &str) -> Option<Target> {
    let item = my_cursor_item(state, i, what)?;
    if item.folder {
        state.toast_error(format!("{what}: “{}” is a folder; pick a file", item.name));
        return None;
    }
    Some(item)
}

pub fn open_versions(state: &mut State, i: usize) -> Vec<Command> {
    let Some(item) = file_item(state, i, "Versions") else {
        return Vec::new();
    };
    let req = state.next_request();
    let popup = ListPopup::new(item.uri.clone(), item.name, vec![item.uri], req);
    show_loading(state, DrivePopup::Versions(popup))
}

pub fn open_links(state: &mut State, i: usize) -> Vec<Command> {
    let Some(item) = file_item(state, i, "Direct links") else {
        return Vec::new();
    };
    // New links are made for every selected file (folders have none).
    let targets: Vec<CrUri> = my_targets(state, i, "Direct links")
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !t.folder)
        .map(|t| t.uri)
        .collect();
    let req = state.next_request();
    let popup = ListPopup::new(item.uri, item.name, targets, req);
    show_loading(state, DrivePopup::Links(popup))
}

pub fn open_tags(state: &mut State, i: usize) -> Vec<Command> {
    let Some(item) = my_cursor_item(state, i, "Tags") else {
        return Vec::new();
    };
    let targets: Vec<CrUri> = my_targets(state, i, "Tags")
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.uri)
        .collect();
    let req = state.next_request();
    let popup = ListPopup::new(item.uri, item.name, targets, req);
    show_loading(state, DrivePopup::Tags(popup))
}

/// `P`: the folder under the cursor, else the folder shown.
pub fn toggle_pin(state: &mut State, i: usize) -> Vec<Command> {
    let pane = &state.panes[i];
    let folder = pane
        .cursor_entry()
        .filter(|e| e.is_folder())
        .and_then(|e| pane.entry_source(e).remote().cloned())
        .or_else(|| pane.source.remote().map(CrUri::without_query));
    match folder {
        Some(uri) if uri.fs == FileSystem::My => {
            start_job(state, DriveJob::TogglePin { uri }, Waiting::Pin)
        }
        _ => {
            state.toast_error("Pins are for folders of my files");
            Vec::new()
        }
    }
}

pub fn open_pins(state: &mut State) -> Vec<Command> {
    let req = state.next_request();
    let popup = ListPopup::new(CrUri::my_root(), "Pinned folders".into(), Vec::new(), req);
    show_loading(state, DrivePopup::Pins(popup))
}

/// The folder holding `uri` (reloaded after a change to the item).
fn folder_of(uri: &CrUri) -> Vec<Source> {
    uri.parent().map(Source::Remote).into_iter().collect()
}

pub fn version_label(v: &VersionRow, utc_offset_secs: i32) -> String {
    let when = chrono::DateTime::from_timestamp(v.created, 0)
        .map(|t| {
            let offset = chrono::FixedOffset::east_opt(utc_offset_secs)
                .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    format!("{} · {when}", crate::ui::text::size(v.size))
}

/// `report.txt` → `report (version 2026-11-27 0121).txt` for a version that is not current.
pub fn version_file_name(name: &str, v: &VersionRow) -> String {
    if v.current {
        return name.to_string();
    }
    let stamp = chrono::DateTime::from_timestamp(v.created, 0)
        .map(|t| t.format("%Y-%m-%d %H%M%S").to_string())
        .unwrap_or_else(|| v.id.clone());
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} (version {stamp}).{ext}"),
        _ => format!("{name} (version {stamp})"),
    }
}

pub fn on_list_action(state: &mut State, popup: DrivePopup, action: Action) -> Vec<Command> {
    let page = state.size.1.saturating_sub(8).max(1) as isize;
    let mut popup = popup;
    let moved = match (&mut popup, action) {
        (_, Action::Dismiss) => return Vec::new(),
        (p, Action::Up) => move_list(p, -1),
        (p, Action::Down) => move_list(p, 1),
        (p, Action::PageUp) => move_list(p, -page),
        (p, Action::PageDown) => move_list(p, page),
        _ => false,
    };
    if moved {
        state.modal = Some(Modal::Drive(popup));
        return Vec::new();
    }
    if popup.loading().is_some() {
        // Rows are on their way; keys that act on them wait.
        state.modal = Some(Modal::Drive(popup));
        state.dirty = false;
        return Vec::new();
    }
    match popup {
        DrivePopup::Versions(p) => versions_action(state, p, action),
        DrivePopup::Links(p) => links_action(state, p, action),
        DrivePopup::Tags(p) => tags_action(state, p, action),
        DrivePopup::Pins(p) => pins_action(state, p, action),
        other => {
            state.modal = Some(Modal::Drive(other));
            Vec::new()
        }
    }
}

fn move_list(popup: &mut DrivePopup, delta: isize) -> bool {
    match popup {
        DrivePopup::Versions(p) => p.move_cursor(delta),
        DrivePopup::Links(p) => p.move_cursor(delta),
        DrivePopup::Tags(p) => p.move_cursor(delta),
        DrivePopup::Pins(p) => p.move_cursor(delta),
        _ => return false,
    }
    true
}

fn keep(state: &mut State, popup: DrivePopup) -> Vec<Command> {
    state.modal = Some(Modal::Drive(popup));
    state.dirty = false;
    Vec::new()
}

fn versions_action(state: &mut State, p: ListPopup<VersionRow>, action: Action) -> Vec<Command> {
    let Some(v) = p.selected().cloned() else {
        return keep(state, DrivePopup::Versions(p));
    };
    let label = version_label(&v, state.utc_offset_secs);
    match action {
        Action::SetCurrent | Action::Confirm => {
            if v.current {
                state.toast("This version is already the current one");
                return keep(state, DrivePopup::Versions(p));
            }
            let job = DriveJob::SetVersion {
                uri: p.uri.clone(),
                version: v.id.clone(),
            };
            let waiting = Waiting::Change {
                done: format!("The version of {label} is now current"),
                reload: Some(p.uri.clone()),
                refresh: folder_of(&p.uri),
            };
            state.modal = Some(Modal::Drive(DrivePopup::Versions(p)));
            start_job(state, job, waiting)
        }
        Action::DeleteItem => {
            if v.current {
                state.toast_error(
                    "The current version cannot be deleted: make another one current first (s)",
                );
                return keep(state, DrivePopup::Versions(p));
            }
            let step = DriveStep {
                job: DriveJob::DeleteVersion {
                    uri: p.uri.clone(),
                    version: v.id.clone(),
                },
                waiting: Waiting::Change {
                    done: format!("Deleted the version of {label}"),
                    reload: Some(p.uri.clone()),
                    refresh: folder_of(&p.uri),
                },
                back: None,
            };
            let name = p.name.clone();
            state.modal = Some(Modal::Confirm(Confirm {
                title: "Delete this version PERMANENTLY?".into(),
                lines: vec![
                    format!("“{name}”, version of {label}"),
                    String::new(),
                    "Its content is gone for good.".into(),
                ],
                yes_label: "Delete the version".into(),
                danger: true,
                on_yes: Deferred::Drive(Box::new(DriveStep {
                    back: Some(DrivePopup::Versions(p)),
                    ..step
                })),
            }));
            Vec::new()
        }
        Action::DownloadItem => {
            let folder = local_folder(state);
            let to = folder.join(version_file_name(&p.name, &v));
            let job = DriveJob::DownloadVersion {
                uri: p.uri.clone(),
                version: v.id.clone(),
                to: to.clone(),
            };
            let waiting = Waiting::Change {
                done: format!("Downloaded the version to {}", to.display()),
                reload: None,
                refresh: vec![Source::Local(folder)],
            };
            state.modal = Some(Modal::Drive(DrivePopup::Versions(p)));
            state.toast("Downloading the version…");
            start_job(state, job, waiting)
        }
        _ => keep(state, DrivePopup::Versions(p)),
    }
}

fn links_action(
    state: &mut State,
    p: ListPopup<crate::app::drive::LinkRow>,
    action: Action,
) -> Vec<Command> {
    match action {
        Action::AddItem => {
            if p.targets.is_empty() {
                state.toast_error("Direct links are for files; select files");
                return keep(state, DrivePopup::Links(p));
            }
            let job = DriveJob::CreateLinks {
                uris: p.targets.clone(),
            };
            let waiting = Waiting::Links {
                reload: p.uri.clone(),
            };
            state.modal = Some(Modal::Drive(DrivePopup::Links(p)));
            start_job(state, job, waiting)
        }
        Action::CopyItem | Action::Confirm => {
            let Some(link) = p.selected().cloned() else {
                state.toast("No direct link yet: create one with a");
                return keep(state, DrivePopup::Links(p));
            };
            state.modal = Some(Modal::Drive(DrivePopup::Links(p)));
            if !state.clipboard {
                state.toast_error("Copying is turned off (osc52 = false in config.toml)");
                return Vec::new();
            }
            state.toast("Copied the direct link to the clipboard");
            vec![Command::CopyToClipboard(link.url)]
        }
        Action::DeleteItem => {
            let Some(link) = p.selected().cloned() else {
                return keep(state, DrivePopup::Links(p));
            };
            let step = DriveStep {
                job: DriveJob::DeleteLink {
                    id: link.id.clone(),
                },
                waiting: Waiting::Change {
                    done: "Deleted the direct link".into(),
                    reload: Some(p.uri.clone()),
                    refresh: Vec::new(),
                },
                back: Some(DrivePopup::Links(p)),
            };
            state.modal = Some(Modal::Confirm(Confirm {
                title: "Delete this direct link?".into(),
                lines: vec![
                    link.url,
                    "Anyone using it gets “not found” from now on.".into(),
                ],
                yes_label: "Delete the link".into(),
                danger: false,
                on_yes: Deferred::Drive(Box::new(step)),
            }));
            Vec::new()
        }
        _ => keep(state, DrivePopup::Links(p)),
    }
}

fn tag_form(p: &ListPopup<MetaRow>) -> Form {
    let mut form = Form::new(
        format!("Add a tag to {}", targets_label(p)),
        vec![
            FormField::text(TAG_NAME, "", "e.g. work"),
            FormField::text(TAG_COLOR, "", "optional: #rgb or #rrggbb, e.g. #e91e63"),
        ],
        FormPurpose::AddTag {
            uris: p.targets.clone(),
            reload: p.uri.clone(),
        },
    );
    form.back = Some(Box::new(DrivePopup::Tags(p.clone())));
    form
}

fn property_form(p: &ListPopup<MetaRow>, name: &str, value: &str) -> Form {
    let mut form = Form::new(
        format!("Set a property of {}", targets_label(p)),
        vec![
            FormField::text(PROP_NAME, name, "the property's name"),
            FormField::text(PROP_VALUE, value, "its value"),
        ],
        FormPurpose::SetProperty {
            uris: p.targets.clone(),
            reload: p.uri.clone(),
        },
    );
    if !name.is_empty() {
        form.focus = 1;
    }
    form.back = Some(Box::new(DrivePopup::Tags(p.clone())));
    form
}

fn targets_label(p: &ListPopup<MetaRow>) -> String {
    match p.targets.len() {
        0 | 1 => format!("“{}”", p.name),
        n => format!("{n} items"),
    }
}

fn tags_action(state: &mut State, p: ListPopup<MetaRow>, action: Action) -> Vec<Command> {
    match action {
        Action::AddItem => {
            let form = tag_form(&p);
            state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
            Vec::new()
        }
        Action::AddProperty => {
            let form = property_form(&p, "", "");
            state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
            Vec::new()
        }
        Action::Confirm => match p.selected().cloned() {
            Some(row) if row.key.starts_with(PROPS_PREFIX) => {
                let form = property_form(&p, &row.name, &row.value);
                state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
                Vec::new()
            }
            _ => keep(state, DrivePopup::Tags(p)),
        },
        Action::DeleteItem => {
            let Some(row) = p.selected().cloned() else {
                return keep(state, DrivePopup::Tags(p));
            };
            let kind = if row.key.starts_with(PROPS_PREFIX) {
                "property"
            } else {
                "tag"
            };
            let job = DriveJob::PatchMetadata {
                uris: p.targets.clone(),
                patches: vec![MetadataPatch::remove(row.key.clone())],
            };
            let waiting = Waiting::Change {
                done: format!(
                    "Removed the {kind} “{}” from {}",
                    row.name,
                    targets_label(&p)
                ),
                reload: Some(p.uri.clone()),
                refresh: Vec::new(),
            };
            state.modal = Some(Modal::Drive(DrivePopup::Tags(p)));
            start_job(state, job, waiting)
        }
        _ => keep(state, DrivePopup::Tags(p)),
    }
}

fn pins_action(
    state: &mut State,
    p: ListPopup<crate::app::drive::PinRow>,
    action: Action,
) -> Vec<Command> {
    let Some(pin) = p.selected().cloned() else {
        return keep(state, DrivePopup::Pins(p));
    };
    match action {
        Action::Confirm => match CrUri::parse(&pin.uri) {
            Ok(uri) => {
                let i = state.focus;
                state.navigate(i, Source::Remote(uri), None)
            }
            Err(e) => {
                state.toast_error(format!("This pin points nowhere usable: {e}"));
                keep(state, DrivePopup::Pins(p))
            }
        },
        Action::DeleteItem => match CrUri::parse(&pin.uri) {
            Ok(uri) => {
                state.modal = Some(Modal::Drive(DrivePopup::Pins(p)));
                start_job(state, DriveJob::Unpin { uri }, Waiting::Pin)
            }
            Err(e) => {
                state.toast_error(format!("This pin points nowhere usable: {e}"));
                keep(state, DrivePopup::Pins(p))
            }
        },
        _ => keep(state, DrivePopup::Pins(p)),
    }
}

pub fn submit_tag(
    state: &mut State,
    form: &Form,
    uris: Vec<CrUri>,
    reload: CrUri,
) -> Result<Vec<Command>, String> {
    let name = form.text(TAG_NAME);
    let color = form.text(TAG_COLOR);
    let patch = meta::add_tag(&name, Some(color.as_str()).filter(|c| !c.is_empty()))?;
    let label = match uris.len() {
        1 => "the item".to_string(),
        n => format!("{n} items"),
    };
    Ok(start_job(
        state,
        DriveJob::PatchMetadata {
            uris,
            patches: vec![patch],
        },
        Waiting::Change {
            done: format!("Tagged {label} with “{name}”"),
            reload: Some(reload),
            refresh: Vec::new(),
        },
    ))
}

pub fn submit_property(
    state: &mut State,
    form: &Form,
    uris: Vec<CrUri>,
    reload: CrUri,
) -> Result<Vec<Command>, String> {
    let name = form.text(PROP_NAME);
    let value = form.text(PROP_VALUE);
    if name.is_empty() {
        return Err("a property needs a name".into());
    }
    if name.chars().any(|c| c.is_control() || c == ':') {
        return Err("a property name may not hold “:” or control characters".into());
    }
    Ok(start_job(
        state,
        DriveJob::PatchMetadata {
            uris,
            patches: vec![MetadataPatch::set(format!("{PROPS_PREFIX}{name}"), value)],
        },
        Waiting::Change {
            done: format!("Set the property “{name}”"),
            reload: Some(reload),
            refresh: Vec::new(),
        },
    ))
}
