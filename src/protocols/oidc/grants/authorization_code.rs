//! The authorization_code grant (RFC 6749 §4.1.3, RFC 7636). A code is redeemed by one conditional UPDATE: of
//! concurrent redemptions exactly one succeeds, and any replay revokes what the first issued (§4.1.2). Codes are
//! bound to the client, the redirect URI and the PKCE challenge.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::super::issue::{self, Issue, REFRESH_FAMILY_LIFETIME};
use super::super::tokens::{Ctx, TokenError, TokenRequest};
use super::{active_user, refresh_binding, require_binding};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::oauth::{Client, Redemption, RefreshGrant};
use crate::core::secrets::{constant_time_eq, random_token, token_digest};

fn verifier_matches(challenge: &str, verifier: &str) -> bool {
    let valid = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    valid
        && constant_time_eq(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())).as_bytes(),
            challenge.as_bytes(),
        )
}

pub async fn exchange(
    ctx: &Ctx<'_>,
    client: &Client,
    request: &TokenRequest,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    let code = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 128)
        .ok_or_else(|| TokenError::InvalidRequest("code is missing.".into()))?;
    let code_hash = token_digest(code);
    let (user_id, grant) = match ctx.store.redeem_code(&code_hash, ctx.now).await? {
        Redemption::Fresh {
            client_id: owner,
            user_id,
            grant,
        } if owner == client.client_id => (user_id, grant),
        Redemption::Fresh { .. } | Redemption::Invalid => {
            return Err(TokenError::InvalidGrant("The code is invalid or expired.".into()));
        }
        Redemption::Replayed => {
            let revoked = ctx.store.revoke_tokens_from_code(&code_hash, ctx.now).await?;
            audit::record(
                ctx.store,
                ctx.now,
                ctx.origin,
                AuditKind::OidcCodeReplayed,
                Outcome::Denied,
                None,
                json!({ "client_id": client.client_id, "tokens_revoked": revoked }),
            )
            .await?;
            return Err(TokenError::InvalidGrant(
                "The code was already used; tokens issued from it are revoked.".into(),
            ));
        }
    };
    if request.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err(TokenError::InvalidGrant(
            "redirect_uri does not match the authorization request.".into(),
        ));
    }
    match (&grant.code_challenge, request.code_verifier.as_deref()) {
        (Some(challenge), Some(verifier)) if verifier_matches(challenge, verifier) => {}
        (Some(_), _) => {
            return Err(TokenError::InvalidGrant(
                "The PKCE code_verifier does not match.".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(TokenError::InvalidGrant(
                "A code_verifier without a code_challenge.".into(),
            ));
        }
        (None, None) => {}
    }
    // RFC 9449 §10: a code whose request named `dpop_jkt` is redeemed only by a proof of that key.
    require_binding(ctx, client, grant.dpop_jkt.as_deref(), dpop, "code").await?;
    let resource = super::super::tokens::target(client, request, grant.resource.as_deref())?;
    let user = active_user(ctx, &user_id).await?;
    let carried = RefreshGrant {
        scope: grant.scope,
        auth_time: grant.auth_time,
        amr: grant.amr,
        acr: grant.acr,
        sid: grant.sid,
        dpop_jkt: refresh_binding(client, dpop),
        resource,
    };
    let family = client
        .grants
        .iter()
        .any(|g| g == "refresh_token")
        .then(|| (random_token(), ctx.now + REFRESH_FAMILY_LIFETIME));
    let issued = Issue {
        grant_type: "authorization_code",
        code_hash: Some(&code_hash),
        nonce: grant.nonce.as_deref(),
        family: family.as_ref().map(|(id, until)| (id.as_str(), *until)),
        dpop_jkt: dpop,
    };
    let body = issue::mint(ctx, client, &user, &carried, issued).await?;
    // A replay that arrived while this redemption was minting could not revoke what was not stored yet: revoke it
    // now. The answer stays the same as if the replay had come a moment later (the tokens are dead either way).
    if ctx.store.code_replayed(&code_hash).await? {
        ctx.store.revoke_tokens_from_code(&code_hash, ctx.now).await?;
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256() {
        // The challenge computed independently: base64url(sha256(verifier)) with Python's hashlib.
        let verifier = "dBjftJeZ4CVP-mJ92K2sd4XqZ3Xa6hgCUsQnMZCy4nY";
        assert!(verifier_matches(
            "30OElLd_2t-qRTeHhvU5JWdxwD0xvF_edSl1ShH_BpY",
            verifier
        ));
        assert!(!verifier_matches(
            "30OElLd_2t-qRTeHhvU5JWdxwD0xvF_edSl1ShH_BpY",
            "short"
        ));
        assert!(!verifier_matches(verifier, verifier), "plain is not S256");
    }
}
