//! Printing for the scriptable commands: aligned tables measured by display width, human
//! sizes, and JSON. Every server string passes through `text::sanitize` before it is printed.

use crate::text::sanitize;
use unicode_width::UnicodeWidthStr;

/// `1.5 MiB`-style sizes (binary units, as the Cloudreve web UI shows them).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A table whose cells are sanitized on insertion, so no caller can forget.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
    /// Columns aligned to the right (numbers).
    right: Vec<bool>,
}

impl Table {
    pub fn new(right_aligned: &[bool]) -> Table {
        Table {
            rows: Vec::new(),
            right: right_aligned.to_vec(),
        }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| sanitize(c.as_ref()).into_owned())
                .collect(),
        );
    }

    pub fn render(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                let pad = widths[c].saturating_sub(cell.width());
                let last = c + 1 == row.len();
                if self.right.get(c).copied().unwrap_or(false) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if !last {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Prints a value as pretty JSON. JSON escapes control characters itself (`\u001b`), so
/// server strings cannot reach the terminal raw; bidi and zero-width characters are escaped
/// as well to keep `--json` output safe on a terminal.
pub fn print_json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    println!("{}", escape_invisible_in_json(&text));
}

pub fn escape_invisible_in_json(json: &str) -> String {
    // Inside JSON strings, `\uXXXX` is a valid spelling of any BMP character; outside them
    // there are no such characters. So replacing them everywhere keeps the JSON equivalent.
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let needs = sanitize(c.encode_utf8(&mut [0; 4])).len() != c.len_utf8()
            && (c as u32) > 0x7f
            && (c as u32) <= 0xffff;
        if needs {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(1 << 40), "1.0 TiB");
    }

    #[test]
    fn table_aligns_by_display_width_and_sanitizes() {
        let mut t = Table::new(&[false, true]);
        t.row(["日本語", "1"]);
        t.row(["ab\x1b[2J", "100"]);
        let out = t.render();
        assert!(!out.contains('\x1b'));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "日本語       1");
        assert_eq!(lines[1], "ab\\x1b[2J  100");
    }

    #[test]
    fn json_output_escapes_bidi() {
        let v = serde_json::json!({"name": "a\u{202e}b", "esc": "\x1b"});
        let text = escape_invisible_in_json(&serde_json::to_string(&v).unwrap());
        assert!(!text.contains('\u{202e}') && !text.contains('\x1b'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
