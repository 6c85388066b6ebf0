//! `gatepost strip IN OUT`: writes a copy of an image with its metadata
//! (EXIF, XMP, IPTC, comments) removed and its pixels untouched; the fix
//! for `image.location`. The work is [`crate::image::strip`], which the
//! StripMetadata call uses too.

use std::{fs, path::Path, process::ExitCode};

use anyhow::Context;

use crate::image;

/// Largest input read (the pack's image limit).
const MAX_INPUT: u64 = crate::pack::MAX_IMAGE;

pub(super) fn run(input: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    let size = fs::metadata(input)
        .with_context(|| format!("cannot read {}", input.display()))?
        .len();
    if size > MAX_INPUT {
        anyhow::bail!("{}: larger than {MAX_INPUT} bytes", input.display());
    }
    let bytes = fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let stripped = image::strip(&bytes).with_context(|| input.display().to_string())?;
    fs::write(output, &stripped.bytes)
        .with_context(|| format!("cannot write {}", output.display()))?;
    if stripped.removed.is_empty() {
        eprintln!("{}: no metadata found; copied unchanged", input.display());
    } else {
        eprintln!(
            "{}: removed {}; pixels unchanged",
            input.display(),
            stripped.removed.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
