//! The refresh_token grant (RFC 6749 §6, RFC 9700 §4.14): rotation (a new refresh token each time), reuse
//! detection (a rotated token coming back revokes its whole family), optional narrowing of the scope, an absolute
//! family lifetime, and a fresh judgement of the grant against today's policy and the sign-in it belongs to
//! (`core::grants`); never a factor prompt.
//!
//! The presented token is read, judged and the new tokens signed first; it is used up in the commit that records
//! what replaces it (`issue::rotate`), where of concurrent uses one wins and the others count as reuse.
use serde_json::{Value, json};

use super::super::issue::{self, Issue};
use super::super::tokens::{Ctx, TokenError, TokenRequest};
use super::require_binding;
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::model::UserStatus;
use crate::core::oauth::{Client, RefreshUse};
use crate::core::secrets::token_digest;
use crate::core::{grants, policy};

pub async fn exchange(
    ctx: &Ctx<'_>,
    client: &Client,
    request: &TokenRequest,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    let token = request
        .refresh_token
        .as_deref()
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(|| TokenError::InvalidRequest("refresh_token is missing.".into()))?;
    let token_hash = token_digest(token);
    let context = ctx.store.refresh_context(&token_hash, ctx.now).await?;
    let (family_id, user_id, mut grant, family_expires_at, offline) = match context.token {
        RefreshUse::Fresh {
            family_id,
            client_id,
            user_id,
            grant,
            family_expires_at,
            offline,
        } if client_id == client.client_id => (family_id, user_id, *grant, family_expires_at, offline),
        RefreshUse::Fresh { .. } | RefreshUse::Invalid => {
            return Err(TokenError::InvalidGrant(
                "The refresh token is invalid, expired or revoked; sign in again.".into(),
            ));
        }
        RefreshUse::Reused { family_id } => return Err(reused(ctx, client, &family_id).await?),
    };
    // A public client's bound refresh token (RFC 9449 §5) used without a proof of its key was taken from the
    // client: the family dies with it, as on reuse.
    if let Err(refused) = require_binding(ctx, client, grant.dpop_jkt.as_deref(), dpop, "refresh token").await {
        ctx.store.revoke_family(&family_id, ctx.now).await?;
        return Err(refused);
    }
    grant.resource = super::super::tokens::target(client, request, grant.resource.as_deref())?;
    if let Some(requested) = request.scope.as_deref() {
        if !requested
            .split_whitespace()
            .all(|s| grant.scope.split_whitespace().any(|g| g == s))
        {
            return Err(TokenError::InvalidScope);
        }
        grant.scope = requested.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let user = context
        .user
        .filter(|u| u.id == user_id && u.status == UserStatus::Active)
        .ok_or_else(|| TokenError::InvalidGrant("The user is not active.".into()))?;
    // Today's rules, not those of the day of the sign-in: the sign-in still lives and still qualifies.
    let policies = policy::held_policies(context.roles, ctx.now);
    let facts = grants::RefreshFacts {
        user: &user,
        policies: &policies,
        session: context.session.as_ref(),
        offline,
    };
    if let Err(refusal) = grants::judge_refresh(ctx.now, ctx.limits, client, &grant, &facts) {
        let revoked = ctx.store.revoke_family(&family_id, ctx.now).await?;
        audit::record(
            ctx.store,
            ctx.now,
            ctx.origin,
            AuditKind::OidcRefreshRefused,
            Outcome::Denied,
            Some(&user.id),
            json!({ "client_id": client.client_id, "reason": refusal.as_str(), "tokens_revoked": revoked }),
        )
        .await?;
        return Err(TokenError::InvalidGrant(refusal.description().into()));
    }
    let issued = Issue {
        grant_type: "refresh_token",
        code_hash: None,
        nonce: None,
        family: Some((family_id.as_str(), family_expires_at)),
        // A bound family's tokens stay bound to its key; a confidential client's follow the key proved now.
        dpop_jkt: grant.dpop_jkt.as_deref().or(dpop),
    };
    match issue::rotate(ctx, client, &user, &grant, issued, &token_hash).await? {
        Some(body) => Ok(body),
        // A concurrent request used the token first (a reuse, as above), or the family was revoked or expired
        // meanwhile; nothing was issued.
        None => match ctx.store.refresh_token_to_rotate(&token_hash, ctx.now).await? {
            RefreshUse::Reused { family_id } => Err(reused(ctx, client, &family_id).await?),
            _ => Err(TokenError::InvalidGrant(
                "The refresh token is invalid, expired or revoked; sign in again.".into(),
            )),
        },
    }
}

/// A rotated-out token came back: its whole family is revoked, audited; the answer is `invalid_grant`.
async fn reused(ctx: &Ctx<'_>, client: &Client, family_id: &str) -> Result<TokenError, TokenError> {
    let revoked = ctx.store.revoke_family(family_id, ctx.now).await?;
    audit::record(
        ctx.store,
        ctx.now,
        ctx.origin,
        AuditKind::OidcRefreshTokenReused,
        Outcome::Denied,
        None,
        json!({ "client_id": client.client_id, "tokens_revoked": revoked }),
    )
    .await?;
    Ok(TokenError::InvalidGrant(
        "The refresh token was already used; its whole family is revoked.".into(),
    ))
}
