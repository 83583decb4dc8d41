//! Token grants live no longer than what earned them (security bar: "tokens outlive nothing that earned them").
//!
//! A refresh-token family and the access tokens minted from it belong to one browser sign-in (its `sid`):
//! - ending that sign-in (sign-out, expiry, idle timeout, a role's reauthentication limit) ends the grant, except
//!   a family granted `offline_access`, which survives the end of the sign-in only;
//! - a credential event — password set or reset, factor reset taking effect, account disabled — ends every grant
//!   of the user, `offline_access` included (done in the same transaction as the event, in `store`);
//! - removing a factor ends the grants whose sign-in used a factor of that kind;
//! - every refresh re-judges the grant against today's policy for the user and the client: a family whose sign-in
//!   would no longer qualify is refused.
//!
//! Explicit ends revoke at once; sign-ins that end by themselves (expiry, idle) are found by the back-channel
//! sweep within a minute, and a refresh checks the sign-in itself, so it never waits for the sweep.
use chrono::{DateTime, Utc};

use super::Result;
use super::factors::FactorKind;
use super::model::{Session, SessionState, User};
use super::oauth::{Client, RefreshGrant};
use super::policy::assurance;
use super::policy::{self, Requirement, RolePolicy, Stage};
use super::signin::sessions::rules::{self as session_rules, SessionLimits};
use super::signin::trusted_devices::device::AMR_MARKER;
use super::store::Store;

/// Why a refresh was refused; the stored reason of the audit event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The browser sign-in that started the family has ended.
    SignInEnded,
    /// The user's roles (or own flag) now require a second factor the sign-in did not prove.
    SecondFactorRequired,
    /// The client's minimum assurance level is above what the sign-in proved.
    BelowClientMinimum,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::SignInEnded => "sign_in_ended",
            Refusal::SecondFactorRequired => "second_factor_required",
            Refusal::BelowClientMinimum => "below_client_minimum",
        }
    }

    /// The `error_description` a client gets with `invalid_grant`.
    pub fn description(self) -> &'static str {
        match self {
            Refusal::SignInEnded => "The sign-in this refresh token belongs to has ended; sign in again.",
            Refusal::SecondFactorRequired | Refusal::BelowClientMinimum => {
                "The sign-in this refresh token belongs to no longer meets the sign-in policy; sign in again."
            }
        }
    }
}

/// Whether the methods a sign-in proved (`amr`) meet today's requirement for the user and the client's minimum
/// level. Pure; the one rule for open browser sessions and refresh-token families alike.
pub fn meets_policy(
    amr: &[String],
    requirement: &Requirement,
    client_min_acr: Option<&str>,
    now: DateTime<Utc>,
) -> std::result::Result<(), Refusal> {
    let level = assurance::acr_for(&assurance::counting_amr(amr, requirement));
    if requirement.stage(now) == Stage::Enforced && !assurance::meets(level, assurance::MULTI_FACTOR) {
        return Err(Refusal::SecondFactorRequired);
    }
    // `amr` cannot show the hardware binding `phrh` needs (a registration record): the authorization checked it,
    // and a refresh holds the sign-in to phishing-resistant (RFC 9470 ages apply to new authentications only).
    let client_min_acr = client_min_acr.map(|m| {
        if m == assurance::HARDWARE_BOUND {
            assurance::PHISHING_RESISTANT
        } else {
            m
        }
    });
    if let Some(min) = client_min_acr
        && !assurance::meets(level, min)
    {
        return Err(Refusal::BelowClientMinimum);
    }
    Ok(())
}

/// What a refresh is judged on besides the grant: its user, the user's role policies (`OidcStore::refresh_context`
/// reads them with the token), the browser session behind the sign-in at the client, and whether the family holds
/// `offline_access`.
pub struct RefreshFacts<'a> {
    pub user: &'a User,
    pub policies: &'a [RolePolicy],
    pub session: Option<&'a Session>,
    pub offline: bool,
}

/// Judges a refresh of `grant` for `client` at `now`: the sign-in still lives (unless `offline`) under the user's
/// current role limits, and what it proved still meets today's policy. Pure.
pub fn judge_refresh(
    now: DateTime<Utc>,
    limits: SessionLimits,
    client: &Client,
    grant: &RefreshGrant,
    facts: &RefreshFacts<'_>,
) -> std::result::Result<(), Refusal> {
    if !facts.offline {
        let live = facts.session.is_some_and(|s| {
            s.state == SessionState::Authenticated && !session_rules::expired(s, now, limits, facts.policies)
        });
        if !live {
            return Err(Refusal::SignInEnded);
        }
    }
    let requirement = policy::evaluate(facts.user, facts.policies);
    meets_policy(&grant.amr, &requirement, client.min_acr.as_deref(), now)
}

/// Revokes what a browser session's sign-ins earned when it ends (not `offline_access` families): by every `sid`
/// relying parties know it by. Returns how many tokens it revoked.
pub async fn revoke_for_session(store: &dyn Store, now: DateTime<Utc>, session: &Session) -> Result<u64> {
    let mut sids = store.sign_ins_of_session(&session.id_hash).await?;
    let own = session_rules::sid(session);
    if !sids.contains(&own) {
        sids.push(own);
    }
    store.revoke_grants_of_sign_ins(&sids, now, true).await
}

/// Whether a sign-in that proved `amr` relied on a factor of `kind` — directly, or through a trusted browser whose
/// trust some factor earned.
fn relied_on(amr: &[String], kind: FactorKind) -> bool {
    amr.iter()
        .any(|m| m == AMR_MARKER || assurance::kinds_of_method(m).contains(&kind))
}

/// Revokes the grants (`offline_access` too) whose sign-in used a factor of `kind` — after a factor of that kind
/// was removed. Sign-ins record the kind of factor they used, not which one, so a user with two authenticator
/// apps who removes one loses the grants of sign-ins with either: the safe side. Returns how many tokens it
/// revoked.
pub async fn revoke_for_removed_factor(
    store: &dyn Store,
    now: DateTime<Utc>,
    user_id: &str,
    kind: FactorKind,
) -> Result<u64> {
    let mut sids: Vec<String> = store
        .live_grants_of_user(user_id, now)
        .await?
        .into_iter()
        .filter(|g| relied_on(&g.grant.amr, kind))
        .map(|g| g.grant.sid)
        .collect();
    sids.sort();
    sids.dedup();
    store.revoke_grants_of_sign_ins(&sids, now, false).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::policy::RolePolicy;
    use crate::core::policy::tests::user;

    fn amr(methods: &[&str]) -> Vec<String> {
        methods.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn a_password_only_grant_fails_once_a_second_factor_is_required() {
        let now = Utc::now();
        let relaxed = policy::evaluate(&user(false), &[]);
        let strict = policy::evaluate(&user(true), &[]);
        assert_eq!(meets_policy(&amr(&["pwd"]), &relaxed, None, now), Ok(()));
        assert_eq!(
            meets_policy(&amr(&["pwd"]), &strict, None, now),
            Err(Refusal::SecondFactorRequired)
        );
        assert_eq!(meets_policy(&amr(&["pwd", "otp", "mfa"]), &strict, None, now), Ok(()));
    }

    #[test]
    fn a_factor_kind_the_role_stopped_counting_no_longer_carries_the_grant() {
        let now = Utc::now();
        let mut admin = RolePolicy::unrestricted("admin", now);
        admin.mfa_required = true;
        admin.allowed_factors = vec![FactorKind::WebAuthn];
        let requirement = policy::evaluate(&user(false), &[admin]);
        assert_eq!(
            meets_policy(&amr(&["pwd", "otp", "mfa"]), &requirement, None, now),
            Err(Refusal::SecondFactorRequired)
        );
        assert_eq!(
            meets_policy(&amr(&["pwd", "hwk", "mfa"]), &requirement, None, now),
            Ok(())
        );
    }

    #[test]
    fn the_client_minimum_is_applied() {
        let now = Utc::now();
        let requirement = policy::evaluate(&user(false), &[]);
        assert_eq!(
            meets_policy(&amr(&["pwd"]), &requirement, Some(assurance::MULTI_FACTOR), now),
            Err(Refusal::BelowClientMinimum)
        );
        assert_eq!(
            meets_policy(
                &amr(&["pwd", "otp", "mfa"]),
                &requirement,
                Some(assurance::MULTI_FACTOR),
                now
            ),
            Ok(())
        );
    }

    #[test]
    fn grants_that_relied_on_a_kind_are_found() {
        assert!(relied_on(&amr(&["pwd", "otp", "mfa"]), FactorKind::Totp));
        assert!(relied_on(&amr(&["pwd", "otp", "mfa"]), FactorKind::OathToken));
        assert!(!relied_on(&amr(&["pwd", "otp", "mfa"]), FactorKind::WebAuthn));
        assert!(relied_on(&amr(&["pwd", "swk", "mfa"]), FactorKind::WebAuthn));
        assert!(
            relied_on(&amr(&["pwd", "device"]), FactorKind::Sms),
            "trust was earned with some factor"
        );
        assert!(!relied_on(&amr(&["pwd"]), FactorKind::Sms));
    }
}
