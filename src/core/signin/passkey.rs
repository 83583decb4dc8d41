//! Sign-in with a security key or passkey: as the second step after the password (`start_second_factor`,
//! `finish_second_factor`, through the same admission, attempt counter and conclusion as every other kind in
//! `second_factor`), and without a password (`finish_passwordless`; its challenge comes from
//! `factors::webauthn::start_passwordless`), where a passkey that verified its user counts as both factors.
//!
//! The ceremonies, the credentials and their rules (the clone flag, the counter) are `factors::webauthn`'s; this
//! file decides what the sign-in gets, so the factor never calls back into sign-in.
use serde_json::{Value, json};
use webauthn_rs::prelude::Webauthn;

use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::factors::{Checked, FactorKind, webauthn};
use crate::core::model::{Session, User};
use crate::core::policy::acr_age::Proofs;
use crate::core::policy::enforcement::{self, Standing};
use crate::core::signin::flow::{self, Step};
use crate::core::signin::login::{self, SignedIn};
use crate::core::signin::second_factor;
use crate::core::signin::sessions;
use crate::core::{Error, Result};

/// Options for `navigator.credentials.get()` as the second step of a sign-in. `standing` is the user's, read in
/// this request (`enforcement::standing`), here and in `finish_second_factor`.
pub async fn start_second_factor(
    rp: &Webauthn,
    ctx: &RequestCtx<'_>,
    standing: &Standing,
    pending: &Session,
    user: &User,
) -> Result<Value> {
    let factors = second_factor::usable_factors(standing, pending, FactorKind::WebAuthn)?;
    second_factor::admit(ctx, standing, pending, user, FactorKind::WebAuthn).await?;
    webauthn::start_authentication(rp, ctx.store, ctx.now, pending, &factors).await
}

pub async fn finish_second_factor(
    rp: &Webauthn,
    ctx: &RequestCtx<'_>,
    standing: &Standing,
    pending: &Session,
    user: &User,
    credential: &Value,
) -> Result<SignedIn> {
    let factors = second_factor::usable_factors(standing, pending, FactorKind::WebAuthn)?;
    let then = second_factor::admit(ctx, standing, pending, user, FactorKind::WebAuthn).await?;
    let response = webauthn::parse_assertion(credential)?;
    let attempt = second_factor::reserve(ctx, user, FactorKind::WebAuthn).await?;
    let checked = webauthn::verify(rp, ctx, pending, user, &factors, &response).await?;
    second_factor::conclude(ctx, pending, user, FactorKind::WebAuthn, then, &attempt, checked).await
}

/// Finishes a passwordless sign-in: the credential names its user; user verification is required, so the
/// passkey counts as both factors.
pub async fn finish_passwordless(
    rp: &Webauthn,
    ctx: &RequestCtx<'_>,
    cookie_token: &str,
    credential: &Value,
) -> Result<SignedIn> {
    let RequestCtx {
        store,
        now,
        limits,
        origin,
        ..
    } = *ctx;
    let refused = || Error::WrongCode("That passkey was not accepted. Sign in with your password instead.".into());
    let Some(claim) = webauthn::claim_passwordless(rp, ctx, cookie_token, credential).await? else {
        return Err(refused());
    };
    let user = claim.user.clone();
    // The role policy must accept passkeys for this user (or, for a user whose factors all stopped counting,
    // the passkey proves who they are and opens enrolment only).
    let (requirement, plan) = enforcement::plan_for(store, now, &user).await?;
    login::enforce_ip(store, now, origin, Some(&user), "role", &requirement.ip_rules).await?;
    if !plan.accepted.contains(&FactorKind::WebAuthn) {
        ctx.audit(
            AuditKind::LoginPasskey,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "kind_not_allowed", "accepted": plan.accepted }),
        )
        .await?;
        return Err(Error::NotAllowed(
            "Your account's policy does not accept passkey sign-in. Sign in with your password.".into(),
        ));
    }
    match webauthn::check_passwordless(rp, ctx, claim).await? {
        Checked::Accepted {
            factor,
            amr: mut methods,
        } if methods.iter().any(|m| m == "user") => {
            methods.push("mfa".into());
            let state = flow::advance(None, Step::Passkey { then: plan.then })?;
            let hardware_bound = webauthn::hardware_bound(&factor, &methods, &requirement.passkey_profile);
            let (token, mut session) = sessions::new_session_in(state, &user.id, methods, now, limits, origin);
            session.proofs = session.proofs.proven(&session.amr, hardware_bound, now);
            store.insert_session(&session).await?;
            ctx.audit(
                AuditKind::LoginPasskey,
                Outcome::Success,
                Some(&user.id),
                json!({ "factor_id": factor.id, "next": state.as_str() }),
            )
            .await?;
            Ok(SignedIn { token, session, user })
        }
        _ => {
            ctx.audit(
                AuditKind::LoginPasskey,
                Outcome::Failure,
                Some(&user.id),
                json!({ "reason": "verification_failed" }),
            )
            .await?;
            Err(refused())
        }
    }
}
