//! Signing in with a password and what surrounds it: sessions and sign-out, the lockout, reset by mail, role
//! reauthentication limits, trusted browsers, IP rules.
mod ip_rules;
mod login;
mod password_lockout;
mod password_reset;
mod reauth;
pub(crate) mod trusted_devices;
