//! The transmitter's HTTP face: `/.well-known/ssf-configuration`, who may call `/ssf/…` (a receiver), and the
//! JSON errors every SSF endpoint answers with. The stream endpoints themselves are `http_streams.rs`.
//!
//! A receiver authenticates with a `client_credentials` access token from our own `/token`, of a client
//! registered with `--service-role ssf`; its stream is the one of that client. A person's token or another
//! service client's gets 403 (audited), an unknown, expired or revoked token 401 `invalid_token`.
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::json;
use std::future::Future;
use std::pin::Pin;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::oauth::ServiceRole;
use crate::core::ssf;
use crate::http::AppState;
use crate::protocols::oidc::{self, Provider, token_info};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/.well-known/ssf-configuration", web::get().to(configuration))
        .route("/ssf/streams", web::get().to(super::http_streams::read))
        .route("/ssf/streams", web::post().to(super::http_streams::create))
        .route("/ssf/streams", web::patch().to(super::http_streams::update))
        .route("/ssf/streams", web::put().to(super::http_streams::replace))
        .route("/ssf/streams", web::delete().to(super::http_streams::delete))
        .route("/ssf/status", web::get().to(super::http_subjects::status))
        .route("/ssf/status", web::post().to(super::http_subjects::set_status))
        .route("/ssf/subjects:add", web::post().to(super::http_subjects::add))
        .route("/ssf/subjects:remove", web::post().to(super::http_subjects::remove))
        .route("/ssf/verify", web::post().to(super::http_streams::verify));
}

/// The transmitter configuration metadata (SSF 1.0 §7.1).
async fn configuration(state: web::Data<AppState>) -> HttpResponse {
    let iss = oidc::issuer(&state.config.public_url);
    HttpResponse::Ok().json(json!({
        "spec_version": "1_0",
        "issuer": iss,
        "jwks_uri": format!("{iss}/jwks"),
        "delivery_methods_supported": [ssf::PUSH],
        "configuration_endpoint": format!("{iss}/ssf/streams"),
        "status_endpoint": format!("{iss}/ssf/status"),
        "verification_endpoint": format!("{iss}/ssf/verify"),
        "add_subject_endpoint": format!("{iss}/ssf/subjects:add"),
        "remove_subject_endpoint": format!("{iss}/ssf/subjects:remove"),
        "authorization_schemes": [{ "spec_urn": "urn:ietf:rfc:6749" }],
        // A new stream hears of every user; a receiver takes users out with subjects:remove (SSF 1.0 §7.1).
        "default_subjects": "ALL",
    }))
}

/// An SSF error: a status and a JSON body `{error, error_description}`.
#[derive(Debug)]
pub struct SsfError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

impl SsfError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        SsfError {
            status,
            code,
            description: description.into(),
        }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "This receiver has no stream with that id.",
        )
    }
}

impl std::fmt::Display for SsfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.description)
    }
}

impl From<crate::core::Error> for SsfError {
    fn from(e: crate::core::Error) -> Self {
        use crate::core::Error;
        match e {
            Error::Invalid(text) => Self::bad_request(text),
            Error::Conflict(text) => Self::new(StatusCode::CONFLICT, "conflict", text),
            Error::NotFound(_) => Self::not_found(),
            Error::Unavailable(_) | Error::Busy { .. } => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Try again shortly.")
            }
            other => {
                tracing::error!(error = %other, "SSF request failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "The request failed.")
            }
        }
    }
}

impl ResponseError for SsfError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = if self.code == "invalid_token" {
                r#"Bearer error="invalid_token""#
            } else {
                "Bearer"
            };
            response.insert_header(("www-authenticate", challenge));
        }
        response.json(json!({ "error": self.code, "error_description": self.description }))
    }
}

/// An authenticated receiver.
pub struct Receiver {
    pub client_id: String,
    pub origin: Origin,
    pub state: web::Data<AppState>,
    pub op: web::Data<Provider>,
}

fn bearer(req: &HttpRequest) -> Result<String, SsfError> {
    crate::http::bearer_token(req).ok_or_else(|| {
        SsfError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a bearer token: Authorization: Bearer <token>.",
        )
    })
}

async fn denied(state: &AppState, origin: &Origin, reason: &str, who: &str) -> Result<(), SsfError> {
    audit::record(
        state.store.as_ref(),
        state.clock.now(),
        origin,
        AuditKind::SsfAccessDenied,
        Outcome::Denied,
        None,
        json!({ "reason": reason, "caller": who }),
    )
    .await?;
    Ok(())
}

async fn authenticate(req: HttpRequest) -> Result<Receiver, SsfError> {
    let token = bearer(&req)?;
    let (Some(state), Some(op)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<Provider>>().cloned(),
    ) else {
        return Err(crate::core::Error::Internal("SSF is mounted without its state".into()).into());
    };
    let origin = crate::http::session::origin(&req);
    let invalid = || {
        SsfError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The token is unknown, expired or revoked.",
        )
    };
    let issuer = oidc::issuer(&state.config.public_url);
    let ctx = oidc::http::ctx(&state, &op, &issuer, &origin);
    let Some(claims) = token_info::active_access_token(&ctx, &token).await? else {
        denied(&state, &origin, "unknown_or_revoked_token", "bearer token").await?;
        return Err(invalid());
    };
    let client_id = claims["client_id"].as_str().unwrap_or_default().to_string();
    let client = op.clients.client(ctx.store, &client_id).await?.ok_or_else(invalid)?;
    let is_client_token =
        claims["sub"].as_str() == Some(client.client_id.as_str()) && claims.get("auth_time").is_none();
    if !is_client_token || client.service_role != Some(ServiceRole::Ssf) {
        denied(&state, &origin, "not_a_receiver", &client_id).await?;
        return Err(SsfError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only a client registered with --service-role ssf (its client_credentials tokens) may manage a stream.",
        ));
    }
    Ok(Receiver {
        origin: origin.with_actor(format!("ssf:{client_id}")),
        client_id,
        state,
        op,
    })
}

impl FromRequest for Receiver {
    type Error = SsfError;
    type Future = Pin<Box<dyn Future<Output = Result<Receiver, SsfError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}
