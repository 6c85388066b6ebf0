//! The one front door for pixels. Every check works on the same small
//! greyscale copy made here: the declared size is checked against the
//! limits *before* any pixel buffer is allocated, the file is decoded once
//! (JPEG with the decoder's own 1/2, 1/4 or 1/8 scaled IDCT, so a
//! 12-megapixel photo never exists at full size), and downscaled once.
//! `image::open` and `image::load_from_memory` are banned in `clippy.toml`
//! so nothing can bypass the limits by accident.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader, Limits};

use super::container::Format;

/// Widest or tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Most pixels accepted (a 48-megapixel phone photo fits).
pub const MAX_PIXELS: u64 = 64_000_000;
/// Most memory a non-JPEG decoder may allocate (JPEGs decode scaled).
pub const MAX_ALLOC: u64 = 192 << 20;
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

fn jpeg(bytes: &[u8], side: u32) -> Result<(u32, u32, GrayImage), DecodeError> {
    let corrupt = |e: jpeg_decoder::Error| DecodeError::Corrupt(e.to_string());
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    d.read_info().map_err(corrupt)?;
    let info = d
        .info()
        .ok_or_else(|| DecodeError::Corrupt("no frame header".into()))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_size(w.into(), h.into())?;
    if side > 0 {
        let long = w.max(h);
        if long > side {
            let rw = ((u64::from(w) * u64::from(side)).div_ceil(u64::from(long))).max(1);
            let rh = ((u64::from(h) * u64::from(side)).div_ceil(u64::from(long))).max(1);
            d.scale(rw as u16, rh as u16).map_err(corrupt)?;
        }
    }
    let pixels = d.decode().map_err(corrupt)?;
    let info = d
        .info()
        .ok_or_else(|| DecodeError::Corrupt("no frame header".into()))?;
    let (ow, oh) = (u32::from(info.width), u32::from(info.height));
    let n = ow as usize * oh as usize;
    use jpeg_decoder::PixelFormat as P;
    let grey: Vec<u8> = match info.pixel_format {
        P::L8 => pixels,
        P::L16 => pixels.chunks_exact(2).map(|c| c[0]).collect(),
        P::RGB24 => pixels
            .chunks_exact(3)
            .map(|c| luma(c[0], c[1], c[2]))
            .collect(),
        P::CMYK32 => pixels
            .chunks_exact(4)
            .map(|c| {
                // jpeg-decoder returns CMYK inverted as Adobe writes it.
                let k = u16::from(c[3]);
                let ch = |x: u8| ((u16::from(x) * k) / 255) as u8;
                luma(ch(c[0]), ch(c[1]), ch(c[2]))
            })
            .collect(),
    };
    if grey.len() < n {
        return Err(DecodeError::Corrupt("short pixel data".into()));
    }
    let mut grey = grey;
    grey.truncate(n);
    let img = GrayImage::from_raw(ow, oh, grey)
        .ok_or_else(|| DecodeError::Corrupt("pixel buffer size".into()))?;
    Ok((w, h, img))
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
}

fn other(bytes: &[u8], format: Format) -> Result<(u32, u32, GrayImage), DecodeError> {
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => DecodeError::Corrupt("over the memory limit".into()),
        e => DecodeError::Corrupt(e.to_string()),
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
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
    let decoded = decode_to(bytes, side)?;
    let format = decoded.format;
    if !matches!(format, Format::Png | Format::WebP | Format::Gif) {
        return Ok((decoded, None));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
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
    match Format::sniff(bytes) {
        Format::Jpeg => {
            let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
            d.read_info()
                .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
            let info = d
                .info()
                .ok_or_else(|| DecodeError::Corrupt("no frame header".into()))?;
            check_size(info.width.into(), info.height.into())?;
            d.decode().map_err(|e| DecodeError::Corrupt(e.to_string()))
        }
        Format::Png | Format::WebP | Format::Gif => {
            let mut reader = ImageReader::new(Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
            let mut limits = Limits::default();
            limits.max_image_width = Some(MAX_SIDE);
            limits.max_image_height = Some(MAX_SIDE);
            limits.max_alloc = Some(MAX_ALLOC);
            reader.limits(limits);
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
