//! Assurance at the authorization endpoint: what level a request needs (`acr_values`, the client's minimum),
//! whether the session has it under the user's current policy, and if not whether one more factor can give it.
//!
//! - `acr_values` naming our levels (`core::policy::assurance::NAMES`: our URNs, `phr`, `phrh`) are a
//!   **requirement**, not a voluntary claim: any listed level is acceptable, so the weakest listed one is needed.
//!   Values that are not ours are ignored.
//! - Each level counts only within its maximum age (`core::policy::acr_age`, RFC 9470) and the request's
//!   `max_age`; the `acr` claimed is the session's standing level in the form the client asked for it
//!   (`assurance::claim`: `acr_values=phr` gets `acr: phr`), and `auth_time` is when that level was proven.
//! - A client's `min_acr` applies to every authorization for it, as if it were always in `acr_values` — at
//!   `/authorize`, and when a user approves a device-flow request for it at `/device`.
//! - The session's level is computed from its `amr` after dropping methods of kinds the user's current role
//!   policy no longer allows, so a role that became stricter applies at the next authorization.
use chrono::{DateTime, Utc};

use super::authorize::Validated;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{Session, User};
use crate::core::oauth::Client;
use crate::core::policy::assurance;
use crate::core::store::Store;
use crate::core::{Result, policy::stepup};

pub use crate::core::policy::stepup::{Assessment, Decision};

impl Assessment {
    /// Records an `oidc.step_up` event: what was asked and needed, what the session had, and `result`
    /// (`prompted`, `interaction_required`, `unmet`).
    pub async fn record(
        &self,
        store: &dyn Store,
        now: DateTime<Utc>,
        origin: &Origin,
        user: &User,
        client_id: &str,
        result: &str,
    ) -> Result<()> {
        let outcome = if result == "prompted" {
            Outcome::Success
        } else {
            Outcome::Denied
        };
        audit::record(
            store,
            now,
            origin,
            AuditKind::OidcStepUp,
            outcome,
            Some(&user.id),
            serde_json::json!({
                "client_id": client_id, "result": result, "acr_requested": self.requested,
                "acr_required": self.required, "session_acr": self.session_acr,
            }),
        )
        .await
    }
}

/// The level the request needs, before any session is known.
pub fn required(request: &Validated) -> (Vec<&'static str>, Option<&'static str>) {
    let requested = assurance::known_levels(request.params.acr_values.as_deref().unwrap_or(""));
    let required = assurance::required(&requested, request.client.min_acr.as_deref());
    (requested, required)
}

pub async fn assess(
    store: &dyn Store,
    now: DateTime<Utc>,
    request: &Validated,
    session: &Session,
    user: &User,
) -> Result<Assessment> {
    let (requested, required) = self::required(request);
    stepup::assess(store, now, requested, required, request.max_age, session, user).await
}

/// The `acr` values a request named (ours, in the form it used) and the client's minimum: what a claim echoes.
pub fn asked<'a>(acr_values: Option<&'a str>, client: &'a Client) -> Vec<&'a str> {
    acr_values
        .unwrap_or("")
        .split_whitespace()
        .chain(client.min_acr.as_deref())
        .filter(|v| assurance::level_named(v).is_some())
        .collect()
}

/// The `acr` to claim for an assessed session.
pub fn claim(assessment: &Assessment, acr_values: Option<&str>, client: &Client) -> String {
    assurance::claim(assessment.session_acr, &asked(acr_values, client)).to_string()
}

/// Whether the session reaches the client's minimum level (device flow: no `acr_values` there).
pub async fn assess_client_minimum(
    store: &dyn Store,
    now: DateTime<Utc>,
    client: &Client,
    session: &Session,
    user: &User,
) -> Result<Assessment> {
    let required = assurance::required(&[], client.min_acr.as_deref());
    stepup::assess(store, now, Vec::new(), required, None, session, user).await
}
