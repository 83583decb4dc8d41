//! `/api/v1/users/{user}/absence`: whether a person is away, with whom as delegate and until when. While they
//! are, factor resets they would approve go to the delegate or up the chain of managers
//! (`core::recovery::route`). Changes go through `core::accounts::absence`, as the CLI's do, so the rules and the
//! audit events (`user.absence_set`, `user.absence_cleared`) are the same.
use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::problem::Problem;
use super::users::resolve;
use crate::core::accounts::absence;
use crate::core::delegation::Permission;
use crate::core::recovery::route::Absence;
use crate::core::store::Store;

/// A person's absence.
#[derive(Serialize, ToSchema)]
pub struct AbsenceView {
    pub user_id: String,
    /// The delegate's username: they decide the resets this person would approve. `null`: those go to this
    /// person's own manager.
    pub delegate: Option<String>,
    pub delegate_id: Option<String>,
    /// When the absence ends; `null`: until it is cleared.
    pub until: Option<DateTime<Utc>>,
    /// Who set it (the audit actor).
    pub set_by: String,
    pub created_at: DateTime<Utc>,
}

async fn view(store: &dyn Store, a: Absence) -> Result<AbsenceView, Problem> {
    let delegate = match &a.delegate_id {
        Some(id) => store.user_by_id(id).await?.map(|d| d.username),
        None => None,
    };
    Ok(AbsenceView {
        user_id: a.user_id,
        delegate,
        delegate_id: a.delegate_id,
        until: a.until,
        set_by: a.set_by,
        created_at: a.created_at,
    })
}

/// The user's absence, if one is in force (404 when they are not away).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    security(("bearer" = [])), responses((status = 200, body = AbsenceView), (status = 404, body = super::problem::ProblemBody)))]
#[get("/users/{user}/absence")]
pub async fn show_absence(caller: Caller, path: web::Path<String>) -> Result<web::Json<AbsenceView>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let store = caller.store();
    let user = resolve(store, &path).await?;
    match absence::absence(store, caller.now(), &user).await? {
        Some(a) => Ok(web::Json(view(store, a).await?)),
        None => Err(Problem::not_found("absence (the user is not away)")),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAbsence {
    /// Who decides in this person's place (username or e-mail address): an active account, not the person, nobody
    /// they manage. Without it, resets go to the person's own manager.
    pub delegate: Option<String>,
    /// When it ends: a day (`2026-12-24`, through that day, UTC) or an RFC 3339 time; at most a year ahead.
    /// Without it, until cleared.
    pub until: Option<String>,
}

/// Marks the user away, replacing an earlier absence. Bad input changes nothing.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    request_body = NewAbsence, security(("bearer" = [])),
    responses((status = 200, body = AbsenceView), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[put("/users/{user}/absence")]
pub async fn set_absence(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<web::Json<AbsenceView>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::ManageUsers, &user).await?;
    let body: NewAbsence = super::body::json(&req, payload, super::MAX_JSON_BYTES).await?;
    let now = caller.now();
    let until = body
        .until
        .as_deref()
        .map(|u| absence::parse_until(u, now))
        .transpose()?;
    // Its refusals name their field (`delegate: …`, `until: …`).
    let set = absence::set_away(store, now, &caller.origin, &user, body.delegate.as_deref(), until).await?;
    Ok(web::Json(view(store, set).await?))
}

/// Clears the user's absence (audited even when they were not away).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    security(("bearer" = [])), responses((status = 204), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/absence")]
pub async fn clear_absence(caller: Caller, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::ManageUsers, &user).await?;
    absence::clear_away(store, caller.now(), &caller.origin, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}
