//! Signing in with a password and what surrounds it: sessions and sign-out, the lockout, reset by mail, role
//! reauthentication limits, trusted browsers, IP rules; the pages in the browser's language.
pub(crate) mod approval;
mod ip_rules;
mod language;
mod login;
mod password_lockout;
mod password_reset;
mod reauth;
pub(crate) mod trusted_devices;
