//! The links under a list that comes a page at a time (`app::paging`): to the next page and
//! back to the first. Newest-first lists page with `?before=ID`, lists in name or date order
//! with `?after=ID`.

use serde::Deserialize;

/// Where the page asked for starts.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub before: Option<i64>,
    #[serde(default)]
    pub after: Option<i64>,
}

pub struct Pager {
    /// The list's page, without a query.
    pub path: String,
    pub key: &'static str,
    pub next: Option<i64>,
    pub on_first_page: bool,
    pub next_label: &'static str,
    pub first_label: &'static str,
}

impl Pager {
    /// For a newest-first list: "Older" and "Newest".
    pub fn newest_first(path: String, next: Option<i64>, asked: &PageQuery) -> Pager {
        Pager {
            path,
            key: "before",
            next,
            on_first_page: asked.before.is_none(),
            next_label: "Older",
            first_label: "Newest",
        }
    }

    /// For a list in name or date order: "Next page" and "First page".
    pub fn in_order(path: String, next: Option<i64>, asked: &PageQuery) -> Pager {
        Pager {
            path,
            key: "after",
            next,
            on_first_page: asked.after.is_none(),
            next_label: "Next page",
            first_label: "First page",
        }
    }

    /// What joins the path to the page's key: the path may carry a filter's query already.
    pub fn joiner(&self) -> &'static str {
        if self.path.contains('?') { "&" } else { "?" }
    }

    pub fn shows(&self) -> bool {
        self.next.is_some() || !self.on_first_page
    }
}
