//! Image screening end to end: GPS in each container, names hidden in
//! metadata, the consent matrix, broken and bomb files, metadata stripping,
//! withdrawn copies, faces, and logos. Every image is made by the test
//! itself (see `images/synth.rs`), except the one real face photo in
//! `fixtures/images/` (provenance in `fixtures/README.md`).

mod synth;

use gatepost::image::{self as gimage, meta};
use gatepost::{Attachment, Location, Report, Request, Severity, Verdict};
use image::DynamicImage;

use crate::util::{Via, request, screen_request};
use synth::*;

fn attach(bytes: Vec<u8>, name: &str) -> Attachment {
    Attachment {
        filename: name.into(),
        media_type: String::new(),
        content: bytes,
        alt_text: String::new(),
        depicted_pupil_ids: Vec::new(),
        people_attested: true,
    }
}

fn post_with(via: Via, text: &str, attachments: Vec<Attachment>) -> Request {
    let mut r = request(via, text);
    r.post.attachments = attachments;
    r
}

fn rules(report: &Report) -> Vec<(&'static str, Severity)> {
    let mut v: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.rule_id, f.severity))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn small_jpeg(seed: u64) -> Vec<u8> {
    jpeg(&photo(160, 120, seed), 85)
}

fn gps_exif() -> Vec<u8> {
    Exif::new().gps(51.5072, -0.1276).tiff()
}

const XMP_GPS: &str = r#"<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.43N" exif:GPSLongitude="0,7.66W"/>"#;

// ---- image.location ----

#[test]
fn gps_in_each_container_is_found_without_decoding() {
    let rgb = photo(96, 64, 1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "jpeg exif le",
            jpeg_with_exif(&jpeg(&rgb, 85), &gps_exif()),
            "EXIF GPSLatitude",
        ),
        (
            "jpeg exif be",
            jpeg_with_exif(&jpeg(&rgb, 85), &Exif::be().gps(10.0, 20.0).tiff()),
            "EXIF GPSLatitude",
        ),
        (
            "png eXIf",
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                b"eXIf",
                &gps_exif(),
            ),
            "EXIF GPSLatitude",
        ),
        (
            "webp EXIF",
            webp_with_chunk(&webp(&rgb), b"EXIF", &gps_exif(), 96, 64),
            "EXIF GPSLatitude",
        ),
        (
            "jpeg xmp",
            jpeg_with_xmp(&jpeg(&rgb, 85), &xmp_packet(XMP_GPS)),
            "XMP exif:GPSLatitude",
        ),
        (
            "png xmp",
            png_with_xmp(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                &xmp_packet(XMP_GPS),
            ),
            "XMP exif:GPSLatitude",
        ),
        (
            "webp xmp",
            webp_with_chunk(&webp(&rgb), b"XMP ", xmp_packet(XMP_GPS).as_bytes(), 96, 64),
            "XMP exif:GPSLatitude",
        ),
        (
            "png zTXt raw exif profile (ImageMagick)",
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                b"zTXt",
                &ztxt(
                    "Raw profile type exif",
                    &raw_profile("exif", &[&b"Exif\0\0"[..], &gps_exif()].concat()),
                ),
            ),
            "EXIF GPSLatitude",
        ),
        (
            "png tEXt raw APP1 profile",
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                b"tEXt",
                &[
                    &b"Raw profile type APP1\0"[..],
                    &raw_profile("APP1", &gps_exif()),
                ]
                .concat(),
            ),
            "EXIF GPSLatitude",
        ),
        (
            "png zTXt raw xmp profile",
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                b"zTXt",
                &ztxt(
                    "Raw profile type xmp",
                    &raw_profile("xmp", xmp_packet(XMP_GPS).as_bytes()),
                ),
            ),
            "XMP exif:GPSLatitude",
        ),
        (
            "png compressed iTXt xmp",
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(rgb.clone())),
                b"iTXt",
                &itxt_compressed("XML:com.adobe.xmp", xmp_packet(XMP_GPS).as_bytes()),
            ),
            "XMP exif:GPSLatitude",
        ),
        ("tiff", gps_exif(), "EXIF GPSLatitude"),
    ];
    for (name, bytes, tag) in cases {
        let m = meta::read(&bytes);
        assert_eq!(
            m.gps.first().map(String::as_str),
            Some(tag),
            "{name}: {m:?}"
        );
        if name != "tiff" {
            assert!(
                gimage::decode::decode(&bytes).is_ok(),
                "{name} must still decode"
            );
        }
        for (via, severity) in [
            (Via::Official, Severity::Block),
            (Via::Personal, Severity::Review),
        ] {
            let report = screen_request(&post_with(
                via,
                "Sports day!",
                vec![attach(bytes.clone(), "sports.jpg")],
            ));
            let f = report
                .findings
                .iter()
                .find(|f| f.rule_id == "image.location")
                .unwrap_or_else(|| panic!("{name}: {:?}", report.findings));
            assert_eq!(f.severity, severity, "{name}");
            assert!(f.remedy.contains("gatepost strip"), "{}", f.remedy);
            assert!(
                matches!(&f.location, Location::Image { attachment: 0, tag: Some(t), .. } if t == tag)
            );
        }
    }
}

#[test]
fn heic_metadata_is_read_and_its_pixels_fail_closed() {
    let tiff = Exif::new()
        .gps(51.5072, -0.1276)
        .ascii(0x010E, "Grace Hill at sports day")
        .tiff();
    let xmp = xmp_packet(
        r#"<rdf:Description><dc:subject><rdf:Bag><rdf:li>Wei Chen</rdf:li></rdf:Bag></dc:subject></rdf:Description>"#,
    );
    let bytes = heic(&tiff, Some(&xmp));
    assert_eq!(gimage::Format::sniff(&bytes), gimage::Format::Heif);
    let m = meta::read(&bytes);
    assert_eq!(
        m.gps.first().map(String::as_str),
        Some("EXIF GPSLatitude"),
        "{m:?}"
    );
    assert_eq!(m.unreadable, None);
    let tags: Vec<&str> = m.texts.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(tags, ["EXIF ImageDescription", "XMP dc:subject"]);

    let report = screen_request(&post_with(
        Via::Official,
        "Sports day!",
        vec![attach(bytes, "IMG_0042.HEIC")],
    ));
    assert_eq!(
        rules(&report),
        [
            ("image.location", Severity::Block),
            // A pupil without photo consent named with a photo.
            ("photo.no_consent", Severity::Block),
            ("pupil.full_name", Severity::Block),
            ("screening.incomplete", Severity::Review),
        ]
    );
    let named: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "pupil.full_name")
        .filter_map(|f| match &f.location {
            Location::Image { tag: Some(t), .. } => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(named, ["EXIF ImageDescription", "XMP dc:subject"]);
    assert_eq!(report.verdict, Verdict::Reject);

    // Without metadata there is nothing to find, but the pixels still
    // cannot be checked: never an approval.
    let plain = heic(&Exif::new().orientation(1).tiff(), None);
    let report = screen_request(&post_with(
        Via::Official,
        "Sports day!",
        vec![attach(plain, "a.heic")],
    ));
    assert_eq!(rules(&report), [("screening.incomplete", Severity::Review)]);
}

#[test]
fn gps_block_without_a_position_and_plain_photos_pass() {
    let plain = small_jpeg(2);
    let no_fix = jpeg_with_exif(
        &plain,
        &Exif::new()
            .gps_without_position()
            .ascii(0x010E, "Sports day")
            .tiff(),
    );
    for bytes in [plain, no_fix] {
        assert!(meta::read(&bytes).gps.is_empty());
        let report = screen_request(&post_with(
            Via::Official,
            "Sports day!",
            vec![attach(bytes, "a.jpg")],
        ));
        assert_eq!(report.verdict, Verdict::Approve, "{:?}", report.findings);
    }
}

#[test]
fn sloppy_exif_still_yields_gps() {
    // A GPS IFD entry with a wrong count and an IFD0 entry pointing past
    // the end: lenient reading keeps what it can.
    let mut tiff = Exif::new().ascii(0x010E, "x").gps(1.0, 2.0).tiff();
    // Corrupt the ImageDescription's count so it runs off the end.
    let n = tiff.len() as u32;
    tiff[8 + 2 + 4..8 + 2 + 8].copy_from_slice(&(n * 4).to_le_bytes());
    let bytes = jpeg_with_exif(&small_jpeg(3), &tiff);
    assert!(!meta::read(&bytes).gps.is_empty());
}

// ---- names hidden in metadata ----

#[test]
fn names_in_metadata_are_found_with_a_metadata_location() {
    let base = small_jpeg(4);
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            jpeg_with_exif(
                &base,
                &Exif::new()
                    .ascii(0x010E, "Oliver O'Brien wins the egg race")
                    .tiff(),
            ),
            "EXIF ImageDescription",
            "Oliver O'Brien",
        ),
        (
            jpeg_with_exif(
                &base,
                &Exif::new()
                    .ascii(0x013B, "Photo: Aaliyah Okafor-Williams")
                    .tiff(),
            ),
            "EXIF Artist",
            "Aaliyah Okafor-Williams",
        ),
        (
            jpeg_with_exif(&base, &Exif::new().xp(0x9C9C, "with Wei Chen").tiff()),
            "EXIF XPComment",
            "Wei Chen",
        ),
        (
            jpeg_with_exif(&base, &Exif::new().xp(0x9C9E, "sports;Grace Hill").tiff()),
            "EXIF XPKeywords",
            "Grace Hill",
        ),
        (
            jpeg_with_exif(
                &base,
                &Exif::new().user_comment("Summer Day smiling", true).tiff(),
            ),
            "EXIF UserComment",
            "Summer Day",
        ),
        (
            jpeg_with_exif(&base, &Exif::be().user_comment("Hope Field", true).tiff()),
            "EXIF UserComment",
            "Hope Field",
        ),
        (
            jpeg_with_exif(&base, &Exif::new().user_comment("Hope Field", false).tiff()),
            "EXIF UserComment",
            "Hope Field",
        ),
        (
            jpeg_with_xmp(
                &base,
                &xmp_packet(
                    r#"<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Well done Oliver O&apos;Brien</rdf:li></rdf:Alt></dc:description></rdf:Description>"#,
                ),
            ),
            "XMP dc:description",
            "Oliver O'Brien",
        ),
        (
            jpeg_with_xmp(
                &base,
                &xmp_packet(
                    r#"<rdf:Description><dc:subject><rdf:Bag><rdf:li>netball</rdf:li><rdf:li>Wei Chen</rdf:li></rdf:Bag></dc:subject></rdf:Description>"#,
                ),
            ),
            "XMP dc:subject",
            "Wei Chen",
        ),
        (
            jpeg_with_xmp(
                &base,
                &xmp_packet(
                    r#"<rdf:Description><dc:title><rdf:Alt><rdf:li>Grace Hill at the fair</rdf:li></rdf:Alt></dc:title></rdf:Description>"#,
                ),
            ),
            "XMP dc:title",
            "Grace Hill",
        ),
        (
            jpeg_with_xmp(
                &base,
                &xmp_packet(
                    r#"<rdf:Description><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Mohammed Al-Hassan</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage></rdf:Description>"#,
                ),
            ),
            "XMP Iptc4xmpExt:PersonInImage",
            "Mohammed Al-Hassan",
        ),
        (
            png_with_xmp(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                &xmp_packet(
                    r#"<rdf:Description><dc:description>Wei Chen</dc:description></rdf:Description>"#,
                ),
            ),
            "XMP dc:description",
            "Wei Chen",
        ),
        (
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                b"tEXt",
                b"Description\0Grace Hill on sports day",
            ),
            "PNG tEXt Description",
            "Grace Hill",
        ),
        (
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                b"zTXt",
                &ztxt("Description", b"Grace Hill on sports day"),
            ),
            "PNG zTXt Description",
            "Grace Hill",
        ),
        (
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                b"iTXt",
                &itxt_compressed("Comment", "well done Wei Chen".as_bytes()),
            ),
            "PNG iTXt Comment",
            "Wei Chen",
        ),
        (
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                b"zTXt",
                &ztxt(
                    "Raw profile type iptc",
                    &raw_profile(
                        "iptc",
                        &[&[0x1C, 2, 120, 0, 10][..], b"Hope Field"].concat(),
                    ),
                ),
            ),
            "IPTC Caption-Abstract",
            "Hope Field",
        ),
        (
            png_with_chunk(
                &png(&DynamicImage::ImageRgb8(photo(64, 48, 5))),
                b"zTXt",
                &ztxt(
                    "Raw profile type 8bim",
                    &raw_profile(
                        "8bim",
                        &[
                            &b"8BIM\x04\x04\0\0\0\0\0\x0e"[..],
                            &[0x1C, 2, 5, 0, 9],
                            b"Wei Chen!",
                        ]
                        .concat(),
                    ),
                ),
            ),
            "IPTC ObjectName",
            "Wei Chen",
        ),
        (
            jpeg_with_segment(&base, 0xFE, b"Summer Day"),
            "JPEG comment",
            "Summer Day",
        ),
    ];
    for (bytes, tag, name) in cases {
        let req = post_with(
            Via::Official,
            "Sports day!",
            vec![attach(bytes.clone(), "a.jpg")],
        );
        let report = screen_request(&req);
        let f = report
            .findings
            .iter()
            .find(|f| f.rule_id == "pupil.full_name")
            .unwrap_or_else(|| panic!("{tag}: {:?}", report.findings));
        assert_eq!(f.severity, Severity::Block);
        let Location::Image {
            attachment: 0,
            tag: Some(t),
            span: Some((s, e)),
            bbox: None,
        } = &f.location
        else {
            panic!("{tag}: {:?}", f.location);
        };
        assert_eq!(t, tag);
        let m = meta::read(&bytes);
        assert!(
            m.texts
                .iter()
                .any(|x| &x.tag == t && x.text.get(*s..*e) == Some(name)),
            "{tag}: {:?}",
            m.texts
        );
        assert!(
            f.reason.contains(&format!("he {tag} of image 1")),
            "{}",
            f.reason
        );
        // Without image metadata, the same post is fine.
        assert_eq!(report.verdict, Verdict::Reject);
    }
}

#[test]
fn metadata_names_on_a_post_with_consent_are_info_for_official() {
    // Amelia Jones has name and photo consent.
    let bytes = jpeg_with_exif(
        &small_jpeg(6),
        &Exif::new().ascii(0x010E, "Amelia Jones").tiff(),
    );
    let report = screen_request(&post_with(
        Via::Official,
        "Well done!",
        vec![attach(bytes.clone(), "a.jpg")],
    ));
    assert_eq!(rules(&report), [("pupil.named", Severity::Info)]);
    let report = screen_request(&post_with(
        Via::Personal,
        "Well done!",
        vec![attach(bytes, "a.jpg")],
    ));
    assert!(rules(&report).contains(&("pupil.named", Severity::Block)));
}

// ---- consent matrix (depictedPupilIds) ----

#[test]
fn consent_matrix_with_real_images() {
    let bytes = small_jpeg(7);
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, Severity)], Verdict);
    let cases: &[Case<'_>] = &[
        (&[], &[], Verdict::Approve),
        (&["P01"], &[], Verdict::Approve), // consent
        (
            &["P02"],
            &[("photo.no_consent", Severity::Block)],
            Verdict::Reject,
        ), // no consent
        (
            &["P14"],
            &[("photo.no_consent", Severity::Block)],
            Verdict::Reject,
        ), // expired
        (&["P15"], &[], Verdict::Approve), // expires later
        (
            &["P16"],
            &[("photo.no_consent", Severity::Block)],
            Verdict::Reject,
        ), // name yes, photo no
        (
            &["P13"],
            &[("pupil.safeguarding", Severity::Block)],
            Verdict::Reject,
        ),
        (
            &["X99"],
            &[("photo.no_consent", Severity::Block)],
            Verdict::Reject,
        ), // not on roster
    ];
    for (ids, want, verdict) in cases {
        let mut a = attach(bytes.clone(), "team.jpg");
        a.depicted_pupil_ids = ids.iter().map(|s| s.to_string()).collect();
        let report = screen_request(&post_with(Via::Official, "Team photo", vec![a]));
        assert_eq!(rules(&report), *want, "{ids:?}");
        assert_eq!(report.verdict, *verdict, "{ids:?}");
    }
}

// ---- broken, bomb, unsupported: screening.incomplete ----

fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let small = png(&DynamicImage::ImageLuma8(image::GrayImage::new(8, 8)));
    let mut out = small.clone();
    out[16..20].copy_from_slice(&w.to_be_bytes());
    out[20..24].copy_from_slice(&h.to_be_bytes());
    // Fix the IHDR CRC so only the size is wrong.
    let crc = {
        let mut c = 0xFFFF_FFFFu32;
        for &b in &out[12..29] {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = small_jpeg(8);
    let sof = bytes.windows(2).position(|p| p == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

#[test]
fn broken_bomb_and_unsupported_files_fail_closed_quickly() {
    let good = jpeg(&photo(400, 300, 9), 90);
    let good_png = png(&DynamicImage::ImageRgb8(photo(200, 100, 9)));
    let good_webp = webp(&photo(120, 80, 9));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated jpeg", good[..good.len() / 2].to_vec()),
        ("jpeg header only", good[..200].to_vec()),
        ("truncated png", good_png[..good_png.len() / 2].to_vec()),
        ("truncated webp", good_webp[..good_webp.len() / 2].to_vec()),
        (
            "garbage",
            (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("text", b"<html>hello</html>".to_vec()),
        ("png bomb 100k x 100k", png_declaring(100_000, 100_000)),
        ("png bomb 20k x 20k", png_declaring(19_999, 19_999)),
        ("jpeg bomb 65535 x 65535", jpeg_declaring(65_535, 65_535)),
        ("jpeg zero size", jpeg_declaring(0, 100)),
        ("heif", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec()),
        ("tiff", Exif::new().ascii(0x010E, "x").tiff()),
        ("gif garbage", b"GIF89a\x10\x00\x10\x00".to_vec()),
        (
            "png zTXt bomb",
            png_with_chunk(&good_png, b"zTXt", &ztxt("Comment", &vec![b'a'; 4 << 20])),
        ),
        (
            "png zTXt damaged",
            png_with_chunk(&good_png, b"zTXt", b"Comment\0\0\x78\x9c\xff\xff\xff\xff"),
        ),
        (
            "png raw profile not hex",
            png_with_chunk(
                &good_png,
                b"zTXt",
                &ztxt("Raw profile type exif", b"\nexif\n      40\nnot hex at all"),
            ),
        ),
    ];
    for (name, bytes) in cases {
        let start = std::time::Instant::now();
        let report = screen_request(&post_with(
            Via::Official,
            "Hello",
            vec![attach(bytes, "x.jpg")],
        ));
        let took = start.elapsed();
        assert!(took.as_millis() < 2000, "{name} took {took:?}");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule_id == "screening.incomplete"),
            "{name}: {:?}",
            report.findings
        );
        assert_ne!(report.verdict, Verdict::Approve, "{name}");
    }
    // An empty attachment too.
    let report = screen_request(&post_with(
        Via::Personal,
        "Hello",
        vec![attach(Vec::new(), "x.jpg")],
    ));
    assert_eq!(rules(&report), [("screening.incomplete", Severity::Review)]);
}

#[test]
fn good_files_of_every_supported_format_pass() {
    let rgb = photo(120, 90, 10);
    let mut gif = Vec::new();
    image::codecs::gif::GifEncoder::new(&mut gif)
        .encode(
            &image::RgbaImage::from_fn(32, 32, |x, y| {
                image::Rgba([x as u8 * 8, y as u8 * 8, 0, 255])
            }),
            32,
            32,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    for (name, bytes) in [
        ("jpeg", jpeg(&rgb, 80)),
        ("grey jpeg", {
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
                .encode_image(&luma(&rgb))
                .unwrap();
            out
        }),
        ("png", png(&DynamicImage::ImageRgb8(rgb.clone()))),
        (
            "png rgba",
            png(&DynamicImage::ImageRgba8(
                DynamicImage::ImageRgb8(rgb.clone()).to_rgba8(),
            )),
        ),
        ("webp", webp(&rgb)),
        ("gif", gif),
    ] {
        let report = screen_request(&post_with(Via::Official, "Hello", vec![attach(bytes, "x")]));
        assert_eq!(
            report.verdict,
            Verdict::Approve,
            "{name}: {:?}",
            report.findings
        );
    }
}

// ---- strip ----

#[test]
fn strip_removes_metadata_and_keeps_pixels() {
    let rgb = photo(150, 100, 11);
    let exif = Exif::new()
        .gps(51.0, -1.0)
        .ascii(0x010E, "Grace Hill")
        .orientation(6)
        .tiff();
    let xmp = xmp_packet(XMP_GPS);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "jpeg",
            jpeg_with_segment(
                &jpeg_with_xmp(&jpeg_with_exif(&jpeg(&rgb, 90), &exif), &xmp),
                0xFE,
                b"comment",
            ),
        ),
        (
            "png",
            png_with_chunk(
                &png_with_xmp(
                    &png_with_chunk(&png(&DynamicImage::ImageRgb8(rgb.clone())), b"eXIf", &exif),
                    &xmp,
                ),
                b"tEXt",
                b"Author\0Grace Hill",
            ),
        ),
        (
            "webp",
            webp_with_chunk(
                &webp_with_chunk(&webp(&rgb), b"EXIF", &exif, 150, 100),
                b"XMP ",
                xmp.as_bytes(),
                150,
                100,
            ),
        ),
    ];
    for (name, bytes) in cases {
        let before = meta::read(&bytes);
        assert!(!before.gps.is_empty() && !before.texts.is_empty(), "{name}");
        let stripped = gimage::strip(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!stripped.removed.is_empty(), "{name}");
        let after = meta::read(&stripped.bytes);
        assert!(
            after.gps.is_empty() && after.texts.is_empty(),
            "{name}: {after:?}"
        );
        assert!(stripped.bytes.len() < bytes.len());
        assert_eq!(
            gimage::decode::full_pixels(&stripped.bytes).unwrap(),
            gimage::decode::full_pixels(&bytes).unwrap(),
            "{name}"
        );
        // The stripped copy screens clean.
        let report = screen_request(&post_with(
            Via::Official,
            "Hello",
            vec![attach(stripped.bytes.clone(), "x")],
        ));
        assert_eq!(
            report.verdict,
            Verdict::Approve,
            "{name}: {:?}",
            report.findings
        );
        // Stripping again changes nothing.
        let again = gimage::strip(&stripped.bytes).unwrap();
        assert_eq!(again.bytes, stripped.bytes, "{name}");
        if name == "jpeg" {
            let orientation = exif::Reader::new()
                .read_from_container(&mut std::io::Cursor::new(&stripped.bytes))
                .unwrap();
            let o = orientation
                .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .unwrap();
            assert_eq!(o.value.get_uint(0), Some(6));
            assert_eq!(orientation.fields().count(), 1);
        }
        if name == "webp" {
            let chunks = gimage::container::webp_chunks(&stripped.bytes);
            assert!(chunks.error.is_none());
            assert_eq!(chunks.pieces[0].data[0] & 0x0C, 0, "VP8X flags cleared");
        }
    }
}

#[test]
fn strip_refuses_what_it_cannot_do_safely() {
    let good = jpeg(&photo(100, 80, 12), 90);
    assert!(gimage::strip(&good[..good.len() - 40]).is_err());
    assert!(gimage::strip(b"hello").is_err());
    assert!(gimage::strip(&Exif::new().gps(1.0, 1.0).tiff()).is_err());
}

#[test]
fn strip_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jpg");
    let output = dir.path().join("out.jpg");
    std::fs::write(&input, jpeg_with_exif(&small_jpeg(13), &gps_exif())).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .args(["strip"])
        .arg(&input)
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("EXIF"));
    let out = std::fs::read(&output).unwrap();
    assert!(meta::read(&out).gps.is_empty());
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .args(["strip", "/nonexistent.jpg"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

// ---- pixels: a pack with a logo and withdrawn photos ----

const WITHDRAWN_SEEDS: [u64; 2] = [4242, 777];

fn image_snapshot() -> &'static gatepost::Snapshot {
    static SNAPSHOT: std::sync::OnceLock<gatepost::Snapshot> = std::sync::OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        crate::util::write_pack(dir.path());
        let school = dir.path().join("schools/test");
        std::fs::create_dir_all(school.join("logos")).unwrap();
        std::fs::create_dir_all(school.join("withdrawn")).unwrap();
        std::fs::write(
            school.join("logos/crest.png"),
            png(&DynamicImage::ImageRgba8(crest(120, 0))),
        )
        .unwrap();
        for seed in WITHDRAWN_SEEDS {
            std::fs::write(
                school.join(format!("withdrawn/w{seed}.jpg")),
                jpeg(&photo(640, 480, seed), 85),
            )
            .unwrap();
        }
        let pack = gatepost::Pack::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        gatepost::Snapshot::build(&pack).unwrap()
    })
}

fn screen_images(req: &Request) -> Report {
    gatepost::screen(
        image_snapshot(),
        req,
        gatepost::Options {
            today: crate::util::today(),
        },
    )
    .unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/images")
            .join(name),
    )
    .unwrap()
}

fn has(report: &Report, rule: &str) -> bool {
    report.findings.iter().any(|f| f.rule_id == rule)
}

fn unattested(bytes: Vec<u8>) -> Attachment {
    Attachment {
        people_attested: false,
        ..attach(bytes, "photo.jpg")
    }
}

// ---- faces ----

#[test]
fn faces_need_attestation_on_official_accounts() {
    let face = fixture("astronaut.jpg");
    let report = screen_images(&post_with(
        Via::Official,
        "Hello",
        vec![unattested(face.clone())],
    ));
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == "photo.unattested_faces")
        .unwrap_or_else(|| panic!("{:?}", report.findings));
    assert_eq!(f.severity, Severity::Review);
    assert_eq!(report.verdict, Verdict::Review);
    let Location::Image { bbox: Some(b), .. } = f.location else {
        panic!("{:?}", f.location);
    };
    // The astronaut's face is in the upper middle of the 256×256 picture.
    assert!((60..130).contains(&b.x) && (10..80).contains(&b.y), "{b:?}");
    assert!((30..90).contains(&b.width), "{b:?}");
    // Attested (nobody from the roster in it, or listed): no finding.
    let report = screen_images(&post_with(
        Via::Official,
        "Hello",
        vec![attach(face.clone(), "a.jpg")],
    ));
    assert_eq!(report.verdict, Verdict::Approve, "{:?}", report.findings);
    // The rule does not apply to personal accounts.
    let report = screen_images(&post_with(Via::Personal, "Hello", vec![unattested(face)]));
    assert!(!has(&report, "photo.unattested_faces"));
}

#[test]
fn pictures_without_people_have_no_faces() {
    let mut cases: Vec<(String, Vec<u8>)> = ["chelsea.jpg", "coffee.jpg", "rocket.jpg"]
        .iter()
        .map(|n| (n.to_string(), fixture(n)))
        .collect();
    for seed in 20..30 {
        cases.push((
            format!("synthetic {seed}"),
            jpeg(&photo(800, 600, seed), 85),
        ));
    }
    for (name, bytes) in cases {
        let report = screen_images(&post_with(Via::Official, "Hello", vec![unattested(bytes)]));
        assert_eq!(
            report.verdict,
            Verdict::Approve,
            "{name}: {:?}",
            report.findings
        );
    }
}

#[test]
fn the_face_model_is_embedded() {
    assert!(gimage::faces::model_loads());
}

// ---- withdrawn ----

#[test]
fn withdrawn_copies_match_under_each_transformation() {
    let orig = photo(640, 480, WITHDRAWN_SEEDS[0]);
    let crop = |l: u32, t: u32, r: u32, b: u32| {
        image::imageops::crop_imm(&orig, l, t, 640 - l - r, 480 - t - b).to_image()
    };
    let shift = |d: i16| {
        image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb(
                orig.get_pixel(x, y)
                    .0
                    .map(|c| (c as i16 + d).clamp(0, 255) as u8),
            )
        })
    };
    let resized =
        |w, h| image::imageops::resize(&orig, w, h, image::imageops::FilterType::Triangle);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("identical", jpeg(&orig, 85)),
        ("half size", jpeg(&resized(320, 240), 85)),
        ("double size", jpeg(&resized(1280, 960), 90)),
        ("thumbnail", jpeg(&resized(160, 120), 85)),
        ("recompressed q25", jpeg(&orig, 25)),
        ("as PNG", png(&DynamicImage::ImageRgb8(orig.clone()))),
        ("as WebP", webp(&orig)),
        ("brighter", jpeg(&shift(40), 85)),
        ("darker", jpeg(&shift(-40), 85)),
        ("greyscale", jpeg(&grey_to_rgb(&luma(&orig)), 85)),
        ("crop 5% all round", jpeg(&crop(32, 24, 32, 24), 85)),
        ("crop 10% all round", jpeg(&crop(64, 48, 64, 48), 85)),
        ("crop 15% off the left", jpeg(&crop(96, 0, 0, 0), 85)),
        ("crop top and right", jpeg(&crop(0, 48, 64, 0), 85)),
        ("crop left and bottom", jpeg(&crop(51, 0, 0, 38), 85)),
        (
            "second withdrawn image",
            jpeg(&photo(640, 480, WITHDRAWN_SEEDS[1]), 70),
        ),
    ];
    for (name, bytes) in cases {
        for via in [Via::Official, Via::Personal] {
            let report = screen_images(&post_with(
                via,
                "Hello",
                vec![attach(bytes.clone(), "a.jpg")],
            ));
            let f = report
                .findings
                .iter()
                .find(|f| f.rule_id == "photo.withdrawn");
            assert!(f.is_some(), "{name}: {:?}", report.findings);
            assert_eq!(f.unwrap().severity, Severity::Block);
            assert!(
                !f.unwrap().reason.contains("w4242"),
                "no pack paths in reasons"
            );
        }
    }
}

#[test]
fn different_photos_are_not_withdrawn() {
    let mut cases: Vec<Vec<u8>> = (100..140)
        .map(|seed| jpeg(&photo(640, 480, seed), 85))
        .collect();
    for n in ["astronaut.jpg", "chelsea.jpg", "coffee.jpg", "rocket.jpg"] {
        cases.push(fixture(n));
    }
    for (i, bytes) in cases.into_iter().enumerate() {
        let report = screen_images(&post_with(
            Via::Official,
            "Hello",
            vec![attach(bytes, "a.jpg")],
        ));
        assert!(!has(&report, "photo.withdrawn"), "case {i}");
    }
}

// ---- logos ----

/// A photo with the crest (or a look-alike) composited at `frac` of its width.
fn with_logo(
    variant: u32,
    frac: f32,
    degrees: f32,
    grey: bool,
    seed: u64,
) -> (Vec<u8>, (u32, u32, u32)) {
    // Logos too tall for a landscape frame go on a portrait photo.
    let (w, h) = if frac > 0.6 { (900, 1300) } else { (1200, 900) };
    let mut p = photo(w, h, seed);
    let lw = (w as f32 * frac) as u32;
    let x = (w - lw) / 3;
    let y = 24;
    composite(&mut p, &crest(400, variant), x as i32, y, lw, degrees, grey);
    (jpeg(&p, 85), (x, y as u32, lw))
}

#[test]
fn logos_are_found_at_many_sizes_on_personal_accounts() {
    for (i, frac) in [0.08f32, 0.12, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0]
        .into_iter()
        .enumerate()
    {
        for (degrees, grey) in [(0.0, false), (10.0, false), (-8.0, true), (5.0, true)] {
            let (bytes, (x, _y, lw)) = with_logo(0, frac, degrees, grey, 60 + i as u64);
            let report = screen_images(&post_with(
                Via::Personal,
                "Hello",
                vec![attach(bytes.clone(), "a.jpg")],
            ));
            let f = report
                .findings
                .iter()
                .find(|f| f.rule_id == "brand.logo")
                .unwrap_or_else(|| panic!("{frac} {degrees} {grey}: {:?}", report.findings));
            assert_eq!(f.severity, Severity::Block);
            let Location::Image { bbox: Some(b), .. } = f.location else {
                panic!()
            };
            let (cx, want_cx) = (b.x + b.width / 2, x + lw / 2);
            assert!(
                cx.abs_diff(want_cx) < lw / 4 + 8,
                "{frac} {degrees}: {b:?} vs x {x} w {lw}"
            );
            assert!(
                b.width > lw * 6 / 10 && b.width < lw * 16 / 10,
                "{frac} {degrees}: {b:?} vs {lw}"
            );
            // Official accounts may show their own logo.
            let report = screen_images(&post_with(
                Via::Official,
                "Hello",
                vec![attach(bytes, "a.jpg")],
            ));
            assert!(!has(&report, "brand.logo"));
        }
    }
}

#[test]
fn look_alike_logos_and_plain_photos_do_not_match() {
    for variant in 1..4 {
        for (i, frac) in [0.1f32, 0.25, 0.5, 0.9].into_iter().enumerate() {
            for degrees in [0.0, 8.0] {
                let (bytes, _) = with_logo(variant, frac, degrees, false, 90 + i as u64);
                let report = screen_images(&post_with(
                    Via::Personal,
                    "Hello",
                    vec![attach(bytes, "a.jpg")],
                ));
                assert!(
                    !has(&report, "brand.logo"),
                    "look-alike {variant} at {frac}: {:?}",
                    report.findings
                );
            }
        }
    }
    for seed in 200..212 {
        let report = screen_images(&post_with(
            Via::Personal,
            "Hello",
            vec![attach(jpeg(&photo(1000, 750, seed), 85), "a.jpg")],
        ));
        assert!(!has(&report, "brand.logo"), "photo {seed}");
    }
    for n in ["astronaut.jpg", "chelsea.jpg", "coffee.jpg", "rocket.jpg"] {
        let report = screen_images(&post_with(
            Via::Personal,
            "Hello",
            vec![attach(fixture(n), "a.jpg")],
        ));
        assert!(!has(&report, "brand.logo"), "{n}");
    }
}

// ---- several attachments, pack errors ----

#[test]
fn several_attachments_are_reported_in_order() {
    let gps = jpeg_with_exif(&small_jpeg(30), &gps_exif());
    let broken = small_jpeg(31)[..300].to_vec();
    let withdrawn = jpeg(&photo(640, 480, WITHDRAWN_SEEDS[0]), 80);
    let req = post_with(
        Via::Official,
        "Hello",
        vec![
            attach(gps, "a.jpg"),
            attach(broken, "b.jpg"),
            attach(withdrawn, "c.jpg"),
            attach(small_jpeg(32), "d.jpg"),
        ],
    );
    let report = screen_images(&req);
    let got: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|f| match f.location {
            Location::Image { attachment, .. } => (f.rule_id, attachment),
            _ => (f.rule_id, 99),
        })
        .collect();
    assert_eq!(
        got,
        [
            ("image.location", 0),
            ("screening.incomplete", 1),
            ("photo.withdrawn", 2)
        ]
    );
}

#[test]
fn an_unusable_pack_image_is_a_pack_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    crate::util::write_pack(dir.path());
    let logos = dir.path().join("schools/test/logos");
    std::fs::create_dir_all(&logos).unwrap();
    std::fs::write(logos.join("broken.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let withdrawn = dir.path().join("schools/test/withdrawn");
    std::fs::create_dir_all(&withdrawn).unwrap();
    std::fs::write(withdrawn.join("notes.txt"), b"hello").unwrap();
    let err = gatepost::Pack::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("schools/test/logos/broken.png"), "{err}");
    assert!(err.contains("schools/test/withdrawn/notes.txt"), "{err}");
}

#[test]
fn faces_down_to_six_percent_of_the_width_are_found() {
    let face = image::ImageReader::new(std::io::Cursor::new(fixture("astronaut.jpg")))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
        .to_rgb8();
    // The face is about 47/256 of the astronaut picture's width.
    for pct in [6.0f32, 8.0, 12.0, 20.0] {
        let mut canvas = photo(1600, 1200, 5);
        let side = (1600.0 * pct / 100.0 * 256.0 / 47.0) as u32;
        let small =
            image::imageops::resize(&face, side, side, image::imageops::FilterType::Triangle);
        image::imageops::overlay(&mut canvas, &small, 300, 200);
        let d = gimage::decode::decode(&jpeg(&canvas, 85)).unwrap();
        let found = gimage::faces::find(&d.grey).unwrap();
        assert_eq!(found.len(), 1, "face at {pct}% of the width");
    }
}

#[test]
fn sideways_phone_photos_are_turned_upright_before_faces_are_sought() {
    let upright = image::ImageReader::new(std::io::Cursor::new(fixture("astronaut.jpg")))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
        .to_rgb8();
    // Stored turned a quarter anticlockwise; Orientation 6 says "rotate 90° clockwise to show".
    let stored = image::imageops::rotate270(&upright);
    let plain = jpeg(&stored, 90);
    let tagged = jpeg_with_exif(&plain, &Exif::new().orientation(6).tiff());
    let faces = |bytes: Vec<u8>| {
        let r = screen_images(&post_with(Via::Official, "Hello", vec![unattested(bytes)]));
        r.findings
            .iter()
            .filter_map(|f| match f.location {
                Location::Image { bbox: Some(b), .. } if f.rule_id == "photo.unattested_faces" => {
                    Some(b)
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert!(
        faces(plain).is_empty(),
        "a sideways face is not found without the tag"
    );
    let found = faces(tagged);
    assert_eq!(found.len(), 1);
    assert!(
        (60..130).contains(&found[0].x) && (10..80).contains(&found[0].y),
        "{:?}",
        found[0]
    );
}

#[test]
fn jpeg_logos_on_white_are_found_and_wordmarks_do_not_misfire() {
    use gatepost::pack::ImageFile;
    let crest_jpg = jpeg(&on_white(&crest(160, 0)), 90);
    let word = png(&DynamicImage::ImageRgba8(wordmark("OAKFIELD", 6)));
    let school = gimage::SchoolImages::build(
        &[
            ImageFile {
                path: "logos/crest.jpg".into(),
                bytes: crest_jpg,
            },
            ImageFile {
                path: "logos/wordmark.png".into(),
                bytes: word,
            },
        ],
        &[],
    )
    .unwrap();
    let checks = gimage::Checks {
        faces: false,
        logos: true,
        withdrawn: false,
    };
    let found = |bytes: &[u8]| -> Vec<String> {
        gimage::analyse(bytes, &school, checks)
            .unwrap()
            .logos
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    };
    // The JPEG logo pasted with its white box, at several sizes.
    for (i, frac) in [0.1f32, 0.25, 0.5].into_iter().enumerate() {
        let mut p = photo(1200, 900, 300 + i as u64);
        let logo = image::DynamicImage::ImageRgb8(on_white(&crest(400, 0))).to_rgba8();
        composite(&mut p, &logo, 150, 40, (1200.0 * frac) as u32, 0.0, false);
        assert_eq!(
            found(&jpeg(&p, 85)),
            ["logos/crest.jpg"],
            "crest on white at {frac}"
        );
    }
    // A sparse logo (a wordmark: under 60% of its box opaque) is matched
    // as its whole box by |NCC|, so its flat-coloured letters alone do not
    // match any dark-over-light edge (they did, before). Another school's
    // word in the same font and colours does not match. Finding the
    // wordmark itself needs finer scale and angle steps than the
    // refinement has (notes/image-design.md): not promised yet.
    for (i, frac) in [0.2f32, 0.4, 0.8].into_iter().enumerate() {
        let lw = (1200.0 * frac) as u32;
        let mut p = photo(1200, 900, 320 + i as u64);
        composite(&mut p, &wordmark("RIVERSIDE", 8), 100, 300, lw, 0.0, false);
        assert!(
            found(&jpeg(&p, 85)).is_empty(),
            "another school's wordmark at {frac}"
        );
    }
}
