//! Regenerates the image fixtures: `cargo run --example make_fixtures --
//! [SKIMAGE_DATA_DIR]`. The synthetic ones (demo pack logo and withdrawn
//! photo) come from `tests/integration/images/synth.rs`; the photographs
//! are shrunk from scikit-image's public-domain / CC0 sample data when its
//! `skimage/data` directory is given (see `fixtures/README.md`).

#[path = "../tests/integration/images/synth.rs"]
mod synth;

use std::{fs, path::Path};

use image::ImageReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let pack = root.join("pack/schools/oakfield");
    fs::create_dir_all(pack.join("logos"))?;
    fs::create_dir_all(pack.join("withdrawn"))?;
    fs::create_dir_all(root.join("images"))?;

    let crest = image::DynamicImage::ImageRgba8(synth::crest(120, 0));
    fs::write(pack.join("logos/crest.png"), synth::png(&crest))?;
    let withdrawn = synth::photo(320, 240, 4242);
    fs::write(
        pack.join("withdrawn/sports-day-2019.jpg"),
        synth::jpeg(&withdrawn, 80),
    )?;

    if let Some(dir) = std::env::args().nth(1) {
        for (name, out, side) in [
            ("astronaut.png", "astronaut.jpg", 256),
            ("chelsea.png", "chelsea.jpg", 256),
            ("coffee.png", "coffee.jpg", 256),
            ("rocket.jpg", "rocket.jpg", 256),
        ] {
            let img = ImageReader::open(Path::new(&dir).join(name))?
                .with_guessed_format()?
                .decode()?
                .to_rgb8();
            let (w, h) = img.dimensions();
            let (nw, nh) = if w >= h {
                (side, h * side / w)
            } else {
                (w * side / h, side)
            };
            let small =
                image::imageops::resize(&img, nw, nh, image::imageops::FilterType::Lanczos3);
            fs::write(root.join("images").join(out), synth::jpeg(&small, 82))?;
        }
    }
    Ok(())
}
