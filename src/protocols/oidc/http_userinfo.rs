//! `/userinfo` (OIDC Core §5.3), a resource server of ours: the access token comes as `Authorization: Bearer`,
//! as `access_token` in a POST body (RFC 6750 §2.2), or as `Authorization: DPoP` with a `DPoP` proof of the key
//! the token is bound to (RFC 9449 §7, with `ath`). A bound token is accepted only so; as a bearer token it is
//! refused (`invalid_token`, audited), and every DPoP refusal is a 401 with a `DPoP` challenge naming the
//! algorithms we accept. Answers are JSON with `Cache-Control: no-store`.
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::dpop::{self, Refusal};
use super::http::ctx;
use super::http_dpop::{self, with_nonce};
use super::token_info::{self, Presentation, Userinfo};
use super::{Provider, issuer};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::session;

#[derive(Deserialize, Default)]
struct UserinfoForm {
    access_token: Option<String>,
}

/// How the client sent its token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

/// A `WWW-Authenticate` challenge: `Bearer`, or `DPoP` with the algorithms accepted (RFC 9449 §7.1).
fn challenge(scheme: Scheme, error: Option<&str>) -> String {
    let error = error.map(|e| format!(" error=\"{e}\"")).unwrap_or_default();
    match scheme {
        Scheme::Bearer if error.is_empty() => "Bearer".into(),
        Scheme::Bearer => format!("Bearer{error}"),
        Scheme::Dpop if error.is_empty() => format!("DPoP algs=\"{}\"", dpop::ALGORITHMS.join(" ")),
        Scheme::Dpop => format!("DPoP{error}, algs=\"{}\"", dpop::ALGORITHMS.join(" ")),
    }
}

fn unauthorized(scheme: Scheme, error: &str) -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header((header::WWW_AUTHENTICATE, challenge(scheme, Some(error))))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "error": error }))
}

/// The token of the `Authorization` header and its scheme (case-insensitive, RFC 9110 §11.1).
fn from_header(req: &HttpRequest) -> Option<(Scheme, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return None;
    };
    Some((scheme, token.trim().to_string()))
}

pub(super) async fn userinfo(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    body: web::Bytes,
) -> HttpResponse {
    let from_body = if req.method() == actix_web::http::Method::POST {
        serde_urlencoded::from_bytes::<UserinfoForm>(&body)
            .ok()
            .and_then(|f| f.access_token)
    } else {
        None
    };
    let (scheme, token) = match (from_header(&req), from_body) {
        (Some(_), Some(_)) => return HttpResponse::BadRequest().json(json!({ "error": "invalid_request" })),
        (Some(found), None) => found,
        (None, Some(t)) => (Scheme::Bearer, t),
        (None, None) => {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, challenge(Scheme::Bearer, None)))
                .append_header((header::WWW_AUTHENTICATE, challenge(Scheme::Dpop, None)))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
        }
    };
    if token.is_empty() || token.len() > 8192 {
        return unauthorized(scheme, "invalid_token");
    }
    let presented = match answer_proof(&req, &state, scheme, &token).await {
        Ok(Ok(presented)) => presented,
        Ok(Err(refused)) => return refused,
        Err(e) => return actix_web::ResponseError::error_response(&WebError::Core(e)),
    };
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(&req));
    let presentation = match &presented {
        Some(jkt) => Presentation::Dpop(jkt),
        None => Presentation::Bearer,
    };
    let answer = match token_info::userinfo(&ctx(&state, &op, &iss, &origin), &token, presentation).await {
        Ok(Userinfo::Claims(claims)) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(claims),
        Ok(Userinfo::Invalid) => unauthorized(scheme, "invalid_token"),
        Ok(Userinfo::Binding { reason, client_id }) => {
            let now = state.clock.now();
            if let Err(e) = dpop::audit_refusal(
                state.store.as_ref(),
                now,
                &origin,
                "userinfo",
                client_id.as_deref(),
                reason,
            )
            .await
            {
                return actix_web::ResponseError::error_response(&WebError::Core(e));
            }
            // RFC 9449 §7.1/§7.2: the challenge names the scheme the token needs.
            unauthorized(Scheme::Dpop, "invalid_token")
        }
        Err(e) => actix_web::ResponseError::error_response(&WebError::Core(e)),
    };
    with_nonce(&req, &state, answer, false)
}

/// Under the DPoP scheme, the proof (with `ath` for this token) must pass: its key's thumbprint, or the 401 to
/// answer. Under `Bearer` no proof is looked at.
async fn answer_proof(
    req: &HttpRequest,
    state: &AppState,
    scheme: Scheme,
    token: &str,
) -> crate::core::Result<Result<Option<String>, HttpResponse>> {
    if scheme == Scheme::Bearer {
        return Ok(Ok(None));
    }
    match http_dpop::verify_request(req, state, "/userinfo", "userinfo", Some(token)).await? {
        Ok(Some(proof)) => Ok(Ok(Some(proof.jkt))),
        Ok(None) => {
            let refusal = Refusal::Invalid("the DPoP scheme needs a DPoP proof");
            let origin = session::origin(req);
            dpop::audit_refusal(
                state.store.as_ref(),
                state.clock.now(),
                &origin,
                "userinfo",
                None,
                refusal.reason(),
            )
            .await?;
            Ok(Err(unauthorized(Scheme::Dpop, refusal.code())))
        }
        Err(refusal) => {
            let asked = refusal == Refusal::UseNonce;
            Ok(Err(with_nonce(
                req,
                state,
                unauthorized(Scheme::Dpop, refusal.code()),
                asked,
            )))
        }
    }
}
