//! Remote names become local path components here, and only here.
//!
//! A Cloudreve name is any string without `\ / : * ? " < > |`, but a hostile or buggy server
//! can send anything: `..`, `/etc/passwd`, NUL, escape sequences. Every name that is about to
//! become part of a local path goes through [`check_local_name`]; a refused name is a clear
//! per-file error, never a silently "fixed" name. Two remote names that would land on one local
//! file (case-insensitive file systems) are found by [`Collisions`] and reported.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Longest name (in bytes) most file systems accept (ext4, APFS, NTFS in UTF-16 units).
pub const MAX_NAME_BYTES: usize = 255;

/// The rules of which file system family apply. Tests exercise both on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Unix,
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }
}

/// Why a name cannot be used as a local file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty name")]
    Empty,
    #[error("the name is `.` or `..`")]
    DotName,
    #[error("the name contains a path separator")]
    Separator,
    #[error("the name contains a NUL or control character")]
    Control,
    #[error("the name is longer than {MAX_NAME_BYTES} bytes")]
    TooLong,
    #[error(
        "the name looks like `.`/`..` or a separator once Unicode compatibility forms are folded"
    )]
    Lookalike,
    #[error("the name is reserved on Windows (device name, or trailing dot/space)")]
    Reserved,
    #[error("the name ends in .reve-part, which reve uses for unfinished downloads")]
    PartSuffix,
}

/// Suffix of unfinished downloads (files-and-transfers.md §6.3).
pub const PART_SUFFIX: &str = ".reve-part";

/// Checks that `name` is exactly one harmless path component on `platform`.
pub fn check_local_name(name: &str, platform: Platform) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name == "." || name == ".." {
        return Err(NameError::DotName);
    }
    if name.contains(['/', '\\']) {
        return Err(NameError::Separator);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::Control);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameError::TooLong);
    }
    let folded = fold_compatibility(name);
    if folded == "." || folded == ".." || folded.contains(['/', '\\']) {
        return Err(NameError::Lookalike);
    }
    if name.ends_with(PART_SUFFIX) {
        return Err(NameError::PartSuffix);
    }
    if platform == Platform::Windows && is_reserved_on_windows(name) {
        return Err(NameError::Reserved);
    }
    // Belt and braces: whatever the rules above miss, the standard library must see exactly
    // one normal component.
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(_)), None) => Ok(()),
        _ => Err(NameError::Separator),
    }
}

/// Maps the Unicode compatibility forms of `.`, `/` and `\` to ASCII, as NFKC normalisation
/// (done by some file systems, archivers and sync tools) would: `．．` must not become `..`
/// further down the line.
fn fold_compatibility(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{FF0E}' | '\u{FE52}' | '\u{2024}' => '.',
            '\u{FF0F}' | '\u{2215}' | '\u{2044}' | '\u{29F8}' => '/',
            '\u{FF3C}' | '\u{FE68}' | '\u{29F5}' | '\u{29F9}' => '\\',
            other => other,
        })
        .collect()
}

/// DOS device names (with or without an extension), names ending in a dot or a space, and the
/// characters Win32 refuses.
fn is_reserved_on_windows(name: &str) -> bool {
    const DEVICES: &[&str] = &["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
    if name.ends_with(['.', ' ']) || name.contains([':', '*', '?', '"', '<', '>', '|']) {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    let upper = stem.to_ascii_uppercase();
    if DEVICES.contains(&upper.as_str()) {
        return true;
    }
    // COM1–COM9 and LPT1–LPT9, also with superscript digits.
    let numbered = |prefix: &str| {
        upper.strip_prefix(prefix).is_some_and(|rest| {
            let mut chars = rest.chars();
            matches!(
                (chars.next(), chars.next()),
                (Some('1'..='9' | '¹' | '²' | '³'), None)
            )
        })
    };
    numbered("COM") || numbered("LPT")
}

/// `dir/name` after checking `name`; the result can never leave `dir`.
pub fn local_child(dir: &Path, name: &str) -> Result<PathBuf, NameError> {
    check_local_name(name, Platform::current())?;
    Ok(dir.join(name))
}

/// The `.reve-part` file next to `final_path`.
pub fn part_path(final_path: &Path) -> PathBuf {
    let mut name = final_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(PART_SUFFIX);
    final_path.with_file_name(name)
}

/// `name (n).ext` — the "rename"/"keep both" candidate the Cloudreve web UI also uses. The
/// extension is what follows the last dot, unless that dot starts the name (`.bashrc`).
pub fn numbered_name(name: &str, n: u32) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

/// The key under which two names land on the same file on `platform`'s usual file systems:
/// Windows and macOS fold case; Linux keeps names apart byte for byte.
pub fn collision_key(name: &str, platform: Platform, case_insensitive: bool) -> String {
    if case_insensitive || platform == Platform::Windows {
        name.to_lowercase()
    } else {
        name.to_string()
    }
}

/// Finds remote names in one folder that would map to the same local file.
#[derive(Debug)]
pub struct Collisions {
    platform: Platform,
    case_insensitive: bool,
    seen: HashMap<PathBuf, HashMap<String, String>>,
}

impl Collisions {
    pub fn new(platform: Platform) -> Collisions {
        Collisions {
            platform,
            // macOS's default APFS volumes fold case too.
            case_insensitive: cfg!(target_os = "macos"),
            seen: HashMap::new(),
        }
    }

    /// Registers `name` in `dir`; `Err(first)` names the earlier entry it collides with.
    pub fn claim(&mut self, dir: &Path, name: &str) -> Result<(), String> {
        let key = collision_key(name, self.platform, self.case_insensitive);
        let names = self.seen.entry(dir.to_path_buf()).or_default();
        match names.get(&key) {
            Some(first) => Err(first.clone()),
            None => {
                names.insert(key, name.to_string());
                Ok(())
            }
        }
    }
}

/// A local file name as UTF-8, for the remote side (Cloudreve names are strings).
pub fn utf8_name(path: &Path) -> Result<&str, String> {
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} has no file name", path.display()))?;
    name.to_str()
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))
}

/// Names Cloudreve refuses (`40052`): checked before creating a session so the error is clear.
pub fn check_remote_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err("empty, `.` or `..` names cannot be uploaded".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
    {
        return Err(format!("Cloudreve does not accept {c:?} in names"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_one_component() {
        use NameError::*;
        let long = "a".repeat(256);
        let table: &[(&str, Result<(), NameError>)] = &[
            ("report.txt", Ok(())),
            ("..", Err(DotName)),
            (".", Err(DotName)),
            ("../x", Err(Separator)),
            ("/etc/x", Err(Separator)),
            ("a\\b", Err(Separator)),
            ("a\0b", Err(Control)),
            ("bell\x07", Err(Control)),
            (&long, Err(TooLong)),
            ("．．", Err(Lookalike)),
            ("a／b", Err(Lookalike)),
            ("x.reve-part", Err(PartSuffix)),
            ("", Err(Empty)),
        ];
        for (name, want) in table {
            assert_eq!(&check_local_name(name, Platform::Unix), want, "{name:?}");
        }
        assert_eq!(check_local_name(&"é".repeat(127), Platform::Unix), Ok(()));
        assert_eq!(
            check_local_name(&"é".repeat(128), Platform::Unix),
            Err(TooLong)
        );
    }

    #[test]
    fn windows_reserved_names() {
        for name in [
            "CON", "con.txt", "LPT1", "com9.log", "a.", "b ", "x:y", "NUL ",
        ] {
            assert_eq!(
                check_local_name(name, Platform::Windows),
                Err(NameError::Reserved),
                "{name}"
            );
            assert!(
                name.contains(':') || check_local_name(name, Platform::Unix).is_ok(),
                "{name} is fine on Unix"
            );
        }
        for name in ["CONSOLE", "com10", "LPT", "a.b"] {
            assert_eq!(check_local_name(name, Platform::Windows), Ok(()), "{name}");
        }
    }

    #[test]
    fn numbered_names() {
        assert_eq!(numbered_name("a.txt", 1), "a (1).txt");
        assert_eq!(numbered_name("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered_name(".bashrc", 1), ".bashrc (1)");
        assert_eq!(numbered_name("Makefile", 3), "Makefile (3)");
    }

    #[test]
    fn part_files_sit_next_to_the_target() {
        assert_eq!(
            part_path(Path::new("/d/a.txt")),
            PathBuf::from("/d/a.txt.reve-part")
        );
    }

    #[test]
    fn collisions_are_reported() {
        let mut c = Collisions::new(Platform::Windows);
        let dir = Path::new("/d");
        assert!(c.claim(dir, "Report.TXT").is_ok());
        assert_eq!(c.claim(dir, "report.txt"), Err("Report.TXT".into()));
        assert!(c.claim(Path::new("/e"), "report.txt").is_ok());
        let mut unix = Collisions {
            platform: Platform::Unix,
            case_insensitive: false,
            seen: HashMap::new(),
        };
        assert!(unix.claim(dir, "A").is_ok());
        assert!(unix.claim(dir, "a").is_ok());
        assert!(unix.claim(dir, "a").is_err());
    }

    #[test]
    fn remote_name_rules() {
        assert!(check_remote_name("ok name.txt").is_ok());
        assert!(check_remote_name("a:b").is_err());
        assert!(check_remote_name("..").is_err());
    }
}
