//! `/api/v1/clients`: OpenID Connect relying parties and service clients. Every change goes through
//! `protocols::oidc::clients` (as `gatehouse client …` does), so the checks and the audit events are the same.
//!
//! A client's secret is answered once, when it is made (registration, rotation), with `Cache-Control: no-store`;
//! it is never shown again, nor its digest. Client authentication keeps each client a few seconds per instance
//! (`protocols::oidc::client_cache::TTL`, 5 s): the instance that served the change drops its copy at once, the
//! others apply a change or a removal within that time.
use actix_web::http::header::{CACHE_CONTROL, CacheControl, CacheDirective, LOCATION};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::MAX_JSON_BYTES;
use super::auth::Caller;
use super::body::{self, not_null, nullable};
use super::problem::{Problem, ProblemBody};
use crate::core::delegation::Permission;
use crate::core::oauth::Client;
use crate::protocols::oidc::Provider;
use crate::protocols::oidc::clients::{self, ClientChanges, NewClient};

/// A client as administrators see it (never its secret or the secret's digest).
#[derive(Serialize, ToSchema)]
pub struct ClientView {
    pub client_id: String,
    /// A public client has no secret and must use PKCE.
    pub public: bool,
    /// `client_secret_basic`, `client_secret_post`, `private_key_jwt` or `none`.
    pub auth_method: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grants: Vec<String>,
    /// A first-party client: no consent page.
    pub trusted: bool,
    pub created_at: DateTime<Utc>,
    /// The algorithm of the tokens it receives.
    pub signing_alg: String,
    /// Its public keys (a JWK Set), for `private_key_jwt`.
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    pub backchannel_logout_uri: Option<String>,
    /// The lowest assurance level every sign-in for it must reach.
    pub min_acr: Option<String>,
    /// `admin`, `helpdesk` or `auditor`: the role its client_credentials tokens act with here.
    pub service_role: Option<String>,
    /// Scopes beyond OpenID's it may ask for on a person's behalf (`gatehouse:admin`).
    pub extra_scopes: Vec<String>,
    /// The name people see on the consent and error pages instead of the client id.
    pub client_name: Option<String>,
    /// A logo shown on the consent page.
    pub logo_uri: Option<String>,
    /// Its privacy policy, linked from the consent page.
    pub policy_uri: Option<String>,
    /// Its terms of service, linked from the consent page.
    pub tos_uri: Option<String>,
    /// It must push its authorization requests to `/par` (RFC 9126); a plain `/authorize` is refused.
    pub require_pushed_authorization_requests: bool,
    /// Its token requests must carry a DPoP proof (RFC 9449 §5.2); its tokens are all bound to its key.
    pub dpop_bound_access_tokens: bool,
    /// The resource servers (RFC 8707) it may ask access tokens for.
    pub allowed_resources: Vec<String>,
}

impl From<&Client> for ClientView {
    fn from(c: &Client) -> Self {
        ClientView {
            client_id: c.client_id.clone(),
            public: c.public,
            auth_method: c.auth_method.as_str().to_string(),
            redirect_uris: c.redirect_uris.clone(),
            post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
            grants: c.grants.clone(),
            trusted: c.trusted,
            created_at: c.created_at,
            signing_alg: c.signing_alg.clone(),
            jwks: c.jwks.clone(),
            backchannel_logout_uri: c.backchannel_logout_uri.clone(),
            min_acr: c.min_acr.clone(),
            service_role: c.service_role.map(|r| r.as_str().to_string()),
            extra_scopes: c.extra_scopes.clone(),
            client_name: c.client_name.clone(),
            logo_uri: c.logo_uri.clone(),
            policy_uri: c.policy_uri.clone(),
            tos_uri: c.tos_uri.clone(),
            require_pushed_authorization_requests: c.require_par,
            dpop_bound_access_tokens: c.require_dpop,
            allowed_resources: c.allowed_resources.clone(),
        }
    }
}

/// A client just registered, with its secret: shown this once.
#[derive(Serialize, ToSchema)]
pub struct RegisteredClient {
    #[serde(flatten)]
    pub client: ClientView,
    /// The secret of a confidential client (256 random bits); `null` for public and `private_key_jwt` clients.
    pub client_secret: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClientSecret {
    pub client_id: String,
    /// The new secret: shown this once. The old one stops working at once here, within 5 s elsewhere.
    pub client_secret: String,
}

fn no_store() -> (actix_web::http::header::HeaderName, CacheControl) {
    (CACHE_CONTROL, CacheControl(vec![CacheDirective::NoStore]))
}

fn location(client_id: &str) -> String {
    format!("/api/v1/clients/{}", super::path_segment(client_id))
}

/// Every client, by id.
#[utoipa::path(tag = "clients", security(("bearer" = [])),
    responses((status = 200, body = Vec<ClientView>), (status = 403, body = ProblemBody)))]
#[get("/clients")]
pub async fn list(caller: Caller) -> Result<web::Json<Vec<ClientView>>, Problem> {
    caller.require(Permission::ManageClients)?;
    let clients = caller.store().list_clients().await?;
    Ok(web::Json(clients.iter().map(ClientView::from).collect()))
}

/// What a new client is, as `gatehouse client add` takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientBody {
    /// 1 to 128 of a-z A-Z 0-9 - _ . :
    pub client_id: String,
    /// Compared exactly at /authorize: absolute, no fragment, https unless on a loopback host (or a private-use
    /// scheme such as `com.example.app:/cb`). At least one for the authorization_code grant.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client (no secret; PKCE required).
    #[serde(default)]
    pub public: bool,
    /// `client_secret_basic` (default), `client_secret_post`, `private_key_jwt` (with `jwks`), or `none` (public).
    pub auth_method: Option<String>,
    /// `authorization_code`, `refresh_token`, `client_credentials`,
    /// `urn:ietf:params:oauth:grant-type:device_code`. Default: authorization_code and refresh_token.
    #[serde(default)]
    pub grants: Vec<String>,
    /// A first-party client: no consent page.
    #[serde(default)]
    pub trusted: bool,
    /// `ES256` (default), `RS256` or `EdDSA`.
    pub signing_alg: Option<String>,
    /// The client's public keys for `private_key_jwt`: a JWK Set (public RSA, EC or OKP keys, 1 to 10).
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Where logout tokens are POSTed when a session that signed in to it ends.
    pub backchannel_logout_uri: Option<String>,
    /// `urn:gatehouse:acr:password`, `urn:gatehouse:acr:mfa` or `urn:gatehouse:acr:phishing-resistant`.
    pub min_acr: Option<String>,
    /// `admin`, `helpdesk` or `auditor`: the role its client_credentials tokens act with at this API (needs the
    /// client_credentials grant).
    pub service_role: Option<String>,
    /// Scopes it may ask for on a person's behalf beyond OpenID's: `gatehouse:admin`.
    #[serde(default)]
    pub extra_scopes: Vec<String>,
    /// The name people see instead of the client id: at most 100 characters, no control characters.
    pub client_name: Option<String>,
    /// A logo shown on the consent page: https (http only on a loopback host), at most 2048 bytes.
    pub logo_uri: Option<String>,
    /// Its privacy policy, linked from the consent page (https, as `logo_uri`).
    pub policy_uri: Option<String>,
    /// Its terms of service, linked from the consent page (https, as `logo_uri`).
    pub tos_uri: Option<String>,
    /// It must push its authorization requests to `/par` first (RFC 9126). Default false.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// Its token requests must carry a DPoP proof (RFC 9449 §5.2); without one they are refused with
    /// `invalid_dpop_proof`. Default false.
    #[serde(default)]
    pub dpop_bound_access_tokens: bool,
    /// Resource servers (RFC 8707 resource indicators: absolute URIs without a fragment) it may ask access
    /// tokens for with `resource`. Default none.
    #[serde(default)]
    pub allowed_resources: Vec<String>,
}

/// Registers a client; a confidential client's secret is in the answer, once.
#[utoipa::path(tag = "clients", request_body = NewClientBody, security(("bearer" = [])),
    responses((status = 201, body = RegisteredClient), (status = 400, body = ProblemBody),
        (status = 403, body = ProblemBody), (status = 409, body = ProblemBody)))]
#[post("/clients")]
pub async fn create(caller: Caller, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageClients)?;
    let body: NewClientBody = body::json(&req, payload, MAX_JSON_BYTES).await?;
    let (client, secret) = clients::register(
        caller.store(),
        caller.now(),
        &caller.origin,
        NewClient {
            client_id: body.client_id,
            redirect_uris: body.redirect_uris,
            post_logout_redirect_uris: body.post_logout_redirect_uris,
            public: body.public,
            auth_method: body.auth_method,
            grants: body.grants,
            trusted: body.trusted,
            signing_alg: body.signing_alg,
            jwks: body.jwks.map(|jwks| jwks.to_string()),
            backchannel_logout_uri: body.backchannel_logout_uri,
            min_acr: body.min_acr,
            service_role: body.service_role,
            extra_scopes: body.extra_scopes,
            client_name: body.client_name,
            logo_uri: body.logo_uri,
            policy_uri: body.policy_uri,
            tos_uri: body.tos_uri,
            require_par: body.require_pushed_authorization_requests,
            require_dpop: body.dpop_bound_access_tokens,
            allowed_resources: body.allowed_resources,
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, location(&client.client_id)))
        .insert_header(no_store())
        .json(RegisteredClient {
            client: (&client).into(),
            client_secret: secret,
        }))
}

/// One client.
#[utoipa::path(tag = "clients", params(("client_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClientView), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[get("/clients/{client_id}")]
pub async fn show(caller: Caller, path: web::Path<String>) -> Result<web::Json<ClientView>, Problem> {
    caller.require(Permission::ManageClients)?;
    let client = caller
        .store()
        .client(&path)
        .await?
        .ok_or_else(|| Problem::not_found("no such client"))?;
    Ok(web::Json((&client).into()))
}

/// What to change. A redirect list: left out, unchanged; `[]` clears (a client with the authorization_code grant
/// keeps at least one redirect URI); `null` is refused. A name or address: left out, unchanged; `null` (or `""`)
/// removes it. Checked as at registration; nothing changes when one member is refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientChange {
    /// Checked as at registration.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub redirect_uris: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub post_logout_redirect_uris: Option<Option<Vec<String>>>,
    /// The name people see instead of the client id; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub client_name: Option<Option<String>>,
    /// The consent page's logo; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub logo_uri: Option<Option<String>>,
    /// Its privacy policy; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub policy_uri: Option<Option<String>>,
    /// Its terms of service; `null` removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub tos_uri: Option<Option<String>>,
    /// Whether it must push its authorization requests to `/par` (RFC 9126); left out, unchanged.
    #[serde(default)]
    pub require_pushed_authorization_requests: Option<bool>,
    /// Whether its token requests must carry a DPoP proof (RFC 9449 §5.2); left out, unchanged.
    #[serde(default)]
    pub dpop_bound_access_tokens: Option<bool>,
    /// The resource servers (RFC 8707) it may ask access tokens for; the list given replaces the current one.
    #[serde(default)]
    pub allowed_resources: Option<Vec<String>>,
}

/// Replaces a client's redirect URIs or post-logout redirect URIs, its name, logo, policy or terms address, or
/// whether it must use PAR or DPoP (audited `client.updated` with the settings before and after, as `gatehouse client update`). Other instances
/// apply it within 5 s.
#[utoipa::path(tag = "clients", params(("client_id" = String, Path)), request_body = ClientChange,
    security(("bearer" = [])),
    responses((status = 200, body = ClientView), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
#[patch("/clients/{client_id}")]
pub async fn update(
    caller: Caller,
    op: web::Data<Provider>,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<ClientView>, Problem> {
    caller.require(Permission::ManageClients)?;
    let body: ClientChange = body::json(&req, payload, MAX_JSON_BYTES).await?;
    let changes = ClientChanges {
        redirect_uris: not_null("redirect_uris", &body.redirect_uris)?.cloned(),
        post_logout_redirect_uris: not_null("post_logout_redirect_uris", &body.post_logout_redirect_uris)?.cloned(),
        client_name: body.client_name,
        logo_uri: body.logo_uri,
        policy_uri: body.policy_uri,
        tos_uri: body.tos_uri,
        require_par: body.require_pushed_authorization_requests,
        require_dpop: body.dpop_bound_access_tokens,
        allowed_resources: body.allowed_resources,
    };
    let client = clients::update(caller.store(), caller.now(), &caller.origin, &path, changes).await?;
    op.clients.forget(&path);
    Ok(web::Json((&client).into()))
}

/// Replaces a confidential client's secret; the new one is in the answer, once (404 for a public client).
#[utoipa::path(tag = "clients", params(("client_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClientSecret), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[post("/clients/{client_id}/secret")]
pub async fn rotate_secret(
    caller: Caller,
    op: web::Data<Provider>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageClients)?;
    let secret = clients::rotate_secret(caller.store(), caller.now(), &caller.origin, &path).await?;
    op.clients.forget(&path);
    Ok(HttpResponse::Ok().insert_header(no_store()).json(ClientSecret {
        client_id: path.into_inner(),
        client_secret: secret,
    }))
}

/// Removes a client; the tokens it was issued stop at their next check. Other instances stop authenticating it
/// within 5 s.
#[utoipa::path(tag = "clients", params(("client_id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[delete("/clients/{client_id}")]
pub async fn remove(caller: Caller, op: web::Data<Provider>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageClients)?;
    clients::remove(caller.store(), caller.now(), &caller.origin, &path).await?;
    op.clients.forget(&path);
    Ok(HttpResponse::NoContent().finish())
}
