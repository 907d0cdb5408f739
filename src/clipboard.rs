//! Copying to the clipboard of the terminal the user sits at, with the OSC 52 escape sequence.
//!
//! OSC 52 travels with the terminal's output, so it works over SSH and inside multiplexers
//! where no local clipboard tool could reach the user's desktop. The text is sent as base64,
//! so whatever it contains (a share URL is server data) no raw byte of it ever reaches the
//! terminal: the payload alphabet is `A–Z a–z 0–9 + / =` only.
//!
//! The TUI writes [`osc52_sequence`] through its own backend; the CLI uses [`copy_to_terminal`].
//! A config switch (`osc52 = false`) turns copying off for terminals that misbehave.

use base64::Engine as _;
use std::io::Write;

/// Largest text sent: terminals cap OSC 52 payloads (hterm and others at about 100,000 base64
/// characters), and a longer one would be dropped silently.
pub const MAX_COPY_BYTES: usize = 74_994;

/// Chunk length screen accepts inside one DCS passthrough string (its buffer is 768 bytes;
/// 76 is what other OSC 52 tools use).
const SCREEN_CHUNK: usize = 76;

/// How the sequence must be wrapped to reach the outer terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passthrough {
    /// Straight to the terminal.
    None,
    /// tmux: a DCS `tmux;` string with every ESC doubled (needs `allow-passthrough` on tmux ≥
    /// 3.3, or `set-clipboard on`, which tmux handles itself).
    Tmux,
    /// GNU screen: DCS strings of at most [`SCREEN_CHUNK`] payload bytes each.
    Screen,
}

impl Passthrough {
    /// From the environment: `$TMUX` means tmux; `$STY` (or a `screen*` `$TERM` without tmux)
    /// means screen.
    pub fn detect() -> Passthrough {
        Passthrough::from_env(|key| std::env::var(key).ok())
    }

    /// [`Passthrough::detect`] with an injectable environment (for tests).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Passthrough {
        let set = |key: &str| var(key).is_some_and(|v| !v.is_empty());
        if set("TMUX") {
            Passthrough::Tmux
        } else if set("STY") || var("TERM").is_some_and(|t| t.starts_with("screen")) {
            Passthrough::Screen
        } else {
            Passthrough::None
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClipboardError {
    #[error("copying to the clipboard is turned off (osc52 = false in config.toml)")]
    Disabled,
    #[error(
        "the text is too long for the terminal clipboard ({0} bytes, at most {MAX_COPY_BYTES})"
    )]
    TooLong(usize),
    #[error("no terminal to send the clipboard sequence to")]
    NoTerminal,
    #[error("cannot write to the terminal: {0}")]
    Io(String),
}

/// The escape sequence that sets the clipboard (`c`) to `text`, wrapped for `passthrough`.
pub fn osc52_sequence(text: &str, passthrough: Passthrough) -> Result<String, ClipboardError> {
    if text.len() > MAX_COPY_BYTES {
        return Err(ClipboardError::TooLong(text.len()));
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    Ok(match passthrough {
        Passthrough::None => format!("\x1b]52;c;{payload}\x07"),
        // Inside the DCS string every ESC of the inner sequence is doubled; the inner
        // sequence has a single ESC (its start), and base64 contains none.
        Passthrough::Tmux => format!("\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\"),
        Passthrough::Screen => {
            let chunks: Vec<&str> = payload
                .as_bytes()
                .chunks(SCREEN_CHUNK)
                // base64 is ASCII, so every chunk boundary is a char boundary.
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect();
            format!("\x1bP\x1b]52;c;{}\x07\x1b\\", chunks.join("\x1b\\\x1bP"))
        }
    })
}

/// Writes the sequence for `text` to `out` (a terminal), unless copying is turned off.
pub fn copy_to(
    out: &mut dyn Write,
    text: &str,
    enabled: bool,
    passthrough: Passthrough,
) -> Result<(), ClipboardError> {
    if !enabled {
        return Err(ClipboardError::Disabled);
    }
    let seq = osc52_sequence(text, passthrough)?;
    out.write_all(seq.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| ClipboardError::Io(e.to_string()))
}

/// For the CLI: sends the sequence to the controlling terminal (`/dev/tty`), so it works
/// even when standard output is a pipe; falls back to standard error when that is a terminal.
pub fn copy_to_terminal(text: &str, enabled: bool) -> Result<(), ClipboardError> {
    use std::io::IsTerminal as _;
    if !enabled {
        return Err(ClipboardError::Disabled);
    }
    let passthrough = Passthrough::detect();
    #[cfg(unix)]
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        return copy_to(&mut tty, text, enabled, passthrough);
    }
    let mut err = std::io::stderr();
    if !err.is_terminal() {
        return Err(ClipboardError::NoTerminal);
    }
    copy_to(&mut err, text, enabled, passthrough)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload_of(seq: &str) -> &str {
        let start = seq.find("52;c;").expect("OSC 52 header") + 5;
        let end = seq[start..].find('\x07').expect("BEL terminator") + start;
        &seq[start..end]
    }

    #[test]
    fn plain_sequence_is_base64_between_header_and_bel() {
        let seq = osc52_sequence("https://x.example/s/Ab12/pw", Passthrough::None).unwrap();
        assert_eq!(seq, "\x1b]52;c;aHR0cHM6Ly94LmV4YW1wbGUvcy9BYjEyL3B3\x07");
    }

    #[test]
    fn hostile_text_never_reaches_the_terminal_raw() {
        let hostile = "a\x1b]52;c;evil\x07\x1b[2J\u{202e}\r\n\x00b";
        for pass in [Passthrough::None, Passthrough::Tmux, Passthrough::Screen] {
            let seq = osc52_sequence(hostile, pass).unwrap();
            let payload = payload_of(&seq).replace("\x1b\\\x1bP", "");
            assert!(
                payload
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='),
                "{pass:?}: {seq:?}"
            );
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&payload)
                .unwrap();
            assert_eq!(decoded, hostile.as_bytes());
            // Exactly one BEL, the terminator: nothing from the text can end the sequence early.
            assert_eq!(seq.matches('\x07').count(), 1, "{pass:?}");
            assert!(!seq.contains('\u{202e}') && !seq.contains('\r') && !seq.contains('\0'));
        }
    }

    #[test]
    fn tmux_wraps_in_dcs_with_doubled_escape() {
        let seq = osc52_sequence("hi", Passthrough::Tmux).unwrap();
        assert_eq!(seq, "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
    }

    #[test]
    fn screen_splits_long_payloads_into_dcs_chunks() {
        let text = "x".repeat(200); // 268 base64 characters → 4 chunks
        let seq = osc52_sequence(&text, Passthrough::Screen).unwrap();
        assert!(seq.starts_with("\x1bP\x1b]52;c;") && seq.ends_with("\x07\x1b\\"));
        assert_eq!(seq.matches("\x1bP").count(), 4);
        for piece in seq.split("\x1b\\\x1bP") {
            assert!(piece.len() <= SCREEN_CHUNK + 12, "{piece:?}");
        }
    }

    #[test]
    fn passthrough_follows_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Passthrough::from_env(env(&[("TMUX", "/tmp/tmux-0/default,1,0")])),
            Passthrough::Tmux
        );
        assert_eq!(
            Passthrough::from_env(env(&[("TMUX", "/t"), ("TERM", "screen-256color")])),
            Passthrough::Tmux
        );
        assert_eq!(
            Passthrough::from_env(env(&[("STY", "123.pts-0")])),
            Passthrough::Screen
        );
        assert_eq!(
            Passthrough::from_env(env(&[("TERM", "xterm-256color")])),
            Passthrough::None
        );
        assert_eq!(
            Passthrough::from_env(env(&[("TMUX", "")])),
            Passthrough::None
        );
    }

    #[test]
    fn switch_off_and_size_limit() {
        let mut out = Vec::new();
        assert_eq!(
            copy_to(&mut out, "x", false, Passthrough::None),
            Err(ClipboardError::Disabled)
        );
        assert!(out.is_empty(), "nothing is written when turned off");
        let long = "y".repeat(MAX_COPY_BYTES + 1);
        assert_eq!(
            osc52_sequence(&long, Passthrough::None),
            Err(ClipboardError::TooLong(MAX_COPY_BYTES + 1))
        );
        copy_to(&mut out, "ok", true, Passthrough::None).unwrap();
        assert_eq!(out, b"\x1b]52;c;b2s=\x07");
    }
}
