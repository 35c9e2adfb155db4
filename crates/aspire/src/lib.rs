//! aspire: peer mentoring groups for career development programs.
//!
//! Data flows one way: `web` and `api` -> `app` (what a person does; asks `auth` who may) ->
//! `domain` (what is valid) -> `store` (what is kept). `server` joins the routes of `web` and `api`.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod form;
pub mod jobs;
pub mod notify;
pub mod public_data;
pub mod report;
pub mod routes;
pub mod server;
pub mod state;
pub mod store;
pub mod web;
