//! Caller verification through the admin API (docs/recovery.md, "Caller verification"): an agent's token sends a
//! number-matching prompt to the user or their manager and gets the number to read out, or a second agent records
//! an override with a reason. The rules — approved requests only, who may send or override, rate limits (429),
//! audit, the warning to the user — are `core::recovery::verify_flow`'s, exactly as for the console and the CLI.
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::problem::Problem;
use super::recovery::{ctx, json, person};
use crate::core::recovery::verify::{Channel, Target};
use crate::core::recovery::verify_flow;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptRequest {
    /// `user` (a link to the user's own mail or phone) or `manager` (the user's manager, who must sign in).
    pub to: String,
    /// `mail` or `sms` (the user's phone on file; for `user` only). Default `mail`.
    #[serde(default)]
    pub channel: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PromptSent {
    pub id: String,
    /// The two-digit number to read to the caller; the person picks it from three on their page. Returned once,
    /// to the agent who sent the prompt.
    pub number: u8,
    /// Where the link went, masked.
    pub sent_to: String,
    pub expires_at: DateTime<Utc>,
}

/// Sends a caller-verification prompt for an approved request.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    request_body = PromptRequest, security(("bearer" = [])), responses((status = 201, body = PromptSent),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody),
        (status = 429, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/verify")]
pub async fn verify(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let member = person(&caller).await?;
    let body: PromptRequest = json(&req, payload).await?;
    let target = Target::parse(&body.to).ok_or_else(|| Problem::field("to", "must be user or manager"))?;
    let channel = match body.channel.as_deref() {
        None => Channel::Mail,
        Some(text) => Channel::parse(text).ok_or_else(|| Problem::field("channel", "must be mail or sms"))?,
    };
    let sent = verify_flow::send(&ctx(&caller), &member, &path, target, channel).await?;
    Ok(HttpResponse::Created().json(PromptSent {
        id: sent.prompt.id,
        number: sent.prompt.number,
        sent_to: sent.to,
        expires_at: sent.prompt.expires_at,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideRequest {
    /// Why the caller counts as verified without a prompt (1–500 characters).
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct OverrideView {
    pub request_id: String,
    /// The agent who recorded it (who may then not execute the request).
    pub by: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Records a second agent's override of the caller verification of an approved request.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    request_body = OverrideRequest, security(("bearer" = [])), responses((status = 201, body = OverrideView),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/override")]
pub async fn record_override(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let member = person(&caller).await?;
    let body: OverrideRequest = json(&req, payload).await?;
    let length = body.reason.trim().chars().count();
    if length == 0 || length > crate::core::recovery::MAX_REASON {
        return Err(Problem::field("reason", "give the reason in 1 to 500 characters"));
    }
    let recorded = verify_flow::record_override(&ctx(&caller), &member, &path, &body.reason).await?;
    Ok(HttpResponse::Created().json(OverrideView {
        request_id: recorded.request_id,
        by: member.user.username.clone(),
        reason: recorded.reason,
        at: recorded.at,
    }))
}
