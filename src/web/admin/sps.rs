//! `/admin/service-providers`: SAML service providers — the list, adding one from its metadata XML (pasted, or a
//! file read into the same field by `static/admin-file.js`; at most `sps::MAX_METADATA_BYTES`, 413 beyond) with
//! Gatehouse's settings for it (`NewServiceProvider`), one SP with what was read from its metadata, changing what
//! `sps::update` changes (new metadata for the same entity ID, NameID format, minimum level, encryption,
//! attributes) and removing it (confirmed first). Every change goes through `protocols::saml::sps` with
//! `Permission::ManageServiceProviders`, as `/api/v1/service-providers` and `gatehouse sp …` do, so the checks and
//! the audit events are the same. The forms that carry metadata are read after the operator is known
//! (`http::form::read`), with a limit of their own.
//!
//! Attributes are typed one a line, `name = source`, the source `username`, `email`, `name`, `roles` or
//! `static:VALUE`.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use std::collections::HashMap;

use super::{Confirmation, Console, Need, confirm, confirmed, context, done, encode_path, gate, render, rfc3339};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::core::policy::assurance;
use crate::core::saml::{AttributeMapping, AttributeSource, ServiceProvider, default_attributes};
use crate::http::error::WebError;
use crate::http::{AppState, csrf, form};
use crate::i18n;
use crate::protocols::saml::keys::certificate_facts;
use crate::protocols::saml::sps::{self, MAX_METADATA_BYTES, NewServiceProvider, SpChanges};

/// Metadata percent-encoded in a form takes up to three times its size; the settings beside it little.
const MAX_FORM_BYTES: usize = 3 * MAX_METADATA_BYTES + 64 * 1024;

const NAME_ID_FORMATS: [&str; 3] = ["persistent", "email", "transient"];
const ENCRYPTION_METHODS: [&str; 2] = ["aes256-gcm", "aes256-cbc"];

fn sp_path(entity_id: &str) -> String {
    format!("/admin/service-providers/{}", encode_path(entity_id))
}

fn attribute_lines(attributes: &[AttributeMapping]) -> String {
    attributes
        .iter()
        .map(|a| match &a.source {
            AttributeSource::Username => format!("{} = username", a.name),
            AttributeSource::Email => format!("{} = email", a.name),
            AttributeSource::Name => format!("{} = name", a.name),
            AttributeSource::Roles => format!("{} = roles", a.name),
            AttributeSource::Static { value } => format!("{} = static:{value}", a.name),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `name = source` a line; a refusal names the line.
fn parse_attributes(text: &str) -> Result<Vec<AttributeMapping>, Error> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let bad = |why: &str| Error::invalid(i18n::t_args(why, &[("line", (n + 1).into())]));
            let (name, source) = line
                .split_once('=')
                .ok_or_else(|| bad("admin-sp-attribute-no-equals"))?;
            let (name, source) = (name.trim(), source.trim());
            let source = match source.strip_prefix("static:") {
                Some(value) => AttributeSource::Static {
                    value: value.trim().to_string(),
                },
                None => AttributeSource::parse(source).ok_or_else(|| bad("admin-sp-attribute-bad-source"))?,
            };
            Ok(AttributeMapping::new(name, source))
        })
        .collect()
}

fn certificates(stored: &[String]) -> Result<Vec<serde_json::Value>, Error> {
    stored
        .iter()
        .map(|c| {
            let (fingerprint, not_after) = certificate_facts(c)?;
            Ok(serde_json::json!({ "fingerprint": fingerprint, "not_after": not_after }))
        })
        .collect()
}

fn view(sp: &ServiceProvider) -> Result<serde_json::Value, Error> {
    Ok(serde_json::json!({
        "entity_id": sp.entity_id, "path": sp_path(&sp.entity_id),
        "acs": sp.acs_endpoints.iter().map(|e| serde_json::json!({
            "binding": e.binding.rsplit(':').next().unwrap_or_default(), "location": e.location,
            "index": e.index, "is_default": e.is_default })).collect::<Vec<_>>(),
        "slo": sp.slo_endpoints.iter().map(|e| serde_json::json!({
            "binding": e.binding.rsplit(':').next().unwrap_or_default(), "location": e.location }))
            .collect::<Vec<_>>(),
        "signing_certificates": certificates(&sp.certificates)?,
        "encryption_certificates": certificates(&sp.encryption_certificates)?,
        "authn_requests_signed": sp.authn_requests_signed, "want_assertions_signed": sp.want_assertions_signed,
        "sign_response": sp.sign_response, "name_id_format": sp.name_id_format.as_str(),
        "allow_idp_initiated": sp.allow_idp_initiated, "allowed_roles": sp.allowed_roles, "min_acr": sp.min_acr,
        "encrypt_assertion": sp.encrypt_assertion, "encryption_method": sp.encryption_method.as_str(),
        "attributes": attribute_lines(&sp.attributes), "created": rfc3339(sp.created_at),
    }))
}

/// What the add form or the update form was given, to show it again with the error.
#[derive(Serialize)]
struct Entered {
    metadata: String,
    name_id_format: String,
    sign_response: bool,
    allow_idp_initiated: bool,
    roles: Vec<String>,
    min_acr: String,
    encrypt_assertion: bool,
    encryption_method: String,
    attributes: String,
}

impl Entered {
    fn new_sp() -> Self {
        Entered {
            metadata: String::new(),
            name_id_format: "persistent".into(),
            sign_response: false,
            allow_idp_initiated: false,
            roles: Vec::new(),
            min_acr: String::new(),
            encrypt_assertion: false,
            encryption_method: "aes256-gcm".into(),
            attributes: attribute_lines(&default_attributes()),
        }
    }

    fn of(sp: &ServiceProvider) -> Self {
        Entered {
            metadata: String::new(),
            name_id_format: sp.name_id_format.as_str().into(),
            sign_response: sp.sign_response,
            allow_idp_initiated: sp.allow_idp_initiated,
            roles: sp.allowed_roles.clone(),
            min_acr: sp.min_acr.clone().unwrap_or_default(),
            encrypt_assertion: sp.encrypt_assertion,
            encryption_method: sp.encryption_method.as_str().into(),
            attributes: attribute_lines(&sp.attributes),
        }
    }

    fn from_form(form: &HashMap<String, String>) -> Self {
        let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        let mut roles: Vec<String> = form
            .keys()
            .filter_map(|k| k.strip_prefix("role_"))
            .map(str::to_string)
            .collect();
        roles.sort();
        Entered {
            metadata: form.get("metadata").cloned().unwrap_or_default(),
            name_id_format: text("name_id_format"),
            sign_response: form.contains_key("sign_response"),
            allow_idp_initiated: form.contains_key("allow_idp_initiated"),
            roles,
            min_acr: text("min_acr"),
            encrypt_assertion: form.contains_key("encrypt_assertion"),
            encryption_method: text("encryption_method"),
            attributes: form.get("attributes").cloned().unwrap_or_default(),
        }
    }
}

/// The choices the forms offer.
async fn choices(state: &AppState, entered: &Entered) -> Result<serde_json::Value, WebError> {
    let roles: Vec<serde_json::Value> = state
        .store
        .list_roles()
        .await?
        .into_iter()
        .map(|r| serde_json::json!({ "name": r.name, "checked": entered.roles.contains(&r.name) }))
        .collect();
    Ok(serde_json::json!({
        "name_id_formats": NAME_ID_FORMATS, "levels": assurance::ALL, "encryption_methods": ENCRYPTION_METHODS,
        "roles": roles, "max_kib": MAX_METADATA_BYTES / 1024, "max_bytes": MAX_METADATA_BYTES,
    }))
}

async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let sps = state.store.list_sps().await?;
    let rows: Vec<serde_json::Value> = sps
        .iter()
        .map(|sp| {
            serde_json::json!({
                "entity_id": sp.entity_id, "path": sp_path(&sp.entity_id), "name_id_format": sp.name_id_format.as_str(),
                "acs": sp.acs_endpoints.len(), "allowed_roles": sp.allowed_roles, "min_acr": sp.min_acr,
                "encrypt_assertion": sp.encrypt_assertion, "created": rfc3339(sp.created_at),
            })
        })
        .collect();
    let mut ctx = context(req, state, console, "sps");
    ctx.insert("sps", &rows);
    ctx.insert("choices", &choices(state, &entered).await?);
    ctx.insert("entered", &entered);
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/sps.html", ctx))
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let back = "/admin/service-providers";
    let console = match gate(&req, &state, back, Need::Look, Permission::ManageServiceProviders).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    list_page(&req, &state, &console, Entered::new_sp(), StatusCode::OK, None).await
}

/// A refusal of the metadata or a setting, and its status.
fn too_large() -> Error {
    Error::invalid(i18n::t_args(
        "admin-sp-too-large",
        &[("kib", (MAX_METADATA_BYTES / 1024).into())],
    ))
}

/// Reads a form that may carry metadata, after the console's door: the operator, then the body, then CSRF.
async fn read_form(
    req: &HttpRequest,
    state: &AppState,
    back: &str,
    payload: web::Payload,
) -> Result<Result<(Console, HashMap<String, String>), HttpResponse>, WebError> {
    let console = match gate(req, state, back, Need::Change, Permission::ManageServiceProviders).await? {
        Ok(console) => console,
        Err(answer) => return Ok(Err(answer)),
    };
    let form: HashMap<String, String> = form::read(req, payload, MAX_FORM_BYTES).await?;
    csrf::verify(req, state, form.get("csrf").map(String::as_str))?;
    Ok(Ok((console, form)))
}

/// Registers the SP its metadata describes, with the settings of the form.
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let (console, form) = match read_form(&req, &state, "/admin/service-providers", payload).await? {
        Ok(read) => read,
        Err(answer) => return Ok(answer),
    };
    let entered = Entered::from_form(&form);
    if entered.metadata.len() > MAX_METADATA_BYTES {
        let message = too_large().to_string();
        return list_page(
            &req,
            &state,
            &console,
            entered,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(message),
        )
        .await;
    }
    let attributes = match parse_attributes(&entered.attributes) {
        Ok(attributes) => attributes,
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            return list_page(&req, &state, &console, entered, status, Some(message)).await;
        }
    };
    let new = NewServiceProvider {
        metadata: entered.metadata.clone(),
        name_id_format: Some(entered.name_id_format.clone()),
        sign_response: entered.sign_response,
        allow_idp_initiated: entered.allow_idp_initiated,
        allowed_roles: entered.roles.clone(),
        min_acr: Some(entered.min_acr.clone()).filter(|l| !l.is_empty()),
        encrypt_assertion: entered.encrypt_assertion,
        encryption_method: Some(entered.encryption_method.clone()),
        attributes: Some(attributes),
    };
    match sps::register(state.store.as_ref(), state.clock.now(), &console.origin, new).await {
        Ok(sp) => Ok(done(
            &state,
            sp_path(&sp.entity_id),
            &i18n::t_args(
                "admin-sp-added",
                &[
                    ("entity", sp.entity_id.clone().into()),
                    ("count", sp.acs_endpoints.len().into()),
                ],
            ),
        )),
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            list_page(&req, &state, &console, entered, status, Some(message)).await
        }
    }
}

async fn sp_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    sp: &ServiceProvider,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let mut ctx = context(req, state, console, "sps");
    ctx.insert("sp", &view(sp)?);
    ctx.insert("choices", &choices(state, &entered).await?);
    ctx.insert("entered", &entered);
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/sp.html", ctx))
}

/// The SP named in the path, or the 404 page.
async fn target(state: &AppState, entity_id: &str) -> Result<Result<ServiceProvider, HttpResponse>, WebError> {
    match state.store.sp(entity_id).await? {
        Some(sp) => Ok(Ok(sp)),
        None => Ok(Err(crate::http::pages::error_page(
            StatusCode::NOT_FOUND,
            &i18n::t_args(
                "admin-sp-not-found",
                &[("entity", crate::core::model::truncate(entity_id, 256).into())],
            ),
        ))),
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let back = sp_path(&path);
    let console = match gate(&req, &state, &back, Need::Look, Permission::ManageServiceProviders).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let sp = match target(&state, &path).await? {
        Ok(sp) => sp,
        Err(answer) => return Ok(answer),
    };
    let entered = Entered::of(&sp);
    sp_page(&req, &state, &console, &sp, entered, StatusCode::OK, None).await
}

/// Changes what `sps::update` changes: new metadata (when given) for the same entity ID, and the settings of the
/// form; nothing changes when any part is refused.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let back = sp_path(&path);
    let (console, form) = match read_form(&req, &state, &back, payload).await? {
        Ok(read) => read,
        Err(answer) => return Ok(answer),
    };
    let sp = match target(&state, &path).await? {
        Ok(sp) => sp,
        Err(answer) => return Ok(answer),
    };
    let mut entered = Entered::from_form(&form);
    // Only what `sps::update` changes comes from this form; the rest is shown as it is.
    entered.sign_response = sp.sign_response;
    entered.allow_idp_initiated = sp.allow_idp_initiated;
    entered.roles = sp.allowed_roles.clone();
    if entered.metadata.len() > MAX_METADATA_BYTES {
        let message = too_large().to_string();
        return sp_page(
            &req,
            &state,
            &console,
            &sp,
            entered,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(message),
        )
        .await;
    }
    let attributes = match parse_attributes(&entered.attributes) {
        Ok(attributes) => attributes,
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            return sp_page(&req, &state, &console, &sp, entered, status, Some(message)).await;
        }
    };
    let changes = SpChanges {
        metadata: Some(entered.metadata.clone()).filter(|m| !m.trim().is_empty()),
        name_id_format: Some(entered.name_id_format.clone()),
        min_acr: Some(if entered.min_acr.is_empty() {
            "none".to_string()
        } else {
            entered.min_acr.clone()
        }),
        encrypt_assertion: Some(entered.encrypt_assertion),
        encryption_method: Some(entered.encryption_method.clone()),
        attributes: Some(attributes),
    };
    match sps::update(state.store.as_ref(), state.clock.now(), &console.origin, &path, changes).await {
        Ok(updated) => Ok(done(
            &state,
            sp_path(&updated.entity_id),
            &i18n::t_args("admin-sp-changed", &[("entity", updated.entity_id.clone().into())]),
        )),
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            sp_page(&req, &state, &console, &sp, entered, status, Some(message)).await
        }
    }
}

/// Removes an SP, after confirming; back to the list.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    crate::http::form::Form(form): crate::http::form::Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let back = sp_path(&path);
    let console = match gate(&req, &state, &back, Need::Change, Permission::ManageServiceProviders).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let sp = match target(&state, &path).await? {
        Ok(sp) => sp,
        Err(answer) => return Ok(answer),
    };
    if !confirmed(form.get("confirm").map(String::as_str)) {
        return Ok(confirm(
            &req,
            &state,
            &console,
            "sps",
            Confirmation {
                title: i18n::t_args("admin-sp-remove-title", &[("entity", sp.entity_id.clone().into())]),
                consequences: vec![i18n::t("admin-sp-remove-refused"), i18n::t("admin-sp-remove-again")],
                action: format!("{back}/remove"),
                fields: Vec::new(),
                button: "admin-sp-remove-button",
                cancel: back,
                cancel_label: i18n::t_args("admin-sp-back", &[("entity", sp.entity_id.clone().into())]),
            },
        ));
    }
    sps::remove(state.store.as_ref(), state.clock.now(), &console.origin, &path).await?;
    Ok(done(
        &state,
        "/admin/service-providers".into(),
        &i18n::t_args("admin-sp-removed", &[("entity", sp.entity_id.clone().into())]),
    ))
}
