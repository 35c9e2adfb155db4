//! aspire: peer mentoring groups for career development programs.
//!
//! Data flows one way: `web` -> `auth` (who may) -> `domain` (what is valid) -> `store` (what is kept).

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod form;
pub mod jobs;
pub mod notify;
pub mod server;
pub mod state;
pub mod store;
pub mod web;
