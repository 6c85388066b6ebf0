//! Hostile and careless input, end to end: huge and invisible text,
//! malformed requests (engine, gRPC and CLI), broken and bomb images, and
//! bad packs. Each test asserts the answer and a bound on the peak heap of
//! the work (see `memory.rs`; the bounds are a few times what was measured,
//! so they catch a quadratic or unbounded allocation, not noise). Nothing
//! here asserts a time: speed goals live in the benchmarks.

use std::path::{Path, PathBuf};

use gatepost::proto::v1 as pb;
use gatepost::proto::v1::screening_client::ScreeningClient;
use gatepost::{Attachment, Location, Pack, Report, Request, Verdict, convert};
use tonic::Code;
use tonic_types::StatusExt;

use gatepost::pack::{lexicon, roster};

use crate::memory::MIB;
use crate::server::{Server, config};
use crate::util::{Via, request, screen_request};

/// Screens one post of every kind once, outside any measurement, so the
/// lazily built statics (the snapshot, regexes, the word list, the face
/// model) are not charged to whichever test happens to touch them first.
fn warm() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let mut r = request(
            Via::Official,
            "Oliver O'Brien, 07700 900123, jo@gmail.com, https://x.example.com, 1 High Street, Oakfield OX1 3DD, f*ck",
        );
        r.post.attachments = vec![attach(small_jpeg())];
        screen_request(&r);
        let _ = gatepost::image::meta::read(&small_jpeg());
    });
}

/// [`crate::memory::within`], after [`warm`].
#[track_caller]
fn within<T>(what: &str, bound: u64, f: impl FnOnce() -> T) -> T {
    warm();
    crate::memory::within(what, bound, f)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn rule_ids(report: &Report) -> Vec<&'static str> {
    let mut ids: Vec<_> = report.findings.iter().map(|f| f.rule_id).collect();
    ids.sort();
    ids.dedup();
    ids
}

fn count(report: &Report, rule: &str) -> usize {
    report.findings.iter().filter(|f| f.rule_id == rule).count()
}

/// The text a finding in `post.text` points at.
fn highlighted<'a>(request: &'a Request, report: &Report, rule: &str) -> Vec<&'a str> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .filter_map(|f| match f.location {
            Location::Text { start, end, .. } => Some(&request.post.text[start..end]),
            _ => None,
        })
        .collect()
}

// ---- text ----

#[test]
fn one_mebibyte_post_is_screened_in_bounded_memory() {
    let clean = "Our Year 5 class had a wonderful trip to the science museum today, \
                 and everyone asked brilliant questions about rockets and the stars. ";
    let mut text = String::with_capacity(1 << 20);
    let mut i = 0;
    while text.len() + 200 < 1 << 20 {
        text.push_str(clean);
        if i % 50 == 0 {
            text.push_str("Well done Oliver O'Brien! ");
        }
        i += 1;
    }
    let named = text.matches("Oliver O'Brien").count();
    let r = request(Via::Official, &text);
    let report = within("1 MiB post", 48 * MIB, || screen_request(&r));
    assert_eq!(report.verdict, Verdict::Reject);
    assert_eq!(count(&report, "pupil.full_name"), named);
    assert_eq!(rule_ids(&report), ["pupil.full_name"]);
}

#[test]
fn hundred_thousand_zero_width_characters() {
    // Alone: nothing to find.
    let text = "\u{200b}".repeat(100_000);
    let report = within("zero-width only", 8 * MIB, || {
        screen_request(&request(Via::Official, &text))
    });
    assert_eq!(report.verdict, Verdict::Approve);
    // Inside a name: still found, and the highlight covers all of it.
    let text = format!(
        "Well done Oli{}ver O'Brien!",
        "\u{200b}\u{2060}".repeat(50_000)
    );
    let r = request(Via::Official, &text);
    let report = within("zero-width name", 16 * MIB, || screen_request(&r));
    assert_eq!(
        highlighted(&r, &report, "pupil.full_name"),
        [&text["Well done ".len()..text.len() - 1]]
    );
}

#[test]
fn bidi_overrides_neither_hide_a_name_nor_break_screening() {
    for text in [
        "\u{202e}Oliver O'Brien\u{202c} won",
        "Oliver\u{2066}\u{2067}\u{2068} \u{2069}O'Brien",
        "\u{202d}\u{202e}\u{202a}\u{202b}\u{202c}\u{200e}\u{200f}\u{061c}",
    ] {
        let r = request(Via::Official, text);
        let report = within("bidi", 2 * MIB, || screen_request(&r));
        let names = highlighted(&r, &report, "pupil.full_name");
        if text.contains("Oliver") {
            assert_eq!(names.len(), 1, "{text:?}: {report:?}");
        } else {
            assert_eq!(report.verdict, Verdict::Approve);
        }
    }
    let text = "\u{202e}".repeat(200_000);
    let report = within("200,000 bidi overrides", 16 * MIB, || {
        screen_request(&request(Via::Official, &text))
    });
    assert_eq!(report.verdict, Verdict::Approve);
}

#[test]
fn replacement_characters_from_unpaired_surrogates() {
    // What a client's lossy UTF-16 → UTF-8 conversion leaves behind.
    let utf16: Vec<u16> = "Oliver O'Brien "
        .encode_utf16()
        .chain([0xD800, 0xDC00 - 1, 0xDFFF, b'x'.into()])
        .collect();
    let text = String::from_utf16_lossy(&utf16);
    assert!(text.contains('\u{fffd}'));
    let r = request(Via::Official, &text);
    let report = within("replacement chars", 2 * MIB, || screen_request(&r));
    assert_eq!(
        highlighted(&r, &report, "pupil.full_name"),
        ["Oliver O'Brien"]
    );

    let text = "\u{fffd}".repeat(300_000);
    let report = within("900 KB of U+FFFD", 48 * MIB, || {
        screen_request(&request(Via::Official, &text))
    });
    assert_eq!(report.verdict, Verdict::Approve);
}

#[test]
fn ten_thousand_links() {
    // As the post's links: each is classified, each unlisted one reported.
    let mut r = request(Via::Official, "Links");
    r.post.links = (0..convert::MAX_LINKS)
        .map(|i| format!("https://site{i}.example.com/page"))
        .collect();
    let report = within("10,000 links", 48 * MIB, || screen_request(&r));
    assert_eq!(count(&report, "link.unlisted"), convert::MAX_LINKS);
    assert_eq!(report.verdict, Verdict::Review);
    // One more is refused at the door, naming the field.
    let mut wire = wire_request("oakfield", "Links");
    wire.post.as_mut().unwrap().links = vec!["https://gov.uk".into(); convert::MAX_LINKS + 1];
    let err = within("10,001 links refused", 2 * MIB, || {
        convert::request(wire).unwrap_err()
    });
    assert_eq!(err.field, "post.links");
    // In the text: found and classified the same way.
    let text: String = (0..10_000)
        .map(|i| format!("see https://site{i}.example.com/p "))
        .collect();
    let r = request(Via::Official, &text);
    let report = within("10,000 links in text", 48 * MIB, || screen_request(&r));
    assert_eq!(count(&report, "link.unlisted"), 10_000);
}

/// Every character Unicode calls white space, plus the invisible ones
/// used as spaces (zero-width space, word joiner, BOM, Mongolian vowel
/// separator, Hangul fillers, Braille blank).
const SPACES: &[char] = &[
    '\u{0009}', '\u{000a}', '\u{000b}', '\u{000c}', '\u{000d}', '\u{0020}', '\u{0085}', '\u{00a0}',
    '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
    '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}',
    '\u{3000}', '\u{200b}', '\u{2060}', '\u{feff}', '\u{180e}', '\u{115f}', '\u{1160}', '\u{3164}',
    '\u{ffa0}', '\u{2800}',
];

#[test]
fn a_name_split_by_every_kind_of_space_is_still_found() {
    let mut missed = Vec::new();
    for &space in SPACES {
        for (given, family) in [("Oliver", "O'Brien"), ("Aaliyah", "Okafor-Williams")] {
            for sep in [
                space.to_string(),
                format!(" {space} "),
                space.to_string().repeat(3),
            ] {
                let name = format!("{given}{sep}{family}");
                let text = format!("Well done {name}!");
                let r = request(Via::Official, &text);
                let report = within("spaced name", 2 * MIB, || screen_request(&r));
                if highlighted(&r, &report, "pupil.full_name") != [name.as_str()] {
                    missed.push(format!("{name:?}"));
                }
            }
        }
    }
    assert!(missed.is_empty(), "not found: {}", missed.join(", "));
}

// ---- requests (engine and convert) ----

fn wire_request(school: &str, text: &str) -> pb::ScreenPostRequest {
    pb::ScreenPostRequest {
        school_id: school.into(),
        account: Some(pb::Account {
            platform: "x".into(),
            handle: "@OakfieldPri".into(),
            kind: pb::AccountKind::Official as i32,
        }),
        post: Some(pb::Post {
            id: "p1".into(),
            text: text.into(),
            ..Default::default()
        }),
    }
}

#[test]
fn malformed_requests_name_the_field() {
    let mut many = wire_request("oakfield", "hi");
    many.post.as_mut().unwrap().attachments = vec![pb::Attachment::default(); 5_000];
    let mut huge_alt = wire_request("oakfield", "hi");
    huge_alt.post.as_mut().unwrap().attachments = vec![pb::Attachment {
        alt_text: "a".repeat(convert::MAX_TEXT + 1),
        ..Default::default()
    }];
    let mut unknown_kind = wire_request("oakfield", "hi");
    unknown_kind.account.as_mut().unwrap().kind = 7;
    let cases = [
        (many, "post.attachments"),
        (
            wire_request("oakfield", &"x".repeat(convert::MAX_TEXT + 1)),
            "post.text",
        ),
        (huge_alt, "post.attachments[0].alt_text"),
        (unknown_kind, "account.kind"),
        (wire_request("  ", "hi"), "school_id"),
        (pb::ScreenPostRequest::default(), "school_id"),
        (
            pb::ScreenPostRequest {
                post: None,
                ..wire_request("oakfield", "hi")
            },
            "post",
        ),
    ];
    for (wire, field) in cases {
        let err = within(field, 4 * MIB, || convert::request(wire).unwrap_err());
        assert_eq!(err.field, field, "{err}");
        assert!(!err.why.is_empty());
    }
}

#[test]
fn empty_fields_and_unknown_school() {
    // An empty post is screened (nothing to find); an empty attachment
    // fails closed.
    let mut r = request(Via::Official, "");
    let report = within("empty post", MIB, || screen_request(&r));
    assert_eq!(report.verdict, Verdict::Approve);
    r.post.attachments = vec![Attachment::default()];
    r.post.links = vec![String::new(), "   ".into()];
    let report = within("empty attachment", MIB, || screen_request(&r));
    assert_eq!(rule_ids(&report), ["screening.incomplete"]);
    // An unknown school is the caller's error, not a verdict.
    let mut r = request(Via::Official, "hello");
    r.school_id = "nowhere".into();
    let err = gatepost::screen(
        crate::util::snapshot(),
        &r,
        gatepost::Options {
            today: crate::util::today(),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("nowhere"));
}

// ---- images ----

fn attach(content: Vec<u8>) -> Attachment {
    Attachment {
        filename: "photo.jpg".into(),
        media_type: "image/jpeg".into(),
        content,
        alt_text: String::new(),
        depicted_pupil_ids: Vec::new(),
        people_attested: false,
    }
}

/// Screens one image (one attachment, so on this thread) within `bound`.
fn screen_image(what: &str, bound: u64, content: Vec<u8>) -> Report {
    let mut r = request(Via::Official, "Sports day");
    r.post.attachments = vec![attach(content)];
    within(what, bound, || screen_request(&r))
}

fn incomplete(report: &Report) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule_id == "screening.incomplete")
}

fn small_jpeg() -> Vec<u8> {
    let (w, h) = (64u32, 48u32);
    let pixels: Vec<u8> = (0..w * h).map(|i| (i % w * 4 + i / w) as u8).collect();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode(&pixels, w, h, image::ExtendedColorType::L8)
        .unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_in = kind.to_vec();
    crc_in.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_in).to_be_bytes());
    out
}

fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// `jpeg` with `segments` inserted right after SOI.
fn jpeg_with(jpeg: &[u8], segments: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(segments);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn truncated_and_garbage_images_fail_closed() {
    let jpeg = std::fs::read(fixtures().join("images/rocket.jpg")).unwrap();
    let png = std::fs::read(fixtures().join("pack/schools/oakfield/logos/crest.png")).unwrap();
    let mut garbage = Vec::new();
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..64 << 10 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        garbage.push(x as u8);
    }
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("garbage".into(), garbage.clone()),
        (
            "JPEG marker + garbage".into(),
            [&[0xFF, 0xD8, 0xFF][..], &garbage].concat(),
        ),
        (
            "PNG signature + garbage".into(),
            [&png[..8], &garbage[..]].concat(),
        ),
        (
            "GIF header + garbage".into(),
            [&b"GIF89a"[..], &garbage].concat(),
        ),
        (
            "RIFF WEBP + garbage".into(),
            [&b"RIFF\xff\xff\x00\x00WEBPVP8 "[..], &garbage].concat(),
        ),
        (
            "HEIF".into(),
            [&b"\0\0\0\x18ftypheic"[..], &garbage].concat(),
        ),
        ("three bytes".into(), vec![0xFF, 0xD8, 0xFF]),
    ];
    for cut in [
        2,
        100,
        600,
        jpeg.len() / 2,
        jpeg.len() - 300,
        jpeg.len() - 2,
    ] {
        cases.push((format!("JPEG cut at {cut}"), jpeg[..cut].to_vec()));
    }
    for cut in [8, 20, 40, png.len() / 2, png.len() - 12] {
        cases.push((format!("PNG cut at {cut}"), png[..cut].to_vec()));
    }
    for (what, bytes) in cases {
        let report = screen_image(&what, 8 * MIB, bytes);
        assert!(incomplete(&report), "{what}: {:?}", rule_ids(&report));
        assert_ne!(report.verdict, Verdict::Approve, "{what}");
    }
}

#[test]
fn declared_sizes_over_the_limits_are_refused_before_decoding() {
    // A PNG claiming 60000×60000 grey pixels (3.6 GB), with one tiny IDAT.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 60_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(png_chunk(b"IEND", b""));
    let report = screen_image("PNG 60000×60000", 8 * MIB, png);
    assert!(incomplete(&report), "{:?}", report.findings);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.reason.contains("more than Gatepost decodes")),
        "{:?}",
        report.findings
    );

    // A JPEG whose frame header claims 60000×60000.
    let mut jpeg = small_jpeg();
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    let report = screen_image("JPEG 60000×60000", 8 * MIB, jpeg);
    assert!(incomplete(&report), "{:?}", report.findings);
}

/// A little-endian TIFF whose IFD0 holds `entries` (tag, type, count,
/// value/offset) and then `next` as the next-IFD offset.
fn tiff(first_ifd: u32, entries: &[(u16, u16, u32, u32)], next: u32) -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&first_ifd.to_le_bytes());
    t.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for &(tag, kind, count, value) in entries {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    }
    t.extend_from_slice(&next.to_le_bytes());
    t
}

#[test]
fn hostile_exif_is_read_in_bounded_memory() {
    const EXIF_IFD: u16 = 0x8769;
    const GPS_IFD: u16 = 0x8825;
    const DESCRIPTION: u16 = 0x010E;
    let cases = [
        // Every pointer leads back to IFD0, and so does the next-IFD link.
        (
            "cyclic",
            tiff(8, &[(EXIF_IFD, 4, 1, 8), (GPS_IFD, 4, 1, 8)], 8),
        ),
        // Offsets far past the end of the block.
        (
            "out of range",
            tiff(
                8,
                &[
                    (GPS_IFD, 4, 1, 0xFFFF_FF00),
                    (DESCRIPTION, 2, 64, 0x7FFF_FFF0),
                ],
                0xFFFF_FFF0,
            ),
        ),
        ("IFD0 out of range", tiff(0xFFFF_FFF0, &[], 0)),
        // Counts that would need gigabytes.
        (
            "huge counts",
            tiff(
                8,
                &[
                    (DESCRIPTION, 2, 0x7FFF_FFFF, 26),
                    (0x9C9C, 1, u32::MAX, 26),
                    (GPS_IFD, 4, u32::MAX, 8),
                ],
                0,
            ),
        ),
        ("huge entry count", {
            let mut t = tiff(8, &[], 0);
            t[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
            t
        }),
    ];
    let jpeg = small_jpeg();
    for (what, tiff) in cases {
        let meta = within(what, 4 * MIB, || {
            gatepost::image::meta::read(&jpeg_with(
                &jpeg,
                &jpeg_segment(0xE1, &[&b"Exif\0\0"[..], &tiff].concat()),
            ))
        });
        assert!(meta.texts.len() <= 64, "{what}");
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let report = screen_image(
            what,
            16 * MIB,
            jpeg_with(&jpeg, &jpeg_segment(0xE1, &payload)),
        );
        // A GPS IFD that cannot be followed cleanly, or a block of which
        // nothing can be read, may hide a position: fail closed.
        assert!(incomplete(&report), "{what}: {:?}", report.findings);
        assert_eq!(count(&report, "image.location"), 0, "{what}");
    }
}

#[test]
fn jpeg_with_thousands_of_segments() {
    let jpeg = small_jpeg();
    let mut segments = Vec::new();
    for i in 0..5_000 {
        segments.extend(jpeg_segment(0xEF, &[i as u8; 16]));
        segments.extend(jpeg_segment(0xFE, b"Oliver O'Brien"));
        segments.extend(jpeg_segment(0xE1, b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0"));
    }
    // Followed by the picture: it decodes; the comments are read up to the
    // metadata reader's limit.
    let report = screen_image("15,000 segments", 8 * MIB, jpeg_with(&jpeg, &segments));
    let names = count(&report, "pupil.full_name");
    assert!((1..=64).contains(&names), "{names} names");
    // Cut off before the picture: fails closed.
    let mut cut = jpeg[..2].to_vec();
    cut.extend_from_slice(&segments);
    let report = screen_image("15,000 segments, no picture", 8 * MIB, cut);
    assert!(incomplete(&report));
}

// ---- packs ----

const HEADER: &str = "pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding\n";

fn write_school(root: &Path, id: &str, toml: &[u8], roster: &[u8]) {
    let dir = root.join("schools").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("school.toml"), toml).unwrap();
    std::fs::write(dir.join("roster.csv"), roster).unwrap();
}

fn load_errors(what: &str, dir: &Path) -> Vec<String> {
    within(what, 8 * MIB, || Pack::load(dir))
        .expect_err(what)
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn bad_packs_are_refused_with_file_and_line() {
    let toml = b"name = \"Test School\"\n";
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "wrong header",
            b"pupil_id,first,last\nP1,Amelia,Jones\n".to_vec(),
            roster::COLUMNS[1..]
                .iter()
                .map(|c| &*format!("schools/t/roster.csv:1: {c}: missing").leak())
                .collect(),
        ),
        (
            "duplicate ids",
            format!("{HEADER}P1,Amelia,,,Jones,6,yes,yes,,no\nP1,Oliver,,,O'Brien,6,no,no,,no\n").into_bytes(),
            vec!["schools/t/roster.csv:3: pupil_id: duplicate pupil_id \"P1\""],
        ),
        (
            "bad dates",
            format!("{HEADER}P1,Amelia,,,Jones,6,yes,yes,31/07/2025,no\nP2,Oliver,,,O'Brien,6,no,no,2025-02-30,no\n").into_bytes(),
            vec![
                "schools/t/roster.csv:2: consent_expires: \"31/07/2025\" is not a date (YYYY-MM-DD)",
                "schools/t/roster.csv:3: consent_expires: \"2025-02-30\" is not a date (YYYY-MM-DD)",
            ],
        ),
        (
            "non-UTF-8",
            [HEADER.as_bytes(), b"P1,Am\xe9lia,,,Jones,6,yes,yes,,no\n"].concat(),
            vec!["schools/t/roster.csv:2: not UTF-8 text"],
        ),
    ];
    for (what, roster, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_school(dir.path(), "t", toml, &roster);
        assert_eq!(load_errors(what, dir.path()), expected, "{what}");
    }
    // A bad school.toml is refused the same way.
    let dir = tempfile::tempdir().unwrap();
    write_school(
        dir.path(),
        "t",
        b"name = \"X\"\n\xff\xfe = 1\n",
        HEADER.as_bytes(),
    );
    assert_eq!(
        load_errors("non-UTF-8 school.toml", dir.path()),
        ["schools/t/school.toml:2: not UTF-8 text"]
    );
}

#[test]
fn overlong_lexicon_terms_are_refused_and_long_ones_stay_cheap() {
    // A term's starred spellings grow with the cube of its length: an
    // 8,000-letter term once meant gigabytes of patterns.
    let dir = tempfile::tempdir().unwrap();
    write_school(dir.path(), "test", b"name = \"Test\"\n", HEADER.as_bytes());
    let lexicons = dir.path().join("lexicons");
    std::fs::create_dir_all(&lexicons).unwrap();
    let tsv = |term: &str| format!("{}\n{term}\tinsult\tmild\tfuzzed\n", lexicon::HEADER);
    std::fs::write(lexicons.join("long.tsv"), tsv(&"a".repeat(8000))).unwrap();
    assert_eq!(
        load_errors("8000-letter term", dir.path()),
        ["lexicons/long.tsv:2: term: 8000 characters long; at most 64"]
    );
    // The longest term allowed loads, and is found, in bounded memory.
    let longest = "blorf".repeat(12) + "ulfa";
    assert_eq!(longest.chars().count(), lexicon::MAX_TERM_CHARS);
    std::fs::write(lexicons.join("long.tsv"), tsv(&longest)).unwrap();
    let snapshot = within("64-letter term", 32 * MIB, || {
        gatepost::Snapshot::build(&Pack::load(dir.path()).expect("loads")).expect("builds")
    });
    let report = gatepost::screen(
        &snapshot,
        &request(Via::Official, &format!("what a {longest}!")),
        gatepost::Options {
            today: crate::util::today(),
        },
    )
    .unwrap();
    assert_eq!(rule_ids(&report), ["language.insult"]);
}

#[test]
fn a_one_gibibyte_file_is_refused_without_being_read() {
    for file in ["roster.csv", "school.toml"] {
        let dir = tempfile::tempdir().unwrap();
        write_school(dir.path(), "t", b"name = \"Test\"\n", HEADER.as_bytes());
        let path = dir.path().join("schools/t").join(file);
        std::fs::File::create(&path)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let errors = within(file, MIB, || Pack::load(dir.path())).unwrap_err();
        let shown: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with(&format!(
                "schools/t/{file}: file is 1073741824 bytes, more than"
            )),
            "{shown:?}"
        );
    }
}

// ---- the gRPC service ----

fn field_of(status: &tonic::Status) -> String {
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations[0].field.clone())
        .unwrap_or_default()
}

/// The wire shape of a request with `post.text` as raw bytes, to send
/// what a well-behaved client never would.
#[derive(Clone, PartialEq, prost::Message)]
struct RawRequest {
    #[prost(string, tag = "1")]
    school_id: String,
    #[prost(message, optional, tag = "3")]
    post: Option<RawPost>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RawPost {
    #[prost(bytes = "vec", tag = "2")]
    text: Vec<u8>,
    #[prost(uint64, tag = "4")]
    attachments_as_varint: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_answers_bad_requests_with_invalid_argument() {
    let server = Server::start(config(&fixtures().join("pack"))).await;
    let mut client =
        ScreeningClient::new(server.channel().await).max_encoding_message_size(64 << 20);

    let mut many = wire_request("oakfield", "hi");
    many.post.as_mut().unwrap().attachments = vec![pb::Attachment::default(); 5_000];
    let mut links = wire_request("oakfield", "hi");
    links.post.as_mut().unwrap().links = vec!["https://gov.uk".into(); 20_000];
    let mut kind = wire_request("oakfield", "hi");
    kind.account.as_mut().unwrap().kind = 99;
    let cases = [
        (many, "post.attachments"),
        (links, "post.links"),
        (
            wire_request("oakfield", &"y".repeat(convert::MAX_TEXT + 1)),
            "post.text",
        ),
        (kind, "account.kind"),
        (pb::ScreenPostRequest::default(), "school_id"),
    ];
    for (request, field) in cases {
        let status = client.screen_post(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert_eq!(field_of(&status), field, "{status:?}");
        assert!(
            status.message().starts_with(&format!("{field}: ")),
            "{status:?}"
        );
    }
    let status = client
        .screen_post(wire_request("no-such-school", "hi"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("no-such-school"), "{status:?}");

    // Bytes that are not a valid message: invalid UTF-8 in a string, and
    // a varint where a message belongs.
    let mut grpc = tonic::client::Grpc::new(server.channel().await);
    for raw in [
        RawRequest {
            school_id: "oakfield".into(),
            post: Some(RawPost {
                text: b"Oliver \xff\xfe O'Brien".to_vec(),
                attachments_as_varint: 0,
            }),
        },
        RawRequest {
            school_id: "oakfield".into(),
            post: Some(RawPost {
                text: b"hi".to_vec(),
                attachments_as_varint: 5,
            }),
        },
    ] {
        grpc.ready().await.unwrap();
        let status = grpc
            .unary(
                tonic::Request::new(raw),
                tonic::codegen::http::uri::PathAndQuery::from_static(
                    "/gatepost.v1.Screening/ScreenPost",
                ),
                tonic_prost::ProstCodec::<RawRequest, pb::ScreenPostResponse>::default(),
            )
            .await
            .unwrap_err();
        // tonic answers a message that does not decode with INTERNAL, as
        // grpc-go does; the message says which field.
        assert_eq!(status.code(), Code::Internal, "{status:?}");
        assert!(
            status
                .message()
                .starts_with("failed to decode Protobuf message: Post.")
                && status.message().contains("ScreenPostRequest.post"),
            "{status:?}"
        );
    }

    // The server still answers properly afterwards.
    let ok = client
        .screen_post(wire_request("oakfield", "Well done Oliver O'Brien"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ok.verdict, pb::Verdict::Reject as i32);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_keeps_its_last_good_pack() {
    let pack = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("pack"), pack.path());
    let server = Server::start(config(pack.path())).await;
    let mut client = ScreeningClient::new(server.channel().await);
    let old = server.state.policy().snapshot.version.clone();
    let roster = pack.path().join("schools/oakfield/roster.csv");
    let good = std::fs::read(&roster).unwrap();

    let mut non_utf8 = good.clone();
    non_utf8.extend_from_slice(b"P9999,J\xf6rg,,,Schmidt,Year 2,no,no,,no\n");
    let lines = good.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut duplicate = good.clone();
    duplicate.extend_from_slice(b"P0001,Someone,,,Else,Year 2,no,no,,no\n");
    for (what, write, expected) in [
        (
            "non-UTF-8",
            Some(non_utf8),
            format!("schools/oakfield/roster.csv:{lines}: not UTF-8 text"),
        ),
        (
            "duplicate id",
            Some(duplicate),
            format!("schools/oakfield/roster.csv:{lines}: pupil_id: duplicate"),
        ),
        (
            "1 GiB",
            None,
            "schools/oakfield/roster.csv: file is 1073741824 bytes".to_string(),
        ),
    ] {
        match write {
            Some(bytes) => std::fs::write(&roster, bytes).unwrap(),
            None => std::fs::File::create(&roster)
                .unwrap()
                .set_len(1 << 30)
                .unwrap(),
        }
        let r = client
            .reload_policy(pb::ReloadPolicyRequest {})
            .await
            .unwrap()
            .into_inner();
        assert!(!r.reloaded, "{what}");
        assert_eq!(r.policy_version, old, "{what}");
        assert!(
            r.errors.iter().any(|e| e.starts_with(&expected)),
            "{what}: {:?}",
            r.errors
        );
        let after = client
            .screen_post(wire_request("oakfield", "Well done Oliver O'Brien"))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(after.policy_version, old, "{what}");
        assert_eq!(after.verdict, pb::Verdict::Reject as i32, "{what}");
    }
    std::fs::write(&roster, good).unwrap();
    let r = client
        .reload_policy(pb::ReloadPolicyRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(r.reloaded, "{:?}", r.errors);
}

// ---- the command line ----

#[test]
fn cli_names_the_field_in_malformed_json() {
    let dir = tempfile::tempdir().unwrap();
    let attachments = format!("[{}]", vec!["{}"; 5_000].join(","));
    let cases: Vec<(&str, String, &str)> = vec![
        ("wrong_type", r#"{"schoolId": 5, "post": {"text": "hi"}}"#.into(), "schoolId"),
        ("links_not_list", r#"{"schoolId": "oakfield", "post": {"links": "https://gov.uk"}}"#.into(), "post.links"),
        (
            "attested_string",
            r#"{"schoolId": "oakfield", "post": {"attachments": [{"peopleAttested": "yes"}]}}"#.into(),
            "post.attachments[0].peopleAttested",
        ),
        (
            "unknown_enum",
            r#"{"schoolId": "oakfield", "account": {"kind": "ACCOUNT_KIND_BOSS"}, "post": {"text": "hi"}}"#.into(),
            "account.kind",
        ),
        (
            "lone_surrogate",
            r#"{"schoolId": "oakfield", "post": {"text": "Oliver \ud800 O'Brien"}}"#.into(),
            "post.text",
        ),
        (
            "bad_base64",
            r#"{"schoolId": "oakfield", "post": {"attachments": [{"content": "***"}]}}"#.into(),
            "post.attachments[0].content",
        ),
        ("missing_school", r#"{"post": {"text": "hi"}}"#.into(), "school_id"),
        (
            "attachments",
            format!(r#"{{"schoolId": "oakfield", "post": {{"attachments": {attachments}}}}}"#),
            "post.attachments",
        ),
    ];
    let mut args = vec![
        "check".to_string(),
        "--policy".into(),
        fixtures().join("pack").display().to_string(),
    ];
    for (name, json, _) in &cases {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, json).unwrap();
        args.push(path.display().to_string());
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, _, field) in &cases {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("{name}.json")))
            .unwrap_or_else(|| panic!("{name}: no error in {stderr}"));
        assert!(line.contains(field), "{name}: {line}");
    }
}
