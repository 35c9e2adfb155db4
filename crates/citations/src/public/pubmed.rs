//! PubMed through NCBI's E-utilities: `esearch` finds a member's PubMed IDs,
//! `esummary` turns them into [`Work`]s.
//!
//! Paths are relative to [`EUTILS_BASE_URL`] (or the app's configured
//! replacement). NCBI asks callers to add `tool=`, `email=` and, with a key,
//! `api_key=` parameters; the app appends those from its settings.

use serde_json::Value;

use super::orcid::Orcid;
use super::{ResponseError, Service, parse_json, percent_encode, service_message, text_at, value_at};
use crate::import::{clean_spaces, year_in};
use crate::{Doi, Pmcid, Pmid, Work, WorkKind};

/// Where the E-utilities live; the paths built here are relative to it.
pub const EUTILS_BASE_URL: &str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";

/// The most IDs esearch returns in one answer, whatever `retmax` asks for.
pub const ESEARCH_MAX_RESULTS: u32 = 10_000;

/// How many PubMed IDs to send in one esummary request: NCBI advises POST
/// beyond about 200 IDs, so the app sends `pmids.chunks(ESUMMARY_BATCH)`.
pub const ESUMMARY_BATCH: usize = 200;

/// The PubMed search term for a member.
///
/// `Smith J` with `Columbia` gives `Smith J[Author] AND Columbia[Affiliation]`;
/// with an ORCID iD the papers that carry it are found too:
/// `Smith J[Author] OR 0000-0002-1825-0097[auid]` (the name part in brackets
/// when it has an affiliation). An affiliation without an author is ignored,
/// as it alone would match whole institutions. An ORCID iD that parses is
/// written in its canonical form; anything else is searched as given. Brackets,
/// parentheses and quotes are removed from every part, and `AND`, `OR` and
/// `NOT` are lower-cased, so a name cannot change the query's structure.
/// Returns an empty string when there is nothing to search for.
pub fn esearch_query(author: &str, affiliation: Option<&str>, orcid: Option<&str>) -> String {
    let author = search_words(author);
    let affiliation = affiliation.map(search_words).filter(|words| !words.is_empty());
    let by_name = match (author.is_empty(), &affiliation) {
        (true, _) => None,
        (false, None) => Some(format!("{author}[Author]")),
        (false, Some(affiliation)) => Some(format!("{author}[Author] AND {affiliation}[Affiliation]")),
    };
    let by_orcid = orcid
        .map(|text| Orcid::parse(text).map(|id| id.to_string()).unwrap_or_else(|_| search_words(text)))
        .filter(|id| !id.is_empty())
        .map(|id| format!("{id}[auid]"));
    match (by_name, by_orcid) {
        (None, None) => String::new(),
        (Some(name), None) => name,
        (None, Some(orcid)) => orcid,
        (Some(name), Some(orcid)) if affiliation.is_some() => format!("({name}) OR {orcid}"),
        (Some(name), Some(orcid)) => format!("{name} OR {orcid}"),
    }
}

/// The words of a search part without PubMed syntax: no brackets, parentheses
/// or quotes, and Boolean operators lower-cased (PubMed only obeys upper case).
fn search_words(text: &str) -> String {
    let without_syntax: String =
        text.chars().map(|c| if matches!(c, '[' | ']' | '(' | ')' | '"') { ' ' } else { c }).collect();
    without_syntax
        .split_whitespace()
        .map(|word| if matches!(word, "AND" | "OR" | "NOT") { word.to_ascii_lowercase() } else { word.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The esearch request for `term`, relative to [`EUTILS_BASE_URL`]: at most
/// `retmax` PubMed IDs (capped at [`ESEARCH_MAX_RESULTS`]), as JSON.
pub fn esearch_path(term: &str, retmax: u32) -> String {
    let retmax = retmax.min(ESEARCH_MAX_RESULTS);
    format!("esearch.fcgi?db=pubmed&retmode=json&retmax={retmax}&term={}", percent_encode(term))
}

/// The PubMed IDs in an esearch JSON answer (`esearchresult.idlist`), in
/// PubMed's order. No matches is an empty list, not an error.
pub fn parse_esearch(body: &str) -> Result<Vec<Pmid>, ResponseError> {
    let json = parse_json(Service::PubMed, body)?;
    refused_by_ncbi(&json)?;
    let result = json
        .get("esearchresult")
        .ok_or(ResponseError::Missing { service: Service::PubMed, missing: "search result (\"esearchresult\")" })?;
    if let Some(message) = text_at(result, &["ERROR"]) {
        return Err(ResponseError::Refused { service: Service::PubMed, message: service_message(&message) });
    }
    let ids = result
        .get("idlist")
        .and_then(Value::as_array)
        .ok_or(ResponseError::Missing { service: Service::PubMed, missing: "list of PubMed IDs (\"idlist\")" })?;
    ids.iter()
        .map(|id| {
            let text = id.as_str().map(str::to_string).unwrap_or_else(|| id.to_string());
            Pmid::parse(&text).map_err(|_| ResponseError::Malformed {
                service: Service::PubMed,
                problem: format!("{text:?} in its list of PubMed IDs, which is not a PubMed ID"),
            })
        })
        .collect()
}

/// NCBI's own error answers: `{"error": "API rate limit exceeded", ...}`.
fn refused_by_ncbi(json: &Value) -> Result<(), ResponseError> {
    match text_at(json, &["error"]) {
        Some(message) => Err(ResponseError::Refused { service: Service::PubMed, message: service_message(&message) }),
        None => Ok(()),
    }
}

/// The esummary request for `pmids`, relative to [`EUTILS_BASE_URL`]; send at
/// most [`ESUMMARY_BATCH`] at a time.
pub fn esummary_path(pmids: &[Pmid]) -> String {
    let ids = pmids.iter().map(Pmid::to_string).collect::<Vec<_>>().join(",");
    format!("esummary.fcgi?db=pubmed&retmode=json&id={ids}")
}

/// The works in an esummary JSON answer, in the order of its `uids` list.
///
/// Each record gives its title, the journal (full name, else the abbreviation)
/// as venue, the year (from `pubdate`, else `sortpubdate` or `epubdate`), the
/// authors as PubMed writes them (`Smith JA`) and its DOI, PMID and PMCID from
/// `articleids`. Records NCBI could not find (they carry an `error`) and
/// records without a title are skipped.
pub fn parse_esummary(body: &str) -> Result<Vec<Work>, ResponseError> {
    let json = parse_json(Service::PubMed, body)?;
    refused_by_ncbi(&json)?;
    let result = json
        .get("result")
        .and_then(Value::as_object)
        .ok_or(ResponseError::Missing { service: Service::PubMed, missing: "summaries (\"result\")" })?;
    // `uids` gives NCBI's order; without it, every key but `uids` is a record.
    let records: Vec<(&str, &Value)> = match result.get("uids").and_then(Value::as_array) {
        Some(uids) => uids
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|uid| result.get(uid).map(|record| (uid, record)))
            .collect(),
        None => result.iter().filter(|(key, _)| key.as_str() != "uids").map(|(key, v)| (key.as_str(), v)).collect(),
    };
    Ok(records.into_iter().filter_map(|(uid, record)| work_from_summary(uid, record)).collect())
}

/// One esummary record as a work, or `None` when it is an error or untitled.
fn work_from_summary(uid: &str, record: &Value) -> Option<Work> {
    if record.get("error").is_some() {
        return None;
    }
    let title = plain_text(&text_at(record, &["title"])?);
    if title.is_empty() {
        return None;
    }
    let kind = match text_at(record, &["doctype"]).as_deref() {
        Some("book") => WorkKind::Book,
        Some("chapter") => WorkKind::Chapter,
        _ => WorkKind::Article,
    };
    let mut work = Work::new(kind, title);
    work.venue = ["fulljournalname", "source", "booktitle", "publishername"]
        .iter()
        .find_map(|field| text_at(record, &[field]))
        .map(|venue| plain_text(&venue));
    work.year = ["pubdate", "sortpubdate", "epubdate"].iter().find_map(|field| year_in(&text_at(record, &[field])?));
    work.authors = record
        .get("authors")
        .and_then(Value::as_array)
        .map(|authors| {
            authors
                .iter()
                // Editors and publishers are listed here too; only authors and groups are kept.
                .filter(|author| {
                    matches!(text_at(author, &["authtype"]).as_deref(), None | Some("Author" | "CollectiveName"))
                })
                .filter_map(|author| text_at(author, &["name"]))
                .collect()
        })
        .unwrap_or_default();
    for article_id in value_at(record, &["articleids"]).and_then(Value::as_array).into_iter().flatten() {
        let (Some(kind), Some(value)) = (text_at(article_id, &["idtype"]), text_at(article_id, &["value"])) else {
            continue;
        };
        match kind.as_str() {
            "pubmed" if work.pmid.is_none() => work.pmid = Pmid::parse(&value).ok(),
            "doi" if work.doi.is_none() => work.doi = Doi::parse(&value).ok(),
            "pmc" if work.pmcid.is_none() => work.pmcid = Pmcid::parse(&value).ok(),
            // `pmcid` reads "pmc-id: PMC5122160;" (sometimes with an embargo date after the `;`).
            "pmcid" if work.pmcid.is_none() => {
                let first = value.split(';').next().unwrap_or_default().trim();
                let id = first.strip_prefix("pmc-id:").unwrap_or(first);
                work.pmcid = Pmcid::parse(id).ok();
            }
            _ => {}
        }
    }
    if work.pmid.is_none() {
        work.pmid = Pmid::parse(uid).ok();
    }
    Some(work)
}

/// Inline markup PubMed keeps in titles, e.g. `&lt;i&gt;E. coli&lt;/i&gt;`.
const INLINE_TAGS: &[&str] = &["i", "b", "u", "em", "strong", "sup", "sub", "sc"];

/// The text as a person reads it: HTML entities decoded and inline tags
/// (italics, super- and subscripts) removed; other `<` stay, as in `p<0.05`.
fn plain_text(text: &str) -> String {
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        // Last, so "&amp;lt;" becomes the text "&lt;" and is not decoded twice.
        .replace("&amp;", "&");
    let mut plain = String::with_capacity(decoded.len());
    let mut rest = decoded.as_str();
    while let Some(start) = rest.find('<') {
        let (before, from_bracket) = rest.split_at(start);
        plain.push_str(before);
        match inline_tag_len(from_bracket) {
            Some(len) => rest = from_bracket.get(len..).unwrap_or_default(),
            None => {
                plain.push('<');
                rest = from_bracket.get(1..).unwrap_or_default();
            }
        }
    }
    plain.push_str(rest);
    clean_spaces(&plain)
}

/// The length of `<i>`, `</sup>`... at the start of `text`, if it is one of [`INLINE_TAGS`].
fn inline_tag_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    let name_start = inner.strip_prefix('/').unwrap_or(inner);
    let end = name_start.find('>')?;
    let name = name_start.get(..end)?;
    INLINE_TAGS.iter().any(|tag| tag.eq_ignore_ascii_case(name)).then_some(text.len() - name_start.len() + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_combines_author_affiliation_and_orcid() {
        assert_eq!(esearch_query("Smith J", None, None), "Smith J[Author]");
        assert_eq!(esearch_query("Smith J", Some("Columbia"), None), "Smith J[Author] AND Columbia[Affiliation]");
        assert_eq!(esearch_query("", None, Some("https://orcid.org/0000-0002-1825-0097")), "0000-0002-1825-0097[auid]");
        assert_eq!(
            esearch_query("Smith J", None, Some("0000-0002-1825-0097")),
            "Smith J[Author] OR 0000-0002-1825-0097[auid]"
        );
        assert_eq!(
            esearch_query("Smith J", Some("Columbia University"), Some("0000-0002-1825-0097")),
            "(Smith J[Author] AND Columbia University[Affiliation]) OR 0000-0002-1825-0097[auid]"
        );
    }

    #[test]
    fn query_cannot_be_bent_by_what_a_member_typed() {
        assert_eq!(
            esearch_query("  Smith\tJ) OR (cancer[MeSH] ", Some("\"Columbia\""), None),
            "Smith J or cancer MeSH[Author] AND Columbia[Affiliation]"
        );
        assert_eq!(esearch_query("", Some("Columbia"), None), "", "an affiliation alone is not a search");
        assert_eq!(esearch_query(" ", None, Some(" ")), "");
    }

    #[test]
    fn paths_are_relative_and_encoded() {
        assert_eq!(esearch_path("Darwin[au]", 30), "esearch.fcgi?db=pubmed&retmode=json&retmax=30&term=Darwin%5Bau%5D");
        assert!(esearch_path("x", 1_000_000).contains("retmax=10000&"));
        let pmids = [Pmid::parse("33301246").unwrap(), Pmid::parse("7").unwrap()];
        assert_eq!(esummary_path(&pmids), "esummary.fcgi?db=pubmed&retmode=json&id=33301246,7");
    }

    #[test]
    fn esearch_errors_are_the_services_words() {
        let refused = parse_esearch(r#"{"error":"API rate limit exceeded","api-key":"1.2.3.4","count":"11"}"#);
        assert_eq!(refused.unwrap_err().to_string(), "PubMed refused the request: API rate limit exceeded");
        let bad_term = parse_esearch(r#"{"esearchresult":{"ERROR":"Invalid query"}}"#).unwrap_err();
        assert!(bad_term.to_string().contains("Invalid query"), "{bad_term}");
        let missing = parse_esearch(r#"{"header":{}}"#).unwrap_err().to_string();
        assert!(missing.contains("no search result"), "{missing}");
        let garbled = parse_esearch(r#"{"esearchresult":{"idlist":["12","x9"]}}"#).unwrap_err().to_string();
        assert!(garbled.contains("\"x9\" in its list of PubMed IDs"), "{garbled}");
        assert_eq!(parse_esearch(r#"{"esearchresult":{"count":"0","idlist":[]}}"#).unwrap(), []);
    }

    #[test]
    fn esummary_skips_unknown_ids_and_tolerates_missing_fields() {
        let body = r#"{"result":{"uids":["99999999","123","456"],
            "99999999":{"uid":"99999999","error":"cannot get document summary"},
            "123":{"uid":"123","title":"Only a title"},
            "456":{"uid":"456","pubdate":"2019 Mar"}}}"#;
        let works = parse_esummary(body).unwrap();
        assert_eq!(works.len(), 1);
        let only = &works[0];
        assert_eq!(only.title, "Only a title");
        assert_eq!(only.pmid.unwrap().get(), 123, "the uid stands in for a missing articleids entry");
        assert_eq!((only.venue.as_ref(), only.year, only.doi.as_ref(), only.pmcid), (None, None, None, None));
        assert!(only.authors.is_empty());
    }

    #[test]
    fn esummary_reads_markup_editors_and_odd_identifiers() {
        let body = r#"{"result":{"1":{"title":"Growth of &lt;i&gt;E. coli&lt;/i&gt; at p&lt;0.05 &amp;amp; more",
            "source":"J Bact","sortpubdate":"2020/01/01 00:00",
            "authors":[{"name":"Lee K","authtype":"Author"},{"name":"Ray P","authtype":"Editor"},
                       {"name":"Trial Group","authtype":"CollectiveName"}],
            "articleids":[{"idtype":"pubmed","value":"1"},{"idtype":"doi","value":"not a doi"},
                          {"idtype":"pmcid","value":"pmc-id: PMC42; embargo-date: 2021/01/01;"}]}}}"#;
        let work = parse_esummary(body).unwrap().remove(0);
        assert_eq!(work.title, "Growth of E. coli at p<0.05 &amp; more");
        assert_eq!(work.venue.as_deref(), Some("J Bact"));
        assert_eq!(work.year, Some(2020));
        assert_eq!(work.authors, ["Lee K", "Trial Group"]);
        assert_eq!(work.doi, None, "a DOI that does not parse is left out");
        assert_eq!(work.pmcid.unwrap().to_string(), "PMC42");
    }

    #[test]
    fn esummary_without_result_is_an_error() {
        let message = parse_esummary(r#"{"header":{"type":"esummary"}}"#).unwrap_err().to_string();
        assert!(message.contains("no summaries"), "{message}");
    }
}
