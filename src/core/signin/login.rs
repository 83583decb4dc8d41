//! Interactive sign-in with a password. Unknown accounts, accounts without a password, wrong passwords and
//! locked passwords take the same time and get the same answer; every attempt is an audit event. Attempts
//! are counted per account (`factors::password::lock`): the identifier is resolved first, then an attempt is reserved
//! on the account's counter (or the identifier's, when it names no account), then the password is checked.
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::context::RequestCtx;
use crate::core::factors::password::lock as password_lock;
use crate::core::factors::password::{self, Verdict};
use crate::core::model::{Session, User, UserStatus, truncate};
use crate::core::signin::flow::{self, Step};
use crate::core::signin::ip_rules::{self, IpRules};
use crate::core::signin::sessions;
use crate::core::store::Store;
use crate::core::throttle;
use crate::core::{Error, Result, accounts, policy::enforcement, signin::trusted_devices};

/// A new session after a step of sign-in. Its `state` says what comes next: `Authenticated`, or a pending
/// state that waits for a second factor or for enrolment of one.
pub struct SignedIn {
    /// Goes into the session cookie; never stored.
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// Identifier and password lengths beyond which no account can match.
const MAX_IDENTIFIER: usize = 254;
const MAX_PASSWORD_BYTES: usize = 4 * password::MAX_CHARS;

/// The message of the denial page: says what happened without naming the rule or the network.
pub const IP_DENIED: &str =
    "Signing in is not allowed from your network. Ask your administrator if you need access from here.";

/// Applies IP rule sets (all must permit) to the request's client address; a refusal is audited
/// (`login.ip_denied`, with the rule scope and reason) and answered with [`IP_DENIED`].
pub async fn enforce_ip<'a>(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: Option<&User>,
    scope: &str,
    rules: impl IntoIterator<Item = &'a IpRules>,
) -> Result<()> {
    let ip = origin.ip.as_deref().and_then(|ip| ip.parse::<std::net::IpAddr>().ok());
    match ip_rules::check_all(rules, ip) {
        Ok(()) => Ok(()),
        Err(refusal) => {
            audit::record(
                store,
                now,
                origin,
                AuditKind::LoginIpDenied,
                Outcome::Denied,
                user.map(|u| u.id.as_str()),
                json!({ "scope": scope, "reason": refusal.as_str() }),
            )
            .await?;
            Err(Error::NotAllowed(IP_DENIED.into()))
        }
    }
}

/// Attempts are counted under the context's `password_policy`; `global_ip` is the installation's IP rule set.
pub async fn password_sign_in(
    ctx: &RequestCtx<'_>,
    global_ip: &IpRules,
    identifier: &str,
    password: &str,
    trusted_cookie: Option<&str>,
) -> Result<SignedIn> {
    let RequestCtx {
        store,
        notifier,
        now,
        limits,
        origin,
        password_policy: policy,
        passwords,
        ..
    } = *ctx;
    // Global IP rules come first: from a refused network no password is even checked.
    enforce_ip(store, now, origin, None, "global", [global_ip]).await?;
    // A place for the verification, before any other work: when hashing is saturated the attempt is
    // answered "busy" at once, without touching the database (no throttle count, no audit row).
    let slot = passwords.try_reserve()?;
    let identifier_ok = identifier.len() <= MAX_IDENTIFIER && !identifier.trim().is_empty();
    let plausible = identifier_ok && password.len() <= MAX_PASSWORD_BYTES;
    // Resolve first, so that the username and the e-mail address share the account's counter. Known or not,
    // this is one look-up, one reservation and one hash below.
    let user = if identifier_ok {
        match accounts::find(store, identifier).await {
            Ok(user) => Some(user),
            Err(Error::NotFound(_)) => None,
            Err(other) => return Err(other),
        }
    } else {
        None
    };
    let key = match &user {
        Some(user) => password_lock::account_key(&user.id),
        None => password_lock::unknown_key(&truncate(identifier, MAX_IDENTIFIER)),
    };
    let attempt = match throttle::begin(store, policy, &key, now).await {
        Ok(attempt) => attempt,
        Err(refusal) => {
            ctx.audit(
                AuditKind::LoginPassword,
                Outcome::Denied,
                user.as_ref().map(|u| u.id.as_str()),
                json!({
                    "identifier": truncate(identifier, 64), "reason": "throttled",
                }),
            )
            .await?;
            return Err(refusal);
        }
    };
    let stored = if plausible {
        user.as_ref().and_then(|u| u.password_hash.clone())
    } else {
        None
    };
    // Implausible inputs are verified against nothing (equal cost); plausible ones exactly as typed.
    let typed = if plausible { password.to_string() } else { String::new() };
    let verdict = slot.verify(typed, stored).await?;

    let (user, needs_rehash) = match (user, verdict) {
        // A locked password is refused even when right, after the same hashing, with the same answer.
        (Some(user), Verdict::Match { needs_rehash }) if !attempt.locked => (user, needs_rehash),
        (user, _) => {
            let reason = match &user {
                None => "unknown_user",
                Some(_) if attempt.locked => "password_locked",
                Some(_) => "wrong_password",
            };
            ctx.audit(
                AuditKind::LoginPassword,
                Outcome::Failure,
                user.as_ref().map(|u| u.id.as_str()),
                json!({
                    "identifier": truncate(identifier, 64), "reason": reason,
                    "consecutive_failures": attempt.number,
                }),
            )
            .await?;
            if attempt.locks_on_failure
                && let Some(user) = &user
            {
                password_lock::announce(store, notifier, now, origin, user, attempt.number).await?;
            }
            return Err(Error::InvalidCredentials);
        }
    };
    if user.status != UserStatus::Active {
        ctx.audit(
            AuditKind::LoginPassword,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "disabled" }),
        )
        .await?;
        return Err(Error::AccountDisabled);
    }
    throttle::succeeded(store, &attempt).await?;
    // Upgrading an old hash is worth a second hash, but not a refused sign-in: when busy, a later one does it.
    let rehashed = needs_rehash
        && match passwords.hash(password.to_string()).await {
            Ok(hash) => {
                store.set_password_hash(&user.id, &hash, None, now).await?;
                true
            }
            Err(Error::Busy { .. }) => false,
            Err(other) => return Err(other),
        };
    // The role policy decides what follows: the second step (only allowed kinds, unless the user has no other
    // proof), full access, or enrolment only once an enforcement date has passed.
    let (requirement, plan) = enforcement::plan_for(store, now, &user).await?;
    // The roles' IP rules, once the password has identified the user (checked only after a correct password, so
    // a refusal reveals nothing about the account to someone who does not know it).
    enforce_ip(store, now, origin, Some(&user), "role", &requirement.ip_rules).await?;
    let mut second_factor = !plan.accepted.is_empty();
    let mut amr = vec!["pwd".to_string()];
    // A browser trusted by this user within the policy's window skips the second step (never the password).
    if second_factor
        && trusted_devices::skips_second_factor(store, now, origin, &user, &requirement, &plan, trusted_cookie).await?
    {
        second_factor = false;
        amr.push(trusted_devices::device::AMR_MARKER.to_string());
    }
    let state = flow::advance(
        None,
        Step::Password {
            second_factor,
            then: plan.then,
        },
    )?;
    if plan.reminder.is_some()
        && let Some(reminder) = enforcement::reminder(&requirement, &plan)
    {
        enforcement::mail_reminder(store, notifier, now, &user, &reminder).await?;
    }
    let (token, session) = sessions::new_session_in(state, &user.id, amr.clone(), now, limits, origin);
    store.insert_session(&session).await?;
    ctx.audit(
        AuditKind::LoginPassword,
        Outcome::Success,
        Some(&user.id),
        json!({
            "rehashed": rehashed, "next": state.as_str(), "amr": amr,
            "accepted": plan.accepted, "policy_fallback": requirement.fallback_to,
        }),
    )
    .await?;
    Ok(SignedIn { token, session, user })
}
