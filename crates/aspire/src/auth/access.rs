//! The access rules, all of them. Handlers ask these functions and turn a "no" into a 404,
//! so a request that may not see a thing cannot even learn that it exists.
//!
//! | role        | may                                                                  |
//! |-------------|----------------------------------------------------------------------|
//! | admin       | every program's page, people and group rosters; accounts; outbox; no group content |
//! | coordinator | their programs: people, roster import, invitations, groups and rosters; no group content |
//! | facilitator | their group's page and members                                        |
//! | member      | their groups' pages and fellow members; their own profile              |
//!
//! Goals, check-ins and attendance are group content: members and facilitators only, and of
//! what was shared in a group, only what came after they joined;
//! coordinators and admins get per-group counts. Everything else people share (posts, wins,
//! resources) carries a visibility that `can_see_item` alone reads; lists filter with it too.
//! Nominations are between nominator and nominee; coordinators see them once accepted.

use crate::domain::opportunities::NominationStatus;
use crate::domain::{Audience, Visibility};
use crate::store::sharing::Nomination;
use crate::store::{Group, GroupRole, Memberships, ProgramRole, Seat, User};

/// Someone signed in, with what they belong to, loaded fresh on every request so that a
/// removal takes effect at once.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub memberships: Memberships,
    pub csrf_token: String,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.user.is_admin
    }

    pub fn coordinates(&self, program_id: i64) -> bool {
        self.memberships.programs.iter().any(|(p, r)| *p == program_id && *r == ProgramRole::Coordinator)
    }

    pub fn coordinated_programs(&self) -> Vec<i64> {
        self.memberships.programs.iter().filter(|(_, r)| *r == ProgramRole::Coordinator).map(|(p, _)| *p).collect()
    }

    /// In the program in any role (participant or coordinator).
    pub fn belongs_to_program(&self, program_id: i64) -> bool {
        self.memberships.programs.iter().any(|(p, _)| *p == program_id)
            || self.memberships.groups.iter().any(|s| s.program_id == program_id)
    }

    pub fn group_role(&self, group_id: i64) -> Option<GroupRole> {
        self.seat(group_id).map(|s| s.role)
    }

    pub fn seat(&self, group_id: i64) -> Option<&Seat> {
        self.memberships.groups.iter().find(|s| s.group_id == group_id)
    }

    /// In the group, and in it already at `at`: what was shared before someone joined stays
    /// with those who were there.
    fn was_in_group_at(&self, group_id: i64, at: i64) -> bool {
        self.seat(group_id).is_some_and(|s| s.joined_at <= at)
    }
}

/// The admin pages: programs, accounts, outbox.
pub fn can_administer(actor: &Actor) -> bool {
    actor.is_admin()
}

/// A program's people, roster import, invitations and groups.
pub fn can_manage_program(actor: &Actor, program_id: i64) -> bool {
    actor.is_admin() || actor.coordinates(program_id)
}

/// Who is in a group (names, departments): its members, and whoever manages the program.
pub fn can_see_group_roster(actor: &Actor, group: &Group) -> bool {
    actor.group_role(group.id).is_some() || can_manage_program(actor, group.program_id)
}

/// What is said in a group (goals, check-ins, posts): its members and facilitators only.
/// Coordinators and admins are deliberately absent: they see aggregates.
pub fn can_see_group_content(actor: &Actor, group: &Group) -> bool {
    actor.group_role(group.id).is_some()
}

/// Adding and removing people in a group.
pub fn can_manage_group(actor: &Actor, group: &Group) -> bool {
    can_manage_program(actor, group.program_id)
}

/// The threshold below which a program's counts are hidden: admins only, so that no coordinator
/// can lower what hides their own scholars' answers.
pub fn can_set_small_cell(actor: &Actor) -> bool {
    actor.is_admin()
}

/// A program's outcome reports in aggregate (K-to-R, the careers metric with small cells hidden,
/// papers and grants per year, collaborations without names): its coordinators and admins.
pub fn can_see_program_outcomes(actor: &Actor, program_id: i64) -> bool {
    can_manage_program(actor, program_id)
}

/// The scholars' records by name (each scholar's page, NIH Tables 8 and 5, names on the
/// collaboration network): the program's own coordinators only, as those tables are theirs to
/// file. A record holds what the scholar kept for the program, never group content.
pub fn can_see_program_records(actor: &Actor, program_id: i64) -> bool {
    actor.coordinates(program_id)
}

/// One's own record: its owner alone changes it (a coordinator sets the program's dates and
/// confirms R01-equivalents, see `can_see_program_records`).
pub fn can_change_own_record(actor: &Actor, owner_id: i64) -> bool {
    actor.user.id == owner_id
}

/// A program's identity questions (adding, removing, the suppressed counts of answers): its
/// managers. Nobody, whatever their role, is ever shown who gave which answer.
pub fn can_define_identity_questions(actor: &Actor, program_id: i64) -> bool {
    can_manage_program(actor, program_id)
}

/// Answering a program's identity questions, for oneself only: its participants.
pub fn can_answer_identity_questions(actor: &Actor, program_id: i64) -> bool {
    actor.memberships.programs.iter().any(|(p, r)| *p == program_id && *r == ProgramRole::Participant)
        || actor.memberships.groups.iter().any(|s| s.program_id == program_id)
}

/// A person's full profile (contact, goals, availability): themselves, their program's
/// managers, and people who share a group with them.
pub fn can_see_profile(actor: &Actor, subject: &User, subject_groups: &[i64], subject_programs: &[i64]) -> bool {
    actor.user.id == subject.id
        || subject_programs.iter().any(|p| can_manage_program(actor, *p))
        || subject_groups.iter().any(|g| actor.group_role(*g).is_some())
}

/// Writing in a group (goals and their reports, attendance, the schedule, posts, sharing with
/// it): its members and facilitators while it is open. A group whose cohort was closed is a
/// read-only archive for everyone; its members still read it.
pub fn can_write_in_group(actor: &Actor, group: &Group) -> bool {
    can_see_group_content(actor, group) && group.archived_at.is_none()
}

/// Meetings of a group (schedule, cancellations, attendance of oneself, declaring goals):
/// its members and facilitators, who decide together how often they meet; an archived group
/// meets no more.
pub fn can_run_meetings(actor: &Actor, group: &Group) -> bool {
    can_write_in_group(actor, group)
}

/// Taking attendance for someone: the group's facilitator for everyone, a member for themselves.
pub fn can_record_attendance(actor: &Actor, group: &Group, user_id: i64) -> bool {
    if group.archived_at.is_some() {
        return false;
    }
    match actor.group_role(group.id) {
        Some(GroupRole::Facilitator) => true,
        Some(GroupRole::Member) => actor.user.id == user_id,
        None => false,
    }
}

/// A goal declared in a group: its author, and those in the group when it was declared.
pub fn can_see_goal(actor: &Actor, group: &Group, author_id: i64, declared_at: i64) -> bool {
    actor.user.id == author_id || actor.was_in_group_at(group.id, declared_at)
}

/// Reporting on, or carrying forward, a goal: only its author, while still in its group.
pub fn can_update_goal(actor: &Actor, group: &Group, author_id: i64) -> bool {
    actor.user.id == author_id && can_write_in_group(actor, group)
}

/// A member's long-term goals, streak and year view: only the member.
pub fn can_see_own_goals(actor: &Actor, owner_id: i64) -> bool {
    actor.user.id == owner_id
}

/// Per-group counts (goals declared, reported, met, attendance), never their text: the
/// program's managers.
pub fn can_see_group_counts(actor: &Actor, program_id: i64) -> bool {
    can_manage_program(actor, program_id)
}

/// The one rule for every shared item: its page, every list that shows it, exports and
/// emails all ask this. A former member's authorless posts stay with the group.
pub fn can_see_item(actor: &Actor, item: &Audience) -> bool {
    // Authors always see what they wrote (their own data), wherever it was shared.
    if item.author_id == Some(actor.user.id) {
        return true;
    }
    let there = item.group_id.is_some_and(|g| actor.was_in_group_at(g, item.created_at));
    let role = item.group_id.and_then(|g| actor.group_role(g));
    match item.visibility {
        Visibility::Private => false,
        Visibility::Group => there,
        Visibility::Facilitator => {
            there && role == Some(GroupRole::Facilitator) && item.facilitator_id == Some(actor.user.id)
        }
        Visibility::Program => actor.belongs_to_program(item.program_id) || actor.is_admin(),
    }
}

/// Changing or deleting an item: its author, while they may still see it.
pub fn can_change_item(actor: &Actor, item: &Audience) -> bool {
    item.author_id == Some(actor.user.id) && can_see_item(actor, item)
}

/// Editing or deleting a post in a group's discussion: its author, while still in the group.
pub fn can_change_post(actor: &Actor, author_id: Option<i64>, item: &Audience) -> bool {
    author_id == Some(actor.user.id)
        && item.group_id.is_some_and(|g| actor.group_role(g).is_some())
        && can_see_item(actor, item)
}

/// Posting in a group (threads, replies, concerns) and sharing with it: its members and
/// facilitators.
pub fn can_post_in_group(actor: &Actor, group: &Group) -> bool {
    can_see_group_content(actor, group)
}

/// Sharing with the whole program (resources, opportunities) and nominating: anyone in it.
pub fn can_share_with_program(actor: &Actor, program_id: i64) -> bool {
    actor.belongs_to_program(program_id)
}

/// A program's resources and opportunities pages: anyone in the program, and admins. What
/// each page lists is then filtered item by item with `can_see_item`, so coordinators and
/// admins get only what was shared program-wide.
pub fn can_browse_program_items(actor: &Actor, program_id: i64) -> bool {
    actor.belongs_to_program(program_id) || actor.is_admin()
}

/// A nomination is between its nominator and nominee; the program's coordinators see it once
/// the nominee accepted (to record the outcome), never while it is pending or declined.
pub fn can_see_nomination(actor: &Actor, nomination: &Nomination) -> bool {
    actor.user.id == nomination.nominee_id
        || nomination.nominator_id == Some(actor.user.id)
        || (actor.coordinates(nomination.program_id) && nomination.status == NominationStatus::Accepted)
}

/// Accepting or declining: the nominee alone.
pub fn can_respond_to_nomination(actor: &Actor, nomination: &Nomination) -> bool {
    actor.user.id == nomination.nominee_id
}

/// Recording whether the nominee was selected: the nominee, or a coordinator of the program
/// once the nominee accepted.
pub fn can_record_outcome(actor: &Actor, nomination: &Nomination) -> bool {
    actor.user.id == nomination.nominee_id
        || (actor.coordinates(nomination.program_id) && nomination.status == NominationStatus::Accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Profile;

    fn actor(is_admin: bool, memberships: Memberships) -> Actor {
        Actor {
            user: User {
                id: 1,
                profile: Profile {
                    email: "a@x.edu".into(),
                    name: "A".into(),
                    time_zone: "UTC".into(),
                    ..Profile::default()
                },
                password_hash: None,
                is_admin,
                created_at: 0,
            },
            memberships,
            csrf_token: String::new(),
        }
    }

    #[test]
    fn coordinators_see_rosters_but_never_group_content() {
        let group = Group { id: 10, program_id: 1, name: "G".into(), created_at: 0, archived_at: None };
        let coordinator = actor(false, Memberships { programs: vec![(1, ProgramRole::Coordinator)], groups: vec![] });
        assert!(can_see_group_roster(&coordinator, &group));
        assert!(!can_see_group_content(&coordinator, &group));
        let admin = actor(true, Memberships::default());
        assert!(!can_see_group_content(&admin, &group));
        let other_coordinator =
            actor(false, Memberships { programs: vec![(2, ProgramRole::Coordinator)], groups: vec![] });
        assert!(!can_see_group_roster(&other_coordinator, &group));
        let member = actor(
            false,
            Memberships {
                programs: vec![(1, ProgramRole::Participant)],
                groups: vec![Seat { group_id: 10, program_id: 1, role: GroupRole::Member, joined_at: 0 }],
            },
        );
        assert!(can_see_group_content(&member, &group));
        assert!(!can_manage_program(&member, 1));
    }

    #[test]
    fn nominations_reach_coordinators_only_once_accepted() {
        let nomination = |status: NominationStatus| Nomination {
            id: 1,
            opportunity_id: 1,
            program_id: 1,
            opportunity_title: "Grand rounds".into(),
            opportunity_kind: "talk".into(),
            deadline: "2026-09-30".into(),
            nominator_id: Some(2),
            nominator_name: "N".into(),
            nominee_id: 3,
            nominee_name: "E".into(),
            statement: String::new(),
            status,
            celebrate_consent: false,
            outcome: String::new(),
            win_id: None,
            created_at: 0,
        };
        let coordinator = actor(false, Memberships { programs: vec![(1, ProgramRole::Coordinator)], groups: vec![] });
        assert!(!can_see_nomination(&coordinator, &nomination(NominationStatus::Pending)));
        assert!(!can_see_nomination(&coordinator, &nomination(NominationStatus::Declined)));
        assert!(can_see_nomination(&coordinator, &nomination(NominationStatus::Accepted)));
        assert!(can_record_outcome(&coordinator, &nomination(NominationStatus::Accepted)));
        assert!(!can_respond_to_nomination(&coordinator, &nomination(NominationStatus::Accepted)));
        let peer = actor(
            false,
            Memberships {
                programs: vec![(1, ProgramRole::Participant)],
                groups: vec![Seat { group_id: 10, program_id: 1, role: GroupRole::Member, joined_at: 0 }],
            },
        );
        assert!(
            !can_see_nomination(&peer, &nomination(NominationStatus::Accepted)),
            "others in the program never see it"
        );
        assert!(!can_see_nomination(&actor(true, Memberships::default()), &nomination(NominationStatus::Accepted)));
    }
}
