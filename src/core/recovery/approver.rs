//! The approver's own sign-in. Whoever decides a factor reset — the user's manager through the mailed link, or an
//! administrator in the manager's place — decides with the sign-in their own roles require: when the approver's
//! role policy (or their per-user flag) requires a second factor, a sign-in that did not prove one (a password
//! alone, or a factor of a kind the policy no longer counts) is not enough to approve, even while the policy's
//! enforcement date has not come and such a session may otherwise stay open. The pages then send the approver to
//! confirm with a second factor (the second-factor page's step-up of a signed-in session) and back; the request
//! records the methods (`amr`) of the sign-in that decided.
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::model::User;
use crate::core::policy::{Requirement, assurance, enforcement, stepup};
use crate::core::store::Store;

/// How an approver's sign-in stands against their own role policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInCheck {
    /// Strong enough to decide.
    Meets,
    /// Too weak, and one more factor of the approver's reaches `level`: step up, then decide.
    StepUp { level: &'static str },
    /// Too weak, and none of the approver's factors reaches `level`: they must add one first.
    Unreachable { level: &'static str },
}

/// The level an approver's sign-in must reach under their requirement: multi-factor when their roles or their
/// own flag require a second factor (whatever the enforcement date), nothing otherwise.
pub fn level_needed(requirement: &Requirement) -> Option<&'static str> {
    requirement.mfa_required.then_some(assurance::MULTI_FACTOR)
}

/// Whether `user`, signed in with the methods `amr`, may decide under their own role policy today. Methods of
/// kinds the policy no longer allows do not count.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, user: &User, amr: &[String]) -> Result<SignInCheck> {
    let requirement = enforcement::requirement_for(store, now, user).await?;
    let Some(level) = level_needed(&requirement) else {
        return Ok(SignInCheck::Meets);
    };
    if assurance::meets(assurance::acr_for(&assurance::counting_amr(amr, &requirement)), level) {
        return Ok(SignInCheck::Meets);
    }
    Ok(
        if stepup::step_up_kinds(store, now, user, Some(level)).await?.is_empty() {
            SignInCheck::Unreachable { level }
        } else {
            SignInCheck::StepUp { level }
        },
    )
}
