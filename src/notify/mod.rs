//! Delivery of notices: mail over SMTP (lettre) or, without SMTP, as .eml files for local runs.
//! SMS gateways join here with the second-factor work.
pub mod mail;
