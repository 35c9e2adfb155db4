//! The public-service parsers against answers the services really sent (see
//! each fixture's `.source.txt`; the RePORTER envelope is constructed).

use aspire_citations::public::{orcid, pubmed, reporter};
use aspire_citations::{Orcid, WorkKind};

use crate::public_fixture;

#[test]
fn a_pubmed_author_search_yields_its_pubmed_ids_in_order() {
    let pmids = pubmed::parse_esearch(&public_fixture("pubmed-esearch-darwin.json")).unwrap();
    assert_eq!(pmids.len(), 20, "retmax defaulted to 20 of 603 matches");
    assert_eq!(pmids[0].get(), 36374290);
    assert_eq!(pmids[19].get(), 35475719);
    assert_eq!(pubmed::esummary_path(&pmids[..2]), "esummary.fcgi?db=pubmed&retmode=json&id=36374290,36370080");
}

#[test]
fn a_pubmed_summary_becomes_a_work_with_its_three_identifiers() {
    let works = pubmed::parse_esummary(&public_fixture("pubmed-esummary-27933103.json")).unwrap();
    assert_eq!(works.len(), 1, "the uids list is not a record");
    let work = &works[0];
    assert_eq!(work.kind, WorkKind::Article);
    assert_eq!(work.title, "Programmatic conversion of crystal structures into 3D printable files using Jmol.");
    assert_eq!(work.venue.as_deref(), Some("Journal of cheminformatics"));
    assert_eq!(work.year, Some(2016));
    assert_eq!(work.authors.len(), 8);
    assert_eq!((work.authors[0].as_str(), work.authors[7].as_str()), ("Scalfani VF", "Bara JE"));
    assert_eq!(work.doi.as_ref().unwrap().as_str(), "10.1186/s13321-016-0181-z");
    assert_eq!(work.pmid.unwrap().get(), 27933103);
    assert_eq!(work.pmcid.unwrap().to_string(), "PMC5122160");
}

#[test]
fn orcid_works_become_one_work_per_group() {
    let works = orcid::parse_works(&public_fixture("orcid-works-0000-0002-7262-6251.json")).unwrap();
    let titles: Vec<&str> = works.iter().map(|work| work.title.as_str()).collect();
    assert_eq!(titles.len(), 8);
    assert_eq!(titles[0], "Tax-Aware Portfolio Construction via Convex Optimization");
    assert!(works.iter().all(|work| work.authors.is_empty()), "summaries name no authors");

    let first = &works[0];
    assert_eq!(first.kind, WorkKind::Article);
    assert_eq!(first.venue.as_deref(), Some("JOURNAL OF OPTIMIZATION THEORY AND APPLICATIONS"));
    assert_eq!(first.year, Some(2021));
    assert_eq!(first.doi.as_ref().unwrap().as_str(), "10.1007/s10957-021-01823-0");
    assert_eq!((first.pmid, first.pmcid), (None, None), "ISSNs and Web of Science IDs are not read");

    let swiftcore = &works[1];
    assert_eq!(swiftcore.venue.as_deref(), Some("BMC bioinformatics"));
    assert_eq!(swiftcore.pmid.unwrap().get(), 32293238);
    assert_eq!(swiftcore.doi.as_ref().unwrap().as_str(), "10.1186/s12859-020-3440-y");

    let kalman = &works[2];
    assert_eq!(kalman.kind, WorkKind::ConferencePaper);
    assert_eq!((kalman.venue.as_ref(), kalman.doi.as_ref(), kalman.year), (None, None, Some(2020)));

    assert_eq!(works[3].pmid.unwrap().get(), 30535964);
    assert_eq!(works[3].doi, None);

    let book = &works[4];
    assert_eq!(book.kind, WorkKind::Book);
    assert_eq!(book.title, "Introduction to Applied Linear Algebra – Vectors, Matrices, and Least Squares");
    assert_eq!(book.doi.as_ref().unwrap().as_str(), "10.1017/9781108583664", "ORCID sent it with a leading space");

    for (work, pmcid, pmid) in [(&works[5], "PMC4975754", 27587028), (&works[6], "PMC2945747", 20964231)] {
        assert_eq!(work.pmcid.unwrap().to_string(), pmcid);
        assert_eq!(work.pmid.unwrap().get(), pmid);
        assert!(work.doi.is_some());
    }
    assert_eq!(works[7].year, Some(1985));
}

#[test]
fn the_orcid_in_the_fixture_is_valid_and_its_works_path_follows() {
    let id = Orcid::parse("0000-0002-7262-6251").unwrap();
    assert_eq!(orcid::works_path(&id), "v3.0/0000-0002-7262-6251/works");
}

#[test]
fn reporter_projects_carry_award_numbers_investigators_and_dates() {
    let page = reporter::parse_projects(&public_fixture("reporter-projects-constructed.json")).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.projects.len(), 2);

    let touchscreen = &page.projects[0];
    assert_eq!(touchscreen.project_num, "4U01AA029316-02");
    let award = touchscreen.award.as_ref().unwrap();
    assert_eq!((award.activity_code(), award.core()), ("U01", "U01 AA029316".to_string()));
    assert_eq!(touchscreen.title, "Touchscreen-compatible, real-time electrochemical sensing of SARS-CoV-2");
    assert_eq!(touchscreen.activity_code.as_deref(), Some("U01"));
    let investigators: Vec<(&str, bool)> =
        touchscreen.investigators.iter().map(|pi| (pi.name.as_str(), pi.is_contact)).collect();
    assert_eq!(investigators, [("Suzie H. Pun", true), ("Joshua R Smith", false)]);
    assert_eq!(touchscreen.organisation.as_deref(), Some("UNIVERSITY OF WASHINGTON"));
    assert_eq!(touchscreen.fiscal_year, Some(2022));
    assert_eq!(touchscreen.start_date.as_deref(), Some("2020-12-21"));
    assert_eq!(touchscreen.end_date.as_deref(), Some("2023-11-30"));
    assert_eq!(touchscreen.award_amount, Some(455_938));

    let chemoprevention = &page.projects[1];
    let award = chemoprevention.award.as_ref().unwrap();
    assert_eq!((award.application_type(), award.support_year(), award.suffix()), (Some(1), Some("01"), Some("A1")));
    assert_eq!(chemoprevention.investigators.len(), 1);
    assert_eq!(chemoprevention.investigators[0].name, "A.R.M. Ruhul Amin");
    assert_eq!(chemoprevention.organisation.as_deref(), Some("MARSHALL UNIVERSITY"));
    assert_eq!(
        (chemoprevention.start_date.as_deref(), chemoprevention.end_date.as_deref()),
        (Some("2023-08-01"), Some("2026-07-31"))
    );
    assert_eq!((chemoprevention.fiscal_year, chemoprevention.award_amount), (Some(2023), Some(444_000)));
}

#[test]
fn every_fixture_is_small_and_says_where_it_came_from() {
    let directory = format!("{}/tests/fixtures/public", env!("CARGO_MANIFEST_DIR"));
    let mut fixtures = 0;
    for entry in std::fs::read_dir(&directory).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "json") {
            fixtures += 1;
            assert!(std::fs::metadata(&path).unwrap().len() < 60_000, "{} is too big", path.display());
            let source = path.with_extension("source.txt");
            assert!(source.exists(), "{} has no {}", path.display(), source.display());
        }
    }
    assert_eq!(fixtures, 4);
}
