//! Pushed Authorization Requests (RFC 9126). A client authenticates at `/par` exactly as at the token endpoint
//! (`client_auth`) and pushes the parameters of an authorization request; they are judged by the same rules as at
//! `/authorize` (`authorize::validate`), and refusals are JSON errors, never redirects. An accepted request is kept
//! in the database for [`LIFETIME`] under the SHA-256 digest of the random part of its `request_uri`
//! (`urn:ietf:params:oauth:request_uri:` + 256 random bits), so every instance can take it, and none can read
//! a usable reference from the table.
//!
//! At `/authorize`, `take` hands a pushed request out once: one conditional `UPDATE` marks it used only if it is
//! unused, unexpired and was pushed by the `client_id` the browser brings — so a second, concurrent or late use,
//! or one under another client's id, gets nothing (and does not spend the request for its rightful client).
//! The other parameters of that `/authorize` request are ignored (RFC 9126 §4).
use chrono::Duration;
use serde_json::{Value, json};

use super::authorize::{self, Arrival, AuthorizeParams, PageRefusal, Rejection};
use super::tokens::{Ctx, TokenError};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::truncate;
use crate::core::oauth::Client;
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;

/// How long a pushed request waits to be used (RFC 9126 §2.2 suggests 5 to 600 s; security.md: ≤ 60 s).
pub const LIFETIME: Duration = Duration::seconds(60);
/// The prefix of every `request_uri` this provider gives out (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// Why a push was refused: as the token endpoint answers (client authentication, malformed form, outage), or a
/// verdict on the authorization parameters (`invalid_request`, `invalid_scope`, `unsupported_response_type`, …).
#[derive(Debug, PartialEq, Eq)]
pub enum PushError {
    Token(TokenError),
    Refused { error: &'static str, description: String },
}

impl From<TokenError> for PushError {
    fn from(e: TokenError) -> Self {
        PushError::Token(e)
    }
}

fn refused(error: &'static str, description: impl Into<String>) -> PushError {
    PushError::Refused {
        error,
        description: description.into(),
    }
}

/// Judges and keeps the request `params` pushed by the authenticated `client`; the answer body (RFC 9126 §2.2).
/// Every verdict is audited: accepted, or refused with the reason.
pub async fn push(
    ctx: &Ctx<'_>,
    client: &Client,
    mut params: AuthorizeParams,
    dpop: Option<&str>,
) -> Result<Value, PushError> {
    bind(ctx, client, &mut params, dpop).await?;
    if let Err(e) = judge(ctx.store, client, &mut params).await {
        if let PushError::Refused { error, description } = &e {
            let detail = json!({ "client_id": client.client_id, "error": error, "reason": description });
            record(ctx, Outcome::Failure, detail).await?;
        }
        return Err(e);
    }
    let body = store(ctx, client, &params).await?;
    record(ctx, Outcome::Success, json!({ "client_id": client.client_id })).await?;
    Ok(body)
}

/// RFC 9449 §10.1: a proof sent to `/par` binds the code to its key; a `dpop_jkt` beside it must name that key.
async fn bind(
    ctx: &Ctx<'_>,
    client: &Client,
    params: &mut AuthorizeParams,
    dpop: Option<&str>,
) -> Result<(), PushError> {
    let Some(proved) = dpop else { return Ok(()) };
    match params.dpop_jkt.as_deref() {
        Some(named) if named != proved => {
            let reason = "dpop_jkt does not name the key of the DPoP proof";
            super::dpop::audit_refusal(ctx.store, ctx.now, ctx.origin, "par", Some(&client.client_id), reason)
                .await
                .map_err(|e| PushError::Token(e.into()))?;
            Err(PushError::Token(TokenError::InvalidDpopProof(
                "dpop_jkt does not match the key of the DPoP proof.".into(),
            )))
        }
        _ => {
            params.dpop_jkt = Some(proved.to_string());
            Ok(())
        }
    }
}

async fn record(ctx: &Ctx<'_>, outcome: Outcome, detail: Value) -> Result<(), PushError> {
    audit::record(
        ctx.store,
        ctx.now,
        ctx.origin,
        AuditKind::OidcPushedRequest,
        outcome,
        None,
        detail,
    )
    .await
    .map_err(|e| PushError::Token(e.into()))
}

/// The authorization endpoint's rules over the pushed parameters, answered as JSON verdicts.
async fn judge(store: &dyn Store, client: &Client, params: &mut AuthorizeParams) -> Result<(), PushError> {
    // The client is the one that authenticated; a `client_id` in the body must name it (RFC 9126 §2.1).
    match params.client_id.as_deref() {
        Some(id) if id != client.client_id => {
            return Err(refused(
                "invalid_request",
                "client_id does not match the authenticated client.",
            ));
        }
        _ => params.client_id = Some(client.client_id.clone()),
    }
    match authorize::validate(store, params.clone(), Arrival::Pushing).await {
        Ok(_) => Ok(()),
        Err(Rejection::Redirect(e)) => Err(refused(e.error, e.description)),
        Err(Rejection::Page(PageRefusal::NoRedirect { .. })) => {
            Err(refused("invalid_request", "redirect_uri is missing."))
        }
        Err(Rejection::Page(PageRefusal::UnregisteredRedirect { .. })) => Err(refused(
            "invalid_request",
            "redirect_uri is not one this client registered (compared exactly).",
        )),
        Err(Rejection::Page(_)) => Err(refused("invalid_request", "client_id is not a registered client.")),
        Err(Rejection::Failed(e)) => Err(PushError::Token(e.into())),
    }
}

async fn store(ctx: &Ctx<'_>, client: &Client, params: &AuthorizeParams) -> Result<Value, PushError> {
    let reference = random_token();
    let text = serde_json::to_string(params).map_err(|e| PushError::Token(TokenError::Server(e.to_string())))?;
    ctx.store
        .push_authorization_request(
            &token_digest(&reference),
            &client.client_id,
            &text,
            ctx.now,
            ctx.now + LIFETIME,
        )
        .await
        .map_err(|e| PushError::Token(e.into()))?;
    Ok(json!({
        "request_uri": format!("{REQUEST_URI_PREFIX}{reference}"),
        "expires_in": LIFETIME.num_seconds(),
    }))
}

/// Takes the pushed request `request_uri` for `client_id`, once. `None` (audited) when it is not one of ours, or
/// unknown, used, expired, or another client's — indistinguishable on purpose: a guessed or stolen reference
/// learns nothing.
pub async fn take(
    store: &dyn Store,
    now: chrono::DateTime<chrono::Utc>,
    origin: &Origin,
    client_id: &str,
    request_uri: &str,
) -> crate::core::Result<Option<AuthorizeParams>> {
    let reference = request_uri.strip_prefix(REQUEST_URI_PREFIX).filter(|r| r.len() <= 128);
    let taken = match reference {
        Some(reference) => {
            store
                .take_pushed_request(&token_digest(reference), client_id, now)
                .await?
        }
        None => None,
    };
    let params = taken.and_then(|text| serde_json::from_str::<AuthorizeParams>(&text).ok());
    if params.is_none() {
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcPushedRequest,
            Outcome::Failure,
            None,
            json!({ "client_id": truncate(client_id, 128), "error": "invalid_request_uri",
                "reason": "unknown, used, expired or another client's" }),
        )
        .await?;
    }
    Ok(params)
}
