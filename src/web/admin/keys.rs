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

use super::{
    Confirmation, Console, Field, Need, confirm, confirmed, context, done, gate, label, render, rfc3339, when,
};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::http::error::{WebError, status_of};
use crate::http::form::Form;
use crate::http::{AppState, csrf};
use crate::i18n;
use crate::protocols::oidc::{self, Provider};
use crate::protocols::saml::{self, IdentityProvider};

/// How soon a certificate's expiry is flagged.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// A key's state (`active`, `next`, `retiring`, …) in the page's language.
fn state_name<T: Serialize>(state: T) -> String {
    let name = serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    label("admin-key-state", &name)
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
                "kid": key.kid, "alg": key.alg, "state": state_name(key_state), "created": rfc3339(key.created_at),
                "activates": rfc3339(key.activates_at),
                "retires": oidc::keys::retires_at(&stored, &key).map(rfc3339),
            })
        })
        .collect();
    let saml_keys = store.saml_keys().await?;
    let mut certificates = Vec::new();
    for (key, key_state) in saml::keys::states(&saml_keys, now) {
        let (fingerprint, _) = saml::keys::certificate_facts(&key.certificate)?;
        let expires = saml::keys::certificate_not_after(&key.certificate);
        certificates.push(serde_json::json!({
            "id": key.id, "state": state_name(key_state), "created": rfc3339(key.created_at),
            "activates": rfc3339(key.activates_at), "retires": key.retired_at.map(rfc3339),
            "expires": expires.map(rfc3339), "fingerprint": fingerprint,
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
            let message = i18n::t_args(
                "admin-keys-bad-algorithm",
                &[("algorithms", oidc::keys::ALGORITHMS.join(", ").into())],
            );
            return page(&req, &state, &console, StatusCode::BAD_REQUEST, Some(message)).await;
        }
    };
    let immediately = form.immediately.is_some();
    if !confirmed(form.confirm.as_deref()) {
        let which = alg.clone().unwrap_or_else(|| oidc::keys::ALGORITHMS.join(", "));
        let minutes = oidc::keys::PUBLISH_AHEAD.num_minutes();
        let mut consequences = vec![if immediately {
            i18n::t_args("admin-rotate-key-at-once", &[("algorithms", which.into())])
        } else {
            i18n::t_args(
                "admin-rotate-key-later",
                &[("algorithms", which.into()), ("minutes", minutes.into())],
            )
        }];
        consequences.push(i18n::t("admin-rotate-key-old"));
        if immediately {
            consequences.push(i18n::t("admin-rotate-key-risk"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "keys",
            Confirmation {
                title: i18n::t(if alg.is_some() {
                    "admin-rotate-key-title"
                } else {
                    "admin-rotate-keys-title"
                }),
                consequences,
                action: "/admin/keys/rotate".into(),
                fields: hidden(&form, &["alg", "immediately"]),
                button: "admin-rotate-button",
                cancel: "/admin/keys".into(),
                cancel_label: i18n::t("admin-rotate-back"),
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
        .map(|k| {
            let args = [
                ("kid", k.kid.clone().into()),
                ("alg", k.alg.clone().into()),
                ("from", when(k.activates_at).into()),
            ];
            i18n::t_args("admin-rotated-key", &args)
        })
        .collect();
    let message = i18n::t_args(
        "admin-rotated-keys",
        &[("count", names.len().into()), ("keys", names.join(", ").into())],
    );
    Ok(done(&state, "/admin/keys".into(), &message))
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
    let hours = |key: &str, text: Option<&str>, default: i64| -> Result<i64, String> {
        match text.map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|h| (0..=saml::keys::MAX_ROTATION_HOURS).contains(h))
                .ok_or_else(|| i18n::t_args(key, &[("max", saml::keys::MAX_ROTATION_HOURS.into())])),
        }
    };
    let asked = match (
        hours(
            "admin-rotate-cert-bad-activate",
            form.activate_in_hours.as_deref(),
            defaults.activate_in_hours,
        ),
        hours(
            "admin-rotate-cert-bad-keep",
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
            i18n::t("admin-rotate-cert-at-once")
        } else {
            i18n::t_args(
                "admin-rotate-cert-in-hours",
                &[("hours", asked.activate_in_hours.into())],
            )
        };
        let mut consequences = vec![
            i18n::t_args("admin-rotate-cert-new", &[("signs", signs.into())]),
            i18n::t_args("admin-rotate-cert-old", &[("hours", asked.keep_previous_hours.into())]),
        ];
        if asked.immediately {
            consequences.push(i18n::t("admin-rotate-cert-risk"));
        }
        return Ok(confirm(
            &req,
            &state,
            &console,
            "keys",
            Confirmation {
                title: i18n::t("admin-rotate-cert-title"),
                consequences,
                action: "/admin/keys/saml/rotate".into(),
                fields: hidden(&form, &["activate_in_hours", "keep_previous_hours", "immediately"]),
                button: "admin-rotate-button",
                cancel: "/admin/keys".into(),
                cancel_label: i18n::t("admin-rotate-back"),
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
            return page(&req, &state, &console, status_of(&e), Some(i18n::describe(&e))).await;
        }
        Err(e) => return Err(e.into()),
    };
    idp.keys.refresh();
    let (fingerprint, _) = saml::keys::certificate_facts(&key.certificate)?;
    Ok(done(
        &state,
        "/admin/keys".into(),
        &i18n::t_args(
            "admin-rotated-cert",
            &[
                ("id", key.id.clone().into()),
                ("fingerprint", fingerprint.into()),
                ("from", when(key.activates_at).into()),
            ],
        ),
    ))
}
