//! Keys of the panel's shares tab: the tab lives in `app::panel_shares`; the panel's own
//! keys (moving, switching tabs) arrive here too.

pub use crate::app::panel_shares::{on_action, on_hide, on_show};
