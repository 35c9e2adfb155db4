use aspire_citations::{
    Format, ImportError, WorkKind, detect_format, parse_any, parse_bibtex, parse_medline, parse_ris,
};

use crate::sample;

#[test]
fn a_medline_export_of_3_papers_yields_3_works_with_their_identifiers() {
    let works = parse_any(&sample("pubmed-3.nbib")).unwrap();
    assert_eq!(works.len(), 3);

    let vaccine = &works[0];
    assert_eq!(vaccine.kind, WorkKind::Article);
    assert_eq!(
        vaccine.title,
        "Safety and Efficacy of the BNT162b2 mRNA Covid-19 Vaccine: a randomized, \
         placebo-controlled, observer-blinded trial in adults."
    );
    assert_eq!(vaccine.year, Some(2020));
    assert_eq!(vaccine.venue.as_deref(), Some("The New England journal of medicine"));
    assert_eq!(vaccine.authors[0], "Polack, Fernando P");
    assert_eq!(vaccine.authors.len(), 4);
    assert_eq!(vaccine.doi.as_ref().unwrap().as_str(), "10.1056/NEJMoa2034577");
    assert_eq!(vaccine.pmid.unwrap().get(), 33301246);
    assert_eq!(vaccine.pmcid.unwrap().to_string(), "PMC7745181");

    let pmids: Vec<u32> = works.iter().map(|w| w.pmid.unwrap().get()).collect();
    assert_eq!(pmids, [33301246, 31406345, 29023812]);
    assert_eq!(works[1].authors[1], "García, María José");
    assert_eq!(works[1].pmcid, None);
    assert_eq!(works[2].doi.as_ref().unwrap().as_str(), "10.1371/journal.pone.0185983");
}

#[test]
fn a_zotero_ris_export_yields_articles_books_and_chapters() {
    let works = parse_any(&sample("zotero.ris")).unwrap();
    let kinds: Vec<WorkKind> = works.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WorkKind::Article, WorkKind::Book, WorkKind::Chapter, WorkKind::Article]);

    let peer = &works[0];
    assert_eq!(peer.venue.as_deref(), Some("Academic Medicine"));
    assert_eq!(peer.year, Some(2019));
    assert_eq!(peer.authors, ["Lee, Kim", "García, María José", "Smith, Jane A."]);
    assert_eq!(peer.pmid.unwrap().get(), 31406345, "AN is a PMID when DB is PubMed");
    assert_eq!(peer.doi.as_ref().unwrap().as_str(), "10.1097/ACM.0000000000002895");

    assert_eq!(works[1].title, "Mentoring in Academic Medicine");
    assert_eq!(works[1].venue.as_deref(), Some("American College of Physicians"));
    assert_eq!(works[2].venue.as_deref(), Some("Faculty Development in the Health Professions"));

    let writing = &works[3];
    assert_eq!(writing.authors, ["Smith, J. A.", "O'Brien, P."]);
    assert_eq!(
        writing.doi.as_ref().unwrap().as_str(),
        "10.1371/journal.pone.0185983",
        "a doi.org link stands in for a missing DO field"
    );
    assert_eq!(writing.pmcid.unwrap().to_string(), "PMC5638234");
    assert_eq!(writing.pmid, None);
}

#[test]
fn a_bibtex_export_reads_macros_concatenation_accents_and_kinds() {
    let works = parse_any(&sample("scholar-zotero.bib")).unwrap();
    assert_eq!(works.len(), 5);

    let peer = &works[0];
    assert_eq!(peer.venue.as_deref(), Some("Academic Medicine"), "@string macro");
    assert_eq!(peer.authors, ["Lee, Kim", "García, María José", "Smith, Jane A"]);
    assert_eq!(peer.year, Some(2019));
    assert_eq!(peer.doi, None);

    let writing = &works[1];
    assert_eq!(writing.venue.as_deref(), Some("PLoS ONE"));
    assert_eq!(writing.pmid.unwrap().get(), 29023812);
    assert_eq!(writing.pmcid.unwrap().to_string(), "PMC5638234");
    assert_eq!(writing.doi.as_ref().unwrap().as_str(), "10.1371/journal.pone.0185983");

    let groups = &works[2];
    assert_eq!(groups.kind, WorkKind::ConferencePaper);
    assert_eq!(groups.title, "Forming Diverse Peer Groups with Öztürk's Heuristic");
    assert_eq!(groups.authors, ["Smith, Jane", "Öztürk, Ayşe"], "\"and others\" dropped");
    assert_eq!(groups.venue.as_deref(), Some("Proceedings of the Annual Faculty Development Conference"));
    assert_eq!(groups.year, Some(2018), "a bare number value");

    assert_eq!(works[3].kind, WorkKind::Chapter);
    assert_eq!(works[4].kind, WorkKind::Other);
    assert_eq!(works[4].venue.as_deref(), Some("Journal of General Internal Medicine"));
}

#[test]
fn formats_are_detected_from_their_first_record() {
    assert_eq!(detect_format(&sample("pubmed-3.nbib")), Some(Format::Medline));
    assert_eq!(detect_format(&sample("zotero.ris")), Some(Format::Ris));
    assert_eq!(detect_format(&sample("scholar-zotero.bib")), Some(Format::Bibtex));
    assert_eq!(detect_format(b"Dear colleague,\nhere are my papers.\n"), None);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(sample("zotero.ris"));
    assert_eq!(parse_any(&bytes).unwrap().len(), 4);
}

#[test]
fn a_latin1_file_is_refused_naming_the_line_of_the_first_bad_byte() {
    // The first non-ASCII letter is the "í" of "García" on line 4.
    let bytes = sample("latin1.ris");
    let error = parse_any(&bytes).unwrap_err();
    let offset = bytes.iter().position(|&b| b >= 0x80).unwrap();
    assert_eq!(error, ImportError::NotUtf8 { byte_offset: offset, line: 4 });
    let message = error.to_string();
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(message.contains("export it again as UTF-8"), "{message}");
    assert!(message.contains("line 4"), "{message}");
}

#[test]
fn a_truncated_bibtex_names_the_line_where_the_entry_started() {
    let error = parse_any(&sample("truncated.bib")).unwrap_err();
    assert!(matches!(error, ImportError::Truncated { format: Format::Bibtex, line: 41, .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("line 41"), "{message}");
    assert!(message.contains("closing '}' is missing"), "{message}");
}

#[test]
fn a_bibtex_entry_missing_its_brace_before_the_next_entry_names_both_lines() {
    let text = "@article{a,\n  title = {One},\n\n@article{b,\n  title = {Two}\n}\n";
    let message = parse_bibtex(text).unwrap_err().to_string();
    assert!(message.contains("starting on line 1"), "{message}");
    assert!(message.contains("next entry on line 4"), "{message}");
}

#[test]
fn a_truncated_ris_names_the_record_missing_its_end() {
    let error = parse_any(&sample("truncated.ris")).unwrap_err();
    let start_of_last = 44; // the fourth "TY  - JOUR"
    assert_eq!(error.line(), Some(start_of_last), "{error}");
    assert!(error.to_string().contains("\"ER  - \" line that ends it is missing"));
}

#[test]
fn an_ris_record_running_into_the_next_is_refused() {
    let text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n";
    let message = parse_ris(text).unwrap_err().to_string();
    assert!(message.contains("starting on line 1"), "{message}");
    assert!(message.contains("next record starts on line 3"), "{message}");
}

#[test]
fn a_bad_doi_inside_a_good_record_names_the_record_and_the_problem() {
    let text = "PMID- 123\nTI  - A title\nAID - 10.12/abc [doi]\n\nPMID- 456\nTI  - Fine\n";
    let error = parse_medline(text).unwrap_err();
    assert_eq!(error.line(), Some(1));
    let message = error.to_string();
    assert!(message.contains("line 1"), "{message}");
    assert!(message.contains("registrant code \"12\" has 2 digits"), "{message}");

    let bib = "@article{k,\n title={T},\n doi={10.1056/NEJM oa1}\n}\n\n@article{m,\n title={U},\n pmid={0123}}";
    let message = parse_bibtex(bib).unwrap_err().to_string();
    assert!(message.contains("line 1") && message.contains("a space"), "{message}");
}

#[test]
fn one_bad_record_rejects_the_whole_file() {
    let mut text = String::from_utf8(sample("zotero.ris")).unwrap();
    text.push_str("\nTY  - JOUR\nAU  - Nobody\nER  - \n");
    let error = parse_ris(&text).unwrap_err();
    assert!(matches!(error, ImportError::MissingTitle { line: 56, .. }), "{error:?}");
}

#[test]
fn malformed_lines_are_named() {
    let medline = "PMID- 1\nTI  - Fine\nthis line has no tag\n";
    let error = parse_medline(medline).unwrap_err();
    assert_eq!(error.line(), Some(3));
    assert!(error.to_string().contains("this line has no tag"));

    let bib = "@article{k,\n title={T},\n year = twentytwenty\n}";
    let message = parse_bibtex(bib).unwrap_err().to_string();
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("undefined @string macro twentytwenty"), "{message}");
}

#[test]
fn empty_unknown_and_record_less_files_are_refused_with_a_reason() {
    assert_eq!(parse_any(b""), Err(ImportError::Empty));
    assert_eq!(parse_any(b"\xEF\xBB\xBF \n\n"), Err(ImportError::Empty));
    let unknown = parse_any(b"Title: my paper\nYear: 2020\n").unwrap_err();
    assert_eq!(unknown, ImportError::UnknownFormat);
    assert!(unknown.to_string().contains("BibTeX"));
    assert_eq!(
        parse_any(b"@comment{nothing here}\n@string{x = {y}}\n"),
        Err(ImportError::NoRecords { format: Format::Bibtex })
    );
}

#[test]
fn doubling_string_macros_are_stopped_instead_of_filling_memory() {
    let mut bib = String::from("@string{m0 = {xxxxxxxxxxxxxxxx}}\n");
    for level in 1..40 {
        bib.push_str(&format!("@string{{m{level} = m{prev} # m{prev}}}\n", prev = level - 1));
    }
    bib.push_str("@article{k, title = m39}\n");
    let message = parse_bibtex(&bib).unwrap_err().to_string();
    assert!(message.contains("too long") || message.contains("expand"), "{message}");
}

#[test]
fn imported_works_can_be_stored_as_json_and_read_back_unchanged() {
    let works = parse_any(&sample("pubmed-3.nbib")).unwrap();
    let json = serde_json::to_string(&works).unwrap();
    assert!(json.contains("\"doi\":\"10.1056/NEJMoa2034577\""), "{json}");
    assert!(json.contains("\"pmcid\":\"PMC7745181\""), "{json}");
    assert!(json.contains("\"kind\":\"article\""), "{json}");
    let read_back: Vec<aspire_citations::Work> = serde_json::from_str(&json).unwrap();
    assert_eq!(read_back, works);
}
