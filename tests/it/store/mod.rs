//! The storage conformance suite: every backend (SQLite always, PostgreSQL when `GATEHOUSE_TEST_DATABASE_URL` is set)
//! must pass it.
mod absences;
mod accounts;
mod approvals;
mod caller_verifications;
pub(crate) mod common;
mod counts;
mod grants;
mod profiles;
mod protocols;
mod throttle;
mod upgrade;
