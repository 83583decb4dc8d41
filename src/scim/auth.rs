//! Who calls `/scim/v2`: a provisioning system, with either
//! - a static token (`gatehouse scim token create NAME`; actor `scim:token:NAME`), or
//! - a `client_credentials` access token from our own `/token` of a client registered with the service role
//!   `scim` (actor `scim:<client_id>`).
//!
//! Nothing else is accepted: a person's token, or a client with another service role, gets 403 (audited); an
//! unknown, expired or revoked token 401 `invalid_token`; no token 401 with a bare challenge.
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde_json::json;
use std::future::Future;
use std::pin::Pin;

use super::error::ScimError;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::oauth::ServiceRole;
use crate::core::provisioning::tokens;
use crate::http::AppState;
use crate::protocols::oidc::{self, Provider, token_info};

/// An authenticated provisioning system, and the origin its changes are audited with.
pub struct ScimCaller {
    pub origin: Origin,
    pub state: web::Data<AppState>,
}

fn bearer(req: &HttpRequest) -> Result<String, ScimError> {
    crate::http::bearer_token(req)
        .ok_or_else(|| ScimError::unauthorized(false, "Send a bearer token: Authorization: Bearer <token>."))
}

fn invalid_token() -> ScimError {
    ScimError::unauthorized(true, "The token is not valid: unknown, expired or revoked.")
}

async fn denied(state: &AppState, origin: &Origin, reason: &str, who: &str) -> Result<(), ScimError> {
    audit::record(
        state.store.as_ref(),
        state.clock.now(),
        origin,
        AuditKind::DirectoryAccessDenied,
        Outcome::Denied,
        None,
        json!({ "reason": reason, "caller": who }),
    )
    .await?;
    Ok(())
}

async fn authenticate(req: HttpRequest) -> Result<ScimCaller, ScimError> {
    let token = bearer(&req)?;
    let (Some(state), Some(op)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<Provider>>().cloned(),
    ) else {
        return Err(crate::core::Error::Internal("SCIM is mounted without its state".into()).into());
    };
    let origin = crate::http::session::origin(&req);
    let now = state.clock.now();
    if token.starts_with(tokens::PREFIX) {
        return match tokens::authenticate(state.store.as_ref(), now, &token).await? {
            Some(found) => Ok(ScimCaller {
                origin: origin.with_actor(format!("scim:token:{}", found.name)),
                state,
            }),
            None => {
                denied(&state, &origin, "unknown_or_revoked_token", "static token").await?;
                Err(invalid_token())
            }
        };
    }
    let issuer = oidc::issuer(&state.config.public_url);
    let ctx = oidc::http::ctx(&state, &op, &issuer, &origin);
    let claims = token_info::active_access_token(&ctx, &token)
        .await?
        .ok_or_else(invalid_token)?;
    let client_id = claims["client_id"].as_str().unwrap_or_default().to_string();
    let client = op
        .clients
        .client(ctx.store, &client_id)
        .await?
        .ok_or_else(invalid_token)?;
    let subject = claims["sub"].as_str().unwrap_or_default();
    let is_client_token = subject == client.client_id && claims.get("auth_time").is_none();
    if !is_client_token || client.service_role != Some(ServiceRole::Scim) {
        denied(&state, &origin, "not_a_provisioning_client", &client_id).await?;
        return Err(ScimError::forbidden(
            "Only a client registered with --service-role scim (its client_credentials tokens) may provision.",
        ));
    }
    Ok(ScimCaller {
        origin: origin.with_actor(format!("scim:{client_id}")),
        state,
    })
}

impl FromRequest for ScimCaller {
    type Error = ScimError;
    type Future = Pin<Box<dyn Future<Output = Result<ScimCaller, ScimError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}
