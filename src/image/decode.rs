//! The one front door for pixels. Every check works on the same small
//! greyscale copy made here: the declared size is checked against the
//! limits *before* any pixel buffer is allocated, the file is decoded once
//! (JPEG straight to luma, skipping chroma and colour conversion), and
//! downscaled once.
//! `image::open` and `image::load_from_memory` are banned in `clippy.toml`
//! so nothing can bypass the limits by accident.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader, Limits};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::container::Format;

/// Widest or tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Most pixels accepted (a 48-megapixel phone photo fits).
pub const MAX_PIXELS: u64 = 64_000_000;
/// Most pixels accepted in a non-JPEG file (decoded in colour at full size).
pub const MAX_OTHER_PIXELS: u64 = 32_000_000;
/// Most memory a non-JPEG decoder may allocate (JPEGs decode to luma).
pub const MAX_ALLOC: u64 = 160 << 20;
/// The long side of the shared working copy, in pixels.
pub const WORK_SIDE: u32 = 768;

/// A decoded image, reduced to the greyscale working copy every check uses.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The file's format.
    pub format: Format,
    /// The original width, in pixels.
    pub width: u32,
    /// The original height, in pixels.
    pub height: u32,
    /// The working copy: long side at most [`WORK_SIDE`], aspect kept.
    pub grey: GrayImage,
}

impl Decoded {
    /// Original pixels per working-copy pixel (≥ 1).
    pub fn scale(&self) -> f32 {
        self.width as f32 / self.grey.width().max(1) as f32
    }
}

/// Why an image could not be decoded. Each reads as the end of "could not
/// be checked because ...".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A format Gatepost does not decode.
    #[error("it is not a JPEG, PNG, WebP or GIF file (it looks like {0})")]
    Unsupported(&'static str),
    /// The declared size is over the limits.
    #[error("it declares {width}×{height} pixels, more than Gatepost decodes")]
    TooLarge {
        /// Declared width.
        width: u64,
        /// Declared height.
        height: u64,
    },
    /// The declared size is zero.
    #[error("it declares an empty picture")]
    Empty,
    /// The file is damaged or cut short.
    #[error("the file is damaged or cut short ({0})")]
    Corrupt(String),
}

fn check_size(width: u64, height: u64) -> Result<(), DecodeError> {
    if width == 0 || height == 0 {
        return Err(DecodeError::Empty);
    }
    if width > u64::from(MAX_SIDE) || height > u64::from(MAX_SIDE) || width * height > MAX_PIXELS {
        return Err(DecodeError::TooLarge { width, height });
    }
    Ok(())
}

/// Decodes an image through the limits and makes the working copy.
///
/// # Errors
///
/// [`DecodeError`] for unsupported, oversized, empty or damaged files.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_to(bytes, WORK_SIDE)
}

/// As [`decode`], with the working copy's long side at most `side`
/// (0 keeps the full size; the pack uses it for logos).
///
/// # Errors
///
/// As [`decode`].
pub fn decode_to(bytes: &[u8], side: u32) -> Result<Decoded, DecodeError> {
    guarded(|| decode_to_unguarded(bytes, side))
}

/// Runs a decode, turning a panic inside a third-party decoder into
/// [`DecodeError::Corrupt`], so every caller (screening, the pack loader,
/// `strip`) fails closed instead of crashing on hostile bytes. Fuzzing
/// found zune-jpeg overflowing on a crafted file (`fuzz/README.md`).
fn guarded<T>(decode: impl FnOnce() -> Result<T, DecodeError>) -> Result<T, DecodeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode))
        .unwrap_or_else(|_| Err(DecodeError::Corrupt("the decoder failed".into())))
}

fn decode_to_unguarded(bytes: &[u8], side: u32) -> Result<Decoded, DecodeError> {
    let format = Format::sniff(bytes);
    let (width, height, grey) = match format {
        Format::Jpeg => jpeg(bytes, side)?,
        Format::Png | Format::WebP | Format::Gif => other(bytes, format)?,
        f => return Err(DecodeError::Unsupported(f.name())),
    };
    let grey = if side == 0 { grey } else { shrink(&grey, side) };
    Ok(Decoded {
        format,
        width,
        height,
        grey,
    })
}

fn zune(bytes: &[u8], colour: ColorSpace) -> zune_jpeg::JpegDecoder<ZCursor<&[u8]>> {
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize)
        .jpeg_set_out_colorspace(colour);
    zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
}

fn jpeg_corrupt(e: zune_jpeg::errors::DecodeErrors) -> DecodeError {
    DecodeError::Corrupt(e.to_string())
}

/// Reads a JPEG's header and checks its declared size.
fn jpeg_header(d: &mut zune_jpeg::JpegDecoder<ZCursor<&[u8]>>) -> Result<(u32, u32), DecodeError> {
    d.decode_headers().map_err(|e| match e {
        zune_jpeg::errors::DecodeErrors::LargeDimensions(_) => DecodeError::TooLarge {
            width: 0,
            height: 0,
        },
        e => jpeg_corrupt(e),
    })?;
    let info = d
        .info()
        .ok_or_else(|| DecodeError::Corrupt("no frame header".into()))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_size(w.into(), h.into())?;
    Ok((w, h))
}

/// JPEG: zune-jpeg decodes straight to luma (no chroma upsampling or
/// colour conversion), then an integer box filter shrinks it to within
/// twice the working size. zune-jpeg's Huffman decoder is fast enough that
/// this beats jpeg-decoder's scaled IDCT (see `notes/image-bench.md`).
fn jpeg(bytes: &[u8], side: u32) -> Result<(u32, u32, GrayImage), DecodeError> {
    let mut d = zune(bytes, ColorSpace::Luma);
    let (w, h) = jpeg_header(&mut d)?;
    if !has_end_of_image(bytes) {
        return Err(DecodeError::Corrupt("no end-of-image marker".into()));
    }
    let pixels = d.decode().map_err(jpeg_corrupt)?;
    let n = w as usize * h as usize;
    let grey = if pixels.len() == n {
        pixels
    } else if pixels.len() == n * 3 {
        pixels
            .chunks_exact(3)
            .map(|c| luma(c[0], c[1], c[2]))
            .collect()
    } else if pixels.len() == n * 4 {
        pixels.chunks_exact(4).map(|c| c[0]).collect()
    } else {
        return Err(DecodeError::Corrupt("unexpected pixel layout".into()));
    };
    let img = GrayImage::from_raw(w, h, grey)
        .ok_or_else(|| DecodeError::Corrupt("pixel buffer size".into()))?;
    // Never by more than the short side: a 20000×2 strip reduces by 2 here
    // and is shrunk the rest of the way below.
    let k = w.max(h).checked_div(side).unwrap_or(1).min(w.min(h));
    let img = if k >= 2 { box_reduce(&img, k) } else { img };
    Ok((w, h, img))
}

/// Whether an EOI marker follows the first scan header. Inside scan data
/// 0xFF is always followed by 0x00 or a restart marker, so an 0xFF 0xD9
/// there can only be the end; a file cut anywhere after the header has
/// none (data appended after the EOI does not hide a cut before it).
fn has_end_of_image(bytes: &[u8]) -> bool {
    let walk = super::container::jpeg_pieces(bytes, true);
    let Some(super::container::JpegPiece::Segment(sos)) = walk.pieces.last() else {
        return false;
    };
    if sos.marker != 0xDA {
        return false;
    }
    let start = sos.raw.as_ptr() as usize - bytes.as_ptr() as usize + sos.raw.len();
    bytes
        .get(start..)
        .is_some_and(|scan| scan.windows(2).rev().any(|w| w == [0xFF, 0xD9]))
}

/// Averages each `k`×`k` block into one pixel (the edge remainder is
/// dropped). Rows are summed first, then columns, so both loops vectorise.
fn box_reduce(img: &GrayImage, k: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (nw, nh) = ((w / k).max(1), (h / k).max(1));
    let (w, k) = (w as usize, k as usize);
    let src = img.as_raw();
    let mut rows = vec![0u16; w];
    let mut out = Vec::with_capacity(nw as usize * nh as usize);
    let area = (k * k) as u32;
    for oy in 0..nh as usize {
        rows.iter_mut().for_each(|a| *a = 0);
        for y in oy * k..(oy + 1) * k {
            for (a, &p) in rows.iter_mut().zip(&src[y * w..(y + 1) * w]) {
                *a += u16::from(p);
            }
        }
        out.extend(rows.chunks_exact(k).take(nw as usize).map(|c| {
            let sum: u32 = c.iter().map(|&v| u32::from(v)).sum();
            ((sum + area / 2) / area) as u8
        }));
    }
    GrayImage::from_raw(nw, nh, out).unwrap_or_else(|| GrayImage::new(nw, nh))
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
}

fn other(bytes: &[u8], format: Format) -> Result<(u32, u32, GrayImage), DecodeError> {
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => DecodeError::Corrupt("over the memory limit".into()),
        e => DecodeError::Corrupt(e.to_string()),
    };
    let reader = limited_reader(bytes)?;
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => DecodeError::TooLarge {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(_) => DecodeError::Unsupported(format.name()),
        e => DecodeError::Corrupt(e.to_string()),
    })?;
    let (w, h) = decoder.dimensions();
    check_size(w.into(), h.into())?;
    if u64::from(w) * u64::from(h) > MAX_OTHER_PIXELS {
        return Err(DecodeError::TooLarge {
            width: w.into(),
            height: h.into(),
        });
    }
    let img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    let grey = match img {
        DynamicImage::ImageLuma8(g) => g,
        DynamicImage::ImageRgba8(rgba) => {
            // Transparent pixels count as white, as most sites show them.
            let (w, h) = rgba.dimensions();
            let px = rgba
                .pixels()
                .map(|p| {
                    let [r, g, b, a] = p.0;
                    let l = u32::from(luma(r, g, b));
                    ((l * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8
                })
                .collect();
            GrayImage::from_raw(w, h, px).ok_or_else(|| DecodeError::Corrupt("size".into()))?
        }
        other => other.to_luma8(),
    };
    Ok((w, h, grey))
}

/// Turns a decoded image the way its EXIF orientation (1–8) says it is
/// shown, so faces are upright and boxes are in displayed pixels.
pub fn orient(mut d: Decoded, orientation: u16) -> Decoded {
    use image::imageops::{flip_horizontal, flip_vertical, rotate90, rotate180, rotate270};
    let g = &d.grey;
    let grey = match orientation {
        2 => flip_horizontal(g),
        3 => rotate180(g),
        4 => flip_vertical(g),
        5 => rotate270(&flip_horizontal(g)),
        6 => rotate90(g),
        7 => rotate90(&flip_horizontal(g)),
        8 => rotate270(g),
        _ => return d,
    };
    if orientation >= 5 {
        std::mem::swap(&mut d.width, &mut d.height);
    }
    d.grey = grey;
    d
}

/// Decodes a pack logo: the working copy (long side at most `side`) and,
/// for formats with transparency, its alpha channel at the same size.
///
/// # Errors
///
/// As [`decode`].
pub fn decode_with_alpha(
    bytes: &[u8],
    side: u32,
) -> Result<(Decoded, Option<GrayImage>), DecodeError> {
    guarded(|| decode_with_alpha_unguarded(bytes, side))
}

fn decode_with_alpha_unguarded(
    bytes: &[u8],
    side: u32,
) -> Result<(Decoded, Option<GrayImage>), DecodeError> {
    let decoded = decode_to_unguarded(bytes, side)?;
    let format = decoded.format;
    if !matches!(format, Format::Png | Format::WebP | Format::Gif) {
        return Ok((decoded, None));
    }
    let reader = limited_reader(bytes)?;
    let decoder = reader
        .into_decoder()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if !decoder.color_type().has_alpha() {
        return Ok((decoded, None));
    }
    let img = DynamicImage::from_decoder(decoder)
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?
        .to_rgba8();
    let (w, h) = img.dimensions();
    let alpha = GrayImage::from_fn(w, h, |x, y| image::Luma([img.get_pixel(x, y).0[3]]));
    let (gw, gh) = decoded.grey.dimensions();
    let alpha = if (gw, gh) == (w, h) {
        alpha
    } else {
        resize_area(&alpha, gw, gh)
    };
    Ok((decoded, Some(alpha)))
}

/// Decodes every pixel at full size in the file's own colour layout,
/// through the same limits. Used to prove a stripped file still shows
/// exactly the same picture.
///
/// # Errors
///
/// As [`decode`].
pub fn full_pixels(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    guarded(|| full_pixels_unguarded(bytes))
}

fn full_pixels_unguarded(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    match Format::sniff(bytes) {
        Format::Jpeg => {
            let mut d = zune(bytes, ColorSpace::RGB);
            jpeg_header(&mut d)?;
            d.decode().map_err(jpeg_corrupt)
        }
        Format::Png | Format::WebP | Format::Gif => {
            let reader = limited_reader(bytes)?;
            let decoder = reader
                .into_decoder()
                .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
            let (w, h) = decoder.dimensions();
            check_size(w.into(), h.into())?;
            let img = DynamicImage::from_decoder(decoder)
                .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
            Ok(img.into_bytes())
        }
        f => Err(DecodeError::Unsupported(f.name())),
    }
}

/// Shrinks a greyscale image so its long side is at most `side`, by area
/// averaging (every source pixel counts, in proportion to its overlap).
pub fn shrink(src: &GrayImage, side: u32) -> GrayImage {
    let (w, h) = src.dimensions();
    let long = w.max(h);
    if long <= side || side == 0 {
        return src.clone();
    }
    let nw = ((u64::from(w) * u64::from(side)) / u64::from(long)).max(1) as u32;
    let nh = ((u64::from(h) * u64::from(side)) / u64::from(long)).max(1) as u32;
    resize_area(src, nw, nh)
}

/// Resamples to exactly `nw`×`nh` by area averaging (for shrinking) or
/// bilinear-like coverage (for growing: each output pixel takes its
/// nearest source pixels).
pub fn resize_area(src: &GrayImage, nw: u32, nh: u32) -> GrayImage {
    let (w, h) = src.dimensions();
    let xs = weights(w, nw);
    let ys = weights(h, nh);
    let s = src.as_raw();
    // Horizontal pass into f32 rows.
    let mut tmp = vec![0f32; nw as usize * h as usize];
    for y in 0..h as usize {
        let row = &s[y * w as usize..(y + 1) * w as usize];
        let out = &mut tmp[y * nw as usize..(y + 1) * nw as usize];
        for (o, taps) in out.iter_mut().zip(&xs) {
            *o = taps.iter().map(|&(i, wt)| f32::from(row[i]) * wt).sum();
        }
    }
    let mut out = vec![0u8; nw as usize * nh as usize];
    let mut acc = vec![0f32; nw as usize];
    for (oy, taps) in ys.iter().enumerate() {
        acc.iter_mut().for_each(|a| *a = 0.0);
        for &(iy, wt) in taps {
            let row = &tmp[iy * nw as usize..(iy + 1) * nw as usize];
            for (a, &v) in acc.iter_mut().zip(row) {
                *a += v * wt;
            }
        }
        for (o, &a) in out[oy * nw as usize..(oy + 1) * nw as usize]
            .iter_mut()
            .zip(&acc)
        {
            *o = (a + 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out).unwrap_or_else(|| GrayImage::new(nw, nh))
}

/// For each output index, the source indices and weights (summing to 1).
fn weights(src: u32, dst: u32) -> Vec<Vec<(usize, f32)>> {
    let ratio = src as f64 / dst as f64;
    (0..dst)
        .map(|o| {
            if ratio <= 1.0 {
                // Growing: linear interpolation between neighbours.
                let c = ((o as f64 + 0.5) * ratio - 0.5).clamp(0.0, (src - 1) as f64);
                let i = c.floor() as usize;
                let f = (c - i as f64) as f32;
                let j = (i + 1).min(src as usize - 1);
                if j == i {
                    vec![(i, 1.0)]
                } else {
                    vec![(i, 1.0 - f), (j, f)]
                }
            } else {
                let a = o as f64 * ratio;
                let b = (a + ratio).min(src as f64);
                let mut taps = Vec::with_capacity(ratio.ceil() as usize + 1);
                let mut i = a.floor() as usize;
                while (i as f64) < b {
                    let lo = a.max(i as f64);
                    let hi = b.min(i as f64 + 1.0);
                    if hi > lo {
                        taps.push((i, ((hi - lo) / ratio) as f32));
                    }
                    i += 1;
                }
                taps
            }
        })
        .collect()
}

/// The only way a non-JPEG decoder is made: the format guessed from the
/// bytes, and the size and allocation limits set before anything decodes.
fn limited_reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, DecodeError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    Ok(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_keeps_mean_and_aspect() {
        let img = GrayImage::from_fn(300, 200, |x, _| {
            image::Luma([if x < 150 { 0 } else { 200 }])
        });
        let s = shrink(&img, 90);
        assert_eq!(s.dimensions(), (90, 60));
        let mean: f64 = s.pixels().map(|p| f64::from(p.0[0])).sum::<f64>() / (90.0 * 60.0);
        assert!((mean - 100.0).abs() < 1.5, "{mean}");
    }

    #[test]
    fn refuses_garbage_and_unknown() {
        assert!(matches!(decode(b"hello"), Err(DecodeError::Unsupported(_))));
        assert!(decode(b"\xFF\xD8\xFF\xE0\0\x10JFIF").is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\n").is_err());
        assert!(decode(b"II*\0").is_err());
    }
}
