//! Face detection with rustface (SeetaFace's funnel-structured cascade),
//! whose frontal-face model ships in the published crate and is embedded
//! here at compile time (`models/`), so nothing is downloaded at run time.
//! The detector scans windows of 40 pixels from the input's own scale
//! upwards, so the input size sets both the smallest face found and the
//! cost: faces are searched on a copy whose long side is [`FACE_SIDE`].

use std::cell::RefCell;
use std::sync::OnceLock;

use image::GrayImage;
use rustface::{Detector, ImageData, Model};

use super::decode::shrink;
use crate::report::PixelBox;

/// The long side of the copy faces are searched on. Faces narrower than
/// about 40 / `FACE_SIDE` of the long side (8% at 512) are not found.
pub const FACE_SIDE: u32 = 512;
/// The detector's score threshold (rustface suggests 0.95, 2.8 or 4.5);
/// chosen from the tests in `tests/integration/images.rs`.
pub const SCORE_THRESHOLD: f64 = 2.8;

/// The SeetaFace frontal model (BSD-2-Clause; see `models/README.md`).
static MODEL_BYTES: &[u8] = include_bytes!("../../models/seeta_fd_frontal_v1.0.bin");

fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| rustface::read_model(MODEL_BYTES).ok())
        .as_ref()
}

thread_local! {
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = const { RefCell::new(None) };
}

/// Finds frontal faces in a working copy. Boxes are in the working copy's
/// pixels; the caller scales them to the original. `None` if the embedded
/// model cannot be loaded (screening then fails closed).
pub fn find(grey: &GrayImage) -> Option<Vec<PixelBox>> {
    let small = shrink(grey, FACE_SIDE);
    let (w, h) = small.dimensions();
    // The detector needs at least one 40-pixel window.
    if w < 48 || h < 48 {
        return model().map(|_| Vec::new());
    }
    let scale = grey.width() as f32 / w as f32;
    DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let model = model()?;
            let mut d = rustface::create_detector_with_model(model.clone());
            d.set_min_face_size(40);
            d.set_score_thresh(SCORE_THRESHOLD);
            d.set_pyramid_scale_factor(0.75);
            d.set_slide_window_step(4, 4);
            *slot = Some(d);
        }
        let detector = slot.as_mut()?;
        let faces = detector.detect(&ImageData::new(small.as_raw(), w, h));
        let boxes = faces
            .iter()
            .map(|f| {
                let b = f.bbox();
                let x = b.x().max(0) as f32 * scale;
                let y = b.y().max(0) as f32 * scale;
                PixelBox {
                    x: x as u32,
                    y: y as u32,
                    width: (b.width() as f32 * scale) as u32,
                    height: (b.height() as f32 * scale) as u32,
                }
            })
            .collect();
        Some(boxes)
    })
}

/// Whether the embedded model loads (checked by a test, so a corrupt
/// model file cannot silently disable face detection).
pub fn model_loads() -> bool {
    model().is_some()
}
