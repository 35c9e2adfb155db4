//! What every request handler is given: the store, the settings, the clock and the metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::config::Settings;
use crate::store::DynStore;

/// Time is passed in, so tests can move it.
pub trait Clock: Send + Sync + 'static {
    /// Unix seconds, UTC.
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        jiff::Timestamp::now().as_second()
    }
}

/// A clock that only moves when told to (tests, and reproducible demos).
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(start: i64) -> ManualClock {
        ManualClock(AtomicI64::new(start))
    }
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Per-process request counters for `/metrics`; everything durable lives in the database.
#[derive(Default)]
pub struct Metrics {
    pub requests_2xx: AtomicU64,
    pub requests_3xx: AtomicU64,
    pub requests_4xx: AtomicU64,
    pub requests_5xx: AtomicU64,
    pub logins_failed: AtomicU64,
    pub logins_succeeded: AtomicU64,
}

/// Cloned for every middleware and handler a request passes through: one shared allocation,
/// so a clone is one reference count and not one per part (under load on 2 cores, cloning and
/// dropping the parts one by one was 4% of a page's time).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub store: DynStore,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
    /// The single sign-on provider's description, kept between requests.
    pub sso: crate::auth::sso::Sso,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(store: DynStore, settings: Settings) -> AppState {
        AppState::with_clock(store, settings, Arc::new(SystemClock))
    }

    pub fn with_clock(store: DynStore, settings: Settings, clock: Arc<dyn Clock>) -> AppState {
        AppState(Arc::new(Shared {
            store,
            settings,
            clock,
            metrics: Metrics::default(),
            sso: crate::auth::sso::Sso::default(),
        }))
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
