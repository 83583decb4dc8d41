//! The authentication core: accounts, passwords, sign-in, sessions, single-use links and the audit log.
//! No actix and no sea-orm here: storage, mail and time come in through traits so that every rule can be
//! exercised against any backend and any clock.
pub mod accounts;
pub mod audit;
pub mod clock;
pub mod error;
pub mod login;
pub mod model;
pub mod notify;
pub mod password;
pub mod reset;
pub mod secrets;
pub mod sessions;
pub mod store;

pub use error::{Error, Result};
