//! The email outbox: delivery over SMTP, retries after failures, and one delivery per message
//! even with several workers.

use aspire::notify::{deliver_due, enqueue, outbox};

use crate::harness::*;
use crate::on_both_backends;
use crate::smtp::SmtpSink;

on_both_backends!(outbox_delivers_over_smtp_and_retries_after_failure, |app: TestApp| async move {
    let sink = SmtpSink::start().await;
    let transport = outbox::transport(&sink.url()).unwrap();
    let store = app.state.store.as_ref();
    let now = app.clock.now_value();
    enqueue(store, now, "ana@test.edu", "Welcome", "Hello Ana, here is your link.".into()).await.unwrap();

    sink.refuse_next(1);
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 0, "the server refused the message");
    let waiting = store.list_outbox(10).await.unwrap().remove(0);
    assert!(waiting.sent_at.is_none());
    assert!(waiting.last_error.contains("try again later"), "{}", waiting.last_error);
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 0, "not retried before its backoff");

    app.clock.advance(outbox::backoff_seconds(1));
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 1);
    let sent = store.list_outbox(10).await.unwrap().remove(0);
    assert!(sent.sent_at.is_some());
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("Subject: Welcome"));
    assert!(messages[0].contains("Hello Ana, here is your link."));
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 0, "a sent message is never sent again");
});

on_both_backends!(racing_workers_claim_each_message_once, |app: TestApp| async move {
    let store = app.state.store.clone();
    let now = app.clock.now_value();
    for i in 0..40 {
        enqueue(store.as_ref(), now, &format!("p{i}@test.edu"), "Hi", "body".into()).await.unwrap();
    }
    let mut workers = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let batch = store.claim_due_emails(now, 120, 3).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                claimed.extend(batch.into_iter().map(|m| m.id));
            }
            claimed
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(count, 40, "every message claimed");
    assert_eq!(all.len(), 40, "no message claimed twice");
});

on_both_backends!(an_email_with_an_unsubscribe_link_carries_the_one_click_headers, |app: TestApp| async move {
    let sink = SmtpSink::start().await;
    let transport = outbox::transport(&sink.url()).unwrap();
    let email = aspire::store::NewEmail {
        recipient: "ana@test.edu".into(),
        subject: "Milo replied in Group A".into(),
        body: "Read it here.".into(),
        unsubscribe_url: "https://aspire.test/unsubscribe/abc".into(),
    };
    app.state.store.enqueue_email(&email, app.clock.now_value()).await.unwrap();
    enqueue(app.state.store.as_ref(), app.clock.now_value(), "ben@test.edu", "Welcome", "Hi".into()).await.unwrap();
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 2);
    let messages = sink.messages();
    let notice = messages.iter().find(|m| m.contains("Milo replied")).unwrap();
    assert!(notice.contains("List-Unsubscribe: <https://aspire.test/unsubscribe/abc>"), "{notice}");
    assert!(notice.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{notice}");
    let welcome = messages.iter().find(|m| m.contains("Subject: Welcome")).unwrap();
    assert!(!welcome.contains("List-Unsubscribe"), "only emails one can unsubscribe from say so");
});
