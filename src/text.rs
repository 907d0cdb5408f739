//! The one sanitizer every server string passes through before it reaches a terminal.
//!
//! Cloudreve accepts any byte sequence in names, nicknames, metadata and task summaries
//! (only `\ / : * ? " < > |` are refused), so a hostile user can plant terminal escape
//! sequences, bidi overrides or invisible characters in data that reve later prints.
//! `sanitize` renders every such character as a visible escape (`\x1b`, `\u{202e}`) so
//! nothing from the server is ever interpreted by the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Returns `s` unchanged when it is safe to print, otherwise a copy with every dangerous
/// character shown as an escape.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let chars: Vec<char> = s.chars().collect();
    if !chars
        .iter()
        .enumerate()
        .any(|(i, &c)| needs_escape(&chars, i, c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if needs_escape(&chars, i, c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `sanitize` into an owned `String` (for struct fields and `format!`).
pub fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

fn escape_into(out: &mut String, c: char) {
    let cp = c as u32;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ if cp < 0x80 => {
            let _ = write!(out, "\\x{cp:02x}");
        }
        _ => {
            let _ = write!(out, "\\u{{{cp:x}}}");
        }
    }
}

fn needs_escape(chars: &[char], i: usize, c: char) -> bool {
    let cp = c as u32;
    if cp < 0x20 || cp == 0x7f || (0x80..=0x9f).contains(&cp) {
        return true; // C0, DEL, C1 (CSI, OSC, ST ... as single code points)
    }
    if c == '\u{200d}' {
        // A zero-width joiner is legitimate inside an emoji sequence (👨‍👩‍👧); anywhere
        // else it only serves to hide or spoof text.
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        return !(prev.is_some_and(is_emoji_part) && next.is_some_and(is_emoji_part));
    }
    is_bidi_control(cp) || is_invisible(cp)
}

fn is_bidi_control(cp: u32) -> bool {
    matches!(cp, 0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
}

fn is_invisible(cp: u32) -> bool {
    matches!(
        cp,
        0x00ad | 0x115f | 0x1160 | 0x180e | 0x200b | 0x200c | 0x2028 | 0x2029 | 0x2060..=0x2064
            | 0x206a..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xe0000..=0xe007f
    )
}

fn is_emoji_part(c: char) -> bool {
    let cp = c as u32;
    matches!(cp, 0x1f000..=0x1faff | 0x2600..=0x27bf | 0x2300..=0x23ff | 0xfe0f)
        || c == '\u{2640}'
        || c == '\u{2642}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizer_table() {
        let cases: &[(&str, &str)] = &[
            ("plain.txt", "plain.txt"),
            ("a\x1b[31mred", "a\\x1b[31mred"),
            ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
            ("bell\x07", "bell\\x07"),
            ("nul\0byte", "nul\\x00byte"),
            ("csi\u{9b}2J", "csi\\u{9b}2J"),
            ("evil\u{202e}gpj.exe", "evil\\u{202e}gpj.exe"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
            ("line\nbreak\ttab", "line\\nbreak\\ttab"),
            ("日本語のファイル", "日本語のファイル"),
            (
                "family 👨\u{200d}👩\u{200d}👧",
                "family 👨\u{200d}👩\u{200d}👧",
            ),
            ("lonely\u{200d}joiner", "lonely\\u{200d}joiner"),
            ("del\x7f", "del\\x7f"),
            ("bom\u{feff}", "bom\\u{feff}"),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn safe_strings_are_borrowed() {
        assert!(matches!(sanitize("hello"), Cow::Borrowed(_)));
    }

    #[test]
    fn output_never_contains_control_characters() {
        let hostile: String = (0u32..0x250).filter_map(char::from_u32).collect();
        let out = sanitize(&hostile);
        assert!(
            !out.chars()
                .any(|c| (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)))
        );
    }
}
