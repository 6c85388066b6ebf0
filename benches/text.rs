//! Text engine benchmarks: compiling a 50,000-pupil pack, folding and
//! matching throughput, and screening a 280-character post end to end.
//! The synthetic data is deterministic, and setup asserts the findings it
//! must produce, so a fast but wrong engine cannot pass.

// criterion_group! generates an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gatepost::pack::{self, Pack, School, SchoolConfig, roster::Pupil};
use gatepost::text::{Folded, Squeezed};
use gatepost::{Account, AccountKind, Date, Options, Post, Request, Snapshot, screen};

const GIVEN: &[&str] = &[
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Freya",
    "Muhammad", "Aisha", "Yusuf", "Zara", "Kwame", "Chidi", "Priya", "Arjun", "Wei", "Mei",
    "Łukasz", "Zoë", "Siobhán", "Tomás", "Björn", "Anaya", "Ibrahim", "Fatima", "Hannah", "Samuel",
    "Grace", "Summer", "Hope", "Jack", "Ella", "Ruby", "Theo", "Ali", "Olumide",
];
const FAMILY: &[&str] = &[
    "Jones",
    "Smith",
    "Patel",
    "Khan",
    "O'Brien",
    "Nguyễn",
    "Kowalski",
    "Okafor-Williams",
    "van der Berg",
    "Al-Hassan",
    "Chen",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Ahmed",
    "Begum",
    "Ali",
    "Hussain",
    "Mensah",
    "Ní Bhriain",
    "García López",
    "Øvergaard",
    "Thompson",
    "Day",
    "Field",
    "Hill",
    "Wright",
    "Walker",
    "Green",
    "Hughes",
    "Edwards",
    "Hall",
    "Wood",
    "Clarke",
    "Murphy",
    "Kaur",
    "Singh",
    "Mahmood",
    "Novak",
    "Rossi",
    "Costa",
    "Silva",
    "Kim",
    "Ivanova",
];

/// A pack of `n` pupils in one school, with unique full names.
fn synthetic_pack(n: usize) -> Pack {
    let mut roster = Vec::with_capacity(n);
    for i in 0..n {
        let given = GIVEN[i % GIVEN.len()];
        let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
        // A numbered suffix keeps names unique past 2,000 combinations.
        let family = format!("{family}{}", suffix(i / (GIVEN.len() * FAMILY.len())));
        roster.push(Pupil {
            id: format!("P{i:06}"),
            given_name: given.to_string(),
            preferred_name: (i % 7 == 0)
                .then(|| format!("{}y", given.chars().take(3).collect::<String>())),
            middle_names: if i % 3 == 0 {
                vec![GIVEN[(i + 5) % GIVEN.len()].to_string()]
            } else {
                vec![]
            },
            family_name: family,
            year_group: format!("Year {}", i % 7),
            name_consent: i % 2 == 0,
            photo_consent: i % 3 == 0,
            consent_expires: None,
            safeguarding: i % 101 == 0,
        });
    }
    Pack {
        schools: vec![School {
            id: "bench".into(),
            config: SchoolConfig {
                name: "Oakfield Primary School".into(),
                aliases: vec!["Oakfield Primary".into(), "OPS".into()],
                slogans: vec!["Learning together, growing together".into()],
                hashtags: vec!["#OakfieldProud".into()],
                website_domains: vec!["oakfield.sch.uk".into()],
                allowed_link_domains: vec!["bbc.co.uk".into()],
                disclaimer_phrases: vec!["views are my own".into()],
                phone_numbers: vec!["01632 960000".into()],
                ..SchoolConfig::default()
            },
            roster,
            logos: vec![],
            withdrawn: vec![],
        }],
        lexicon: pack::lexicon::built_in(),
        version: "bench".into(),
    }
}

/// Spreads pupils over distinct family names: "", "a", "b", ... "aa" ...
fn suffix(mut k: usize) -> String {
    let mut s = String::new();
    while k > 0 {
        k -= 1;
        s.insert(0, (b'a' + (k % 26) as u8) as char);
        k /= 26;
    }
    s
}

/// A realistic school post of about 280 characters naming two pupils.
fn post_text(i: usize) -> String {
    let a = format!(
        "{} {}",
        GIVEN[i % GIVEN.len()],
        FAMILY[(i / GIVEN.len()) % FAMILY.len()]
    );
    let b = format!(
        "{} {}",
        GIVEN[(i + 3) % GIVEN.len()],
        FAMILY[((i + 3) / GIVEN.len()) % FAMILY.len()]
    );
    let text = format!(
        "What a fantastic afternoon at the Year 5 netball tournament! Huge congratulations to {a} and {b} \
         for their brilliant teamwork, and thank you to all the parents who came along to cheer. \
         Photos from the day are on our website at https://oakfield.sch.uk/news. See you on Monday!"
    );
    text
}

fn request(text: String) -> Request {
    Request {
        school_id: "bench".into(),
        account: Account {
            platform: "x".into(),
            handle: "@OakfieldPri".into(),
            kind: AccountKind::Official,
        },
        post: Post {
            id: "p".into(),
            text,
            ..Post::default()
        },
    }
}

fn snapshot_build(c: &mut Criterion) {
    let pack = synthetic_pack(50_000);
    let mut group = c.benchmark_group("snapshot_build");
    group.sample_size(10);
    group.bench_function("50k_pupils", |b| {
        b.iter(|| Snapshot::build(black_box(&pack)).unwrap())
    });
    group.finish();
}

fn text_engine(c: &mut Criterion) {
    let pack = synthetic_pack(50_000);
    let snapshot = Snapshot::build(&pack).unwrap();
    let school = snapshot.school("bench").unwrap();
    let options = Options {
        today: Date::new(2026, 11, 21).unwrap(),
    };

    let text = post_text(0);
    let report = screen(&snapshot, &request(text.clone()), options).unwrap();
    let named = report
        .findings
        .iter()
        .filter(|f| f.rule_id.starts_with("pupil."))
        .count();
    assert_eq!(
        named, 2,
        "setup: the post names two pupils: {:?}",
        report.findings
    );

    let mut corpus = String::new();
    let mut i = 0;
    while corpus.len() < 1 << 20 {
        corpus.push_str(&post_text(i));
        corpus.push('\n');
        i += 1;
    }
    let mut group = c.benchmark_group("match");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.bench_function("fold", |b| b.iter(|| Folded::new(black_box(&corpus))));
    let folded = Folded::new(&corpus);
    group.bench_function("squeeze", |b| b.iter(|| Squeezed::new(black_box(&folded))));
    group.bench_function("fold_names_lexicon", |b| {
        b.iter(|| {
            let folded = Folded::new(black_box(&corpus));
            let hits = school.matcher.scan(&corpus, &folded);
            let squeezed = Squeezed::new(&folded);
            let terms = snapshot.lexicon.find(&squeezed);
            (hits.names.len(), terms.len())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("screen");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let req = request(text);
    group.bench_function("post_280_chars", |b| {
        b.iter(|| screen(&snapshot, black_box(&req), options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, snapshot_build, text_engine);
criterion_main!(benches);
