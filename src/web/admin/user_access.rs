//! The support and access actions on one account (`/admin/users/{username}/…`): giving and taking roles
//! (administrators: `ManageUsers`), disabling and enabling, revoking trusted browsers, ending sessions and
//! unlocking a locked password (whoever may support the account: `require_on(SupportUsers)`, so never the helpdesk
//! on an administrator) — each through the `core` function the admin API calls, with the API's permission, so the
//! audit events are the same. Destructive ones are confirmed on a second page first.
use actix_web::{HttpRequest, HttpResponse, web};

use super::user::{ActionForm, acting, page};
use super::{Confirmation, Field, confirm, confirmed, done, user_path};
use crate::core::Error;
use crate::core::accounts;
use crate::core::delegation::Permission;
use crate::core::factors::password::lock;
use crate::core::model::{User, UserStatus};
use crate::core::signin::trusted_devices;
use crate::http::AppState;
use crate::http::error::{WebError, status_of};
use crate::http::form::Form;
use crate::i18n::{self, Arg};

/// How a confirmation names the account it goes back to.
fn who(user: &User) -> String {
    format!("{} ({})", user.display_name, user.username)
}

/// A message about `user` (its `$username`, `$name` and `$who`), with `more` arguments.
pub(super) fn about(key: &str, user: &User, more: &[(&str, Arg)]) -> String {
    let mut args: Vec<(&str, Arg)> = vec![
        ("username", user.username.clone().into()),
        ("name", user.display_name.clone().into()),
        ("who", who(user).into()),
    ];
    args.extend(more.iter().cloned());
    i18n::t_args(key, &args)
}

fn role_of(form: &ActionForm) -> Result<String, WebError> {
    let role = form.role.as_deref().map(str::trim).unwrap_or_default();
    if role.is_empty() {
        return Err(Error::invalid(i18n::t("admin-error-choose-role")).into());
    }
    Ok(role.to_string())
}

pub async fn add_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::ManageUsers, false).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let role = role_of(&form)?;
    let now = state.clock.now();
    match accounts::add_role(state.store.as_ref(), now, &console.origin, &user, &role).await {
        Ok(added) => {
            let key = if added {
                "admin-role-given"
            } else {
                "admin-role-already-had"
            };
            let message = about(key, &user, &[("role", role.clone().into())]);
            Ok(done(&state, user_path(&user.username), &message))
        }
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            page(&req, &state, &console, &user, status, Some(message)).await
        }
    }
}

pub async fn remove_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::ManageUsers, false).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let role = role_of(&form)?;
    if !confirmed(form.confirm.as_deref()) {
        let role_arg = [("role", Arg::from(role.clone()))];
        let mut consequences = vec![about("admin-remove-role-loses", &user, &role_arg)];
        if role == "admin" || role == "helpdesk" {
            consequences.push(i18n::t("admin-remove-role-console"));
        }
        let path = user_path(&user.username);
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: about("admin-remove-role-title", &user, &role_arg),
                consequences,
                action: format!("{path}/roles/remove"),
                fields: vec![Field {
                    name: "role".into(),
                    value: role,
                }],
                button: "admin-remove-role-button",
                cancel: path,
                cancel_label: who(&user),
            },
        ));
    }
    let now = state.clock.now();
    match accounts::remove_role(state.store.as_ref(), now, &console.origin, &user, &role).await {
        Ok(removed) => {
            let key = if removed {
                "admin-role-removed"
            } else {
                "admin-role-did-not-have"
            };
            let message = about(key, &user, &[("role", role.clone().into())]);
            Ok(done(&state, user_path(&user.username), &message))
        }
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            page(&req, &state, &console, &user, status, Some(message)).await
        }
    }
}

/// `status=disabled` (confirmed first: every session of the user ends) or `status=active`.
pub async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::SupportUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let status = match form.status.as_deref() {
        Some("disabled") => UserStatus::Disabled,
        Some("active") => UserStatus::Active,
        _ => return Err(Error::invalid(i18n::t("admin-error-choose-status")).into()),
    };
    let back = user_path(&user.username);
    if status == user.status {
        let key = if status == UserStatus::Active {
            "admin-status-already-active"
        } else {
            "admin-status-already-disabled"
        };
        let message = about(key, &user, &[]);
        return Ok(done(&state, back, &message));
    }
    if status == UserStatus::Disabled && !confirmed(form.confirm.as_deref()) {
        let mut consequences = vec![about("admin-disable-ends", &user, &[]), i18n::t("admin-disable-stays")];
        if user.id == console.user.id {
            consequences.push(i18n::t("admin-disable-own"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: about("admin-disable-title", &user, &[]),
                consequences,
                action: format!("{back}/status"),
                fields: vec![Field {
                    name: "status".into(),
                    value: "disabled".into(),
                }],
                button: "admin-disable-button",
                cancel: back.clone(),
                cancel_label: who(&user),
            },
        ));
    }
    accounts::set_status(state.store.as_ref(), state.clock.now(), &console.origin, &user, status).await?;
    let key = if status == UserStatus::Disabled {
        "admin-disabled"
    } else {
        "admin-enabled"
    };
    let message = about(key, &user, &[]);
    Ok(done(&state, back, &message))
}

pub async fn revoke_browsers(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::SupportUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let back = user_path(&user.username);
    if !confirmed(form.confirm.as_deref()) {
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: about("admin-revoke-title", &user, &[]),
                consequences: vec![about("admin-revoke-consequence", &user, &[])],
                action: format!("{back}/trusted-browsers/revoke"),
                fields: Vec::new(),
                button: "admin-revoke-button",
                cancel: back.clone(),
                cancel_label: who(&user),
            },
        ));
    }
    let revoked = trusted_devices::revoke_all(
        state.store.as_ref(),
        state.clock.now(),
        &console.origin,
        &user.id,
        "admin",
    )
    .await?;
    let message = about("admin-revoked", &user, &[("count", revoked.into())]);
    Ok(done(&state, back, &message))
}

/// `session=<sid>` ends that session, `session=all` every session (each confirmed first): the sign-ins end at once
/// and the tokens they earned are revoked (`offline_access` too when all end).
pub async fn end_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::SupportUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let back = user_path(&user.username);
    let which = form.session.as_deref().map(str::trim).unwrap_or_default().to_string();
    if which.is_empty() || which.len() > 128 {
        return Err(Error::invalid(i18n::t("admin-error-choose-session")).into());
    }
    let all = which == "all";
    if !confirmed(form.confirm.as_deref()) {
        let mut consequences = if all {
            vec![
                about("admin-end-all-consequence", &user, &[]),
                i18n::t("admin-end-all-stays"),
            ]
        } else {
            vec![about(
                "admin-end-one-consequence",
                &user,
                &[("session", which.clone().into())],
            )]
        };
        if user.id == console.user.id {
            consequences.push(i18n::t("admin-end-own"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: about(
                    if all {
                        "admin-end-all-title"
                    } else {
                        "admin-end-one-title"
                    },
                    &user,
                    &[],
                ),
                consequences,
                action: format!("{back}/sessions/end"),
                fields: vec![Field {
                    name: "session".into(),
                    value: which,
                }],
                button: if all {
                    "admin-end-all-button"
                } else {
                    "admin-end-one-button"
                },
                cancel: back,
                cancel_label: who(&user),
            },
        ));
    }
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let message = if all {
        let ended = accounts::end_sessions(store, now, &console.origin, &user).await?;
        about("admin-ended-all", &user, &[("count", ended.into())])
    } else {
        match accounts::end_session(store, now, &console.origin, &user, &which).await {
            Ok(()) => about("admin-ended-one", &user, &[]),
            Err(e @ Error::NotFound(_)) => {
                let message = i18n::t("admin-end-not-found");
                return page(&req, &state, &console, &user, status_of(&e), Some(message)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    Ok(done(&state, back, &message))
}

/// Ends a password lockout after too many wrong passwords (and clears the failed attempts either way).
pub async fn unlock(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::SupportUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let was_locked = lock::unlock(
        state.store.as_ref(),
        &state.password_policy,
        state.clock.now(),
        &console.origin,
        &user,
    )
    .await?;
    let message = about(
        if was_locked {
            "admin-unlocked"
        } else {
            "admin-not-locked"
        },
        &user,
        &[],
    );
    Ok(done(&state, user_path(&user.username), &message))
}
