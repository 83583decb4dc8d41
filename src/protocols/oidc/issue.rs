//! The tokens the provider issues: access tokens (JWT, RFC 9068 `at+jwt`, recorded by `jti` so they can be
//! revoked), ID tokens (OIDC Core §2, with `at_hash`, `nonce`, `acr`, `amr`, `sid` and scope claims) and rotating
//! refresh tokens. Each is signed with the client's registered algorithm.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::Header;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::tokens::{Ctx, TokenError};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::model::User;
use crate::core::oauth::{Client, RefreshGrant};
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::{GrantRecord, IssuedToken, NewRefreshToken};

pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(10);
pub const ID_TOKEN_LIFETIME: Duration = Duration::minutes(10);
/// Refresh-token families end this long after the sign-in that started them, however often they are used.
pub const REFRESH_FAMILY_LIFETIME: Duration = Duration::days(30);

/// The left half of the SHA-256 of the access token (OIDC Core §3.1.3.6; SHA-256 for all our algorithms).
fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

/// Claims released for the granted scopes.
pub fn scoped_claims(user: &User, roles: &[String], scope: &str) -> Map<String, Value> {
    let mut claims = Map::new();
    let has = |s: &str| scope.split_whitespace().any(|g| g == s);
    if has("profile") {
        claims.insert("name".into(), user.display_name.clone().into());
        claims.insert("preferred_username".into(), user.username.clone().into());
        claims.insert("updated_at".into(), user.updated_at.timestamp().into());
    }
    if has("email") {
        claims.insert("email".into(), user.email.clone().into());
        claims.insert("email_verified".into(), false.into());
    }
    if has("phone")
        && let Some(phone) = &user.phone
    {
        claims.insert("phone_number".into(), phone.clone().into());
    }
    if has("roles") {
        claims.insert("roles".into(), roles.to_vec().into());
    }
    claims
}

/// Signs `claims` with the active key of `alg`, with the given `typ` header.
pub async fn sign(ctx: &Ctx<'_>, alg: &str, typ: Option<&str>, claims: &Value) -> Result<String, TokenError> {
    let key = ctx.keys.signer(ctx.store, alg, ctx.now).await?;
    let mut header = Header::new(key.alg);
    header.kid = Some(key.kid.clone());
    header.typ = typ.map(str::to_string);
    Ok(key.signer.sign(&header, claims)?)
}

/// Where an access token descends from, recorded beside it so that revoking any of these revokes it: the code
/// it was redeemed from, the refresh family it was minted in, the browser sign-in (`sid`) behind both.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lineage<'a> {
    pub code_hash: Option<&'a str>,
    pub family_id: Option<&'a str>,
    pub sid: Option<&'a str>,
}

/// An access token for `sub` (a user, or the client itself), signed; and the digest of its `jti`, under which
/// [`record`] stores it so that it can be revoked.
async fn access_token(
    ctx: &Ctx<'_>,
    client: &Client,
    mut claims: Value,
    dpop_jkt: Option<&str>,
) -> Result<(String, String), TokenError> {
    let jti = format!("{:08x}.{}", ctx.now.timestamp().max(0) as u32, random_token());
    let exp = ctx.now + ACCESS_TOKEN_LIFETIME;
    // The audience is the resource the token was asked for (RFC 8707), else this provider.
    let aud = claims.get("aud").cloned().unwrap_or_else(|| ctx.issuer.into());
    let mut common = json!({
        "iss": ctx.issuer, "aud": aud, "client_id": client.client_id,
        "iat": ctx.now.timestamp(), "exp": exp.timestamp(), "jti": jti,
    });
    // RFC 9449 §6.1: a DPoP-bound token names its key's thumbprint.
    if let Some(jkt) = dpop_jkt {
        common["cnf"] = json!({ "jkt": jkt });
    }
    if let (Some(map), Some(common)) = (claims.as_object_mut(), common.as_object()) {
        map.extend(common.clone());
    }
    let token = sign(ctx, &client.signing_alg, Some("at+jwt"), &claims).await?;
    Ok((token, jti_key(&jti)))
}

/// The key an access token is recorded and looked up under, from its `jti`: the digest of the `jti`, behind the
/// second it was issued in (the `jti` starts with it: `5f5e1000.<random>`). Keys in the order tokens are issued
/// make each insert land on the last pages of the index, instead of on a random page per token, which on SQLite
/// wrote (and checkpointed) a page per token. 8 + 56 hex digits fit the 64 characters of the column. A `jti` of
/// the older form (random only; no `.`) has its whole digest as key, as it was recorded.
pub fn jti_key(jti: &str) -> String {
    let digest = token_digest(jti);
    match jti.split_once('.') {
        Some((second, _)) if second.len() == 8 && second.bytes().all(|b| b.is_ascii_hexdigit()) => {
            format!("{second}{}", &digest[..56])
        }
        _ => digest,
    }
}

/// Writes what a grant issued — the access token (by `jti_hash`), the refresh token rotated in, and the audit
/// event of the grant — in one commit, before the answer; with the use of the refresh token it `rotates` out.
/// `false` when that token was no longer usable: nothing was written.
async fn record(
    ctx: &Ctx<'_>,
    client: &Client,
    (user_id, lineage, jti_hash): (Option<&str>, Lineage<'_>, &str),
    (rotates, refresh_token): (Option<&str>, Option<NewRefreshToken<'_>>),
    grant_type: &str,
) -> Result<bool, TokenError> {
    let audit = audit::event(
        ctx.now,
        ctx.origin,
        AuditKind::OidcToken,
        Outcome::Success,
        user_id,
        json!({ "client_id": client.client_id, "grant": grant_type }),
    );
    let written = ctx
        .store
        .record_grant(&GrantRecord {
            rotates,
            access_token: IssuedToken {
                jti_hash,
                client_id: &client.client_id,
                // The client itself for client credentials.
                user_id: user_id.unwrap_or_default(),
                code_hash: lineage.code_hash,
                family_id: lineage.family_id,
                sid: lineage.sid,
                expires_at: ctx.now + ACCESS_TOKEN_LIFETIME,
            },
            refresh_token,
            audit: &audit,
        })
        .await?;
    if written {
        audit::written(ctx.store, ctx.now, AuditKind::OidcToken, &audit).await?;
    }
    Ok(written)
}

/// A service account's access token (client credentials: no user, no lineage), signed and recorded.
pub async fn client_token(
    ctx: &Ctx<'_>,
    client: &Client,
    claims: Value,
    dpop_jkt: Option<&str>,
) -> Result<String, TokenError> {
    let (token, jti_hash) = access_token(ctx, client, claims, dpop_jkt).await?;
    record(
        ctx,
        client,
        (None, Lineage::default(), &jti_hash),
        (None, None),
        "client_credentials",
    )
    .await?;
    Ok(token)
}

/// `token_type` of a token response: `DPoP` for a token bound to a key (RFC 9449 §5), else `Bearer`.
pub fn token_type(dpop_jkt: Option<&str>) -> &'static str {
    if dpop_jkt.is_some() { "DPoP" } else { "Bearer" }
}

/// Where issued tokens come from: a code (for revocation on replay), a nonce to echo, a refresh family; the
/// key (its thumbprint) the access token is bound to; and the grant type, for the audit event.
pub struct Issue<'a> {
    pub grant_type: &'static str,
    pub code_hash: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub family: Option<(&'a str, DateTime<Utc>)>,
    pub dpop_jkt: Option<&'a str>,
}

/// Signs an access token and (when `openid` was granted) an ID token for a user, and (for a family) rotates in a
/// new refresh token; records them with the grant's audit event.
pub async fn mint(
    ctx: &Ctx<'_>,
    client: &Client,
    user: &User,
    grant: &RefreshGrant,
    issued: Issue<'_>,
) -> Result<Value, TokenError> {
    issue_tokens(ctx, client, user, grant, issued, None)
        .await?
        .ok_or_else(|| TokenError::Server("a grant without a rotation was not written".into()))
}

/// As [`mint`], for a refresh: uses up the refresh token (its digest `rotated_out`) in the same commit. `None`
/// when it was no longer usable — used by a concurrent request, revoked or expired meanwhile — and nothing was
/// issued.
pub async fn rotate(
    ctx: &Ctx<'_>,
    client: &Client,
    user: &User,
    grant: &RefreshGrant,
    issued: Issue<'_>,
    rotated_out: &str,
) -> Result<Option<Value>, TokenError> {
    issue_tokens(ctx, client, user, grant, issued, Some(rotated_out)).await
}

async fn issue_tokens(
    ctx: &Ctx<'_>,
    client: &Client,
    user: &User,
    grant: &RefreshGrant,
    issued: Issue<'_>,
    rotates: Option<&str>,
) -> Result<Option<Value>, TokenError> {
    let family_id = issued.family.map(|(id, _)| id);
    let mut access_claims = json!({
        "sub": user.id, "scope": grant.scope, "auth_time": grant.auth_time.timestamp(), "acr": grant.acr,
        "amr": grant.amr,
    });
    if let Some(resource) = &grant.resource {
        access_claims["aud"] = resource.clone().into();
    }
    let lineage = Lineage {
        code_hash: issued.code_hash,
        family_id,
        sid: Some(&grant.sid),
    };
    let (access_token, jti_hash) = access_token(ctx, client, access_claims, issued.dpop_jkt).await?;

    let mut body = json!({
        "access_token": access_token, "token_type": token_type(issued.dpop_jkt),
        "expires_in": ACCESS_TOKEN_LIFETIME.num_seconds(),
        "scope": grant.scope,
    });
    // An ID token only where `openid` was granted (OIDC Core §3.1.2.1; a device authorization may omit it).
    if grant.scope.split_whitespace().any(|s| s == "openid") {
        // The roles are read only where the `roles` scope releases them.
        let roles = if grant.scope.split_whitespace().any(|s| s == "roles") {
            ctx.store.roles_of(&user.id).await?
        } else {
            Vec::new()
        };
        body["id_token"] = id_token(ctx, client, user, &roles, grant, &access_token, issued.nonce)
            .await?
            .into();
    }
    let refresh_token = issued.family.map(|family| (random_token(), family));
    let refresh_hash = refresh_token.as_ref().map(|(token, _)| token_digest(token));
    let rotated_in =
        refresh_token
            .as_ref()
            .zip(refresh_hash.as_deref())
            .map(|((_, (family_id, family_expires_at)), token_hash)| NewRefreshToken {
                token_hash,
                family_id,
                client_id: &client.client_id,
                user_id: &user.id,
                grant,
                now: ctx.now,
                family_expires_at: *family_expires_at,
            });
    let written = record(
        ctx,
        client,
        (Some(&user.id), lineage, &jti_hash),
        (rotates, rotated_in),
        issued.grant_type,
    )
    .await?;
    if !written {
        return Ok(None);
    }
    if let Some((refresh_token, _)) = refresh_token {
        body["refresh_token"] = refresh_token.into();
    }
    Ok(Some(body))
}

async fn id_token(
    ctx: &Ctx<'_>,
    client: &Client,
    user: &User,
    roles: &[String],
    grant: &RefreshGrant,
    access_token: &str,
    nonce: Option<&str>,
) -> Result<String, TokenError> {
    let mut id_claims = json!({
        "iss": ctx.issuer, "sub": user.id, "aud": client.client_id, "azp": client.client_id,
        "iat": ctx.now.timestamp(), "exp": (ctx.now + ID_TOKEN_LIFETIME).timestamp(),
        "auth_time": grant.auth_time.timestamp(), "acr": grant.acr, "amr": grant.amr, "sid": grant.sid,
        "at_hash": at_hash(access_token),
    });
    if let Some(nonce) = nonce {
        id_claims["nonce"] = nonce.into();
    }
    if let Some(map) = id_claims.as_object_mut() {
        map.extend(scoped_claims(user, roles, &grant.scope));
    }
    sign(ctx, &client.signing_alg, None, &id_claims).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_token_keys_follow_the_second_of_issue_and_older_jtis_keep_their_digest() {
        let earlier = jti_key("5f5e1000.AAAA");
        let later = jti_key("5f5e1001.ZZZZ");
        assert!(earlier < later, "keys sort by issue time whatever the random part");
        assert_eq!(earlier.len(), 64);
        assert!(earlier.starts_with("5f5e1000"));
        assert_eq!(&earlier[8..], &token_digest("5f5e1000.AAAA")[..56]);
        // The older form, random only: its whole digest, as it was recorded.
        let old = "q8N0h2Vx1u3l5kJ7aZb9cD2eF4gH6iJ8kL0mN2oP4qR";
        assert_eq!(jti_key(old), token_digest(old));
        // Not a second: also the whole digest.
        assert_eq!(jti_key("zzzzzzzz.x"), token_digest("zzzzzzzz.x"));
    }
}
