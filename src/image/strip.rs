//! Removing metadata (EXIF, XMP, IPTC, comments, text chunks) without
//! touching the compressed pixels: whole JPEG segments, PNG chunks and WebP
//! chunks are dropped and everything else is copied byte for byte, so the
//! picture cannot change. The result is read back before it is returned:
//! no metadata left, and it decodes to exactly the same pixels. This is
//! the fix `image.location` findings point to (`gatepost strip`, the
//! StripMetadata call).

use super::container::{self, Format, JPEG_EXIF_ID, JpegPiece, PNG_SIGNATURE};
use super::decode::{self, DecodeError};
use super::meta;

/// An image with its metadata removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The cleaned file.
    pub bytes: Vec<u8>,
    /// Its format (unchanged).
    pub format: Format,
    /// What was removed, in file order: `EXIF`, `XMP`, `PNG tEXt`, ...
    pub removed: Vec<String>,
}

/// Why an image could not be stripped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StripError {
    /// Not JPEG, PNG or WebP.
    #[error("cannot strip metadata from a {0} file: only JPEG, PNG and WebP are supported")]
    Unsupported(&'static str),
    /// The container is damaged, so it cannot be rewritten safely.
    #[error("cannot strip metadata: {0}")]
    Malformed(#[from] container::WalkError),
    /// The image does not decode, so the result could not be verified.
    #[error("cannot strip metadata: the image could not be decoded: {0}")]
    Undecodable(DecodeError),
    /// Reading the result back failed: a bug, never expected.
    #[error("cannot strip metadata: the result failed verification ({0})")]
    Verify(&'static str),
}

/// Returns `bytes` with EXIF, XMP, IPTC, comments and text chunks removed,
/// pixels untouched. A JPEG's EXIF orientation, if not upright, is kept in
/// a minimal EXIF block holding nothing else, so the photo still displays
/// the right way up.
///
/// # Errors
///
/// [`StripError`] for unsupported formats, damaged containers, images that
/// do not decode, or a failed read-back.
pub fn strip(bytes: &[u8]) -> Result<Stripped, StripError> {
    let format = Format::sniff(bytes);
    let before = decode::full_pixels(bytes).map_err(StripError::Undecodable)?;
    let mut removed = Vec::new();
    let out = match format {
        Format::Jpeg => jpeg(bytes, &mut removed)?,
        Format::Png => png(bytes, &mut removed)?,
        Format::WebP => webp(bytes, &mut removed)?,
        f => return Err(StripError::Unsupported(f.name())),
    };
    let m = meta::read(&out);
    if !m.gps.is_empty() || !m.texts.is_empty() {
        return Err(StripError::Verify("metadata is still present"));
    }
    let after = decode::full_pixels(&out).map_err(|_| StripError::Verify("no longer decodes"))?;
    if after != before {
        return Err(StripError::Verify("the pixels changed"));
    }
    Ok(Stripped {
        bytes: out,
        format,
        removed,
    })
}

fn note(removed: &mut Vec<String>, what: String) {
    if !removed.contains(&what) {
        removed.push(what);
    }
}

fn jpeg(bytes: &[u8], removed: &mut Vec<String>) -> Result<Vec<u8>, StripError> {
    let walk = container::jpeg_pieces(bytes, false);
    if let Some(e) = walk.error {
        return Err(e.into());
    }
    let orientation = orientation(meta_exif_orientation(bytes));
    let mut out = Vec::with_capacity(bytes.len());
    let mut inserted = orientation.is_none();
    for (i, piece) in walk.pieces.iter().enumerate() {
        let raw = match piece {
            JpegPiece::Raw(r) => r,
            JpegPiece::Segment(s) => {
                let keep = match s.marker {
                    0xE0 => true,
                    0xE2 => s.payload.starts_with(b"ICC_PROFILE\0"),
                    0xEE => s.payload.starts_with(b"Adobe"),
                    0xE1..=0xEF | 0xFE => false,
                    _ => true,
                };
                if !keep {
                    let what = match s.marker {
                        0xE1 if s.payload.starts_with(JPEG_EXIF_ID) => "EXIF".to_string(),
                        0xE1 if s.payload.starts_with(b"http://ns.adobe.com/") => "XMP".to_string(),
                        0xED => "IPTC (Photoshop APP13)".to_string(),
                        0xFE => "JPEG comment".to_string(),
                        m => format!("APP{}", m - 0xE0),
                    };
                    note(removed, what);
                    continue;
                }
                s.raw
            }
        };
        out.extend_from_slice(raw);
        // Right after SOI (and APP0, if that comes next).
        let next_is_app0 =
            matches!(walk.pieces.get(i + 1), Some(JpegPiece::Segment(s)) if s.marker == 0xE0);
        if !inserted && !next_is_app0 {
            if let Some(seg) = &orientation {
                out.extend_from_slice(seg);
            }
            inserted = true;
        }
    }
    Ok(out)
}

fn meta_exif_orientation(bytes: &[u8]) -> Option<u16> {
    let walk = container::jpeg_pieces(bytes, true);
    for piece in walk.pieces {
        if let JpegPiece::Segment(s) = piece
            && s.marker == 0xE1
            && s.payload.starts_with(JPEG_EXIF_ID)
        {
            let exif = exif::Reader::new()
                .continue_on_error(true)
                .read_raw(s.payload[JPEG_EXIF_ID.len()..].to_vec())
                .or_else(|e| e.distill_partial_result(|_| {}))
                .ok()?;
            let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
            return field.value.get_uint(0).and_then(|v| u16::try_from(v).ok());
        }
    }
    None
}

/// A minimal APP1 EXIF segment holding only the orientation, when it is
/// one of the seven non-upright values.
fn orientation(value: Option<u16>) -> Option<Vec<u8>> {
    let v = value.filter(|v| (2..=8).contains(v))?;
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&v.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + JPEG_EXIF_ID.len() + tiff.len()) as u16).to_be_bytes());
    seg.extend_from_slice(JPEG_EXIF_ID);
    seg.extend_from_slice(&tiff);
    Some(seg)
}

/// PNG chunks kept: the critical ones and those that change how pixels
/// look or animate. Everything else (eXIf, tEXt, zTXt, iTXt, tIME and
/// private chunks) is dropped.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI",
];

fn png(bytes: &[u8], removed: &mut Vec<String>) -> Result<Vec<u8>, StripError> {
    let walk = container::png_chunks(bytes);
    if let Some(e) = walk.error {
        return Err(e.into());
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    for c in walk.pieces {
        if PNG_KEEP.contains(&&c.kind) {
            out.extend_from_slice(c.raw);
        } else {
            note(removed, format!("PNG {}", String::from_utf8_lossy(&c.kind)));
        }
    }
    Ok(out)
}

/// WebP chunks kept; EXIF, XMP and unknown chunks are dropped.
const WEBP_KEEP: &[&[u8; 4]] = &[
    b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

fn webp(bytes: &[u8], removed: &mut Vec<String>) -> Result<Vec<u8>, StripError> {
    let walk = container::webp_chunks(bytes);
    if let Some(e) = walk.error {
        return Err(e.into());
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    for c in walk.pieces {
        if !WEBP_KEEP.contains(&&c.kind) {
            let name = String::from_utf8_lossy(&c.kind).trim_end().to_string();
            note(removed, format!("WebP {name}"));
            continue;
        }
        let at = out.len();
        out.extend_from_slice(c.raw);
        if &c.kind == b"VP8X" && c.data.len() >= 10 {
            // Flags: clear EXIF (0x08) and XMP (0x04).
            out[at + 8] &= !0x0C;
        }
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| StripError::Verify("too large"))?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}
