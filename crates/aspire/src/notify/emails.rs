//! Every email aspire sends, each a text template under `templates/email/` with its subject.
//! Emails carry names, times and links; never goal text, posts or statements, since the outbox
//! is readable by admins.

use askama::Template;

use crate::store::NewEmail;

/// An email: its body is the template, its subject says what it is about.
pub trait Email: Template {
    fn subject(&self) -> String;

    /// The message for `recipient`, ready for the outbox.
    fn to(&self, recipient: &str) -> Result<NewEmail, askama::Error> {
        Ok(NewEmail {
            recipient: recipient.to_string(),
            subject: self.subject(),
            body: self.render()?,
            unsubscribe_url: String::new(),
        })
    }
}

#[derive(Template)]
#[template(path = "email/invitation.txt")]
pub struct Invitation<'a> {
    pub name: &'a str,
    pub inviter: &'a str,
    pub program: &'a str,
    pub days: i64,
    pub link: String,
    /// Where people sign in only through single sign-on: the provider's name.
    pub sign_in_with: Option<&'a str>,
}

impl Email for Invitation<'_> {
    fn subject(&self) -> String {
        format!("Your invitation to {} on aspire", self.program)
    }
}

/// Someone started a thread or replied in one of the person's groups. Names and a link only.
#[derive(Template)]
#[template(path = "email/discussion_notice.txt")]
pub struct DiscussionNotice<'a> {
    pub name: &'a str,
    pub author: &'a str,
    pub replied: bool,
    /// A concern addressed to this person as facilitator.
    pub for_facilitator: bool,
    pub group: &'a str,
    pub link: &'a str,
    pub settings_link: String,
    pub unsubscribe_link: &'a str,
}

impl Email for DiscussionNotice<'_> {
    fn subject(&self) -> String {
        match (self.for_facilitator, self.replied) {
            (true, false) => format!("{} raised a concern with you in {}", self.author, self.group),
            (_, true) => format!("{} replied in {}", self.author, self.group),
            (false, false) => format!("{} started a thread in {}", self.author, self.group),
        }
    }
}

/// Once a day, for those who chose it: how many new posts each of their groups has. Counts only.
#[derive(Template)]
#[template(path = "email/discussion_digest.txt")]
pub struct DiscussionDigest<'a> {
    pub name: &'a str,
    /// "- Group A: 3 new posts"
    pub lines: &'a [String],
    pub link: String,
    pub settings_link: String,
    pub unsubscribe_link: &'a str,
}

impl Email for DiscussionDigest<'_> {
    fn subject(&self) -> String {
        "New in your groups' discussions today".into()
    }
}

/// Once a week: next meetings, and how many goals, nominations and wins wait. Counts only.
#[derive(Template)]
#[template(path = "email/weekly_digest.txt")]
pub struct WeeklyDigest<'a> {
    pub name: &'a str,
    /// "- Group A: Tuesday 2 June 2026, 09:30 (EDT), Room 101"
    pub meetings: &'a [String],
    /// "- 2 goals to report"
    pub waiting: &'a [String],
    pub link: String,
    pub settings_link: String,
    pub unsubscribe_link: &'a str,
}

impl Email for WeeklyDigest<'_> {
    fn subject(&self) -> String {
        "Your week in your peer groups".into()
    }
}

/// A meeting is cancelled, or back on: told to the rest of the group.
#[derive(Template)]
#[template(path = "email/meeting_cancelled.txt")]
pub struct MeetingCancelled<'a> {
    pub name: &'a str,
    pub group: &'a str,
    pub when: &'a str,
    pub by: &'a str,
    pub cancelled: bool,
    pub link: &'a str,
}

impl Email for MeetingCancelled<'_> {
    fn subject(&self) -> String {
        if self.cancelled {
            format!("Cancelled: {} on {}", self.group, self.when)
        } else {
            format!("Back on: {} on {}", self.group, self.when)
        }
    }
}

/// A group's meetings move (a new schedule or place): told to the rest of the group.
#[derive(Template)]
#[template(path = "email/schedule_changed.txt")]
pub struct ScheduleChanged<'a> {
    pub name: &'a str,
    pub group: &'a str,
    pub by: &'a str,
    /// "Every Tuesday at 09:30 (America/New_York)"
    pub schedule: &'a str,
    pub place: &'a str,
    /// The next meeting under the new schedule, in the group's time zone.
    pub next: Option<&'a str>,
    pub link: &'a str,
}

impl Email for ScheduleChanged<'_> {
    fn subject(&self) -> String {
        format!("New meeting schedule for {}", self.group)
    }
}

/// A link to set a new password. Sent only to the account's own address.
#[derive(Template)]
#[template(path = "email/password_reset.txt")]
pub struct PasswordReset<'a> {
    pub name: &'a str,
    pub minutes: i64,
    pub link: String,
}

impl Email for PasswordReset<'_> {
    fn subject(&self) -> String {
        "Set a new password for aspire".into()
    }
}

#[derive(Template)]
#[template(path = "email/enrolment_reminder.txt")]
pub struct EnrolmentReminder<'a> {
    pub name: &'a str,
    pub program: &'a str,
    pub round: &'a str,
    pub coordinator: &'a str,
    pub link: &'a str,
}

impl Email for EnrolmentReminder<'_> {
    fn subject(&self) -> String {
        format!("{}: tell us when you can meet", self.program)
    }
}

/// The invitation a group email carries to someone who has never set a password, so the
/// email that tells them about their group is also their way in.
pub struct InvitationLink {
    pub link: String,
    pub days: i64,
    /// Where people sign in only through single sign-on: the provider's name.
    pub sign_in_with: Option<String>,
}

/// A new group, with who is in it and a first time to meet.
#[derive(Template)]
#[template(path = "email/group_published.txt")]
pub struct GroupPublished<'a> {
    pub name: &'a str,
    pub group: &'a str,
    pub program: &'a str,
    pub peers: &'a [String],
    pub proposed_time: Option<&'a str>,
    pub common_times: &'a str,
    pub link: String,
    pub invitation: Option<InvitationLink>,
}

impl Email for GroupPublished<'_> {
    fn subject(&self) -> String {
        format!("Your peer group in {}: {}", self.program, self.group)
    }
}

/// A newcomer placed in a group that already meets.
#[derive(Template)]
#[template(path = "email/group_joined.txt")]
pub struct GroupJoined<'a> {
    pub name: &'a str,
    pub group: &'a str,
    pub program: &'a str,
    pub peers: &'a [String],
    pub link: String,
    pub invitation: Option<InvitationLink>,
}

impl Email for GroupJoined<'_> {
    fn subject(&self) -> String {
        format!("Your peer group in {}", self.program)
    }
}

/// Told to a group's members when someone joins, leaves or changes role. Names only: no
/// group content.
#[derive(Template)]
#[template(path = "email/group_change.txt")]
pub struct GroupChanged<'a> {
    pub name: &'a str,
    pub person: &'a str,
    /// "joined", "left", "is now a facilitator of", "is now a member of"
    pub what: &'static str,
    pub joined: bool,
    pub group: &'a str,
    pub program: &'a str,
    pub actor: &'a str,
    pub link: String,
}

impl Email for GroupChanged<'_> {
    fn subject(&self) -> String {
        format!("{} {} {}", self.person, self.what, self.group)
    }
}

/// Told to the person and to the program's other coordinators when someone is made a
/// coordinator.
#[derive(Template)]
#[template(path = "email/role_granted.txt")]
pub struct RoleGranted<'a> {
    pub name: &'a str,
    /// "you" for the person themselves, else their name.
    pub person: &'a str,
    pub actor: &'a str,
    pub program: &'a str,
}

impl Email for RoleGranted<'_> {
    fn subject(&self) -> String {
        format!("A new coordinator of {}", self.program)
    }
}

/// The statement stays out: the nominee reads it on their nominations page.
#[derive(Template)]
#[template(path = "email/nomination.txt")]
pub struct Nomination<'a> {
    pub nominee: &'a str,
    pub nominator: &'a str,
    pub opportunity: &'a str,
    pub kind: String,
    pub deadline: &'a str,
    pub program: &'a str,
    pub link: String,
}

impl Email for Nomination<'_> {
    fn subject(&self) -> String {
        format!("You are nominated: {}", self.opportunity)
    }
}

/// Ahead of a meeting: report on last time's goals, declare new ones. Counts only.
#[derive(Template)]
#[template(path = "email/meeting_reminder.txt")]
pub struct MeetingReminder<'a> {
    pub first_name: &'a str,
    pub group: &'a str,
    pub when: &'a str,
    pub place: &'a str,
    pub open_goals: usize,
    pub link: &'a str,
    pub mute_link: &'a str,
}

impl Email for MeetingReminder<'_> {
    fn subject(&self) -> String {
        format!("{} meets {}", self.group, self.when)
    }
}

/// At a meeting, to whoever has goals from last time not reported yet. Counts only.
#[derive(Template)]
#[template(path = "email/goals_nudge.txt")]
pub struct GoalsNudge<'a> {
    pub first_name: &'a str,
    pub group: &'a str,
    pub when: &'a str,
    pub open_goals: usize,
    pub link: &'a str,
    pub mute_link: &'a str,
}

impl Email for GoalsNudge<'_> {
    fn subject(&self) -> String {
        format!("{}: your goals from last time", self.group)
    }
}

/// "Ana Ruiz (Cardiology)", or the name alone when no department is known.
pub fn peer_line(name: &str, department: &str) -> String {
    if department.trim().is_empty() { name.to_string() } else { format!("{name} ({department})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_counts_goals_without_their_text() {
        let email = MeetingReminder {
            first_name: "Ana",
            group: "Group A",
            when: "Tuesday 2 June 2026, 09:00 EDT",
            place: "Room 4",
            open_goals: 1,
            link: "https://aspire.test/groups/1/meetings/5",
            mute_link: "https://aspire.test/goals#reminders",
        }
        .to("ana@x.edu")
        .expect("render");
        assert_eq!(email.subject, "Group A meets Tuesday 2 June 2026, 09:00 EDT");
        assert!(email.body.contains("Where: Room 4"), "{}", email.body);
        assert!(email.body.contains("- report on the 1 goal you declared last time"), "{}", email.body);
    }

    #[test]
    fn a_group_without_a_common_hour_says_so() {
        let peers = vec![peer_line("Ben Ode", "Surgery"), peer_line("Cy Lam", " ")];
        let email = GroupPublished {
            name: "Ana",
            group: "KL2 · Group 1",
            program: "KL2",
            peers: &peers,
            proposed_time: None,
            common_times: "",
            link: "https://aspire.test/groups/1".into(),
            invitation: None,
        }
        .to("ana@x.edu")
        .expect("render");
        assert!(email.body.contains("- Ben Ode (Surgery)\n- Cy Lam\n"), "{}", email.body);
        assert!(email.body.contains("your group will pick a time together"), "{}", email.body);
        assert!(!email.body.contains("password"), "someone who signs in already is not asked to: {}", email.body);
    }
}
