//! Everything a key can do, by context. The names are what `[keys.<context>]` in
//! `config.toml` uses; the descriptions feed the help popup.

use std::fmt;

/// Where a key is pressed. Lookup tries the focused context first, then `global` (from the
/// browser; elsewhere only `force_quit` reaches through, so typing a `q` never quits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Browser,
    Filter,
    Dialog,
    /// The permanent-delete confirmation: Enter does not confirm there.
    Danger,
    SortMenu,
    GoMenu,
    Help,
    Input,
    SignIn,
    /// The task panel (transfers, server tasks, shares) has the keyboard.
    Panel,
    /// A transfer's name conflict.
    Conflict,
    /// Quitting while transfers run.
    QuitPrompt,
    /// Transfers interrupted by an earlier run, offered at start-up.
    ResumeOffer,
    /// The share, version, link, tag and pin popups.
    DrivePopup,
    /// The share, archive, extract and remote download forms.
    Form,
    /// The server tasks tab of the task panel (unbound keys fall through to the panel's).
    ServerTasks,
    /// The shares tab of the task panel (unbound keys fall through to the panel's).
    Shares,
    /// The share edit form.
    ShareForm,
    /// The file choice of a torrent download.
    TaskFiles,
    /// The storage policy menu of a relocation.
    Relocate,
    /// The settings screen (`,`).
    Settings,
    /// A form over a settings tab.
    SettingsForm,
}

impl Context {
    pub const ALL: [Context; 23] = [
        Context::Global,
        Context::Browser,
        Context::Filter,
        Context::Dialog,
        Context::Danger,
        Context::SortMenu,
        Context::GoMenu,
        Context::Help,
        Context::Input,
        Context::SignIn,
        Context::Panel,
        Context::Conflict,
        Context::QuitPrompt,
        Context::ResumeOffer,
        Context::DrivePopup,
        Context::Form,
        Context::ServerTasks,
        Context::Shares,
        Context::ShareForm,
        Context::TaskFiles,
        Context::Relocate,
        Context::Settings,
        Context::SettingsForm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Browser => "browser",
            Context::Filter => "filter",
            Context::Dialog => "dialog",
            Context::Danger => "danger",
            Context::SortMenu => "sort_menu",
            Context::GoMenu => "go_menu",
            Context::Help => "help",
            Context::Input => "input",
            Context::SignIn => "sign_in",
            Context::Panel => "panel",
            Context::Conflict => "conflict",
            Context::QuitPrompt => "quit_prompt",
            Context::ResumeOffer => "resume_offer",
            Context::DrivePopup => "drive_popup",
            Context::Form => "form",
            Context::ServerTasks => "server_tasks",
            Context::Shares => "shares",
            Context::ShareForm => "share_form",
            Context::TaskFiles => "task_files",
            Context::Relocate => "relocate",
            Context::Settings => "settings",
            Context::SettingsForm => "settings_form",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Browser => "Panes",
            Context::Filter => "Filter (while typing)",
            Context::Dialog => "Dialogs",
            Context::Danger => "Permanent delete",
            Context::SortMenu => "Sort menu",
            Context::GoMenu => "Go to menu",
            Context::Help => "Help",
            Context::Input => "Text input",
            Context::SignIn => "Sign-in",
            Context::Panel => "Task panel",
            Context::Conflict => "Transfer conflict",
            Context::QuitPrompt => "Quit while transfers run",
            Context::ResumeOffer => "Interrupted transfers",
            Context::DrivePopup => "Share, version, link, tag and pin popups",
            Context::Form => "Forms (share, archive, extract, download)",
            Context::ServerTasks => "Server tasks tab",
            Context::Shares => "Shares tab",
            Context::ShareForm => "Share options form",
            Context::TaskFiles => "Torrent files",
            Context::Relocate => "Storage policy menu (relocate)",
            Context::Settings => "Settings",
            Context::SettingsForm => "Settings form",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal : $desc:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => $desc),* }
            }
        }
    };
}

actions! {
    Quit = "quit": "Quit reve",
    ForceQuit = "force_quit": "Quit, also while typing",
    Help = "help": "Show the keys (this help)",

    Up = "up": "Move up",
    Down = "down": "Move down",
    PageUp = "page_up": "One page up",
    PageDown = "page_down": "One page down",
    Top = "top": "Go to the first item",
    Bottom = "bottom": "Go to the last item",
    Parent = "parent": "Go to the parent folder",
    Open = "open": "Open the folder under the cursor",
    SwitchPane = "switch_pane": "Switch to the other pane",
    Filter = "filter": "Filter the list as you type",
    SortMenu = "sort_menu": "Sort by name, size, modified or type",
    Refresh = "refresh": "Reload the folder",
    ToggleSelect = "toggle_select": "Select or unselect, then move down",
    VisualSelect = "visual_select": "Select a range (press again to keep it)",
    InvertSelection = "invert_selection": "Invert the selection",
    SelectAll = "select_all": "Select everything shown",
    ToggleHidden = "toggle_hidden": "Show or hide dot files (local disk)",
    Cancel = "cancel": "Cancel loading, leave range mode, clear the selection",
    NewFolder = "new_folder": "New folder",
    NewFile = "new_file": "New empty file",
    Rename = "rename": "Rename",
    Trash = "trash": "Move to the trash",
    DeletePermanently = "delete_permanently": "Delete permanently",
    CopyToOther = "copy_to_other": "Copy to the other pane's folder",
    MoveToOther = "move_to_other": "Move to the other pane's folder",
    Yank = "yank": "Remember the items for copying (paste with p)",
    Cut = "cut": "Remember the items for moving (paste with p)",
    Paste = "paste": "Copy or move the remembered items here",
    Restore = "restore": "Restore from the trash",
    Info = "info": "Show everything about the item",
    CopyPath = "copy_path": "Copy the URI or path to the clipboard",
    GoMenu = "go_menu": "Show another place: local disk, my files, trash, shares",

    FilterAccept = "filter_accept": "Keep the filter, back to the list",
    FilterClear = "filter_clear": "Clear the filter",

    Confirm = "confirm": "Confirm the highlighted choice",
    Dismiss = "dismiss": "Cancel, close",

    SortName = "sort_name": "Sort by name",
    SortSize = "sort_size": "Sort by size",
    SortModified = "sort_modified": "Sort by modification time",
    SortType = "sort_type": "Sort by type (extension)",
    SortReverse = "sort_reverse": "Reverse the order",

    GoLocal = "go_local": "Local disk",
    GoMyFiles = "go_my_files": "My files",
    GoTrash = "go_trash": "Trash",
    GoSharedWithMe = "go_shared_with_me": "Shared with me",
    GoShareLink = "go_share_link": "Open a share link",
    GoPath = "go_path": "Type a path or cloudreve:// URI",

    Submit = "submit": "Submit",
    NextField = "next_field": "Next field",
    PrevField = "prev_field": "Previous field",
    Back = "back": "Back to e-mail and password",

    TogglePanel = "toggle_panel": "Show, focus or hide the task panel (transfers, tasks, shares)",
    NextTab = "next_tab": "Next tab (task panel, settings)",
    PrevTab = "prev_tab": "Previous tab (task panel, settings)",
    TabTransfers = "tab_transfers": "Transfers tab",
    TabServerTasks = "tab_server_tasks": "Server tasks tab",
    TabShares = "tab_shares": "Shares tab",
    LeavePanel = "leave_panel": "Back to the pane (the panel stays open)",
    CancelTransfer = "cancel_transfer": "Cancel the transfer (partial files are removed)",
    RetryTransfer = "retry_transfer": "Retry the failed files of the transfer",
    PauseResumeTransfer = "pause_resume_transfer": "Pause or resume the transfer",
    ClearFinished = "clear_finished": "Clear finished transfers from the list",
    ConflictOverwrite = "conflict_overwrite": "Overwrite (upload: as a new version of the file)",
    ConflictRename = "conflict_rename": "Keep both (the new file gets a name like “a (1).txt”)",
    ConflictSkip = "conflict_skip": "Skip this file",
    ApplyToAll = "apply_to_all": "Use the answer for every further conflict of the transfer",
    QuitPausing = "quit_pausing": "Pause the transfers and quit (resume them next time)",
    QuitCancelling = "quit_cancelling": "Cancel the transfers and quit",
    ResumeAll = "resume_all": "Resume every interrupted transfer",
    ResumeLater = "resume_later": "Later: keep them paused in the transfers tab",
    ForgetInterrupted = "forget_interrupted": "Forget them (partial uploads and files are removed)",
    Share = "share": "Share the selection (preset, Enter); in a share: add it to shared with me",
    DirectLinks = "direct_links": "Direct links of the file: create, copy, delete",
    Versions = "versions": "Versions of the file: make current, delete, download",
    Tags = "tags": "Tags and properties of the item",
    TogglePin = "toggle_pin": "Pin or unpin the folder (the jump list)",
    Pins = "pins": "Jump to a pinned folder",
    Archive = "archive": "Zip the selection on the server",
    Extract = "extract": "Extract the archive on the server",
    RemoteDownload = "remote_download": "Remote download: URLs, magnets or the .torrent here",
    FullForm = "full_form": "Open the full form",
    CopyItem = "copy_item": "Copy the link",
    ShowQr = "show_qr": "Show or hide the QR code",
    DeleteItem = "delete_item": "Delete or remove the highlighted row",
    AddItem = "add_item": "Add (a tag, a direct link)",
    AddProperty = "add_property": "Set a custom property",
    SetCurrent = "set_current": "Make the version current",
    DownloadItem = "download_item": "Download the version to the local pane's folder",
    CancelTask = "cancel_task": "Cancel the remote download (asks first)",
    GoToResult = "go_to_result": "Open the finished task's result in the pane beside the panel",
    EditShare = "edit_share": "Change the share's password, expiry or download limit",
    RevokeShare = "revoke_share": "Revoke the share link (asks first)",
    CopyShareLink = "copy_share_link": "Copy the share link to the clipboard",
    ShareQr = "share_qr": "Show the share link as a QR code",
    OpenShare = "open_share": "Browse the share (read-only) in the pane beside the panel",
    SelectTaskFiles = "select_task_files": "Choose the files of a torrent download",
    Relocate = "relocate": "Move the items to another storage policy (Cloudreve Pro)",
    OpenSettings = "settings": "Account settings: profile, preferences, security, WebDAV",
    CloseSettings = "close_settings": "Back to the panes",
    TabProfile = "tab_profile": "Profile tab",
    TabPreferences = "tab_preferences": "Preferences tab",
    TabSecurity = "tab_security": "Security tab",
    TabWebdav = "tab_webdav": "WebDAV tab",
    TabAccount = "tab_account": "Account tab (Pro servers)",
    Activate = "activate": "Change the highlighted setting or run the highlighted action",
    UploadAvatar = "upload_avatar": "Upload a new profile picture",
    UseGravatar = "use_gravatar": "Use Gravatar instead of the uploaded picture",
    CreateItem = "create": "Create a WebDAV account",
    RemoveItem = "remove": "Delete or unlink the highlighted item",
    Reveal = "reveal": "Show or hide the highlighted WebDAV password",
    CopyCredentials = "copy_credentials": "Copy the WebDAV URL, user name and password",
    SignUp = "sign_up": "Create an account on this server (when it allows sign-ups)",
    ResetPassword = "reset_password": "Forgot the password: mail a reset link, then set a new one",
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The default bindings: `(context, keys, action)`, keys separated by `,` (a sequence such as
/// `g g` uses spaces). The help popup lists them in this order.
pub const DEFAULT_BINDINGS: &[(Context, &str, Action)] = &[
    (Context::Global, "q", Action::Quit),
    (Context::Global, "ctrl-c", Action::ForceQuit),
    (Context::Global, "?", Action::Help),
    (Context::Browser, "up, k", Action::Up),
    (Context::Browser, "down, j", Action::Down),
    (Context::Browser, "pgup, ctrl-u", Action::PageUp),
    (Context::Browser, "pgdown, ctrl-d", Action::PageDown),
    (Context::Browser, "g g, home", Action::Top),
    (Context::Browser, "G, end", Action::Bottom),
    (Context::Browser, "left, h, backspace", Action::Parent),
    (Context::Browser, "right, l, enter", Action::Open),
    (Context::Browser, "tab, backtab", Action::SwitchPane),
    (Context::Browser, "/", Action::Filter),
    (Context::Browser, "s", Action::SortMenu),
    (Context::Browser, "r, ctrl-r", Action::Refresh),
    (Context::Browser, "space", Action::ToggleSelect),
    (Context::Browser, "v", Action::VisualSelect),
    (Context::Browser, "*", Action::InvertSelection),
    (Context::Browser, "ctrl-a", Action::SelectAll),
    (Context::Browser, ".", Action::ToggleHidden),
    (Context::Browser, "esc", Action::Cancel),
    (Context::Browser, "n, F7", Action::NewFolder),
    (Context::Browser, "N", Action::NewFile),
    (Context::Browser, "R, F2", Action::Rename),
    (Context::Browser, "d, delete, F8", Action::Trash),
    (
        Context::Browser,
        "D, shift-delete",
        Action::DeletePermanently,
    ),
    (Context::Browser, "F5", Action::CopyToOther),
    (Context::Browser, "F6", Action::MoveToOther),
    (Context::Browser, "y", Action::Yank),
    (Context::Browser, "x", Action::Cut),
    (Context::Browser, "p", Action::Paste),
    (Context::Browser, "u", Action::Restore),
    (Context::Browser, "i", Action::Info),
    (Context::Browser, "c", Action::CopyPath),
    (Context::Browser, "o", Action::GoMenu),
    (Context::Filter, "enter", Action::FilterAccept),
    (Context::Filter, "esc", Action::FilterClear),
    (Context::Filter, "up, ctrl-p", Action::Up),
    (Context::Filter, "down, ctrl-n", Action::Down),
    (Context::Dialog, "y, enter", Action::Confirm),
    (Context::Dialog, "esc, n, q", Action::Dismiss),
    (Context::Dialog, "up, k", Action::Up),
    (Context::Dialog, "down, j", Action::Down),
    (Context::Dialog, "pgup", Action::PageUp),
    (Context::Dialog, "pgdown", Action::PageDown),
    (Context::Danger, "y", Action::Confirm),
    (Context::Danger, "esc, n, enter, q", Action::Dismiss),
    (Context::SortMenu, "n", Action::SortName),
    (Context::SortMenu, "s", Action::SortSize),
    (Context::SortMenu, "m", Action::SortModified),
    (Context::SortMenu, "t", Action::SortType),
    (Context::SortMenu, "r", Action::SortReverse),
    (Context::SortMenu, "esc, q", Action::Dismiss),
    (Context::GoMenu, "l", Action::GoLocal),
    (Context::GoMenu, "m", Action::GoMyFiles),
    (Context::GoMenu, "t", Action::GoTrash),
    (Context::GoMenu, "s", Action::GoSharedWithMe),
    (Context::GoMenu, "u", Action::GoShareLink),
    (Context::GoMenu, ":, g", Action::GoPath),
    (Context::GoMenu, "esc, q", Action::Dismiss),
    (Context::Help, "esc, ?", Action::Dismiss),
    (Context::Help, "up", Action::Up),
    (Context::Help, "down", Action::Down),
    (Context::Help, "pgup", Action::PageUp),
    (Context::Help, "pgdown", Action::PageDown),
    (Context::Input, "enter", Action::Submit),
    (Context::Input, "esc", Action::Dismiss),
    (Context::SignIn, "enter", Action::Submit),
    (Context::SignIn, "tab, down", Action::NextField),
    (Context::SignIn, "backtab, up", Action::PrevField),
    (Context::SignIn, "esc", Action::Back),
    (Context::Browser, "t", Action::TogglePanel),
    (Context::Panel, "t", Action::TogglePanel),
    (Context::Panel, "esc", Action::LeavePanel),
    (Context::Panel, "tab", Action::NextTab),
    (Context::Panel, "backtab", Action::PrevTab),
    (Context::Panel, "1", Action::TabTransfers),
    (Context::Panel, "2", Action::TabServerTasks),
    (Context::Panel, "3", Action::TabShares),
    (Context::Panel, "up, k", Action::Up),
    (Context::Panel, "down, j", Action::Down),
    (Context::Panel, "pgup", Action::PageUp),
    (Context::Panel, "pgdown", Action::PageDown),
    (Context::Panel, "g g, home", Action::Top),
    (Context::Panel, "G, end", Action::Bottom),
    (Context::Panel, "p, space", Action::PauseResumeTransfer),
    (Context::Panel, "r", Action::RetryTransfer),
    (Context::Panel, "c, d", Action::CancelTransfer),
    (Context::Panel, "C", Action::ClearFinished),
    (Context::Conflict, "o", Action::ConflictOverwrite),
    (Context::Conflict, "r", Action::ConflictRename),
    (Context::Conflict, "s, esc", Action::ConflictSkip),
    (Context::Conflict, "a", Action::ApplyToAll),
    (Context::QuitPrompt, "p, y, enter", Action::QuitPausing),
    (Context::QuitPrompt, "c", Action::QuitCancelling),
    (Context::QuitPrompt, "esc, n", Action::Dismiss),
    (Context::ResumeOffer, "r, enter", Action::ResumeAll),
    (Context::ResumeOffer, "l, esc", Action::ResumeLater),
    (Context::ResumeOffer, "f", Action::ForgetInterrupted),
    (Context::Browser, "S", Action::Share),
    (Context::Browser, "L", Action::DirectLinks),
    (Context::Browser, "V", Action::Versions),
    (Context::Browser, "T", Action::Tags),
    (Context::Browser, "P", Action::TogglePin),
    (Context::Browser, "'", Action::Pins),
    (Context::Browser, "A", Action::Archive),
    (Context::Browser, "X", Action::Extract),
    (Context::Browser, "O", Action::RemoteDownload),
    (Context::DrivePopup, "enter", Action::Confirm),
    (Context::DrivePopup, "esc, q", Action::Dismiss),
    (Context::DrivePopup, "up, k", Action::Up),
    (Context::DrivePopup, "down, j", Action::Down),
    (Context::DrivePopup, "pgup", Action::PageUp),
    (Context::DrivePopup, "pgdown", Action::PageDown),
    (Context::DrivePopup, "f", Action::FullForm),
    (Context::DrivePopup, "c, y", Action::CopyItem),
    (Context::DrivePopup, "Q", Action::ShowQr),
    (Context::DrivePopup, "d, delete", Action::DeleteItem),
    (Context::DrivePopup, "a, n", Action::AddItem),
    (Context::DrivePopup, "p", Action::AddProperty),
    (Context::DrivePopup, "s", Action::SetCurrent),
    (Context::DrivePopup, "w", Action::DownloadItem),
    (Context::Form, "enter", Action::Submit),
    (Context::Form, "esc", Action::Dismiss),
    (Context::Form, "tab, down", Action::NextField),
    (Context::Form, "backtab, up", Action::PrevField),
    (Context::ServerTasks, "r, ctrl-r", Action::Refresh),
    (Context::ServerTasks, "enter", Action::GoToResult),
    (Context::ServerTasks, "i", Action::Info),
    (Context::ServerTasks, "c, d, delete", Action::CancelTask),
    (Context::ServerTasks, "f", Action::SelectTaskFiles),
    (Context::TaskFiles, "up, k", Action::Up),
    (Context::TaskFiles, "down, j", Action::Down),
    (Context::TaskFiles, "space", Action::ToggleSelect),
    (Context::TaskFiles, "ctrl-a", Action::SelectAll),
    (Context::TaskFiles, "enter", Action::Submit),
    (Context::TaskFiles, "esc", Action::Dismiss),
    (Context::Browser, "M", Action::Relocate),
    (Context::Relocate, "up, k", Action::Up),
    (Context::Relocate, "down, j", Action::Down),
    (Context::Relocate, "enter", Action::Submit),
    (Context::Relocate, "esc, q", Action::Dismiss),
    (Context::Shares, "r, ctrl-r", Action::Refresh),
    (Context::Shares, "enter, o", Action::OpenShare),
    (Context::Shares, "e", Action::EditShare),
    (Context::Shares, "d, delete", Action::RevokeShare),
    (Context::Shares, "y, c", Action::CopyShareLink),
    (Context::Shares, "Q", Action::ShareQr),
    (Context::ShareForm, "enter", Action::Submit),
    (Context::ShareForm, "esc", Action::Dismiss),
    (Context::ShareForm, "tab, down", Action::NextField),
    (Context::ShareForm, "backtab, up", Action::PrevField),
    (Context::Browser, "comma", Action::OpenSettings),
    (Context::Settings, "esc, q", Action::CloseSettings),
    (Context::Settings, "?", Action::Help),
    (Context::Settings, "tab", Action::NextTab),
    (Context::Settings, "backtab", Action::PrevTab),
    (Context::Settings, "1", Action::TabProfile),
    (Context::Settings, "2", Action::TabPreferences),
    (Context::Settings, "3", Action::TabSecurity),
    (Context::Settings, "4", Action::TabWebdav),
    (Context::Settings, "5", Action::TabAccount),
    (Context::Settings, "up, k", Action::Up),
    (Context::Settings, "down, j", Action::Down),
    (Context::Settings, "enter, e", Action::Activate),
    (Context::Settings, "r, ctrl-r", Action::Refresh),
    (Context::Settings, "u", Action::UploadAvatar),
    (Context::Settings, "g", Action::UseGravatar),
    (Context::Settings, "n", Action::CreateItem),
    (Context::Settings, "d, delete", Action::RemoveItem),
    (Context::Settings, "v", Action::Reveal),
    (Context::Settings, "c", Action::CopyCredentials),
    (Context::SettingsForm, "enter", Action::Submit),
    (Context::SettingsForm, "esc", Action::Dismiss),
    (Context::SettingsForm, "tab, down", Action::NextField),
    (Context::SettingsForm, "backtab, up", Action::PrevField),
    (Context::SignIn, "ctrl-n", Action::SignUp),
    (Context::SignIn, "ctrl-r", Action::ResetPassword),
];

/// True when `action` means something in `context` (it has a default binding there).
pub fn applies(context: Context, action: Action) -> bool {
    DEFAULT_BINDINGS
        .iter()
        .any(|(c, _, a)| *c == context && *a == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        for c in Context::ALL {
            assert_eq!(Context::from_name(c.name()), Some(c));
        }
    }

    #[test]
    fn every_action_has_a_default_somewhere() {
        for a in Action::ALL {
            assert!(
                DEFAULT_BINDINGS.iter().any(|(_, _, b)| b == a),
                "{a} has no default key"
            );
        }
    }
}
