//! The profile's availability: the week grid shows the weekday hours it covers, and hours
//! outside it (weekends, early or late) stay in their own line instead of being lost on save.

use aspire::domain::Profile;

use crate::harness::*;
use crate::on_both_backends;

on_both_backends!(saving_the_profile_keeps_hours_the_grid_does_not_show, |app: TestApp| async move {
    app.world().await;
    let store = &app.state.store;
    let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap();
    let profile = Profile { availability: "Mon 09-10; Sat 09-11".into(), ..mina.profile.clone() }.validate().unwrap();
    store.update_profile(mina.id, &profile).await.unwrap();

    let client = app.signed_in(MEMBER_A).await;
    let (_, page) = client.get_text("/profile").await;
    assert!(page.contains(r#"value="Mon 09" aria-label="Mon 09:00" checked"#), "Monday 09:00 is ticked");
    assert!(page.contains(r#"name="availability" value="Sat 09-11""#), "Saturday is in the other hours");

    let csrf = csrf_in(&page).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "Mina Alpha"),
        ("slot", "Mon 09"),
        ("slot", "Tue 14"),
        ("availability", "Sat 09-11"),
    ];
    let response = client.post_form("/profile", &fields).await;
    assert_eq!(response.status(), 303);
    let saved = store.user(mina.id).await.unwrap().unwrap();
    assert_eq!(saved.profile.availability, "Mon 09-10; Tue 14-15; Sat 09-11");

    let bad =
        client.post_form("/profile", &[("csrf", csrf.as_str()), ("name", "Mina"), ("availability", "Someday")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("value=\"Someday\""), "what was typed is kept to fix");
});
