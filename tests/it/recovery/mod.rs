//! Second-factor recovery: factor-reset requests, their links and mails, the helpdesk console and its search, the
//! cooling-off, self-service with a backup factor, the `gatehouse recovery` command line.
mod cli;
mod console;
mod delay;
mod links;
pub(crate) mod requests;
mod search;
mod self_service;
mod smtp;
