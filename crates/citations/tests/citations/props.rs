//! Properties: no parser panics, whatever it is given, and identifiers survive
//! a round trip through their canonical text.

use aspire_citations::{
    AwardNumber, Doi, Pmcid, Pmid, author_position, detect_format, parse_any, parse_bibtex, parse_medline, parse_ris,
};
use proptest::prelude::*;

use crate::sample;

fn all_samples() -> Vec<Vec<u8>> {
    ["pubmed-3.nbib", "zotero.ris", "scholar-zotero.bib", "truncated.bib", "truncated.ris", "latin1.ris"]
        .iter()
        .map(|name| sample(name))
        .collect()
}

/// Every entry point, on bytes and on their lossy text; results are ignored,
/// only a panic fails.
fn run_every_parser(bytes: &[u8]) {
    let _ = detect_format(bytes);
    let _ = parse_any(bytes);
    let text = String::from_utf8_lossy(bytes);
    let _ = parse_bibtex(&text);
    let _ = parse_ris(&text);
    let _ = parse_medline(&text);
    let _ = Doi::parse(&text);
    let _ = Pmid::parse(&text);
    let _ = Pmcid::parse(&text);
    let _ = AwardNumber::parse(&text);
    let _ = author_position(&text, &text, &[text.to_string()]);
}

#[test]
fn every_truncation_of_every_sample_is_an_answer_not_a_panic() {
    for bytes in all_samples() {
        for cut in 0..=bytes.len() {
            run_every_parser(&bytes[..cut]);
        }
    }
}

#[test]
fn truncating_a_good_file_inside_a_record_is_an_error_or_fewer_works() {
    // A cut must never invent works: at most as many as the whole file.
    for name in ["zotero.ris", "scholar-zotero.bib", "pubmed-3.nbib"] {
        let bytes = sample(name);
        let whole = parse_any(&bytes).unwrap().len();
        for cut in 0..bytes.len() {
            if let Ok(works) = parse_any(&bytes[..cut]) {
                assert!(works.len() <= whole, "{name} cut at {cut}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run_every_parser(&bytes);
    }

    #[test]
    fn arbitrary_strings_never_panic_the_identifier_parsers(text in any::<String>()) {
        run_every_parser(text.as_bytes());
    }

    #[test]
    fn byte_flips_in_valid_samples_never_panic(
        which in 0usize..6,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = all_samples().swap_remove(which);
        for (index, byte) in flips {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        run_every_parser(&bytes);
    }

    #[test]
    fn structural_characters_spliced_into_samples_never_panic(
        which in 0usize..3,
        splices in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..10), 1..6),
    ) {
        const PIECES: [&str; 10] =
            ["{", "}", "\"", "@", "#", "\n", "TY  - JOUR\n", "ER  - \n", "PMID- 1\n", "      "];
        let mut bytes = all_samples().swap_remove(which);
        for (index, piece) in splices {
            let at = index.index(bytes.len() + 1);
            bytes.splice(at..at, PIECES[piece].bytes());
        }
        run_every_parser(&bytes);
    }

    #[test]
    fn a_doi_survives_display_and_parse(
        registrant in 1000u32..999_999_999,
        suffix in "[A-Za-z0-9./;()_-]{1,30}",
    ) {
        let doi = Doi::parse(&format!("10.{registrant}/{suffix}")).unwrap();
        prop_assert_eq!(Doi::parse(&doi.to_string()).unwrap(), doi.clone());
        prop_assert_eq!(Doi::parse(&doi.url()).unwrap_or_else(|_| doi.clone()), doi);
    }

    #[test]
    fn pubmed_ids_survive_display_and_parse(number in 1u32..99_999_999) {
        let pmid = Pmid::parse(&number.to_string()).unwrap();
        prop_assert_eq!(Pmid::parse(&pmid.to_string()).unwrap(), pmid);
        let pmcid = Pmcid::parse(&format!("pmc{number}")).unwrap();
        prop_assert_eq!(Pmcid::parse(&pmcid.to_string()).unwrap(), pmcid);
    }

    #[test]
    fn award_numbers_survive_display_and_parse(
        application_type in proptest::option::of(0u8..10),
        activity in "[A-Z][A-Z0-9]{2}",
        institute in "[A-Z]{2}",
        serial in 0u32..1_000_000,
        year in proptest::option::of(0u8..100),
        suffix in proptest::option::of("[ASX][0-9]"),
    ) {
        let mut text = String::new();
        if let Some(kind) = application_type {
            text.push_str(&format!("{kind} "));
        }
        text.push_str(&format!("{activity}{institute}{serial:06}"));
        if let Some(year) = year {
            text.push_str(&format!("-{year:02}"));
            if let Some(suffix) = &suffix {
                text.push_str(suffix);
            }
        }
        let award = AwardNumber::parse(&text).unwrap();
        prop_assert_eq!(award.activity_code(), activity.as_str());
        prop_assert_eq!(AwardNumber::parse(&award.to_string()).unwrap(), award);
    }
}
