use aspire_citations::{DedupeKey, Doi, DuplicateOf, Pmid, Work, WorkKind, dedupe_keys, find_duplicates, parse_any};

use crate::sample;

fn work(title: &str, doi: Option<&str>, pmid: Option<&str>) -> Work {
    let mut work = Work::new(WorkKind::Article, title);
    work.doi = doi.map(|d| Doi::parse(d).unwrap());
    work.pmid = pmid.map(|p| Pmid::parse(p).unwrap());
    work
}

#[test]
fn the_same_paper_from_pubmed_and_zotero_is_found_by_doi_or_pmid() {
    let existing = parse_any(&sample("pubmed-3.nbib")).unwrap();
    let imported = parse_any(&sample("zotero.ris")).unwrap();
    let duplicates = find_duplicates(&existing, &imported);
    // The RIS holds two of the three PubMed papers (one found by DOI and PMID,
    // one by DOI alone); the book and the chapter are new.
    let pairs: Vec<(usize, DuplicateOf)> = duplicates.iter().map(|d| (d.imported, d.of)).collect();
    assert_eq!(pairs, [(0, DuplicateOf::Existing(1)), (3, DuplicateOf::Existing(2))]);
}

#[test]
fn dois_match_ignoring_case_and_repeats_within_a_file_are_reported() {
    let existing = [work("Old", Some("10.1000/ABC"), None)];
    let imported = [
        work("Same DOI, other case", Some("https://doi.org/10.1000/abc"), None),
        work("New", None, Some("12345")),
        work("New again", Some("10.2000/new"), Some("PMID: 12345")),
    ];
    let duplicates = find_duplicates(&existing, &imported);
    assert_eq!(duplicates.len(), 2);
    assert_eq!(duplicates[0].of, DuplicateOf::Existing(0));
    assert_eq!(duplicates[0].key, DedupeKey::Doi("10.1000/abc".into()));
    assert_eq!(duplicates[1].imported, 2);
    assert_eq!(duplicates[1].of, DuplicateOf::Imported(1));
    assert_eq!(duplicates[1].key, DedupeKey::Pmid(12345));
}

#[test]
fn a_work_without_identifiers_has_no_keys_and_is_never_a_duplicate() {
    let bare = work("Untitled thoughts", None, None);
    assert!(dedupe_keys(&bare).is_empty());
    let twin = bare.clone();
    assert!(find_duplicates(&[bare], &[twin]).is_empty());
}
