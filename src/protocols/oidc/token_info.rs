//! What the provider says about tokens it issued: userinfo (OIDC Core §5.3), introspection (RFC 7662) and
//! revocation (RFC 7009). A client learns about, and revokes, only its own tokens; anything else looks inactive.
use jsonwebtoken::Validation;
use serde_json::{Map, Value, json};

use super::issue::scoped_claims;
use super::tokens::Ctx;
use crate::core::Result;
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::model::UserStatus;
use crate::core::oauth::Client;
use crate::core::secrets::token_digest;

/// The claims of one of our JWTs if its signature (by a published key, with that key's algorithm), `typ`, issuer
/// and audience hold, and (with `check_expiry`) it has not expired.
pub async fn verified_jwt(
    ctx: &Ctx<'_>,
    token: &str,
    typ: Option<&str>,
    audience: &str,
    check_expiry: bool,
) -> Result<Option<Value>> {
    if token.len() > 8192 {
        return Ok(None);
    }
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Ok(None);
    };
    if header.typ.as_deref() != typ && !(typ.is_none() && header.typ.as_deref() == Some("JWT")) {
        return Ok(None);
    }
    let Some(key) = ctx
        .keys
        .verifier(ctx.store, header.kid.as_deref().unwrap_or_default(), ctx.now)
        .await?
    else {
        return Ok(None);
    };
    // The algorithm is the key's, never the token's claim (no alg=none, no algorithm confusion).
    if header.alg != key.alg {
        return Ok(None);
    }
    let mut validation = Validation::new(key.alg);
    validation.set_issuer(&[ctx.issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // Expiry against our clock (tests move it), not jsonwebtoken's reading of the system time.
    validation.validate_exp = false;
    Ok(jsonwebtoken::decode::<Value>(token, &key.decoding, &validation)
        .ok()
        .map(|d| d.claims)
        .filter(|claims| !check_expiry || claims["exp"].as_i64().is_some_and(|exp| exp > ctx.now.timestamp())))
}

/// The claims of a JWT as it states them, unverified: only to find which key or audience to verify it with
/// (the signature check that follows is what makes them true).
pub fn unverified_claims(token: &str) -> Option<Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// An access token's claims for introspection and revocation: its audience is the resource it was issued for
/// (RFC 8707) or this provider, whichever it names — the signature check makes the claim true.
async fn access_token_claims(ctx: &Ctx<'_>, token: &str, check_expiry: bool) -> Result<Option<Value>> {
    let claimed = unverified_claims(token);
    let audience = claimed
        .as_ref()
        .and_then(|c| c["aud"].as_str())
        .unwrap_or(ctx.issuer)
        .to_string();
    verified_jwt(ctx, token, Some("at+jwt"), &audience, check_expiry).await
}

fn jti_hash(claims: &Value) -> String {
    super::issue::jti_key(claims["jti"].as_str().unwrap_or_default())
}

/// RFC 7009: revokes a refresh token (its whole family) or an access token of the calling client. Unknown tokens
/// and other clients' tokens change nothing, and the answer is the same.
pub async fn revoke(ctx: &Ctx<'_>, client: &Client, token: &str) -> Result<()> {
    if let Some(info) = ctx.store.refresh_token_info(&token_digest(token), ctx.now).await?
        && info.client_id == client.client_id
    {
        let revoked = ctx.store.revoke_family(&info.family_id, ctx.now).await?;
        audit::record(
            ctx.store,
            ctx.now,
            ctx.origin,
            AuditKind::OidcTokenRevoked,
            Outcome::Success,
            Some(&info.user_id),
            json!({ "client_id": client.client_id, "kind": "refresh_token", "tokens_revoked": revoked }),
        )
        .await?;
        return Ok(());
    }
    if let Some(claims) = access_token_claims(ctx, token, false).await?
        && claims["client_id"].as_str() == Some(client.client_id.as_str())
        && ctx
            .store
            .revoke_access_token(&jti_hash(&claims), &client.client_id, ctx.now)
            .await?
    {
        audit::record(
            ctx.store,
            ctx.now,
            ctx.origin,
            AuditKind::OidcTokenRevoked,
            Outcome::Success,
            claims["sub"].as_str(),
            json!({ "client_id": client.client_id, "kind": "access_token" }),
        )
        .await?;
    }
    Ok(())
}

/// RFC 7662: what a token of the calling client is; anything else is `{"active": false}`.
pub async fn introspect(ctx: &Ctx<'_>, client: &Client, token: &str) -> Result<Value> {
    let inactive = json!({ "active": false });
    if let Some(info) = ctx.store.refresh_token_info(&token_digest(token), ctx.now).await? {
        if info.client_id != client.client_id || !info.active {
            return Ok(inactive);
        }
        return Ok(json!({
            "active": true, "token_type": "refresh_token", "client_id": info.client_id, "sub": info.user_id,
            "scope": info.scope, "exp": info.family_expires_at.timestamp(), "iss": ctx.issuer,
        }));
    }
    let Some(claims) = access_token_claims(ctx, token, true).await? else {
        return Ok(inactive);
    };
    if claims["client_id"].as_str() != Some(client.client_id.as_str())
        || !ctx.store.token_active(&jti_hash(&claims), ctx.now).await?
    {
        return Ok(inactive);
    }
    let mut body = json!({
        "active": true, "token_type": "Bearer", "client_id": claims["client_id"], "sub": claims["sub"], "scope": claims["scope"],
        "exp": claims["exp"], "iat": claims["iat"], "iss": claims["iss"], "aud": claims["aud"], "jti": claims["jti"],
        // RFC 9470 §6.2: what a resource server needs to ask for step-up (the level claimed and when it was proven).
        "acr": claims["acr"], "auth_time": claims["auth_time"],
    });
    // RFC 9449 §6.2: a bound token's key, for a resource server that checks the proof itself.
    if let Some(jkt) = bound_key(&claims) {
        body["token_type"] = "DPoP".into();
        body["cnf"] = json!({ "jkt": jkt });
    }
    Ok(body)
}

/// The thumbprint a DPoP-bound access token is bound to (`cnf.jkt`, RFC 9449 §6.1).
pub fn bound_key(claims: &Value) -> Option<&str> {
    claims.get("cnf").and_then(|cnf| cnf.get("jkt")).and_then(Value::as_str)
}

/// The claims of an access token that is ours (signature, issuer, audience, `typ`), unexpired and not revoked,
/// bound to a key or not.
async fn active_claims(ctx: &Ctx<'_>, access_token: &str) -> Result<Option<Value>> {
    // Our own resources (userinfo, the admin API) take only tokens whose audience is this provider.
    let Some(claims) = verified_jwt(ctx, access_token, Some("at+jwt"), ctx.issuer, true).await? else {
        return Ok(None);
    };
    if !ctx.store.token_active(&jti_hash(&claims), ctx.now).await? {
        return Ok(None);
    }
    Ok(Some(claims))
}

/// What a resource server of ours that speaks only `Bearer` (the admin API, SCIM, SSF) accepts: an active access
/// token that is not bound to a key — a DPoP-bound token is worth nothing without its proof (RFC 9449 §7.1).
pub async fn active_access_token(ctx: &Ctx<'_>, access_token: &str) -> Result<Option<Value>> {
    Ok(active_claims(ctx, access_token)
        .await?
        .filter(|claims| bound_key(claims).is_none()))
}

/// How an access token reached userinfo: as a bearer token, or with `Authorization: DPoP` and a proof that
/// passed (`dpop::verify`, with `ath`), whose key's thumbprint this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presentation<'a> {
    Bearer,
    Dpop(&'a str),
}

/// What userinfo answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Userinfo {
    Claims(Value),
    /// Unknown, expired, revoked, or its user is no longer active.
    Invalid,
    /// The token and the way it was presented do not agree (a bound token as bearer, another key's proof, an
    /// unbound token under the DPoP scheme): the reason, for the audit event.
    Binding {
        reason: &'static str,
        client_id: Option<String>,
    },
}

/// Userinfo: the access token must be active, presented as its binding demands, and the user active.
pub async fn userinfo(ctx: &Ctx<'_>, access_token: &str, presented: Presentation<'_>) -> Result<Userinfo> {
    let Some(claims) = active_claims(ctx, access_token).await? else {
        return Ok(Userinfo::Invalid);
    };
    let refused = match (bound_key(&claims), presented) {
        (Some(bound), Presentation::Dpop(proved)) if bound == proved => None,
        (Some(_), Presentation::Dpop(_)) => Some("the proof's key is not the key the token is bound to"),
        (Some(_), Presentation::Bearer) => Some("a DPoP-bound token presented as a bearer token"),
        (None, Presentation::Dpop(_)) => Some("a token not bound to a key presented with the DPoP scheme"),
        (None, Presentation::Bearer) => None,
    };
    if let Some(reason) = refused {
        let client_id = claims["client_id"].as_str().map(str::to_string);
        return Ok(Userinfo::Binding { reason, client_id });
    }
    let Some(user) = ctx
        .store
        .user_by_id(claims["sub"].as_str().unwrap_or_default())
        .await?
        .filter(|u| u.status == UserStatus::Active)
    else {
        return Ok(Userinfo::Invalid);
    };
    let roles = ctx.store.roles_of(&user.id).await?;
    let mut body = Map::new();
    body.insert("sub".into(), user.id.clone().into());
    body.extend(scoped_claims(
        &user,
        &roles,
        claims["scope"].as_str().unwrap_or_default(),
    ));
    Ok(Userinfo::Claims(Value::Object(body)))
}
