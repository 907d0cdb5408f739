//! The "Folder" column of search results. A search lists items from the whole tree below
//! the searched folder, so the name alone does not say which of two `notes.md` is which;
//! the folder takes the place of the modified date, which says less there.

use super::text;
use crate::api::uri::CrUri;
use crate::app::entry::Entry;

/// Below this the folder column is left out rather than shown as a stub.
pub const MIN_FOLDER_COLUMN: usize = 8;
/// A wider folder column than this steals from the name for little gain.
const MAX_FOLDER_COLUMN: usize = 40;
/// The modified date comes back when the name keeps at least this much room as well.
const NAME_ROOM_WITH_DATE: usize = 24;

/// `/Documents/Projects`: the decoded, sanitized folder of a search result; `None` for other
/// entries.
pub fn parent_folder(entry: &Entry) -> Option<String> {
    let location = entry.extra()?.location.as_deref()?;
    let folder = CrUri::parse(location).ok()?.parent()?;
    Some(text::safe(&folder.display_path()).into_owned())
}

/// The folder column's width for `rest` cells (what the name, the folder and the date
/// share), and whether the date still fits beside them: `(folder, keep_date)`.
pub fn folder_width(rest: usize, date: usize) -> (usize, bool) {
    let folder = (rest * 2 / 5).min(MAX_FOLDER_COLUMN);
    if folder < MIN_FOLDER_COLUMN {
        return (0, date > 0);
    }
    let name_room = rest.saturating_sub(folder + 1 + date + 1);
    (folder, date > 0 && name_room >= NAME_ROOM_WITH_DATE)
}

/// The folder cut to `cells` cells, keeping its end (`…/deep/folder`), which says more.
pub fn fit_folder(folder: &str, cells: usize) -> String {
    text::fit_left(folder, cells).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::entry::EntryExtra;

    fn found(location: &str) -> Entry {
        Entry::file("x", 1, 0).with_extra(EntryExtra {
            location: Some(location.into()),
            ..EntryExtra::default()
        })
    }

    #[test]
    fn the_folder_is_the_decoded_parent() {
        let e = found("cloudreve://my/Documents/Big%20Projects/report.txt");
        assert_eq!(
            parent_folder(&e).as_deref(),
            Some("/Documents/Big Projects")
        );
        assert_eq!(
            parent_folder(&found("cloudreve://my/top.txt")).as_deref(),
            Some("/")
        );
        assert_eq!(parent_folder(&Entry::file("plain", 1, 0)), None);
    }

    #[test]
    fn hostile_folder_names_are_sanitized() {
        let e = found("cloudreve://my/evil%1B%5B31mred%07/x.txt");
        let folder = parent_folder(&e).unwrap();
        assert!(
            !folder.contains('\u{1b}') && !folder.contains('\u{7}'),
            "{folder:?}"
        );
    }

    #[test]
    fn the_column_takes_room_from_the_date_first() {
        // A half of an 80-column terminal: no date, a folder of 11 cells.
        assert_eq!(folder_width(28, 10), (11, false));
        // Too narrow for a useful folder: the date stays as it would.
        assert_eq!(folder_width(13, 0), (0, false));
        // Wide panes keep the date too, and the folder stops growing.
        assert_eq!(folder_width(200, 16), (40, true));
    }

    #[test]
    fn long_and_wide_folders_fit_their_cells() {
        assert_eq!(fit_folder("/Documents/Projects/reve", 12), "…ojects/reve");
        let cut = fit_folder("/資料/プロジェクト", 9);
        assert!(text::width(&cut) <= 9, "{cut:?}");
        assert!(cut.starts_with('…') && cut.ends_with('ト'), "{cut:?}");
        assert_eq!(fit_folder("/Docs", 12), "/Docs");
    }
}
