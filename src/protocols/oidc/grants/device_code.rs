//! The device_code grant (RFC 8628 §3.4–3.5): the device polls with its device code until the user decided.
//!
//! Guarantees: a device code works only for the client it was issued to (for any other it is `invalid_grant`, and
//! their polls touch nothing); polling faster than the interval gets `slow_down` and a 5 s longer interval, kept
//! in the database with a compare-and-swap so it holds across instances and concurrent polls; tokens are issued
//! once, by the one poll whose conditional UPDATE moves the authorization from approved to redeemed — every later
//! poll gets `invalid_grant`.
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::super::issue::{self, Issue, REFRESH_FAMILY_LIFETIME};
use super::super::tokens::{Ctx, TokenError, TokenRequest};
use super::active_user;
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::oauth::{Client, DeviceAuthorization, DeviceStatus};
use crate::core::secrets::{random_token, token_digest};

/// How much `slow_down` lengthens the interval (RFC 8628 §3.5).
const SLOW_DOWN_SECS: i64 = 5;

/// What a poll of an authorization at `now` amounts to, before anything is written. Pure.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Tokens were issued already.
    Redeemed,
    Denied,
    Expired,
    /// Approved: redeem it now.
    Redeem,
    /// Still waiting for the user: record the poll with this interval; `too_fast` answers `slow_down`.
    Wait {
        interval_secs: i64,
        too_fast: bool,
    },
}

fn step(authorization: &DeviceAuthorization, now: DateTime<Utc>) -> Step {
    match authorization.status {
        DeviceStatus::Redeemed => return Step::Redeemed,
        DeviceStatus::Denied => return Step::Denied,
        _ if authorization.expires_at <= now => return Step::Expired,
        DeviceStatus::Approved => return Step::Redeem,
        DeviceStatus::Pending => {}
    }
    let interval = authorization.interval_secs;
    let too_fast = authorization
        .last_polled_at
        .is_some_and(|last| now - last < Duration::seconds(interval));
    Step::Wait {
        interval_secs: if too_fast { interval + SLOW_DOWN_SECS } else { interval },
        too_fast,
    }
}

pub async fn exchange(
    ctx: &Ctx<'_>,
    client: &Client,
    request: &TokenRequest,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    let device_code = request
        .device_code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 128)
        .ok_or_else(|| TokenError::InvalidRequest("device_code is missing.".into()))?;
    let hash = token_digest(device_code);
    // Each round reads, decides, and writes conditionally; losing a race to a concurrent poll or decision means
    // reading again. Concurrent polls are too fast by definition, so the loop ends quickly.
    for _ in 0..16 {
        let found = ctx.store.device_authorization(&hash).await?;
        let Some(authorization) = found.filter(|a| a.client_id == client.client_id) else {
            return Err(TokenError::InvalidGrant("The device code is invalid.".into()));
        };
        match step(&authorization, ctx.now) {
            Step::Redeemed => {
                audit::record(
                    ctx.store,
                    ctx.now,
                    ctx.origin,
                    AuditKind::OidcDeviceCodeReused,
                    Outcome::Denied,
                    authorization.user_id.as_deref(),
                    json!({ "client_id": client.client_id }),
                )
                .await?;
                return Err(TokenError::InvalidGrant("The device code was already used.".into()));
            }
            Step::Denied => return Err(TokenError::AccessDenied),
            Step::Expired => return Err(TokenError::ExpiredToken),
            Step::Redeem => {
                if ctx
                    .store
                    .redeem_device_authorization(&hash, &client.client_id, ctx.now)
                    .await?
                {
                    return issue_tokens(ctx, client, request, authorization, dpop).await;
                }
            }
            Step::Wait {
                interval_secs,
                too_fast,
            } => {
                if ctx
                    .store
                    .record_device_poll(&hash, authorization.polls, interval_secs, ctx.now)
                    .await?
                {
                    return Err(if too_fast {
                        TokenError::SlowDown
                    } else {
                        TokenError::AuthorizationPending
                    });
                }
            }
        }
        tokio::task::yield_now().await;
    }
    Err(TokenError::SlowDown)
}

/// Mints the tokens of an authorization this poll redeemed: an ID token when `openid` was granted, a refresh
/// token family when the client has the refresh_token grant.
async fn issue_tokens(
    ctx: &Ctx<'_>,
    client: &Client,
    request: &TokenRequest,
    authorization: DeviceAuthorization,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    let (Some(user_id), Some(mut grant)) = (authorization.user_id, authorization.grant) else {
        return Err(TokenError::Server(
            "an approved device authorization without its grant".into(),
        ));
    };
    let user = active_user(ctx, &user_id).await?;
    let family = client
        .grants
        .iter()
        .any(|g| g == "refresh_token")
        .then(|| (random_token(), ctx.now + REFRESH_FAMILY_LIFETIME));
    let issued = Issue {
        grant_type: "device_code",
        code_hash: None,
        nonce: None,
        family: family.as_ref().map(|(id, until)| (id.as_str(), *until)),
        dpop_jkt: dpop,
    };
    grant.dpop_jkt = super::refresh_binding(client, dpop);
    grant.resource = super::super::tokens::target(client, request, None)?;
    let body = issue::mint(ctx, client, &user, &grant, issued).await?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(now: DateTime<Utc>) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code_hash: "d".into(),
            user_code_hash: "u".into(),
            client_id: "cli".into(),
            scope: "openid".into(),
            status: DeviceStatus::Pending,
            interval_secs: 5,
            polls: 0,
            last_polled_at: None,
            user_id: None,
            grant: None,
            created_at: now,
            expires_at: now + Duration::minutes(10),
        }
    }

    #[test]
    fn polling_rules() {
        let now = Utc::now();
        let mut a = pending(now);
        let wait = |interval_secs, too_fast| Step::Wait {
            interval_secs,
            too_fast,
        };
        assert_eq!(step(&a, now), wait(5, false), "the first poll is never too fast");
        a.last_polled_at = Some(now - Duration::seconds(4));
        assert_eq!(step(&a, now), wait(10, true));
        a.last_polled_at = Some(now - Duration::seconds(5));
        assert_eq!(step(&a, now), wait(5, false));
        a.status = DeviceStatus::Approved;
        assert_eq!(step(&a, now), Step::Redeem, "approval is not held back by the interval");
        assert_eq!(step(&a, now + Duration::minutes(10)), Step::Expired);
        a.status = DeviceStatus::Denied;
        assert_eq!(step(&a, now), Step::Denied);
        a.status = DeviceStatus::Redeemed;
        assert_eq!(step(&a, now + Duration::minutes(20)), Step::Redeemed);
        a.status = DeviceStatus::Pending;
        assert_eq!(step(&a, now + Duration::minutes(10)), Step::Expired);
    }
}
