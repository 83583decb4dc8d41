//! Revoking what a sign-in or a user's credentials earned: refresh families and access tokens, found by the
//! `sid` or the user recorded beside each token (indexed). Shared by the `OidcStore` methods and by the
//! transactions of credential events (password reset, factor reset), so a credential change and the revocation
//! commit together.
use chrono::{DateTime, Utc};
use entity::{issued_token, refresh_token};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::db_error;
use crate::core::oauth::RefreshGrant;
use crate::core::store::LiveGrant;
use crate::core::{Error, Result};

/// Every refresh family (`offline_access` too) and every unexpired access token of a user.
pub(super) async fn revoke_of_user<C: ConnectionTrait>(conn: &C, user_id: &str, now: DateTime<Utc>) -> Result<u64> {
    let refresh = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(conn)
        .await
        .map_err(db_error)?;
    let access = issued_token::Entity::update_many()
        .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
        .filter(issued_token::Column::UserId.eq(user_id))
        .filter(issued_token::Column::RevokedAt.is_null())
        .filter(issued_token::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(refresh.rows_affected + access.rows_affected)
}

/// Every refresh family (`offline_access` too) and every unexpired access token `client_id` holds for a user.
pub(super) async fn revoke_of_user_at_client<C: ConnectionTrait>(
    conn: &C,
    user_id: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let refresh = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::ClientId.eq(client_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(conn)
        .await
        .map_err(db_error)?;
    let access = issued_token::Entity::update_many()
        .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
        .filter(issued_token::Column::UserId.eq(user_id))
        .filter(issued_token::Column::ClientId.eq(client_id))
        .filter(issued_token::Column::RevokedAt.is_null())
        .filter(issued_token::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(refresh.rows_affected + access.rows_affected)
}

/// The refresh families and access tokens of the sign-ins `sids`; `offline_access` families stay when
/// `keep_offline` (their access tokens are revoked all the same: the family mints new ones).
pub(super) async fn revoke_of_sign_ins<C: ConnectionTrait>(
    conn: &C,
    sids: &[String],
    now: DateTime<Utc>,
    keep_offline: bool,
) -> Result<u64> {
    if sids.is_empty() {
        return Ok(0);
    }
    let mut refresh = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::Sid.is_in(sids.iter().map(String::as_str)))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::UsedAt.is_null());
    if keep_offline {
        refresh = refresh.filter(refresh_token::Column::Offline.eq(false));
    }
    let refresh = refresh.exec(conn).await.map_err(db_error)?;
    let access = issued_token::Entity::update_many()
        .col_expr(issued_token::Column::RevokedAt, Expr::value(now))
        .filter(issued_token::Column::Sid.is_in(sids.iter().map(String::as_str)))
        .filter(issued_token::Column::RevokedAt.is_null())
        .filter(issued_token::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(refresh.rows_affected + access.rows_affected)
}

/// The usable refresh token of each live family of a user, with its grant.
pub(super) async fn live_of_user<C: ConnectionTrait>(
    conn: &C,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<LiveGrant>> {
    refresh_token::Entity::find()
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::FamilyExpiresAt.gt(now))
        .all(conn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|row| {
            let grant: RefreshGrant = serde_json::from_str(&row.grant).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(LiveGrant {
                family_id: row.family_id,
                client_id: row.client_id,
                grant,
                issued_at: row.created_at,
            })
        })
        .collect()
}
