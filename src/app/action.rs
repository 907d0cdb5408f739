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
    /// The settings screen (`,`).
    Settings,
    /// A form over a settings tab.
    SettingsForm,
}

impl Context {
    pub const ALL: [Context; 12] = [
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

    OpenSettings = "settings": "Account settings: profile, preferences, security, WebDAV",
    CloseSettings = "close_settings": "Back to the panes",
    NextTab = "next_tab": "Next settings tab",
    PrevTab = "prev_tab": "Previous settings tab",
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
