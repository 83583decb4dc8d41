use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{saml_key, saml_pending_request, saml_request_id, saml_service_provider, saml_session_participant};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};

use super::{SeaStore, db_error};
use crate::core::saml::{
    EncryptionMethod, NameIdFormat, SamlKey, ServiceProvider, SessionParticipant, default_attributes,
};
use crate::core::store::SamlStore;
use crate::core::{Error, Result};

fn to_sp(m: saml_service_provider::Model) -> Result<ServiceProvider> {
    let internal = |e: serde_json::Error| Error::Internal(e.to_string());
    Ok(ServiceProvider {
        acs_endpoints: serde_json::from_str(&m.acs_endpoints).map_err(internal)?,
        certificates: serde_json::from_str(&m.certificates).map_err(internal)?,
        name_id_format: NameIdFormat::parse(&m.name_id_format)
            .ok_or_else(|| Error::Internal(format!("unknown NameID format {}", m.name_id_format)))?,
        entity_id: m.entity_id,
        metadata: m.metadata,
        authn_requests_signed: m.authn_requests_signed,
        want_assertions_signed: m.want_assertions_signed,
        sign_response: m.sign_response,
        allow_idp_initiated: m.allow_idp_initiated,
        slo_endpoints: serde_json::from_str(&m.slo_endpoints).map_err(internal)?,
        allowed_roles: serde_json::from_str(&m.allowed_roles).map_err(internal)?,
        min_acr: m.min_acr,
        encryption_certificates: serde_json::from_str(&m.encryption_certificates).map_err(internal)?,
        encrypt_assertion: m.encrypt_assertion,
        encryption_method: EncryptionMethod::parse(&m.encryption_method)
            .ok_or_else(|| Error::Internal(format!("unknown encryption method {}", m.encryption_method)))?,
        attributes: match m.attributes.as_deref() {
            None => default_attributes(),
            Some(text) => serde_json::from_str(text).map_err(internal)?,
        },
        created_at: m.created_at,
    })
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

/// The replay-cache key: entity ID and request ID, length-prefixed so that neither can bleed into the other.
fn request_key(sp_entity_id: &str, request_id: &str) -> String {
    let mut hash = Sha256::new();
    hash.update((sp_entity_id.len() as u64).to_be_bytes());
    hash.update(sp_entity_id.as_bytes());
    hash.update(request_id.as_bytes());
    hex::encode(hash.finalize())
}

fn sp_model(sp: &ServiceProvider) -> Result<saml_service_provider::ActiveModel> {
    Ok(saml_service_provider::ActiveModel {
        entity_id: Set(sp.entity_id.clone()),
        metadata: Set(sp.metadata.clone()),
        acs_endpoints: Set(json_text(&sp.acs_endpoints)?),
        certificates: Set(json_text(&sp.certificates)?),
        authn_requests_signed: Set(sp.authn_requests_signed),
        want_assertions_signed: Set(sp.want_assertions_signed),
        sign_response: Set(sp.sign_response),
        name_id_format: Set(sp.name_id_format.as_str().into()),
        allow_idp_initiated: Set(sp.allow_idp_initiated),
        slo_endpoints: Set(json_text(&sp.slo_endpoints)?),
        allowed_roles: Set(json_text(&sp.allowed_roles)?),
        min_acr: Set(sp.min_acr.clone()),
        encryption_certificates: Set(json_text(&sp.encryption_certificates)?),
        encrypt_assertion: Set(sp.encrypt_assertion),
        encryption_method: Set(sp.encryption_method.as_str().into()),
        attributes: Set(Some(json_text(&sp.attributes)?)),
        created_at: Set(sp.created_at),
    })
}

#[async_trait]
impl SamlStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_sp"))]
    async fn insert_sp(&self, sp: &ServiceProvider) -> Result<()> {
        sp_model(sp)?.insert(&self.db).await.map_err(|e| match db_error(e) {
            Error::Conflict(_) => Error::Conflict(format!(
                "A service provider with the entity ID '{}' is registered already.",
                sp.entity_id
            )),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_sp"))]
    async fn update_sp(&self, sp: &ServiceProvider) -> Result<()> {
        if self.sp(&sp.entity_id).await?.is_none() {
            return Err(Error::NotFound(format!(
                "No service provider has the entity ID '{}'.",
                sp.entity_id
            )));
        }
        sp_model(sp)?.update(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "sp"))]
    async fn sp(&self, entity_id: &str) -> Result<Option<ServiceProvider>> {
        saml_service_provider::Entity::find_by_id(entity_id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_sp)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_sps"))]
    async fn list_sps(&self) -> Result<Vec<ServiceProvider>> {
        saml_service_provider::Entity::find()
            .order_by_asc(saml_service_provider::Column::EntityId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_sp)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_sp"))]
    async fn delete_sp(&self, entity_id: &str) -> Result<bool> {
        let result = saml_service_provider::Entity::delete_by_id(entity_id.to_string())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "saml_keys"))]
    async fn saml_keys(&self) -> Result<Vec<SamlKey>> {
        Ok(saml_key::Entity::find()
            .order_by_desc(saml_key::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| SamlKey {
                id: m.id,
                private_enc: m.private_enc,
                certificate: m.certificate,
                created_at: m.created_at,
                activates_at: m.activates_at,
                retired_at: m.retired_at,
            })
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_saml_key"))]
    async fn insert_saml_key(&self, k: &SamlKey) -> Result<()> {
        saml_key::ActiveModel {
            id: Set(k.id.clone()),
            private_enc: Set(k.private_enc.clone()),
            certificate: Set(k.certificate.clone()),
            created_at: Set(k.created_at),
            activates_at: Set(k.activates_at),
            retired_at: Set(k.retired_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "retire_saml_key"))]
    async fn retire_saml_key(&self, id: &str, retired_at: DateTime<Utc>) -> Result<bool> {
        let result = saml_key::Entity::update_many()
            .col_expr(saml_key::Column::RetiredAt, sea_orm::sea_query::Expr::value(retired_at))
            .filter(saml_key::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_saml_request_id"))]
    async fn use_saml_request_id(
        &self,
        sp_entity_id: &str,
        request_id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // Entries past their time go first: a request that old is refused by its IssueInstant anyway.
        saml_request_id::Entity::delete_many()
            .filter(saml_request_id::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let inserted = saml_request_id::Entity::insert(saml_request_id::ActiveModel {
            key_hash: Set(request_key(sp_entity_id, request_id)),
            expires_at: Set(expires_at),
        })
        .exec(&self.db)
        .await;
        match inserted.map_err(db_error) {
            Ok(_) => Ok(true),
            Err(Error::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_saml_request"))]
    async fn put_saml_request(
        &self,
        id: &str,
        sp_entity_id: &str,
        params: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        saml_pending_request::Entity::delete_many()
            .filter(saml_pending_request::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        saml_pending_request::ActiveModel {
            id: Set(id.into()),
            sp_entity_id: Set(sp_entity_id.into()),
            params: Set(params.into()),
            created_at: Set(now),
            expires_at: Set(expires_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "saml_request"))]
    async fn saml_request(&self, id: &str, now: DateTime<Utc>) -> Result<Option<(String, String, DateTime<Utc>)>> {
        Ok(saml_pending_request::Entity::find_by_id(id.to_string())
            .filter(saml_pending_request::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| (m.sp_entity_id, m.params, m.created_at)))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_saml_request"))]
    async fn delete_saml_request(&self, id: &str) -> Result<bool> {
        let result = saml_pending_request::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_saml_participant"))]
    async fn put_saml_participant(&self, p: &SessionParticipant, sweep_before: DateTime<Utc>) -> Result<()> {
        saml_session_participant::Entity::delete_many()
            .filter(saml_session_participant::Column::CreatedAt.lt(sweep_before))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        // Replace: the latest sign-in at this SP is what it knows.
        self.delete_saml_participant(&p.session_hash, &p.sp_entity_id).await?;
        saml_session_participant::ActiveModel {
            session_hash: Set(p.session_hash.clone()),
            sp_entity_id: Set(p.sp_entity_id.clone()),
            name_id: Set(p.name_id.clone()),
            name_id_format: Set(p.name_id_format.as_str().into()),
            session_index: Set(p.session_index.clone()),
            created_at: Set(p.created_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "saml_participants"))]
    async fn saml_participants(&self, session_hash: &str) -> Result<Vec<SessionParticipant>> {
        saml_session_participant::Entity::find()
            .filter(saml_session_participant::Column::SessionHash.eq(session_hash))
            .order_by_asc(saml_session_participant::Column::CreatedAt)
            .order_by_asc(saml_session_participant::Column::SpEntityId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| {
                Ok(SessionParticipant {
                    name_id_format: NameIdFormat::parse(&m.name_id_format)
                        .ok_or_else(|| Error::Internal(format!("unknown NameID format {}", m.name_id_format)))?,
                    session_hash: m.session_hash,
                    sp_entity_id: m.sp_entity_id,
                    name_id: m.name_id,
                    session_index: m.session_index,
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_saml_participant"))]
    async fn delete_saml_participant(&self, session_hash: &str, sp_entity_id: &str) -> Result<bool> {
        let result = saml_session_participant::Entity::delete_many()
            .filter(saml_session_participant::Column::SessionHash.eq(session_hash))
            .filter(saml_session_participant::Column::SpEntityId.eq(sp_entity_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected >= 1)
    }
}
