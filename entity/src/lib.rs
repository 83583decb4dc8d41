//! sea-orm models of Gatehouse's tables. Only data shapes live here; every rule about them lives in
//! `gatehouse::core`, and every query in `gatehouse::store`.
pub mod attempt_counter;
pub mod audit_event;
pub mod authorization_code;
pub mod authorization_request;
pub mod client_assertion;
pub mod consent;
pub mod factor;
pub mod hardware_token;
pub mod issued_token;
pub mod oauth_client;
pub mod one_time_token;
pub mod recovery_code;
pub mod refresh_token;
pub mod role;
pub mod role_policy;
pub mod rp_session;
pub mod session;
pub mod signing_key;
pub mod sms_code;
pub mod user;
pub mod user_role;
pub mod webauthn_ceremony;
