//! Where things go on the screen. Shared by `update` (page sizes, mouse hits, scrolling) and
//! `ui` (drawing), so both agree on every row. Every size works, down to 1×1: all arithmetic
//! saturates.

use ratatui::layout::Rect;

/// Below this width the panes are stacked instead of side by side.
pub const STACK_BELOW_WIDTH: u16 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrowserLayout {
    pub panes: [Rect; 2],
    pub status: Rect,
    pub stacked: bool,
}

pub fn browser(area: Rect) -> BrowserLayout {
    let status_h = u16::from(area.height >= 2);
    let body = Rect {
        height: area.height - status_h,
        ..area
    };
    let status = Rect {
        y: area.y + body.height,
        height: status_h,
        ..area
    };
    let stacked = area.width < STACK_BELOW_WIDTH;
    let panes = if stacked {
        let top = body.height.div_ceil(2);
        [
            Rect {
                height: top,
                ..body
            },
            Rect {
                y: body.y + top,
                height: body.height - top,
                ..body
            },
        ]
    } else {
        let left = body.width.div_ceil(2);
        [
            Rect {
                width: left,
                ..body
            },
            Rect {
                x: body.x + left,
                width: body.width - left,
                ..body
            },
        ]
    };
    BrowserLayout {
        panes,
        status,
        stacked,
    }
}

/// The inside of one pane: a header line with column titles, the rows, and the filter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneLayout {
    pub inner: Rect,
    pub header: Option<Rect>,
    pub rows: Rect,
    pub filter: Option<Rect>,
}

pub fn pane(area: Rect, filter_line: bool) -> PaneLayout {
    let inner = inset(area);
    let mut rows = inner;
    let header = (rows.height >= 3).then(|| {
        let h = Rect { height: 1, ..rows };
        rows.y += 1;
        rows.height -= 1;
        h
    });
    let filter = (filter_line && rows.height >= 2).then(|| {
        rows.height -= 1;
        Rect {
            y: rows.y + rows.height,
            height: 1,
            ..rows
        }
    });
    PaneLayout {
        inner,
        header,
        rows,
        filter,
    }
}

/// The area inside a one-cell border.
pub fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// A centred popup of at most `width`×`height`, never larger than `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_and_narrow_screens() {
        let l = browser(Rect::new(0, 0, 1, 1));
        assert_eq!(l.status.height, 0);
        assert_eq!(pane(l.panes[0], true).rows.height, 0);
        let narrow = browser(Rect::new(0, 0, 50, 15));
        assert!(narrow.stacked);
        assert_eq!(narrow.panes[0].height + narrow.panes[1].height, 14);
        let wide = browser(Rect::new(0, 0, 80, 24));
        assert!(!wide.stacked);
        assert_eq!(wide.panes[0].width + wide.panes[1].width, 80);
        let p = pane(wide.panes[0], true);
        assert_eq!(p.rows.height, 23 - 2 - 1 - 1);
    }
}
