//! The terminal's primary device attributes (DA1): `ESC [ c` is answered with
//! `ESC [ ? class ; ext ; … c`, and the extension `4` means sixel graphics.
//!
//! The answer is read from the tty byte by byte, only up to its final `c`, with a deadline:
//! a terminal that never answers costs the deadline, not a hung start-up, and the keys typed
//! after the answer stay for the input reader. An answer later than the deadline reaches the
//! input reader, whose parser drops device attribute replies.

use std::time::Duration;

/// Primary device attributes request.
pub const QUERY: &[u8] = b"\x1b[c";

/// How long the terminal has to answer.
pub const DEADLINE: Duration = Duration::from_millis(200);

/// The longest input read while waiting: typing cannot keep the probe reading.
const MAX_BYTES: usize = 256;

/// Finds the end of the answer in a stream of input bytes, which may also hold typed keys
/// (and other escape sequences such as arrow keys) before it.
#[derive(Debug, Default)]
struct Scanner {
    state: State,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Text,
    Escape,
    /// Inside `ESC [`; `private` once a `?` came first.
    Csi {
        private: bool,
        first: bool,
    },
}

impl Scanner {
    /// Takes one byte; true when it ended the answer.
    fn push(&mut self, byte: u8) -> bool {
        self.state = match (self.state, byte) {
            (_, 0x1b) => State::Escape,
            (State::Escape, b'[') => State::Csi {
                private: false,
                first: true,
            },
            (State::Csi { first: true, .. }, b'?') => State::Csi {
                private: true,
                first: false,
            },
            (State::Csi { private, .. }, 0x40..=0x7e) => {
                if private && byte == b'c' {
                    self.state = State::Text;
                    return true;
                }
                State::Text
            }
            (State::Csi { private, .. }, _) => State::Csi {
                private,
                first: false,
            },
            _ => State::Text,
        };
        false
    }
}

/// Reads input bytes from `next_byte` (`None`: no more input before the deadline) until the
/// answer is complete, and no further. Returns what was read.
pub fn read_answer(mut next_byte: impl FnMut() -> Option<u8>) -> Vec<u8> {
    let mut scanner = Scanner::default();
    let mut read = Vec::new();
    while read.len() < MAX_BYTES {
        let Some(byte) = next_byte() else { break };
        read.push(byte);
        if scanner.push(byte) {
            break;
        }
    }
    read
}

/// The parameters of the last complete answer (`ESC [ ? 62 ; 4 ; 22 c` → `[62, 4, 22]`) in
/// `input`; `None` for no answer, a cut-off one or garbage.
pub fn parse(input: &[u8]) -> Option<Vec<u16>> {
    let body = input.strip_suffix(b"c")?;
    let start = body.windows(3).rposition(|w| w == b"\x1b[?")?;
    let params = &body[start + 3..];
    if params.is_empty() {
        return None;
    }
    params
        .split(|&b| b == b';')
        .map(|p| std::str::from_utf8(p).ok()?.parse::<u16>().ok())
        .collect()
}

/// Whether the answer lists sixel graphics. The first parameter is the device class, not an
/// extension (a VT132 answers `?4;…`), so only the ones after it count.
pub fn advertises_sixel(answer: &[u8]) -> bool {
    parse(answer).is_some_and(|params| params.iter().skip(1).any(|&p| p == 4))
}

/// Asks the controlling terminal (raw mode must be on) and returns what it answered within
/// [`DEADLINE`]; empty when there is no terminal.
#[cfg(unix)]
pub fn ask_terminal() -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    use std::os::fd::AsRawFd as _;
    use std::time::Instant;

    let Ok(mut tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    else {
        return Vec::new();
    };
    if tty.write_all(QUERY).and_then(|()| tty.flush()).is_err() {
        return Vec::new();
    }
    let deadline = Instant::now() + DEADLINE;
    let fd = tty.as_raw_fd();
    read_answer(|| {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = libc::c_int::try_from(left.as_millis().max(1)).unwrap_or(1);
            // SAFETY: one valid pollfd for an open descriptor, count 1.
            let ready = unsafe { libc::poll(&mut poll, 1, millis) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return None;
            }
            if ready == 0 {
                return None;
            }
            // Readable: one byte at a time, so nothing after the answer is taken.
            let mut byte = [0u8];
            match tty.read(&mut byte) {
                Ok(1) => return Some(byte[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => return None,
            }
        }
    })
}

/// Without a Unix tty there is nothing to ask.
#[cfg(not(unix))]
pub fn ask_terminal() -> Vec<u8> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_answers_and_finds_sixel() {
        assert_eq!(parse(b"\x1b[?62;4;22c"), Some(vec![62, 4, 22]));
        assert!(advertises_sixel(b"\x1b[?62;4;22c"));
        assert!(advertises_sixel(b"\x1b[?65;1;4;6;22c"));
        assert!(!advertises_sixel(b"\x1b[?62;22c"));
        assert!(!advertises_sixel(b"\x1b[?64;14;22c"), "14 is not 4");
        // VT132: class 4, no sixel.
        assert!(!advertises_sixel(b"\x1b[?4;6c"));
        // Typed keys before the answer do not matter.
        assert!(advertises_sixel(b"ab\x1b[A\x1b[?63;4c"));
    }

    #[test]
    fn garbage_cut_off_and_silence_are_no_answer() {
        for input in [
            &b""[..],                   // timeout: nothing arrived
            b"\x1b[?62;4",              // cut off before the final c
            b"\x1b[?62;4;22",           // cut off
            b"hello c",                 // typed text
            b"\x1b[62;4c",              // not a private (?) answer
            b"\x1b[?c",                 // no parameters
            b"\x1b[?62;x4;22c",         // not numbers
            b"\x1b[?62;99999999;4c",    // out of range
            b"\x1b]11;rgb:0/0/0\x1b\\", // another reply
        ] {
            assert_eq!(parse(input), None, "{input:?}");
            assert!(!advertises_sixel(input), "{input:?}");
        }
    }

    #[test]
    fn reading_stops_at_the_end_of_the_answer() {
        // A typed key, an arrow key (its final byte is not `c`), a typed `c`, the answer, and
        // keys typed afterwards that must stay unread.
        let input = b"x\x1b[Ac\x1b[?62;4;22cqj";
        let mut bytes = input.iter().copied();
        let answer = read_answer(|| bytes.next());
        assert_eq!(answer, &input[..input.len() - 2]);
        assert!(advertises_sixel(&answer));
        assert_eq!(bytes.collect::<Vec<_>>(), b"qj");
    }

    #[test]
    fn silence_ends_the_read() {
        // The deadline passed after part of an answer: what came is returned, not an answer.
        let mut bytes = b"\x1b[?62;4".iter().copied();
        let read = read_answer(|| bytes.next());
        assert_eq!(read, b"\x1b[?62;4");
        assert!(!advertises_sixel(&read));
        // A stream of typing without an answer is cut off.
        let read = read_answer(|| Some(b'a'));
        assert_eq!(read.len(), MAX_BYTES);
    }
}
