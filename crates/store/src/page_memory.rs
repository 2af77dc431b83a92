//! The pages this process answered since the last write it knows of, as the ids of their
//! contacts (and Grow's total), so that a page read again, such as a first page clients poll,
//! answers from the contact memory without asking the database which contacts are on it.
//! Kept inside the contact memory (contact_cache.rs), under its lock and its rules: forgotten
//! whole on every write, and a read remembers a page only if nothing was forgotten since before
//! its transaction began.

use std::collections::HashMap;
use std::sync::Arc;

use contacts_core::{FilterNode, KeysetPage, OffsetPage};

/// Pages per generation; two generations are kept, as for contacts.
const PAGES_PER_GENERATION: usize = 256;

/// Ids per generation, over all its pages: 128 KiB of ids.
const IDS_PER_GENERATION: usize = 16 * 1024;

/// A page whose filter holds more text than this is not remembered: its key alone would cost
/// more than its ids (a filter can carry up to a request body of values).
const LONGEST_REMEMBERED_FILTER: usize = 1024;

/// A page as a dialect asked for it: the whole of what decides which contacts are on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageKey {
    Offset(OffsetPage),
    After(KeysetPage),
}

impl PageKey {
    fn filter(&self) -> Option<&FilterNode> {
        match self {
            PageKey::Offset(page) => page.filter.as_ref(),
            PageKey::After(page) => page.filter.as_ref(),
        }
    }

    /// Whether the key is small enough to be worth remembering.
    fn is_small(&self) -> bool {
        self.filter().map_or(0, filter_text) <= LONGEST_REMEMBERED_FILTER
    }
}

/// The bytes of text a filter holds: its values and attribute keys.
fn filter_text(filter: &FilterNode) -> usize {
    match filter {
        FilterNode::All(nodes) | FilterNode::Any(nodes) => nodes.iter().map(filter_text).sum(),
        FilterNode::Test(condition) => {
            let key = match &condition.field {
                contacts_core::FilterField::Attribute(key) => key.len(),
                _ => 0,
            };
            key + condition.values.iter().map(String::len).sum::<usize>()
        }
    }
}

/// The contacts on a page, in order, and the total of its list (Grow's pages; 0 for keyset).
#[derive(Debug, Clone)]
pub struct RememberedPage {
    pub ids: Arc<[i64]>,
    pub total: u64,
}

#[derive(Default)]
pub(crate) struct Pages {
    current: Generation,
    /// The generation before: a page found here moves back into `current`.
    previous: Generation,
}

#[derive(Default)]
struct Generation {
    pages: HashMap<PageKey, RememberedPage>,
    ids: usize,
}

impl Generation {
    fn is_full(&self) -> bool {
        self.pages.len() >= PAGES_PER_GENERATION || self.ids >= IDS_PER_GENERATION
    }

    fn insert(&mut self, key: PageKey, page: RememberedPage) {
        self.ids += page.ids.len();
        if let Some(replaced) = self.pages.insert(key, page) {
            self.ids = self.ids.saturating_sub(replaced.ids.len());
        }
    }
}

impl Pages {
    pub(crate) fn find(&mut self, key: &PageKey) -> Option<RememberedPage> {
        if let Some(page) = self.current.pages.get(key) {
            return Some(page.clone());
        }
        let page = self.previous.pages.remove(key)?;
        self.previous.ids = self.previous.ids.saturating_sub(page.ids.len());
        self.insert(key.clone(), page.clone());
        Some(page)
    }

    pub(crate) fn insert(&mut self, key: PageKey, page: RememberedPage) {
        if !key.is_small() || page.ids.len() > IDS_PER_GENERATION {
            return;
        }
        if self.current.is_full() {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(key, page);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.current.pages.len() + self.previous.pages.len()
    }

    #[cfg(test)]
    pub(crate) fn ids(&self) -> usize {
        self.current.ids + self.previous.ids
    }
}

#[cfg(test)]
mod tests {
    use contacts_core::{FilterField, Operator, Order, SortKey};

    use super::*;

    fn first_page(limit: u32, filter: Option<FilterNode>) -> PageKey {
        PageKey::After(KeysetPage {
            filter,
            sort: SortKey::Id,
            order: Order::Asc,
            limit,
            after: None,
        })
    }

    fn page(ids: std::ops::RangeInclusive<i64>) -> RememberedPage {
        RememberedPage {
            ids: ids.collect(),
            total: 0,
        }
    }

    #[test]
    fn a_page_is_found_only_under_the_very_key_it_was_answered_for() {
        let mut pages = Pages::default();
        pages.insert(first_page(10, None), page(1..=10));
        assert_eq!(
            pages
                .find(&first_page(10, None))
                .map(|found| found.ids.len()),
            Some(10)
        );
        assert!(pages.find(&first_page(11, None)).is_none());
        let by_email =
            FilterNode::test(FilterField::Email, Operator::Equals, vec!["a@b.io".into()]);
        assert!(pages.find(&first_page(10, Some(by_email))).is_none());
        let offset = PageKey::Offset(OffsetPage {
            filter: None,
            sort: SortKey::Id,
            order: Order::Asc,
            limit: 10,
            offset: 0,
        });
        assert!(pages.find(&offset).is_none());
    }

    #[test]
    fn pages_and_their_ids_are_bounded_and_a_page_read_again_survives() {
        let mut pages = Pages::default();
        pages.insert(first_page(1, None), page(1..=1));
        for limit in 2..(3 * PAGES_PER_GENERATION as u32) {
            pages.insert(first_page(limit, None), page(1..=i64::from(limit % 200)));
            assert!(
                pages.find(&first_page(1, None)).is_some(),
                "lost at {limit}"
            );
        }
        assert!(pages.len() <= 2 * PAGES_PER_GENERATION);
        assert!(
            pages.ids() <= 2 * IDS_PER_GENERATION + 200,
            "{}",
            pages.ids()
        );
        assert!(pages.find(&first_page(2, None)).is_none());
    }

    #[test]
    fn a_page_whose_filter_holds_much_text_is_not_remembered() {
        let mut pages = Pages::default();
        let long = FilterNode::test(
            FilterField::Text,
            Operator::Equals,
            vec!["x".repeat(LONGEST_REMEMBERED_FILTER + 1)],
        );
        pages.insert(first_page(10, Some(long.clone())), page(1..=10));
        assert!(pages.find(&first_page(10, Some(long))).is_none());
        let short = FilterNode::test(FilterField::Text, Operator::Equals, vec!["x".into()]);
        pages.insert(first_page(10, Some(short.clone())), page(1..=10));
        assert!(pages.find(&first_page(10, Some(short))).is_some());
    }
}
