//! The step-up decision shared by OIDC (`acr_values`, a client's `min_acr`) and SAML (`RequestedAuthnContext`):
//! whether a session reaches a required level under the user's current role policy, and if not whether one
//! more enrolled factor of a kind that policy allows can reach it (then the protocol sends the browser to
//! `/login/factor?level=…` and resumes the stored request), or not at all.
//!
//! The session's level is computed from its `amr` after dropping methods of kinds the user's current role
//! policy no longer allows, so a role that became stricter applies at the next request, and counts only levels
//! proven within their maximum age (`acr_age::standing`, RFC 9470): once phishing-resistant has aged out, a
//! request that needs it steps up again.
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::factors::{Factor, FactorKind, FactorStatus, offer_order, webauthn};
use crate::core::model::{Session, User};
use crate::core::policy::{Requirement, acr_age, assurance, enforcement};
use crate::core::store::Store;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Nothing is needed, or the session already reaches `required`.
    Met,
    /// One more factor of the user's can reach `required`.
    StepUp,
    /// None of the user's usable factors reaches `required`.
    Unmet,
}

/// What one request asks and what the session has.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub decision: Decision,
    /// Our levels the request named (OIDC `acr_values` in the order given; SAML: none), for the audit trail.
    pub requested: Vec<&'static str>,
    /// The weakest level that satisfies both the request and the relying party's minimum.
    pub required: Option<&'static str>,
    /// The session's level under the current policy and the levels' ages.
    pub session_acr: &'static str,
    /// When `session_acr` was proven: the `auth_time` of a claim of it.
    pub proven_at: DateTime<Utc>,
}

impl Assessment {
    /// The level the step-up page should ask for.
    pub fn level(&self) -> &'static str {
        self.required.unwrap_or(assurance::MULTI_FACTOR)
    }
}

/// Whether `session` reaches `required` (our levels; `requested` is kept for the audit trail), each level counting
/// only while within its age and the relying party's `max_age` (seconds) when given.
pub async fn assess(
    store: &dyn Store,
    now: DateTime<Utc>,
    requested: Vec<&'static str>,
    required: Option<&'static str>,
    max_age: Option<i64>,
    session: &Session,
    user: &User,
) -> Result<Assessment> {
    let policy = enforcement::requirement_for(store, now, user).await?;
    let standing = acr_age::standing(session, &policy, now, max_age);
    let mut assessment = Assessment {
        decision: Decision::Met,
        requested,
        required,
        session_acr: standing.level,
        proven_at: standing.proven_at,
    };
    let Some(level) = required else {
        return Ok(assessment);
    };
    if assurance::meets(assessment.session_acr, level) {
        return Ok(assessment);
    }
    let factors = store.factors_of(&user.id).await?;
    assessment.decision = if kinds_reaching(&policy, &factors, Some(level)).is_empty() {
        Decision::Unmet
    } else {
        Decision::StepUp
    };
    Ok(assessment)
}

/// The kinds a signed-in user can step up with: active, allowed by their current policy, and reaching `level`
/// (any level when `None`), in offer order, provided one of them is not a backup. Empty: the level cannot be met.
pub async fn step_up_kinds(
    store: &dyn Store,
    now: DateTime<Utc>,
    user: &User,
    level: Option<&str>,
) -> Result<Vec<FactorKind>> {
    let requirement = enforcement::requirement_for(store, now, user).await?;
    let factors = store.factors_of(&user.id).await?;
    Ok(kinds_reaching(&requirement, &factors, level))
}

/// [`step_up_kinds`] for a requirement and factors already read.
pub fn kinds_reaching(requirement: &Requirement, factors: &[Factor], level: Option<&str>) -> Vec<FactorKind> {
    // A kind reaches `phrh` only through a credential registered device-bound with user verification that also
    // satisfies the passkey profile of the user's roles as it stands today.
    let device_bound = factors
        .iter()
        .any(|f| f.status == FactorStatus::Active && webauthn::qualifies_for_phrh(f, &requirement.passkey_profile));
    let reach = |kind: FactorKind| match assurance::level_of_kind(kind) {
        assurance::PHISHING_RESISTANT if device_bound => assurance::HARDWARE_BOUND,
        level => level,
    };
    let kinds: Vec<FactorKind> = offer_order(factors)
        .into_iter()
        .filter(|k| requirement.allows(*k))
        .filter(|k| level.is_none_or(|l| assurance::meets(reach(*k), l)))
        .collect();
    // Recovery codes back up a factor; alone they never make a level reachable.
    if kinds.iter().any(|k| !k.is_backup()) {
        kinds
    } else {
        Vec::new()
    }
}
