//! A router that remembers its routes (pages and API alike), so the authorization matrix test can list every route
//! from the router itself and fail when one has no row.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{get, post};

use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
}

pub struct Routes {
    pub router: Router<AppState>,
    pub table: Vec<Route>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes { router: Router::new(), table: Vec::new() }
    }

    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(Route { method: "GET", path });
        self.router = self.router.route(path, get(handler));
        self
    }

    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(Route { method: "POST", path });
        self.router = self.router.route(path, post(handler));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }
}

impl Default for Routes {
    fn default() -> Routes {
        Routes::new()
    }
}
