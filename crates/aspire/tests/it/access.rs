//! Who may see and do what: the authorization matrix over every route the router serves.

use crate::harness::*;
use crate::on_both_backends;

/// The roles, in the order of each row's expectations.
const ROLES: [(&str, Option<&str>); 8] = [
    ("anonymous", None),
    ("admin", Some(ADMIN)),
    ("coordinator", Some(COORDINATOR)),
    ("coordinator of another program", Some(OTHER_COORDINATOR)),
    ("facilitator", Some(FACILITATOR_A)),
    ("member", Some(MEMBER_A)),
    ("member of another group", Some(MEMBER_B)),
    ("former member", Some(FORMER_MEMBER)),
];

/// Was in group A, then was removed; still in the program.
const FORMER_MEMBER: &str = "former.member@test.edu";

/// What a role gets: a status code, or `LOGIN` for a redirect to the login page.
const LOGIN: u16 = 1;
const OK: u16 = 200;
const DONE: u16 = 303;
const HIDDEN: u16 = 404;

struct Row {
    method: &'static str,
    route: &'static str,
    expect: [u16; 8],
}

/// One row per route. Columns: anonymous, admin, coordinator, other coordinator, facilitator,
/// member, member of another group, former member. POSTs carry the role's own valid CSRF token.
const MATRIX: &[Row] = &[
    Row { method: "GET", route: "/login", expect: [OK, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    Row { method: "POST", route: "/login", expect: [403; 8] },
    // This app has no single sign-on provider: both are hidden (`sso` tests the rest).
    Row { method: "GET", route: "/login/sso", expect: [HIDDEN; 8] },
    Row { method: "GET", route: "/login/sso/callback", expect: [HIDDEN; 8] },
    Row { method: "GET", route: "/", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "GET", route: "/admin", expect: [LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row {
        method: "POST",
        route: "/admin/programs",
        expect: [LOGIN, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/admin/programs/{id}/coordinators",
        expect: [LOGIN, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/admin/outbox", expect: [LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row { method: "GET", route: "/programs/{id}", expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row {
        method: "POST",
        route: "/programs/{id}/people",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/people/{user_id}/invite",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/invitations",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/groups",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/programs/{id}/import",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/import",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/import/confirm",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/programs/{id}/roster-template.csv",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/groups/{id}", expect: [LOGIN, OK, OK, HIDDEN, OK, OK, HIDDEN, HIDDEN] },
    Row {
        method: "POST",
        route: "/groups/{id}/members",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/members/{user_id}/remove",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/rename",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/groups/{id}/meetings",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/meetings",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/groups/{id}/meetings/{start}",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/meetings/{start}/cancel",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/meetings/{start}/attendance",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/meetings/{start}/goals",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    // Edit, withdraw (a goal planted for each role) and carry before report: once reported, or
    // carried, a goal can no longer change.
    Row {
        method: "POST",
        route: "/goals/{id}/edit",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/goals/{id}/delete",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/goals/{id}/carry",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/goals/{id}/report",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/goals", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "GET", route: "/goals/year", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    // Engagement over time: counts for the program's managers only.
    Row {
        method: "GET",
        route: "/programs/{id}/engagement",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/programs/{id}/engagement.csv",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // The annual review as Markdown: one's own, whoever asks.
    Row { method: "GET", route: "/goals/year.md", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/goals/long-term", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    Row {
        method: "POST",
        route: "/goals/long-term/{id}",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row { method: "POST", route: "/goals/reminders", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    Row {
        method: "GET",
        route: "/programs/{id}/accountability",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/groups/{id}/meetings.ics",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    Row { method: "POST", route: "/calendar/feed", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/calendar/feed/revoke", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    Row { method: "GET", route: "/calendar/feed/{token}", expect: [HIDDEN; 8] },
    Row { method: "POST", route: "/goals/api-token", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/goals/api-token/revoke", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    // The API takes bearer tokens only: a browser session, signed in or not, gets a 401.
    Row { method: "GET", route: "/api/v1/meetings", expect: [401; 8] },
    Row { method: "POST", route: "/api/v1/groups/{id}/meetings/{start}/goals", expect: [401; 8] },
    Row { method: "GET", route: "/invite/{token}", expect: [410; 8] },
    Row { method: "POST", route: "/invite/{token}", expect: [403; 8] },
    Row { method: "GET", route: "/password/forgot", expect: [OK; 8] },
    Row { method: "GET", route: "/unsubscribe/{token}", expect: [410; 8] },
    Row { method: "POST", route: "/unsubscribe/{token}", expect: [410; 8] },
    Row { method: "POST", route: "/account/notifications", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    Row { method: "POST", route: "/password/forgot", expect: [403; 8] },
    Row { method: "GET", route: "/password/reset/{token}", expect: [410; 8] },
    Row { method: "POST", route: "/password/reset/{token}", expect: [403; 8] },
    Row { method: "GET", route: "/profile", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/profile", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    // One's own answers to the programs' identity questions: anyone signed in (questions of
    // programs they are not a participant of are ignored).
    Row { method: "POST", route: "/profile/identity", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
    // A program's identity questions and their suppressed counts: its managers only.
    Row {
        method: "GET",
        route: "/programs/{id}/identity",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/identity",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/identity/{question_id}/delete",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // The threshold that hides small counts: admins only, so that no coordinator lowers it.
    Row {
        method: "POST",
        route: "/programs/{id}/small-cell",
        expect: [LOGIN, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // One's own record: anyone signed in sees it; a program's scholars (its participants) add to
    // it and correct their time there; an item is its owner's (Mina's) alone.
    Row { method: "GET", route: "/record", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row {
        method: "POST",
        route: "/record/{program_id}/items",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, DONE, DONE],
    },
    Row {
        method: "POST",
        route: "/record/{program_id}/details",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, DONE, DONE],
    },
    Row {
        method: "GET",
        route: "/record/items/{id}",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/record/items/{id}",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/record/items/{id}/delete",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    // What the nightly look-up suggests to Mina: hers alone to confirm or dismiss.
    Row {
        method: "POST",
        route: "/record/suggestions/{id}/confirm",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/record/suggestions/{id}/dismiss",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    // A scholar's record and the named tables (Table 8 is the `{file}` here) are the program's
    // coordinators'; the aggregate reports are its managers', admins included.
    Row {
        method: "GET",
        route: "/programs/{id}/scholars/{user_id}",
        expect: [LOGIN, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/scholars/{user_id}",
        expect: [LOGIN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/programs/{id}/record-items/{item_id}/r01-equivalent",
        expect: [LOGIN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/programs/{id}/outcomes",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/programs/{id}/outcomes/{file}",
        expect: [LOGIN, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/healthz", expect: [OK; 8] },
    // Off unless a metrics token is set (and then for the token only, see ops.rs).
    Row { method: "GET", route: "/metrics", expect: [HIDDEN; 8] },
    Row { method: "GET", route: "/static/{*path}", expect: [OK; 8] },
    Row {
        method: "POST",
        route: "/programs/{id}/rounds",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/rounds/{id}", expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row {
        method: "GET",
        route: "/rounds/{id}/compare",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/rounds/{id}/remind",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/rounds/{id}/place",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "GET",
        route: "/rounds/{id}/criteria",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/rounds/{id}/criteria",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/rounds/{id}/jobs",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/jobs/{id}", expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row {
        method: "POST",
        route: "/jobs/{id}/stop",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/drafts/{id}", expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    Row {
        method: "POST",
        route: "/drafts/{id}/move",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/drafts/{id}/swap",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // Saying what a move would do changes nothing: a page for those who may edit the draft.
    Row {
        method: "POST",
        route: "/drafts/{id}/preview",
        expect: [LOGIN, OK, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/drafts/{id}/unpin",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/drafts/{id}/lock",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/drafts/{id}/rerun",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/drafts/{id}/publish",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // After the publish row: the round has groups, so its cohort can end (once; later, "already").
    Row {
        method: "POST",
        route: "/rounds/{id}/close",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    // Rows that change who is in the round come after the draft rows.
    Row {
        method: "POST",
        route: "/rounds/{id}/people",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/rounds/{id}/people/{user_id}/remove",
        expect: [LOGIN, DONE, DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/enrol/{token}", expect: [OK; 8] },
    Row { method: "POST", route: "/enrol/{token}", expect: [403; 8] },
    // Wins, discussion, own data, audit (the item rows below cover each visibility).
    Row { method: "GET", route: "/wins", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/wins", expect: [LOGIN, 422, DONE, 422, DONE, DONE, DONE, DONE] },
    Row { method: "POST", route: "/wins/import", expect: [LOGIN, 422, DONE, 422, DONE, DONE, DONE, DONE] },
    Row { method: "GET", route: "/programs/{id}/celebrations", expect: [LOGIN, OK, OK, HIDDEN, OK, OK, OK, OK] },
    Row {
        method: "GET",
        route: "/groups/{id}/discussion",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    Row {
        method: "POST",
        route: "/groups/{id}/discussion",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/account", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "GET", route: "/account/export.json", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "GET", route: "/account/export.csv", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    // With a wrong password (and for managers, always): refused with the reason.
    Row { method: "POST", route: "/account/delete", expect: [LOGIN, 422, 422, 422, 422, 422, 422, 422] },
    Row { method: "GET", route: "/admin/audit", expect: [LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN] },
    // Resources, opportunities, nominations (a resource's own routes are item rows below). The
    // upload shares with group A; the nomination rows act on Fay's accepted nomination of Mina.
    Row { method: "GET", route: "/programs/{id}/resources", expect: [LOGIN, OK, OK, HIDDEN, OK, OK, OK, OK] },
    Row {
        method: "POST",
        route: "/programs/{id}/resources",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    Row { method: "GET", route: "/programs/{id}/opportunities", expect: [LOGIN, OK, OK, HIDDEN, OK, OK, OK, OK] },
    Row {
        method: "POST",
        route: "/programs/{id}/opportunities",
        expect: [LOGIN, HIDDEN, DONE, HIDDEN, DONE, DONE, DONE, DONE],
    },
    Row {
        method: "POST",
        route: "/opportunities/{id}/nominations",
        expect: [LOGIN, HIDDEN, DONE, HIDDEN, DONE, DONE, DONE, DONE],
    },
    Row { method: "GET", route: "/nominations", expect: [LOGIN, OK, OK, OK, OK, OK, OK, OK] },
    Row { method: "POST", route: "/nominations/{id}/respond", expect: ONLY_AUTHOR },
    // The nominee and, once she accepted, the program's coordinator; not her nominator.
    Row {
        method: "POST",
        route: "/nominations/{id}/outcome",
        expect: [LOGIN, HIDDEN, DONE, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    // Last: it ends the session.
    Row { method: "POST", route: "/logout", expect: [LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE] },
];

/// Rows for routes about one shared item, once per visibility the item may have. Member A is the
/// author of every item; fresh items are planted for each role.
struct ItemRow {
    method: &'static str,
    route: &'static str,
    visibility: &'static str,
    expect: [u16; 8],
}

const ONLY_AUTHOR: [u16; 8] = [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN];
const ITEM_MATRIX: &[ItemRow] = &[
    ItemRow {
        method: "GET",
        route: "/wins/{id}",
        visibility: "private",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "GET",
        route: "/wins/{id}",
        visibility: "group",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "GET",
        route: "/wins/{id}",
        visibility: "program",
        expect: [LOGIN, OK, OK, HIDDEN, OK, OK, OK, OK],
    },
    ItemRow {
        method: "POST",
        route: "/wins/{id}/cheers",
        visibility: "private",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "POST",
        route: "/wins/{id}/cheers",
        visibility: "group",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "POST",
        route: "/wins/{id}/cheers",
        visibility: "program",
        expect: [LOGIN, DONE, DONE, HIDDEN, DONE, DONE, DONE, DONE],
    },
    ItemRow { method: "POST", route: "/wins/{id}/edit", visibility: "private", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/wins/{id}/edit", visibility: "group", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/wins/{id}/edit", visibility: "program", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/wins/{id}/delete", visibility: "private", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/wins/{id}/delete", visibility: "group", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/wins/{id}/delete", visibility: "program", expect: ONLY_AUTHOR },
    ItemRow {
        method: "GET",
        route: "/posts/{id}",
        visibility: "group",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "GET",
        route: "/posts/{id}",
        visibility: "facilitator",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "POST",
        route: "/posts/{id}/replies",
        visibility: "group",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "POST",
        route: "/posts/{id}/replies",
        visibility: "facilitator",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DONE, HIDDEN, HIDDEN],
    },
    ItemRow { method: "POST", route: "/posts/{id}/edit", visibility: "group", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/posts/{id}/edit", visibility: "facilitator", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/posts/{id}/delete", visibility: "group", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/posts/{id}/delete", visibility: "facilitator", expect: ONLY_AUTHOR },
    ItemRow {
        method: "GET",
        route: "/resources/{id}/download",
        visibility: "group",
        expect: [LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN, HIDDEN],
    },
    ItemRow {
        method: "GET",
        route: "/resources/{id}/download",
        visibility: "program",
        expect: [LOGIN, OK, OK, HIDDEN, OK, OK, OK, OK],
    },
    ItemRow { method: "POST", route: "/resources/{id}/delete", visibility: "group", expect: ONLY_AUTHOR },
    ItemRow { method: "POST", route: "/resources/{id}/delete", visibility: "program", expect: ONLY_AUTHOR },
];

/// Markers planted in member A's items, and who may ever receive each (emails of the roles).
const WIN_PRIVATE_MARKER: &str = "WINMARKER-5d1e-private";
const WIN_GROUP_MARKER: &str = "WINMARKER-77b0-group";
const WIN_PROGRAM_MARKER: &str = "WINMARKER-c3a9-program";
const POST_GROUP_MARKER: &str = "POSTMARKER-2f64-group";
const CONCERN_MARKER: &str = "POSTMARKER-a81c-facilitator-only";
const RESOURCE_GROUP_MARKER: &str = "RESOURCEMARKER-5d0e-group";
const RESOURCE_PROGRAM_MARKER: &str = "RESOURCEMARKER-9b27-program";
/// In the statement of Fay's nomination of Mina: the two of them, and the coordinator once
/// Mina accepted.
const NOMINATION_MARKER: &str = "NOMINATIONMARKER-c81b-between-two";

const ITEM_MARKERS: [&str; 8] = [
    WIN_PRIVATE_MARKER,
    WIN_GROUP_MARKER,
    WIN_PROGRAM_MARKER,
    POST_GROUP_MARKER,
    CONCERN_MARKER,
    RESOURCE_GROUP_MARKER,
    RESOURCE_PROGRAM_MARKER,
    NOMINATION_MARKER,
];

/// A reference manager's export, for the import row.
const RIS_EXPORT: &str = "TY  - JOUR\nTI  - Peer mentoring and grant success\nAU  - Alpha, Mina\nPY  - 2026\nDO  - 10.1000/matrix.1\nER  - \n";

/// Member A's items for one role's turn: a win of each visibility and a thread of each audience.
struct Items {
    wins: std::collections::HashMap<&'static str, i64>,
    posts: std::collections::HashMap<&'static str, i64>,
    resources: std::collections::HashMap<&'static str, i64>,
}

async fn plant_items(app: &TestApp, world: &World, member_a: i64, facilitator_a: i64) -> Items {
    use aspire::domain::Visibility;
    use aspire::store::community::{NewPost, Win};
    let store = &app.state.store;
    let now = app.clock.now_value();
    let mut wins = std::collections::HashMap::new();
    for (visibility, marker) in
        [("private", WIN_PRIVATE_MARKER), ("group", WIN_GROUP_MARKER), ("program", WIN_PROGRAM_MARKER)]
    {
        let win = Win {
            user_id: member_a,
            program_id: world.program,
            group_id: Some(world.group_a),
            kind: "paper".into(),
            title: format!("A paper {marker}"),
            visibility: aspire::domain::Visibility::from_code(visibility).unwrap(),
            ..Win::default()
        };
        wins.insert(visibility, store.create_wins(&[win], now).await.unwrap()[0]);
    }
    let mut posts = std::collections::HashMap::new();
    for (visibility, marker, facilitator) in
        [(Visibility::Group, POST_GROUP_MARKER, None), (Visibility::Facilitator, CONCERN_MARKER, Some(facilitator_a))]
    {
        let post = NewPost {
            group_id: world.group_a,
            thread_id: None,
            author_id: member_a,
            title: marker,
            body: &format!("Something hard this week. {marker}"),
            visibility,
            facilitator_id: facilitator,
        };
        posts.insert(visibility.code(), store.create_post(&post, now).await.unwrap());
    }
    let pdf = b"%PDF-1.4 matrix".to_vec();
    let sha = aspire::store::files::FileStore::new(&app.state.settings.data_dir).save(pdf.clone()).await.unwrap();
    let mut resources = std::collections::HashMap::new();
    for (visibility, group_id, marker) in [
        (Visibility::Group, Some(world.group_a), RESOURCE_GROUP_MARKER),
        (Visibility::Program, None, RESOURCE_PROGRAM_MARKER),
    ] {
        let resource = aspire::store::sharing::NewResource {
            author_id: member_a,
            program_id: world.program,
            group_id,
            visibility,
            title: marker,
            description: "",
            url: "",
            file_sha256: &sha,
            file_name: "aims.pdf",
            content_type: "application/pdf",
            size_bytes: pdf.len() as i64,
            tags: "",
        };
        resources.insert(visibility.code(), store.create_resource(&resource, now).await.unwrap());
    }
    Items { wins, posts, resources }
}

fn may_receive(marker: &str) -> &'static [&'static str] {
    match marker {
        WIN_PRIVATE_MARKER => &[MEMBER_A],
        WIN_PROGRAM_MARKER => &[MEMBER_A, FACILITATOR_A, ADMIN, COORDINATOR, MEMBER_B, FORMER_MEMBER, MEMBER_A2],
        WIN_GROUP_MARKER | POST_GROUP_MARKER | RESOURCE_GROUP_MARKER => &[MEMBER_A, FACILITATOR_A, MEMBER_A2],
        RESOURCE_PROGRAM_MARKER => {
            &[MEMBER_A, FACILITATOR_A, ADMIN, COORDINATOR, MEMBER_B, FORMER_MEMBER, MEMBER_A2, SPARE]
        }
        NOMINATION_MARKER => &[MEMBER_A, FACILITATOR_A, COORDINATOR],
        _ => &[MEMBER_A, FACILITATOR_A],
    }
}

/// Mina's answer to an identity question of the program: a page or export that shows it as
/// hers (a chosen option, an answer in an export) may reach Mina alone. The choice itself is
/// offered to everyone asked, and counted (suppressed) for coordinators.
const IDENTITY_MARKER: &str = "IDENTITYMARKER-4b1e";

fn shows_identity_answer(body: &str) -> bool {
    body.contains(&format!("{IDENTITY_MARKER}\" selected"))
        || body.replace("\": ", "\":").contains(&format!("\"answer\":\"{IDENTITY_MARKER}\""))
        || body.contains(&format!(",{IDENTITY_MARKER},"))
}

/// A marker planted in a member's private goals: nobody but that member may ever receive it.
const MARKER: &str = "MARKER-7f3a-private-goal";

/// A marker planted in a goal Mina declared in group A: only group A's members and
/// facilitator may ever receive it (pages, calendars, emails).
const GOAL_MARKER: &str = "GOALMARKER-91c2-group-only";

/// What the accountability routes need: a meeting of group A, Mina's goal there, her
/// long-term goal and her id.
#[derive(Clone, Copy)]
struct Loop {
    start: i64,
    goal: i64,
    /// Mina's goal that this role's row tries to withdraw, planted afresh for each role.
    withdrawable: i64,
    long_goal: i64,
    member_a: i64,
    /// The program's identity question Mina answered (with `IDENTITY_MARKER`).
    identity: i64,
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let table = aspire::server::route_table();
    for route in &table {
        assert!(
            MATRIX.iter().any(|row| row.method == route.method && row.route == route.path)
                || ITEM_MATRIX.iter().any(|row| row.method == route.method && row.route == route.path),
            "the route {} {} has no row in the authorization matrix: add one",
            route.method,
            route.path
        );
    }
    let rows = MATRIX.iter().map(|r| (r.method, r.route)).chain(ITEM_MATRIX.iter().map(|r| (r.method, r.route)));
    for (method, route) in rows {
        assert!(
            table.iter().any(|r| r.method == method && r.path == route),
            "the matrix row {method} {route} names a route the router does not serve"
        );
    }
}

/// The round, job and draft the matrix asks about (a fresh draft per role, since publishing
/// one is among the rows), and a second round that still takes enrolments.
struct Formed {
    round: i64,
    job: i64,
    draft: i64,
    enrol_token: String,
    /// A fresh opportunity, and Fay's accepted nomination of Mina for it, for each role.
    opportunity: i64,
    nomination: i64,
    /// Someone in the program who has never set a password: who invitations are for.
    invitee: i64,
    /// A fresh identity question of the program, for each role.
    question: i64,
    /// A fresh grant in Mina's record in the program, for each role.
    record_item: i64,
    /// A fresh suggestion of the nightly look-up for Mina, for each role.
    suggestion: i64,
}

fn concrete(route: &str, world: &World, group_member: i64, formed: &Formed, lp: &Loop) -> String {
    route
        .replace("/opportunities/{id}", &format!("/opportunities/{}", formed.opportunity))
        .replace("/nominations/{id}", &format!("/nominations/{}", formed.nomination))
        .replace("/goals/long-term/{id}", &format!("/goals/long-term/{}", lp.long_goal))
        .replace("/goals/{id}/delete", &format!("/goals/{}/delete", lp.withdrawable))
        .replace("/goals/{id}", &format!("/goals/{}", lp.goal))
        .replace("{start}", &lp.start.to_string())
        .replace("/rounds/{id}", &format!("/rounds/{}", formed.round))
        .replace("/jobs/{id}", &format!("/jobs/{}", formed.job))
        .replace("/drafts/{id}", &format!("/drafts/{}", formed.draft))
        .replace("/people/{user_id}/invite", &format!("/people/{}/invite", formed.invitee))
        .replace("/enrol/{token}", &format!("/enrol/{}", formed.enrol_token))
        .replace("{question_id}", &formed.question.to_string())
        .replace("/record/items/{id}", &format!("/record/items/{}", formed.record_item))
        .replace("/record/suggestions/{id}", &format!("/record/suggestions/{}", formed.suggestion))
        .replace("{item_id}", &formed.record_item.to_string())
        .replace("{program_id}", &world.program.to_string())
        .replace("{file}", "table8.csv")
        .replace("/programs/{id}", &format!("/programs/{}", world.program))
        .replace("/admin/programs/{id}", &format!("/admin/programs/{}", world.other_program))
        .replace("/groups/{id}", &format!("/groups/{}", world.group_a))
        .replace("{user_id}", &group_member.to_string())
        .replace("{token}", "0000000000000000000000000000000000000000000000000000000000000000")
        .replace("{*path}", "aspire.css")
}

fn form_for(route: &str, world: &World, lp: &Loop) -> Vec<(&'static str, String)> {
    match route {
        // The schedule the group already has: saving it changes no meeting.
        "/groups/{id}/meetings" => vec![
            ("cadence", "weekly".into()),
            ("nth", "1".into()),
            ("weekday", "2".into()),
            ("time", "09:30".into()),
            ("time_zone", "America/New_York".into()),
            ("duration_minutes", "60".into()),
            ("place", "Room 101".into()),
            ("reminder_lead_hours", "24".into()),
        ],
        "/groups/{id}/meetings/{start}/cancel" => vec![("cancelled", "0".into())],
        "/groups/{id}/meetings/{start}/attendance" => {
            vec![("user_id", lp.member_a.to_string()), ("present", "1".into())]
        }
        "/groups/{id}/meetings/{start}/goals" => vec![("text", "Write the discussion section".into())],
        "/goals/{id}/report" => vec![("status", "met".into())],
        // The same words: the marker stays for the rows after.
        "/goals/{id}/edit" => vec![("text", GOAL_MARKER.into()), ("kind", "grant".into())],
        "/goals/long-term" => vec![("title", "Publish two first-author papers".into())],
        "/goals/long-term/{id}" => vec![("status", "done".into())],
        "/goals/reminders" => vec![("muted", "0".into())],
        "/login" => vec![("email", MEMBER_A.into()), ("password", PASSWORD.into())],
        "/record/{program_id}/items" | "/record/items/{id}" => vec![
            ("kind", "grant".into()),
            ("title", "Matrix grant".into()),
            ("code", "K23".into()),
            ("role", "pi".into()),
            ("status", "funded".into()),
        ],
        "/record/{program_id}/details" | "/programs/{id}/scholars/{user_id}" => {
            vec![("mentors", "Dr. Matrix".into()), ("outcome", "".into()), ("no_publications_reason", "".into())]
        }
        "/programs/{id}/record-items/{item_id}/r01-equivalent" => vec![("confirmed", "no".into())],
        "/programs/{id}/small-cell" => vec![("small_cell", "11".into())],
        "/admin/programs" => vec![("name", format!("New program {}", world.program))],
        "/admin/programs/{id}/coordinators" => {
            vec![("name", "New Coordinator".into()), ("email", "new.coord@test.edu".into())]
        }
        "/programs/{id}/people" => vec![("name", "Pat New".into()), ("email", "pat.new@test.edu".into())],
        "/programs/{id}/groups" => vec![("name", format!("Group {}", rand_suffix()))],
        "/programs/{id}/import/confirm" => {
            vec![("roster", "email,name\nroster.person@test.edu,Roster Person\n".into())]
        }
        "/groups/{id}/members" => vec![("user_id", world.spare.to_string()), ("role", "member".into())],
        // The name it has: the rows after still find "Group A".
        "/groups/{id}/rename" => vec![("name", "Group A".into())],
        "/password/forgot" => vec![("email", MEMBER_A.into())],
        "/account/notifications" => vec![("discussion", "off".into())],
        "/invite/{token}" | "/password/reset/{token}" => {
            vec![("password", "a long new password".into()), ("confirm", "a long new password".into())]
        }
        "/profile" => vec![("name", "Renamed Person".into())],
        // An answer of one's own (kept for those asked the question, ignored for the rest).
        "/profile/identity" => {
            vec![(Box::leak(format!("identity_{}", lp.identity).into_boxed_str()) as &str, "Another answer".into())]
        }
        "/programs/{id}/identity" => vec![
            ("key", format!("q{}", rand_suffix().to_lowercase())),
            ("question", "Are you the first in your family at university?".into()),
            ("choices", "Yes\nNo".into()),
        ],
        "/wins" => vec![
            ("kind", "paper".into()),
            ("title", "Peer mentoring in practice".into()),
            ("share", format!("program:p{}", world.program)),
        ],
        "/wins/{id}/cheers" => vec![("message", "Congratulations!".into())],
        "/wins/{id}/edit" => {
            vec![("kind", "award".into()), ("title", "Edited win".into()), ("date", "2026-05-01".into())]
        }
        "/groups/{id}/discussion" => vec![("title", "This week".into()), ("body", "How did it go?".into())],
        "/posts/{id}/replies" => vec![("body", "Thinking of you.".into())],
        "/posts/{id}/edit" => vec![("title", "Edited title".into()), ("body", "Edited text".into())],
        "/account/delete" => vec![("password", "not the password".into()), ("posts", "keep".into())],
        "/programs/{id}/rounds" => vec![("name", format!("Round {}", rand_suffix())), ("who", "newcomers".into())],
        "/rounds/{id}/people" => vec![("who", "newcomers".into())],
        "/rounds/{id}/criteria" => vec![
            ("min_size", "2".into()),
            ("max_size", "3".into()),
            ("mode_department", "diverse".into()),
            ("weight_department", "1".into()),
            ("min_common_slots", "0".into()),
        ],
        "/rounds/{id}/jobs" | "/drafts/{id}/rerun" => {
            vec![("request_key", rand_suffix().repeat(3)), ("seconds", "1".into())]
        }
        "/drafts/{id}/move" | "/drafts/{id}/preview" => vec![("email", MEMBER_A.into()), ("to", "1".into())],
        "/drafts/{id}/swap" => vec![("a", MEMBER_A.into()), ("b", MEMBER_B.into())],
        "/drafts/{id}/lock" => vec![("group", "2".into())],
        "/drafts/{id}/unpin" => vec![("email", MEMBER_A.into())],
        "/programs/{id}/opportunities" => {
            vec![("kind", "talk".into()), ("title", "Grand rounds".into()), ("deadline", "2030-01-31".into())]
        }
        "/opportunities/{id}/nominations" => {
            vec![("nominee_id", world.spare.to_string()), ("statement", "Sam explains things clearly.".into())]
        }
        "/nominations/{id}/respond" => vec![("answer", "accept".into())],
        "/nominations/{id}/outcome" => vec![("outcome", "selected".into())],
        _ => vec![],
    }
}

fn rand_suffix() -> String {
    aspire::auth::token::new_token()[..8].to_string()
}

on_both_backends!(authorization_matrix, |app: TestApp| async move {
    let world = app.world().await;
    let member_a = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap();
    let mut profile = member_a.profile.clone();
    profile.goals = MARKER.into();
    app.state.store.update_profile(member_a.id, &profile).await.unwrap();
    let removable = app.state.store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id;
    crate::meetings::weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    let start = crate::meetings::ny("2026-06-02T09:30");
    let goal = aspire::store::meetings::NewGoal {
        group_id: world.group_a,
        user_id: member_a.id,
        meeting_start: start,
        text: GOAL_MARKER.into(),
        kind: "grant".into(),
        long_goal_id: None,
        carried_from: None,
    };
    let planted = app.clock.now_value();
    let withdrawable = goal.clone();
    let goal = app.state.store.declare_goal(&goal, planted).await.unwrap();
    let long_goal = app.state.store.create_long_goal(member_a.id, GOAL_MARKER, "grant", "", planted).await.unwrap();
    let lp = Loop { start, goal, withdrawable: 0, long_goal, member_a: member_a.id, identity: 0 };
    let store = &app.state.store;
    let facilitator_a = store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().id;
    // The former member: was in group A, then was removed; still in the program.
    let former = app.user(FORMER_MEMBER, "Flo Former", false).await;
    store.add_program_member(world.program, former, aspire::store::ProgramRole::Participant).await.unwrap();
    crate::harness::seat(store, world.group_a, former, aspire::store::GroupRole::Member).await;
    crate::harness::unseat(store, world.group_a, former).await;
    let now = app.clock.now_value();
    let criteria = toml::to_string(&aspire::domain::cohort::default_criteria()).unwrap();
    let round = store.create_round(world.program, "Matrix round", &criteria, "matrix-round-token", now).await.unwrap();
    // Rounds hold the program's participants; its coordinators are never placed in groups.
    let everyone: Vec<i64> = store
        .program_people(world.program)
        .await
        .unwrap()
        .iter()
        .filter(|p| p.role == aspire::store::ProgramRole::Participant)
        .map(|p| p.user.id)
        .collect();
    let invitee =
        aspire::domain::Profile { email: "invitee@test.edu".into(), name: "Ivy Invitee".into(), ..Default::default() };
    store.import_roster(world.program, &[invitee.validate().unwrap()], now).await.unwrap();
    let invitee = store.user_by_email("invitee@test.edu").await.unwrap().unwrap().id;
    store.add_round_people(round, &everyone, now).await.unwrap();
    store.create_round(world.program, "Open round", &criteria, "open-round-token", now).await.unwrap();
    let job = store
        .request_job(
            &aspire::store::NewJob {
                round_id: round,
                request_key: "matrix-job".into(),
                seed: 1,
                time_limit_ms: 100,
                locked: "[]".into(),
                requested_by: 1,
                from_draft_id: None,
            },
            now,
        )
        .await
        .unwrap();

    let choices = [IDENTITY_MARKER.to_string(), "Another answer".to_string()];
    assert!(
        store.add_identity_question(world.program, "matrix_identity", "Matrix identity?", &choices, now).await.unwrap()
    );
    let identity = store.identity_questions(&[world.program]).await.unwrap().remove(0).id;
    store.set_identity_answers(lp.member_a, &[(identity, Some(IDENTITY_MARKER.to_string()))], now).await.unwrap();
    let lp = Loop { identity, ..lp };

    for (column, (role, email)) in ROLES.iter().enumerate() {
        // A fresh draft of the round as it is now: earlier roles' rows add and remove people.
        let people: Vec<String> =
            store.round_people(round).await.unwrap().into_iter().map(|u| u.profile.email).collect();
        let groups: Vec<aspire::domain::draft::DraftGroup> = people
            .chunks(3)
            .map(|c| aspire::domain::draft::DraftGroup { members: c.to_vec(), ..Default::default() })
            .collect();
        let scores = aspire::store::DraftScores { total: 0.0, worst: 0.0, warnings: 0 };
        let draft = store
            .create_draft(
                round,
                &format!("Matrix draft {column}"),
                &aspire::domain::draft::to_json(&groups),
                scores,
                now,
            )
            .await
            .unwrap();
        let opportunity = aspire::store::sharing::NewOpportunity {
            program_id: world.program,
            author_id: facilitator_a,
            kind: "award",
            title: "Mentoring award",
            description: "",
            deadline: "2030-01-31",
        };
        let opportunity = store.create_opportunity(&opportunity, now).await.unwrap();
        let nomination = aspire::store::sharing::NewNomination {
            opportunity_id: opportunity,
            nominator_id: facilitator_a,
            nominee_id: lp.member_a,
            statement: NOMINATION_MARKER,
        };
        let mail =
            aspire::store::NewEmail { recipient: MEMBER_A.into(), subject: "Nominated".into(), ..Default::default() };
        let nomination = store.create_nomination(&nomination, &mail, now).await.unwrap();
        store.respond_to_nomination(nomination, "accepted", false).await.unwrap();
        let key = format!("matrix_question_{column}");
        let choices = ["Yes".to_string(), "No".to_string()];
        assert!(store.add_identity_question(world.program, &key, "Matrix question?", &choices, now).await.unwrap());
        let question = store.identity_questions(&[world.program]).await.unwrap().into_iter().find(|q| q.key == key);
        let question = question.unwrap().id;
        let grant = aspire::domain::record::RecordItem {
            program_id: world.program,
            user_id: lp.member_a,
            kind: "grant".into(),
            title: "Foundation award".into(),
            status: "funded".into(),
            role: "pi".into(),
            ..Default::default()
        };
        let record_item = store.add_record_items(&[grant], now).await.unwrap()[0];
        let found = aspire::domain::record::ItemForm {
            kind: "publication".into(),
            title: "Found in PubMed".into(),
            doi: format!("10.5555/matrix.{column}"),
            ..Default::default()
        };
        let suggestion = aspire::store::record::NewSuggestion {
            program_id: world.program,
            user_id: lp.member_a,
            source: "pubmed".into(),
            match_key: format!("doi:10.5555/matrix.{column}"),
            item: serde_json::to_string(&found).unwrap(),
            status: "open".into(),
        };
        store.add_suggestions(&[(suggestion, None)], now).await.unwrap();
        let suggestion = store.open_suggestions(lp.member_a).await.unwrap().last().unwrap().id;
        let formed = Formed {
            round,
            job,
            draft,
            enrol_token: "open-round-token".into(),
            opportunity,
            nomination,
            invitee,
            question,
            record_item,
            suggestion,
        };
        let client = match email {
            Some(email) => app.signed_in(email).await,
            None => app.client(),
        };
        let items = plant_items(&app, &world, lp.member_a, facilitator_a).await;
        let lp = Loop { withdrawable: store.declare_goal(&withdrawable, now).await.unwrap(), ..lp };
        // Mina's answer, as she gave it (her own row of the answer form changes it).
        store
            .set_identity_answers(lp.member_a, &[(lp.identity, Some(IDENTITY_MARKER.to_string()))], now)
            .await
            .unwrap();
        // Earlier roles' rows place people without a group into groups: keep the former member out.
        for seat in store.memberships(former).await.unwrap().groups {
            crate::harness::unseat(store, seat.group_id, former).await;
        }
        let rows = MATRIX.iter().map(|r| (r.method, r.route, None, r.expect));
        let item_rows = ITEM_MATRIX.iter().map(|r| (r.method, r.route, Some(r.visibility), r.expect));
        // Item rows first: the last row of MATRIX ends the session.
        for (method, route, visibility, expect) in item_rows.chain(rows) {
            let mut path = route.to_string();
            if let Some(visibility) = visibility {
                let id = match route.split('/').nth(1) {
                    Some("wins") => items.wins[visibility],
                    Some("resources") => items.resources[visibility],
                    _ => items.posts[visibility],
                };
                path = path.replace("{id}", &id.to_string());
            }
            let path = concrete(&path, &world, removable, &formed, &lp);
            let response = if method == "GET" {
                client.get(&path).await
            } else {
                // The role's own CSRF token, so that the access rule is what is tested.
                let csrf = if email.is_some() { client.csrf("/profile").await } else { String::new() };
                let upload = match route {
                    "/programs/{id}/import" => {
                        Some(("roster", b"email,name\nroster.person@test.edu,Roster Person\n".to_vec(), "r.csv"))
                    }
                    "/wins/import" => Some(("file", RIS_EXPORT.as_bytes().to_vec(), "export.ris")),
                    _ => None,
                };
                if route == "/programs/{id}/resources" {
                    let form = reqwest::multipart::Form::new()
                        .text("csrf", csrf)
                        .text("title", "Matrix link")
                        .text("url", "https://x.edu/matrix")
                        .text("share", world.group_a.to_string());
                    client.http.post(app.url(&path)).multipart(form).send().await.unwrap()
                } else if let Some((field, bytes, file_name)) = upload {
                    let share = format!("program:p{}", world.program);
                    let form = reqwest::multipart::Form::new()
                        .text("csrf", csrf)
                        .text("share", share)
                        .part(field, reqwest::multipart::Part::bytes(bytes).file_name(file_name));
                    client.http.post(app.url(&path)).multipart(form).send().await.unwrap()
                } else {
                    let mut fields = form_for(route, &world, &lp);
                    fields.push(("csrf", csrf));
                    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    client.post_form(&path, &fields).await
                }
            };
            let status = response.status().as_u16();
            let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
            let headers = format!("{:?}", response.headers());
            let body = response.text().await.unwrap();
            let expected = expect[column];
            let context = format!("{method} {route} ({}) as {role}", visibility.unwrap_or("-"));
            if expected == LOGIN {
                assert_eq!(status, 303, "{context}: expected the login page");
                assert!(location.unwrap_or_default().starts_with("/login"), "{context}: expected a redirect to /login");
            } else {
                assert_eq!(status, expected, "{context}: {body}");
            }
            if *email != Some(MEMBER_A) {
                assert!(!body.contains(MARKER) && !headers.contains(MARKER), "{context}: leaked a private goal");
                assert!(!shows_identity_answer(&body), "{context}: showed Mina's identity answer");
            } else if route == "/profile" && method == "GET" {
                assert!(
                    shows_identity_answer(&body),
                    "{context}: Mina sees her own answer, so the check can see one: {body}"
                );
            }
            if ![Some(MEMBER_A), Some(FACILITATOR_A)].contains(email) {
                assert!(
                    !body.contains(GOAL_MARKER) && !headers.contains(GOAL_MARKER),
                    "{context}: leaked a group's goal"
                );
            }
            for marker in ITEM_MARKERS {
                let allowed = email.is_some_and(|e| may_receive(marker).contains(&e));
                if !allowed {
                    assert!(!body.contains(marker) && !headers.contains(marker), "{context}: leaked {marker}");
                }
            }
            // The pages that page (`?before=` newest first, `?after=` in name or date order)
            // answer a later page as they answer the first.
            let newest_first = [
                "/admin/outbox",
                "/admin/audit",
                "/posts/{id}",
                "/groups/{id}/discussion",
                "/wins",
                "/programs/{id}/celebrations",
            ];
            let in_order = ["/programs/{id}", "/programs/{id}/opportunities"];
            let key = if newest_first.contains(&route) {
                Some("before")
            } else if in_order.contains(&route) {
                Some("after")
            } else {
                None
            };
            if let Some(key) = key.filter(|_| method == "GET") {
                let paged = client.get(&format!("{path}?{key}={}", i64::MAX)).await;
                assert_eq!(paged.status().as_u16(), status, "{context}: a later page");
                let paged = paged.text().await.unwrap();
                for marker in ITEM_MARKERS.iter().chain([&GOAL_MARKER, &MARKER]) {
                    let allowed = email.is_some_and(|e| may_receive(marker).contains(&e));
                    assert!(allowed || !paged.contains(marker), "{context}: a later page leaked {marker}");
                }
            }
        }
    }
    // No email went to anyone who may not see what it quotes.
    for message in store.list_outbox(1000).await.unwrap() {
        for marker in ITEM_MARKERS.iter().chain([&GOAL_MARKER, &MARKER]) {
            if message.body.contains(marker) || message.subject.contains(marker) {
                let allowed = may_receive(marker).contains(&message.recipient.as_str())
                    && (*marker != MARKER || message.recipient == MEMBER_A);
                assert!(allowed, "an email to {} quotes {marker}", message.recipient);
            }
        }
    }
});

on_both_backends!(removal_takes_effect_on_the_next_request, |app: TestApp| async move {
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let path = format!("/groups/{}", world.group_a);
    assert_eq!(member.get_text(&path).await.0, 200);
    let id = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    crate::harness::unseat(&app.state.store, world.group_a, id).await;
    assert_eq!(member.get_text(&path).await.0, 404);
});

on_both_backends!(a_member_sees_their_group_and_peers_only, |app: TestApp| async move {
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let (_, page) = member.get_text(&format!("/groups/{}", world.group_a)).await;
    assert!(page.contains("Milo Alpha") && page.contains("Fay Facilitator") && page.contains("Facilitator"));
    assert!(!page.contains("Bea Beta"), "members of other groups are not listed");
    assert!(!page.contains("Add someone"), "members cannot change the group");
    let (status, page) = member.get_text(&format!("/groups/{}", world.group_b)).await;
    assert_eq!(status, 404);
    assert!(!page.contains("Group B") && !page.contains("Bea Beta"), "a hidden group gives away nothing");
});

/// Posts a thread in a group as `client`; returns its id.
async fn start_thread(client: &Client, group: i64, title: &str) -> i64 {
    let path = format!("/groups/{group}/discussion");
    let csrf = client.csrf(&path).await;
    let response = client.post_form(&path, &[("csrf", &csrf), ("title", title), ("body", title)]).await;
    assert_eq!(response.status(), 303, "{title}");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    location.trim_start_matches("/posts/").parse().unwrap()
}

async fn add_to_group(client: &Client, group: i64, user_id: i64, role: &str) -> reqwest::Response {
    let csrf = client.csrf("/profile").await;
    let id = user_id.to_string();
    client.post_form(&format!("/groups/{group}/members"), &[("csrf", &csrf), ("user_id", &id), ("role", role)]).await
}

on_both_backends!(nobody_places_themselves_and_a_newcomer_sees_only_what_follows, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let id_of = |email: &'static str| async move { store.user_by_email(email).await.unwrap().unwrap().id };
    let coordinator = app.signed_in(COORDINATOR).await;
    for role in ["member", "facilitator"] {
        let refused = add_to_group(&coordinator, world.group_a, id_of(COORDINATOR).await, role).await;
        assert_eq!(refused.status(), 422, "a coordinator does not place themselves");
        assert!(refused.text().await.unwrap().contains("You cannot place yourself in a group"));
    }
    // An admin who makes themselves coordinator is told on, and is no nearer to the group.
    let admin = app.signed_in(ADMIN).await;
    let csrf = admin.csrf("/admin").await;
    let granted = admin
        .post_form(
            &format!("/admin/programs/{}/coordinators", world.program),
            &[("csrf", &csrf), ("name", "Ada Admin"), ("email", ADMIN)],
        )
        .await;
    assert_eq!(granted.status(), 303);
    let audit = store.audit_log(100).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "role granted"), "the grant is audited");
    let outbox = store.list_outbox(100).await.unwrap();
    for told in [ADMIN, COORDINATOR] {
        assert!(
            outbox.iter().any(|m| m.recipient == told && m.subject.starts_with("A new coordinator of")),
            "{told} is told of the grant"
        );
    }
    assert_eq!(add_to_group(&admin, world.group_a, id_of(ADMIN).await, "member").await.status(), 422);
    let placed_by_other = add_to_group(&coordinator, world.group_a, id_of(ADMIN).await, "member").await;
    assert_eq!(placed_by_other.status(), 422, "a coordinator of the program is never placed in its groups");
    for client in [&coordinator, &admin] {
        assert_eq!(client.get(&format!("/groups/{}/discussion", world.group_a)).await.status(), 404);
    }

    // Someone added later sees what follows their joining, never what came before.
    let member = app.signed_in(MEMBER_A).await;
    let before = start_thread(&member, world.group_a, "BEFORE-JOINING-7c1e").await;
    app.clock.advance(60);
    assert_eq!(add_to_group(&coordinator, world.group_a, world.spare, "member").await.status(), 303);
    let outbox = store.list_outbox(200).await.unwrap();
    assert!(
        outbox.iter().any(|m| m.recipient == MEMBER_A && m.subject == "Sam Spare joined Group A"),
        "the group is told by email"
    );
    assert!(outbox.iter().any(|m| m.recipient == SPARE && m.subject.starts_with("Your peer group")));
    app.clock.advance(60);
    let after = start_thread(&member, world.group_a, "AFTER-JOINING-2b9d").await;
    let spare = app.signed_in(SPARE).await;
    let (status, group_page) = spare.get_text(&format!("/groups/{}", world.group_a)).await;
    assert_eq!(status, 200);
    assert!(group_page.contains("Sam Spare was added as a member by Cora Coordinator."), "{group_page}");
    assert!(group_page.contains("never what was said before"));
    let (_, discussion) = spare.get_text(&format!("/groups/{}/discussion", world.group_a)).await;
    assert!(discussion.contains("AFTER-JOINING-2b9d") && !discussion.contains("BEFORE-JOINING-7c1e"), "{discussion}");
    assert_eq!(spare.get(&format!("/posts/{before}")).await.status(), 404);
    assert_eq!(spare.get(&format!("/posts/{after}")).await.status(), 200);
    assert_eq!(member.get(&format!("/posts/{before}")).await.status(), 200, "those who were there still see it");
});

/// What stays in group A (or with its author, or its facilitator): the safe space. Program-wide
/// items are not here: whoever enrols in the program through its link may read those.
const SAID_IN_A_GROUP: [&str; 6] =
    [WIN_PRIVATE_MARKER, WIN_GROUP_MARKER, POST_GROUP_MARKER, CONCERN_MARKER, RESOURCE_GROUP_MARKER, GOAL_MARKER];

on_both_backends!(those_who_run_the_program_cannot_make_themselves_able_to_read_a_group, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let member_a = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let facilitator_a = store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().id;
    crate::meetings::weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    let start = crate::meetings::ny("2026-06-02T09:30");
    let criteria = toml::to_string(&aspire::domain::cohort::default_criteria()).unwrap();
    let now = app.clock.now_value();
    let round =
        store.create_round(world.program, "Escalation", &criteria, "escalation-round-token", now).await.unwrap();
    let mut planted = vec![plant_items(&app, &world, member_a, facilitator_a).await];
    let goal = |n: usize| aspire::store::meetings::NewGoal {
        group_id: world.group_a,
        user_id: member_a,
        meeting_start: start + n as i64 * 7 * 86_400,
        text: GOAL_MARKER.into(),
        kind: "grant".into(),
        long_goal_id: None,
        carried_from: None,
    };
    store.declare_goal(&goal(0), now).await.unwrap();
    for (turn, email) in [COORDINATOR, OTHER_COORDINATOR, ADMIN].into_iter().enumerate() {
        let client = app.signed_in(email).await;
        let me = store.user_by_email(email).await.unwrap().unwrap().id;
        let csrf = client.csrf("/profile").await;
        let post = |path: String, fields: Vec<(&'static str, String)>| {
            let client = &client;
            let csrf = csrf.clone();
            async move {
                let mut fields = fields;
                fields.push(("csrf", csrf));
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                client.post_form(&path, &fields).await.status().as_u16()
            }
        };
        // Every way the app offers them to get closer to the group, with their own ids.
        let program = world.program;
        let group = world.group_a;
        for role in ["member", "facilitator"] {
            post(format!("/groups/{group}/members"), vec![("user_id", me.to_string()), ("role", role.into())]).await;
        }
        post(format!("/admin/programs/{program}/coordinators"), vec![("name", "Me".into()), ("email", email.into())])
            .await;
        post(format!("/programs/{program}/import/confirm"), vec![("roster", format!("email,name\n{email},Me\n"))])
            .await;
        post(format!("/groups/{group}/members"), vec![("user_id", me.to_string()), ("role", "member".into())]).await;
        post(format!("/programs/{program}/people/{member_a}/invite"), vec![]).await;
        let enrol = "/enrol/escalation-round-token".to_string();
        if let Some(pre) = csrf_in(&client.get_text(&enrol).await.1) {
            client.post_form(&enrol, &[("csrf", &pre)]).await;
        }
        post(format!("/rounds/{round}/people"), vec![("who", "everyone".into())]).await;
        post(format!("/rounds/{round}/place"), vec![]).await;
        // Renaming the group changes what it is called, not who is in it.
        post(format!("/groups/{group}/rename"), vec![("name", "Group A".into())]).await;
        // A draft of the round: pins and previews say where people would go, never what a
        // group said.
        let people: Vec<String> =
            store.round_people(round).await.unwrap().into_iter().map(|u| u.profile.email).collect();
        let groups: Vec<aspire::domain::draft::DraftGroup> = people
            .chunks(3)
            .map(|c| aspire::domain::draft::DraftGroup { members: c.to_vec(), ..Default::default() })
            .collect();
        let scores = aspire::store::DraftScores { total: 0.0, worst: 0.0, warnings: 0 };
        let json = aspire::domain::draft::to_json(&groups);
        let draft = store.create_draft(round, &format!("Escalation {turn}"), &json, scores, now).await.unwrap();
        post(format!("/drafts/{draft}/preview"), vec![("email", MEMBER_A.into()), ("to", "1".into())]).await;
        post(format!("/drafts/{draft}/unpin"), vec![("email", MEMBER_A.into())]).await;
        // Questions for balanced groups: asking one, answering it for oneself and removing it
        // reach nobody's answers and no group's content.
        post(
            format!("/programs/{program}/identity"),
            vec![("key", format!("escalation_{turn}")), ("question", "Asked?".into()), ("choices", "Yes\nNo".into())],
        )
        .await;
        let asked = store.identity_questions(&[program]).await.unwrap();
        let question = asked.iter().find(|q| q.key == format!("escalation_{turn}")).map(|q| q.id);
        if let Some(question) = question {
            let field: &'static str = Box::leak(format!("identity_{question}").into_boxed_str());
            post("/profile/identity".into(), vec![(field, "Yes".into())]).await;
            post(format!("/programs/{program}/identity/{question}/delete"), vec![]).await;
        }
        // Records: a coordinator sets a scholar's time in the program and confirms awards, is no
        // scholar themselves, and no threshold they could lower hides less of anyone's answers.
        post(format!("/programs/{program}/scholars/{member_a}"), vec![("mentors", "Dr. Escalation".into())]).await;
        post(
            format!("/record/{program}/items"),
            vec![("kind", "honor".into()), ("title", "Escalation".into()), ("code", "award".into())],
        )
        .await;
        post(format!("/record/{program}/details"), vec![("topic", "Escalation".into())]).await;
        post(format!("/programs/{program}/small-cell"), vec![("small_cell", "5".into())]).await;
        // A member's record items and suggestions are hers: correcting, removing, confirming or
        // dismissing them is refused; confirming an award as R01-equivalent shows no group's words.
        let item = aspire::domain::record::RecordItem {
            program_id: program,
            user_id: member_a,
            kind: "grant".into(),
            title: "Foundation award".into(),
            status: "funded".into(),
            role: "pi".into(),
            ..Default::default()
        };
        let item = store.add_record_items(&[item], now).await.unwrap()[0];
        let grant = vec![("kind", "grant".into()), ("title", "Changed".into()), ("role", "pi".into())];
        assert_eq!(post(format!("/record/items/{item}"), grant).await, 404);
        assert_eq!(post(format!("/record/items/{item}/delete"), vec![]).await, 404);
        post(format!("/programs/{program}/record-items/{item}/r01-equivalent"), vec![("confirmed", "yes".into())])
            .await;
        let found = aspire::store::record::NewSuggestion {
            program_id: program,
            user_id: member_a,
            source: "pubmed".into(),
            match_key: format!("doi:10.5555/escalation.{turn}"),
            item: "{\"kind\":\"publication\",\"title\":\"Found\"}".into(),
            status: "open".into(),
        };
        store.add_suggestions(&[(found, None)], now).await.unwrap();
        let suggestion = store.open_suggestions(member_a).await.unwrap().last().unwrap().id;
        assert_eq!(post(format!("/record/suggestions/{suggestion}/confirm"), vec![]).await, 404);
        assert_eq!(post(format!("/record/suggestions/{suggestion}/dismiss"), vec![]).await, 404);
        assert!(store.user_record_items(member_a).await.unwrap().iter().any(|i| i.id == item));
        // Closing the cohort makes its members alumni and its groups archives: nobody joins one.
        post(format!("/rounds/{round}/close"), vec![]).await;
        post(format!("/programs/{program}/invitations"), vec![]).await;
        post("/account/notifications".into(), vec![("discussion", "immediate".into())]).await;
        // A reset link for a member goes to the member's mailbox, which no page shows.
        let visitor = app.client();
        let pre = visitor.csrf("/password/forgot").await;
        visitor.post_form("/password/forgot", &[("csrf", &pre), ("email", MEMBER_A)]).await;
        // What is shared after they tried, and what was shared before.
        app.clock.advance(60);
        planted.push(plant_items(&app, &world, member_a, facilitator_a).await);
        store.declare_goal(&goal(turn + 1), app.clock.now_value()).await.unwrap();
        let mut reads = vec![
            format!("/groups/{group}"),
            format!("/groups/{group}/discussion"),
            format!("/groups/{group}/meetings"),
            format!("/groups/{group}/meetings/{start}"),
            format!("/groups/{group}/meetings.ics"),
            format!("/programs/{program}/resources"),
            format!("/programs/{program}/celebrations"),
            format!("/rounds/{round}/compare"),
            format!("/drafts/{draft}"),
            format!("/programs/{program}/identity"),
            format!("/programs/{program}/engagement"),
            format!("/programs/{program}/engagement.csv"),
            format!("/programs/{program}/outcomes"),
            format!("/programs/{program}/scholars/{member_a}"),
            "/record".into(),
            "/goals/year".into(),
            "/goals/year.md".into(),
            "/login/sso".into(),
            "/wins".into(),
            "/goals".into(),
            "/account/export.json".into(),
            "/account/export.csv".into(),
            "/admin/outbox".into(),
            "/admin/audit".into(),
            format!("/admin/outbox?before={}", i64::MAX),
            format!("/admin/audit?before={}", i64::MAX),
            format!("/admin/outbox?kind=waiting&person={MEMBER_A}"),
            "/admin/audit?person=member".into(),
            "/".into(),
        ];
        for file in ["table8.csv", "table5.csv", "k-to-r.csv", "kaplan-meier.csv", "collaborations.csv", "careers.csv"]
        {
            reads.push(format!("/programs/{program}/outcomes/{file}"));
        }
        for items in &planted {
            reads.extend(items.posts.values().map(|id| format!("/posts/{id}")));
            reads.extend(items.posts.values().map(|id| format!("/posts/{id}?before={}", i64::MAX)));
            reads.extend(items.wins.values().map(|id| format!("/wins/{id}")));
            reads.extend(items.resources.values().map(|id| format!("/resources/{id}/download")));
        }
        for path in &reads {
            let response = client.get(path).await;
            let headers = format!("{:?}", response.headers());
            let body = response.text().await.unwrap();
            for marker in SAID_IN_A_GROUP {
                assert!(!body.contains(marker) && !headers.contains(marker), "{email} reached {marker} at {path}");
            }
            for secret in ["/password/reset/", "/unsubscribe/"] {
                assert!(!body.contains(secret), "{email} read someone's {secret} link at {path}");
            }
        }
        assert!(store.memberships(me).await.unwrap().groups.is_empty(), "{email} is in no group");
    }
    for message in store.list_outbox(1000).await.unwrap() {
        for marker in ITEM_MARKERS.iter().chain([&GOAL_MARKER]) {
            if message.body.contains(marker) || message.subject.contains(marker) {
                assert!(
                    may_receive(marker).contains(&message.recipient.as_str()),
                    "{} got {marker}",
                    message.recipient
                );
            }
        }
    }
});
