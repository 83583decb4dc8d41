//! `/admin/clients`: OpenID Connect clients — the list, registering one (id, redirect URIs one a line, public or
//! confidential, grants, trusted, service role, the `gatehouse:admin` scope, and how it presents itself: name,
//! logo, privacy policy and terms of service; whether it must use PAR), one client with its settings, its redirect
//! URIs, its presentation and its PAR requirement changed, its secret rotated and its removal. Every change goes through
//! `protocols::oidc::clients` with `Permission::ManageClients`, as `/api/v1/clients` and `gatehouse client …` do,
//! so the checks and the audit events are the same; this instance's client cache forgets the client at once
//! (others within `client_cache::TTL`).
//!
//! A confidential client's secret is shown once, on the page that answers the registration or the rotation (not
//! a redirect, so it is in no address and no notice cookie; every page is `no-store`), with a warning that it is
//! not shown again. Rotating and removing are confirmed first. Every text is in the catalogue
//! (`templates/i18n/*/admin_clients.ftl`); a refusal of the shared checks (`protocols::oidc::clients`) is shown
//! as those checks word it, which the CLI and the API share.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Confirmation, Console, Need, confirm, confirmed, context, done, encode_path, gate, refused, render};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::core::oauth::{ADMIN_SCOPE, Client};
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::{AppState, csrf};
use crate::i18n;
use crate::protocols::oidc::Provider;
use crate::protocols::oidc::clients::{self, ClientChanges, NewClient};

/// The grants the form offers: its field, the grant, the catalogue id of what the form calls it.
const GRANT_FIELDS: [(&str, &str, &str); 4] = [
    (
        "grant_authorization_code",
        "authorization_code",
        "clients-grant-authorization-code",
    ),
    ("grant_refresh_token", "refresh_token", "clients-grant-refresh-token"),
    (
        "grant_client_credentials",
        "client_credentials",
        "clients-grant-client-credentials",
    ),
    (
        "grant_device_code",
        "urn:ietf:params:oauth:grant-type:device_code",
        "clients-grant-device-code",
    ),
];

/// The roles a service client may act with at the admin API.
const SERVICE_ROLES: [&str; 3] = ["admin", "helpdesk", "auditor"];

pub(super) fn client_path(client_id: &str) -> String {
    format!("/admin/clients/{}", encode_path(client_id))
}

/// One client as the pages show it (never its secret or the secret's digest).
fn view(c: &Client) -> serde_json::Value {
    serde_json::json!({
        "client_id": c.client_id, "path": client_path(&c.client_id), "public": c.public,
        "auth_method": c.auth_method.as_str(), "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris, "grants": c.grants, "trusted": c.trusted,
        "created": c.created_at.to_rfc3339(), "signing_alg": c.signing_alg, "has_jwks": c.jwks.is_some(),
        "backchannel_logout_uri": c.backchannel_logout_uri, "min_acr": c.min_acr,
        "service_role": c.service_role.map(|r| r.as_str()), "extra_scopes": c.extra_scopes,
        "client_name": c.client_name, "logo_uri": c.logo_uri, "policy_uri": c.policy_uri, "tos_uri": c.tos_uri,
        "require_par": c.require_par, "require_dpop": c.require_dpop,
    })
}

/// The presentation fields of a form, as typed (empty: none).
#[derive(Default, Serialize)]
struct Presentation {
    client_name: String,
    logo_uri: String,
    policy_uri: String,
    tos_uri: String,
}

impl Presentation {
    fn from_form(form: &HashMap<String, String>) -> Self {
        let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        Presentation {
            client_name: text("client_name"),
            logo_uri: text("logo_uri"),
            policy_uri: text("policy_uri"),
            tos_uri: text("tos_uri"),
        }
    }

    fn of(c: &Client) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Presentation {
            client_name: text(&c.client_name),
            logo_uri: text(&c.logo_uri),
            policy_uri: text(&c.policy_uri),
            tos_uri: text(&c.tos_uri),
        }
    }
}

/// An empty field is none.
fn given(text: &str) -> Option<String> {
    Some(text.to_string()).filter(|t| !t.is_empty())
}

/// What the registration form was given, to show it again with the error.
#[derive(Serialize)]
struct Entered {
    client_id: String,
    redirect_uris: String,
    public: bool,
    grants: Vec<String>,
    trusted: bool,
    service_role: String,
    admin_scope: bool,
    require_par: bool,
    require_dpop: bool,
    #[serde(flatten)]
    presentation: Presentation,
}

impl Default for Entered {
    fn default() -> Self {
        Entered {
            client_id: String::new(),
            redirect_uris: String::new(),
            public: false,
            grants: vec!["grant_authorization_code".into(), "grant_refresh_token".into()],
            trusted: false,
            service_role: String::new(),
            admin_scope: false,
            require_par: false,
            require_dpop: false,
            presentation: Presentation::default(),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let clients: Vec<serde_json::Value> = state.store.list_clients().await?.iter().map(view).collect();
    let grants: Vec<serde_json::Value> = GRANT_FIELDS
        .iter()
        .map(|(field, grant, label)| {
            serde_json::json!({ "field": field, "grant": grant, "label": i18n::t(label),
                "checked": entered.grants.iter().any(|g| g == field) })
        })
        .collect();
    let mut ctx = context(req, state, console, "clients");
    ctx.insert("clients", &clients);
    ctx.insert("grants", &grants);
    ctx.insert("service_roles", &SERVICE_ROLES);
    ctx.insert("admin_scope", ADMIN_SCOPE);
    ctx.insert("entered", &entered);
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/clients.html", ctx))
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let console = match gate(&req, &state, "/admin/clients", Need::Look, Permission::ManageClients).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    list_page(&req, &state, &console, Entered::default(), StatusCode::OK, None).await
}

/// The page that shows a secret, once.
fn secret_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    client: &Client,
    secret: Option<&str>,
    registered: bool,
) -> HttpResponse {
    let mut ctx = context(req, state, console, "clients");
    ctx.insert("client", &view(client));
    ctx.insert("secret", &secret);
    ctx.insert("registered", &registered);
    render(req, state, StatusCode::OK, "admin/client_secret.html", ctx)
}

/// Registers a client from the form; the answer shows its secret once.
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let console = match gate(&req, &state, "/admin/clients", Need::Change, Permission::ManageClients).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let entered = Entered {
        client_id: text("client_id"),
        redirect_uris: text("redirect_uris"),
        public: text("type") == "public",
        grants: GRANT_FIELDS
            .iter()
            .map(|(field, _, _)| field.to_string())
            .filter(|field| form.contains_key(field))
            .collect(),
        trusted: form.contains_key("trusted"),
        service_role: text("service_role"),
        admin_scope: form.contains_key("admin_scope"),
        require_par: form.contains_key("require_par"),
        require_dpop: form.contains_key("require_dpop"),
        presentation: Presentation::from_form(&form),
    };
    if !matches!(text("type").as_str(), "public" | "confidential") {
        let message = i18n::t("clients-type-choose");
        return list_page(&req, &state, &console, entered, StatusCode::BAD_REQUEST, Some(message)).await;
    }
    let new = NewClient {
        client_id: entered.client_id.clone(),
        redirect_uris: lines(&entered.redirect_uris),
        public: entered.public,
        grants: GRANT_FIELDS
            .iter()
            .filter(|(field, _, _)| entered.grants.iter().any(|g| g == field))
            .map(|(_, grant, _)| grant.to_string())
            .collect(),
        trusted: entered.trusted,
        service_role: Some(entered.service_role.clone()).filter(|r| !r.is_empty()),
        extra_scopes: if entered.admin_scope {
            vec![ADMIN_SCOPE.to_string()]
        } else {
            Vec::new()
        },
        client_name: given(&entered.presentation.client_name),
        logo_uri: given(&entered.presentation.logo_uri),
        policy_uri: given(&entered.presentation.policy_uri),
        tos_uri: given(&entered.presentation.tos_uri),
        require_par: entered.require_par,
        require_dpop: entered.require_dpop,
        ..Default::default()
    };
    match clients::register(state.store.as_ref(), state.clock.now(), &console.origin, new).await {
        Ok((client, secret)) => Ok(secret_page(&req, &state, &console, &client, secret.as_deref(), true)),
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            list_page(&req, &state, &console, entered, status, Some(message)).await
        }
    }
}

/// Which of the client page's forms was refused, with what was typed in it.
enum Refused {
    Redirects { redirects: String, post_logout: String },
    Presentation(Presentation),
}

async fn client_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    client: &Client,
    refused: Option<(Refused, String)>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let mut redirects = client.redirect_uris.join("\n");
    let mut post_logout = client.post_logout_redirect_uris.join("\n");
    let mut presentation = Presentation::of(client);
    let (mut form_error, mut presentation_error) = (None, None);
    match refused {
        Some((
            Refused::Redirects {
                redirects: r,
                post_logout: p,
            },
            error,
        )) => {
            (redirects, post_logout, form_error) = (r, p, Some(error));
        }
        Some((Refused::Presentation(typed), error)) => (presentation, presentation_error) = (typed, Some(error)),
        None => {}
    }
    let mut ctx = context(req, state, console, "clients");
    ctx.insert("client", &view(client));
    ctx.insert(
        "entered",
        &serde_json::json!({ "redirect_uris": redirects, "post_logout_redirect_uris": post_logout }),
    );
    ctx.insert("presentation", &presentation);
    ctx.insert("form_error", &form_error);
    ctx.insert("presentation_error", &presentation_error);
    Ok(render(req, state, status, "admin/client.html", ctx))
}

/// The client named in the path, or the 404 page.
async fn target(state: &AppState, client_id: &str) -> Result<Result<Client, HttpResponse>, WebError> {
    match state.store.client(client_id).await? {
        Some(client) => Ok(Ok(client)),
        None => Ok(Err(refused(&Error::NotFound(format!(
            "client '{}'",
            crate::core::model::truncate(client_id, 128)
        ))))),
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let console = match gate(&req, &state, &client_path(&path), Need::Look, Permission::ManageClients).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let client = match target(&state, &path).await? {
        Ok(client) => client,
        Err(answer) => return Ok(answer),
    };
    client_page(&req, &state, &console, &client, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ClientForm {
    csrf: Option<String>,
    redirect_uris: Option<String>,
    post_logout_redirect_uris: Option<String>,
    confirm: Option<String>,
}

/// The console's door for a change to the client in the path.
async fn acting(
    req: &HttpRequest,
    state: &AppState,
    client_id: &str,
    form: &ClientForm,
) -> Result<Result<(Console, Client), HttpResponse>, WebError> {
    csrf::verify(req, state, form.csrf.as_deref())?;
    let console = match gate(
        req,
        state,
        &client_path(client_id),
        Need::Change,
        Permission::ManageClients,
    )
    .await?
    {
        Ok(console) => console,
        Err(answer) => return Ok(Err(answer)),
    };
    Ok(target(state, client_id).await?.map(|client| (console, client)))
}

/// Replaces both redirect lists (one URI a line; empty clears, except that a client with the authorization_code
/// grant keeps at least one redirect URI).
pub async fn update_redirects(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<ClientForm>,
) -> Result<HttpResponse, WebError> {
    let (console, client) = match acting(&req, &state, &path, &form).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let redirects = form.redirect_uris.clone().unwrap_or_default();
    let post_logout = form.post_logout_redirect_uris.clone().unwrap_or_default();
    let changes = ClientChanges {
        redirect_uris: Some(lines(&redirects)),
        post_logout_redirect_uris: Some(lines(&post_logout)),
        ..Default::default()
    };
    match clients::update(state.store.as_ref(), state.clock.now(), &console.origin, &path, changes).await {
        Ok(updated) => {
            op.clients.forget(&path);
            let key = if updated.redirect_uris == client.redirect_uris
                && updated.post_logout_redirect_uris == client.post_logout_redirect_uris
            {
                "clients-redirects-unchanged"
            } else {
                "clients-redirects-changed"
            };
            let message = i18n::t_args(key, &[("client", client.client_id.clone().into())]);
            Ok(done(&state, client_path(&client.client_id), &message))
        }
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            let refused = Refused::Redirects { redirects, post_logout };
            client_page(&req, &state, &console, &client, Some((refused, message)), status).await
        }
    }
}

/// Changes how the client presents itself: its name, logo, privacy policy and terms of service (an empty field
/// removes one); all four checked before anything changes.
pub async fn update_presentation(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let door = ClientForm {
        csrf: form.get("csrf").cloned(),
        redirect_uris: None,
        post_logout_redirect_uris: None,
        confirm: None,
    };
    let (console, client) = match acting(&req, &state, &path, &door).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let typed = Presentation::from_form(&form);
    let changes = ClientChanges {
        client_name: Some(given(&typed.client_name)),
        logo_uri: Some(given(&typed.logo_uri)),
        policy_uri: Some(given(&typed.policy_uri)),
        tos_uri: Some(given(&typed.tos_uri)),
        ..Default::default()
    };
    match clients::update(state.store.as_ref(), state.clock.now(), &console.origin, &path, changes).await {
        Ok(updated) => {
            op.clients.forget(&path);
            let key = if updated.settings() == client.settings() {
                "clients-presentation-unchanged"
            } else {
                "clients-presentation-changed"
            };
            let message = i18n::t_args(key, &[("client", client.client_id.clone().into())]);
            Ok(done(&state, client_path(&client.client_id), &message))
        }
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            let refused = Refused::Presentation(typed);
            client_page(&req, &state, &console, &client, Some((refused, message)), status).await
        }
    }
}

/// Whether the client must push its authorization requests to `/par` (RFC 9126): the checkbox as sent.
pub async fn update_par(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let door = ClientForm {
        csrf: form.get("csrf").cloned(),
        redirect_uris: None,
        post_logout_redirect_uris: None,
        confirm: None,
    };
    let (console, client) = match acting(&req, &state, &path, &door).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let changes = ClientChanges {
        require_par: Some(form.contains_key("require_par")),
        ..Default::default()
    };
    let updated = clients::update(state.store.as_ref(), state.clock.now(), &console.origin, &path, changes).await?;
    op.clients.forget(&path);
    let key = match (client.require_par, updated.require_par) {
        (false, true) => "clients-par-required",
        (true, false) => "clients-par-optional",
        _ => "clients-par-unchanged",
    };
    let message = i18n::t_args(key, &[("client", client.client_id.clone().into())]);
    Ok(done(&state, client_path(&client.client_id), &message))
}

/// Whether the client's token requests must carry a DPoP proof (RFC 9449): the checkbox as sent.
pub async fn update_dpop(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let door = ClientForm {
        csrf: form.get("csrf").cloned(),
        redirect_uris: None,
        post_logout_redirect_uris: None,
        confirm: None,
    };
    let (console, client) = match acting(&req, &state, &path, &door).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let changes = ClientChanges {
        require_dpop: Some(form.contains_key("require_dpop")),
        ..Default::default()
    };
    let updated = clients::update(state.store.as_ref(), state.clock.now(), &console.origin, &path, changes).await?;
    op.clients.forget(&path);
    let key = match (client.require_dpop, updated.require_dpop) {
        (false, true) => "clients-dpop-required",
        (true, false) => "clients-dpop-optional",
        _ => "clients-par-unchanged",
    };
    let message = i18n::t_args(key, &[("client", client.client_id.clone().into())]);
    Ok(done(&state, client_path(&client.client_id), &message))
}

/// Replaces a confidential client's secret, after confirming; the new one is shown once.
pub async fn rotate_secret(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<ClientForm>,
) -> Result<HttpResponse, WebError> {
    let (console, client) = match acting(&req, &state, &path, &form).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let back = client_path(&client.client_id);
    let named = [("client", i18n::Arg::from(client.client_id.as_str()))];
    if client.public {
        return Ok(refused(&Error::invalid(i18n::t_args(
            "clients-public-no-secret",
            &[("client", client.client_id.clone().into())],
        ))));
    }
    if !confirmed(form.confirm.as_deref()) {
        return Ok(confirm(
            &req,
            &state,
            &console,
            "clients",
            Confirmation {
                title: i18n::t_args("clients-rotate-title", &named),
                consequences: vec![i18n::t("clients-rotate-stops"), i18n::t("clients-rotate-shown-once")],
                action: format!("{back}/secret"),
                fields: Vec::new(),
                // A catalogue id: the console's `confirm` shows it in the page's language.
                button: "clients-rotate-button",
                cancel: back,
                cancel_label: i18n::t_args("clients-back-to", &named),
            },
        ));
    }
    let secret = clients::rotate_secret(state.store.as_ref(), state.clock.now(), &console.origin, &path).await?;
    op.clients.forget(&path);
    Ok(secret_page(&req, &state, &console, &client, Some(&secret), false))
}

/// Removes a client, after confirming; back to the list.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    path: web::Path<String>,
    Form(form): Form<ClientForm>,
) -> Result<HttpResponse, WebError> {
    let (console, client) = match acting(&req, &state, &path, &form).await? {
        Ok(acting) => acting,
        Err(answer) => return Ok(answer),
    };
    let back = client_path(&client.client_id);
    let named = [("client", i18n::Arg::from(client.client_id.as_str()))];
    if !confirmed(form.confirm.as_deref()) {
        let mut consequences = vec![
            i18n::t_args("clients-remove-stops", &named),
            i18n::t("clients-remove-again"),
        ];
        if client.service_role.is_some() {
            consequences.push(i18n::t("clients-remove-scripts"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "clients",
            Confirmation {
                title: i18n::t_args("clients-remove-title", &named),
                consequences,
                action: format!("{back}/remove"),
                fields: Vec::new(),
                button: "clients-remove-button",
                cancel: back,
                cancel_label: i18n::t_args("clients-back-to", &named),
            },
        ));
    }
    clients::remove(state.store.as_ref(), state.clock.now(), &console.origin, &path).await?;
    op.clients.forget(&path);
    Ok(done(
        &state,
        "/admin/clients".into(),
        &i18n::t_args("clients-removed", &named),
    ))
}
