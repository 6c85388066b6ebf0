//! Facts about images: what their metadata says ([`meta`], no pixels
//! decoded), and what their pixels show ([`decode`] once through the
//! limits, then [`faces`], [`fingerprint`] and [`logo`] over the same
//! small greyscale copy). [`strip`] removes metadata without re-encoding.
//! Like `text/`, this module finds facts; `screen` turns them into
//! findings. Nothing here panics on hostile bytes: [`analyse`] also
//! catches any panic from a third-party decoder and reports it as an
//! undecodable image, so screening fails closed.

pub mod container;
pub mod decode;
pub mod faces;
pub mod fingerprint;
pub mod logo;
pub mod meta;
pub mod strip;

use crate::pack::ImageFile;
use crate::report::PixelBox;

pub use container::Format;
pub use decode::{DecodeError, Decoded};
pub use strip::{StripError, Stripped, strip};

/// A pack image that could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: cannot use this image: {why}")]
pub struct PackImageError {
    /// The file, relative to the pack.
    pub path: String,
    /// What is wrong.
    pub why: String,
}

/// A school's images, compiled at pack load: logo templates and the
/// fingerprints of withdrawn images.
#[derive(Debug, Default)]
pub struct SchoolImages {
    logos: Vec<logo::Logo>,
    withdrawn: Vec<fingerprint::Withdrawn>,
}

/// The long side logos are decoded at before their templates are made.
const LOGO_SIDE: u32 = 512;

impl SchoolImages {
    /// Compiles a school's `logos/` and `withdrawn/` images.
    ///
    /// # Errors
    ///
    /// Every image that cannot be decoded or used, each naming its file.
    pub fn build(
        logos: &[ImageFile],
        withdrawn: &[ImageFile],
    ) -> Result<SchoolImages, Vec<PackImageError>> {
        let mut errors = Vec::new();
        let mut out = SchoolImages::default();
        let err = |f: &ImageFile, why: String| PackImageError {
            path: f.path.display().to_string(),
            why,
        };
        for f in logos {
            match decode::decode_with_alpha(&f.bytes, LOGO_SIDE) {
                Ok((d, alpha)) => {
                    match logo::Logo::new(f.path.display().to_string(), &d.grey, alpha.as_ref()) {
                        Some(l) => out.logos.push(l),
                        None => errors.push(err(f, "the logo is blank or too small".into())),
                    }
                }
                Err(e) => errors.push(err(f, e.to_string())),
            }
        }
        for f in withdrawn {
            match decode::decode(&f.bytes) {
                Ok(d) => out.withdrawn.push(fingerprint::Withdrawn::new(
                    f.path.display().to_string(),
                    &d.grey,
                )),
                Err(e) => errors.push(err(f, e.to_string())),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Whether the school has any logos.
    pub fn has_logos(&self) -> bool {
        !self.logos.is_empty()
    }

    /// Whether the school has withdrawn any images.
    pub fn has_withdrawn(&self) -> bool {
        !self.withdrawn.is_empty()
    }
}

/// Which pixel checks to run (each costs time; skip what cannot matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checks {
    /// Look for faces.
    pub faces: bool,
    /// Look for the school's logos.
    pub logos: bool,
    /// Compare with withdrawn images.
    pub withdrawn: bool,
}

/// What the pixels of one image show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PixelFacts {
    /// The image's format.
    pub format: Option<Format>,
    /// Width and height as displayed (after the EXIF orientation).
    pub size: (u32, u32),
    /// Face boxes, in displayed pixels (as the EXIF orientation shows
    /// the picture; boxes of logos likewise).
    pub faces: Vec<PixelBox>,
    /// The withdrawn image it matches (pack path), if any.
    pub withdrawn: Option<String>,
    /// Logos found: (pack path, box in original pixels).
    pub logos: Vec<(String, PixelBox)>,
}

/// Decodes an image once and runs the requested checks on the shared
/// working copy.
///
/// # Errors
///
/// [`DecodeError`] when the image cannot be decoded within the limits
/// (including a panic inside a decoder or detector, reported as damage).
pub fn analyse(
    bytes: &[u8],
    school: &SchoolImages,
    checks: Checks,
) -> Result<PixelFacts, DecodeError> {
    let run = || -> Result<PixelFacts, DecodeError> {
        let decoded = decode::decode(bytes)?;
        let decoded = match meta::read(bytes).orientation {
            Some(o) => decode::orient(decoded, o),
            None => decoded,
        };
        let scale = decoded.scale();
        let up = |b: PixelBox| PixelBox {
            x: (b.x as f32 * scale) as u32,
            y: (b.y as f32 * scale) as u32,
            width: ((b.width as f32 * scale) as u32).min(decoded.width),
            height: ((b.height as f32 * scale) as u32).min(decoded.height),
        };
        let mut facts = PixelFacts {
            format: Some(decoded.format),
            size: (decoded.width, decoded.height),
            ..PixelFacts::default()
        };
        if checks.withdrawn
            && !school.withdrawn.is_empty()
            && let Some(view) = fingerprint::of(&decoded.grey)
        {
            facts.withdrawn = school
                .withdrawn
                .iter()
                .find(|w| fingerprint::matches(&view, w).is_some())
                .map(|w| w.path.clone());
        }
        if checks.faces {
            let found = faces::find(&decoded.grey)
                .ok_or_else(|| DecodeError::Corrupt("the face detector is unavailable".into()))?;
            facts.faces = found.into_iter().map(up).collect();
        }
        if checks.logos && !school.logos.is_empty() {
            facts.logos = logo::find(&decoded.grey, &school.logos)
                .into_iter()
                .map(|f| (school.logos[f.logo].path.clone(), up(f.bbox)))
                .collect();
        }
        Ok(facts)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err(DecodeError::Corrupt("the decoder failed".into())))
}
