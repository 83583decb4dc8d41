//! The admin REST API under `/api/v1`: JSON resources for users, roles, clients, service providers, keys, hardware
//! tokens and the audit log, for operators who automate (scripts, Terraform, their ITSM). Bearer tokens from our
//! own `/token` (`auth`); RFC 9457 problem documents for every error (`problem`); cursor pages (`page`).
//!
//! The OpenAPI 3.1 document at `/api/v1/openapi.json` is generated from the handlers registered here (utoipa):
//! a route is documented because it is registered, so the two cannot drift. Each resource's handlers call the
//! same `core` (or `protocols`) functions as the CLI and the console, so all three write the same audit events.
use actix_web::{HttpResponse, get, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

mod absence;
mod audit;
pub mod auth;
mod body;
mod clients;
mod credentials;
mod hardware_tokens;
mod keys;
mod page;
pub mod problem;
mod recovery;
mod recovery_verify;
mod reference;
mod roles;
mod sps;
mod users;

/// Request bodies of the API are small; anything larger is refused with 413 before it is parsed. Bodies that carry
/// files — SAML metadata, token seed files — are read by their handlers with limits of their own (`body`).
const MAX_JSON_BYTES: usize = 64 * 1024;

/// `text` as one path segment, percent-encoded as JavaScript's `encodeURIComponent` does it (an SP's entity ID is
/// a URL: `https%3A%2F%2Fsp.example%2Fmetadata`).
fn path_segment(text: &str) -> String {
    const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

/// Registers `/api/v1` (every resource, its error handlers, and the document itself).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .app_data(web::QueryConfig::default().error_handler(problem::query_error))
            .app_data(web::PathConfig::default().error_handler(problem::path_error))
            .service(openapi_json)
            .service(reference_page)
            .service(users::list)
            .service(users::create)
            .service(users::show)
            .service(users::update)
            .service(users::rename)
            .service(users::remove)
            .service(users::sessions)
            .service(users::end_sessions)
            .service(users::end_session)
            .service(users::add_role)
            .service(users::remove_role)
            .service(users::factors)
            .service(users::trusted_devices)
            .service(users::revoke_trusted_devices)
            .service(users::revoke_trusted_device)
            .service(users::unlock)
            .service(absence::show_absence)
            .service(absence::set_absence)
            .service(absence::clear_absence)
            .service(credentials::set_password)
            .service(credentials::password_link)
            .service(credentials::clear_clone_flag)
            .service(recovery::list)
            .service(recovery::open)
            .service(recovery::show)
            .service(recovery::approve)
            .service(recovery::deny)
            .service(recovery::execute)
            .service(recovery::cancel)
            .service(recovery_verify::verify)
            .service(recovery_verify::record_override)
            .service(roles::list)
            .service(roles::show)
            .service(roles::update)
            .service(clients::list)
            .service(clients::create)
            .service(clients::show)
            .service(clients::update)
            .service(clients::rotate_secret)
            .service(clients::remove)
            .service(sps::list)
            .service(sps::create)
            .service(sps::show)
            .service(sps::update)
            .service(sps::remove)
            .service(keys::list)
            .service(keys::rotate)
            .service(keys::certificates)
            .service(keys::rotate_certificate)
            .service(hardware_tokens::list)
            .service(hardware_tokens::import)
            .service(audit::list)
            .service(audit::export)
            .default_service(web::to(problem::not_found)),
    );
}

/// The OpenAPI document of everything `configure` registers.
pub fn openapi(public_url: &str) -> OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .configure(configure)
        .split_for_parts();
    doc.info = InfoBuilder::new()
        .title("Gatehouse admin API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Administration of a Gatehouse identity provider. Authenticate with a bearer access token from this \
             server's /token: a client_credentials token of a client registered with --service-role \
             (admin, helpdesk or auditor), or a person's token with the scope gatehouse:admin. Errors are RFC 9457 \
             problem documents.",
        ))
        .build();
    // Handlers in different files share names (`list`, `show`): the tag makes each operation id unique.
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if let (Some(tag), Some(id)) = (operation.tags.as_ref().and_then(|t| t.first()), &operation.operation_id) {
                operation.operation_id = Some(format!("{tag}_{id}"));
            }
        }
    }
    doc.servers = Some(vec![utoipa::openapi::Server::new(public_url.trim_end_matches('/'))]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    doc
}

/// The document and its reference page, rendered once at start.
pub struct Document {
    json: String,
    page: String,
}

impl Document {
    pub fn render(public_url: &str) -> anyhow::Result<Self> {
        let doc = openapi(public_url);
        let json = doc.to_json()?;
        let value: serde_json::Value = serde_json::from_str(&json)?;
        let page = crate::templates::shared().render("api/reference.html", &reference::context(&value))?;
        Ok(Document { json, page })
    }
}

/// This API's OpenAPI 3.1 document (no token needed).
#[utoipa::path(tag = "meta", responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
pub async fn openapi_json(doc: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.json.clone())
}

/// This API's reference for people, rendered from the same document (no token needed).
#[utoipa::path(tag = "meta", responses((status = 200, description = "The reference page", content_type = "text/html", body = String)))]
#[get("/reference")]
pub async fn reference_page(doc: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(doc.page.clone())
}
