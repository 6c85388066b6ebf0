//! Regressions found by fuzzing (`fuzz/`), each named after the target and
//! the crash artifact's hash. The inputs live in `regression/`.

use gatepost::image::meta;

use crate::util::{Via, request, screen_request};

/// image_meta crash-2a4b13dc: an XMP value with `&` followed, within 12
/// bytes, by a multi-byte character: the entity decoder sliced the str in
/// the middle of that character and panicked (a crafted photo crashed
/// screening). Fixed in `meta::decode_entities` by searching bytes.
#[test]
fn fuzz_image_meta_2a4b13dc() {
    let png = include_bytes!("regression/fuzz_image_meta_2a4b13dc.png");
    let _ = meta::read(png);
    let mut r = request(Via::Official, "Sports day");
    r.post.attachments = vec![gatepost::Attachment {
        content: png.to_vec(),
        ..gatepost::Attachment::default()
    }];
    let report = screen_request(&r);
    assert_ne!(report.verdict, gatepost::Verdict::Approve);
    // The same shape, written out: the entity is kept as text, the name found.
    let xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description><dc:description><rdf:Alt><rdf:li>&aaaaaaaaaa\u{e9}; Oliver O'Brien</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>";
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    let payload = [b"http://ns.adobe.com/xap/1.0/\0".as_slice(), xmp.as_bytes()].concat();
    jpeg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&payload);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let m = meta::read(&jpeg);
    assert!(
        m.texts.iter().any(|t| t.text.contains("Oliver O'Brien")),
        "{m:?}"
    );
}

/// request_proto crash-c6c14ed5: a 219-byte JPEG declaring 16434×8 pixels.
/// The integer box filter reduced by 21 (long side / 768) in both
/// directions, more rows than the picture has, and indexed past the end:
/// the pack loader (which decodes logos directly) would panic, and
/// screening reported a valid picture as undecodable. Fixed in
/// `decode::jpeg` by never reducing by more than the short side.
#[test]
fn fuzz_request_proto_c6c14ed5() {
    let request = wire_request(include_bytes!("regression/fuzz_request_proto_c6c14ed5.pb"));
    let jpeg = &request.post.attachments[0].content;
    let d = gatepost::image::decode::decode(jpeg).expect("a valid, if odd, JPEG");
    assert_eq!((d.width, d.height), (16434, 8));
    assert_eq!(d.grey.width(), gatepost::image::decode::WORK_SIDE);
    assert!(d.grey.height() >= 1);
    let report = screen_demo(&request);
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.reason.contains("decoder failed")),
        "{:?}",
        report.findings
    );
}

/// A request saved by the `request_proto` target, decoded and converted.
fn wire_request(bytes: &[u8]) -> gatepost::Request {
    use prost::Message;
    let wire = gatepost::proto::v1::ScreenPostRequest::decode(bytes).unwrap();
    gatepost::convert::request(wire).unwrap()
}

/// Screens against the demo pack (`fixtures/pack`), compiled once: the
/// pack the fuzz targets use.
fn screen_demo(request: &gatepost::Request) -> gatepost::Report {
    static DEMO: std::sync::OnceLock<gatepost::Snapshot> = std::sync::OnceLock::new();
    let demo = DEMO.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pack");
        gatepost::Snapshot::build(&gatepost::Pack::load(&dir).unwrap()).unwrap()
    });
    let options = gatepost::Options {
        today: crate::util::today(),
    };
    gatepost::screen(demo, request, options).unwrap()
}

/// request_proto crash-65a69605: a crafted JPEG makes zune-jpeg overflow
/// a multiplication in its bit reader (a panic where overflow checks are
/// on, as in tests and fuzzing; silent wrap-around in release). Screening
/// already caught decoder panics, but the pack loader and `strip` call the
/// decoder directly. Fixed by catching decoder panics at the front door
/// (`decode::decode_to`, `decode_with_alpha`, `full_pixels`).
#[test]
fn fuzz_request_proto_65a69605() {
    zune_overflow(include_bytes!("regression/fuzz_request_proto_65a69605.pb"));
}

/// request_proto crash-8a130b76: another JPEG reaching the same zune-jpeg
/// overflow (`bitstream.rs:400`), found after the fix above, when fuzzing
/// with overflow checks on in every crate. Caught the same way.
#[test]
fn fuzz_request_proto_8a130b76() {
    zune_overflow(include_bytes!("regression/fuzz_request_proto_8a130b76.pb"));
}

/// image_decode crash-1520a2bd: a 4.9 KB JPEG on which zune-jpeg 0.5.15
/// panics in its AVX2 inverse DCT (`idct/avx2.rs:246`, an `unwrap` on
/// `None`: in release builds too) while decoding in colour, which `strip`
/// does to verify the pixels it keeps. Caught at the decoder front door
/// like the overflow above: `strip` refuses the file instead of crashing,
/// and screening, whatever the decoder makes of it, fails closed.
#[test]
fn fuzz_image_decode_1520a2bd() {
    let jpeg = include_bytes!("regression/fuzz_image_decode_1520a2bd.jpg");
    let full = gatepost::image::decode::full_pixels(jpeg);
    let stripped = gatepost::image::strip(jpeg);
    assert_eq!(full.is_ok(), stripped.is_ok(), "{full:?} {stripped:?}");
    let decoded = gatepost::image::decode::decode(jpeg);
    let mut r = request(Via::Official, "Sports day");
    r.post.attachments = vec![gatepost::Attachment {
        content: jpeg.to_vec(),
        ..gatepost::Attachment::default()
    }];
    let report = screen_request(&r);
    if decoded.is_err() {
        assert_ne!(report.verdict, gatepost::Verdict::Approve);
    }
}

fn zune_overflow(bytes: &[u8]) {
    let request = wire_request(bytes);
    let jpeg = &request.post.attachments[0].content;
    let _ = gatepost::image::decode::decode(jpeg);
    let _ = gatepost::image::decode::decode_with_alpha(jpeg, 512);
    let _ = gatepost::image::strip(jpeg);
    assert_ne!(screen_demo(&request).verdict, gatepost::Verdict::Approve);
}
