//! Perceptual fingerprints for withdrawn images. A fingerprint is a DCT
//! hash (pHash): the picture shrunk to 32×32 grey, its 8×8 lowest spatial
//! frequencies, one bit each for above or below their median. Resizing,
//! recompression, re-encoding and brightness or contrast changes barely
//! move those bits; a different photo differs in about half of them.
//! Cropping does move them, so each withdrawn image is fingerprinted at
//! pack load as a whole and as a set of crops (centre, each side, each
//! corner), and a post's image matches if it is close to any of them.
//! A 16×16 block-mean grid, compared by correlation, confirms borderline
//! hash matches so that similar-looking but different photos do not match.

use image::GrayImage;

use super::decode::{resize_area, shrink};

/// The side of the copy fingerprints are taken from.
const BASE_SIDE: u32 = 160;
/// Hashes at most this many bits apart always match.
pub const SURE_BITS: u32 = 8;
/// Hashes at most this many bits apart match if the grids agree too.
pub const MAYBE_BITS: u32 = 16;
/// The grid correlation a "maybe" match needs.
pub const GRID_AGREEMENT: f32 = 0.90;

/// One view (the whole image or a crop): its hash and grid.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// 64-bit DCT hash.
    pub hash: u64,
    /// 16×16 block means, zero-mean and unit-norm.
    pub grid: Vec<f32>,
}

/// The fingerprints of one withdrawn image.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawn {
    /// The file, relative to the pack.
    pub path: String,
    /// The whole image first, then its crops.
    pub views: Vec<View>,
}

/// Crops fingerprinted for each withdrawn image, as (left, top, right,
/// bottom) fractions.
const CROPS: &[(f32, f32, f32, f32)] = &[
    (0.0, 0.0, 1.0, 1.0),
    (0.05, 0.05, 0.95, 0.95),
    (0.1, 0.1, 0.9, 0.9),
    (0.15, 0.15, 0.85, 0.85),
    (0.1, 0.0, 1.0, 1.0),
    (0.0, 0.0, 0.9, 1.0),
    (0.0, 0.1, 1.0, 1.0),
    (0.0, 0.0, 1.0, 0.9),
    (0.2, 0.0, 1.0, 1.0),
    (0.0, 0.0, 0.8, 1.0),
    (0.0, 0.2, 1.0, 1.0),
    (0.0, 0.0, 1.0, 0.8),
    (0.1, 0.1, 1.0, 1.0),
    (0.0, 0.1, 0.9, 1.0),
    (0.1, 0.0, 1.0, 0.9),
    (0.0, 0.0, 0.9, 0.9),
    (0.0, 0.05, 1.0, 0.95),
    (0.05, 0.0, 0.95, 1.0),
];

impl Withdrawn {
    /// Fingerprints a withdrawn image from its working copy.
    pub fn new(path: String, grey: &GrayImage) -> Withdrawn {
        let base = shrink(grey, BASE_SIDE);
        let views = CROPS.iter().filter_map(|c| view(&base, *c)).collect();
        Withdrawn { path, views }
    }
}

/// The fingerprint of a post's image (the whole picture).
pub fn of(grey: &GrayImage) -> Option<View> {
    view(&shrink(grey, BASE_SIDE), (0.0, 0.0, 1.0, 1.0))
}

/// Whether `candidate` is a copy of `withdrawn`; returns the best
/// (hash distance, grid agreement) when it is.
pub fn matches(candidate: &View, withdrawn: &Withdrawn) -> Option<(u32, f32)> {
    let mut best: Option<(u32, f32)> = None;
    for v in &withdrawn.views {
        let bits = (candidate.hash ^ v.hash).count_ones();
        if bits > MAYBE_BITS {
            continue;
        }
        let agreement = correlation(&candidate.grid, &v.grid);
        if (bits <= SURE_BITS || agreement >= GRID_AGREEMENT) && best.is_none_or(|(b, _)| bits < b)
        {
            best = Some((bits, agreement));
        }
    }
    best
}

fn correlation(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn view(base: &GrayImage, (l, t, r, b): (f32, f32, f32, f32)) -> Option<View> {
    let (w, h) = base.dimensions();
    let x0 = (l * w as f32).round() as u32;
    let y0 = (t * h as f32).round() as u32;
    let x1 = ((r * w as f32).round() as u32).min(w);
    let y1 = ((b * h as f32).round() as u32).min(h);
    if x1 <= x0 + 4 || y1 <= y0 + 4 {
        return None;
    }
    let crop = image::imageops::crop_imm(base, x0, y0, x1 - x0, y1 - y0).to_image();
    let s32 = resize_area(&crop, 32, 32);
    let s16 = resize_area(&crop, 16, 16);
    Some(View {
        hash: phash(&s32),
        grid: normalised(&s16),
    })
}

fn normalised(img: &GrayImage) -> Vec<f32> {
    let v: Vec<f32> = img.as_raw().iter().map(|&p| f32::from(p)).collect();
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let mut v: Vec<f32> = v.into_iter().map(|x| x - mean).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-3 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// The DCT hash of a 32×32 image.
fn phash(img: &GrayImage) -> u64 {
    const N: usize = 32;
    let px = img.as_raw();
    // cos table: c[u][x] = cos((2x+1)uπ / 2N) for u < 8.
    let mut c = [[0f32; N]; 8];
    for (u, row) in c.iter_mut().enumerate() {
        for (x, v) in row.iter_mut().enumerate() {
            *v = (((2 * x + 1) * u) as f32 * std::f32::consts::PI / (2 * N) as f32).cos();
        }
    }
    // Rows first: r[y][u] = Σx p[y][x] c[u][x].
    let mut r = [[0f32; 8]; N];
    for y in 0..N {
        for u in 0..8 {
            r[y][u] = (0..N).map(|x| f32::from(px[y * N + x]) * c[u][x]).sum();
        }
    }
    let mut coef = [0f32; 64];
    for v in 0..8 {
        for u in 0..8 {
            coef[v * 8 + u] = (0..N).map(|y| r[y][u] * c[v][y]).sum();
        }
    }
    let mut ac: Vec<f32> = coef[1..].to_vec();
    ac.sort_by(f32::total_cmp);
    let median = (ac[31] + ac[32]) / 2.0;
    coef.iter()
        .enumerate()
        .skip(1)
        .fold(0u64, |h, (i, &v)| if v > median { h | (1 << i) } else { h })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(seed: u32) -> GrayImage {
        GrayImage::from_fn(320, 240, |x, y| {
            let f =
                (x as f32 / (9.0 + seed as f32)).sin() * (y as f32 / (13.0 + seed as f32)).cos();
            image::Luma([(128.0 + 100.0 * f) as u8])
        })
    }

    #[test]
    fn same_picture_brighter_matches_other_does_not() {
        let a = scene(1);
        let w = Withdrawn::new("w.png".into(), &a);
        let brighter = GrayImage::from_fn(320, 240, |x, y| {
            image::Luma([a.get_pixel(x, y).0[0].saturating_add(30)])
        });
        assert!(matches(&of(&brighter).unwrap(), &w).is_some());
        assert!(matches(&of(&scene(7)).unwrap(), &w).is_none());
    }
}
