//! `/scim/v2/Groups`: list and search, read, create, replace, patch (renames and member changes), delete.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::auth::ScimCaller;
use super::directory;
use super::error::ScimError;
use super::query::ListParams;
use super::schema::{self, Kind};
use super::{answer, base_url, check_if_match, filter, list_answer, not_modified, patch, query, read_json, resource};
use crate::core::provisioning::directory::DirectoryGroup;
use crate::core::provisioning::groups;

async fn find(caller: &ScimCaller, id: &str) -> Result<DirectoryGroup, ScimError> {
    let found = if id.len() <= 64 {
        caller.state.store.group(id).await?
    } else {
        None
    };
    found.ok_or_else(|| ScimError::not_found(format!("No group with id '{}'.", crate::core::model::truncate(id, 64))))
}

async fn current_json(caller: &ScimCaller, group: &DirectoryGroup) -> Result<Value, ScimError> {
    directory::group_json(caller.state.store.as_ref(), group, &base_url(&caller.state)).await
}

async fn respond_list(caller: &ScimCaller, params: ListParams) -> Result<HttpResponse, ScimError> {
    let store = caller.state.store.as_ref();
    let base = base_url(&caller.state);
    let lookup = params
        .filter
        .as_ref()
        .and_then(|f| filter::equality_lookup(f, Kind::Group));
    let found = match lookup {
        Some(("id", value)) => Some(store.group(&value).await?),
        Some(("displayName", value)) => Some(store.group_by_name(&value).await?),
        Some(("externalId", value)) => Some(store.group_by_external_id(&value).await?),
        _ => None,
    };
    let resources = match found {
        Some(group) => {
            let mut out = Vec::new();
            if let Some(group) = group {
                out.push(directory::group_json(store, &group, &base).await?);
            }
            out
        }
        None => directory::all_groups_json(store, &base).await?,
    };
    let body = query::list_response(Kind::Group, resources, &params)?;
    Ok(list_answer(&body))
}

pub async fn list(req: HttpRequest, caller: ScimCaller) -> Result<HttpResponse, ScimError> {
    respond_list(&caller, ListParams::from_query(Kind::Group, req.query_string())?).await
}

pub async fn search(caller: ScimCaller, payload: web::Payload) -> Result<HttpResponse, ScimError> {
    let body = read_json(payload).await?;
    respond_list(&caller, ListParams::from_search(Kind::Group, &body)?).await
}

pub async fn show(req: HttpRequest, caller: ScimCaller, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    let group = find(&caller, &id).await?;
    let resource = current_json(&caller, &group).await?;
    if not_modified(&req, &resource) {
        return Ok(HttpResponse::NotModified().finish());
    }
    answer(&req, Kind::Group, StatusCode::OK, &resource, false)
}

pub async fn create(req: HttpRequest, caller: ScimCaller, payload: web::Payload) -> Result<HttpResponse, ScimError> {
    let body = schema::normalise(Kind::Group, read_json(payload).await?)?;
    let spec = resource::group_spec(&body)?;
    let ctx = caller.state.core(&caller.origin);
    let group = groups::create(&ctx, &spec).await?;
    let resource = current_json(&caller, &group).await?;
    answer(&req, Kind::Group, StatusCode::CREATED, &resource, true)
}

async fn apply(
    req: &HttpRequest,
    caller: &ScimCaller,
    group: &DirectoryGroup,
    spec: &groups::GroupSpec,
) -> Result<HttpResponse, ScimError> {
    let ctx = caller.state.core(&caller.origin);
    let group = groups::replace(&ctx, group, spec).await?;
    let resource = current_json(caller, &group).await?;
    answer(req, Kind::Group, StatusCode::OK, &resource, false)
}

pub async fn replace(
    req: HttpRequest,
    caller: ScimCaller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let group = find(&caller, &id).await?;
    let before = current_json(&caller, &group).await?;
    check_if_match(&req, &before)?;
    let body = read_json(payload).await?;
    if let Some(sent) = resource::member(&body, "id").and_then(Value::as_str)
        && sent != group.id
    {
        return Err(ScimError::mutability("id: a group's id cannot change."));
    }
    let spec = resource::group_spec(&schema::normalise(Kind::Group, body)?)?;
    apply(&req, &caller, &group, &spec).await
}

pub async fn patch(
    req: HttpRequest,
    caller: ScimCaller,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let group = find(&caller, &id).await?;
    let mut resource = current_json(&caller, &group).await?;
    check_if_match(&req, &resource)?;
    let body = read_json(payload).await?;
    patch::apply(Kind::Group, &mut resource, &body)?;
    let spec = resource::group_spec(&schema::normalise(Kind::Group, resource)?)?;
    apply(&req, &caller, &group, &spec).await
}

pub async fn delete(req: HttpRequest, caller: ScimCaller, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    let group = find(&caller, &id).await?;
    let resource = current_json(&caller, &group).await?;
    check_if_match(&req, &resource)?;
    let ctx = caller.state.core(&caller.origin);
    groups::delete(&ctx, &group).await?;
    Ok(HttpResponse::NoContent().finish())
}
