//! The nightly look-up in PubMed, NIH RePORTER and ORCID, against a local server that replays
//! responses saved from those services (crates/citations/tests/fixtures/public, each with where
//! and when it was captured).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::{get, post};

use crate::harness::*;
use aspire::domain::record::ScholarDetails;

const ESEARCH: &str = include_str!("../../../citations/tests/fixtures/public/pubmed-esearch-darwin.json");
const ESUMMARY: &str = include_str!("../../../citations/tests/fixtures/public/pubmed-esummary-27933103.json");
const REPORTER: &str = include_str!("../../../citations/tests/fixtures/public/reporter-projects-constructed.json");
const ORCID: &str = include_str!("../../../citations/tests/fixtures/public/orcid-works-0000-0002-7262-6251.json");

/// The three services on one local address, counting the requests they answer.
async fn replay() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = |body: &'static str, hits: &Arc<AtomicUsize>| {
        let hits = hits.clone();
        move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async move { ([("content-type", "application/json")], body) }
        }
    };
    let app = axum::Router::new()
        .route("/eutils/esearch.fcgi", get(counted(ESEARCH, &hits)))
        .route("/eutils/esummary.fcgi", get(counted(ESUMMARY, &hits)))
        .route("/reporter/v2/projects/search", post(counted(REPORTER, &hits)))
        .route("/orcid/v3.0/{id}/works", get(counted(ORCID, &hits)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nightly_look_up_asks_each_scholar_and_never_fills_a_record_by_itself() {
    let (base, hits) = replay().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = spawn_app_on(listener, Backend::Sqlite, |settings| {
        settings.public_data = true;
        settings.public_data_pause_ms = 0;
        settings.pubmed_url = format!("{base}/eutils/");
        settings.reporter_url = format!("{base}/reporter/");
        settings.orcid_url = format!("{base}/orcid/");
    })
    .await
    .unwrap();
    let world = app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    // An author of the saved PubMed record, a PI of a saved RePORTER project, and a scholar whose
    // ORCID iD is the saved record's.
    let mut ids = Vec::new();
    for (email, name) in
        [("antony@test.edu", "Antony Williams"), ("joshua@test.edu", "Joshua Smith"), ("orla@test.edu", "Orla Byrne")]
    {
        let id = app.user(email, name, false).await;
        store.add_program_member(world.program, id, aspire::store::ProgramRole::Participant).await.unwrap();
        ids.push(id);
    }
    let (antony, joshua, orla) = (ids[0], ids[1], ids[2]);
    let details = ScholarDetails { orcid: "0000-0002-7262-6251".into(), ..Default::default() };
    store.save_scholar(world.program, orla, &details.validate().unwrap(), now).await.unwrap();

    let night = aspire::public_data::run_nightly(&app.state).await.unwrap().expect("the first server runs the night");
    assert!(night.problems.is_empty(), "{:?}", night.problems);
    assert!(hits.load(Ordering::SeqCst) > 0);
    assert!(aspire::public_data::run_nightly(&app.state).await.unwrap().is_none(), "once a night, whoever asks");

    // Antony is asked about the paper he is an author of; Joshua about the project he leads, not
    // about a paper he did not write.
    let asked = |user: i64| async move { store.open_suggestions(user).await.unwrap() };
    let antony_asked = asked(antony).await;
    assert_eq!(antony_asked.len(), 1, "{antony_asked:?}");
    assert!(antony_asked[0].item.contains("27933103"), "{}", antony_asked[0].item);
    let joshua_asked = asked(joshua).await;
    assert_eq!(joshua_asked.len(), 1, "{joshua_asked:?}");
    assert!(
        joshua_asked[0].item.contains("AA029316") && joshua_asked[0].item.contains("multi_pi"),
        "{}",
        joshua_asked[0].item
    );
    assert!(store.user_record_items(antony).await.unwrap().is_empty(), "nothing goes in unasked");
    // Orla's own ORCID record goes into her record at once.
    let orla_items = store.user_record_items(orla).await.unwrap();
    assert!(!orla_items.is_empty() && orla_items.iter().all(|i| i.kind == "publication"));
    assert!(asked(orla).await.is_empty());

    // Antony says yes; nobody else may answer for him; Joshua says no.
    let other = app.signed_in(MEMBER_A).await;
    let csrf = other.csrf("/record").await;
    let theirs = format!("/record/suggestions/{}/confirm", antony_asked[0].id);
    assert_eq!(other.post_form(&theirs, &[("csrf", &csrf)]).await.status(), 404);
    let client = app.client();
    store.set_password(antony, &aspire::auth::password::hash_blocking(PASSWORD).unwrap()).await.unwrap();
    client.login("antony@test.edu", PASSWORD).await;
    let (_, page) = client.get_text("/record").await;
    assert!(page.contains("Is this yours?") && page.contains("from PubMed"), "{page}");
    let csrf = client.csrf("/record").await;
    assert_eq!(client.post_form(&theirs, &[("csrf", &csrf)]).await.status(), 303);
    let items = store.user_record_items(antony).await.unwrap();
    assert_eq!((items.len(), items[0].pmid.as_str()), (1, "27933103"));
    store.settle_suggestion(joshua_asked[0].id, None, now).await.unwrap();

    // The next night asks neither again.
    app.clock.advance(86_400);
    let night = aspire::public_data::run_nightly(&app.state).await.unwrap().expect("a new night");
    assert_eq!(night.found, 0, "{night:?}");
    assert!(asked(antony).await.is_empty() && asked(joshua).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_cannot_be_reached_is_named_and_nothing_else_stops() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    // Nothing listens on port 9 of this machine.
    let app = spawn_app_on(listener, Backend::Sqlite, |settings| {
        settings.public_data = true;
        settings.public_data_pause_ms = 0;
        settings.pubmed_url = "http://127.0.0.1:9/".into();
        settings.reporter_url = "http://127.0.0.1:9/".into();
    })
    .await
    .unwrap();
    app.world().await;
    let night = aspire::public_data::run_nightly(&app.state).await.unwrap().unwrap();
    assert!(night.scholars > 0);
    assert!(night.problems.iter().any(|p| p.starts_with("PubMed: could not be reached")), "{:?}", night.problems);
    assert!(night.problems.iter().any(|p| p.starts_with("NIH RePORTER:")), "{:?}", night.problems);
}
