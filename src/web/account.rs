//! The signed-in user's own pages: the account page (with its "away" form, handled in `absence.rs`).
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::core::factors::{FactorKind, enrolment};
use crate::core::model::{Session, SessionState, User};
use crate::core::policy::{Plan, Requirement};
use crate::core::{accounts, policy::enforcement};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::{pages, session};
use crate::i18n;
use crate::web::notices;
use actix_web::http::StatusCode;

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let target = if session::current(&req, &state).await?.is_some() {
        "/account"
    } else {
        "/login"
    };
    Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish())
}

/// After a sign-in with a recovery code: how many codes are left, for the notice that guides a user who lost a
/// factor to replace it (`None`: the session used no recovery code).
pub(super) async fn recovery_sign_in(state: &AppState, session: &Session) -> Result<Option<u64>, WebError> {
    if !enrolment::signed_in_with_recovery_code(session) {
        return Ok(None);
    }
    Ok(Some(state.store.remaining_recovery_codes(&session.user_id).await?))
}

/// The reminder to add a factor as the account pages show it: the allowed kinds in words of the page's language
/// (`kinds_text`) and the dates as RFC 3339 for the `date` filter; `None` when nothing is due.
pub(super) fn reminder(requirement: &Requirement, plan: &Plan) -> Option<serde_json::Value> {
    let reminder = enforcement::reminder(requirement, plan)?;
    let words: Vec<String> = reminder
        .kinds
        .iter()
        .filter_map(|k| match FactorKind::parse(k)? {
            FactorKind::WebAuthn => Some(i18n::t("account-kind-webauthn")),
            FactorKind::Totp => Some(i18n::t("account-kind-totp")),
            FactorKind::OathToken => Some(i18n::t("account-kind-oath-token")),
            FactorKind::Sms => Some(i18n::t("account-kind-sms")),
            FactorKind::RecoveryCode => None,
        })
        .collect();
    let day = |d: &Option<String>| {
        d.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().to_rfc3339())
    };
    Some(serde_json::json!({
        "kinds": reminder.kinds,
        "kinds_text": words.join(&format!(" {} ", i18n::t("account-or"))),
        "enforce_from": day(&reminder.enforce_from),
        "enrol_by": day(&reminder.enrol_by),
        "enforced": reminder.enforced,
    }))
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session::current(&req, &state).await? else {
        // An enrolment-only session (after a factor reset, through the mailed link or a temporary access pass) may
        // do one thing; send it there rather than to a sign-in page that would start over.
        let enrolling = session::in_state(&req, &state, &[SessionState::PendingEnrolment]).await?;
        let to = if enrolling.is_some() {
            "/account/security"
        } else {
            "/login?return_to=/account"
        };
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, to)).finish());
    };
    render(&req, &state, (&session, &user), StatusCode::OK, None).await
}

/// The account page, with `away_form` (the refused "away" form: its error and what was typed) when it comes back.
pub(super) async fn render(
    req: &HttpRequest,
    state: &AppState,
    (session, user): (&Session, &User),
    status: StatusCode,
    away_form: Option<serde_json::Value>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    // The user's roles, policies and factors, read once for everything the page shows.
    let standing = session::standing(req, state, user).await?;
    let roles = standing.roles();
    let mut ctx = pages::context();
    ctx.insert("reminder", &reminder(&standing.requirement, &standing.plan));
    ctx.insert(
        "admin_single_key",
        &super::security::admin_single_key(standing.has_role("admin"), &standing.factors),
    );
    ctx.insert(
        "devices",
        &super::devices::rows(req, state, user, standing.requirement.trusted_device_days).await?,
    );
    ctx.insert("recovery_sign_in", &recovery_sign_in(state, session).await?);
    ctx.insert("signed_in_at", &session.auth_time.to_rfc3339());
    let absence = super::absence::shown(state, user).await?;
    // The form only for people resets are routed to (and anyone already away, to come back).
    let offer_away = absence.is_some()
        || away_form.is_some()
        || accounts::absence::approves_resets(store, user, &roles, &state.config.recovery_approver_role).await?;
    ctx.insert("offer_away", &offer_away);
    ctx.insert("absence", &absence);
    ctx.insert("away_form", &away_form);
    ctx.insert("account", &accounts::summary_with_roles(store, user, roles).await?);
    Ok(notices::page(req, state, status, "account/index.html", ctx))
}
