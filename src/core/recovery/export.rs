//! Evidence for auditors: every factor-reset request opened in a window, one JSON object per line, each with its
//! full timeline from the audit log (who did what, when, with what outcome, and how the deciders had signed in).
//!
//! The export streams: requests are read a page at a time (`RecoveryStore::factor_resets_opened`) and each
//! request's events are read, written and dropped before the next, so a large log never sits in memory at once.
//! Nothing secret leaves: link digests are not part of a request's serialised form, and any detail of an event
//! whose name speaks of a token, secret, password or link (other than the `via_link` flag) is left out.
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::{Value, json};

use super::FactorResetRequest;
use crate::core::audit::{AuditFilter, AuditRecord};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// Requests read per page.
const PAGE: u64 = 100;
/// Audit events read per page of one request's timeline.
const EVENTS_PAGE: u64 = 500;

/// Which end of the window a bound is: a day means its first moment for `Since`, and the first moment of the next
/// day for `Until` (the window ends before it, so `--until 2026-12-07` includes that whole day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Since,
    Until,
}

impl Bound {
    fn flag(self) -> &'static str {
        match self {
            Bound::Since => "--since",
            Bound::Until => "--until",
        }
    }
}

/// A bound as typed: an RFC 3339 time or a day (`YYYY-MM-DD`, UTC).
pub fn parse_bound(text: &str, bound: Bound) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let unreadable = || {
        Error::invalid(format!(
            "{}: give a day (YYYY-MM-DD) or a time (RFC 3339, e.g. 2026-12-07T09:00:00Z), not '{}'.",
            bound.flag(),
            crate::core::model::truncate(text, 40)
        ))
    };
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| unreadable())?;
    let day = match bound {
        Bound::Since => day,
        Bound::Until => day.succ_opt().ok_or_else(unreadable)?,
    };
    Ok(day.and_time(NaiveTime::MIN).and_utc())
}

/// Whether a detail's name may carry something secret.
fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key != "via_link"
        && ["token", "secret", "password", "link", "pass_hash"]
            .iter()
            .any(|w| key.contains(w))
}

/// `value` without any detail whose name may carry a secret, at any depth.
fn scrub(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !secret_key(k))
                .map(|(k, v)| (k, scrub(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
        other => other,
    }
}

/// One event of a timeline: when, what, how it ended, who, the methods a decider used, and the rest of its details.
fn event_line(record: AuditRecord) -> Value {
    let e = record.event;
    let amr = e.details.get("approver_amr").cloned().unwrap_or(Value::Null);
    json!({
        "id": record.id, "at": e.at, "kind": e.kind, "outcome": e.outcome.as_str(), "actor": e.actor,
        "ip": e.ip, "user_agent": e.user_agent, "amr": amr, "details": scrub(e.details),
    })
}

/// The request's events (audit kinds `recovery.*` about its user, naming it in `request`), oldest first, read a
/// page at a time from the newest.
async fn timeline(store: &dyn Store, request: &FactorResetRequest) -> Result<Vec<Value>> {
    let mut filter = AuditFilter {
        subject_user_id: Some(request.user_id.clone()),
        kind: Some("recovery.*".into()),
        since: Some(request.created_at),
        ..Default::default()
    };
    let mut events = Vec::new();
    loop {
        let page = store.search_audit(&filter, EVENTS_PAGE).await?;
        let Some(last) = page.last() else { break };
        filter.before_id = Some(last.id);
        let full = page.len() as u64 == EVENTS_PAGE;
        events.extend(
            page.into_iter()
                .filter(|r| r.event.details.get("request").and_then(Value::as_str) == Some(request.id.as_str()))
                .map(event_line),
        );
        if !full {
            break;
        }
    }
    events.reverse();
    Ok(events)
}

/// One line of the export: the request as stored (no link digests), its user's username, and its timeline.
async fn line(store: &dyn Store, request: &FactorResetRequest) -> Result<Value> {
    let mut value = serde_json::to_value(request).map_err(|e| Error::Internal(e.to_string()))?;
    let username = store.user_by_id(&request.user_id).await?.map(|u| u.username);
    value["username"] = json!(username);
    value["single_channel"] = json!(request.single_channel());
    value["timeline"] = Value::Array(timeline(store, request).await?);
    Ok(scrub(value))
}

/// Writes every request opened at or after `since` and before `until` to `write`, oldest first, one value each;
/// the number written.
pub async fn export(
    store: &dyn Store,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    mut write: impl FnMut(&Value) -> Result<()>,
) -> Result<u64> {
    if let (Some(since), Some(until)) = (since, until)
        && until <= since
    {
        return Err(Error::invalid("--until must lie after --since."));
    }
    let mut after = None;
    let mut written = 0;
    loop {
        let page = store.factor_resets_opened(since, until, after.take(), PAGE).await?;
        for request in &page {
            write(&line(store, request).await?)?;
            written += 1;
        }
        match page.last() {
            Some(last) if page.len() as u64 == PAGE => after = Some((last.created_at, last.id.clone())),
            _ => return Ok(written),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_read_days_and_times_and_refuse_the_rest() {
        let since = parse_bound("2026-12-07", Bound::Since).unwrap();
        assert_eq!(since.to_rfc3339(), "2026-12-07T00:00:00+00:00");
        let until = parse_bound("2026-12-07", Bound::Until).unwrap();
        assert_eq!(until.to_rfc3339(), "2026-12-08T00:00:00+00:00");
        let at = parse_bound("2026-12-07T10:30:00+01:00", Bound::Until).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-07T09:30:00+00:00");
        for bad in ["", "yesterday", "2026-13-01", "2026-12-07 10:00"] {
            let e = parse_bound(bad, Bound::Since).unwrap_err().to_string();
            assert!(e.contains("--since"), "{bad}: {e}");
        }
    }

    #[test]
    fn scrub_drops_anything_named_like_a_secret_but_keeps_the_via_link_flag() {
        let v = json!({ "request": "r", "via_link": true, "token": "x", "nested": [{ "enrol_token_hash": "h",
            "cancel_link": "l", "keep": 1 }] });
        assert_eq!(
            scrub(v),
            json!({ "request": "r", "via_link": true, "nested": [{ "keep": 1 }] })
        );
    }
}
