//! Second-factor recovery: factor-reset requests, their links and mails, the helpdesk console and its search, the
//! cooling-off, self-service with a backup factor, the `gatehouse recovery` command line.
mod chain;
mod chain_admin;
pub(crate) mod cli;
pub(crate) mod common;
mod console;
mod delay;
mod export;
mod links;
mod pages;
pub(crate) mod pass;
mod policy;
mod requests;
mod search;
mod self_service;
mod smtp;
mod verify;
mod verify_passkey;
mod ways_back;
