//! The SMS factor, whole: enrolment (`start_enrolment`, `confirm_enrolment`), changing a factor's number
//! (`start_replacement`, then the same confirmation), sending codes (`send_code`) and the sign-in check
//! (`accept_code`). A verified phone number, and one-time 6-digit codes valid 5 minutes, each bound to the
//! sign-in (or enrolment) session it was sent for, so a code intercepted for one transaction is useless in
//! another. Sends are limited per account, per number and per client address, counted in the database.
//! SMS is the weakest factor (SIM swap, interception, phishing); the pages say so.
use chrono::Duration;
use rand::Rng;
use serde_json::json;

use super::enrolment;
use super::{Checked, Factor, FactorKind, FactorStatus, accepted};
use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{Phone, Session, User};
use crate::core::notify::notify;
use crate::core::secrets::hmac;
use crate::core::store::{CodeUse, SmsCode};
use crate::core::throttle;
use crate::core::{Error, Keys, Result};

pub const CODE_TTL: Duration = Duration::minutes(5);
const WINDOW: Duration = Duration::hours(1);
const PER_ACCOUNT: u32 = 5;
const PER_NUMBER: u32 = 5;
const PER_ADDRESS: u32 = 20;

pub fn digest(keys: &Keys, code: &str) -> String {
    hex::encode(hmac(&keys.sms_codes, &[code.as_bytes()]))
}

/// Six digits, ignoring spaces.
pub fn normalize(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The verified number an SMS factor sends its codes to (kept in the factor's data, apart from the profile's).
pub fn phone_of(factor: &Factor) -> Option<&str> {
    factor.phone()
}

/// "+41•••••••00" (`model::masked_phone`, a leaf, so account administration masks numbers the same way).
pub use crate::core::model::masked_phone as masked;

/// Sends a fresh code for `factor` bound to `session_hash`, replacing earlier unused ones for that session.
pub async fn send_code(ctx: &RequestCtx<'_>, user: &User, factor: &Factor, session_hash: &str) -> Result<()> {
    let RequestCtx {
        store,
        notifier,
        sms: gateway,
        keys,
        now,
        origin,
        ..
    } = *ctx;
    let phone = phone_of(factor).ok_or_else(|| Error::Internal("SMS factor without a number".into()))?;
    let quotas = [
        (format!("sms:account:{}", user.id), PER_ACCOUNT),
        (format!("sms:number:{phone}"), PER_NUMBER),
        (
            format!("sms:address:{}", origin.ip.as_deref().unwrap_or("unknown")),
            PER_ADDRESS,
        ),
    ];
    for (key, limit) in &quotas {
        if let Err(refusal) = throttle::take_quota(store, key, *limit, WINDOW, now).await {
            ctx.audit(
                AuditKind::SmsSent,
                Outcome::Denied,
                Some(&user.id),
                json!({ "reason": "quota", "quota": key.split(':').nth(1) }),
            )
            .await?;
            return Err(refusal);
        }
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    store
        .replace_sms_code(
            &SmsCode {
                id: uuid::Uuid::new_v4().to_string(),
                factor_id: factor.id.clone(),
                session_hash: session_hash.to_string(),
                code_hash: digest(keys, &code),
                created_at: now,
                expires_at: now + CODE_TTL,
            },
            now,
        )
        .await?;
    let text = crate::core::notify::text(
        notifier,
        user,
        "sms-code",
        &[("code", code.into()), ("minutes", CODE_TTL.num_minutes().into())],
    );
    gateway.send_sms(phone, &text).await?;
    ctx.audit(
        AuditKind::SmsSent,
        Outcome::Success,
        Some(&user.id),
        json!({ "factor_id": factor.id, "to": masked(phone) }),
    )
    .await
}

/// Checks a code sent for `session_hash` to one of `factors`; the matching code is used up, and a code used
/// before is reported as a replay.
pub async fn accept_code(ctx: &RequestCtx<'_>, factors: &[Factor], session_hash: &str, code: &str) -> Result<Checked> {
    let RequestCtx { store, keys, now, .. } = *ctx;
    let Some(code) = normalize(code) else {
        return Ok(Checked::Wrong);
    };
    let hash = digest(keys, &code);
    for factor in factors {
        match store.use_sms_code(&factor.id, session_hash, &hash, now).await? {
            CodeUse::Accepted => {
                store.touch_factor(&factor.id, now).await?;
                return Ok(accepted(factor.clone(), FactorKind::Sms));
            }
            CodeUse::AlreadyUsed => return Ok(Checked::Replayed),
            CodeUse::Unknown => {}
        }
    }
    Ok(Checked::Wrong)
}

/// The key in a pending SMS factor's data naming the active SMS factor it replaces once its number is proven.
const REPLACES: &str = "replaces";

/// Starts adding a phone: a pending SMS factor for the validated number, and a code sent to it.
pub async fn start_enrolment(ctx: &RequestCtx<'_>, session: &Session, user: &User, phone: &str) -> Result<Factor> {
    let RequestCtx { store, now, .. } = *ctx;
    enrolment::require_may_add(store, now, session, user, FactorKind::Sms).await?;
    start(ctx, session, user, phone, None).await
}

/// The user's active SMS factor `factor_id`, when this session may replace it: it may add a factor and remove
/// one (`enrolment::require_may_add`, `enrolment::require_may_remove`) — a change of number is both — and the
/// recovery path of the method it proved is open to the user's roles (`enrolment::require_open_path`: a session
/// proven by an SMS code cannot move a role's phone factor where `backup-sms` is closed).
pub async fn replaceable(ctx: &RequestCtx<'_>, session: &Session, user: &User, factor_id: &str) -> Result<Factor> {
    let RequestCtx { store, now, origin, .. } = *ctx;
    let factors = enrolment::require_may_add(store, now, session, user, FactorKind::Sms).await?;
    enrolment::require_may_remove(session, &factors, now)?;
    let factor = factors
        .into_iter()
        .find(|f| f.id == factor_id && f.kind == FactorKind::Sms && f.status == FactorStatus::Active)
        .ok_or_else(|| Error::invalid("This phone is no longer one of your factors."))?;
    enrolment::require_open_path(store, now, origin, session, user, &factor).await?;
    Ok(factor)
}

/// Starts changing the number of the SMS factor `old_id`: a pending SMS factor for the new number, which
/// replaces the old one once the code sent to it is typed (`confirm_enrolment`). Until then the old number
/// keeps working.
pub async fn start_replacement(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    old_id: &str,
    phone: &str,
) -> Result<Factor> {
    let old = replaceable(ctx, session, user, old_id).await?;
    start(ctx, session, user, phone, Some(&old)).await
}

async fn start(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    phone: &str,
    replaces: Option<&Factor>,
) -> Result<Factor> {
    let RequestCtx { store, now, .. } = *ctx;
    let phone = Phone::parse(phone)?;
    if replaces.and_then(phone_of) == Some(phone.as_str()) {
        return Err(Error::invalid("That is the number you have now; type the new one."));
    }
    store.delete_pending_factors(&user.id, FactorKind::Sms).await?;
    let mut data = json!({ "phone": phone.as_str() });
    if let Some(old) = replaces {
        data[REPLACES] = old.id.clone().into();
    }
    let factor = Factor::new(
        &user.id,
        FactorKind::Sms,
        format!("Phone {}", masked(phone.as_str())),
        FactorStatus::Pending,
        enrolment::marked(data, session),
        now,
    );
    store.insert_factor(&factor).await?;
    send_code(ctx, user, &factor, &session.id_hash).await?;
    Ok(factor)
}

/// What a proven phone brought about.
#[derive(Clone, Debug)]
pub struct Confirmed {
    /// The new factor, active.
    pub factor: Factor,
    /// The factor whose number it replaced, now removed (a change of number), if any.
    pub replaced: Option<Factor>,
    /// Trusted browsers revoked: all of them when the number of a phone changed, none for an added phone.
    pub trusted_devices_revoked: u64,
}

/// Finishes adding a phone: the code sent to it proves the number is the user's. When the enrolment changes the
/// number of an SMS factor (`start_replacement`), the old factor is removed (its grants with it, as any removal),
/// and the old number and the mailbox are told.
pub async fn confirm_enrolment(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    factor_id: &str,
    code: &str,
) -> Result<Confirmed> {
    let RequestCtx { store, now, origin, .. } = *ctx;
    enrolment::require_fresh(session, now)?;
    let factor = enrolment::pending_factor(store, user, factor_id, FactorKind::Sms).await?;
    // The old factor as it is now: gone meanwhile (removed in another tab) makes this an ordinary addition.
    let old = match factor.data.get(REPLACES).and_then(serde_json::Value::as_str) {
        Some(old_id) => match replaceable(ctx, session, user, old_id).await {
            Ok(old) => Some(old),
            Err(Error::Invalid(_)) => None,
            Err(other) => return Err(other),
        },
        None => None,
    };
    let attempt = enrolment::reserve_attempt(store, user, now).await?;
    let checked = accept_code(ctx, std::slice::from_ref(&factor), &session.id_hash, code).await?;
    if !matches!(checked, Checked::Accepted { .. }) {
        enrolment::audit_failure(
            store,
            now,
            origin,
            user,
            FactorKind::Sms,
            json!({ "reason": "wrong_code" }),
        )
        .await?;
        return Err(Error::WrongCode("That code is not right, or it has expired.".into()));
    }
    throttle::succeeded(store, &attempt).await?;
    if !store.activate_factor(&factor.id, &factor.name, None, now).await? {
        return Err(Error::invalid("This enrolment was already completed."));
    }
    let factor = Factor {
        status: FactorStatus::Active,
        ..factor
    };
    let replaced = match old {
        Some(old) => replace(ctx, user, &factor, old).await?,
        None => {
            enrolment::announce_added(ctx, user, &factor).await?;
            None
        }
    };
    // A change of number is the account's phone change: browsers trusted before it stop skipping the second
    // factor (whoever changed the number must not keep a trusted browser for free). A phone added beside the
    // factors the account has weakens nothing, so trusted browsers stay (docs/factors.md).
    let trusted_devices_revoked = if replaced.is_some() {
        crate::core::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "phone_changed").await?
    } else {
        0
    };
    Ok(Confirmed {
        factor,
        replaced,
        trusted_devices_revoked,
    })
}

/// The second half of a change of number: `old` goes (as a removal does: its sign-ins' grants too), both changes
/// are audited, and the user hears of it on the old number and by mail, so a change they did not make is seen
/// where they still are. `None` when `old` was removed meanwhile.
async fn replace(ctx: &RequestCtx<'_>, user: &User, new: &Factor, old: Factor) -> Result<Option<Factor>> {
    let RequestCtx {
        store,
        notifier,
        sms: gateway,
        now,
        origin,
        ..
    } = *ctx;
    if !store.delete_factor(&user.id, &old.id).await? {
        enrolment::announce_added(ctx, user, new).await?;
        return Ok(None);
    }
    let revoked = crate::core::grants::revoke_for_removed_factor(store, now, &user.id, FactorKind::Sms).await?;
    let (old_phone, new_phone) = (phone_of(&old).map(masked), phone_of(new).map(masked));
    ctx.audit(
        AuditKind::FactorAdded,
        Outcome::Success,
        Some(&user.id),
        json!({ "kind": new.kind, "factor_id": new.id, "name": new.name, "replaces": old.id }),
    )
    .await?;
    ctx.audit(
        AuditKind::FactorRemoved,
        Outcome::Success,
        Some(&user.id),
        json!({
            "kind": old.kind, "factor_id": old.id, "name": old.name, "tokens_revoked": revoked,
            "reason": "phone_changed", "replaced_by": new.id,
        }),
    )
    .await?;
    let values = json!({
        "old_phone": old_phone, "new_phone": new_phone, "ip": origin.ip,
        "at": now.to_rfc3339(),
    });
    notify(notifier, user, "sign_in_phone_changed", values).await;
    if let Some(number) = phone_of(&old) {
        let args = [
            ("username", user.username.as_str().into()),
            ("new_phone", new_phone.clone().unwrap_or_default().into()),
        ];
        let text = crate::core::notify::text(notifier, user, "sms-sign-in-phone-changed", &args);
        if let Err(e) = gateway.send_sms(number, &text).await {
            tracing::warn!(error = %e, "could not text the old number about its replacement");
        }
    }
    Ok(Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_and_codes() {
        assert_eq!(masked("+41446681800"), "+41•••••••00");
        assert_eq!(normalize("123 456").as_deref(), Some("123456"));
        assert!(normalize("12345").is_none() && normalize("12345a").is_none());
    }
}
