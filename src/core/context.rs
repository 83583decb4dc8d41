//! The per-request context of the authentication core: what a sign-in or enrolment step needs besides its own
//! inputs — storage, mail and SMS, the derived keys, the request's time and origin, and the configured limits.
//! One value built once per request (`http::AppState::core` in the HTTP kit) instead of the same seven or eight
//! arguments threaded through every call, so a function's signature shows what is particular to it.
//!
//! `now` is read once when the context is built: every rule of one request sees the same instant, and tests
//! still move time by moving the clock the context is built from.
//!
//! Not to be confused with two narrower contexts that keep their own shape: `core::recovery::flow::Ctx`
//! (factor-reset requests; carries the recovery settings, also used by the CLI and the sweeper) and
//! `protocols::oidc::tokens::Ctx` (the token endpoint; carries the issuer, signing keys and client cache).
use chrono::{DateTime, Utc};

use super::Keys;
use super::audit::{self, AuditKind, Origin, Outcome};
use super::factors::password::PasswordPool;
use super::notify::{Notifier, SmsGateway};
use super::signin::sessions::rules::SessionLimits;
use super::store::Store;
use super::throttle::Policy;

/// What a request into the core carries: shared services by reference, the request's instant and origin by
/// value or reference, and the policies that decide delays and locks.
#[derive(Clone, Copy)]
pub struct RequestCtx<'a> {
    pub store: &'a dyn Store,
    pub notifier: &'a dyn Notifier,
    pub sms: &'a dyn SmsGateway,
    pub keys: &'a Keys,
    /// The request's time, read once.
    pub now: DateTime<Utc>,
    /// Who is asking (client address, user agent, request id, actor), for the audit log and notices.
    pub origin: &'a Origin,
    /// Browser-session lifetimes for sessions created or promoted by this request.
    pub limits: SessionLimits,
    /// Attempts at one second factor: delays, then a lock.
    pub factor_policy: &'a Policy,
    /// Password attempts per account: delays, then a silent lock.
    pub password_policy: &'a Policy,
    /// The bounded pool every password hash and verification runs on.
    pub passwords: &'a PasswordPool,
}

impl RequestCtx<'_> {
    /// Records an audit event at this request's time and origin (`audit::record`).
    pub async fn audit(
        &self,
        kind: AuditKind,
        outcome: Outcome,
        subject: Option<&str>,
        details: serde_json::Value,
    ) -> super::Result<()> {
        audit::record(self.store, self.now, self.origin, kind, outcome, subject, details).await
    }
}
