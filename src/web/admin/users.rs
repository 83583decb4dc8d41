//! `/admin/users`: accounts by username in pages of 50 (`Store::page_users`, the cursor is the last username shown),
//! searched by part of a username, e-mail address or display name; and, for administrators
//! (`Permission::ManageUsers`), the form that creates an account through `core::accounts::create`, as the CLI and
//! the API do. A new account has no password: the user sets one through "forgot password".
use crate::core::provisioning::directory::AccountSource;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Console, Need, console, context, done, refused, render, role_description, user_path};
use crate::core::accounts::{self, NewAccount};
use crate::core::delegation::Permission;
use crate::core::factors::password::lock;
use crate::core::model::{User, truncate};
use crate::core::{Error, Result};
use crate::http::error::{WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{AppState, csrf, encode};
use crate::i18n;

const PAGE: u64 = 50;
/// The longest search text (as the API allows).
const MAX_QUERY: usize = 128;

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    /// The last username of the page before.
    after: Option<String>,
}

/// One account as the table shows it.
#[derive(Serialize)]
pub(super) struct Row {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub status: &'static str,
    /// The password is locked after too many wrong attempts.
    pub locked: bool,
    pub roles: Vec<String>,
    pub path: String,
    /// Where the account came from (`cli`, `console`, `api`, `scim`, `setup`); `None` for accounts made before
    /// sources were recorded.
    pub source: Option<&'static str>,
}

pub(super) async fn row(state: &AppState, user: &User) -> Result<Row> {
    let store = state.store.as_ref();
    Ok(Row {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        status: user.status.as_str(),
        locked: lock::is_locked(store, &state.password_policy, user).await?,
        roles: store.roles_of(&user.id).await?,
        path: user_path(&user.username),
        source: store.directory_entry(&user.id).await?.map(|e| e.source.as_str()),
    })
}

/// What the create form was given, to show it again with the error.
#[derive(Default, Serialize)]
struct Entered {
    username: String,
    email: String,
    display_name: String,
    manager: String,
    phone: String,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct RoleChoice {
    name: String,
    description: String,
    checked: bool,
}

/// The users page: the search, one page of accounts, and the create form for those who may create.
#[allow(clippy::too_many_arguments)]
async fn page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    q: &str,
    after: Option<&str>,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let mut ctx = context(req, state, console, "users");
    let mut error = error;
    let needle = q.trim();
    let needle = if needle.chars().count() > MAX_QUERY {
        error = Some(i18n::t_args(
            "admin-users-search-too-long",
            &[("max", MAX_QUERY.into())],
        ));
        ""
    } else {
        needle
    };
    let mut users = store
        .page_users(Some(needle).filter(|n| !n.is_empty()), after, PAGE + 1)
        .await?;
    let more = users.len() as u64 > PAGE;
    users.truncate(PAGE as usize);
    let mut rows = Vec::with_capacity(users.len());
    for user in &users {
        rows.push(row(state, user).await?);
    }
    let search = if needle.is_empty() {
        String::new()
    } else {
        format!("q={}&", encode(needle))
    };
    let next = more
        .then(|| {
            users
                .last()
                .map(|u| format!("/admin/users?{search}after={}", encode(&u.username)))
        })
        .flatten();
    ctx.insert(
        "listing",
        &serde_json::json!({
            "q": needle, "rows": rows, "next": next, "first": after.is_none(),
            "first_link": format!("/admin/users?{}", search.trim_end_matches('&')),
        }),
    );
    let create = if console.may(Permission::ManageUsers) {
        let roles: Vec<RoleChoice> = store
            .list_roles()
            .await?
            .into_iter()
            .map(|r| RoleChoice {
                checked: entered.roles.contains(&r.name) || (entered.roles.is_empty() && r.name == "user"),
                description: role_description(&r),
                name: r.name,
            })
            .collect();
        Some(serde_json::json!({ "roles": roles, "entered": entered }))
    } else {
        None
    };
    ctx.insert("create", &create);
    ctx.insert("error", &error);
    Ok(render(req, state, status, "admin/users.html", ctx))
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.q.unwrap_or_default();
    let back = format!("/admin/users?q={}", encode(&q));
    let console = match console(&req, &state, &back, Need::Look).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    if let Err(e) = console.operator.require(Permission::ReadUsers) {
        return Ok(refused(&e));
    }
    let after = query.after.as_deref().filter(|a| !a.is_empty() && a.len() <= 64);
    page(
        &req,
        &state,
        &console,
        &q,
        after,
        Entered::default(),
        StatusCode::OK,
        None,
    )
    .await
}

/// Creates an account from the form: `username`, `email`, `display_name`, `manager`, `phone`, and one `role_<name>`
/// per role ticked (distinct names, since a repeated field is refused).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let console = match console(&req, &state, "/admin/users", Need::Change).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    if let Err(e) = console.operator.require(Permission::ManageUsers) {
        return Ok(refused(&e));
    }
    let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut roles: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("role_"))
        .map(str::to_string)
        .collect();
    roles.sort();
    let entered = Entered {
        username: text("username"),
        email: text("email"),
        display_name: text("display_name"),
        manager: text("manager"),
        phone: text("phone"),
        roles,
    };
    let optional = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    let account = NewAccount {
        username: entered.username.clone(),
        email: entered.email.clone(),
        display_name: optional(&entered.display_name),
        roles: entered.roles.clone(),
        manager: optional(&entered.manager),
        phone: optional(&entered.phone),
        password: None,
        source: Some(AccountSource::Console),
    };
    let store = state.store.as_ref();
    match accounts::create(store, &state.passwords, state.clock.now(), &console.origin, account).await {
        Ok(user) => Ok(done(
            &state,
            user_path(&user.username),
            &i18n::t_args(
                "admin-users-created",
                &[
                    ("username", user.username.clone().into()),
                    ("name", user.display_name.clone().into()),
                ],
            ),
        )),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_) | Error::NotFound(_))) => {
            // Only the manager is looked up: name the field, and it is the form that is wrong (400), not the address.
            let (status, message) = match &e {
                Error::NotFound(_) => (
                    StatusCode::BAD_REQUEST,
                    i18n::t_args(
                        "admin-users-manager-unknown",
                        &[("manager", truncate(&entered.manager, 64).into())],
                    ),
                ),
                _ => (status_of(&e), i18n::describe(&e)),
            };
            page(&req, &state, &console, "", None, entered, status, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}
