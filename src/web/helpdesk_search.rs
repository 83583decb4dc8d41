//! `/helpdesk/users` and `/helpdesk/open`: the console's user search (username, e-mail address or display name,
//! case-insensitive substring) listing each match with roles, factor kinds and open requests, and the form that
//! opens a factor-reset request for one of them. Helpdesk agents and admins only, like the rest of the console.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::helpdesk::agent;
use crate::core::Error;
use crate::core::factors::FactorStatus;
use crate::core::recovery::search::{self, MAX_QUERY, MAX_RESULTS};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of};
use crate::http::form::Query;
use crate::http::pages;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Deserialize)]
pub struct OpenQuery {
    user: String,
}

pub async fn users(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<HttpResponse, WebError> {
    let text = query.q.unwrap_or_default();
    let back = format!("/helpdesk/users?q={}", encode(&text));
    if let Err(answer) = agent(&req, &state, &back).await? {
        return Ok(answer);
    }
    let mut ctx = pages::context();
    ctx.insert("max_query", &MAX_QUERY);
    ctx.insert("limit", &MAX_RESULTS);
    let (status, results) = match search::parse_query(&text) {
        Ok(Some(q)) => {
            ctx.insert("q", &q);
            (StatusCode::OK, Some(search::search(state.store.as_ref(), &q).await?))
        }
        Ok(None) => {
            ctx.insert("q", "");
            (StatusCode::OK, None)
        }
        Err(e @ Error::Invalid(_)) => {
            // Not echoed back: it may be megabytes, or full of control characters.
            ctx.insert("q", "");
            ctx.insert("error", &e.to_string());
            (status_of(&e), None)
        }
        Err(e) => return Err(e.into()),
    };
    ctx.insert("searched", &results.is_some());
    ctx.insert("users", &results.unwrap_or_default());
    Ok(pages::page(status, "helpdesk/users.html", &ctx))
}

/// The form that opens a request for one user (posting to `/helpdesk/open`), with their active factors listed so
/// the agent can name some instead of all.
pub async fn open_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<OpenQuery>,
) -> Result<HttpResponse, WebError> {
    let back = format!("/helpdesk/open?user={}", encode(&query.user));
    if let Err(answer) = agent(&req, &state, &back).await? {
        return Ok(answer);
    }
    let store = state.store.as_ref();
    let user = match crate::core::accounts::find(store, &query.user).await {
        Ok(user) => user,
        Err(e @ (Error::NotFound(_) | Error::Invalid(_))) => {
            return Ok(pages::error_page(status_of(&e), &e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let factors: Vec<serde_json::Value> = store
        .factors_of(&user.id)
        .await?
        .into_iter()
        .filter(|f| f.status == FactorStatus::Active)
        .map(|f| serde_json::json!({ "id": f.id, "kind": f.kind.as_str(), "name": f.name }))
        .collect();
    let mut ctx = pages::context();
    ctx.insert(
        "who",
        &serde_json::json!({ "username": user.username, "display_name": user.display_name, "email": user.email }),
    );
    ctx.insert("who_factors", &factors);
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "helpdesk/open.html",
        ctx,
    ))
}
