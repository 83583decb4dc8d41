//! DPoP (RFC 9449) over HTTP for the endpoints that take proofs: reading the one `DPoP` header, verifying it for
//! this endpoint (`dpop::verify`), recording refusals, and handing out nonces in `DPoP-Nonce`. The token endpoint
//! and `/par` answer refusals as token errors (`invalid_dpop_proof`, `use_dpop_nonce`, 400); userinfo answers
//! them as a resource server (401 with a `DPoP` challenge, `http_userinfo`).
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use super::dpop::{self, Expected, Proof, Refusal};
use super::issuer;
use super::tokens::TokenError;
use crate::http::AppState;
use crate::http::session;

pub const DPOP: &str = "dpop";
pub const DPOP_NONCE: &str = "dpop-nonce";

/// The request's one `DPoP` header: `None` without one; a refusal for several, or one that is not text.
pub fn proof_header(req: &HttpRequest) -> Result<Option<&str>, Refusal> {
    let mut values = req.headers().get_all(DPOP);
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Refusal::Invalid("more than one DPoP header"));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| Refusal::Invalid("the DPoP header is not text"))
}

/// Verifies the request's proof, if it has one, for `method` at our endpoint `path` (with `ath` for
/// `access_token`); a refusal is recorded (`oidc.dpop_refused` at `endpoint`) before it is returned.
pub async fn verify_request(
    req: &HttpRequest,
    state: &AppState,
    path: &str,
    endpoint: &str,
    access_token: Option<&str>,
) -> crate::core::Result<Result<Option<Proof>, Refusal>> {
    let now = state.clock.now();
    let verdict = match proof_header(req) {
        Ok(None) => return Ok(Ok(None)),
        Ok(Some(proof)) => {
            let url = format!("{}{path}", issuer(&state.config.public_url));
            let expected = Expected {
                method: req.method().as_str(),
                url: &url,
                access_token,
                nonce_required: state.config.dpop_nonce_required,
            };
            dpop::verify(state.store.as_ref(), proof, &expected, now, &state.keys.dpop_nonce).await?
        }
        Err(refusal) => Err(refusal),
    };
    match verdict {
        Ok(proof) => Ok(Ok(Some(proof))),
        Err(refusal) => {
            let origin = session::origin(req);
            dpop::audit_refusal(state.store.as_ref(), now, &origin, endpoint, None, refusal.reason()).await?;
            Ok(Err(refusal))
        }
    }
}

/// The proof of a request to the token endpoint or `/par`: its key's thumbprint, or the token error to answer.
pub async fn token_proof(
    req: &HttpRequest,
    state: &AppState,
    path: &str,
    endpoint: &str,
) -> Result<Option<String>, TokenError> {
    match verify_request(req, state, path, endpoint, None).await? {
        Ok(proof) => Ok(proof.map(|p| p.jkt)),
        Err(Refusal::UseNonce) => Err(TokenError::UseDpopNonce),
        Err(refusal) => Err(TokenError::InvalidDpopProof(refusal.description())),
    }
}

/// Adds a fresh nonce in `DPoP-Nonce` to an answer to a request that carried a proof (or was told to), so the
/// client always holds a current one (RFC 9449 §8.2).
pub fn with_nonce(req: &HttpRequest, state: &AppState, mut response: HttpResponse, asked: bool) -> HttpResponse {
    if (asked || req.headers().contains_key(DPOP))
        && let Ok(value) = HeaderValue::from_str(&dpop::nonce(&state.keys.dpop_nonce, state.clock.now()))
    {
        response
            .headers_mut()
            .insert(HeaderName::from_static(DPOP_NONCE), value);
    }
    response
}
