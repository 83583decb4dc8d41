//! Caller verification with number matching (`core::recovery::verify`): the console's "Verify the caller" section
//! on an approved request (send a prompt to the user or their manager, see the number to read out and each
//! prompt's result, record an override as a second agent), and the prompt page behind the mailed or texted link,
//! where the user — or their manager, signed in — picks the number the agent read out, or says it was not them.
//! As with every link page, a GET only shows; the POST answers, once.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::helpdesk::{agent, agent_with, request_page};
use super::passkeys;
use super::recovery::ctx;
use super::recovery_view::message_of;
use crate::core::Error;
use crate::core::audit::People;
use crate::core::factors::{Checked, Factor, FactorKind, totp, webauthn};
use crate::core::model::SessionState;
use crate::core::recovery::flow::{Member, member_by_id};
use crate::core::recovery::verify::{self, Answer, Channel, Target, VerifyState};
use crate::core::recovery::verify_flow::{self, Respondent};
use crate::core::recovery::{FactorResetRequest, ResetState};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{JsonError, WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};
use crate::i18n;

#[derive(Deserialize)]
pub struct SendForm {
    csrf: Option<String>,
    id: String,
    target: String,
    channel: Option<String>,
}

#[derive(Deserialize)]
pub struct OverrideForm {
    csrf: Option<String>,
    id: String,
    reason: String,
}

#[derive(Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: Option<String>,
    token: String,
    answer: String,
    /// The code of an authenticator app the user still has, where the page asks for one.
    code: Option<String>,
    /// Or the answer of a security key or passkey the user still has to this prompt's challenge (JSON).
    assertion: Option<String>,
}

#[derive(Deserialize)]
pub struct PasskeyOptionsRequest {
    csrf: Option<String>,
    token: String,
}

/// The largest assertion accepted from the form: a WebAuthn answer is well under 4 KiB.
const MAX_ASSERTION: usize = 16 * 1024;

/// The request page's "Verify the caller" section as `viewer` sees it: what the policy requires, each prompt's
/// result (to whom, by whom, when; the number only on the viewer's own pending prompts, to read out), the
/// override, whether the viewer could execute now, and what the viewer may send or record.
pub(super) async fn section(
    state: &AppState,
    viewer: &Member,
    request: &FactorResetRequest,
) -> Result<Value, WebError> {
    let origin = crate::core::audit::Origin::default();
    let c = ctx(state, &origin);
    let subject = member_by_id(state.store.as_ref(), &request.user_id).await?;
    let check = verify_flow::requirement(&c, &subject).await?;
    let prompts = verify_flow::prompts_of(&c, &request.id).await?;
    let overridden = state.store.verify_override(&request.id).await?;
    let mut people = People::new(state.store.as_ref());
    let mut rows = Vec::new();
    let mut pending = false;
    for p in &prompts {
        let mine = p.state == VerifyState::Pending && p.sent_by == viewer.user.id;
        pending |= p.state == VerifyState::Pending;
        rows.push(json!({
            "target": p.target.as_str(),
            "to": people.person(&p.target_user_id).await?,
            "channel": i18n::t(&format!("helpdesk-verify-channel-{}", p.channel.as_str())),
            "by": people.person(&p.sent_by).await?,
            "state": p.state.as_str(),
            "state_label": i18n::t(&format!("helpdesk-verify-state-{}", p.state.as_str())),
            "at": verify_flow::shown_time(p).to_rfc3339(),
            "counts": verify::counts(p, request, c.now),
            "number": mine.then_some(p.number),
        }));
    }
    let gate = verify::gate(check, request, &prompts, &viewer.user.id, overridden.as_ref(), c.now);
    let blocked = state.recovery.caller_verification && request.state == ResetState::Approved && gate.is_err();
    let manager = match subject.user.manager_id.as_deref() {
        Some(id) => Some(people.person(id).await?),
        None => None,
    };
    let may_override =
        overridden.is_none() && verify::may_override(request, &viewer.person(), &subject.person()).is_ok();
    let override_row = match &overridden {
        Some(o) => Some(json!({ "by": people.person(&o.by).await?, "reason": o.reason, "at": o.at.to_rfc3339() })),
        None => None,
    };
    Ok(json!({
        "required": check.as_str(),
        "required_label": i18n::t(&format!("helpdesk-verify-required-{}", check.as_str())),
        "enforced": state.recovery.caller_verification,
        "prompts": rows,
        "pending": pending,
        "blocked": blocked,
        "blocked_reason": gate.err().map(|r| i18n::core_text(&r.message)),
        "may_send": verify::may_send(&viewer.person(), &subject.person()).is_ok(),
        "has_phone": subject.user.phone.is_some(),
        "manager": manager,
        "manager_is_approver": subject.user.manager_id.is_some() && subject.user.manager_id == request.approver_id,
        "override": override_row,
        "may_override": may_override,
        "minutes": state.recovery.verify_ttl.num_minutes(),
    }))
}

type JsonAnswer = Result<HttpResponse, JsonError>;

fn to_request(id: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/helpdesk/request?id={}#verify", encode(id))))
        .finish()
}

/// Sends a prompt; back to the request, whose page shows the number to read out. A refusal shows the request
/// page with the reason (403, 400), a rate limit a 429 page.
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<SendForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let back = format!("/helpdesk/request?id={}", encode(&form.id));
    let (member, origin) = match agent(&req, &state, &back).await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    let target = Target::parse(&form.target);
    let channel = Channel::parse(form.channel.as_deref().unwrap_or("mail"));
    let (Some(target), Some(channel)) = (target, channel) else {
        return Ok(pages::error_page(
            StatusCode::BAD_REQUEST,
            &i18n::t("helpdesk-verify-error-choose"),
        ));
    };
    let result = verify_flow::send(&ctx(&state, &origin), &member, &form.id, target, channel).await;
    match result {
        Ok(_) => Ok(to_request(&form.id)),
        Err(e @ Error::TooManyAttempts { .. }) => Ok(pages::error_page(
            status_of(&e),
            &i18n::t("helpdesk-verify-error-rate-limited"),
        )),
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            request_page(
                &req,
                &state,
                (&member, &origin),
                &form.id,
                status_of(&e),
                Some(message_of(&e)),
            )
            .await
        }
        Err(e @ Error::NotFound(_)) => Ok(pages::error_page(status_of(&e), &message_of(&e))),
        Err(e) => Err(e.into()),
    }
}

/// A second agent records that the caller was verified otherwise, with a reason; like executing, it needs a recent
/// sign-in.
pub async fn record_override(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<OverrideForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let back = format!("/helpdesk/request?id={}", encode(&form.id));
    let (member, origin) = match agent_with(&req, &state, &back, true).await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    let result = verify_flow::record_override(&ctx(&state, &origin), &member, &form.id, &form.reason).await;
    match result {
        Ok(_) => Ok(to_request(&form.id)),
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            request_page(
                &req,
                &state,
                (&member, &origin),
                &form.id,
                status_of(&e),
                Some(message_of(&e)),
            )
            .await
        }
        Err(e @ Error::NotFound(_)) => Ok(pages::error_page(status_of(&e), &message_of(&e))),
        Err(e) => Err(e.into()),
    }
}

fn prompt_page_of(token: &str) -> String {
    format!("/recovery/verify?token={}", encode(token))
}

fn link_error(e: Error) -> HttpResponse {
    pages::error_page(status_of(&e), &message_of(&e))
}

/// The prompt page: the three numbers and "not me". A manager's prompt asks its manager to sign in first; a
/// prompt already answered or past its end says the link is spent.
pub async fn prompt_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.unwrap_or_default();
    let origin = session::origin(&req);
    let c = ctx(&state, &origin);
    let (prompt, request) = match verify_flow::by_token(&c, &token).await {
        Ok(found) => found,
        Err(e @ (Error::InvalidLink | Error::NotFound(_))) => return Ok(link_error(e)),
        Err(e) => return Err(e.into()),
    };
    if prompt.state != VerifyState::Pending || request.state != ResetState::Approved {
        return Ok(link_error(Error::InvalidLink));
    }
    if prompt.target == Target::Manager {
        let signed_in = session::in_state(&req, &state, &[SessionState::Authenticated]).await?;
        match signed_in {
            None => {
                return Ok(HttpResponse::SeeOther()
                    .insert_header((
                        LOCATION,
                        format!("/login?return_to={}", encode(&prompt_page_of(&token))),
                    ))
                    .finish());
            }
            Some((_, user)) if user.id != prompt.target_user_id => {
                return Ok(pages::error_page(
                    StatusCode::FORBIDDEN,
                    &i18n::t("recovery-verify-not-for-you"),
                ));
            }
            Some(_) => {}
        }
    }
    let subject = state.store.user_by_id(&request.user_id).await?;
    let name = subject.map(|u| u.display_name).unwrap_or_default();
    let factors = verify_flow::factors_to_confirm(&c, &prompt, &request).await?;
    let passkey = state.webauthn.is_some() && factors.iter().any(|f| f.kind == FactorKind::WebAuthn);
    let app = factors.iter().any(|f| f.kind == FactorKind::Totp);
    let mut ctx = pages::context();
    ctx.insert("confirm", &!factors.is_empty());
    ctx.insert("confirm_app", &app);
    ctx.insert("confirm_passkey", &passkey);
    ctx.insert("token", &token);
    ctx.insert("manager", &(prompt.target == Target::Manager));
    ctx.insert("name", &name);
    ctx.insert("choices", &prompt.choices);
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "recovery/verify.html",
        ctx,
    ))
}

/// The challenge for a security key or passkey the prompt asks the user to confirm with (JSON for
/// `static/webauthn.js`), stored under the prompt: answered once, within five minutes.
pub async fn passkey_options(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> JsonAnswer {
    let request: PasskeyOptionsRequest = passkeys::body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = passkeys::rp(&state)?;
    let origin = session::origin(&req);
    let c = ctx(&state, &origin);
    let spent = || JsonError::new(StatusCode::NOT_FOUND, &message_of(&Error::InvalidLink));
    let (prompt, reset) = match verify_flow::by_token(&c, &request.token).await {
        Ok(found) => found,
        Err(Error::InvalidLink | Error::NotFound(_)) => return Err(spent()),
        Err(e) => return Err(e.into()),
    };
    if prompt.state != VerifyState::Pending || reset.state != ResetState::Approved {
        return Err(spent());
    }
    let keys: Vec<Factor> = verify_flow::factors_to_confirm(&c, &prompt, &reset)
        .await?
        .into_iter()
        .filter(|f| f.kind == FactorKind::WebAuthn)
        .collect();
    let key = verify_flow::ceremony_key(&prompt);
    let options = webauthn::start_confirmation(rp, c.store, c.now, &key, &keys).await?;
    Ok(HttpResponse::Ok().json(options))
}

/// Whether the user confirmed the prompt with a factor it asks for: `code`, a current code of an authenticator
/// app (accepted once: the app's replay floor moves on), or `assertion`, a security key's or passkey's answer to
/// the prompt's challenge (taken once). `false` without either, or where no factor is asked.
async fn confirmed_with_factor(
    state: &AppState,
    c: &crate::core::recovery::flow::Ctx<'_>,
    origin: &crate::core::audit::Origin,
    form: &AnswerForm,
) -> Result<bool, WebError> {
    let Ok((prompt, request)) = verify_flow::by_token(c, &form.token).await else {
        return Ok(false);
    };
    let factors = verify_flow::factors_to_confirm(c, &prompt, &request).await?;
    if factors.is_empty() || prompt.state != VerifyState::Pending {
        return Ok(false);
    }
    let (keys, apps): (Vec<Factor>, Vec<Factor>) = factors.into_iter().partition(|f| f.kind == FactorKind::WebAuthn);
    let assertion = form.assertion.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let checked = if let Some(assertion) = assertion {
        let (Some(rp), false) = (
            state.webauthn.as_deref(),
            keys.is_empty() || assertion.len() > MAX_ASSERTION,
        ) else {
            return Ok(false);
        };
        let Ok(credential) = serde_json::from_str::<Value>(assertion) else {
            return Ok(false);
        };
        let Ok(response) = webauthn::parse_assertion(&credential) else {
            return Ok(false);
        };
        let Some(user) = state.store.user_by_id(&request.user_id).await? else {
            return Ok(false);
        };
        let key = verify_flow::ceremony_key(&prompt);
        webauthn::verify_confirmation(rp, &state.core(origin), &key, &user, &keys, &response).await?
    } else {
        let code = form
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 16);
        let (Some(code), false) = (code, apps.is_empty()) else {
            return Ok(false);
        };
        totp::verify(&state.core(origin), &apps, code).await?
    };
    Ok(matches!(checked, Checked::Accepted { .. }))
}

/// The answer: a number from the three, or `no`. One answer per prompt.
pub async fn prompt_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<AnswerForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let answer = match form.answer.as_str() {
        "no" => Answer::NotMe,
        n => match n.parse::<u8>() {
            Ok(n) if (10..=99).contains(&n) => Answer::Picked(n),
            _ => {
                return Ok(pages::error_page(
                    StatusCode::BAD_REQUEST,
                    &i18n::t("recovery-verify-error-choose"),
                ));
            }
        },
    };
    let signed_in = session::in_state(&req, &state, &[SessionState::Authenticated]).await?;
    let mut origin = session::origin(&req);
    let respondent = match &signed_in {
        Some((_, user)) => {
            origin = origin.with_actor(format!("user:{}", user.id));
            Respondent::SignedIn(user)
        }
        None => Respondent::Link,
    };
    let c = ctx(&state, &origin);
    let confirmed = confirmed_with_factor(&state, &c, &origin, &form).await?;
    let answered = verify_flow::answer(&c, &form.token, answer, respondent, confirmed).await;
    match answered {
        Ok((prompt, outcome)) => {
            let mut ctx = pages::context();
            ctx.insert("outcome", outcome.as_str());
            ctx.insert("manager", &(prompt.target == Target::Manager));
            Ok(pages::page(StatusCode::OK, "recovery/verified.html", &ctx))
        }
        Err(Error::NotAllowed(_)) if signed_in.is_none() => Ok(HttpResponse::SeeOther()
            .insert_header((
                LOCATION,
                format!("/login?return_to={}", encode(&prompt_page_of(&form.token))),
            ))
            .finish()),
        Err(Error::NotAllowed(_)) => Ok(pages::error_page(
            StatusCode::FORBIDDEN,
            &i18n::t("recovery-verify-not-for-you"),
        )),
        Err(e @ (Error::InvalidLink | Error::Invalid(_) | Error::NotFound(_))) => Ok(link_error(e)),
        Err(e) => Err(e.into()),
    }
}
