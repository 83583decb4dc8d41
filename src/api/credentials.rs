//! `/api/v1/users/{user}/…` for credentials an administrator may touch without bypassing the recovery rules: a
//! password set by an administrator, a password link mailed to the user, and a security key's clone flag
//! cleared. Second factors themselves are never removed here (that is a factor reset).
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::problem::Problem;
use super::users::resolve;
use crate::core::accounts;
use crate::core::delegation::Permission;
use crate::core::factors::password::links;
use crate::core::factors::webauthn;
use crate::core::model::UserStatus;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// 8–128 characters, not guessable (zxcvbn score 3 or more), not the username, e-mail or name.
    pub password: String,
}

/// Sets the user's password, as `gatehouse user set-password` does: every session of the user ends, trusted
/// browsers are revoked, a lockout ends. Administrators only; prefer `password-link`, which never shows anyone the
/// password.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    request_body = NewPassword, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[post("/users/{user}/password")]
pub async fn set_password(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::ManageUsers, &user).await?;
    let body: NewPassword = super::body::json(&req, payload, super::MAX_JSON_BYTES).await?;
    accounts::set_password(
        store,
        &caller.state.passwords,
        caller.now(),
        &caller.origin,
        &user,
        body.password,
    )
    .await
    .map_err(Problem::at("password"))?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct LinkSent {
    /// Where the link went (the account's e-mail address).
    pub sent_to: String,
}

/// Mails the user a single-use link to set a new password (as "forgot password" does, with its hourly limit).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    security(("bearer" = [])),
    responses((status = 202, body = LinkSent), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[post("/users/{user}/password-link")]
pub async fn password_link(caller: Caller, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    if user.status != UserStatus::Active {
        return Err(crate::core::Error::Conflict("The account is disabled: enable it first.".into()).into());
    }
    let state = &caller.state;
    links::request(
        store,
        state.notifier.as_ref(),
        caller.now(),
        &caller.origin,
        &state.links,
        &user.username,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(LinkSent { sent_to: user.email }))
}

#[derive(Serialize, ToSchema)]
pub struct CloneFlag {
    /// Whether the key was flagged (it is not any more either way).
    pub was_flagged: bool,
}

/// Accepts a security key or passkey again after its signature counter went backwards (a suspected copy), as
/// `gatehouse user clear-clone-flag` does. Check with the user first that the authenticator in their hands is the
/// only one.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice"),
        ("factor" = String, Path, description = "the factor's id")),
    security(("bearer" = [])),
    responses((status = 200, body = CloneFlag), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[post("/users/{user}/factors/{factor}/clear-clone-flag")]
pub async fn clear_clone_flag(
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<web::Json<CloneFlag>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path.0).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    let was_flagged = webauthn::clear_clone_flag(store, caller.now(), &caller.origin, &user, &path.1).await?;
    Ok(web::Json(CloneFlag { was_flagged }))
}
