//! `/scim/v2/Users`: list and search, read, create, replace, patch, delete (RFC 7644 §3.3–§3.6).
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::auth::ScimCaller;
use super::directory::{self, visible_user};
use super::error::ScimError;
use super::query::ListParams;
use super::schema::{self, Kind};
use super::{answer, base_url, check_if_match, filter, list_answer, not_modified, patch, query, read_json, resource};
use crate::core::model::User;
use crate::core::provisioning::{self, directory::DirectoryEntry};

fn settings(caller: &ScimCaller) -> provisioning::Settings {
    caller.state.provisioning_settings()
}

async fn find(caller: &ScimCaller, id: &str) -> Result<(User, Option<DirectoryEntry>), ScimError> {
    visible_user(caller.state.store.as_ref(), id)
        .await?
        .ok_or_else(|| ScimError::not_found(format!("No user with id '{}'.", crate::core::model::truncate(id, 64))))
}

async fn current_json(caller: &ScimCaller, user: &User, entry: Option<&DirectoryEntry>) -> Result<Value, ScimError> {
    directory::user_json(caller.state.store.as_ref(), user, entry, &base_url(&caller.state)).await
}

/// The users a filter selects: an indexed look-up for a single `eq` on an identifying attribute, else every
/// user (the filter is then applied over the resources).
async fn candidates(caller: &ScimCaller, params: &ListParams) -> Result<Vec<Value>, ScimError> {
    let store = caller.state.store.as_ref();
    let base = base_url(&caller.state);
    let lookup = params
        .filter
        .as_ref()
        .and_then(|f| filter::equality_lookup(f, Kind::User));
    let found = match lookup {
        Some(("id", value)) => store.user_by_id(&value).await?,
        Some(("userName", value)) => match crate::core::model::Username::parse(&value) {
            Ok(name) => store.user_by_username(name.as_str()).await?,
            Err(_) => None,
        },
        Some(("externalId", value)) => store.user_by_external_id(&value).await?,
        Some(("emails", value)) => store.user_by_email(&value.trim().to_lowercase()).await?,
        _ => return directory::all_users_json(store, &base).await,
    };
    directory::users_json(store, found.into_iter().collect(), &base).await
}

async fn respond_list(caller: &ScimCaller, params: ListParams) -> Result<HttpResponse, ScimError> {
    let resources = candidates(caller, &params).await?;
    let body = query::list_response(Kind::User, resources, &params)?;
    Ok(list_answer(&body))
}

pub async fn list(req: HttpRequest, caller: ScimCaller) -> Result<HttpResponse, ScimError> {
    respond_list(&caller, ListParams::from_query(Kind::User, req.query_string())?).await
}

pub async fn search(caller: ScimCaller, payload: web::Payload) -> Result<HttpResponse, ScimError> {
    let body = read_json(payload).await?;
    respond_list(&caller, ListParams::from_search(Kind::User, &body)?).await
}

/// Answers with the resource, projected as the query's `attributes`/`excludedAttributes` ask.
pub async fn show(req: HttpRequest, caller: ScimCaller, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    let (user, entry) = find(&caller, &id).await?;
    let resource = current_json(&caller, &user, entry.as_ref()).await?;
    if not_modified(&req, &resource) {
        return Ok(HttpResponse::NotModified().finish());
    }
    answer(&req, Kind::User, StatusCode::OK, &resource, false)
}

pub async fn create(req: HttpRequest, caller: ScimCaller, payload: web::Payload) -> Result<HttpResponse, ScimError> {
    let body = schema::normalise(Kind::User, read_json(payload).await?)?;
    let person = resource::person(&body)?;
    let ctx = caller.state.core(&caller.origin);
    let user = provisioning::create(&ctx, &settings(&caller), &person).await?;
    let entry = caller.state.store.directory_entry(&user.id).await?;
    let resource = current_json(&caller, &user, entry.as_ref()).await?;
    answer(&req, Kind::User, StatusCode::CREATED, &resource, true)
}

pub async fn replace(
    req: HttpRequest,
    caller: ScimCaller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let (user, entry) = find(&caller, &id).await?;
    let before = current_json(&caller, &user, entry.as_ref()).await?;
    check_if_match(&req, &before)?;
    let body = read_json(payload).await?;
    if let Some(sent) = resource::member(&body, "id").and_then(Value::as_str)
        && sent != user.id
    {
        return Err(ScimError::mutability("id: a user's id cannot change."));
    }
    let person = resource::person(&schema::normalise(Kind::User, body)?)?;
    apply(&req, &caller, &user, &person).await
}

async fn apply(
    req: &HttpRequest,
    caller: &ScimCaller,
    user: &User,
    person: &provisioning::DirectoryPerson,
) -> Result<HttpResponse, ScimError> {
    let ctx = caller.state.core(&caller.origin);
    let user = provisioning::replace(&ctx, &settings(caller), user, person).await?;
    let entry = caller.state.store.directory_entry(&user.id).await?;
    let resource = current_json(caller, &user, entry.as_ref()).await?;
    answer(req, Kind::User, StatusCode::OK, &resource, false)
}

pub async fn patch(
    req: HttpRequest,
    caller: ScimCaller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let (user, entry) = find(&caller, &id).await?;
    let mut resource = current_json(&caller, &user, entry.as_ref()).await?;
    check_if_match(&req, &resource)?;
    let body = read_json(payload).await?;
    patch::apply(Kind::User, &mut resource, &body)?;
    let person = resource::person(&schema::normalise(Kind::User, resource)?)?;
    apply(&req, &caller, &user, &person).await
}

pub async fn delete(req: HttpRequest, caller: ScimCaller, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    let (user, entry) = find(&caller, &id).await?;
    let resource = current_json(&caller, &user, entry.as_ref()).await?;
    check_if_match(&req, &resource)?;
    let ctx = caller.state.core(&caller.origin);
    provisioning::delete(&ctx, &settings(&caller), &user).await?;
    Ok(HttpResponse::NoContent().finish())
}
