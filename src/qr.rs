//! QR codes drawn with Unicode half blocks (`▀ ▄ █`): one text row holds two module rows, so a
//! share URL fits in about 20 lines. Used for share links and the 2FA `otpauth://` URI.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code. The standard asks for 4; 2 keeps the code small in a
/// terminal and phone scanners read it fine.
const QUIET_ZONE: usize = 2;

/// How the modules are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrStyle {
    /// Plain text for a dark terminal background: the *light* modules are drawn as blocks.
    /// No escape sequences (safe to pipe).
    DarkBackground,
    /// Explicit black on white with SGR colours: reads right on any background.
    Colored,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot make a QR code: {0}")]
pub struct QrError(String);

/// The QR code of `text` as lines of half blocks, each ending in `\n`.
pub fn render(text: &str, style: QrStyle) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
        .map_err(|e| QrError(e.to_string()))?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let dark = |x: usize, y: usize| -> bool {
        let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&x)
            && (QUIET_ZONE..QUIET_ZONE + width).contains(&y);
        inside && colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark
    };
    // Which modules get "ink" (the foreground colour of the block characters).
    let inked = |x: usize, y: usize| -> bool {
        match style {
            QrStyle::DarkBackground => y < size && !dark(x, y),
            QrStyle::Colored => y < size && dark(x, y),
        }
    };
    let mut out = String::new();
    for y in (0..size).step_by(2) {
        if style == QrStyle::Colored {
            out.push_str("\x1b[30;107m");
        }
        for x in 0..size {
            out.push(match (inked(x, y), inked(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        if style == QrStyle::Colored {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the module matrix back from a `DarkBackground` rendering.
    fn modules(rendered: &str) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in rendered.lines() {
            let (top, bottom): (Vec<bool>, Vec<bool>) = line
                .chars()
                .map(|c| match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                })
                .unzip();
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    #[test]
    fn renders_the_code_modules() {
        let url = "http://127.0.0.1:5212/s/Ab12/pw";
        let text = render(url, QrStyle::DarkBackground).unwrap();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L).unwrap();
        let size = code.width() + 2 * QUIET_ZONE;
        assert_eq!(text.lines().count(), size.div_ceil(2));
        assert!(text.lines().all(|l| l.chars().count() == size));
        let grid = modules(&text);
        let colors = code.to_colors();
        for y in 0..code.width() {
            for x in 0..code.width() {
                let light = colors[y * code.width() + x] == Color::Light;
                assert_eq!(grid[y + QUIET_ZONE][x + QUIET_ZONE], light, "({x},{y})");
            }
        }
        // The quiet zone is light all around (inked in this style).
        assert!(grid[0].iter().all(|&m| m));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn colored_style_wraps_each_line() {
        let text = render("otpauth://totp/x?secret=ABC", QrStyle::Colored).unwrap();
        for line in text.lines() {
            assert!(line.starts_with("\x1b[30;107m") && line.ends_with("\x1b[0m"));
        }
    }

    #[test]
    fn too_long_is_an_error() {
        assert!(render(&"x".repeat(8000), QrStyle::DarkBackground).is_err());
    }
}
