//! Who calls the admin API: a bearer access token from Gatehouse's own `/token`, turned into an [`Operator`].
//!
//! - A `client_credentials` token of a client registered with `--service-role` acts with that role.
//! - A person's token acts with the person's administrative role (`admin`, else `helpdesk`) when it carries the
//!   scope `gatehouse:admin`, the client is still allowed that scope, and the sign-in behind it is strong enough
//!   for the role (`core::delegation::level_needed`); otherwise 401 with RFC 9470's
//!   `insufficient_user_authentication` and the `acr_values` to sign in with.
//!
//! A person's token also keeps to the networks the installation and their roles allow for signing in (403
//! otherwise, audited as at sign-in).
//!
//! No token: 401 with a bare Bearer challenge. A token that is not ours, expired, revoked, or of a removed client:
//! 401 `invalid_token`. A valid token without the right role or scope: 403.
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;

use super::problem::Problem;
use crate::core::audit::Origin;
use crate::core::delegation::{self, Operator, Permission, PersonCheck};
use crate::core::model::User;
use crate::core::oauth::ADMIN_SCOPE;
use crate::core::policy::enforcement;
use crate::core::signin::login;
use crate::core::store::Store;
use crate::http::AppState;
use crate::protocols::oidc::{self, Provider, token_info};

/// The operator behind a request, and the origin its audit events carry (actor = the operator).
pub struct Caller {
    pub operator: Operator,
    pub origin: Origin,
    pub state: web::Data<AppState>,
}

impl Caller {
    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.state.clock.now()
    }

    /// 403 unless the operator's role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), Problem> {
        Ok(self.operator.require(permission)?)
    }

    /// 403 unless the operator holds `permission` and may act on `target` (only admins act on admins).
    pub async fn require_on(&self, permission: Permission, target: &User) -> Result<(), Problem> {
        Ok(self.operator.require_on(self.store(), permission, target).await?)
    }
}

fn bearer(req: &HttpRequest) -> Result<String, Problem> {
    crate::http::bearer_token(req)
        .ok_or_else(|| Problem::unauthorized(None, "Send an access token: Authorization: Bearer <token>.", ""))
}

fn invalid_token() -> Problem {
    Problem::unauthorized(
        Some("invalid_token"),
        "The access token is not valid: expired, revoked, or not issued here.",
        "",
    )
}

async fn authenticate(req: HttpRequest) -> Result<Caller, Problem> {
    let token = bearer(&req)?;
    let (Some(state), Some(op)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<Provider>>().cloned(),
    ) else {
        return Err(crate::core::Error::Internal("the admin API is mounted without its state".into()).into());
    };
    let origin = crate::http::session::origin(&req);
    let issuer = oidc::issuer(&state.config.public_url);
    let ctx = oidc::http::ctx(&state, &op, &issuer, &origin);
    let claims = token_info::active_access_token(&ctx, &token)
        .await?
        .ok_or_else(invalid_token)?;
    let client_id = claims["client_id"].as_str().unwrap_or_default();
    let client = op
        .clients
        .client(ctx.store, client_id)
        .await?
        .ok_or_else(invalid_token)?;
    let subject = claims["sub"].as_str().unwrap_or_default();
    // A client_credentials token names the client as its subject and has no sign-in behind it (no auth_time).
    let operator = if subject == client.client_id && claims.get("auth_time").is_none() {
        let role = client.service_role.ok_or_else(|| {
            Problem::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "This client has no service role: register it with --service-role to use the admin API.",
            )
        })?;
        Operator::client(&client.client_id, role)
    } else {
        let scoped = claims["scope"]
            .as_str()
            .is_some_and(|s| s.split_whitespace().any(|s| s == ADMIN_SCOPE));
        if !scoped || !client.extra_scopes.iter().any(|s| s == ADMIN_SCOPE) {
            return Err(Problem::insufficient_scope(
                ADMIN_SCOPE,
                "A person's token needs the scope gatehouse:admin, from a client allowed to ask for it.",
            ));
        }
        let user = ctx.store.user_by_id(subject).await?.ok_or_else(invalid_token)?;
        let amr: Vec<String> = claims["amr"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        match delegation::person(ctx.store, ctx.now, &user, delegation::Proof::Methods(&amr)).await? {
            PersonCheck::Operator(operator) => {
                // The networks the installation and the person's roles allow for signing in hold for their
                // token too (a refusal is audited as `login.ip_denied`, as at sign-in).
                let acting = origin.with_actor(operator.actor.clone());
                let global = state.config.ip_rules();
                login::enforce_ip(ctx.store, ctx.now, &acting, Some(&user), "global", [&global]).await?;
                let requirement = enforcement::requirement_for(ctx.store, ctx.now, &user).await?;
                login::enforce_ip(ctx.store, ctx.now, &acting, Some(&user), "role", &requirement.ip_rules).await?;
                operator
            }
            PersonCheck::NoRole => {
                return Err(Problem::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    "Only active administrators and helpdesk agents may use the admin API.",
                ));
            }
            PersonCheck::TooWeak { needed } => {
                return Err(Problem::unauthorized(
                    Some("insufficient_user_authentication"),
                    "Your sign-in is not strong enough for your role: sign in again at the level named in acr_values.",
                    &format!(r#", acr_values="{needed}""#),
                ));
            }
        }
    };
    let origin = origin.with_actor(operator.actor.clone());
    Ok(Caller {
        operator,
        origin,
        state,
    })
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, Problem>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}
