//! Table-driven tests of every text rule: name surface forms, consents,
//! evasions, look-alike words, contacts, links, brand and disclaimers, on
//! official and personal accounts. Each table row is (account, post text,
//! expected findings as (rule id, the exact text highlighted)).

use super::util::{Via, attachment, found, request, screen_request, today};
use gatepost::{Options, Pack, Report, Request, Severity, Snapshot, Verdict, screen};

type Row = (Via, &'static str, &'static [(&'static str, &'static str)]);

fn check_table(name: &str, rows: &[Row]) {
    check_table_with(name, rows, screen_request);
}

fn check_table_with(name: &str, rows: &[Row], screen_request: fn(&Request) -> Report) {
    let mut failures = Vec::new();
    for (via, text, expected) in rows {
        let req = request(*via, text);
        let report = screen_request(&req);
        let got = found(&req, &report);
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(r, t)| (r.to_string(), t.to_string()))
            .collect();
        want.sort();
        if got != want {
            failures.push(format!(
                "{via:?} {text:?}\n    want {want:?}\n    got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

const FULL: &str = "pupil.full_name";

/// Every surface form of a name the roster holds.
const NAMES: &[Row] = &[
    (
        Via::Official,
        "Well done Oliver O'Brien!",
        &[(FULL, "Oliver O'Brien")],
    ),
    (
        Via::Official,
        "Well done Oliver O’Brien!",
        &[(FULL, "Oliver O’Brien")],
    ),
    (
        Via::Official,
        "WELL DONE OLIVER O'BRIEN",
        &[(FULL, "OLIVER O'BRIEN")],
    ),
    (
        Via::Official,
        "well done oliver obrien",
        &[(FULL, "oliver obrien")],
    ),
    (
        Via::Official,
        "well done oliver o brien",
        &[(FULL, "oliver o brien")],
    ),
    (
        Via::Official,
        "Results: O'Brien, Oliver (Y4)",
        &[(FULL, "O'Brien, Oliver")],
    ),
    (
        Via::Official,
        "O'BRIEN Oliver won",
        &[(FULL, "O'BRIEN Oliver")],
    ),
    (
        Via::Official,
        "Oliver O'Brien's painting",
        &[(FULL, "Oliver O'Brien")],
    ),
    // Flags and emoji touching a name are not letters of it.
    (
        Via::Official,
        "Congratulations to \u{1f1ec}\u{1f1e7}Oliver O'Brien\u{1f1ec}\u{1f1e7} and \u{1f170}\u{fe0f}Amelia Jones\u{1f3c5}!",
        &[(FULL, "Oliver O'Brien"), ("pupil.named", "Amelia Jones")],
    ),
    (
        Via::Official,
        "Oliver O'Brien’s painting",
        &[(FULL, "Oliver O'Brien")],
    ),
    (
        Via::Official,
        "Go #OliverOBrien!",
        &[(FULL, "OliverOBrien")],
    ),
    (
        Via::Official,
        "Star: Oliver\nO'Brien",
        &[(FULL, "Oliver\nO'Brien")],
    ),
    (
        Via::Official,
        "Oliver  \t O'Brien",
        &[(FULL, "Oliver  \t O'Brien")],
    ),
    (
        Via::Official,
        "Oli\u{200b}ver O'Brien",
        &[(FULL, "Oli\u{200b}ver O'Brien")],
    ),
    (
        Via::Official,
        "\u{041e}liver O'Brien",
        &[(FULL, "\u{041e}liver O'Brien")],
    ),
    (
        Via::Official,
        "Ｏｌｉｖｅｒ Ｏ'Ｂｒｉｅｎ",
        &[(FULL, "Ｏｌｉｖｅｒ Ｏ'Ｂｒｉｅｎ")],
    ),
    (
        Via::Official,
        "Aaliyah Okafor-Williams",
        &[(FULL, "Aaliyah Okafor-Williams")],
    ),
    (
        Via::Official,
        "Aaliyah Okafor Williams",
        &[(FULL, "Aaliyah Okafor Williams")],
    ),
    (
        Via::Official,
        "Aaliyah Okafor–Williams",
        &[(FULL, "Aaliyah Okafor–Williams")],
    ),
    (
        Via::Official,
        "#AaliyahOkaforWilliams",
        &[(FULL, "AaliyahOkaforWilliams")],
    ),
    (Via::Official, "Zoe Nguyen sang", &[(FULL, "Zoe Nguyen")]),
    (Via::Official, "ZOË NGUYỄN sang", &[(FULL, "ZOË NGUYỄN")]),
    (
        Via::Official,
        "Zoe\u{0308} Nguyen sang",
        &[(FULL, "Zoe\u{0308} Nguyen")],
    ),
    (
        Via::Official,
        "Lukasz Kowalski scored",
        &[(FULL, "Lukasz Kowalski")],
    ),
    (
        Via::Official,
        "Łukasz Kowalski scored",
        &[(FULL, "Łukasz Kowalski")],
    ),
    (
        Via::Official,
        "Bjorn Overgaard scored",
        &[(FULL, "Bjorn Overgaard")],
    ),
    (
        Via::Official,
        "Maggie Thompson read",
        &[(FULL, "Maggie Thompson")],
    ),
    (
        Via::Official,
        "Margaret Thompson read",
        &[(FULL, "Margaret Thompson")],
    ),
    (
        Via::Official,
        "Margaret Rose Thompson read",
        &[(FULL, "Margaret Rose Thompson")],
    ),
    (
        Via::Official,
        "Margaret R. Thompson read",
        &[(FULL, "Margaret R. Thompson")],
    ),
    (
        Via::Official,
        "Margaret R Thompson read",
        &[(FULL, "Margaret R Thompson")],
    ),
    (
        Via::Official,
        "Margaret \"Maggie\" Thompson",
        &[(FULL, "Margaret \"Maggie\" Thompson")],
    ),
    (
        Via::Official,
        "Thompson, Maggie",
        &[(FULL, "Thompson, Maggie")],
    ),
    (
        Via::Official,
        "Jan van der Berg",
        &[(FULL, "Jan van der Berg")],
    ),
    (
        Via::Official,
        "JAN VAN DER BERG",
        &[(FULL, "JAN VAN DER BERG")],
    ),
    (Via::Official, "Jan Vanderberg", &[(FULL, "Jan Vanderberg")]),
    (Via::Official, "Chen Wei won", &[(FULL, "Chen Wei")]),
    (Via::Official, "Wei Chen won", &[(FULL, "Wei Chen")]),
    (
        Via::Official,
        "Siobhan Ni Bhriain",
        &[(FULL, "Siobhan Ni Bhriain")],
    ),
    (
        Via::Official,
        "Mohammed Al-Hassan",
        &[(FULL, "Mohammed Al-Hassan")],
    ),
    (
        Via::Official,
        "Mohammed Al Hassan",
        &[(FULL, "Mohammed Al Hassan")],
    ),
    (
        Via::Official,
        "Mohammed Alhassan",
        &[(FULL, "Mohammed Alhassan")],
    ),
    (
        Via::Official,
        "José María García López",
        &[(FULL, "José María García López")],
    ),
    (
        Via::Official,
        "Jose Maria Garcia-Lopez",
        &[(FULL, "Jose Maria Garcia-Lopez")],
    ),
    (
        Via::Official,
        "Tomás Ó Súilleabháin",
        &[(FULL, "Tomás Ó Súilleabháin")],
    ),
    (
        Via::Official,
        "Tomas S. P. O Suilleabhain",
        &[(FULL, "Tomas S. P. O Suilleabhain")],
    ),
    (
        Via::Official,
        "Tomás Seán Pádraig Ó Súilleabháin",
        &[(FULL, "Tomás Seán Pádraig Ó Súilleabháin")],
    ),
    (
        Via::Official,
        "See oakfield.sch.uk/news/oliver-obrien-wins",
        &[(FULL, "oliver-obrien")],
    ),
    (Via::Official, "Summer Day won", &[(FULL, "Summer Day")]),
    (Via::Official, "SUMMER DAY won", &[(FULL, "SUMMER DAY")]),
    (Via::Official, "#SummerDay", &[(FULL, "SummerDay")]),
    (
        Via::Official,
        "Hope Field and Grace Hill",
        &[(FULL, "Hope Field"), (FULL, "Grace Hill")],
    ),
];

/// Text that must not be read as a pupil's full name.
const NOT_NAMES: &[Row] = &[
    (Via::Official, "Oliver won the race", &[]),
    (Via::Official, "Mrs O'Brien ran the stall", &[]),
    (Via::Official, "Oliver and Jack O'Brien", &[]),
    (Via::Official, "Oliverio O'Brienne", &[]),
    (Via::Official, "a lovely summer day out", &[]),
    (Via::Official, "Summer day trips are back", &[]),
    (Via::Official, "#summerday", &[]),
    (Via::Official, "we hope field trips resume", &[]),
    (Via::Official, "by the grace hill walkers", &[]),
    (Via::Official, "Freya Jackson won", &[]),
    (Via::Official, "Oliver Jones won", &[]),
    (Via::Official, "Jones and Oliver", &[]),
    (Via::Official, "Wei, Chen", &[]),
];

/// A second school whose pupils' names are written in several ways in
/// real posts. None has name consent.
const WORLD_ROSTER: &str = "\
pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding
W01,Liam,,,O'Neill,Year 3,no,no,,no
W02,Ewan,,,McDonald,Year 3,no,no,,no
W03,Martin,,,Ødegaard,Year 3,no,no,,no
W04,Lena,,,Müller,Year 3,no,no,,no
W05,Grace,,,Hope,Year 3,no,no,,no
W06,Seán,,,Ó Briain,Year 3,no,no,,no
W07,Jürgen,,,Weber,Year 3,no,no,,no
";

fn screen_world(request: &Request) -> Report {
    static SNAPSHOT: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    let snapshot = SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let school = dir.path().join("schools/test");
        std::fs::create_dir_all(&school).unwrap();
        std::fs::write(school.join("school.toml"), "name = \"World Primary\"\n").unwrap();
        std::fs::write(school.join("roster.csv"), WORLD_ROSTER).unwrap();
        let pack = Pack::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        Snapshot::build(&pack).unwrap()
    });
    screen(snapshot, request, Options { today: today() }).unwrap()
}

/// How people really write names: a split "Mc", the apostrophe form of an
/// Irish "Ó", German and Scandinavian letters as two (Müller as Mueller,
/// Ødegaard as Oedegaard), camel-case hashtags, handles with underscores and
/// dots, and a sentence that ends between two names that happen to be a
/// pupil's.
const WORLD_NAMES: &[Row] = &[
    (Via::Official, "Ewan McDonald", &[(FULL, "Ewan McDonald")]),
    (Via::Official, "Ewan Mc Donald", &[(FULL, "Ewan Mc Donald")]),
    (Via::Official, "EWAN MC DONALD", &[(FULL, "EWAN MC DONALD")]),
    (Via::Official, "Ewan Mcdonald", &[(FULL, "Ewan Mcdonald")]),
    (
        Via::Official,
        "Martin Oedegaard scored",
        &[(FULL, "Martin Oedegaard")],
    ),
    (
        Via::Official,
        "Martin Odegaard scored",
        &[(FULL, "Martin Odegaard")],
    ),
    (
        Via::Official,
        "Lena Mueller read",
        &[(FULL, "Lena Mueller")],
    ),
    (
        Via::Official,
        "LENA MUELLER read",
        &[(FULL, "LENA MUELLER")],
    ),
    (Via::Official, "Lena Müller read", &[(FULL, "Lena Müller")]),
    (Via::Official, "Lena Muller read", &[(FULL, "Lena Muller")]),
    (Via::Official, "Mueller, Lena", &[(FULL, "Mueller, Lena")]),
    (Via::Official, "#LenaMueller", &[(FULL, "LenaMueller")]),
    (Via::Official, "Juergen Weber", &[(FULL, "Juergen Weber")]),
    (Via::Official, "Sean O'Briain", &[(FULL, "Sean O'Briain")]),
    (Via::Official, "Seán O’Briain", &[(FULL, "Seán O’Briain")]),
    (Via::Official, "Seán Ó Briain", &[(FULL, "Seán Ó Briain")]),
    (
        Via::Official,
        "Follow @sean_o_briain",
        &[(FULL, "sean_o_briain")],
    ),
    (
        Via::Official,
        "Follow sean.o.briain!",
        &[(FULL, "sean.o.briain")],
    ),
    (
        Via::Official,
        "#WellDoneLiamONeill",
        &[(FULL, "LiamONeill")],
    ),
    (
        Via::Official,
        "#LiamONeill2024 #proud",
        &[(FULL, "LiamONeill")],
    ),
    (
        Via::Official,
        "#TeamLiamONeillRocks",
        &[(FULL, "LiamONeill")],
    ),
    (Via::Official, "Grace Hope sang.", &[(FULL, "Grace Hope")]),
    (Via::Official, "Hope, Grace", &[(FULL, "Hope, Grace")]),
];

const WORLD_NOT_NAMES: &[Row] = &[
    (Via::Official, "Amazing Grace. Hope you enjoyed it!", &[]),
    (Via::Official, "Sang Amazing Grace.\nHope to see you", &[]),
    (Via::Official, "Thanks Liam. O'Neill's mum baked", &[]),
    (Via::Official, "#williamoneillish", &[]),
    (Via::Official, "#WilliamONeill", &[]),
    (Via::Official, "Ewan Mac Donald", &[]),
];

#[test]
fn world_name_forms() {
    check_table_with("WORLD_NAMES", WORLD_NAMES, screen_world);
    check_table_with("WORLD_NOT_NAMES", WORLD_NOT_NAMES, screen_world);
}

/// Consent, expiry and safeguarding, on each kind of account.
const CONSENT: &[Row] = &[
    (
        Via::Official,
        "Amelia Jones read",
        &[("pupil.named", "Amelia Jones")],
    ),
    (
        Via::Personal,
        "Amelia Jones read",
        &[("pupil.named", "Amelia Jones")],
    ),
    (
        Via::OfficialHandle,
        "Amelia Jones read",
        &[("pupil.named", "Amelia Jones")],
    ),
    (
        Via::OtherHandle,
        "Amelia Jones read",
        &[("pupil.named", "Amelia Jones")],
    ),
    (
        Via::Official,
        "Kai Turner read",
        &[("pupil.safeguarding", "Kai Turner")],
    ),
    (Via::Official, "Ella Watson read", &[(FULL, "Ella Watson")]),
    (
        Via::Official,
        "Noah Smith read",
        &[("pupil.named", "Noah Smith")],
    ),
    (
        Via::Personal,
        "Noah Smith read",
        &[("pupil.named", "Noah Smith")],
    ),
];

#[test]
fn name_forms() {
    check_table("NAMES", NAMES);
}

#[test]
fn not_names() {
    check_table("NOT_NAMES", NOT_NAMES);
}

#[test]
fn consent() {
    check_table("CONSENT", CONSENT);
}

#[test]
fn named_with_consent_is_info_on_official_and_block_on_personal() {
    let official = screen_request(&request(Via::Official, "Amelia Jones read"));
    assert_eq!(official.verdict, Verdict::Approve);
    assert_eq!(official.findings[0].severity, Severity::Info);
    for via in [Via::Personal, Via::OtherHandle] {
        let personal = screen_request(&request(via, "Amelia Jones read"));
        assert_eq!(personal.verdict, Verdict::Reject, "{via:?}");
    }
    let resolved = screen_request(&request(Via::OfficialHandle, "Amelia Jones read"));
    assert_eq!(resolved.verdict, Verdict::Approve);
}

#[test]
fn photo_consent_applies_to_named_and_depicted_pupils() {
    // Isla Brown may be named but not photographed.
    let mut req = request(Via::Official, "Isla Brown at sports day");
    req.post.attachments.push(attachment(&[]));
    let got = found(&req, &screen_request(&req));
    assert!(
        got.contains(&("photo.no_consent".into(), "Isla Brown".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("pupil.named".into(), "Isla Brown".into())),
        "{got:?}"
    );

    let mut req = request(Via::Official, "Sports day");
    req.post
        .attachments
        .push(attachment(&["P16", "P01", "P13", "P999"]));
    let report = screen_request(&req);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id).collect();
    let count = |id| rules.iter().filter(|r| **r == id).count();
    // P16: no photo consent; P999: not on the roster; P13: safeguarding.
    assert_eq!(count("photo.no_consent"), 2, "{rules:?}");
    assert_eq!(count("pupil.safeguarding"), 1, "{rules:?}");
    assert_eq!(report.verdict, Verdict::Reject);
    let unknown = report
        .findings
        .iter()
        .find(|f| f.reason.contains("P999"))
        .expect("unknown id named");
    assert!(unknown.reason.contains("not on the school's roster"));
}

#[test]
fn reasons_do_not_reveal_roster_data() {
    let req = request(Via::Official, "Well done Maggie Thompson!");
    let report = screen_request(&req);
    for f in &report.findings {
        for secret in ["Margaret", "Rose", "P08", "Year 6"] {
            assert!(!f.reason.contains(secret), "{secret} in {}", f.reason);
            assert!(!f.remedy.contains(secret), "{secret} in {}", f.remedy);
        }
    }
}

const PROF: &str = "language.profanity";
const DISC: &str = "language.discriminatory";

/// Deliberate evasions of lexicon terms.
const EVASIONS: &[Row] = &[
    (Via::Official, "what the fuck", &[(PROF, "fuck")]),
    (Via::Official, "what the FUCK", &[(PROF, "FUCK")]),
    (Via::Official, "what the f*ck", &[(PROF, "f*ck")]),
    (Via::Official, "what the f**k", &[(PROF, "f**k")]),
    (Via::Official, "what the f#ck", &[(PROF, "f#ck")]),
    (Via::Official, "what the fvck", &[(PROF, "fvck")]),
    (Via::Official, "what the f u c k", &[(PROF, "f u c k")]),
    (Via::Official, "what the f.u.c.k", &[(PROF, "f.u.c.k")]),
    (Via::Official, "what the f-u-c-k", &[(PROF, "f-u-c-k")]),
    (Via::Official, "what the fuuuuuck", &[(PROF, "fuuuuuck")]),
    (Via::Official, "what the ｆｕｃｋ", &[(PROF, "ｆｕｃｋ")]),
    (
        Via::Official,
        "what the fu\u{200b}ck",
        &[(PROF, "fu\u{200b}ck")],
    ),
    (
        Via::Official,
        "what the fu\u{00ad}ck",
        &[(PROF, "fu\u{00ad}ck")],
    ),
    (
        Via::Official,
        "what the fu\u{0441}k",
        &[(PROF, "fu\u{0441}k")],
    ),
    (
        Via::Official,
        "\u{0455}\u{04bb}it happens",
        &[(PROF, "\u{0455}\u{04bb}it")],
    ),
    (Via::Official, "f*cking chaos", &[(PROF, "f*cking")]),
    (
        Via::Official,
        "absolute motherfucker",
        &[(PROF, "motherfucker")],
    ),
    (Via::Official, "total bullshit", &[(PROF, "bullshit")]),
    (Via::Official, "5h1t happens", &[(PROF, "5h1t")]),
    (Via::Official, "sh1t happens", &[(PROF, "sh1t")]),
    (Via::Official, "$hit happens", &[(PROF, "$hit")]),
    (Via::Official, "sh!t happens", &[(PROF, "sh!t")]),
    (Via::Official, "shit! happens", &[(PROF, "shit")]),
    (Via::Official, "you w@nker", &[(PROF, "w@nker")]),
    // A stand-in that reads as the wrong letter is a mask ("f@ck" is not "fack").
    (Via::Official, "what the f@ck", &[(PROF, "f@ck")]),
    (Via::Official, "F@CK this", &[(PROF, "F@CK")]),
    (Via::Official, "what the f0ck", &[(PROF, "f0ck")]),
    (Via::Official, "f@cking chaos", &[(PROF, "f@cking")]),
    (Via::Official, "you wankers", &[(PROF, "wankers")]),
    (Via::Official, "what a c*nt", &[(PROF, "c*nt")]),
    (Via::Official, "what the f%ck", &[(PROF, "f%ck")]),
    (
        Via::Official,
        "what the f\u{1f92c}ck",
        &[(PROF, "f\u{1f92c}ck")],
    ),
    (Via::Official, "what the fück", &[(PROF, "fück")]),
    (Via::Official, "what the phuck", &[(PROF, "phuck")]),
    (Via::Official, "F.U.C.K.", &[(PROF, "F.U.C.K")]),
    (Via::Official, "motherf*cker", &[(PROF, "motherf*cker")]),
    // Cyrillic letters that look Latin only as capitals, in either case.
    (
        Via::Official,
        "\u{0405}\u{041d}\u{0406}\u{0422} HAPPENS",
        &[(PROF, "\u{0405}\u{041d}\u{0406}\u{0422}")],
    ),
    (
        Via::Official,
        "S\u{041d}I\u{0422} happens",
        &[(PROF, "S\u{041d}I\u{0422}")],
    ),
    // Small capitals and letter symbols without a decomposition.
    (Via::Official, "ꜰᴜᴄᴋ this", &[(PROF, "ꜰᴜᴄᴋ")]),
    (Via::Official, "🅵🆄🅲🅺 this", &[(PROF, "🅵🆄🅲🅺")]),
    (Via::Official, "🇫 🇺 🇨 🇰 this", &[(PROF, "🇫 🇺 🇨 🇰")]),
    // Symbols between single letters.
    (Via::Official, "what the f*u*c*k", &[(PROF, "f*u*c*k")]),
    (
        Via::Official,
        "what the f🙂u🙂c🙂k",
        &[(PROF, "f🙂u🙂c🙂k")],
    ),
    (Via::Official, "s💥h💥i💥t happens", &[(PROF, "s💥h💥i💥t")]),
    // Leet 6 for g, and q for g.
    (Via::Official, "n166er", &[(DISC, "n166er")]),
    (Via::Official, "niqqer", &[(DISC, "niqqer")]),
    // Stars hide the word: the one whose letters they fit, then profanity.
    (Via::Official, "what a c**k", &[(PROF, "c**k")]),
    (Via::Official, "s**t happens", &[(PROF, "s**t")]),
    (Via::Official, "you w****r", &[(PROF, "w****r")]),
    (Via::Official, "go home p*ki", &[(DISC, "p*ki")]),
    (Via::Official, "ch*nk", &[(DISC, "ch*nk")]),
    // A phrase's words joined by a hyphen or spaced alike.
    (Via::Official, "you batty-boy", &[(DISC, "batty-boy")]),
    (Via::Official, "a bum-chum", &[(DISC, "bum-chum")]),
];

/// Ordinary words and places that contain or resemble a term.
const SCUNTHORPE: &[Row] = &[
    (Via::Official, "Away at Scunthorpe today", &[]),
    (Via::Official, "Our teaching assistant, Mrs Shah", &[]),
    (Via::Official, "The class of 2026", &[]),
    (Via::Official, "Penistone Grammar School", &[]),
    (Via::Official, "Mocktails not cocktails", &[]),
    (Via::Official, "Reading Dickens in Year 6", &[]),
    (Via::Official, "The speech therapist visits", &[]),
    (Via::Official, "Grape juice and analysis", &[]),
    (Via::Official, "Trip to Sussex, Essex and Middlesex", &[]),
    (Via::Official, "Cumulus clouds", &[]),
    (Via::Official, "Shiitake mushrooms", &[]),
    (Via::Official, "A document from the specialist", &[]),
    (Via::Official, "Press the button", &[]),
    (
        Via::Official,
        "Peacock feathers and the Hancock museum",
        &[],
    ),
    (Via::Official, "Assassin's Creed and the bass guitar", &[]),
    (Via::Official, "Titanic passage", &[]),
    (Via::Official, "Arsenal won, as expected", &[]),
    (Via::Official, "A55 closed at junction 11", &[]),
    (Via::Official, "Trip to Peru", &[]),
    (Via::Official, "Classic shitake? No: shiitake.", &[]),
    (Via::Official, "Cockermouth and Cockfosters", &[]),
    (Via::Official, "We saw a blue tit and a great tit", &[]),
    (Via::Official, "Sunny, as usual", &[]),
    (Via::Official, "Room 101 at 3pm", &[]),
    (Via::Official, "I a m so proud", &[]),
    (Via::Official, "Who? What? Co? R&D, M&S and B&Q", &[]),
    (Via::Official, "don't, won't, well-known, e.g. this", &[]),
    (Via::Official, "Shitsu puppy visit", &[]),
    (Via::Official, "Grades: A*A*A, A*AB and 9-7 at GCSE", &[]),
    (Via::Official, "6th form, Y6 and 6A at 6pm", &[]),
    (Via::Official, "B4ck to sch00l, R2D2 and C3PO", &[]),
    (Via::Official, "Meet at 10@the hall, j@ne", &[]),
];

#[test]
fn evasions() {
    check_table("EVASIONS", EVASIONS);
}

#[test]
fn scunthorpe() {
    check_table("SCUNTHORPE", SCUNTHORPE);
}

#[test]
fn discriminatory_and_insult_terms() {
    for (text, rule, verdict) in [
        ("you retard", "language.discriminatory", Verdict::Reject),
        ("go home paki", "language.discriminatory", Verdict::Reject),
        ("you idiot", "language.insult", Verdict::Review),
        ("what a muppet", "language.insult", Verdict::Review),
    ] {
        let report = screen_request(&request(Via::Official, text));
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id).collect();
        assert_eq!(rules, [rule], "{text}");
        assert_eq!(report.verdict, verdict, "{text}");
    }
}

const CONTACT: &str = "contact.personal";

const CONTACTS: &[Row] = &[
    (
        Via::Official,
        "Call Mr Jones on 07700 900123",
        &[(CONTACT, "07700 900123")],
    ),
    (
        Via::Official,
        "Call +44 (0)7700 900123",
        &[(CONTACT, "+44 (0)7700 900123")],
    ),
    (
        Via::Official,
        "Call +447700900123.",
        &[(CONTACT, "+447700900123")],
    ),
    (
        Via::Personal,
        "Call me on 07700 900123",
        &[(CONTACT, "07700 900123")],
    ),
    (Via::Official, "Call the office on 01632 960000", &[]),
    (Via::Official, "Trips mobile: 07700 900999", &[]),
    (
        Via::Official,
        "Email jo.bloggs@gmail.com",
        &[(CONTACT, "jo.bloggs@gmail.com")],
    ),
    (
        Via::Official,
        "Email jo@hotmail.co.uk today",
        &[(CONTACT, "jo@hotmail.co.uk")],
    ),
    (Via::Official, "Email office@oakfield.sch.uk", &[]),
    (
        Via::Official,
        "Email jo at gmail.com please",
        &[(CONTACT, "jo at gmail.com")],
    ),
    (
        Via::Official,
        "Meet at the gate at 3pm. Details at bbc.co.uk",
        &[],
    ),
    (
        Via::Official,
        "Party at 14 Acacia Avenue, Oxford OX4 1AA!",
        &[(CONTACT, "14 Acacia Avenue, Oxford OX4 1AA")],
    ),
    (
        Via::Official,
        "Find us at 1 School Lane, Oakfield OX1 2AB",
        &[],
    ),
];

#[test]
fn contacts() {
    check_table("CONTACTS", CONTACTS);
    let official = screen_request(&request(Via::Official, "ring 07700 900123"));
    let personal = screen_request(&request(Via::Personal, "ring 07700 900123"));
    assert_eq!(official.verdict, Verdict::Reject);
    assert_eq!(personal.verdict, Verdict::Review);
}

const LINKS: &[Row] = &[
    (Via::Official, "See https://www.bbc.co.uk/news", &[]),
    (Via::Official, "See https://www.gov.uk/school-holidays", &[]),
    (Via::Official, "See https://oakfield.sch.uk/letters", &[]),
    (
        Via::Official,
        "See https://tiktok.com/@x",
        &[("link.unlisted", "https://tiktok.com/@x")],
    ),
    (
        Via::Official,
        "See www.example.org.",
        &[("link.unlisted", "www.example.org")],
    ),
    (Via::Personal, "See https://tiktok.com/@x", &[]),
    (
        Via::Official,
        "See https://example-bad.com/a",
        &[("link.blocked", "https://example-bad.com/a")],
    ),
    (
        Via::Personal,
        "See http://cdn.example-bad.com",
        &[("link.blocked", "http://cdn.example-bad.com")],
    ),
    (
        Via::Official,
        "See https://bbc.co.uk.evil.example.com",
        &[("link.unlisted", "https://bbc.co.uk.evil.example.com")],
    ),
];

#[test]
fn links() {
    check_table("LINKS", LINKS);
    let mut req = request(Via::Official, "Newsletter");
    req.post.links = vec![
        "https://www.bbc.co.uk/sport".into(),
        "https://example.net/x".into(),
        "example-bad.com".into(),
    ];
    let report = screen_request(&req);
    let got = found(&req, &report);
    assert_eq!(
        got,
        [
            ("link.blocked".to_string(), "example-bad.com".to_string()),
            (
                "link.unlisted".to_string(),
                "https://example.net/x".to_string()
            ),
        ]
    );
}

const BRAND: &[Row] = &[
    (Via::Official, "Proud day #OakfieldProud", &[]),
    (
        Via::Personal,
        "Proud day #OakfieldProud",
        &[("brand.slogan", "#OakfieldProud")],
    ),
    (
        Via::Personal,
        "proud day #oakfieldproud",
        &[("brand.slogan", "#oakfieldproud")],
    ),
    (
        Via::Personal,
        "Learning together, growing together!",
        &[("brand.slogan", "Learning together, growing together")],
    ),
    (
        Via::Personal,
        "Learning together growing together",
        &[("brand.slogan", "Learning together growing together")],
    ),
    (
        Via::Personal,
        "Great play at Oakfield Primary today",
        &[("personal.no_disclaimer", "Oakfield Primary")],
    ),
    (
        Via::Personal,
        "Great play at OAKFIELD PRIMARY SCHOOL today",
        &[("personal.no_disclaimer", "OAKFIELD PRIMARY SCHOOL")],
    ),
    (
        Via::Personal,
        "Great play at Oakfield Primary today. Views are my own.",
        &[],
    ),
    (Via::Personal, "Great play at OPS today (views my own)", &[]),
    (Via::Official, "Great play at Oakfield Primary today", &[]),
    (
        Via::Personal,
        "Oops, photo ops",
        &[("personal.no_disclaimer", "ops")],
    ),
];

#[test]
fn brand_and_disclaimers() {
    check_table("BRAND", BRAND);
}

#[test]
fn alt_text_and_links_are_screened_too() {
    let mut req = request(Via::Official, "Sports day");
    let mut a = attachment(&[]);
    a.alt_text = "Oliver O'Brien crossing the line".into();
    req.post.attachments.push(a);
    req.post
        .links
        .push("https://oakfield.sch.uk/news/zoe-nguyen".into());
    let report = screen_request(&req);
    let got = found(&req, &report);
    assert!(
        got.contains(&(FULL.into(), "Oliver O'Brien".into())),
        "{got:?}"
    );
    assert!(got.contains(&(FULL.into(), "zoe-nguyen".into())), "{got:?}");
    let alt = report
        .findings
        .iter()
        .find(|f| f.rule_id == FULL && f.reason.contains("alt text"))
        .expect("alt text named in reason");
    assert!(matches!(
        alt.location,
        gatepost::Location::Text {
            field: gatepost::Field::AltText { index: 0 },
            ..
        }
    ));
}

#[test]
fn every_reason_names_the_policy_and_a_remedy() {
    let req = request(
        Via::Personal,
        "Oliver O'Brien f*cking brilliant at Oakfield Primary #OakfieldProud 07700 900123 https://example-bad.com",
    );
    let report = screen_request(&req);
    assert!(report.findings.len() >= 6, "{:?}", report.findings);
    for f in &report.findings {
        assert!(f.reason.contains("(Policy: "), "{}", f.reason);
        assert!(f.reason.starts_with(char::is_uppercase), "{}", f.reason);
        assert!(!f.remedy.is_empty() && !f.policy_ref.is_empty());
    }
}

#[test]
fn verdict_follows_the_worst_severity() {
    assert_eq!(
        screen_request(&request(Via::Official, "Lovely day")).verdict,
        Verdict::Approve
    );
    assert_eq!(
        screen_request(&request(Via::Official, "you idiot")).verdict,
        Verdict::Review
    );
    assert_eq!(
        screen_request(&request(Via::Official, "you idiot, Oliver O'Brien")).verdict,
        Verdict::Reject
    );
}
