//! Second factors through the real server: TOTP and recovery codes, SMS, WebAuthn with a software authenticator,
//! hardware OATH tokens.
mod hardware_tokens;
pub(crate) mod passkey_profile;
mod second_factor;
pub(crate) mod sms;
pub(crate) mod webauthn;
