//! The metadata reader (and the container walkers under it) on arbitrary
//! bytes: never panics, never keeps more than its limits.

#![no_main]

use gatepost::image::{container, meta};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let m = meta::read(data);
    assert!(m.texts.len() <= 64, "{} texts kept", m.texts.len());
    for t in &m.texts {
        assert!(t.text.len() <= 16 << 10, "{} bytes kept", t.text.len());
        assert!(!t.text.trim().is_empty());
    }
    // The walkers only ever return slices of the input, in order.
    for walk in [
        container::jpeg_pieces(data, false),
        container::jpeg_pieces(data, true),
    ] {
        let mut total = 0;
        for p in &walk.pieces {
            total += match p {
                container::JpegPiece::Raw(r) => r.len(),
                container::JpegPiece::Segment(s) => {
                    assert!(s.raw.ends_with(s.payload));
                    s.raw.len()
                }
            };
        }
        assert!(total <= data.len());
    }
    for walk in [container::png_chunks(data), container::webp_chunks(data)] {
        let total: usize = walk.pieces.iter().map(|c| c.raw.len()).sum();
        assert!(total <= data.len());
        for c in &walk.pieces {
            assert!(c.data.len() <= c.raw.len());
        }
    }
    let _ = gatepost::image::Format::sniff(data).media_type();
});
