//! HTTP: parse the request, call the core, render the answer. Handlers stay thin; rules live in `core`.
mod account;
mod csrf;
pub mod error;
mod form;
mod health;
mod login;
mod middleware;
mod pages;
mod password;
mod session;

use actix_web::web;

pub use middleware::{request_id_header, security_headers};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/gatehouse.css", web::get().to(pages::stylesheet))
        .route("/", web::get().to(account::home))
        .route("/login", web::get().to(login::show))
        .route("/login", web::post().to(login::submit))
        .route("/logout", web::post().to(login::logout))
        .route("/account", web::get().to(account::show))
        .route("/password/forgot", web::get().to(password::forgot_form))
        .route("/password/forgot", web::post().to(password::forgot_submit))
        .route("/password/reset", web::get().to(password::reset_form))
        .route("/password/reset", web::post().to(password::reset_submit));
}

pub use pages::not_found;
