//! Helpers shared by the integration tests: a small pack written to a
//! temporary directory, and shorthand for screening a post.

use std::{fs, path::Path};

use gatepost::{
    Account, AccountKind, Attachment, Date, Options, Pack, Post, Report, Request, Snapshot, screen,
};

/// The roster of the test school: one pupil per name form the tests need.
pub(crate) const ROSTER: &str = "\
pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding
P01,Amelia,,,Jones,Year 6,yes,yes,,no
P02,Oliver,,,O'Brien,Year 4,no,no,,no
P03,Aaliyah,,,Okafor-Williams,Year 5,no,no,,no
P04,Zoë,,,Nguyễn,Year 2,no,no,,no
P05,Łukasz,,,Kowalski,Year 3,n,N,,0
P06,Summer,,,Day,Year 1,no,no,,no
P07,Hope,,,Field,Year 1,no,no,,no
P08,Margaret,Maggie,Rose,Thompson,Year 6,no,no,,no
P09,Jan,,,van der Berg,Year 5,no,no,,no
P10,Wei,,,Chen,Year 3,no,no,,no
P11,Siobhán,,,Ní Bhriain,Year 4,no,no,,no
P12,Mohammed,,,Al-Hassan,Year 6,no,no,,no
P13,Kai,,,Turner,Year 2,yes,yes,,yes
P14,Ella,,,Watson,Year 3,yes,yes,2024-07-31,no
P15,Noah,,,Smith,Year 5,Y,TRUE,2030-01-01,FALSE
P16,Isla,,,Brown,Year 4,yes,no,,no
P17,Grace,,,Hill,Year 2,no,no,,no
P18,José María,,,García López,Year 6,no,no,,no
P19,Tomás,,Seán Pádraig,Ó Súilleabháin,Year 5,no,no,,no
P20,Björn,,,Øvergaard,Year 4,no,no,,no
";

/// The second school: its pupils must never be found in the first's posts.
pub(crate) const OTHER_ROSTER: &str = "\
pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding
Q01,Freya,,,Jackson,Year 6,no,no,,no
Q02,Oliver,,,Jones,Year 6,no,no,,no
";

pub(crate) const SCHOOL_TOML: &str = r##"
name = "Oakfield Primary School"
aliases = ["Oakfield Primary", "OPS"]
slogans = ["Learning together, growing together"]
hashtags = ["#OakfieldProud"]
website_domains = ["oakfield.sch.uk"]
allowed_link_domains = ["gov.uk", "bbc.co.uk"]
blocked_link_domains = ["example-bad.com"]
disclaimer_phrases = ["views are my own", "views my own"]
phone_numbers = ["01632 960000", "07700 900999"]
addresses = ["1 School Lane, Oakfield OX1 2AB"]
[[official_accounts]]
platform = "x"
handle = "@OakfieldPri"
"##;

const OTHER_TOML: &str = r#"
name = "Riverside Academy"
"#;

/// Writes the test pack into `dir`.
pub(crate) fn write_pack(dir: &Path) {
    let school = dir.join("schools/test");
    fs::create_dir_all(&school).unwrap();
    fs::write(school.join("school.toml"), SCHOOL_TOML).unwrap();
    fs::write(school.join("roster.csv"), ROSTER).unwrap();
    let other = dir.join("schools/other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("school.toml"), OTHER_TOML).unwrap();
    fs::write(other.join("roster.csv"), OTHER_ROSTER).unwrap();
}

/// The compiled test pack, built once.
pub(crate) fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        write_pack(dir.path());
        let pack = Pack::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        Snapshot::build(&pack).unwrap()
    })
}

/// The date the tests judge consent on.
pub(crate) fn today() -> Date {
    Date::new(2026, 11, 21).unwrap()
}

/// How a test post is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Official,
    Personal,
    /// Kind unspecified, handle is the official one.
    OfficialHandle,
    /// Kind unspecified, some other handle.
    OtherHandle,
}

pub(crate) fn request(via: Via, text: &str) -> Request {
    let (kind, handle) = match via {
        Via::Official => (AccountKind::Official, "@OakfieldPri"),
        Via::Personal => (AccountKind::Personal, "@msjones"),
        Via::OfficialHandle => (AccountKind::Unspecified, "@oakfieldpri"),
        Via::OtherHandle => (AccountKind::Unspecified, "@OakfieldPTA"),
    };
    Request {
        school_id: "test".into(),
        account: Account {
            platform: "x".into(),
            handle: handle.into(),
            kind,
        },
        post: Post {
            id: "t".into(),
            text: text.into(),
            ..Post::default()
        },
    }
}

pub(crate) fn screen_request(request: &Request) -> Report {
    screen(snapshot(), request, Options { today: today() }).unwrap()
}

/// An attachment without image bytes (the image checks fail closed on it,
/// which the tests that use it expect).
pub(crate) fn attachment(depicted: &[&str]) -> Attachment {
    Attachment {
        filename: "photo.jpg".into(),
        media_type: "image/jpeg".into(),
        alt_text: String::new(),
        depicted_pupil_ids: depicted.iter().map(|s| s.to_string()).collect(),
        people_attested: true,
        content: Vec::new(),
    }
}

/// The findings of a report as (rule id, the text they point at), sorted.
pub(crate) fn found(request: &Request, report: &Report) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            let at = match &f.location {
                gatepost::Location::Text { field, start, end } => {
                    let text = match field {
                        gatepost::Field::Text => &request.post.text,
                        gatepost::Field::AltText { index } => {
                            &request.post.attachments[*index].alt_text
                        }
                        gatepost::Field::Link { index } => &request.post.links[*index],
                    };
                    text[*start..*end].to_string()
                }
                _ => String::new(),
            };
            (f.rule_id.to_string(), at)
        })
        .collect();
    out.sort();
    out
}
