//! The authentication core: accounts, passwords, sign-in, sessions, single-use links and the audit log.
//! No actix and no sea-orm here: storage, mail and time come in through traits so that every rule can be
//! exercised against any backend and any clock.
pub mod accounts;
pub mod audit;
pub mod clock;
pub mod context;
pub mod crypto;
pub mod error;
pub mod factors;
pub mod grants;
pub mod model;
pub mod notify;
pub mod oauth;
pub mod policy;
pub mod recovery;
pub mod saml;
pub mod secrets;
pub mod signin;
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
            sealer: crypto::Sealer::new(master.derive("sealing")),
        }
    }
}
