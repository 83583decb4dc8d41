//! Single logout endpoints: `/saml/slo` (GET = HTTP-Redirect, POST = HTTP-POST) takes LogoutRequests and
//! LogoutResponses from SPs; `FrontChannel`, the identity provider's step in the sign-out fan-out (`http::signout`),
//! logs a session that just ended elsewhere out of its SAML SPs.
//!
//! **From an SP**: a verified LogoutRequest (`slo::read_request`: signed, fresh, unseen, addressed to us) ends
//! the browser's Gatehouse session only if it names what this session told that SP — its NameID, and one of
//! the SessionIndexes if it gives any; the session ends through `http::signout::end`, the path `/logout`
//! takes, so OIDC back-channel logout still fires. The session's other SAML SPs are then logged out in turn,
//! and the chain ends with our signed LogoutResponse to the initiating SP. A request that does not match the
//! session ends nothing and is answered `Requester`. Without a session there is nothing to end: `Success`.
//! Anything that fails verification (unknown SP, bad or missing signature, replay) gets Gatehouse's error page.
//!
//! **The chain** (front-channel, one SP after another): each SP the session signed in to (the
//! `saml_session_participants` rows, taken and deleted one at a time) gets a signed LogoutRequest at the
//! SingleLogoutService of its metadata — a redirect for HTTP-Redirect, an auto-submitting form for HTTP-POST —
//! and the chain's state waits server-side under that request's ID until the SP's LogoutResponse names it in
//! InResponseTo. Then the next SP, and finally Gatehouse's signed-out page, the validated OIDC
//! `post_logout_redirect_uri`, or the LogoutResponse to the SP that started it. Messages go only to endpoints
//! from registered metadata; an SP without one is skipped (audited).
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use async_trait::async_trait;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::request::{Binding, Rejection};
use super::slo::{self, Incoming, LogoutRequest, Outgoing, STATUS_REQUESTER, STATUS_SUCCESS};
use super::{IdentityProvider, entity_id, new_id, slo_url};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::model::{Session, User};
use crate::core::{Error, Result};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::signout::{self, SignOutStep};
use crate::http::{pages, session};

/// How long the chain waits for one SP's LogoutResponse.
const CHAIN_LIFETIME: Duration = Duration::minutes(10);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/saml/slo", web::get().to(slo_redirect))
        .route("/saml/slo", web::post().to(slo_post));
}

/// Where the chain ends.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Finish {
    /// Gatehouse's signed-out page.
    Page,
    /// A validated OIDC `post_logout_redirect_uri`.
    Redirect(String),
    /// The LogoutResponse to the SP whose LogoutRequest started the chain.
    Saml {
        sp_entity_id: String,
        in_response_to: String,
        relay_state: Option<String>,
        binding: Binding,
    },
}

/// The state of a logout chain, kept server-side under the ID of the LogoutRequest it waits on.
#[derive(Debug, Serialize, Deserialize)]
struct Chain {
    session_hash: String,
    user_id: String,
    finish: Finish,
    /// The SP whose LogoutResponse is awaited.
    waiting_for: String,
}

async fn audit_slo(
    state: &AppState,
    req: &HttpRequest,
    outcome: Outcome,
    user_id: Option<&str>,
    details: serde_json::Value,
) -> Result<()> {
    let mut origin = session::origin(req);
    if let Some(user) = user_id {
        origin = origin.with_actor(format!("user:{user}"));
    }
    audit::record(
        state.store.as_ref(),
        state.clock.now(),
        &origin,
        AuditKind::SamlSlo,
        outcome,
        user_id,
        details,
    )
    .await
}

async fn refuse(req: &HttpRequest, state: &AppState, rejection: Rejection) -> Result<HttpResponse, WebError> {
    audit_slo(
        state,
        req,
        Outcome::Denied,
        None,
        json!({ "sp": rejection.sp, "reason": rejection.message.english() }),
    )
    .await?;
    super::http::refusal_page(state, &rejection).await
}

/// HTTP-Redirect: a LogoutRequest or a LogoutResponse, read from the raw query string.
async fn slo_redirect(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
) -> Result<HttpResponse, WebError> {
    let raw = req.query_string();
    let has = |name: &str| raw.split('&').any(|p| p.split('=').next() == Some(name));
    if has("SAMLResponse") && !has("SAMLRequest") {
        let incoming = slo::from_redirect(raw, "SAMLResponse");
        return on_response(&req, &state, &idp, incoming).await;
    }
    let incoming = slo::from_redirect(raw, "SAMLRequest");
    on_request(&req, &state, &idp, incoming).await
}

#[derive(Deserialize)]
struct PostForm {
    #[serde(rename = "SAMLRequest")]
    saml_request: Option<String>,
    #[serde(rename = "SAMLResponse")]
    saml_response: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

async fn slo_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
    Form(form): Form<PostForm>,
) -> Result<HttpResponse, WebError> {
    let incoming = |encoded: &str| {
        super::request::decode_post(encoded).map(|xml| Incoming {
            binding: Binding::Post,
            xml,
            relay_state: form.relay_state.clone(),
            redirect_signature: None,
        })
    };
    match (&form.saml_request, &form.saml_response) {
        (Some(request), None) => on_request(&req, &state, &idp, incoming(request)).await,
        (None, Some(response)) => on_response(&req, &state, &idp, incoming(response)).await,
        _ => Ok(pages::error_page(
            StatusCode::BAD_REQUEST,
            &crate::i18n::t("saml-error-request-or-response"),
        )),
    }
}

/// Whether a verified LogoutRequest names what `session` told its SP.
async fn matches_session(state: &AppState, request: &LogoutRequest, session: &Session) -> Result<bool> {
    let participants = state.store.saml_participants(&session.id_hash).await?;
    Ok(participants.iter().any(|p| {
        p.sp_entity_id == request.sp.entity_id
            && p.name_id == request.name_id
            && (request.session_indexes.is_empty() || request.session_indexes.contains(&p.session_index))
    }))
}

async fn on_request(
    req: &HttpRequest,
    state: &AppState,
    idp: &IdentityProvider,
    incoming: std::result::Result<Incoming, Rejection>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let slo_url = slo_url(&state.config.public_url);
    let verified = match incoming {
        Ok(incoming) => slo::read_request(state.store.as_ref(), &slo_url, now, incoming).await,
        Err(rejection) => Err(rejection),
    };
    let request = match verified {
        Ok(request) => request,
        Err(rejection) => return refuse(req, state, rejection).await,
    };
    if slo::endpoint(&request.sp, request.binding).is_none() {
        let rejection = Rejection {
            message: "saml-error-no-slo-service".into(),
            sp: Some(request.sp.entity_id.clone()),
        };
        return refuse(req, state, rejection).await;
    }
    let finish = Finish::Saml {
        sp_entity_id: request.sp.entity_id.clone(),
        in_response_to: request.id.clone(),
        relay_state: request.relay_state.clone(),
        binding: request.binding,
    };
    let details = json!({ "sp": request.sp.entity_id, "request_id": request.id, "direction": "from_sp" });
    let Some((session, user)) = session::current(req, state).await? else {
        audit_slo(
            state,
            req,
            Outcome::Success,
            None,
            json!({ "no_session": true, "details": details }),
        )
        .await?;
        return Ok(finish_chain(state, idp, &finish, STATUS_SUCCESS).await?);
    };
    if !matches_session(state, &request, &session).await? {
        audit_slo(
            state,
            req,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "the NameID or SessionIndex is not this session's", "details": details }),
        )
        .await?;
        return Ok(finish_chain(state, idp, &finish, STATUS_REQUESTER).await?);
    }
    signout::end(req, state, &session, &user).await?;
    state
        .store
        .delete_saml_participant(&session.id_hash, &request.sp.entity_id)
        .await?;
    audit_slo(state, req, Outcome::Success, Some(&user.id), details).await?;
    let chain = Chain {
        session_hash: session.id_hash.clone(),
        user_id: user.id.clone(),
        finish,
        waiting_for: String::new(),
    };
    let mut response = next(req, state, idp, chain).await?;
    response
        .add_cookie(&session::clear_session_cookie(state))
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(response)
}

async fn on_response(
    req: &HttpRequest,
    state: &AppState,
    idp: &IdentityProvider,
    incoming: std::result::Result<Incoming, Rejection>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let verified = match incoming {
        Ok(incoming) => {
            slo::read_response(state.store.as_ref(), &slo_url(&state.config.public_url), now, incoming).await
        }
        Err(rejection) => Err(rejection),
    };
    let response = match verified {
        Ok(response) => response,
        Err(rejection) => return refuse(req, state, rejection).await,
    };
    let expired = || pages::error_page(StatusCode::BAD_REQUEST, &crate::i18n::t("saml-error-logout-expired"));
    let chain = match state.store.saml_request(&response.in_response_to, now).await? {
        Some((_, params, _)) => serde_json::from_str::<Chain>(&params).ok(),
        None => None,
    };
    let Some(chain) = chain else {
        return Ok(expired());
    };
    if chain.waiting_for != response.sp_entity_id {
        let rejection = Rejection {
            message: "saml-error-logout-response-wrong-sp".into(),
            sp: Some(response.sp_entity_id),
        };
        return refuse(req, state, rejection).await;
    }
    if !state.store.delete_saml_request(&response.in_response_to).await? {
        return Ok(expired());
    }
    audit_slo(
        state,
        req,
        if response.status == STATUS_SUCCESS {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        Some(&chain.user_id),
        json!({ "sp": response.sp_entity_id, "direction": "to_sp", "status": response.status }),
    )
    .await?;
    Ok(next(req, state, idp, chain).await?)
}

/// The identity provider's part when a browser session ends elsewhere (`/logout`, `/end_session`): the browser
/// starts the front-channel chain through the SAML SPs the session reached.
pub struct FrontChannel(pub Arc<IdentityProvider>);

#[async_trait(?Send)]
impl SignOutStep for FrontChannel {
    /// `None` when the session reached no SAML SP, else the first hop (with the session cookie cleared).
    async fn browser_hop(
        &self,
        req: &HttpRequest,
        state: &AppState,
        session: &Session,
        user: &User,
        then: Option<String>,
    ) -> Result<Option<HttpResponse>, WebError> {
        if state.store.saml_participants(&session.id_hash).await?.is_empty() {
            return Ok(None);
        }
        let chain = Chain {
            session_hash: session.id_hash.clone(),
            user_id: user.id.clone(),
            finish: then.map_or(Finish::Page, Finish::Redirect),
            waiting_for: String::new(),
        };
        let mut response = next(req, state, &self.0, chain).await?;
        response
            .add_cookie(&session::clear_session_cookie(state))
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Some(response))
    }
}

/// The next SP of the chain gets its LogoutRequest; with none left, the chain finishes.
async fn next(req: &HttpRequest, state: &AppState, idp: &IdentityProvider, mut chain: Chain) -> Result<HttpResponse> {
    let now = state.clock.now();
    let issuer = entity_id(&state.config.public_url);
    // Each turn deletes one row, so this ends.
    for participant in state.store.saml_participants(&chain.session_hash).await? {
        state
            .store
            .delete_saml_participant(&chain.session_hash, &participant.sp_entity_id)
            .await?;
        if matches!(&chain.finish, Finish::Saml { sp_entity_id, .. } if *sp_entity_id == participant.sp_entity_id) {
            continue;
        }
        let Some(sp) = state.store.sp(&participant.sp_entity_id).await? else {
            continue;
        };
        let Some(endpoint) = slo::endpoint(&sp, Binding::Redirect) else {
            audit_slo(
                state,
                req,
                Outcome::Failure,
                Some(&chain.user_id),
                json!({ "sp": sp.entity_id, "reason": "no SingleLogoutService in its metadata" }),
            )
            .await?;
            continue;
        };
        let id = new_id();
        let xml = slo::logout_request_xml(&id, &issuer, &endpoint.location, &participant, now);
        let signer = idp.keys.signer(state.store.as_ref(), now).await?;
        let outgoing = slo::sign_for(
            &signer,
            &endpoint.binding,
            &endpoint.location,
            "SAMLRequest",
            &xml,
            &id,
            None,
        )?;
        chain.waiting_for = sp.entity_id.clone();
        let params = serde_json::to_string(&chain).map_err(|e| Error::Internal(e.to_string()))?;
        state
            .store
            .put_saml_request(&id, &sp.entity_id, &params, now, now + CHAIN_LIFETIME)
            .await?;
        return Ok(deliver(outgoing, &sp.entity_id));
    }
    finish_chain(state, idp, &chain.finish, STATUS_SUCCESS).await
}

/// The end of a chain: the signed-out page, the OIDC redirect, or the LogoutResponse to the initiating SP.
async fn finish_chain(state: &AppState, idp: &IdentityProvider, finish: &Finish, status: &str) -> Result<HttpResponse> {
    match finish {
        Finish::Page => {
            let mut builder = HttpResponse::Ok();
            builder.cookie(session::clear_session_cookie(state));
            Ok(pages::render(builder, "oidc/signed_out.html", &pages::context()))
        }
        Finish::Redirect(location) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, location.as_str()))
            .cookie(session::clear_session_cookie(state))
            .finish()),
        Finish::Saml {
            sp_entity_id,
            in_response_to,
            relay_state,
            binding,
        } => {
            let now = state.clock.now();
            let sp = state.store.sp(sp_entity_id).await?;
            let Some(endpoint) = sp.as_ref().and_then(|sp| slo::endpoint(sp, *binding)) else {
                return Ok(pages::error_page(
                    StatusCode::BAD_REQUEST,
                    &crate::i18n::t_args(
                        "saml-error-logout-nowhere",
                        &[("product", crate::http::brand::current().name.clone().into())],
                    ),
                ));
            };
            let location = endpoint.response_location.as_deref().unwrap_or(&endpoint.location);
            let id = new_id();
            let issuer = entity_id(&state.config.public_url);
            let xml = slo::logout_response_xml(&id, &issuer, location, in_response_to, status, now);
            let signer = idp.keys.signer(state.store.as_ref(), now).await?;
            let outgoing = slo::sign_for(
                &signer,
                &endpoint.binding,
                location,
                "SAMLResponse",
                &xml,
                &id,
                relay_state.as_deref(),
            )?;
            Ok(deliver(outgoing, sp_entity_id))
        }
    }
}

/// A signed message on its way: a redirect, or the auto-submitting form; never cached.
fn deliver(outgoing: Outgoing, sp: &str) -> HttpResponse {
    match outgoing {
        Outgoing::Redirect(url) => HttpResponse::SeeOther()
            .insert_header((LOCATION, url))
            .insert_header((CACHE_CONTROL, "no-store"))
            .finish(),
        Outgoing::Post {
            action,
            field,
            message,
            relay_state,
        } => {
            let mut ctx = pages::context();
            ctx.insert("action", &action);
            ctx.insert("field", field);
            ctx.insert("message", &message);
            ctx.insert("relay_state", &relay_state);
            ctx.insert("sp", sp);
            pages::render(HttpResponse::Ok(), "saml/logout_post.html", &ctx)
        }
    }
}
