//! `/api/v1/audit`: the audit log, filtered, newest first, in cursor pages; and the same filter exported as JSON
//! lines or CSV, streamed page by page so an export of the whole log never sits in memory.
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use futures_util::stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::page::{Cursor, Page};
use super::problem::Problem;
use crate::core::audit::{AuditFilter, AuditRecord, Outcome, People};
use crate::core::delegation::Permission;
use crate::core::store::Store;

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

/// One audit event, with the people it names resolved to usernames where they still exist.
#[derive(Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub actor: Option<String>,
    /// The acting person's username, when the actor is a person.
    pub actor_username: Option<String>,
    pub subject_user_id: Option<String>,
    pub subject_username: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// The filter a query asks for, people named by username resolved to ids.
async fn filter_of(store: &dyn Store, q: &AuditQuery) -> Result<AuditFilter, Problem> {
    let mut filter = AuditFilter::default();
    if let Some(user) = q.user.as_deref() {
        filter.subject_user_id = Some(
            super::users::resolve(store, user)
                .await
                .map_err(|_| Problem::field("user", "no such user"))?
                .id,
        );
    }
    if let Some(actor) = q.actor.as_deref() {
        if actor.len() > 256 {
            return Err(Problem::field("actor", "at most 256 characters"));
        }
        filter.actor = Some(if actor.contains(':') || actor == "anonymous" {
            actor.to_string()
        } else {
            let user = super::users::resolve(store, actor)
                .await
                .map_err(|_| Problem::field("actor", "no such user; give an actor as stored, e.g. client:ci"))?;
            format!("user:{}", user.id)
        });
    }
    if let Some(kind) = q.kind.as_deref() {
        if kind.is_empty() || kind.len() > 64 || !kind.chars().all(|c| c.is_ascii_alphanumeric() || "._*".contains(c)) {
            return Err(Problem::field(
                "kind",
                "a kind such as user.created, or a prefix such as oidc.*",
            ));
        }
        filter.kind = Some(kind.to_string());
    }
    if let Some(outcome) = q.outcome.as_deref() {
        filter.outcome =
            Some(Outcome::parse(outcome).ok_or_else(|| Problem::field("outcome", "success, failure or denied"))?);
    }
    filter.since = q.since;
    filter.until = q.until;
    if let Some(position) = Cursor::decode(q.cursor.as_deref())? {
        filter.before_id = Some(
            position
                .parse()
                .map_err(|_| Problem::field("cursor", "not a cursor from this API"))?,
        );
    }
    Ok(filter)
}

/// Usernames of the ids a page names, each looked up once.
pub struct Names<'a>(People<'a>);

impl<'a> Names<'a> {
    pub fn new(store: &'a dyn Store) -> Self {
        Names(People::new(store))
    }

    pub async fn of(&mut self, user_id: &str) -> Result<Option<String>, Problem> {
        Ok(self.0.username(user_id).await?)
    }

    pub async fn view(&mut self, record: AuditRecord) -> Result<AuditView, Problem> {
        let e = record.event;
        let actor_username = match e.actor.as_deref().and_then(|a| a.strip_prefix("user:")) {
            Some(id) => self.of(id).await?,
            None => None,
        };
        let subject_username = match e.subject_user_id.as_deref() {
            Some(id) => self.of(id).await?,
            None => None,
        };
        Ok(AuditView {
            id: record.id,
            at: e.at,
            kind: e.kind,
            outcome: e.outcome.as_str().to_string(),
            actor: e.actor,
            actor_username,
            subject_user_id: e.subject_user_id,
            subject_username,
            ip: e.ip,
            user_agent: e.user_agent,
            request_id: e.request_id,
            details: e.details,
        })
    }
}

async fn page(store: &dyn Store, filter: &AuditFilter, limit: u64) -> Result<(Vec<AuditView>, Option<i64>), Problem> {
    let mut records = store.search_audit(filter, limit + 1).await?;
    let more = records.len() as u64 > limit;
    records.truncate(limit as usize);
    let last = records.last().map(|r| r.id).filter(|_| more);
    let mut names = Names::new(store);
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        items.push(names.view(record).await?);
    }
    Ok((items, last))
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
    let (items, last) = page(caller.store(), &filter, limit).await?;
    Ok(web::Json(Page {
        items,
        next_cursor: last.map(|id| Cursor::encode(&id.to_string())),
    }))
}

const CSV_COLUMNS: [&str; 12] = [
    "id",
    "at",
    "kind",
    "outcome",
    "actor",
    "actor_username",
    "subject_user_id",
    "subject_username",
    "ip",
    "user_agent",
    "request_id",
    "details",
];

/// A CSV field (RFC 4180 quoting). A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
/// start) gets a leading `'`: the log holds text that users typed.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_row(v: &AuditView) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let cells = [
        v.id.to_string(),
        v.at.to_rfc3339(),
        v.kind.clone(),
        v.outcome.clone(),
        opt(&v.actor),
        opt(&v.actor_username),
        opt(&v.subject_user_id),
        opt(&v.subject_username),
        opt(&v.ip),
        opt(&v.user_agent),
        opt(&v.request_id),
        v.details.to_string(),
    ];
    let mut row = cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

/// Rows per database read while exporting.
const EXPORT_PAGE: u64 = 500;

/// Every event the filter matches, newest first, as JSON lines (`application/x-ndjson`) or CSV (`text/csv`),
/// streamed.
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "JSON lines or CSV", content_type = "application/x-ndjson", body = String),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody)))]
#[get("/audit/export")]
pub async fn export(caller: Caller, query: web::Query<AuditQuery>) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ReadAudit)?;
    let csv = match query.format.as_deref() {
        None | Some("jsonl") => false,
        Some("csv") => true,
        Some(_) => return Err(Problem::field("format", "jsonl or csv")),
    };
    if query.limit.is_some() {
        return Err(Problem::field("limit", "an export holds every matching event"));
    }
    let filter = filter_of(caller.store(), &query).await?;
    let state = caller.state.clone();
    let header = csv.then(|| format!("{}\r\n", CSV_COLUMNS.join(",")));
    // Each step reads one page after the cursor and renders it; the stream ends after the last page.
    let body = stream::unfold((Some(filter), header), move |(filter, header)| {
        let state = state.clone();
        async move {
            if let Some(header) = header {
                return Some((Ok(web::Bytes::from(header)), (filter, None)));
            }
            let mut filter = filter?;
            let (items, last) = match page(state.store.as_ref(), &filter, EXPORT_PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "audit export stopped");
                    return Some((
                        Err(actix_web::error::ErrorServiceUnavailable(e.to_string())),
                        (None, None),
                    ));
                }
            };
            if items.is_empty() {
                return None;
            }
            let mut chunk = String::new();
            for item in &items {
                if csv {
                    chunk.push_str(&csv_row(item));
                } else {
                    chunk.push_str(&serde_json::to_string(item).unwrap_or_default());
                    chunk.push('\n');
                }
            }
            filter.before_id = last;
            let next = last.map(|_| filter);
            Some((Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), (next, None)))
        }
    });
    let (content_type, name) = if csv {
        ("text/csv; charset=utf-8", "audit.csv")
    } else {
        ("application/x-ndjson", "audit.jsonl")
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
