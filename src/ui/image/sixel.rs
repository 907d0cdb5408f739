//! Sixel pictures, encoded in Rust (icy_sixel) so the build needs no libsixel.
//!
//! Sixel draws real pixels, so the picture is scaled to the reserved cells' size in pixels.
//! Text written over sixel pixels replaces them: erasing is writing blanks over the cells.

use super::{ImagePrinter, write_blanks};
use image::DynamicImage;
use image::imageops::FilterType;
use ratatui::layout::Rect;
use std::io::Write;

/// Sixel draws in bands of six pixel rows; a picture whose height is a multiple of six ends
/// exactly where its last band ends.
const BAND: u32 = 6;

/// The size of one cell in pixels and the screen's height in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics {
    pub cell_width: u32,
    pub cell_height: u32,
    pub screen_rows: u16,
}

impl Metrics {
    /// A common cell size, for terminals that do not report their size in pixels.
    pub const FALLBACK_CELL: (u32, u32) = (10, 20);

    /// Asks the terminal (`TIOCGWINSZ`); pixel sizes of 0 mean "not reported".
    pub fn from_terminal() -> Metrics {
        let (mut cell_width, mut cell_height) = Self::FALLBACK_CELL;
        let mut screen_rows = u16::MAX;
        if let Ok(size) = crossterm::terminal::window_size() {
            if size.columns > 0 && size.rows > 0 && size.width > 0 && size.height > 0 {
                cell_width = u32::from(size.width / size.columns).max(1);
                cell_height = u32::from(size.height / size.rows).max(1);
            }
            if size.rows > 0 {
                screen_rows = size.rows;
            }
        }
        Metrics {
            cell_width,
            cell_height,
            screen_rows,
        }
    }

    /// The largest picture, in pixels, that stays inside `area`. Its height is a whole number
    /// of sixel bands, so the last band does not reach into the row below; an area that ends
    /// on the screen's last row gives up that row, because some terminals put the cursor on
    /// the line after the picture and would scroll the screen.
    pub fn pixel_box(&self, area: Rect) -> (u32, u32) {
        let mut rows = u32::from(area.height);
        if u32::from(area.y) + rows >= u32::from(self.screen_rows) {
            rows = rows.saturating_sub(1);
        }
        let width = u32::from(area.width) * self.cell_width;
        let height = rows * self.cell_height / BAND * BAND;
        (width, height)
    }
}

/// Prints sixel pictures into `out` (the terminal, or a `Vec<u8>` in tests).
pub struct SixelPrinter<W> {
    out: W,
    /// Fixed metrics (tests); `None` asks the terminal at every print, since a resize can
    /// change the cell size.
    metrics: Option<Metrics>,
}

impl SixelPrinter<std::io::Stdout> {
    pub fn stdout() -> Self {
        SixelPrinter {
            out: std::io::stdout(),
            metrics: None,
        }
    }
}

impl<W: Write> SixelPrinter<W> {
    pub fn with_metrics(out: W, metrics: Metrics) -> Self {
        SixelPrinter {
            out,
            metrics: Some(metrics),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The picture scaled to fit `(width, height)` pixels (aspect ratio kept) as a sixel
/// sequence (`ESC P … q … ESC \`).
pub fn encode(image: &DynamicImage, (width, height): (u32, u32)) -> std::io::Result<String> {
    if width == 0 || height == 0 || image.width() == 0 || image.height() == 0 {
        return Err(std::io::Error::other("no room for the picture"));
    }
    let scaled = image.resize(width, height, FilterType::Triangle).to_rgba8();
    let (w, h) = scaled.dimensions();
    icy_sixel::SixelImage::from_rgba(scaled.into_raw(), w as usize, h as usize)
        .encode()
        .map_err(|e| std::io::Error::other(format!("cannot encode the picture: {e}")))
}

impl<W: Write + Send> ImagePrinter for SixelPrinter<W> {
    fn print(&mut self, area: Rect, image: &DynamicImage) -> std::io::Result<()> {
        if area.width == 0 || area.height == 0 {
            return Ok(());
        }
        let metrics = self.metrics.unwrap_or_else(Metrics::from_terminal);
        let pixel_box = metrics.pixel_box(area);
        if pixel_box.1 == 0 {
            return Ok(());
        }
        let sixel = encode(image, pixel_box)?;
        crossterm::queue!(
            self.out,
            crossterm::cursor::SavePosition,
            crossterm::cursor::MoveTo(area.x, area.y),
            crossterm::style::Print(sixel),
            crossterm::cursor::RestorePosition
        )?;
        self.out.flush()
    }

    fn erase(&mut self, area: Rect) -> std::io::Result<()> {
        write_blanks(&mut self.out, area)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METRICS: Metrics = Metrics {
        cell_width: 10,
        cell_height: 20,
        screen_rows: 24,
    };

    fn rainbow(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 40) as u8, (y * 40) as u8, 128])
        }))
    }

    #[test]
    fn prints_a_sixel_at_the_area_and_puts_the_cursor_back() {
        let mut printer = SixelPrinter::with_metrics(Vec::new(), METRICS);
        printer
            .print(Rect::new(3, 2, 16, 8), &rainbow(6, 6))
            .unwrap();
        let out = String::from_utf8(printer.into_inner()).unwrap();
        // Save the cursor, go to row 3, column 4 (1-based), the sixel, restore the cursor.
        let start = "\x1b7\x1b[3;4H\x1bP";
        assert!(out.starts_with(start), "{out:?}");
        let sixel = &out["\x1b7\x1b[3;4H".len()..];
        let dcs_header_end = sixel.find('q').expect("sixel introducer");
        assert!(
            sixel[2..dcs_header_end]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b';'),
            "{out:?}"
        );
        assert!(out.ends_with("\x1b\\\x1b8"), "{out:?}");
    }

    #[test]
    fn the_picture_fits_the_area_in_pixels() {
        let area = Rect::new(1, 2, 16, 8);
        // 16 columns × 10 px, 8 rows × 20 px = 160, already whole bands (156 is the largest
        // multiple of 6 not above 160).
        assert_eq!(METRICS.pixel_box(area), (160, 156));
        // The sixel itself declares its size in its raster attributes ("Pan;Pad;Ph;Pv).
        let sixel = encode(&rainbow(300, 300), METRICS.pixel_box(area)).unwrap();
        let decoded = icy_sixel::SixelImage::decode(sixel.as_bytes()).unwrap();
        assert!(
            decoded.width <= 160 && decoded.height <= 156,
            "{}x{}",
            decoded.width,
            decoded.height
        );
        assert_eq!((decoded.width, decoded.height), (156, 156));
        // A wide picture is limited by the width, and its bands still end inside the area.
        let sixel = encode(&rainbow(400, 100), METRICS.pixel_box(area)).unwrap();
        let decoded = icy_sixel::SixelImage::decode(sixel.as_bytes()).unwrap();
        assert_eq!(decoded.width, 160);
        assert!(
            decoded.height.div_ceil(6) * 6 <= 160,
            "{}x{}",
            decoded.width,
            decoded.height
        );
    }

    #[test]
    fn an_area_on_the_last_row_leaves_that_row_free() {
        // Rows 16..24 of a 24-row screen: the picture gets 7 rows, no scrolling.
        let bottom = Rect::new(0, 16, 4, 8);
        assert_eq!(METRICS.pixel_box(bottom), (40, 7 * 20 / 6 * 6));
        let mut printer = SixelPrinter::with_metrics(Vec::new(), METRICS);
        // A single row at the bottom leaves no room: nothing is written.
        printer
            .print(Rect::new(0, 23, 4, 1), &rainbow(4, 4))
            .unwrap();
        assert!(printer.into_inner().is_empty());
    }

    #[test]
    fn erasing_writes_blanks_over_the_area() {
        let mut printer = SixelPrinter::with_metrics(Vec::new(), METRICS);
        printer.erase(Rect::new(2, 5, 3, 2)).unwrap();
        let out = String::from_utf8(printer.into_inner()).unwrap();
        assert_eq!(out, "\x1b[6;3H   \x1b[7;3H   ");
    }
}
