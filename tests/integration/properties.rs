//! Properties of folding and matching over arbitrary text: offsets always
//! land on char boundaries of the original, and a name inserted anywhere
//! is found and mapped back to exactly the bytes inserted.

use gatepost::text::{Folded, Squeezed};
use proptest::prelude::*;

use super::util::{Via, request, screen_request};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn folded_offsets_are_char_boundaries(s in "\\PC{0,64}|[a-zA-Z \u{200b}\u{301}\u{0430}ß’-]{0,64}") {
        let folded = Folded::new(&s);
        let text = folded.as_str();
        let mut last = 0;
        for i in 0..text.len() {
            let o = folded.origin(i);
            prop_assert!(s.is_char_boundary(o));
            prop_assert!(o >= last);
            last = o;
        }
        for (i, _) in text.char_indices() {
            let (a, b) = folded.original_range(&s, i, i + text[i..].chars().next().unwrap().len_utf8());
            prop_assert!(a < b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b));
        }
        let squeezed = Squeezed::new(&folded);
        for (i, c) in squeezed.as_str().char_indices() {
            let (a, b) = squeezed.folded_range(&folded, i, i + c.len_utf8());
            prop_assert!(a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b));
        }
    }

    #[test]
    fn an_inserted_name_is_found_where_it_was_put(
        before in "[a-z0-9 ,.!?\u{e9}\u{200b}]{0,30}",
        after in "[a-z0-9 ,.!?\u{e9}]{0,30}",
        form in prop::sample::select(vec!["Oliver O'Brien", "OLIVER O’BRIEN", "O'Brien, Oliver", "Oliver\u{00a0}O'Brien"]),
    ) {
        let text = format!("{before} {form} {after}");
        let req = request(Via::Official, &text);
        let report = screen_request(&req);
        let start = before.len() + 1;
        let want = (start, start + form.len());
        let spans: Vec<(usize, usize)> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == "pupil.full_name")
            .filter_map(|f| match f.location {
                gatepost::Location::Text { start, end, .. } => Some((start, end)),
                _ => None,
            })
            .collect();
        prop_assert!(spans.contains(&want), "{:?} not in {:?} for {:?}", want, spans, text);
    }
}
