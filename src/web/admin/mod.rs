//! `/admin`: the admin console — a dashboard; users (search, create, one account with its profile, roles,
//! status, sessions, factors, trusted browsers and audit trail; rename and delete); role policies; OpenID Connect
//! clients; SAML service providers; signing keys and certificates; hardware tokens; the Shared Signals streams;
//! and the audit log with its export. Server-rendered pages over the same `core` and `protocols` functions as the CLI and the admin API, and
//! the same rules of who may do what (`core::delegation`): a signed-in person whose roles make them an
//! [`Operator`] (admin, else helpdesk), each page and action asking for the [`Permission`] the API asks for, so
//! both write the same audit events.
//!
//! Access (`console`):
//! - not signed in: `/login?return_to=…`, back here afterwards;
//! - signed in without an administrative role: 403, audited (`admin.access`, as the helpdesk console does);
//! - signed in with a sign-in weaker than the role needs (`delegation::level_needed`, the level computed from the
//!   session's `amr` under today's policy, as the API judges a person's token): sent to step up at
//!   `/login/factor?level=…&return_to=…` — the second-factor page's step-up of a signed-in session, as OIDC and
//!   SAML do — when one of the account's factors reaches the level; to `/login?reauth=1&return_to=…` when the
//!   second factor was skipped on a trusted browser (that sign-in can never be phishing-resistant, and the
//!   reauthentication ignores the trusted browser); else 403, audited, saying what to add;
//! - every change (a POST) also needs a recent sign-in (`enrolment::FRESH_FOR`, as the helpdesk's execute and
//!   decide do), else `/login?reauth=1&return_to=` the page the form was on; carries a CSRF token; and
//!   destructive ones (disable, delete, remove a role, end sessions, revoke trusted browsers, rotate a secret or a
//!   key, remove a client or a service provider) ask for confirmation on a second page before acting
//!   (`confirm`). The result is a one-time notice on the next page (`notice`); a refused form is shown again with
//!   what was typed and the reason, with a 4xx status, and nothing changed.
mod audit;
mod clients;
mod dashboard;
mod keys;
mod notice;
mod roles;
mod signals;
mod sps;
mod tokens;
mod user;
mod user_access;
mod user_profile;
mod users;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use tera::Context;

use crate::core::audit::{AuditKind, Origin, Outcome};
use crate::core::delegation::{self, Operator, Permission, PersonCheck};
use crate::core::factors::enrolment;
use crate::core::model::{Session, SessionState, User};
use crate::core::policy::{assurance, stepup};
use crate::core::signin::trusted_devices::device::AMR_MARKER;
use crate::http::error::WebError;
use crate::http::{AppState, encode, pages, session};
use crate::i18n;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(dashboard::show))
        .route("/admin/users", web::get().to(users::list))
        .route("/admin/users", web::post().to(users::create))
        .route("/admin/users/{username}", web::get().to(user::show))
        .route(
            "/admin/users/{username}/roles/add",
            web::post().to(user_access::add_role),
        )
        .route(
            "/admin/users/{username}/roles/remove",
            web::post().to(user_access::remove_role),
        )
        .route(
            "/admin/users/{username}/status",
            web::post().to(user_access::set_status),
        )
        .route(
            "/admin/users/{username}/trusted-browsers/revoke",
            web::post().to(user_access::revoke_browsers),
        )
        .route(
            "/admin/users/{username}/sessions/end",
            web::post().to(user_access::end_sessions),
        )
        .route("/admin/users/{username}/unlock", web::post().to(user_access::unlock))
        .route("/admin/users/{username}/profile", web::get().to(user_profile::edit))
        .route("/admin/users/{username}/profile", web::post().to(user_profile::save))
        .route("/admin/users/{username}/rename", web::post().to(user_profile::rename))
        .route("/admin/users/{username}/delete", web::post().to(user_profile::delete))
        .route("/admin/roles", web::get().to(roles::list))
        .route("/admin/roles/{role}", web::get().to(roles::show))
        .route("/admin/roles/{role}", web::post().to(roles::save))
        .route("/admin/clients", web::get().to(clients::list))
        .route("/admin/clients", web::post().to(clients::register))
        .route("/admin/clients/{client_id}", web::get().to(clients::show))
        .route(
            "/admin/clients/{client_id}/redirects",
            web::post().to(clients::update_redirects),
        )
        .route(
            "/admin/clients/{client_id}/presentation",
            web::post().to(clients::update_presentation),
        )
        .route("/admin/clients/{client_id}/par", web::post().to(clients::update_par))
        .route("/admin/clients/{client_id}/dpop", web::post().to(clients::update_dpop))
        .route(
            "/admin/clients/{client_id}/secret",
            web::post().to(clients::rotate_secret),
        )
        .route("/admin/clients/{client_id}/remove", web::post().to(clients::remove))
        .route("/admin/service-providers", web::get().to(sps::list))
        .route("/admin/service-providers", web::post().to(sps::add))
        .route("/admin/service-providers/{entity_id}", web::get().to(sps::show))
        .route("/admin/service-providers/{entity_id}", web::post().to(sps::update))
        .route(
            "/admin/service-providers/{entity_id}/remove",
            web::post().to(sps::remove),
        )
        .route("/admin/keys", web::get().to(keys::show))
        .route("/admin/keys/rotate", web::post().to(keys::rotate_signing_keys))
        .route("/admin/keys/saml/rotate", web::post().to(keys::rotate_certificate))
        .route("/admin/hardware-tokens", web::get().to(tokens::list))
        .route("/admin/hardware-tokens", web::post().to(tokens::import))
        .route("/admin/shared-signals", web::get().to(signals::list))
        .route("/admin/audit", web::get().to(audit::list))
        .route("/admin/audit/export", web::get().to(audit::export))
        .route("/static/admin-file.js", web::get().to(file_script));
}

/// The few lines that read a chosen file into a form's textarea (metadata, seed files).
static FILE_SCRIPT: &str = include_str!("../../../templates/static/admin-file.js");

async fn file_script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=3600"))
        .body(FILE_SCRIPT)
}

/// What a request to the console needs beyond an operator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Reading.
    Look,
    /// A change: also a recent sign-in.
    Change,
}

/// The signed-in operator a console request acts as.
pub(super) struct Console {
    pub operator: Operator,
    pub user: User,
    /// The audit origin of the request, the operator as its actor.
    pub origin: Origin,
}

impl Console {
    pub fn may(&self, permission: Permission) -> bool {
        self.operator.require(permission).is_ok()
    }
}

fn see_other(target: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, target)).finish()
}

/// The console's operator, or the answer to give instead (sign in, step up, sign in again, or 403).
pub(super) async fn console(
    req: &HttpRequest,
    state: &AppState,
    back: &str,
    need: Need,
) -> Result<Result<Console, HttpResponse>, WebError> {
    let Some((session, user)) = session::in_state(req, state, &[SessionState::Authenticated]).await? else {
        return Ok(Err(see_other(format!("/login?return_to={}", encode(back)))));
    };
    let now = state.clock.now();
    let store = state.store.as_ref();
    let origin = session::origin(req).with_actor(format!("user:{}", user.id));
    let operator = match delegation::person(store, now, &user, delegation::Proof::Session(&session)).await? {
        PersonCheck::Operator(operator) => operator,
        PersonCheck::NoRole => {
            deny(req, state, &origin, &user, "role_missing").await?;
            return Ok(Err(pages::error_page(
                StatusCode::FORBIDDEN,
                &i18n::t("admin-error-no-role"),
            )));
        }
        PersonCheck::TooWeak { needed } => {
            return Ok(Err(step_up(req, state, &origin, &session, &user, needed, back).await?));
        }
    };
    if need == Need::Change && !enrolment::is_fresh(&session, now) {
        return Ok(Err(see_other(format!("/login?reauth=1&return_to={}", encode(back)))));
    }
    Ok(Ok(Console { operator, user, origin }))
}

/// The console's operator for a page or action that needs `permission` (as the API route of the same thing
/// does), or the answer to give instead.
pub(super) async fn gate(
    req: &HttpRequest,
    state: &AppState,
    back: &str,
    need: Need,
    permission: Permission,
) -> Result<Result<Console, HttpResponse>, WebError> {
    let console = match console(req, state, back, need).await? {
        Ok(console) => console,
        Err(answer) => return Ok(Err(answer)),
    };
    if let Err(e) = console.operator.require(permission) {
        return Ok(Err(refused(&e)));
    }
    Ok(Ok(console))
}

/// A console form's refusal: input the core refused (invalid, or colliding with what exists) re-renders the form with
/// its status and words; anything else is an error page.
pub(super) fn refusal(e: crate::core::Error) -> Result<(StatusCode, String), WebError> {
    match e {
        crate::core::Error::Invalid(_) | crate::core::Error::Conflict(_) => {
            Ok((crate::http::error::status_of(&e), i18n::describe(&e)))
        }
        other => Err(other.into()),
    }
}

/// The error page of a refused action, with the status `http::error` gives the error, in the page's language.
pub(super) fn refused(e: &crate::core::Error) -> HttpResponse {
    pages::error_page(crate::http::error::status_of(e), &i18n::describe(e))
}

/// Where a sign-in too weak for the operator's role goes to reach `needed`.
async fn step_up(
    req: &HttpRequest,
    state: &AppState,
    origin: &Origin,
    session: &Session,
    user: &User,
    needed: &'static str,
    back: &str,
) -> Result<HttpResponse, WebError> {
    if session.amr.iter().any(|m| m == AMR_MARKER) {
        return Ok(see_other(format!("/login?reauth=1&return_to={}", encode(back))));
    }
    let now = state.clock.now();
    if !stepup::step_up_kinds(state.store.as_ref(), now, user, Some(needed))
        .await?
        .is_empty()
    {
        return Ok(see_other(format!(
            "/login/factor?level={}&return_to={}",
            encode(needed),
            encode(back)
        )));
    }
    deny(req, state, origin, user, "level_unreachable").await?;
    let what = if needed == assurance::PHISHING_RESISTANT {
        "key"
    } else {
        "factor"
    };
    Ok(pages::error_page(
        StatusCode::FORBIDDEN,
        &i18n::t_args("admin-error-too-weak", &[("what", what.into())]),
    ))
}

/// Records a refusal at the console's door.
async fn deny(req: &HttpRequest, state: &AppState, origin: &Origin, user: &User, reason: &str) -> Result<(), WebError> {
    crate::core::audit::record(
        state.store.as_ref(),
        state.clock.now(),
        origin,
        AuditKind::AdminAccess,
        Outcome::Denied,
        Some(&user.id),
        serde_json::json!({ "path": req.path(), "reason": reason }),
    )
    .await?;
    Ok(())
}

/// What the layout shows of the operator and the sections they may open.
#[derive(Serialize)]
struct Layout<'a> {
    username: &'a str,
    display_name: &'a str,
    role: &'static str,
    section: &'static str,
    audit: bool,
    recovery: bool,
    roles: bool,
    clients: bool,
    sps: bool,
    keys: bool,
}

/// The context of a console page: the layout's values, and the one-time notice the browser carries, if any.
pub(super) fn context(req: &HttpRequest, state: &AppState, console: &Console, section: &'static str) -> Context {
    let mut ctx = pages::context();
    ctx.insert(
        "console",
        &Layout {
            username: &console.user.username,
            display_name: &console.user.display_name,
            role: console.operator.role.as_str(),
            section,
            audit: console.may(Permission::ReadAudit),
            recovery: console.may(Permission::Recovery),
            roles: console.may(Permission::ManageRoles),
            clients: console.may(Permission::ManageClients),
            sps: console.may(Permission::ManageServiceProviders),
            keys: console.may(Permission::ManageKeys),
        },
    );
    ctx.insert("notice", &notice::read(req, state));
    ctx
}

/// Renders a console page with its CSRF token, consuming the one-time notice.
pub(super) fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    template: &str,
    ctx: Context,
) -> HttpResponse {
    let mut response = pages::with_csrf(req, state, status, template, ctx);
    notice::consume(req, state, &mut response);
    response
}

/// One hidden field of a confirmation's form.
#[derive(Serialize)]
pub(super) struct Field {
    pub name: String,
    pub value: String,
}

/// A destructive action's confirmation: what will happen, and the same form again with `confirm=yes`.
#[derive(Serialize)]
pub(super) struct Confirmation {
    pub title: String,
    pub consequences: Vec<String>,
    pub action: String,
    pub fields: Vec<Field>,
    /// The button's words: a catalogue id (shown in the page's language), or a text shown as it is.
    pub button: &'static str,
    /// Where "Cancel" goes, and what it says it goes back to.
    pub cancel: String,
    pub cancel_label: String,
}

/// The confirmation page of a destructive action (its form again, with `confirm=yes`); nothing has changed yet.
pub(super) fn confirm(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    section: &'static str,
    what: Confirmation,
) -> HttpResponse {
    let mut ctx = context(req, state, console, section);
    let button = if i18n::has_message(i18n::Lang::En, what.button) {
        i18n::t(what.button)
    } else {
        what.button.to_string()
    };
    let mut shown = serde_json::to_value(&what).unwrap_or_default();
    shown["button"] = button.into();
    ctx.insert("confirm", &shown);
    render(req, state, StatusCode::OK, "admin/confirm.html", ctx)
}

/// Whether the confirmation page was answered (`confirm=yes`).
pub(super) fn confirmed(confirm: Option<&str>) -> bool {
    confirm == Some("yes")
}

/// Back to `target` after a change, with a one-time notice saying what happened.
pub(super) fn done(state: &AppState, target: String, message: &str) -> HttpResponse {
    let mut response = see_other(target);
    notice::set(state, &mut response, message);
    response
}

/// A console time: UTC, to the second (as audit-log filters and links take it).
pub(super) fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A time for a template to show with `| datetime` (RFC 3339, UTC, to the second).
pub(super) fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A time written the page's way, for messages that carry one (`6 Dec 2026, 21:06 UTC`).
pub(super) fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    i18n::format_datetime(i18n::current(), t)
}

/// A stored value's words in the page's language: the catalogue's `<prefix>-<value>` (`_` read as `-`), else the
/// value as it is.
pub(super) fn label(prefix: &str, value: &str) -> String {
    let key = format!("{prefix}-{}", value.replace('_', "-"));
    if i18n::has_message(i18n::Lang::En, &key) {
        i18n::t(&key)
    } else {
        value.to_string()
    }
}

/// A factor-reset request's state (`requested`, `approved`, `waiting`, …) in the page's language.
pub(super) fn reset_state(state: &str) -> String {
    label("admin-reset-state", state)
}

/// A role's description: the catalogue's words for a built-in role (`admin-role-<name>-description`), else as
/// stored.
pub(super) fn role_description(role: &crate::core::model::Role) -> String {
    let key = format!("admin-role-{}-description", role.name);
    if role.builtin && i18n::has_message(i18n::Lang::En, &key) {
        i18n::t(&key)
    } else {
        role.description.clone()
    }
}

/// The path of a user's console page.
pub(super) fn user_path(username: &str) -> String {
    format!("/admin/users/{}", encode_path(username))
}

/// What a path segment keeps as is: letters, digits and RFC 3986's unreserved marks, and `@` (usernames may be
/// e-mail-like).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// `text` as one path segment (`.` and `..` escaped, which browsers would otherwise resolve).
pub(super) fn encode_path(text: &str) -> String {
    if text.chars().all(|c| c == '.') {
        return text.replace('.', "%2E");
    }
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}
