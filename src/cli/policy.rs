//! `gatepost policy check` and `gatepost rules`.

use std::{path::Path, process::ExitCode};

use crate::pack::lexicon::Category;
use crate::rules::catalogue::RULES;
use crate::{Date, Pack, Snapshot};

pub(super) fn check(dir: &Path) -> anyhow::Result<ExitCode> {
    let pack = match Pack::load(dir) {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "gatepost: policy pack {} has {} error(s)",
                dir.display(),
                errors.0.len()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let started = std::time::Instant::now();
    Snapshot::build(&pack)?;
    let today = Date::today();
    println!("policy pack {} (version {})", dir.display(), pack.version);
    for s in &pack.schools {
        let count =
            |f: &dyn Fn(&crate::pack::Pupil) -> bool| s.roster.iter().filter(|p| f(p)).count();
        println!(
            "  {} ({}): {} pupils; name consent {}, photo consent {}, expired {}, safeguarding {}; {} official account(s), {} logo(s), {} withdrawn image(s)",
            s.id,
            s.config.name,
            s.roster.len(),
            count(&|p| p.may_be_named(today)),
            count(&|p| p.may_be_photographed(today)),
            count(&|p| !p.consent_current(today)),
            count(&|p| p.safeguarding),
            s.config.official_accounts.len(),
            s.logos.len(),
            s.withdrawn.len(),
        );
    }
    let terms = |f: fn(&Category) -> bool| pack.lexicon.iter().filter(|e| f(&e.category)).count();
    println!(
        "  lexicon: {} discriminatory, {} profanity, {} insult, {} allow-listed",
        terms(|c| matches!(c, Category::Discriminatory(_))),
        terms(|c| *c == Category::Profanity),
        terms(|c| *c == Category::Insult),
        terms(|c| *c == Category::Allow),
    );
    println!("  compiled in {} ms", started.elapsed().as_millis());
    Ok(ExitCode::SUCCESS)
}

pub(super) fn rules() {
    let sev = |s: Option<crate::Severity>| s.map_or("-", |s| s.as_str());
    println!(
        "{:<26} {:<9} {:<9} description",
        "rule", "official", "personal"
    );
    for r in RULES {
        println!(
            "{:<26} {:<9} {:<9} {}",
            r.id,
            sev(r.official),
            sev(r.personal),
            r.description
        );
    }
}
