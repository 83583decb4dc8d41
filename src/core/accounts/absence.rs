//! Out-of-office records ("away"), which route factor-reset approvals (`recovery::route`): while a person is away,
//! a reset that would be theirs to approve goes to the delegate they named or, without one, to their own manager.
//! Set by the person themselves (their account page) or by an administrator (the CLI, the admin API), each change
//! audited (`user.absence_set`, `user.absence_cleared`).
//!
//! A delegate decides in the absent person's place, so the rules that keep an approver independent apply when
//! the delegate is chosen: not the person themselves, an active account, and nobody the person manages (directly
//! or further down) — a report would otherwise approve the resets of their own peers, or of their boss. The route
//! checks them again for each request, since the graph may change after the absence was set.
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::json;

use super::find;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{User, UserStatus, truncate};
use crate::core::recovery::route::Absence;
use crate::core::store::Store;
use crate::core::{Error, Result};

/// How far ahead an absence may end: a longer one is an absence "until cleared", which says so.
pub const MAX_AHEAD_DAYS: i64 = 366;

/// The end of an absence as typed: an RFC 3339 time (`2026-12-24T17:00:00Z`), or a day (`2026-12-24`), which
/// means through that day — until the next midnight, UTC. It must lie after `now` and at most
/// [`MAX_AHEAD_DAYS`] ahead.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let text = text.trim();
    let until = if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        time.with_timezone(&Utc)
    } else if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let next = day.succ_opt().ok_or_else(until_unreadable)?;
        next.and_time(NaiveTime::MIN).and_utc()
    } else {
        return Err(until_unreadable());
    };
    check_until(until, now)?;
    Ok(until)
}

fn until_unreadable() -> Error {
    Error::invalid("until: give a day (YYYY-MM-DD) or a time (RFC 3339, e.g. 2026-12-24T17:00:00Z).")
}

fn check_until(until: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if until <= now {
        return Err(Error::invalid("until: the end of an absence must lie in the future."));
    }
    if until > now + Duration::days(MAX_AHEAD_DAYS) {
        return Err(Error::invalid(
            "until: at most a year ahead; leave it out for an absence until it is cleared.",
        ));
    }
    Ok(())
}

/// The delegate `text` names, when they may stand in for `user`.
async fn allowed_delegate(store: &dyn Store, user: &User, text: &str) -> Result<User> {
    // Fixed sentences, without the names typed: the person's own account page shows them in its language.
    let delegate = find(store, text).await.map_err(|e| match e {
        Error::NotFound(_) | Error::Invalid(_) => Error::invalid("delegate: there is no such user."),
        other => other,
    })?;
    if delegate.id == user.id {
        return Err(Error::invalid("delegate: nobody is their own delegate."));
    }
    if delegate.status != UserStatus::Active {
        return Err(Error::invalid("delegate: that account is disabled."));
    }
    if super::graph::reports_to(store, &delegate, &user.id).await? {
        return Err(Error::invalid(
            "delegate: they report to the person who is away; choose someone that person does not manage.",
        ));
    }
    Ok(delegate)
}

/// Marks `user` away from `now`, until `until` (`None`: until cleared), with `delegate` (a username or e-mail
/// address; `None`: approvals go up the chain instead). Replaces an earlier absence. Bad input changes nothing.
pub async fn set_away(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    delegate: Option<&str>,
    until: Option<DateTime<Utc>>,
) -> Result<Absence> {
    let delegate = match delegate.map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => Some(allowed_delegate(store, user, text).await?),
        None => None,
    };
    if let Some(until) = until {
        check_until(until, now)?;
    }
    let before = store.absence_of(&user.id).await?;
    let absence = Absence {
        user_id: user.id.clone(),
        delegate_id: delegate.as_ref().map(|d| d.id.clone()),
        until,
        set_by: truncate(&origin.actor, 255),
        created_at: now,
    };
    store.put_absence(&absence).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserAbsenceSet,
        Outcome::Success,
        Some(&user.id),
        json!({
            "delegate": delegate.as_ref().map(|d| &d.username), "delegate_id": absence.delegate_id,
            "until": absence.until, "replaced": before.is_some_and(|b| b.in_force(now)),
        }),
    )
    .await?;
    Ok(absence)
}

/// Ends `user`'s absence ("back"): approvals go to them again. `false` when they were not away (still audited,
/// as `was_away: false`).
pub async fn clear_away(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User) -> Result<bool> {
    let before = store.absence_of(&user.id).await?;
    let removed = store.delete_absence(&user.id).await?;
    let was_away = removed && before.is_some_and(|b| b.in_force(now));
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserAbsenceCleared,
        Outcome::Success,
        Some(&user.id),
        json!({ "was_away": was_away }),
    )
    .await?;
    Ok(was_away)
}

/// `user`'s absence, if one is in force at `now`.
/// Whether `user` is someone factor resets are routed to — they manage someone, or hold the approver role — and so
/// someone for whom being away means something (the account page offers the form to them only).
pub async fn approves_resets(store: &dyn Store, user: &User, roles: &[String], approver_role: &str) -> Result<bool> {
    Ok(roles.iter().any(|r| r == approver_role) || store.manages_anyone(&user.id).await?)
}

pub async fn absence(store: &dyn Store, now: DateTime<Utc>, user: &User) -> Result<Option<Absence>> {
    Ok(store.absence_of(&user.id).await?.filter(|a| a.in_force(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absence_ends_at_a_time_or_after_a_day() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_until("2026-12-24", now).unwrap().to_rfc3339(),
            "2026-12-25T00:00:00+00:00",
            "a day counts whole"
        );
        assert_eq!(
            parse_until(" 2026-12-24T17:30:00+01:00 ", now).unwrap().to_rfc3339(),
            "2026-12-24T16:30:00+00:00"
        );
        for bad in ["tomorrow", "24.12.2026", "2026-13-01", "", "2026-12-24T25:00:00Z"] {
            assert!(
                parse_until(bad, now).unwrap_err().to_string().contains("until:"),
                "{bad}"
            );
        }
        assert!(parse_until("2026-12-06", now).is_err(), "the past");
        assert!(
            parse_until("2026-12-07T10:00:00Z", now).is_err(),
            "now is not the future"
        );
        assert!(parse_until("2027-12-09", now).is_err(), "more than a year ahead");
        assert!(parse_until("2027-12-07", now).is_ok());
        assert!(parse_until("+262143-12-31", now).is_err());
    }
}
