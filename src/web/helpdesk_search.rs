//! `/helpdesk/users` and `/helpdesk/open`: the console's user search (username, e-mail address or display name,
//! case-insensitive substring) listing each match with roles, factor kinds and open requests, and the form that
//! opens a factor-reset request for one of them — the user's active factors as boxes to tick (kind, name, when
//! added), or "all factors". Helpdesk agents and admins only, like the rest of the console.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::HashMap;

use super::helpdesk::agent;
use super::recovery::ctx;
use super::recovery_view::{factor_choice, kind_label, state_label_of};
use crate::core::Error;
use crate::core::audit::People;
use crate::core::factors::FactorStatus;
use crate::core::model::User;
use crate::core::recovery::FactorSelection;
use crate::core::recovery::flow;
use crate::core::recovery::search::{self, MAX_QUERY, MAX_RESULTS};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages};
use crate::i18n;

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
            ctx.insert("error", &i18n::describe(&e));
            (status_of(&e), None)
        }
        Err(e) => return Err(e.into()),
    };
    ctx.insert("searched", &results.is_some());
    let mut people = People::new(state.store.as_ref());
    let mut users = Vec::new();
    for u in results.unwrap_or_default() {
        let mut value = serde_json::to_value(&u).map_err(|e| Error::Internal(e.to_string()))?;
        value["person"] = people.person(&u.id).await?.into();
        value["factor_labels"] = u.factor_kinds.iter().map(|k| kind_label(k)).collect::<Vec<_>>().into();
        value["open_requests"] = u
            .open_requests
            .iter()
            .map(|r| serde_json::json!({ "id": r.id, "state": r.state, "state_label": state_label_of(r.state) }))
            .collect::<Vec<_>>()
            .into();
        users.push(value);
    }
    ctx.insert("users", &users);
    Ok(pages::page(status, "helpdesk/users.html", &ctx))
}

/// What the open form shows again after a refusal: the boxes as ticked and the reason as typed.
#[derive(Default)]
struct Typed {
    all: bool,
    ids: Vec<String>,
    reason: String,
}

/// The form that opens a request for `user`, with their active factors to choose from.
async fn open_page(
    req: &HttpRequest,
    state: &AppState,
    user: &User,
    status: StatusCode,
    typed: &Typed,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let factors: Vec<serde_json::Value> = state
        .store
        .factors_of(&user.id)
        .await?
        .iter()
        .filter(|f| f.status == FactorStatus::Active)
        .map(|f| factor_choice(f, typed.ids.contains(&f.id)))
        .collect();
    let mut ctx = pages::context();
    let person = People::new(state.store.as_ref()).person(&user.id).await?;
    ctx.insert(
        "who",
        &serde_json::json!({ "username": user.username, "person": person, "email": user.email }),
    );
    ctx.insert("who_factors", &factors);
    ctx.insert("chosen_all", &typed.all);
    ctx.insert("reason", &typed.reason);
    if let Some(error) = error {
        ctx.insert("error", &error);
    }
    Ok(pages::with_csrf(req, state, status, "helpdesk/open.html", ctx))
}

fn no_user() -> HttpResponse {
    pages::error_page(StatusCode::NOT_FOUND, &i18n::t("helpdesk-error-no-user"))
}

/// The form that opens a request for one user (posting to `/helpdesk/open`); "all factors" ticked to begin with.
pub async fn open_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<OpenQuery>,
) -> Result<HttpResponse, WebError> {
    let back = format!("/helpdesk/open?user={}", encode(&query.user));
    if let Err(answer) = agent(&req, &state, &back).await? {
        return Ok(answer);
    }
    let user = match crate::core::accounts::find(state.store.as_ref(), &query.user).await {
        Ok(user) => user,
        Err(Error::NotFound(_) | Error::Invalid(_)) => return Ok(no_user()),
        Err(e) => return Err(e.into()),
    };
    let typed = Typed {
        all: true,
        ..Typed::default()
    };
    open_page(&req, &state, &user, StatusCode::OK, &typed, None).await
}

/// The factors the form chose: `all`, or the ticked `factor_<id>` boxes (distinct names, since repeated parameters
/// are refused) — not both, and not none. Which ids belong to the user is the core's to check.
fn chosen(typed: &Typed) -> crate::core::Result<FactorSelection> {
    match (typed.all, typed.ids.is_empty()) {
        (true, true) => Ok(FactorSelection::All),
        (true, false) => Err(Error::Invalid(i18n::t("helpdesk-open-error-both"))),
        (false, _) => FactorSelection::of_ids(typed.ids.clone()),
    }
}

/// Opens a request on a user's behalf from the form: on success the request's page; a refusal shows the form
/// again with the reason (4xx), and nothing is stored.
pub async fn open(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let (member, origin) = match agent(&req, &state, "/helpdesk").await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    let c = ctx(&state, &origin);
    let identifier = form.get("user").map(String::as_str).unwrap_or_default();
    let subject = match search::find_subject(&c, identifier).await {
        Ok(subject) => subject,
        Err(Error::NotFound(_) | Error::Invalid(_)) => return Ok(no_user()),
        Err(e) => return Err(e.into()),
    };
    let mut ids: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("factor_"))
        .map(str::to_string)
        .collect();
    ids.sort();
    let typed = Typed {
        all: form.contains_key("all"),
        ids,
        reason: form.get("reason").cloned().unwrap_or_default(),
    };
    let opened = flow::open_chosen(&c, Some(&member), &subject, chosen(&typed), &typed.reason).await;
    match opened {
        Ok(r) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/helpdesk/request?id={}", encode(&r.id))))
            .finish()),
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            let message = i18n::describe(&e);
            open_page(&req, &state, &subject.user, status_of(&e), &typed, Some(message)).await
        }
        Err(e @ Error::NotFound(_)) => Ok(pages::error_page(status_of(&e), &i18n::t("helpdesk-error-no-user"))),
        Err(e) => Err(e.into()),
    }
}
