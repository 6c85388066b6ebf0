//! Metadata facts about an image without decoding a pixel: whether it
//! carries a GPS position (EXIF or XMP), and the free-text fields (EXIF,
//! XMP, IPTC, comments) where a pupil's name can hide. EXIF is read with
//! kamadak-exif, leniently, because real cameras and editors write sloppy
//! EXIF and a strict reader would miss the GPS block. XMP is found by
//! walking the container and read with a small tolerant scanner: packets
//! are often hand-edited or cut, and only a few fields matter.

use std::borrow::Cow;
use std::io::Cursor;

use exif::{Context, In, Tag, Value};

use super::container::{self, Format, JPEG_EXIF_ID, JPEG_XMP_ID, JpegPiece};

/// A free-text metadata field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaText {
    /// Where it is, as a person reads it: `EXIF ImageDescription`,
    /// `XMP dc:description`, `IPTC Caption-Abstract`.
    pub tag: String,
    /// The text.
    pub text: String,
}

/// What an image's metadata says, as far as screening cares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meta {
    /// The tags that record a position (`EXIF GPSLatitude`, `XMP
    /// exif:GPSLongitude`, ...), first found first. Empty: no position.
    pub gps: Vec<String>,
    /// Free-text fields, in file order.
    pub texts: Vec<MetaText>,
    /// Set when a metadata block is present but could not be read at all,
    /// so a position in it cannot be ruled out.
    pub unreadable: Option<String>,
    /// The EXIF orientation (1–8) of the primary image, if recorded.
    pub orientation: Option<u16>,
}

/// Most text fields kept from one image (a hostile file may hold many).
const MAX_TEXTS: usize = 64;
/// Longest text field kept, in bytes.
const MAX_TEXT: usize = 16 << 10;
/// Largest compressed PNG text chunk inflated, and largest raw profile
/// decoded, in bytes: a few times the biggest EXIF or XMP block seen in
/// practice, and small enough that a decompression bomb costs nothing.
const MAX_INFLATED: usize = 1 << 20;

/// Reads the metadata of an image of any supported container.
pub fn read(bytes: &[u8]) -> Meta {
    let mut meta = Meta::default();
    let mut exif_blocks: Vec<Cow<'_, [u8]>> = Vec::new();
    let mut xmp: Vec<Cow<'_, [u8]>> = Vec::new();
    match Format::sniff(bytes) {
        Format::Jpeg => {
            for piece in container::jpeg_pieces(bytes, true).pieces {
                let JpegPiece::Segment(s) = piece else {
                    continue;
                };
                match s.marker {
                    0xE1 if s.payload.starts_with(JPEG_EXIF_ID) => {
                        exif_blocks.push(s.payload[JPEG_EXIF_ID.len()..].into());
                    }
                    0xE1 if s.payload.starts_with(JPEG_XMP_ID) => {
                        xmp.push(s.payload[JPEG_XMP_ID.len()..].into());
                    }
                    // Extended XMP: the rest of a packet too big for one segment.
                    0xE1 if s
                        .payload
                        .starts_with(b"http://ns.adobe.com/xmp/extension/\0") =>
                    {
                        xmp.push(s.payload.get(75..).unwrap_or_default().into());
                    }
                    0xED => iptc(s.payload, &mut meta),
                    0xFE => push_text(&mut meta, "JPEG comment".into(), lossy(s.payload)),
                    _ => {}
                }
            }
        }
        Format::Png => {
            for c in container::png_chunks(bytes).pieces {
                match &c.kind {
                    b"eXIf" => exif_blocks.push(c.data.into()),
                    b"tEXt" | b"zTXt" | b"iTXt" => {
                        png_text(&c.kind, c.data, &mut meta, &mut exif_blocks, &mut xmp);
                    }
                    _ => {}
                }
            }
        }
        Format::WebP => {
            for c in container::webp_chunks(bytes).pieces {
                match &c.kind {
                    b"EXIF" => {
                        exif_blocks.push(c.data.strip_prefix(JPEG_EXIF_ID).unwrap_or(c.data).into())
                    }
                    b"XMP " => xmp.push(c.data.into()),
                    _ => {}
                }
            }
        }
        Format::Tiff => exif_blocks.push(bytes.into()),
        Format::Heif | Format::Gif | Format::Unknown => {
            if let Some(packet) = find_packet(bytes) {
                xmp.push(packet.into());
            }
            if Format::sniff(bytes) == Format::Heif {
                let parsed = exif::Reader::new()
                    .continue_on_error(true)
                    .read_from_container(&mut Cursor::new(bytes))
                    .or_else(|e| e.distill_partial_result(|_| {}));
                match parsed {
                    Ok(exif) => exif_facts(&exif, &mut meta, &mut xmp),
                    Err(exif::Error::NotFound(_)) => {}
                    Err(e) => meta.unreadable = Some(format!("its EXIF block ({e})")),
                }
            }
        }
    }
    // Damage is tolerated (cameras write sloppy EXIF), unless it may hide
    // a position: a block whose GPS pointer could not be followed cleanly,
    // or of which nothing could be read, and no position found elsewhere.
    let mut damaged = None;
    for block in &exif_blocks {
        let mut first_error = None;
        let parsed = exif::Reader::new()
            .continue_on_error(true)
            .read_raw(block.to_vec())
            .or_else(|e| {
                e.distill_partial_result(|errors| {
                    first_error = errors.first().map(ToString::to_string);
                })
            });
        match parsed {
            Ok(exif) => {
                if let Some(e) = first_error
                    && (exif.fields().next().is_none() || has_gps_pointer(block))
                {
                    damaged.get_or_insert(e);
                }
                exif_facts(&exif, &mut meta, &mut xmp);
            }
            Err(e) => {
                if meta.unreadable.is_none() {
                    meta.unreadable = Some(format!("its EXIF block ({e})"));
                }
            }
        }
    }
    if let Some(e) = damaged
        && meta.gps.is_empty()
        && meta.unreadable.is_none()
    {
        meta.unreadable = Some(format!("its EXIF block ({e})"));
    }
    for packet in &xmp {
        xmp_facts(&String::from_utf8_lossy(packet), &mut meta);
    }
    meta
}

/// Whether a TIFF block's first IFD holds a GPS IFD pointer (tag 0x8825).
fn has_gps_pointer(tiff: &[u8]) -> bool {
    let big = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return false,
    };
    let u16_at = |i: usize| {
        let b: [u8; 2] = tiff.get(i..i + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let Some(ifd) = tiff
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(|b| if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) } as usize)
    else {
        return false;
    };
    let count = u16_at(ifd).unwrap_or(0) as usize;
    (0..count)
        .map_while(|i| u16_at(ifd + 2 + i * 12))
        .any(|tag| tag == 0x8825)
}

fn lossy(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn push_text(meta: &mut Meta, tag: String, text: String) {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if text.is_empty() || meta.texts.len() >= MAX_TEXTS {
        return;
    }
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    meta.texts.push(MetaText {
        tag,
        text: text[..end].to_string(),
    });
}

/// GPS tags that record a position (taken or destination).
const GPS_POSITION: &[u16] = &[2, 4, 20, 22];

fn exif_facts(exif: &exif::Exif, meta: &mut Meta, xmp: &mut Vec<Cow<'_, [u8]>>) {
    for field in exif.fields() {
        let Tag(context, number) = field.tag;
        if field.tag == Tag::Orientation && field.ifd_num == In::PRIMARY {
            meta.orientation = field.value.get_uint(0).and_then(|v| u16::try_from(v).ok());
            continue;
        }
        if context == Context::Gps && GPS_POSITION.contains(&number) {
            let name = format!("EXIF {}", field.tag);
            if !meta.gps.contains(&name) {
                meta.gps.push(name);
            }
            continue;
        }
        if context != Context::Tiff && context != Context::Exif {
            continue;
        }
        let text = match (context, number) {
            // ImageDescription, Artist, Copyright
            (Context::Tiff, 0x010E | 0x013B | 0x8298) => ascii(&field.value),
            // CameraOwnerName
            (Context::Exif, 0xA430) => ascii(&field.value),
            // UserComment
            (Context::Exif, 0x9286) => user_comment(&field.value, exif.little_endian()),
            // XPTitle, XPComment, XPAuthor, XPKeywords, XPSubject (UTF-16LE)
            (Context::Tiff, 0x9C9B..=0x9C9F) => utf16_field(&field.value, true),
            // XMP embedded in a TIFF.
            (Context::Tiff, 700) => {
                if let Value::Byte(b) | Value::Undefined(b, _) = &field.value {
                    xmp.push(b.clone().into());
                }
                None
            }
            _ => None,
        };
        if let Some(text) = text {
            let name = match (context, number) {
                (Context::Tiff, 0x9C9B) => "XPTitle".to_string(),
                (Context::Tiff, 0x9C9C) => "XPComment".to_string(),
                (Context::Tiff, 0x9C9D) => "XPAuthor".to_string(),
                (Context::Tiff, 0x9C9E) => "XPKeywords".to_string(),
                (Context::Tiff, 0x9C9F) => "XPSubject".to_string(),
                _ => field.tag.to_string(),
            };
            let tag = if field.ifd_num == In::PRIMARY {
                format!("EXIF {name}")
            } else {
                format!("EXIF {name} (thumbnail)")
            };
            push_text(meta, tag, text);
        }
    }
}

fn ascii(value: &Value) -> Option<String> {
    match value {
        Value::Ascii(parts) => Some(
            parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Value::Byte(b) | Value::Undefined(b, _) => Some(lossy(b)),
        _ => None,
    }
}

fn utf16(bytes: &[u8], little_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            if little_endian {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

fn utf16_field(value: &Value, little_endian: bool) -> Option<String> {
    match value {
        Value::Byte(b) | Value::Undefined(b, _) => Some(utf16(b, little_endian)),
        _ => None,
    }
}

fn user_comment(value: &Value, little_endian: bool) -> Option<String> {
    let (Value::Undefined(b, _) | Value::Byte(b)) = value else {
        return ascii(value);
    };
    let (code, rest) = b.split_at(b.len().min(8));
    if code == b"UNICODE\0" {
        if let Some(r) = rest.strip_prefix(&[0xFF, 0xFE]) {
            return Some(utf16(r, true));
        }
        if let Some(r) = rest.strip_prefix(&[0xFE, 0xFF]) {
            return Some(utf16(r, false));
        }
        return Some(utf16(rest, little_endian));
    }
    if code.len() == 8 {
        Some(lossy(rest))
    } else {
        Some(lossy(b))
    }
}

/// A PNG text chunk (`tEXt`, `zTXt` or `iTXt`, compressed or not). Its
/// keyword says what it holds: XMP, a "Raw profile type ..." block (how
/// ImageMagick and exiftool carry EXIF, XMP and IPTC in PNG, as hex), or
/// free text. A chunk that cannot be read makes the metadata unreadable:
/// it may hold a position or a name.
fn png_text<'a>(
    kind: &[u8; 4],
    data: &'a [u8],
    meta: &mut Meta,
    exif_blocks: &mut Vec<Cow<'a, [u8]>>,
    xmp: &mut Vec<Cow<'a, [u8]>>,
) {
    let chunk = String::from_utf8_lossy(kind);
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let keyword = String::from_utf8_lossy(&data[..nul]).into_owned();
    let text = match png_text_body(kind, &data[nul + 1..]) {
        Ok(text) => text,
        Err(why) => {
            meta.unreadable
                .get_or_insert(format!("its PNG {chunk} chunk {keyword:?} ({why})"));
            return;
        }
    };
    if keyword == "XML:com.adobe.xmp" {
        xmp.push(text);
    } else if let Some(profile) = keyword.strip_prefix("Raw profile type ") {
        let Some(block) = raw_profile(&text) else {
            meta.unreadable.get_or_insert(format!(
                "its PNG {chunk} chunk {keyword:?} (not a hex profile)"
            ));
            return;
        };
        match profile.to_ascii_lowercase().as_str() {
            "exif" | "app1" => {
                let tiff = block.strip_prefix(JPEG_EXIF_ID).unwrap_or(&block).to_vec();
                exif_blocks.push(tiff.into());
            }
            "xmp" => xmp.push(block.into()),
            "iptc" | "8bim" if block.starts_with(b"8BIM") => photoshop_resources(&block, meta),
            "iptc" => iim(&block, meta),
            _ => {}
        }
    } else {
        push_text(meta, format!("PNG {chunk} {keyword}"), lossy(&text));
    }
}

/// The text of a PNG text chunk after its keyword, inflated if need be.
fn png_text_body<'a>(kind: &[u8; 4], rest: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    let (compressed, body) = match kind {
        b"tEXt" => (false, rest),
        // zTXt: compression method (0: zlib), data.
        b"zTXt" => (true, rest.get(1..).unwrap_or_default()),
        // iTXt: compression flag and method, language\0, translated keyword\0, text.
        _ => {
            let [flag, _method, r @ ..] = rest else {
                return Err("cut short".into());
            };
            let mut r = r;
            for _ in 0..2 {
                let p = r.iter().position(|&b| b == 0).ok_or("cut short")?;
                r = &r[p + 1..];
            }
            (*flag != 0, r)
        }
    };
    if !compressed {
        return Ok(body.into());
    }
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(body, MAX_INFLATED)
        .map(Cow::Owned)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                format!("inflates to more than {} MiB", MAX_INFLATED >> 20)
            }
            _ => "its compressed text is damaged".into(),
        })
}

/// Decodes a "Raw profile type" block: a newline, the profile name, a
/// newline, the byte count (space-padded), a newline, then the bytes as
/// hex split over lines.
fn raw_profile(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut lines = text.trim_start().splitn(3, '\n');
    let _name = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    if len > MAX_INFLATED {
        return None;
    }
    let mut digits = lines
        .next()?
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16));
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let hi = digits.next()??;
        let lo = digits.next()??;
        out.push((hi << 4 | lo) as u8);
    }
    Some(out)
}

/// Finds an XMP packet anywhere in a file (formats whose XMP box Gatepost
/// does not walk to).
fn find_packet(bytes: &[u8]) -> Option<&[u8]> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = find(&bytes[start..], b"</x:xmpmeta>").map_or(bytes.len(), |e| start + e + 12);
    Some(&bytes[start..end])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// XMP properties that record a position.
const XMP_GPS: &[&str] = &[
    "GPSLatitude",
    "GPSLongitude",
    "GPSDestLatitude",
    "GPSDestLongitude",
];

/// XMP text properties: (required prefix, local name).
const XMP_TEXT: &[(Option<&str>, &str)] = &[
    (Some("dc"), "title"),
    (Some("dc"), "description"),
    (Some("dc"), "subject"),
    (Some("dc"), "creator"),
    (None, "PersonInImage"),
    (Some("photoshop"), "Headline"),
    (Some("mwg-rs"), "Name"),
    (None, "PersonDisplayName"),
];

fn xmp_facts(xml: &str, meta: &mut Meta) {
    for local in XMP_GPS {
        for (qname, value) in xmp_values(xml, None, local) {
            let name = format!("XMP {qname}");
            if !value.trim().is_empty() && !meta.gps.contains(&name) {
                meta.gps.push(name);
            }
        }
    }
    for (prefix, local) in XMP_TEXT {
        for (qname, value) in xmp_values(xml, *prefix, local) {
            push_text(meta, format!("XMP {qname}"), value);
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Every value of the property `prefix:local`, as an attribute
/// (`exif:GPSLatitude="51,30N"`) or an element (with `rdf:li` items or
/// plain text). Returns (qualified name, decoded text) pairs.
fn xmp_values(xml: &str, prefix: Option<&str>, local: &str) -> Vec<(String, String)> {
    let b = xml.as_bytes();
    let mut out = Vec::new();
    let pattern = format!(":{local}");
    let mut from = 0;
    while let Some(off) = xml[from..].find(&pattern) {
        let colon = from + off;
        from = colon + pattern.len();
        let after = b.get(from).copied().unwrap_or(b'>');
        if !(after.is_ascii_whitespace() || matches!(after, b'=' | b'>' | b'/')) {
            continue;
        }
        let mut p = colon;
        while p > 0 && is_name_byte(b[p - 1]) {
            p -= 1;
        }
        let found_prefix = &xml[p..colon];
        if found_prefix.is_empty() || prefix.is_some_and(|want| want != found_prefix) {
            continue;
        }
        let qname = format!("{found_prefix}:{local}");
        let before = if p > 0 { b[p - 1] } else { b' ' };
        if before == b'<' {
            let Some(gt) = xml[from..].find('>') else {
                break;
            };
            let open_end = from + gt;
            if b[open_end.saturating_sub(1)] == b'/' {
                continue;
            }
            let close = format!("</{qname}");
            let content_end = xml[open_end..]
                .find(&close)
                .map_or(xml.len(), |e| open_end + e);
            let content = &xml[open_end + 1..content_end];
            let items = li_items(content);
            if items.is_empty() {
                out.push((qname.clone(), decode_entities(&strip_tags(content))));
            } else {
                out.extend(items.into_iter().map(|i| (qname.clone(), i)));
            }
            from = content_end;
        } else if before.is_ascii_whitespace() {
            let rest = xml[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let value = &rest[1..];
            let end = value.find(quote).unwrap_or(value.len());
            out.push((qname, decode_entities(&value[..end])));
        }
    }
    out
}

fn li_items(content: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(off) = content[from..].find(":li") {
        let at = from + off;
        from = at + 3;
        let next = content.as_bytes().get(from).copied().unwrap_or(b'>');
        if !(next.is_ascii_whitespace() || next == b'>') {
            continue;
        }
        let lt = content[..at].rfind('<');
        if lt.is_none_or(|lt| content[lt + 1..at].contains(['/', '>', ' '])) {
            continue;
        }
        let Some(gt) = content[from..].find('>') else {
            break;
        };
        let start = from + gt + 1;
        let end = content[start..]
            .find("</")
            .map_or(content.len(), |e| start + e);
        out.push(decode_entities(&strip_tags(&content[start..end])));
        from = end;
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.trim().to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Bytes, not a str slice: 12 bytes in may fall inside a character.
        let semi = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = semi.and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// IPTC-IIM datasets of record 2 that hold free text.
fn iptc_name(dataset: u8) -> Option<&'static str> {
    Some(match dataset {
        5 => "ObjectName",
        25 => "Keywords",
        80 => "By-line",
        105 => "Headline",
        120 => "Caption-Abstract",
        122 => "Writer-Editor",
        _ => return None,
    })
}

/// Reads IPTC text from a JPEG APP13 "Photoshop 3.0" segment.
fn iptc(payload: &[u8], meta: &mut Meta) {
    if let Some(r) = payload.strip_prefix(b"Photoshop 3.0\0") {
        photoshop_resources(r, meta);
    }
}

/// Photoshop image resources: "8BIM", id, Pascal name (even-padded),
/// size, data (even-padded). 0x0404 holds IPTC-IIM.
fn photoshop_resources(mut r: &[u8], meta: &mut Meta) {
    while r.len() >= 12 && &r[..4] == b"8BIM" {
        let id = u16::from_be_bytes([r[4], r[5]]);
        let name_len = r[6] as usize;
        let name_total = (1 + name_len + 1) & !1;
        let Some(at) = 6usize.checked_add(name_total) else {
            return;
        };
        if r.len() < at + 4 {
            return;
        }
        let size = u32::from_be_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]) as usize;
        let start = at + 4;
        let Some(end) = start.checked_add(size).filter(|&e| e <= r.len()) else {
            return;
        };
        if id == 0x0404 {
            iim(&r[start..end], meta);
        }
        r = &r[(end + (size & 1)).min(r.len())..];
    }
}

fn iim(mut d: &[u8], meta: &mut Meta) {
    while d.len() >= 5 && d[0] == 0x1C {
        let (record, dataset) = (d[1], d[2]);
        let len = u16::from_be_bytes([d[3], d[4]]) as usize;
        if len & 0x8000 != 0 || d.len() < 5 + len {
            return;
        }
        if record == 2
            && let Some(name) = iptc_name(dataset)
        {
            push_text(meta, format!("IPTC {name}"), lossy(&d[5..5 + len]));
        }
        d = &d[5 + len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_attribute_and_element_forms() {
        let xml = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description
            exif:GPSLatitude="51,30.5N" exif:GPSLongitude = '0,7.6W'>
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Amelia &amp; Tom Jones</rdf:li></rdf:Alt></dc:description>
            <dc:subject><rdf:Bag><rdf:li>netball</rdf:li><rdf:li>Year 6</rdf:li></rdf:Bag></dc:subject>
            <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Sam Patel</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
            <photoshop:City>Leeds</photoshop:City>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let mut meta = Meta::default();
        xmp_facts(xml, &mut meta);
        assert_eq!(meta.gps, ["XMP exif:GPSLatitude", "XMP exif:GPSLongitude"]);
        let texts: Vec<(&str, &str)> = meta
            .texts
            .iter()
            .map(|t| (t.tag.as_str(), t.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("XMP dc:description", "Amelia & Tom Jones"),
                ("XMP dc:subject", "netball"),
                ("XMP dc:subject", "Year 6"),
                ("XMP Iptc4xmpExt:PersonInImage", "Sam Patel"),
            ]
        );
    }

    #[test]
    fn xmp_gps_element_form_and_empty_values() {
        let mut meta = Meta::default();
        xmp_facts(
            "<rdf:Description><exif:GPSLongitude>2,10W</exif:GPSLongitude><exif:GPSLatitude/></rdf:Description>",
            &mut meta,
        );
        assert_eq!(meta.gps, ["XMP exif:GPSLongitude"]);
        let mut meta = Meta::default();
        xmp_facts(r#"<rdf:Description exif:GPSLatitude="">"#, &mut meta);
        assert!(meta.gps.is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [
            &b""[..],
            b"\xFF\xD8\xFF",
            b"\xFF\xD8\xFF\xE1\x00\x08Exif\0\0",
            b"\x89PNG\r\n\x1a\n\0\0\0\x05eXIfII*\0\x08",
            b"RIFF\x10\0\0\0WEBPEXIF\x04\0\0\0II*\0",
            b"II*\0\xFF\xFF\xFF\xFF",
            b"<x:xmpmeta exif:GPSLatitude=\"",
        ] {
            let _ = read(bytes);
        }
    }

    #[test]
    fn iptc_caption() {
        let mut seg = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
        let iim = [&[0x1C, 2, 120, 0, 9][..], b"Tom Jones"].concat();
        seg.extend_from_slice(&(iim.len() as u32).to_be_bytes());
        seg.extend_from_slice(&iim);
        let mut meta = Meta::default();
        iptc(&seg, &mut meta);
        assert_eq!(meta.texts[0].tag, "IPTC Caption-Abstract");
        assert_eq!(meta.texts[0].text, "Tom Jones");
    }
}
