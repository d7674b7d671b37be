//! The page cache: rendered replies by their [`Route`], bounded in bytes,
//! not in entries.
//!
//! Every page is a pure function of the site, so a cached reply is valid
//! until the site is swapped, and the cache goes with the site. What must
//! be bounded is memory: any query string is a new key (`/api/figures?
//! limit=99999`, `…99998`, …), so the budget counts the bytes of keys and
//! bodies, evicting the least useful entries (quick_cache's CLOCK-Pro) when
//! it is full. A body larger than a sixty-fourth of the budget is served
//! but never kept: one large export must not push out every page.

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::Reply;
use crate::route::Route;

/// The default budget: pages are tens of kilobytes, so this holds
/// thousands of them.
pub const DEFAULT_BYTES: u64 = 64 << 20;

#[derive(Clone)]
struct Bytes;

impl Weighter<Route, Reply> for Bytes {
    fn weight(&self, key: &Route, reply: &Reply) -> u64 {
        (key.path().len() + reply.body.len() + reply.filename.as_ref().map_or(0, String::len) + 64) as u64
    }
}

pub struct PageCache {
    cache: Cache<Route, Reply, Bytes>,
    largest: u64,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of keys and bodies.
    pub fn new(budget: u64) -> PageCache {
        let budget = budget.max(1 << 16);
        PageCache { cache: Cache::with_weighter(1024, budget, Bytes), largest: budget / 64 }
    }

    pub fn get(&self, key: &Route) -> Option<Reply> {
        self.cache.get(key)
    }

    /// Keeps a successful reply of reasonable size; errors are not kept, so
    /// the next request tries again.
    pub fn put(&self, key: &Route, reply: &Reply) {
        if reply.status.is_success() && (reply.body.len() as u64) <= self.largest {
            self.cache.insert(key.clone(), reply.clone());
        }
    }

    /// Bytes held now.
    pub fn weight(&self) -> u64 {
        self.cache.weight()
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    fn reply(n: usize) -> Reply {
        Reply::html(StatusCode::OK, "x".repeat(n))
    }

    fn figures(limit: usize) -> Route {
        Route::Api(format!("/figures?limit={limit}"))
    }

    #[test]
    fn the_budget_holds_whatever_the_keys() {
        let cache = PageCache::new(1 << 20);
        for i in 0..10_000 {
            cache.put(&figures(i), &reply(4000));
        }
        assert!(cache.weight() <= 1 << 20, "{} bytes held", cache.weight());
        assert!(cache.get(&figures(9999)).is_some() || cache.get(&figures(9998)).is_some());
    }

    #[test]
    fn large_bodies_and_errors_are_not_kept() {
        let cache = PageCache::new(1 << 20);
        let (big, error, page) = (Route::Metrics, Route::Review, Route::Index);
        cache.put(&big, &reply(1 << 19));
        assert!(cache.get(&big).is_none());
        cache.put(&error, &Reply::html(StatusCode::INTERNAL_SERVER_ERROR, "x".into()));
        assert!(cache.get(&error).is_none());
        cache.put(&page, &reply(100));
        assert!(cache.get(&page).is_some());
    }
}
