use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{
    authorization_code, authorization_request, consent, issued_token, oauth_client, pushed_authorization_request,
    refresh_token, signing_key,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use super::appender::{Claim, Row};
use super::{SeaStore, db_error, grants};
use crate::core::oauth::{
    AuthMethod, Client, ClientSettings, CodeGrant, Redemption, RefreshContext, RefreshGrant, RefreshTokenInfo,
    RefreshUse, ServiceRole, SigningKey,
};
use crate::core::store::{Consent, ConsentRevocation, GrantRecord, IssuedToken, LiveGrant, NewRefreshToken, OidcStore};
use crate::core::{Error, Result};

fn list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn to_client(m: oauth_client::Model) -> Result<Client> {
    Ok(Client {
        auth_method: AuthMethod::parse(&m.auth_method)
            .ok_or_else(|| Error::Internal(format!("unknown auth method {}", m.auth_method)))?,
        redirect_uris: list(&m.redirect_uris),
        post_logout_redirect_uris: list(&m.post_logout_redirect_uris),
        grants: list(&m.grants),
        client_id: m.client_id,
        secret_hash: m.secret_hash,
        public: m.public,
        trusted: m.trusted,
        created_at: m.created_at,
        signing_alg: m.signing_alg,
        jwks: m
            .jwks
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?,
        backchannel_logout_uri: m.backchannel_logout_uri,
        min_acr: m.min_acr,
        service_role: m.service_role.as_deref().and_then(ServiceRole::parse),
        extra_scopes: m.extra_scopes.split_whitespace().map(str::to_string).collect(),
        client_name: m.client_name,
        logo_uri: m.logo_uri,
        policy_uri: m.policy_uri,
        tos_uri: m.tos_uri,
        require_par: m.require_par,
        require_dpop: m.require_dpop,
        allowed_resources: list(&m.allowed_resources),
    })
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

#[async_trait]
impl OidcStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_client"))]
    async fn insert_client(&self, c: &Client) -> Result<()> {
        oauth_client::ActiveModel {
            client_id: Set(c.client_id.clone()),
            secret_hash: Set(c.secret_hash.clone()),
            public: Set(c.public),
            redirect_uris: Set(json_text(&c.redirect_uris)?),
            post_logout_redirect_uris: Set(json_text(&c.post_logout_redirect_uris)?),
            auth_method: Set(c.auth_method.as_str().into()),
            grants: Set(json_text(&c.grants)?),
            trusted: Set(c.trusted),
            created_at: Set(c.created_at),
            signing_alg: Set(c.signing_alg.clone()),
            jwks: Set(c.jwks.as_ref().map(|j| j.to_string())),
            backchannel_logout_uri: Set(c.backchannel_logout_uri.clone()),
            min_acr: Set(c.min_acr.clone()),
            service_role: Set(c.service_role.map(|r| r.as_str().to_string())),
            extra_scopes: Set(c.extra_scopes.join(" ")),
            client_name: Set(c.client_name.clone()),
            logo_uri: Set(c.logo_uri.clone()),
            policy_uri: Set(c.policy_uri.clone()),
            tos_uri: Set(c.tos_uri.clone()),
            require_par: Set(c.require_par),
            require_dpop: Set(c.require_dpop),
            allowed_resources: Set(json_text(&c.allowed_resources)?),
        }
        .insert(&self.db)
        .await
        .map_err(|e| match db_error(e) {
            Error::Conflict(_) => Error::Conflict(format!("A client with the id '{}' exists already.", c.client_id)),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "client"))]
    async fn client(&self, client_id: &str) -> Result<Option<Client>> {
        oauth_client::Entity::find_by_id(client_id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_client)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_clients"))]
    async fn list_clients(&self) -> Result<Vec<Client>> {
        oauth_client::Entity::find()
            .order_by_asc(oauth_client::Column::ClientId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_client)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_client"))]
    async fn delete_client(&self, client_id: &str) -> Result<bool> {
        let result = oauth_client::Entity::delete_by_id(client_id.to_string())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_client_secret"))]
    async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> Result<bool> {
        let result = oauth_client::Entity::update_many()
            .col_expr(oauth_client::Column::SecretHash, Expr::value(secret_hash))
            .filter(oauth_client::Column::ClientId.eq(client_id))
            .filter(oauth_client::Column::Public.eq(false))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_client_settings"))]
    async fn set_client_settings(
        &self,
        client_id: &str,
        before: &ClientSettings,
        after: &ClientSettings,
    ) -> Result<bool> {
        use oauth_client::Column;
        // `= NULL` is never true: an absent value is matched with `IS NULL`.
        let still = |column: Column, value: &Option<String>| match value {
            Some(v) => column.eq(v.as_str()),
            None => column.is_null(),
        };
        let result = oauth_client::Entity::update_many()
            .col_expr(Column::RedirectUris, Expr::value(json_text(&after.redirect_uris)?))
            .col_expr(
                Column::PostLogoutRedirectUris,
                Expr::value(json_text(&after.post_logout_redirect_uris)?),
            )
            .col_expr(Column::ClientName, Expr::value(after.client_name.clone()))
            .col_expr(Column::LogoUri, Expr::value(after.logo_uri.clone()))
            .col_expr(Column::PolicyUri, Expr::value(after.policy_uri.clone()))
            .col_expr(Column::TosUri, Expr::value(after.tos_uri.clone()))
            .col_expr(Column::RequirePar, Expr::value(after.require_par))
            .col_expr(Column::RequireDpop, Expr::value(after.require_dpop))
            .col_expr(
                Column::AllowedResources,
                Expr::value(json_text(&after.allowed_resources)?),
            )
            .filter(Column::ClientId.eq(client_id))
            .filter(Column::RedirectUris.eq(json_text(&before.redirect_uris)?))
            .filter(Column::PostLogoutRedirectUris.eq(json_text(&before.post_logout_redirect_uris)?))
            .filter(still(Column::ClientName, &before.client_name))
            .filter(still(Column::LogoUri, &before.logo_uri))
            .filter(still(Column::PolicyUri, &before.policy_uri))
            .filter(still(Column::TosUri, &before.tos_uri))
            .filter(Column::RequirePar.eq(before.require_par))
            .filter(Column::RequireDpop.eq(before.require_dpop))
            .filter(Column::AllowedResources.eq(json_text(&before.allowed_resources)?))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "signing_keys"))]
    async fn signing_keys(&self) -> Result<Vec<SigningKey>> {
        Ok(signing_key::Entity::find()
            .order_by_desc(signing_key::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| SigningKey {
                public_jwk: serde_json::from_str(&m.public_jwk).unwrap_or_default(),
                kid: m.kid,
                alg: m.alg,
                private_enc: m.private_enc,
                activates_at: m.activates_at.unwrap_or(m.created_at),
                created_at: m.created_at,
                retired_at: m.retired_at,
            })
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_signing_key"))]
    async fn insert_signing_key(&self, k: &SigningKey) -> Result<()> {
        signing_key::ActiveModel {
            kid: Set(k.kid.clone()),
            alg: Set(k.alg.clone()),
            private_enc: Set(k.private_enc.clone()),
            public_jwk: Set(k.public_jwk.to_string()),
            created_at: Set(k.created_at),
            retired_at: Set(k.retired_at),
            activates_at: Set(Some(k.activates_at)),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "put_authorization_request")
    )]
    async fn put_authorization_request(
        &self,
        id: &str,
        client_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        authorization_request::ActiveModel {
            id: Set(id.to_string()),
            client_id: Set(client_id.to_string()),
            params: Set(params.to_string()),
            created_at: Set(now),
            expires_at: Set(expires_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "authorization_request"))]
    async fn authorization_request(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, String, DateTime<Utc>)>> {
        Ok(authorization_request::Entity::find_by_id(id.to_string())
            .filter(authorization_request::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| (m.client_id, m.params, m.created_at)))
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "push_authorization_request")
    )]
    async fn push_authorization_request(
        &self,
        uri_hash: &str,
        client_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        use pushed_authorization_request::{ActiveModel, Column, Entity};
        // This client's expired requests go first: what one client can leave behind stays bounded by its push rate.
        Entity::delete_many()
            .filter(Column::ClientId.eq(client_id))
            .filter(Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        ActiveModel {
            uri_hash: Set(uri_hash.to_string()),
            client_id: Set(client_id.to_string()),
            params: Set(params.to_string()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "take_pushed_request"))]
    async fn take_pushed_request(&self, uri_hash: &str, client_id: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        use pushed_authorization_request::{Column, Entity};
        let taken = Entity::update_many()
            .col_expr(Column::UsedAt, Expr::value(now))
            .filter(Column::UriHash.eq(uri_hash))
            .filter(Column::ClientId.eq(client_id))
            .filter(Column::UsedAt.is_null())
            .filter(Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if taken.rows_affected != 1 {
            return Ok(None);
        }
        Ok(Entity::find_by_id(uri_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| m.params))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_code"))]
    async fn insert_code(
        &self,
        code_hash: &str,
        client_id: &str,
        user_id: &str,
        grant: &CodeGrant,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        authorization_code::ActiveModel {
            code_hash: Set(code_hash.to_string()),
            client_id: Set(client_id.to_string()),
            user_id: Set(user_id.to_string()),
            grant: Set(json_text(grant)?),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            replayed_at: Set(None),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "redeem_code"))]
    async fn redeem_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<Redemption> {
        let claimed = authorization_code::Entity::update_many()
            .col_expr(authorization_code::Column::UsedAt, Expr::value(now))
            .filter(authorization_code::Column::CodeHash.eq(code_hash))
            .filter(authorization_code::Column::UsedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let Some(row) = authorization_code::Entity::find_by_id(code_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
        else {
            return Ok(Redemption::Invalid);
        };
        if claimed.rows_affected != 1 {
            // Remembered so that a redemption still minting when this replay arrived revokes what it issued.
            authorization_code::Entity::update_many()
                .col_expr(authorization_code::Column::ReplayedAt, Expr::value(now))
                .filter(authorization_code::Column::CodeHash.eq(code_hash))
                .exec(&self.db)
                .await
                .map_err(db_error)?;
            return Ok(Redemption::Replayed);
        }
        if row.expires_at <= now {
            return Ok(Redemption::Invalid);
        }
        let grant: CodeGrant = serde_json::from_str(&row.grant).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Redemption::Fresh {
            client_id: row.client_id,
            user_id: row.user_id,
            grant: Box::new(grant),
        })
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_issued_token"))]
    async fn insert_issued_token(&self, token: &IssuedToken<'_>) -> Result<()> {
        self.appender
            .append(&self.db, vec![Row::IssuedToken(issued_row(token))])
            .await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_refresh_token"))]
    async fn insert_refresh_token(&self, token: &NewRefreshToken<'_>) -> Result<()> {
        self.appender
            .append(&self.db, vec![Row::RefreshToken(refresh_row(token)?)])
            .await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "record_grant"))]
    async fn record_grant(&self, record: &GrantRecord<'_>) -> Result<bool> {
        let mut rows = vec![Row::IssuedToken(issued_row(&record.access_token))];
        if let Some(refresh) = &record.refresh_token {
            rows.push(Row::RefreshToken(refresh_row(refresh)?));
        }
        rows.push(Row::Audit(super::audit::audit_row(record.audit)));
        let claim = record.rotates.map(|token_hash| Claim {
            token_hash: token_hash.to_string(),
            now: record.audit.at,
        });
        self.appender.append_claiming(&self.db, claim, rows).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "refresh_token_to_rotate"))]
    async fn refresh_token_to_rotate(&self, token_hash: &str, now: DateTime<Utc>) -> Result<RefreshUse> {
        match refresh_token::Entity::find_by_id(token_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
        {
            Some(row) => super::refresh_context::token_use(row, now),
            None => Ok(RefreshUse::Invalid),
        }
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "refresh_context"))]
    async fn refresh_context(&self, token_hash: &str, now: DateTime<Utc>) -> Result<RefreshContext> {
        self.read_refresh_context(token_hash, now).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "refresh_token_info"))]
    async fn refresh_token_info(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<RefreshTokenInfo>> {
        let Some(row) = refresh_token::Entity::find_by_id(token_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let grant: RefreshGrant = serde_json::from_str(&row.grant).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Some(RefreshTokenInfo {
            active: row.used_at.is_none() && row.revoked_at.is_none() && row.family_expires_at > now,
            family_id: row.family_id,
            client_id: row.client_id,
            user_id: row.user_id,
            scope: grant.scope,
            family_expires_at: row.family_expires_at,
        }))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_family"))]
    async fn revoke_family(&self, family_id: &str, now: DateTime<Utc>) -> Result<u64> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let refresh = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::FamilyId.eq(family_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        let access = issued_token::Entity::update_many()
            .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
            .filter(issued_token::Column::FamilyId.eq(family_id))
            .filter(issued_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(refresh.rows_affected + access.rows_affected)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_access_token"))]
    async fn revoke_access_token(&self, jti_hash: &str, client_id: &str, now: DateTime<Utc>) -> Result<bool> {
        let result = issued_token::Entity::update_many()
            .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
            .filter(issued_token::Column::Jti.eq(jti_hash))
            .filter(issued_token::Column::ClientId.eq(client_id))
            .filter(issued_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_tokens_from_code"))]
    async fn revoke_tokens_from_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<u64> {
        // The refresh families the code started go too: every token issued from the code, however refreshed.
        let families: Vec<String> = issued_token::Entity::find()
            .filter(issued_token::Column::CodeHash.eq(code_hash))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .filter_map(|t| t.family_id)
            .collect();
        let result = issued_token::Entity::update_many()
            .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
            .filter(issued_token::Column::CodeHash.eq(code_hash))
            .filter(issued_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let mut revoked = result.rows_affected;
        for family in families {
            revoked += self.revoke_family(&family, now).await?;
        }
        Ok(revoked)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "code_replayed"))]
    async fn code_replayed(&self, code_hash: &str) -> Result<bool> {
        Ok(authorization_code::Entity::find_by_id(code_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .is_some_and(|c| c.replayed_at.is_some()))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "token_active"))]
    async fn token_active(&self, jti: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(issued_token::Entity::find_by_id(jti.to_string())
            .filter(issued_token::Column::RevokedAt.is_null())
            .filter(issued_token::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .is_some())
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "revoke_grants_of_sign_ins")
    )]
    async fn revoke_grants_of_sign_ins(&self, sids: &[String], now: DateTime<Utc>, keep_offline: bool) -> Result<u64> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let revoked = grants::revoke_of_sign_ins(&txn, sids, now, keep_offline).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(revoked)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_grants_of_user"))]
    async fn revoke_grants_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let revoked = grants::revoke_of_user(&txn, user_id, now).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(revoked)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "live_grants_of_user"))]
    async fn live_grants_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<Vec<LiveGrant>> {
        grants::live_of_user(&self.db, user_id, now).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "consent"))]
    async fn consent(&self, user_id: &str, client_id: &str) -> Result<Option<String>> {
        Ok(
            consent::Entity::find_by_id((user_id.to_string(), client_id.to_string()))
                .one(&self.db)
                .await
                .map_err(db_error)?
                .map(|m| m.scope),
        )
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_consent"))]
    async fn put_consent(&self, user_id: &str, client_id: &str, scope: &str, now: DateTime<Utc>) -> Result<()> {
        let row = consent::ActiveModel {
            user_id: Set(user_id.to_string()),
            client_id: Set(client_id.to_string()),
            scope: Set(scope.to_string()),
            created_at: Set(now),
        };
        consent::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([consent::Column::UserId, consent::Column::ClientId])
                    .update_columns([consent::Column::Scope, consent::Column::CreatedAt])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "consents_of_user"))]
    async fn consents_of_user(&self, user_id: &str) -> Result<Vec<Consent>> {
        Ok(consent::Entity::find()
            .filter(consent::Column::UserId.eq(user_id))
            .order_by_asc(consent::Column::ClientId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| Consent {
                client_id: m.client_id,
                scope: m.scope,
                created_at: m.created_at,
            })
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_consent"))]
    async fn revoke_consent(&self, user_id: &str, client_id: &str, now: DateTime<Utc>) -> Result<ConsentRevocation> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let removed = consent::Entity::delete_many()
            .filter(consent::Column::UserId.eq(user_id))
            .filter(consent::Column::ClientId.eq(client_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        let tokens_revoked = grants::revoke_of_user_at_client(&txn, user_id, client_id, now).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(ConsentRevocation {
            consent_removed: removed.rows_affected > 0,
            tokens_revoked,
        })
    }
}

fn issued_row(token: &IssuedToken<'_>) -> issued_token::ActiveModel {
    issued_token::ActiveModel {
        jti: Set(token.jti_hash.to_string()),
        client_id: Set(token.client_id.to_string()),
        user_id: Set(token.user_id.to_string()),
        code_hash: Set(token.code_hash.map(str::to_string)),
        family_id: Set(token.family_id.map(str::to_string)),
        expires_at: Set(token.expires_at),
        revoked_at: Set(None),
        sid: Set(token.sid.map(str::to_string)),
    }
}

fn refresh_row(token: &NewRefreshToken<'_>) -> Result<refresh_token::ActiveModel> {
    Ok(refresh_token::ActiveModel {
        token_hash: Set(token.token_hash.to_string()),
        family_id: Set(token.family_id.to_string()),
        client_id: Set(token.client_id.to_string()),
        user_id: Set(token.user_id.to_string()),
        grant: Set(json_text(token.grant)?),
        created_at: Set(token.now),
        family_expires_at: Set(token.family_expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        sid: Set(Some(token.grant.sid.clone())),
        offline: Set(token.grant.offline()),
    })
}
