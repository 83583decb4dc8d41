//! The first sign-in of a provisioned person who has no password: a mailed, single-use invitation to choose one
//! (the password-link page, `web::password`), valid for `Settings::invitation_ttl` (7 days by default). After
//! it, the person signs in and is led to enrol the factors their roles require, as any new account is. A new
//! invitation replaces an unused earlier one.
use serde_json::json;

use super::Settings;
use crate::core::Result;
use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::factors::password::links;
use crate::core::model::{TokenPurpose, User};

/// The page the link opens, with the token.
fn link(settings: &Settings, token: &str) -> String {
    let mut url = settings.public_url.clone();
    url.set_path("/password/reset");
    url.set_query(None);
    url.query_pairs_mut().append_pair("token", token);
    url.to_string()
}

pub async fn invite(ctx: &RequestCtx<'_>, settings: &Settings, user: &User) -> Result<()> {
    let token = links::issue(
        ctx.store,
        ctx.now,
        user,
        TokenPurpose::Invitation,
        settings.invitation_ttl,
    )
    .await?;
    let days = settings.invitation_ttl.num_days().max(1);
    let sent = crate::core::notify::mail(
        ctx.notifier,
        user,
        "invitation",
        json!({
            "display_name": user.display_name,
            "username": user.username,
            "link": link(settings, &token),
            "days": days,
        }),
    )
    .await;
    if let Err(e) = &sent {
        tracing::warn!(error = %e, user = %user.username, "could not mail the invitation");
    }
    ctx.audit(
        AuditKind::DirectoryInvited,
        if sent.is_ok() {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        Some(&user.id),
        json!({ "expires_at": ctx.now + settings.invitation_ttl }),
    )
    .await
}
