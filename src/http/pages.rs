//! Rendering pages from the embedded templates. Every page is `no-store`: they carry CSRF tokens,
//! personal data or one-time links.
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder};
use tera::Context;

static STYLESHEET: &str = include_str!("../../templates/static/gatehouse.css");
static WEBAUTHN_SCRIPT: &str = include_str!("../../templates/static/webauthn.js");
static APPROVAL_SCRIPT: &str = include_str!("../../templates/static/approval.js");

pub fn context() -> Context {
    let mut ctx = Context::new();
    ctx.insert("error", &Option::<String>::None);
    ctx.insert("notice", &Option::<String>::None);
    ctx
}

/// What every page knows besides its own values: the request's language (and the others to switch to) and the
/// installation's brand.
fn with_page_env(ctx: &Context) -> Context {
    let mut ctx = ctx.clone();
    let lang = crate::i18n::current();
    let brand = super::brand::current();
    ctx.insert("lang", lang.code());
    let others: Vec<_> = crate::i18n::Lang::ALL
        .into_iter()
        .filter(|l| *l != lang)
        .map(|l| serde_json::json!({ "code": l.code(), "name": l.native_name() }))
        .collect();
    ctx.insert("languages", &others);
    ctx.insert("product", &brand.name);
    ctx.insert("brand", brand.as_ref());
    // Messages the core wrote in English (form errors) in the page's language where the catalogue has them.
    for key in ["error", "notice"] {
        if let Some(text) = ctx.get(key).and_then(|v| v.as_str()).map(crate::i18n::core_text) {
            ctx.insert(key, &text);
        }
    }
    ctx
}

/// Renders `template` into a response builder's body. A template that fails to render is a bug; the
/// person still gets a plain 500 page rather than a broken one.
pub fn render(mut builder: HttpResponseBuilder, template: &str, ctx: &Context) -> HttpResponse {
    match crate::templates::shared().render(template, &with_page_env(ctx)) {
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

/// An error page. `message` is in the page's language already, or an English text of the core's, which is
/// translated here when the catalogue has it.
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    error_page_with(status, message, ErrorDetail::default())
}

/// What an error page may say beside its message, each in the page's language: the party concerned (a sentence
/// naming the application), an address that was refused (shown as text, never as a link), and what to do.
#[derive(Debug, Default)]
pub struct ErrorDetail {
    pub party: Option<String>,
    pub refused_address: Option<String>,
    pub hint: Option<String>,
}

/// An error page with more to say than its message.
pub fn error_page_with(status: StatusCode, message: &str, detail: ErrorDetail) -> HttpResponse {
    let message = crate::i18n::core_text(message);
    let message = message.as_str();
    let mut ctx = context();
    ctx.insert("status", &status.as_u16());
    ctx.insert("reason", &status_reason(status));
    ctx.insert("message", message);
    ctx.insert("party", &detail.party);
    ctx.insert("refused_address", &detail.refused_address);
    ctx.insert("hint", &detail.hint);
    page(status, "error.html", &ctx)
}

/// A status's name in the page's language (`Not Found`, `Nicht gefunden`).
fn status_reason(status: StatusCode) -> String {
    let key = format!("status-{}", status.as_u16());
    if crate::i18n::has_message(crate::i18n::current(), &key) || crate::i18n::has_message(crate::i18n::Lang::En, &key) {
        crate::i18n::t(&key)
    } else {
        status.canonical_reason().unwrap_or("Error").to_string()
    }
}

pub async fn not_found() -> HttpResponse {
    error_page(StatusCode::NOT_FOUND, &crate::i18n::t("error-no-page"))
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

pub async fn script() -> HttpResponse {
    javascript(WEBAUTHN_SCRIPT)
}

/// The polling of the cross-device approval pages (`web::approval`).
pub async fn approval_script() -> HttpResponse {
    javascript(APPROVAL_SCRIPT)
}

fn javascript(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}
