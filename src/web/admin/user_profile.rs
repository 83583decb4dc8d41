//! `/admin/users/{username}/profile`, `/rename` and `/delete`: an account's e-mail address, display name, phone
//! number and manager (whoever may support the account: the API's `PATCH /users/{user}`, `require_on(SupportUsers)`),
//! its username and its deletion (administrators, never of an administrator by the helpdesk: the API's
//! `require_on(ManageUsers)`). Each through the `core::accounts` function the API calls, in the API's order, so the
//! audit events are the same; a form that changes several fields is checked whole first
//! (`accounts::check_profile`), so a refusal changes nothing. Only the fields that differ from the account are
//! changed (an unchanged field writes no event). Deleting is confirmed first, saying what it means
//! (docs/admin.md, "Deleting a user"), and ends on the users list with a notice.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::user::{ActionForm, acting, page, target};
use super::user_access::about;
use super::{Confirmation, Console, Need, confirm, confirmed, console, context, done, refused, render, user_path};
use crate::core::accounts::{self, ProfileEdit};
use crate::core::delegation::Permission;
use crate::core::model::{Phone, User};
use crate::core::{Error, Result};
use crate::http::error::{WebError, status_of};
use crate::http::form::Form;
use crate::http::{AppState, csrf};
use crate::i18n;

#[derive(Deserialize)]
pub struct ProfileForm {
    csrf: Option<String>,
    email: Option<String>,
    display_name: Option<String>,
    /// Empty: no phone number.
    phone: Option<String>,
    /// A username or e-mail address; empty: no manager.
    manager: Option<String>,
}

/// What the profile form shows: the account's values, or what was typed when a change was refused.
#[derive(Serialize)]
struct Entered {
    email: String,
    display_name: String,
    phone: String,
    manager: String,
    username: String,
}

async fn current(state: &AppState, user: &User) -> Result<Entered> {
    let manager = match &user.manager_id {
        Some(id) => state.store.user_by_id(id).await?.map(|m| m.username),
        None => None,
    };
    Ok(Entered {
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        phone: user.phone.clone().unwrap_or_default(),
        manager: manager.unwrap_or_default(),
        username: user.username.clone(),
    })
}

/// The profile page: the profile form (for those who may support the account) and the rename form (for those who
/// may manage it), each with its own error.
#[allow(clippy::too_many_arguments)]
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    user: &User,
    entered: Entered,
    status: StatusCode,
    profile_error: Option<String>,
    rename_error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let support = console
        .operator
        .require_on(store, Permission::SupportUsers, user)
        .await
        .is_ok();
    let manage = console
        .operator
        .require_on(store, Permission::ManageUsers, user)
        .await
        .is_ok();
    let mut ctx = context(req, state, console, "users");
    ctx.insert(
        "person",
        &serde_json::json!({
            "username": user.username, "display_name": user.display_name, "path": user_path(&user.username),
            "support": support, "manage": manage, "has_phone": user.phone.is_some(),
        }),
    );
    ctx.insert("entered", &entered);
    ctx.insert("profile_error", &profile_error);
    ctx.insert("rename_error", &rename_error);
    Ok(render(req, state, status, "admin/profile.html", ctx))
}

pub async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let back = format!("{}/profile", user_path(&path));
    let console = match console(&req, &state, &back, Need::Look).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let user = match target(&state, &path).await? {
        Ok(user) => user,
        Err(answer) => return Ok(answer),
    };
    // The page is for changing: as the API's PATCH, only for whoever may support the account.
    if let Err(e) = console
        .operator
        .require_on(state.store.as_ref(), Permission::SupportUsers, &user)
        .await
    {
        return Ok(refused(&e));
    }
    let entered = current(&state, &user).await?;
    form_page(&req, &state, &console, &user, entered, StatusCode::OK, None, None).await
}

/// Whether the typed phone number differs from the stored one (a number that does not parse differs, and is then
/// refused by the check).
fn phone_differs(typed: &str, stored: Option<&str>) -> bool {
    match (typed.is_empty(), stored) {
        (true, None) => false,
        (true, Some(_)) | (false, None) => true,
        (false, Some(stored)) => !Phone::parse(typed).is_ok_and(|p| p.as_str() == stored),
    }
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ProfileForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let back = format!("{}/profile", user_path(&path));
    let console = match console(&req, &state, &back, Need::Change).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let user = match target(&state, &path).await? {
        Ok(user) => user,
        Err(answer) => return Ok(answer),
    };
    let store = state.store.as_ref();
    if let Err(e) = console
        .operator
        .require_on(store, Permission::SupportUsers, &user)
        .await
    {
        return Ok(refused(&e));
    }
    let was = current(&state, &user).await?;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
    let entered = Entered {
        email: text(&form.email),
        display_name: text(&form.display_name),
        phone: text(&form.phone),
        manager: text(&form.manager),
        username: user.username.clone(),
    };
    let display_name_same = entered.display_name == user.display_name
        || (entered.display_name.is_empty() && user.display_name == user.username);
    let edit = ProfileEdit {
        email: (entered.email != user.email).then_some(entered.email.as_str()),
        display_name: (!display_name_same).then_some(entered.display_name.as_str()),
        phone: phone_differs(&entered.phone, user.phone.as_deref())
            .then_some(Some(entered.phone.as_str()).filter(|p| !p.is_empty())),
        manager: (!entered.manager.eq_ignore_ascii_case(&was.manager))
            .then_some(Some(entered.manager.as_str()).filter(|m| !m.is_empty())),
    };
    let apply = async {
        accounts::check_profile(store, &user, &edit).await?;
        let (now, origin) = (state.clock.now(), &console.origin);
        let mut user = user.clone();
        let mut changed = Vec::new();
        if let Some(email) = edit.email {
            user = accounts::set_email(store, now, origin, &user, state.notifier.as_ref(), email).await?;
            changed.push(i18n::t("admin-changed-email"));
        }
        if let Some(name) = edit.display_name {
            user = accounts::set_display_name(store, now, origin, &user, name).await?;
            changed.push(i18n::t("admin-changed-display-name"));
        }
        if let Some(phone) = edit.phone {
            let (notifier, sms) = (state.notifier.as_ref(), state.sms.as_ref());
            user = accounts::set_phone(store, now, origin, &user, notifier, sms, phone).await?;
            changed.push(i18n::t("admin-changed-phone"));
        }
        if let Some(manager) = edit.manager {
            user = accounts::set_manager(store, now, origin, &user, manager).await?;
            changed.push(i18n::t("admin-changed-manager"));
        }
        Ok::<_, Error>((user, changed))
    };
    match apply.await {
        Ok((user, changed)) => {
            let message = if changed.is_empty() {
                about("admin-profile-unchanged", &user, &[])
            } else {
                about("admin-profile-changed", &user, &[("what", changed.join(", ").into())])
            };
            Ok(done(&state, user_path(&user.username), &message))
        }
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            form_page(&req, &state, &console, &user, entered, status, Some(message), None).await
        }
    }
}

pub async fn rename(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::ManageUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let new = form.username.as_deref().map(str::trim).unwrap_or_default().to_string();
    let store = state.store.as_ref();
    match accounts::rename(store, state.clock.now(), &console.origin, &user, &new).await {
        Ok(renamed) if renamed.username == user.username => Ok(done(
            &state,
            user_path(&user.username),
            &about("admin-rename-same", &user, &[]),
        )),
        Ok(renamed) => Ok(done(
            &state,
            user_path(&renamed.username),
            &about("admin-renamed", &user, &[("new", renamed.username.clone().into())]),
        )),
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            let mut entered = current(&state, &user).await?;
            entered.username = new;
            form_page(&req, &state, &console, &user, entered, status, None, Some(message)).await
        }
    }
}

/// Deletes the account for good, after a confirmation that says what that means; back to the users list.
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let (console, user) = match acting(&req, &state, &path, &form, Permission::ManageUsers, true).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let back = user_path(&user.username);
    let who = format!("{} ({})", user.display_name, user.username);
    if !confirmed(form.confirm.as_deref()) {
        let mut consequences = vec![
            about("admin-delete-for-good", &user, &[]),
            i18n::t("admin-delete-sessions"),
            i18n::t("admin-delete-factors"),
            i18n::t("admin-delete-reports"),
            i18n::t("admin-delete-names"),
        ];
        if user.id == console.user.id {
            consequences.push(i18n::t("admin-delete-own"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "users",
            Confirmation {
                title: about("admin-delete-title", &user, &[]),
                consequences,
                action: format!("{back}/delete"),
                fields: Vec::new(),
                button: "admin-delete-button",
                cancel: back,
                cancel_label: who,
            },
        ));
    }
    match accounts::delete(state.store.as_ref(), state.clock.now(), &console.origin, &user).await {
        Ok(deleted) => {
            let mut message = about("admin-deleted", &user, &[("sessions", deleted.sessions.into())]);
            if !deleted.reports.is_empty() {
                message.push(' ');
                message.push_str(&i18n::t_args(
                    "admin-deleted-reports",
                    &[("count", deleted.reports.len().into())],
                ));
            }
            Ok(done(&state, "/admin/users".into(), &message))
        }
        Err(e @ Error::Conflict(_)) => {
            page(&req, &state, &console, &user, status_of(&e), Some(i18n::describe(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}
