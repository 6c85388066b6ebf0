//! The file formats Gatepost knows and their metadata-bearing pieces: JPEG
//! marker segments, PNG chunks and WebP (RIFF) chunks. Both [`super::meta`]
//! (which reads metadata) and [`super::strip`] (which removes it) walk files
//! through here, so they agree on what a piece is. Walking never decodes
//! pixels and never trusts a length beyond the bytes actually present.

/// A file format, from its leading bytes (the declared media type is not
/// trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG / JFIF / EXIF.
    Jpeg,
    /// PNG (and APNG).
    Png,
    /// WebP (RIFF container).
    WebP,
    /// GIF87a / GIF89a.
    Gif,
    /// TIFF (either byte order).
    Tiff,
    /// HEIF / HEIC / AVIF (ISO base media file format).
    Heif,
    /// Anything else.
    Unknown,
}

impl Format {
    /// Recognises a format from the first bytes of a file.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Format::Jpeg
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Format::Png
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Format::WebP
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Format::Gif
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Format::Tiff
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(
                &bytes[8..12],
                b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
            )
        {
            Format::Heif
        } else {
            Format::Unknown
        }
    }

    /// The media type: `image/jpeg`, ... (`application/octet-stream` if unknown).
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
            Format::Tiff => "image/tiff",
            Format::Heif => "image/heif",
            Format::Unknown => "application/octet-stream",
        }
    }

    /// A short name for reasons: "JPEG", "PNG", ...
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
            Format::Tiff => "TIFF",
            Format::Heif => "HEIF",
            Format::Unknown => "unknown",
        }
    }
}

/// The eight bytes every PNG starts with.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// One JPEG marker segment before or between scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The marker byte (`0xE1` for APP1, ...).
    pub marker: u8,
    /// The whole segment, marker and length included.
    pub raw: &'a [u8],
    /// The payload after the length field.
    pub payload: &'a [u8],
}

/// A piece of a JPEG file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JpegPiece<'a> {
    /// A marker segment with a length (APPn, COM, DQT, SOFn, DHT, SOS header...).
    Segment(Segment<'a>),
    /// Bytes copied as they are: SOI, entropy-coded data with its RSTn
    /// markers, EOI.
    Raw(&'a [u8]),
}

/// Why a container could not be walked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// The file ends inside a segment or chunk.
    #[error("the file is cut short (truncated {0})")]
    Truncated(&'static str),
    /// The structure is not what the format requires.
    #[error("the file is malformed ({0})")]
    Malformed(&'static str),
}

/// What a walk found, and why it stopped early if it did: metadata
/// readers use the pieces before the damage, [`super::strip`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk<T> {
    /// The pieces, in file order.
    pub pieces: Vec<T>,
    /// Set when the file ended early or was malformed.
    pub error: Option<WalkError>,
}

/// Splits a JPEG into pieces, up to and including EOI (or, with
/// `header_only`, up to the first scan header: all metadata precedes it).
/// Anything after EOI (appended thumbnails, other files) is not returned.
pub fn jpeg_pieces(bytes: &[u8], header_only: bool) -> Walk<JpegPiece<'_>> {
    let mut pieces = Vec::new();
    let error = jpeg_walk(bytes, header_only, &mut pieces).err();
    Walk { pieces, error }
}

fn jpeg_walk<'a>(
    bytes: &'a [u8],
    header_only: bool,
    out: &mut Vec<JpegPiece<'a>>,
) -> Result<(), WalkError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(WalkError::Malformed("no JPEG start marker"));
    }
    out.push(JpegPiece::Raw(&bytes[..2]));
    let mut i = 2;
    loop {
        // Fill bytes (0xFF) may pad before a marker.
        while i + 1 < bytes.len() && bytes[i] == 0xFF && bytes[i + 1] == 0xFF {
            i += 1;
        }
        if i + 2 > bytes.len() {
            return Err(WalkError::Truncated("no end-of-image marker"));
        }
        if bytes[i] != 0xFF {
            return Err(WalkError::Malformed("expected a marker"));
        }
        let marker = bytes[i + 1];
        match marker {
            0xD9 => {
                out.push(JpegPiece::Raw(&bytes[i..i + 2]));
                return Ok(());
            }
            0x01 | 0xD0..=0xD7 => {
                out.push(JpegPiece::Raw(&bytes[i..i + 2]));
                i += 2;
                continue;
            }
            _ => {}
        }
        if i + 4 > bytes.len() {
            return Err(WalkError::Truncated("segment length"));
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if len < 2 {
            return Err(WalkError::Malformed("segment length below 2"));
        }
        let end = i + 2 + len;
        if end > bytes.len() {
            return Err(WalkError::Truncated("segment"));
        }
        out.push(JpegPiece::Segment(Segment {
            marker,
            raw: &bytes[i..end],
            payload: &bytes[i + 4..end],
        }));
        i = end;
        if marker == 0xDA && header_only {
            return Ok(());
        }
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is neither a
            // stuffed 0xFF00 nor a restart marker.
            let start = i;
            loop {
                let Some(off) = bytes[i..].iter().position(|&b| b == 0xFF) else {
                    return Err(WalkError::Truncated("scan data"));
                };
                i += off;
                if i + 1 >= bytes.len() {
                    return Err(WalkError::Truncated("scan data"));
                }
                match bytes[i + 1] {
                    0x00 | 0xD0..=0xD7 => i += 2,
                    0xFF => i += 1,
                    _ => break,
                }
            }
            out.push(JpegPiece::Raw(&bytes[start..i]));
        }
    }
}

/// One PNG chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The four-letter type (`IHDR`, `eXIf`, ...).
    pub kind: [u8; 4],
    /// The chunk data.
    pub data: &'a [u8],
    /// The whole chunk: length, type, data and CRC.
    pub raw: &'a [u8],
}

/// Splits a PNG into its chunks, up to and including IEND.
pub fn png_chunks(bytes: &[u8]) -> Walk<Chunk<'_>> {
    let mut pieces = Vec::new();
    let error = png_walk(bytes, &mut pieces).err();
    Walk { pieces, error }
}

fn png_walk<'a>(bytes: &'a [u8], out: &mut Vec<Chunk<'a>>) -> Result<(), WalkError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(WalkError::Malformed("no PNG signature"));
    }
    let mut i = PNG_SIGNATURE.len();
    loop {
        if i + 8 > bytes.len() {
            return Err(WalkError::Truncated("no IEND chunk"));
        }
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap_or_default()) as usize;
        let kind: [u8; 4] = bytes[i + 4..i + 8].try_into().unwrap_or_default();
        let end = i
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .ok_or(WalkError::Malformed("chunk length"))?;
        if end > bytes.len() {
            return Err(WalkError::Truncated("chunk"));
        }
        out.push(Chunk {
            kind,
            data: &bytes[i + 8..i + 8 + len],
            raw: &bytes[i..end],
        });
        i = end;
        if &kind == b"IEND" {
            return Ok(());
        }
    }
}

/// Splits a WebP file into its RIFF chunks (the `Chunk::raw` of each
/// includes its padding byte, if any).
pub fn webp_chunks(bytes: &[u8]) -> Walk<Chunk<'_>> {
    let mut pieces = Vec::new();
    let error = webp_walk(bytes, &mut pieces).err();
    Walk { pieces, error }
}

fn webp_walk<'a>(bytes: &'a [u8], out: &mut Vec<Chunk<'a>>) -> Result<(), WalkError> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err(WalkError::Malformed("no RIFF WEBP header"));
    }
    let riff_len = u32::from_le_bytes(bytes[4..8].try_into().unwrap_or_default()) as usize;
    let end_of_riff = riff_len.saturating_add(8).min(bytes.len());
    let mut i = 12;
    while i + 8 <= end_of_riff {
        let kind: [u8; 4] = bytes[i..i + 4].try_into().unwrap_or_default();
        let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap_or_default()) as usize;
        let data_end = (i + 8)
            .checked_add(len)
            .ok_or(WalkError::Malformed("chunk length"))?;
        if data_end > bytes.len() {
            return Err(WalkError::Truncated("chunk"));
        }
        let end = (data_end + (len & 1)).min(bytes.len());
        out.push(Chunk {
            kind,
            data: &bytes[i + 8..data_end],
            raw: &bytes[i..end],
        });
        i = end;
    }
    if out.is_empty() {
        return Err(WalkError::Truncated("no chunks"));
    }
    if riff_len.saturating_add(8) > bytes.len() {
        return Err(WalkError::Truncated("RIFF"));
    }
    Ok(())
}

/// The JPEG APP1 identifier of an XMP packet.
pub const JPEG_XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// The JPEG APP1 identifier of an EXIF block.
pub const JPEG_EXIF_ID: &[u8] = b"Exif\0\0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats() {
        assert_eq!(Format::sniff(b"\xFF\xD8\xFF\xE0"), Format::Jpeg);
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n...."), Format::Png);
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Format::WebP);
        assert_eq!(Format::sniff(b"GIF89a"), Format::Gif);
        assert_eq!(Format::sniff(b"\0\0\0\x18ftypheic"), Format::Heif);
        assert_eq!(Format::sniff(b"hello"), Format::Unknown);
        assert_eq!(Format::sniff(b""), Format::Unknown);
    }

    #[test]
    fn jpeg_walk_stops_at_truncation() {
        let bytes = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 1, 2];
        let walk = jpeg_pieces(&bytes, false);
        assert!(matches!(walk.error, Some(WalkError::Truncated(_))));
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x04, b'h', b'i', 0xFF, 0xD9, 9, 9,
        ];
        let walk = jpeg_pieces(&bytes, false);
        assert_eq!(walk.error, None);
        assert_eq!(walk.pieces.len(), 3);
    }

    #[test]
    fn png_walk_refuses_huge_lengths() {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        bytes.extend_from_slice(b"IHDR");
        assert!(png_chunks(&bytes).error.is_some());
    }
}
