//! The hardware OATH token factor, whole: importing seeds (`import`, parsing in `import.rs`), binding a token
//! (`bind`), the sign-in check (`verify`), the code rules (`hotp.rs`) and the token as stored (`token.rs`).
//! Hardware OATH tokens (the key fobs banks hand out): an administrator imports their seeds (PSKC or CSV);
//! a user binds one by typing its serial number and two consecutive codes, which also resynchronises its HOTP
//! counter or TOTP clock drift; afterwards it is a second factor like an authenticator app. Seeds are sealed at
//! rest; a token binds once; every accepted code moves a counter or step forward in one conditional UPDATE.
use chrono::{DateTime, Utc};
use serde_json::json;

pub mod hotp;
pub mod import;
pub mod token;

use self::import::TokenType;
use self::token::{HardwareToken, seal_context};
use super::enrolment;
use super::{Checked, Factor, FactorKind, FactorStatus, accepted};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{Session, User};
use crate::core::store::Store;
use crate::core::throttle;
use crate::core::{Error, Keys, Result};

/// Imports a seed file, PSKC or CSV as `import::parse` detects it (all or nothing); returns how many tokens were
/// added.
pub async fn import(
    store: &dyn Store,
    keys: &Keys,
    now: DateTime<Utc>,
    origin: &Origin,
    bytes: &[u8],
) -> Result<usize> {
    import_seeds(store, keys, now, origin, &import::parse(bytes)?).await
}

/// Stores parsed seeds, sealed, all or nothing (`Error::Conflict` when a serial was imported before), and audits
/// the import: what `gatehouse tokens import` and `POST /api/v1/hardware-tokens/import` share.
pub async fn import_seeds(
    store: &dyn Store,
    keys: &Keys,
    now: DateTime<Utc>,
    origin: &Origin,
    seeds: &[import::TokenSeed],
) -> Result<usize> {
    let mut tokens = Vec::with_capacity(seeds.len());
    for seed in seeds {
        tokens.push(HardwareToken {
            serial: seed.serial.clone(),
            token_type: seed.token_type,
            secret_enc: keys.sealer.seal(&seed.secret, &seal_context(&seed.serial))?,
            digits: seed.digits,
            algorithm: seed.algorithm,
            period: seed.period,
            counter: seed.counter,
            drift: 0,
            last_step: None,
            imported_at: now,
            bound_user_id: None,
            factor_id: None,
            bound_at: None,
        });
    }
    store.import_hardware_tokens(&tokens).await.map_err(|e| match e {
        Error::Conflict(_) => {
            Error::Conflict("A token in this file was imported before (serial numbers must be new).".into())
        }
        other => other,
    })?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::TokensImported,
        Outcome::Success,
        None,
        json!({ "count": tokens.len() }),
    )
    .await?;
    Ok(tokens.len())
}

/// Binds a token to the user: its serial and two consecutive codes prove possession and resynchronise it.
/// Unknown serials, tokens bound already and wrong codes get one answer, so serials cannot be probed.
pub async fn bind(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    serial: &str,
    first: &str,
    second: &str,
) -> Result<Factor> {
    let RequestCtx {
        store,
        keys,
        now,
        origin,
        ..
    } = *ctx;
    enrolment::require_may_add(store, now, session, user, FactorKind::OathToken).await?;
    let attempt = enrolment::reserve_attempt(store, user, now).await?;
    let refusal = || Error::WrongCode("That serial number and those codes do not match an available token.".into());
    let serial = serial.trim();
    let token = store
        .hardware_token(serial)
        .await?
        .filter(|t| t.bound_user_id.is_none());
    let resynced = match &token {
        Some(token) => {
            let secret = keys.sealer.open(&token.secret_enc, &seal_context(&token.serial))?;
            match token.token_type {
                TokenType::Hotp => {
                    hotp::resync_hotp(&secret, first, second, token.counter, token.digits, token.algorithm)
                        .map(|next| (next as i64, 0, None))
                }
                TokenType::Totp => hotp::resync_totp(
                    &secret,
                    first,
                    second,
                    unix(now),
                    token.period,
                    token.digits,
                    token.algorithm,
                )
                .map(|(drift, step)| (0, drift, Some(step as i64))),
            }
        }
        None => None,
    };
    let (Some(token), Some((counter, drift, last_step))) = (token, resynced) else {
        let serial = crate::core::model::truncate(serial, 64);
        enrolment::audit_failure(
            store,
            now,
            origin,
            user,
            FactorKind::OathToken,
            json!({ "serial": serial }),
        )
        .await?;
        return Err(refusal());
    };
    let factor = Factor::new(
        &user.id,
        FactorKind::OathToken,
        format!("Token {}", token.serial),
        FactorStatus::Active,
        enrolment::marked(json!({ "serial": token.serial }), session),
        now,
    );
    if !store
        .bind_hardware_token(&token.serial, &factor, counter, drift, last_step, now)
        .await?
    {
        return Err(refusal());
    }
    throttle::succeeded(store, &attempt).await?;
    enrolment::announce_added(ctx, user, &factor).await?;
    Ok(factor)
}

fn unix(now: DateTime<Utc>) -> u64 {
    now.timestamp().max(0) as u64
}

/// The sign-in check (dispatched from `core::signin::second_factor::verify`): a code against the user's bound tokens; an accepted code moves the token's counter or step forward, and
/// a code the token produced before (already consumed) is reported as a replay.
pub async fn verify(ctx: &RequestCtx<'_>, factors: &[Factor], code: &str) -> Result<Checked> {
    let RequestCtx { store, keys, now, .. } = *ctx;
    for factor in factors {
        let Some(serial) = factor.data.get("serial").and_then(|s| s.as_str()) else {
            continue;
        };
        let Some(token) = store.hardware_token(serial).await? else {
            continue;
        };
        if token.factor_id.as_deref() != Some(factor.id.as_str()) {
            continue;
        }
        let secret = keys.sealer.open(&token.secret_enc, &seal_context(&token.serial))?;
        let fresh = match token.token_type {
            TokenType::Hotp => match hotp::check_hotp(&secret, code, token.counter, token.digits, token.algorithm) {
                Some(matched) => Some(store.advance_hotp_counter(serial, matched as i64).await?),
                // Codes below the counter were accepted before.
                None => hotp::check_hotp(
                    &secret,
                    code,
                    token.counter.saturating_sub(hotp::LOOK_AHEAD),
                    token.digits,
                    token.algorithm,
                )
                .filter(|old| *old < token.counter)
                .map(|_| false),
            },
            TokenType::Totp => match hotp::check_totp(
                &secret,
                code,
                unix(now),
                token.period,
                token.drift,
                token.digits,
                token.algorithm,
            ) {
                Some(step) => {
                    let later = token.last_step.is_none_or(|last| (step as i64) > last);
                    Some(later && store.advance_token_step(serial, step as i64).await?)
                }
                None => None,
            },
        };
        match fresh {
            Some(true) => {
                store.touch_factor(&factor.id, now).await?;
                return Ok(accepted(factor.clone(), FactorKind::OathToken));
            }
            Some(false) => return Ok(Checked::Replayed),
            None => {}
        }
    }
    Ok(Checked::Wrong)
}
