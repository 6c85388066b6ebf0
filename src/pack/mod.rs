//! Loading and validating a policy pack directory (SPEC "The policy pack").
//! This module only parses and checks; compiling matchers is
//! [`crate::snapshot`]'s job. Loading collects every error, so
//! `gatepost policy check` can list them all at once.

mod error;
pub mod lexicon;
pub mod roster;
pub mod school;

use std::{
    fs,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

pub use error::{Error, ErrorKind, Errors};
pub use roster::Pupil;
pub use school::SchoolConfig;

/// Largest `school.toml` read.
pub const MAX_SCHOOL_TOML: u64 = 1 << 20;
/// Largest `roster.csv` read.
pub const MAX_ROSTER: u64 = 256 << 20;
/// Largest lexicon file read.
pub const MAX_LEXICON: u64 = 16 << 20;
/// Largest logo or withdrawn image read.
pub const MAX_IMAGE: u64 = 32 << 20;
/// Most images in one `logos/` or `withdrawn/` directory.
pub const MAX_IMAGES: usize = 256;
/// Most schools in one pack.
pub const MAX_SCHOOLS: usize = 10_000;

/// An image file from a pack (a logo or a withdrawn image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// Path relative to the pack.
    pub path: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// One school of a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    /// The directory name under `schools/`.
    pub id: String,
    /// `school.toml`.
    pub config: SchoolConfig,
    /// `roster.csv` (empty if the file is absent).
    pub roster: Vec<Pupil>,
    /// Official marks from `logos/`.
    pub logos: Vec<ImageFile>,
    /// Images that must never be published again, from `withdrawn/`.
    pub withdrawn: Vec<ImageFile>,
}

/// A loaded, validated policy pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack {
    /// Schools, sorted by id.
    pub schools: Vec<School>,
    /// The built-in lexicon entries followed by the pack's own.
    pub lexicon: Vec<lexicon::Entry>,
    /// Identifies the pack's contents: a digest of every file read plus
    /// the built-in lexicons and Gatepost's version.
    pub version: String,
}

impl Pack {
    /// Loads and validates the pack in `dir`.
    ///
    /// # Errors
    ///
    /// Every problem found, each naming the file (relative to `dir`), the
    /// line where known, the field, and what is wrong.
    pub fn load(dir: &Path) -> Result<Pack, Errors> {
        let mut loader = Loader {
            root: dir,
            errors: Vec::new(),
            hasher: Sha256::new(),
        };
        loader.hasher.update(env!("CARGO_PKG_VERSION"));
        for (name, text) in lexicon::BUILT_IN {
            loader.hasher.update(name);
            loader.hasher.update(text);
        }
        let mut entries = lexicon::built_in();
        let mut schools = Vec::new();
        let schools_dir = dir.join("schools");
        match sorted_entries(&schools_dir) {
            Err(e) => loader.error(Error::new("schools", ErrorKind::Io(e.to_string()))),
            Ok(list) => {
                for path in list.into_iter().filter(|p| p.is_dir()) {
                    if schools.len() >= MAX_SCHOOLS {
                        loader.error(Error::new(
                            "schools",
                            ErrorKind::Limit(format!("more than {MAX_SCHOOLS} schools")),
                        ));
                        break;
                    }
                    if let Some(s) = loader.school(&path) {
                        schools.push(s);
                    }
                }
                if schools.is_empty() && loader.errors.is_empty() {
                    loader.error(Error::new(
                        "schools",
                        ErrorKind::Invalid("no school directories".into()),
                    ));
                }
            }
        }
        let lex_dir = dir.join("lexicons");
        if lex_dir.is_dir() {
            match sorted_entries(&lex_dir) {
                Err(e) => loader.error(Error::new("lexicons", ErrorKind::Io(e.to_string()))),
                Ok(list) => {
                    for path in list
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
                    {
                        let rel = loader.rel(&path);
                        if let Some(text) = loader.read_text(&path, MAX_LEXICON) {
                            match lexicon::parse(&rel, &text) {
                                Ok(mut e) => entries.append(&mut e),
                                Err(e) => loader.errors.extend(e),
                            }
                        }
                    }
                }
            }
        }
        if !loader.errors.is_empty() {
            return Err(Errors(loader.errors));
        }
        let digest = loader.hasher.finalize();
        let version: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Pack {
            schools,
            lexicon: entries,
            version,
        })
    }

    /// The school with this id.
    pub fn school(&self, id: &str) -> Option<&School> {
        self.schools.iter().find(|s| s.id == id)
    }
}

struct Loader<'a> {
    root: &'a Path,
    errors: Vec<Error>,
    hasher: Sha256,
}

impl Loader<'_> {
    fn error(&mut self, e: Error) {
        self.errors.push(e);
    }

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    fn read(&mut self, path: &Path, limit: u64) -> Option<Vec<u8>> {
        let rel = self.rel(path);
        let size = match fs::metadata(path) {
            Ok(m) => m.len(),
            Err(e) => {
                self.error(Error::new(rel, ErrorKind::Io(e.to_string())));
                return None;
            }
        };
        if size > limit {
            self.error(Error::new(rel, ErrorKind::TooLarge { size, limit }));
            return None;
        }
        match fs::read(path) {
            Ok(bytes) => {
                self.hasher.update(rel.as_bytes());
                self.hasher.update((bytes.len() as u64).to_le_bytes());
                self.hasher.update(&bytes);
                Some(bytes)
            }
            Err(e) => {
                self.error(Error::new(rel, ErrorKind::Io(e.to_string())));
                None
            }
        }
    }

    fn read_text(&mut self, path: &Path, limit: u64) -> Option<String> {
        let bytes = self.read(path, limit)?;
        match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                let rel = self.rel(path);
                self.error(Error::new(rel, ErrorKind::NotUtf8).at(line));
                None
            }
        }
    }

    fn school(&mut self, dir: &Path) -> Option<School> {
        let id = dir.file_name()?.to_string_lossy().into_owned();
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            || id.starts_with('.')
        {
            if !id.starts_with('.') {
                self.error(Error::new(
                    self.rel(dir),
                    ErrorKind::Invalid(
                        "a school id may only use letters, digits, '-', '_' and '.'".into(),
                    ),
                ));
            }
            return None;
        }
        let before = self.errors.len();
        let toml_path = dir.join("school.toml");
        let rel_toml = self.rel(&toml_path);
        let config = if toml_path.is_file() {
            self.read_text(&toml_path, MAX_SCHOOL_TOML).and_then(|t| {
                match school::parse(&rel_toml, &t) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        self.errors.extend(e);
                        None
                    }
                }
            })
        } else {
            self.error(Error::new(rel_toml, ErrorKind::Missing));
            None
        };
        let roster_path = dir.join("roster.csv");
        let roster = if roster_path.is_file() {
            let rel = self.rel(&roster_path);
            self.read_text(&roster_path, MAX_ROSTER)
                .and_then(|t| match roster::parse(&rel, &t) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        self.errors.extend(e);
                        None
                    }
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let logos = self.images(&dir.join("logos"));
        let withdrawn = self.images(&dir.join("withdrawn"));
        if self.errors.len() > before {
            return None;
        }
        Some(School {
            id,
            config: config?,
            roster,
            logos,
            withdrawn,
        })
    }

    fn images(&mut self, dir: &Path) -> Vec<ImageFile> {
        if !dir.is_dir() {
            return Vec::new();
        }
        let list = match sorted_entries(dir) {
            Ok(l) => l,
            Err(e) => {
                self.error(Error::new(self.rel(dir), ErrorKind::Io(e.to_string())));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for path in list.into_iter().filter(|p| p.is_file()) {
            let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
            if name.as_deref().is_some_and(|n| n.starts_with('.')) {
                continue;
            }
            if out.len() >= MAX_IMAGES {
                self.error(Error::new(
                    self.rel(dir),
                    ErrorKind::Limit(format!("more than {MAX_IMAGES} images")),
                ));
                break;
            }
            if let Some(bytes) = self.read(&path, MAX_IMAGE) {
                if let Err(e) = crate::image::decode::decode(&bytes) {
                    self.error(Error::new(
                        self.rel(&path),
                        ErrorKind::Invalid(format!("not a usable image: {e}")),
                    ));
                    continue;
                }
                out.push(ImageFile {
                    path: PathBuf::from(self.rel(&path)),
                    bytes,
                });
            }
        }
        out
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut list = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    list.sort();
    Ok(list)
}
