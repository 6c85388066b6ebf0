//! Screening one post: resolve the account, scan every text field once
//! (names and school phrases, lexicon, contact details, links), check the
//! attachments, and apply SPEC's rule table. Pure and synchronous: the CLI,
//! the gRPC service, the benches and the fuzzers all call [`screen`].
//!
//! Screening itself cannot fail: a check that cannot run becomes a
//! `screening.incomplete` finding, so a post is never approved by accident.
//! Only a caller's mistake (an unknown school) is an error.

use crate::date::Date;
use crate::image;
use crate::pack::lexicon::Category;
use crate::post::{AccountKind, Request};
use crate::report::PixelBox;
use crate::report::{Field, Location, Report, Verdict};
use crate::rules::contact::{self, Contact};
use crate::rules::link::{self, LinkClass};
use crate::rules::{Findings, describe_field, quote};
use crate::snapshot::{SchoolSnapshot, Snapshot, handle_key};
use crate::text::scan::Phrase;
use crate::text::{Folded, Squeezed};

/// Why a request could not be screened: the caller's mistake, not the post's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScreenError {
    /// The school id is not in the pack.
    #[error("unknown school {0:?}")]
    UnknownSchool(String),
}

/// Options that change screening without being part of the request.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The date consents are judged on (expiry).
    pub today: Date,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            today: Date::today(),
        }
    }
}

/// Whether the account is official, resolving an unspecified kind from the
/// school's `official_accounts` (not found means personal).
pub fn is_official(school: &SchoolSnapshot, request: &Request) -> bool {
    match request.account.kind {
        AccountKind::Official => true,
        AccountKind::Personal => false,
        AccountKind::Unspecified => {
            let handle = handle_key(&request.account.handle);
            let platform = crate::snapshot::platform_key(&request.account.platform);
            !handle.is_empty()
                && school
                    .official_accounts
                    .iter()
                    .any(|(p, h)| *h == handle && (platform.is_empty() || *p == platform))
        }
    }
}

/// Screens one post against its school's policy.
///
/// # Errors
///
/// [`ScreenError::UnknownSchool`] when the request names a school that is
/// not in the snapshot.
pub fn screen(
    snapshot: &Snapshot,
    request: &Request,
    options: Options,
) -> Result<Report, ScreenError> {
    let school = snapshot
        .school(&request.school_id)
        .ok_or_else(|| ScreenError::UnknownSchool(request.school_id.clone()))?;
    let official = is_official(school, request);
    let post = &request.post;
    let mut out = Findings::new(official);
    let mut post_state = PostState::default();
    let has_image = !post.attachments.is_empty();

    let mut fields: Vec<(Field, &str)> = vec![(Field::Text, post.text.as_str())];
    for (index, a) in post.attachments.iter().enumerate() {
        fields.push((Field::AltText { index }, a.alt_text.as_str()));
    }
    for (index, l) in post.links.iter().enumerate() {
        fields.push((Field::Link { index }, l.as_str()));
    }
    let ctx = Context {
        snapshot,
        school,
        options,
        has_image,
    };
    for (field, original) in fields {
        if original.is_empty() {
            continue;
        }
        let place = describe_field(field);
        let at = |start, end| Location::Text { field, start, end };
        let kind = match field {
            Field::Link { .. } => TextKind::Link,
            _ => TextKind::Prose,
        };
        screen_text(&ctx, original, kind, &place, &at, &mut out, &mut post_state);
    }

    let images = analyse_attachments(&ctx, &post.attachments, &out);
    for (index, attachment) in post.attachments.iter().enumerate() {
        screen_depicted(school, options, index, attachment, &mut out);
        screen_image(
            &ctx,
            index,
            attachment,
            &images[index],
            &mut out,
            &mut post_state,
        );
    }

    if let Some(location) = post_state.first_school_mention.clone()
        && !official
        && !post_state.has_disclaimer
    {
        let example = school
            .config
            .disclaimer_phrases
            .first()
            .map_or("Views are my own", String::as_str);
        out.add_with_remedy(
            "personal.no_disclaimer",
            format!(
                "This personal account names the school ({}) without a disclaimer.",
                post_state.first_school_quote
            ),
            Some(format!(
                "Add a disclaimer such as {} to the post or the account profile, or share the school's official post instead.",
                quote(example)
            )),
            location,
        );
    }

    let findings = out.into_vec();
    Ok(Report {
        verdict: Verdict::from_findings(&findings),
        findings,
        policy_version: snapshot.version.clone(),
    })
}

/// What the text rules learn across all of a post's fields.
#[derive(Default)]
pub(crate) struct PostState {
    first_school_mention: Option<Location>,
    first_school_quote: String,
    has_disclaimer: bool,
}

/// What screening one post needs besides the text itself.
pub(crate) struct Context<'a> {
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) school: &'a SchoolSnapshot,
    pub(crate) options: Options,
    pub(crate) has_image: bool,
}

/// How a piece of text is used: prose is searched for URLs; a link is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    Prose,
    Link,
}

/// Runs every text rule over `original`. `place` names it in reasons ("the
/// post text"); `locate` turns a byte range of it into a finding location,
/// so the same checks serve post fields and image metadata alike.
pub(crate) fn screen_text(
    ctx: &Context<'_>,
    original: &str,
    kind: TextKind,
    place: &str,
    locate: &dyn Fn(usize, usize) -> Location,
    out: &mut Findings,
    state: &mut PostState,
) {
    let Context {
        snapshot,
        school,
        options,
        has_image,
    } = *ctx;
    let folded = Folded::new(original);
    let span = |start: usize, end: usize| folded.original_range(original, start, end);
    let at = |(start, end): (usize, usize)| locate(start, end);

    let hits = school.matcher.scan(original, &folded);
    for name in &hits.names {
        let pupil = &school.pupils[name.pupil as usize];
        let range = span(name.start, name.end);
        let q = quote(&original[range.0..range.1]);
        if pupil.safeguarding {
            out.add(
                "pupil.safeguarding",
                format!(
                    "{place} names {q}, a pupil the school has said must never be identifiable."
                ),
                at(range),
            );
        } else if pupil.may_be_named(options.today) {
            out.add(
                "pupil.named",
                if out.severity("pupil.named") == Some(crate::report::Severity::Info) {
                    format!("{place} names {q}; the school holds current written consent to name this pupil on its official accounts.")
                } else {
                    format!("{place} names {q}, a pupil, on a personal account.")
                },
                at(range),
            );
        } else {
            out.add(
                "pupil.full_name",
                format!("{place} names {q}, a pupil without current written consent to be named."),
                at(range),
            );
        }
        if has_image && !pupil.may_be_photographed(options.today) {
            out.add(
                "photo.no_consent",
                format!("The post has an image and {place} names {q}, a pupil without current written consent to be photographed."),
                at(range),
            );
        }
    }
    for phrase in &hits.phrases {
        let range = span(phrase.start, phrase.end);
        let q = quote(&original[range.0..range.1]);
        match phrase.phrase {
            Phrase::SchoolName => {
                if state.first_school_mention.is_none() && kind == TextKind::Prose {
                    state.first_school_mention = Some(at(range));
                    state.first_school_quote = q;
                }
            }
            Phrase::Disclaimer => state.has_disclaimer = true,
            Phrase::Slogan | Phrase::Hashtag => {
                let what = if phrase.phrase == Phrase::Slogan {
                    "slogan"
                } else {
                    "hashtag"
                };
                out.add(
                    "brand.slogan",
                    format!("{place} uses the school's {what} {q} on a personal account."),
                    at(range),
                );
            }
        }
    }

    let squeezed = Squeezed::new(&folded);
    for term in snapshot.lexicon.find(&squeezed) {
        let entry = &snapshot.lexicon_entries[term.entry as usize];
        let (fs, fe) = squeezed.folded_range(&folded, term.start, term.end);
        let range = span(fs, fe);
        let q = quote(&original[range.0..range.1]);
        let grade = entry.grade.as_str();
        let (rule, found) = match entry.category {
            Category::Discriminatory(c) => (
                "language.discriminatory",
                format!(
                    "{place} contains {q}, a derogatory term about {} ({}).",
                    c.describe(),
                    entry.note
                ),
            ),
            Category::Profanity => (
                "language.profanity",
                format!("{place} contains {q}, {grade} profanity ({}).", entry.note),
            ),
            Category::Insult => (
                "language.insult",
                format!("{place} contains {q}, an insult ({}).", entry.note),
            ),
            Category::Allow => continue,
        };
        out.add(rule, found, at(range));
    }

    let contacts = contact::find(
        folded.as_str(),
        &school.phones,
        &school.config.website_domains,
        &school.postcodes,
    );
    for hit in &contacts {
        let range = span(hit.start, hit.end);
        let q = quote(&original[range.0..range.1]);
        let (found, remedy) = match hit.kind {
            Contact::Mobile => (
                format!("{place} contains a personal mobile number, {q}."),
                "Remove the number, or give the school office number instead.",
            ),
            Contact::Email => (
                format!("{place} contains a personal e-mail address, {q}."),
                "Remove the address, or give the school's own e-mail address instead.",
            ),
            Contact::HomeAddress => (
                format!("{place} contains what looks like a home address, {q}."),
                "Remove the address; if a location is needed, give the school's address.",
            ),
        };
        out.add_with_remedy(
            "contact.personal",
            found,
            Some(remedy.to_string()),
            at(range),
        );
    }

    let config = &school.config;
    let check_link = |url: &str, range: (usize, usize), out: &mut Findings| {
        let class = link::classify(
            url,
            &config.website_domains,
            &config.allowed_link_domains,
            &config.blocked_link_domains,
        );
        match class {
            LinkClass::Allowed => {}
            LinkClass::Blocked(host) => out.add(
                "link.blocked",
                format!("{place} links to {host}, a site the school has blocked."),
                at(range),
            ),
            LinkClass::Unlisted(host) => out.add(
                "link.unlisted",
                format!("{place} links to {host}, which is neither the school's own site nor on its list of allowed sites."),
                at(range),
            ),
            LinkClass::Unreadable => out.add(
                "screening.incomplete",
                format!("{place} could not be read as a web address, so where it leads could not be checked."),
                at(range),
            ),
        }
    };
    if kind == TextKind::Link {
        let trimmed_start = original.len() - original.trim_start().len();
        let range = (trimmed_start, original.trim_end().len().max(trimmed_start));
        if range.1 > range.0 {
            check_link(original, range, out);
        }
    } else {
        // The domain of an e-mail address, even a spelt-out one, is not a link.
        let in_email = |u: &link::UrlHit| {
            contacts
                .iter()
                .any(|c| c.kind == Contact::Email && c.start <= u.start && u.end <= c.end)
        };
        for url in link::find_urls(folded.as_str())
            .into_iter()
            .filter(|u| !in_email(u))
        {
            let range = span(url.start, url.end);
            check_link(&original[range.0..range.1], range, out);
        }
    }
}

fn screen_depicted(
    school: &SchoolSnapshot,
    options: Options,
    index: usize,
    attachment: &crate::post::Attachment,
    out: &mut Findings,
) {
    let location = Location::Image {
        attachment: index,
        bbox: None,
        tag: None,
        span: None,
    };
    for id in &attachment.depicted_pupil_ids {
        let q = quote(id);
        let Some(&i) = school.by_id.get(id.trim()) else {
            out.add_with_remedy(
                "photo.no_consent",
                format!("Image {} lists pupil id {q} as shown, but that id is not on the school's roster, so no photo consent can be confirmed.", index + 1),
                Some("Check the pupil id against the roster; until consent is confirmed, remove the photo or use one where the pupil cannot be identified.".into()),
                location.clone(),
            );
            continue;
        };
        let pupil = &school.pupils[i as usize];
        if pupil.safeguarding {
            out.add(
                "pupil.safeguarding",
                format!("Image {} lists pupil {q} as shown; the school has said this pupil must never be identifiable.", index + 1),
                location.clone(),
            );
        }
        if !pupil.may_be_photographed(options.today) {
            out.add(
                "photo.no_consent",
                format!("Image {} lists pupil {q} as shown, and the school holds no current written consent to publish their photo.", index + 1),
                location.clone(),
            );
        }
    }
}

/// What the image module found in one attachment: its metadata, and its
/// pixels (or why they could not be checked).
pub(crate) struct ImageFacts {
    meta: image::meta::Meta,
    pixels: Result<image::PixelFacts, image::DecodeError>,
}

/// Reads and decodes every attachment once, in parallel when there are
/// several (each on its own scoped thread, at most one per core), so the
/// findings can then be added in order.
fn analyse_attachments(
    ctx: &Context<'_>,
    attachments: &[crate::post::Attachment],
    out: &Findings,
) -> Vec<ImageFacts> {
    let faces = out.severity("photo.unattested_faces").is_some();
    let logos = out.severity("brand.logo").is_some() && ctx.school.images.has_logos();
    let withdrawn = ctx.school.images.has_withdrawn();
    let one = |a: &crate::post::Attachment| ImageFacts {
        meta: image::meta::read(&a.content),
        pixels: if a.content.is_empty() {
            Err(image::DecodeError::Empty)
        } else {
            let checks = image::Checks {
                faces: faces && !a.people_attested,
                logos,
                withdrawn,
            };
            image::analyse(&a.content, &ctx.school.images, checks)
        },
    };
    if attachments.len() <= 1 {
        return attachments.iter().map(one).collect();
    }
    // Not cached by std: it reads cgroup files on every call, so only ask
    // when there is parallel work to share out.
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(attachments.len());
    if workers <= 1 {
        return attachments.iter().map(one).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<ImageFacts>> = attachments.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(a) = attachments.get(i) else {
                            return done;
                        };
                        done.push((i, one(a)));
                    }
                })
            })
            .collect();
        for h in handles {
            for (i, facts) in h.join().unwrap_or_default() {
                slots[i] = Some(facts);
            }
        }
    });
    slots
        .into_iter()
        .map(|f| {
            f.unwrap_or_else(|| ImageFacts {
                meta: image::meta::Meta::default(),
                pixels: Err(image::DecodeError::Corrupt("the check failed".into())),
            })
        })
        .collect()
}

/// The metadata and pixel checks of one attachment: GPS position, names in
/// metadata text, faces, withdrawn images, logos. Anything that could not
/// be checked becomes `screening.incomplete`.
fn screen_image(
    ctx: &Context<'_>,
    index: usize,
    attachment: &crate::post::Attachment,
    facts: &ImageFacts,
    out: &mut Findings,
    state: &mut PostState,
) {
    let n = index + 1;
    let at = |bbox: Option<PixelBox>, tag: Option<String>| Location::Image {
        attachment: index,
        bbox,
        tag,
        span: None,
    };
    let name = quote(&attachment.filename);
    if attachment.content.is_empty() {
        out.add(
            "screening.incomplete",
            format!("Image {n} ({name}) was sent without its file, so it could not be checked for location data, faces, withdrawn photos or logos."),
            at(None, None),
        );
        return;
    }
    let meta = &facts.meta;
    if let Some(first) = meta.gps.first() {
        let file = if attachment.filename.trim().is_empty() {
            "photo.jpg"
        } else {
            attachment.filename.trim()
        };
        out.add_with_remedy(
            "image.location",
            format!(
                "Image {n} ({name}) carries a GPS position in its metadata ({}).",
                meta.gps.join(", ")
            ),
            Some(format!(
                "Remove the location data and upload the cleaned copy: run `gatepost strip {file} cleaned-{file}`, or use the StripMetadata call; the picture itself is not changed."
            )),
            at(None, Some(first.clone())),
        );
    }
    if let Some(what) = &meta.unreadable {
        out.add(
            "screening.incomplete",
            format!("Image {n} ({name}) could not be fully checked: {what} could not be read, and may hold a GPS position or a pupil's name."),
            at(None, None),
        );
    }
    for t in &meta.texts {
        let place = format!("the {} of image {n}", t.tag);
        let locate = |start, end| Location::Image {
            attachment: index,
            bbox: None,
            tag: Some(t.tag.clone()),
            span: Some((start, end)),
        };
        screen_text(ctx, &t.text, TextKind::Prose, &place, &locate, out, state);
    }
    let pixels = match &facts.pixels {
        Ok(p) => p,
        Err(e) => {
            out.add(
                "screening.incomplete",
                format!("Image {n} ({name}) could not be checked for faces, withdrawn photos or logos: {e}."),
                at(None, None),
            );
            return;
        }
    };
    if let Some(_path) = &pixels.withdrawn {
        out.add(
            "photo.withdrawn",
            format!("Image {n} ({name}) matches a photo the school has withdrawn."),
            at(None, None),
        );
    }
    if !attachment.people_attested {
        let total = pixels.faces.len();
        for (i, face) in pixels.faces.iter().enumerate() {
            let which = if total == 1 {
                String::new()
            } else {
                format!(" (face {} of {total})", i + 1)
            };
            out.add(
                "photo.unattested_faces",
                format!("Image {n} ({name}) shows a person's face{which}."),
                at(Some(*face), None),
            );
        }
    }
    for (path, bbox) in &pixels.logos {
        let logo = std::path::Path::new(path)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.add(
            "brand.logo",
            format!(
                "Image {n} ({name}) shows one of the school's logos ({}).",
                quote(&logo)
            ),
            at(Some(*bbox), None),
        );
    }
}
