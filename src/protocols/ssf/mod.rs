//! The Shared Signals transmitter (OpenID SSF 1.0): Security Event Tokens (RFC 8417) signed with the OIDC keys,
//! pushed (RFC 8935) to each receiver's stream from the durable outbox. What a stream and an event are is
//! `core::ssf`; which changes become events is `core::audit::signals`; the endpoints are `http.rs`.
//!
//! Delivery: every instance runs [`deliver_due`] periodically. It reads due rows and claims each with one
//! conditional `UPDATE` (a lease of `ssf::LEASE_SECS`), so each row is sent by one instance at a time; a `202`
//! marks it delivered, anything else schedules the next attempt after `ssf::backoff`, and after
//! `ssf::MAX_ATTEMPTS` the row is given up (kept, with its last error, and audited). A row whose sender died
//! mid-delivery is due again when its lease ends, so nothing is lost on restart; a receiver may see a SET twice
//! in that case and recognises it by its `jti` (RFC 8935 §2).
pub mod http;
pub mod http_streams;
pub mod http_subjects;

use jsonwebtoken::Header;
use serde_json::{Value, json};
use std::time::Duration;

use super::oidc::tokens::Ctx;
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::crypto::Sealer;
use crate::core::ssf::{self, OutboxEntry, Stream};
use crate::core::{Error, Result};

/// The media type of a pushed SET (RFC 8935 §2).
pub const SECEVENT_JWT: &str = "application/secevent+jwt";
/// How long one push may take; well inside the lease.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How many rows one sweep reads.
const BATCH: u64 = 100;

/// The subject of a user's event: their `sub` at our issuer, and their e-mail address when known, as RFC 9493
/// aliases so a receiver can match on either.
pub fn subject(issuer: &str, payload: &Value) -> Value {
    let mut identifiers = vec![json!({ "format": "iss_sub", "iss": issuer, "sub": payload["sub"] })];
    if let Some(email) = payload["email"].as_str() {
        identifiers.push(json!({ "format": "email", "email": email }));
    }
    json!({ "format": "aliases", "identifiers": identifiers })
}

/// The SET's claims for one outbox row.
pub fn claims(issuer: &str, stream: &Stream, entry: &OutboxEntry) -> Value {
    let sub_id = match entry.payload.get("stream") {
        // Verification is about the stream itself (SSF 1.0 §8.1.4.1).
        Some(stream_id) => json!({ "format": "opaque", "id": stream_id }),
        None => subject(issuer, &entry.payload),
    };
    json!({
        "iss": issuer,
        "aud": stream.client_id,
        "iat": entry.created_at.timestamp(),
        "jti": entry.jti,
        "sub_id": sub_id,
        "events": { entry.event_type.clone(): entry.payload["event"] },
    })
}

/// Signs a SET with the active key of the receiver client's ID-token algorithm, `typ: secevent+jwt`.
pub async fn sign(ctx: &Ctx<'_>, stream: &Stream, entry: &OutboxEntry) -> Result<String> {
    let alg = match ctx.store.client(&stream.client_id).await? {
        Some(client) => client.signing_alg,
        None => "RS256".to_string(),
    };
    let key = ctx.keys.signer(ctx.store, &alg, ctx.now).await?;
    let mut header = Header::new(key.alg);
    header.kid = Some(key.kid.clone());
    header.typ = Some("secevent+jwt".into());
    key.signer.sign(&header, &claims(ctx.issuer, stream, entry))
}

/// The sealing context of a stream's stored `Authorization` header.
pub fn header_context(stream_id: &str) -> String {
    format!("ssf-stream:{stream_id}")
}

/// One push; `Ok` on 202, else what went wrong in a few words.
#[tracing::instrument(name = "outbound", skip_all, fields(call = "ssf_push", stream = %stream.id))]
async fn push(
    http: &reqwest::Client,
    stream: &Stream,
    authorization: Option<String>,
    set: String,
) -> std::result::Result<(), String> {
    let mut request = http
        .post(&stream.endpoint_url)
        .header("content-type", SECEVENT_JWT)
        .header("accept", "application/json")
        .body(set);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    match request.send().await {
        Ok(response) if response.status().as_u16() == 202 => Ok(()),
        Ok(response) => {
            let status = response.status().as_u16();
            // RFC 8935 §2.3: an error body names the error; keep it short.
            let body: Value = response.json().await.unwrap_or(Value::Null);
            match body["err"].as_str() {
                Some(err) => Err(format!("HTTP {status}: {}", crate::core::model::truncate(err, 64))),
                None => Err(format!("HTTP {status}")),
            }
        }
        Err(e) if e.is_timeout() => Err("timeout".into()),
        Err(_) => Err("unreachable".into()),
    }
}

/// The `Authorization` header to send and the signed SET.
async fn prepare(
    ctx: &Ctx<'_>,
    sealer: &Sealer,
    stream: &Stream,
    entry: &OutboxEntry,
) -> Result<(Option<String>, String)> {
    let authorization = match &stream.authorization_header {
        Some(sealed) => Some(
            String::from_utf8(sealer.open(sealed, &header_context(&stream.id))?)
                .map_err(|_| Error::Internal("unreadable stream header".into()))?,
        ),
        None => None,
    };
    Ok((authorization, sign(ctx, stream, entry).await?))
}

/// Delivers every due outbox row this instance can claim; returns how many were delivered.
pub async fn deliver_due(ctx: &Ctx<'_>, sealer: &Sealer) -> Result<usize> {
    let due = ctx.store.due_ssf(ctx.now, BATCH).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let http = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let lease_until = ctx.now + chrono::Duration::seconds(ssf::LEASE_SECS);
    let mut sends = Vec::new();
    for entry in due {
        let Some(stream) = ctx.store.ssf_stream(&entry.stream_id).await? else {
            continue;
        };
        if !ctx.store.claim_ssf(&entry.id, ctx.now, lease_until).await? {
            continue; // another instance has it
        }
        // A row that cannot be prepared (no key of the client's algorithm, an unreadable header) counts as a failed
        // attempt of that row alone; the rest of the batch goes out.
        let prepared = match prepare(ctx, sealer, &stream, &entry).await {
            Ok(prepared) => Ok(prepared),
            Err(e) => {
                tracing::warn!(stream = %stream.id, jti = %entry.jti, error = %e, "SET could not be prepared");
                Err("not signed: server error".to_string())
            }
        };
        let http = http.clone();
        sends.push(async move {
            let result = match prepared {
                Ok((authorization, set)) => push(&http, &stream, authorization, set).await,
                Err(error) => Err(error),
            };
            (stream, entry, result)
        });
    }
    let mut delivered = 0;
    for (stream, entry, result) in futures_util::future::join_all(sends).await {
        let attempts = entry.attempts + 1;
        match result {
            Ok(()) => {
                ctx.store.ssf_delivered(&entry.id, ctx.now).await?;
                delivered += 1;
            }
            Err(error) if attempts >= ssf::MAX_ATTEMPTS => {
                ctx.store.ssf_failed(&entry.id, ctx.now, None, &error).await?;
                audit::record(
                    ctx.store,
                    ctx.now,
                    ctx.origin,
                    AuditKind::SsfDeliveryFailed,
                    Outcome::Failure,
                    None,
                    json!({ "stream_id": stream.id, "client_id": stream.client_id, "jti": entry.jti,
                            "event_type": entry.event_type, "attempts": attempts, "error": error }),
                )
                .await?;
            }
            Err(error) => {
                let retry_at = ctx.now + ssf::backoff(attempts);
                tracing::info!(stream = %stream.id, jti = %entry.jti, attempts, %error, "SET delivery failed; retrying");
                ctx.store.ssf_failed(&entry.id, ctx.now, Some(retry_at), &error).await?;
            }
        }
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn a_users_set_names_them_by_iss_sub_and_email_and_verification_names_the_stream() {
        let now = Utc::now();
        let stream = Stream {
            id: "s1".into(),
            client_id: "rp".into(),
            events_requested: vec![],
            endpoint_url: "https://rp.example/".into(),
            authorization_header: None,
            description: None,
            status: ssf::StreamStatus::Enabled,
            status_reason: None,
            created_at: now,
            updated_at: now,
        };
        let payload = json!({ "sub": "u1", "email": "a@example.com", "event": { "change_type": "update" } });
        let entry = crate::core::audit::signals::entry("s1", ssf::CREDENTIAL_CHANGE, payload, now);
        let c = claims("https://idp.example", &stream, &entry);
        assert_eq!(c["aud"], "rp");
        assert_eq!(c["sub_id"]["identifiers"][0]["sub"], "u1");
        assert_eq!(c["sub_id"]["identifiers"][1]["email"], "a@example.com");
        assert_eq!(c["events"][ssf::CREDENTIAL_CHANGE]["change_type"], "update");
        let verify = crate::core::audit::signals::entry(
            "s1",
            ssf::VERIFICATION,
            json!({ "stream": "s1", "event": { "state": "x" } }),
            now,
        );
        let c = claims("https://idp.example", &stream, &verify);
        assert_eq!(c["sub_id"], json!({ "format": "opaque", "id": "s1" }));
        assert_eq!(c["events"][ssf::VERIFICATION]["state"], "x");
    }
}
