//! `/api/v1/keys` and `/api/v1/saml/certificates`: the OpenID Provider's signing keys and the SAML identity
//! provider's signing certificates, listed with their schedule (never a private part), and rotated through the
//! same functions as `gatehouse keys rotate` and `gatehouse saml rotate-cert`, with the same audit events.
//!
//! Every instance reads the schedule from the database (re-reading the key list at most every 5 s), so all switch
//! together; the instance that served a rotation re-reads at once.
use actix_web::{HttpRequest, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::MAX_JSON_BYTES;
use super::auth::Caller;
use super::body;
use super::problem::{Problem, ProblemBody};
use crate::core::delegation::Permission;
use crate::protocols::oidc::{self, Provider};
use crate::protocols::saml::{self, IdentityProvider};

fn state_name<T: Serialize>(state: T) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// An OIDC signing key's public facts and schedule.
#[derive(Serialize, ToSchema)]
pub struct SigningKeyView {
    pub kid: String,
    /// `ES256`, `RS256` or `EdDSA`.
    pub alg: String,
    /// `next` (published, signs from `activates_at`), `active`, `previous` (replaced, still published) or
    /// `expired` (no longer published).
    pub state: String,
    pub created_at: DateTime<Utc>,
    /// When it starts signing for its algorithm.
    pub activates_at: DateTime<Utc>,
    /// When it stops being published (its successor has signed long enough for its tokens to expire); `null`
    /// while nothing replaces it.
    pub retires_at: Option<DateTime<Utc>>,
}

/// The OpenID Provider's signing keys, newest first (the public halves are in `/jwks`).
#[utoipa::path(tag = "keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<SigningKeyView>), (status = 403, body = ProblemBody)))]
#[get("/keys")]
pub async fn list(caller: Caller) -> Result<web::Json<Vec<SigningKeyView>>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let keys = caller.store().signing_keys().await?;
    Ok(web::Json(
        oidc::keys::states(&keys, caller.now())
            .into_iter()
            .map(|(key, state)| SigningKeyView {
                retires_at: oidc::keys::retires_at(&keys, &key),
                state: state_name(state),
                kid: key.kid,
                alg: key.alg,
                created_at: key.created_at,
                activates_at: key.activates_at,
            })
            .collect(),
    ))
}

/// A rotation of the OIDC signing keys, as `gatehouse keys rotate` takes it; `{}` rotates every algorithm.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct KeyRotation {
    /// `ES256`, `RS256` or `EdDSA`; left out: all three.
    pub alg: Option<String>,
    /// Sign with the new key at once (the current one may be compromised) instead of 5 minutes from now, when
    /// relying parties' key-set caches have learnt it.
    #[serde(default)]
    pub immediately: bool,
}

/// A key just added.
#[derive(Serialize, ToSchema)]
pub struct NewSigningKey {
    pub kid: String,
    pub alg: String,
    pub activates_at: DateTime<Utc>,
}

/// Adds the next signing key (each audited `oidc.signing_key_rotated`): published at once, signing from
/// `activates_at`; the key it replaces stays published until the tokens it signed have expired.
#[utoipa::path(tag = "keys", request_body = KeyRotation, security(("bearer" = [])),
    responses((status = 200, body = Vec<NewSigningKey>), (status = 400, body = ProblemBody),
        (status = 403, body = ProblemBody)))]
#[post("/keys/rotate")]
pub async fn rotate(
    caller: Caller,
    op: web::Data<Provider>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<Vec<NewSigningKey>>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let body: KeyRotation = body::json(&req, payload, MAX_JSON_BYTES).await?;
    let added = oidc::keys::rotate_algorithms(
        caller.store(),
        &caller.state.keys.sealer,
        &caller.origin,
        body.alg.as_deref(),
        caller.now(),
        body.immediately,
    )
    .await?;
    op.keys.refresh();
    Ok(web::Json(
        added
            .into_iter()
            .map(|key| NewSigningKey {
                kid: key.kid,
                alg: key.alg,
                activates_at: key.activates_at,
            })
            .collect(),
    ))
}

/// A SAML signing certificate and its schedule (the certificate is public: it is in our metadata).
#[derive(Serialize, ToSchema)]
pub struct SamlCertificateView {
    pub id: String,
    /// `next` (in metadata, signs from `activates_at`), `active`, `previous` (replaced, still in metadata) or
    /// `retired`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub activates_at: DateTime<Utc>,
    /// When it leaves the metadata; `null` while nothing replaces it.
    pub retired_at: Option<DateTime<Utc>>,
    /// The certificate's own expiry.
    pub not_after: String,
    /// Colon-separated hex, as SP operators compare it.
    pub sha256_fingerprint: String,
    /// Base64 DER, as in metadata's `X509Certificate`.
    pub certificate: String,
}

/// The SAML identity provider's signing certificates, newest first.
#[utoipa::path(tag = "keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<SamlCertificateView>), (status = 403, body = ProblemBody)))]
#[get("/saml/certificates")]
pub async fn certificates(caller: Caller) -> Result<web::Json<Vec<SamlCertificateView>>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let stored = caller.store().saml_keys().await?;
    let mut items = Vec::with_capacity(stored.len());
    for (key, state) in saml::keys::states(&stored, caller.now()) {
        let (sha256_fingerprint, not_after) = saml::keys::certificate_facts(&key.certificate)?;
        items.push(SamlCertificateView {
            id: key.id.clone(),
            state: state_name(state),
            created_at: key.created_at,
            activates_at: key.activates_at,
            retired_at: key.retired_at,
            not_after,
            sha256_fingerprint,
            certificate: key.certificate.clone(),
        });
    }
    Ok(web::Json(items))
}

/// A rotation of the SAML certificate, as `gatehouse saml rotate-cert` takes it; `{}` takes the defaults.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CertificateRotation {
    /// Hours until the new certificate signs, 0 to 8760 (default 168: a week for SPs to refresh our metadata).
    pub activate_in_hours: i64,
    /// Hours the replaced certificates stay in metadata after the new one signs, 0 to 8760 (default 24).
    pub keep_previous_hours: i64,
    /// Sign with the new certificate at once (the current key may be compromised): SPs that have not imported
    /// the new metadata refuse our responses until they do.
    pub immediately: bool,
}

impl Default for CertificateRotation {
    fn default() -> Self {
        let defaults = saml::keys::CertificateRotation::default();
        CertificateRotation {
            activate_in_hours: defaults.activate_in_hours,
            keep_previous_hours: defaults.keep_previous_hours,
            immediately: defaults.immediately,
        }
    }
}

/// A certificate just added.
#[derive(Serialize, ToSchema)]
pub struct NewCertificate {
    pub id: String,
    pub activates_at: DateTime<Utc>,
    pub sha256_fingerprint: String,
}

/// Adds the next SAML signing certificate (audited `saml.key_rotated`): in metadata at once, signing from
/// `activates_at`; the ones it replaces leave the metadata `keep_previous_hours` after that.
#[utoipa::path(tag = "keys", request_body = CertificateRotation, security(("bearer" = [])),
    responses((status = 200, body = NewCertificate), (status = 400, body = ProblemBody),
        (status = 403, body = ProblemBody)))]
#[post("/saml/certificates/rotate")]
pub async fn rotate_certificate(
    caller: Caller,
    idp: web::Data<IdentityProvider>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<NewCertificate>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let body: CertificateRotation = body::json(&req, payload, MAX_JSON_BYTES).await?;
    let key = saml::keys::rotate_certificate(
        caller.store(),
        &caller.state.keys.sealer,
        &caller.origin,
        &caller.state.config.public_url,
        caller.now(),
        saml::keys::CertificateRotation {
            activate_in_hours: body.activate_in_hours,
            keep_previous_hours: body.keep_previous_hours,
            immediately: body.immediately,
        },
    )
    .await?;
    idp.keys.refresh();
    let (sha256_fingerprint, _) = saml::keys::certificate_facts(&key.certificate)?;
    Ok(web::Json(NewCertificate {
        id: key.id,
        activates_at: key.activates_at,
        sha256_fingerprint,
    }))
}
