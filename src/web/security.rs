//! `/account/security`: the user's second factors — list, add (authenticator app, recovery codes), remove.
//! Changes need a fresh sign-in; a user who must have a factor and has none lands here right after the
//! password, with a session that allows nothing but enrolment.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::audit::Origin;
use crate::core::factors::{
    Factor, FactorKind, FactorStatus, enrolment, oath_token, recovery_code, sms, totp, webauthn_profile,
};
use crate::core::model::{Session, SessionState, User};
use crate::core::signin::flow::Step;
use crate::core::signin::flow::safe_return_to;
use crate::core::{Error, signin::sessions};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of, with_retry_after};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};
use crate::i18n;
use crate::web::notices::{self, Notice};

#[derive(Deserialize)]
pub struct SecurityQuery {
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct SmsQuery {
    return_to: Option<String>,
    /// The SMS factor whose number is being changed.
    replace: Option<String>,
}

#[derive(Deserialize)]
pub struct CodesForm {
    csrf: Option<String>,
    /// Where the "Done" of the codes page goes on to (a sign-in that is carrying on to an application).
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct TotpForm {
    csrf: Option<String>,
    factor_id: String,
    name: Option<String>,
    code: String,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: Option<String>,
    factor_id: String,
}

#[derive(Serialize)]
struct FactorRow {
    id: String,
    kind: &'static str,
    /// The name the user gave it; the names Gatehouse gives (recovery codes, a phone) in the page's language.
    name: String,
    /// RFC 3339; the template writes them the page's way.
    added: String,
    last_used: Option<String>,
    /// A security key or passkey refused as a suspected copy until removed (or cleared by an administrator).
    flagged: bool,
    /// What a security key or passkey lacks under the passkey profile of the user's roles as it stands today
    /// (`Shortfall` names); not empty: it no longer counts for `phrh` and the page asks to re-enrol it.
    reenrol: Vec<&'static str>,
}

const PAGE: &str = "/account/security";

/// Sessions that may enrol a factor: signed in, or the enrolment-only one after the password.
const ENROLLING: &[SessionState] = &[SessionState::Authenticated, SessionState::PendingEnrolment];
/// Sessions that may change other factors: signed in only.
const SIGNED_IN: &[SessionState] = &[SessionState::Authenticated];

/// For a state-changing request: the CSRF token checked, then the session (in one of `states`), its user, and the
/// audit origin naming that user; `None` when no such session exists.
async fn acting_user(
    req: &HttpRequest,
    state: &AppState,
    csrf_token: Option<&str>,
    states: &[SessionState],
) -> Result<Option<(Session, User, Origin)>, WebError> {
    csrf::verify(req, state, csrf_token)?;
    Ok(session::in_state(req, state, states).await?.map(|(session, user)| {
        let origin = session::origin(req).with_actor(format!("user:{}", user.id));
        (session, user, origin)
    }))
}

/// The signed-in session, or the enrolment-only one.
async fn session_for_security(req: &HttpRequest, state: &AppState) -> Result<Option<(Session, User)>, WebError> {
    session::in_state(req, state, ENROLLING).await
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?return_to={}", encode(PAGE))))
        .finish()
}

fn to_reauth() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?reauth=1&return_to={}", encode(PAGE))))
        .finish()
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SecurityQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session_for_security(&req, &state).await? else {
        return Ok(to_login());
    };
    let store = state.store.as_ref();
    let now = state.clock.now();
    let standing = session::standing(&req, &state, &user).await?;
    let (requirement, plan, factors) = (&standing.requirement, &standing.plan, &standing.factors);
    let rows: Vec<FactorRow> = factors
        .iter()
        .filter(|f| f.status == FactorStatus::Active)
        .map(|f| FactorRow {
            id: f.id.clone(),
            kind: f.kind.as_str(),
            name: factor_name(f),
            added: f.created_at.to_rfc3339(),
            last_used: f.last_used_at.map(|t| t.to_rfc3339()),
            flagged: f.kind == FactorKind::WebAuthn && crate::core::factors::webauthn::is_flagged(f),
            reenrol: if f.kind == FactorKind::WebAuthn {
                requirement
                    .passkey_profile
                    .shortfalls(&webauthn_profile::facts(f))
                    .into_iter()
                    .map(|s| s.as_str())
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    let mut ctx = pages::context();
    ctx.insert("reenrol_any", &rows.iter().any(|r| !r.reenrol.is_empty()));
    ctx.insert(
        "admin_single_key",
        &admin_single_key(standing.has_role("admin"), factors),
    );
    ctx.insert("factors", &rows);
    ctx.insert(
        "has_primary",
        &rows.iter().any(|r| r.kind != FactorKind::RecoveryCode.as_str()),
    );
    ctx.insert("recovery_remaining", &store.remaining_recovery_codes(&user.id).await?);
    ctx.insert(
        "has_recovery",
        &rows.iter().any(|r| r.kind == FactorKind::RecoveryCode.as_str()),
    );
    ctx.insert("fresh", &enrolment::is_fresh(&session, now));
    // Remove (and change-number) buttons only where they would be accepted: a fresh sign-in that proved a factor,
    // or that added every factor the account has.
    ctx.insert(
        "can_remove",
        &enrolment::require_may_remove(&session, factors, now).is_ok(),
    );
    ctx.insert(
        "recovery_sign_in",
        &super::account::recovery_sign_in(&state, &session).await?,
    );
    // Only kinds the role policy counts can be added.
    let allowed: Vec<&str> = requirement.allowed_factors.iter().map(|k| k.as_str()).collect();
    ctx.insert("allowed", &allowed);
    ctx.insert("reminder", &super::account::reminder(requirement, plan));
    ctx.insert("must_enrol", &(session.state == SessionState::PendingEnrolment));
    ctx.insert("return_to", &safe_return_to(query.return_to.as_deref()));
    ctx.insert("username", &user.username);
    Ok(notices::page(
        &req,
        &state,
        StatusCode::OK,
        "account/security.html",
        ctx,
    ))
}

/// A factor's name as the list shows it: the names Gatehouse gives (`Recovery codes`, `Phone +41•••`) in the
/// page's language, the user's own as they wrote them.
fn factor_name(f: &Factor) -> String {
    match f.kind {
        FactorKind::RecoveryCode => i18n::t("account-security-recovery-codes"),
        FactorKind::Sms => match f.name.strip_prefix("Phone ") {
            Some(number) => i18n::t_args("account-security-phone", &[("number", number.into())]),
            None => f.name.clone(),
        },
        _ => f.name.clone(),
    }
}

/// An administrator whose one phishing-resistant factor is a single security key or passkey (a flagged copy
/// does not count): the key's name, for the prompt to add a second one — one lost key would lock them out.
pub(super) fn admin_single_key(is_admin: bool, factors: &[Factor]) -> Option<String> {
    let mut keys = factors.iter().filter(|f| {
        f.status == FactorStatus::Active
            && f.kind == FactorKind::WebAuthn
            && !crate::core::factors::webauthn::is_flagged(f)
    });
    let (Some(only), None) = (keys.next(), keys.next()) else {
        return None;
    };
    is_admin.then(|| only.name.clone())
}

/// What a failed enrolment step shows: the error in the page's language. A phone number the core refused names
/// the number in its text; the page says it in its own words.
fn form_error(e: &Error) -> String {
    match e {
        Error::Invalid(message) if message.contains("is not a valid phone number") => i18n::t("account-phone-invalid"),
        other => i18n::describe(other),
    }
}

async fn totp_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    enrolment: totp::TotpEnrolment,
    return_to: Option<&str>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("factor_id", &enrolment.factor_id);
    ctx.insert("secret", &enrolment.provisioning.secret_base32);
    ctx.insert("uri", &enrolment.provisioning.uri);
    ctx.insert("qr", &enrolment.provisioning.qr_png_base64);
    ctx.insert("return_to", &safe_return_to(return_to));
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "account/totp.html", ctx)
}

pub async fn totp_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SecurityQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session_for_security(&req, &state).await? else {
        return Ok(to_login());
    };
    let now = state.clock.now();
    match totp::start(
        state.store.as_ref(),
        &state.keys,
        now,
        &session,
        &user,
        &state.config.totp_issuer,
    )
    .await
    {
        Ok(enrolment) => Ok(totp_page(
            &req,
            &state,
            StatusCode::OK,
            enrolment,
            query.return_to.as_deref(),
            None,
        )
        .await),
        Err(Error::ReauthenticationRequired) => Ok(to_reauth()),
        Err(other) => Err(other.into()),
    }
}

pub async fn totp_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<TotpForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), ENROLLING).await? else {
        return Ok(to_login());
    };
    let store = state.store.as_ref();
    let confirmed = totp::confirm(
        &state.core(&origin),
        &session,
        &user,
        &form.factor_id,
        form.name.as_deref().unwrap_or_default(),
        &form.code,
    )
    .await;
    match confirmed {
        Ok(_) => {}
        Err(Error::ReauthenticationRequired) => return Ok(to_reauth()),
        Err(e @ (Error::WrongCode(_) | Error::TooManyAttempts { .. })) => {
            let enrolment =
                totp::pending(store, &state.keys, &user, &form.factor_id, &state.config.totp_issuer).await?;
            let page = totp_page(
                &req,
                &state,
                status_of(&e),
                enrolment,
                form.return_to.as_deref(),
                Some(form_error(&e)),
            )
            .await;
            return Ok(with_retry_after(page, &e));
        }
        Err(other) => return Err(other.into()),
    }
    finish_enrolment(&state, &session, &user, FactorKind::Totp, form.return_to.as_deref()).await
}

/// Where a user goes once a new factor is proven, and the notice that goes with it. The account's first factor
/// (recovery codes do not count) lands on the security page, which then offers recovery codes and a second factor
/// before carrying on to `return_to` (issue #15: a single factor is one lost phone away from a factor reset).
/// Otherwise a user who had to enrol carries on to `return_to`, and one who chose to add a factor returns to the
/// security page.
pub(super) async fn after_adding(
    state: &AppState,
    user: &User,
    kind: FactorKind,
    had_to_enrol: bool,
    return_to: Option<&str>,
) -> Result<(String, Notice), WebError> {
    let factors = state.store.factors_of(&user.id).await?;
    let primary = factors
        .iter()
        .filter(|f| f.status == FactorStatus::Active && !f.kind.is_backup())
        .count();
    let first = !kind.is_backup() && primary == 1;
    let return_to = safe_return_to(return_to).filter(|r| r != PAGE);
    let target = match (first, had_to_enrol, return_to) {
        (true, _, Some(next)) => format!("{PAGE}?return_to={}", encode(&next)),
        (false, true, Some(next)) => next,
        _ => PAGE.to_string(),
    };
    Ok((target, Notice::FactorAdded { kind, first }))
}

/// After a new factor is proven: for a user who had to enrol the sign-in completes (the code just proved the
/// factor) with a new session id; then on to [`after_adding`]'s page with its notice.
async fn finish_enrolment(
    state: &AppState,
    session: &Session,
    user: &User,
    kind: FactorKind,
    return_to: Option<&str>,
) -> Result<HttpResponse, WebError> {
    let had_to_enrol = session.state == SessionState::PendingEnrolment;
    let (target, notice) = after_adding(state, user, kind, had_to_enrol, return_to).await?;
    if had_to_enrol {
        let amr = vec!["pwd".to_string(), kind.amr().to_string(), "mfa".to_string()];
        if let Some((token, _)) = sessions::promote(
            state.store.as_ref(),
            state.clock.now(),
            state.limits,
            session,
            Step::Enrolled,
            amr,
            false,
        )
        .await?
        {
            let mut response = HttpResponse::SeeOther()
                .insert_header((LOCATION, target))
                .cookie(session::session_cookie(state, &token))
                .finish();
            notices::flash(&mut response, state, notice);
            return Ok(response);
        }
    }
    Ok(notices::redirect(state, &target, notice))
}

#[derive(Deserialize)]
pub struct PhoneForm {
    csrf: Option<String>,
    phone: String,
    return_to: Option<String>,
    /// The SMS factor whose number this changes (`sms::start_replacement`).
    replace: Option<String>,
}

#[derive(Deserialize)]
pub struct SmsConfirmForm {
    csrf: Option<String>,
    factor_id: String,
    code: String,
    return_to: Option<String>,
}

/// Whether this session may add a factor now: a fresh sign-in, and one that proved a factor if the account has
/// one this session did not add (`enrolment::require_proof_for_adding`); otherwise the user confirms it is them.
async fn may_add(state: &AppState, session: &Session, user: &User) -> Result<bool, WebError> {
    if !enrolment::is_fresh(session, state.clock.now()) {
        return Ok(false);
    }
    let factors = state.store.factors_of(&user.id).await?;
    Ok(enrolment::require_proof_for_adding(session, &factors).is_ok())
}

pub async fn sms_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SmsQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session_for_security(&req, &state).await? else {
        return Ok(to_login());
    };
    if !may_add(&state, &session, &user).await? {
        return Ok(to_reauth());
    }
    let replacing = match query.replace.as_deref() {
        Some(id) => {
            let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
            match sms::replaceable(&state.core(&origin), &session, &user, id).await {
                Ok(factor) => Some(factor),
                Err(Error::ReauthenticationRequired) => return Ok(to_reauth()),
                Err(other) => return Err(other.into()),
            }
        }
        None => None,
    };
    // A new number for an existing phone starts empty; a first phone offers the profile's number.
    let phone = if replacing.is_some() {
        String::new()
    } else {
        user.phone.clone().unwrap_or_default()
    };
    Ok(sms_page(
        &req,
        &state,
        StatusCode::OK,
        SmsPage {
            phone: &phone,
            replacing: replacing.as_ref(),
            return_to: query.return_to.as_deref(),
        },
        None,
    ))
}

/// What the phone form shows: the number typed so far, the factor whose number it changes, where to go after.
struct SmsPage<'a> {
    phone: &'a str,
    replacing: Option<&'a Factor>,
    return_to: Option<&'a str>,
}

fn sms_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    page: SmsPage<'_>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("phone", &page.phone.chars().take(32).collect::<String>());
    ctx.insert("replace", &page.replacing.map(|f| f.id.clone()));
    ctx.insert("old_phone", &page.replacing.and_then(sms::phone_of).map(sms::masked));
    ctx.insert("return_to", &safe_return_to(page.return_to));
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "account/sms.html", ctx)
}

fn sms_confirm_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    factor: &Factor,
    return_to: Option<&str>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("factor_id", &factor.id);
    ctx.insert("phone", &sms::phone_of(factor).map(sms::masked));
    // A change of number: "use another number" keeps changing the same factor.
    ctx.insert("replace", &factor.data.get("replaces").and_then(|v| v.as_str()));
    ctx.insert("return_to", &safe_return_to(return_to));
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "account/sms_confirm.html", ctx)
}

pub async fn sms_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<PhoneForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), ENROLLING).await? else {
        return Ok(to_login());
    };
    let core = state.core(&origin);
    let started = match form.replace.as_deref() {
        Some(old) => sms::start_replacement(&core, &session, &user, old, &form.phone).await,
        None => sms::start_enrolment(&core, &session, &user, &form.phone).await,
    };
    match started {
        Ok(factor) => Ok(sms_confirm_page(
            &req,
            &state,
            StatusCode::OK,
            &factor,
            form.return_to.as_deref(),
            None,
        )),
        Err(Error::ReauthenticationRequired) => Ok(to_reauth()),
        Err(e @ (Error::Invalid(_) | Error::TooManyAttempts { .. } | Error::Unavailable(_))) => {
            let replacing = match form.replace.as_deref() {
                Some(id) => state.store.factor_of(&user.id, id).await?,
                None => None,
            };
            let page = SmsPage {
                phone: &form.phone,
                replacing: replacing.as_ref(),
                return_to: form.return_to.as_deref(),
            };
            let page = sms_page(&req, &state, status_of(&e), page, Some(form_error(&e)));
            Ok(with_retry_after(page, &e))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn sms_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<SmsConfirmForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), ENROLLING).await? else {
        return Ok(to_login());
    };
    let store = state.store.as_ref();
    let confirmed = sms::confirm_enrolment(&state.core(&origin), &session, &user, &form.factor_id, &form.code).await;
    match confirmed {
        Ok(confirmed) if confirmed.replaced.is_some() => Ok(notices::redirect(
            &state,
            PAGE,
            Notice::PhoneChanged {
                revoked: notices::count(confirmed.trusted_devices_revoked),
            },
        )),
        Ok(_) => finish_enrolment(&state, &session, &user, FactorKind::Sms, form.return_to.as_deref()).await,
        Err(Error::ReauthenticationRequired) => Ok(to_reauth()),
        Err(e @ (Error::WrongCode(_) | Error::TooManyAttempts { .. })) => {
            let factor = store
                .factor_of(&user.id, &form.factor_id)
                .await?
                .ok_or_else(|| Error::invalid("This enrolment has expired; start again."))?;
            let page = sms_confirm_page(
                &req,
                &state,
                status_of(&e),
                &factor,
                form.return_to.as_deref(),
                Some(form_error(&e)),
            );
            Ok(with_retry_after(page, &e))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn webauthn_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SecurityQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session_for_security(&req, &state).await? else {
        return Ok(to_login());
    };
    if !may_add(&state, &session, &user).await? {
        return Ok(to_reauth());
    }
    let mut ctx = pages::context();
    ctx.insert("return_to", &safe_return_to(query.return_to.as_deref()));
    ctx.insert("available", &state.webauthn.is_some());
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "account/webauthn.html",
        ctx,
    ))
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
    serial: String,
    first: String,
    second: String,
    return_to: Option<String>,
}

fn token_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    serial: &str,
    return_to: Option<&str>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("serial", &serial.chars().take(64).collect::<String>());
    ctx.insert("return_to", &safe_return_to(return_to));
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "account/token.html", ctx)
}

pub async fn token_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<SecurityQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session_for_security(&req, &state).await? else {
        return Ok(to_login());
    };
    if !may_add(&state, &session, &user).await? {
        return Ok(to_reauth());
    }
    Ok(token_page(
        &req,
        &state,
        StatusCode::OK,
        "",
        query.return_to.as_deref(),
        None,
    ))
}

pub async fn token_bind(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<TokenForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), ENROLLING).await? else {
        return Ok(to_login());
    };
    let bound = oath_token::bind(
        &state.core(&origin),
        &session,
        &user,
        &form.serial,
        &form.first,
        &form.second,
    )
    .await;
    match bound {
        Ok(_) => {
            finish_enrolment(
                &state,
                &session,
                &user,
                FactorKind::OathToken,
                form.return_to.as_deref(),
            )
            .await
        }
        Err(Error::ReauthenticationRequired) => Ok(to_reauth()),
        Err(e @ (Error::WrongCode(_) | Error::TooManyAttempts { .. })) => {
            let page = token_page(
                &req,
                &state,
                status_of(&e),
                &form.serial,
                form.return_to.as_deref(),
                Some(form_error(&e)),
            );
            Ok(with_retry_after(page, &e))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn recovery_codes(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<CodesForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), SIGNED_IN).await? else {
        return Ok(to_login());
    };
    let now = state.clock.now();
    let created = match recovery_code::new_recovery_codes(
        state.store.as_ref(),
        state.notifier.as_ref(),
        &state.keys,
        now,
        &origin,
        &session,
        &user,
    )
    .await
    {
        Ok(created) => created,
        Err(Error::ReauthenticationRequired) => return Ok(to_reauth()),
        Err(other) => return Err(other.into()),
    };
    let codes = created.codes;
    let mut ctx = pages::context();
    // The page itself is the one-time answer to the change: its notice goes with it.
    let notice = Notice::RecoveryCodesCreated {
        replaced: created.replaced,
        revoked: notices::count(created.trusted_devices_revoked),
    };
    ctx.insert("notice", &notice.text());
    let title = i18n::t_args(
        "account-codes-download-text",
        &[
            ("product", crate::http::brand::current().name.clone().into()),
            ("username", user.username.clone().into()),
        ],
    );
    ctx.insert("download", &format!("{title}\n\n{}\n", codes.join("\n")));
    ctx.insert("codes", &codes);
    ctx.insert("username", &user.username);
    ctx.insert("return_to", &safe_return_to(form.return_to.as_deref()));
    Ok(pages::page(StatusCode::OK, "account/recovery_codes.html", &ctx))
}

pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<RemoveForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting_user(&req, &state, form.csrf.as_deref(), SIGNED_IN).await? else {
        return Ok(to_login());
    };
    let removed = enrolment::remove(
        state.store.as_ref(),
        state.notifier.as_ref(),
        state.sms.as_ref(),
        state.clock.now(),
        &origin,
        &session,
        &user,
        &form.factor_id,
    )
    .await;
    match removed {
        Ok(removed) => Ok(notices::redirect(
            &state,
            PAGE,
            Notice::FactorRemoved {
                revoked: notices::count(removed.trusted_devices_revoked),
            },
        )),
        Err(Error::ReauthenticationRequired) => Ok(to_reauth()),
        Err(other) => Err(other.into()),
    }
}
