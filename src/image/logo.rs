//! Finding a school's logos inside a photo: normalised cross-correlation
//! (NCC) of greyscale templates, coarse to fine. NCC ignores brightness and
//! contrast, so colour, greyscale and washed-out copies score alike; each
//! template carries a mask from the logo's alpha channel, so a shield's
//! transparent corners never count. At pack load every logo becomes a
//! small coarse template (its short side [`COARSE_SIDE`] pixels) and a
//! finer one ([`FINE_SIDE`]), each at a few rotations. At screening, a
//! pyramid of the working copy is searched with the coarse templates
//! (window statistics from integral images), so a logo from 8% to 100% of
//! the image width is always seen at the coarse template's size; the best
//! few candidates are then re-scored exactly, with the mask, at the fine
//! size, nudging position, scale and angle. Only a fine score of at least
//! [`MATCH`] is a finding.

use image::GrayImage;

use super::decode::resize_area;
use crate::report::PixelBox;

/// The short side of a coarse template, in pixels.
pub const COARSE_SIDE: u32 = 10;
/// The short side of a fine template, in pixels.
pub const FINE_SIDE: u32 = 30;
/// Smallest logo searched for, as a fraction of the image width.
pub const MIN_WIDTH: f32 = 0.08;
/// Ratio between pyramid levels.
const LEVEL_STEP: f32 = 1.15;
/// Coarse score a candidate needs.
pub const COARSE_MIN: f32 = 0.45;
/// Candidates re-scored per logo.
const CANDIDATES: usize = 6;
/// Fine (masked) NCC that counts as the logo: chosen from the look-alike
/// tests in `tests/integration/images.rs` (see `notes/image-design.md`).
pub const MATCH: f32 = 0.70;
/// Fixed-point scale of the coarse template values.
const QUANT: f32 = 8.0;
/// Angles (degrees) the coarse templates are made at.
const COARSE_ANGLES: &[f32] = &[-12.0, 0.0, 12.0];
/// Angles (degrees) the fine templates are made at.
const FINE_ANGLES: &[f32] = &[-15.0, -10.0, -5.0, 0.0, 5.0, 10.0, 15.0];

/// A template: zero-mean values inside the mask, zero outside.
#[derive(Debug, Clone)]
struct Template {
    w: u32,
    h: u32,
    /// Zero-mean over the mask; 0 outside it.
    vals: Vec<f32>,
    /// 1 inside the logo, 0 outside.
    mask: Vec<f32>,
    /// `vals` × [`QUANT`], rounded: integer dot products vectorise.
    qvals: Vec<i16>,
    /// √Σ vals².
    norm: f32,
    /// Pixels inside the mask.
    count: f32,
    /// Score by |NCC| (sparse logos, whose background is part of the
    /// template and may be lighter or darker than the marks).
    absolute: bool,
    angle: f32,
}

/// One compiled logo.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file, relative to the pack.
    pub path: String,
    coarse: Vec<Template>,
    fine: Vec<Template>,
}

impl Logo {
    /// Compiles a logo from its full-size grey values and alpha (`None`
    /// for an opaque image).
    pub fn new(path: String, grey: &GrayImage, alpha: Option<&GrayImage>) -> Option<Logo> {
        // A sparse logo (a wordmark, an outline: under 60% of its box
        // opaque) is mostly its background: without it the marks alone are
        // one flat colour and match any dark-over-light edge. Such logos
        // are matched as the whole box, transparent parts as the white
        // `decode` shows them on, by |NCC|.
        let (grey, alpha, absolute) = match alpha.and_then(|a| opaque_box(a).map(|b| (a, b))) {
            Some((a, (x0, y0, x1, y1))) => {
                let area = f64::from((x1 - x0) * (y1 - y0));
                let solid = image::imageops::crop_imm(a, x0, y0, x1 - x0, y1 - y0)
                    .to_image()
                    .pixels()
                    .filter(|p| p.0[0] > 127)
                    .count() as f64;
                if solid < area * 0.6 {
                    let g = image::imageops::crop_imm(grey, x0, y0, x1 - x0, y1 - y0).to_image();
                    (std::borrow::Cow::Owned(g), None, true)
                } else {
                    (std::borrow::Cow::Borrowed(grey), Some(a), false)
                }
            }
            None => (std::borrow::Cow::Borrowed(grey), alpha, false),
        };
        let make = |angles: &[f32], side| -> Vec<Template> {
            angles
                .iter()
                .filter_map(|&a| template(&grey, alpha, a, side))
                .map(|mut t| {
                    t.absolute = absolute;
                    t
                })
                .collect()
        };
        let coarse = make(COARSE_ANGLES, COARSE_SIDE);
        let fine = make(FINE_ANGLES, FINE_SIDE);
        if coarse.is_empty() || fine.is_empty() {
            return None;
        }
        Some(Logo { path, coarse, fine })
    }
}

/// Rotates the logo, crops it to what is opaque, shrinks it so its short
/// side is `side`, and makes the template.
fn template(
    grey: &GrayImage,
    alpha: Option<&GrayImage>,
    angle: f32,
    side: u32,
) -> Option<Template> {
    let (w, h) = grey.dimensions();
    let opaque = GrayImage::from_pixel(w, h, image::Luma([255]));
    let alpha = alpha.unwrap_or(&opaque);
    let (g, a) = rotate(grey, alpha, angle);
    let (x0, y0, x1, y1) = opaque_box(&a)?;
    let g = image::imageops::crop_imm(&g, x0, y0, x1 - x0, y1 - y0).to_image();
    let a = image::imageops::crop_imm(&a, x0, y0, x1 - x0, y1 - y0).to_image();
    let (cw, ch) = g.dimensions();
    let short = cw.min(ch) as f32;
    let tw = ((cw as f32 * side as f32 / short).round() as u32).max(side);
    let th = ((ch as f32 * side as f32 / short).round() as u32).max(side);
    // Shrink grey premultiplied by alpha, and alpha, then divide.
    let ga = GrayImage::from_fn(cw, ch, |x, y| {
        let v = u32::from(g.get_pixel(x, y).0[0]) * u32::from(a.get_pixel(x, y).0[0]) / 255;
        image::Luma([v as u8])
    });
    let ga = resize_area(&ga, tw, th);
    let a = resize_area(&a, tw, th);
    let mut vals = Vec::with_capacity((tw * th) as usize);
    let mut mask = Vec::with_capacity((tw * th) as usize);
    for (p, q) in ga.as_raw().iter().zip(a.as_raw()) {
        let inside = *q >= 160;
        mask.push(if inside { 1.0 } else { 0.0 });
        vals.push(if inside {
            f32::from(*p) * 255.0 / f32::from(*q)
        } else {
            0.0
        });
    }
    let count: f32 = mask.iter().sum();
    if count < (tw * th) as f32 * 0.2 {
        return None;
    }
    let mean = vals.iter().zip(&mask).map(|(v, m)| v * m).sum::<f32>() / count;
    for (v, m) in vals.iter_mut().zip(&mask) {
        *v = if *m > 0.0 { *v - mean } else { 0.0 };
    }
    let norm = vals.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm < 1e-3 {
        return None;
    }
    let qvals = vals.iter().map(|v| (v * QUANT).round() as i16).collect();
    Some(Template {
        w: tw,
        h: th,
        qvals,
        vals,
        mask,
        norm,
        count,
        absolute: false,
        angle,
    })
}

/// The bounding box (x0, y0, x1, y1) of the opaque pixels, if any.
fn opaque_box(alpha: &GrayImage) -> Option<(u32, u32, u32, u32)> {
    let (w, h) = alpha.dimensions();
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for (x, y, p) in alpha.enumerate_pixels() {
        if p.0[0] > 127 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
    }
    (x1 > x0 + 2 && y1 > y0 + 2).then_some((x0, y0, x1, y1))
}

/// Rotates grey and alpha about the centre into a canvas big enough to
/// hold the result (bilinear; outside is transparent).
fn rotate(grey: &GrayImage, alpha: &GrayImage, degrees: f32) -> (GrayImage, GrayImage) {
    if degrees == 0.0 {
        return (grey.clone(), alpha.clone());
    }
    let (w, h) = grey.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let nw = (w as f32 * cos.abs() + h as f32 * sin.abs()).ceil() as u32;
    let nh = (w as f32 * sin.abs() + h as f32 * cos.abs()).ceil() as u32;
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    let mut g = GrayImage::new(nw, nh);
    let mut a = GrayImage::new(nw, nh);
    for y in 0..nh {
        for x in 0..nw {
            let dx = x as f32 + 0.5 - ncx;
            let dy = y as f32 + 0.5 - ncy;
            let sx = cos * dx + sin * dy + cx - 0.5;
            let sy = -sin * dx + cos * dy + cy - 0.5;
            if sx < -0.5 || sy < -0.5 || sx > w as f32 - 0.5 || sy > h as f32 - 0.5 {
                continue;
            }
            let (gv, av) = (bilinear(grey, sx, sy), bilinear(alpha, sx, sy));
            g.put_pixel(x, y, image::Luma([gv as u8]));
            a.put_pixel(x, y, image::Luma([av as u8]));
        }
    }
    (g, a)
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = img.dimensions();
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x, y| f32::from(img.get_pixel(x, y).0[0]);
    p(x0, y0) * (1.0 - fx) * (1.0 - fy)
        + p(x1, y0) * fx * (1.0 - fy)
        + p(x0, y1) * (1.0 - fx) * fy
        + p(x1, y1) * fx * fy
}

/// A logo found: which one, where (working-copy pixels), and how well.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Index into the logos searched.
    pub logo: usize,
    /// Where, in the working copy's pixels.
    pub bbox: PixelBox,
    /// The fine score.
    pub score: f32,
}

/// One pyramid level: the image and its integral images.
struct Level {
    img: Vec<i16>,
    w: u32,
    h: u32,
    /// Working-copy pixels per level pixel.
    scale: f32,
    sum: Vec<f64>,
    sq: Vec<f64>,
}

impl Level {
    fn new(img: &GrayImage, scale: f32) -> Level {
        let (w, h) = img.dimensions();
        let vals: Vec<i16> = img.as_raw().iter().map(|&p| i16::from(p)).collect();
        let stride = w as usize + 1;
        let mut sum = vec![0f64; stride * (h as usize + 1)];
        let mut sq = vec![0f64; stride * (h as usize + 1)];
        for y in 0..h as usize {
            let (mut rs, mut rq) = (0f64, 0f64);
            for x in 0..w as usize {
                let v = f64::from(vals[y * w as usize + x]);
                rs += v;
                rq += v * v;
                sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] + rs;
                sq[(y + 1) * stride + x + 1] = sq[y * stride + x + 1] + rq;
            }
        }
        Level {
            img: vals,
            w,
            h,
            scale,
            sum,
            sq,
        }
    }

    fn window(&self, table: &[f64], x: u32, y: u32, w: u32, h: u32) -> f64 {
        let s = self.w as usize + 1;
        let (x0, y0, x1, y1) = (x as usize, y as usize, (x + w) as usize, (y + h) as usize);
        table[y1 * s + x1] - table[y0 * s + x1] - table[y1 * s + x0] + table[y0 * s + x0]
    }
}

/// A coarse hit to re-score.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: f32,
    /// Box in working-copy pixels (x, y, w, h).
    bx: (f32, f32, f32, f32),
    angle: f32,
}

/// Searches the working copy for every logo. Boxes are in working-copy
/// pixels.
pub fn find(grey: &GrayImage, logos: &[Logo]) -> Vec<Found> {
    let (w, h) = grey.dimensions();
    if logos.is_empty() || w < 16 || h < 16 {
        return Vec::new();
    }
    let working: Vec<f32> = grey.as_raw().iter().map(|&p| f32::from(p)).collect();
    // Largest level any logo needs: its coarse width at MIN_WIDTH of the image.
    let widest = logos
        .iter()
        .flat_map(|l| l.coarse.iter().map(|t| t.w))
        .max()
        .unwrap_or(COARSE_SIDE);
    let top = ((widest as f32 / MIN_WIDTH).ceil() as u32).min(w);
    let mut levels = Vec::new();
    let mut lw = top as f32;
    let halves = halving_pyramid(grey);
    while lw >= COARSE_SIDE as f32 {
        let lwi = lw.round() as u32;
        let lhi = ((h as f32 * lw / w as f32).round() as u32).max(1);
        if lhi < COARSE_SIDE {
            break;
        }
        // Resample from the smallest halving at least twice as wide (or the working copy).
        let src = halves
            .iter()
            .rev()
            .find(|p| p.width() >= lwi * 2)
            .unwrap_or(grey);
        let img = resize_area(src, lwi, lhi);
        levels.push(Level::new(&img, w as f32 / lwi as f32));
        lw /= LEVEL_STEP;
    }
    let mut found = Vec::new();
    for (li, logo) in logos.iter().enumerate() {
        let mut cands: Vec<Candidate> = Vec::new();
        for level in &levels {
            for t in &logo.coarse {
                // Logo width in the image must be within [MIN_WIDTH, 1] of its width.
                let frac = t.w as f32 / level.w as f32;
                if !(MIN_WIDTH * 0.9..=1.0).contains(&frac) || t.h > level.h {
                    continue;
                }
                coarse_scan(level, t, &mut cands);
            }
        }
        cands.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut kept: Vec<Candidate> = Vec::new();
        for c in cands {
            if kept.len() >= CANDIDATES {
                break;
            }
            if kept.iter().any(|k| overlap(k.bx, c.bx) > 0.5) {
                continue;
            }
            kept.push(c);
        }
        let mut best: Option<Found> = None;
        for c in kept {
            if let Some((score, bx)) = refine(&working, w, h, logo, c)
                && score >= MATCH
                && best.is_none_or(|b| score > b.score)
            {
                best = Some(Found {
                    logo: li,
                    bbox: bx,
                    score,
                });
            }
        }
        found.extend(best);
    }
    found
}

fn halving_pyramid(grey: &GrayImage) -> Vec<GrayImage> {
    let mut out: Vec<GrayImage> = Vec::new();
    let mut cur = grey.clone();
    while cur.width() >= 64 && cur.height() >= 64 {
        let (w, h) = (cur.width() / 2, cur.height() / 2);
        let next = GrayImage::from_fn(w, h, |x, y| {
            let p = |dx, dy| u16::from(cur.get_pixel(2 * x + dx, 2 * y + dy).0[0]);
            image::Luma([((p(0, 0) + p(1, 0) + p(0, 1) + p(1, 1) + 2) / 4) as u8])
        });
        out.push(next.clone());
        cur = next;
    }
    out
}

fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> f32 {
    let ix = (a.0 + a.2).min(b.0 + b.2) - a.0.max(b.0);
    let iy = (a.1 + a.3).min(b.1 + b.3) - a.1.max(b.1);
    if ix <= 0.0 || iy <= 0.0 {
        return 0.0;
    }
    let inter = ix * iy;
    inter / (a.2 * a.3).min(b.2 * b.3)
}

/// Scores every position of one coarse template on one level, keeping
/// local peaks above [`COARSE_MIN`].
fn coarse_scan(level: &Level, t: &Template, out: &mut Vec<Candidate>) {
    let (tw, th) = (t.w, t.h);
    let nx = level.w - tw + 1;
    let ny = level.h - th + 1;
    let n_box = f64::from(tw * th);
    let frac = (f64::from(t.count) / n_box).sqrt() as f32;
    let mut scores = vec![f32::MIN; (nx * ny) as usize];
    for y in 0..ny {
        for x in 0..nx {
            let s1 = level.window(&level.sum, x, y, tw, th);
            let s2 = level.window(&level.sq, x, y, tw, th);
            let var = (s2 - s1 * s1 / n_box).max(0.0);
            if var < n_box * 4.0 {
                continue; // flat: nothing to match
            }
            let mut dot = 0i32;
            for ty in 0..th as usize {
                let row =
                    &level.img[(y as usize + ty) * level.w as usize + x as usize..][..tw as usize];
                let trow = &t.qvals[ty * tw as usize..][..tw as usize];
                dot += row
                    .iter()
                    .zip(trow)
                    .map(|(&a, &b)| i32::from(a) * i32::from(b))
                    .sum::<i32>();
            }
            let score = dot as f32 / QUANT / (t.norm * (var.sqrt() as f32) * frac);
            scores[(y * nx + x) as usize] = if t.absolute { score.abs() } else { score };
        }
    }
    for y in 0..ny {
        for x in 0..nx {
            let s = scores[(y * nx + x) as usize];
            if s < COARSE_MIN {
                continue;
            }
            let mut peak = true;
            'n: for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    let (xx, yy) = (x as i32 + dx, y as i32 + dy);
                    if (dx, dy) == (0, 0) || xx < 0 || yy < 0 || xx >= nx as i32 || yy >= ny as i32
                    {
                        continue;
                    }
                    if scores[(yy as u32 * nx + xx as u32) as usize] > s {
                        peak = false;
                        break 'n;
                    }
                }
            }
            if peak {
                out.push(Candidate {
                    score: s,
                    bx: (
                        x as f32 * level.scale,
                        y as f32 * level.scale,
                        tw as f32 * level.scale,
                        th as f32 * level.scale,
                    ),
                    angle: t.angle,
                });
            }
        }
    }
}

/// Re-scores a candidate with the fine templates near its angle, at
/// three scales and a few pixels either way, with the exact masked NCC.
fn refine(working: &[f32], w: u32, h: u32, logo: &Logo, c: Candidate) -> Option<(f32, PixelBox)> {
    let mut best: Option<(f32, PixelBox)> = None;
    for t in logo
        .fine
        .iter()
        .filter(|t| (t.angle - c.angle).abs() <= 7.5)
    {
        let coarse_w = c.bx.2;
        for rel in [0.9f32, 1.0, 1.1] {
            // Working pixels per fine-template pixel.
            let s = coarse_w * rel / t.w as f32;
            if s <= 0.0 {
                continue;
            }
            let cx = c.bx.0 + c.bx.2 / 2.0;
            let cy = c.bx.1 + c.bx.3 / 2.0;
            // Sample a patch (template size + margin) around the centre.
            let margin = 3i32;
            let pw = t.w as i32 + 2 * margin;
            let ph = t.h as i32 + 2 * margin;
            let ox = cx - pw as f32 * s / 2.0;
            let oy = cy - ph as f32 * s / 2.0;
            let patch = sample_patch(working, w, h, ox, oy, s, pw as u32, ph as u32);
            let at = |dx: i32, dy: i32| {
                if dx < 0 || dy < 0 || dx > 2 * margin || dy > 2 * margin {
                    return f32::MIN;
                }
                masked_ncc(&patch, pw as u32, dx as u32, dy as u32, t)
            };
            // Every other position, then the neighbours of the best.
            let mut top = (f32::MIN, 0, 0);
            for dy in (0..=2 * margin).step_by(2) {
                for dx in (0..=2 * margin).step_by(2) {
                    let score = at(dx, dy);
                    if score > top.0 {
                        top = (score, dx, dy);
                    }
                }
            }
            let (_, bx0, by0) = top;
            for dy in -1..=1 {
                for dx in -1..=1 {
                    if (dx + bx0) % 2 == 0 && (dy + by0) % 2 == 0 {
                        continue;
                    }
                    let score = at(bx0 + dx, by0 + dy);
                    if score > top.0 {
                        top = (score, bx0 + dx, by0 + dy);
                    }
                }
            }
            let (score, dx, dy) = top;
            if best.is_none_or(|(b, _)| score > b) {
                let bx = PixelBox {
                    x: (ox + dx as f32 * s).max(0.0) as u32,
                    y: (oy + dy as f32 * s).max(0.0) as u32,
                    width: (t.w as f32 * s) as u32,
                    height: (t.h as f32 * s) as u32,
                };
                best = Some((score, bx));
            }
        }
    }
    best
}

/// Area-samples a `pw`×`ph` patch whose pixel (0, 0) starts at (ox, oy) in
/// the working copy, `s` working pixels per patch pixel. Outside the image
/// is NaN (never matches).
#[allow(clippy::too_many_arguments)]
fn sample_patch(
    working: &[f32],
    w: u32,
    h: u32,
    ox: f32,
    oy: f32,
    s: f32,
    pw: u32,
    ph: u32,
) -> Vec<f32> {
    let mut out = Vec::with_capacity((pw * ph) as usize);
    let taps = (s.ceil() as i32).clamp(1, 3);
    let step = s / taps as f32;
    for py in 0..ph {
        for px in 0..pw {
            let mut acc = 0f32;
            let mut n = 0f32;
            let mut outside = false;
            for sy in 0..taps {
                for sx in 0..taps {
                    let x = ox + px as f32 * s + (sx as f32 + 0.5) * step;
                    let y = oy + py as f32 * s + (sy as f32 + 0.5) * step;
                    if x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 {
                        outside = true;
                        continue;
                    }
                    acc += working[y as usize * w as usize + x as usize];
                    n += 1.0;
                }
            }
            out.push(if outside && n < (taps * taps) as f32 * 0.5 {
                f32::NAN
            } else {
                acc / n.max(1.0)
            });
        }
    }
    out
}

fn masked_ncc(patch: &[f32], pw: u32, x: u32, y: u32, t: &Template) -> f32 {
    let (mut s1, mut s2, mut dot) = (0f32, 0f32, 0f32);
    for ty in 0..t.h as usize {
        let row = &patch[(y as usize + ty) * pw as usize + x as usize..][..t.w as usize];
        let m = &t.mask[ty * t.w as usize..][..t.w as usize];
        let v = &t.vals[ty * t.w as usize..][..t.w as usize];
        for i in 0..t.w as usize {
            let p = row[i] * m[i];
            s1 += p;
            s2 += p * row[i];
            dot += row[i] * v[i];
        }
    }
    let var = s2 - s1 * s1 / t.count;
    // NaN (a patch running off the image) fails this test too.
    if var.partial_cmp(&(t.count * 4.0)) != Some(std::cmp::Ordering::Greater) {
        return 0.0;
    }
    let score = dot / (t.norm * var.sqrt());
    if t.absolute { score.abs() } else { score }
}
