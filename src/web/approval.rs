//! Cross-device sign-in approval (`core::signin::approval_flow`), both browsers:
//!
//! - the browser signing in: `POST /login/approval` asks and shows the number (`login/approval.html`), whose script
//!   polls `GET /login/approval/status` and then posts `POST /login/approval/finish` (the button does the same
//!   without script);
//! - the signed-in browser: `GET /account/approvals` lists open prompts with where they come from and three
//!   numbers; `POST /account/approvals/answer` answers one; `GET /account/approvals/count` feeds the account
//!   page's "a sign-in waits for you" line.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::Error;
use crate::core::model::{Session, SessionState, User};
use crate::core::signin::approval::{Answer, ApprovalState};
use crate::core::signin::approval_flow::{self, Waiting};
use crate::core::signin::flow::{self, safe_return_to};
use crate::core::signin::trusted_devices::device::browser_summary;
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};
use crate::web::devices::browser_words;

#[derive(Deserialize)]
pub struct AskForm {
    csrf: Option<String>,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct WaitQuery {
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: Option<String>,
    approval: String,
    /// The number picked; absent with `deny`.
    pick: Option<String>,
    deny: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// One open prompt as the approving page shows it.
#[derive(Serialize)]
struct PromptRow {
    id: String,
    choices: [u8; 3],
    browser: String,
    ip: Option<String>,
    sent: String,
}

async fn waiting_session(req: &HttpRequest, state: &AppState) -> Result<Option<(Session, User)>, WebError> {
    session::in_state(req, state, &[SessionState::PendingSecondFactor]).await
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish()
}

fn waiting_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    number: Option<u8>,
    return_to: Option<&str>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("number", &number);
    ctx.insert("return_to", &safe_return_to(return_to));
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "login/approval.html", ctx)
}

/// "Approve from another browser": sends the prompt (or finds the open one) and shows its number.
pub async fn ask(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<AskForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((pending, user)) = waiting_session(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    match approval_flow::request(&state.core(&origin), &pending, &user).await {
        Ok(prompt) => Ok(waiting_page(
            &req,
            &state,
            StatusCode::OK,
            Some(prompt.number),
            form.return_to.as_deref(),
            None,
        )),
        Err(e @ Error::NotAllowed(_)) => {
            let message = crate::i18n::describe(&e);
            Ok(waiting_page(
                &req,
                &state,
                StatusCode::FORBIDDEN,
                None,
                form.return_to.as_deref(),
                Some(message),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The waiting page again (a reload): the open prompt's number, or back to the factor page.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<WaitQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((pending, _user)) = waiting_session(&req, &state).await? else {
        return Ok(to_login());
    };
    let prompt = state.store.sign_in_approval_of(&pending.id_hash).await?;
    match prompt.filter(|p| p.state_at(state.clock.now()) == ApprovalState::Pending) {
        Some(p) => Ok(waiting_page(
            &req,
            &state,
            StatusCode::OK,
            Some(p.number),
            query.return_to.as_deref(),
            None,
        )),
        None => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/login/factor"))
            .finish()),
    }
}

/// What the waiting page's script polls: `pending`, `approved`, `refused`, `expired` or `none`.
pub async fn status(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((pending, _user)) = waiting_session(&req, &state).await? else {
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "state": "none" })));
    };
    let word = match approval_flow::status(state.store.as_ref(), state.clock.now(), &pending).await? {
        None => "none",
        Some(ApprovalState::Pending) => "pending",
        Some(ApprovalState::Approved) => "approved",
        Some(ApprovalState::Denied | ApprovalState::Mismatch) => "refused",
        Some(ApprovalState::Ignored) => "expired",
        Some(ApprovalState::Used) => "none",
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({ "state": word })))
}

/// Signs the browser in when its prompt was approved; otherwise says where it stands.
pub async fn finish(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<AskForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((pending, user)) = waiting_session(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let return_to = form.return_to.as_deref();
    match approval_flow::waiting(&state.core(&origin), &pending, &user).await? {
        Waiting::SignedIn(signed_in) => {
            crate::http::locale::remember_sign_in(&state, &signed_in).await;
            let target = flow::next_url(signed_in.session.state, return_to);
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, target))
                .cookie(session::session_cookie(&state, &signed_in.token))
                .finish())
        }
        Waiting::Open(prompt) => Ok(waiting_page(
            &req,
            &state,
            StatusCode::OK,
            Some(prompt.number),
            return_to,
            None,
        )),
        Waiting::Refused => {
            let message = crate::i18n::t("login-approval-refused");
            Ok(waiting_page(
                &req,
                &state,
                StatusCode::FORBIDDEN,
                None,
                return_to,
                Some(message),
            ))
        }
        Waiting::NotAsked => {
            let message = crate::i18n::t("login-approval-expired");
            Ok(waiting_page(
                &req,
                &state,
                StatusCode::GONE,
                None,
                return_to,
                Some(message),
            ))
        }
    }
}

async fn signed_in(req: &HttpRequest, state: &AppState) -> Result<Option<(Session, User)>, WebError> {
    session::in_state(req, state, &[SessionState::Authenticated]).await
}

/// The signed-in browser's list of sign-ins waiting for its approval.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = signed_in(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let core = state.core(&origin);
    let open = approval_flow::open_for(&core, &session, &user).await?;
    let may = open.is_some();
    let rows: Vec<PromptRow> = open
        .unwrap_or_default()
        .into_iter()
        .map(|p| PromptRow {
            browser: browser_words(&browser_summary(p.user_agent.as_deref().unwrap_or_default())),
            ip: p.ip,
            sent: p.created_at.to_rfc3339(),
            choices: p.choices,
            id: p.id,
        })
        .collect();
    let done = query
        .done
        .as_deref()
        .filter(|d| ["approved", "denied", "mismatch"].contains(d));
    let mut ctx = pages::context();
    ctx.insert("may_approve", &may);
    ctx.insert("prompts", &rows);
    ctx.insert("done", &done);
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "account/approvals.html",
        ctx,
    ))
}

/// How many sign-ins wait for this browser's approval (the account page polls it).
pub async fn count(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = signed_in(&req, &state).await? else {
        return Ok(HttpResponse::Unauthorized().json(serde_json::json!({ "open": 0 })));
    };
    let origin = session::origin(&req);
    let open = approval_flow::open_for(&state.core(&origin), &session, &user)
        .await?
        .map_or(0, |prompts| prompts.len());
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({ "open": open })))
}

/// Answers one prompt: a number, or "this wasn't me".
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<AnswerForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((session, user)) = signed_in(&req, &state).await? else {
        return Ok(to_login());
    };
    let given = match (form.deny.is_some(), form.pick.as_deref().map(str::trim)) {
        (true, _) => Answer::NotMe,
        (false, Some(n)) => Answer::Picked(
            n.parse()
                .map_err(|_| Error::invalid(crate::i18n::t("account-approvals-bad-pick")))?,
        ),
        (false, None) => return Err(Error::invalid(crate::i18n::t("account-approvals-bad-pick")).into()),
    };
    let id: String = form.approval.chars().take(64).collect();
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let state_now = approval_flow::answer(&state.core(&origin), &session, &user, &id, given).await?;
    let done = match state_now {
        ApprovalState::Approved => "approved",
        ApprovalState::Mismatch => "mismatch",
        _ => "denied",
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/account/approvals?done={done}")))
        .finish())
}
