//! `/admin/keys`: the OpenID Provider's signing keys and the SAML identity provider's signing certificates, with
//! their dates (created, signing from, retiring, the certificate's own expiry), and rotating each — through
//! `protocols::oidc::keys::rotate_algorithms` and `protocols::saml::keys::rotate_certificate`, the functions
//! `/api/v1/keys/rotate` and `/api/v1/saml/certificates/rotate` call, with `Permission::ManageKeys`, so the audit
//! events are the same; the key rings of this instance reload at once. Rotating is confirmed first: the page says
//! when the new key signs and what happens to the old one.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{Confirmation, Console, Field, Need, confirm, confirmed, context, done, gate, render, time};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::http::error::{WebError, status_of};
use crate::http::form::Form;
use crate::http::{AppState, csrf};
use crate::protocols::oidc::{self, Provider};
use crate::protocols::saml::{self, IdentityProvider};

/// How soon a certificate's expiry is flagged.
const EXPIRY_WARNING_DAYS: i64 = 30;

fn state_name<T: Serialize>(state: T) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let now = state.clock.now();
    let stored = store.signing_keys().await?;
    let signing: Vec<serde_json::Value> = oidc::keys::states(&stored, now)
        .into_iter()
        .map(|(key, key_state)| {
            serde_json::json!({
                "kid": key.kid, "alg": key.alg, "state": state_name(key_state), "created": time(key.created_at),
                "activates": time(key.activates_at),
                "retires": oidc::keys::retires_at(&stored, &key).map(time),
            })
        })
        .collect();
    let saml_keys = store.saml_keys().await?;
    let mut certificates = Vec::new();
    for (key, key_state) in saml::keys::states(&saml_keys, now) {
        let (fingerprint, _) = saml::keys::certificate_facts(&key.certificate)?;
        let expires = saml::keys::certificate_not_after(&key.certificate);
        certificates.push(serde_json::json!({
            "id": key.id, "state": state_name(key_state), "created": time(key.created_at),
            "activates": time(key.activates_at), "retires": key.retired_at.map(time),
            "expires": expires.map(time), "fingerprint": fingerprint,
            "expiring": expires.is_some_and(|t| t <= now + Duration::days(EXPIRY_WARNING_DAYS)),
        }));
    }
    let defaults = saml::keys::CertificateRotation::default();
    let mut ctx = context(req, state, console, "keys");
    ctx.insert("signing", &signing);
    ctx.insert("certificates", &certificates);
    ctx.insert("algorithms", &oidc::keys::ALGORITHMS);
    ctx.insert(
        "defaults",
        &serde_json::json!({
            "activate_in_hours": defaults.activate_in_hours, "keep_previous_hours": defaults.keep_previous_hours,
            "max_hours": saml::keys::MAX_ROTATION_HOURS,
            "publish_ahead_minutes": oidc::keys::PUBLISH_AHEAD.num_minutes(),
        }),
    );
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/keys.html", ctx))
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let console = match gate(&req, &state, "/admin/keys", Need::Look, Permission::ManageKeys).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    page(&req, &state, &console, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct RotationForm {
    csrf: Option<String>,
    /// OIDC: `all` or one algorithm.
    alg: Option<String>,
    /// SAML: hours until the new certificate signs, and hours the replaced ones stay published.
    activate_in_hours: Option<String>,
    keep_previous_hours: Option<String>,
    /// `on`: sign with the new key at once.
    immediately: Option<String>,
    confirm: Option<String>,
}

async fn acting(
    req: &HttpRequest,
    state: &AppState,
    form: &RotationForm,
) -> Result<Result<Console, HttpResponse>, WebError> {
    csrf::verify(req, state, form.csrf.as_deref())?;
    gate(req, state, "/admin/keys", Need::Change, Permission::ManageKeys).await
}

fn hidden(form: &RotationForm, names: &[&'static str]) -> Vec<Field> {
    names
        .iter()
        .filter_map(|name| {
            let value = match *name {
                "alg" => form.alg.clone(),
                "activate_in_hours" => form.activate_in_hours.clone(),
                "keep_previous_hours" => form.keep_previous_hours.clone(),
                "immediately" => form.immediately.clone(),
                _ => None,
            }?;
            Some(Field {
                name: name.to_string(),
                value,
            })
        })
        .collect()
}

/// Adds the next OIDC signing key for one algorithm or all three, after confirming.
pub async fn rotate_signing_keys(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Form(form): Form<RotationForm>,
) -> Result<HttpResponse, WebError> {
    let console = match acting(&req, &state, &form).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let alg = match form.alg.as_deref().map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(alg) if oidc::keys::ALGORITHMS.contains(&alg) => Some(alg.to_string()),
        Some(_) => {
            let message = format!("Algorithm: choose all or one of {}.", oidc::keys::ALGORITHMS.join(", "));
            return page(&req, &state, &console, StatusCode::BAD_REQUEST, Some(message)).await;
        }
    };
    let immediately = form.immediately.is_some();
    if !confirmed(form.confirm.as_deref()) {
        let which = alg.clone().unwrap_or_else(|| oidc::keys::ALGORITHMS.join(", "));
        let mut consequences = vec![format!(
            "A new signing key for {which} is published in the key set at once{}.",
            if immediately {
                " and signs new tokens at once".to_string()
            } else {
                format!(
                    ", and signs new tokens {} minutes from now, once relying parties' caches know it",
                    oidc::keys::PUBLISH_AHEAD.num_minutes()
                )
            }
        )];
        consequences.push(
            "The key it replaces stays published until the tokens it signed have expired, so they keep working.".into(),
        );
        if immediately {
            consequences.push(
                "Relying parties that have not fetched the key set since may refuse new tokens for a few minutes: \
                 sign at once only when the current key may be compromised."
                    .into(),
            );
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "keys",
            Confirmation {
                title: format!(
                    "Rotate the OpenID Connect signing key{}?",
                    if alg.is_some() { "" } else { "s" }
                ),
                consequences,
                action: "/admin/keys/rotate".into(),
                fields: hidden(&form, &["alg", "immediately"]),
                button: "Rotate",
                cancel: "/admin/keys".into(),
                cancel_label: "the keys".into(),
            },
        ));
    }
    let added = oidc::keys::rotate_algorithms(
        state.store.as_ref(),
        &state.keys.sealer,
        &console.origin,
        alg.as_deref(),
        state.clock.now(),
        immediately,
    )
    .await?;
    op.keys.refresh();
    let names: Vec<String> = added
        .iter()
        .map(|k| format!("{} ({}, signs from {} UTC)", k.kid, k.alg, time(k.activates_at)))
        .collect();
    Ok(done(
        &state,
        "/admin/keys".into(),
        &format!(
            "Added the signing key{} {}.",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
    ))
}

/// Adds the next SAML signing certificate, after confirming.
pub async fn rotate_certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    idp: web::Data<IdentityProvider>,
    Form(form): Form<RotationForm>,
) -> Result<HttpResponse, WebError> {
    let console = match acting(&req, &state, &form).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let defaults = saml::keys::CertificateRotation::default();
    let hours = |label: &str, text: Option<&str>, default: i64| -> Result<i64, String> {
        match text.map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|h| (0..=saml::keys::MAX_ROTATION_HOURS).contains(h))
                .ok_or_else(|| format!("{label}: whole hours from 0 to {}.", saml::keys::MAX_ROTATION_HOURS)),
        }
    };
    let asked = match (
        hours(
            "Signs after",
            form.activate_in_hours.as_deref(),
            defaults.activate_in_hours,
        ),
        hours(
            "Old ones stay",
            form.keep_previous_hours.as_deref(),
            defaults.keep_previous_hours,
        ),
    ) {
        (Ok(activate_in_hours), Ok(keep_previous_hours)) => saml::keys::CertificateRotation {
            activate_in_hours,
            keep_previous_hours,
            immediately: form.immediately.is_some(),
        },
        (Err(message), _) | (_, Err(message)) => {
            return page(&req, &state, &console, StatusCode::BAD_REQUEST, Some(message)).await;
        }
    };
    if !confirmed(form.confirm.as_deref()) {
        let signs = if asked.immediately {
            "at once".to_string()
        } else {
            format!("in {} hours", asked.activate_in_hours)
        };
        let mut consequences = vec![
            format!(
                "A new certificate appears in the SAML metadata at once and signs responses {signs}; service \
                 providers must import the new metadata (or certificate) before then."
            ),
            format!(
                "The certificates it replaces stay in the metadata {} hours after that.",
                asked.keep_previous_hours
            ),
        ];
        if asked.immediately {
            consequences.push(
                "Service providers that have not imported it refuse our responses until they do: sign at once \
                 only when the current key may be compromised."
                    .into(),
            );
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "keys",
            Confirmation {
                title: "Rotate the SAML certificate?".into(),
                consequences,
                action: "/admin/keys/saml/rotate".into(),
                fields: hidden(&form, &["activate_in_hours", "keep_previous_hours", "immediately"]),
                button: "Rotate",
                cancel: "/admin/keys".into(),
                cancel_label: "the keys".into(),
            },
        ));
    }
    let key = match saml::keys::rotate_certificate(
        state.store.as_ref(),
        &state.keys.sealer,
        &console.origin,
        &state.config.public_url,
        state.clock.now(),
        asked,
    )
    .await
    {
        Ok(key) => key,
        Err(e @ Error::Invalid(_)) => {
            return page(&req, &state, &console, status_of(&e), Some(e.to_string())).await;
        }
        Err(e) => return Err(e.into()),
    };
    idp.keys.refresh();
    let (fingerprint, _) = saml::keys::certificate_facts(&key.certificate)?;
    Ok(done(
        &state,
        "/admin/keys".into(),
        &format!(
            "Added the SAML certificate {} (SHA-256 {fingerprint}), signing from {} UTC.",
            key.id,
            time(key.activates_at)
        ),
    ))
}
