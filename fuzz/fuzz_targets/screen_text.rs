//! Normalisation, matching and the whole text screen on arbitrary text:
//! a small structured header picks the school, account and how the rest
//! is split into fields (post text, alt texts, links), so seeds stay
//! readable. Attachments carry no bytes here (`image_*` fuzz the pixels).
//! Checks the report invariants in `common`.

#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use gatepost::{Account, AccountKind, Attachment, Post, Request};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Header {
    /// Even: oakfield; odd: riverside.
    school: u8,
    /// 0 unspecified, 1 official, 2 personal.
    kind: u8,
    /// Which handle (see `HANDLES`).
    handle: u8,
    /// Bit i set: piece i+1 of the text is a link, else an alt text.
    links: u8,
    /// Bit i set: attachment i lists a depicted pupil.
    depicted: u8,
    people_attested: bool,
}

const HANDLES: [(&str, &str); 5] = [
    ("x", "@OakfieldPri"),
    ("facebook", "OakfieldPrimarySchool"),
    ("twitter", "@oakfieldpri"),
    ("instagram", "@msjones"),
    ("", ""),
];
const IDS: [&str; 4] = ["P0001", "P0002", "P9999", " P0003 "];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(h) = Header::arbitrary(&mut u) else {
        return;
    };
    let rest = String::from_utf8_lossy(u.take_rest());
    let mut pieces = rest.split('\u{1f}');
    let text = pieces.next().unwrap_or_default().to_string();
    common::check_folding(&text);

    let mut links = Vec::new();
    let mut attachments = Vec::new();
    for (i, piece) in pieces.take(8).enumerate() {
        if h.links & (1 << i) != 0 {
            links.push(piece.to_string());
        } else {
            let n = attachments.len();
            attachments.push(Attachment {
                filename: format!("photo{n}.jpg"),
                media_type: "image/jpeg".into(),
                content: Vec::new(),
                alt_text: piece.to_string(),
                depicted_pupil_ids: if h.depicted & (1 << n) != 0 {
                    vec![IDS[n % IDS.len()].to_string()]
                } else {
                    Vec::new()
                },
                people_attested: h.people_attested,
            });
        }
    }
    let (platform, handle) = HANDLES[h.handle as usize % HANDLES.len()];
    let request = Request {
        school_id: if h.school % 2 == 0 {
            "oakfield"
        } else {
            "riverside"
        }
        .into(),
        account: Account {
            platform: platform.into(),
            handle: handle.into(),
            kind: match h.kind % 3 {
                0 => AccountKind::Unspecified,
                1 => AccountKind::Official,
                _ => AccountKind::Personal,
            },
        },
        post: Post {
            id: "fuzz".into(),
            text,
            links,
            attachments,
        },
    };
    let report = gatepost::screen(common::snapshot(), &request, common::options())
        .expect("both schools are in the demo pack");
    common::check_report(&request, &report);
});
