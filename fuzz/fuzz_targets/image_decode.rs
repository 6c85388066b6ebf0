//! The decode front door, the pixel checks that are Gatepost's own code
//! (withdrawn-image fingerprints, logo search) and metadata stripping, on
//! arbitrary bytes. Nothing here catches panics: `image::analyse` does for
//! screening, but the pack loader and `strip` call these directly. A
//! stripped file must read back with no metadata and strip again to itself.
//! The logo search runs on working images of up to `LOGO_AREA` pixels, and
//! only for inputs whose length is a multiple of 8: it costs about half a
//! millisecond whatever the image (its refinement is fixed work), which
//! was most of every execution, while the edge cases worth fuzzing (thin,
//! tiny, odd-sized images) are small and any input length is one byte
//! away. The full-size search is covered by tests and benches.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use gatepost::image::{decode, fingerprint, logo, meta, strip};
use libfuzzer_sys::fuzz_target;

struct Pack {
    logos: Vec<logo::Logo>,
    withdrawn: fingerprint::Withdrawn,
}

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        let school =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pack/schools/oakfield");
        let crest = std::fs::read(school.join("logos/crest.png")).expect("demo crest");
        let (d, alpha) = decode::decode_with_alpha(&crest, 512).expect("crest decodes");
        let logo =
            logo::Logo::new("crest.png".into(), &d.grey, alpha.as_ref()).expect("crest is a logo");
        let photo =
            std::fs::read(school.join("withdrawn/sports-day-2019.jpg")).expect("demo photo");
        let w = decode::decode(&photo).expect("photo decodes");
        Pack {
            logos: vec![logo],
            withdrawn: fingerprint::Withdrawn::new("w.jpg".into(), &w.grey),
        }
    })
}

const LOGO_AREA: u32 = 96 * 96;

fuzz_target!(|data: &[u8]| {
    let pack = pack();
    // `decode` is `decode_with_alpha` without the alpha: one decode covers both.
    if let Ok((d, alpha)) = decode::decode_with_alpha(data, decode::WORK_SIDE) {
        let (w, h) = d.grey.dimensions();
        assert!(w >= 1 && h >= 1 && w.max(h) <= decode::WORK_SIDE);
        assert!(d.width >= w && d.height >= h);
        if let Some(alpha) = &alpha {
            assert_eq!(alpha.dimensions(), (w, h));
        }
        if let Some(view) = fingerprint::of(&d.grey) {
            let _ = fingerprint::matches(&view, &pack.withdrawn);
        }
        if w * h <= LOGO_AREA && data.len() % 8 == 0 {
            for f in logo::find(&d.grey, &pack.logos) {
                assert!(f.bbox.x <= w && f.bbox.y <= h, "{f:?} outside {w}x{h}");
            }
        }
    }
    if let Ok(s) = strip(data) {
        let m = meta::read(&s.bytes);
        assert!(
            m.gps.is_empty() && m.texts.is_empty(),
            "metadata left: {m:?}"
        );
        let again = strip(&s.bytes).expect("a stripped file strips again");
        assert_eq!(again.bytes, s.bytes, "stripping is not idempotent");
    }
});
