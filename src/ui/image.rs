//! Pictures outside ratatui's buffer: the profile picture is printed with viuer over cells the
//! layout leaves blank, after the frame, and erased before a frame that no longer wants it.
//!
//! The terminal's graphics support is found once at start-up, before the input reader runs
//! (viuer's kitty probe reads the terminal's answer from stdin). Printing goes through
//! [`ImagePrinter`] so tests record the calls instead of writing escape sequences.

pub mod da1;
pub mod sixel;

use super::settings::Placement;
use crate::config::ImageProtocol;
use image::DynamicImage;
use ratatui::layout::Rect;
use std::io::Write as _;

/// How pictures are printed, once decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Kitty,
    Iterm,
    /// DEC sixel graphics, encoded by [`sixel`] (no libsixel needed).
    Sixel,
    /// Coloured half blocks: works everywhere, also inside tmux.
    Blocks,
    /// No pictures (`image_protocol = "off"`).
    Off,
}

/// What the environment says about the terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    pub in_tmux: bool,
    pub iterm: bool,
    /// The environment names a terminal that speaks the kitty graphics protocol (and answers
    /// the probe). Other terminals are not probed: one that never answers would leave the
    /// probe waiting on stdin forever.
    pub kitty_like: bool,
}

impl Terminal {
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Terminal {
        let set = |k: &str| var(k).is_some_and(|v| !v.is_empty());
        let iterm = var("TERM_PROGRAM").is_some_and(|t| t == "iTerm.app" || t == "WezTerm")
            || var("LC_TERMINAL").is_some_and(|t| t == "iTerm2");
        let kitty_like = set("KITTY_WINDOW_ID")
            || set("GHOSTTY_RESOURCES_DIR")
            || set("KONSOLE_VERSION")
            || var("TERM").is_some_and(|t| t.contains("kitty") || t.contains("ghostty"))
            || var("TERM_PROGRAM").is_some_and(|t| t == "WezTerm" || t == "ghostty");
        Terminal {
            in_tmux: set("TMUX"),
            iterm,
            kitty_like,
        }
    }
}

/// The protocol for `setting`. `auto` inside tmux means blocks: viuer does not wrap its
/// graphics sequences in tmux's passthrough, so tmux would swallow them. `kitty_probe` asks
/// the terminal; it runs for `kitty` (viuer prints kitty graphics only after a successful
/// probe, which must happen now, before the input reader owns stdin) and for `auto` in a
/// terminal that names itself kitty-capable. `device_attributes` asks the terminal for its
/// primary device attributes (the raw answer, empty without one; see [`da1`]); it runs for
/// `auto` outside tmux when neither iTerm2 nor kitty graphics were found, and an answer that
/// lists sixel means sixel. A named `sixel` is used without asking.
pub fn decide(
    setting: ImageProtocol,
    terminal: Terminal,
    kitty_probe: impl FnOnce() -> bool,
    device_attributes: impl FnOnce() -> Vec<u8>,
) -> Protocol {
    match setting {
        ImageProtocol::Off => Protocol::Off,
        ImageProtocol::Blocks => Protocol::Blocks,
        ImageProtocol::Sixel => Protocol::Sixel,
        ImageProtocol::Iterm => Protocol::Iterm,
        ImageProtocol::Kitty => {
            if kitty_probe() {
                Protocol::Kitty
            } else {
                Protocol::Blocks
            }
        }
        ImageProtocol::Auto if terminal.in_tmux => Protocol::Blocks,
        ImageProtocol::Auto if terminal.iterm => Protocol::Iterm,
        ImageProtocol::Auto => {
            if terminal.kitty_like && kitty_probe() {
                Protocol::Kitty
            } else if da1::advertises_sixel(&device_attributes()) {
                Protocol::Sixel
            } else {
                Protocol::Blocks
            }
        }
    }
}

/// Detects the protocol on the real terminal. Call with raw mode on and before anything else
/// reads stdin.
pub fn detect(setting: ImageProtocol) -> Protocol {
    let terminal = Terminal::from_env(|k| std::env::var(k).ok());
    let protocol = decide(
        setting,
        terminal,
        || viuer::get_kitty_support() != viuer::KittySupport::None,
        da1::ask_terminal,
    );
    tracing::info!("pictures: {protocol:?} (image_protocol = {setting:?}, {terminal:?})");
    protocol
}

/// Prints pictures at a place on the screen, and erases them.
pub trait ImagePrinter: Send {
    fn print(&mut self, area: Rect, image: &DynamicImage) -> std::io::Result<()>;
    fn erase(&mut self, area: Rect) -> std::io::Result<()>;
}

/// The printer for `protocol` on the real terminal.
pub fn terminal_printer(protocol: Protocol) -> Box<dyn ImagePrinter> {
    match protocol {
        Protocol::Sixel => Box::new(sixel::SixelPrinter::stdout()),
        _ => Box::new(ViuerPrinter { protocol }),
    }
}

/// Blanks over `area`: text replaces half blocks and sixel pixels alike.
fn write_blanks(out: &mut impl std::io::Write, area: Rect) -> std::io::Result<()> {
    let blank = " ".repeat(area.width as usize);
    for row in 0..area.height {
        crossterm::queue!(
            out,
            crossterm::cursor::MoveTo(area.x, area.y + row),
            crossterm::style::Print(&blank)
        )?;
    }
    Ok(())
}

/// Prints with viuer straight to the terminal (kitty, iTerm2, half blocks).
pub struct ViuerPrinter {
    pub protocol: Protocol,
}

impl ImagePrinter for ViuerPrinter {
    fn print(&mut self, area: Rect, image: &DynamicImage) -> std::io::Result<()> {
        if self.protocol == Protocol::Off || area.width == 0 || area.height == 0 {
            return Ok(());
        }
        let config = viuer::Config {
            transparent: false,
            absolute_offset: true,
            x: area.x,
            y: area.y as i16,
            restore_cursor: true,
            width: Some(u32::from(area.width)),
            height: Some(u32::from(area.height)),
            use_kitty: self.protocol == Protocol::Kitty,
            use_iterm: self.protocol == Protocol::Iterm,
            ..Default::default()
        };
        viuer::print(image, &config)
            .map(drop)
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    fn erase(&mut self, area: Rect) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        if self.protocol == Protocol::Kitty {
            // Delete every placement and its data (kitty graphics protocol, `a=d,d=A`).
            out.write_all(b"\x1b_Ga=d,d=A\x1b\\")?;
        }
        write_blanks(&mut out, area)?;
        out.flush()
    }
}

/// Prints nothing (tests that do not look at pictures, `image_protocol = "off"`).
pub struct NoPrinter;

impl ImagePrinter for NoPrinter {
    fn print(&mut self, _: Rect, _: &DynamicImage) -> std::io::Result<()> {
        Ok(())
    }
    fn erase(&mut self, _: Rect) -> std::io::Result<()> {
        Ok(())
    }
}

/// What is on the screen now, so a picture is printed once, not with every frame.
#[derive(Debug, Default)]
pub struct ImageSlot {
    shown: Option<(Rect, u64)>,
}

impl ImageSlot {
    /// Before a frame: erase the picture when the frame wants another one, another place, or
    /// none (the frame then draws over clean cells).
    pub fn before_frame(&mut self, wanted: Option<&Placement>, printer: &mut dyn ImagePrinter) {
        if let Some((area, generation)) = self.shown
            && wanted.map(|w| (w.area, w.generation)) != Some((area, generation))
        {
            if let Err(e) = printer.erase(area) {
                tracing::info!("cannot erase the picture: {e}");
            }
            self.shown = None;
        }
    }

    /// After a frame: print the wanted picture unless it is already there.
    pub fn after_frame(&mut self, wanted: Option<&Placement>, printer: &mut dyn ImagePrinter) {
        if let Some(w) = wanted
            && self.shown.is_none()
        {
            if let Err(e) = printer.print(w.area, &w.image) {
                tracing::info!("cannot show the picture: {e}");
            }
            // Marked as shown even after an error: retrying every frame would not help.
            self.shown = Some((w.area, w.generation));
        }
    }

    /// The screen was cleared or resized: the picture is gone or out of place.
    pub fn invalidate(&mut self, printer: &mut dyn ImagePrinter) {
        if let Some((area, _)) = self.shown.take()
            && let Err(e) = printer.erase(area)
        {
            tracing::info!("cannot erase the picture: {e}");
        }
    }

    pub fn is_shown(&self) -> bool {
        self.shown.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Terminal {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Terminal::from_env(move |k| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()))
    }

    /// The device attributes "answer" of a terminal that must not be asked.
    fn not_asked() -> Vec<u8> {
        panic!("device attributes asked")
    }

    const SIXEL_ANSWER: &[u8] = b"\x1b[?62;4;22c";
    const NO_SIXEL_ANSWER: &[u8] = b"\x1b[?62;22c";

    #[test]
    fn auto_picks_by_terminal_and_tmux_means_blocks() {
        let kitty = env(&[("TERM", "xterm-kitty")]);
        assert_eq!(
            decide(ImageProtocol::Auto, kitty, || true, not_asked),
            Protocol::Kitty
        );
        assert_eq!(
            decide(ImageProtocol::Auto, kitty, || false, Vec::new),
            Protocol::Blocks
        );
        // A terminal that does not say what it is gets no kitty probe.
        let plain = env(&[("TERM", "xterm-256color")]);
        assert_eq!(
            decide(ImageProtocol::Auto, plain, || panic!("probed"), Vec::new),
            Protocol::Blocks
        );
        let iterm = env(&[("TERM_PROGRAM", "iTerm.app")]);
        assert_eq!(
            decide(ImageProtocol::Auto, iterm, || false, not_asked),
            Protocol::Iterm
        );
        let tmux = env(&[
            ("TMUX", "/tmp/tmux-1000/default,1,0"),
            ("TERM_PROGRAM", "iTerm.app"),
        ]);
        let probed = std::cell::Cell::new(false);
        assert_eq!(
            decide(
                ImageProtocol::Auto,
                tmux,
                || {
                    probed.set(true);
                    true
                },
                || {
                    probed.set(true);
                    SIXEL_ANSWER.to_vec()
                }
            ),
            Protocol::Blocks
        );
        assert!(!probed.get(), "no probe inside tmux");
    }

    #[test]
    fn auto_asks_for_device_attributes_after_kitty_and_iterm() {
        let plain = env(&[("TERM", "xterm-256color")]);
        let answer = |a: &'static [u8]| move || a.to_vec();
        assert_eq!(
            decide(ImageProtocol::Auto, plain, || false, answer(SIXEL_ANSWER)),
            Protocol::Sixel
        );
        assert_eq!(
            decide(
                ImageProtocol::Auto,
                plain,
                || false,
                answer(NO_SIXEL_ANSWER)
            ),
            Protocol::Blocks
        );
        // No answer before the deadline, or garbage: blocks.
        assert_eq!(
            decide(ImageProtocol::Auto, plain, || false, Vec::new),
            Protocol::Blocks
        );
        assert_eq!(
            decide(ImageProtocol::Auto, plain, || false, answer(b"\x1b[?62;4")),
            Protocol::Blocks
        );
        // Konsole names itself kitty-capable and also speaks sixel: kitty when the probe
        // passes, sixel when it does not.
        let konsole = env(&[("KONSOLE_VERSION", "240202")]);
        assert_eq!(
            decide(ImageProtocol::Auto, konsole, || true, not_asked),
            Protocol::Kitty
        );
        assert_eq!(
            decide(ImageProtocol::Auto, konsole, || false, answer(SIXEL_ANSWER)),
            Protocol::Sixel
        );
        // Inside tmux the answer would be tmux's own: not asked.
        let tmux = env(&[("TMUX", "x")]);
        assert_eq!(
            decide(ImageProtocol::Auto, tmux, || false, not_asked),
            Protocol::Blocks
        );
    }

    #[test]
    fn a_named_protocol_wins() {
        let tmux = env(&[("TMUX", "x")]);
        assert_eq!(
            decide(ImageProtocol::Kitty, tmux, || true, not_asked),
            Protocol::Kitty
        );
        // Kitty named, but the terminal does not answer the probe: half blocks.
        assert_eq!(
            decide(ImageProtocol::Kitty, tmux, || false, not_asked),
            Protocol::Blocks
        );
        assert_eq!(
            decide(ImageProtocol::Iterm, tmux, || false, not_asked),
            Protocol::Iterm
        );
        assert_eq!(
            decide(ImageProtocol::Off, env(&[]), || true, not_asked),
            Protocol::Off
        );
        assert_eq!(
            decide(ImageProtocol::Blocks, env(&[]), || true, not_asked),
            Protocol::Blocks
        );
        // Sixel named: used without asking, also inside tmux.
        assert_eq!(
            decide(
                ImageProtocol::Sixel,
                env(&[]),
                || panic!("probed"),
                not_asked
            ),
            Protocol::Sixel
        );
        assert_eq!(
            decide(ImageProtocol::Sixel, tmux, || panic!("probed"), not_asked),
            Protocol::Sixel
        );
    }

    #[derive(Default)]
    struct Recorder(Vec<String>);

    impl ImagePrinter for Recorder {
        fn print(&mut self, area: Rect, image: &DynamicImage) -> std::io::Result<()> {
            self.0.push(format!(
                "print {area:?} {}x{}",
                image.width(),
                image.height()
            ));
            Ok(())
        }
        fn erase(&mut self, area: Rect) -> std::io::Result<()> {
            self.0.push(format!("erase {area:?}"));
            Ok(())
        }
    }

    fn placement(x: u16, generation: u64) -> Placement {
        Placement {
            area: Rect::new(x, 2, 16, 8),
            generation,
            image: std::sync::Arc::new(DynamicImage::new_rgb8(4, 4)),
        }
    }

    #[test]
    fn the_slot_prints_once_and_erases_on_change() {
        let mut slot = ImageSlot::default();
        let mut p = Recorder::default();
        let a = placement(1, 7);
        for _ in 0..3 {
            slot.before_frame(Some(&a), &mut p);
            slot.after_frame(Some(&a), &mut p);
        }
        assert_eq!(p.0.len(), 1, "printed once: {:?}", p.0);
        // A new picture: erase, then print.
        let b = placement(1, 8);
        slot.before_frame(Some(&b), &mut p);
        slot.after_frame(Some(&b), &mut p);
        assert_eq!(p.0.len(), 3);
        assert!(p.0[1].starts_with("erase"));
        // Leaving: erased before the frame, nothing printed after.
        slot.before_frame(None, &mut p);
        slot.after_frame(None, &mut p);
        assert_eq!(p.0.len(), 4);
        assert!(!slot.is_shown());
        // Back: printed again; a resize invalidates and prints once more.
        slot.before_frame(Some(&b), &mut p);
        slot.after_frame(Some(&b), &mut p);
        slot.invalidate(&mut p);
        slot.before_frame(Some(&b), &mut p);
        slot.after_frame(Some(&b), &mut p);
        let kinds: Vec<&str> = p.0.iter().map(|s| &s[..5]).collect();
        assert_eq!(
            kinds,
            [
                "print", "erase", "print", "erase", "print", "erase", "print"
            ]
        );
    }
}
