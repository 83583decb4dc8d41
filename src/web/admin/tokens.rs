//! `/admin/hardware-tokens`: the inventory of hardware OATH tokens by serial, 50 a page (never a seed), and
//! importing a seed file — PSKC (RFC 6030, plain values) or CSV (`serial,secret_base32,type,digits,period`), pasted
//! or read from a file into the form by `static/admin-file.js` — through `core::factors::oath_token::import_seeds`,
//! as `POST /api/v1/hardware-tokens/import` and `gatehouse tokens import` do (`Permission::ManageKeys`): all or
//! nothing, audited `tokens.imported`. The form is read after the operator is known (`http::form::read`), up to the
//! import's own limit.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Console, Need, context, done, gate, render, rfc3339, user_path, when};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::core::factors::oath_token;
use crate::core::factors::oath_token::import::{self as seed_file, MAX_FILE_BYTES, TokenType};
use crate::core::factors::oath_token::token::{algorithm_name, type_name};
use crate::http::error::{WebError, status_of};
use crate::http::form::Query;
use crate::http::{AppState, csrf, encode, form};
use crate::i18n;

const PAGE: u64 = 50;
/// The file percent-encoded in a form takes up to three times its size.
const MAX_FORM_BYTES: usize = 3 * MAX_FILE_BYTES + 4096;

#[derive(Deserialize)]
pub struct ListQuery {
    /// The last serial of the page before.
    after: Option<String>,
}

#[derive(Default, Serialize)]
struct Entered {
    format: String,
    content: String,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    after: Option<&str>,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let mut tokens = store.page_hardware_tokens(after, PAGE + 1).await?;
    let more = tokens.len() as u64 > PAGE;
    tokens.truncate(PAGE as usize);
    let mut usernames: HashMap<String, Option<String>> = HashMap::new();
    let mut rows = Vec::with_capacity(tokens.len());
    for token in &tokens {
        let bound = match &token.bound_user_id {
            Some(id) => {
                if !usernames.contains_key(id) {
                    let username = store.user_by_id(id).await?.map(|u| u.username);
                    usernames.insert(id.clone(), username);
                }
                Some(match &usernames[id] {
                    Some(username) => serde_json::json!({ "username": username, "path": user_path(username) }),
                    None => serde_json::json!({ "deleted": true }),
                })
            }
            None => None,
        };
        rows.push(serde_json::json!({
            "serial": token.serial, "type": type_name(token.token_type), "digits": token.digits,
            "algorithm": algorithm_name(token.algorithm),
            "period": (token.token_type == TokenType::Totp).then_some(token.period),
            "imported": rfc3339(token.imported_at), "bound": bound, "bound_at_text": token.bound_at.map(when),
        }));
    }
    let next = more
        .then(|| {
            tokens
                .last()
                .map(|t| format!("/admin/hardware-tokens?after={}", encode(&t.serial)))
        })
        .flatten();
    let mut ctx = context(req, state, console, "tokens");
    ctx.insert(
        "listing",
        &serde_json::json!({ "rows": rows, "next": next, "first": after.is_none() }),
    );
    ctx.insert(
        "limits",
        &serde_json::json!({ "max_bytes": MAX_FILE_BYTES, "max_mib": MAX_FILE_BYTES / (1024 * 1024) }),
    );
    ctx.insert("entered", &entered);
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/tokens.html", ctx))
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let console = match gate(
        &req,
        &state,
        "/admin/hardware-tokens",
        Need::Look,
        Permission::ManageKeys,
    )
    .await?
    {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let after = query.after.as_deref().filter(|a| !a.is_empty() && a.len() <= 256);
    page(&req, &state, &console, after, Entered::default(), StatusCode::OK, None).await
}

/// Imports a seed file (`format`: `auto`, `pskc` or `csv`; `content`: the file's text), all or nothing.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let console = match gate(
        &req,
        &state,
        "/admin/hardware-tokens",
        Need::Change,
        Permission::ManageKeys,
    )
    .await?
    {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let form: HashMap<String, String> = form::read(&req, payload, MAX_FORM_BYTES).await?;
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let entered = Entered {
        format: form.get("format").map(|f| f.trim().to_string()).unwrap_or_default(),
        content: form.get("content").cloned().unwrap_or_default(),
    };
    let (req, state, console) = (&req, &state, &console);
    let refuse = |entered: Entered, status: StatusCode, message: String| async move {
        page(req, state, console, None, entered, status, Some(message)).await
    };
    if entered.content.len() > MAX_FILE_BYTES {
        let message = i18n::t_args(
            "admin-tokens-too-large",
            &[("mib", (MAX_FILE_BYTES / (1024 * 1024)).into())],
        );
        return refuse(entered, StatusCode::PAYLOAD_TOO_LARGE, message).await;
    }
    if entered.content.trim().is_empty() {
        return refuse(entered, StatusCode::BAD_REQUEST, i18n::t("admin-tokens-empty")).await;
    }
    let seeds = match entered.format.as_str() {
        "" | "auto" => seed_file::parse(entered.content.as_bytes()),
        "csv" => seed_file::parse_csv(&entered.content),
        "pskc" => seed_file::parse_pskc(&entered.content),
        _ => Err(Error::invalid(i18n::t("admin-tokens-bad-format"))),
    };
    let seeds = match seeds {
        Ok(seeds) => seeds,
        Err(e) => {
            let status = status_of(&e);
            return refuse(entered, status, i18n::describe(&e)).await;
        }
    };
    match oath_token::import_seeds(
        state.store.as_ref(),
        &state.keys,
        state.clock.now(),
        &console.origin,
        &seeds,
    )
    .await
    {
        Ok(imported) => Ok(done(
            state,
            "/admin/hardware-tokens".into(),
            &i18n::t_args("admin-tokens-imported-notice", &[("count", imported.into())]),
        )),
        Err(e) => {
            let (status, message) = super::refusal(e)?;
            refuse(entered, status, message).await
        }
    }
}
