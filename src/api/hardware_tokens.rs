//! `/api/v1/hardware-tokens`: the inventory of hardware OATH tokens (never a seed), and importing seed files in
//! the formats `gatehouse tokens import` reads — PSKC (RFC 6030, plain values) or CSV
//! (`serial,secret_base32,type,digits,period`) — through the same `core::factors::oath_token::import_seeds`, so the
//! import is all or nothing (a file naming a serial imported before is refused whole, 409) and audited
//! `tokens.imported` as on the command line.
use actix_web::{HttpRequest, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::body;
use super::page::{Cursor, Page};
use super::problem::{Problem, ProblemBody, too_large};
use crate::core::delegation::Permission;
use crate::core::factors::oath_token;
use crate::core::factors::oath_token::import::{self as seed_file, MAX_FILE_BYTES, TokenType};
use crate::core::factors::oath_token::token::{algorithm_name, type_name};

/// The file, escaped as a JSON string, and the format beside it.
const MAX_BODY: usize = 2 * MAX_FILE_BYTES + 4096;

/// Whom a token is bound to.
#[derive(Serialize, ToSchema)]
pub struct BoundUser {
    pub id: String,
    /// `null` when the account no longer exists.
    pub username: Option<String>,
}

/// A hardware token as the inventory knows it: its serial and code parameters, and whom it is bound to.
#[derive(Serialize, ToSchema)]
pub struct HardwareTokenView {
    pub serial: String,
    /// `hotp` (event-based) or `totp` (time-based).
    #[serde(rename = "type")]
    pub token_type: String,
    /// 6, 7 or 8.
    pub digits: u32,
    /// `sha1`, `sha256` or `sha512`.
    pub algorithm: String,
    /// TOTP: seconds per code; `null` for HOTP.
    pub period: Option<u64>,
    pub imported_at: DateTime<Utc>,
    /// `null` while the token is in stock.
    pub bound_user: Option<BoundUser>,
    pub bound_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// From `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<u64>,
}

/// The tokens by serial, in cursor pages.
#[utoipa::path(tag = "hardware-tokens", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<HardwareTokenView>), (status = 400, body = ProblemBody),
        (status = 403, body = ProblemBody)))]
#[get("/hardware-tokens")]
pub async fn list(caller: Caller, query: web::Query<ListQuery>) -> Result<web::Json<Page<HardwareTokenView>>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let limit = super::page::limit(query.limit)?;
    let after = Cursor::decode(query.cursor.as_deref())?;
    let store = caller.store();
    let mut tokens = store.page_hardware_tokens(after.as_deref(), limit + 1).await?;
    let more = tokens.len() as u64 > limit;
    tokens.truncate(limit as usize);
    let next_cursor = more.then(|| tokens.last().map(|t| Cursor::encode(&t.serial))).flatten();
    let mut usernames: HashMap<String, Option<String>> = HashMap::new();
    let mut items = Vec::with_capacity(tokens.len());
    for token in tokens {
        let bound_user = match token.bound_user_id {
            Some(id) => {
                if !usernames.contains_key(&id) {
                    let username = store.user_by_id(&id).await?.map(|u| u.username);
                    usernames.insert(id.clone(), username);
                }
                Some(BoundUser {
                    username: usernames[&id].clone(),
                    id,
                })
            }
            None => None,
        };
        items.push(HardwareTokenView {
            token_type: type_name(token.token_type).into(),
            digits: token.digits,
            algorithm: algorithm_name(token.algorithm).into(),
            period: (token.token_type == TokenType::Totp).then_some(token.period),
            imported_at: token.imported_at,
            bound_user,
            bound_at: token.bound_at,
            serial: token.serial,
        });
    }
    Ok(web::Json(Page { items, next_cursor }))
}

/// A seed file, as `gatehouse tokens import` reads it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenImport {
    /// `pskc` or `csv`; left out: detected as the command line does (a first `<` means PSKC).
    pub format: Option<String>,
    /// The file's text (UTF-8), at most 5 MiB: PSKC XML with plain values, or CSV lines
    /// `serial,secret_base32,type,digits,period` (a `serial,…` header and `#` comments allowed).
    pub content: String,
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// How many tokens were added: every token in the file (an import is all or nothing).
    pub imported: usize,
}

/// Imports a seed file, all or nothing; the seeds are sealed at rest and never shown again. Errors name the CSV
/// line or PSKC KeyPackage at fault.
#[utoipa::path(tag = "hardware-tokens", request_body = TokenImport, security(("bearer" = [])),
    responses((status = 200, body = Imported), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 413, body = ProblemBody), (status = 415, body = ProblemBody)))]
#[post("/hardware-tokens/import")]
pub async fn import(caller: Caller, req: HttpRequest, payload: web::Payload) -> Result<web::Json<Imported>, Problem> {
    caller.require(Permission::ManageKeys)?;
    let body: TokenImport = body::json(&req, payload, MAX_BODY).await?;
    if body.content.len() > MAX_FILE_BYTES {
        return Err(too_large(format!(
            "content: larger than {} MiB; split the file",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let seeds = match body.format.as_deref() {
        None => seed_file::parse(body.content.as_bytes()),
        Some("csv") => seed_file::parse_csv(&body.content),
        Some("pskc") => seed_file::parse_pskc(&body.content),
        Some(_) => return Err(Problem::field("format", "use pskc or csv")),
    }
    .map_err(Problem::at("content"))?;
    let imported =
        oath_token::import_seeds(caller.store(), &caller.state.keys, caller.now(), &caller.origin, &seeds).await?;
    Ok(web::Json(Imported { imported }))
}
