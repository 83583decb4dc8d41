//! `/login/factor`: the second step of sign-in, on its own page after the password — and the step-up of a
//! signed-in session when a relying party asks for a stronger level (`level`: only kinds that reach it are
//! offered; the authorization endpoint checks the result again, so the parameter only shapes the page).
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::factors::{Factor, FactorKind, FactorStatus, sms};
use crate::core::model::{Session, SessionState, User};
use crate::core::policy::enforcement::Standing;
use crate::core::policy::recovery;
use crate::core::signin::approval_flow;
use crate::core::signin::flow::{self, safe_return_to};
use crate::core::{Error, policy::assurance, signin::second_factor};
use crate::http::AppState;
use crate::http::error::{WebError, status_of, with_retry_after};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};

#[derive(Deserialize)]
pub struct FactorQuery {
    method: Option<String>,
    level: Option<String>,
    return_to: Option<String>,
    sent: Option<String>,
}

#[derive(Deserialize)]
pub struct SendForm {
    csrf: Option<String>,
    level: Option<String>,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct FactorForm {
    csrf: Option<String>,
    level: Option<String>,
    method: String,
    code: String,
    return_to: Option<String>,
    /// "Trust this browser for N days" was ticked.
    trust: Option<String>,
}

#[derive(Serialize)]
struct Method {
    kind: &'static str,
    current: bool,
}

/// A sign-in waiting for its second factor, or a signed-in session stepping up.
async fn pending(req: &HttpRequest, state: &AppState) -> Result<Option<(Session, User)>, WebError> {
    session::in_state(
        req,
        state,
        &[SessionState::PendingSecondFactor, SessionState::Authenticated],
    )
    .await
}

/// The level a step-up page was asked for, when it is one of ours.
fn known_level(level: Option<&str>) -> Option<&'static str> {
    level.and_then(|l| assurance::ALL.iter().find(|a| **a == l).copied())
}

/// Where the page's forms and links carry on to.
pub struct Page<'a> {
    pub method: Option<&'a str>,
    pub level: Option<&'a str>,
    pub return_to: Option<&'a str>,
}

async fn factor_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    (session, user): (&Session, &User),
    page: Page<'_>,
    error: Option<String>,
    sent: bool,
) -> Result<HttpResponse, WebError> {
    let level = known_level(page.level);
    let (store, now) = (state.store.as_ref(), state.clock.now());
    // The user's roles, policies and factors, read once for everything the page shows.
    let standing = session::standing(req, state, user).await?;
    let offered = second_factor::offered(&standing, session, level);
    let chosen = page
        .method
        .and_then(FactorKind::parse)
        .filter(|k| offered.contains(k))
        .or(offered.first().copied());
    let Some(chosen) = chosen else {
        return Err(Error::invalid(crate::i18n::t(if level.is_some() {
            "login-factor-level-unreachable"
        } else {
            "login-factor-none"
        }))
        .into());
    };
    let mut ctx = pages::context();
    ctx.insert("method", chosen.as_str());
    let methods: Vec<Method> = offered
        .iter()
        .map(|k| Method {
            kind: k.as_str(),
            current: *k == chosen,
        })
        .collect();
    ctx.insert("methods", &methods);
    ctx.insert("return_to", &safe_return_to(page.return_to));
    ctx.insert("level", &level);
    ctx.insert("step_up", &(session.state == SessionState::Authenticated));
    ctx.insert("username", &user.username);
    ctx.insert("error", &error);
    ctx.insert("sent", &sent);
    let phone = if chosen == FactorKind::Sms {
        first_sms_factor(&standing.factors).and_then(|f| sms::phone_of(f).map(sms::masked))
    } else {
        None
    };
    ctx.insert("phone", &phone);
    if session.state != SessionState::Authenticated {
        ctx.insert("ways_back", &ways_back(&standing));
        let approval = approval_flow::offered(store, now, &standing, session, user).await?;
        ctx.insert("approval", &approval);
    }
    // Offered only when the user's combined policy allows trusted devices (0 = never).
    ctx.insert("trust_days", &standing.requirement.trusted_device_days);
    Ok(pages::with_csrf(req, state, status, "login/second_factor.html", ctx))
}

/// The ways back in that the user's recovery policy opens to them, for "I can't use any of my factors": the
/// self-service paths the rest of their factors walk, then the request path. Self-service needs two factors at
/// least (the lost one and another); "another factor" needs two besides text messages and recovery codes.
fn ways_back(standing: &Standing) -> Vec<&'static str> {
    let policy = recovery::effective(standing.policies.iter().map(|p| (p.role.as_str(), &p.recovery)));
    let factors: Vec<&Factor> = standing
        .factors
        .iter()
        .filter(|f| f.status == FactorStatus::Active)
        .collect();
    let primary = factors
        .iter()
        .filter(|f| !matches!(f.kind, FactorKind::Sms | FactorKind::RecoveryCode))
        .count();
    let usable = if factors.len() > 1 {
        factors.iter().map(|f| f.kind).collect()
    } else {
        Vec::new()
    };
    let situation = recovery::Situation {
        usable,
        ..Default::default()
    };
    let mut ways: Vec<&'static str> = recovery::available_paths(&policy, &situation)
        .into_iter()
        .filter(|p| *p != recovery::RecoveryPath::BackupFactor || primary > 1)
        .map(|p| p.as_str())
        .collect();
    ways.push(recovery::request_path(&policy).as_str());
    ways
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<FactorQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = pending(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let page = Page {
        method: query.method.as_deref(),
        level: query.level.as_deref(),
        return_to: query.return_to.as_deref(),
    };
    factor_page(
        &req,
        &state,
        StatusCode::OK,
        (&session, &user),
        page,
        None,
        query.sent.is_some(),
    )
    .await
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<FactorForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((pending, user)) = pending(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let kind =
        FactorKind::parse(&form.method).ok_or_else(|| Error::invalid(crate::i18n::t("login-factor-unknown-method")))?;
    let code: String = form.code.chars().take(64).collect();
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let standing = session::standing(&req, &state, &user).await?;
    let result = second_factor::verify(&state.core(&origin), &standing, &pending, &user, kind, &code).await;
    match result {
        Ok(signed_in) => {
            crate::http::locale::remember_sign_in(&state, &signed_in).await;
            // Proven, but when the factor's kind no longer counts for the role, enrolment is all this sign-in gives.
            let target = flow::next_url(signed_in.session.state, form.return_to.as_deref());
            let mut response = HttpResponse::SeeOther();
            response
                .insert_header((LOCATION, target))
                .cookie(session::session_cookie(&state, &signed_in.token));
            // Trust only after a sign-in that gives full access, and only as long as the policy allows.
            if form.trust.is_some()
                && let Some(cookie) =
                    super::devices::trust_after_second_factor(&req, &state, &origin, &user, signed_in.session.state)
                        .await?
            {
                response.cookie(cookie);
            }
            Ok(response.finish())
        }
        Err(
            e @ (Error::WrongCode(_)
            | Error::TooManyAttempts { .. }
            | Error::FactorLocked { .. }
            | Error::NotAllowed(_)),
        ) => {
            let page = Page {
                method: Some(kind.as_str()),
                level: form.level.as_deref(),
                return_to: form.return_to.as_deref(),
            };
            let page = factor_page(
                &req,
                &state,
                status_of(&e),
                (&pending, &user),
                page,
                Some(crate::i18n::describe(&e)),
                kind == FactorKind::Sms,
            )
            .await?;
            Ok(with_retry_after(page, &e))
        }
        Err(other) => Err(other.into()),
    }
}

fn first_sms_factor(factors: &[Factor]) -> Option<&Factor> {
    factors
        .iter()
        .find(|f| f.kind == FactorKind::Sms && f.status == FactorStatus::Active)
}

/// "Text me a code": sends a code bound to this pending sign-in.
pub async fn send_sms(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<SendForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((pending, user)) = pending(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let standing = session::standing(&req, &state, &user).await?;
    let factor =
        first_sms_factor(&standing.factors).ok_or_else(|| Error::invalid(crate::i18n::t("login-factor-no-phone")))?;
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let core = state.core(&origin);
    // No text message for a kind the policy does not accept: it could not finish the sign-in.
    let sent = match second_factor::admit(&core, &standing, &pending, &user, FactorKind::Sms).await {
        Ok(_) => sms::send_code(&core, &user, factor, &pending.id_hash).await,
        Err(e) => Err(e),
    };
    let return_to = safe_return_to(form.return_to.as_deref());
    match sent {
        Ok(()) => {
            let mut target = String::from("/login/factor?method=sms&sent=1");
            if let Some(level) = known_level(form.level.as_deref()) {
                target.push_str(&format!("&level={}", crate::http::encode(level)));
            }
            if let Some(return_to) = return_to {
                target.push_str(&format!("&return_to={}", crate::http::encode(&return_to)));
            }
            Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish())
        }
        Err(e @ (Error::TooManyAttempts { .. } | Error::Unavailable(_) | Error::NotAllowed(_))) => {
            let page = Page {
                method: Some("sms"),
                level: form.level.as_deref(),
                return_to: return_to.as_deref(),
            };
            let page = factor_page(
                &req,
                &state,
                status_of(&e),
                (&pending, &user),
                page,
                Some(crate::i18n::describe(&e)),
                false,
            )
            .await?;
            Ok(with_retry_after(page, &e))
        }
        Err(other) => Err(other.into()),
    }
}
