//! `/api/v1/audit`: the audit log, filtered, newest first, in cursor pages; and the same filter exported as JSON
//! lines or CSV, streamed page by page so an export of the whole log never sits in memory. What is shown and how it is
//! exported is `http::audit_log`, shared with the console's `/admin/audit`.
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::page::{Cursor, Page};
use super::problem::Problem;
use crate::core::audit::AuditFilter;
use crate::core::delegation::Permission;
use crate::core::store::Store;
use crate::http::audit_log::{self, FilterError, Format, Wanted};
/// An event as the API shows it, and the people of a page resolved once (also for the recovery resources).
pub use crate::http::audit_log::{AuditView, Names};

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events about this user (id, username or e-mail address).
    pub user: Option<String>,
    /// Events by this actor: as stored (`user:<id>`, `client:<id>`, `cli:<os user>`, `system:…`, `anonymous`), or a
    /// username.
    pub actor: Option<String>,
    /// A kind (`user.created`), or a prefix ending in `*` (`oidc.*`).
    pub kind: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: Option<String>,
    /// At or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// From `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<u64>,
    /// For the export: `jsonl` (default) or `csv`.
    pub format: Option<String>,
}

/// The filter a query asks for, people named by username resolved to ids (`http::audit_log`, shared with the
/// console), and the cursor.
async fn filter_of(store: &dyn Store, q: &AuditQuery) -> Result<AuditFilter, Problem> {
    let wanted = Wanted {
        user: q.user.as_deref(),
        actor: q.actor.as_deref(),
        kind: q.kind.as_deref(),
        outcome: q.outcome.as_deref(),
        since: q.since,
        until: q.until,
    };
    let mut filter = audit_log::filter(store, &wanted).await.map_err(|e| match e {
        FilterError::Field(field, message) => Problem::field(field, message),
        FilterError::Store(e) => e.into(),
    })?;
    if let Some(position) = Cursor::decode(q.cursor.as_deref())? {
        filter.before_id = Some(
            position
                .parse()
                .map_err(|_| Problem::field("cursor", "not a cursor from this API"))?,
        );
    }
    Ok(filter)
}

/// Audit events, newest first.
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditView>), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody)))]
#[get("/audit")]
pub async fn list(caller: Caller, query: web::Query<AuditQuery>) -> Result<web::Json<Page<AuditView>>, Problem> {
    caller.require(Permission::ReadAudit)?;
    if query.format.is_some() {
        return Err(Problem::field("format", "only for /audit/export"));
    }
    let filter = filter_of(caller.store(), &query).await?;
    let limit = super::page::limit(query.limit)?;
    let (items, last) = audit_log::page(caller.store(), &filter, limit).await?;
    Ok(web::Json(Page {
        items,
        next_cursor: last.map(|id| Cursor::encode(&id.to_string())),
    }))
}

/// Every event the filter matches, newest first, as JSON lines (`application/x-ndjson`) or CSV (`text/csv`),
/// streamed.
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "JSON lines or CSV", content_type = "application/x-ndjson", body = String),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody)))]
#[get("/audit/export")]
pub async fn export(caller: Caller, query: web::Query<AuditQuery>) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ReadAudit)?;
    let format = Format::parse(query.format.as_deref()).ok_or_else(|| Problem::field("format", "jsonl or csv"))?;
    if query.limit.is_some() {
        return Err(Problem::field("limit", "an export holds every matching event"));
    }
    let filter = filter_of(caller.store(), &query).await?;
    Ok(audit_log::export(caller.state.clone(), filter, format))
}
