//! Share links from the browser: `S` opens the preset picker (Enter creates the link with
//! the highlighted preset, `default` first), `f` the full form; the new link is copied
//! (OSC 52) and shown, with its QR code one key away. Also saving items of a share into my
//! files (F5 or paste from a share pane).

use super::drive::{Target, my_targets, start_job, what};
use crate::api::uri::CrUri;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::drive::form::{Form, FormField, FormPurpose};
use crate::app::drive::popup::{DrivePopup, PresetPicker, ShareResult};
use crate::app::drive::{DriveJob, DriveStep, Waiting};
use crate::app::modal::{Confirm, Deferred, Modal};
use crate::app::source::Source;
use crate::app::state::State;
use crate::config::SharePreset;
use crate::drive::share::{Protection, ShareOptions};

/// Form labels (also the keys the submit reads them by).
const PROTECTION: &str = "Protection";
const PASSWORD: &str = "Password";
const EXPIRES: &str = "Expires after";
const DOWNLOADS: &str = "Download limit";
const SHARE_VIEW: &str = "Share view";
const README: &str = "Show README";

pub fn open_presets(state: &mut State, i: usize) -> Vec<Command> {
    if let Some(share) = state.panes[i]
        .source
        .remote()
        .filter(|u| u.fs == crate::api::uri::FileSystem::Share)
    {
        return ask_save_shortcut(state, share.clone());
    }
    let Some(targets) = my_targets(state, i, "Sharing") else {
        return Vec::new();
    };
    state.modal = Some(Modal::Drive(DrivePopup::SharePresets(PresetPicker {
        uris: targets.iter().map(|t| t.uri.clone()).collect(),
        what: what(&targets),
        cursor: 0,
    })));
    Vec::new()
}

/// What a preset does, in a few words: `public · expires in 7d · 5 downloads`.
pub fn describe_preset(p: &SharePreset) -> String {
    let mut parts = vec![if p.private {
        "password".to_string()
    } else {
        "public".to_string()
    }];
    match &p.expire {
        Some(e) => parts.push(format!("expires in {e}")),
        None => parts.push("never expires".into()),
    }
    if let Some(n) = p.downloads {
        parts.push(format!("{n} downloads"));
    }
    if p.share_view {
        parts.push("share view".into());
    }
    if p.show_readme {
        parts.push("README".into());
    }
    parts.join(" · ")
}

/// The presets the picker lists: config.toml's, or one plain public link when there are none.
pub fn picker_rows(state: &State) -> Vec<(String, SharePreset)> {
    if state.drive.presets.is_empty() {
        vec![("public link".to_string(), SharePreset::default())]
    } else {
        state.drive.presets.clone()
    }
}

pub fn on_presets_action(state: &mut State, mut p: PresetPicker, action: Action) -> Vec<Command> {
    let rows = picker_rows(state);
    let chosen = rows.get(p.cursor).cloned();
    match action {
        Action::Up => p.cursor = p.cursor.saturating_sub(1),
        Action::Down => p.cursor = (p.cursor + 1).min(rows.len().saturating_sub(1)),
        Action::Dismiss => return Vec::new(),
        Action::Confirm => {
            let Some((name, preset)) = chosen else {
                return Vec::new();
            };
            return match ShareOptions::from_preset(&preset) {
                Ok(options) => create(state, p.uris, options),
                Err(e) => {
                    state.toast_error(format!("The share preset “{name}” is not usable: {e}"));
                    Vec::new()
                }
            };
        }
        Action::FullForm => {
            let preset = chosen.map(|(_, p)| p).unwrap_or_default();
            let mut form = share_form(&p.what, p.uris.clone(), &preset);
            form.back = Some(Box::new(DrivePopup::SharePresets(p)));
            state.modal = Some(Modal::Drive(DrivePopup::Form(form)));
            return Vec::new();
        }
        _ => state.dirty = false,
    }
    state.modal = Some(Modal::Drive(DrivePopup::SharePresets(p)));
    Vec::new()
}

fn create(state: &mut State, uris: Vec<CrUri>, options: ShareOptions) -> Vec<Command> {
    state.modal = None;
    state.toast("Creating the share link…");
    start_job(
        state,
        DriveJob::CreateShares { uris, options },
        Waiting::ShareLinks,
    )
}

/// The full share form, filled in from `preset`.
pub fn share_form(what: &str, uris: Vec<CrUri>, preset: &SharePreset) -> Form {
    let fields = vec![
        FormField::choice(
            PROTECTION,
            &["public", "generated password", "my password"],
            usize::from(preset.private),
            "space or ←/→ to change",
        ),
        FormField::text(
            PASSWORD,
            "",
            "with “my password”: letters and digits, up to 32",
        ),
        FormField::text(
            EXPIRES,
            preset.expire.as_deref().unwrap_or(""),
            "e.g. 30m, 12h, 7d; empty: never",
        ),
        FormField::text(
            DOWNLOADS,
            &preset.downloads.map(|n| n.to_string()).unwrap_or_default(),
            "the link expires after this many downloads; empty: no limit",
        ),
        FormField::toggle(
            SHARE_VIEW,
            preset.share_view,
            "visitors see the folder with my view settings",
        ),
        FormField::toggle(
            README,
            preset.show_readme,
            "show the folder's README.md under the listing",
        ),
    ];
    Form::new(format!("Share {what}"), fields, FormPurpose::Share { uris })
}

/// The form's options, or why they are refused.
pub fn form_options(form: &Form) -> Result<ShareOptions, String> {
    let protection = match form.choice(PROTECTION) {
        0 => Protection::Public,
        1 => Protection::RandomPassword,
        _ => Protection::Password(form.text(PASSWORD)),
    };
    if !matches!(protection, Protection::Password(_)) && !form.text(PASSWORD).is_empty() {
        return Err("a password is only used with “my password” (change the protection)".into());
    }
    let expire_text = form.text(EXPIRES);
    let expire = if expire_text.is_empty() {
        None
    } else {
        let d = humantime::parse_duration(&expire_text)
            .map_err(|_| format!("“{expire_text}” is not a duration: use e.g. 30m, 12h, 7d"))?;
        if d.as_secs() == 0 {
            return Err("the expiry must be at least one second".into());
        }
        Some(d.as_secs())
    };
    let downloads_text = form.text(DOWNLOADS);
    let downloads = if downloads_text.is_empty() {
        None
    } else {
        match downloads_text.parse::<u64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(format!(
                    "“{downloads_text}” is not a number of downloads (1 or more)"
                ));
            }
        }
    };
    let options = ShareOptions {
        protection,
        expire,
        downloads,
        share_view: form.toggle(SHARE_VIEW),
        show_readme: form.toggle(README),
    };
    options.validate()?;
    Ok(options)
}

pub fn submit_form(
    state: &mut State,
    form: &Form,
    uris: Vec<CrUri>,
) -> Result<Vec<Command>, String> {
    let options = form_options(form)?;
    Ok(create(state, uris, options))
}

/// The new links arrived: copy them and show them.
pub fn show_links(state: &mut State, links: Vec<(String, String)>) -> Vec<Command> {
    let mut commands = Vec::new();
    let copied = state.clipboard && !links.is_empty();
    if copied {
        let text: Vec<&str> = links.iter().map(|(_, l)| l.as_str()).collect();
        commands.push(Command::CopyToClipboard(text.join("\n")));
    }
    state.toast(if copied {
        "Share link created and copied to the clipboard"
    } else {
        "Share link created"
    });
    state.modal = Some(Modal::Drive(DrivePopup::ShareResult(ShareResult {
        links,
        copied,
        qr: false,
    })));
    commands
}

pub fn on_result_action(state: &mut State, mut r: ShareResult, action: Action) -> Vec<Command> {
    let mut commands = Vec::new();
    match action {
        Action::Dismiss | Action::Confirm => return Vec::new(),
        Action::ShowQr => r.qr = !r.qr,
        Action::CopyItem => {
            if !state.clipboard {
                state.toast_error("Copying is turned off (osc52 = false in config.toml)");
            } else {
                let text: Vec<&str> = r.links.iter().map(|(_, l)| l.as_str()).collect();
                commands.push(Command::CopyToClipboard(text.join("\n")));
                r.copied = true;
                state.toast("Copied to the clipboard");
            }
        }
        _ => state.dirty = false,
    }
    state.modal = Some(Modal::Drive(DrivePopup::ShareResult(r)));
    commands
}

/// `S` in a share: add it to "shared with me", like the web UI's save button.
fn ask_save_shortcut(state: &mut State, share: CrUri) -> Vec<Command> {
    let root = CrUri::share(
        share.fs_id.as_deref().unwrap_or_default(),
        share.password.as_deref(),
    );
    let shared_with_me = Source::Remote(CrUri::root(crate::api::uri::FileSystem::SharedWithMe));
    state.modal = Some(Modal::Confirm(Confirm {
        title: "Add this share to “shared with me”?".into(),
        lines: vec![
            Source::Remote(root.clone()).title(),
            "To copy its files into my files instead, use F5 (or y then p).".into(),
        ],
        yes_label: "Add".into(),
        danger: false,
        on_yes: Deferred::Drive(Box::new(DriveStep {
            job: DriveJob::SaveShortcut { share: root },
            waiting: Waiting::Change {
                done: "Added to shared with me (o, then s)".into(),
                reload: None,
                refresh: vec![shared_with_me],
            },
            back: None,
        })),
    }));
    Vec::new()
}

/// F5 (or paste) from a share into my files: reve copies the items through itself, because
/// the server copies only within my files. False when refused (the reason is in a toast).
pub fn plan_save(state: &mut State, sources: Vec<Source>, dst: Source, copy: bool) -> bool {
    if !copy {
        state.toast_error(
            "A share is read-only: copy (F5, or y then p) saves its items into my files",
        );
        return false;
    }
    let (Some(dst_uri), uris) = (
        dst.remote().filter(|u| !u.is_search()).cloned(),
        sources
            .iter()
            .filter_map(|s| s.remote().cloned())
            .collect::<Vec<_>>(),
    ) else {
        state.toast_error("Save into a folder of my files");
        return false;
    };
    let targets: Vec<Target> = uris
        .iter()
        .map(|u| Target {
            uri: u.clone(),
            name: u.name().unwrap_or_default().to_string(),
            folder: false,
        })
        .collect();
    let label = what(&targets);
    state.modal = Some(Modal::Confirm(Confirm {
        title: format!("Save {label} into my files?"),
        lines: vec![
            format!("into {}", dst.title()),
            "reve downloads each file and writes it there (files up to 50 MiB).".into(),
        ],
        yes_label: "Save".into(),
        danger: false,
        on_yes: Deferred::Drive(Box::new(DriveStep {
            job: DriveJob::SaveFromShare {
                sources: uris,
                dst: dst_uri,
            },
            waiting: Waiting::Change {
                done: format!("Saved {label} into {}", dst.title()),
                reload: None,
                refresh: vec![dst],
            },
            back: None,
        })),
    }));
    true
}
