//! The audit log as administrators read it, through the admin API (`/api/v1/audit`) and the console
//! (`/admin/audit`) alike: a filter built from what a reader typed (people by username), events with the people
//! they name resolved to usernames, pages of them, and the export as JSON lines or CSV, streamed page by page so an
//! export of the whole log never sits in memory. One implementation, so both doors show and export the same thing.
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use futures_util::stream;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::core::audit::{AuditFilter, AuditRecord, Outcome, People};
use crate::core::model::User;
use crate::core::store::Store;
use crate::core::{Error, Result, accounts};

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

/// What a reader asked for, as typed: people by id, username or e-mail address; an actor also as stored.
#[derive(Default)]
pub struct Wanted<'a> {
    pub user: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Why a filter cannot be built.
#[derive(Debug)]
pub enum FilterError {
    /// This field (as named in the request) is not usable; the message says what would be.
    Field(&'static str, &'static str),
    Store(Error),
}

/// The user a reader named: by id, else by username (or e-mail address).
pub async fn resolve_user(store: &dyn Store, text: &str) -> Result<User> {
    if let Some(user) = store.user_by_id(text).await? {
        return Ok(user);
    }
    accounts::find(store, text).await
}

async fn person(
    store: &dyn Store,
    text: &str,
    field: &'static str,
    message: &'static str,
) -> Result<User, FilterError> {
    match resolve_user(store, text).await {
        Ok(user) => Ok(user),
        Err(Error::NotFound(_) | Error::Invalid(_)) => Err(FilterError::Field(field, message)),
        Err(e) => Err(FilterError::Store(e)),
    }
}

/// The filter a reader asked for, people named by username resolved to ids.
pub async fn filter(store: &dyn Store, wanted: &Wanted<'_>) -> Result<AuditFilter, FilterError> {
    let mut filter = AuditFilter::default();
    if let Some(user) = wanted.user {
        filter.subject_user_id = Some(person(store, user, "user", "no such user").await?.id);
    }
    if let Some(actor) = wanted.actor {
        if actor.len() > 256 {
            return Err(FilterError::Field("actor", "at most 256 characters"));
        }
        filter.actor = Some(if actor.contains(':') || actor == "anonymous" {
            actor.to_string()
        } else {
            let message = "no such user; give an actor as stored, e.g. client:ci";
            format!("user:{}", person(store, actor, "actor", message).await?.id)
        });
    }
    if let Some(kind) = wanted.kind {
        if kind.is_empty() || kind.len() > 64 || !kind.chars().all(|c| c.is_ascii_alphanumeric() || "._*".contains(c)) {
            return Err(FilterError::Field(
                "kind",
                "a kind such as user.created, or a prefix such as oidc.*",
            ));
        }
        filter.kind = Some(kind.to_string());
    }
    if let Some(outcome) = wanted.outcome {
        filter.outcome =
            Some(Outcome::parse(outcome).ok_or(FilterError::Field("outcome", "success, failure or denied"))?);
    }
    filter.since = wanted.since;
    filter.until = wanted.until;
    Ok(filter)
}

/// A person an event names, as the console shows them.
#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub username: String,
    pub display_name: String,
}

/// The account behind an actor as stored, when it is a person: `user:<id>`, also acting through the command line
/// (`user:<id> via cli:<os user>`).
pub fn actor_id(actor: &str) -> Option<&str> {
    let rest = actor.strip_prefix("user:")?;
    Some(rest.split_once(" via ").map_or(rest, |(id, _)| id))
}

/// The people of a page, each looked up once (`core::audit::People`).
pub struct Names<'a>(People<'a>);

impl<'a> Names<'a> {
    pub fn new(store: &'a dyn Store) -> Self {
        Names(People::new(store))
    }

    /// The username of the account `user_id`, if it still exists.
    pub async fn of(&mut self, user_id: &str) -> Result<Option<String>> {
        self.0.username(user_id).await
    }

    /// The account `user_id`, if it still exists.
    pub async fn person(&mut self, user_id: &str) -> Result<Option<Person>> {
        Ok(self
            .0
            .account(user_id)
            .await?
            .map(|(username, display_name)| Person { username, display_name }))
    }

    /// The person behind an actor as stored, when it is a person ([`actor_id`]) who still exists.
    pub async fn actor(&mut self, actor: Option<&str>) -> Result<Option<Person>> {
        match actor.and_then(actor_id) {
            Some(id) => self.person(id).await,
            None => Ok(None),
        }
    }

    pub async fn view(&mut self, record: AuditRecord) -> Result<AuditView> {
        let e = record.event;
        let actor_username = self.actor(e.actor.as_deref()).await?.map(|p| p.username);
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

/// At most `limit` events of `filter`, newest first, and the id to continue before when more follow.
pub async fn records(store: &dyn Store, filter: &AuditFilter, limit: u64) -> Result<(Vec<AuditRecord>, Option<i64>)> {
    let mut records = store.search_audit(filter, limit + 1).await?;
    let more = records.len() as u64 > limit;
    records.truncate(limit as usize);
    let last = records.last().map(|r| r.id).filter(|_| more);
    Ok((records, last))
}

/// One page of views: at most `limit` events of `filter`, and the id to continue before when more follow.
pub async fn page(store: &dyn Store, filter: &AuditFilter, limit: u64) -> Result<(Vec<AuditView>, Option<i64>)> {
    let (records, last) = records(store, filter, limit).await?;
    let mut names = Names::new(store);
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        items.push(names.view(record).await?);
    }
    Ok((items, last))
}

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (`application/x-ndjson`).
    JsonLines,
    /// RFC 4180 CSV with a header row.
    Csv,
}

impl Format {
    /// `jsonl` (also when absent) or `csv`.
    pub fn parse(text: Option<&str>) -> Option<Self> {
        match text {
            None | Some("jsonl") => Some(Format::JsonLines),
            Some("csv") => Some(Format::Csv),
            Some(_) => None,
        }
    }
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

/// Every event `filter` matches, newest first, in `format`, streamed as an attachment.
pub fn export(state: web::Data<AppState>, filter: AuditFilter, format: Format) -> HttpResponse {
    let csv = format == Format::Csv;
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
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .streaming(body)
}

#[cfg(test)]
mod tests {
    use super::{Format, actor_id, csv_field};

    #[test]
    fn a_person_acting_directly_or_through_the_command_line_is_found_by_id() {
        assert_eq!(actor_id("user:u1"), Some("u1"));
        assert_eq!(actor_id("user:u1 via cli:root"), Some("u1"));
        assert_eq!(actor_id("cli:root"), None);
        assert_eq!(actor_id("anonymous"), None);
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn formats_are_json_lines_by_default_or_csv() {
        assert_eq!(Format::parse(None), Some(Format::JsonLines));
        assert_eq!(Format::parse(Some("jsonl")), Some(Format::JsonLines));
        assert_eq!(Format::parse(Some("csv")), Some(Format::Csv));
        assert_eq!(Format::parse(Some("xml")), None);
    }
}
