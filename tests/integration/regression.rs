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
