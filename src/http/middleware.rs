//! Response headers every answer carries: security headers (security.md, "Web") and the request id
//! that also appears in logs and audit events.
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

/// The Content-Security-Policy of every answer; `img_origins` are origins images may come from besides our own.
/// A page that shows an image from elsewhere (the consent page's client logo) sends its own header with that
/// origin added: `DefaultHeaders` leaves a header the handler set alone.
pub fn content_security_policy(img_origins: &[&str]) -> String {
    let extra: String = img_origins.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:{extra}; \
         frame-ancestors 'none'; base-uri 'none'"
    )
}

/// `logo_origin`: where a configured brand logo is loaded from, which images may then come from too.
pub fn security_headers(https: bool, logo_origin: Option<&str>) -> DefaultHeaders {
    let csp = content_security_policy(logo_origin.as_slice());
    let mut headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", csp))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        // Not `no-referrer`: under it browsers send `Origin: null` on form posts, which the CSRF check refuses.
        // `same-origin` still keeps URLs (reset-link tokens) from leaking to other sites.
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        .add(("Cache-Control", "no-store"));
    if https {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
    }
    headers
}

/// Copies tracing-actix-web's request id into an `X-Request-Id` response header.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(id) = id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        res.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
