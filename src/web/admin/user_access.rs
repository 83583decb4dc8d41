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

/// How a confirmation names the account it goes back to.
fn who(user: &User) -> String {
    format!("{} ({})", user.display_name, user.username)
}

fn role_of(form: &ActionForm) -> Result<String, WebError> {
    let role = form.role.as_deref().map(str::trim).unwrap_or_default();
    if role.is_empty() {
        return Err(Error::invalid("Choose a role.").into());
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
            let message = if added {
                format!("Gave {} the role {role}.", user.username)
            } else {
                format!("{} already had the role {role}.", user.username)
            };
            Ok(done(&state, user_path(&user.username), &message))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            page(&req, &state, &console, &user, status_of(&e), Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
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
        let mut consequences = vec![format!(
            "{} ({}) loses what the role {role} gives, from their next request on.",
            user.display_name, user.username
        )];
        if role == "admin" || role == "helpdesk" {
            consequences.push("They can no longer use this console in that role.".into());
        }
        let path = user_path(&user.username);
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: format!("Remove the role {role} from {}?", user.username),
                consequences,
                action: format!("{path}/roles/remove"),
                fields: vec![Field {
                    name: "role".into(),
                    value: role,
                }],
                button: "Remove the role",
                cancel: path,
                cancel_label: who(&user),
            },
        ));
    }
    let now = state.clock.now();
    match accounts::remove_role(state.store.as_ref(), now, &console.origin, &user, &role).await {
        Ok(removed) => {
            let message = if removed {
                format!("Removed the role {role} from {}.", user.username)
            } else {
                format!("{} did not have the role {role}.", user.username)
            };
            Ok(done(&state, user_path(&user.username), &message))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            page(&req, &state, &console, &user, status_of(&e), Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
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
        _ => return Err(Error::invalid("Choose disabled or active.").into()),
    };
    let back = user_path(&user.username);
    if status == user.status {
        let message = format!("{} is already {}.", user.username, status.as_str());
        return Ok(done(&state, back, &message));
    }
    if status == UserStatus::Disabled && !confirmed(form.confirm.as_deref()) {
        let mut consequences = vec![
            format!(
                "{} ({}) can no longer sign in, and every session of theirs ends now, with the tokens it earned.",
                user.display_name, user.username
            ),
            "Their password, factors and roles stay: enabling the account again restores sign-in.".into(),
        ];
        if user.id == console.user.id {
            consequences.push("This is your own account: you will be signed out at once.".into());
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: format!("Disable {}?", user.username),
                consequences,
                action: format!("{back}/status"),
                fields: vec![Field {
                    name: "status".into(),
                    value: "disabled".into(),
                }],
                button: "Disable the account",
                cancel: back.clone(),
                cancel_label: who(&user),
            },
        ));
    }
    accounts::set_status(state.store.as_ref(), state.clock.now(), &console.origin, &user, status).await?;
    let message = if status == UserStatus::Disabled {
        format!("Disabled {}; their sessions ended.", user.username)
    } else {
        format!("Enabled {}: they can sign in again.", user.username)
    };
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
                title: format!("Revoke every trusted browser of {}?", user.username),
                consequences: vec![format!(
                    "{} ({}) is asked for a second factor at their next sign-in in every browser; their current \
                     sessions stay.",
                    user.display_name, user.username
                )],
                action: format!("{back}/trusted-browsers/revoke"),
                fields: Vec::new(),
                button: "Revoke all trusted browsers",
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
    let message = match revoked {
        0 => format!("{} had no trusted browser.", user.username),
        1 => format!("Revoked the one trusted browser of {}.", user.username),
        n => format!("Revoked {n} trusted browsers of {}.", user.username),
    };
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
        return Err(Error::invalid("Choose a session, or all.").into());
    }
    let all = which == "all";
    if !confirmed(form.confirm.as_deref()) {
        let mut consequences = if all {
            vec![
                format!(
                    "Every browser of {} is signed out at once, and every token their sign-ins earned is revoked, \
                     offline access included.",
                    who(&user)
                ),
                "Their password, factors and trusted browsers stay: they can sign in again.".into(),
            ]
        } else {
            vec![format!(
                "The browser of {} with session {which} is signed out at once, and the tokens that sign-in earned \
                 are revoked (offline access excepted).",
                who(&user)
            )]
        };
        if user.id == console.user.id {
            consequences.push("This is your own account: your session here may be among them.".into());
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: if all {
                    format!("End every session of {}?", user.username)
                } else {
                    format!("End this session of {}?", user.username)
                },
                consequences,
                action: format!("{back}/sessions/end"),
                fields: vec![Field {
                    name: "session".into(),
                    value: which,
                }],
                button: if all { "End every session" } else { "End the session" },
                cancel: back,
                cancel_label: who(&user),
            },
        ));
    }
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let message = if all {
        match accounts::end_sessions(store, now, &console.origin, &user).await? {
            0 => format!("{} had no session.", user.username),
            1 => format!("Ended the one session of {}.", user.username),
            n => format!("Ended {n} sessions of {}.", user.username),
        }
    } else {
        match accounts::end_session(store, now, &console.origin, &user, &which).await {
            Ok(()) => format!("Ended a session of {}.", user.username),
            Err(e @ Error::NotFound(_)) => {
                let message = format!("{e}: it may have ended already.");
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
    let message = if was_locked {
        format!(
            "Unlocked the password of {}: they can sign in with it again.",
            user.username
        )
    } else {
        format!(
            "The password of {} was not locked; its failed attempts are cleared.",
            user.username
        )
    };
    Ok(done(&state, user_path(&user.username), &message))
}
