//! `/admin/audit`: the audit log for those who may read it (`Permission::ReadAudit`), filtered by a GET form (user,
//! actor, kind or `prefix.*`, outcome, since, until — times in UTC), newest first in pages of 50 (the cursor is the
//! id of the last event shown), each event naming people by username and display name (also a person acting
//! through the command line, `user:<id> via cli:<os user>`); and
//! `/admin/audit/export?format=jsonl|csv&…`, the same filter exported. Filtering, naming and exporting are
//! `http::audit_log`'s, shared with `/api/v1/audit`, so the console and the API agree.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Console, Need, console, context, refused, render, rfc3339, user_path};
use crate::core::audit::{AuditFilter, AuditKind};
use crate::core::delegation::Permission;
use crate::http::audit_log::{self, FilterError, Format, Names, Person, Wanted, actor_id};
use crate::http::error::WebError;
use crate::http::form::Query;
use crate::http::{AppState, encode, pages};
use crate::i18n;

const PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    user: Option<String>,
    actor: Option<String>,
    kind: Option<String>,
    outcome: Option<String>,
    since: Option<String>,
    until: Option<String>,
    /// The id of the last event of the page before.
    before: Option<String>,
    /// Export only: `jsonl` or `csv`.
    format: Option<String>,
}

/// The form's fields as given (trimmed; empty means not set), to show them again and to build links.
#[derive(Serialize)]
struct Given {
    user: String,
    actor: String,
    kind: String,
    outcome: String,
    since: String,
    until: String,
}

impl Given {
    fn of(q: &AuditQuery) -> Self {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        Given {
            user: text(&q.user),
            actor: text(&q.actor),
            kind: text(&q.kind),
            outcome: text(&q.outcome),
            since: text(&q.since),
            until: text(&q.until),
        }
    }

    /// The filter as a query string (no leading `?`), only the fields that are set.
    fn query(&self) -> String {
        [
            ("user", &self.user),
            ("actor", &self.actor),
            ("kind", &self.kind),
            ("outcome", &self.outcome),
            ("since", &self.since),
            ("until", &self.until),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// A time as typed in UTC: RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` (a `T` or a space between date and time).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let text = text.replacen(' ', "T", 1);
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&text, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The filter the form asks for, or the message saying which field is not usable.
async fn filter_of(state: &AppState, given: &Given) -> Result<Result<AuditFilter, String>, WebError> {
    fn some(v: &str) -> Option<&str> {
        Some(v).filter(|v| !v.is_empty())
    }
    let mut times = [None, None];
    let fields = [
        ("admin-audit-bad-since", &given.since),
        ("admin-audit-bad-until", &given.until),
    ];
    for (slot, (key, text)) in times.iter_mut().zip(fields) {
        if let Some(text) = some(text) {
            match parse_time(text) {
                Some(t) => *slot = Some(t),
                None => return Ok(Err(i18n::t(key))),
            }
        }
    }
    let wanted = Wanted {
        user: some(&given.user),
        actor: some(&given.actor),
        kind: some(&given.kind),
        outcome: some(&given.outcome),
        since: times[0],
        until: times[1],
    };
    match audit_log::filter(state.store.as_ref(), &wanted).await {
        Ok(filter) => Ok(Ok(filter)),
        Err(FilterError::Field(field, message)) => Ok(Err(match (field, message) {
            ("user", _) => i18n::t("admin-audit-bad-user"),
            ("actor", m) if m.starts_with("at most") => i18n::t("admin-audit-bad-actor-long"),
            ("actor", _) => i18n::t("admin-audit-bad-actor"),
            ("kind", _) => i18n::t("admin-audit-bad-kind"),
            ("outcome", _) => i18n::t("admin-audit-bad-outcome"),
            _ => {
                let mut name = field.to_string();
                name[..1].make_ascii_uppercase();
                format!("{name}: {message}.")
            }
        })),
        Err(FilterError::Store(e)) => Err(e.into()),
    }
}

/// A person as a row shows them: username, display name and a link to their account; or deleted.
pub(super) fn shown(person: Option<Person>) -> serde_json::Value {
    match person {
        Some(p) => serde_json::json!({
            "path": user_path(&p.username), "username": p.username, "display_name": p.display_name, "deleted": false,
        }),
        None => serde_json::json!({ "path": "", "username": "", "display_name": "", "deleted": true }),
    }
}

async fn gate(req: &HttpRequest, state: &AppState, back: &str) -> Result<Result<Console, HttpResponse>, WebError> {
    let console = match console(req, state, back, Need::Look).await? {
        Ok(console) => console,
        Err(answer) => return Ok(Err(answer)),
    };
    if let Err(e) = console.operator.require(Permission::ReadAudit) {
        return Ok(Err(refused(&e)));
    }
    Ok(Ok(console))
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    let given = Given::of(&query);
    let filter_query = given.query();
    let back = format!("/admin/audit?{filter_query}");
    let console = match gate(&req, &state, &back).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let store = state.store.as_ref();
    let mut ctx = context(&req, &state, &console, "audit");
    let (status, rows, next) = match filter_of(&state, &given).await? {
        Ok(mut filter) => {
            filter.before_id = query.before.as_deref().and_then(|b| b.parse().ok());
            let (records, last) = audit_log::records(store, &filter, PAGE).await?;
            let mut names = Names::new(store);
            let mut rows = Vec::with_capacity(records.len());
            for record in records {
                let e = record.event;
                // A person by username and display name (or as deleted), never by id; other actors as stored.
                let actor = match e.actor.as_deref() {
                    Some(a) if actor_id(a).is_some() => Some(shown(names.actor(Some(a)).await?)),
                    _ => None,
                };
                let via = e
                    .actor
                    .as_deref()
                    .and_then(|a| a.split_once(" via "))
                    .map(|(_, v)| v.to_string());
                let subject = match e.subject_user_id.as_deref() {
                    Some(id) => Some(shown(names.person(id).await?)),
                    None => None,
                };
                rows.push(serde_json::json!({
                    "id": record.id, "at": rfc3339(e.at), "kind": e.kind, "outcome": e.outcome.as_str(),
                    "actor": actor, "via": via, "actor_raw": e.actor.unwrap_or_default(), "subject": subject,
                    "ip": e.ip.unwrap_or_default(),
                }));
            }
            let separator = if filter_query.is_empty() { "" } else { "&" };
            let next = last.map(|id| format!("/admin/audit?{filter_query}{separator}before={id}"));
            (StatusCode::OK, rows, next)
        }
        Err(message) => {
            ctx.insert("error", &message);
            (StatusCode::BAD_REQUEST, Vec::new(), None)
        }
    };
    let separator = if filter_query.is_empty() { "" } else { "&" };
    ctx.insert(
        "audit",
        &serde_json::json!({
            "given": given, "rows": rows, "next": next, "first": query.before.is_none(),
            "first_link": format!("/admin/audit?{filter_query}"),
            "export_jsonl": format!("/admin/audit/export?format=jsonl{separator}{filter_query}"),
            "export_csv": format!("/admin/audit/export?format=csv{separator}{filter_query}"),
            "kinds": AuditKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        }),
    );
    Ok(render(&req, &state, status, "admin/audit.html", ctx))
}

/// Every event the filter matches, newest first, as JSON lines or CSV (streamed, as the API's export).
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    let given = Given::of(&query);
    let back = format!("/admin/audit?{}", given.query());
    if let Err(answer) = gate(&req, &state, &back).await? {
        return Ok(answer);
    }
    let Some(format) = Format::parse(query.format.as_deref().filter(|f| !f.is_empty())) else {
        return Ok(pages::error_page(
            StatusCode::BAD_REQUEST,
            &i18n::t("admin-audit-bad-format"),
        ));
    };
    match filter_of(&state, &given).await? {
        Ok(filter) => Ok(audit_log::export(state, filter, format)),
        Err(message) => Ok(pages::error_page(StatusCode::BAD_REQUEST, &message)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times_are_read_as_typed_in_utc() {
        let at = |s: &str| parse_time(s).map(|t| t.to_rfc3339());
        assert_eq!(at("2026-01-31T14:00"), Some("2026-01-31T14:00:00+00:00".into()));
        assert_eq!(at("2026-01-31 14:00:05"), Some("2026-01-31T14:00:05+00:00".into()));
        assert_eq!(
            at("2026-01-31T15:00:00+01:00"),
            Some("2026-01-31T14:00:00+00:00".into())
        );
        assert_eq!(at("2026-01-31"), Some("2026-01-31T00:00:00+00:00".into()));
        assert_eq!(at("yesterday"), None);
        assert_eq!(at("2026-13-01"), None);
    }
}
