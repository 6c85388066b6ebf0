//! Images the tests make for themselves: photo-like scenes, shield logos
//! and their look-alikes, and hand-built EXIF/XMP blocks injected into
//! JPEG, PNG and WebP files. Deterministic: the same seed, the same bytes.
//! `examples/make_fixtures.rs` uses the same code for `fixtures/`.

#![allow(dead_code, unreachable_pub, missing_docs)]
#![allow(
    clippy::needless_range_loop,
    clippy::manual_range_contains,
    clippy::manual_is_multiple_of
)]

use image::{DynamicImage, GrayImage, ImageEncoder, Luma, Rgb, RgbImage, Rgba, RgbaImage};

/// xorshift64*: small, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn f(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
}

/// A photo-like scene: a sky-to-ground gradient, soft blobs and boxes of
/// many colours, and a little grain.
pub fn photo(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut r = Rng::new(seed);
    let top = [
        r.range(60.0, 220.0),
        r.range(60.0, 220.0),
        r.range(60.0, 220.0),
    ];
    let bottom = [
        r.range(20.0, 160.0),
        r.range(20.0, 160.0),
        r.range(20.0, 160.0),
    ];
    let mut img = RgbImage::from_fn(w, h, |_, y| {
        let t = y as f32 / h as f32;
        Rgb([0, 1, 2].map(|c| (top[c] * (1.0 - t) + bottom[c] * t) as u8))
    });
    let shapes = 14 + (r.next() % 10) as usize;
    for _ in 0..shapes {
        let cx = r.range(0.0, w as f32);
        let cy = r.range(0.0, h as f32);
        let rx = r.range(0.04, 0.25) * w as f32;
        let ry = r.range(0.04, 0.25) * h as f32;
        let col = [
            r.range(0.0, 255.0),
            r.range(0.0, 255.0),
            r.range(0.0, 255.0),
        ];
        let boxy = r.f() < 0.4;
        let x0 = (cx - rx).max(0.0) as u32;
        let x1 = ((cx + rx) as u32).min(w);
        let y0 = (cy - ry).max(0.0) as u32;
        let y1 = ((cy + ry) as u32).min(h);
        for y in y0..y1 {
            for x in x0..x1 {
                let dx = (x as f32 - cx) / rx;
                let dy = (y as f32 - cy) / ry;
                let inside = if boxy {
                    dx.abs().max(dy.abs())
                } else {
                    (dx * dx + dy * dy).sqrt()
                };
                if inside < 1.0 {
                    let a = ((1.0 - inside) * 4.0).min(1.0) * 0.85;
                    let p = img.get_pixel_mut(x, y);
                    for c in 0..3 {
                        p.0[c] = (p.0[c] as f32 * (1.0 - a) + col[c] * a) as u8;
                    }
                }
            }
        }
    }
    for p in img.pixels_mut() {
        let n = (r.next() % 9) as i16 - 4;
        for c in 0..3 {
            p.0[c] = (p.0[c] as i16 + n).clamp(0, 255) as u8;
        }
    }
    img
}

pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

pub fn png(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_bytes(),
            img.width(),
            img.height(),
            img.color().into(),
        )
        .unwrap();
    out
}

pub fn webp(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn grey_to_rgb(g: &GrayImage) -> RgbImage {
    RgbImage::from_fn(g.width(), g.height(), |x, y| {
        let v = g.get_pixel(x, y).0[0];
        Rgb([v, v, v])
    })
}

// ---- EXIF (TIFF) building ----

/// One TIFF entry: tag, type, count, value bytes (in the file's byte order).
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    data: Vec<u8>,
}

/// A hand-built EXIF block.
#[derive(Default)]
pub struct Exif {
    ifd0: Vec<(u16, u16, u32, Vec<u8>)>,
    exif: Vec<(u16, u16, u32, Vec<u8>)>,
    gps: Vec<(u16, u16, u32, Vec<u8>)>,
    pub big_endian: bool,
}

fn u16b(v: u16, be: bool) -> [u8; 2] {
    if be { v.to_be_bytes() } else { v.to_le_bytes() }
}
fn u32b(v: u32, be: bool) -> [u8; 4] {
    if be { v.to_be_bytes() } else { v.to_le_bytes() }
}

impl Exif {
    pub fn new() -> Exif {
        Exif::default()
    }
    /// Big-endian ("MM") byte order.
    pub fn be() -> Exif {
        Exif {
            big_endian: true,
            ..Exif::default()
        }
    }
    fn rationals(&self, vals: &[(u32, u32)]) -> Vec<u8> {
        vals.iter()
            .flat_map(|&(n, d)| {
                let mut v = u32b(n, self.big_endian).to_vec();
                v.extend(u32b(d, self.big_endian));
                v
            })
            .collect()
    }
    /// GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude.
    pub fn gps(mut self, lat: f64, lon: f64) -> Exif {
        let dms = |v: f64| {
            let v = v.abs();
            let d = v.floor();
            let m = ((v - d) * 60.0).floor();
            let s = ((v - d) * 60.0 - m) * 60.0;
            [(d as u32, 1), (m as u32, 1), ((s * 100.0) as u32, 100)]
        };
        self.gps.push((0, 1, 4, vec![2, 3, 0, 0]));
        self.gps
            .push((1, 2, 2, vec![if lat >= 0.0 { b'N' } else { b'S' }, 0]));
        let d = self.rationals(&dms(lat));
        self.gps.push((2, 5, 3, d));
        self.gps
            .push((3, 2, 2, vec![if lon >= 0.0 { b'E' } else { b'W' }, 0]));
        let d = self.rationals(&dms(lon));
        self.gps.push((4, 5, 3, d));
        self
    }
    /// A GPS IFD with only a timestamp and version: no position.
    pub fn gps_without_position(mut self) -> Exif {
        self.gps.push((0, 1, 4, vec![2, 3, 0, 0]));
        let d = self.rationals(&[(12, 1), (30, 1), (0, 1)]);
        self.gps.push((7, 5, 3, d));
        self
    }
    /// An ASCII field of IFD0 (0x010E ImageDescription, 0x013B Artist).
    pub fn ascii(mut self, tag: u16, text: &str) -> Exif {
        let mut d = text.as_bytes().to_vec();
        d.push(0);
        self.ifd0.push((tag, 2, d.len() as u32, d));
        self
    }
    /// A Windows XP field (UTF-16LE BYTEs): 0x9C9C XPComment, ...
    pub fn xp(mut self, tag: u16, text: &str) -> Exif {
        let mut d: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        d.extend([0, 0]);
        self.ifd0.push((tag, 1, d.len() as u32, d));
        self
    }
    /// UserComment in the Exif IFD, with the "UNICODE" or "ASCII" code.
    pub fn user_comment(mut self, text: &str, unicode: bool) -> Exif {
        let mut d = if unicode {
            b"UNICODE\0".to_vec()
        } else {
            b"ASCII\0\0\0".to_vec()
        };
        if unicode {
            let be = self.big_endian;
            d.extend(text.encode_utf16().flat_map(|u| u16b(u, be)));
        } else {
            d.extend(text.as_bytes());
        }
        self.exif.push((0x9286, 7, d.len() as u32, d));
        self
    }
    pub fn orientation(mut self, v: u16) -> Exif {
        let d = u16b(v, self.big_endian).to_vec();
        self.ifd0.push((0x0112, 3, 1, d));
        self
    }

    /// The TIFF bytes (no "Exif\0\0" prefix).
    pub fn tiff(&self) -> Vec<u8> {
        let be = self.big_endian;
        let mut ifd0: Vec<Entry> = self
            .ifd0
            .iter()
            .map(|(t, k, c, d)| Entry {
                tag: *t,
                kind: *k,
                count: *c,
                data: d.clone(),
            })
            .collect();
        let sub = |list: &[(u16, u16, u32, Vec<u8>)]| -> Vec<Entry> {
            list.iter()
                .map(|(t, k, c, d)| Entry {
                    tag: *t,
                    kind: *k,
                    count: *c,
                    data: d.clone(),
                })
                .collect()
        };
        let exif = sub(&self.exif);
        let gps = sub(&self.gps);
        // Placeholders for pointers, fixed below.
        if !exif.is_empty() {
            ifd0.push(Entry {
                tag: 0x8769,
                kind: 4,
                count: 1,
                data: vec![0; 4],
            });
        }
        if !gps.is_empty() {
            ifd0.push(Entry {
                tag: 0x8825,
                kind: 4,
                count: 1,
                data: vec![0; 4],
            });
        }
        ifd0.sort_by_key(|e| e.tag);
        let ifd_len = |e: &[Entry]| {
            2 + 12 * e.len()
                + 4
                + e.iter()
                    .filter(|x| x.data.len() > 4)
                    .map(|x| x.data.len() + (x.data.len() & 1))
                    .sum::<usize>()
        };
        let off0 = 8usize;
        let off_exif = off0 + ifd_len(&ifd0);
        let off_gps = off_exif + if exif.is_empty() { 0 } else { ifd_len(&exif) };
        for e in &mut ifd0 {
            if e.tag == 0x8769 {
                e.data = u32b(off_exif as u32, be).to_vec();
            }
            if e.tag == 0x8825 {
                e.data = u32b(off_gps as u32, be).to_vec();
            }
        }
        let mut out = if be {
            b"MM\0*".to_vec()
        } else {
            b"II*\0".to_vec()
        };
        out.extend(u32b(8, be));
        let write = |out: &mut Vec<u8>, entries: &[Entry], start: usize| {
            out.extend(u16b(entries.len() as u16, be));
            let mut data_at = start + 2 + 12 * entries.len() + 4;
            let mut tail = Vec::new();
            for e in entries {
                out.extend(u16b(e.tag, be));
                out.extend(u16b(e.kind, be));
                out.extend(u32b(e.count, be));
                if e.data.len() <= 4 {
                    let mut d = e.data.clone();
                    d.resize(4, 0);
                    out.extend(d);
                } else {
                    out.extend(u32b(data_at as u32, be));
                    tail.extend(&e.data);
                    if e.data.len() & 1 == 1 {
                        tail.push(0);
                    }
                    data_at += e.data.len() + (e.data.len() & 1);
                }
            }
            out.extend(u32b(0, be));
            out.extend(tail);
        };
        write(&mut out, &ifd0, off0);
        if !exif.is_empty() {
            write(&mut out, &exif, off_exif);
        }
        if !gps.is_empty() {
            write(&mut out, &gps, off_gps);
        }
        out
    }
}

// ---- container injection ----

/// Inserts an APP1 segment (or any APPn) right after SOI.
pub fn jpeg_with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, marker]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

pub fn jpeg_with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    jpeg_with_segment(jpeg, 0xE1, &[&b"Exif\0\0"[..], tiff].concat())
}

pub fn jpeg_with_xmp(jpeg: &[u8], xmp: &str) -> Vec<u8> {
    jpeg_with_segment(
        jpeg,
        0xE1,
        &[&b"http://ns.adobe.com/xap/1.0/\0"[..], xmp.as_bytes()].concat(),
    )
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
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

/// Inserts a chunk right after IHDR.
pub fn png_with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let ihdr_end = 8 + 8 + 13 + 4;
    let mut out = png[..ihdr_end].to_vec();
    out.extend((data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
    out.extend(&png[ihdr_end..]);
    out
}

/// A `zTXt` chunk's data: keyword, compression method 0, zlib stream.
pub fn ztxt(keyword: &str, text: &[u8]) -> Vec<u8> {
    let mut data = format!("{keyword}\0\0").into_bytes();
    data.extend(miniz_oxide::deflate::compress_to_vec_zlib(text, 6));
    data
}

/// A compressed `iTXt` chunk's data: keyword, flag 1, method 0, empty
/// language and translated keyword, zlib stream.
pub fn itxt_compressed(keyword: &str, text: &[u8]) -> Vec<u8> {
    let mut data = format!("{keyword}\0\x01\0\0\0").into_bytes();
    data.extend(miniz_oxide::deflate::compress_to_vec_zlib(text, 6));
    data
}

/// A "Raw profile type" text as ImageMagick writes it: newline, profile
/// name, newline, byte count padded to 8, newline, hex in lines of 72.
pub fn raw_profile(name: &str, bytes: &[u8]) -> Vec<u8> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut out = format!("\n{name}\n{:8}\n", bytes.len());
    for line in hex.as_bytes().chunks(72) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.into_bytes()
}

fn iso_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    [&((body.len() + 8) as u32).to_be_bytes()[..], kind, body].concat()
}

fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    iso_box(kind, &[&[version, 0, 0, 0][..], body].concat())
}

/// A HEIF file laid out as an iPhone writes one, without the picture: an
/// `hvc1` primary item, an `Exif` item (a 4-byte offset to the TIFF
/// header, then the TIFF block) and, if given, an XMP `mime` item, both
/// located in `mdat` by `iloc`.
pub fn heic(tiff: &[u8], xmp: Option<&str>) -> Vec<u8> {
    let ftyp = iso_box(b"ftyp", b"heic\0\0\0\0mif1heic");
    let hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let pitm = full_box(b"pitm", 0, &1u16.to_be_bytes());
    let infe = |id: u16, kind: &[u8; 4], extra: &[u8]| {
        full_box(
            b"infe",
            2,
            &[&id.to_be_bytes()[..], &[0, 0], kind, b"\0", extra].concat(),
        )
    };
    let mut items = vec![infe(1, b"hvc1", b""), infe(2, b"Exif", b"")];
    if xmp.is_some() {
        items.push(infe(3, b"mime", b"application/rdf+xml\0"));
    }
    let iinf = full_box(
        b"iinf",
        0,
        &[&(items.len() as u16).to_be_bytes()[..], &items.concat()].concat(),
    );
    let exif = [&[0, 0, 0, 0][..], tiff].concat();
    let xmp = xmp.map(str::as_bytes).unwrap_or_default();
    // iloc v0, 4-byte offsets and lengths, no base offset.
    let iloc = |mdat_data: usize| {
        let mut body = vec![0x44, 0x00];
        let located: Vec<(u16, usize, usize)> = [(2, mdat_data, exif.len())]
            .into_iter()
            .chain((!xmp.is_empty()).then_some((3, mdat_data + exif.len(), xmp.len())))
            .collect();
        body.extend((located.len() as u16).to_be_bytes());
        for (id, offset, len) in located {
            body.extend(id.to_be_bytes());
            body.extend(0u16.to_be_bytes());
            body.extend(1u16.to_be_bytes());
            body.extend((offset as u32).to_be_bytes());
            body.extend((len as u32).to_be_bytes());
        }
        full_box(b"iloc", 0, &body)
    };
    let meta_len = |iloc: &[u8]| 12 + hdlr.len() + pitm.len() + iloc.len() + iinf.len();
    let probe = iloc(0);
    let mdat_data = ftyp.len() + meta_len(&probe) + 8;
    let iloc = iloc(mdat_data);
    let meta = full_box(
        b"meta",
        0,
        &[hdlr.clone(), pitm.clone(), iloc, iinf.clone()].concat(),
    );
    let mdat = iso_box(b"mdat", &[&exif[..], xmp].concat());
    [ftyp, meta, mdat].concat()
}

pub fn png_with_xmp(png: &[u8], xmp: &str) -> Vec<u8> {
    let mut data = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    data.extend(xmp.as_bytes());
    png_with_chunk(png, b"iTXt", &data)
}

/// Turns a simple WebP into the extended form (VP8X) and appends a
/// metadata chunk (`EXIF` or `XMP `), setting its flag.
pub fn webp_with_chunk(webp: &[u8], kind: &[u8; 4], data: &[u8], w: u32, h: u32) -> Vec<u8> {
    let mut body = Vec::new();
    let (mut flags, rest) = if &webp[12..16] == b"VP8X" {
        let flags = webp[20];
        (flags, webp[30..].to_vec())
    } else {
        (0u8, webp[12..].to_vec())
    };
    flags |= if kind == b"EXIF" { 0x08 } else { 0x04 };
    body.extend(b"VP8X");
    body.extend(10u32.to_le_bytes());
    body.extend([flags, 0, 0, 0]);
    body.extend(&(w - 1).to_le_bytes()[..3]);
    body.extend(&(h - 1).to_le_bytes()[..3]);
    body.extend(rest);
    body.extend(kind);
    body.extend((data.len() as u32).to_le_bytes());
    body.extend(data);
    if data.len() & 1 == 1 {
        body.push(0);
    }
    let mut out = b"RIFF".to_vec();
    out.extend(((body.len() + 4) as u32).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(body);
    out
}

pub fn xmp_packet(body: &str) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    )
}

// ---- logos ----

/// A school crest: a shield with a border, a chevron, three roundels and a
/// banner. `variant` 0 is the school's; others are look-alikes with the
/// same outline and colours but a different design.
pub fn crest(size: u32, variant: u32) -> RgbaImage {
    let s = size as f32;
    let navy = Rgba([20, 40, 110, 255]);
    let gold = Rgba([230, 180, 30, 255]);
    let white = Rgba([250, 250, 250, 255]);
    let red = Rgba([190, 30, 40, 255]);
    RgbaImage::from_fn(size, (size as f32 * 1.2) as u32, |x, y| {
        let u = (x as f32 + 0.5) / s; // 0..1
        let v = (y as f32 + 0.5) / s; // 0..1.2
        // Shield outline: straight sides to v=0.6, then a curve to the point.
        let half = if v < 0.6 {
            0.46
        } else {
            0.46 * (1.0 - ((v - 0.6) / 0.55).powf(1.6)).max(0.0)
        };
        let dx = (u - 0.5).abs();
        if v < 0.04 || v > 1.15 || dx > half {
            return Rgba([0, 0, 0, 0]);
        }
        if dx > half - 0.05 || v < 0.09 {
            return gold;
        }
        match variant {
            0 => {
                // Chevron
                let cv = 0.55 - (u - 0.5).abs() * 0.6;
                if (v - cv).abs() < 0.06 {
                    return gold;
                }
                // Three roundels: two above, one below.
                for (cx, cy) in [(0.3, 0.3), (0.7, 0.3), (0.5, 0.82)] {
                    if ((u - cx).powi(2) + (v - cy).powi(2)).sqrt() < 0.09 {
                        return white;
                    }
                }
                if v < 0.2 && dx < 0.3 {
                    return red;
                }
                navy
            }
            1 => {
                // Look-alike: quartered shield with a cross.
                if (u - 0.5).abs() < 0.05 || (v - 0.5).abs() < 0.05 {
                    return gold;
                }
                if (u < 0.5) == (v < 0.5) { navy } else { red }
            }
            2 => {
                // Look-alike: diagonal bend and a star-ish block.
                if ((u - v) + 0.1).abs() < 0.07 {
                    return gold;
                }
                if ((u - 0.68).abs() < 0.1 && (v - 0.35).abs() < 0.1)
                    || ((u - 0.3).abs() < 0.08 && (v - 0.8).abs() < 0.08)
                {
                    return white;
                }
                navy
            }
            _ => {
                // Look-alike: horizontal stripes (bars).
                if ((v * 7.0) as u32) % 2 == 0 {
                    navy
                } else {
                    white
                }
            }
        }
    })
}

/// Pastes `logo` (with alpha) into `photo` at (x, y), scaled to `width`
/// pixels wide, rotated by `degrees`, optionally in grey.
pub fn composite(
    photo: &mut RgbImage,
    logo: &RgbaImage,
    x: i32,
    y: i32,
    width: u32,
    degrees: f32,
    grey: bool,
) {
    let height =
        ((logo.height() as f32 * width as f32 / logo.width() as f32).round() as u32).max(1);
    let logo = &image::imageops::resize(logo, width, height, image::imageops::FilterType::Triangle);
    let scale = 1.0;
    let height = height as i32;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let reach = ((width * width + (height * height) as u32) as f32).sqrt() as i32 / 2 + 2;
    for oy in -reach..reach {
        for ox in -reach..reach {
            // Inverse-rotate the output offset into logo space.
            let lx = cos * ox as f32 + sin * oy as f32 + cx;
            let ly = -sin * ox as f32 + cos * oy as f32 + cy;
            if lx < 0.0 || ly < 0.0 || lx >= width as f32 || ly >= height as f32 {
                continue;
            }
            let px = x + cx as i32 + ox;
            let py = y + cy as i32 + oy;
            if px < 0 || py < 0 || px >= photo.width() as i32 || py >= photo.height() as i32 {
                continue;
            }
            let src = sample(logo, lx * scale, ly * scale);
            let a = src[3] / 255.0;
            if a <= 0.0 {
                continue;
            }
            let mut c = [src[0], src[1], src[2]];
            if grey {
                let l = 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];
                c = [l, l, l];
            }
            let p = photo.get_pixel_mut(px as u32, py as u32);
            for k in 0..3 {
                p.0[k] = (p.0[k] as f32 * (1.0 - a) + c[k] * a) as u8;
            }
        }
    }
}

/// Box-filtered sample of `img` around (x, y) over a `scale`-wide window
/// would be best; bilinear is enough for the tests.
fn sample(img: &RgbaImage, x: f32, y: f32) -> [f32; 4] {
    let x0 = (x.floor() as u32).min(img.width() - 1);
    let y0 = (y.floor() as u32).min(img.height() - 1);
    let x1 = (x0 + 1).min(img.width() - 1);
    let y1 = (y0 + 1).min(img.height() - 1);
    let fx = x - x0 as f32;
    let fy = y - y0 as f32;
    let mut out = [0f32; 4];
    for k in 0..4 {
        let p = |xx, yy| img.get_pixel(xx, yy).0[k] as f32;
        out[k] = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + p(x1, y0) * fx * (1.0 - fy)
            + p(x0, y1) * (1.0 - fx) * fy
            + p(x1, y1) * fx * fy;
    }
    out
}

pub fn luma(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        Luma([((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8])
    })
}

/// A 5×7 bitmap font for the few capitals the test wordmarks use.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        _ => [0; 7],
    }
}

/// A wordmark: `text` in navy capitals on a transparent background, with
/// a gold underline; `cell` pixels per font dot.
pub fn wordmark(text: &str, cell: u32) -> RgbaImage {
    let n = text.chars().count() as u32;
    let w = (n * 6 + 1) * cell;
    let h = 11 * cell;
    let mut img = RgbaImage::new(w, h);
    for (i, c) in text.chars().enumerate() {
        let g = glyph(c);
        for (row, bits) in g.iter().enumerate() {
            for col in 0..5 {
                if bits & (0x10 >> col) != 0 {
                    for dy in 0..cell {
                        for dx in 0..cell {
                            let x = (i as u32 * 6 + 1 + col) * cell + dx;
                            let y = (row as u32 + 1) * cell + dy;
                            img.put_pixel(x, y, Rgba([20, 40, 110, 255]));
                        }
                    }
                }
            }
        }
    }
    for y in 9 * cell..10 * cell {
        for x in cell..w - cell {
            img.put_pixel(x, y, Rgba([230, 180, 30, 255]));
        }
    }
    img
}

/// Flattens an RGBA image onto white (a logo saved as JPEG).
pub fn on_white(img: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let [r, g, b, a] = img.get_pixel(x, y).0;
        let a = a as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        Rgb([mix(r), mix(g), mix(b)])
    })
}
