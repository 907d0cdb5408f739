//! The profile picture pipeline: decode with limits, centre-crop to a square, scale down,
//! encode PNG (session-and-user.md §6.3). Shared by the CLI (`reve avatar`) and the settings
//! screen; it does no terminal I/O.
//!
//! Every decode first reads the dimensions from the header and refuses oversized images before
//! any pixel buffer exists, so a small "decompression bomb" file (a 20000×20000 PNG of a few
//! kilobytes) costs nothing. The decoder then runs with [`image::Limits`] as a second fence.

use crate::api::user::MAX_AVATAR_UPLOAD;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader};
use std::io::Cursor;

/// Largest side of an uploaded picture (the server stores 200×200; 512 leaves room for
/// servers configured larger, well under the 4 MiB limit).
pub const MAX_UPLOAD_SIDE: u32 = 512;
/// Largest side accepted from any source.
pub const MAX_SIDE: u32 = 16_384;
/// Largest picture accepted (50 megapixels: a big phone photo; the server refuses over 64).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Largest encoded file read into memory.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;
/// Memory the decoder may use.
const MAX_DECODE_ALLOC: u64 = 256 << 20;
/// Largest picture downloaded from a third party (Gravatar answers are small).
pub const MAX_REMOTE_BYTES: usize = 8 << 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AvatarError {
    #[error("the file is too big ({0} bytes; at most {MAX_INPUT_BYTES})")]
    FileTooBig(u64),
    #[error(
        "the image is too large ({width}×{height}; at most {MAX_SIDE} pixels a side and {} megapixels)",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge { width: u32, height: u32 },
    #[error("not a PNG, JPEG, GIF or WebP image")]
    UnknownFormat,
    #[error("cannot decode the {format} image: {reason}")]
    Corrupt { format: String, reason: String },
    #[error("the encoded picture is {0} bytes, over the server's 4 MiB limit")]
    EncodedTooBig(usize),
    #[error("cannot encode the picture: {0}")]
    Encode(String),
    #[error("cannot fetch the picture: {0}")]
    Fetch(String),
}

/// A picture ready for `PUT /user/setting/avatar` (send as `image/png`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedAvatar {
    pub png: Vec<u8>,
    /// Width = height.
    pub side: u32,
}

/// The formats an avatar may come in.
fn accepted(format: ImageFormat) -> bool {
    matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP
    )
}

fn format_name(format: ImageFormat) -> String {
    format
        .extensions_str()
        .first()
        .map(|e| e.to_uppercase())
        .unwrap_or_else(|| format!("{format:?}"))
}

/// A reader over an in-memory picture.
type MemReader<'a> = ImageReader<Cursor<&'a [u8]>>;

fn reader(bytes: &[u8]) -> Result<(MemReader<'_>, ImageFormat), AvatarError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| AvatarError::UnknownFormat)?;
    match reader.format() {
        Some(f) if accepted(f) => Ok((reader, f)),
        _ => Err(AvatarError::UnknownFormat),
    }
}

fn check_dimensions(width: u32, height: u32) -> Result<(), AvatarError> {
    let too_large = width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || width == 0
        || height == 0;
    if too_large {
        return Err(AvatarError::TooLarge { width, height });
    }
    Ok(())
}

/// Format and dimensions from the header only (no pixel is decoded).
pub fn probe(bytes: &[u8]) -> Result<(ImageFormat, u32, u32), AvatarError> {
    let (reader, format) = reader(bytes)?;
    let (width, height) = reader.into_dimensions().map_err(|e| AvatarError::Corrupt {
        format: format_name(format),
        reason: e.to_string(),
    })?;
    Ok((format, width, height))
}

/// Decodes a PNG, JPEG, GIF (first frame) or WebP picture within the size limits.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, AvatarError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(AvatarError::FileTooBig(bytes.len() as u64));
    }
    let (format, width, height) = probe(bytes)?;
    check_dimensions(width, height)?;
    let (mut reader, _) = reader(bytes)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|e| AvatarError::Corrupt {
        format: format_name(format),
        reason: e.to_string(),
    })
}

/// The largest centred square of `img` (the server would stretch a non-square picture).
pub fn centre_square(img: &DynamicImage) -> DynamicImage {
    let side = img.width().min(img.height());
    let x = (img.width() - side) / 2;
    let y = (img.height() - side) / 2;
    img.crop_imm(x, y, side, side)
}

/// Square, at most `max_side` a side (never enlarged).
pub fn square_at_most(img: &DynamicImage, max_side: u32) -> DynamicImage {
    let square = centre_square(img);
    if square.width() > max_side {
        square.resize_exact(max_side, max_side, FilterType::Triangle)
    } else {
        square
    }
}

/// PNG bytes of `img` (8-bit RGB, or RGBA when the picture has transparency).
pub fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, AvatarError> {
    let normalized = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let mut out = Cursor::new(Vec::new());
    normalized
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| AvatarError::Encode(e.to_string()))?;
    Ok(out.into_inner())
}

/// The whole upload pipeline: decode → centre square → at most 512×512 → PNG under 4 MiB.
pub fn prepare_upload(bytes: &[u8]) -> Result<PreparedAvatar, AvatarError> {
    let img = decode(bytes)?;
    let square = square_at_most(&img, MAX_UPLOAD_SIDE);
    let png = encode_png(&square)?;
    if png.len() > MAX_AVATAR_UPLOAD {
        return Err(AvatarError::EncodedTooBig(png.len()));
    }
    Ok(PreparedAvatar {
        png,
        side: square.width(),
    })
}

/// Reads a local picture, refusing huge files before reading them.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, std::io::Error> {
    let len = std::fs::metadata(path)?.len();
    if len > MAX_INPUT_BYTES {
        return Err(std::io::Error::other(AvatarError::FileTooBig(len)));
    }
    std::fs::read(path)
}

/// Up to two initials for the placeholder shown when there is no picture (or Gravatar is
/// unreachable): the first letter of the first two words, upper-cased; `?` for none.
/// Only alphanumeric characters are taken, so the result is always safe to print.
pub fn initials(nickname: &str) -> String {
    let letters: String = nickname
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_' || c == '-' || c == '@')
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".into()
    } else {
        letters
    }
}

/// Fetches a third-party picture (the Gravatar URL of a `302`) **without** any Cloudreve
/// credential, with a short timeout and a size cap. Only `http`/`https` URLs are followed.
pub async fn fetch_external(
    url: &str,
    timeout: std::time::Duration,
) -> Result<Vec<u8>, AvatarError> {
    let parsed = url::Url::parse(url).map_err(|e| AvatarError::Fetch(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(AvatarError::Fetch(format!(
            "unsupported URL scheme {:?}",
            parsed.scheme()
        )));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(crate::api::USER_AGENT)
        .build()
        .map_err(|e| AvatarError::Fetch(e.to_string()))?;
    let mut resp = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| AvatarError::Fetch(e.without_url().to_string()))?;
    if !resp.status().is_success() {
        return Err(AvatarError::Fetch(format!(
            "HTTP {}",
            resp.status().as_u16()
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| AvatarError::Fetch(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > MAX_REMOTE_BYTES {
            return Err(AvatarError::Fetch("the picture is too big".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView as _, Rgb, RgbImage};

    fn png_of(img: &RgbImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// Left half red, right half blue.
    fn halves(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        })
    }

    #[test]
    fn non_square_is_centre_cropped() {
        // 400×100, red then blue halves: the centre 100×100 straddles the boundary.
        let prepared = prepare_upload(&png_of(&halves(400, 100))).unwrap();
        assert_eq!(prepared.side, 100);
        let img = image::load_from_memory(&prepared.png).unwrap();
        assert_eq!(img.dimensions(), (100, 100));
        assert_eq!(img.get_pixel(10, 50).0[..3], [255, 0, 0]);
        assert_eq!(img.get_pixel(90, 50).0[..3], [0, 0, 255]);
        // Tall pictures keep their middle too.
        let tall = RgbImage::from_fn(30, 90, |_, y| Rgb([(y / 30) as u8 * 100, 0, 0]));
        let sq = centre_square(&DynamicImage::ImageRgb8(tall));
        assert_eq!(sq.dimensions(), (30, 30));
        assert_eq!(sq.get_pixel(0, 0).0[0], 100);
    }

    #[test]
    fn large_is_scaled_to_512() {
        let big = RgbImage::from_fn(2000, 1500, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 7])
        });
        let prepared = prepare_upload(&png_of(&big)).unwrap();
        assert_eq!(prepared.side, MAX_UPLOAD_SIDE);
        let (format, w, h) = probe(&prepared.png).unwrap();
        assert_eq!((format, w, h), (ImageFormat::Png, 512, 512));
        // Small pictures are not enlarged.
        assert_eq!(prepare_upload(&png_of(&halves(64, 64))).unwrap().side, 64);
    }

    #[test]
    fn output_is_png_under_4_mib_even_for_noise() {
        // Random noise compresses worst: 512×512 RGBA noise is the largest possible output.
        let mut seed = 0x2545_f491_u32;
        let noise = image::RgbaImage::from_fn(900, 900, |_, _| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            image::Rgba(seed.to_le_bytes())
        });
        let mut src = Cursor::new(Vec::new());
        noise.write_to(&mut src, ImageFormat::Png).unwrap();
        let prepared = prepare_upload(&src.into_inner()).unwrap();
        assert!(prepared.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(
            prepared.png.len() < MAX_AVATAR_UPLOAD,
            "{}",
            prepared.png.len()
        );
        assert_eq!(prepared.side, 512);
    }

    #[test]
    fn other_formats_are_accepted() {
        let img = DynamicImage::ImageRgb8(halves(120, 80));
        for format in [ImageFormat::Jpeg, ImageFormat::Gif, ImageFormat::WebP] {
            let mut out = Cursor::new(Vec::new());
            img.write_to(&mut out, format).unwrap();
            let prepared = prepare_upload(&out.into_inner()).unwrap();
            assert_eq!(prepared.side, 80, "{format:?}");
        }
    }

    #[test]
    fn corrupt_input_is_an_error() {
        assert_eq!(
            prepare_upload(b"definitely not an image"),
            Err(AvatarError::UnknownFormat)
        );
        assert_eq!(prepare_upload(b""), Err(AvatarError::UnknownFormat));
        // A real PNG header followed by garbage.
        let mut truncated = png_of(&halves(50, 50));
        truncated.truncate(60);
        match prepare_upload(&truncated) {
            Err(AvatarError::Corrupt { format, .. }) => assert_eq!(format, "PNG"),
            other => panic!("{other:?}"),
        }
        // BMP decodes elsewhere but is not an avatar format here.
        assert_eq!(
            prepare_upload(b"BM\x1e\0\0\0\0\0\0\0\x1a\0\0\0"),
            Err(AvatarError::UnknownFormat)
        );
    }

    /// CRC-32 (IEEE) for hand-made PNG chunks.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }

    /// A 20000×20000 greyscale PNG header with a tiny IDAT: 400 megapixels claimed in ~60 bytes.
    fn bomb() -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&20_000u32.to_be_bytes());
        ihdr.extend_from_slice(&20_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        // zlib header + an empty stored block: decoding would start allocating rows.
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1],
        ));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn bomb_is_refused_from_its_header() {
        let bomb = bomb();
        assert!(bomb.len() < 100);
        assert_eq!(probe(&bomb).unwrap(), (ImageFormat::Png, 20_000, 20_000));
        let err = decode(&bomb).unwrap_err();
        assert_eq!(
            err,
            AvatarError::TooLarge {
                width: 20_000,
                height: 20_000
            }
        );
        assert!(err.to_string().contains("20000×20000"), "{err}");
        assert!(prepare_upload(&bomb).is_err());
    }

    #[test]
    fn megapixel_limit_applies_below_the_side_limit() {
        assert!(check_dimensions(16_000, 16_000).is_err());
        assert!(check_dimensions(8_000, 6_000).is_ok());
        assert!(check_dimensions(0, 10).is_err());
    }

    #[test]
    fn initials_are_safe_letters() {
        assert_eq!(initials("Demo User"), "DU");
        assert_eq!(initials("alice"), "A");
        assert_eq!(initials("jean-luc picard"), "JL");
        assert_eq!(initials("\x1b[31m évil"), "3É");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("\u{202e}"), "?");
    }
}
