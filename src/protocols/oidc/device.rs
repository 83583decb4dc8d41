//! The device authorization grant (RFC 8628), up to the user's decision: starting an authorization for a client
//! (`/device_authorization`), and the user's side at `/device` — typing the code, then allowing or denying.
//! Polling and token issuance are in `grants/device_code.rs`; the pages in `http_device.rs`.
//!
//! Guarantees:
//! - The device code has 256 random bits; the user code 8 letters of a 20-consonant alphabet (no vowels, so no
//!   words; no digits to confuse with letters). Both are stored only as digests — the user code's keyed (HMAC),
//!   because 35 bits would not survive an unkeyed hash of a copied database.
//! - Only a fully signed-in user (password and second factor, as for any sign-in) can approve, and the approval
//!   carries that sign-in's `auth_time`, `amr`, `acr` and `sid` into the tokens.
//! - Every look-up of a typed code is an attempt reserved against the user's guessing allowance (counted in the
//!   database, so all instances share it); a decision looks the code up again, so the decision form is no way
//!   around it. A valid code gives its attempt back but does not clear earlier failures: the user could make
//!   valid codes of their own (any public client can start a device authorization) to wipe out wrong guesses.
//! - A pending authorization is decided once: approve and deny are conditional UPDATEs, one of them wins.
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::SCOPES;
use super::authorize::sid;
use super::tokens::{Ctx, TokenError, TokenRequest};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::Session;
use crate::core::oauth::{Client, DeviceAuthorization, DeviceStatus, RefreshGrant};
use crate::core::policy::assurance;
use crate::core::secrets::{hmac, random_token, token_digest};
use crate::core::store::Store;
use crate::core::throttle::{self, Policy};
use crate::core::{Error, Result};

/// The grant type a client must be registered for.
pub const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How long the user has to enter the code and decide.
pub const LIFETIME: Duration = Duration::minutes(10);
/// The polling interval the client is told to keep (seconds); `slow_down` adds 5 each time.
pub const INTERVAL_SECS: i64 = 5;
const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const LENGTH: usize = 8;
/// Wrong codes typed by one user: growing delays after 5, up to a minute apart; no lock (the delay alone makes
/// guessing one of 20^8 codes within their 10 minutes hopeless, and a lock would only stop the user). Since a
/// valid code does not clear them, failures lapse after an hour without attempts instead.
pub const GUESSES: Policy = Policy {
    free_attempts: 5,
    max_delay_secs: 60,
    lock_after: None,
    lock_for: Duration::zero(),
    forget_after: Some(Duration::hours(1)),
    until_cleared: false,
};

/// A new user code, normalised (8 letters, no dash).
fn generate_user_code() -> String {
    let mut rng = rand::rng();
    (0..LENGTH)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What the user typed, normalised: case, spaces and dashes do not matter. `None` if it cannot be a code.
pub fn normalize_user_code(input: &str) -> Option<String> {
    if input.len() > 64 {
        return None;
    }
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// How a normalised code is shown: `BCDF-GHJK`.
pub fn display_user_code(normalized: &str) -> String {
    let (a, b) = normalized.split_at(normalized.len().min(LENGTH / 2));
    format!("{a}-{b}")
}

fn user_code_digest(key: &[u8; 32], normalized: &str) -> String {
    hex::encode(hmac(key, &[b"device-user-code", normalized.as_bytes()]))
}

/// The scope a device authorization asks for: `openid` when none is given; values we do not know are ignored
/// (as at `/authorize`, OIDC Core §3.1.2.1); asking for none we know, or malformed text, is `invalid_scope`.
pub fn granted_scope(requested: Option<&str>) -> std::result::Result<String, TokenError> {
    let Some(requested) = requested else {
        return Ok("openid".into());
    };
    // RFC 6749 §3.3: scope tokens are printable ASCII without `"` and `\`, separated by spaces.
    let well_formed = requested.len() <= 1024
        && requested
            .bytes()
            .all(|b| b == b' ' || (b.is_ascii_graphic() && b != b'"' && b != b'\\'));
    let scope: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|s| requested.split(' ').any(|r| r == *s))
        .collect();
    if !well_formed || scope.is_empty() {
        return Err(TokenError::InvalidScope);
    }
    Ok(scope.join(" "))
}

/// `/device_authorization` (RFC 8628 §3.1–3.2) for an authenticated client: a new pending authorization and the
/// answer telling the client what to show and how often to poll.
pub async fn start(
    ctx: &Ctx<'_>,
    user_code_key: &[u8; 32],
    client: &Client,
    request: &TokenRequest,
) -> std::result::Result<Value, TokenError> {
    if !client.grants.iter().any(|g| g == GRANT) {
        return Err(TokenError::UnauthorizedClient);
    }
    let scope = granted_scope(request.scope.as_deref())?;
    let device_code = random_token();
    // 20^8 codes: a collision with a live one is rare, and then we simply draw again.
    for _ in 0..4 {
        let user_code = generate_user_code();
        let authorization = DeviceAuthorization {
            device_code_hash: token_digest(&device_code),
            user_code_hash: user_code_digest(user_code_key, &user_code),
            client_id: client.client_id.clone(),
            scope: scope.clone(),
            status: DeviceStatus::Pending,
            interval_secs: INTERVAL_SECS,
            polls: 0,
            last_polled_at: None,
            user_id: None,
            grant: None,
            created_at: ctx.now,
            expires_at: ctx.now + LIFETIME,
        };
        match ctx.store.insert_device_authorization(&authorization, ctx.now).await {
            Ok(()) => {}
            Err(Error::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
        audit::record(
            ctx.store,
            ctx.now,
            ctx.origin,
            AuditKind::OidcDeviceAuthorization,
            Outcome::Success,
            None,
            json!({ "client_id": client.client_id, "scope": scope }),
        )
        .await?;
        let shown = display_user_code(&user_code);
        let verification_uri = format!("{}/device", ctx.issuer);
        return Ok(json!({
            "device_code": device_code,
            "user_code": shown,
            "verification_uri": verification_uri,
            "verification_uri_complete": format!("{verification_uri}?user_code={shown}"),
            "expires_in": LIFETIME.num_seconds(),
            "interval": INTERVAL_SECS,
        }));
    }
    Err(TokenError::Server("no free user code after four draws".into()))
}

/// Why a typed code leads nowhere. Each is told to the user as it is; nothing changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    Malformed,
    Unknown,
    Expired,
    AlreadyUsed,
    /// The signed-in session does not reach the client's minimum level (`--min-acr`).
    LevelTooLow,
}

impl CodeProblem {
    /// What the code page says about it, in the request's language.
    pub fn message(self) -> String {
        crate::i18n::t(match self {
            CodeProblem::Malformed => "oidc-device-code-malformed",
            CodeProblem::Unknown => "oidc-device-code-unknown",
            CodeProblem::Expired => "oidc-device-code-expired",
            CodeProblem::AlreadyUsed => "oidc-device-code-used",
            CodeProblem::LevelTooLow => "oidc-device-level-too-low",
        })
    }

    fn reason(self) -> &'static str {
        match self {
            CodeProblem::Malformed => "malformed",
            CodeProblem::Unknown => "unknown",
            CodeProblem::Expired => "expired",
            CodeProblem::AlreadyUsed => "already_used",
            CodeProblem::LevelTooLow => "level_too_low",
        }
    }
}

/// A pending authorization the signed-in user typed the code of.
#[derive(Clone, Debug)]
pub struct Pending {
    /// As shown: `BCDF-GHJK`.
    pub user_code: String,
    user_code_hash: String,
    pub client: Client,
    pub scope: String,
}

/// Looks up a typed code for `user_id` as one attempt of their guessing allowance (refused with
/// `TooManyAttempts` while they must wait); only a failure keeps the attempt. Every refusal is audited as
/// `oidc.device_code_rejected` — a wrong, expired or used code, a throttled attempt (`denied`, reason
/// `throttled`), and a malformed code, which spends nothing (it cannot match).
async fn find_pending(
    store: &dyn Store,
    now: DateTime<Utc>,
    user_code_key: &[u8; 32],
    origin: &Origin,
    user_id: &str,
    input: &str,
) -> Result<std::result::Result<Pending, CodeProblem>> {
    let Some(code) = normalize_user_code(input) else {
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcDeviceCodeRejected,
            Outcome::Failure,
            Some(user_id),
            json!({ "reason": CodeProblem::Malformed.reason() }),
        )
        .await?;
        return Ok(Err(CodeProblem::Malformed));
    };
    let key = format!("device-code:{user_id}");
    let attempt = match throttle::begin(store, &GUESSES, &key, now).await {
        Ok(attempt) => attempt,
        Err(Error::TooManyAttempts { retry_after_secs }) => {
            audit::record(
                store,
                now,
                origin,
                AuditKind::OidcDeviceCodeRejected,
                Outcome::Denied,
                Some(user_id),
                json!({ "reason": "throttled", "retry_after_secs": retry_after_secs }),
            )
            .await?;
            return Err(Error::TooManyAttempts { retry_after_secs });
        }
        Err(other) => return Err(other),
    };
    let hash = user_code_digest(user_code_key, &code);
    let found = store.device_authorization_by_user_code(&hash).await?;
    let problem = match &found {
        None => Some(CodeProblem::Unknown),
        Some(a) if a.status != DeviceStatus::Pending => Some(CodeProblem::AlreadyUsed),
        Some(a) if a.expires_at <= now => Some(CodeProblem::Expired),
        Some(_) => None,
    };
    let client = match (&found, problem) {
        (Some(a), None) => store.client(&a.client_id).await?,
        _ => None,
    };
    match (found, client) {
        (Some(a), Some(client)) => {
            throttle::refund(store, &attempt, now).await?;
            Ok(Ok(Pending {
                user_code: display_user_code(&code),
                user_code_hash: hash,
                client,
                scope: a.scope,
            }))
        }
        _ => {
            let problem = problem.unwrap_or(CodeProblem::Unknown);
            audit::record(
                store,
                now,
                origin,
                AuditKind::OidcDeviceCodeRejected,
                Outcome::Failure,
                Some(user_id),
                json!({ "reason": problem.reason(), "attempt": attempt.number }),
            )
            .await?;
            Ok(Err(problem))
        }
    }
}

/// The user typed a code at `/device`: the pending authorization it belongs to, for the confirmation page.
pub async fn enter(
    store: &dyn Store,
    now: DateTime<Utc>,
    user_code_key: &[u8; 32],
    origin: &Origin,
    session: &Session,
    input: &str,
) -> Result<std::result::Result<Pending, CodeProblem>> {
    let found = find_pending(store, now, user_code_key, origin, &session.user_id, input).await?;
    if let Ok(pending) = &found {
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcDeviceCodeEntered,
            Outcome::Success,
            Some(&session.user_id),
            json!({ "client_id": pending.client.client_id, "scope": pending.scope }),
        )
        .await?;
    }
    Ok(found)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// The user allowed or denied on the confirmation page. Allowing binds the authorization to this sign-in
/// (`auth_time`, `amr`, `acr`, `sid`) and records the relying-party session for back-channel logout.
pub async fn decide(
    store: &dyn Store,
    now: DateTime<Utc>,
    user_code_key: &[u8; 32],
    origin: &Origin,
    session: &Session,
    input: &str,
    decision: Decision,
) -> Result<std::result::Result<Pending, CodeProblem>> {
    let pending = match find_pending(store, now, user_code_key, origin, &session.user_id, input).await? {
        Ok(pending) => pending,
        Err(problem) => return Ok(Err(problem)),
    };
    let client_id = pending.client.client_id.as_str();
    // The client's minimum level holds here too; `/device` offered the step-up before the confirmation page.
    let assessment = match store.user_by_id(&session.user_id).await? {
        Some(user) => Some(super::stepup::assess_client_minimum(store, now, &pending.client, session, &user).await?),
        None => None,
    };
    if decision == Decision::Allow
        && assessment
            .as_ref()
            .is_some_and(|a| a.decision != super::stepup::Decision::Met)
    {
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcDeviceCodeRejected,
            Outcome::Denied,
            Some(&session.user_id),
            json!({ "reason": CodeProblem::LevelTooLow.reason(), "client_id": client_id }),
        )
        .await?;
        return Ok(Err(CodeProblem::LevelTooLow));
    }
    let won = match decision {
        Decision::Allow => {
            let grant = RefreshGrant {
                scope: pending.scope.clone(),
                // The level the session stands at within its age, proven then (`core::policy::acr_age`).
                auth_time: assessment.as_ref().map_or(session.auth_time, |a| a.proven_at),
                amr: session.amr.clone(),
                acr: assessment.as_ref().map_or_else(
                    || assurance::acr_for(&session.amr).to_string(),
                    |a| super::stepup::claim(a, None, &pending.client),
                ),
                sid: sid(session),
                dpop_jkt: None,
                resource: None,
            };
            let won = store
                .approve_device_authorization(&pending.user_code_hash, &session.user_id, &grant, now)
                .await?;
            if won {
                // Whom to tell (back-channel logout) when this browser session ends.
                store
                    .add_rp_session(&crate::core::store::RpSession {
                        sid: grant.sid.clone(),
                        client_id: client_id.to_string(),
                        session_hash: session.id_hash.clone(),
                        user_id: session.user_id.clone(),
                        created_at: now,
                    })
                    .await?;
                let details = json!({ "client_id": client_id, "scope": pending.scope, "acr": grant.acr });
                audit::record(
                    store,
                    now,
                    origin,
                    AuditKind::OidcDeviceApproved,
                    Outcome::Success,
                    Some(&session.user_id),
                    details,
                )
                .await?;
            }
            won
        }
        Decision::Deny => {
            let won = store
                .deny_device_authorization(&pending.user_code_hash, &session.user_id, now)
                .await?;
            if won {
                audit::record(
                    store,
                    now,
                    origin,
                    AuditKind::OidcDeviceDenied,
                    Outcome::Denied,
                    Some(&session.user_id),
                    json!({ "client_id": client_id }),
                )
                .await?;
            }
            won
        }
    };
    if !won {
        // Another request decided it (or it expired) between the look-up and the update.
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcDeviceCodeRejected,
            Outcome::Failure,
            Some(&session.user_id),
            json!({ "reason": "decided_concurrently", "client_id": client_id }),
        )
        .await?;
        return Ok(Err(CodeProblem::AlreadyUsed));
    }
    Ok(Ok(pending))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_consonants_and_normalise() {
        for _ in 0..100 {
            let code = generate_user_code();
            assert_eq!(code.len(), 8);
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            let shown = display_user_code(&code);
            assert_eq!(shown.len(), 9);
            assert_eq!(normalize_user_code(&shown).as_deref(), Some(code.as_str()));
            let typed = format!(" {} ", shown.to_lowercase().replace('-', " - "));
            assert_eq!(normalize_user_code(&typed).as_deref(), Some(code.as_str()));
        }
        for bad in [
            "",
            "BCDF-GHJ",
            "BCDF-GHJKL",
            "BCDF-GHJA",
            "BCDF-GHJ1",
            "ßCDF-GHJK",
            &"B".repeat(100),
        ] {
            assert_eq!(normalize_user_code(bad), None, "{bad}");
        }
        assert_ne!(
            user_code_digest(&[1; 32], "BCDFGHJK"),
            user_code_digest(&[2; 32], "BCDFGHJK")
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(granted_scope(None), Ok("openid".into()));
        assert_eq!(
            granted_scope(Some("email openid x:y openid")),
            Ok("openid email".into())
        );
        assert_eq!(granted_scope(Some("profile")), Ok("profile".into()));
        assert_eq!(granted_scope(Some("unknown")), Err(TokenError::InvalidScope));
        assert_eq!(granted_scope(Some("")), Err(TokenError::InvalidScope));
        assert_eq!(granted_scope(Some("openid\temail")), Err(TokenError::InvalidScope));
        assert_eq!(
            granted_scope(Some(&"openid ".repeat(300))),
            Err(TokenError::InvalidScope)
        );
    }
}
