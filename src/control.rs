//! Controls shared by the stages: the stop signal, and the set of domains that are never
//! prospects.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use url::Url;

use crate::extract::Domain;

/// Set to stop: work in flight finishes, no new work starts.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Progress that says nothing: every stage's progress trait has it.
pub struct Silent;

/// Domains that are never leads: the built-in list of search engines, social networks,
/// marketplaces and the like, and the plan's `exclude_domains`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excluded(HashSet<Domain>);

impl Excluded {
    /// The domains of list files (one per line, `#` comments) and of single entries.
    pub fn new<'a>(lists: &[&'a str], entries: impl IntoIterator<Item = &'a str>) -> Excluded {
        let listed = lists.iter().flat_map(|text| {
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
        });
        Excluded(listed.chain(entries).filter_map(Domain::listed).collect())
    }

    /// Whether a site is excluded: its registrable domain, or its host itself, is listed.
    pub fn contains(&self, url: &Url) -> bool {
        let host = url.host_str().and_then(Domain::listed);
        host.is_some_and(|h| self.0.contains(&h))
            || Domain::of_url(url).is_some_and(|d| self.0.contains(&d))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_entries_exclude_hosts_and_their_domains() {
        let ex = Excluded::new(
            &["# engines\ngoogle.com\n\nAmazon.DE # shop\n"],
            ["shop.example.org"],
        );
        assert_eq!(ex.len(), 3);
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(ex.contains(&url("https://www.google.com/search")));
        assert!(ex.contains(&url("https://smile.amazon.de/")));
        assert!(ex.contains(&url("http://shop.example.org/x")));
        assert!(!ex.contains(&url("http://www.example.org/")));
        assert!(!ex.contains(&url("https://lampen.de/")));
    }
}
