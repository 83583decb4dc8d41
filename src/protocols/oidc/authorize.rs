//! The authorization endpoint's rules (RFC 6749 §4.1, OIDC Core §3.1.2, RFC 7636, RFC 9207, RFC 9700):
//! exact redirect URI match, code flow only, PKCE S256 (required for public clients, `plain` refused),
//! `prompt`, `max_age`, `nonce`, `state`, and `iss` on every response. Assurance levels (`acr_values`, a
//! client's minimum) are judged in `stepup`. The same rules judge a request pushed to `/par` (RFC 9126, `par`);
//! a client that must push (its own setting or the global one) is refused a plain request.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::Session;
use crate::core::oauth::{Client, CodeGrant};
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// An authorization code lives at most this long (security.md: ≤ 60 s).
pub const CODE_LIFETIME: Duration = Duration::seconds(60);
/// A pending authorization request waits this long for the user to sign in.
pub const REQUEST_LIFETIME: Duration = Duration::minutes(15);

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub acr_values: Option<String>,
    pub id_token_hint: Option<String>,
    /// Request objects are not supported (discovery says so); they are refused, never silently ignored.
    pub request: Option<String>,
    pub request_uri: Option<String>,
    /// RFC 9449 §10: the thumbprint of the key the code will be bound to; the token request must prove it.
    pub dpop_jkt: Option<String>,
    /// RFC 8707: the resource server the tokens are for.
    pub resource: Option<String>,
}

/// An authorization request as kept server-side while the user signs in and consents: its parameters, and
/// whether it came pushed (so resuming it judges it as it was judged at first).
#[derive(Debug, Serialize, Deserialize)]
pub struct Kept {
    #[serde(flatten)]
    pub params: AuthorizeParams,
    #[serde(default)]
    pub pushed: bool,
}

#[derive(Debug)]
pub enum Rejection {
    /// Shown on Gatehouse's own error page: the client or its redirect URI cannot be trusted with a redirect.
    Page(PageRefusal),
    /// Sent to the validated redirect URI.
    Redirect(ErrorRedirect),
    /// The request could not be judged (e.g. the store is unavailable): answered by the one domain-error mapping
    /// (`503` with `Retry-After` for an outage), never as a verdict on the request.
    Failed(Error),
}

/// Why a request is refused on Gatehouse's own page, with what the page says about it: the client (its id and
/// display name) and, for an unregistered redirect URI, the address as it came — shown, never followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageRefusal {
    /// No `client_id`, or one longer than any client id.
    NoClient,
    /// A `client_id` no registered client has.
    UnknownClient { client_id: String },
    /// A registered client that gave no `redirect_uri`.
    NoRedirect {
        client_id: String,
        client_name: Option<String>,
    },
    /// A `redirect_uri` the client has not registered (compared exactly).
    UnregisteredRedirect {
        client_id: String,
        client_name: Option<String>,
        redirect_uri: String,
    },
    /// A `request_uri` that names no pushed request this client may use now (RFC 9126 §4 `invalid_request_uri`):
    /// unknown, used, expired or another client's. No redirect URI has been judged yet, so none is followed.
    InvalidRequestUri { client_id: String },
}

#[derive(Debug)]
pub struct ErrorRedirect {
    pub redirect_uri: String,
    pub error: &'static str,
    pub description: String,
    pub state: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Validated {
    pub client: Client,
    pub params: AuthorizeParams,
    pub redirect_uri: String,
    pub scope: String,
    pub prompt_none: bool,
    pub prompt_login: bool,
    pub prompt_consent: bool,
    pub max_age: Option<i64>,
}

impl From<Error> for Rejection {
    fn from(e: Error) -> Self {
        Rejection::Failed(e)
    }
}

fn too_long(value: &Option<String>, max: usize) -> bool {
    value.as_ref().is_some_and(|v| v.len() > max)
}

/// How a request reached the authorization endpoint (RFC 9126): its parameters in the address, pushed to `/par`
/// (being judged there), or taken from a pushed request by its `request_uri`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// A plain request; `par_required` is the global `require_pushed_authorization_requests`.
    Direct { par_required: bool },
    /// At `/par`: a `request_uri` inside a pushed request is refused.
    Pushing,
    /// Taken once from a pushed request.
    Pushed,
}

pub async fn validate(
    store: &dyn Store,
    params: AuthorizeParams,
    arrival: Arrival,
) -> std::result::Result<Validated, Rejection> {
    let client_id = params.client_id.clone().unwrap_or_default();
    if client_id.is_empty() || client_id.len() > 128 {
        return Err(Rejection::Page(PageRefusal::NoClient));
    }
    let Some(client) = store.client(&client_id).await? else {
        return Err(Rejection::Page(PageRefusal::UnknownClient { client_id }));
    };
    // Exact string comparison with a registered URI: no prefix, no normalisation.
    let redirect_uri = params.redirect_uri.clone().unwrap_or_default();
    if !client.redirect_uris.contains(&redirect_uri) {
        let client_name = client.client_name.clone();
        return Err(Rejection::Page(if redirect_uri.is_empty() {
            PageRefusal::NoRedirect { client_id, client_name }
        } else {
            PageRefusal::UnregisteredRedirect {
                client_id,
                client_name,
                redirect_uri,
            }
        }));
    }
    let state = params.state.clone();
    let fail = |error: &'static str, description: &str| {
        Err(Rejection::Redirect(ErrorRedirect {
            redirect_uri: redirect_uri.clone(),
            error,
            description: description.into(),
            state: state.clone(),
        }))
    };
    if [
        &params.state,
        &params.nonce,
        &params.login_hint,
        &params.acr_values,
        &params.scope,
    ]
    .iter()
    .any(|v| too_long(v, 2048))
    {
        return fail("invalid_request", "A parameter is too long.");
    }
    if too_long(&params.id_token_hint, 8192) {
        return fail("invalid_request", "id_token_hint is too long.");
    }
    if params.request.is_some() {
        return fail("request_not_supported", "Request objects are not supported.");
    }
    if let Err(reason) = super::resources::judge(&client.allowed_resources, params.resource.as_deref(), None) {
        return fail("invalid_target", reason);
    }
    if params
        .dpop_jkt
        .as_deref()
        .is_some_and(|jkt| !super::dpop::is_thumbprint(jkt))
    {
        return fail(
            "invalid_request",
            "dpop_jkt must be a base64url SHA-256 JWK thumbprint (RFC 7638).",
        );
    }
    match arrival {
        _ if params.request_uri.is_none() => {}
        // A pushed request cannot point at another one (RFC 9126 §2.1).
        Arrival::Pushing => return fail("invalid_request", "A pushed request cannot carry a request_uri."),
        // Only `request_uri`s from `/par` are accepted, and the handler takes those before validation.
        _ => {
            return fail(
                "request_uri_not_supported",
                "Only request_uri values from the PAR endpoint are accepted.",
            );
        }
    }
    if let Arrival::Direct { par_required } = arrival
        && (par_required || client.require_par)
    {
        return fail(
            "invalid_request",
            "This client must use pushed authorization requests (PAR): push the request to the PAR endpoint first.",
        );
    }
    if params.response_type.as_deref() != Some("code") {
        return fail(
            "unsupported_response_type",
            "Only the authorization code flow (response_type=code) is supported.",
        );
    }
    let scope = params.scope.clone().unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if !scopes.contains(&"openid") {
        return fail("invalid_scope", "The scope must include openid.");
    }
    let scope = scopes
        .iter()
        // OpenID's scopes, and those beyond them this client was allowed (`gatehouse:admin`); others are ignored.
        .filter(|s| super::SCOPES.contains(s) || client.extra_scopes.iter().any(|e| e == *s))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    match (
        params.code_challenge.as_deref(),
        params.code_challenge_method.as_deref(),
    ) {
        (Some(_), Some("S256")) => {}
        (Some(_), _) => {
            return fail(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not accepted).",
            );
        }
        (None, Some(_)) => return fail("invalid_request", "code_challenge_method without code_challenge."),
        (None, None) if client.public => return fail("invalid_request", "Public clients must use PKCE (S256)."),
        (None, None) => {}
    }
    if let Some(challenge) = &params.code_challenge
        && (challenge.len() != 43
            || !challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return fail(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier.",
        );
    }
    let prompts: Vec<&str> = params.prompt.as_deref().unwrap_or("").split_whitespace().collect();
    if prompts.iter().any(|p| !["none", "login", "consent"].contains(p)) {
        return fail("invalid_request", "Unsupported prompt value.");
    }
    if prompts.contains(&"none") && prompts.len() > 1 {
        return fail("invalid_request", "prompt=none cannot be combined with other values.");
    }
    let max_age = match params.max_age.as_deref() {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => return fail("invalid_request", "max_age must be a non-negative number of seconds."),
        },
    };
    Ok(Validated {
        client,
        redirect_uri: redirect_uri.clone(),
        scope,
        prompt_none: prompts.contains(&"none"),
        prompt_login: prompts.contains(&"login"),
        prompt_consent: prompts.contains(&"consent"),
        max_age,
        params,
    })
}

/// Whether the session satisfies the request's freshness demands (`prompt=login` since the request began,
/// `max_age`).
pub fn session_is_fresh_enough(
    request: &Validated,
    requested_at: DateTime<Utc>,
    session: &Session,
    now: DateTime<Utc>,
) -> bool {
    if request.prompt_login && session.auth_time < requested_at {
        return false;
    }
    request
        .max_age
        .is_none_or(|max| (now - session.auth_time).num_seconds() <= max)
}

/// Whether the user already agreed to share these scopes with this client.
pub async fn has_consent(store: &dyn Store, request: &Validated, user_id: &str) -> Result<bool> {
    if request.client.trusted {
        return Ok(true);
    }
    Ok(match store.consent(user_id, &request.client.client_id).await? {
        Some(granted) => request
            .scope
            .split_whitespace()
            .all(|s| granted.split_whitespace().any(|g| g == s)),
        None => false,
    })
}

pub use crate::core::signin::sessions::sid;

/// Issues a code for the signed-in session and returns the redirect back to the client.
pub async fn issue_code(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    issuer: &str,
    request: &Validated,
    session: &Session,
    assessment: &super::stepup::Assessment,
) -> Result<String> {
    let code = random_token();
    let grant = CodeGrant {
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.params.code_challenge.clone(),
        nonce: request.params.nonce.clone(),
        scope: request.scope.clone(),
        // The level the session stands at (within its age and max_age), proven then.
        auth_time: assessment.proven_at,
        amr: session.amr.clone(),
        acr: super::stepup::claim(assessment, request.params.acr_values.as_deref(), &request.client),
        sid: sid(session),
        dpop_jkt: request.params.dpop_jkt.clone(),
        resource: request.params.resource.clone(),
    };
    store
        .insert_code(
            &token_digest(&code),
            &request.client.client_id,
            &session.user_id,
            &grant,
            now,
            now + CODE_LIFETIME,
        )
        .await?;
    // Whom to tell (back-channel logout) when this browser session ends.
    store
        .add_rp_session(&crate::core::store::RpSession {
            sid: grant.sid.clone(),
            client_id: request.client.client_id.clone(),
            session_hash: session.id_hash.clone(),
            user_id: session.user_id.clone(),
            created_at: now,
        })
        .await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::OidcCodeIssued,
        Outcome::Success,
        Some(&session.user_id),
        serde_json::json!({
            "client_id": request.client.client_id, "scope": request.scope, "acr": grant.acr,
            "acr_requested": assessment.requested, "acr_required": assessment.required,
        }),
    )
    .await?;
    Ok(response_url(
        &request.redirect_uri,
        &[
            ("code", Some(code.as_str())),
            ("state", request.params.state.as_deref()),
            ("iss", Some(issuer)),
        ],
    ))
}

/// `redirect_uri` with parameters appended to its query (RFC 9207: `iss` on every response, errors too).
pub fn response_url(redirect_uri: &str, pairs: &[(&str, Option<&str>)]) -> String {
    match Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (key, value) in pairs {
                    if let Some(value) = value {
                        query.append_pair(key, value);
                    }
                }
            }
            url.to_string()
        }
        Err(_) => redirect_uri.to_string(),
    }
}

pub fn error_url(issuer: &str, e: &ErrorRedirect) -> String {
    response_url(
        &e.redirect_uri,
        &[
            ("error", Some(e.error)),
            ("error_description", Some(e.description.as_str())),
            ("state", e.state.as_deref()),
            ("iss", Some(issuer)),
        ],
    )
}
