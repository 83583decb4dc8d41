//! Delivery of notices: mail over SMTP (lettre) or, without SMTP, as .eml files for local runs.
//! SMS: gateway drivers (`sms`).
pub mod mail;
pub mod sms;
