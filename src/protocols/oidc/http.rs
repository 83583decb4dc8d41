//! OpenID Provider endpoints: discovery, JWKS, authorization (with sign-in and consent in between), token,
//! userinfo. Token and userinfo answers are JSON with `Cache-Control: no-store`; errors follow RFC 6749 §5.2 and
//! RFC 6750 §3.
use actix_web::http::StatusCode;
use actix_web::http::header::{self, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::authorize::{self, Arrival, AuthorizeParams, Kept, PageRefusal, Rejection, Validated};
use super::tokens::{self, Ctx, Presented, TokenError, TokenRequest};
use super::{Provider, SCOPES, grants, issuer, keys, stepup, token_info};
use crate::core::audit::Origin;
use crate::core::model::{Session, User};
use crate::core::policy::assurance;
use crate::core::secrets::random_token;
use crate::core::signin::next_step::{Judged, NextStep, Refusal, SessionFit, next_step};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::WebError;
use crate::http::form::{Form, Params, Query};
use crate::http::signout;
use crate::http::{csrf, pages, session};
use crate::i18n;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/.well-known/openid-configuration", web::get().to(discovery))
        .route("/jwks", web::get().to(jwks))
        .route("/authorize", web::get().to(authorize))
        .route("/authorize", web::post().to(authorize))
        .route("/authorize/resume", web::get().to(resume))
        .route("/authorize/consent", web::post().to(consent))
        .route("/authorize/switch", web::post().to(switch_account))
        .route("/token", web::post().to(token))
        .route("/par", web::post().to(super::http_par::par))
        .route("/revoke", web::post().to(revoke))
        .route("/introspect", web::post().to(introspect))
        .route("/userinfo", web::get().to(super::http_userinfo::userinfo))
        .route("/userinfo", web::post().to(super::http_userinfo::userinfo))
        .configure(super::http_logout::routes)
        .configure(super::http_device::routes);
}

const AUTH_METHODS: [&str; 4] = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"];

async fn discovery(state: web::Data<AppState>) -> HttpResponse {
    let iss = issuer(&state.config.public_url);
    HttpResponse::Ok().json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "jwks_uri": format!("{iss}/jwks"),
        "revocation_endpoint": format!("{iss}/revoke"),
        "introspection_endpoint": format!("{iss}/introspect"),
        "device_authorization_endpoint": format!("{iss}/device_authorization"),
        "end_session_endpoint": format!("{iss}/end_session"),
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants::SUPPORTED,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": keys::ALGORITHMS,
        "userinfo_signing_alg_values_supported": [],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "prompt_values_supported": ["none", "login", "consent"],
        "acr_values_supported": assurance::supported(),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "at_hash", "azp",
            "name", "preferred_username", "updated_at", "email", "email_verified", "phone_number", "roles"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        // Only request_uris from the PAR endpoint are taken, which RFC 9126 §4 allows whatever this says.
        "request_uri_parameter_supported": false,
        "pushed_authorization_request_endpoint": format!("{iss}/par"),
        "require_pushed_authorization_requests": state.config.require_pushed_authorization_requests,
        "dpop_signing_alg_values_supported": super::dpop::ALGORITHMS,
    }))
}

async fn jwks(state: web::Data<AppState>, op: web::Data<Provider>) -> Result<HttpResponse, WebError> {
    let max_age = keys::PUBLISH_AHEAD.num_seconds();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")))
        .json(op.keys.jwks(state.store.as_ref(), state.clock.now()).await?))
}

/// The context of a token operation for this request.
pub fn ctx<'a>(state: &'a AppState, op: &'a Provider, issuer: &'a str, origin: &'a Origin) -> Ctx<'a> {
    Ctx {
        store: state.store.as_ref(),
        keys: &op.keys,
        clients: &op.clients,
        issuer,
        now: state.clock.now(),
        origin,
        limits: state.limits,
    }
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, location)).finish()
}

/// How error pages and the consent page name a client: its display name with its id (so a name alone cannot pass
/// for another application), or the id.
pub(super) fn client_label(client_id: &str, client_name: Option<&str>) -> String {
    match client_name {
        Some(name) => i18n::t_args("errors-party-named", &[("name", name.into()), ("id", client_id.into())]),
        None => client_id.to_string(),
    }
}

/// The longest refused address an error page shows; the rest is cut with an ellipsis.
const SHOWN_ADDRESS_CHARS: usize = 512;

/// Gatehouse's own error page for a request that cannot be sent back to the client: it names the client and, for
/// an unregistered redirect URI, shows the address as text (escaped by the template, never a link).
fn refusal_page(refusal: PageRefusal) -> HttpResponse {
    let party = |label: String| Some(i18n::t_args("errors-party", &[("party", label.into())]));
    let (message, detail) = match refusal {
        PageRefusal::NoClient => (i18n::t("oidc-error-no-client"), pages::ErrorDetail::default()),
        PageRefusal::UnknownClient { client_id } => (
            i18n::t("oidc-error-unknown-client"),
            pages::ErrorDetail {
                party: party(client_id),
                hint: Some(i18n::t("oidc-error-hint")),
                ..Default::default()
            },
        ),
        PageRefusal::NoRedirect { client_id, client_name } => (
            i18n::t("oidc-error-no-redirect"),
            pages::ErrorDetail {
                party: party(client_label(&client_id, client_name.as_deref())),
                hint: Some(i18n::t("oidc-error-hint")),
                ..Default::default()
            },
        ),
        PageRefusal::UnregisteredRedirect {
            client_id,
            client_name,
            redirect_uri,
        } => {
            let label = client_label(&client_id, client_name.as_deref());
            let mut shown: String = redirect_uri.chars().take(SHOWN_ADDRESS_CHARS).collect();
            if shown.len() < redirect_uri.len() {
                shown.push('…');
            }
            (
                i18n::t_args("oidc-error-redirect-unregistered", &[("client", label.clone().into())]),
                pages::ErrorDetail {
                    party: party(label),
                    refused_address: Some(shown),
                    hint: Some(i18n::t("oidc-error-redirect-hint")),
                },
            )
        }
        PageRefusal::InvalidRequestUri { client_id } => (
            i18n::t("oidc-error-request-uri"),
            pages::ErrorDetail {
                party: party(client_id),
                hint: Some(i18n::t("oidc-error-request-uri-hint")),
                ..Default::default()
            },
        ),
    };
    pages::error_page_with(StatusCode::BAD_REQUEST, &message, detail)
}

fn rejection(state: &AppState, rejection: Rejection) -> HttpResponse {
    match rejection {
        Rejection::Page(refusal) => refusal_page(refusal),
        Rejection::Redirect(e) => see_other(authorize::error_url(&issuer(&state.config.public_url), &e)),
        Rejection::Failed(e) => actix_web::ResponseError::error_response(&WebError::Core(e)),
    }
}

/// How a request that did not come pushed is judged: refused when every client must push.
fn direct(state: &AppState) -> Arrival {
    Arrival::Direct {
        par_required: state.config.require_pushed_authorization_requests,
    }
}

/// `/authorize` (GET or POST): validates a new authorization request — or takes a pushed one by its
/// `request_uri`, once, ignoring every other parameter but `client_id` (RFC 9126 §4) — keeps it server-side, and
/// continues it.
async fn authorize(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Params(params): Params<AuthorizeParams>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    // Only our own request_uris are references to pushed requests; any other is judged (and refused with
    // `request_uri_not_supported`) by the ordinary rules.
    let pushed = params
        .request_uri
        .as_deref()
        .filter(|uri| uri.starts_with(super::par::REQUEST_URI_PREFIX));
    let (params, arrival) = match pushed {
        None => (params, direct(&state)),
        Some(request_uri) => {
            let client_id = params.client_id.clone().unwrap_or_default();
            if client_id.is_empty() {
                return Ok(refusal_page(PageRefusal::NoClient));
            }
            let origin = session::origin(&req);
            match super::par::take(state.store.as_ref(), now, &origin, &client_id, request_uri).await? {
                Some(pushed) => (pushed, Arrival::Pushed),
                None => return Ok(refusal_page(PageRefusal::InvalidRequestUri { client_id })),
            }
        }
    };
    let validated = match authorize::validate(state.store.as_ref(), params, arrival).await {
        Ok(v) => v,
        Err(r) => return Ok(rejection(&state, r)),
    };
    let id = random_token();
    let kept = Kept {
        params: validated.params.clone(),
        pushed: arrival == Arrival::Pushed,
    };
    let params = serde_json::to_string(&kept).map_err(|e| crate::core::Error::Internal(e.to_string()))?;
    state
        .store
        .put_authorization_request(
            &id,
            &validated.client.client_id,
            &params,
            now,
            now + authorize::REQUEST_LIFETIME,
        )
        .await?;
    proceed(&req, &state, &op, &id, &validated, now).await
}

#[derive(Deserialize)]
struct ResumeQuery {
    request: String,
}

/// Back from sign-in (or consent): the stored request continues.
async fn resume(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Query(query): Query<ResumeQuery>,
) -> Result<HttpResponse, WebError> {
    let (validated, requested_at) = load(&state, &query.request).await?;
    match validated {
        Ok(v) => proceed(&req, &state, &op, &query.request, &v, requested_at).await,
        Err(r) => Ok(rejection(&state, r)),
    }
}

async fn load(
    state: &AppState,
    id: &str,
) -> Result<(Result<Validated, Rejection>, chrono::DateTime<chrono::Utc>), WebError> {
    let found = state.store.authorization_request(id, state.clock.now()).await?;
    let Some((_, params, requested_at)) = found else {
        return Err(WebError::BadRequest(i18n::t("oidc-error-request-expired")));
    };
    let kept: Kept = serde_json::from_str(&params).map_err(|e| crate::core::Error::Internal(e.to_string()))?;
    let arrival = if kept.pushed { Arrival::Pushed } else { direct(state) };
    Ok((
        authorize::validate(state.store.as_ref(), kept.params, arrival).await,
        requested_at,
    ))
}

/// Sign-in if needed (or `login_required`), consent if needed (or `consent_required`), then the code.
async fn proceed(
    req: &HttpRequest,
    state: &AppState,
    op: &Provider,
    id: &str,
    request: &Validated,
    requested_at: chrono::DateTime<chrono::Utc>,
) -> Result<HttpResponse, WebError> {
    let now = state.clock.now();
    let iss = issuer(&state.config.public_url);
    let error = |code: &'static str, description: &str| {
        see_other(authorize::error_url(
            &iss,
            &authorize::ErrorRedirect {
                redirect_uri: request.redirect_uri.clone(),
                error: code,
                description: description.into(),
                state: request.params.state.clone(),
            },
        ))
    };
    let current = session::current(req, state).await?;
    // id_token_hint names the user the client expects: another user's session does not count (OIDC Core §3.1.2.1).
    let hinted = match &request.params.id_token_hint {
        None => None,
        Some(hint) => {
            let origin = session::origin(req);
            let ctx = ctx(state, op, &iss, &origin);
            match token_info::verified_jwt(&ctx, hint, None, &request.client.client_id, false).await? {
                Some(claims) => claims["sub"].as_str().map(str::to_string),
                None => {
                    return Ok(error(
                        "invalid_request",
                        "The id_token_hint is not an ID token issued to this client.",
                    ));
                }
            }
        }
    };
    let fits = |(s, _): &&(Session, User)| {
        authorize::session_is_fresh_enough(request, requested_at, s, now)
            && (hinted.as_deref().is_none_or(|sub| sub == s.user_id) || s.auth_time >= requested_at)
    };
    let fit = match current.as_ref() {
        None => SessionFit::None,
        Some(found) if fits(&found) => SessionFit::Fits,
        Some(_) => SessionFit::Stale,
    };
    // The level asked for (acr_values, the client's minimum) and consent, judged once the session fits.
    let judged = match (fit, current.as_ref()) {
        (SessionFit::Fits, Some((session, user))) => {
            let assessment = stepup::assess(state.store.as_ref(), now, request, session, user).await?;
            let consent_needed = request.prompt_consent
                || !authorize::has_consent(state.store.as_ref(), request, &session.user_id).await?;
            Some((session, user, assessment, consent_needed))
        }
        _ => None,
    };
    let facts = judged.as_ref().map(|(_, _, assessment, consent_needed)| Judged {
        admitted: Ok(()),
        level: assessment.decision,
        context_met: true,
        consent_needed: *consent_needed,
    });
    let step = next_step(request.prompt_none, fit, facts.as_ref());
    let resume = format!("/authorize/resume?request={}", encode(id));
    let Some((session, user, assessment, _)) = judged else {
        return Ok(match step {
            NextStep::Refuse(_) => error("login_required", "The user must sign in."),
            _ => see_other(format!("/login?reauth=1&return_to={}", encode(&resume))),
        });
    };
    // A level the session does not have yet is audited whatever comes of it.
    if assessment.decision != stepup::Decision::Met {
        let result = match step {
            NextStep::Refuse(Refusal::LevelUnreachable) => "unmet",
            NextStep::Refuse(_) => "interaction_required",
            _ => "prompted",
        };
        let origin = session::origin(req).with_actor(format!("user:{}", user.id));
        assessment
            .record(
                state.store.as_ref(),
                now,
                &origin,
                user,
                &request.client.client_id,
                result,
            )
            .await?;
    }
    match step {
        NextStep::StepUp => Ok(see_other(format!(
            "/login/factor?level={}&return_to={}",
            encode(assessment.level()),
            encode(&resume)
        ))),
        NextStep::Consent => Ok(consent_page(req, state, id, request, user)),
        NextStep::Refuse(refusal) => {
            let (code, description) = match refusal {
                Refusal::LevelUnreachable => (
                    "unmet_authentication_requirements",
                    "The user cannot reach the requested assurance level with the sign-in methods their account may use.",
                ),
                Refusal::ConsentRequired => (
                    "consent_required",
                    "The user has not agreed to share this with the application.",
                ),
                _ => (
                    "interaction_required",
                    "The requested assurance level needs another sign-in step.",
                ),
            };
            Ok(error(code, description))
        }
        NextStep::SignIn { .. } => Ok(see_other(format!("/login?reauth=1&return_to={}", encode(&resume)))),
        NextStep::Answer => {
            let origin = session::origin(req).with_actor(format!("user:{}", session.user_id));
            let location =
                authorize::issue_code(state.store.as_ref(), now, &origin, &iss, request, session, &assessment).await?;
            Ok(see_other(location))
        }
    }
}

/// The consent page: who asks (name, id, logo, policy and terms links), what for, and who is signed in — with
/// "Not you?" to sign out and come back to the same request as someone else.
///
/// A client's logo comes from its own host, which the site-wide Content-Security-Policy does not allow; this page
/// alone is answered with a policy that also allows images from that one origin (nothing else is widened). The
/// image is loaded without a referrer.
fn consent_page(req: &HttpRequest, state: &AppState, id: &str, request: &Validated, user: &User) -> HttpResponse {
    let client = &request.client;
    let logo = client
        .logo_uri
        .as_deref()
        .and_then(|uri| url::Url::parse(uri).ok())
        .filter(|url| url.origin().is_tuple())
        .map(|url| (url.to_string(), url.origin().ascii_serialization()));
    let mut ctx = pages::context();
    ctx.insert("request", id);
    ctx.insert("client_id", &client.client_id);
    ctx.insert(
        "client",
        &json!({
            "id": client.client_id,
            "label": client_label(&client.client_id, client.client_name.as_deref()),
            "logo_uri": logo.as_ref().map(|(uri, _)| uri),
            "policy_uri": client.policy_uri,
            "tos_uri": client.tos_uri,
        }),
    );
    ctx.insert(
        "account",
        // A display name that only repeats the username is said once.
        &json!({ "id": user.id, "username": user.username,
            "display_name": Some(user.display_name.trim()).filter(|n| !n.is_empty() && *n != user.username) }),
    );
    ctx.insert("scopes", &request.scope.split_whitespace().collect::<Vec<_>>());
    let mut response = pages::with_csrf(req, state, StatusCode::OK, "oidc/consent.html", ctx);
    if let Some((_, origin)) = &logo {
        let brand = crate::http::brand::Brand::logo_origin(&state.config);
        let mut origins: Vec<&str> = brand.as_deref().into_iter().collect();
        origins.push(origin);
        if let Ok(value) = header::HeaderValue::from_str(&crate::http::content_security_policy(&origins)) {
            response
                .headers_mut()
                .insert(header::HeaderName::from_static("content-security-policy"), value);
        }
    }
    response
}

#[derive(Deserialize)]
struct ConsentForm {
    csrf: Option<String>,
    request: String,
    decision: String,
}

async fn consent(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Form(form): Form<ConsentForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let (validated, requested_at) = load(&state, &form.request).await?;
    let request = match validated {
        Ok(v) => v,
        Err(r) => return Ok(rejection(&state, r)),
    };
    let Some((_, user)) = session::current(&req, &state).await? else {
        let resume = format!("/authorize/resume?request={}", encode(&form.request));
        return Ok(see_other(format!("/login?return_to={}", encode(&resume))));
    };
    let now = state.clock.now();
    if form.decision != "allow" {
        let iss = issuer(&state.config.public_url);
        return Ok(see_other(authorize::error_url(
            &iss,
            &authorize::ErrorRedirect {
                redirect_uri: request.redirect_uri.clone(),
                error: "access_denied",
                description: "The user declined.".into(),
                state: request.params.state.clone(),
            },
        )));
    }
    state
        .store
        .put_consent(&user.id, &request.client.client_id, &request.scope, now)
        .await?;
    let mut request = request;
    request.prompt_consent = false;
    proceed(&req, &state, &op, &form.request, &request, requested_at).await
}

#[derive(Deserialize)]
struct SwitchForm {
    csrf: Option<String>,
    request: String,
}

/// "Not you?" on the consent page: signs the browser out (server-side, every protocol told, as `/logout` does)
/// and sends it to sign in, then back to the same authorization request. The request is checked first: an
/// expired one signs nobody out.
async fn switch_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<SwitchForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let (validated, _) = load(&state, &form.request).await?;
    if let Err(r) = validated {
        return Ok(rejection(&state, r));
    }
    let resume = format!("/authorize/resume?request={}", encode(&form.request));
    let sign_in = format!("/login?return_to={}", encode(&resume));
    if let Some((session, user)) = session::current(&req, &state).await? {
        signout::end(&req, &state, &session, &user).await?;
        // Out of the parties that need the browser first (SAML front-channel), ending at the sign-in page.
        if let Some(hop) = signout::browser_hop(&req, &state, &session, &user, Some(sign_in.clone())).await? {
            return Ok(hop);
        }
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, sign_in))
        .cookie(session::clear_session_cookie(&state))
        .finish())
}

pub(super) fn token_error(e: TokenError) -> HttpResponse {
    let status = match &e {
        TokenError::InvalidClient { .. } => StatusCode::UNAUTHORIZED,
        TokenError::Server(detail) => {
            tracing::error!(%detail, "token endpoint error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        TokenError::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    if matches!(e, TokenError::InvalidClient { basic: true }) {
        response.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"gatehouse\""));
    }
    if e == TokenError::TemporarilyUnavailable {
        response.insert_header((header::RETRY_AFTER, crate::http::error::RETRY_AFTER_UNAVAILABLE_SECS));
    }
    response.json(json!({ "error": e.code(), "error_description": e.description() }))
}

/// `Authorization: Basic` credentials (RFC 6749 §2.3.1: both parts form-urlencoded).
pub(super) fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, TokenError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| TokenError::InvalidClient { basic: true })?;
    let Some(encoded) = text.strip_prefix("Basic ") else {
        return Ok(None);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| TokenError::InvalidClient { basic: true })?;
    let decoded = String::from_utf8(decoded).map_err(|_| TokenError::InvalidClient { basic: true })?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or(TokenError::InvalidClient { basic: true })?;
    let unescape = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|c| c.into_owned())
    };
    match (unescape(id), unescape(secret)) {
        (Ok(id), Ok(secret)) => Ok(Some((id, secret))),
        _ => Err(TokenError::InvalidClient { basic: true }),
    }
}

/// The form and the Basic credentials of a request to the token, device-authorization, revocation or
/// introspection endpoint; malformed ones are a `TokenError`, answered as the token endpoint answers errors.
pub(super) fn token_form(
    req: &HttpRequest,
    form: Result<Form<TokenRequest>, WebError>,
) -> Result<(TokenRequest, Presented), TokenError> {
    let Ok(Form(request)) = form else {
        return Err(TokenError::InvalidRequest(
            "The request must be a well-formed application/x-www-form-urlencoded body without repeated parameters."
                .into(),
        ));
    };
    let basic = basic_credentials(req)?;
    Ok((request, Presented { basic, dpop: None }))
}

async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    form: Result<Form<TokenRequest>, WebError>,
) -> HttpResponse {
    let (request, mut presented) = match token_form(&req, form) {
        Ok(found) => found,
        Err(e) => return token_error(e),
    };
    let origin = session::origin(&req);
    let iss = issuer(&state.config.public_url);
    let result = match super::http_dpop::token_proof(&req, &state, "/token", "token").await {
        Ok(dpop) => {
            presented.dpop = dpop;
            tokens::exchange(&ctx(&state, &op, &iss, &origin), &presented, &request).await
        }
        Err(e) => Err(e),
    };
    let asked = matches!(result, Err(TokenError::UseDpopNonce));
    let response = match result {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(body),
        Err(e) => token_error(e),
    };
    super::http_dpop::with_nonce(&req, &state, response, asked)
}

/// The form and client authentication shared by revocation and introspection; errors as at the token endpoint.
async fn authenticated_form(
    req: &HttpRequest,
    state: &AppState,
    op: &Provider,
    form: Result<Form<TokenRequest>, WebError>,
) -> Result<(std::sync::Arc<crate::core::oauth::Client>, String), HttpResponse> {
    let (request, presented) = token_form(req, form).map_err(token_error)?;
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(req));
    let client = super::client_auth::authenticate_client(&ctx(state, op, &iss, &origin), &presented, &request)
        .await
        .map_err(token_error)?;
    let token = request
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| token_error(TokenError::InvalidRequest("token is missing.".into())))?;
    Ok((client, token))
}

async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    form: Result<Form<TokenRequest>, WebError>,
) -> HttpResponse {
    let (client, token) = match authenticated_form(&req, &state, &op, form).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(&req));
    match token_info::revoke(&ctx(&state, &op, &iss, &origin), &client, &token).await {
        Ok(()) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(e) => token_error(e.into()),
    }
}

async fn introspect(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    form: Result<Form<TokenRequest>, WebError>,
) -> HttpResponse {
    let (client, token) = match authenticated_form(&req, &state, &op, form).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(&req));
    match token_info::introspect(&ctx(&state, &op, &iss, &origin), &client, &token).await {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(body),
        Err(e) => token_error(e.into()),
    }
}
