//! File operations: asking for names and confirmations, then issuing `Command::Op`. The
//! answers are handled in `outcome`.

use crate::api::uri::{CrUri, FileSystem};
use crate::app::action::Action;
use crate::app::command::{Command, Op};
use crate::app::entry::Entry;
use crate::app::modal::{Confirm, Deferred, InfoView, InputModal, InputPurpose, Modal, PendingOp};
use crate::app::source::{Place, Source};
use crate::app::state::{Register, State};

/// How many names a confirmation lists before "and N more".
const LISTED_NAMES: usize = 5;

pub fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let i = state.focus;
    match action {
        Action::NewFolder => ask_new(state, i, true),
        Action::NewFile => ask_new(state, i, false),
        Action::Rename => ask_rename(state, i),
        Action::Trash => ask_delete(state, i, false),
        Action::DeletePermanently => ask_delete(state, i, true),
        Action::CopyToOther => transfer_to_other(state, i, true),
        Action::MoveToOther => transfer_to_other(state, i, false),
        Action::Yank => remember(state, i, false),
        Action::Cut => remember(state, i, true),
        Action::Paste => return paste(state, i),
        Action::Restore => return restore(state, i),
        Action::Info => return info(state, i),
        Action::CopyPath => return copy_path(state, i),
        _ => state.dirty = false,
    }
    Vec::new()
}

/// Refuses with a message when the folder says it does not allow this.
fn allowed(
    state: &mut State,
    i: usize,
    what: &str,
    check: impl Fn(&crate::app::msg::FolderCaps) -> bool,
) -> bool {
    let pane = &state.panes[i];
    let read_only = matches!(pane.place(), Place::Share | Place::SharedWithMe);
    let refused = match pane.caps {
        Some(caps) => !check(&caps),
        None => read_only,
    };
    if refused {
        state.toast_error(format!(
            "Not possible in the {}: {what}",
            pane.place().label()
        ));
    }
    !refused
}

fn nothing_here(state: &mut State) {
    state.toast("Nothing to act on here");
}

fn ask_new(state: &mut State, i: usize, folder: bool) {
    if state.panes[i].place() == Place::Trash {
        state.toast_error("Nothing can be created in the trash");
        return;
    }
    if !allowed(state, i, "creating items", |c| c.create) {
        return;
    }
    let source = state.panes[i].source.clone();
    let (title, purpose) = if folder {
        (
            "New folder",
            InputPurpose::NewFolder {
                pane: i,
                folder: source,
            },
        )
    } else {
        (
            "New empty file",
            InputPurpose::NewFile {
                pane: i,
                folder: source,
            },
        )
    };
    state.modal = Some(Modal::Input(InputModal::new(title, "", purpose)));
}

fn ask_rename(state: &mut State, i: usize) {
    let pane = &state.panes[i];
    let Some(entry) = pane.cursor_entry() else {
        return nothing_here(state);
    };
    if pane.place() == Place::Trash {
        state.toast_error("Items in the trash cannot be renamed; restore them first (u)");
        return;
    }
    let target = pane.entry_source(entry);
    let name = entry.name().to_string();
    if !allowed(state, i, "renaming", |c| c.rename) {
        return;
    }
    let title = format!("Rename “{name}”");
    let mut modal = InputModal::new(title, &name, InputPurpose::Rename { pane: i, target });
    modal.field.cursor_before_extension();
    state.modal = Some(Modal::Input(modal));
}

fn ask_delete(state: &mut State, i: usize, permanent: bool) {
    let pane = &state.panes[i];
    let targets = pane.targets();
    if targets.is_empty() {
        return nothing_here(state);
    }
    let place = pane.place();
    if place == Place::Trash && !permanent {
        state.toast("Items in the trash can only be restored (u) or deleted permanently (D)");
        return;
    }
    // The local disk has no trash: deleting there is always for good.
    let permanent = permanent || place == Place::Local;
    let sources: Vec<Source> = targets.iter().map(|e| pane.entry_source(e)).collect();
    let lines = name_lines(&targets);
    let what = count_label(&targets);
    let folder = pane.source.clone();
    let check: fn(&crate::app::msg::FolderCaps) -> bool = if permanent {
        |c| c.delete_permanently
    } else {
        |c| c.trash
    };
    if !allowed(state, i, "deleting", check) {
        return;
    }
    let mut refresh = vec![folder];
    if !permanent {
        refresh.push(Source::Remote(CrUri::root(FileSystem::Trash)));
    }
    let op = PendingOp {
        op: Op::Delete {
            targets: sources,
            permanent,
        },
        pane: i,
        refresh,
        done_message: if permanent {
            format!("Deleted {what}")
        } else {
            format!("Moved {what} to the trash")
        },
        then: None,
    };
    let confirm = if permanent {
        let mut lines = lines;
        lines.push(String::new());
        lines.push(if place == Place::Local {
            "The local disk has no trash. This cannot be undone.".into()
        } else {
            "This skips the trash. It cannot be undone.".into()
        });
        Confirm {
            title: format!("Delete {what} PERMANENTLY?"),
            lines,
            yes_label: "Delete permanently".into(),
            danger: true,
            on_yes: Deferred::Run(Box::new(op)),
        }
    } else {
        Confirm {
            title: format!("Move {what} to the trash?"),
            lines,
            yes_label: "Move to trash".into(),
            danger: false,
            on_yes: Deferred::Run(Box::new(op)),
        }
    };
    state.modal = Some(Modal::Confirm(confirm));
}

/// `“name”` for one item, `3 items` for more.
fn count_label(targets: &[&Entry]) -> String {
    match targets {
        [one] => format!("“{}”", one.name()),
        many => format!("{} items", many.len()),
    }
}

fn name_lines(targets: &[&Entry]) -> Vec<String> {
    let mut lines: Vec<String> = targets
        .iter()
        .take(LISTED_NAMES)
        .map(|e| format!("  {}{}", e.name(), if e.is_folder() { "/" } else { "" }))
        .collect();
    if targets.len() > LISTED_NAMES {
        lines.push(format!("  … and {} more", targets.len() - LISTED_NAMES));
    }
    lines
}

/// F5/F6: server-side copy or move into the other pane's folder.
fn transfer_to_other(state: &mut State, i: usize, copy: bool) {
    let sources: Vec<Source> = {
        let pane = &state.panes[i];
        pane.targets()
            .iter()
            .map(|e| pane.entry_source(e))
            .collect()
    };
    if sources.is_empty() {
        return nothing_here(state);
    }
    let dst = state.panes[state.other()].source.clone();
    plan_transfer(state, i, sources, dst, copy, false);
}

/// Checks that a copy or move can happen on the server and asks for confirmation; false when
/// it cannot happen (the reason is in a toast).
fn plan_transfer(
    state: &mut State,
    i: usize,
    sources: Vec<Source>,
    dst: Source,
    copy: bool,
    paste: bool,
) -> bool {
    let from_place = sources.first().map(Source::place).unwrap_or(Place::Other);
    let verb = if copy { "copy" } else { "move" };
    match (from_place, dst.place()) {
        (Place::Local, Place::Local) => {
            state.toast("Copying and moving on the local disk is left to your shell");
            return false;
        }
        (Place::Local, _) | (_, Place::Local) => {
            return super::transfers::plan(state, sources, dst, copy, paste);
        }
        (Place::MyFiles, Place::MyFiles) => {}
        _ => {
            state.toast_error(format!(
                "Only items in my files can be {}, and only into my files",
                if copy { "copied" } else { "moved" }
            ));
            return false;
        }
    }
    let (Some(dst_uri), Some(src_folder)) = (
        dst.remote().cloned(),
        sources.first().and_then(Source::parent),
    ) else {
        return false;
    };
    if src_folder == dst {
        state.toast_error(format!(
            "Pick another folder to {verb} to: this is where the items are"
        ));
        return false;
    }
    let uris: Vec<CrUri> = sources.iter().filter_map(|s| s.remote().cloned()).collect();
    let what = match uris.as_slice() {
        [one] => format!("“{}”", one.name().unwrap_or_default()),
        many => format!("{} items", many.len()),
    };
    let mut refresh = vec![dst.clone()];
    if !copy {
        refresh.push(src_folder);
    }
    let op = PendingOp {
        op: Op::Transfer {
            sources: uris,
            dst: dst_uri,
            copy,
        },
        pane: i,
        refresh,
        done_message: format!(
            "{} {what} to {}",
            if copy { "Copied" } else { "Moved" },
            dst.title()
        ),
        then: None,
    };
    let (title, preposition) = if paste {
        (format!("Paste: {verb} {what} here?"), "into")
    } else {
        (
            format!("{} {what}?", if copy { "Copy" } else { "Move" }),
            "to",
        )
    };
    state.modal = Some(Modal::Confirm(Confirm {
        title,
        lines: vec![format!("{preposition} {}", dst.title())],
        yes_label: if copy { "Copy" } else { "Move" }.into(),
        danger: false,
        on_yes: Deferred::Run(Box::new(op)),
    }));
    true
}

fn remember(state: &mut State, i: usize, cut: bool) {
    let pane = &state.panes[i];
    let sources: Vec<Source> = pane
        .targets()
        .iter()
        .map(|e| pane.entry_source(e))
        .collect();
    if sources.is_empty() {
        return nothing_here(state);
    }
    let n = sources.len();
    state.register = Some(Register { sources, cut });
    let noun = if n == 1 { "item" } else { "items" };
    state.toast(format!(
        "{n} {noun} remembered for {}; go to a folder and paste with p",
        if cut { "moving" } else { "copying" }
    ));
}

fn paste(state: &mut State, i: usize) -> Vec<Command> {
    let Some(register) = state.register.clone() else {
        state.toast("Nothing to paste: remember items with y (copy) or x (move) first");
        return Vec::new();
    };
    let dst = state.panes[i].source.clone();
    plan_transfer(state, i, register.sources, dst, !register.cut, true);
    Vec::new()
}

fn restore(state: &mut State, i: usize) -> Vec<Command> {
    let pane = &state.panes[i];
    if pane.place() != Place::Trash {
        state.toast("Restore works in the trash (o, then t)");
        return Vec::new();
    }
    let targets = pane.targets();
    if targets.is_empty() {
        nothing_here(state);
        return Vec::new();
    }
    let what = count_label(&targets);
    let mut refresh = vec![pane.source.clone()];
    for e in &targets {
        let back = e
            .extra()
            .and_then(|x| x.restore_uri.as_deref())
            .and_then(|u| CrUri::parse(u).ok())
            .and_then(|u| u.parent());
        if let Some(folder) = back.map(Source::Remote)
            && !refresh.contains(&folder)
        {
            refresh.push(folder);
        }
    }
    let uris = targets
        .iter()
        .filter_map(|e| pane.entry_source(e).remote().cloned())
        .collect();
    start(
        state,
        PendingOp {
            op: Op::Restore { targets: uris },
            pane: i,
            refresh,
            done_message: format!("Restored {what}"),
            then: None,
        },
    )
}

fn info(state: &mut State, i: usize) -> Vec<Command> {
    let pane = &state.panes[i];
    let Some(entry) = pane.cursor_entry() else {
        nothing_here(state);
        return Vec::new();
    };
    let target = pane.entry_source(entry);
    let title = entry.name().to_string();
    let req = state.next_request();
    state.info_req = Some(req);
    state.modal = Some(Modal::Info(InfoView {
        title,
        fields: Vec::new(),
        loading: true,
        scroll: 0,
    }));
    vec![Command::Info { req, target }]
}

fn copy_path(state: &mut State, i: usize) -> Vec<Command> {
    if !state.clipboard {
        state.toast_error("Copying is turned off (osc52 = false in config.toml)");
        return Vec::new();
    }
    let pane = &state.panes[i];
    let targets = pane.targets();
    let texts: Vec<String> = if targets.is_empty() {
        vec![pane.source.clipboard_text()]
    } else {
        targets
            .iter()
            .map(|e| pane.entry_source(e).clipboard_text())
            .collect()
    };
    let what = if pane.source.is_remote() {
        "URI"
    } else {
        "path"
    };
    state.toast(match texts.len() {
        1 => format!("Copied the {what} to the clipboard"),
        n => format!("Copied {n} {what}s to the clipboard"),
    });
    vec![Command::CopyToClipboard(texts.join("\n"))]
}

/// Issues an operation and remembers it until its answer.
pub fn start(state: &mut State, pending: PendingOp) -> Vec<Command> {
    let req = state.next_request();
    let op = pending.op.clone();
    state.ops.insert(req, pending);
    vec![Command::Op { req, op }]
}

/// Submitted names from the input popup become operations.
pub fn named(state: &mut State, purpose: InputPurpose, name: &str) -> Result<Vec<Command>, String> {
    let name = name.trim();
    check_name(name)?;
    let (op, pane, folder, message) = match purpose {
        InputPurpose::NewFolder { pane, folder } => (
            Op::Create {
                target: folder.child(name),
                folder: true,
            },
            pane,
            folder,
            format!("Created the folder “{name}”"),
        ),
        InputPurpose::NewFile { pane, folder } => (
            Op::Create {
                target: folder.child(name),
                folder: false,
            },
            pane,
            folder,
            format!("Created the file “{name}”"),
        ),
        InputPurpose::Rename { pane, target } => {
            let Some(folder) = target.parent() else {
                return Err("the root cannot be renamed".into());
            };
            if target.last_name().as_deref() == Some(name) {
                return Ok(Vec::new());
            }
            (
                Op::Rename {
                    target,
                    new_name: name.to_string(),
                },
                pane,
                folder,
                format!("Renamed to “{name}”"),
            )
        }
        InputPurpose::RenameInTheWay {
            pane,
            target,
            retry,
        } => {
            let folder = Source::Remote(target.parent().unwrap_or_else(CrUri::my_root));
            let then = PendingOp {
                done_message: format!("Done: {}", retry.verb()),
                refresh: vec![folder.clone()],
                op: *retry,
                pane,
                then: None,
            };
            let first = PendingOp {
                op: Op::Rename {
                    target: Source::Remote(target),
                    new_name: name.to_string(),
                },
                pane,
                refresh: vec![folder],
                done_message: format!("Renamed the existing item to “{name}”"),
                then: Some(Box::new(then)),
            };
            return Ok(start(state, first));
        }
        _ => return Err("unexpected input".into()),
    };
    Ok(start(
        state,
        PendingOp {
            op,
            pane,
            refresh: vec![folder],
            done_message: message,
            then: None,
        },
    ))
}

/// Names the server and the disk would refuse anyway, caught before a round trip.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name == "." || name == ".." {
        return Err("“.” and “..” are not names".into());
    }
    if name.contains('/') {
        return Err("a name cannot contain “/”".into());
    }
    Ok(())
}
