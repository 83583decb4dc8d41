//! The HTTP kit shared by the first-party pages (`web`) and the protocol endpoints (`protocols`): the state every
//! handler gets, form and query extraction, CSRF, the session cookie, page rendering, the one mapping of errors to
//! responses, middleware, and the sign-out fan-out. It names no page and no protocol, so both sides can use it and
//! neither needs the other; `app` (the composition root) puts them together.
pub mod audit_log;
pub mod brand;
pub mod csrf;
pub mod error;
pub mod flash;
pub mod form;
pub mod locale;
pub mod metrics;
pub mod middleware;
pub mod pages;
pub mod read_deadline;
pub mod session;
pub mod signout;

use std::sync::Arc;

use crate::config::Config;
use crate::core::Keys;
use crate::core::audit::Origin;
use crate::core::clock::Clock;
use crate::core::context::RequestCtx;
use crate::core::factors::password::PasswordPool;
use crate::core::factors::password::links::LinkSettings;
use crate::core::notify::{Notifier, SmsGateway};
use crate::core::recovery;
use crate::core::signin::sessions::SessionLimits;
use crate::core::store::Store;
use crate::core::throttle::Policy;
use signout::SignOutStep;

pub use middleware::{content_security_policy, request_id_header, security_headers};
pub use read_deadline::read_deadline;

/// Everything a request handler may use. Shared, immutable; per-request state lives in the database.
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<dyn Notifier>,
    pub sms: Arc<dyn SmsGateway>,
    /// The WebAuthn relying party; `None` when `public_url`'s host cannot be an RP ID (an IP address).
    pub webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// The attestation trust anchors passkey profiles check against (`webauthn_attestation_ca_paths`,
    /// `webauthn_mds_blob_path`); empty when none are configured.
    pub attestation: Arc<crate::core::factors::webauthn_profile::AttestationTrust>,
    pub keys: Keys,
    pub limits: SessionLimits,
    /// Attempts at one factor: delays, then a lock.
    pub factor_policy: Policy,
    /// Password attempts per account: delays, then a silent lock until a reset or an administrator clears it.
    pub password_policy: Policy,
    pub links: LinkSettings,
    /// Where every password hash and verification runs: a bounded pool (see `core::factors::password::pool`).
    pub passwords: Arc<PasswordPool>,
    /// Factor-reset settings (approval window, cooling-off, identity checks).
    pub recovery: recovery::flow::Settings,
    /// What each protocol does when a browser session ends, in order (see `signout`).
    pub sign_out: Vec<Arc<dyn SignOutStep>>,
    /// Product name, logo and colours of pages and mails.
    pub brand: Arc<brand::Brand>,
}

impl AppState {
    /// The core's context for one request from `origin`: the shared services, the configured limits and
    /// policies, and the time read now, once for the whole request.
    /// Directory provisioning's settings (`core::provisioning`).
    pub fn provisioning_settings(&self) -> crate::core::provisioning::Settings {
        crate::core::provisioning::Settings {
            invitation_ttl: chrono::Duration::days(self.config.invitation_days.into()),
            deletion_retention: chrono::Duration::days(self.config.scim_deletion_retention_days.into()),
            public_url: self.config.public_url.clone(),
        }
    }

    pub fn core<'a>(&'a self, origin: &'a Origin) -> RequestCtx<'a> {
        RequestCtx {
            store: self.store.as_ref(),
            notifier: self.notifier.as_ref(),
            sms: self.sms.as_ref(),
            keys: &self.keys,
            now: self.clock.now(),
            origin,
            limits: self.limits,
            factor_policy: &self.factor_policy,
            password_policy: &self.password_policy,
            passwords: &self.passwords,
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is case-insensitive);
/// `None` when there is none. Each API answers its absence in its own error format.
pub fn bearer_token(req: &actix_web::HttpRequest) -> Option<String> {
    let text = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = text.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// `value` encoded for a query string or form body.
pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
