//! A stream's status and subjects (SSF 1.0 §8.1.2, §8.1.3): the receiver pauses, disables or enables its stream,
//! and takes users out of it or puts them back.
//!
//! - Status: `paused` holds new events in the outbox (sent in order once enabled again); `disabled` queues nothing
//!   and drops what was waiting. Per-subject status changes are not offered (`subjects:remove` does that).
//! - Subjects: a stream hears of every user (`default_subjects: ALL`); `subjects:remove` takes one out,
//!   `subjects:add` puts them back. Subjects are `iss_sub` (our issuer), `email` or `opaque` (the user's `sub`).
//!   A well-formed subject that names nobody here is answered like a known one and stores nothing, so the
//!   endpoints cannot be used to learn who has an account (SSF 1.0 §10, subject probing).
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{Receiver, SsfError};
use super::http_streams::{audit_change, issuer, own_stream, parse};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::model::{Email, User};
use crate::core::ssf::{self, Stream, StreamStatus, SubjectRef};

#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    stream_id: Option<String>,
    /// A subject identifier as JSON (`?subject=<url-encoded JSON>`).
    subject: Option<String>,
}

#[derive(Debug, Deserialize)]
struct StatusBody {
    stream_id: String,
    status: String,
    reason: Option<String>,
    subject: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct SubjectBody {
    stream_id: String,
    subject: Value,
    verified: Option<bool>,
}

fn status_of(stream: &Stream) -> Value {
    let mut body = json!({ "stream_id": stream.id, "status": stream.status.as_str() });
    if let Some(reason) = &stream.status_reason {
        body["reason"] = json!(reason);
    }
    body
}

/// The user a subject names, if any; `Invalid` for a malformed one.
async fn resolve(receiver: &Receiver, subject: &Value) -> Result<Option<User>, SsfError> {
    let store = receiver.state.store.as_ref();
    Ok(match ssf::parse_subject(&issuer(receiver), subject)? {
        SubjectRef::Sub(id) => store.user_by_id(&id).await?,
        SubjectRef::Email(text) => {
            let email =
                Email::parse(&text).map_err(|_| SsfError::bad_request("subject.email: not an e-mail address."))?;
            store.user_by_email(&email.normalized()).await?
        }
        SubjectRef::Foreign => None,
    })
}

/// `GET /ssf/status`: the stream's status, or with `subject` whether that user's events go out (`disabled` for a
/// user taken out of the stream). A malformed subject is `404` (SSF 1.0 §8.1.2.1); one naming nobody here gets
/// the stream's status, like anyone not taken out.
pub async fn status(receiver: Receiver, query: web::Query<StatusQuery>) -> Result<HttpResponse, SsfError> {
    let stream = own_stream(&receiver, query.stream_id.as_deref()).await?;
    let Some(text) = &query.subject else {
        return Ok(HttpResponse::Ok().json(status_of(&stream)));
    };
    let invalid = |_| {
        SsfError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "subject: not a subject identifier we resolve.",
        )
    };
    let subject: Value = serde_json::from_str(text).map_err(|_| invalid(()))?;
    let user = match resolve(&receiver, &subject).await {
        Ok(user) => user,
        Err(e) if e.status_code() == StatusCode::BAD_REQUEST => return Err(invalid(())),
        Err(e) => return Err(e),
    };
    let removed = match &user {
        Some(user) => receiver.state.store.ssf_streams_without(&user.id).await?,
        None => Vec::new(),
    };
    let status = if removed.contains(&stream.id) {
        StreamStatus::Disabled
    } else {
        stream.status
    };
    Ok(HttpResponse::Ok().json(json!({ "stream_id": stream.id, "status": status.as_str(), "subject": subject })))
}

/// `POST /ssf/status`: enables, pauses or disables the stream (`200` with the new status).
pub async fn set_status(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    let body: StatusBody = parse(&body)?;
    let status = StreamStatus::parse(&body.status)
        .ok_or_else(|| SsfError::bad_request("status: one of enabled, paused, disabled."))?;
    if body.subject.is_some() {
        return Err(SsfError::bad_request(
            "subject: the status of one subject cannot be set; use /ssf/subjects:remove and /ssf/subjects:add.",
        ));
    }
    ssf::check_reason(body.reason.as_deref())?;
    let mut stream = own_stream(&receiver, Some(&body.stream_id)).await?;
    let now = receiver.state.clock.now();
    if !receiver
        .state
        .store
        .set_ssf_status(&stream.id, status, body.reason.as_deref(), now)
        .await?
    {
        return Err(SsfError::not_found());
    }
    stream.status = status;
    stream.status_reason = body.reason;
    audit_change(&receiver, &format!("status_{}", status.as_str()), &stream).await?;
    Ok(HttpResponse::Ok().json(status_of(&stream)))
}

/// Puts the subject's user into the stream or takes them out; nothing for a subject naming nobody here.
async fn change_subject(receiver: Receiver, body: web::Bytes, add: bool) -> Result<(), SsfError> {
    let body: SubjectBody = parse(&body)?;
    let stream = own_stream(&receiver, Some(&body.stream_id)).await?;
    let Some(user) = resolve(&receiver, &body.subject).await? else {
        return Ok(());
    };
    let store = receiver.state.store.as_ref();
    let now = receiver.state.clock.now();
    if add {
        store.add_ssf_subject(&stream.id, &user.id).await?;
    } else {
        store.remove_ssf_subject(&stream.id, &user.id, now).await?;
    }
    audit::record(
        store,
        now,
        &receiver.origin,
        AuditKind::SsfStreamChanged,
        Outcome::Success,
        Some(&user.id),
        json!({ "action": if add { "subject_added" } else { "subject_removed" }, "stream_id": stream.id,
                "client_id": stream.client_id, "verified": body.verified }),
    )
    .await?;
    Ok(())
}

/// `POST /ssf/subjects:add`: the user's events go to the stream again (`200`, empty).
pub async fn add(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    change_subject(receiver, body, true).await?;
    Ok(HttpResponse::Ok().finish())
}

/// `POST /ssf/subjects:remove`: no more events about the user go to the stream (`204`).
pub async fn remove(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    change_subject(receiver, body, false).await?;
    Ok(HttpResponse::NoContent().finish())
}
