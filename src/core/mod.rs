//! The authentication core: accounts, passwords, sign-in, sessions, single-use links and the audit log.
//! No actix and no sea-orm here: storage, mail and time come in through traits so that every rule can be
//! exercised against any backend and any clock.
//!
//! Its files import each other in one direction only (`.ci/check-cycles.py` finds any cycle). Bottom up, each
//! layer uses only those before it (a parent file may always use its children):
//!
//! 1. Leaves, which import nothing that reaches the store: `error`, `clock`, `crypto`, `secrets`, `model`,
//!    `notify` (the traits and the notice mail), `oauth`, `saml`, `audit::{event, kind}`, `factors` (the kinds,
//!    `Factor`, what a check answers), `factors::oath_token::{hotp, import, token}`, `factors::password` (the
//!    rules and the hashing pool), `policy` (the role policy and its pure rules), `policy::assurance`,
//!    `signin::ip_rules`, `signin::sessions::rules`, `signin::trusted_devices::device`, and `recovery` (the
//!    factor-reset rules, and `recovery::pass_code`, the temporary access pass as a value).
//! 2. `store`, the storage trait: it speaks only the leaves' shapes.
//! 3. `audit` (writing an event) and `throttle` (attempt counters).
//! 4. `context`, what one request brings.
//! 5. `policy::roles`, then `policy::enforcement`, then `policy::stepup`: reading and applying the role policy; `delegation`,
//!    what an administrator's role lets them do and what their sign-in must be worth.
//! 6. `signin::trusted_devices`, then `grants`, then `signin::sessions` (ending a session ends its grants).
//! 7. `factors::password::lock`, then `accounts`, then `factors::password::links`.
//! 8. `factors::enrolment`, then the kinds: `totp`, `sms`, `oath_token`, `recovery_code`, `webauthn`. A factor
//!    checks and answers; it never calls back into sign-in.
//! 9. `signin::login`, then `signin::second_factor` (which dispatches to the kinds), then `signin::passkey` and
//!    `signin::next_step`.
//! 10. `recovery::search`, `recovery::approver` (the decider's sign-in under their policy), `recovery::routing` (the
//!     approval route applied: `accounts::graph` read, `recovery::route` — a pure leaf — decided, links mailed),
//!     `recovery::flow` and `recovery::enrol` (the enrolment link), which orchestrate over all of the above.
pub mod accounts;
pub mod audit;
pub mod clock;
pub mod context;
pub mod crypto;
pub mod delegation;
pub mod error;
pub mod factors;
pub mod grants;
pub mod model;
pub mod notify;
pub mod number_match;
pub mod oauth;
pub mod policy;
pub mod provisioning;
pub mod recovery;
pub mod saml;
pub mod secrets;
pub mod signin;
pub mod ssf;
pub mod store;
pub mod throttle;

pub use error::{Error, Result};

/// Purpose-specific keys derived from the installation's master key.
#[derive(Clone)]
pub struct Keys {
    pub csrf: [u8; 32],
    pub recovery_codes: [u8; 32],
    pub sms_codes: [u8; 32],
    /// Keys the digests of device-flow user codes: 8 letters are too few to survive a plain hash.
    pub user_codes: [u8; 32],
    /// Derives the persistent SAML NameID of a user at a service provider.
    pub saml_name_id: [u8; 32],
    /// Keys the digests of temporary access passes (`recovery::pass`): ten characters are too few for a plain hash.
    pub temporary_pass: [u8; 32],
    /// Signs the one-time notice a page leaves for the next one (the flash cookie), so a browser cannot make a
    /// page say something it did not.
    pub flash: [u8; 32],
    /// Seals the DPoP nonces (RFC 9449 §8) every instance hands out and accepts: no nonce is stored anywhere.
    pub dpop_nonce: [u8; 32],
    pub sealer: crypto::Sealer,
}

impl Keys {
    pub fn derive(master: &secrets::MasterKey) -> Self {
        Keys {
            csrf: master.derive("csrf"),
            recovery_codes: master.derive("recovery-codes"),
            sms_codes: master.derive("sms-codes"),
            user_codes: master.derive("device-user-codes"),
            saml_name_id: master.derive("saml-persistent-name-id"),
            temporary_pass: master.derive("recovery-temporary-pass"),
            flash: master.derive("flash-notice"),
            dpop_nonce: master.derive("dpop-nonce"),
            sealer: crypto::Sealer::new(master.derive("sealing")),
        }
    }
}
