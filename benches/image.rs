//! Image pipeline benchmarks: the metadata-only check (EXIF + XMP, no
//! pixels) and the full pipeline (bounded decode of a 12-megapixel JPEG,
//! then faces, withdrawn fingerprints and logo search), plus each stage
//! alone. Inputs are generated deterministically, and each is checked once
//! during setup so a fast but wrong pipeline cannot pass.
//!
//! `cargo bench --bench image`

// criterion_group! generates an undocumented function.
#![allow(missing_docs)]

#[path = "../tests/integration/images/synth.rs"]
mod synth;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gatepost::image::{self, Checks, SchoolImages, decode, faces, fingerprint, logo, meta};
use gatepost::pack::ImageFile;

const XMP: &str = r#"<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.43N" exif:GPSLongitude="0,7.66W"><dc:description><rdf:Alt><rdf:li>Sports day</rdf:li></rdf:Alt></dc:description></rdf:Description>"#;

fn school() -> SchoolImages {
    let crest = synth::png(&::image::DynamicImage::ImageRgba8(synth::crest(120, 0)));
    let withdrawn: Vec<ImageFile> = [4242u64, 777]
        .iter()
        .map(|&s| ImageFile {
            path: format!("withdrawn/w{s}.jpg").into(),
            bytes: synth::jpeg(&synth::photo(640, 480, s), 85),
        })
        .collect();
    SchoolImages::build(
        &[ImageFile {
            path: "logos/crest.png".into(),
            bytes: crest,
        }],
        &withdrawn,
    )
    .unwrap()
}

/// A 4000×3000 photo with the crest at 15% of its width, GPS in EXIF and XMP.
fn twelve_megapixels() -> Vec<u8> {
    let mut p = synth::photo(4000, 3000, 12);
    synth::composite(&mut p, &synth::crest(400, 0), 1200, 300, 600, 6.0, false);
    let j = synth::jpeg(&p, 90);
    let j = synth::jpeg_with_exif(
        &j,
        &synth::Exif::new()
            .gps(51.5, -0.12)
            .ascii(0x010E, "Sports day")
            .tiff(),
    );
    synth::jpeg_with_xmp(&j, &synth::xmp_packet(XMP))
}

fn benches(c: &mut Criterion) {
    let school = school();
    let big = twelve_megapixels();
    let small = synth::jpeg_with_exif(
        &synth::jpeg(&synth::photo(1024, 768, 3), 85),
        &synth::Exif::new().gps(51.5, -0.12).tiff(),
    );
    let face = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/images/astronaut.jpg"
    ))
    .unwrap();

    // Check the answers once.
    let m = meta::read(&big);
    assert_eq!(m.gps.len(), 4, "{m:?}");
    let all = Checks {
        faces: true,
        logos: true,
        withdrawn: true,
    };
    let facts = image::analyse(&big, &school, all).unwrap();
    assert_eq!(facts.size, (4000, 3000));
    assert_eq!(facts.logos.len(), 1, "the crest must be found: {facts:?}");
    assert!(
        facts.faces.is_empty() && facts.withdrawn.is_none(),
        "{facts:?}"
    );
    assert_eq!(image::analyse(&face, &school, all).unwrap().faces.len(), 1);

    let mut g = c.benchmark_group("image_meta");
    g.bench_function("12mp_jpeg_exif_xmp", |b| {
        b.iter(|| meta::read(black_box(&big)))
    });
    g.bench_function("1mp_jpeg_exif", |b| {
        b.iter(|| meta::read(black_box(&small)))
    });
    g.finish();

    let mut g = c.benchmark_group("image_full");
    g.sample_size(20);
    g.bench_function("12mp_jpeg_all_checks", |b| {
        b.iter(|| image::analyse(black_box(&big), &school, all).unwrap())
    });
    let official = Checks {
        faces: true,
        logos: false,
        withdrawn: true,
    };
    let personal = Checks {
        faces: false,
        logos: true,
        withdrawn: true,
    };
    g.bench_function("12mp_jpeg_official_unattested", |b| {
        b.iter(|| image::analyse(black_box(&big), &school, official).unwrap())
    });
    g.bench_function("12mp_jpeg_personal", |b| {
        b.iter(|| image::analyse(black_box(&big), &school, personal).unwrap())
    });
    g.bench_function("1mp_jpeg_all_checks", |b| {
        b.iter(|| image::analyse(black_box(&small), &school, all).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("image_stage");
    g.sample_size(20);
    g.bench_function("decode_12mp_jpeg", |b| {
        b.iter(|| decode::decode(black_box(&big)).unwrap())
    });
    let d = decode::decode(&big).unwrap();
    g.bench_function("faces_768", |b| b.iter(|| faces::find(black_box(&d.grey))));
    g.bench_function("fingerprint_768", |b| {
        b.iter(|| fingerprint::of(black_box(&d.grey)))
    });
    let crest = synth::png(&::image::DynamicImage::ImageRgba8(synth::crest(120, 0)));
    let (ld, alpha) = decode::decode_with_alpha(&crest, 512).unwrap();
    let logos = vec![logo::Logo::new("crest".into(), &ld.grey, alpha.as_ref()).unwrap()];
    g.bench_function("logo_search_768", |b| {
        b.iter(|| logo::find(black_box(&d.grey), &logos))
    });
    g.finish();
}

criterion_group!(image_benches, benches);
criterion_main!(image_benches);
