//! What every page's frame needs: who is signed in, the CSRF token, and a notice after an action.

use serde::Deserialize;

use crate::auth::Actor;

pub struct Layout {
    pub signed_in: bool,
    pub user_name: String,
    pub is_admin: bool,
    pub coordinates: bool,
    pub csrf: String,
    pub notice: Option<&'static str>,
}

impl Layout {
    pub fn anonymous() -> Layout {
        Layout {
            signed_in: false,
            user_name: String::new(),
            is_admin: false,
            coordinates: false,
            csrf: String::new(),
            notice: None,
        }
    }

    pub fn for_actor(actor: &Actor) -> Layout {
        Layout {
            signed_in: true,
            user_name: actor.user.profile.name.clone(),
            is_admin: actor.is_admin(),
            coordinates: !actor.coordinated_programs().is_empty(),
            csrf: actor.csrf_token.clone(),
            notice: None,
        }
    }

    pub fn with_notice(mut self, notice: &Notice) -> Layout {
        self.notice = notice.text();
        self
    }
}

/// A short confirmation after a redirect, chosen from fixed texts (a link cannot inject words).
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    pub notice: Option<String>,
}

impl Notice {
    pub fn text(&self) -> Option<&'static str> {
        Some(match self.notice.as_deref()? {
            "saved" => "Saved.",
            "created" => "Created.",
            "added" => "Added.",
            "removed" => "Removed.",
            "renamed" => "Renamed: the group's members see the new name from now on.",
            "invited" => "Invitation sent: it is in the outbox and the link is valid for 7 days.",
            "imported" => "Roster imported. Nobody is told until they are invited: invite them below.",
            "invited-everyone" => {
                "Invitations are in the outbox for everyone who had none; each link works for 7 days."
            }
            "password-set" => "Your password is set. Welcome to aspire.",
            "signed-out" => "You are signed out.",
            "password-reset" => "Your new password is set, and your account is signed out everywhere else.",
            "account-deleted" => "Your account is deleted.",
            "reminded" => "Reminders are in the outbox.",
            "published" => "Published: the groups exist and their members are being emailed.",
            "already-published" => "This round was already published; nothing was changed.",
            "closed" => {
                "The cohort is closed: its groups are archives their members still read, and its members are alumni."
            }
            "already-closed" => "This cohort was already closed; nothing was changed.",
            "enrolled" => "You are enrolled. Thank you!",
            "placed" => "Everyone in the round without a group now has one; they have been emailed.",
            "placed-some" => "Some people could not be placed: every existing group is full. Form new groups for them.",
            _ => return None,
        })
    }
}
