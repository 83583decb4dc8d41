//! The WebAuthn factor: security keys and passkeys (webauthn-rs) — registration (`start_registration`,
//! `finish_registration`), the sign-in ceremonies and their check (`start_authentication`, `verify`; for
//! passwordless sign-in `start_passwordless`, `claim_passwordless`, `check_passwordless`) and the clone flag.
//! Registered and used as a second factor after the password; passkeys also sign in without a password
//! (discoverable credentials, user verification required), which counts as both factors. What a sign-in gets
//! from them (admission, attempts, the session) is decided in `core::signin::passkey`, which calls down here.
//!
//! Ceremony state never leaves the server: it is stored under the session that started it (or, for a
//! passwordless sign-in, under the digest of a random cookie), taken once, and expires in five minutes, so a
//! challenge answers one transaction only. RP ID and origin come from `public_url`.
//!
//! A signature counter that goes backwards means two authenticators share one credential (a clone). The
//! assertion is refused, the credential is flagged, audited and the user told by mail; and a flagged credential
//! stays refused — also when the next assertion carries a higher counter, which the copy that is ahead would
//! send — until the user removes it at `/account/security` (and registers again), or an administrator clears
//! the flag (`gatehouse user clear-clone-flag`) after checking with the user.
//!
//! The passkey profile of the user's roles (`core::policy::passkey_profile`) is applied here: at registration
//! (the attested ceremony when attestation is required; a credential the profile refuses is audited and not
//! stored) and whenever `phrh` is judged ([`qualifies_for_phrh`]). Trust anchors and what a stored credential is
//! live in `webauthn_profile`.
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use url::Url;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

use super::webauthn_profile::{self, AttestationTrust, Ceremony};
use super::{Checked, Factor, FactorKind, FactorStatus, enrolment};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{Session, User, UserStatus, truncate};
use crate::core::notify::notify;
use crate::core::policy::enforcement;
use crate::core::policy::passkey_profile::{Attestation, PasskeyProfile};
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

const CEREMONY_TTL: Duration = Duration::minutes(5);

pub fn relying_party(public_url: &Url, name: &str) -> Result<Webauthn> {
    let rp_id = public_url
        .host_str()
        .ok_or_else(|| Error::invalid("public_url has no host"))?;
    WebauthnBuilder::new(rp_id, public_url)
        .and_then(|b| b.rp_name(name).build())
        .map_err(|e| Error::invalid(format!("WebAuthn cannot use public_url {public_url}: {e}")))
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

fn passkey_of(factor: &Factor) -> Result<Passkey> {
    serde_json::from_value(factor.data.get("passkey").cloned().unwrap_or(Value::Null)).map_err(internal)
}

/// What a credential contributes to `amr`: `swk` for a synced (backup-eligible) passkey, `hwk` for a key bound
/// to one device, and `user` when the authenticator verified the user (PIN or biometrics).
fn methods(backup_eligible: bool, user_verified: bool) -> Vec<String> {
    let mut amr = vec![if backup_eligible { "swk" } else { "hwk" }.to_string()];
    if user_verified {
        amr.push("user".into());
    }
    amr
}

/// Whether a credential counts for the OpenID EAP `phrh` level under `profile` (the strictest passkey profile of
/// the user's roles): registered device-bound (backup-eligible flag clear) with user verification, and whatever
/// the profile adds (attestation, an allowed model). Unknown (registered before this was recorded): no.
pub fn qualifies_for_phrh(factor: &Factor, profile: &PasskeyProfile) -> bool {
    factor.kind == FactorKind::WebAuthn && webauthn_profile::phrh_shortfalls(factor, profile).is_empty()
}

/// Whether an accepted assertion of `factor` (contributing `amr`) proves `phrh`: the credential qualifies under
/// `profile` ([`qualifies_for_phrh`]), and this assertion was not backup-eligible (`hwk`) and verified the user.
pub fn hardware_bound(factor: &Factor, amr: &[String], profile: &PasskeyProfile) -> bool {
    qualifies_for_phrh(factor, profile) && amr.iter().any(|m| m == "hwk") && amr.iter().any(|m| m == "user")
}

async fn webauthn_factors(store: &dyn Store, user_id: &str) -> Result<Vec<Factor>> {
    Ok(store
        .factors_of(user_id)
        .await?
        .into_iter()
        .filter(|f| f.kind == FactorKind::WebAuthn && f.status == FactorStatus::Active)
        .collect())
}

fn parse<T: serde::de::DeserializeOwned>(credential: &Value) -> Result<T> {
    serde_json::from_value(credential.clone()).map_err(|_| Error::invalid("The authenticator's answer is malformed."))
}

/// Options for `navigator.credentials.create()`. A discoverable credential is preferred, so that a passkey
/// also works without a username; user verification is required. When the user's roles require attestation,
/// the attested ceremony asks the authenticator for it (against the operator's trust anchors, `trust`).
pub async fn start_registration(
    webauthn: &Webauthn,
    trust: &AttestationTrust,
    store: &dyn Store,
    now: DateTime<Utc>,
    session: &Session,
    user: &User,
) -> Result<Value> {
    enrolment::require_may_add(store, now, session, user, FactorKind::WebAuthn).await?;
    let profile = enforcement::requirement_for(store, now, user).await?.passkey_profile;
    let user_id = Uuid::parse_str(&user.id).map_err(internal)?;
    let existing: Vec<_> = webauthn_factors(store, &user.id)
        .await?
        .iter()
        .filter_map(|f| passkey_of(f).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let (options, state) = if profile.attestation == Attestation::Required {
        if trust.is_empty() {
            return Err(Error::NotAllowed(
                "Your role accepts only attested security keys, but no attestation trust anchors are configured \
                 on this server. Ask an administrator."
                    .into(),
            ));
        }
        let (options, state) = webauthn
            .start_attested_passkey_registration(
                user_id,
                &user.username,
                &user.display_name,
                Some(existing),
                trust.cas().clone(),
                None,
            )
            .map_err(internal)?;
        (serde_json::to_value(&options), Ceremony::Attested(state))
    } else {
        let (options, state) = webauthn
            .start_passkey_registration(user_id, &user.username, &user.display_name, Some(existing))
            .map_err(internal)?;
        (serde_json::to_value(&options), Ceremony::Passkey(state))
    };
    store
        .put_ceremony(
            &format!("{}:register", session.id_hash),
            "register",
            &serde_json::to_string(&state).map_err(internal)?,
            now,
            now + CEREMONY_TTL,
        )
        .await?;
    let mut options = options.map_err(internal)?;
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(Value::as_object_mut)
    {
        selection.insert("residentKey".into(), "preferred".into());
    }
    // The attested ceremony asks the browser to fail outright when the authenticator cannot enforce credProtect;
    // the browser then says only "not allowed". Without the demand such an authenticator answers, and the server
    // judges it (user verification is still required, and recorded).
    if let Some(extensions) = options
        .pointer_mut("/publicKey/extensions")
        .and_then(Value::as_object_mut)
    {
        extensions.remove("enforceCredentialProtectionPolicy");
    }
    Ok(options)
}

/// Completes a registration: the authenticator's answer against the ceremony this session started, then the
/// strictest passkey profile of the user's roles as it stands now. An answer the profile refuses is audited with
/// what it lacked and stored nowhere; the user is told what their role accepts.
pub async fn finish_registration(
    webauthn: &Webauthn,
    trust: &AttestationTrust,
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    credential: &Value,
    name: &str,
) -> Result<Factor> {
    let RequestCtx { store, now, origin, .. } = *ctx;
    enrolment::require_fresh(session, now)?;
    let name = enrolment::factor_name(name, "Security key")?;
    let state = store
        .take_ceremony(&format!("{}:register", session.id_hash), "register", now)
        .await?
        .ok_or_else(|| Error::invalid("This registration has expired or was already used; start again."))?;
    let response: RegisterPublicKeyCredential = parse(credential)?;
    let profile = enforcement::requirement_for(store, now, user).await?.passkey_profile;
    let finished = match Ceremony::read(&state)? {
        Ceremony::Passkey(state) => webauthn
            .finish_passkey_registration(&response, &state)
            .and_then(|p| serde_json::to_value(&p).map_err(|_| WebauthnError::CredentialRetrievalError))
            .map(|p| (p, json!({ "attested": false }))),
        Ceremony::Attested(state) => webauthn
            .finish_attested_passkey_registration(&response, &state)
            .and_then(|p| {
                let record = webauthn_profile::attested_record(&p, trust);
                serde_json::to_value(&p)
                    .map(|p| (p, record))
                    .map_err(|_| WebauthnError::CredentialRetrievalError)
            }),
    };
    let (stored, attestation) = match finished {
        Ok(done) => done,
        Err(e) => {
            let refused = webauthn_profile::refusal(&e);
            let details = json!({ "reason": e.to_string(), "profile": refused.map(|r| r.as_str()) });
            enrolment::audit_failure(store, now, origin, user, FactorKind::WebAuthn, details).await?;
            return Err(match refused {
                Some(missing) => Error::NotAllowed(webauthn_profile::refusal_message(missing).into()),
                None => Error::WrongCode("The security key or passkey could not be registered.".into()),
            });
        }
    };
    // What `phrh` and the passkey profiles need, recorded as registered: whether the credential can be synced to
    // other devices (backup-eligible flag), whether it verified the user, and what its attestation proved.
    // Credentials registered before this was recorded have none of it and never count as hardware-bound.
    // (webauthn-rs exposes the credential's flags only through its serialised form, `{"cred": {…}}`.)
    let flag = |name: &str| stored.pointer(&format!("/cred/{name}")).and_then(Value::as_bool);
    let mut data = json!({
        "passkey": stored, "flagged": false,
        "backup_eligible": flag("backup_eligible"), "user_verified": flag("user_verified"),
    });
    if let (Some(data), Some(attestation)) = (data.as_object_mut(), attestation.as_object()) {
        data.extend(attestation.clone());
    }
    let candidate = Factor::new(
        &user.id,
        FactorKind::WebAuthn,
        name,
        FactorStatus::Active,
        enrolment::marked(data, session),
        now,
    );
    let missing = profile.shortfalls(&webauthn_profile::facts(&candidate));
    if let Some(first) = missing.first() {
        let details = json!({
            "reason": "passkey_profile", "missing": missing.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            "aaguid": candidate.data.get("aaguid"), "backup_eligible": candidate.data.get("backup_eligible"),
        });
        enrolment::audit_failure(store, now, origin, user, FactorKind::WebAuthn, details).await?;
        return Err(Error::NotAllowed(webauthn_profile::refusal_message(*first).into()));
    }
    store.insert_factor(&candidate).await?;
    enrolment::announce_added(ctx, user, &candidate).await?;
    Ok(candidate)
}

/// Options for `navigator.credentials.get()` as the second step of a sign-in, for the user's `factors`; the
/// challenge is stored under the pending session (`core::signin::passkey::start_second_factor` decides who may ask).
pub async fn start_authentication(
    webauthn: &Webauthn,
    store: &dyn Store,
    now: DateTime<Utc>,
    pending: &Session,
    factors: &[Factor],
) -> Result<Value> {
    start_confirmation(webauthn, store, now, &sign_in_ceremony(pending), factors).await
}

fn sign_in_ceremony(pending: &Session) -> String {
    format!("{}:authenticate", pending.id_hash)
}

/// Options for `navigator.credentials.get()` for the user's `factors`, the challenge stored under `key`: a sign-in's
/// second step, or a confirmation outside sign-in (a caller-verification prompt, `core::recovery::verify_flow`).
pub async fn start_confirmation(
    webauthn: &Webauthn,
    store: &dyn Store,
    now: DateTime<Utc>,
    key: &str,
    factors: &[Factor],
) -> Result<Value> {
    let passkeys: Vec<Passkey> = factors.iter().filter_map(|f| passkey_of(f).ok()).collect();
    if passkeys.is_empty() {
        return Err(Error::invalid("There is no security key or passkey to confirm with."));
    }
    let (options, state) = webauthn.start_passkey_authentication(&passkeys).map_err(internal)?;
    store
        .put_ceremony(
            key,
            "authenticate",
            &serde_json::to_string(&state).map_err(internal)?,
            now,
            now + CEREMONY_TTL,
        )
        .await?;
    serde_json::to_value(&options).map_err(internal)
}

/// Whether the credential was flagged for a counter regression (a suspected clone).
pub fn is_flagged(factor: &Factor) -> bool {
    factor.is_flagged()
}

/// Whether the factor can answer a challenge now: a stored credential, not flagged.
pub fn can_answer(factor: &Factor) -> bool {
    factor.kind == FactorKind::WebAuthn && !factor.is_flagged() && passkey_of(factor).is_ok()
}

fn credential_matches(factor: &Factor, credential_id: &[u8]) -> bool {
    passkey_of(factor).is_ok_and(|p| AsRef::<[u8]>::as_ref(p.cred_id()) == credential_id)
}

/// Verifies the assertion against this sign-in's challenge and the user's credentials; records the new counter.
/// A flagged credential is refused whatever the assertion says; a counter regression flags the credential that
/// answered, audits it and tells the user.
async fn check_assertion(
    ctx: &RequestCtx<'_>,
    user: &User,
    factors: &[Factor],
    credential_id: &[u8],
    result: std::result::Result<webauthn_rs::prelude::AuthenticationResult, WebauthnError>,
) -> Result<Checked> {
    let RequestCtx {
        store,
        notifier,
        now,
        origin,
        ..
    } = *ctx;
    let answering = factors.iter().find(|f| credential_matches(f, credential_id));
    if let Some(factor) = answering.filter(|f| is_flagged(f)) {
        ctx.audit(
            AuditKind::WebauthnFlaggedCredential,
            Outcome::Denied,
            Some(&user.id),
            json!({ "factor_id": factor.id, "name": factor.name }),
        )
        .await?;
        return Ok(Checked::Wrong);
    }
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            ctx.audit(
                AuditKind::WebauthnCounterRegression,
                Outcome::Denied,
                Some(&user.id),
                json!({ "factor_id": answering.map(|f| f.id.as_str()) }),
            )
            .await?;
            if let Some(factor) = answering {
                let mut data = factor.data.clone();
                data["flagged"] = true.into();
                store.update_factor_data(&factor.id, &data, now).await?;
                notify(
                    notifier,
                    user,
                    "passkey_flagged",
                    json!({ "factor": factor.name, "ip": origin.ip }),
                )
                .await;
            }
            return Ok(Checked::Wrong);
        }
        Err(_) => return Ok(Checked::Wrong),
    };
    for factor in factors {
        let mut passkey = passkey_of(factor)?;
        if passkey.cred_id() == outcome.cred_id() {
            passkey.update_credential(&outcome);
            let mut data = factor.data.clone();
            data["passkey"] = serde_json::to_value(&passkey).map_err(internal)?;
            store.update_factor_data(&factor.id, &data, now).await?;
            return Ok(Checked::Accepted {
                factor: factor.clone(),
                amr: methods(outcome.backup_eligible(), outcome.user_verified()),
            });
        }
    }
    Ok(Checked::Wrong)
}

/// An administrator clears a credential's clone flag (after checking with the user that the authenticator in
/// their hands is the only one). Audited; `false` when it was not flagged.
pub async fn clear_clone_flag(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    factor_id: &str,
) -> Result<bool> {
    let factor = store
        .factor_of(&user.id, factor_id)
        .await?
        .filter(|f| f.kind == FactorKind::WebAuthn)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "security key or passkey '{}' of {}",
                truncate(factor_id, 64),
                user.username
            ))
        })?;
    let was_flagged = is_flagged(&factor);
    if was_flagged {
        let mut data = factor.data.clone();
        data["flagged"] = false.into();
        store.update_factor_data(&factor.id, &data, now).await?;
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::WebauthnCloneFlagCleared,
        Outcome::Success,
        Some(&user.id),
        json!({ "factor_id": factor.id, "name": factor.name, "was_flagged": was_flagged }),
    )
    .await?;
    Ok(was_flagged)
}

/// The authenticator's answer to a sign-in challenge, parsed; a malformed one is refused before any attempt is
/// counted.
pub fn parse_assertion(credential: &Value) -> Result<PublicKeyCredential> {
    parse(credential)
}

/// The sign-in check (called from `core::signin::passkey::finish_second_factor`): the answer against this sign-in's
/// challenge, taken once, and the user's credentials. No challenge for this sign-in (never asked, expired, or
/// already answered) means a replay or a forgery.
pub async fn verify(
    webauthn: &Webauthn,
    ctx: &RequestCtx<'_>,
    pending: &Session,
    user: &User,
    factors: &[Factor],
    response: &PublicKeyCredential,
) -> Result<Checked> {
    verify_confirmation(webauthn, ctx, &sign_in_ceremony(pending), user, factors, response).await
}

/// The answer to the challenge stored under `key` ([`start_confirmation`]), taken once, against the user's
/// credentials; no challenge (never asked, expired, already answered) is `Wrong`.
pub async fn verify_confirmation(
    webauthn: &Webauthn,
    ctx: &RequestCtx<'_>,
    key: &str,
    user: &User,
    factors: &[Factor],
    response: &PublicKeyCredential,
) -> Result<Checked> {
    match ctx.store.take_ceremony(key, "authenticate", ctx.now).await? {
        Some(state) => {
            let state: PasskeyAuthentication = serde_json::from_str(&state).map_err(internal)?;
            check_assertion(
                ctx,
                user,
                factors,
                response.get_credential_id(),
                webauthn.finish_passkey_authentication(response, &state),
            )
            .await
        }
        None => Ok(Checked::Wrong),
    }
}

/// Starts a sign-in without a password: returns the cookie token that binds the challenge to this browser,
/// and the options for `navigator.credentials.get()`.
pub async fn start_passwordless(webauthn: &Webauthn, store: &dyn Store, now: DateTime<Utc>) -> Result<(String, Value)> {
    let (options, state) = webauthn.start_discoverable_authentication().map_err(internal)?;
    let token = random_token();
    store
        .put_ceremony(
            &token_digest(&token),
            "discoverable",
            &serde_json::to_string(&state).map_err(internal)?,
            now,
            now + CEREMONY_TTL,
        )
        .await?;
    let mut options = serde_json::to_value(&options).map_err(internal)?;
    // The page asks on a button press, not through autofill (which would answer by itself on page load).
    if let Some(map) = options.as_object_mut() {
        map.remove("mediation");
    }
    Ok((token, options))
}

/// A passwordless answer whose credential names an active user and one of their passkeys; not verified yet.
pub struct Claim {
    pub user: User,
    factors: Vec<Factor>,
    passkey: Passkey,
    state: DiscoverableAuthentication,
    response: PublicKeyCredential,
}

/// Reads a passwordless answer: the challenge bound to this browser (taken once), the user its credential names,
/// and that user's passkey. `None` when there is no challenge, no such active user or no such passkey, each
/// audited (`login.passkey`); the sign-in (`core::signin::passkey::finish_passwordless`) refuses them alike.
pub async fn claim_passwordless(
    webauthn: &Webauthn,
    ctx: &RequestCtx<'_>,
    cookie_token: &str,
    credential: &Value,
) -> Result<Option<Claim>> {
    let RequestCtx { store, now, .. } = *ctx;
    let response: PublicKeyCredential = parse(credential)?;
    let state = store
        .take_ceremony(&token_digest(cookie_token), "discoverable", now)
        .await?;
    let Some(state) = state else {
        ctx.audit(
            AuditKind::LoginPasskey,
            Outcome::Failure,
            None,
            json!({ "reason": "no_challenge" }),
        )
        .await?;
        return Ok(None);
    };
    let state: DiscoverableAuthentication = serde_json::from_str(&state).map_err(internal)?;
    let user = match webauthn.identify_discoverable_authentication(&response) {
        Ok((user_id, _)) => store.user_by_id(&user_id.to_string()).await?,
        Err(_) => None,
    };
    let Some(user) = user.filter(|u| u.status == UserStatus::Active) else {
        ctx.audit(
            AuditKind::LoginPasskey,
            Outcome::Failure,
            None,
            json!({ "reason": "unknown_credential" }),
        )
        .await?;
        return Ok(None);
    };
    let factors = webauthn_factors(store, &user.id).await?;
    let credential_id = response.get_credential_id().to_vec();
    let Some(passkey) = factors
        .iter()
        .filter_map(|f| passkey_of(f).ok())
        .find(|p| AsRef::<[u8]>::as_ref(p.cred_id()) == credential_id.as_slice())
    else {
        ctx.audit(
            AuditKind::LoginPasskey,
            Outcome::Failure,
            Some(&user.id),
            json!({ "reason": "unknown_credential" }),
        )
        .await?;
        return Ok(None);
    };
    Ok(Some(Claim {
        user,
        factors,
        passkey,
        state,
        response,
    }))
}

/// Verifies a claimed passwordless answer against its challenge and the user's credentials (the same check as the
/// second step: flagged credentials refused, a counter regression flagged, the new counter recorded).
pub async fn check_passwordless(webauthn: &Webauthn, ctx: &RequestCtx<'_>, claim: Claim) -> Result<Checked> {
    let Claim {
        user,
        factors,
        passkey,
        state,
        response,
    } = claim;
    let credential_id = response.get_credential_id().to_vec();
    let result = webauthn.finish_discoverable_authentication_v2(&response, state, DiscoverableKey::from(&passkey));
    check_assertion(ctx, &user, &factors, &credential_id, result).await
}
