//! Rendering pages from the embedded templates. Every page is `no-store`: they carry CSRF tokens,
//! personal data or one-time links.
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder};
use tera::Context;

static STYLESHEET: &str = include_str!("../../templates/static/gatehouse.css");
static WEBAUTHN_SCRIPT: &str = include_str!("../../templates/static/webauthn.js");

pub fn context() -> Context {
    let mut ctx = Context::new();
    ctx.insert("product", "Gatehouse");
    ctx.insert("error", &Option::<String>::None);
    ctx.insert("notice", &Option::<String>::None);
    ctx
}

/// Renders `template` into a response builder's body. A template that fails to render is a bug; the
/// person still gets a plain 500 page rather than a broken one.
pub fn render(mut builder: HttpResponseBuilder, template: &str, ctx: &Context) -> HttpResponse {
    match crate::templates::shared().render(template, ctx) {
        Ok(body) => builder
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed to render");
            HttpResponse::InternalServerError()
                .insert_header((CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body("internal error")
        }
    }
}

/// Renders a page that carries a form: the CSRF token goes into `csrf`, and the browser's CSRF cookie is set when
/// it has none yet.
pub fn with_csrf(
    req: &actix_web::HttpRequest,
    state: &crate::http::AppState,
    status: StatusCode,
    template: &str,
    mut ctx: Context,
) -> HttpResponse {
    let (token, cookie) = super::csrf::issue(req, state);
    ctx.insert("csrf", &token);
    let mut builder = HttpResponse::build(status);
    if let Some(cookie) = cookie {
        builder.cookie(cookie);
    }
    render(builder, template, &ctx)
}

pub fn page(status: StatusCode, template: &str, ctx: &Context) -> HttpResponse {
    render(HttpResponse::build(status), template, ctx)
}

pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    let mut ctx = context();
    ctx.insert("status", &status.as_u16());
    ctx.insert("reason", status.canonical_reason().unwrap_or("Error"));
    ctx.insert("message", message);
    page(status, "error.html", &ctx)
}

pub async fn not_found() -> HttpResponse {
    error_page(StatusCode::NOT_FOUND, "There is no page at this address.")
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(WEBAUTHN_SCRIPT)
}
