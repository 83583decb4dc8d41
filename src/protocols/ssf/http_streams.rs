//! Stream management (SSF 1.0 §8.1.1): a receiver creates, reads, updates, replaces and deletes its one stream,
//! and asks for a verification event (status and subjects: `http_subjects.rs`). Bodies are JSON of at most `MAX_BODY` bytes; anything
//! malformed is a 400 that names the field, and nothing is stored.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::http::{Receiver, SsfError};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::ssf::{self, Stream};
use crate::protocols::oidc;

/// A stream configuration is a few hundred bytes; this leaves room for long endpoint URLs and headers.
const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, Default, Deserialize)]
struct Delivery {
    method: Option<String>,
    endpoint_url: Option<String>,
    authorization_header: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct StreamBody {
    stream_id: Option<String>,
    events_requested: Option<Vec<String>>,
    delivery: Option<Delivery>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VerifyBody {
    stream_id: String,
    state: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    pub(super) stream_id: Option<String>,
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(body: &web::Bytes) -> Result<T, SsfError> {
    if body.len() > MAX_BODY {
        return Err(SsfError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("The body may be at most {MAX_BODY} bytes."),
        ));
    }
    serde_json::from_slice(body).map_err(|e| SsfError::bad_request(format!("The body is not a valid request: {e}.")))
}

/// The stream as the receiver sees it (the `Authorization` header it gave is never read back).
fn configuration(issuer: &str, stream: &Stream) -> Value {
    json!({
        "stream_id": stream.id,
        "iss": issuer,
        "aud": stream.client_id,
        "events_supported": ssf::SUPPORTED,
        "events_requested": stream.events_requested,
        "events_delivered": stream.events_delivered(),
        "delivery": { "method": ssf::PUSH, "endpoint_url": stream.endpoint_url },
        "description": stream.description,
    })
}

pub(super) fn issuer(receiver: &Receiver) -> String {
    oidc::issuer(&receiver.state.config.public_url)
}

/// The receiver's stream, checked against the `stream_id` it named (another client's stream is "not found").
pub(super) async fn own_stream(receiver: &Receiver, stream_id: Option<&str>) -> Result<Stream, SsfError> {
    let stream = receiver
        .state
        .store
        .ssf_stream_of_client(&receiver.client_id)
        .await?
        .ok_or_else(SsfError::not_found)?;
    match stream_id {
        Some(id) if id != stream.id => Err(SsfError::not_found()),
        _ => Ok(stream),
    }
}

pub(super) async fn audit_change(receiver: &Receiver, action: &str, stream: &Stream) -> Result<(), SsfError> {
    audit::record(
        receiver.state.store.as_ref(),
        receiver.state.clock.now(),
        &receiver.origin,
        AuditKind::SsfStreamChanged,
        Outcome::Success,
        None,
        json!({ "action": action, "stream_id": stream.id, "client_id": stream.client_id,
                "endpoint_url": stream.endpoint_url, "events_requested": stream.events_requested }),
    )
    .await?;
    Ok(())
}

/// Applies `body` to `stream`; `whole` (PUT, POST) replaces every field, else (PATCH) only those given.
fn apply(receiver: &Receiver, stream: &mut Stream, body: StreamBody, whole: bool) -> Result<(), SsfError> {
    let delivery = match body.delivery {
        Some(d) => d,
        None if whole => {
            return Err(SsfError::bad_request(
                "delivery: required, with method and endpoint_url.",
            ));
        }
        None => Delivery::default(),
    };
    if let Some(method) = &delivery.method
        && method != ssf::PUSH
    {
        return Err(SsfError::bad_request(format!(
            "delivery.method: only push ({}) is supported.",
            ssf::PUSH
        )));
    }
    if whole && (delivery.method.is_none() || delivery.endpoint_url.is_none()) {
        return Err(SsfError::bad_request("delivery: method and endpoint_url are required."));
    }
    if let Some(events) = body.events_requested {
        stream.events_requested = events;
    } else if whole {
        stream.events_requested = Vec::new();
    }
    if let Some(url) = delivery.endpoint_url {
        stream.endpoint_url = url;
    }
    if body.description.is_some() || whole {
        stream.description = body.description;
    }
    ssf::validate(
        &stream.events_requested,
        &stream.endpoint_url,
        delivery.authorization_header.as_deref(),
        stream.description.as_deref(),
    )?;
    if let Some(header) = delivery.authorization_header {
        let sealed = receiver
            .state
            .keys
            .sealer
            .seal(header.as_bytes(), &super::header_context(&stream.id))?;
        stream.authorization_header = Some(sealed);
    } else if whole {
        stream.authorization_header = None;
    }
    Ok(())
}

pub async fn create(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    let body: StreamBody = parse(&body)?;
    let store = receiver.state.store.as_ref();
    if store.ssf_stream_of_client(&receiver.client_id).await?.is_some() {
        return Err(SsfError::new(
            StatusCode::CONFLICT,
            "conflict",
            "This receiver already has a stream.",
        ));
    }
    let now = receiver.state.clock.now();
    let mut stream = Stream {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: receiver.client_id.clone(),
        events_requested: Vec::new(),
        endpoint_url: String::new(),
        authorization_header: None,
        description: None,
        status: ssf::StreamStatus::Enabled,
        status_reason: None,
        created_at: now,
        updated_at: now,
    };
    apply(&receiver, &mut stream, body, true)?;
    store.insert_ssf_stream(&stream).await?;
    audit_change(&receiver, "created", &stream).await?;
    Ok(HttpResponse::Created().json(configuration(&issuer(&receiver), &stream)))
}

pub async fn read(receiver: Receiver, query: web::Query<StreamQuery>) -> Result<HttpResponse, SsfError> {
    let iss = issuer(&receiver);
    match &query.stream_id {
        Some(id) => {
            let stream = own_stream(&receiver, Some(id)).await?;
            Ok(HttpResponse::Ok().json(configuration(&iss, &stream)))
        }
        // Without a stream_id, the list of the receiver's streams (SSF 1.0 §8.1.1.2): none or one.
        None => {
            let streams = receiver.state.store.ssf_stream_of_client(&receiver.client_id).await?;
            let list: Vec<Value> = streams.iter().map(|s| configuration(&iss, s)).collect();
            Ok(HttpResponse::Ok().json(list))
        }
    }
}

async fn change(receiver: Receiver, body: web::Bytes, whole: bool) -> Result<HttpResponse, SsfError> {
    let body: StreamBody = parse(&body)?;
    let id = body
        .stream_id
        .clone()
        .ok_or_else(|| SsfError::bad_request("stream_id: required."))?;
    let mut stream = own_stream(&receiver, Some(&id)).await?;
    apply(&receiver, &mut stream, body, whole)?;
    stream.updated_at = receiver.state.clock.now();
    if !receiver.state.store.update_ssf_stream(&stream).await? {
        return Err(SsfError::not_found());
    }
    audit_change(&receiver, if whole { "replaced" } else { "updated" }, &stream).await?;
    Ok(HttpResponse::Ok().json(configuration(&issuer(&receiver), &stream)))
}

pub async fn update(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    change(receiver, body, false).await
}

pub async fn replace(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    change(receiver, body, true).await
}

pub async fn delete(receiver: Receiver, query: web::Query<StreamQuery>) -> Result<HttpResponse, SsfError> {
    let id = query
        .stream_id
        .as_deref()
        .ok_or_else(|| SsfError::bad_request("stream_id: required."))?;
    let stream = own_stream(&receiver, Some(id)).await?;
    if !receiver.state.store.delete_ssf_stream(&stream.id).await? {
        return Err(SsfError::not_found());
    }
    audit_change(&receiver, "deleted", &stream).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The longest `state` a receiver may have echoed back.
const MAX_STATE: usize = 256;

/// Queues a verification event carrying the receiver's `state` (SSF 1.0 §8.1.4.2); `204`, delivered by push.
pub async fn verify(receiver: Receiver, body: web::Bytes) -> Result<HttpResponse, SsfError> {
    let body: VerifyBody = parse(&body)?;
    if body
        .state
        .as_ref()
        .is_some_and(|s| s.len() > MAX_STATE || s.chars().any(char::is_control))
    {
        return Err(SsfError::bad_request(format!(
            "state: at most {MAX_STATE} characters, no control characters."
        )));
    }
    let stream = own_stream(&receiver, Some(&body.stream_id)).await?;
    if stream.status == ssf::StreamStatus::Disabled {
        // A disabled stream holds nothing for later (SSF 1.0 §8.1.2.1); a paused one holds the verification too.
        return Ok(HttpResponse::NoContent().finish());
    }
    let mut event = json!({});
    if let Some(state) = body.state {
        event["state"] = Value::String(state);
    }
    let now = receiver.state.clock.now();
    let entry = audit::signals::entry(
        &stream.id,
        ssf::VERIFICATION,
        json!({ "stream": stream.id, "event": event }),
        now,
    );
    receiver.state.store.enqueue_ssf(&[entry]).await?;
    Ok(HttpResponse::NoContent().finish())
}
