//! Keys of the panel's server tasks tab: the tab lives in `app::panel_tasks` (its state,
//! reducer and polling); the panel's own keys (moving, switching tabs) arrive here too.

pub use crate::app::panel_tasks::{on_action, on_hide, on_show};
