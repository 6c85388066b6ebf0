//! The rule catalogue: stable ids, per-account severities (SPEC's table),
//! the policy clauses behind each rule, and the wording comms officers read.
//!
//! The clauses are taken from the five seed policies in `SPEC`'s seed set
//! (Wood Green Academy, St James and Emmanuel Academy Trust, Hemingford Grey
//! Primary School, SNMAT and Ashcroft High School). Quotes are verbatim and
//! at most 20 words. These strings are templates: they never carry pupil data.

use crate::report::Severity;

/// One rule of SPEC's table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, e.g. `pupil.full_name`.
    pub id: &'static str,
    /// One line for the rule list (ListRules, `gatepost rules`).
    pub description: &'static str,
    /// Severity on an official account; `None` where the rule does not apply.
    pub official: Option<Severity>,
    /// Severity on a personal account; `None` where the rule does not apply.
    pub personal: Option<Severity>,
    /// The policy clauses behind the rule, cited by policy and clause.
    pub policy_ref: &'static str,
    /// Why it matters: one or two plain sentences appended to each reason.
    pub why: &'static str,
    /// What to change, as an instruction.
    pub remedy: &'static str,
}

/// Every rule, in SPEC's order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "pupil.full_name",
        description: "A pupil's full name appears and the pupil has no current name consent.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶35: “personally identifying \
            information (including full names, named certificates, etc) should not be published \
            without the explicit written consent of parents/carers”; Wood Green Academy Social \
            Media Policy 1.3; Hemingford Grey Primary School Social Media Policy, “Respecting \
            colleagues, pupils, parents…”",
        why: "Naming a pupil in full without current written consent from their parent or carer \
            can let strangers identify and locate the child.",
        remedy: "Use the pupil's first name only, or get written consent from the parent or carer \
            before naming them in full.",
    },
    Rule {
        id: "pupil.named",
        description: "A pupil with current name consent is named in full (recorded on official \
            accounts, not allowed on personal ones).",
        official: Some(Severity::Info),
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶35 and ¶41; St James and Emmanuel \
            Academy Trust Social Media Policy, “Responsibilities when using social media”: \
            “Adults must not engage in conversations about pupils” on social media without the \
            Head of School's permission; Hemingford Grey Primary School Social Media Policy, \
            “Respecting colleagues, pupils, parents…”",
        why: "Parents and carers consent to the school naming their child on its official \
            accounts only. A personal account is outside that consent, so the child must not be \
            named there.",
        remedy: "On an official account no change is needed; on a personal account remove the \
            pupil's name, or share the school's official post instead.",
    },
    Rule {
        id: "pupil.safeguarding",
        description: "A pupil with a safeguarding flag is named in full or listed as appearing in \
            an image.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶6 and ¶36: “asks not to be filmed or \
            photographed or included in any social media post then their wishes should be \
            respected”; Wood Green Academy Social Media Policy 1.3 and “Personal use of social \
            media” (an image that “affects safeguarding”)",
        why: "Because of a safeguarding concern this pupil must never be identifiable online, \
            whatever the consent forms say. A name or a photo could help someone the child is \
            being protected from to find them.",
        remedy: "Remove the pupil's name and any photo they appear in, and do not describe them \
            in a way that identifies them. If in doubt, speak to the designated safeguarding \
            lead before posting.",
    },
    Rule {
        id: "photo.no_consent",
        description: "An image shows a pupil without current photo consent, or such a pupil is \
            named in a post that has an image.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶35–36; Wood Green Academy Social Media \
            Policy 1.3: “Staff must not publish photographs of children without the written \
            consent of parents / carers”; Ashcroft High School Social Networking Policy, \
            “Unacceptable use of Social Networking Sites/Applications”",
        why: "Publishing a photo of a pupil without current written consent from their parent or \
            carer breaks data protection rules and can put the child at risk. Naming a pupil next \
            to a photo lets anyone match the name to a face.",
        remedy: "Remove the photo or pick one where this pupil cannot be identified; if the pupil \
            is only named, remove the name instead. Otherwise get written photo consent from the \
            parent or carer first.",
    },
    Rule {
        id: "photo.unattested_faces",
        description: "An image shows faces and the sender has not confirmed which pupils appear \
            in it.",
        official: Some(Severity::Review),
        personal: None,
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶35; Wood Green Academy Social Media \
            Policy 1.3 and “Personal use of social media”: a photo is inappropriate where “the \
            permission of the people pictured has not been expressly given”",
        why: "The photo shows people, but nobody has confirmed which pupils are in it, so their \
            consent cannot be checked.",
        remedy: "List every pupil who can be seen in the photo (or confirm there are none), \
            confirm the list is complete, and screen the post again.",
    },
    Rule {
        id: "photo.withdrawn",
        description: "An image matches one the school has withdrawn, including resized, cropped \
            or re-saved copies.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶36: “If anyone, for any reason, asks \
            not to be filmed or photographed… their wishes should be respected”; Wood Green \
            Academy Social Media Policy 1.3",
        why: "The school has withdrawn this image, usually because a family or a member of staff \
            asked for it to be taken down. Publishing it again, even resized or cropped, goes \
            against their wishes.",
        remedy: "Do not use this image or any copy of it; choose a different photo.",
    },
    Rule {
        id: "image.location",
        description: "An image carries a GPS position in its EXIF or XMP metadata.",
        official: Some(Severity::Block),
        personal: Some(Severity::Review),
        policy_ref: "Wood Green Academy Social Media Policy 1.3: staff must not “allow personally \
            identifying information to be published”; SNMAT Social Media Policy (May 2023) ¶35 \
            and ¶42; St James and Emmanuel Academy Trust Social Media Policy, “Safer social \
            networking practice”",
        why: "The photo's hidden data records exactly where it was taken, which can reveal a \
            pupil's or a member of staff's home to anyone who downloads it.",
        remedy: "Remove the location data from the photo (gatepost strip IN OUT, or the \
            StripMetadata call) and upload the cleaned copy.",
    },
    Rule {
        id: "brand.logo",
        description: "An image on a staff member's personal account shows one of the school's \
            logos.",
        official: None,
        personal: Some(Severity::Block),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶40: “Do not use school logos, \
            branding, or imagery on personal accounts”; Hemingford Grey Primary School Social \
            Media Policy, “Respecting intellectual property and confidential information”",
        why: "A school logo on a staff member's personal account makes the post look as if it \
            comes from the school. Staff may only use the school's logos with the headteacher's \
            written permission.",
        remedy: "Remove the school logo from the image or use a photo without it, or ask the \
            school to share the post from an official account.",
    },
    Rule {
        id: "brand.slogan",
        description: "A post on a staff member's personal account uses a school slogan or \
            hashtag.",
        official: None,
        personal: Some(Severity::Block),
        policy_ref: "Hemingford Grey Primary School Social Media Policy, “Respecting intellectual \
            property and confidential information”: “Staff must not use the School's logos, \
            brand names, slogans or other trademarks”; SNMAT Social Media Policy (May 2023) ¶40 \
            and Appropriate Use Guide",
        why: "The school's slogans and hashtags mark a post as coming from the school, so using \
            them on a staff member's personal account can be mistaken for the school speaking.",
        remedy: "Remove the school slogan or hashtag from the post, or ask the school to share it \
            from an official account.",
    },
    Rule {
        id: "personal.no_disclaimer",
        description: "A personal account names the school without saying the views are the \
            author's own.",
        official: None,
        personal: Some(Severity::Review),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶41: a personal account that associates \
            itself with the school needs “an appropriate disclaimer”; Hemingford Grey Primary \
            School Social Media Policy, “Protecting our business reputation”; Wood Green Academy \
            Social Media Policy, “Personal use of social media”",
        why: "When a staff member's personal post names the school, readers may take it as the \
            school's view unless the post says otherwise.",
        remedy: "Add a disclaimer such as 'Views are my own', or remove the school's name from \
            the post.",
    },
    Rule {
        id: "language.discriminatory",
        description: "The post uses a derogatory term about a protected characteristic.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "St James and Emmanuel Academy Trust Social Media Policy, “Responsibilities \
            when using social media” (duties under the Equality Act 2010); Hemingford Grey \
            Primary School Social Media Policy, “Respecting colleagues, pupils, parents…”: \
            “discriminatory comments, insults or obscenity”; Ashcroft High School Social \
            Networking Policy, “Unacceptable use of Social Networking Sites/Applications”",
        why: "Words that demean people for their race, religion or belief, disability, sex, \
            sexual orientation, gender reassignment, age or pregnancy cause real harm and can \
            break the Equality Act 2010.",
        remedy: "Remove the term; if the point matters, make it in respectful words.",
    },
    Rule {
        id: "language.profanity",
        description: "The post contains profanity or obscenity, including disguised spellings.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "Hemingford Grey Primary School Social Media Policy, “Respecting colleagues, \
            pupils, parents…”: “discriminatory comments, insults or obscenity”; Wood Green \
            Academy Social Media Policy 1.2 and “Personal use of social media”: “Staff should \
            not post indecent remarks”; SNMAT Social Media Policy (May 2023) ¶32",
        why: "Swearing in a post from or about the school falls below the professional standard \
            pupils, parents and the wider community expect, even when the word is disguised.",
        remedy: "Remove the word, or rewrite the sentence without it.",
    },
    Rule {
        id: "language.insult",
        description: "The post uses an insult or a disparaging term.",
        official: Some(Severity::Review),
        personal: Some(Severity::Review),
        policy_ref: "St James and Emmanuel Academy Trust Social Media Policy, “Responsibilities \
            when using social media”: adults must not use social media “to attack, insult, \
            criticise, abuse or defame”; SNMAT Social Media Policy (May 2023) ¶32 and \
            Appropriate Use Guide; Ashcroft High School Social Networking Policy, “Unacceptable \
            use of Social Networking Sites/Applications”",
        why: "Insulting or belittling anyone, even in jest, can hurt people, read as bullying and \
            damage the school's reputation.",
        remedy: "Rewrite the post without the insult, or raise the concern privately instead.",
    },
    Rule {
        id: "contact.personal",
        description: "The post gives a personal mobile number, a personal e-mail address or a \
            home address.",
        official: Some(Severity::Block),
        personal: Some(Severity::Review),
        policy_ref: "St James and Emmanuel Academy Trust Social Media Policy, “Safer social \
            networking practice”: personal information “includes information such as a home \
            address, home and mobile telephone numbers”, and “Responsibilities when using social \
            media”; Wood Green Academy Social Media Policy, “Personal use of social media”; \
            SNMAT Social Media Policy (May 2023) ¶42",
        why: "A personal phone number, e-mail address or home address lets anyone, pupils and \
            strangers included, contact or find that person directly. School business should go \
            through the school's own number and e-mail.",
        remedy: "Remove the personal contact details and give the school office number or a \
            school e-mail address instead.",
    },
    Rule {
        id: "link.unlisted",
        description: "A link goes to a site that is neither the school's own nor on its allowed \
            list.",
        official: Some(Severity::Review),
        personal: None,
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶33: “links to external sites are \
            appropriate and safe”; Wood Green Academy Social Media Policy 1.4; St James and \
            Emmanuel Academy Trust Social Media Policy, “Access to inappropriate images”",
        why: "Links on a school account send pupils and families to other sites, so someone \
            should check the site is suitable and safe before it is shared.",
        remedy: "Check that the linked page is appropriate and safe, or link to the school's \
            website or an allowed site instead. Ask the school to add sites it trusts to its \
            allowed list.",
    },
    Rule {
        id: "link.blocked",
        description: "A link goes to a site the school has blocked.",
        official: Some(Severity::Block),
        personal: Some(Severity::Block),
        policy_ref: "Wood Green Academy Social Media Policy 1.4: “Care must be taken that any \
            links to external sites from the account are appropriate and safe”; SNMAT Social \
            Media Policy (May 2023) ¶33; St James and Emmanuel Academy Trust Social Media Policy, \
            “Access to inappropriate images”: pupils must not be exposed to “inappropriate \
            information, images or web links”",
        why: "The school has judged this site unsuitable or unsafe for pupils and families.",
        remedy: "Remove the link, or replace it with a link to the school's website or an \
            allowed site.",
    },
    Rule {
        id: "screening.incomplete",
        description: "A check could not run (an unreadable image or a limit exceeded), so a \
            person must look at the post.",
        official: Some(Severity::Review),
        personal: Some(Severity::Review),
        policy_ref: "SNMAT Social Media Policy (May 2023) ¶26 and Appropriate Use Guide: \
            “Refraining from making a communication if you are in any way uncertain about the \
            appropriateness of the content”; Hemingford Grey Primary School Social Media Policy, \
            “Protecting our business reputation”",
        why: "Part of the post could not be checked, so Gatepost cannot say it is safe to \
            publish.",
        remedy: "Have a person check the post by hand, or fix the problem named (for example \
            re-save the image as JPEG or PNG, or make it smaller) and screen it again.",
    },
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity::{Block, Info, Review};

    /// SPEC's "Rules (stable ids)" table: id, official, personal (`None` is "—").
    const SPEC_TABLE: &[(&str, Option<Severity>, Option<Severity>)] = &[
        ("pupil.full_name", Some(Block), Some(Block)),
        ("pupil.named", Some(Info), Some(Block)),
        ("pupil.safeguarding", Some(Block), Some(Block)),
        ("photo.no_consent", Some(Block), Some(Block)),
        ("photo.unattested_faces", Some(Review), None),
        ("photo.withdrawn", Some(Block), Some(Block)),
        ("image.location", Some(Block), Some(Review)),
        ("brand.logo", None, Some(Block)),
        ("brand.slogan", None, Some(Block)),
        ("personal.no_disclaimer", None, Some(Review)),
        ("language.discriminatory", Some(Block), Some(Block)),
        ("language.profanity", Some(Block), Some(Block)),
        ("language.insult", Some(Review), Some(Review)),
        ("contact.personal", Some(Block), Some(Review)),
        ("link.unlisted", Some(Review), None),
        ("link.blocked", Some(Block), Some(Block)),
        ("screening.incomplete", Some(Review), Some(Review)),
    ];

    const POLICIES: &[&str] = &[
        "Wood Green Academy Social Media Policy",
        "St James and Emmanuel Academy Trust Social Media Policy",
        "Hemingford Grey Primary School Social Media Policy",
        "SNMAT Social Media Policy (May 2023)",
        "Ashcroft High School Social Networking Policy",
    ];

    /// Sentence ends: `.`, `!` or `?` followed by whitespace or the end.
    fn sentences(s: &str) -> usize {
        let chars: Vec<char> = s.chars().collect();
        chars
            .iter()
            .enumerate()
            .filter(|&(i, &c)| {
                matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
            })
            .count()
    }

    #[test]
    fn every_spec_id_once_in_spec_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let spec: Vec<&str> = SPEC_TABLE.iter().map(|t| t.0).collect();
        assert_eq!(ids, spec);
        for id in &spec {
            assert_eq!(ids.iter().filter(|i| *i == id).count(), 1, "{id}");
        }
    }

    #[test]
    fn severities_match_spec() {
        for &(id, official, personal) in SPEC_TABLE {
            let r = rule(id).unwrap_or_else(|| panic!("missing rule {id}"));
            assert_eq!(r.official, official, "{id}: official");
            assert_eq!(r.personal, personal, "{id}: personal");
        }
    }

    #[test]
    fn wording_is_present_and_short() {
        for r in RULES {
            for (name, text) in [
                ("description", r.description),
                ("policy_ref", r.policy_ref),
                ("why", r.why),
                ("remedy", r.remedy),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {name}", r.id);
                assert_eq!(text, text.trim(), "{}: {name} has outer whitespace", r.id);
                assert!(!text.contains("  "), "{}: {name} has a double space", r.id);
                assert!(
                    !text.contains('{'),
                    "{}: {name} looks like a format string",
                    r.id
                );
            }
            let (why, remedy) = (sentences(r.why), sentences(r.remedy));
            assert!((1..=2).contains(&why), "{}: why has {why} sentences", r.id);
            assert!(
                (1..=2).contains(&remedy),
                "{}: remedy has {remedy} sentences",
                r.id
            );
        }
    }

    #[test]
    fn policy_refs_cite_seed_policies_with_short_quotes() {
        for r in RULES {
            assert!(
                POLICIES.iter().any(|p| r.policy_ref.contains(p)),
                "{}: cites no seed policy",
                r.id
            );
            let opens = r.policy_ref.matches('“').count();
            assert_eq!(
                opens,
                r.policy_ref.matches('”').count(),
                "{}: unbalanced quotes",
                r.id
            );
            for quote in r.policy_ref.split('“').skip(1) {
                let quote = quote.split('”').next().unwrap_or_default();
                let words = quote.split_whitespace().count();
                assert!(words <= 20, "{}: quote of {words} words: {quote}", r.id);
            }
        }
    }

    #[test]
    fn lookup() {
        assert_eq!(rule("link.blocked").map(|r| r.id), Some("link.blocked"));
        assert!(rule("no.such_rule").is_none());
    }
}
