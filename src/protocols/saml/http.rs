//! SAML endpoints: `/saml/metadata`, `/saml/sso` (GET = HTTP-Redirect binding, POST = HTTP-POST binding),
//! `/saml/sso/init` (IdP-initiated SSO, for SPs registered with `--allow-idp-initiated`) and `/saml/sso/resume`,
//! where a stored request continues after sign-in.
//!
//! IdP-initiated SSO stores a request like a verified AuthnRequest, but without an ID (the Response has no
//! InResponseTo) and with the SP's default HTTP-POST ACS from its metadata; from there on it is the same path.
//! Every successful answer records which SP the browser session signed in to, with the NameID and SessionIndex
//! it was given, for single logout (`http_slo`).
//!
//! A verified request is stored server-side and the browser is sent to `/saml/sso/resume` with its id: a
//! top-level GET, so the `SameSite=Lax` session cookie is present even when the SP's page posted the request
//! cross-site. A request whose NameIDPolicy names a format other than the SP's is answered at once with
//! `Requester`/`InvalidNameIDPolicy` at the validated ACS. Sign-in goes through `/login` (password, then the second factor) like any other; a session too weak
//! for the RequestedAuthnContext is stepped up on `/login/factor` as for OIDC (`core::policy::stepup`) and resumes here.
//! The answer is an auto-submitting form (a script from 'self', as the CSP allows, and a visible Continue button
//! without it) to the ACS from the SP's metadata, `Cache-Control: no-store`. Every answer and every refusal is
//! audited with the SP's entity ID.
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use super::request::{self, Binding, Incoming, Rejection, Validated};
use super::response::{
    self, STATUS_INVALID_NAME_ID_POLICY, STATUS_NO_AUTHN_CONTEXT, STATUS_NO_PASSIVE, STATUS_REQUEST_DENIED,
    STATUS_REQUESTER, Subject,
};
use super::{IdentityProvider, entity_id, metadata, slo_url, sso_url};
use super::{context, sps};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::UserStatus;
use crate::core::policy::{acr_age, assurance};
use crate::core::saml::SessionParticipant;
use crate::core::secrets::random_token;
use crate::core::signin::next_step::{Judged, NextStep, Refusal, SessionFit, next_step};
use crate::core::{Error, Result, policy::enforcement, policy::stepup};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::WebError;
use crate::http::form::{Form, Query};
use crate::http::{pages, session};
use crate::protocols::message::Message;

/// How long a request waits for the user to sign in.
pub const REQUEST_LIFETIME: Duration = Duration::minutes(15);

static POST_SCRIPT: &str = include_str!("../../../templates/static/saml-post.js");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/saml/metadata", web::get().to(metadata_document))
        .route("/saml/sso", web::get().to(sso_redirect))
        .route("/saml/sso", web::post().to(sso_post))
        .route("/saml/sso/init", web::get().to(sso_init))
        .route("/saml/sso/resume", web::get().to(resume))
        .route("/static/saml-post.js", web::get().to(script))
        .configure(super::http_slo::routes);
}

async fn metadata_document(
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let certificates = idp.keys.published(state.store.as_ref(), now).await?;
    let url = &state.config.public_url;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/samlmetadata+xml"))
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .body(metadata::document(
            &entity_id(url),
            &sso_url(url),
            &slo_url(url),
            &certificates,
        )))
}

async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(POST_SCRIPT)
}

/// HTTP-Redirect: the query string is read raw, because the signature covers its bytes as sent.
async fn sso_redirect(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
) -> Result<HttpResponse, WebError> {
    let incoming = request::redirect_query(req.query_string()).and_then(|(encoded, relay_state, signature)| {
        Ok(Incoming {
            binding: Binding::Redirect,
            xml: request::inflate_redirect(&encoded)?,
            relay_state,
            redirect_signature: signature,
        })
    });
    start(&req, &state, &idp, incoming).await
}

#[derive(Deserialize)]
struct PostForm {
    #[serde(rename = "SAMLRequest")]
    saml_request: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

async fn sso_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
    Form(form): Form<PostForm>,
) -> Result<HttpResponse, WebError> {
    let incoming = match form.saml_request.as_deref() {
        None => Err(Rejection {
            message: "saml-error-no-request".into(),
            sp: None,
        }),
        Some(encoded) => request::decode_post(encoded).map(|xml| Incoming {
            binding: Binding::Post,
            xml,
            relay_state: form.relay_state,
            redirect_signature: None,
        }),
    };
    start(&req, &state, &idp, incoming).await
}

async fn audit_sso(
    state: &AppState,
    origin: &Origin,
    outcome: Outcome,
    user_id: Option<&str>,
    details: serde_json::Value,
) -> Result<()> {
    audit::record(
        state.store.as_ref(),
        state.clock.now(),
        origin,
        AuditKind::SamlSso,
        outcome,
        user_id,
        details,
    )
    .await
}

/// A refused request: audited (in English), and shown on Gatehouse's error page — nothing is sent anywhere.
async fn refuse(req: &HttpRequest, state: &AppState, rejection: Rejection) -> Result<HttpResponse, WebError> {
    audit_sso(
        state,
        &session::origin(req),
        Outcome::Denied,
        None,
        json!({ "sp": rejection.sp, "reason": rejection.message.english() }),
    )
    .await?;
    refusal_page(state, &rejection).await
}

/// The error page of a refused SAML message, in the page's language, naming the registered SP it came from (its
/// display name from its metadata, and its entity ID).
pub(super) async fn refusal_page(state: &AppState, rejection: &Rejection) -> Result<HttpResponse, WebError> {
    let sp = match &rejection.sp {
        Some(entity_id) => state.store.sp(entity_id).await?,
        None => None,
    };
    let party = sp.map(|sp| {
        let lang = crate::i18n::current().code();
        let name = match sps::display_name(&sp.metadata, lang) {
            Some(name) => crate::i18n::t_args(
                "errors-party-named",
                &[("name", name.into()), ("id", sp.entity_id.clone().into())],
            ),
            None => sp.entity_id.clone(),
        };
        crate::i18n::t_args("errors-party", &[("party", name.into())])
    });
    let detail = pages::ErrorDetail {
        party,
        ..Default::default()
    };
    Ok(pages::error_page_with(
        StatusCode::BAD_REQUEST,
        &rejection.message.shown(),
        detail,
    ))
}

#[derive(Deserialize)]
struct InitQuery {
    sp: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// IdP-initiated SSO: `/saml/sso/init?sp=ENTITY_ID[&RelayState=…]`, only for an SP registered with
/// `allow_idp_initiated`; the Response goes to its default HTTP-POST ACS from its metadata.
async fn sso_init(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<InitQuery>,
) -> Result<HttpResponse, WebError> {
    let validated = idp_initiated(&state, query).await;
    let validated = match validated {
        Ok(v) => v,
        Err(rejection) => return refuse(&req, &state, rejection).await,
    };
    keep(&state, &validated).await
}

async fn idp_initiated(state: &AppState, query: InitQuery) -> std::result::Result<Validated, Rejection> {
    let unknown = || Rejection {
        message: "saml-error-idp-initiated-unknown".into(),
        sp: None,
    };
    if query.sp.len() > 1024 {
        return Err(unknown());
    }
    let Some(sp) = state.store.sp(&query.sp).await? else {
        return Err(unknown());
    };
    let denied = |message: Message| Rejection {
        message,
        sp: Some(sp.entity_id.clone()),
    };
    if !sp.allow_idp_initiated {
        return Err(denied("saml-error-idp-initiated-refused".into()));
    }
    if query
        .relay_state
        .as_ref()
        .is_some_and(|r| r.len() > request::MAX_RELAY_STATE_BYTES)
    {
        return Err(denied("saml-error-relay-state-too-long".into()));
    }
    let acs = request::default_acs(&sp).map_err(|r| denied(r.message))?;
    Ok(Validated {
        id: None,
        sp_entity_id: sp.entity_id.clone(),
        acs_url: acs.location.clone(),
        relay_state: query.relay_state,
        force_authn: false,
        is_passive: false,
        binding: Binding::Redirect,
        signed: false,
        requested_context: None,
        name_id_policy: None,
    })
}

/// Validates a new request, keeps it server-side, and continues at `/saml/sso/resume`.
async fn start(
    req: &HttpRequest,
    state: &AppState,
    idp: &IdentityProvider,
    incoming: std::result::Result<Incoming, Rejection>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let validated = match incoming {
        Ok(incoming) => {
            request::validate(state.store.as_ref(), &sso_url(&state.config.public_url), now, incoming).await
        }
        Err(rejection) => Err(rejection),
    };
    let validated = match validated {
        Ok(v) => v,
        Err(rejection) => return refuse(req, state, rejection).await,
    };
    // A NameID format the SP is not configured for: answered at once, to the validated ACS.
    if let Some(sp) = state.store.sp(&validated.sp_entity_id).await?
        && !request::name_id_policy_allows(validated.name_id_policy.as_deref(), sp.name_id_format)
    {
        let signer = idp.keys.signer(state.store.as_ref(), now).await?;
        let issuer = entity_id(&state.config.public_url);
        let body = response::status_with(
            &signer,
            &issuer,
            &validated,
            STATUS_REQUESTER,
            STATUS_INVALID_NAME_ID_POLICY,
            now,
        )?;
        audit_sso(
            state,
            &session::origin(req),
            Outcome::Denied,
            None,
            json!({ "sp": sp.entity_id, "reason": "name_id_policy", "status": STATUS_INVALID_NAME_ID_POLICY,
                "request_id": validated.id, "requested_format": validated.name_id_policy,
                "name_id_format": sp.name_id_format.uri() }),
        )
        .await?;
        return Ok(post_form(&validated, &body));
    }
    keep(state, &validated).await
}

/// Stores a request to answer and sends the browser to `/saml/sso/resume`.
async fn keep(state: &AppState, validated: &Validated) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let id = random_token();
    let params = serde_json::to_string(validated).map_err(|e| Error::Internal(e.to_string()))?;
    state
        .store
        .put_saml_request(&id, &validated.sp_entity_id, &params, now, now + REQUEST_LIFETIME)
        .await?;
    Ok(see_other(format!("/saml/sso/resume?request={}", encode(&id))))
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, location)).finish()
}

#[derive(Deserialize)]
struct ResumeQuery {
    request: String,
}

async fn load(state: &AppState, id: &str) -> Result<Option<(Validated, DateTime<Utc>)>> {
    if id.len() > 128 {
        return Ok(None);
    }
    let Some((_, params, requested_at)) = state.store.saml_request(id, state.clock.now()).await? else {
        return Ok(None);
    };
    // The table also holds single-logout chains (`http_slo`): anything else is not a request to resume.
    Ok(serde_json::from_str(&params)
        .ok()
        .map(|validated| (validated, requested_at)))
}

/// Sign-in if needed (or `NoPassive` for a passive request), then the Response.
async fn resume(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
    Query(query): Query<ResumeQuery>,
) -> Result<HttpResponse, WebError> {
    let Some((request, requested_at)) = load(&state, &query.request).await? else {
        return Ok(pages::error_page(
            StatusCode::BAD_REQUEST,
            &crate::i18n::t("saml-error-request-expired"),
        ));
    };
    let Some(sp) = state.store.sp(&request.sp_entity_id).await? else {
        return refuse(
            &req,
            &state,
            Rejection {
                message: "saml-error-sp-gone".into(),
                sp: Some(request.sp_entity_id.clone()),
            },
        )
        .await;
    };
    let now = state.clock.now();
    let issuer = entity_id(&state.config.public_url);
    let current = session::current(&req, &state).await?;
    let fit = match current.as_ref() {
        None => SessionFit::None,
        Some((s, _)) if !request.force_authn || s.auth_time >= requested_at => SessionFit::Fits,
        Some(_) => SessionFit::Stale,
    };
    let resume = format!("/saml/sso/resume?request={}", encode(&query.request));
    let (session, user) = match (fit, current.as_ref()) {
        (SessionFit::Fits, Some((session, user))) => (session, user),
        _ => {
            return match next_step(request.is_passive, fit, None) {
                NextStep::SignIn { again } => {
                    let reauth = if again { "reauth=1&" } else { "" };
                    Ok(see_other(format!("/login?{reauth}return_to={}", encode(&resume))))
                }
                _ => {
                    if !state.store.delete_saml_request(&query.request).await? {
                        return Ok(answered());
                    }
                    let signer = idp.keys.signer(state.store.as_ref(), now).await?;
                    let body = response::status(&signer, &issuer, &request, STATUS_NO_PASSIVE, now)?;
                    audit_sso(
                        &state,
                        &session::origin(&req),
                        Outcome::Denied,
                        None,
                        json!({ "sp": sp.entity_id, "reason": "no_passive", "request_id": request.id }),
                    )
                    .await?;
                    Ok(post_form(&request, &body))
                }
            };
        }
    };
    let roles = state.store.roles_of(&user.id).await?;
    let admitted = match sps::refusal(&sp, user.status == UserStatus::Active, &roles) {
        Some(why) => Err(why),
        None => Ok(()),
    };
    // Judged like OIDC acr_values: only factor kinds the user's current role policy allows count, and only levels
    // within their maximum age (`core::policy::acr_age`).
    let policy = enforcement::requirement_for(state.store.as_ref(), now, user).await?;
    let standing = acr_age::standing(session, &policy, now, None);
    let context_met = context::satisfied(request.requested_context.as_ref(), standing.level);
    // The same step-up decision as OIDC's acr_values and min_acr: the level the unmet context needs, raised to the
    // SP's minimum; a context that names no level of ours cannot be stepped up to.
    let mut required = None;
    let mut level = stepup::Decision::Met;
    if admitted.is_ok() && (!context_met || sp.min_acr.is_some()) {
        let needed = match request.requested_context.as_ref() {
            Some(asked) if !context_met => context::required_acr(asked).map(|l| vec![l]),
            _ => Some(Vec::new()),
        };
        required = needed.and_then(|levels| assurance::required(&levels, sp.min_acr.as_deref()));
        level = match required {
            Some(needed) => {
                stepup::assess(state.store.as_ref(), now, Vec::new(), Some(needed), None, session, user)
                    .await?
                    .decision
            }
            None => stepup::Decision::Unmet,
        };
    }
    let judged = Judged {
        admitted,
        level,
        context_met,
        consent_needed: false,
    };
    // Refusals go to the ACS validated above, as signed status Responses.
    let refused = match next_step(request.is_passive, fit, Some(&judged)) {
        NextStep::StepUp => {
            let level = required.unwrap_or(assurance::MULTI_FACTOR);
            audit_sso(
                &state,
                &session::origin(&req).with_actor(format!("user:{}", user.id)),
                Outcome::Success,
                Some(&user.id),
                json!({ "sp": sp.entity_id, "step_up": level, "request_id": request.id,
                    "requested_context": request.requested_context }),
            )
            .await?;
            return Ok(see_other(format!(
                "/login/factor?level={}&return_to={}",
                encode(level),
                encode(&resume)
            )));
        }
        NextStep::Refuse(Refusal::NotAdmitted(why)) => Some((STATUS_REQUEST_DENIED, why)),
        NextStep::Refuse(Refusal::InteractionRequired | Refusal::LoginRequired) => Some((
            STATUS_NO_PASSIVE,
            "the requested authentication context needs another sign-in step and the request is passive",
        )),
        NextStep::Refuse(_) => Some((
            STATUS_NO_AUTHN_CONTEXT,
            "the session's sign-in does not meet the requested authentication context or the SP's minimum level",
        )),
        NextStep::Answer | NextStep::Consent | NextStep::SignIn { .. } => None,
    };
    // One answer per request, even when two tabs resume it at once.
    if !state.store.delete_saml_request(&query.request).await? {
        return Ok(answered());
    }
    if let Some((code, why)) = refused {
        let signer = idp.keys.signer(state.store.as_ref(), now).await?;
        let body = response::status(&signer, &issuer, &request, code, now)?;
        audit_sso(
            &state,
            &session::origin(&req).with_actor(format!("user:{}", user.id)),
            Outcome::Denied,
            Some(&user.id),
            json!({ "sp": sp.entity_id, "reason": why, "status": code, "request_id": request.id,
                "requested_context": request.requested_context }),
        )
        .await?;
        return Ok(post_form(&request, &body));
    }
    let authn_context = context::class_to_send(request.requested_context.as_ref(), standing.level);
    let subject = Subject {
        user,
        roles: &roles,
        session,
        authn_context: &authn_context,
        authn_instant: standing.proven_at,
        name_id: response::name_id(&state.keys.saml_name_id, sp.name_id_format, user, &sp.entity_id),
    };
    let signer = idp.keys.signer(state.store.as_ref(), now).await?;
    let body = response::success(&signer, &issuer, &sp, &request, &subject, now)?;
    state
        .store
        .put_saml_participant(
            &SessionParticipant {
                session_hash: session.id_hash.clone(),
                sp_entity_id: sp.entity_id.clone(),
                name_id: subject.name_id.clone(),
                name_id_format: sp.name_id_format,
                session_index: response::session_index(session),
                created_at: now,
            },
            now - state.limits.absolute,
        )
        .await?;
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    audit_sso(
        &state,
        &origin,
        Outcome::Success,
        Some(&user.id),
        json!({
            "sp": sp.entity_id, "acs": request.acs_url, "request_id": request.id,
            "name_id_format": sp.name_id_format.as_str(), "authn_context": authn_context,
            "binding": request.binding, "signed_request": request.signed,
            "encrypted_assertion": sp.encrypt_assertion,
            "idp_initiated": request.id.is_none(),
        }),
    )
    .await?;
    Ok(post_form(&request, &body))
}

fn answered() -> HttpResponse {
    pages::error_page(StatusCode::BAD_REQUEST, &crate::i18n::t("saml-error-request-answered"))
}

/// The auto-submitting form that carries the Response to the ACS.
fn post_form(request: &Validated, saml_response: &str) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("acs_url", &request.acs_url);
    ctx.insert("saml_response", saml_response);
    ctx.insert("relay_state", &request.relay_state);
    pages::render(HttpResponse::Ok(), "saml/post.html", &ctx)
}
