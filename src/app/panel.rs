//! The task panel: tabs for transfers, server tasks and shares, toggled with `t`.
//!
//! While open it takes the place of the pane that did not have the focus (as Midnight
//! Commander's info and quick-view panels do): the pane being worked in stays, and the
//! panel shows what the copies out of it are doing. Esc gives the keyboard back to that pane
//! with the panel still visible; Tab from the pane (or `t`) brings it back to the panel.
//!
//! Adding a tab's content: its view state is a field here (`ServerTasksTab`, `SharesTab`),
//! its keys go to `app::update::panel::<tab>::on_action`, it is drawn by
//! `ui::panel::<tab>::draw`, and `on_show`/`on_hide` there start and stop its polling.

use super::layout;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanelTab {
    #[default]
    Transfers,
    ServerTasks,
    Shares,
}

impl PanelTab {
    pub const ALL: [PanelTab; 3] = [PanelTab::Transfers, PanelTab::ServerTasks, PanelTab::Shares];

    pub fn title(self) -> &'static str {
        match self {
            PanelTab::Transfers => "Transfers",
            PanelTab::ServerTasks => "Server tasks",
            PanelTab::Shares => "Shares",
        }
    }

    fn index(self) -> usize {
        PanelTab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> PanelTab {
        PanelTab::ALL[(self.index() + 1) % PanelTab::ALL.len()]
    }

    pub fn prev(self) -> PanelTab {
        PanelTab::ALL[(self.index() + PanelTab::ALL.len() - 1) % PanelTab::ALL.len()]
    }
}

pub use super::panel_shares::SharesTab;
pub use super::panel_tasks::ServerTasksTab;

#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub open: bool,
    /// The panel has the keyboard (else the visible pane has).
    pub focused: bool,
    /// The pane slot it covers: 0 left/top, 1 right/bottom.
    pub slot: usize,
    pub tab: PanelTab,
    pub server_tasks: ServerTasksTab,
    pub shares: SharesTab,
}

impl Panel {
    pub fn has_focus(&self) -> bool {
        self.open && self.focused
    }

    /// The pane `i` is hidden behind the panel.
    pub fn covers(&self, i: usize) -> bool {
        self.open && self.slot == i
    }
}

/// Where the panel is drawn on a screen of `area`.
pub fn area(screen: Rect, panel: &Panel) -> Rect {
    layout::browser(screen).panes[panel.slot.min(1)]
}

/// The rows inside the panel's border (below the tab line).
pub fn body(area: Rect) -> Rect {
    layout::inset(area)
}
