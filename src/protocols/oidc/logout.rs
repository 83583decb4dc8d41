//! Logout for relying parties: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) and back-channel
//! logout (OpenID Connect Back-Channel Logout 1.0).
//!
//! - `post_logout_redirect_uri` is followed only when it exactly matches one registered for the client named by
//!   the `id_token_hint` (or `client_id`); otherwise the user stays on our "signed out" page — never an open redirect.
//! - Without a valid `id_token_hint` for the current session, the user is asked to confirm (a cross-site link cannot
//!   sign anyone out).
//! - When a browser session ends, every relying party it signed in to that registered a `backchannel_logout_uri`
//!   gets a signed logout token (`typ: logout+jwt`, with `sid` and `sub`), POSTed directly from server to server —
//!   at once for a logout request, and by a periodic sweep for sessions that ended by expiry, idle timeout, a
//!   password reset or an administrator disabling the account.
use std::time::Duration as StdDuration;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::issue;
use super::token_info::verified_jwt;
use super::tokens::Ctx;
use crate::core::Result;
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::oauth::Client;
use crate::core::secrets::random_token;
use crate::core::signin::sessions::SessionLimits;
use crate::protocols::message::Message;

pub const BACKCHANNEL_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// A logout token is valid this long (it is delivered at once).
const LOGOUT_TOKEN_LIFETIME: Duration = Duration::minutes(2);
/// How long one relying party may take to acknowledge a logout token.
const DELIVERY_TIMEOUT: StdDuration = StdDuration::from_secs(5);

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EndSessionParams {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub logout_hint: Option<String>,
    pub ui_locales: Option<String>,
}

/// A checked end-session request.
#[derive(Debug)]
pub struct EndSession {
    /// The `sid` and `sub` of a valid `id_token_hint`.
    pub hint: Option<(Option<String>, String)>,
    /// Where to send the user afterwards (validated), with `state` appended.
    pub redirect: Option<String>,
}

/// Checks an end-session request; the inner `Err` is what our own error page says (the outer one: the request
/// could not be judged, e.g. the store is unavailable).
pub async fn check(
    ctx: &Ctx<'_>,
    params: &EndSessionParams,
) -> crate::core::Result<std::result::Result<EndSession, Message>> {
    let too_long = [
        &params.id_token_hint,
        &params.post_logout_redirect_uri,
        &params.state,
        &params.client_id,
    ]
    .iter()
    .any(|v| v.as_ref().is_some_and(|v| v.len() > 8192));
    if too_long {
        return Ok(Err("oidc-logout-too-long".into()));
    }
    let mut client_id = params.client_id.clone();
    let mut hint = None;
    if let Some(token) = &params.id_token_hint {
        let Some(claims) = hint_claims(ctx, token).await? else {
            return Ok(Err("oidc-logout-bad-hint".into()));
        };
        let aud = claims["aud"].as_str().map(str::to_string);
        if client_id.is_some() && client_id != aud {
            return Ok(Err("oidc-logout-client-mismatch".into()));
        }
        client_id = aud;
        hint = Some((
            claims["sid"].as_str().map(str::to_string),
            claims["sub"].as_str().unwrap_or_default().to_string(),
        ));
    }
    let redirect = match &params.post_logout_redirect_uri {
        None => None,
        Some(uri) => {
            let client = match &client_id {
                Some(id) => ctx.store.client(id).await?,
                None => None,
            };
            let Some(_) = client.filter(|c| c.post_logout_redirect_uris.contains(uri)) else {
                return Ok(Err("oidc-logout-unregistered".into()));
            };
            Some(super::authorize::response_url(
                uri,
                &[("state", params.state.as_deref())],
            ))
        }
    };
    Ok(Ok(EndSession { hint, redirect }))
}

/// The claims of an ID token we issued (signature and issuer; expired hints are fine: they only identify).
async fn hint_claims(ctx: &Ctx<'_>, token: &str) -> Result<Option<Value>> {
    let Some(unverified_aud) = unverified_audience(token) else {
        return Ok(None);
    };
    verified_jwt(ctx, token, None, &unverified_aud, false).await
}

/// The audience the token claims, to check it against (the signature is what makes it true).
fn unverified_audience(token: &str) -> Option<String> {
    let claims = super::token_info::unverified_claims(token)?;
    match &claims["aud"] {
        Value::String(aud) => Some(aud.clone()),
        Value::Array(list) if list.len() == 1 => list[0].as_str().map(str::to_string),
        _ => None,
    }
}

/// A logout token for `client` about the session `sid` of user `sub`.
pub async fn logout_token(ctx: &Ctx<'_>, client: &Client, sid: &str, sub: &str) -> Result<String> {
    let claims = json!({
        "iss": ctx.issuer, "aud": client.client_id, "iat": ctx.now.timestamp(),
        "exp": (ctx.now + LOGOUT_TOKEN_LIFETIME).timestamp(), "jti": random_token(), "sub": sub, "sid": sid,
        "events": { BACKCHANNEL_EVENT: {} },
    });
    issue::sign(ctx, &client.signing_alg, Some("logout+jwt"), &claims)
        .await
        .map_err(|e| crate::core::Error::Internal(e.description()))
}

/// Tells every relying party the session `sid` signed in to that it ended (an explicit logout).
pub async fn notify_backchannel(ctx: &Ctx<'_>, sid: &str) -> Result<()> {
    let signed_in = ctx.store.take_rp_sessions(sid).await?;
    let ended = signed_in
        .into_iter()
        .map(|(client_id, user_id)| (sid.to_string(), client_id, user_id))
        .collect();
    deliver(ctx, ended).await
}

/// How many recorded sign-ins the sweep reads per query.
const SWEEP_BATCH: u64 = 500;

/// Finds sessions that ended without a logout request — expiry, idle timeout, a password reset or an administrator
/// disabling the account end sessions by deleting them or letting them lapse — and tells their relying parties.
/// Every instance may run it: claiming a record in the database makes exactly one of them send each token.
/// Returns how many sign-ins were found ended.
pub async fn sweep(ctx: &Ctx<'_>, limits: SessionLimits) -> Result<usize> {
    let mut ended = Vec::new();
    loop {
        let batch = ctx
            .store
            .ended_rp_sessions(ctx.now, ctx.now - limits.idle, SWEEP_BATCH)
            .await?;
        let full = batch.len() as u64 == SWEEP_BATCH;
        for rp in batch {
            if ctx.store.claim_rp_session(&rp.sid, &rp.client_id).await? {
                // What the sign-in earned ends with it (`offline_access` families excepted).
                ctx.store
                    .revoke_grants_of_sign_ins(std::slice::from_ref(&rp.sid), ctx.now, true)
                    .await?;
                ended.push((rp.sid, rp.client_id, rp.user_id));
            }
        }
        if !full {
            break;
        }
    }
    let found = ended.len();
    deliver(ctx, ended).await?;
    Ok(found)
}

/// POSTs a logout token for each `(sid, client_id, user_id)` to the client's back-channel URI, concurrently, each
/// bounded by `DELIVERY_TIMEOUT`; each delivery (and failure) is audited.
#[tracing::instrument(name = "outbound", skip_all, fields(call = "backchannel_logout", sessions = ended.len()))]
async fn deliver(ctx: &Ctx<'_>, ended: Vec<(String, String, String)>) -> Result<()> {
    if ended.is_empty() {
        return Ok(());
    }
    let http = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| crate::core::Error::Internal(e.to_string()))?;
    let mut deliveries = Vec::new();
    for (sid, client_id, user_id) in ended {
        let Some(client) = ctx.store.client(&client_id).await? else {
            continue;
        };
        let Some(uri) = client.backchannel_logout_uri.clone() else {
            continue;
        };
        let token = logout_token(ctx, &client, &sid, &user_id).await?;
        let http = http.clone();
        deliveries.push(async move {
            let sent = http.post(&uri).form(&[("logout_token", token)]).send().await;
            let status = match sent {
                Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
                Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
                Err(e) => Err(if e.is_timeout() {
                    "timeout".into()
                } else {
                    "unreachable".into()
                }),
            };
            (client_id, user_id, status)
        });
    }
    for (client_id, user_id, status) in futures_util::future::join_all(deliveries).await {
        let (outcome, detail) = match status {
            Ok(code) => (Outcome::Success, json!({ "client_id": client_id, "status": code })),
            Err(why) => (Outcome::Failure, json!({ "client_id": client_id, "error": why })),
        };
        audit::record(
            ctx.store,
            ctx.now,
            ctx.origin,
            AuditKind::OidcBackchannelLogout,
            outcome,
            Some(&user_id),
            detail,
        )
        .await?;
    }
    Ok(())
}
