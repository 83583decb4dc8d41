//! Domain values for tests, complete and ordinary, so that a test states only what matters to it with struct
//! update syntax: `Session { state: SessionState::PendingSecondFactor, ..a_session(&user.id, now) }`.
//!
//! The defaults are the dullest valid value (active, nothing optional set, nothing used or expired); a test
//! that relies on one should still say it.
use chrono::{DateTime, Duration, Utc};
use gatehouse::core::accounts::NewAccount;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::model::{Session, SessionState, User, UserStatus};
use gatehouse::core::oauth::RefreshGrant;
use gatehouse::core::recovery::{FactorResetRequest, FactorSelection, ResetState};
use gatehouse::protocols::saml::sps::NewServiceProvider;

/// A stored user, created now: active, with a password hash (not of any password the tests type), no phone, no
/// manager, no per-user second-factor requirement; the display name is the username.
pub fn a_user(id: &str, username: &str, email: &str) -> User {
    let now = SystemClock.now();
    User {
        id: id.into(),
        username: username.into(),
        email: email.into(),
        display_name: username.into(),
        phone: None,
        status: UserStatus::Active,
        manager_id: None,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into()),
        password_changed_at: Some(now),
        mfa_required: false,
        created_at: now,
        updated_at: now,
        locale: None,
    }
}

/// What `gatehouse user add` is given: `USERNAME@example.com`, nothing else (no password, no roles).
pub fn an_account(username: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        email: format!("{username}@example.com"),
        ..Default::default()
    }
}

/// A signed-in browser session of `user_id` started at `now` with the password alone: id hash `aaa…`, 12 hours
/// to live, no address or user agent.
pub fn a_session(user_id: &str, now: DateTime<Utc>) -> Session {
    Session {
        id_hash: "a".repeat(64),
        user_id: user_id.into(),
        state: SessionState::Authenticated,
        amr: vec!["pwd".into()],
        created_at: now,
        auth_time: now,
        last_seen_at: now,
        expires_at: now + Duration::hours(12),
        ip: None,
        user_agent: None,
        proofs: Default::default(),
    }
}

/// A factor-reset request the user opened at `now` for all their factors ("lost"), waiting for approval for 24
/// hours; no links, no route (as before approvals were routed), no path or addresses recorded (as before those
/// were), no decisions, nothing closed.
pub fn a_factor_reset(user_id: &str, now: DateTime<Utc>) -> FactorResetRequest {
    FactorResetRequest {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user_id.into(),
        factors: FactorSelection::All,
        reason: "lost".into(),
        opened_by: "self".into(),
        opened_ip: None,
        opened_user_agent: None,
        state: ResetState::Requested,
        created_at: now,
        approval_expires_at: now + Duration::hours(24),
        approval_token_hash: None,
        route: None,
        approver_id: None,
        approver_amr: None,
        approval_note: None,
        approved_at: None,
        executor_id: None,
        executed_at: None,
        checks_passed: vec![],
        cooling_off_until: None,
        cancel_token_hash: None,
        enrol_token_hash: None,
        enrol_expires_at: None,
        enrol_used_at: None,
        pass_hash: None,
        pass_expires_at: None,
        pass_used_at: None,
        closed_by: None,
        closed_at: None,
        recovery_path: None,
        notice_addresses: None,
    }
}

/// What a refresh token carries from a password-only sign-in `sid` at `now` with scope `openid`.
pub fn a_refresh_grant(sid: &str, now: DateTime<Utc>) -> RefreshGrant {
    RefreshGrant {
        scope: "openid".into(),
        auth_time: now,
        amr: vec!["pwd".into()],
        acr: "urn:gatehouse:acr:password".into(),
        sid: sid.into(),
        dpop_jkt: None,
        resource: None,
    }
}

/// A SAML service provider from its metadata with every option at `gatehouse sp add`'s default: persistent
/// NameIDs, only the assertion signed, no IdP-initiated SSO, every role, no minimum level, no encryption,
/// the default attributes.
pub fn an_sp(metadata: String) -> NewServiceProvider {
    NewServiceProvider {
        metadata,
        name_id_format: None,
        sign_response: false,
        allow_idp_initiated: false,
        allowed_roles: Vec::new(),
        min_acr: None,
        encrypt_assertion: false,
        encryption_method: None,
        attributes: None,
    }
}
