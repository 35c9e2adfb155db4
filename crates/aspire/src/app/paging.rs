//! Lists that grow with history come a page at a time, by keyset: a page starts after the id of
//! the last row of the page before it, so the thousandth page costs what the first does.

/// One page of a list, and the id the next page starts after, if there is more.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<i64>,
}

impl<T> Page<T> {
    /// From up to `per_page + 1` rows in the list's order: the extra row only says there is more.
    pub fn from_rows(mut rows: Vec<T>, per_page: i64, id: impl Fn(&T) -> i64) -> Page<T> {
        let more = rows.len() as i64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(0));
        let next = if more { rows.last().map(id) } else { None };
        Page { items: rows, next }
    }

    /// Keeps the items that pass `keep`; where the next page starts stays where it was, so an
    /// item left out is never a reason to stop paging.
    pub fn filter(self, keep: impl Fn(&T) -> bool) -> Page<T> {
        Page { items: self.items.into_iter().filter(|item| keep(item)).collect(), next: self.next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

/// The keyset bound of a newest-first list: below `before`, or from the newest for none.
pub fn below(before: Option<i64>) -> i64 {
    before.unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_row_says_there_is_more_and_is_not_shown() {
        let page = Page::from_rows(vec![9, 8, 7], 2, |n| *n);
        assert_eq!(page.items, [9, 8]);
        assert_eq!(page.next, Some(8));
        let last = Page::from_rows(vec![2, 1], 2, |n| *n);
        assert_eq!(last.next, None, "no extra row: the last page");
        let filtered = Page::from_rows(vec![9, 8, 7], 2, |n| *n).filter(|n| *n != 8);
        assert_eq!((filtered.items, filtered.next), (vec![9], Some(8)), "a hidden row keeps the paging going");
    }
}
