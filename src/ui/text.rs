//! Measuring and cutting text for cells: widths by display width (CJK and emoji take two
//! cells, combining marks none), cuts on grapheme boundaries, and the formats of sizes and
//! times. Server strings must already be sanitized (`safe`) before they get here.

use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::style::Style;
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Sizes and counts are formatted in `crate::units` (the worker needs them too).
pub use crate::units::{count, size};

/// The one door for server text into the frame.
pub fn safe(s: &str) -> Cow<'_, str> {
    sanitize(s)
}

pub fn width(s: &str) -> usize {
    // Printable ASCII is one cell per byte; most names are, and this runs for every row.
    if is_plain_ascii(s) {
        return s.len();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// Writes `s` at `(x, y)` in at most `max` cells. Plain ASCII skips the grapheme
/// segmentation `Buffer::set_stringn` does, which is most of the cost of drawing a row.
pub fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, max: usize, style: Style) {
    let area = buf.area;
    if !is_plain_ascii(s) || y < area.y || y >= area.bottom() || x < area.x {
        buf.set_stringn(x, y, s, max, style);
        return;
    }
    let room = (area.right().saturating_sub(x) as usize).min(max);
    if room == 0 {
        return;
    }
    // One index computation per row instead of one per cell.
    let start = buf.index_of(x, y);
    let cells = buf.content.iter_mut().skip(start).take(room);
    for (cell, b) in cells.zip(s.bytes()) {
        cell.set_char(char::from(b)).set_style(style);
    }
}

fn is_plain_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Width of one grapheme the way the buffer will place it.
fn grapheme_width(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

/// `s` cut to at most `max` cells, ending with `…` when something was cut.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    if is_plain_ascii(s) {
        return Cow::Owned(format!("{}…", &s[..max - 1]));
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `s` cut from the left (`…/deep/folder`): the end of a path says more than its start.
pub fn fit_left(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for g in s.graphemes(true).rev() {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        kept.push(g);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    Cow::Owned(out)
}

/// `s` cut or padded with spaces to exactly `cells` cells.
pub fn pad(s: &str, cells: usize) -> String {
    let cut = fit(s, cells);
    let w = width(&cut);
    let mut out = cut.into_owned();
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// `s` right-aligned in `cells` cells.
pub fn pad_left(s: &str, cells: usize) -> String {
    let cut = fit(s, cells);
    let w = width(&cut);
    let mut out: String = std::iter::repeat_n(' ', cells.saturating_sub(w)).collect();
    out.push_str(&cut);
    out
}

/// Greedy word wrap to `width` cells; words longer than a line are cut on grapheme
/// boundaries. Always at least one line.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for word in s.split(' ') {
        let w = self::width(word);
        let last = lines.len() - 1;
        if used > 0 && used + 1 + w <= width {
            lines[last].push(' ');
            lines[last].push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(String::new());
            used = 0;
        }
        for g in word.graphemes(true) {
            let gw = grapheme_width(g);
            if used + gw > width && used > 0 {
                lines.push(String::new());
                used = 0;
            }
            if let Some(line) = lines.last_mut() {
                line.push_str(g);
            }
            used += gw;
        }
    }
    lines
}

/// `2026-11-27 01:21` in the user's time zone (offset given in seconds); empty when unknown.
/// Plain integer arithmetic: it runs for every visible row of every frame.
pub fn time(unix: i64, utc_offset_secs: i32) -> String {
    if unix == 0 {
        return String::new();
    }
    let local = unix.saturating_add(i64::from(utc_offset_secs));
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return String::new();
    }
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_display_width_on_grapheme_boundaries() {
        assert_eq!(fit("hello", 5), "hello");
        assert_eq!(fit("hello", 4), "hel…");
        assert_eq!(fit("日本語のファイル", 7), "日本語…");
        assert_eq!(width(&fit("日本語のファイル", 6)), 5);
        // A family emoji is one grapheme: it is kept or dropped whole.
        let fam = "👨\u{200d}👩\u{200d}👧 x";
        assert_eq!(fit(fam, 2), "…");
        // Combining marks stay with their letter.
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_left("/a/long/path", 6), "…/path");
    }

    #[test]
    fn wraps_by_words_and_cuts_long_ones() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
    }

    #[test]
    fn pads_to_exact_widths() {
        assert_eq!(width(&pad("日本", 5)), 5);
        assert_eq!(width(&pad_left("12 KiB", 9)), 9);
        assert_eq!(pad("abcdef", 3), "ab…");
    }

    #[test]
    fn formats() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(50 << 20), "50 MiB");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(time(1_796_347_833, 0), "2026-12-04 01:30");
        assert_eq!(time(0, 0), "");
        assert_eq!(time(951_782_400, 0), "2000-02-29 00:00");
        assert_eq!(time(1_795_742_460, 3600), "2026-11-27 02:21");
        assert_eq!(time(-86_400, 0), "1969-12-31 00:00");
        // Agrees with chrono over a wide range.
        for t in (-2_000_000_000i64..4_000_000_000).step_by(7_777_777) {
            let want = chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .format("%Y-%m-%d %H:%M")
                .to_string();
            if t != 0 {
                assert_eq!(time(t, 0), want, "{t}");
            }
        }
    }
}
