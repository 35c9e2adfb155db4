//! "My annual review": what a member did in a year, as a faculty annual review asks for it.
//! Papers in citation form (plain, or as an NIH biosketch lists them), grants with role and
//! status, talks, awards, promotions, nominations and the groups they facilitated.

use crate::auth::Actor;
use crate::domain::cadence;
use crate::domain::opportunities::Outcome;
use crate::domain::wins::{GRANT_ROLES, GRANT_STATUSES, label};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::GroupRole;
use crate::store::community::Win;

/// What a member did in a year besides their goals, a line each, in the words a review uses.
#[derive(Debug, Default)]
pub struct Review {
    pub papers: Vec<String>,
    pub grants: Vec<String>,
    pub talks: Vec<String>,
    pub awards: Vec<String>,
    pub promotions: Vec<String>,
    /// Nominations received and made.
    pub nominations: Vec<String>,
    /// Groups facilitated as a near-peer or senior facilitator.
    pub facilitation: Vec<String>,
}

/// One section of the review, as pages and files show it.
pub struct Section {
    pub heading: &'static str,
    /// Papers are numbered, as a review lists them.
    pub numbered: bool,
    pub lines: Vec<String>,
}

impl Review {
    /// The sections in the order a review reads them.
    pub fn into_sections(self) -> Vec<Section> {
        let section = |heading, numbered, lines| Section { heading, numbered, lines };
        vec![
            section("Papers", true, self.papers),
            section("Grants", false, self.grants),
            section("Talks", false, self.talks),
            section("Awards", false, self.awards),
            section("Promotions", false, self.promotions),
            section("Nominations", false, self.nominations),
            section("Near-peer facilitation", false, self.facilitation),
        ]
    }
}

/// The actor's own year: their wins by kind, their nominations and the groups they facilitate.
/// Only ever the actor's: there is no way to ask for someone else's.
pub async fn annual_review(state: &AppState, actor: &Actor, year: i16, style: Style) -> AppResult<Review> {
    let me = &actor.user;
    let mut review = Review::default();
    let mut wins: Vec<(i16, Win)> = state
        .store
        .user_wins(me.id)
        .await?
        .into_iter()
        .map(|w| (year_of(&w, cadence::year_of(w.created_at)), w))
        .filter(|(y, _)| *y == year)
        .collect();
    wins.sort_by(|(_, a), (_, b)| a.won_on.cmp(&b.won_on).then(a.id.cmp(&b.id)));
    for (y, win) in &wins {
        match win.kind.as_str() {
            "paper" => review.papers.push(citation(win, &me.profile.name, *y, style)),
            "grant" => review.grants.push(grant_line(win)),
            "talk" => review.talks.push(other_line(win)),
            "award" => review.awards.push(other_line(win)),
            _ => review.promotions.push(other_line(win)),
        }
    }
    let (from, to) = (cadence::year_start(year), cadence::year_start(year.saturating_add(1)));
    for n in
        state.store.user_nominations(me.id).await?.into_iter().filter(|n| n.created_at >= from && n.created_at < to)
    {
        let outcome = Outcome::label(&n.outcome);
        let outcome = if outcome.is_empty() { String::new() } else { format!(", {outcome}") };
        review.nominations.push(if n.nominee_id == me.id {
            format!("Nominated by {} for {}: {}{outcome}", n.nominator_name, n.opportunity_title, n.status.label())
        } else {
            format!("Nominated {} for {}: {}{outcome}", n.nominee_name, n.opportunity_title, n.status.label())
        });
    }
    let groups = state.store.groups_of_user(me.id).await?;
    for seat in actor.memberships.groups.iter().filter(|s| s.role == GroupRole::Facilitator && s.joined_at < to) {
        if let Some(group) = groups.iter().find(|g| g.id == seat.group_id) {
            let since = jiff::Timestamp::from_second(seat.joined_at).map(|t| t.strftime("%Y-%m-%d").to_string());
            review.facilitation.push(format!("Facilitator of {} since {}", group.name, since.unwrap_or_default()));
        }
    }
    Ok(review)
}

/// How papers are cited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Title. Venue. Year. doi. PMID.
    Plain,
    /// As an NIH biosketch lists them: author, title, journal, year, PMID and PMCID.
    Nih,
}

impl Style {
    pub fn from_query(value: &str) -> Style {
        if value == "nih" { Style::Nih } else { Style::Plain }
    }

    pub fn code(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Nih => "nih",
        }
    }
}

/// `text` as plain text inside a Markdown file: on one line, with the characters Markdown (or
/// HTML in it) would read as markup escaped.
pub fn markdown_text(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one_line.len());
    for c in one_line.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The year a win belongs to: its day's, else the year given, else when it was recorded.
pub fn year_of(win: &Win, recorded_year: i16) -> i16 {
    win.won_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .or_else(|| win.year.and_then(|y| i16::try_from(y).ok()))
        .unwrap_or(recorded_year)
}

/// "Mina Alpha" as a citation names her: "Alpha M".
pub fn cited_name(name: &str) -> String {
    let parts: Vec<&str> = name.split_whitespace().collect();
    match parts.split_last() {
        Some((surname, given)) if !given.is_empty() => {
            let initials: String = given.iter().filter_map(|g| g.chars().next()).collect();
            format!("{surname} {initials}")
        }
        _ => name.trim().to_string(),
    }
}

fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '?', '!']) { text.to_string() } else { format!("{text}.") }
}

/// A paper in citation form, the member (`name`) placed by their author position.
pub fn citation(win: &Win, name: &str, year: i16, style: Style) -> String {
    let mut parts = Vec::new();
    let me = cited_name(name);
    let authors = match win.author_position.as_str() {
        "first" => format!("{me}, et al."),
        "senior" => format!("et al., {me}."),
        "middle" => format!("et al. (including {me})."),
        _ => format!("{me}."),
    };
    if style == Style::Nih {
        parts.push(authors);
    }
    parts.push(sentence(&win.title));
    if !win.venue.trim().is_empty() {
        parts.push(sentence(&win.venue));
    }
    parts.push(format!("{year}."));
    match style {
        Style::Plain => {
            if !win.doi.is_empty() {
                parts.push(format!("doi:{}.", win.doi));
            }
            if !win.pmid.is_empty() {
                parts.push(format!("PMID: {}.", win.pmid));
            }
        }
        Style::Nih => {
            if !win.doi.is_empty() {
                parts.push(format!("doi: {}.", win.doi));
            }
            let ids: Vec<String> = [("PMID", &win.pmid), ("PMCID", &win.pmcid)]
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            if !ids.is_empty() {
                parts.push(format!("{}.", ids.join("; ")));
            }
        }
    }
    parts.join(" ")
}

/// A grant as a review lists it: "K23 (NHLBI) 5K23HL145123-03, PI, funded".
pub fn grant_line(win: &Win) -> String {
    let mut line = sentence(&win.title);
    let mut details: Vec<String> = Vec::new();
    if !win.mechanism.is_empty() {
        details.push(win.mechanism.clone());
    }
    if !win.award_number.is_empty() {
        details.push(win.award_number.clone());
    }
    if !win.venue.is_empty() {
        details.push(win.venue.clone());
    }
    for (table, code) in [(&GRANT_ROLES[..], &win.grant_role), (&GRANT_STATUSES[..], &win.grant_status)] {
        let l = label(table, code);
        if !code.is_empty() && !l.is_empty() {
            details.push(l.to_lowercase().replace("pi", "PI").replace("co-i", "Co-I"));
        }
    }
    if !details.is_empty() {
        line = format!("{} ({})", line.trim_end_matches('.'), details.join(", "));
    }
    line
}

/// A talk, award or promotion: "Title, venue (2026-05-04)".
pub fn other_line(win: &Win) -> String {
    let mut line = win.title.trim().to_string();
    if !win.venue.trim().is_empty() {
        line = format!("{line}, {}", win.venue.trim());
    }
    if !win.won_on.is_empty() {
        line = format!("{line} ({})", win.won_on);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper() -> Win {
        Win {
            kind: "paper".into(),
            title: "Peer mentoring and grant success".into(),
            venue: "Acad Med".into(),
            won_on: "2026-03-02".into(),
            doi: "10.1000/xyz.1".into(),
            pmid: "31234567".into(),
            pmcid: "PMC7654321".into(),
            author_position: "first".into(),
            ..Win::default()
        }
    }

    #[test]
    fn a_paper_is_cited_plainly_or_as_an_nih_biosketch_lists_it() {
        let win = paper();
        assert_eq!(year_of(&win, 2020), 2026);
        assert_eq!(
            citation(&win, "Mina Alpha", 2026, Style::Plain),
            "Peer mentoring and grant success. Acad Med. 2026. doi:10.1000/xyz.1. PMID: 31234567."
        );
        assert_eq!(
            citation(&win, "Mina Alpha", 2026, Style::Nih),
            "Alpha M, et al. Peer mentoring and grant success. Acad Med. 2026. doi: 10.1000/xyz.1. \
             PMID: 31234567; PMCID: PMC7654321."
        );
        let senior = Win { author_position: "senior".into(), ..paper() };
        assert!(citation(&senior, "Mina J. Alpha", 2026, Style::Nih).starts_with("et al., Alpha MJ. Peer"));
    }

    #[test]
    fn typed_text_stays_text_in_the_markdown_file() {
        assert_eq!(
            markdown_text("Talk at <img src=x onerror=alert(1)>\n# not a heading [link](x)"),
            "Talk at \\<img src=x onerror=alert(1)\\> \\# not a heading \\[link\\](x)"
        );
    }

    #[test]
    fn grants_say_mechanism_number_role_and_status() {
        let grant = Win {
            kind: "grant".into(),
            title: "Kidney injury in children".into(),
            mechanism: "K23".into(),
            award_number: "5K23DK123456-02".into(),
            grant_role: "pi".into(),
            grant_status: "funded".into(),
            ..Win::default()
        };
        assert_eq!(grant_line(&grant), "Kidney injury in children (K23, 5K23DK123456-02, PI, funded)");
        let talk = Win {
            title: "Grand rounds".into(),
            venue: "Pediatrics".into(),
            won_on: "2026-05-04".into(),
            ..Win::default()
        };
        assert_eq!(other_line(&talk), "Grand rounds, Pediatrics (2026-05-04)");
    }
}
