//! Role policy at interactive sign-in: which factors the second step offers and accepts, what a completed
//! sign-in gives (full access, or enrolment only), and the reminders before an enforcement date.
//!
//! Only the interactive sign-in paths call into this module (password, second factor, passkey). Refresh
//! tokens, client credentials and other back-channel paths never evaluate it, so none of them can prompt for a
//! factor or send a message. The policy is read at each sign-in; a role that becomes stricter while a session
//! is open applies at that session's next request (`sessions::resolve_any` ends a session that no longer meets
//! a second-factor requirement in force) and at the next authorization that asks for a level (`core::policy::stepup`:
//! methods of kinds no longer allowed do not count).
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::core::factors::{Factor, offer_order};
use crate::core::model::User;
use crate::core::notify::{Notifier, notify};
use crate::core::policy::{self, Plan, Requirement, RolePolicy, Stage};
use crate::core::store::Store;
use crate::core::{Result, throttle};

/// The combined requirement of the user's roles and their own flag.
pub async fn requirement_for(store: &dyn Store, now: DateTime<Utc>, user: &User) -> Result<Requirement> {
    Ok(requirement_of(user, &role_policies(store, now, &user.id).await?))
}

/// The policy of each role the user holds, read in one query (`policy::held_policies`).
pub async fn role_policies(store: &dyn Store, now: DateTime<Utc>, user_id: &str) -> Result<Vec<RolePolicy>> {
    Ok(policy::held_policies(
        store.roles_with_policies_of_user(user_id).await?,
        now,
    ))
}

/// `policy::evaluate`, with a warning when the roles have no factor kind in common.
fn requirement_of(user: &User, policies: &[RolePolicy]) -> Requirement {
    let requirement = policy::evaluate(user, policies);
    if let Some(role) = &requirement.fallback_to {
        let roles: Vec<&str> = policies.iter().map(|p| p.role.as_str()).collect();
        tracing::warn!(
            user = %user.id, ?roles, fallback = %role,
            "the user's roles have no factor kind in common; using the strictest role's list"
        );
    }
    requirement
}

/// The requirement and the sign-in plan for the user's active factors (offered last-used first, then strongest).
pub async fn plan_for(store: &dyn Store, now: DateTime<Utc>, user: &User) -> Result<(Requirement, Plan)> {
    let standing = standing(store, now, user).await?;
    Ok((standing.requirement, standing.plan))
}

/// What the sign-in and account pages judge a user on, read once per request (two queries) and handed to each
/// part of the page rather than read again by each: the policy of every role they hold, the combined
/// requirement, their factors and the sign-in plan those factors give.
#[derive(Clone, Debug)]
pub struct Standing {
    /// One per role held, by role name (unrestricted where none is stored).
    pub policies: Vec<RolePolicy>,
    pub requirement: Requirement,
    /// Active and pending, oldest first (`FactorStore::factors_of`).
    pub factors: Vec<Factor>,
    pub plan: Plan,
}

impl Standing {
    /// The names of the roles the user holds, sorted.
    pub fn roles(&self) -> Vec<String> {
        self.policies.iter().map(|p| p.role.clone()).collect()
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.policies.iter().any(|p| p.role == role)
    }
}

pub async fn standing(store: &dyn Store, now: DateTime<Utc>, user: &User) -> Result<Standing> {
    standing_with(store, now, user, role_policies(store, now, &user.id).await?).await
}

/// The standing, from the role policies this request has already read (`signin::sessions::Resolved`): only the
/// factors are read.
pub async fn standing_with(
    store: &dyn Store,
    now: DateTime<Utc>,
    user: &User,
    policies: Vec<RolePolicy>,
) -> Result<Standing> {
    let requirement = requirement_of(user, &policies);
    let factors = store.factors_of(&user.id).await?;
    let plan = policy::plan(&requirement, &offer_order(&factors), now);
    Ok(Standing {
        policies,
        requirement,
        factors,
        plan,
    })
}

/// What the account pages show a user who should add an allowed factor; `None` when nothing is due.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Reminder {
    /// Allowed kinds (their `FactorKind` names), strongest first; templates word them.
    pub kinds: Vec<&'static str>,
    /// `YYYY-MM-DD`; absent when the requirement already holds.
    pub enforce_from: Option<String>,
    pub enrol_by: Option<String>,
    /// The requirement already holds (the role became stricter while this session was open): the next sign-in
    /// will lead to enrolment only.
    pub enforced: bool,
}

pub fn reminder(requirement: &Requirement, plan: &Plan) -> Option<Reminder> {
    if plan.compliant || !requirement.mfa_required {
        return None;
    }
    let kinds = requirement
        .allowed_factors
        .iter()
        .filter(|k| !k.is_backup())
        .map(|k| k.as_str())
        .collect();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    Some(match plan.reminder {
        Some(Stage::Reminder { enforce_from, enrol_by }) => Reminder {
            kinds,
            enforce_from: Some(day(enforce_from)),
            enrol_by: Some(day(enrol_by)),
            enforced: false,
        },
        _ => Reminder {
            kinds,
            enforce_from: None,
            enrol_by: None,
            enforced: true,
        },
    })
}

/// Mails the reminder at most once per UTC day per user (a quota of one in the attempt counters, so several
/// instances agree); a mail that cannot be sent is logged and changes nothing.
pub async fn mail_reminder(
    store: &dyn Store,
    notifier: &dyn Notifier,
    now: DateTime<Utc>,
    user: &User,
    reminder: &Reminder,
) -> Result<()> {
    let key = format!("mfa_reminder:{}", user.id);
    match throttle::take_quota(store, &key, 1, Duration::days(1), now).await {
        Ok(()) => {}
        Err(crate::core::Error::TooManyAttempts { .. }) => return Ok(()),
        Err(other) => return Err(other),
    }
    // Days as RFC 3339 (midnight UTC), so that the mail writes them the recipient's way (`| date`).
    let day = |d: &Option<String>| {
        d.as_deref()
            .map(|d| match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(day) => day.and_time(chrono::NaiveTime::MIN).and_utc().to_rfc3339(),
                Err(_) => d.to_string(),
            })
    };
    notify(
        notifier,
        user,
        "mfa_reminder",
        json!({ "kinds": reminder.kinds, "enforce_from": day(&reminder.enforce_from), "enrol_by": day(&reminder.enrol_by) }),
    )
    .await;
    Ok(())
}
