//! `/api/v1/service-providers`: SAML service providers, registered from their metadata. Every change goes through
//! `protocols::saml::sps` (as `gatehouse sp …` does), so the checks and the audit events are the same.
//!
//! An SP is named in the path by its entity ID, percent-encoded as one path segment (`encodeURIComponent`):
//! `https://sp.example/metadata` is `/api/v1/service-providers/https%3A%2F%2Fsp.example%2Fmetadata`. A proxy in
//! front of Gatehouse must pass `%2F` on as it is (nginx: `proxy_pass` without a URI part).
//!
//! The metadata travels in the JSON body as text, at most 256 KiB (`sps::MAX_METADATA_BYTES`; 413 beyond), so these
//! two routes take bodies up to `MAX_BODY` rather than the API's 64 KiB. Metadata that is not well-formed XML, has
//! a DOCTYPE, or does not describe a usable SP is 400 naming `metadata`; a refused setting is 400 naming it.
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::body::{self, not_null, nullable};
use super::problem::{Problem, ProblemBody, too_large};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::core::saml::{AttributeMapping, AttributeSource, ServiceProvider};
use crate::protocols::saml::keys::certificate_facts;
use crate::protocols::saml::sps::{self, MAX_METADATA_BYTES, NewServiceProvider, SETTINGS, SpChanges};

/// The metadata, escaped as a JSON string (quotes and line ends double), and the settings beside it.
const MAX_BODY: usize = 2 * MAX_METADATA_BYTES + 64 * 1024;

/// One attribute the SP is sent: its name there and where the values come from.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeView {
    /// The attribute's name at the SP (1 to 256 characters, no spaces).
    pub name: String,
    /// `username`, `email`, `name` (the display name), `roles`, or `static` (the same `value` for everyone).
    pub source: String,
    /// For `static` only: the value (at most 1024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl From<&AttributeMapping> for AttributeView {
    fn from(m: &AttributeMapping) -> Self {
        let (source, value) = match &m.source {
            AttributeSource::Username => ("username", None),
            AttributeSource::Email => ("email", None),
            AttributeSource::Name => ("name", None),
            AttributeSource::Roles => ("roles", None),
            AttributeSource::Static { value } => ("static", Some(value.clone())),
        };
        AttributeView {
            name: m.name.clone(),
            source: source.into(),
            value,
        }
    }
}

fn mappings(given: &[AttributeView]) -> Result<Vec<AttributeMapping>, Problem> {
    let bad = |detail: String| Problem::field("attributes", detail);
    given
        .iter()
        .map(|a| {
            let source = match (a.source.as_str(), &a.value) {
                ("static", Some(value)) => AttributeSource::Static { value: value.clone() },
                ("static", None) => return Err(bad(format!("'{}': a static attribute needs a value", a.name))),
                (source, None) => AttributeSource::parse(source).ok_or_else(|| {
                    bad(format!(
                        "'{}' is not a source: use username, email, name, roles or static",
                        crate::core::model::truncate(source, 32)
                    ))
                })?,
                (_, Some(_)) => return Err(bad(format!("'{}': only a static attribute has a value", a.name))),
            };
            Ok(AttributeMapping::new(&a.name, source))
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct EndpointView {
    pub binding: String,
    pub location: String,
    /// AssertionConsumerService only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// SingleLogoutService only: where LogoutResponses go, when not to `location`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_location: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SpCertificateView {
    /// Colon-separated hex, as operators compare it with the SP's.
    pub sha256_fingerprint: String,
    pub not_after: String,
}

/// A service provider as Gatehouse keeps it: what was read from its metadata, and Gatehouse's settings for it.
#[derive(Serialize, ToSchema)]
pub struct SpView {
    pub entity_id: String,
    pub acs_endpoints: Vec<EndpointView>,
    pub slo_endpoints: Vec<EndpointView>,
    /// The only keys its requests are verified with.
    pub signing_certificates: Vec<SpCertificateView>,
    pub encryption_certificates: Vec<SpCertificateView>,
    pub authn_requests_signed: bool,
    pub want_assertions_signed: bool,
    pub sign_response: bool,
    /// `persistent`, `email` or `transient`.
    pub name_id_format: String,
    pub allow_idp_initiated: bool,
    /// Only users holding one of these roles may sign in to it; empty: everyone.
    pub allowed_roles: Vec<String>,
    pub min_acr: Option<String>,
    pub encrypt_assertion: bool,
    /// `aes256-gcm` or `aes256-cbc`.
    pub encryption_method: String,
    pub attributes: Vec<AttributeView>,
    pub created_at: DateTime<Utc>,
}

fn certificates(stored: &[String]) -> Result<Vec<SpCertificateView>, Problem> {
    stored
        .iter()
        .map(|c| {
            let (sha256_fingerprint, not_after) = certificate_facts(c)?;
            Ok(SpCertificateView {
                sha256_fingerprint,
                not_after,
            })
        })
        .collect()
}

fn view(sp: &ServiceProvider) -> Result<SpView, Problem> {
    Ok(SpView {
        entity_id: sp.entity_id.clone(),
        acs_endpoints: sp
            .acs_endpoints
            .iter()
            .map(|e| EndpointView {
                binding: e.binding.clone(),
                location: e.location.clone(),
                index: Some(e.index),
                is_default: Some(e.is_default),
                response_location: None,
            })
            .collect(),
        slo_endpoints: sp
            .slo_endpoints
            .iter()
            .map(|e| EndpointView {
                binding: e.binding.clone(),
                location: e.location.clone(),
                index: None,
                is_default: None,
                response_location: e.response_location.clone(),
            })
            .collect(),
        signing_certificates: certificates(&sp.certificates)?,
        encryption_certificates: certificates(&sp.encryption_certificates)?,
        authn_requests_signed: sp.authn_requests_signed,
        want_assertions_signed: sp.want_assertions_signed,
        sign_response: sp.sign_response,
        name_id_format: sp.name_id_format.as_str().into(),
        allow_idp_initiated: sp.allow_idp_initiated,
        allowed_roles: sp.allowed_roles.clone(),
        min_acr: sp.min_acr.clone(),
        encrypt_assertion: sp.encrypt_assertion,
        encryption_method: sp.encryption_method.as_str().into(),
        attributes: sp.attributes.iter().map(AttributeView::from).collect(),
        created_at: sp.created_at,
    })
}

/// A refusal of the SP: at the setting it names, else at `metadata`.
fn refused(error: Error) -> Problem {
    match error {
        Error::Invalid(detail) if SETTINGS.iter().any(|s| detail.starts_with(&format!("{s}: "))) => {
            Error::Invalid(detail).into()
        }
        Error::Invalid(detail) => Problem::field("metadata", detail),
        other => other.into(),
    }
}

fn check_size(metadata: &str) -> Result<(), Problem> {
    if metadata.len() > MAX_METADATA_BYTES {
        return Err(too_large(format!(
            "metadata: larger than {} KiB",
            MAX_METADATA_BYTES / 1024
        )));
    }
    Ok(())
}

fn location(entity_id: &str) -> String {
    format!("/api/v1/service-providers/{}", super::path_segment(entity_id))
}

/// Every service provider, by entity ID.
#[utoipa::path(tag = "service-providers", security(("bearer" = [])),
    responses((status = 200, body = Vec<SpView>), (status = 403, body = ProblemBody)))]
#[get("/service-providers")]
pub async fn list(caller: Caller) -> Result<web::Json<Vec<SpView>>, Problem> {
    caller.require(Permission::ManageServiceProviders)?;
    let sps = caller.store().list_sps().await?;
    Ok(web::Json(sps.iter().map(view).collect::<Result<_, _>>()?))
}

/// A service provider to register: its metadata and Gatehouse's settings for it, as `gatehouse sp add` takes them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSp {
    /// The SP's SAML metadata, one `md:EntityDescriptor`, as XML text (at most 256 KiB): its entity ID, ACS and
    /// SLO endpoints and certificates are read from it.
    pub metadata: String,
    /// `persistent` (default; opaque, stable, different at every SP), `email` or `transient`.
    pub name_id_format: Option<String>,
    /// Sign the whole Response as well as the Assertion.
    #[serde(default)]
    pub sign_response: bool,
    /// Allow IdP-initiated SSO (unsolicited Responses to its default ACS).
    #[serde(default)]
    pub allow_idp_initiated: bool,
    /// Only users holding one of these roles may sign in to it; empty: everyone.
    #[serde(default)]
    pub allowed_roles: Vec<String>,
    /// Every Response to it needs this assurance level (e.g. `urn:gatehouse:acr:mfa`).
    pub min_acr: Option<String>,
    /// Encrypt its assertions with the encryption certificate from its metadata (refused without one).
    #[serde(default)]
    pub encrypt_assertion: bool,
    /// `aes256-gcm` (default) or `aes256-cbc`.
    pub encryption_method: Option<String>,
    /// The attributes it is sent, in order; left out: uid, email, displayName and roles. `[]`: none.
    pub attributes: Option<Vec<AttributeView>>,
}

/// Registers a service provider from its metadata (audited `saml.sp_added`).
#[utoipa::path(tag = "service-providers", request_body = NewSp, security(("bearer" = [])),
    responses((status = 201, body = SpView), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 413, body = ProblemBody), (status = 415, body = ProblemBody)))]
#[post("/service-providers")]
pub async fn create(caller: Caller, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageServiceProviders)?;
    let body: NewSp = body::json(&req, payload, MAX_BODY).await?;
    check_size(&body.metadata)?;
    let attributes = body.attributes.as_deref().map(mappings).transpose()?;
    let sp = sps::register(
        caller.store(),
        caller.now(),
        &caller.origin,
        NewServiceProvider {
            metadata: body.metadata,
            name_id_format: body.name_id_format,
            sign_response: body.sign_response,
            allow_idp_initiated: body.allow_idp_initiated,
            allowed_roles: body.allowed_roles,
            min_acr: body.min_acr,
            encrypt_assertion: body.encrypt_assertion,
            encryption_method: body.encryption_method,
            attributes,
        },
    )
    .await
    .map_err(refused)?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, location(&sp.entity_id)))
        .json(view(&sp)?))
}

/// One service provider.
#[utoipa::path(tag = "service-providers",
    params(("entity_id" = String, Path, description = "the entity ID, percent-encoded as one path segment")),
    security(("bearer" = [])),
    responses((status = 200, body = SpView), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[get("/service-providers/{entity_id}")]
pub async fn show(caller: Caller, path: web::Path<String>) -> Result<web::Json<SpView>, Problem> {
    caller.require(Permission::ManageServiceProviders)?;
    let sp = caller
        .store()
        .sp(&path)
        .await?
        .ok_or_else(|| Problem::not_found("no such service provider"))?;
    Ok(web::Json(view(&sp)?))
}

/// What to change, as `gatehouse sp update` takes it. Left out: unchanged; `null` is refused except for `min_acr`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpChange {
    /// New metadata for the same entity ID (new certificate, endpoints); at most 256 KiB.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, required = false)]
    pub metadata: Option<Option<String>>,
    /// `persistent`, `email` or `transient`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, required = false)]
    pub name_id_format: Option<Option<String>>,
    /// An assurance level; `null` removes the minimum.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub min_acr: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool, required = false)]
    pub encrypt_assertion: Option<Option<bool>>,
    /// `aes256-gcm` or `aes256-cbc`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, required = false)]
    pub encryption_method: Option<Option<String>>,
    /// The whole list, replacing the current one; `[]`: none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<AttributeView>, required = false)]
    pub attributes: Option<Option<Vec<AttributeView>>>,
}

/// Changes a service provider: re-reads its metadata when given, and changes the settings given (audited
/// `saml.sp_updated`); nothing changes when any part is refused.
#[utoipa::path(tag = "service-providers",
    params(("entity_id" = String, Path, description = "the entity ID, percent-encoded as one path segment")),
    request_body = SpChange, security(("bearer" = [])),
    responses((status = 200, body = SpView), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody), (status = 413, body = ProblemBody), (status = 415, body = ProblemBody)))]
#[patch("/service-providers/{entity_id}")]
pub async fn update(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<SpView>, Problem> {
    caller.require(Permission::ManageServiceProviders)?;
    let body: SpChange = body::json(&req, payload, MAX_BODY).await?;
    let metadata = not_null("metadata", &body.metadata)?.cloned();
    if let Some(metadata) = &metadata {
        check_size(metadata)?;
    }
    let changes = SpChanges {
        metadata,
        name_id_format: not_null("name_id_format", &body.name_id_format)?.cloned(),
        min_acr: body.min_acr.clone().map(|level| level.unwrap_or_else(|| "none".into())),
        encrypt_assertion: not_null("encrypt_assertion", &body.encrypt_assertion)?.copied(),
        encryption_method: not_null("encryption_method", &body.encryption_method)?.cloned(),
        attributes: not_null("attributes", &body.attributes)?
            .map(|given| mappings(given))
            .transpose()?,
    };
    let sp = sps::update(caller.store(), caller.now(), &caller.origin, &path, changes)
        .await
        .map_err(refused)?;
    Ok(web::Json(view(&sp)?))
}

/// Removes a service provider (audited `saml.sp_removed`).
#[utoipa::path(tag = "service-providers",
    params(("entity_id" = String, Path, description = "the entity ID, percent-encoded as one path segment")),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[delete("/service-providers/{entity_id}")]
pub async fn remove(caller: Caller, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageServiceProviders)?;
    sps::remove(caller.store(), caller.now(), &caller.origin, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
